"""Form layouts.  numbered: an official multi-page form, sections "1." and
numbered fields "1.1" in a grid, the caption in the cell's corner.
underline: the value written on a line, its caption printed UNDER the line.
questionnaire: question sentences, the answer after them.  band: a dark
header band with a barcode-like box and typed values in field boxes (a filled
PDF form printed flat).  table: landscape, blocks as two-column tables."""

from __future__ import annotations

from .doc import Doc, Item
from .flow import (Flow, choices, comb_value, declarations, draw_value, office_box, place_stamp, section_bar,
                   sign_row, widths)
from .pdfdraw import Sheet
from . import world as W

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
NOTES = (
    "Hinweise zum Datenschutz (Art. 13 DSGVO): Verantwortlich für die Verarbeitung Ihrer Daten ist das "
    "Landratsamt. Die Daten werden ausschließlich zur Bearbeitung Ihres Antrags verwendet und nach Ablauf der "
    "gesetzlichen Aufbewahrungsfristen gelöscht. Sie haben das Recht auf Auskunft, Berichtigung, Löschung und "
    "Einschränkung der Verarbeitung sowie ein Beschwerderecht bei der Aufsichtsbehörde.",
    "Die Erhebung der Daten beruht auf der jeweiligen Fachrechtsgrundlage. Ohne die Pflichtangaben kann der Antrag "
    "nicht bearbeitet werden. Eine Übermittlung an Dritte erfolgt nur, soweit eine Rechtsvorschrift dies erlaubt.",
    "Ausfüllhinweise: Bitte füllen Sie den Vordruck vollständig und gut lesbar aus. Unvollständige Anträge "
    "verzögern die Bearbeitung. Nachweise (Kopien) fügen Sie bitte bei; Originale werden nicht zurückgesandt.",
    "Gebühren: Für die Bearbeitung werden Verwaltungsgebühren nach dem Kostengesetz erhoben. Sie erhalten hierzu "
    "einen gesonderten Bescheid. Bitte überweisen Sie erst nach Erhalt des Bescheides.",
)


def _title(f: Flow, size: float = 14, x: float | None = None):
    s, d = f.s, f.doc
    f.need(20)
    s.label(f.left if x is None else x, f.y + 5, d.title, size, bold=True)
    f.y += 7
    if d.subtitle:
        s.label(f.left if x is None else x, f.y + 3, d.subtitle, 9)
        f.y += 6
    f.y += 3


def _authority(f: Flow, x: float, y: float, size: float = 8.5):
    for i, line in enumerate(f.doc.authority):
        f.s.label(x, y + i * 4.2, line, size, bold=i == 0)


# -- numbered --------------------------------------------------------------
def numbered(s: Sheet, doc: Doc, mode: str):
    f = Flow(s, doc, mode)
    f.start()
    r = s.r
    _authority(f, f.left, 16)
    s.label(f.left, 12, doc.form_no, 6.5, grey=90)
    h = office_box(f, f.right - 72, 14, 72) if doc.office else 0
    f.y = max(36, 18 + h)
    _title(f)
    if r.chance(0.5):
        f.y = s.para(f.left, f.y, f.width, "Bitte in Druckschrift ausfüllen und Zutreffendes ankreuzen. "
                     "Felder mit * sind Pflichtangaben.", 8, 3.8) + 2
    for i, block in enumerate(doc.blocks, 1):
        section_bar(f, f"{i}. {block.heading}")
        n = 0
        for row in block.rows:
            n = _grid_row(f, row, i, n)
        if block.note:
            f.need(6)
            s.label(f.left, f.y + 2.5, block.note, 7, grey=60)
            f.y += 5
        f.y += 2
    declarations(f, doc.declarations or ["Ich versichere, dass die Angaben vollständig und richtig sind."])
    sign_row(f, "Unterschrift der antragstellenden Person")
    place_stamp(f)
    f.s.label(f.left, s.h - 10, doc.form_no, 6.5, grey=90)
    if r.chance(0.5):
        _notes_page(f)


def _notes_page(f: Flow):
    """The notes real forms print on their last page (data protection, fees)."""
    f.break_page()
    f.s.label(f.left, f.y + 4, "Hinweise", 11, bold=True)
    f.y += 9
    declarations(f, [n for n in NOTES if f.s.r.chance(0.8)] or list(NOTES[:1]))


