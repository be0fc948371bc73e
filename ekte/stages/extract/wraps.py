"""Labels wrapped over the lines of a narrow column ("Vor- und" / "Familienname:",
"Geburts-" / "datum", "Aktenzeichen" / "(falls bekannt)"): joined into one label on its
first line before the lexicon reads the rows (issue 10)."""

from __future__ import annotations

import re

from ekte.stages.layout import Row, Word

#: a label's first line that goes on below ("Vor- und", "Tel.-Nr. für", "Anschrift (Straße,")
_WRAPS = re.compile(r"(?:\b(?:und|oder|für|des|der|die|von|zur|zum|bzw\.)|[\-,/(])$", re.I)


def joined_labels(rws: list[Row]) -> list[Row]:
    """A label wrapped over lines of a narrow column ("Vor- und" /
    "Familienname:", "Anschrift (Straße," / "Hausnummer, PLZ," / "Ort):"):
    the lines below that start at its x (the next row, or the one after a
    row with nothing in the label's column) are joined onto its first line;
    when nothing stands right of that line, the cells right of the label
    within its height (a value set between its lines) join it.  Only cells
    without a digit or a colon that end with a word or sign that goes on,
    or are followed by a lone word ending with the colon."""
    out = list(rws)
    for r in range(len(out) - 1):
        for cell in list(out[r].cells):
            t = " ".join(w.text for w in cell)
            if len(cell) > 6 or any(ch.isdigit() or ch == ":" for ch in t):
                continue
            joined = _join_lines(out, r, cell)
            if joined:
                _pull_value(out, r, joined, cell)
                break  # the row has changed: one label per row
    return [row for row in out if row.words]


def _continuation(out: list[Row], q: int, cell: list[Word], last_y: float, h: float) -> int | None:
    """The index of the cell of row *q* that goes on with the label *cell* (same x, close below)."""
    if q >= len(out) or not out[q].words or not 0 < out[q].y - last_y < 1.8 * h:
        return None
    return next((i for i, c in enumerate(out[q].cells) if abs(c[0].x0 - cell[0].x0) < 1.5 * cell[0].char_w), None)


#: a remark in brackets under a label, starting with a small word ("(falls bekannt)", "(soweit vorhanden)")
_REMARK = re.compile(r"\([a-zäöü][^()]{2,40}\)")
_SMALL = {"und", "oder", "für", "des", "der", "die", "von", "zur", "zum", "bzw.", "sowie", "nur", "bitte", "falls"}


def _broken(last: str, nxt: list[Word]) -> bool:
    """A word of a label broken over two lines of a narrow column: "Geburts-" / "datum", or without
    a hyphen "Fahrzeug-Identifizieru" / "ngsnummer:" (then the second line is that one word with a colon)."""
    b = nxt[0].text
    if not b[:1].islower() or b.rstrip(":") in _SMALL or len(b.rstrip(":")) < 2:
        return False
    if last.endswith("-") and last[-2:-1].isalpha():
        return True
    return last[-1:].isalpha() and len(last) >= 4 and len(nxt) == 1 and b.endswith(":")


def _glued(a: Word, b: Word) -> Word:
    text = (a.text[:-1] if a.text.endswith("-") and b.text[:1].islower() else a.text) + b.text
    return Word(text, a.x0, a.y0, max(a.x1, b.x1), a.y1, a.start, b.end, a.conf)


def _under_label(out: list[Row], r: int, cell: list[Word]) -> bool:
    """Whether *cell* stands right under a label with a colon whose value is not on its own row
    (the row above, its x; nothing but another label right of it): *cell* is that value."""
    if r == 0 or not out[r - 1].words or out[r].y - out[r - 1].y > 2.6 * cell[0].h:
        return False
    cs = out[r - 1].cells
    return any(abs(c[0].x0 - cell[0].x0) < 1.5 * cell[0].char_w and c[-1].text.endswith(":") and (
        i + 1 == len(cs) or cs[i + 1][-1].text.endswith(":")) for i, c in enumerate(cs))


def _join_lines(out: list[Row], r: int, cell: list[Word]) -> list[Word] | None:
    label, last_y, h, q = list(cell), out[r].y, max(w.h for w in cell), r + 1
    while q < len(out) and len(label) <= 8 and not label[-1].text.endswith(":"):
        k = _continuation(out, q, cell, last_y, h)
        if k is None and _continuation(out, q, cell, -1e9, 1e12) is None and q + 1 < len(out):
            q, k = q + 1, _continuation(out, q + 1, cell, last_y, h)  # a value line between the label's lines
        if k is None:
            break
        nxt = out[q].cells[k]
        # a lone last word with the colon -- not the next label under the value of a label above
        # ("Vorname:" / "Jana" / "Anschrift:")
        tail = len(nxt) <= 2 and nxt[-1].text.endswith(":") and len(out[q].cells) == 1 and not _under_label(out, r, cell)
        broken = _broken(label[-1].text, nxt)
        remark = _REMARK.fullmatch(" ".join(w.text for w in nxt))  # "Aktenzeichen" / "(falls bekannt)"
        if not (_WRAPS.search(" ".join(w.text for w in label)) or tail or broken or remark or (
                nxt[-1].text.endswith(":") and _WRAPS.search(label[-1].text))):
            break
        label = label[:-1] + [_glued(label[-1], nxt[0])] + nxt[1:] if broken else label + nxt
        last_y = out[q].y
        rest = [c for i, c in enumerate(out[q].cells) if i != k]
        out[q] = Row([w for c in rest for w in c], rest)
        q += 1
    return label if label != list(cell) else None


def _pull_value(out: list[Row], r: int, label: list[Word], cell: list[Word]) -> None:
    """Row *r* with *label* in place of its first line; its value from the row just above or below
    when nothing stands right of the label on its first line."""
    cells = [label if c is cell else c for c in out[r].cells]
    x1, h = max(w.x1 for w in label), max(w.h for w in label)
    lo, hi = min(w.cy for w in label) - 0.9 * h, max(w.cy for w in label) + 0.9 * h
    if not any(c[0].x0 > x1 for c in cells):
        for q in (r - 1, r + 1):
            if 0 <= q < len(out) and out[q].words and lo <= out[q].y <= hi:
                moved = [c for c in out[q].cells if c[0].x0 > x1]
                keep = [c for c in out[q].cells if c[0].x0 <= x1]
                if moved:
                    cells += moved
                    out[q] = Row([w for c in keep for w in c], keep)
                    break
    cells.sort(key=lambda c: c[0].x0)
    out[r] = Row([w for c in cells for w in c], cells)
