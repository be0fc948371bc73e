"""Orientation and skew decided once, before the OCR pass, on real rotated
and skewed files (../shared/realdocs) and on generated scans turned and
skewed by known angles: the angle found, the archival page upright and
level, the scanned image kept as it was (lossless), the text read well."""

import io
import os
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest

from ekte.profile import load_profile
from ekte.stages import geometry, intake, layout
from ekte.stages.ocr import OcrParams, make_archival_pdf

os.environ["OMP_THREAD_LIMIT"] = "1"


@pytest.fixture(scope="module")
def params():
    return OcrParams.from_profile(load_profile())


def _work(src: Path, tmp: Path) -> Path:
    work = tmp / "work.pdf"
    if intake.inspect(src).media_type == intake.PDF:
        intake.open_pdf_checked(src, work, 250)
    else:
        intake.image_to_pdf(src, work, 300, 250)
    return work


def _ocr(src: Path, tmp: Path, params):
    out = tmp / "out.pdf"
    return make_archival_pdf(_work(src, tmp), out, params), out


def _shown_orientation(pdf: Path, page: int = 1) -> int:
    """Tesseract's orientation detection at 200 dpi on the page as a viewer
    shows it (/Rotate applied), independent of ekte's probe: clockwise degrees."""
    import pypdfium2 as pdfium
    from tesserocr import PSM, PyTessBaseAPI

    doc = pdfium.PdfDocument(str(pdf))
    im = doc[page - 1].render(scale=200 / 72, grayscale=True).to_pil()
    doc.close()
    with PyTessBaseAPI(lang="osd", psm=PSM.OSD_ONLY) as api:
        api.SetImage(im)
        api.SetSourceResolution(200)
        return api.DetectOrientationScript()["orient_deg"]


def _image_streams(pdf_path: Path) -> list[bytes]:
    """The page images' encoded data, with the Flate that OCRmyPDF's optimizer
    may put around a JPEG (losslessly) undone: equal when nothing was decoded
    and encoded again."""
    import zlib

    out = []
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for img in page.get_images().values():
                f = img.get("/Filter")
                filters = [str(x) for x in f] if isinstance(f, pikepdf.Array) else [str(f)]
                data = img.read_raw_bytes()
                if len(filters) > 1 and filters[0] == "/FlateDecode":
                    data, filters = zlib.decompress(data), filters[1:]
                out.append((filters, data))
    return out


@pytest.fixture(scope="module")
def level_scan(tmp_path_factory) -> tuple[Path, str]:
    """A generated application rendered like a 300 dpi grey scan, level (no
    skew, no noise), and its text."""
    import generate
    import pypdfium2 as pdfium

    d = tmp_path_factory.mktemp("scan")
    truth = generate.generate(d, per_type=1, formats=["pdf"], seed=3, doctypes=generate.DOCTYPES[:1])
    src = next(d.glob("*.pdf"))
    im = pdfium.PdfDocument(str(src))[0].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
    png = d / "level.png"
    im.save(png, dpi=(300, 300))
    return png, truth[src.stem]["text"]