def _grid_row(f: Flow, row: list[Item], sec: int, n: int, h: float = 12.5) -> int:
    s = f.s
    f.need(h)
    x = f.left
    for it, w in zip(row, widths(row, f.width)):
        n += 1
        s.frame(x, f.y, w, h)
        s.label(x + 1.2, f.y + 3, f"{sec}.{n} {it.label}", 6.5)
        if it.choices:
            choices(f, x + 2, f.y + 9.5, it)
        elif it.comb:
            comb_value(f, x + 2, f.y + 10.8, it, min(4.6, (w - 4) / it.comb))
        else:
            f.value(x + 2, f.y + 10, w - 4, it)
        x += w
    f.y += h
    return n


# -- underline ---------------------------------------------------------------
def underline(s: Sheet, doc: Doc, mode: str):
    f = Flow(s, doc, mode, left=20)
    f.start()
    r = s.r
    s.label(f.left, 14, doc.authority[0], 11, bold=True)
    s.label(f.left, 19, " · ".join(doc.authority[1:]), 8)
    s.hline(f.left, 22, f.width)
    f.y = 28
    _title(f, 13)
    for i, block in enumerate(doc.blocks):
        f.need(20)
        head = f"{ROMAN[i % 8]}. {block.heading}" if r.chance(0.6) else block.heading
        s.label(f.left, f.y + 4, head, 10, bold=True)
        s.hline(f.left, f.y + 5.5, s.width_of(head, s.face[1], 10))
        f.y += 9
        for row in block.rows:
            _under_row(f, row)
        if block.note:
            s.label(f.left, f.y + 1, f"({block.note})", 7, grey=70)
            f.y += 5
    sign_row(f, r.pick(("Unterschrift", "Unterschrift Antragsteller/in", "eigenhändige Unterschrift")))
    if doc.office:
        f.need(30)
        s.hline(f.left, f.y, f.width, dotted=True)
        f.y += 3
        f.y += office_box(f, f.left, f.y, 90, "Nur für den Dienstgebrauch") + 3
    place_stamp(f)
    if r.chance(0.3):
        _notes_page(f)


def _under_row(f: Flow, row: list[Item], h: float = 13):
    s = f.s
    f.need(h)
    x = f.left
    base = f.y + 7
    for it, w in zip(row, widths(row, f.width, 4)):
        if it.choices:
            choices(f, x, base, it)
        elif it.comb:
            comb_value(f, x, base, it, min(5.0, w / it.comb))
        else:
            f.value(x + 1, base - 0.8, w - 2, it)
            s.hline(x, base, w, dotted=s.r.chance(0.3))
        s.label(x, base + 3.6, it.label, 6.5, grey=50)
        x += w + 4
    f.y += h


# -- questionnaire -------------------------------------------------------------
def questionnaire(s: Sheet, doc: Doc, mode: str):
    f = Flow(s, doc, mode, left=22)
    f.start()
    _authority(f, f.left, 16, 8)
    if doc.office:
        office_box(f, f.right - 62, 12, 62, "Eingangsvermerk / Az.")
    f.y = 44
    _title(f, 13)
    q = 0
    for i, block in enumerate(doc.blocks):
        f.need(14)
        s.label(f.left, f.y + 4, f"{chr(65 + i)}  {block.heading}", 10.5, bold=True)
        f.y += 8
        for row in block.rows:
            for it in row:
                q += 1
                _question(f, it, q)
        f.y += 2
    sign_row(f, "Unterschrift")
    place_stamp(f, (f.right - 70, 30))


def _question(f: Flow, it: Item, q: int):
    s = f.s
    ask = it.ask or it.label + ":"
    f.need(9)
    head = f"{q}. {ask}" if s.r.chance(0.7) else ask
    s.label(f.left, f.y + 4, head, 9)
    wq = s.width_of(head, s.face[0], 9) + 3
    if it.choices:
        choices(f, f.left + 6, f.y + 10, it)
        f.y += 13
        return
    text = f.text(it)
    room = f.width - wq
    fits = it.comb and it.comb * 4.6 < room or not it.comb and s.width_of(text or "x", s.face[0], 11) < room - 10
    x, y = (f.left + wq, f.y + 4) if fits else (f.left + 8, f.y + 10.5)
    if it.comb:
        comb_value(f, x, y + 0.7, it)
    else:
        f.value(x, y, f.right - x, it)
        s.hline(x, y + 1, f.right - x, dotted=True)
    f.y = y + 5


