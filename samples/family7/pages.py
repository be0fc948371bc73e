"""The four family7 layouts: questions (`fragebogen`), person tables (`tabelle`), captions under the value
line with required stars (`unterzeile`), bilingual German/English labels with address blocks (`zweisprachig`)."""

from __future__ import annotations

import random

import data as D
from draw import Page, bank_lines, footer, grid, header, stamp


def _room(pg: Page, y: float, h: float) -> float:
    if y + h > 268:
        pg.new_page()
        return 20
    return y


def _birth(rng: random.Random, r: dict) -> str:
    return D.shown(rng, r["p"]["geburtsdatum"], short_year=False)


def _pairs(pg: Page, rows: list[tuple[str, str]], y: float, x: float = 15, col: float = 70) -> float:
    for label, val in rows:
        y = _room(pg, y, 7)
        pg.text(x, y, f"{label}:", 9)
        pg.value(x + col, y, val)
        y += 7
    return y


def _start(spec: dict, rng: random.Random) -> tuple[Page, float]:
    pg = Page(rng)
    y = header(pg, spec)
    stamp(pg, spec)
    return pg, grid(pg, spec, y)


QUESTIONS_SELF = ["Wie lautet Ihr Familienname?", "Wie lauten Ihre Vornamen?", "Wann sind Sie geboren?",
                  "Wo wohnen Sie? (Straße und Hausnummer)", "Postleitzahl und Wohnort", "Unter welcher Telefonnummer sind Sie tagsüber erreichbar?"]
QUESTIONS_OTHER = ["Wie lautet der Familienname?", "Wie lautet der Vorname?", "Wann ist die Person geboren?",
                   "Wo wohnt die Person? (Straße und Hausnummer)", "Postleitzahl und Wohnort", "Telefonnummer für Rückfragen"]


def fragebogen(spec: dict, rng: random.Random) -> bytes:
    pg, y = _start(spec, rng)
    for r in spec["persons"]:
        p, self_ = r["p"], r["main"] and spec["type"] not in ("masern_meldung", "eingliederungshilfe")
        qs = QUESTIONS_SELF if self_ else QUESTIONS_OTHER
        y = _room(pg, y, 30)
        pg.text(15, y, f"Angaben zur Person – {r['head']}", 10, "sansB")
        y += 8
        if spec["type"] == "sportstaetten_foerderung" and r["main"]:
            answers = [("Wie heißt der Verein? *", [spec["verein"]]),
                       ("Wer vertritt den Verein (Vorsitzende/r)? *", [f"{p['vorname']} {p['nachname']}"]),
                       ("Wo hat der Verein seinen Sitz? *", [D.street(p), f"{p['plz']} {p['ort']}"])]
        else:
            answers = [(qs[0] + " *", [p["nachname"]]), (qs[1] + " *", [p["vorname"]])]
            if r["birth"]:
                answers.append((qs[2], [_birth(rng, r)]))
            answers += [(qs[3] + " *", ([r["co"]] if r["co"] else []) + [D.street(p)]), (qs[4] + " *", [f"{p['plz']} {p['ort']}"])]
            if r["phone"]:
                answers.append((qs[5], [p["telefon"]]))
        for q, vals in answers:
            y = _room(pg, y, 6 + 6 * len(vals))
            pg.text(15, y, q, 8.5)
            for v in vals:
                y += 5.5
                pg.value(22, y, v)
                pg.line(20, y + 1.2, 120, y + 1.2, 0.1)
            y += 7
    y = _pairs(pg, spec["items"] + bank_lines(spec), y + 2)
    footer(pg, spec, y)
    return pg.bytes()


def tabelle(spec: dict, rng: random.Random) -> bytes:
    pg, y = _start(spec, rng)
    if spec["verein"]:
        y = _pairs(pg, [("Name des Vereins", spec["verein"])], y, col=40)
    cols = [("Funktion", 15, 30), ("Familienname", 46, 28), ("Vorname(n)", 75, 26), ("Geb.-Datum", 102, 20),
            ("Straße, Haus-Nr.", 123, 34), ("PLZ", 158, 11), ("Wohnort", 170, 26)]
    pg.text(15, y, "Angaben zu den beteiligten Personen", 10, "sansB")
    y += 3
    pg.box(14, y, 183, 7 + 9 * len(spec["persons"]))
    for head, x, _w in cols:
        pg.text(x, y + 5, head, 7.5, "sansB")
    y += 7
    pg.line(14, y, 197, y)
    iso = rng.random() < 0.5
    for r in spec["persons"]:
        p = r["p"]
        born = (p["geburtsdatum"].isoformat() if iso else D.norm(p["geburtsdatum"])) if r["birth"] else "–"
        role = r["head"].split(" (")[0]
        vals = [role, p["nachname"], p["vorname"], born, D.street(p), p["plz"], p["ort"]]
        for (head, x, w), v in zip(cols, vals):
            size = 7.5 if head == "Funktion" else 8.5
            while pg.width(v, size) > w and size > 5.5:
                size -= 0.5
            pg.text(x, y + 6, v, size) if head == "Funktion" else pg.value(x, y + 6, v, size)
        y += 9
        pg.line(14, y, 197, y, 0.1)
    y += 6
    phones = [(f"Telefon ({r['head'].split(' (')[0]})", r["p"]["telefon"]) for r in spec["persons"] if r["phone"]]
    y = _pairs(pg, phones, y, col=70)
    y = _room(pg, y + 3, 20)
    pg.text(15, y, "Angaben zum Vorhaben", 10, "sansB")
    y = _pairs(pg, spec["items"] + bank_lines(spec), y + 7)
    footer(pg, spec, y)
    return pg.bytes()


