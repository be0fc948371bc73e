"""Lines of ink Tesseract found no words in, read by the second recogniser (issue 10 on scans).

On a filled-in form, Tesseract's layout analysis often takes a value written in a
handwriting-like font on a dashed or dotted line for a picture and gives no word
for it at all, so :mod:`ekte.stages.ocr_refine` (which reads Tesseract's unsure
words again) never sees it.  :func:`find_page` looks for such lines: the page is
binarised, every word Tesseract gave is masked, strokes too thin or too flat for
letters (rules, dashes, dots, specks) are dropped, and the remaining blobs of ink
of about a text line's height are chained into lines left to right.  Each line is
read by the recogniser (:mod:`ekte.stages.ocr_rec`); where it is at least
``MIN_SCORE`` sure and writes Latin script, the line goes into the page's hOCR as a
line of its own (before the first line below it that it overlaps horizontally, so
the text reads label, value, next label), its words carrying the recogniser's score
below the extractor's "sure" bar (``ocr_refine.CEILING``): such a value goes to
review, as a refined one does.  Part of ``ocr.refine``.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from ekte.stages import gridlines, ocr_rec, ocr_refine

#: a pixel darker than this (0-255 grey) is ink
INK = 140
#: a found line is taken when the recogniser is at least this sure (0-1)
MIN_SCORE = 0.85
#: blobs of one line: their vertical overlap at least this share of the smaller one,
#: the gap between them at most this many line heights
OVERLAP, GAP = 0.5, 1.5
#: Tesseract's words at or above this confidence are kept and their ink masked; lower ones
#: (a handwritten line read as "AS VA N X VE", a caption cut into pieces) are garbage where a
#: found line covers them, and give way to it
KEEP = 50.0
#: at most this many lines read per page (a page of pictures is not read blob by blob)
MAX_LINES = 40
#: rows labelled at once by :func:`_components` (issue 12: a page's int32 labels were ~35 MB) — the stamp
#: search's strip height
STRIP = gridlines.STRIP

_LINE_START = re.compile(r"<span class='ocr_(?:line|header|caption|textfloat)' id='[^']+' title=[\"']bbox (\d+) (\d+) (\d+) (\d+)")


def _blobs(image: Any, boxes: list[tuple[int, int, int, int]], dpi: float) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, right, bottom) of the blobs of ink outside *boxes* of a
    letter's size at *dpi*.  Lean on memory (issue 12): one page-sized array, 8-bit
    and changed in place; the threshold, the opening and the labelling strip by strip."""
    import cv2
    import numpy as np

    ink = np.empty((image.height, image.width), dtype=np.uint8)
    for s in range(0, image.height, STRIP):  # strip by strip: no grey copy nor array of the whole page
        part = image.crop((0, s, image.width, min(image.height, s + STRIP)))
        grey = np.asarray(part if part.mode == "L" else part.convert("L"))
        ink[s:s + grey.shape[0]] = cv2.threshold(grey, INK - 1, 1, cv2.THRESH_BINARY_INV)[1]  # 1 where darker than INK
    pad = max(2, round(dpi / 100))
    for left, top, right, bottom in boxes:
        ink[max(0, top - pad):bottom + pad, max(0, left - pad):right + pad] = 0
    _drop_flat(ink, dpi)
    lo, hi = dpi * 0.025, dpi * 0.35  # a letter's height: ~2 mm (an x-height of small print) to ~9 mm
    return [b for x, y, w, h, area in _components(ink, int(hi) + 2)
            if not (h < lo or h > hi or w > dpi * 4 or area < (dpi / 60) ** 2)
            for b in [(int(x), int(y), int(x + w), int(y + h))]]


