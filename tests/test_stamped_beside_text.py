"""A scan page carrying a stamp's or a clerk's short text ("K 1", fewer letters
than ``ocr.min_page_chars``) beside a born-digital page is OCRed (OCRmyPDF's
redo mode limited to the pages to OCR; force on those pages where the PDF has
a fillable form), while the born-digital page keeps its own text layer, not
rasterised, not OCRed.  Until session 37 such a page was skipped as any page
with text (skip-text) and its words never reached text.txt or extraction.
Real files, real pikepdf; the ingest test runs real ekte, OCRmyPDF and Tesseract."""

import json
from pathlib import Path

import pikepdf

import pytest

from ekte.stages import ocr_mode
from ekte.stages.pdftext import read_pages
from helpers import SAMPLES, run_ekte

BORN = SAMPLES / "inbox" / "bauantrag-002-pdf.pdf"  # a born-digital letter, one page
SCAN = SAMPLES / "inbox" / "scan-bauantrag-001-scanpdf.pdf"  # a scanned letter with a received stamp, one page


def _font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))


def _stamp(pdf: pikepdf.Pdf, page: pikepdf.Page, text: bytes = b"K 1") -> None:
    """A short invisible text layer (render mode 3) on a page, as a scanner's stamp note leaves it."""
    page.Resources.Font = pikepdf.Dictionary(FS=_font(pdf))
    page.contents_add(pdf.make_stream(b"BT /FS 18 Tf 3 Tr 500 800 Td (" + text + b") Tj ET"))


def _short_page(pdf: pikepdf.Pdf, text: bytes) -> None:
    """A page without an image whose text layer is short ("Anlage 3")."""
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=_font(pdf)))
    page.Contents = pdf.make_stream(b"BT /F1 24 Tf 72 700 Td (" + text + b") Tj ET")


def _form(pdf: pikepdf.Pdf) -> None:
    """A fillable text field on the first page (OCRmyPDF refuses redo for a form)."""
    field = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                                                 FT=pikepdf.Name.Tx, T=pikepdf.String("Bemerkung"),
                                                 Rect=[72, 72, 300, 96], P=pdf.pages[0].obj))
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([field]))
    pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array([field])))


def _build(path: Path, *, stamp: bool = True, scan: bool = True, short: bytes = b"", form: bool = False) -> Path:
    with pikepdf.open(BORN) as pdf, pikepdf.open(SCAN) as scanned:
        if scan:
            pdf.pages.append(scanned.pages[0])
            if stamp:
                _stamp(pdf, pdf.pages[-1])
        if short:
            _short_page(pdf, short)
        if form:
            _form(pdf)
        pdf.save(path)
    return path


def _mode(path: Path) -> tuple[str, dict, list[int]]:
    texts, _rows, _words = read_pages(path, rows=False)
    pages = ocr_mode.sort_pages(path, texts, 8)
    mode, kw = ocr_mode.mode(path, pages)
    return mode, kw, pages.ocr


def test_mode_per_kind_of_document(tmp_path):
    # a stamped scan page beside a born-digital one: redo on that page only
    assert _mode(_build(tmp_path / "a.pdf")) == ("redo", {"pages": "2"}, [2])
    # the same with a fillable form: force, on that page only
    assert _mode(_build(tmp_path / "b.pdf", form=True)) == ("force", {"pages": "2"}, [2])
    # a scan page without text beside a born page and a short page without an image: skip-text, as before
    assert _mode(_build(tmp_path / "c.pdf", stamp=False, short=b"Anlage 3")) == ("skip", {}, [2])
    # a short text on a page without an image beside a born page: nothing to OCR (the born-digital routes)
    assert _mode(_build(tmp_path / "d.pdf", scan=False, short=b"Anlage 3"))[2] == []
    # scans only: the default mode, force where one carries a stamp (as before)
    with pikepdf.open(SCAN) as pdf:
        pdf.save(tmp_path / "scan.pdf")
        _stamp(pdf, pdf.pages[0])
        pdf.save(tmp_path / "stamped.pdf")
    assert _mode(tmp_path / "scan.pdf") == ("default", {}, [1])
    assert _mode(tmp_path / "stamped.pdf") == ("force", {}, [1])


def test_scan_drawn_through_a_form_xobject_is_a_scan(tmp_path):
    """A page imported from another PDF draws its scan through a form XObject: its image is nested,
    not in the page's own resources.  With a stamp's short text it is still a scan to OCR, never a
    text-only page such as "Anlage 3" (pikepdf's deprecated ``Page.images`` saw only the page's own)."""
    with pikepdf.open(BORN) as pdf, pikepdf.open(SCAN) as scanned:
        wrapped = pdf.copy_foreign(scanned.pages[0].as_form_xobject())
        page = pdf.add_blank_page(page_size=tuple(float(v) for v in scanned.pages[0].mediabox[2:]))
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Scan=wrapped))
        page.Contents = pdf.make_stream(b"q /Scan Do Q")
        _stamp(pdf, page)
        assert not page.get_images(recursive=False) and page.get_images()
        pdf.save(tmp_path / "wrapped.pdf")
    assert _mode(tmp_path / "wrapped.pdf") == ("redo", {"pages": "2"}, [2])


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_stamped_scan_page_beside_a_born_page_is_read(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    _build(inbox / "brief mit anlage.pdf")
    _build(inbox / "formular mit anlage.pdf", form=True)
    born_text = read_pages(BORN, rows=False)[0][0]
    scan_alone = read_pages(inbox / "brief mit anlage.pdf", rows=False)[0][1]
    assert scan_alone == "K 1"  # what the scan page held before: the stamp's note only
    p = run_ekte("ingest", inbox, "-w", tmp_path / "wd", "--json")
    docs = {d["source"].rsplit("/", 1)[-1]: d for d in json.loads(p.stdout)["documents"]}
    assert sorted(docs) == ["brief mit anlage.pdf", "formular mit anlage.pdf"], p.stderr[-2000:]
    for name, route in (("brief mit anlage.pdf", "ocrmypdf-redo-"), ("formular mit anlage.pdf", "ocrmypdf-force-")):
        d = docs[name]
        assert d["status"] in ("archived", "review"), (name, d["status"], d["error"])
        folder = tmp_path / "wd" / d["archive"]
        pages = (folder / "text.txt").read_text("utf-8").split("\f")
        assert len(pages) == 2
        assert pages[0] == born_text, name  # the born-digital page's own text, unchanged
        assert len(pages[1]) > 300 and "Oberfeld" in pages[1] and "Bauantrag" in pages[1], (name, pages[1][:200])
        archived = read_pages(folder / "document.pdf", rows=False)[0]
        assert archived[0] == born_text  # the archived PDF's text layer of that page, too
        meta = json.loads((folder / "metadata.json").read_text("utf-8"))["ocr"]
        assert meta["route"].startswith(route), (name, meta["route"], meta.get("attempts"))
        assert meta["ocr_pages"] == [2] and meta["text_layer_pages"] == [1] and meta["pages_without_text"] == []
        assert [g["page"] for g in meta["geometry"]["pages"]] == [2]
        assert meta["geometry"]["pages"][0].get("ocr_passes", 0) >= 1  # the page was read, not only probed
    with pikepdf.open(BORN) as src, pikepdf.open(tmp_path / "wd" / docs["brief mit anlage.pdf"]["archive"]
                                                 / "document.pdf") as out:
        assert out.pages[0].Contents.read_bytes() == src.pages[0].Contents.read_bytes()  # not rasterised
