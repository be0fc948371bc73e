"""Three of family11's five layouts: a form exported from a word processor as a table (narrow right-aligned
labels that wrap, two label/value pairs in some rows, "Hausnr." in its own cell), a power of attorney combined
with the application (the representative first, the applicant second, the same labels), a printed form with
underscores and the values typed in blue over them.  The other two in sheets_b.py; LAYOUTS names all five."""

from __future__ import annotations

import random

from data import fmt, fullname, stamp_date
from draw import Page
from kinds import addr, truth
from parts import born, cells, sign, type_rows, underscored, when
from sheets_b import landscape, laufzettel

W = (40, 52, 34, 54)  # label, value, label, value (mm); 180 in all


def _street_rows(a: dict, k: int) -> list[tuple]:
    if k == 0:
        return [("Straße, Hausnummer", a["strasse"])]
    if k == 1:
        return [("Straße", a["str"], "Hausnummer", a["nr"])]
    return [("Hausnr.", a["nr"], "Straße", a["str"])]


def _person_rows(spec: dict, p: dict, rng: random.Random, main: bool) -> list[tuple]:
    rows: list[tuple] = [("Anrede", p["anrede"], "Titel / akad. Grad", p["titel"] or "–")]
    gn = f", geb. {p['geburtsname']}" if p["geburtsname"] else ""
    rows.append(("Familienname, ggf. Geburtsname", p["nachname"] + gn))
    rows.append((rng.choice(["Vorname(n) (Rufname unterstreichen)", "Vorname(n)"]), p["vorname"]))
    if main and "geburtsdatum" in spec["truth_fields"]:
        rows.append(("Geburtsdatum", born(spec, rng), "Geburtsort", rng.choice(["Trier", "Bielefeld", "Passau", "Greifswald"])))
    return rows


def _tabelle_rows(spec: dict, rng: random.Random) -> list[tuple]:
    m, a, k = spec["main"], addr(spec), rng.randrange(3)
    rows: list[tuple] = []
    if spec["club"]:
        rows += [("1  Zuwendungsempfänger",), ("Name des Vereins (lt. Vereinsregister)", spec["values"]["verein"])]
        rows += _street_rows(a, k) + [("Postleitzahl", a["plz"], "Ort", a["ort"])]
        rows += [("2  Vertretungsberechtigte Person (Vorstand nach § 26 BGB)",)] + _person_rows(spec, m, rng, True)
    else:
        rows += [("1  Angaben zum Kind" if spec["type"] == "masern_meldung" else "1  Antragsteller/in",)]
        rows += _person_rows(spec, m, rng, True)
        rows += _street_rows(a, k) + [("Postleitzahl", a["plz"], "Wohnort (ggf. Ortsteil)", a["ort"])]
    if spec["show_tel"] or spec["show_mail"]:
        rows.append(("Telefon (tagsüber, für Rückfragen)", m["telefon"] if spec["show_tel"] else "",
                     "E-Mail", m["email"] if spec["show_mail"] else ""))
    if spec["type"] == "masern_meldung":
        o = spec["other"]
        rows += [("Sorgeberechtigte Person",), ("Familienname, Vorname", f"{o['nachname']}, {o['vorname']}"),
                 ("Telefon (tagsüber, für Rückfragen)", o["telefon"])]
    if spec["values"] and type_rows(spec, True):
        rows += [("Angaben zum Vorhaben",)] + type_rows(spec, True, "€")
    k = 0
    for i, r in enumerate(rows):  # the sections numbered in order
        if len(r) == 1:
            k += 1
            rows[i] = (f"{k}  {r[0].lstrip('0123456789 ')}",)
    return rows


def worttabelle(spec: dict, rng: random.Random) -> bytes:
    pg, beh = Page(), spec["behoerde"]
    pg.t(15, 14, beh[0], 9, "carlito")
    pg.t(15, 18, beh[1], 9, "carlito")
    y = pg.prose(15, 28, spec["title"][0], 118, 13, "carlito-b", 5.5)
    pg.t(15, y + 1, "Bitte vollständig ausfüllen; Zutreffendes ankreuzen. Unvollständige Anträge verzögern die "
              "Bearbeitung.", 8, "carlito")
    y = cells(pg, 15, y + 5, [("Aktenzeichen (wird vom Kreis vergeben)", W[0] + W[1], "r", "carlito"),
                          (spec["az"] or "", W[2] + W[3], "l", "cprime")], 9, 242) + 4
    for r in _tabelle_rows(spec, rng):
        if len(r) == 1:
            y = cells(pg, 15, y, [(r[0], sum(W), "l", "carlito-b")], 10, 217)
        elif len(r) == 2:
            y = cells(pg, 15, y, [(r[0], W[0], "r", "carlito"), (r[1], sum(W[1:]), "l", "arial")])
        else:
            y = cells(pg, 15, y, [(r[0], W[0], "r", "carlito"), (r[1], W[1], "l", "arial"),
                                  (r[2], W[2], "r", "carlito"), (r[3], W[3], "l", "arial")])
    y = cells(pg, 15, y + 4, [("Ort, Datum", W[0], "r", "carlito"), (when(spec), W[1], "l", "arial"),
                              ("Unterschrift", W[2], "r", "carlito"), ("", W[3], "l", "arial")])
    pg.ink(spec["main"]["nachname"] if spec["type"] != "masern_meldung" else spec["other"]["nachname"],
           15 + sum(W[:3]) + 4, y - 2, 13, "chancery")
    label, num = spec["decoy"]
    pg.t(15, 287, f"{beh[0]} · {beh[2]} · {beh[3]} · {label} {num}", 6.5, "carlito")
    pg.rt(195, 287, "Seite 1 von 1", 6.5, "carlito")
    if spec["eingang"]:
        pg.received(rng, beh, stamp_date(spec["eingang"], rng), rng.choice([(135, 8), (120, 255), (140, 262)]))
    spec["truth"] = truth(spec)
    return pg.bytes()


