"""The two family3 layouts that arrive as correspondence: ``fax`` (cover sheet with the fax
header line, then the form typed on a typewriter) and ``brief`` (letter with a reference block
on the right and the sender only in the footer)."""

from __future__ import annotations

import random

from canvas import Doc
from data import fmt_date
from layouts import COUNTY, DEPTS, _name, _stamp


def _fax_line(doc: Doc, spec: dict, fax_no: str, when: str, pages: int) -> None:
    doc.font("mono", 7.5)
    doc.text(10, 7, f"{when:<18}{fax_no:<22}{spec['sender']['nachname'].upper()[:22]:<24}S. {doc.pdf.page:02d}/{pages:02d}")


def fax(spec: dict, rng: random.Random) -> bytes:
    doc = Doc(spec["signed"])
    fax_no = f"+49 {rng.randint(4000, 4999)} {rng.randint(100000, 999999)}"
    when = f"{fmt_date(spec['signed'], 'yy')} {rng.randint(7, 19):02d}:{rng.randint(0, 59):02d}"
    doc.on_new_page = lambda d: _fax_line(d, spec, fax_no, when, 2)
    _fax_line(doc, spec, fax_no, when, 2)
    doc.font("sans", 26, bold=True)
    doc.text(20, 35, "Telefax")
    rows = [("An", f"{COUNTY}, {DEPTS[spec['type']]}"), ("Fax-Nr.", "+49 2999 123-4999"),
            ("Von", _name(spec["sender"]).strip()), ("Fax-Nr. Absender", fax_no), ("Datum", spec["date_shown"]),
            ("Seiten (inkl. Deckblatt)", "2"), ("Betreff", spec["title"])]
    y = 52
    for lab, val in rows:
        doc.font("sans", 10, bold=True)
        doc.text(20, y, lab + ":")
        doc.fit(val, "sans", 10, 125)
        doc.text(70, y, val)
        doc.rule(70, y + 1.5, 195, grey=150)
        y += 9
    doc.font("sans", 10)
    doc.text(20, y + 10, "Anbei übersende ich Ihnen den ausgefüllten Antrag vorab per Fax.")
    doc.text(20, y + 16, "Das Original folgt mit der Post.")
    _stamp(doc, rng, spec, [(120, 20), (120, 150), (30, 200)])
    doc.new_page()
    _fax_form(doc, spec, rng)
    return doc.output()


def _fax_form(doc: Doc, spec: dict, rng: random.Random) -> None:
    doc.y = 22
    doc.fit(spec["title"], "serif", 13, 175, bold=True)
    doc.text(18, doc.y, spec["title"])
    doc.y += 5
    doc.font("serif", 8)
    doc.text(18, doc.y, f"an: {COUNTY} – {DEPTS[spec['type']]}")
    for lab, val in spec["office"]:
        doc.y += 5
        doc.font("serif", 9)
        doc.text(18, doc.y, f"{lab}:")
        doc.font("type", 11)
        doc.text(62, doc.y, val)
    doc.y += 9
    for sec in spec["sections"]:
        doc.need(10)
        doc.font("serif", 9.5, bold=True)
        doc.text(18, doc.y, sec["head"])
        doc.rule(18, doc.y + 1.2, 192, grey=0)
        doc.y += 6.5
        for lab, val in sec["items"]:
            doc.need(6)
            doc.font("serif", 8.5)
            doc.text(22, doc.y, lab)
            doc.fit(val, "type", 11, 110)
            doc.text(85, doc.y, val)
            doc.y += 5.8
        doc.y += 2.5
    if spec["checks"]:
        doc.font("serif", 9)
        for lab, t in spec["checks"]:
            doc.need(6)
            doc.box(22, doc.y - 3, 3.2, 3.2, t)
            doc.text(27, doc.y, lab)
            doc.y += 5.5
    doc.need(20)
    doc.y += 6
    doc.font("type", 11)
    doc.text(22, doc.y, f"{spec['place']}, den {spec['date_shown']}")
    doc.scribble(rng, 120, doc.y)
    doc.font("serif", 7)
    doc.text(22, doc.y + 4, "Ort, Datum")
    doc.text(120, doc.y + 4, "Unterschrift")


def brief(spec: dict, rng: random.Random) -> bytes:
    doc, s = Doc(spec["signed"]), spec["sender"]

    def footer(d: Doc) -> None:
        d.rule(20, 277, 190, grey=120)
        d.font("sans", 7)
        d.text(20, 281, f"{_name(s).strip()} · {s['strasse']} {s['hausnr']} · {s['plz']} {s['ort']}")
        if s["telefon"]:
            d.text(20, 285, f"Telefon {s['telefon']} · E-Mail {s['email']}")
    doc.on_new_page = footer
    footer(doc)
    doc.font("sans", 10)
    for k, line in enumerate([COUNTY, DEPTS[spec["type"]], "Postfach 11 22", "29998 Musterstadt"]):
        doc.text(25, 50 + 5 * k, line)
    refs = [(lab if "Az" not in lab else "Ihr Zeichen", v) for lab, v in spec["office"] if "Kasse" not in lab]
    refs += [(lab, v) for lab, v in spec["office"] if "Kasse" in lab]
    if rng.random() < 0.5:
        refs.append(("Ihre Nachricht vom", fmt_date(spec["signed"].replace(day=1), "norm")))
    refs.append(("Datum", spec["date_shown"]))
    for k, (lab, val) in enumerate(refs):
        doc.font("sans", 7)
        doc.text(135, 48 + 9 * k, lab)
        doc.font("sans", 9.5)
        doc.text(135, 52 + 9 * k, val)
    _stamp(doc, rng, spec, [(25, 22), (140, 16), (140, 240)])
    doc.y = max(98, 58 + 9 * len(refs))
    doc.fit(spec["title"], "sans", 11, 170, bold=True)
    doc.text(25, doc.y, spec["title"])
    doc.y += 10
    doc.font("serif", 10)
    doc.text(25, doc.y, "Sehr geehrte Damen und Herren,")
    doc.y += 7
    doc.text(25, doc.y, spec["intro"])
    doc.y += 9
    _brief_body(doc, spec)
    doc.need(30, bottom=270)
    doc.font("serif", 10)
    doc.text(25, doc.y + 4, "Mit freundlichen Grüßen")
    doc.scribble(rng, 27, doc.y + 15)
    doc.text(25, doc.y + 22, _name(spec["signer"]))
    return doc.output()


def _brief_body(doc: Doc, spec: dict) -> None:
    for sec in spec["sections"]:
        doc.need(8 + 5 * len(sec["items"]), bottom=270)
        doc.font("serif", 10, bold=True)
        doc.text(25, doc.y, sec["head"] + ":")
        doc.y += 5.5
        for lab, val in sec["items"]:
            doc.font("serif", 9.5)
            doc.text(32, doc.y, f"{lab}:")
            doc.fit(val, "serif", 10, 100)
            doc.text(95, doc.y, val)
            doc.y += 5
        doc.y += 3
    ticked = [lab for lab, t in spec["checks"] if t]
    if ticked:
        doc.font("serif", 10)
        doc.text(25, doc.y, "Beantragt wird: " + ", ".join(ticked) + ".")
        doc.y += 7
