"""A PDF's or TIFF's real number of pages, counted up to a limit
(``intake.max_pages``, fresh41 F9).

The coordinator asks before anything looks at the pages one by one (an
intake source's separator scan, the worker's OCR): a file with more pages
is quarantined as ``too_many_pages``.  The count walks the page tree itself
(a PDF's ``/Count`` may lie: 2^31-1 over one page) and stops at the first
page past the limit, so a tiny file whose ``/Kids`` name one page millions
of times costs no more than the limit; every inner node is visited once (a
cycle ends).  A file that cannot be opened is not counted here: the
worker's intake reports why."""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Any

from ekte.stages.intake import PDF, TIFF
from ekte.stages.workpdf import TOO_MANY_PAGES

log = logging.getLogger("ekte")

#: the general reason (ekte.errors.REASONS) with the limit it was measured against
MESSAGE = TOO_MANY_PAGES  # (the worker says it too: ekte.stages.workpdf)


#: deeper page trees are not counted here (pdfium, which renders the pages, loads none below this depth either)
MAX_DEPTH = 1024
_END = object()


def over_limit(path: Path, media_type: str | None, limit: int, max_decoded_mb: float | None = None) -> bool:
    """True when *path* (a PDF or TIFF) has more than *limit* pages."""
    n = count(path, media_type, limit, max_decoded_mb)
    return n is not None and n > limit


def opens_here(path: Path, media_type: str | None, max_decoded_mb: float | None) -> bool:
    """False for a PDF whose raw file does not show that qpdf opens it within *max_decoded_mb* (its object
    streams, :func:`ekte.stages.intake_objstm.opens_bounded`): the coordinator does not open it — neither for
    this count nor in an intake source (bomb42: a separator scan's open took a run to 2.5 GB); the worker's
    bounded check says what it is."""
    if media_type != PDF or max_decoded_mb is None:
        return True
    from ekte.stages import intake_objstm

    return intake_objstm.opens_bounded(path, max_decoded_mb)


def count(path: Path, media_type: str | None, limit: int, max_decoded_mb: float | None = None) -> int | None:
    """The pages of *path*, counted up to ``limit + 1``; None when it is no
    PDF or TIFF or cannot be opened here (nor within *max_decoded_mb*).  Remembered per file version: the
    coordinator asks before the intake sources and again when it admits the file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _count(Path(path), st.st_ino, st.st_size, st.st_mtime_ns, media_type, limit, max_decoded_mb)


@functools.lru_cache(maxsize=64)
def _count(path: Path, _ino: int, _size: int, _mtime: int, media_type: str | None, limit: int,
           max_decoded_mb: float | None) -> int | None:
    try:
        if media_type == PDF and opens_here(path, media_type, max_decoded_mb):
            return _pdf_pages(path, limit)
        if media_type == TIFF:
            return _tiff_frames(path, limit)
    except Exception as e:  # noqa: BLE001 - damaged or hostile: the worker's intake says what it is
        log.debug("page count not taken (%s)", type(e).__name__)
    return None


#: a PDF up to this size is read into memory for the count: qpdf then reads its bytes itself, not through a
#: Python file object's read and seek (≈ 200 calls for a small PDF: 0.15 → 0.10 ms CPU, issue 12); a larger one
#: is read through the file (the coordinator's memory does not grow with it)
IN_MEMORY = 4 << 20


def _pdf_pages(path: Path, limit: int) -> int:
    import io

    import pikepdf

    # inherit_page_attributes=False: pikepdf would walk (and copy) the whole tree on opening
    # not repaired: the worker refuses a PDF that needs it, and repair decodes what the raw reading did not see
    # (a file object, not the path: a name that is not UTF-8 opens too)
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        data = f.read(size + 1) if size <= IN_MEMORY else b""  # (read(n) allocates n bytes: the size, not the limit)
        src: Any = io.BytesIO(data) if 0 < len(data) <= size else f  # (grown since: read through the file)
        f.seek(0)
        with pikepdf.open(src, inherit_page_attributes=False, attempt_recovery=False) as pdf:
            return _walk(pdf, limit)


def _walk(pdf: Any, limit: int) -> int:
    """The pages of *pdf*'s page tree, counted up to ``limit + 1``."""
    import pikepdf

    stack = [iter([pdf.Root.get("/Pages")])]  # iterators: a /Kids of millions is never copied
    inner: set[tuple[int, int]] = set()
    n = 0
    while stack and n <= limit:
        node = next(stack[-1], _END)
        if node is _END:
            stack.pop()
        elif isinstance(node, pikepdf.Dictionary):
            kids = node.get("/Kids")
            if not isinstance(kids, pikepdf.Array):
                n += 1  # a page
            elif node.objgen == (0, 0) or node.objgen not in inner:  # an inner node: its kids, once
                inner.add(node.objgen)
                if len(stack) > MAX_DEPTH:
                    raise ValueError("page tree too deep")
                stack.append(iter(kids))
    return n


def _tiff_frames(path: Path, limit: int) -> int:
    from PIL import Image

    with Image.open(path) as im:
        n = 1
        while n <= limit:
            try:
                im.seek(n)
            except EOFError:
                break
            n += 1
        return n
