"""Which pages OCRmyPDF reads, and in which of its modes (see :mod:`ekte.stages.ocr`).

A page's text layer counts when it holds at least ``ocr.min_page_chars``
letters or digits.  A shorter one ("Anlage 3", "S. 2") counts only on a page
without an image; on a page with an image it is a stamp's or a clerk's short
text ("K 1") on a scan, and the scan is read (review36b R1: taken as
born-digital, its body was never read; fresh36 F4: OCRmyPDF's default mode
refused a page with text and the document was quarantined ``ocr_failed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


def has_text(t: str, min_chars: int) -> bool:
    """At least *min_chars* (≥ 1) letters or digits: counted until there are enough."""
    need = max(1, min_chars)
    for c in t:
        if c.isalnum():
            need -= 1
            if not need:
                return True
    return False


@dataclass(frozen=True)
class Pages:
    """The pages of a document (1-based) by their text layer."""

    with_text: list[int]  # enough text: born-digital
    layered: list[int]  # keep their text layer, not OCRed: with_text and short texts on pages without an image
    stamped: list[int]  # a short text on a page with an image: a scan carrying a stamp, OCRed
    n: int

    @property
    def ocr(self) -> list[int]:
        """The pages to OCR: those without text and the stamped ones."""
        kept = set(self.layered)
        return [p for p in range(1, self.n + 1) if p not in kept]


def sort_pages(inp: Path, texts: list[str], min_chars: int) -> Pages:
    with_text = [i + 1 for i, t in enumerate(texts) if has_text(t, min_chars)]
    short = [i + 1 for i, t in enumerate(texts) if t.strip() and i + 1 not in with_text]
    plain = _text_only(inp, short) if short else []  # "Anlage 3": no OCR, as it is
    return Pages(with_text, sorted(with_text + plain), [p for p in short if p not in plain], len(texts))


def _text_only(inp: Path, pages: list[int]) -> list[int]:
    """Of the *pages* whose text layer is short (1-based), those that show no image, also none nested in a
    form XObject (a page imported from another PDF draws its scan through one): a cover sheet's "Anlage 3"
    on a page of its own keeps its text without OCR; a scan carrying a stamp's "K 1" is a scan."""
    import pikepdf

    try:
        with pikepdf.open(inp) as pdf:
            return [p for p in pages if not pdf.pages[p - 1].get_images()]
    except (pikepdf.PdfError, IndexError, ValueError):
        return []


def mode(inp: Path, pages: Pages) -> tuple[str, dict[str, Any]]:
    """OCRmyPDF's mode and the options that go with it.  Scans only: its
    default mode, or force where a page carries a stamp's short text (the
    default refuses a page with text).  Beside pages that keep their text:
    skip-text; where a stamped scan page is among the pages to OCR, redo
    limited to the pages to OCR (``pages``) — the stamped page's invisible
    short text is replaced by the OCR's, a visible one kept (masked from the
    OCR), its image kept as it is, and the pages not listed are not touched.
    OCRmyPDF refuses redo for a fillable form: there force on the same pages
    (the stamped page rasterised and read whole, as in a scan of stamped pages)."""
    if not pages.layered:
        return ("force" if pages.stamped else "default"), {}
    if not pages.stamped:
        return "skip", {}
    return ("force" if _has_form(inp) else "redo"), {"pages": ",".join(map(str, pages.ocr))}


def _has_form(inp: Path) -> bool:
    """A fillable form as OCRmyPDF sees it (an ``/AcroForm`` with fields, or XFA): it refuses redo."""
    import pikepdf

    try:
        with pikepdf.open(inp) as pdf:
            form = pdf.Root.get("/AcroForm")
            return isinstance(form, pikepdf.Dictionary) and (len(form.get("/Fields", [])) > 0 or "/XFA" in form)
    except (pikepdf.PdfError, ValueError, TypeError):
        return True  # (force reads the page all the same)
