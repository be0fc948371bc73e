"""Received stamps without a frame, found by their keyword (ekte.stages.ocr_stamp_words), and
what a scan's OCR does to running text and towns (issue 10 on scans, branch scans32).

A 300-dpi page with printed questions and an unframed received stamp
("Zugegangen am 06.05.2026", bold, grey ink, turned 8 and -6 degrees) goes
through ekte's OCR — the real OCRmyPDF + Tesseract — with ``ocr.stamps`` on
and off: the page's own pass splits or misreads the turned date, the keyword's
region read levelled gives it whole.  The extraction rules are checked on the
text and word boxes a real Tesseract gave for dev-family scans."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ekte.stages import ocr_stamp_words

os.environ["OMP_THREAD_LIMIT"] = "1"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
STAMP = "Zugegangen am 06.05.2026"
LINES = ["Antrag auf Eingliederungshilfe nach Teil 2 SGB IX", "1. Wie heißt die Person mit Familiennamen?",
         "Antwort: Rauscher", "2. Welche Vornamen hat die Person?", "Antwort: Hubert",
         "3. An welchem Tag ist die Person geboren?", "Antwort: 29. Juli 1962"]


def _page(path: Path, angle: float) -> Path:
    try:
        font, bold = ImageFont.truetype(SANS, 42), ImageFont.truetype(BOLD, 46)
    except OSError:
        pytest.skip("fonts-dejavu not installed")
    im = Image.new("L", (2480, 1400), 242)
    d = ImageDraw.Draw(im)
    for k, s in enumerate(LINES):
        d.text((200, 120 + 130 * k), s, font=font, fill=25)
    mask = Image.new("L", (int(d.textlength(STAMP, font=bold)) + 40, 90), 0)
    ImageDraw.Draw(mask).text((20, 15), STAMP, font=bold, fill=255)
    mask = mask.rotate(angle, expand=True, resample=Image.BICUBIC)
    im.paste(Image.new("L", mask.size, 70), (1300, 560), mask)  # a coloured stamp's ink, grey on the scan
    im.filter(ImageFilter.GaussianBlur(0.7)).save(path, dpi=(300, 300))
    return path


@pytest.fixture(scope="module")
def ocred(tmp_path_factory):
    """{(angle, stamps): page text} of the page through ekte's OCR."""
    from ekte.profile import load_profile
    from ekte.stages import intake
    from ekte.stages.ocr import OcrParams, make_archival_pdf

    tmp = tmp_path_factory.mktemp("stampwords")
    params = OcrParams.from_profile(load_profile())
    out = {}
    for angle in (8, -6):
        work = tmp / f"work{angle}.pdf"
        intake.image_to_pdf(_page(tmp / f"p{angle}.png", angle), work, 300, 250)
        for stamps in (False, True):
            # (the stamp step alone: ocr.regions, on by default, reads a date after its label again too)
            res = make_archival_pdf(work, tmp / f"out{angle}{stamps}.pdf", replace(params, stamps=stamps, regions=False),
                                    jobs=1)
            out[(angle, stamps)] = res["page_texts"][0]
        both = make_archival_pdf(work, tmp / f"out{angle}both.pdf", params, jobs=1)  # the defaults: stamps, regions
        out[(angle, "both")] = both["page_texts"][0]
    return out


def _received(text: str) -> set[str]:
    from ekte.stages.extract.patterns import stamp_candidates

    return {c.value for c in stamp_candidates(0, text) if c.field == "eingangsdatum"}


@pytest.mark.parametrize("angle", [8, -6])
def test_the_pages_own_pass_loses_the_turned_date(ocred, angle):
    assert "06.05.2026" not in _received(ocred[(angle, False)])


@pytest.mark.parametrize("angle", [8, -6])
def test_the_keywords_region_read_levelled_gives_the_date(ocred, angle):
    text = ocred[(angle, True)]
    assert STAMP in text
    assert "06.05.2026" in _received(text)


@pytest.mark.parametrize("angle", [8, -6])
def test_with_regions_on_too_the_stamps_date_is_in_the_text_once(ocred, angle):
    """lows36: the page's pass read the turned date split ("06.05 2026"), the stamp step put "06.05.2026" in, and
    ``ocr.regions`` read the split one again — "Zugegangen am a 06.05.2026 06.05.2026" at -6 degrees."""
    text = ocred[(angle, "both")]
    assert "06.05.2026" in _received(text) and text.count("06.05.2026") == 1, text


