"""Two of family11's layouts: the authority's routing slip ("Laufzettel" with Verfügung, stamp and initials,
the person in its Betreff line) before the application, and a landscape form (A4 quer) with one wide row
per field and the entries at the far right."""

from __future__ import annotations

import random
from datetime import timedelta

from data import fmt, fullname, stamp_date
from draw import Page
from kinds import addr, truth
from parts import betreff_person, born, cells, sign, type_rows


def _slip(pg: Page, spec: dict, rng: random.Random) -> None:
    beh = spec["behoerde"]
    pg.t(15, 16, beh[0], 11, "arial-b")
    pg.t(15, 21, beh[1], 8.5, "arial")
    pg.t(15, 36, rng.choice(["Laufzettel", "Verfügung / Laufzettel", "Vorgangsblatt"]), 16, "arial-b")
    label, num = spec["decoy"]
    pg.t(15, 46, f"{label}: {num}", 9, "arial")
    pg.t(15, 54, "Az.:", 10, "arial-b")
    if spec["az"]:
        pg.ink(spec["az"], 27, 54, 12, rng.choice(["comic", "cprime"]), rng.choice(["blue", "green"]))
    else:
        pg.t(27, 54, "__________________ (noch nicht vergeben)", 9, "arial")
    y = pg.prose(15, 64, f"Betreff: Antrag – {spec['title'][1]} – {betreff_person(spec, rng)}", 180, 10, "arial-b", 5)
    wv = spec["antrag"] + timedelta(days=rng.randint(20, 45))
    steps = ["Eingang im Fachverfahren erfasst", "Vollständigkeit prüfen, ggf. Unterlagen nachfordern",
             "Eingangsbestätigung an Antragsteller/in", "Gebühr festsetzen (Kassenanordnung)",
             f"Wv. am {fmt(wv, 'short')}", "z. d. A."]
    pg.t(15, y + 4, "Verfügung:", 10, "arial-b")
    y += 11
    for i, s in enumerate(steps[:rng.randint(4, 6)], 1):
        pg.t(20, y, f"{i}. {s}", 9.5, "arial")
        if rng.random() < 0.6:
            pg.ink("✓" if i < 3 else "erl.", 150, y, 11, "sans" if i < 3 else "comic", "blue")
        y += 7
    y += 4
    pg.t(15, y, "Weiterleitung", 10, "arial-b")
    y = cells(pg, 15, y + 3, [("an", 60, "l", "arial-b"), ("am", 40, "l", "arial-b"), ("Hz.", 30, "l", "arial-b"),
                              ("Bemerkung", 50, "l", "arial-b")], 9, 225)
    for stelle in rng.sample(["SG 31 Sachbearbeitung", "Kasse", "Amtsleitung", "Registratur", "FD 36"], 3):
        y = cells(pg, 15, y, [(stelle, 60, "l", "arial"), ("", 40, "l", "arial"), ("", 30, "l", "arial"),
                              ("", 50, "l", "arial")], 9)
        if rng.random() < 0.6:
            pg.ink(rng.choice(["Kü", "MvB", "Sch.", "i.V. Lo"]), 118, y - 1.5, 10, "comic", "blue")
    if spec["eingang"]:
        pg.received(rng, beh, stamp_date(spec["eingang"], rng), rng.choice([(135, 12), (138, 30)]))
    pg.t(15, 288, "Laufzettel bitte nicht vom Vorgang trennen.", 7, "arial")


def _antrag_rows(spec: dict, rng: random.Random) -> list[tuple[str, str]]:
    m, a = spec["main"], addr(spec)
    rows = []
    if spec["club"]:
        rows.append(("Verein", spec["values"]["verein"]))
    rows += [("Name", m["nachname"] + (f" (geb. {m['geburtsname']})" if m["geburtsname"] else "")),
             ("Vorname", m["vorname"])]
    if m["titel"]:
        rows.insert(-1, ("Titel", m["titel"]))
    if "geburtsdatum" in spec["truth_fields"]:
        rows.append(("geboren am", born(spec, rng)))
    rows += [("Anschrift", f"{a['strasse']}\n{a['plz']} {a['ort']}")]
    if spec["show_tel"]:
        rows.append(("Telefon", m["telefon"]))
    if spec["show_mail"]:
        rows.append(("E-Mail", m["email"]))
    if spec["type"] == "masern_meldung":
        o = spec["other"]
        rows += [("Sorgeberechtigte/r", f"{o['vorname']} {o['nachname']}, Tel. {o['telefon']}")]
    return rows + type_rows(spec, False, "Euro")


