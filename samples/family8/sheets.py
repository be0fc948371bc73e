"""family8's five layouts: two-column grid, window-envelope letter, comb form, checkbox grid with handwriting,
two-page form (person on page 1, the rest on page 2)."""

from __future__ import annotations

import random

from draw import Page
from kinds import fdate
from parts import MAIN_HEAD, file_rows, main_rows, ort_datum, other_rows, stamp_text, type_rows


def head(pg: Page, spec: dict, rng: random.Random) -> None:
    beh = spec["behoerde"]
    pg.t(15, 14, beh[0], 12, "bold")
    pg.t(15, 19, spec["title"][1], 9)
    pg.t(15, 30, spec["title"][0], 13, "bold")
    if spec["check"]:
        pg.check(15, 38, spec["title"][2], spec["check"], rng.choice(["glyph", "ascii"]))


def signature(pg: Page, spec: dict, y: float, hand: str = "hand") -> None:
    pg.t(15, y, ort_datum(spec), 12, hand)
    pg.line(15, y + 2, 90, y + 2)
    pg.t(15, y + 5, "Ort, Datum", 7)
    pg.t(115, y, f"{spec['main']['vorname'][0]}. {spec['main']['nachname']}", 14, "hand")
    pg.line(110, y + 2, 195, y + 2)
    pg.t(110, y + 5, "Unterschrift Antragsteller/in bzw. gesetzliche/r Vertreter/in", 7)


