"""Pages as the unit of work (for an executor that schedules pages, not
documents): OCR a range of a document's pages into a part, and assemble
the parts into the one archival PDF/A-2b.

A long scan can then keep every worker busy to the end: each worker OCRs a
range with :func:`ocr_page_range` (its warm Tesseract, no PDF/A yet), and
whoever finishes the last range calls :func:`assemble` (PDF/A once, by
pikepdf's writer, which validates it)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ekte.errors import DocumentError


def ocr_page_range(inp: Path, out: Path, settings: Any, first: int, last: int) -> dict[str, Any]:
    """OCR pages *first*..*last* (1-based, inclusive) of the working PDF
    *inp* into *out* (a searchable PDF of just those pages).  Returns what
    :func:`ekte.stages.ocr.make_archival_pdf` returns, with page numbers
    counted in the whole document (``first_page`` added)."""
    import pikepdf

    from ekte.stages.ocr import make_archival_pdf

    part = out.with_suffix(".in.pdf")
    with pikepdf.open(inp) as src:
        if not 1 <= first <= last <= len(src.pages):
            raise ValueError(f"page range {first}-{last} outside 1-{len(src.pages)}")
        dst = pikepdf.new()
        dst.pages.extend(src.pages[first - 1:last])
        dst.save(part)
    try:
        res = make_archival_pdf(part, out, dataclasses.replace(settings, output_type="pdf"))
    finally:
        part.unlink(missing_ok=True)
    shift = first - 1
    for key in ("text_pages", "ocr_pages", "pages_without_text"):
        res[key] = [p + shift for p in res.get(key, [])]
    for g in (res.get("geometry") or {}).get("pages", []):
        g["page"] += shift
    res["first_page"] = first
    return res


def assemble(parts: list[Path], out: Path) -> None:
    """The parts, in order, as one PDF/A-2b (validated by pikepdf's writer)."""
    import contextlib

    import pikepdf
    import pikepdf.pdfa

    with contextlib.ExitStack() as stack:
        whole = pikepdf.new()
        for p in parts:
            whole.pages.extend(stack.enter_context(pikepdf.open(p)).pages)
        rep = pikepdf.pdfa.save(whole, out, "2b")
    if not rep.passed:
        out.unlink(missing_ok=True)
        raise DocumentError("ocr_failed", "The assembled pages did not pass PDF/A-2b validation.", "ocr")