def _turned_skewed(level: Path, tmp: Path, turn: int, skew: float) -> Path:
    """The level page skewed by *skew* degrees (counter-clockwise, as a
    crooked feed) and then lying turned *turn* degrees clockwise, as a
    scanner would deliver it: a JPEG in a PDF."""
    import img2pdf
    from PIL import Image

    with Image.open(level) as im:
        im = im.rotate(skew, resample=Image.BICUBIC, fillcolor=255) if skew else im.copy()
        im = im.rotate(-turn, expand=True) if turn else im
        b = io.BytesIO()
        im.save(b, "JPEG", quality=80, dpi=(300, 300))
    out = tmp / f"t{turn}-s{skew}.pdf"
    out.write_bytes(img2pdf.convert(b.getvalue()))
    return out


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
@pytest.mark.parametrize("turn,skew", [(0, 0.0), (90, 0.0), (180, 2.5), (270, -3.0), (0, 1.6)])
def test_generated_scan_turned_and_skewed_by_known_angles(turn, skew, tmp_path, params, level_scan):
    from test_ocr import line_cer

    level, text = level_scan
    src = _turned_skewed(level, tmp_path, turn, skew)
    res, out = _ocr(src, tmp_path, params)
    (page,) = res["geometry"]["pages"]
    assert page["orientation"] == turn and page["turned"] is bool(turn), page
    # turned upright before the OCR pass and read once: on its side found by the layout
    # analysis and osd, upside down by a few lines read as they lie and turned
    assert page["ocr_passes"] == 1, page
    # the probe measures the skew the other way round: the turn that levels the page
    assert abs(page["skew_degrees"] + skew) < 0.4, page
    assert page["deskewed"] is (abs(skew) >= params.deskew_threshold)
    assert _shown_orientation(out) == 0, "the archival page is shown upright"
    after = geometry.measure_skew(out, [1], 150)[1]
    assert abs(after) < 0.4 if page["deskewed"] else abs(after + skew) < 0.4, after
    assert pikepdf.pdfa.validate_written(out, "2b").passed
    assert _image_streams(out) == _image_streams(src), "the scanned image is archived as it came (lossless)"
    assert line_cer(res["page_texts"][0], text) < 0.03
    # the word boxes are those of the page as shown: rows rebuilt from them read like the text
    # (read as stored, a page turned by /Rotate has one "word" per character, lines top to bottom)
    rows = layout.rows([layout.Word(*w) for w in res["page_words"][0]])
    assert line_cer("\n".join(r.text for r in rows), text) < 0.05


@pytest.mark.parametrize("name,turn", [("phototest.tif", 0), ("phototest-rotated-180.png", 180),
                                       ("phototest-rotated-L.png", 270), ("phototest-rotated-R.png", 90)])
def test_real_rotated_scans_turned_upright(name, turn, tmp_path, params, shared):
    from test_ocr import cer

    src = shared / "realdocs/tesseract-test" / name
    res, out = _ocr(src, tmp_path, params)
    (page,) = res["geometry"]["pages"]
    assert page["orientation"] == turn and page["turned"] is bool(turn), page
    assert page["ocr_passes"] == 1, "turned upright before the OCR pass, read once"
    assert _shown_orientation(out) == 0
    assert cer(res["page_texts"][0], (shared / "realdocs/tesseract-test/phototest.txt").read_text()) < 0.05


@pytest.mark.slow  # one of the slowest of `make test` (CI runs it in test-slow)
@pytest.mark.parametrize("name", ["skew.pdf", "rotated_skew.pdf"])
def test_real_skewed_scans_levelled_losslessly(name, tmp_path, params, shared):
    src = shared / "realdocs/ocrmypdf" / name
    res, out = _ocr(src, tmp_path, params)
    pages = res["geometry"]["pages"]
    assert pages and all(abs(p["skew_degrees"]) >= params.deskew_threshold and p["deskewed"] for p in pages), pages
    after = geometry.measure_skew(out, [p["page"] for p in pages], 150)
    assert all(abs(a) < 0.5 for a in after.values()), after
    assert all(_shown_orientation(out, p["page"]) == 0 for p in pages)
    assert _image_streams(out) == _image_streams(src)
    assert pikepdf.pdfa.validate_written(out, "2b").passed


