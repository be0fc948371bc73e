"""Reading the text of a PDF's pages with pdfium, in one pass over one open
of the file: plain text per page, the page rebuilt row by row, and the
word boxes extraction uses (:mod:`ekte.stages.layout`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _rows(tp: "object") -> str:
    """A page's text rebuilt row by row from the positions of its text
    runs: a label and its value on the same row end up on one line, even
    where OCR's page segmentation read the labels column first."""
    runs = []
    for k in range(min(tp.count_rects(), 20000)):
        left, bottom, right, top = tp.get_rect(k)
        t = tp.get_text_bounded(left, bottom, right, top).replace("\r", " ").replace("\n", " ").strip()
        if t:
            runs.append((left, bottom, right, top, t))
    rows: list[list[tuple]] = []
    for r in sorted(runs, key=lambda r: -(r[1] + r[3]) / 2):
        cy, h = (r[1] + r[3]) / 2, max(1.0, r[3] - r[1])
        if rows:
            last = rows[-1]
            ly = sum((x[1] + x[3]) / 2 for x in last) / len(last)
            lh = max(1.0, sum(x[3] - x[1] for x in last) / len(last))
            if abs(cy - ly) < 0.5 * min(h, lh):
                last.append(r)
                continue
        rows.append([r])
    return "\n".join(" ".join(x[4] for x in sorted(row, key=lambda x: x[0])) for row in rows)


def read_pages(pdf_path: Path, rows: bool = True, words: bool = True) -> tuple[list[str], list[str], list]:
    """(text of every page, rows of every page, words of every page).  Rows
    and words are [] when not asked for or when building them fails (a help
    for extraction, never a reason to fail); the words are also kept for
    :func:`ekte.stages.layout.page_words` of this file."""
    import pypdfium2 as pdfium

    from ekte.stages import layout

    texts: list[str] = []
    page_rows: list[str] | None = [] if rows else None
    page_words: list | None = [] if words else None
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            try:
                full = tp.get_text_range()
                texts.append(full.replace("\r\n", "\n").replace("\r", "\n"))
                if page_rows is not None:
                    try:
                        page_rows.append(_rows(tp))
                    except Exception:  # noqa: BLE001
                        page_rows = None
                if page_words is not None:
                    try:
                        page_words.append(layout.textpage_words(tp, page.get_height(), full))
                    except Exception:  # noqa: BLE001
                        page_words = None
            finally:
                tp.close()
                page.close()
    finally:
        doc.close()
    if page_words is not None:
        layout.remember([pdf_path], page_words)
    return texts, page_rows or [], page_words or []


def read_text(pdf_path: Path, rows: bool = True) -> tuple[list[str], list[str]]:
    """(text of every page, rows of every page); rows are [] when not asked
    for or when rebuilding them fails."""
    return read_pages(pdf_path, rows, words=False)[:2]


def page_texts(pdf_path: Path) -> list[str]:
    """The text of every page (pdfium's text extraction)."""
    return read_text(pdf_path, rows=False)[0]


def page_rows(pdf_path: Path) -> list[str]:
    """The text of every page rebuilt row by row (see :func:`_rows`)."""
    return read_text(pdf_path)[1]


@dataclass
class Input:
    """The working PDF as read once (issue 12): its text and word boxes by
    pdfium, and by pikepdf whether its fonts are embedded — when they are
    not, pikepdf's route cannot take it and Ghostscript rewrites it, so its
    word boxes are not read (the output's are), nor is it opened again."""

    texts: list[str]
    words: list
    pdf: Any  # pikepdf.Pdf or None (not opened, or pikepdf cannot open it)
    embedded: bool | None  # None: not known

    @classmethod
    def read(cls, inp: Path, want_pdfa: bool) -> "Input":
        from ekte.stages import pdfa

        pdf = pdfa.open_checked(inp) if want_pdfa else None
        try:
            embedded = None if pdf is None else pdfa.fonts_embedded(pdf)
            texts, _rows, words = read_pages(inp, rows=False, words=embedded is not False)
        except BaseException:
            pdf.close() if pdf is not None else None
            raise
        return cls(texts, words, pdf, embedded)

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()
            self.pdf = None
