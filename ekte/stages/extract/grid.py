"""Tables of persons with the captions in a header row and one row of values per person below it
("Funktion | Familienname | Vorname | Geburtsdatum | Geburtsort | Staatsangehörigkeit" over
"Antragsteller/in | Hensen | Gerd | …" and "Ehegatte | …"), as registration and residence forms
print them: each caption's value is in its column of each value row; whose it is, the row's first
cell says ("Antragsteller/in", "Mutter", "1. Vorsitzende/r") -- else the first row is the
section's person and a further row someone else's."""

from __future__ import annotations

from typing import Callable

from ekte.stages.extract.lexicon import Hit, Lexicon, section_of, words_role
from ekte.stages.layout import Row, Word

#: a value row is at most this many line heights below the row above it
_ROW_GAP = 3.2


def _cell_hits(row: Row, hs: list[Hit]) -> dict[int, Hit] | None:
    """Cell index → the hit that is that whole cell (a remark in brackets may follow it), when the
    row is captions: two or more such cells, no cell with a digit or a colon after a word."""
    out, k = {}, 0
    for ci, cell in enumerate(row.cells):
        h = next((h for h in hs if h.i == k), None)
        rest = cell[h.j - k:] if h else []
        if h and h.j - k <= len(cell) and (not rest or rest[0].text.startswith("(")):
            out[ci] = h
        elif any(ch.isdigit() for w in cell for ch in w.text) or any(w.text.endswith(":") for w in cell):
            return None
        k += len(cell)
    if len(out) < 2 or 2 * len(out) < len(row.cells):
        return None
    return out


def _columns(row: Row) -> list[tuple[float, float]]:
    """Each caption cell's column: from a little before its first word to the next cell."""
    xs = [c[0].x0 for c in row.cells]
    pad = [c[0].char_w * 1.5 for c in row.cells]
    return [(x - p, (xs[k + 1] - 0.5 * pad[k + 1]) if k + 1 < len(xs) else 1e9) for k, (x, p) in enumerate(zip(xs, pad))]


def _value_rows(rws: list[Row], r: int, hits: dict[int, list[Hit]], cols: list, lead: bool) -> list[int]:
    """The rows of values under the caption row *r*: near, with words in two or more columns, no label
    in them (but in the role column *lead*)."""
    out, last = [], rws[r]
    for rr in range(r + 1, min(len(rws), r + 7)):
        row = rws[rr]
        h = max(max(w.h for w in row.words), max(w.h for w in last.words))
        if row.y - last.y > _ROW_GAP * h:
            break
        first = row.words[0].x0 < cols[0][1] and lead
        if first and row.cells[0][-1].text.endswith(":"):  # "Telefon (Halter/in): …" under the table: a label
            break
        if any(not (first and o.i < len(row.cells[0])) for o in hits.get(rr, [])):
            break
        filled = {k for w in row.words for k, (a, b) in enumerate(cols) if a <= w.x0 < b}
        if len(filled) < 2 or any(w.x0 < cols[0][0] for w in row.words):
            break
        out.append(rr)
        last = row
    return out


def _role(cell: list[Word], lex: Lexicon) -> str | None:
    t = " ".join(w.text for w in cell)
    return section_of(t, lex) or words_role([t])


def grid_candidates(pno: int, rws: list[Row], hits: dict[int, list[Hit]], lex: Lexicon, role_above: Callable,
                    make: Callable, under: set[int]) -> set[int]:
    """Candidates of every caption-row table on the page through *make(hit, words, role, caption_row)*;
    *role_above(r, x)* is the role of the section above row *r*; rows *under* are captions printed under
    their value (captions.py).  Returns the rows taken (captions and values), whose labels the caller
    leaves alone."""
    taken: set[int] = set(under)
    for r, row in enumerate(rws):
        caps = _cell_hits(row, hits.get(r, [])) if r not in taken and len(row.cells) >= 2 else None
        if not caps:
            continue
        cols = _columns(row)
        lead = 0 not in caps
        vrows = _value_rows(rws, r, hits, cols, lead)
        if not vrows:
            continue
        taken |= {r, *vrows}
        seen: set[str | None] = set()
        for n, rr in enumerate(vrows):
            vr = rws[rr]
            role = _role([w for w in vr.words if w.x0 < cols[0][1]], lex) if lead else None
            if role is None:
                role = role_above(r, vr.words[0].x0) if n == 0 else "unknown"
            elif role in seen:  # "1. Vorsitzende/r" over "2. Vorsitzende/r": the first row's is the person
                role = "unknown"
            seen.add(role)
            for ci, h in caps.items():
                ws = [w for w in vr.words if cols[ci][0] <= w.x0 < cols[ci][1]]
                if ws:
                    make(h, ws, role, row)
    return taken - under


def maker(pno: int, page_h: float, validators: dict, out: list) -> Callable:
    """*make* for :func:`grid_candidates`: a value below its caption, typed as a label's value is."""
    from ekte.stages.extract.candidates import Cand, parse_label_value  # (candidates imports this module)
    from ekte.stages.extract.spelling import comb_text

    def make(h: Hit, ws: list[Word], role: str | None, cap_row: Row) -> None:
        lw = cap_row.words[h.i]
        base = Cand(h.label.field, "", pno, ws[0].start, ws[-1].end, "below", h.sim, True, h.label.weak, role,
                    y=lw.cy / page_h, label=h.label.key, lead=True, dist=(ws[0].cy - lw.cy) / lw.h)
        parse_label_value(h, comb_text(ws), base, out, validators)
    return make
