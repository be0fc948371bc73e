"""The cells of a row as labels see them: where a label may begin (a cell's first word, the word after
an item's number), which labels span one value below them, and the values whose shape alone says a weak
label labels them."""

from __future__ import annotations

import re

from ekte.stages.extract import values as V
from ekte.stages.extract.filenumber import numbered
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


#: a form's instruction beside a label, not a value: "siehe Merkblatt", "wie im Personalausweis", "alle Vornamen",
#: "TT.MM.JJJJ", "freiwillige Angabe", "ggf. …" — in an "Erläuterung" column between label and entry, or the label's
#: own remark before it wraps ("Familienname, ggf." / "Geburtsname"; "Wohnort (ggf." / "Ortsteil)")
_HINT = re.compile(r"(?i)^(?:siehe\b|s\.\s?(?:Merkblatt|Anlage|Rückseite)|wie\s+(?:im|in|auf)\b|ggf\.|gegebenenfalls\b|"
                   r"falls\b|soweit\b|sofern\b|bitte\b|alle\s+Vornamen|bei\s+mehreren\b|nicht\s+ausfüllen|"
                   r"freiwillig|optional\b|z\.\s?B\.|TT\.?\s?MM\.?\s?(?:JJ)?JJ\b|(?:PLZ|Postleitzahl)\s+(?:und\s+)?Ort,?\s+"
                   r"Straße|tagsüber\b|für\s+Rückfragen|laut\b|lt\.\s|nur\s+(?:bei|wenn|falls)\b|Pflichtangabe)")


def hint(text: str) -> bool:
    """Whether *text* (a cell's or a label's rest) is an instruction to the person filling in, not a value; so is an
    opened bracket not closed on its line ("(Rufname" / "unterstreichen)"): the label's remark, wrapped."""
    t = text.strip()
    return bool(_HINT.match(t.lstrip("(,;– ")) or (t.startswith("(") and ")" not in t))


def without_hints(row: Row, hits: list) -> list:
    """*hits* without the labels inside an instruction cell right of a label ("Anschrift | PLZ Ort, Straße
    Hausnummer | 54568 Gerolstein, …": the middle cell tells how to write the entry, it labels nothing)."""
    if len(row.cells) < 3 or len(hits) < 2:
        return hits
    k, inside = 0, []
    for ci, cell in enumerate(row.cells):
        if ci and hint(" ".join(w.text for w in cell)) and any(k - 1 == h.j - 1 for h in hits):
            inside.append(range(k, k + len(cell)))
        k += len(cell)
    return [h for h in hits if not any(h.i in span for span in inside)]


def opens_remark(row: Row, h) -> bool:
    """Whether the label's cell ends in a bracket opened and not closed ("Wohnort (ggf." / "Ortsteil)"):
    the remark goes on below it, before the value."""
    ci = cell_index(row, h.j - 1)
    text = " ".join(w.text for w in row.words[h.i:sum(len(c) for c in row.cells[:ci + 1])])
    return text.rfind("(") > text.rfind(")")  # (also "Telefon (tagsüber, für": the label took "(tagsüber,")


def past_remark(ws: list) -> list:
    """The words of a line below a label after its wrapped remark's end ("Ortsteil)"; *ws*: (index, word) pairs,
    the remark's end among their first three)."""
    close = next((n for n, (_, w) in enumerate(ws[:3]) if w.text.endswith(")") and "(" not in w.text), None)
    return ws if close is None else ws[close + 1:]


def value_right(row: Row, h, hits: list) -> tuple[list[Word], bool]:
    """The words right of a label, and whether they are in a cell of their own."""
    nxt = min((o.i for o in hits if o.i >= h.j), default=len(row.words))
    ci = cell_index(row, h.j - 1)
    cell_end = sum(len(c) for c in row.cells[:ci + 1])
    if nxt < len(row.words) and nxt - h.j == 1 and item_number(row.words[h.j].text) and h.i > 0 \
            and item_number(row.words[h.i - 1].text):  # numbered boxes ("Flur: 7 Flurstück: 123" keeps its 7)
        nxt = h.j  # "14 Flur-Nr. 15 Flurstück-Nr.": the next box's number, not this label's value
    if h.j < min(cell_end, nxt):
        rest = row.words[h.j:min(cell_end, nxt)]
        value = V.strip_debris(" ".join(w.text for w in rest))
        value = "" if (hint(value) or opens_remark(row, h)) and nxt >= cell_end else value  # a remark, wrapping
        if h.label.weak and not h.colon and value and not numbered(h.label.field, rest) \
                and not shaped(h.label.field, rest):
            return [], False  # "Verein beantragt …": a weak word without colon labels only a cell of its own
        if value or nxt < cell_end:
            return rest, False
        # only a remark in the label's cell ("Geburtsdatum" / "(TT.MM.JJJJ):", "Az. (falls bekannt)"): the next cell
    while ci + 1 < len(row.cells) and cell_end < nxt:
        nxt_cell_end = cell_end + len(row.cells[ci + 1])
        cell = row.words[cell_end:min(nxt_cell_end, nxt)]
        if not hint(" ".join(w.text for w in cell)):
            return cell, True
        ci, cell_end = ci + 1, nxt_cell_end  # an "Erläuterung" column's instruction: the entry is further right
    return [], False
