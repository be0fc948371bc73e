"""Grid lines and box borders out of the image Tesseract reads (ekte.stages.gridlines),
on constructed pages, read by the real Tesseract."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ekte.stages import gridlines

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PAPER, INK = 235, 20


def _font(size: int = 42):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        pytest.skip("DejaVu fonts not installed (make venv installs them)")


def _form() -> tuple[Image.Image, Image.Image]:
    """A form strip at 300 dpi: a birth date in character boxes and two
    bordered cells; returns (page, the same page's text without lines)."""
    font = _font()
    page, text = (Image.new("L", (2480, 700), PAPER) for _ in range(2))
    for im, lines in ((page, True), (text, False)):
        d = ImageDraw.Draw(im)
        x = 200
        for ch in "29051977":
            if lines:
                d.rectangle((x, 200, x + 60, 280), outline=INK, width=3)
            d.text((x + 16, 212), ch, font=font, fill=INK)
            x += 60
        if lines:
            d.rectangle((150, 400, 1200, 520), outline=INK, width=3)
            d.rectangle((1200, 400, 2300, 520), outline=INK, width=3)
        d.text((165, 440), "Holunderstieg 122a", font=font, fill=INK)
        d.text((1212, 440), "Rabenstein", font=font, fill=INK)
    return page, text


def test_the_lines_are_painted_over_and_the_letters_kept():
    page, text = _form()
    cleaned = np.asarray(gridlines.remove_lines(page))
    ink = np.asarray(text) < 128
    line = (np.asarray(page) < 128) & ~ink
    assert line.sum() > 5000
    assert (cleaned[line] < 128).mean() < 0.02  # (nearly) every line pixel is paper now
    assert (cleaned[ink] < 128).mean() > 0.97  # the letters are as they were, but where a border touches them


def test_a_page_without_lines_is_returned_as_it_is():
    _page, text = _form()
    assert gridlines.remove_lines(text) is text
    blank = Image.new("L", (300, 200), PAPER)
    assert gridlines.remove_lines(blank) is blank


def test_a_colour_page_comes_back_grey_and_of_the_same_size():
    page, _text = _form()
    out = gridlines.remove_lines(page.convert("RGB"))
    assert out.mode == "L" and out.size == page.size


def _read(image: Image.Image) -> str:
    tesserocr = pytest.importorskip("tesserocr")
    from ekte.stages.tess_engine import set_image, tessdata

    with tesserocr.PyTessBaseAPI(path=tessdata(), lang="deu", psm=tesserocr.PSM.AUTO) as api:
        set_image(api, image)
        api.SetSourceResolution(300)
        return "".join(api.GetUTF8Text().split())


def test_tesseract_reads_a_date_in_character_boxes_once_the_boxes_are_gone():
    page, _text = _form()
    before, after = _read(page), _read(gridlines.remove_lines(page))
    assert "2905" not in before or "1977" not in before  # the boxes' borders read as characters
    assert "2905" in after and "1977" in after
    assert "Holunderstieg122a" in after and "Rabenstein" in after


def test_the_engine_reads_the_cleaned_image(tmp_path):
    """tess_engine's OCR pass takes the lines out (its setting), the
    archived image is left alone (only what Tesseract reads changes)."""
    pytest.importorskip("tesserocr")
    from types import SimpleNamespace

    from ekte.stages import tess_engine

    page, _text = _form()
    src = tmp_path / "000001_page.png"
    page.save(src, dpi=(300, 300))
    opts = SimpleNamespace(languages=["deu"], tesseract=SimpleNamespace(pagesegmode=None, timeout=60))
    try:
        tess_engine.configure(remove_lines=False, orientation_gate=0)
        raw = "".join(tess_engine.ocr_image(src, opts, 1)[1].split())
        tess_engine.configure(remove_lines=True)
        clean = "".join(tess_engine.ocr_image(src, opts, 1)[1].split())
    finally:
        tess_engine.configure(remove_lines=False, orientation_gate=70.0)
    assert "2905" in clean and "1977" in clean and clean != raw
    assert np.array_equal(np.asarray(Image.open(src)), np.asarray(page))


def test_long_runs_done_in_strips_are_the_page_s():
    """Rows are independent: strip by strip (issue 12: the running sums of a
    strip, not of the page) gives the mask the whole page gives."""
    import numpy as np

    from ekte.stages import gridlines

    rng = np.random.default_rng(7)
    dark = rng.random((1754, 1240)) < 0.7  # runs of every length
    dark[100:103, 50:1200] = True  # a rule
    dark[:, 600] = True  # a rule down the page, across every strip
    for n in (20, 31, 62):
        whole = gridlines._long_runs_strip(dark, n)
        assert np.array_equal(gridlines._long_runs(dark, n), whole)
        down = np.ascontiguousarray(dark.T)
        assert np.array_equal(gridlines._long_runs(down, n), gridlines._long_runs_strip(down, n))
    assert whole[101, 50:1200].all() and whole[:, 600].sum() == 3  # along rows: the rule across, not the one down