def test_the_turn_of_a_keyword_is_measured_from_its_letters(tmp_path):
    import numpy as np

    for angle in (8, -6):
        im = Image.open(_page(tmp_path / f"p{angle}.png", angle))
        gray = np.asarray(im)
        ys, xs = np.nonzero(gray[500:900, 1250:2400] < 140)
        box = (1250 + int(xs.min()), 500 + int(ys.min()), 1250 + int(xs.min()) + 380, 500 + int(ys.max()))
        got = ocr_stamp_words.turn(gray, box, 300)
        assert got is not None and abs(got[0] - angle) < 2.0, got


def test_running_text_as_tesseract_reads_a_filled_in_gap():
    """"Ich, _ Sandra Nguyen , geboren am _ 04.05.1971" (family6 seed 1's scans): the blank's
    underline as "_", a space before the comma after a value in another font."""
    from ekte.stages.extract.prose import prose_candidates

    text = ("Ich, _ Sandra Nguyen , geboren am _ 04.05.1971 , wohnhaft in Talstr. 10 ,\n"
            "05770 Pöhla , telefonisch erreichbar\n")
    got = {c.field: c.value for c in prose_candidates(0, text) if c}
    assert got["vorname"] == "Sandra" and got["nachname"] == "Nguyen"
    assert got["geburtsdatum"] == "04.05.1971"
    assert got["strasse"] == "Talstr. 10" and got["plz"] == "05770" and got["ort"] == "Pöhla"


def test_a_street_with_the_running_texts_in_before_it_is_cut_and_never_sure():
    from ekte.stages.extract import values as V

    p = V.v_strasse("in Erzgebirgsweg 88b")
    assert p.value == "Erzgebirgsweg 88b" and p.ok and p.repaired
    assert not V.v_strasse("Erzgebirgsweg 88b").repaired
    assert V.v_strasse("Im Winkel 3").value == "Im Winkel 3"


def _row(words):
    from ekte.stages.layout import Word, rows

    ws, k = [], 0
    for text, x0, x1, conf in words:
        ws.append(Word(text, x0, 185.5, x1, 195.6, k, k + len(text), conf))
        k += len(text) + 1
    return rows(ws)[0]


def test_a_town_cut_after_its_particle_by_ink_tight_word_boxes_goes_on():
    """The word boxes Tesseract gave for "Anschrift ......... : Schulberg 81, 08204 Neustadt a. d. Orla"
    (family6 seed 1, f6-015's scan): the gaps after "a." and "d." split the row's cells."""
    from ekte.stages.extract.continued import beside

    row = _row([("Anschrift", 53.3, 114.6, 83.0), (".........", 118.4, 153.6, 83.0), (":", 157.7, 158.9, 90.0),
                ("Schulberg", 166.8, 214.3, 92.0), ("81,", 221.0, 234.2, 95.0), ("08204", 242.6, 268.8, 96.0),
                ("Neustadt", 275.0, 316.8, 96.0), ("a.", 323.8, 331.7, 92.0), ("d.", 339.8, 348.0, 92.0),
                ("Orla", 355.9, 377.0, 92.0)])
    assert [" ".join(w.text for w in c) for c in row.cells][-3:] == ["08204 Neustadt a.", "d.", "Orla"]
    value = [w for w in row.words if w.text in ("Schulberg", "81,")]
    text, end = beside(row, value, "Schulberg 81,", "anschrift")
    assert text == "Schulberg 81, 08204 Neustadt a. d. Orla" and end == row.words[-1].end


def test_a_town_ending_in_a_particle_is_never_sure():
    from ekte.stages.extract.candidates import Cand
    from ekte.stages.extract.checks import type_ok

    def cand(v):
        return Cand("ort", v, 0, 0, len(v), "right", 1.0, True, False, "applicant")

    assert not type_ok(cand("Neustadt a.")) and not type_ok(cand("Frankfurt am"))
    assert type_ok(cand("Neustadt a. d. Orla")) and type_ok(cand("Halle (Saale)"))


def test_a_labels_remark_glued_to_the_file_number_is_cut_and_never_sure():
    """"Aktenzeichen (bitte angeben) 527/18-OA-2026" as Tesseract read it on family4 seed 1's scan f4-016."""
    from ekte.stages.extract import values as V

    p = V.v_aktenzeichen("(bitte angebe527/18-OA-2026")
    assert p.value == "527/18-OA-2026" and p.ok and p.repaired
    assert not V.v_aktenzeichen("(bitte angeben) 527/18-OA-2026").repaired
