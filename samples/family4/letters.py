"""Layouts: `fragebogen` (questions and answers), `zweispaltig` (a two-column page), `din5008`
(a letter with the reference row "Ihr Zeichen | Ihre Nachricht vom | Unser Zeichen | Datum")."""

from __future__ import annotations

import random

import data as D
from draw import Doc, office
from forms import finish, header, items_table, sign
from rows import Wording, person_rows


def fragebogen(spec: dict, rng: random.Random) -> bytes:
    doc, w = Doc(rng, spec["signed"]), Wording(rng)
    header(doc, spec, rng, w)
    doc.text(15, doc.y, "Bitte beantworten Sie die folgenden Fragen vollständig.", 9)
    doc.y += 8
    n, boxed = 1, rng.random() < 0.5
    split = rng.random() < 0.3
    for b in [spec["main"]] + spec["others"] + [None]:
        doc.need(20)
        doc.text(15, doc.y, b["head"] if b else "Weitere Fragen", 10, bold=True)
        doc.y += 7
        if b:
            qa = [(w.question(k, b["who"]) if b["who"] in ("self", "third") else w.label(k), v)
                  for k, v in person_rows(rng, b, split)]
        else:
            qa = [(f"Bitte geben Sie an: {lab}", v) for lab, v in spec["items"]]
        for q, a in qa:
            doc.need(14)
            doc.text(15, doc.y, f"{n}.", 9.5)
            doc.fit(22, doc.y, q, 170, 9.5)
            if boxed:
                doc.rect(22, doc.y + 2, 120, 7)
                doc.fit(24, doc.y + 7, a, 116, 10.5, ink="blue")
            else:
                doc.text(22, doc.y + 6, "Antwort:", 8)
                doc.fit(36, doc.y + 6, a, 150, 10.5, ink="blue")
            doc.y += 13
            n += 1
    sign(doc, spec, rng, under=rng.random() < 0.5)
    return finish(doc, spec, rng)


def _column(doc: Doc, x: float, y: float, width: float, blocks: list, rng, w: Wording, inline: bool) -> float:
    for head, entries in blocks:
        doc.text(x, y, head, 9.5, bold=True)
        doc.line(x, y + 1.5, x + width, y + 1.5, 0.3)
        y += 7
        for lab, val in entries:
            if inline:
                doc.text(x, y, f"{lab}:", 8)
                lw = doc.width(f"{lab}:", 8) + 2
                doc.fit(x + lw, y, val, width - lw, 10, ink="blue")
                y += 6.5
            else:
                doc.text(x, y, lab, 7)
                doc.fit(x, y + 4.5, val, width, 10, ink="blue")
                y += 10
        y += 4
    return y


def zweispaltig(spec: dict, rng: random.Random) -> bytes:
    """Two columns: the applicant and the request on the left, other persons and numbers right."""
    doc, w = Doc(rng, spec["signed"]), Wording(rng)
    refs, spec_no_refs = spec["refs"], dict(spec, refs=[])
    header(doc, spec_no_refs, rng, w)
    split, inline = rng.random() < 0.5, rng.random() < 0.5
    left = [(spec["main"]["head"], [(w.label(k), v) for k, v in person_rows(rng, spec["main"], split)]),
            (rng.choice(["Angaben zum Antrag", "Antragsgegenstand"]), list(spec["items"]))]
    right = [(b["head"], [(w.label(k), v) for k, v in person_rows(rng, b, split)]) for b in spec["others"]]
    if refs:
        right.insert(rng.randrange(len(right) + 1), (rng.choice(["Bearbeitungsvermerke", "Bezug"]), refs))
    if rng.random() < 0.5:
        left, right = left[:1] + right, left[1:]
    top = doc.y
    y1 = _column(doc, 15, top, 85, left, rng, w, inline)
    y2 = _column(doc, 110, top, 85, right, rng, w, inline)
    doc.line(105, top - 4, 105, max(y1, y2) - 4, 0.1)
    doc.y = max(y1, y2)
    sign(doc, spec, rng, under=rng.random() < 0.5)
    return finish(doc, spec, rng)


def _letterhead(doc: Doc, spec: dict, rng: random.Random) -> None:
    """The sender's letterhead (right or centred) and the return line above the window."""
    s, main = spec["signer"], spec["main"]
    club = main["who"] == "club"
    name = main["org"] if club else f"{s['vorname']} {s['nachname']}"
    p = main["p"] if club else s
    lines = [name, D.street(p), f"{p['plz']} {p['ort']}"]
    if spec["signer"] is main["p"] and main["phone"]:
        lines.append(f"Tel. {s['telefon']}")
    if spec["signer"] is main["p"] and main["email"]:
        lines.append(s["email"])
    for k, t in enumerate(lines):
        doc.text(125, 18 + 4.5 * k, t, 10 if k == 0 else 9, bold=k == 0)
    doc.text(20, 47, " · ".join(lines[:3]), 6.5)
    doc.line(20, 48, 105, 48, 0.1)
    off, unit = office(rng)
    for k, t in enumerate([off, unit.format(s="Bürgerservice"), "Postfach 11 20", f"{rng.randint(10000, 99999)} {rng.choice(D.ORTE)}"]):
        doc.text(20, 54 + 5 * k, t, 10)


def din5008(spec: dict, rng: random.Random) -> bytes:
    doc = Doc(rng, spec["signed"])
    _letterhead(doc, spec, rng)
    az = spec["az"]
    other = next((r for r in spec["refs"] if r[1] != az), None)
    caps = ["Ihr Zeichen", "Ihre Nachricht vom", "Unser Zeichen", "Datum"]
    vals = [az, D.shown_date(rng, D.day(rng, D.dt.date(2025, 11, 1), 60)) if rng.random() < 0.5 else "",
            rng.choice(["", f"{spec['signer']['nachname'][:2].upper()}-{rng.randint(1, 99)}"]), spec["signed_shown"]]
    xs = [20, 62, 104, 150]
    for x, c, v in zip(xs, caps, vals):
        doc.text(x, 92, c, 7.5)
        doc.text(x, 97, v, 10)
    doc.text(20, 110, spec["title"], 11, bold=True)
    doc.y = 116
    if other:
        doc.text(20, doc.y, f"{other[0]}: {other[1]}", 10)
        doc.y += 7
    doc.text(20, doc.y + 3, "Sehr geehrte Damen und Herren,", 10)
    doc.text(20, doc.y + 10, rng.choice(["hiermit stelle ich folgenden Antrag und teile die erforderlichen Angaben mit:",
                                         "bezugnehmend auf das o. g. Verfahren übersende ich die folgenden Angaben:"]), 10)
    doc.y += 18
    w, split = Wording(rng), rng.random() < 0.5
    for b in [spec["main"]] + spec["others"]:
        doc.text(20, doc.y, b["head"], 9.5, bold=True)
        doc.y += 3
        items_table(doc, [(w.label(k), v) for k, v in person_rows(rng, b, split)], x=20, w=170)
    items_table(doc, spec["items"], x=20, w=170)
    doc.need(30)
    doc.text(20, doc.y + 4, "Mit freundlichen Grüßen", 10)
    doc.signature(rng, 22, doc.y + 15)
    s = spec["signer"]
    doc.text(20, doc.y + 22, f"{s['vorname']} {s['nachname']}", 10)
    doc.y += 30
    return finish(doc, spec, rng)
