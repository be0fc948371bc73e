"""A scanned page's words levelled for extraction (issue 10 on scans): rows of a slightly skewed scan.

A scan skewed by less than ``ocr.deskew_threshold`` is not levelled (the image is archived as it is),
and one levelled still keeps a fraction of a degree.  Tesseract follows the skew within its lines,
but the word boxes are the page's: across a form 450 points wide a skew of 0.7 degrees puts the right
column's caption 5.5 points lower than the left one's — more than half a line of 9-point type — so
:func:`ekte.stages.layout.rows` groups "Name (ggf. Geburtsname)" and "Vorname(n)" into two rows, the
values under them into two more, and a caption's value below it is behind the other column's caption
(read as the next label: no candidate).  Born-digital pages have level rows; their words are never
touched.

Here the page's skew is measured from OCR's own lines (consecutive words of the page text without a
line break between them: one Tesseract line): each line long enough gives the slope of a straight
line through its words' bottoms; the median of those slopes (weighted by the line's length) is the
page's.  Then every word's box is moved up or down by that slope times its distance from the page's
left edge (a shear, the box's size kept), so rows and columns are found as on a level page.  Only the
boxes move: text, spans and confidences stay as OCR gave them, and nothing outside extraction sees
the levelled boxes.  Linear in the page's words (the median aside).
"""

from __future__ import annotations

from ekte.stages.layout import Word

#: a line of OCR words at least this wide (points) measures the page's skew
MIN_LINE = 120.0
#: levelled only when the skew measured is at least this (slope; ~0.1 degree) and at most MAX_SLOPE
MIN_SLOPE = 0.002
#: a slope above this (~5 degrees) is no skew of a page that OCR read as lines: left as it is
MAX_SLOPE = 0.09
#: at least this many lines agree before the page is levelled
MIN_LINES = 3


def _line_slope(line: list[Word]) -> float | None:
    """The least-squares slope of the bottoms of a line's words (points down per point right)."""
    if len(line) < 2 or line[-1].x1 - line[0].x0 < MIN_LINE:
        return None
    xs = [(w.x0 + w.x1) / 2 for w in line]
    ys = [w.y1 for w in line]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx <= 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def _lines(text: str, words: list[Word]) -> list[list[Word]]:
    """OCR's lines: runs of consecutive OCR words with no line break between them in the page text,
    each running left to right."""
    out: list[list[Word]] = []
    for w in words:
        prev = out[-1][-1] if out else None
        if prev is not None and prev.end <= w.start and "\n" not in text[prev.end:w.start] \
                and w.x0 >= prev.x0 and w.conf is not None:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def skew(text: str, words: list[Word]) -> float:
    """The slope of an OCRed page's lines (0.0 when too few lines say it, or on a text layer's page)."""
    if not words or any(w.conf is None for w in words):
        return 0.0
    got = []
    for line in _lines(text, words):
        s = _line_slope(line)
        if s is not None and abs(s) <= MAX_SLOPE:
            got.append((s, line[-1].x1 - line[0].x0))
    if len(got) < MIN_LINES:
        return 0.0
    got.sort()
    half, acc = sum(wt for _s, wt in got) / 2, 0.0
    for s, wt in got:
        acc += wt
        if acc >= half:
            return s
    return 0.0  # pragma: no cover


def levelled(text: str, words: list[Word]) -> list[Word]:
    """*words* of one page with their boxes levelled by the page's skew (:func:`skew`); as they are when
    the page is level or no scan."""
    s = skew(text, words)
    if abs(s) < MIN_SLOPE:
        return words
    x_ref = min(w.x0 for w in words)
    out = []
    for w in words:
        dy = -s * ((w.x0 + w.x1) / 2 - x_ref)
        out.append(w._replace(y0=round(w.y0 + dy, 1), y1=round(w.y1 + dy, 1)))
    return out