def test_probe_finds_pages_on_their_side_and_the_skew_at_low_resolution(tmp_path, level_scan):
    """Layout analysis at 100 dpi: the skew, and lines running top to bottom
    on a page on its side, whose orientation is then detected; a page upside
    down (its lines run as on an upright page) by three of its lines read
    as they lie and turned; the orientation of each is settled."""
    level, _ = level_scan
    for turn, skew in ((90, 2.0), (270, 1.2), (180, -1.5), (0, 0.0)):
        src = _turned_skewed(level, tmp_path, turn, skew)
        (found,) = geometry.probe(src, [1], 100).values()
        assert found["sideways"] is (turn in (90, 270)), found
        assert found["orientation"] == turn and found["orientation_settled"], found
        assert len(found["lines_confidence"]) == (turn == 180) + 1 if turn in (0, 180) else not found["lines_confidence"]
        assert abs(found["skew"] + skew) < 0.4, found


def test_level_pages_keeps_the_content_and_turns_it(tmp_path, level_scan):
    """Lossless: the page's content streams are kept between q … Q with
    one cm, the image untouched; /Rotate adds to an existing one."""
    level, _ = level_scan
    src = _turned_skewed(level, tmp_path, 90, 2.0)
    with pikepdf.open(src) as pdf:
        pdf.pages[0].Rotate = 180
        pdf.save(tmp_path / "r.pdf")
    assert geometry.level_pages(tmp_path / "r.pdf", tmp_path / "l.pdf", {1: 90}, {1: -2.0})
    assert not geometry.level_pages(tmp_path / "r.pdf", tmp_path / "n.pdf", {1: 0}, {}) and not (tmp_path / "n.pdf").exists()
    with pikepdf.open(tmp_path / "l.pdf") as pdf:
        page = pdf.pages[0]
        assert int(page.Rotate) == 90
        ops = [str(op) for _operands, op in pikepdf.parse_content_stream(page)]
        assert ops[:2] == ["q", "cm"] and ops[-1] == "Q"
    assert _image_streams(tmp_path / "l.pdf") == _image_streams(src)


def _stored_turned(src: Path, dst: Path, turn: int) -> None:
    """*src*'s first page stored turned: its content turned counter-clockwise
    by *turn* degrees in a media box of that shape, and ``/Rotate`` *turn*,
    so that a viewer shows the page exactly as *src*'s."""
    with pikepdf.open(src) as pdf:
        page = pdf.pages[0]
        w, h = float(page.mediabox[2]), float(page.mediabox[3])
        cm = {90: f"0 1 -1 0 {h} 0", 180: f"-1 0 0 -1 {w} {h}", 270: f"0 -1 1 0 0 {w}"}[turn]
        page.contents_add(pikepdf.Stream(pdf, f"q {cm} cm\n".encode()), prepend=True)
        page.contents_add(pikepdf.Stream(pdf, b"\nQ\n"))
        page.mediabox = [0, 0, h, w] if turn in (90, 270) else [0, 0, w, h]
        page.Rotate = turn
        pdf.save(dst)


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_word_boxes_of_a_page_turned_by_rotate_are_those_shown(turn, tmp_path):
    """The text layer of a page turned upright by /Rotate lies turned in the
    stored page: its word boxes are given as the page is shown, equal to
    those of the same page stored upright (checked first: both render alike)."""
    import generate
    import pypdfium2 as pdfium
    from PIL import ImageChops, ImageStat

    generate.generate(tmp_path, per_type=1, formats=["pdf"], seed=3, doctypes=generate.DOCTYPES[:1])
    src = next(tmp_path.glob("*.pdf"))
    turned = tmp_path / f"turned{turn}.pdf"
    _stored_turned(src, turned, turn)
    shown = [pdfium.PdfDocument(str(f))[0].render(scale=1, grayscale=True).to_pil() for f in (src, turned)]
    assert shown[0].size == shown[1].size
    assert ImageStat.Stat(ImageChops.difference(*shown)).mean[0] < 1.0, "the turned file shows the same page"
    upright, got = layout.page_words(src)[0], layout.page_words(turned)[0]
    assert [w.text for w in got] == [w.text for w in upright] and len(got) > 50
    assert max(max(abs(a - b) for a, b in zip(g[1:5], u[1:5])) for g, u in zip(got, upright)) < 1.0
