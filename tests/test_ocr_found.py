"""Lines Tesseract gives no words for (ekte.stages.ocr_found): a form strip at
300 dpi with small printed captions and values in a handwriting-like font on
dashed lines, OCRed by the real OCRmyPDF + Tesseract through ekte's OCR with
``ocr.refine`` on and off; and the hOCR surgery on its own."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ekte.stages import ocr_found, ocr_refine

os.environ["OMP_THREAD_LIMIT"] = "1"
SANS = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"
HAND = "/usr/share/fonts/truetype/sjfonts/SteveHand.ttf"  # Debian fonts-sjfonts (family3's hand1)
ROWS = [("Familienname", "Thielking"), ("Geburtstag (TT.MM.JJJJ)", "25.12.1953"),
        ("Reserviertes Kennzeichen", "MU-KP 2744")]

pytestmark = pytest.mark.skipif(not ocr_refine.available(), reason="rapidocr is not installed (requirements.lock)")


def _strip(path: Path) -> Path:
    try:
        label, hand = ImageFont.truetype(SANS, 30), ImageFont.truetype(HAND, 80)
    except OSError:
        pytest.skip("fonts-liberation2 / fonts-sjfonts not installed (make venv installs them)")
    im = Image.new("L", (2480, 900), 240)
    d = ImageDraw.Draw(im)
    for k, (lab, value) in enumerate(ROWS):
        y = 80 + 260 * k
        d.text((180, y), lab, font=label, fill=30)
        d.text((190, y + 60), value, font=hand, fill=40)
        for x in range(180, 1600, 24):  # the dashed line the value is written on
            d.line((x, y + 160, x + 12, y + 160), fill=60, width=3)
    im.filter(ImageFilter.GaussianBlur(0.6)).save(path, dpi=(300, 300))
    return path


@pytest.fixture(scope="module")
def ocred(tmp_path_factory):
    """{refine: (page text, page words)} of the strip through ekte's OCR."""
    from ekte.profile import load_profile
    from ekte.stages import intake
    from ekte.stages.ocr import OcrParams, make_archival_pdf

    tmp = tmp_path_factory.mktemp("found")
    work = tmp / "work.pdf"
    intake.image_to_pdf(_strip(tmp / "strip.png"), work, 300, 250)
    params = OcrParams.from_profile(load_profile())
    out = {}
    for refine in (False, True):
        res = make_archival_pdf(work, tmp / f"out-{refine}.pdf", replace(params, refine=refine), jobs=1)
        out[refine] = (res["page_texts"][0], res["page_words"][0])
    return out


def test_tesseract_gives_no_words_for_the_name_on_its_dashed_line(ocred):
    text, _words = ocred[False]
    assert "Thielking" not in text and "Familienname" not in text


def test_the_lines_without_words_are_found_and_read_below_the_sure_bar(ocred):
    from ekte.stages.extract.checks import MIN_WORD_CONF

    text, words = ocred[True]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert "Thielking" in lines and "Familienname" in lines
    assert lines.index("Familienname") < lines.index("Thielking")  # caption, then its value
    name = [w for w in words if w.text == "Thielking"]
    assert name and ocr_found.MIN_SCORE * ocr_refine.CEILING <= name[0].conf <= ocr_refine.CEILING < MIN_WORD_CONF


def test_a_found_line_goes_before_the_first_line_below_it_and_replaces_garbage_under_it():
    hocr = ("<div class='ocr_page'><p class='ocr_par'>"
            "<span class='ocr_line' id='line_1_1' title=\"bbox 100 100 400 130; x_size 30\">"
            "<span class='ocrx_word' id='word_1_1' title='bbox 100 100 400 130; x_wconf 95'>Familienname</span></span>\n"
            "<span class='ocr_line' id='line_1_2' title=\"bbox 100 200 500 260; x_size 30\">"
            "<span class='ocrx_word' id='word_1_2' title='bbox 120 205 300 255; x_wconf 12'>AS</span></span>\n"
            "<span class='ocr_line' id='line_1_3' title=\"bbox 100 300 400 330; x_size 30\">"
            "<span class='ocrx_word' id='word_1_3' title='bbox 100 300 400 330; x_wconf 93'>Geburtstag</span></span>\n"
            "</p></div>")
    out = ocr_found.insert(hocr, [((110, 195, 520, 265), "Thielking 2", 81.0)])
    words, _ = ocr_refine.hocr_words(out)
    assert [w.text for w in words] == ["Familienname", "Thielking", "2", "Geburtstag"]
    assert words[1].box[0] == 110 and words[2].box[2] == 520 and words[1].box[2] < words[2].box[0]