def _half(pg: Page, y: float, title: str, rows: list[tuple[str, str]]) -> float:
    pg.t(15, y + 5, title, 10.5, "lserif-b")
    y0, y = y + 7, y + 7
    for lab, val in rows:
        pg.t(18, y + 5, lab, 8.5, "lserif")
        pg.t(75, y + 5, val, 10.5, "cprime")
        y += 7.5
        pg.line(16, y, 194, y, 0.1)
    pg.box(15, y0, 180, y - y0)
    return y + 3


def _vm_rows(spec: dict, p: dict, a: dict, rng: random.Random, bday: bool, club: bool = False) -> list:
    gn = p["geburtsname"] if p["geburtsname"] else "—"
    rows = [("Name, Vorname", f"{p['nachname']}, {p['vorname']}" + (f" ({p['titel']})" if p["titel"] else "")),
            ("Geburtsname", gn), ("Geburtsdatum", fmt(p["geburtsdatum"], rng.choice(["dmy", "nopad"])) if bday else "—"),
            ("Straße, Hausnummer", a["strasse"]), ("PLZ, Ort", f"{a['plz']} {a['ort']}")]
    if club:
        rows.insert(0, ("Verein", spec["values"]["verein"]))
    return rows


def vollmacht(spec: dict, rng: random.Random) -> bytes:
    pg, beh, m, o = Page(), spec["behoerde"], spec["main"], spec["other"]
    masern, club = spec["type"] == "masern_meldung", bool(spec["club"])
    pg.t(15, 16, f"{beh[0]} · {beh[1]}", 8, "lserif")
    pg.t(15, 21, f"{beh[2]} · {beh[3]}", 8, "lserif")
    head = "Erklärung der sorgeberechtigten Person" if masern else rng.choice(["Vollmacht und Antrag", "Antrag mit Vollmacht"])
    pg.t(15, 33, head, 15, "lserif-b")
    y = pg.prose(15, 40, spec["title"][0], 180, 10, "lserif", 5)
    y = pg.prose(15, y, "Die unter A genannte Person erklärt/beantragt für die unter B genannte Person. Sie ist "
                 "berechtigt, Unterlagen einzureichen, Auskünfte zu geben und Bescheide entgegenzunehmen.", 180, 8.5,
                 "lserif", 4.2)
    if spec["az"]:
        pg.t(140, 16, "Aktenzeichen des Kreises:", 7.5, "lserif")
        pg.t(140, 22, spec["az"], 10, rng.choice(["cprime", "comic"]))
    o_rows = _vm_rows(spec, o, o, rng, True) + [("Telefon", o["telefon"])]
    y = _half(pg, y, "A  " + ("Erklärende Person (sorgeberechtigt)" if masern else "Bevollmächtigte Person"), o_rows)
    m_rows = _vm_rows(spec, m, addr(spec), rng, "geburtsdatum" in spec["truth_fields"], club)
    if spec["show_tel"]:
        m_rows.append(("Telefon", m["telefon"]))
    if spec["show_mail"]:
        m_rows.append(("E-Mail", m["email"]))
    who = "Angaben zum Kind" if masern else ("Vollmachtgeber: Verein, vertreten durch" if club
                                               else "Vollmachtgeber/in (Antragsteller/in)")
    y = _half(pg, y + 2, "B  " + who, m_rows)
    if type_rows(spec, False):
        y = _half(pg, y + 2, "C  Angaben zum Antrag", type_rows(spec, False, "EUR"))
    pg.t(15, y + 14, when(spec), 10, "cprime")
    pg.line(15, y + 15, 75, y + 15)
    pg.t(15, y + 18.5, "Ort, Datum", 7, "lserif")
    pg.ink(fullname(m if not masern else o, False), 82, y + 13, 12, "chancery")
    pg.line(80, y + 15, 135, y + 15)
    pg.t(80, y + 18.5, "Unterschrift " + ("Sorgeberechtigte/r" if masern else "Vollmachtgeber/in"), 7, "lserif")
    if not masern:
        pg.ink(o["nachname"], 142, y + 13, 12, "chancery", "black")
        pg.line(140, y + 15, 195, y + 15)
        pg.t(140, y + 18.5, "Unterschrift Bevollmächtigte/r", 7, "lserif")
    pg.t(15, 288, f"Zeichen der bevollmächtigten Person: {rng.randint(10, 399)}/26 {o['nachname'][:2].upper()}", 6.5, "lserif")
    if spec["eingang"]:
        pg.received(rng, beh, stamp_date(spec["eingang"], rng), rng.choice([(138, 26), (128, 250), (25, 255)]))
    spec["truth"] = truth(spec)
    return pg.bytes()


