"""A page without an image whose text layer holds fewer letters than
``ocr.min_page_chars`` ("Anlage 3", a one-word note) is not OCRed again and
not quarantined (fresh36 F4: OCRmyPDF's default mode refused it — "page
already has text" — and the document went to quarantine as ``ocr_failed``).
A document whose every page has text is archived as born-digital; one with
scanned pages beside it OCRs those with OCRmyPDF's skip-text; a scan
carrying a stamp's short text ("K 1") is OCRed all the same (review36b R1:
taken as born-digital, its body was never read).  Real ekte subprocesses,
real OCRmyPDF and Tesseract."""

import json

import pikepdf

import pytest

from helpers import SAMPLES, run_ekte


def _short_page(pdf: pikepdf.Pdf, text: bytes) -> None:
    page = pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 24 Tf 72 700 Td (" + text + b") Tj ET")


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_short_text_pages_are_archived_not_quarantined(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    with pikepdf.new() as pdf:
        _short_page(pdf, b"Anlage 3")
        pdf.save(inbox / "deckblatt.pdf")
    (inbox / "notiz.txt").write_text("Hallo\n", "utf-8")
    with pikepdf.open(SAMPLES / "inbox" / "scan-bauantrag-001-scanpdf.pdf") as pdf:  # a scan, then a short page
        _short_page(pdf, b"S. 2")
        pdf.save(inbox / "scan mit anlage.pdf")
    with pikepdf.open(SAMPLES / "inbox" / "scan-bauantrag-001-scanpdf.pdf") as pdf:  # a scan with a stamp's "K 1"
        page = pdf.pages[0]
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        page.Resources.Font = pikepdf.Dictionary(FS=font)
        page.contents_add(pdf.make_stream(b"BT /FS 18 Tf 500 800 Td (K 1) Tj ET"))
        pdf.save(inbox / "gestempelt.pdf")
    p = run_ekte("ingest", inbox, "-w", tmp_path / "wd", "--json")
    docs = {d["source"].rsplit("/", 1)[-1]: d for d in json.loads(p.stdout)["documents"]}
    assert sorted(docs) == ["deckblatt.pdf", "gestempelt.pdf", "notiz.txt", "scan mit anlage.pdf"], p.stderr[-2000:]
    for name, d in docs.items():
        assert d["status"] in ("archived", "review"), (name, d["status"], d["error"])
    text = {n: (tmp_path / "wd" / d["archive"] / "text.txt").read_text("utf-8") for n, d in docs.items()}
    assert "Anlage 3" in text["deckblatt.pdf"] and "Hallo" in text["notiz.txt"]
    assert "S. 2" in text["scan mit anlage.pdf"]
    assert len(text["scan mit anlage.pdf"]) > 200  # the scanned page was OCRed (skip-text: only it)
    assert len(text["gestempelt.pdf"]) > 200 and "Bau" in text["gestempelt.pdf"]  # its body read, not "K 1" alone
    meta = json.loads((tmp_path / "wd" / docs["deckblatt.pdf"]["archive"] / "metadata.json").read_text("utf-8"))
    assert "ocrmypdf" not in json.dumps(meta.get("archival") or meta)  # born-digital: no OCR at all
