"""A value's region read again (ekte/stages/ocr_region.py, ``ocr.regions``): a
constructed 300 dpi form page whose values are printed small and scanned at low
resolution (reduced and enlarged again), so Tesseract's page pass misreads a
signature date and an IBAN's check digits; real Tesseract through the OCR
engine's page function, with the step on and off."""

from __future__ import annotations

import types

import pytest
from PIL import Image, ImageDraw, ImageFont

from ekte.stages import ocr_region, tess_engine
from ekte.stages.ocr_refine import OcrWord, hocr_words

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ROWS = [("Geburtsdatum:", "26.02.1964"), ("PLZ:", "39705"), ("Ort, den", "24.07.2026"),
        ("IBAN:", "DE65 5927 1785 3880 6218 14")]


def _font(size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        pytest.skip("DejaVu fonts not installed (make venv installs them)")


def _page(size: int, scale: float) -> Image.Image:
    """Labels at 36 px, values at *size* px, the page reduced to *scale* and enlarged again (a poor scan)."""
    im = Image.new("L", (1700, 700), 255)
    d = ImageDraw.Draw(im)
    d.text((100, 60), "Antrag auf Erteilung einer Erlaubnis nach dem Gesetz", font=_font(36), fill=0)
    for k, (label, value) in enumerate(ROWS):
        d.text((100, 180 + 110 * k), label, font=_font(36), fill=0)
        d.text((420, 180 + 110 * k + 36 - size), value, font=_font(size), fill=0)
    im = im.resize((int(1700 * scale), int(700 * scale)), Image.BILINEAR).resize((1700, 700), Image.BILINEAR)
    im.info["dpi"] = (300, 300)
    return im


def _hocr(tmp_path, image: Image.Image, regions: bool) -> str:
    """The page's hOCR through the OCR engine's page function (refine and stamps off: Tesseract alone)."""
    pytest.importorskip("tesserocr")
    path = tmp_path / "000001_ocr.png"
    image.save(path, dpi=(300, 300))
    opts = types.SimpleNamespace(languages=["deu"], tesseract=types.SimpleNamespace(pagesegmode=None, timeout=60))
    tess_engine.configure(refine=False, stamps=False, regions=regions, orientation_gate=0)
    try:
        hocr, _text, _facts = tess_engine.ocr_image(path, opts, 1)
    finally:
        tess_engine.configure(refine=True, stamps=False, regions=False, orientation_gate=70.0)
    return hocr


def _read(tmp_path, image: Image.Image, regions: bool) -> list[tuple[str, int]]:
    return tess_engine.hocr_words(_hocr(tmp_path, image, regions))


def test_a_misread_signature_date_is_read_again_from_its_region(tmp_path):
    page = _page(14, 0.4)
    off = dict(_read(tmp_path, page, False))
    assert "24.07.2026" not in off  # the page pass misreads it ("2u07.2008")
    on = dict(_read(tmp_path, page, True))
    assert "24.07.2026" in on
    assert on["24.07.2026"] <= ocr_region.CEILING  # its shape is proven, not its digits: never sure


def test_an_iban_with_misread_check_digits_is_read_again_and_proven(tmp_path):
    page = _page(20, 0.5)
    off = [w for w, _c in _read(tmp_path, page, False)]
    assert "DE65592717853880621814" not in off and not any(ocr_region.valid("iban", w) for w in off)
    on = dict(_read(tmp_path, page, True))
    assert "DE65592717853880621814" in on  # mod 97 proves it: its confidence is the reading's


def _w(text: str, x: int, line: str = "l1", conf: float = 90) -> OcrWord:
    return OcrWord(text, conf, (x, 100, x + 20 * len(text), 140), (line,))


def test_targets_are_values_that_fail_their_check_and_labels_without_a_value():
    ok = [_w("Geburtsdatum:", 0), _w("26.02.1964", 300), _w("PLZ:", 0, "l2"), _w("39705", 120, "l2")]
    assert ocr_region.targets(ok, 2000) == []
    bad = [_w("Ort,", 0), _w("den", 100), _w("24.7.202", 200), _w("PLZ:", 0, "l2"), _w("8676", 120, "l2"),
           _w("Datum:", 0, "l3"), _w("wohnhaft", 0, "l4"), _w("am", 200, "l4"), _w("Item", 0, "l5"), _w("1", 100, "l5")]
    found = ocr_region.targets(bad, 2000)
    assert [(t.kind, [bad[i].text for i in t.replace]) for t in found] == [
        ("date", ["24.7.202"]), ("plz", ["8676"]), ("date", [])]  # running text's "am" at a line's end: none
    assert found[2].box[0] > bad[5].box[2]  # the missing date: right of its label
    # an address's PLZ with a digit lost, between its comma and its town; a house number is none
    address = [_w("Lindenweg", 0), _w("4a,", 200), _w("8676", 300), _w("Musterstadt", 400)]
    assert [t.kind for t in ocr_region.targets(address, 2000)] == ["plz"]
    assert ocr_region.targets([_w("Lindenweg", 0), _w("4a,", 200), _w("86676", 300), _w("Musterstadt", 400)], 2000) == []
    many = [_w(f"{k:02d}.1.20U", 0, f"l{k}") for k in range(1, 12)] + [_w("1.2.3", 0, "l99"), _w("12.3.26", 0, "l98")]
    assert len(ocr_region.targets(many, 2000)) == ocr_region.MAX_PER_PAGE
    # an item's number and a date with a 2-digit year (extraction takes it) are not read again
    assert ocr_region.targets([_w("1.2.3", 0), _w("Datum:", 0, "l2"), _w("12.3.26", 200, "l2")], 2000) == []


def test_only_a_reading_that_passes_its_check_is_taken():
    assert ocr_region.valid("date", "24.07.2026") == "24.07.2026"
    assert ocr_region.valid("date", "31.02.2026") is None and ocr_region.valid("date", "24.07.202") is None
    assert ocr_region.valid("plz", "3970") is None and ocr_region.valid("plz", "39705") == "39705"
    assert ocr_region.valid("iban", "DE65592717853880621814") and not ocr_region.valid("iban", "DE64592717853880621814")


def test_the_page_keeps_its_reading_when_the_step_fails():
    hocr = ("<span class='ocr_line' id='line_1_1'><span class='ocrx_word' id='word_1_1' title='bbox 0 0 50 20;"
            " x_wconf 90'>Datum:</span></span>")
    assert ocr_region.region_page(hocr, None, "deu") == (hocr, -1)  # no image: it fails, one warning line
    assert hocr_words(hocr)[0][0].text == "Datum:"


def test_after_region_reads_the_shared_handle_reads_letters_again(tmp_path):
    """The region reads set a character whitelist (digits) on the page pass's handle (one per language): the
    next page through the same handle must read its words, not digits only."""
    page = _page(14, 0.4)
    on = [w for w, _c in _read(tmp_path, page, True)]
    assert "24.07.2026" in on  # regions were read on the handle
    after = [w for w, _c in _read(tmp_path, page, False)]
    assert {"Antrag", "Erlaubnis", "Geburtsdatum:"} <= set(after), after


def test_the_region_reads_share_the_pages_ocr_time(tmp_path):
    """Each region read had 5 s of its own on top of the page's OCR timeout; now they stop where the page's
    time ends (the deadline ocr_image gives them): a spent budget reads nothing and leaves the page as read."""
    import time

    page = _page(14, 0.4)
    hocr = _hocr(tmp_path, page, regions=False)
    path = tmp_path / "000001_ocr.png"
    opts = types.SimpleNamespace(languages=["deu"], tesseract=types.SimpleNamespace(pagesegmode=None, timeout=60))
    assert ocr_region.targets(hocr_words(hocr)[0], page.width)  # regions to read
    t0 = time.process_time()
    assert ocr_region.region_page(hocr, page, "deu", deadline=time.monotonic()) == (hocr, 0)
    assert time.process_time() - t0 < 0.5
    got, n = ocr_region.region_page(hocr, page, "deu", deadline=time.monotonic() + 60)
    assert n >= 1 and "24.07.2026" in got
    # and through the page pass: ocr_image gives the region step the page's deadline (its start + the timeout),
    # not None (5 s per read of their own again)
    seen, real = [], ocr_region.region_page

    def spy(*a, **kw):
        seen.append(a[4] if len(a) > 4 else kw.get("deadline"))
        return real(*a, **kw)

    opts.tesseract.timeout = 45
    tess_engine.configure(refine=False, stamps=False, regions=True, orientation_gate=0)
    ocr_region.region_page = spy
    try:
        t0 = time.monotonic()
        hocr, _text, facts = tess_engine.ocr_image(path, opts, 1)
        t1 = time.monotonic()
    finally:
        ocr_region.region_page = real
        tess_engine.configure(refine=True, stamps=False, regions=False, orientation_gate=70.0)
    assert len(seen) == 1 and seen[0] is not None and t0 + 45 <= seen[0] <= t1 + 45, (seen, t0, t1)
    assert facts["regions"] >= 1 and "24.07.2026" in hocr