def zweispalte(spec: dict, rng: random.Random) -> bytes:
    """Two columns of 'Label: value' pairs; a long left value runs up to the right column's label."""
    pg = Page()
    head(pg, spec, rng)
    y = 50
    pg.t(15, y, MAIN_HEAD.get(spec["type"], "Angaben zur antragstellenden Person"), 10, "bold")
    rows = main_rows(spec, rng.choice([0, 1])) + type_rows(spec, rng) + file_rows(spec, rng)
    half = (len(rows) + 1) // 2
    for i, (lab, val) in enumerate(rows):
        col, r = divmod(i, half)
        x, yy = 15 + col * 80, y + 8 + r * 8
        pg.t(x, yy, f"{lab}:", 8)
        pg.t(x + pg.width(f"{lab}:", 8) + 1.5, yy, val, 10)
    y = y + 12 + half * 8
    for p in spec["others"]:
        pg.t(15, y, p["role"], 10, "bold")
        for j, (lab, val) in enumerate(other_rows(spec, p)):
            pg.t(15 + (j % 2) * 95, y + 7 + (j // 2) * 7, f"{lab}: {val}", 9)
        y += 24
    signature(pg, spec, max(y + 8, 240), rng.choice(["hand", "sans"]))
    if spec["eingang"]:
        pg.stamp(rng, stamp_text(spec, rng))
    pg.footer(spec["behoerde"])
    return pg.bytes()


def fensterbrief(spec: dict, rng: random.Random) -> bytes:
    """A citizen's letter: return line above the window, reference block on the right, data in the body."""
    pg, m, beh = Page(), spec["main"], spec["behoerde"]
    co = rng.random() < 0.4
    pg.t(25, 48, f"{m['vorname']} {m['nachname']} · {m['strasse']} · {m['plz']} {m['ort']}", 6.5)
    pg.line(25, 49, 100, 49, 0.1)
    for i, s in enumerate([beh[0], spec["title"][1], beh[1], beh[2]]):
        pg.t(25, 56 + 5 * i, s, 10)
    sender = [f"{m['vorname']} {m['nachname']}"] + (["c/o " + spec["others"][0]["nachname"]] if co else []) + \
             [m["strasse"], f"{m['plz']} {m['ort']}"] + ([f"Tel. {m['telefon']}"] if spec["show_tel"] else [])
    for i, s in enumerate(sender):
        pg.t(130, 20 + 4.5 * i, s, 9)
    refs = [("Ihr Zeichen", spec["az"] or "—"), ("Ihre Nachricht vom", fdate(spec, spec["nachricht_vom"])),
            ("Unser Zeichen", f"{m['nachname'][:2].upper()}-{rng.randint(1, 99)}"), ("Datum", fdate(spec, spec["antrag"]))]
    for i, (lab, val) in enumerate(refs):
        pg.t(130, 56 + 9 * i, lab, 7)
        pg.t(130, 60 + 9 * i, val, 10)
    pg.t(25, 102, f"{spec['title'][0]} – Kassenzeichen {spec['kassenzeichen']}", 10, "bold")
    pg.t(25, 112, "Sehr geehrte Damen und Herren,", 10)
    pg.t(25, 119, "hiermit stelle ich den oben genannten Antrag mit folgenden Angaben:", 10)
    y = 128
    for lab, val in main_rows(spec, 0) + type_rows(spec, rng):
        pg.t(30, y, lab, 9)
        pg.t(95, y, val, 10)
        y += 6
    for p in spec["others"][:1]:
        y += 3
        pg.t(25, y, f"{p['role']} ist {p['vorname']} {p['nachname']}, {p['strasse']}, {p['plz']} {p['ort']}.", 9)
        y += 6
    pg.t(25, y + 6, "Mit freundlichen Grüßen", 10)
    pg.t(25, y + 18, f"{m['vorname']} {m['nachname']}", 14, "hand")
    if spec["eingang"]:
        pg.stamp(rng, stamp_text(spec, rng))
    return pg.bytes()


def kamm(spec: dict, rng: random.Random) -> bytes:
    """Comb fields (one character a box), caption small above each, dates as TT MM JJJJ boxes."""
    pg = Page()
    head(pg, spec, rng)
    pg.t(15, 47, "Bitte in Druckbuchstaben, je Kästchen ein Zeichen", 7)
    y = 54
    for lab, val in main_rows(spec, rng.choice([0, 1, 2])) + type_rows(spec, rng):
        pg.t(15, y, lab, 7)
        s = val.replace(" ", "") if lab.startswith("IBAN") else val
        pg.comb(15, y + 1.5, "".join(c if c == "ß" else c.upper() for c in s) if rng.random() < 0.5 else s, min(34, max(len(s) + 2, 8)))
        y += 12
    fr = file_rows(spec, rng)
    for i, (lab, val) in enumerate(fr):
        pg.t(140, 14 + 9 * i, lab, 7)
        pg.t(140, 18 + 9 * i, val, 10, "mono")
    p = spec["others"][0]
    pg.t(15, y + 2, f"{p['role']}: {p['vorname']} {p['nachname']}, {p['strasse']}, {p['plz']} {p['ort']}", 8)
    signature(pg, spec, max(y + 16, 250))
    if spec["eingang"]:
        pg.stamp(rng, stamp_text(spec, rng))
    pg.footer(spec["behoerde"])
    return pg.bytes()


def raster(spec: dict, rng: random.Random) -> bytes:
    """A grid form: grey label cell left, handwritten value in the cell right; a checkbox grid per person."""
    pg = Page()
    head(pg, spec, rng)
    y = 48
    for i, (lab, val) in enumerate(file_rows(spec, rng)):
        pg.t(130, 18 + 5 * i, f"{lab} {val}", 8)
    pg.t(15, y, MAIN_HEAD.get(spec["type"], "1. Antragsteller/in"), 10, "bold")
    y += 3
    for lab, val in main_rows(spec, rng.choice([0, 1, 2, 3])) + type_rows(spec, rng):
        pg.box(15, y, 70, 8, fill=225)
        pg.box(85, y, 110, 8)
        pg.t(17, y + 5.5, lab, 8)
        pg.t(88, y + 6, val, 13, "hand")
        y += 8
    y += 6
    pg.t(15, y, "Weitere beteiligte Personen", 10, "bold")
    pg.check(80, y, ["keine", "ja, siehe unten"], "ja, siehe unten", "ascii")
    for p in spec["others"]:
        y += 7
        pg.box(15, y - 5, 180, 13)
        pg.t(17, y, p["role"], 8)
        pg.t(70, y, f"{p['nachname']}, {p['vorname']}", 11, "hand")
        pg.t(17, y + 5.5, f"{p['strasse']}, {p['plz']} {p['ort']}   Tel. {p['telefon']}", 8)
        y += 8
    signature(pg, spec, max(y + 15, 245))
    if spec["eingang"]:
        pg.stamp(rng, stamp_text(spec, rng))
    pg.footer(spec["behoerde"])
    return pg.bytes()


def zweiseitig(spec: dict, rng: random.Random) -> bytes:
    """Page 1: the person (labels above the value, stars for required); page 2: the request and signature."""
    pg = Page()
    head(pg, spec, rng)
    pg.t(15, 50, "Teil A – " + MAIN_HEAD.get(spec["type"], "Angaben zur Person"), 11, "bold")
    y = 58
    for lab, val in main_rows(spec, rng.choice([1, 2])):
        pg.t(15, y, lab, 7)
        pg.t(15, y + 5, val, 11)
        pg.line(15, y + 6.5, 110, y + 6.5, 0.1)
        y += 12
    for i, (lab, val) in enumerate(file_rows(spec, rng)):
        pg.t(130, 58 + 12 * i, lab, 7)
        pg.t(130, 63 + 12 * i, val, 11)
    if spec["eingang"]:
        pg.stamp(rng, stamp_text(spec, rng))
    pg.footer(spec["behoerde"], "Seite 1 von 2")
    pg.pdf.add_page()
    pg.t(15, 15, f"{spec['title'][0]} – Seite 2", 8)
    pg.t(15, 25, "Teil B – Angaben zum Antrag", 11, "bold")
    y = 34
    for lab, val in type_rows(spec, rng):
        pg.t(15, y, lab, 7)
        pg.t(15, y + 5, val, 11)
        y += 12
    for p in spec["others"]:
        pg.t(15, y, p["role"], 10, "bold")
        for j, (lab, val) in enumerate(other_rows(spec, p)):
            pg.t(15, y + 6 + 5 * j, f"{lab}: {val}", 9)
        y += 25
    pg.t(15, y + 4, "Ich versichere die Richtigkeit meiner Angaben.", 9)
    signature(pg, spec, max(y + 25, 240))
    pg.footer(spec["behoerde"], "Seite 2 von 2")
    return pg.bytes()


LAYOUTS = {"zweispalte": zweispalte, "fensterbrief": fensterbrief, "kamm": kamm, "raster": raster,
           "zweiseitig": zweiseitig}
