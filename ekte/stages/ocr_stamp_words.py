"""Received stamps without a frame, found by their keyword (issue 10 on scans).

:mod:`ekte.stages.ocr_stamp` reads a stamp whose frame it finds.  A stamp
without one ("Zugegangen am 06.05.2026", "EINGEGANGEN" / "05. JUL. 2026",
turned up to 20 degrees, anywhere on the page) is read by the page's pass
as it lies: Tesseract cuts its turned line into pieces put on different
lines (".2026 3. An welchem Tag … Zugegangen am 06.05"), drops characters
("Eingang : 12.0" … "2026") or reads the date line as "2026".

Here every word of the page's reading that looks like a received stamp's
keyword (:data:`KEYWORD`: also its pieces, "osteing", "ingang") gives the
stamp's turn: a straight line fitted through the middles of the keyword's
letters (the connected ink inside its box).  Turned at least
:data:`MIN_TURN` degrees against the page, the region around it — the
keyword's line to the right and the lines just below it, in the keyword's
own frame — is cut out levelled (:func:`ekte.stages.ocr_stamp.cut`) and read
by Tesseract as one block; of a reading with the keyword and a date in it, the
lines with either (the page's text under the region was read by the page's pass)
join the page's hOCR as a stamp block, as a framed stamp's do.  Its words carry
Tesseract's confidence on the levelled cut-out; the date is checked like any
other (not after intake, not before the document's own date).  Part of
``ocr.stamps``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ekte.stages import ocr_stamp
from ekte.stages.ocr_refine import OcrWord

#: a received stamp's keyword, or the piece of it a turned line leaves ("osteing", "ingang", "EING")
KEYWORD = re.compile(r"(?i)eing|ingang|zugeg|zugang|empfang|erhalten|osteing")
#: a pixel darker than this (0-255 grey) is ink
INK = 140
#: a keyword turned less than this (degrees) against the page was read level by the page's pass
MIN_TURN = 2.0
#: at most this many keywords of a page are read again
MAX_WORDS = 3
_DATE = re.compile(r"\d{1,2}\s?[.,]\s?(?:\d{1,2}|[A-Za-zä]{3,9})\.?\s?[.,]?\s?\d{2,4}")


def turn(gray: Any, box: tuple[int, int, int, int], dpi: float) -> tuple[float, float] | None:
    """The turn (degrees, counter-clockwise as seen) of the letters inside *box*
    of the greyscale page *gray* — a line through the middles of the longest chain
    of ink blobs of a letter's size there — and their height (pixels); None for
    fewer than four letters."""
    import cv2
    import numpy as np

    x0, y0, x1, y1 = box
    crop = np.ascontiguousarray(gray[max(0, y0):y1, max(0, x0):x1] < INK, dtype=np.uint8)
    if crop.size == 0:
        return None
    n, _lab, stats, cents = cv2.connectedComponentsWithStats(crop, connectivity=8)
    lo, hi = dpi * 0.02, dpi * 0.25
    keep = [i for i in range(1, n) if lo <= stats[i, 3] <= hi and stats[i, 2] <= hi and stats[i, 4] >= (dpi / 100) ** 2]
    if len(keep) < 4:
        return None
    chain = _longest_chain([tuple(stats[i, :4]) for i in keep])
    if len(chain) < 4:
        return None
    xs = np.array([x + w / 2 for x, _y, w, _h in chain])
    ys = np.array([y + h / 2 for _x, y, _w, h in chain])
    fit = np.polyfit(xs, ys, 1)
    return -math.degrees(math.atan(float(fit[0]))), 1.3 * float(np.median([h for *_xyw, h in chain]))


def _longest_chain(blobs: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The longest run of blobs (x, y, w, h) left to right, each next one near the last (a gap of at
    most a letter's height) and overlapping it vertically by half: the keyword's letters, not
    another line's cut into its box (a stamp's date below a turned keyword)."""
    chains: list[list[tuple[int, int, int, int]]] = []
    for b in sorted(blobs):
        for ch in chains:
            x, y, w, h = ch[-1]
            if b[0] - (x + w) <= max(h, b[3]) and min(y + h, b[1] + b[3]) - max(y, b[1]) >= 0.5 * min(h, b[3]):
                ch.append(b)
                break
        else:
            chains.append([b])
    return max(chains, key=len, default=[])