def _drop_flat(ink: Any, dpi: float) -> None:
    """Rules and dashed lines out of *ink* (in place): long flat runs of ink opened
    away (a dash is 1-4 px high), the thick strokes among them kept.  Strip by
    strip (issue 12: two more page-sized arrays were ~17 MB at 300 dpi): each strip
    is opened with ``2 * tall`` rows of the unchanged page above and below it, so
    its rows come out as when the whole page is opened at once."""
    import cv2
    import numpy as np

    wide = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, round(dpi / 12)), 1))
    tall = max(2, round(dpi / 60))
    high = cv2.getStructuringElement(cv2.MORPH_RECT, (1, tall))
    halo, rows, above = 2 * tall, ink.shape[0], None  # above: the rows over the strip as they were
    for s in range(0, rows, STRIP):
        e = min(rows, s + STRIP)
        part = ink[s:min(rows, e + halo)] if above is None else np.concatenate((above, ink[s:min(rows, e + halo)]))
        top = 0 if above is None else above.shape[0]
        flat = cv2.morphologyEx(part, cv2.MORPH_OPEN, wide)
        thin = cv2.morphologyEx(flat, cv2.MORPH_OPEN, high)
        above = ink[max(0, e - halo):e].copy()
        # thin lies within flat within ink: ink - flat + thin drops the flat strokes that are not thick ones
        ink[s:e] = part[top:top + e - s] - flat[top:top + e - s] + thin[top:top + e - s]


def _components(ink: Any, tall: int) -> list[tuple[int, int, int, int, int]]:
    """(x, y, w, h, area) of the 8-connected components of *ink* no taller than
    *tall* - 2 rows (taller ones may come cut or be left out).  Strip by strip: a
    component belongs to the strip its top row is in; each strip is labelled with
    a row above it (a component touching that row began higher) and *tall* rows
    below it (a component running past them is too tall anyway)."""
    import cv2

    out, rows = [], ink.shape[0]
    for s in range(0, rows, STRIP):
        lo = max(0, s - 1)
        n, _lab, stats, _c = cv2.connectedComponentsWithStats(ink[lo:min(rows, s + STRIP + tall)], connectivity=8)
        for x, y, w, h, area in stats[1:n]:
            if s <= y + lo < s + STRIP:  # (for s > 0: not touching the row above)
                out.append((x, y + lo, w, h, area))
    return out


