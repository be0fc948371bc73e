"""Candidate values from the layout: a label's value is to its right (in
its cell, or the next cell) or below it (in its column), up to the next
label; section headings decide whose value it is.

Every candidate carries what the scorer needs (how the label matched, where the value was, whose section)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ekte.stages.extract import leaders
from ekte.stages.extract import values as V
from ekte.stages.extract.lexicon import (
    CLOSING, Hit, Lexicon, item_number, match_in_row, said_role, section_of, words_role,
)
from ekte.stages.extract.captions import captions, spelled_out, unbracketed
from ekte.stages.extract.cells import (
    cell_index, cell_starts, fills_cell, label_starts, opens_remark, past_remark, spanned, street_names, value_right,
    without_hints,
)
from ekte.stages.extract.continued import (
    WRAPPING, beside, boxed_date, cells_spanned, iban_tail, ort_below, town_rest, with_house_numbers,
)
from ekte.stages.extract.filenumber import file_label
from ekte.stages.extract.grid import grid_candidates, maker
from ekte.stages.extract.questions import answer, question_hit
from ekte.stages.extract.spelling import comb_text, unboxed
from ekte.stages.extract.wraps import joined_labels
from ekte.stages.layout import Row, Word

PERSON_FIELDS = ("vorname", "nachname", "geburtsdatum", "strasse", "plz", "ort", "telefon", "email")
#: fields whose value is someone's: a person's, or the vehicle's (a previous vehicle's plate, one under the
#: previous holder's heading, is "someone else's" as a person's address is)
OWNED_FIELDS = PERSON_FIELDS + ("kennzeichen",)


@dataclass
class Cand:
    field: str
    value: str
    page: int
    start: int
    end: int
    source: str  # right | below | pattern | prose | header | stamp
    sim: float = 1.0
    colon: bool = False
    weak: bool = False
    role: str | None = None
    ok: bool = True
    repaired: bool = False
    raw: str = ""
    y: float = 0.0  # 0 (top) .. 1 (bottom) of the page
    debris: bool = False
    pseudo: bool = False  # from a pseudo-field label (a full name, a whole address)
    dist: float = 0.0  # label → value, in line heights
    ocr: bool = False  # read by OCR (a scan), not from a text layer
    rank: int = 5  # whose value (scoring.role_rank)
    label: str = ""  # the lexicon key of its label (labelled values)
    lead: bool = False  # its label begins its cell or ends with a colon
    wconf: float | None = None  # lowest OCR word confidence of its words (None: text layer; -1: unknown)
    whose: str = ""  # an IBAN's account by its text: "payee", "authority", "" (not said; see patterns.iban_context)
    said: str | None = None  # whose value its label's own words say (lexicon.said_role)


@dataclass
class Section:
    row: int
    x0: float
    x1: float
    role: str
    end: float = 0.0  # where its column ends: the next cell of its row (0: the page's edge)


def _page_geometry(words: list[Word]) -> tuple[float, float]:
    return max((w.x1 for w in words), default=1.0), max((w.y1 for w in words), default=1.0)


def find_sections(rws: list[Row], lex: Lexicon) -> list[Section]:
    out = []
    for r, row in enumerate(rws):
        # cells without a letter (an OCR speck, what is left of "2.") do not count
        if CLOSING.match(row.text):  # a letter's closing ends the body's sections: its footer is no one's in them
            out.append(Section(r, -1e9, 1e9, "neutral"))
            continue
        cells = [c for c in row.cells if any(ch.isalpha() for w in c for ch in w.text)]
        # a row of headings (two columns: "Angaben zur Person | Bevollmächtigte/r"): every cell; else the first
        heads = not any(ch.isdigit() or ch == ":" for c in cells for w in c for ch in w.text)
        for ci, cell in enumerate(cells):
            if not (heads or ci == 0 or _column_head(row.cells, cell)) or len(cell) > 9 or cell[-1].text[-1:].isdigit():
                continue
            role = section_of(" ".join(w.text for w in cell), lex)
            if role:  # a heading of the left column with the right column's words beside it ends there
                end = min((c[0].x0 for c in row.cells if c[0].x0 > cell[-1].x1), default=0.0)
                out.append(Section(r, cell[0].x0, cell[-1].x1, role, end))
    return out


def _column_head(cells: list[list[Word]], cell: list[Word]) -> bool:
    """A heading of the right column in a row of the left one ("PLZ: | 42551 | Bevollmächtigte/r"):
    a cell of words only, not the value of a label before it."""
    t, ci = " ".join(w.text for w in cell), next(i for i, c in enumerate(cells) if c is cell)
    return ci > 0 and len(t) >= 8 and not any(ch.isdigit() or ch == ":" for ch in t) and \
        not cells[ci - 1][-1].text.endswith(":")


def role_at(sections: list[Section], r: int, x: float, page_w: float) -> str | None:
    """The role of the nearest heading above row *r* whose column holds *x*."""
    best: Section | None = None
    for s in sections:
        if s.row >= r:
            continue
        same_row = [o for o in sections if o.row == s.row and o.x0 > s.x0]
        col_end = min([o.x0 for o in same_row] + [s.end or page_w + 1])
        if s.x0 - 40 <= x < col_end and (best is None or s.row > best.row):
            best = s
    if best is not None and best.role == "unknown":  # a person's heading that says not whose: after the
        # document's person's own section, someone else's may follow (its values are no one's for sure)
        return "unknown" if any(s.row < best.row and s.role in _OWN for s in sections) else None
    return best.role if best else None


def row_hits(row: Row, lex: Lexicon, min_sim: float, below: Row | None = None) -> list[Hit]:
    nw, colons = leaders.label_words(row, lex)  # (a scan's leaders and item numbers glued to labels taken off)
    nw = unbracketed(row, nw)
    q = question_hit(row, nw, lex, below)
    if q is not None:  # a questionnaire's question: its answer is below it
        return [q]
    starts = label_starts(row)
    ends = sorted(cell_starts(row) - spanned(row, below))[1:] + [len(nw)]
    hits: list[Hit] = []
    i = 0
    while i < len(nw):
        # a label stays in its cell: "Familienname | Vorname(n)" over a table's columns are two labels
        # (unless one value below spans both)
        e = next(x for x in ends if x > i)
        h = match_in_row(nw[:e], colons[:e], i, lex, min_sim, i in starts or (i > 0 and colons[i - 1]))
        if h and not (nw[h.j - 1].endswith(".") and not h.label.key.endswith(".")):
            hits.append(h)  # (a label's word ending a sentence, "… in der angegebenen Gemarkung.", is none)
            h.j, led = leaders.after_label(row.words, h.j, colons)  # the leader's words as OCR read them
            h.colon = h.colon or led
            i = h.j
        else:
            i += 1
    return spelled_out(row, street_names(row, without_hints(row, hits)))


def _value_below(rws: list[Row], r: int, h: Hit, all_hits: dict[int, list[Hit]], lines: int,
                 heads: set[int] = frozenset()) -> list[list[Word]]:
    """The lines below a label in its column up to the next label or section heading (rows *heads*)."""
    row = rws[r]
    lw = row.words[h.i]
    ci = cell_index(row, h.j - 1)
    col_end = row.cells[ci + 1][0].x0 if ci + 1 < len(row.cells) else 1e9
    x_lo = lw.x0 - 3 * lw.char_w
    if h.i > 1 and h.j == len(row.words) == len(row.cells[0]) and item_number(row.words[0].text):  # "12. Bitte …: Flur"
        x_lo = min(x_lo, row.words[1].x0 - 3 * lw.char_w)  # an item's answer below begins under its text
    out: list[list[Word]] = []
    last_y, last_h, reach = row.y, lw.h, r + 1 + lines + 1
    opened = opens_remark(row, h)
    for rr in range(r + 1, min(len(rws), r + lines + 4)):
        if rr >= reach or rr in heads:
            break
        below = rws[rr]
        ws = [(k, w) for k, w in enumerate(below.words) if x_lo <= w.x0 < col_end - 2]
        # the white space between the lines, not their centres, in the larger line's height (up to twice
        # the label's): a row of boxes or a value written larger is taller than its label
        h_below = max((w.h for _, w in ws), default=lw.h)
        if below.y - last_y - (h_below + last_h) / 2 > 1.6 * max(lw.h, min(h_below, 2 * lw.h)):
            break
        if ws and all(_DATE_PARTS.fullmatch(w.text) for _, w in ws):
            last_y, last_h, reach = below.y, h_below, reach + 2  # the sub-labels of a date in boxes
            continue  # ("Tag | Monat | Jahr"): its value is below them (past a line of the next column)
        if opened and ws:  # the label's remark ends on this line ("Ortsteil)"): the value is after it, or below
            opened, ws = False, past_remark(ws)
            last_y, last_h, reach = (below.y, h_below, reach + 1) if not ws else (last_y, last_h, reach)
        if not ws:
            if out:
                break
            continue
        hit_starts = {o.i for o in all_hits.get(rr, []) if not _worded(below, o)}
        hit_starts |= {k - 1 for k in hit_starts if k and item_number(below.words[k - 1].text)}  # "6.2 Kassenzeichen"
        if ws[0][0] in hit_starts:
            break
        taken = []
        for k, w in ws:  # up to the next label, or a gutter (a two-column page's other column: "… | Bezug")
            if k in hit_starts or (taken and w.x0 - taken[-1].x1 > 8 * taken[-1].char_w):
                break
            taken.append(w)
        out.append(taken)
        last_y, last_h = below.y, h_below
        if len(out) >= lines:
            break
    return out


_DATE_PARTS = re.compile(r"(?i)tag|monat|jahr|tt|mm|jj|jjjj")


def _worded(row: Row, h: Hit) -> bool:
    """A weak label word without a colon that its cell goes on after ("Straße des Friedens 103"):
    a value that begins like a label, not the next label."""
    ci = cell_index(row, h.i)
    return h.label.weak and not h.colon and h.label.field in _NAMED_LIKE and h.j < sum(len(c) for c in row.cells[:ci + 1])


#: fields whose values may begin with their own label's word ("Straße des Friedens", "Verein für …")
_NAMED_LIKE = ("strasse", "anschrift", "ort", "verein", "name")


def _emit(out: list[Cand], field: str, p: V.Parsed | None, base: Cand, raw: str) -> None:
    street = field == "strasse" and not any(ch.isdigit() for ch in p.value) if p else False  # its number may follow
    if p is None or not p.value or (not p.ok and base.source == "below" and not street):
        return
    c = Cand(**{**base.__dict__, "field": field, "value": p.value, "ok": p.ok, "repaired": p.repaired, "raw": raw})
    out.append(c)


_CONTINUES = re.compile(r"(?:der|des|die|dem|den|zur|zum|für|von|vom|und)\b")


def parse_label_value(h: Hit, text: str, base: Cand, out: list[Cand], validators: dict) -> None:
    """Typed candidates from the value of one label."""
    f = h.label.field
    debris = V.strip_debris(text)
    base.debris = base.debris or debris != V.clean(text)
    debris = unboxed(debris)  # one character per box: "D E 0 9 1 9 …", "0 8 8 3 8"
    if f == "other" or not debris or (h.label.weak and not h.colon and _CONTINUES.match(debris)):
        return  # "Datum der Geburt …": the label goes on, it is not this one
    if f == "name":
        base.pseudo = True
        key = h.label.key
        last_first = key.startswith(("name,", "nachname,", "familienname,", "name ,"))
        nm = V.split_name(debris, last_first)
        if nm:  # each part must be a name itself ("Vertreter/in bzw." is not)
            _emit(out, "vorname", V.Parsed(nm[0], ok=bool(V.v_name(nm[0]) and V.v_name(nm[0]).ok)), base, text)
            _emit(out, "nachname", V.Parsed(nm[1], ok=bool(V.v_name(nm[1]) and V.v_name(nm[1]).ok)), base, text)
        elif key == "name" and (" " not in debris or V.particled(debris)):  # "Name: Weber", "Name: de Vries"
            _emit(out, "nachname", V.v_name(debris), base, text)
        return
    if f in ("anschrift", "plz_ort", "ort"):
        a = V.parse_address(debris)
        base.pseudo = f != "ort"
        for k in ("strasse", "plz", "ort"):
            if k in a:
                _emit(out, k, V.Parsed(a[k]), base, text)
        if "ort" not in a and (f == "ort" or (not a and h.label.key in ("sitz", "vereinssitz", "sitz des vereins"))):
            _emit(out, "ort", V.v_ort(debris), base, text)
        return
    if f == "hausnummer":
        if re.fullmatch(V.HOUSE, debris):
            _emit(out, f, V.Parsed(re.sub(r"\s+", "", debris)), base, text)
        return
    vf = validators.get(f)
    _emit(out, f, vf(debris) if vf else V.v_text(debris), base, text)


#: the roles a document's own person may have (``extract.person_roles``)
_OWN = ("applicant", "subject", "chair")


def _further_columns(row: Row, h: Hit, right: list[Word], hits: list[Hit], where: tuple, rb: Cand, out: list[Cand],
                     validators: dict) -> None:
    """Persons side by side in a table ("Straße und Hausnummer | Ringstraße 9 | Lindenweg 4" under
    "Bevollmächtigte/r | Antragsteller/in"): each further cell of the label's row up to the next
    label is a value too, whose by its column's heading -- only the person's own after someone else's."""
    sections, r, page_w = where
    nxt = min((o.i for o in hits if o.i >= h.j), default=len(row.words))
    k, first = 0, None
    for cell in row.cells:
        if first is not None and k < nxt:
            role = role_at(sections, r, cell[0].x0, page_w)
            if role in _OWN and rb.role not in _OWN:  # the person's own column after someone else's
                c = Cand(**{**rb.__dict__, "role": role, "start": cell[0].start, "end": cell[-1].end})
                parse_label_value(h, comb_text(cell), c, out, validators)
        if first is None and right[0] in cell:
            first = cell
        k += len(cell)