def laufzettel(spec: dict, rng: random.Random) -> bytes:
    pg, beh = Page(), spec["behoerde"]
    _slip(pg, spec, rng)
    pg.new_page()
    pg.t(15, 20, f"An den {beh[0]}", 10, "lserif")
    pg.t(15, 25, beh[1], 10, "lserif")
    pg.t(15, 30, f"{beh[2]}, {beh[3]}", 10, "lserif")
    y = pg.prose(15, 45, spec["title"][0], 180, 13, "lserif-b", 6) + 2
    who = "Angaben zum Kind" if spec["type"] == "masern_meldung" else "Antragsteller/in"
    pg.t(15, y, who, 10.5, "lserif-b")
    y += 3
    for lab, val in _antrag_rows(spec, rng):
        pg.t(15, y + 5, f"{lab}:", 10, "lserif")
        for i, part in enumerate(val.split("\n")):
            pg.t(55, y + 5 + 5 * i, part, 10.5, "cprime")
        y += 5 * (val.count("\n") + 1) + 3
    y = pg.prose(15, y + 6, "Die erforderlichen Nachweise sind beigefügt. Ich bitte um eine schriftliche "
                 "Eingangsbestätigung.", 180, 9.5, "lserif")
    sign(pg, 15, y + 16, spec, "lserif")
    spec["truth"] = truth(spec)
    return pg.bytes()


def _quer_rows(spec: dict, rng: random.Random) -> list[tuple[str, str, str]]:
    m, a = spec["main"], addr(spec)
    rows = []
    if spec["club"]:
        rows.append(("Zuwendungsempfänger", "vollständiger Name lt. Vereinsregister", spec["values"]["verein"]))
    rows += [("Familienname", "wie im Personalausweis; ggf. mit Namenszusatz", m["nachname"]),
             ("Vorname(n)", "alle Vornamen", m["vorname"])]
    if m["titel"]:
        rows.append(("Doktorgrad", "nur wenn im Ausweis eingetragen", m["titel"]))
    if m["geburtsname"]:
        rows.append(("Geburtsname", "nur wenn abweichend", m["geburtsname"]))
    if "geburtsdatum" in spec["truth_fields"]:
        rows.append(("Geburtsdatum", "TT.MM.JJJJ", born(spec, rng)))
    rows.append(("Anschrift" + (" des Vereins" if spec["club"] else ""), "PLZ Ort, Straße Hausnummer",
                 f"{a['plz']} {a['ort']}, {a['strasse']}"))
    if spec["show_tel"]:
        rows.append(("Telefon", "für Rückfragen tagsüber", m["telefon"]))
    if spec["show_mail"]:
        rows.append(("E-Mail", "freiwillige Angabe", m["email"]))
    if spec["type"] == "masern_meldung":
        o = spec["other"]
        rows.append(("Sorgeberechtigte Person", "Name, Vorname, Telefon", f"{o['nachname']}, {o['vorname']}, {o['telefon']}"))
    rows += [(lab, "siehe Merkblatt", val) for lab, val in type_rows(spec, False, "€")]
    rows.insert(rng.randint(2, len(rows)), ("Staatsangehörigkeit", "bei mehreren alle angeben", "deutsch"))
    return rows


def landscape(spec: dict, rng: random.Random) -> bytes:
    pg, beh = Page(landscape=True), spec["behoerde"]
    pg.fill(0, 0, 297, 24, 235)
    pg.t(12, 10, beh[0], 12, "arial-b")
    pg.t(12, 16, f"{beh[1]} · {beh[2]} · {beh[3]} · Tel. {beh[4]}", 8, "arial")
    pg.t(12, 33, spec["title"][0], 13, "arial-b")
    pg.t(212, 8, "Aktenzeichen (nicht ausfüllen)", 7, "arial")
    pg.box(212, 10, 73, 10, 255)
    if spec["az"]:
        pg.t(214, 17, spec["az"], 10, rng.choice(["cprime", "comic"]))
    label, num = spec["decoy"]
    pg.t(12, 39, f"{label}: {num}", 8, "arial")
    rows = _quer_rows(spec, rng)
    w = [10, 58, 110, 95]
    y = cells(pg, 12, 44, [("Nr.", w[0], "l", "arial-b"), ("Angabe", w[1], "l", "arial-b"),
                           ("Erläuterung", w[2], "l", "arial-b"), ("Eintrag", w[3], "l", "arial-b")], 9, 215)
    size = 9.5 if len(rows) < 12 else 8.5
    for i, (lab, hint, val) in enumerate(rows, 1):
        y = cells(pg, 12, y, [(str(i), w[0], "r", "arial"), (lab, w[1], "l", "arial"), (hint, w[2], "l", "arial"),
                              (val, w[3], "r", "cprime")], size, 250 if i % 2 else None)
    y = pg.prose(12, y + 6, "Mit meiner Unterschrift bestätige ich die Richtigkeit der Angaben. Die Hinweise zum "
                 "Datenschutz (Art. 13 DSGVO) habe ich erhalten.", 270, 8, "arial", 4)
    sign(pg, 12, min(y + 14, 180), spec, "arial", typed="cprime")
    pg.box(212, 168, 73, 28)
    pg.t(214, 172, "Bearbeitungsvermerke der Behörde", 7, "arial")
    pg.t(12, 205, f"{fullname(spec['main'], False)} – Seite 1/1", 6.5, "arial")
    if spec["eingang"]:
        pg.received(rng, beh, stamp_date(spec["eingang"], rng), rng.choice([(222, 172), (150, 170), (120, 4)]))
    spec["truth"] = truth(spec)
    return pg.bytes()
