"""Page images of an archived document (pypdfium2), cached in
``<workdir>/cache/pages/<id>/<archive sha256[:12]>/`` (a re-archived copy
gets new images), and where each field's value is on its page (boxes as
fractions of the page, from pdfium's text search — the found text marked).

Rendering runs outside any journal transaction; the cache is written
atomically (another server process may render the same page).  The marks
are searched only on the pages whose archived text holds the value; those
of the next document in the queue are prepared in the background while
the clerk looks at one (:func:`prefetch_boxes`)."""

from __future__ import annotations

import io
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ekte import fsutil

log = logging.getLogger("ekte.serve")

SCALE = 1.5  # 108 dpi: an A4 page is 893 × 1263 pixels
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()
#: PDFium is not thread-safe, not even with different documents (pypdfium2's docs): one call at a time in
#: this process — the server's request threads and the background thread of :func:`prefetch_boxes`
PDFIUM = threading.Lock()


def _lock(key: str) -> threading.Lock:
    with _guard:
        return _locks.setdefault(key, threading.Lock())


def cache_dir(workdir: Path, doc_id: str, archive_sha: str | None) -> Path:
    return Path(workdir) / "cache" / "pages" / doc_id / (archive_sha or "x")[:12]


def page_png(workdir: Path, doc_id: str, archive_sha: str | None, pdf: Path, page: int) -> Path:
    """The PNG of *page* (1-based), rendered once."""
    out = cache_dir(workdir, doc_id, archive_sha) / f"{page}.png"
    if out.is_file():
        return out
    with _lock(str(out)):
        if out.is_file():
            return out
        import pypdfium2 as pdfium

        with PDFIUM:
            doc = pdfium.PdfDocument(str(pdf))
            try:
                if not 1 <= page <= len(doc):
                    raise IndexError(page)
                p = doc[page - 1]
                img = p.render(scale=SCALE).to_pil()
                p.close()
            finally:
                doc.close()
        buf = io.BytesIO()
        img.convert("RGB").save(buf, "PNG", optimize=False, compress_level=3)
        fsutil.write_bytes(out, buf.getvalue())
    return out


def _boxes(tp: Any, pw: float, ph: float, text: str) -> list[list[float]]:
    """Rectangles (x, y, w, h as fractions; origin top left) of the first match of *text*."""
    if not text or len(text) < 2:
        return []
    s = tp.search(text, match_case=False)
    try:
        hit = s.get_next()
    finally:
        s.close()
    if not hit:
        return []
    idx, count = hit
    rects = []
    for i in range(idx, idx + count):
        left, bottom, right, top = tp.get_charbox(i)
        if right <= left:
            continue
        r = rects[-1] if rects else None
        if r is not None and left - r[2] < 15 and min(r[1], top) - max(r[3], bottom) > 0:  # same line: extend
            rects[-1] = [r[0], max(r[1], top), max(r[2], right), min(r[3], bottom)]
        else:
            rects.append([left, top, right, bottom])
    return [[round(l / pw, 4), round((ph - t) / ph, 4), round((r - l) / pw, 4), round((t - b) / ph, 4)]
            for l, t, r, b in rects]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _page_texts(pdf: Path, n: int) -> list[str] | None:
    """The archived text of each page (``text.txt`` beside the PDF, pages
    split at form feeds), normalised; None when it does not fit the PDF."""
    try:
        pages = (pdf.parent / "text.txt").read_text("utf-8").split("\f")
    except (OSError, UnicodeDecodeError):
        return None
    return [_norm(t) for t in pages] if len(pages) == n else None


def _candidates(f: dict[str, Any], n: int, texts: list[str] | None) -> list[tuple[int, str]]:
    """(page, text) to search with pdfium for field *f*: its own page, else
    the pages whose archived text holds the raw text or the value — a value
    that is on no page is not searched for at all (the first view of a long
    document searched every page for it)."""
    needles = [t for t in dict.fromkeys([str(f.get("raw") or ""), str(f.get("value") or "")]) if len(t) >= 2]
    pages = [f["page"]] if f.get("page") and 1 <= f["page"] <= n else list(range(1, min(n, 10) + 1))
    return [(p, t) for p in pages for t in needles if texts is None or _norm(t) in texts[p - 1]]


def _search(doc: Any, pdf: Path, fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    try:
        n = len(doc)
        texts = _page_texts(pdf, n)
        pages = {}
        for name, f in fields.items():
            for pno, needle in _candidates(f, n, texts):
                if pno not in pages:
                    pg = doc[pno - 1]
                    pages[pno] = (pg.get_textpage(), *pg.get_size())
                boxes = _boxes(pages[pno][0], pages[pno][1], pages[pno][2], needle)
                if boxes:
                    found[name] = {"page": pno, "boxes": boxes}
                    break
        for tp, _w, _h in pages.values():
            tp.close()
    finally:
        doc.close()
    return found


def field_boxes(workdir: Path, doc_id: str, archive_sha: str | None, pdf: Path,
                fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"page": n, "boxes": [[x, y, w, h], …]}} for the fields whose
    value (or raw text) is found on its page (or, without a page, anywhere);
    cached per document and archived copy."""
    key = json.dumps({k: [f.get("value"), f.get("raw"), f.get("page")] for k, f in sorted(fields.items())},
                     ensure_ascii=False)
    out_file = cache_dir(workdir, doc_id, archive_sha) / "boxes.json"
    try:
        cached = json.loads(out_file.read_text("utf-8"))
        if cached.get("key") == key:
            return cached["boxes"]
    except (OSError, ValueError):
        pass
    import pypdfium2 as pdfium

    with PDFIUM:
        found = _search(pdfium.PdfDocument(str(pdf)), pdf, fields)
    fsutil.write_json(out_file, {"key": key, "boxes": found})
    return found


_background = ThreadPoolExecutor(1, thread_name_prefix="ekte-marks")


def prefetch_boxes(workdir: Path, doc_id: str, archive_sha: str | None, pdf: Path, fields: dict[str, Any]) -> None:
    """:func:`field_boxes` of a document in the background (one thread), unless cached already."""
    if (cache_dir(workdir, doc_id, archive_sha) / "boxes.json").is_file() or not pdf.is_file():
        return

    def run() -> None:
        try:
            field_boxes(workdir, doc_id, archive_sha, pdf, fields)
        except Exception as e:  # noqa: BLE001 - the page finds them itself when it is shown
            log.debug("marks of the next document not prepared (%s)", type(e).__name__)

    _background.submit(run)
