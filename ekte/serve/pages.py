"""Page images of an archived document (pypdfium2), cached in
``<workdir>/cache/pages/<id>/<archive sha256[:12]>/`` (a re-archived copy
gets new images), and where each field's value is on its page (boxes as
fractions of the page, from pdfium's text search — the found text marked).

Rendering runs outside any journal transaction; the cache is written
atomically (another server process may render the same page)."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

from ekte import fsutil

SCALE = 1.5  # 108 dpi: an A4 page is 893 × 1263 pixels
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


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


def field_boxes(workdir: Path, doc_id: str, archive_sha: str | None, pdf: Path,
                fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"page": n, "boxes": [[x, y, w, h], …]}} for the fields whose
    value (or raw text) is found on its page (or, without a page, anywhere)."""
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

    found: dict[str, dict[str, Any]] = {}
    doc = pdfium.PdfDocument(str(pdf))
    try:
        n = len(doc)
        pages = {}
        for name, f in fields.items():
            order = [f["page"]] if f.get("page") and 1 <= f["page"] <= n else list(range(1, min(n, 10) + 1))
            for pno in order:
                if pno not in pages:
                    pg = doc[pno - 1]
                    pages[pno] = (pg.get_textpage(), *pg.get_size())
                tp, pw, ph = pages[pno]
                boxes = _boxes(tp, pw, ph, str(f.get("raw") or f.get("value") or "")) or \
                    _boxes(tp, pw, ph, str(f.get("value") or ""))
                if boxes:
                    found[name] = {"page": pno, "boxes": boxes}
                    break
        for tp, _w, _h in pages.values():
            tp.close()
    finally:
        doc.close()
    fsutil.write_json(out_file, {"key": key, "boxes": found})
    return found