def _unterstrich_lines(spec: dict, rng: random.Random) -> list[list[tuple[str, str, float]]]:
    m, a = spec["main"], addr(spec)
    lines: list[list[tuple[str, str, float]]] = []
    if spec["club"]:
        lines += [[("Verein", spec["values"]["verein"], 180)], [("Vorsitzende/r: Familienname", m["nachname"], 100),
                                                               ("Vorname", m["vorname"], 78)]]
    else:
        lines += [[("Familienname", m["nachname"], 100), ("Vorname", m["vorname"], 78)]]
        if m["titel"] or m["geburtsname"]:
            lines += [[("Doktorgrad", m["titel"], 70), ("Geburtsname", m["geburtsname"], 108)]]
        if "geburtsdatum" in spec["truth_fields"]:
            lines += [[("Geburtsdatum", born(spec, rng), 80), ("Staatsangehörigkeit", "deutsch", 98)]]
    lines += [[("Straße", a["str"], 130), ("Hausnr.", a["nr"], 48)], [("PLZ", a["plz"], 45), ("Wohnort", a["ort"], 133)]]
    if spec["show_tel"] or spec["show_mail"]:
        lines += [[("Telefon", m["telefon"] if spec["show_tel"] else "", 80),
                   ("E-Mail", m["email"] if spec["show_mail"] else "", 98)]]
    if spec["type"] == "masern_meldung":
        o = spec["other"]
        lines += [[("Sorgeberechtigt: Name, Vorname", f"{o['nachname']}, {o['vorname']}", 180)],
                  [("Erreichbar unter", o["telefon"], 180)]]
    lines += [[(lab, val, 180)] for lab, val in type_rows(spec, False)]
    return lines


def unterstrich(spec: dict, rng: random.Random) -> bytes:
    pg, beh = Page(), spec["behoerde"]
    pg.t(15, 15, beh[0].upper(), 10, "arial-b")
    pg.t(15, 20, beh[1], 8.5, "arial")
    pg.box(135, 10, 60, 17)
    pg.t(137, 14, "Vom Amt auszufüllen – Aktenzeichen:", 6.5, "arial")
    if spec["az"]:
        pg.ink(spec["az"], 137, 22, 10, rng.choice(["comic", "cprime"]), rng.choice(["green", "black", "blue"]))
    y = pg.prose(15, 36, spec["title"][0], 180, 12, "arial-b", 5.5) + 2
    heads = {0: "I. Angaben zur antragstellenden Person" if spec["type"] != "masern_meldung" else "I. Angaben zum Kind"}
    vsize = rng.choice([10, 11, 12])
    for i, line in enumerate(_unterstrich_lines(spec, rng)):
        if i in heads:
            pg.t(15, y, heads[i], 10, "arial-b")
            y += 9
        x = 15.0
        for lab, val, w in line:
            underscored(pg, rng, x, y, lab, val, w - 3, 9, vsize)
            x += w
        y += 10
    y = pg.prose(15, y + 2, "Ich versichere, dass die Angaben richtig und vollständig sind. Mir ist bekannt, dass "
                 "falsche Angaben zur Versagung oder Rücknahme führen können.", 180, 8, "arial", 4)
    underscored(pg, rng, 15, y + 12, "Ort, Datum", when(spec), 80, 9, vsize)
    pg.t(110, y + 12, "_" * 38, 9, "arial")
    pg.t(110, y + 16, "Unterschrift", 7, "arial")
    pg.ink(spec["main"]["nachname"] if spec["type"] != "masern_meldung" else spec["other"]["nachname"],
           118, y + 10, 13, "chancery")
    label, num = spec["decoy"]
    pg.t(15, 288, f"Vordruck {beh[6]}-{rng.randint(100, 999)} · Stand 03/2025 · {label}: {num}", 6.5, "arial")
    if spec["eingang"]:
        pg.received(rng, beh, stamp_date(spec["eingang"], rng), rng.choice([(140, 30), (20, 262), (130, 258)]))
    spec["truth"] = truth(spec)
    return pg.bytes()


LAYOUTS = {"worttabelle": worttabelle, "vollmacht": vollmacht, "laufzettel": laufzettel, "quer": landscape,
           "unterstrich": unterstrich}
