"""The cells of a row as labels see them: where a label may begin (a cell's first word, the word after
an item's number), which labels span one value below them, and the values whose shape alone says a weak
label labels them."""

from __future__ import annotations

import re

from ekte.stages.extract import values as V
from ekte.stages.extract.leaders import read_item
from ekte.stages.extract.lexicon import item_number
from ekte.stages.layout import Row, Word


def cell_starts(row: Row) -> set[int]:
    """The index of the first word of each cell of *row*."""
    starts, k = set(), 0
    for cell in row.cells:
        starts.add(k)
        k += len(cell)
    return starts


def fills_cell(row: Row, h) -> bool:
    """The label of hit *h* is its cell's whole text (a caption over its value in a boxed form's cell)."""
    k = 0
    for cell in row.cells:
        if k == h.i:
            return h.j == k + len(cell)
        k += len(cell)
    return False


def label_starts(row: Row) -> set[int]:
    """Where a label may begin in *row*: a cell's first word, or the word after an item's number that
    begins a cell ("01 VORNAME....: ANNA", "2.4 Telefon 0421 …"; on a scan also as OCR misreads it: "BI VORNAME")."""
    starts = cell_starts(row)
    return starts | {k + 1 for k in starts if k + 1 < len(row.words) and k + 1 not in starts
                     and (item_number(row.words[k].text) or read_item(row.words[k]))}


def spanned(row: Row, below: Row | None) -> set[int]:
    """The word indexes where a cell of *row* begins that a cell of the line *below* reaches into
    from the left: the labels there have one value ("Name   Vorname" over "Weber, Jana") -- unless a word
    of it begins where that cell does ("PLZ | Wohnort" over "59964 Medebach": a value in each column)."""
    out, k = set(), 0
    for a, b in zip(row.cells, row.cells[1:]):
        k += len(a)
        if below is not None and 0 < below.y - row.y < 2.6 * a[0].h and any(
                a[0].x0 - 2 <= c[0].x0 < b[0].x0 - 2 < c[-1].x1  # not a column's jitter, nor two values
                and not any(abs(w.x0 - b[0].x0) <= 2 for w in c) for c in below.cells):  # close in their columns
            out.add(k)
    return out


def cell_index(row: Row, wi: int) -> int:
    k = 0
    for ci, cell in enumerate(row.cells):
        k += len(cell)
        if wi < k:
            return ci
    return len(row.cells) - 1


#: fields whose value has a shape of its own: a weak label without colon followed by just such a value labels it
#: ("Telefon 0421 123456 · E-Mail anna@example.org" in a letter's footer)
_SHAPED = ("telefon", "email", "iban")


def shaped(field: str, rest: list[Word]) -> bool:
    """Whether *rest*, the words after a weak label up to the next label, are a valid value of a shaped field."""
    if field not in _SHAPED or not rest or not (rest[0].text[:1].isdigit() or rest[0].text[:1] in "+(" or
                                                field != "telefon"):
        return False
    p = V.VALIDATORS[field](V.strip_debris(" ".join(w.text for w in rest)))
    return bool(p and p.ok and not p.repaired)


#: the word after "Straße", "Platz", … that makes it a street's name ("Straße der Einheit", "Straße des 17. Juni")
_NAME_GOES_ON = re.compile(r"(?i)(?:der|des|dem|den|zur|zum|vom|von|am|an|im)$")


def street_names(row: Row, hits: list) -> list:
    """*hits* without a street's label that begins a street's name: "Straße der Einheit 39b" (no colon after
    it, an article next and a house number within four words) is a value, not the label "Straße"."""
    ws = row.words

    def named(h) -> bool:
        if h.label.field != "strasse" or h.colon or h.j - h.i != 1 or h.j >= len(ws):
            return False
        after = " ".join(w.text for w in ws[h.j + 1:h.j + 5])
        return bool(_NAME_GOES_ON.match(ws[h.j].text) and re.search(rf"(?<![\d.]){V.HOUSE}(?![\d.])", after))

    return [h for h in hits if not named(h)]
