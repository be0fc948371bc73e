"""A label's value that goes on beyond its first words: wrapped onto the next line
of its cell (an Ort, a club's name, an address cut after its PLZ), an IBAN's last
groups in a narrow column, a date one digit per box, words across cells."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ekte.stages.extract import values as V
from ekte.stages.layout import Row, Word

if TYPE_CHECKING:
    from ekte.stages.extract.candidates import Cand


def boxed_date(rws: list[Row], ws: list[Word]) -> str | None:
    """A date written one digit per box, its parts in cells of their own ("1 3 | 0 4 | 2 0 2 3"): DD.MM.YYYY."""
    row = next((rw for rw in rws if ws[0] in rw.words), None)
    ids = {id(w) for w in ws}
    parts = [p for p in ("".join(w.text for w in c if id(w) in ids) for c in (row.cells if row else [])) if p]
    if len(parts) == 3 and all(p.isdigit() for p in parts) and [len(p) for p in parts] in ([2, 2, 4], [2, 2, 2]):
        return ".".join(parts)
    return None


def cells_spanned(rws: list[Row], ws: list[Word]) -> int:
    """In how many cells of their row the words *ws* stand."""
    row = next((rw for rw in rws if ws[0] in rw.words), None)
    if row is None:
        return 1
    ids = {id(w) for w in ws}
    return sum(any(id(w) in ids for w in c) for c in row.cells)


#: fields whose value may wrap onto the next line of its cell ("Sankt" / "Ottilien am Forst")
WRAPPING = ("ort", "verein", "gemarkung", "plz_ort")


def ort_below(rws: list[Row], r: int, ws: list[Word], text: str, field: str = "anschrift") -> tuple[str, int]:
    """A value that goes on in the next line of its cell: an address cut after
    its PLZ ("Querstraße 47, 41285" / "Rabenstein"), its street alone ("Lindenweg 47" /
    "62909 Rabenstein"), an Ort or a club's name wrapped ("Sankt" / "Ottilien am Forst") --
    the next line's cell at the value's x (a line of another column between them skipped),
    with nothing left of it (no label of its own).  (text, end offset)."""
    street = field == "anschrift" and not re.search(r"\d{5}", text) and bool(re.search(r"\D\s\d{1,4}\s?[a-zA-Z]?$", text))
    cut = re.search(r"\d{5}\s+\S|\d{5}\s*$", text) if field == "anschrift" else field in WRAPPING
    if not (cut or street):
        return text, ws[-1].end
    cw = ws[0].char_w
    for nxt in rws[r + 1:r + 3]:
        if nxt.y - rws[r].y > 1.6 * ws[0].h or any(w.x1 < ws[0].x0 - cw for w in nxt.words):
            break
        c = next((c for c in nxt.cells if abs(c[0].x0 - ws[0].x0) < 1.5 * cw), None)
        if c is None:
            continue  # a line of the next column between them
        t = " ".join(w.text for w in c)
        if street:
            return (text + ", " + t, c[-1].end) if re.match(r"(?:D\s?-\s?)?\d{5}\s+[^\W\d]", t) and ":" not in t \
                else (text, ws[-1].end)
        if not any(ch == ":" or (ch.isdigit() and field != "verein") for ch in t) and len(c) <= 5:
            return text + " " + t, c[-1].end
        break
    return text, ws[-1].end


def beside(row: Row, ws: list[Word], text: str, field: str) -> tuple[str, int]:
    """A street's house number, or an address's PLZ and Ort, in the next cell of its row: a separator
    or the space between them that OCR made a wide gap ("Dr.-Hermann-Lietz-Straße" | "6", "Im Krummen
    Ort 149 c :" | "65009 Süderhastedt"; cells of a dash or colon alone between them skipped).  Only
    a street without a number, an address with a street and no PLZ; only a house number, a PLZ and
    an Ort.  (text, end offset)"""
    k = next((i for i, c in enumerate(row.cells) if ws[-1] in c), len(row.cells))
    text, ws = town_rest(row, k, ws, text)
    k = next((i for i, c in enumerate(row.cells) if ws[-1] in c), len(row.cells))
    nxt = next((c for c in row.cells[k + 1:] if any(ch.isalnum() for w in c for ch in w.text)), None)
    if nxt is None:
        return text, ws[-1].end
    t = " ".join(w.text for w in nxt)
    if not any(ch.isdigit() for ch in text) and re.fullmatch(V.HOUSE, t):
        return text + " " + t, nxt[-1].end
    if field == "anschrift" and not re.search(r"\d{5}", text) and re.search(r"\D\s?\d{1,4}\s?[a-zA-Z]?\W*$", text) \
            and re.fullmatch(r"(?:D\s?-\s?)?\d{5}\s+[^\W\d_][^\d:,;]{1,40}", t):
        t, rest = town_rest(row, row.cells.index(nxt), nxt, t)
        return text.rstrip(" :·,;-–") + ", " + t, rest[-1].end
    return text, ws[-1].end


#: a town's particle ("a.", "i.", "d.", "am", "an der") at a value's end: the name goes on
_PARTICLE_END = re.compile(r"\s[a-zäöü]{1,3}\.?$")
_TOWN_PART = re.compile(r"[a-zäöü]{1,3}\.?|[A-ZÄÖÜ(][^\W\d_]*[.)]?")


def town_rest(row: Row, k: int, ws: list[Word], text: str) -> tuple[str, list[Word]]:
    """A town's name cut after a particle where a scan's ink-tight word boxes made the gap wide ("07052
    Neustadt a." | "d." | "Orla"): the next cells of the row while the text ends in a particle and each
    is a particle or one name word, at most two character widths away.  (text, the value's words)"""
    ws = list(ws)
    for cell in row.cells[k + 1:]:
        if not _PARTICLE_END.search(text) or len(cell) != 1 or not _TOWN_PART.fullmatch(cell[0].text) \
                or cell[0].x0 - ws[-1].x1 > 2.5 * max(cell[0].char_w, ws[-1].char_w, 0.2 * ws[-1].h):
            break
        text, ws = text + " " + cell[0].text, ws + cell
    return text, ws


def iban_tail(rws: list[Row], r: int, ws: list[Word], text: str) -> tuple[str, int]:
    """An IBAN wrapped in a narrow column ("DE58 8710 3796 4697" / "3004 93"): the groups on one of
    the next two lines at its x, taken only when the check digits then add up.  (text, end offset)"""
    p = V.v_iban(text)
    if p is None or p.ok:
        return text, ws[-1].end
    for nxt in rws[r + 1:r + 3]:
        c = next((c for c in nxt.cells if abs(c[0].x0 - ws[0].x0) < 1.5 * ws[0].char_w), None)
        if nxt.y - rws[r].y < 2.2 * ws[0].h and c and all(re.fullmatch(r"[A-Z0-9]{1,4}", w.text) for w in c):
            joined = text + " " + " ".join(w.text for w in c)
            q = V.v_iban(joined)
            if q is not None and q.ok and not q.repaired:
                return joined, c[-1].end
    return text, ws[-1].end


def with_house_numbers(cands: list[Cand]) -> list[Cand]:
    """Street and house number asked in fields of their own ("Straße: Birkenallee",
    "Hausnr.: 137a"): the street without a number takes the next house number
    after it (within some three lines of text).  No house-number candidates remain."""
    nums = sorted((c for c in cands if c.field == "hausnummer"), key=lambda c: c.start)
    out = [c for c in cands if c.field != "hausnummer"]
    waiting = [c for c in out if c.field == "strasse" and c.source == "below" and not c.ok]
    out = [c for c in out if c not in waiting]  # a street below its label kept only with its number
    for c in list(out) + waiting:
        if c.field != "strasse" or c.ok or c.source not in ("right", "below") or any(ch.isdigit() for ch in c.value):
            continue
        n = next((n for n in nums if n.page == c.page and 0 < n.start - c.end <= 200), None)
        if n is not None:
            out.append(replace(c, value=f"{c.value} {n.value}", ok=True, end=n.end, raw=f"{c.raw} {n.value}",
                               sim=min(c.sim, n.sim), weak=c.weak and n.weak))  # "Straße" weak alone, not with "Hausnr."
    return out