# -- band ----------------------------------------------------------------------
def band(s: Sheet, doc: Doc, mode: str):
    f = Flow(s, doc, "typed" if mode != "hand" else "hand", left=15)
    f.start()
    r = s.r
    shade = r.pick((40, 70, 95))
    s.band(0, 30, shade)
    s.set_text_color(255, 255, 255)
    s.label(f.left, 10, doc.authority[0], 10, bold=True, grey=255)
    s.label(f.left, 15, doc.authority[1], 8, grey=255)
    s.label(f.left, 23, doc.title, 12.5, bold=True, grey=255)
    s.set_fill_color(255, 255, 255)
    s.rect(f.right - 58, 4, 58, 22, style="F")
    s.barcode(f.right - 55, 6, 52, 11, r.digits(12))
    f.y = 34
    if doc.subtitle:
        s.label(f.left, f.y + 2, doc.subtitle, 8.5)
        f.y += 6
    if doc.office:
        f.y += office_box(f, f.left, f.y, 85, "Behördenvermerk") + 3
    for block in doc.blocks:
        section_bar(f, block.heading, shade=235, size=9)
        for row in block.rows:
            _band_row(f, row)
        f.y += 1
    sign_row(f, "Unterschrift / Name in Druckbuchstaben")
    place_stamp(f)
    s.label(f.left, s.h - 8, f"{doc.form_no} – elektronisch ausgefüllt, ausgedruckt und unterschrieben", 6, grey=100)


def _band_row(f: Flow, row: list[Item], h: float = 10):
    s = f.s
    f.need(h)
    x = f.left
    for it, w in zip(row, widths(row, f.width, 2)):
        s.label(x, f.y + 2.5, it.label, 6.5, grey=40)
        if it.choices:
            choices(f, x, f.y + 8, it)
        else:
            s.frame(x, f.y + 3.4, w, 5.8, fill=(228, 236, 250), width=0.1)
            f.value(x + 1, f.y + 7.9, w - 2, it, 10)
        x += w + 2
    f.y += h


# -- table (landscape) -----------------------------------------------------------
def table(s: Sheet, doc: Doc, mode: str):
    f = Flow(s, doc, mode, left=14, top=16)
    f.start()
    _authority(f, f.left, 14, 8)
    _title(f, 13, x=f.left + 80)
    f.y = max(f.y, 30)
    if doc.office:
        office_box(f, f.right - 80, 10, 80)
        f.y = max(f.y, 12 + 7 + 6.5 * len(doc.office))
    col_w = (f.width - 8) / 2
    cols = [f.y, f.y]
    for block in doc.blocks:
        c = 0 if cols[0] <= cols[1] else 1
        need = 7 + 7 * sum(len(row) for row in block.rows)
        if cols[c] + need > f.bottom - 25:
            c = 1 - c
            if cols[c] + need > f.bottom - 25:
                f.y = max(cols)
                f.break_page()
                cols = [f.y, f.y]
        cols[c] = _table_block(f, block, f.left + c * (col_w + 8), cols[c], col_w)
    f.y = max(cols)
    sign_row(f, "Unterschrift")
    place_stamp(f, (f.right - 150, 8))


def _table_block(f: Flow, block, x: float, y: float, w: float) -> float:
    s = f.s
    s.frame(x, y, w, 6, fill=(200, 200, 200))
    s.label(x + 1.5, y + 4.3, block.heading, 8.5, bold=True)
    y += 6
    lw = w * 0.38
    for row in block.rows:
        for it in row:
            s.frame(x, y, lw, 7, fill=(238, 238, 238))
            s.frame(x + lw, y, w - lw, 7)
            s.label(x + 1.2, y + 4.6, it.label, 7)
            if it.choices:
                choices(f, x + lw + 1.5, y + 5.2, it, 7)
            elif it.comb and (w - lw - 3) / it.comb > 2.8:
                comb_value(f, x + lw + 1, y + 6.3, it, min(4.2, (w - lw - 3) / it.comb))
            else:
                f.value(x + lw + 1.5, y + 5.3, w - lw - 3, it, 10)
            y += 7
    return y + 4


LAYOUTS = {"numbered": numbered, "underline": underline, "questionnaire": questionnaire, "band": band,
           "table": table}
LANDSCAPE = {"table"}
