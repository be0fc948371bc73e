"""A scanned page decoded for OCR instead of rendered (issue 12: the worker's
memory peak).  Checked against PDFium's rendering of the same page: the same
size, the same picture (compared blurred: PDFium resamples by a fraction of
a pixel), the content turned the way PDFium turns it."""

import types
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import ImageChops, ImageFilter, ImageStat

from ekte.stages import geometry, page_raster, tess_engine
from helpers import SAMPLES

SCAN = SAMPLES / "inbox" / "scan-bauantrag-001-scanpdf.pdf"
DPI = 150


def _pdfium(path: Path) -> object:
    doc = pdfium.PdfDocument(str(path))
    try:
        return doc[0].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()


def _distance(a: object, b: object) -> float:
    w, h = min(a.size[0], b.size[0]), min(a.size[1], b.size[1])
    blur = ImageFilter.GaussianBlur(2)
    d = ImageChops.difference(a.crop((0, 0, w, h)).filter(blur), b.crop((0, 0, w, h)).filter(blur))
    return ImageStat.Stat(d).mean[0]


def _ours(path: Path) -> object:
    im = page_raster.page_image(path, 1, (DPI, DPI), False)
    assert im is not None, path
    return im


def test_a_scan_page_is_decoded_to_the_picture_pdfium_renders():
    ours, ref = _ours(SCAN), _pdfium(SCAN)
    assert ours.mode == "L" and abs(ours.size[0] - ref.size[0]) <= 2 and ours.size[1] == ref.size[1]
    assert _distance(ours, ref) < 3


@pytest.mark.parametrize("turn,skew", [(0, 8.0), (0, -8.0), (90, 0.0), (180, 0.0), (270, 5.0)])
def test_turned_and_levelled_pages_are_placed_as_pdfium_places_them(tmp_path, turn, skew):
    src = tmp_path / "levelled.pdf"
    assert geometry.level_pages(SCAN, src, {1: turn}, {1: skew})
    ours, ref = _ours(src), _pdfium(src)
    assert sorted(ours.size) == sorted(ref.size) or abs(ours.size[0] - ref.size[0]) <= 2
    right = _distance(ours, ref)
    wrong = tmp_path / "wrong.pdf"  # the other way round: the comparison can fail
    geometry.level_pages(SCAN, wrong, {1: -turn}, {1: -skew} if skew else {1: 12.0})
    assert right < 5 and right < _distance(ours, _pdfium(wrong)) - 2


def test_pages_that_are_not_one_plain_jpeg_are_left_to_the_renderer(tmp_path):
    born = SAMPLES / "inbox" / "bauantrag-002-pdf.pdf"
    assert page_raster.page_image(born, 1, (DPI, DPI), False) is None  # text and drawings
    with pikepdf.open(SCAN) as pdf:
        image = pdf.pages[0].Resources.XObject[next(iter(pdf.pages[0].Resources.XObject.keys()))]
        image.Decode = pikepdf.Array([1, 0])  # inverted: pixels are not what the JPEG holds
        pdf.save(tmp_path / "decode.pdf")
    assert page_raster.page_image(tmp_path / "decode.pdf", 1, (DPI, DPI), False) is None
    with pikepdf.open(SCAN) as pdf:
        pdf.pages[0].contents_add(pikepdf.Stream(pdf, b"0 0 m 100 100 l S"))  # a line beside the image
        pdf.save(tmp_path / "line.pdf")
    assert page_raster.page_image(tmp_path / "line.pdf", 1, (DPI, DPI), False) is None


def test_the_engine_rasterises_a_scan_page_itself_and_others_not(tmp_path):
    res = types.SimpleNamespace(x=float(DPI), y=float(DPI))
    options = types.SimpleNamespace(ocr_engine=tess_engine.NAME)
    out = tmp_path / "page.png"
    got = tess_engine.rasterize_pdf_page(input_file=SCAN, output_file=out, raster_device="pnggray", raster_dpi=res,
                                         pageno=1, page_dpi=res, rotation=0, filter_vector=False,
                                         stop_on_soft_error=True, options=options, use_cropbox=False)
    assert got == out and out.exists()
    from PIL import Image

    with Image.open(out) as im:
        assert im.mode == "L" and round(im.info["dpi"][0]) == DPI and _distance(im, _pdfium(SCAN)) < 3
    born = SAMPLES / "inbox" / "bauantrag-002-pdf.pdf"
    assert not page_raster.rasterize(born, tmp_path / "b.png", "png16m", res, 1, res, False)
    assert not (tmp_path / "b.png").exists()