def region(w: OcrWord, angle: float, high: float) -> ocr_stamp.Stamp:
    """The stamp around keyword *w* turned *angle* degrees, its letters *high* pixels: from some twelve letter
    heights before the keyword (a line of the stamp below may begin further left) to
    some twenty after it, from a line above to three
    below, in the keyword's frame (its centre and size on the page)."""
    left, top, right, bottom = w.box
    a = math.radians(angle)
    bw = right - left
    length = bw / max(0.5, math.cos(a))  # the keyword's length along its line
    x_from, x_to = -length / 2 - 12 * high, length / 2 + max(2.5 * length, 20 * high)
    y_from, y_to = -1.5 * high, 4.5 * high
    dx, dy = (x_from + x_to) / 2, (y_from + y_to) / 2  # the region's centre from the keyword's, levelled
    cx = (left + right) / 2 + dx * math.cos(a) + dy * math.sin(a)
    cy = (top + bottom) / 2 - dx * math.sin(a) + dy * math.cos(a)
    return ocr_stamp.Stamp(cx, cy, x_to - x_from, y_to - y_from, -angle, 0.0)


def _within(w: OcrWord, f: ocr_stamp.Stamp) -> bool:
    return math.hypot((w.box[0] + w.box[2]) / 2 - f.cx, (w.box[1] + w.box[3]) / 2 - f.cy) <= max(f.w, f.h) / 2


def _text(line: list[tuple[str, int, tuple[int, ...]]]) -> str:
    return " ".join(t for t, _c, _b in line)


def _dated(lines: list[list[tuple[str, int, tuple[int, ...]]]]) -> bool:
    text = "\n".join(_text(ln) for ln in lines)
    return bool(KEYWORD.search(text) and _DATE.search(text))


def _read(api: Any, im: Any, dpi: float, gray: Any, st: ocr_stamp.Stamp,
          unruled: bool) -> list[list[list[tuple[str, int, tuple[int, ...]]]]]:
    """Stamp region *st* read levelled (:func:`ekte.stages.ocr_stamp.read`) from a copy of its part of
    the page, *unruled*: with the page's level rules painted out (a rule through the date)."""
    from ekte.stages.gridlines import line_mask

    reach = math.hypot(st.w, st.h) / 2
    x0, y0 = max(0, int(st.cx - reach)), max(0, int(st.cy - reach))
    part = gray[y0:int(st.cy + reach) + 1, x0:int(st.cx + reach) + 1].copy()
    if part.size == 0:
        return []
    if unruled:
            part[line_mask(part, min(0.9, ocr_stamp.LEVEL_LINE * gray.shape[1] / part.shape[1]), 1)] = 255
    moved = ocr_stamp.Stamp(st.cx - x0, st.cy - y0, st.w, st.h, st.angle, st.line)
    return [[[(t, c, (b[0] + x0, b[1] + y0, b[2] + x0, b[3] + y0)) for t, c, b in ln] for ln in lines]
            for lines in ocr_stamp.read(api, im, dpi, [moved], part)]


def stamp_words(hocr: str, im: Any, skew: float, api: Any,
                framed: list[ocr_stamp.Stamp] = ()) -> list[list[list[tuple[str, int, tuple[int, ...]]]]]:  # type: ignore[assignment]
    """The readings (as :func:`ekte.stages.ocr_stamp.read` gives them) of the
    turned keywords of the page image *im* whose reading has a date; *api* a
    Tesseract handle set to one block; keywords inside a *framed* stamp (read
    already) are left."""
    from ekte.stages.ocr_refine import hocr_words

    words, _spans = hocr_words(hocr)
    keys = [w for w in words if KEYWORD.search(w.text) and not any(_within(w, f) for f in framed)][:MAX_WORDS]
    if not keys:
        return []
    dpi = float((im.info.get("dpi") or (300, 300))[0]) or 300.0
    gray = ocr_stamp.ink(im)
    out = []
    for w in keys:
        tilt = turn(gray, w.box, dpi)
        if tilt is None or abs(tilt[0] - skew) < MIN_TURN:
            continue
        for unruled in (False, True):  # as it is; else with the page's rules taken out
            lines = _read(api, im, dpi, gray, region(w, *tilt), unruled)
            if lines and _dated(lines[0]):  # the stamp's own lines: the page's text under the region is read already
                out.append([ln for ln in lines[0] if _DATE.search(_text(ln)) or KEYWORD.search(_text(ln))])
                break
    return out