def _said(row: Row, h: Hit) -> str | None:
    """Whose value the label says (:func:`.lexicon.said_role`); a remark that says it is part of the label;
    so are up to two words before it in its cell ("Früheres amtliches Kennzeichen"), not a sentence's."""
    said, end = said_role([w.text for w in row.words], h)
    if end != h.j:
        h.j, h.colon = end, True
    pre = [w.text for w in row.words[max(k for k in cell_starts(row) if k <= h.i):h.i]][-2:]
    return said or (words_role(pre) if not any(t[-1:] in ",.;:" for t in pre) else None)


def layout_candidates(pno: int, rws: list[Row], words: list[Word], lex: Lexicon, min_sim: float,
                      validators: dict) -> list[Cand]:
    page_w, page_h = _page_geometry(words)
    rws = joined_labels(rws)
    sections = find_sections(rws, lex)
    heads = {s.row for s in sections}
    found = {r: row_hits(row, lex, min_sim, rws[r + 1] if r + 1 < len(rws) else None) for r, row in enumerate(rws)}
    hits = {r: [h for h in hs if h.sim >= 1 or r not in heads] for r, hs in found.items()}
    caps = captions(rws, hits, sections)  # captions under their filled line: the value above them
    claimed = {w.start for ws in caps.values() for w in ws}
    out: list[Cand] = []
    tables = grid_candidates(pno, rws, found, lex, lambda r, x: role_at(sections, r, x, page_w),  # persons as
                             maker(pno, page_h, validators, out), {r for r, _ in caps})  # rows under captions
    for r, row in enumerate(rws):
        starts = label_starts(row)
        for h in hits[r] if r not in tables else ():
            lw = row.words[h.i]
            label = file_label(h.label.key, row.words[h.j:h.j + 2])  # before its remark is taken into it
            said = _said(row, h)
            role = said or role_at(sections, r, lw.x0, page_w)
            base = Cand(h.label.field, "", pno, 0, 0, "right", h.sim, h.colon, h.label.weak, role,
                        y=lw.cy / page_h, label=label, lead=h.i in starts or h.colon, said=said)
            if (r, h.i) in caps:
                _above(caps[(r, h.i)], row, h, base, out, validators)
                continue
            right, own_cell = value_right(row, h, hits[r])
            if right and (not own_cell and not V.strip_debris(" ".join(w.text for w in right)) or V.only_stars(right)):
                right = []  # only a remark ("(bitte stets angeben)", "/ Firma") or a required field's star: value below
            if right:
                rb = Cand(**base.__dict__)
                rb.start, rb.end = right[0].start, right[-1].end
                # a label that ends its cell, its value the next cell: the cell's edge is its colon (not in a
                # row of headings: "Antragsteller (Verein) | Maßnahme und Finanzierung" over two columns)
                rb.colon = rb.colon or (own_cell and r not in heads and h.j == sum(
                    len(c) for c in row.cells[:cell_index(row, h.j - 1) + 1]))
                if own_cell and not said:  # a table of persons side by side: the value's column decides
                    rb.role = role_at(sections, r, right[0].x0, page_w) or rb.role
                rb.dist = (right[0].x0 - row.words[h.j - 1].x1) / max(1.0, lw.h * 10)
                text = comb_text(right)
                if h.label.field in ("anschrift", "strasse"):  # its number, PLZ and Ort in the next cell
                    text, rb.end = beside(row, right, text, h.label.field)
                elif h.label.field in ("ort", "plz_ort"):  # "Neustadt a." | "d. Orla"
                    k = next((i for i, c in enumerate(row.cells) if right[-1] in c), len(row.cells))
                    text, rest = town_rest(row, k, right, text)
                    rb.end = rest[-1].end
                if h.label.field in ("anschrift",) + WRAPPING:
                    text, end = ort_below(rws, r, right, text, h.label.field)
                    rb.end = max(rb.end, end)
                elif h.label.field == "iban":
                    text, rb.end = iban_tail(rws, r, right, text)
                n = len(out)
                parse_label_value(h, text, rb, out, validators)
                if own_cell and not said:
                    _further_columns(row, h, right, hits[r], (sections, r, page_w), rb, out, validators)
                # a file number's label with only words after it ("Ihr Zeichen, Ihre Nachricht vom"): look below
                if (not own_cell or h.colon) and (len(out) > n or h.label.field != "aktenzeichen"):
                    continue
            _below(rws, r, h, (hits, heads, claimed), base, out, validators)
    return with_house_numbers(out)


