"""Words printed over a page's text: a received stamp set into a born-digital PDF ("EINGEGANGEN
28. AUG. 2026" over the name field) gives words whose boxes lie on the form's words and whose text
comes elsewhere in the page's content stream.  Their row would join them to the value under them
("ZIMMERMANN-AHRENS 28. AUG.", "Bachgasse FEB. 89a", "S 55 Eingang: - 9395/2026"); extraction reads
the page without them (the page text keeps them: the stamp's date is read from there).  Only a
received stamp's words (its keyword's lines through its date, as :mod:`.patterns` finds it) are
taken off: a box form's small label overlapping its value is the form's own."""

from __future__ import annotations

from ekte.stages.extract.patterns import _AUTHORITY, _STAMP, stamp_candidates
from ekte.stages.layout import Word

#: two words overlap when their boxes share this much of the narrower one's width and the lower one's height
_SHARE = 0.3
#: an overlay's text stands at least this many characters away, in the page text, from the word under it
_AWAY = 40
#: and its letters are set this much taller or smaller (a stamp's own font, or turned)
_SIZE = 1.15


def _overlap(a: Word, b: Word) -> bool:
    ix = min(a.x1, b.x1) - max(a.x0, b.x0)
    iy = min(a.y1, b.y1) - max(a.y0, b.y0)
    return ix >= _SHARE * max(0.5, min(a.x1 - a.x0, b.x1 - b.x0)) and iy >= _SHARE * min(a.h, b.h)


def stamp_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the page text a received stamp's lines take: from the line of its keyword (and
    up to two lines before it that name an authority) through its date."""
    out = []
    for c in stamp_candidates(1, text):
        keys = [m for m in _STAMP.finditer(text, max(0, c.start - 120), c.start)]
        a = keys[-1].start() if keys else c.start
        a = text.rfind("\n", 0, a) + 1
        for _ in range(2):
            b = text.rfind("\n", 0, max(0, a - 1)) + 1
            if a == 0 or len(text[b:a].strip()) > 40 or not _AUTHORITY.match(text[b:a].strip()):
                break
            a = b
        out.append((a, c.end))
    return out


def without_overlays(words: list[Word], text: str) -> list[Word]:
    """*words* without a received stamp's words printed over other words (text layer only; an OCRed
    page reads a stamp's ink as it lies): of two overlapping words with different texts, drawn apart
    in the page text and set in different sizes, the one in a stamp's lines (:func:`stamp_spans`) -- and
    with it the rest of that stamp."""
    spans = stamp_spans(text) if words else []
    if not spans:
        return words
    band: dict[int, list[int]] = {}
    for i, w in enumerate(words):
        if w.conf is None:
            band.setdefault(int(w.cy // 10), []).append(i)
    drop: set[int] = set()
    for b, idx in band.items():
        near = [j for k in (b - 1, b, b + 1) for j in band.get(k, [])]
        for a in idx:
            for c in near:
                wa, wc = words[a], words[c]
                if a == c or a in drop or c in drop or wa.text == wc.text or abs(wa.start - wc.start) < _AWAY \
                        or max(wa.h, wc.h) < _SIZE * min(wa.h, wc.h) or not _overlap(wa, wc):
                    continue
                ina, inc = (any(x <= w.start and w.end <= y for x, y in spans) for w in (wa, wc))
                if ina != inc:
                    drop.add(a if ina else c)
    if not drop:
        return words
    # a stamp lies on the page as a whole: its other words go too (its keyword alone between a table's
    # header and its values would be read as a label)
    over = [(x, y) for x, y in spans if any(x <= words[i].start and words[i].end <= y for i in drop)]
    return [w for w in words if w.conf is not None or not any(x <= w.start and w.end <= y for x, y in over)]

