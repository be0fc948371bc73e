"""Layout: the words of every page with their boxes, and the rows and
cells they form.

:func:`page_words` runs in the worker process that made the archival PDF:
pdfium's character boxes (the born-digital text layer, or the invisible
text layer OCRmyPDF writes for scans) grouped into words.  A word is a
small tuple — text, box in points (origin top left, y downwards) and its
character span in the page text as :func:`ekte.stages.ocr.page_texts`
returns it — so a whole page travels cheaply from the worker to the main
process.  :func:`words_from_text` builds the same structure from plain
text (a fixed grid), so the extractor has one path for both.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import NamedTuple

#: at most this many characters of a page are looked at (a page of text has ~3,000)
MAX_CHARS = 60_000
#: plain text laid out on a grid of this many points per column and row
GRID_X, GRID_Y = 6.0, 12.0


class Word(NamedTuple):
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    start: int  # character span in the page text
    end: int
    #: Tesseract's confidence (0-100) of an OCRed word: the lowest of the OCR
    #: words it is made of; -1 read by OCR without a confidence; None from a text layer
    conf: float | None = None

    @property
    def h(self) -> float:
        return max(1.0, self.y1 - self.y0)

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def char_w(self) -> float:
        return max(1.0, (self.x1 - self.x0) / max(1, len(self.text)))


def _offsets(full: str) -> list[int]:
    """Index in pdfium's text → index in the page text (``\\r\\n`` → ``\\n``)."""
    out, shift = [], 0
    for i, ch in enumerate(full):
        out.append(i - shift)
        if ch == "\r" and i + 1 < len(full) and full[i + 1] == "\n":
            shift += 1
    out.append(len(full) - shift)
    return out


