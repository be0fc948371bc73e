"""Typeset plain text into a simple PDF (A4, Helvetica, WinAnsi), so that
text documents delivered by other systems (e.g. xdomea primary files in
format 045 "Unicode Text File") can take the normal PDF/A route.  The
text becomes a real text layer: nothing is OCRed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pikepdf

A4 = (595.0, 842.0)
SIZE, LEAD, MARGIN = 10.0, 13.0, 56.0
COLS = 95


def _encode(line: str) -> bytes:
    data = line.encode("cp1252", errors="replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_to_pdf(text: str, out: Path) -> int:
    """Write *text* as a PDF to *out*; returns the page count."""
    lines: list[str] = []
    for para in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ").split("\n"):
        lines.extend(textwrap.wrap(para, COLS, replace_whitespace=False, drop_whitespace=False) or [""])
    per_page = int((A4[1] - 2 * MARGIN) // LEAD)
    pages = [lines[i:i + per_page] for i in range(0, max(len(lines), 1), per_page)] or [[]]
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
        Encoding=pikepdf.Name.WinAnsiEncoding))
    for chunk in pages:
        ops = [b"BT", b"/F1 %.1f Tf" % SIZE, b"%.1f TL" % LEAD, b"%.1f %.1f Td" % (MARGIN, A4[1] - MARGIN)]
        for ln in chunk:
            ops.append(b"(" + _encode(ln) + b") Tj T*")
        ops.append(b"ET")
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, *A4],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(b"\n".join(ops)))
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(out, deterministic_id=True)  # the same text, the same bytes: the same document
    return len(pages)
