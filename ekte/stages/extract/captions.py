"""Captions printed under the filled line ("Mustermann" / "(Familienname)", "Passau, 3.4.2026" /
"Ort, Datum"): a row of labels that fill their cells, set smaller than the row just above it,
labels the words of that row in each caption's column -- when that row is nearer than the row
below (a label above its value, the usual way, has its value nearer below).  Captions in
parentheses are labels too; a label with its value in the next cell of its row is none."""

from __future__ import annotations

from statistics import median

from ekte.stages.extract.lexicon import Hit
from ekte.stages.layout import Row, Word

#: the value's line is at least this much taller than its caption's (a caption is set small)
_TALLER = 1.2
#: the value above is nearer than the row below by at least this ratio
_NEARER = 0.75


def unbracketed(row: Row, nw: list[str]) -> list[str]:
    """*nw* with the brackets of a cell wholly in brackets taken off ("(Familienname)")."""
    out, k = list(nw), 0
    for cell in row.cells:
        if len(cell) and cell[0].text.startswith("(") and cell[-1].text.rstrip(":*").endswith(")"):
            out[k] = out[k].lstrip("(")
            out[k + len(cell) - 1] = out[k + len(cell) - 1].rstrip(")*")
        k += len(cell)
    return out


def spelled_out(row: Row, hits: list[Hit]) -> list[Hit]:
    """A caption in brackets whose label says after its colon what the value is made of ("(Anschrift:
    Straße, Hausnr., PLZ, Ort)", "(Name: Familienname, Vorname)") is one label: the first, or a later one
    of the same field (the parts' order: "familienname, vorname")."""
    k, out = 0, list(hits)
    for cell in row.cells:
        inner = [h for h in out if k <= h.i < k + len(cell)]
        if len(inner) > 1 and inner[0].colon and cell[0].text.startswith("(") and cell[-1].text.rstrip(":*").endswith(")"):
            same = [h for h in inner[1:] if h.label.field == inner[0].label.field]
            one = same[-1] if same else inner[0]
            one.i, one.j = inner[0].i, k + len(cell)
            out = [h for h in out if h not in inner or h is one]
        k += len(cell)
    return out


def _cell_of(row: Row, h: Hit) -> tuple[float, float] | None:
    """The x-range of the caption *h*'s column when *h* is its cell and nothing else, else None."""
    k = 0
    for ci, cell in enumerate(row.cells):
        if k == h.i:
            rest = cell[h.j - k:]  # a remark in brackets after the caption is part of it: "Kennzeichen (reserviert)"
            if rest and not (rest[0].text.startswith("(") and rest[-1].text.rstrip(":*").endswith(")")):
                return None
            nxt = row.cells[ci + 1][0].x0 if ci + 1 < len(row.cells) else 1e9
            return cell[0].x0 - 6 * cell[0].char_w, nxt - cell[0].char_w
        k += len(cell)
    return None


def _gap_above(row: Row, ws: list[Word], cap: list[Word]) -> list[Word]:
    """Of the words *ws* of *row* above a caption (its cell *cap*), the one cell over the caption when they
    are several: a gap of running text ("Ich, | Erika Muster | , geboren am" over "(Vor- und Familienname)")."""
    cells = [[w for w in c if w in ws] for c in row.cells if any(w in ws for w in c)]
    over = [c for c in cells if c[0].x0 < cap[-1].x1 and c[-1].x1 > cap[0].x0]
    return over[0] if len(cells) > 1 and len(over) == 1 else ws


def _bracketed(row: Row, i: int) -> float:
    """How much nearer a value below must be to make the caption at word *i* a label above it: a caption
    wholly in brackets ("(Vor- und Familienname)") is printed under its line -- any value below it
    farther than the one above is the next line's."""
    cell = _cap_cell(row, i)
    return _NEARER if cell[0].text.startswith("(") and cell[-1].text.rstrip(":*").endswith(")") else 1.0