def test_blobs_chain_into_lines_left_to_right_and_columns_stay_apart():
    blobs = [(100, 100, 130, 150), (140, 105, 170, 150), (180, 100, 260, 152),  # one word
             (1200, 100, 1260, 150),  # another column: far to the right
             (100, 400, 110, 410)]  # a speck: too short for a line
    assert ocr_found.chain(blobs) == [(100, 100, 260, 152), (1200, 100, 1260, 150)]


def test_a_month_read_without_its_umlaut_is_still_a_month():
    from ekte.stages.extract.dates import find_dates, parse_date

    # the recogniser writes "Marz" for "März" (a found line: "Mühlenbeck (Musterland), 31. März 2026")
    assert parse_date("31. Marz 2026") == "31.03.2026"
    assert [d for d, *_ in find_dates("Mohlenbeck (Musterland), 31. Marz 2026")] == ["31.03.2026"]


def test_components_strip_by_strip_are_the_whole_pages():
    """_components labels a page strip by strip (memory, issue 12): every component no
    taller than its bound comes out once with the whole page's box and area — also those
    crossing a strip's edge, starting on it, or joined only above or below it (a ∩ and a
    ∪ whose legs alone lie in one strip)."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(7)
    ink = (rng.random((3 * ocr_found.STRIP + 77, 600)) < 0.02).astype(np.uint8)  # specks
    for y in (ocr_found.STRIP - 1, ocr_found.STRIP, 2 * ocr_found.STRIP - 3):  # letters on the edges
        ink[y - 5:y + 9, 40:48] = 1
        ink[y:y + 30, 100:104] = 1
    s = 2 * ocr_found.STRIP
    ink[s - 20:s - 17, 200:240] = 1  # ∩: its arch above the edge, its legs below it
    ink[s - 20:s + 40, 200:203] = ink[s - 20:s + 40, 237:240] = 1
    ink[s + 60:s + 63, 300:340] = 1  # ∪ under the next strip's start
    ink[s - 10:s + 63, 300:303] = ink[s - 10:s + 63, 337:340] = 1
    ink[10:400, 500:503] = 1  # a rule taller than the bound
    tall = 100
    n, _lab, stats, _c = cv2.connectedComponentsWithStats(ink, connectivity=8)
    whole = sorted(tuple(int(v) for v in st) for st in stats[1:n] if st[3] <= tall - 2)
    strips = sorted(tuple(int(v) for v in c) for c in ocr_found._components(ink, tall) if c[3] <= tall - 2)
    assert strips == whole
    assert any(c[1] < s <= c[1] + c[3] and c[3] >= 60 for c in strips)  # the ∩ and ∪ whole


def test_flat_strokes_dropped_strip_by_strip_as_on_the_whole_page():
    """_drop_flat opens the ink strip by strip (memory, issue 12): the same pixels as
    opening the whole page at once — rules and dashes across a strip's edge, thick
    strokes beside them, pages not a whole number of strips high, at several dpi."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(11)
    for dpi in (150, 300, 400):
        h = 3 * ocr_found.STRIP + int(rng.integers(1, 200))
        ink = (rng.random((h, 700)) < 0.25).astype(np.uint8)
        for _ in range(40):  # rules, dashes and blocks, some on a strip's edge
            y, x = int(rng.integers(0, h)), int(rng.integers(0, 700))
            ink[y:y + int(rng.integers(1, 14)), x:x + int(rng.integers(5, 250))] = 1
        for y in (ocr_found.STRIP - 2, 2 * ocr_found.STRIP):
            ink[y:y + 3, 50:600] = 1
        flat = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, round(dpi / 12)), 1)))
        thin = cv2.morphologyEx(flat, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(2, round(dpi / 60)))))
        whole = ink - flat + thin
        ocr_found._drop_flat(ink, dpi)
        assert np.array_equal(ink, whole) and 0 < int(whole.sum()) < int((flat + ink).sum())
