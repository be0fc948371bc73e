"""Received stamps read again on their own (ekte/stages/ocr_stamp.py): a
constructed 300 dpi page with black text and a coloured stamp, turned 7
degrees, printed over the text; real OpenCV, real Tesseract."""

from __future__ import annotations

import re

import pytest
from PIL import Image, ImageDraw, ImageFont

from ekte.stages import ocr_stamp
from ekte.stages.extract import patterns

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
RED = (185, 30, 40)


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        pytest.skip("DejaVu fonts not installed (make venv installs them)")


def _stamp(angle: float) -> Image.Image:
    """A red framed stamp (about 55 x 22 mm at 300 dpi), turned *angle* degrees, on transparency."""
    im = Image.new("RGBA", (650, 260), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rectangle((6, 6, 643, 253), outline=RED + (255,), width=6)
    d.text((325, 85), "EINGEGANGEN", font=_font(FONT, 58), fill=RED + (255,), anchor="mm")
    d.text((325, 175), "06. JAN. 2026", font=_font(BOLD, 62), fill=RED + (255,), anchor="mm")
    return im.rotate(angle, expand=True, resample=Image.BICUBIC)


def _page(angle: float = 7.0, level_box: bool = False) -> Image.Image:
    page = Image.new("RGB", (1700, 1400), "white")
    d = ImageDraw.Draw(page)
    font = _font(FONT, 40)
    for k in range(12):
        d.text((120, 100 + 95 * k), f"Zeile {k + 1}: Antrag auf Erteilung einer Erlaubnis nach § {k + 3}",
               font=font, fill="black")
    if level_box:  # a form's box of stamp size, level with the page
        d.rectangle((150, 1000, 800, 1250), outline="black", width=5)
    if angle is not None:
        page.paste(_stamp(angle), (850, 300), _stamp(angle))  # over lines 3 to 7
    page.info["dpi"] = (300, 300)
    return page


def _stamp_text(hocr: str) -> str:
    from ekte.stages.ocr_refine import hocr_words

    words, _spans = hocr_words(hocr)
    lines: dict[tuple, list[str]] = {}
    for w in words:
        if "stamp" in w.line[0]:
            lines.setdefault(w.line, []).append(w.text)
    return "\n".join(" ".join(ws) for ws in lines.values())


def test_the_turned_stamp_is_found_on_a_colour_and_on_a_grey_page():
    for image in (_page(), _page().convert("L")):
        found = ocr_stamp.find(ocr_stamp.ink(image), 300)
        assert len(found) == 1
        s = found[0]
        assert abs(abs(s.angle) - 7.0) < 1.0
        assert 800 < s.cx < 1700 and 250 < s.cy < 850
        assert 560 < s.w < 720 and 200 < s.h < 300


def test_a_level_form_box_and_a_page_without_a_stamp_give_nothing():
    assert ocr_stamp.find(ocr_stamp.ink(_page(angle=None, level_box=True)), 300) == []
    # a frame turned as much as the page's text is the page's (a form's box on a skewed scan)
    gray = ocr_stamp.ink(_page())
    angle = ocr_stamp.find(gray, 300)[0].angle
    assert ocr_stamp.find(gray, 300, page_angle=angle + 0.5) == []
    assert len(ocr_stamp.find(gray, 300, page_angle=angle + 2.0)) == 1


def test_the_stamp_is_read_level_and_its_date_found():
    pytest.importorskip("tesserocr")
    head = "<div class='ocr_page' id='page_1' title='bbox 0 0 1700 1400'>\n</div>\n"
    hocr, n = ocr_stamp.stamp_page(head, _page(), 0.0, "deu")
    assert n == 1
    text = _stamp_text(hocr)
    assert "EINGEGANGEN" in text and "2026" in text
    assert {c.value for c in patterns.stamp_candidates(1, text)} == {"06.01.2026"}
    # the words lie where the stamp is on the page
    assert hocr.index("stamp_0_0") > hocr.index("page_1") and hocr.rstrip().endswith("</div>")
    for m in re.finditer(r"id='stamp_0_0_\d+_\d+' title='bbox (\d+) (\d+) (\d+) (\d+)", hocr):
        x0, y0, x1, y1 = map(int, m.groups())
        assert 820 <= x0 < x1 <= 1600 and 260 <= y0 < y1 <= 760


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_the_page_keeps_its_reading_when_the_search_fails():
    bad = Image.new("RGB", (0, 0))  # no pixels: OpenCV refuses it
    assert ocr_stamp.stamp_page("<div class='ocr_page'></div>", bad, 0.0, "deu") == ("<div class='ocr_page'></div>", -1)


def test_without_the_stamp_pass_tesseract_misses_the_date():
    """What the pass is for: the page read level does not give the received date."""
    tesserocr = pytest.importorskip("tesserocr")
    from ekte.stages.tess_engine import set_image, tessdata

    with tesserocr.PyTessBaseAPI(path=tessdata() or "", lang="deu") as api:
        set_image(api, _page().convert("L"))
        api.SetSourceResolution(300)
        text = api.GetUTF8Text()
    assert "06.01.2026" not in {c.value for c in patterns.stamp_candidates(1, text)}


def test_ink_is_255_minus_twice_the_saturation_in_8_bits():
    """The 8-bit ink (issue 12: no 16-bit copies of a page's three planes)
    gives what the 16-bit formula gives: a colour page (the stamp's red,
    every saturation), a grey page kept in RGB, a palette page, a grey one."""
    import numpy as np

    def sixteen_bits(image):
        if image.mode == "L":
            return np.asarray(image)
        rgb = np.asarray(image.convert("RGB")).astype(np.int16)
        sat = rgb.max(axis=2) - rgb.min(axis=2)
        if (sat > 80).mean() < 0.0005:
            return np.asarray(image.convert("L"))
        return (255 - np.clip(sat * 2, 0, 255)).astype(np.uint8)

    noise = Image.fromarray(np.random.default_rng(3).integers(0, 256, (300, 256, 3), dtype=np.uint8))
    grey_rgb = _page().convert("L").convert("RGB")
    for image in (_page(), noise, grey_rgb, _page().convert("P"), _page().convert("L")):
        got = ocr_stamp.ink(image)
        assert got.dtype == np.uint8 and np.array_equal(got, sixteen_bits(image)), image.mode
    assert ocr_stamp.ink(_page()).min() < 60  # the red stamp dark
    assert np.array_equal(ocr_stamp.ink(grey_rgb), np.asarray(grey_rgb.convert("L")))  # a grey page as it is