def chain(blobs: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The blobs chained into lines left to right: a blob joins the line whose
    right end is near and which it overlaps vertically."""
    lines: list[list[int]] = []
    for b in sorted(blobs):
        for ln in lines:
            h = min(ln[3] - ln[1], b[3] - b[1])
            over = min(ln[3], b[3]) - max(ln[1], b[1])
            if over >= OVERLAP * h and b[0] - ln[2] <= GAP * max(ln[3] - ln[1], b[3] - b[1]):
                ln[:] = [ln[0], min(ln[1], b[1]), max(ln[2], b[2]), max(ln[3], b[3])]
                break
        else:
            lines.append(list(b))
    return [tuple(ln) for ln in lines if ln[2] - ln[0] >= 1.2 * (ln[3] - ln[1])]  # type: ignore[misc]


def _part_of(line: tuple[int, int, int, int], boxes: list[tuple[int, int, int, int]]) -> bool:
    """Whether *line* is the rest of a line Tesseract read: beside one of its words
    (within a line height), of about that word's height and on its level."""
    h = line[3] - line[1]
    for b in boxes:
        bh = b[3] - b[1]
        if (min(b[3], line[3]) - max(b[1], line[1]) >= OVERLAP * min(h, bh) and h <= 1.5 * bh
                and max(b[0], line[0]) - min(b[2], line[2]) <= max(h, bh)):
            return True
    return False


def found_lines(image: Any, words: list[ocr_refine.OcrWord], dpi: float) -> list[tuple[tuple[int, int, int, int], str, float]]:
    """(box, text, confidence 0-100) of every line of ink outside *words* the recogniser read."""
    boxes = [w.box for w in words if w.conf >= KEEP]
    lines = [b for b in chain(_blobs(image, boxes, dpi)) if not _part_of(b, boxes)]
    lines = sorted(lines, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True)[:MAX_LINES]
    if not lines:
        return []
    crops = [ocr_refine._crop(image, b) for b in lines]
    out = []
    for box, (text, score) in zip(lines, ocr_rec.recognise(crops)):
        text = text.strip()
        if score >= MIN_SCORE and len(text.replace(" ", "")) >= 2 and ocr_refine.latin(text):
            out.append((box, ocr_refine._ESZETT.sub("ß", text), round(score * ocr_refine.CEILING, 1)))
    return out


def _span(k: int, box: tuple[int, int, int, int], text: str, conf: float) -> str:
    parts = text.split()
    left, top, right, bottom = box
    total = sum(len(p) for p in parts) + len(parts) - 1
    words, x = [], left
    for j, p in enumerate(parts):  # each word its share of the line's width
        x1 = left + round((right - left) * (sum(len(q) + 1 for q in parts[:j + 1]) - 1) / max(1, total))
        words.append(f"<span class='ocrx_word' id='found_{k}_{j}' title='bbox {x} {top} {x1} {bottom}; "
                     f"x_wconf {int(conf)}'>{html.escape(p, quote=False)}</span>")
        x = min(right, x1 + max(1, (right - left) // max(1, total)))
    return (f"<span class='ocr_line' id='found_{k}' title='bbox {left} {top} {right} {bottom}'>"
            + " ".join(words) + "</span>\n")


def _inside(box: tuple[int, int, int, int], line: tuple[int, int, int, int]) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return line[0] <= x <= line[2] and line[1] <= y <= line[3]


def drop_covered(hocr: str, found: list[tuple[tuple[int, int, int, int], str, float]]) -> str:
    """*hocr* without its words below ``KEEP`` whose middle lies in a found line."""
    words, spans = ocr_refine.hocr_words(hocr)
    cut = [spans[i] for i, w in enumerate(words) if w.conf < KEEP and any(_inside(w.box, f[0]) for f in found)]
    out, last = [], 0
    for a, b in cut:
        out.append(hocr[last:a])
        last = b
    return "".join(out) + hocr[last:]


def insert(hocr: str, found: list[tuple[tuple[int, int, int, int], str, float]]) -> str:
    """*hocr* with each found line before the first line below it that it overlaps
    horizontally (else at the end of the page's last paragraph)."""
    hocr = drop_covered(hocr, found)
    starts = [(m.start(), tuple(int(m.group(i)) for i in range(1, 5))) for m in _LINE_START.finditer(hocr)]
    at: dict[int, list[str]] = {}
    end = hocr.rfind("</div>")
    end = end if end >= 0 else len(hocr)
    for k, (box, text, conf) in enumerate(sorted(found, key=lambda f: (f[0][1], f[0][0]))):
        pos = next((s for s, b in starts if b[1] > box[1] and min(b[2], box[2]) > max(b[0], box[0])), end)
        at.setdefault(pos, []).append(_span(k, box, text, conf))
    out, last = [], 0
    for pos in sorted(at):
        out += [hocr[last:pos], "".join(at[pos])]
        last = pos
    return "".join(out) + hocr[last:]


def find_page(hocr: str, image: Any) -> tuple[str, int]:
    """The page's hOCR with the lines Tesseract found no words in (:func:`found_lines`);
    a failure leaves it as it was (-1)."""
    try:
        words, _spans = ocr_refine.hocr_words(hocr)
        dpi = float((image.info.get("dpi") or (300, 300))[0]) or 300.0
        found = found_lines(image, words, dpi)
        return (insert(hocr, found) if found else hocr), len(found)
    except Exception as e:  # noqa: BLE001 - the page keeps what Tesseract read
        logging.getLogger("ekte.ocr").warning("OCR search for unread lines skipped for a page: %s", type(e).__name__)
        return hocr, -1
