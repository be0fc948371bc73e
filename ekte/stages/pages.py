"""Pages as the unit of work: OCR a range of a document's pages into a
part, and assemble the parts into the one archival PDF/A-2b.

A long scan can then keep every worker busy to the end (see
:mod:`ekte.pipeline.split`): the worker that prepared the document says it
is a scan of many pages (:func:`scan_pages`), the coordinator cuts it into
:func:`ranges`, each worker OCRs a range with :func:`ocr_page_range` (its
warm Tesseract, no PDF/A yet), and one worker then calls :func:`assemble`
(PDF/A once, by pikepdf's writer, which validates it) and :func:`merge`
(what the ranges' OCR found, as :func:`ekte.stages.ocr.make_archival_pdf`
would have returned it for the whole document)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ekte.errors import DocumentError
from ekte.stages.pdfa import conforms, save_validated

ROUTE = "page-ranges"


def scan_pages(inp: Path, min_chars: int) -> int:
    """The number of pages of the working PDF *inp* when no page has a text
    layer (a scan: every page needs OCR), else 0."""
    from ekte.stages.ocr import _has_text
    from ekte.stages.pdftext import page_texts

    texts = page_texts(inp)
    return 0 if any(_has_text(t, min_chars) for t in texts) else len(texts)


def ranges(n: int, size: int) -> list[tuple[int, int]]:
    """*n* pages in ranges of at most *size* pages, as even as can be
    (25 pages by 8: 7, 6, 6, 6)."""
    k = max(1, -(-n // max(1, size)))
    base, extra = divmod(n, k)
    out, first = [], 1
    for i in range(k):
        last = first + base + (i < extra) - 1
        out.append((first, last))
        first = last + 1
    return out


def ocr_page_range(inp: Path, out: Path, settings: Any, first: int, last: int) -> dict[str, Any]:
    """OCR pages *first*..*last* (1-based, inclusive) of the working PDF
    *inp* into *out* (a searchable PDF of just those pages).  Returns what
    :func:`ekte.stages.ocr.make_archival_pdf` returns, with page numbers
    counted in the whole document (``first_page`` added).

    Deskewing is decided by the range: a page is turned only by its own
    skew, and only when that is ``deskew_threshold`` or more — as in the
    whole document, so the texts are the same; the recorded geometry says
    ``deskewed`` for the pages of ranges that had such a page (the whole
    document would say it for all pages once one had)."""
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
        try:
            rep = save_validated(whole, out, "2b")
        except pikepdf.pdfa.PdfaError:
            rep = None
    if rep is None or not conforms(rep):
        out.unlink(missing_ok=True)
        raise DocumentError("ocr_failed", "The assembled pages did not pass PDF/A-2b validation.", "ocr")


def assemble_or_plain(parts: list[Path], out: Path) -> dict[str, Any]:
    """:func:`assemble`; where PDF/A fails, the parts as one searchable PDF
    (as the whole-document route falls back to plain PDF).  Returns
    ``format``, ``route``, ``attempts`` (and ``reason`` for plain PDF)."""
    import pikepdf

    try:
        assemble(parts, out)
        return {"format": "PDF/A-2B", "route": ROUTE, "attempts": [{"route": "pikepdf-pdfa", "result": "ok"}]}
    except DocumentError:
        pass
    whole = pikepdf.new()
    opened = [pikepdf.open(p) for p in parts]
    try:
        for src in opened:
            whole.pages.extend(src.pages)
        whole.save(out)
    finally:
        for src in opened:
            src.close()
    return {"format": "PDF", "route": ROUTE, "attempts": [{"route": "pikepdf-pdfa", "result": "PdfaError"}],
            "reason": "the assembled pages could not be written as PDF/A; archived as searchable PDF"}


def merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The OCR results of the ranges, in order, as one document's (as
    :func:`ekte.stages.ocr.make_archival_pdf` returns it; ``attempts``
    name each range)."""
    out: dict[str, Any] = {"pages": sum(r["pages"] for r in results), "attempts": []}
    for key in ("page_texts", "page_rows", "text_pages", "ocr_pages", "pages_without_text"):
        out[key] = [x for r in results for x in r.get(key) or []]
    if len(out["page_rows"]) != out["pages"]:
        out["page_rows"] = []  # a range without rows: none (rows are a help, never a must)
    for r in results:
        first = r["first_page"]
        span = f"pages {first}-{first + r['pages'] - 1}"
        out["attempts"] += [{"route": f"{span}: {a['route']}", "result": a["result"]} for a in r.get("attempts", [])]
    geos = [r["geometry"] for r in results if r.get("geometry")]
    if geos:
        out["geometry"] = {**{k: v for k, v in geos[0].items() if k != "pages"},
                           "pages": [p for g in geos for p in g.get("pages", [])]}
    return out