def _shown(tp, height: float):
    """A function that maps a character box in the page's own coordinates
    (pdfium's, y upwards) to the page as shown, i.e. with its ``/Rotate``
    applied (y upwards, *height* the shown height).  A scan that ekte turned
    upright by ``/Rotate`` has its text layer turned with the image: read
    as stored, its lines would run top to bottom and the extractor would
    see one word per character."""
    page = getattr(tp, "page", None)
    turn = page.get_rotation() % 360 if page is not None else 0
    if not turn:
        return None
    width = page.get_width()  # as shown: the stored page's height when turned by a quarter
    w, h = (height, width) if turn in (90, 270) else (width, height)

    def shown(left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        if turn == 90:
            return bottom, w - right, top, w - left
        if turn == 180:
            return w - right, h - top, w - left, h - bottom
        return h - top, left, h - bottom, right  # 270

    return shown


def _charbox(tp):  # noqa: ANN001, ANN202
    """``tp.get_charbox(i, loose=True)`` with one rectangle for the whole
    page and pdfium's function looked up once (the helper makes both per
    character: a third of the word boxes' time, issue 12)."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    rect, get, raw = pdfium_c.FS_RECTF(), pdfium_c.FPDFText_GetLooseCharBox, tp.raw

    def box(i: int) -> tuple[float, float, float, float]:
        if not get(raw, i, rect):
            raise pypdfium2.PdfiumError("Failed to get charbox.")
        return rect.left, rect.bottom, rect.right, rect.top

    return box


def textpage_words(tp, height: float, full: str | None = None) -> list[Word]:
    """The words of one pdfium text page as the page is shown (*height*: its
    shown height; *full*: its text, when already read)."""
    if full is None:
        full = tp.get_text_range()
    n = min(len(full), tp.count_chars(), MAX_CHARS)
    off = _offsets(full)
    shown = _shown(tp, height)
    charbox = _charbox(tp)
    words: list[Word] = []
    cur: list = []  # [text chars, x0, bottom, x1, top, start, end]

    def flush() -> None:
        if cur:
            words.append(Word("".join(cur[0]), round(cur[1], 1), round(height - cur[4], 1), round(cur[3], 1),
                              round(height - cur[2], 1), off[cur[5]], off[cur[6]]))
            cur.clear()

    for i in range(n):
        ch = full[i]
        if ch.isspace() or ch == "\x00":
            flush()
            continue
        left, bottom, right, top = charbox(i)
        if shown is not None:
            left, bottom, right, top = shown(left, bottom, right, top)
        if cur:
            h = max(1.0, cur[4] - cur[2])
            gap = left - cur[3]
            if gap > 0.35 * h or left < cur[1] - 1 or abs((bottom + top) / 2 - (cur[2] + cur[4]) / 2) > 0.5 * h:
                flush()
        if not cur:
            cur.extend([[ch], left, bottom, right, top, i, i + 1])
        else:
            cur[0].append(ch)
            cur[2], cur[3], cur[4], cur[6] = min(cur[2], bottom), max(cur[3], right), max(cur[4], top), i + 1
    flush()
    return words


def with_confidence(words: list[Word], ocr_words: list[tuple[str, float]]) -> list[Word]:
    """The words of an OCRed page with the confidence of the OCR words
    (text, confidence) they were written from: each page word gets the
    lowest confidence of the OCR words its characters came from.  Both come
    from one recognition, so their characters agree in order (white space
    aside); a character that does not line up with one (another renderer,
    a changed glyph) makes its word's confidence -1 (unknown)."""
    from difflib import SequenceMatcher

    owner: list[float] = []
    for text, conf in ocr_words:
        owner += [float(conf)] * len("".join(text.split()))
    chars = "".join("".join(t.split()) for t, _ in ocr_words)
    mine = "".join(w.text for w in words)
    got = [-1.0] * len(mine)
    if chars == mine:
        got = owner
    else:
        for a, b, n in SequenceMatcher(None, chars, mine, autojunk=False).get_matching_blocks():
            got[b:b + n] = owner[a:a + n]
    out, k = [], 0
    for w in words:
        n = len(w.text)
        out.append(w._replace(conf=min(got[k:k + n], default=-1.0)))
        k += n
    return out


def read_once(words: list[Word]) -> list[Word]:
    """An OCRed page's words without the second reading of the same ink: a received stamp read again
    on its own (:mod:`ekte.stages.ocr_stamp`) where the page's pass had read it, or a frame taken for
    a stamp, gives each of its words twice, boxes nearly one on the other ("60 60 41 41 72 72" in
    one row).  Of two OCR words whose boxes overlap by most of the smaller one and whose texts agree
    (case aside), the one read with the higher confidence stays.  A text layer's words are kept."""
    drop: set[int] = set()
    by_band: dict[int, list[int]] = {}
    for i, w in enumerate(words):
        if w.conf is not None:
            by_band.setdefault(int(w.cy // 8), []).append(i)
    for band, idx in by_band.items():
        near = idx + by_band.get(band + 1, [])
        for a in idx:
            for b in near:
                if b == a or a in drop or b in drop:
                    continue
                wa, wb = words[a], words[b]
                if wa.text.casefold() != wb.text.casefold():
                    continue
                ix = min(wa.x1, wb.x1) - max(wa.x0, wb.x0)
                iy = min(wa.y1, wb.y1) - max(wa.y0, wb.y0)
                small = min((wa.x1 - wa.x0) * wa.h, (wb.x1 - wb.x0) * wb.h)
                if ix > 0 and iy > 0 and ix * iy >= 0.6 * small:
                    drop.add(b if (wa.conf or 0) >= (wb.conf or 0) else a)
    return [w for i, w in enumerate(words) if i not in drop] if drop else words


def _identity(path: Path | str) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


#: the word boxes of the files this process just read in the same pass as their text ({identity: words})
_read: dict[tuple, list[list[Word]]] = {}


def remember(paths: list[Path | str], words: list[list[Word]]) -> None:
    """Keep *words* as the word boxes of the files *paths* (as they are now
    on disk), so that :func:`page_words` does not open them again; only the
    last document's files are kept."""
    _read.clear()
    for p in paths:
        key = _identity(p)
        if key is not None:
            _read[key] = words


def page_words(pdf_path: Path | str) -> list[list[Word]]:
    """The words of every page of a PDF (pdfium), in reading order of its
    text.  A help for extraction, never a reason to fail: on any error, no
    words (the extractor then lays the text out on a grid).  Where the
    text of this very file was just read (:func:`ekte.stages.pdftext.read_text`
    reads the word boxes in the same pass), those are returned."""
    key = _identity(pdf_path)
    if key is not None and key in _read:
        return _read[key]
    try:
        return _pdf_words(pdf_path)
    except Exception:  # noqa: BLE001
        logging.getLogger("ekte.layout").debug("no word boxes", exc_info=True)
        return []


def _pdf_words(pdf_path: Path | str) -> list[list[Word]]:
    import pypdfium2 as pdfium

    pages: list[list[Word]] = []
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            try:
                pages.append(textpage_words(tp, page.get_height()))
            finally:
                tp.close()
                page.close()
    finally:
        doc.close()
    return pages


def words_from_text(text: str) -> list[Word]:
    """Plain text on a grid: one row per line, one column per character."""
    words: list[Word] = []
    pos = 0
    for row, line in enumerate(text.split("\n")):
        y0 = row * GRID_Y
        for m in _NONSPACE.finditer(line):  # (re's \s is str.isspace: the same runs of characters)
            col, end = m.span()
            words.append(Word(m.group(), col * GRID_X, y0, end * GRID_X, y0 + 10.0, pos + col, pos + end))
        pos += len(line) + 1
    return words


_NONSPACE = re.compile(r"\S+")


# -- rows and cells ---------------------------------------------------------------

class Row(NamedTuple):
    words: list[Word]
    cells: list[list[Word]]  # runs of words separated by wide gaps

    @property
    def y(self) -> float:
        return sum(w.cy for w in self.words) / len(self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def rows(words: list[Word], gap: float = 1.6) -> list[Row]:
    """Words grouped into rows (by their vertical centre), left to right;
    each row split into cells where the gap between two words is wider than
    *gap* characters."""
    lines: list[list[Word]] = []
    acc = [0.0, 0.0]  # the current line's sums of centres and heights
    for w in sorted(words, key=lambda w: (w.y0 + w.y1, w.x0)):
        cy, h = (w.y0 + w.y1) / 2, max(1.0, w.y1 - w.y0)
        if lines:
            n = len(lines[-1])
            if abs(cy - acc[0] / n) < 0.45 * min(h, acc[1] / n):
                lines[-1].append(w)
                acc[0] += cy
                acc[1] += h
                continue
        lines.append([w])
        acc = [cy, h]
    out = []
    for ln in lines:
        ln.sort(key=lambda w: w.x0)
        cells: list[list[Word]] = [[ln[0]]]
        units = [_unit(w) for w in ln]  # (each word's once: a gap is measured in the smaller of its two words')
        for k in range(1, len(ln)):
            a, b = ln[k - 1], ln[k]
            if b.x0 - a.x1 > gap * min(units[k - 1], units[k]) + 1.0:
                cells.append([b])
            else:
                cells[-1].append(b)
        out.append(Row(ln, cells))
    return out


def _gap_unit(a: Word, b: Word) -> float:
    """The character width a gap between *a* and *b* is measured in: the narrower word's -- but a word of
    one or two characters ("a.", "d." in "Neustadt a. d. Weide") says little about its font's width; its
    height (a fifth of it, some half of an average letter of that size) is its floor."""
    return min(_unit(a), _unit(b))


def _unit(w: Word) -> float:
    """One word's part of :func:`_gap_unit`."""
    return w.char_w if len(w.text) > 2 else max(w.char_w, 0.2 * w.h)