def _under(pg: Page, y: float, cells: list[tuple[float, float, str, str]]) -> float:
    """Values on a line, each caption small under it: cells of (x, width, caption, value)."""
    y = _room(pg, y, 14)
    for x, w, cap, val in cells:
        pg.value(x + 1, y, val)
        pg.line(x, y + 1.5, x + w - 3, y + 1.5)
        pg.text(x, y + 4.5, cap, 6.5)
    return y + 12


def unterzeile(spec: dict, rng: random.Random) -> bytes:
    pg, y = _start(spec, rng)
    for n, r in enumerate(spec["persons"], 1):
        p = r["p"]
        y = _room(pg, y, 40)
        pg.text(15, y, f"{n}. {r['head']}", 10, "sansB")
        y += 9
        if spec["type"] == "sportstaetten_foerderung" and r["main"]:
            y = _under(pg, y, [(15, 180, "Name des Vereins / der Organisation*", spec["verein"])])
        y = _under(pg, y, [(15, 90, "Familienname*", p["nachname"]), (105, 90, "Vorname(n)*", p["vorname"])])
        if r["birth"]:
            y = _under(pg, y, [(15, 90, "Geburtsdatum (TT.MM.JJJJ)*", _birth(rng, r)), (105, 90, "Geburtsort", p["geburtsort"])])
        if r["co"]:
            y = _under(pg, y, [(15, 180, "Zusatz (z. B. c/o, bei)", r["co"])])
        y = _under(pg, y, [(15, 95, "Straße, Hausnummer*", D.street(p)), (110, 25, "PLZ*", p["plz"]), (135, 60, "Ort*", p["ort"])])
        if r["phone"]:
            y = _under(pg, y, [(15, 90, "Telefon (tagsüber)", p["telefon"])])
        y += 3
    rows = spec["items"] + bank_lines(spec)
    for k in range(0, len(rows), 2):
        y = _under(pg, y, [(15 + 90 * j, 90, lab + "*", val) for j, (lab, val) in enumerate(rows[k:k + 2])])
    footer(pg, spec, y)
    return pg.bytes()


EN = {"Familienname": "Surname", "Vorname(n)": "First name(s)", "Geburtsdatum": "Date of birth",
      "Anschrift": "Address", "Telefon": "Phone", "Verein": "Club"}


def _bi(pg: Page, y: float, de: str, lines: list[str]) -> float:
    y = _room(pg, y, 6 + 5 * len(lines))
    pg.text(15, y, f"{de} / {EN[de]}:", 9)
    for k, v in enumerate(lines):
        pg.value(80, y + 5.5 * k, v)
    return y + 5.5 * len(lines) + 3


def zweisprachig(spec: dict, rng: random.Random) -> bytes:
    pg, y = _start(spec, rng)
    for r in spec["persons"]:
        p = r["p"]
        y = _room(pg, y, 30)
        pg.text(15, y, r["head"], 10, "sansB")
        pg.line(15, y + 1.5, 195, y + 1.5, 0.3)
        y += 8
        if spec["type"] == "sportstaetten_foerderung" and r["main"]:
            y = _bi(pg, y, "Verein", [spec["verein"]])
        y = _bi(pg, y, "Familienname", [p["nachname"]])
        y = _bi(pg, y, "Vorname(n)", [p["vorname"]])
        if r["birth"]:
            y = _bi(pg, y, "Geburtsdatum", [_birth(rng, r)])
        addr = ([r["co"]] if r["co"] else []) + [D.street(p), f"{p['plz']} {p['ort']}"]
        if not r["main"] and rng.random() < 0.4:
            addr = [f"Postfach {rng.randint(10, 99)} {rng.randint(10, 99)}", f"{p['plz']} {p['ort']}"]
        y = _bi(pg, y, "Anschrift", addr)
        if r["phone"]:
            y = _bi(pg, y, "Telefon", [p["telefon"]])
        y += 3
    y = _pairs(pg, spec["items"] + bank_lines(spec), y + 2, col=75)
    footer(pg, spec, y, "Ort, Datum / Place, date", "Unterschrift / Signature")
    return pg.bytes()