def _value_beside(row: Row, h: Hit, hs: list[Hit]) -> bool:
    """The caption's cell has a cell right of it that no label begins: a label with its value beside it
    ("Fahrzeug-Ident.-Nr. (FIN) | W0L691C6…" in a table of items), not a caption under a filled line."""
    k = 0
    for ci, cell in enumerate(row.cells):
        if k <= h.i < k + len(cell):
            nxt = k + len(cell)
            return ci + 1 < len(row.cells) and not any(o.i == nxt for o in hs)
        k += len(cell)
    return False


def _cap_cell(row: Row, i: int) -> list[Word]:
    k = 0
    for cell in row.cells:
        if k <= i < k + len(cell):
            return cell
        k += len(cell)
    return row.words[i:i + 1]


def _near(rws: list[Row], r: int, step: int, x: tuple[float, float]) -> tuple[int, list[Word]]:
    """The nearest row above (*step* -1) or below (+1) with words in the column *x*, and those words."""
    rr = r + step
    while 0 <= rr < len(rws) and abs(rr - r) <= 3:
        ws = [w for w in rws[rr].words if x[0] <= w.x0 < x[1]]
        if ws:
            return rr, ws
        rr += step
    return -1, []


def _as_near(rws: list[Row], hits: dict[int, list[Hit]], where: tuple, y: float, d: float, label: bool,
             found: dict | None = None) -> bool:
    """Whether the nearest words above/below (*where*: row, step, column) of the line at *y* are a label
    (*label*) or a value (not *label*), and nearer than *d* / _NEARER (a label *found* as a caption
    under its own value is none above the next, nor one with its colon and its value beside it: "Anrede: ☒ Frau")."""
    r, step, x = where
    b, ws = _near(rws, r, step, x)
    if not ws:
        return False
    is_label = any(o.i < len(rws[b].words) and rws[b].words[o.i] is ws[0] and (b, o.i) not in (found or {})
                   and not (label and o.colon and o.j < len(rws[b].words)) for o in hits.get(b, []))
    return is_label == label and abs(median(w.cy for w in ws) - y) < d / _NEARER


def captions(rws: list[Row], hits: dict[int, list[Hit]], sections: list) -> dict[tuple[int, int], list[Word]]:
    """(row, first word of a caption) → the words of its value above it (*sections*: the page's headings;
    a heading that is a label too, "Antragsteller (Verein)", is no caption)."""
    out: dict[tuple[int, int], list[Word]] = {}
    taken: set[int] = set()
    for r, hs in hits.items():
        for h in hs:
            w0 = rws[r].words[h.i]
            x = None if any(s.row == r and s.x0 <= w0.x0 <= s.x1 for s in sections) or _value_beside(rws[r], h, hs) \
                else _cell_of(rws[r], h)
            v, above = _near(rws, r, -1, x) if x else (-1, [])
            if above:
                above = _gap_above(rws[v], above, _cap_cell(rws[r], h.i))
                x = (min(x[0], above[0].x0 - above[0].char_w), min(x[1], max(above[-1].x1, x[0]) + 1)) \
                    if len(above) < len([w for w in rws[v].words if x[0] <= w.x0 < x[1]]) else x
            if not above or any(s.row == v and s.x0 < above[-1].x1 and s.x1 > above[0].x0 for s in sections) or any(o.i < len(rws[v].words) and x[0] <= rws[v].words[o.i].x0 < x[1]
                                              for o in hits.get(v, [])):
                continue
            cap = rws[r].words[h.i]
            h_val = median(w.h for w in above)
            d_up = cap.cy - median(w.cy for w in above)
            if h_val < _TALLER * cap.h or d_up > 2.2 * h_val or (v, round(above[0].x0)) in taken or \
                    above[0].x0 > cap.x0 + 8 * cap.char_w or all(len(w.text) == 1 for w in above):
                continue  # a line's value begins where its caption does; characters one per box are a box's
            if _as_near(rws, hits, (r, 1, x), cap.cy, d_up * _bracketed(rws[r], h.i), False) or _as_near(
                    rws, hits, (v, -1, x), median(w.cy for w in above), d_up, True, out):
                continue  # a value as near below, or a label as near above the value: a label above its value
            out[(r, h.i)] = above
            taken.add((v, round(above[0].x0)))
    return out