def _above(ws: list[Word], row: Row, h: Hit, base: Cand, out: list[Cand], validators: dict) -> None:
    if ws:
        base.source, base.start, base.end = "below", ws[0].start, ws[-1].end
        base.dist = (row.words[h.i].cy - ws[0].cy) / row.words[h.i].h
        parse_label_value(h, comb_text(ws), base, out, validators)


def _below(rws: list[Row], r: int, h: Hit, where: tuple, base: Cand, out: list[Cand], validators: dict) -> None:
    """The candidates of a label's value below it (*where*: the hits of every row, the heading rows, the
    words that are a caption's value above it)."""
    (hits, heads, claimed), lw = where, rws[r].words[h.i]
    below = _value_below(rws, r, h, hits, 2 if h.label.field in ("anschrift", "name", "strasse") else 1, heads)
    if not below:
        return
    first = answer(below, h.label.field)
    base.colon = base.colon or (lw.conf is None and fills_cell(rws[r], h) and lw.h < 0.7 * first[0].h)  # boxed, born
    if any(w.start in claimed for w in first):
        return
    base.source, base.start, base.end = "below", first[0].start, first[-1].end
    # words of more than one cell below the label: something else stands in the value (a stamp's word)
    base.debris = cells_spanned(rws, first) > 1
    base.dist = (first[0].cy - lw.cy) / lw.h
    text = comb_text(first)
    if h.label.field in ("geburtsdatum", "antragsdatum", "eingangsdatum"):
        text = boxed_date(rws, first) or text
    if h.label.field == "anschrift" and len(below) > 1 and re.match(r"\s*(?:D-)?\d{5}\s", " ".join(
            w.text for w in below[1])):
        text += ", " + " ".join(w.text for w in below[1])
        base.end = below[1][-1].end
    elif h.label.field == "anschrift" and len(below) > 1 and re.search(r"(?<!\d)\d{5}\s*$", text):
        text += " " + " ".join(w.text for w in below[1])
        base.end = below[1][-1].end
    parse_label_value(h, text, base, out, validators)
