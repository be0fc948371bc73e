"""Letters on paper for a window envelope (DIN 5008): letterhead, return line
and address in the window, the reference line (a row of captions with values
under them, or an information block at the right), subject, body, closing,
enclosures, a footer with the firm's bank.  Anything the letter says is "in
the enclosure" follows on an enclosure page drawn as a form."""

from __future__ import annotations

from .doc import Doc
from .flow import Flow, draw_value, place_stamp
from .forms import LAYOUTS
from .pdfdraw import Sheet
from . import world as W


def letter(s: Sheet, doc: Doc, mode: str):
    L, r = doc.letter, s.r
    f = Flow(s, doc, "print", left=25, top=20, bottom=265)
    f.start()
    _head(f)
    s.label(f.left, 48, L.return_line, 6.5)
    s.hline(f.left, 49.2, 80)
    for i, line in enumerate(L.recipient):
        s.label(f.left, 56 + i * 4.6, line, 10.5)
    if L.company and r.chance(0.55):
        y = _ref_row(f, 98)
    else:
        y = max(_info_block(f, 50), 98)
    f.y = y + 4
    for i, line in enumerate(L.subject):
        s.label(f.left, f.y + 4, line, 10.5, bold=i == 0)
        f.y += 5
    f.y += 5
    f.y = s.para(f.left, f.y, f.width, r.pick(("Sehr geehrte Damen und Herren,", "Sehr geehrte Damen und Herren,",
                                               "Guten Tag,")), 10.5, 5) + 3
    for p in L.body:
        f.need(12)
        f.y = s.para(f.left, f.y, f.width, p, 10.5, 5) + 3
    _closing(f)
    _footer(f)
    place_stamp(f, (f.right - 68, 24))
    if doc.blocks:
        _enclosure(s, doc, mode)


def _head(f: Flow):
    s, L, r = f.s, f.doc.letter, f.s.r
    if not L.company:
        for i, line in enumerate(L.letterhead):
            s.label(f.left if r.chance(0.5) else f.right - 70, 14 + i * 4.5, line, 10)
        return
    x = f.right - 85 if r.chance(0.5) else f.left
    s.label(x, 16, L.letterhead[0], 14, bold=True)
    for i, line in enumerate(L.letterhead[1:]):
        s.label(x, 21.5 + i * 4, line, 8, grey=60)
    s.hline(f.left, 38, f.width)


def _ref_row(f: Flow, y: float) -> float:
    """Old-style reference row: the captions in one line, values below."""
    s, items = f.s, f.doc.letter.refs
    w = f.width / max(len(items), 3)
    for i, it in enumerate(items):
        s.label(f.left + i * w, y, it.label, 6.5, grey=60)
        draw_value(s, f.left + i * w, y + 4.5, w - 2, it.text, "print", 10)
    return y + 10


def _info_block(f: Flow, y: float) -> float:
    """Information block at the right, or a private sender's date line."""
    s, L, r = f.s, f.doc.letter, f.s.r
    x = f.right - 62
    if not L.company:
        y = 92
        for it in L.refs:
            if it.label == "Datum":
                place = r.pick(tuple(W.TOWNS)) if r.chance(0.3) else L.letterhead[2].split(" ", 1)[1]
                draw_value(s, f.right - 75, y, 75, f"{place}, {it.text}" if r.chance(0.7) else f"den {it.text}",
                           "print", 10.5)
            else:
                draw_value(s, f.left, y, 100, f"{it.label}: {it.text}", "print", 10)
            y += 6
        return y
    for it in L.refs:
        s.label(x, y, it.label, 7, grey=60)
        draw_value(s, x, y + 4, 62, it.text, "print", 9.5)
        y += 9.5
    if L.company and r.chance(0.6):
        s.label(x, y, "Durchwahl", 7, grey=60)
        draw_value(s, x, y + 4, 62, W.phone(r, False), "print", 9.5)
        y += 9.5
    return y


def _closing(f: Flow):
    s, L, r = f.s, f.doc.letter, f.s.r
    f.need(34)
    s.signature(f.left + 2, f.y + 12, r.uniform(30, 48))
    f.y += 16
    for line in L.signer:
        if line:
            s.label(f.left, f.y, line, 10)
            f.y += 4.8
    if L.enclosures:
        f.y += 4
        s.label(f.left, f.y, "Anlagen" if len(L.enclosures) > 1 else "Anlage", 9.5, bold=True)
        for e in L.enclosures:
            f.y += 4.6
            s.label(f.left, f.y, f"– {e}", 9.5)
    f.y += 6
    f.free.append((f.page, f.y, f.bottom - f.y))


def _footer(f: Flow):
    s, L, r = f.s, f.doc.letter, f.s.r
    if not L.company:
        return
    bank, iban = W.iban(r)
    s.hline(f.left, 276, f.width)
    parts = [L.letterhead[0], f"{bank}", f"IBAN {' '.join(iban[i:i + 4] for i in range(0, 22, 4))}",
             f"USt-IdNr. DE{r.digits(9)}"]
    s.label(f.left, 280, "  ·  ".join(parts[:2]), 6.5, grey=70)
    s.label(f.left, 283.5, "  ·  ".join(parts[2:]), 6.5, grey=70)


def _enclosure(s: Sheet, doc: Doc, mode: str):
    """The enclosure the letter refers to, drawn as a filled form on its own pages."""
    r = s.r
    doc.title = r.pick(("Anlage zum Schreiben", "Anlage 1", "Anlage – Angaben"))
    doc.subtitle = doc.letter.subject[0]
    doc.office, doc.sign, doc.stamp = [], [], None
    doc.authority = doc.authority or [doc.letter.letterhead[0], "", ""]
    layout = r.pick(("numbered", "band", "underline"))
    LAYOUTS[layout](s, doc, r.pick(("typed", "print", mode)))
