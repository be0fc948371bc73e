"""family11's own value pools: Eifel/Mosel, Lippe, Inn-Salzach, Vorpommern and Nordfriesland names and places,
academic titles, "von"/"zu" particles, birth names, abbreviated streets, house numbers "7/1" and "12 b", the
authorities, and the date writings of its forms and stamps."""

from __future__ import annotations

import random
from datetime import date, timedelta

from family_values import iban, norm, spaced  # noqa: F401 (shared with the other families; re-exported)

FRAUEN = ["Wiebke", "Theresia", "Mareike", "Roswitha", "Gesa", "Magdalena", "Swantje", "Anneliese", "Ilse",
          "Agnieszka", "Irina", "Svenja", "Ute", "Marlene", "Hiltrud", "Friederike"]
MAENNER = ["Hauke", "Korbinian", "Jannik", "Xaver", "Bernd", "Lukas", "Till", "Dominik", "Kai-Uwe", "Mehmet",
           "Reinhold", "Florian", "Momme", "Alois", "Gregor", "Detlef"]
NACHNAMEN = ["Hinrichsen", "Jessen", "Brodersen", "Huber", "Wimmer", "Obermaier", "Schlüter", "Weber-Lang",
             "Dreesen", "Kowalczyk", "Lippmann", "Rademacher", "Gößwein", "Thielemann", "Quast", "Pfeiffer",
             "Brückner-Huth", "Feddersen", "Stadler", "Ketelsen", "Nießen", "Thönnes", "Buchholz", "Riedl"]
PARTIKEL = ["von Bülow", "von der Heyde", "Meyer zu Erpen", "zu Dohna", "von Stetten", "Schulze zur Wiesch"]
GEBURTSNAMEN = ["Schmidt", "Kaufmann", "Petersen", "Gruber", "Albers", "Mertes", "Lorenzen"]
TITEL = ["Dr.", "Dr.", "Prof. Dr.", "Dr. med.", "Dr.-Ing."]
STRASSEN = ["Trierer Str.", "Hauptstr.", "Am Marktpl.", "Lindenstr.", "Kirchplatz", "Mühlenweg", "Auf der Heide",
            "Beim Hohen Kreuz", "Dr.-Wilhelm-Külz-Str.", "Osterdeich", "Sankt-Michael-Gasse", "Hafenstraße",
            "Salzachstr.", "Detmolder Straße", "Am Bleichpl.", "Peenestr.", "Zum Heidkrug", "Burgring"]
ORTE = [("54550", "Daun"), ("54568", "Gerolstein"), ("54516", "Wittlich"), ("54470", "Bernkastel-Kues"),
        ("32756", "Detmold"), ("32657", "Lemgo"), ("32825", "Blomberg"), ("84503", "Altötting"),
        ("84489", "Burghausen"), ("84524", "Neuötting"), ("17389", "Anklam"), ("17438", "Wolgast"),
        ("25813", "Husum"), ("25832", "Tönning"), ("25899", "Niebüll")]
ORTSTEILE = {"Daun": "Pützborn", "Gerolstein": "Müllenborn", "Lemgo": "Brake", "Burghausen": "Raitenhaslach",
             "Wolgast": "Buddenhagen", "Husum": "Schobüll"}
GEMARKUNGEN = ["Pützborn", "Müllenborn", "Brake", "Raitenhaslach", "Buddenhagen", "Schobüll", "Wengerohr"]
VEREINE = ["SG Eifelland Daun 1921 e.V.", "TuS Lipperland Lemgo e.V.", "ESV Burghausen-Inn e.V.",
           "Ruderclub Peene Anklam e.V.", "Husumer Turnerschaft von 1875 e.V.", "DJK Neuötting e.V."]
BEHOERDEN = [  # name, department, street, PLZ Ort, phone, mail domain, Kreis letters
    ("Kreisverwaltung Eifel-Mosel", "Abteilung 3 – Bürgerdienste", "Mainzer Straße 25", "54550 Daun",
     "06592 933-0", "kv-eifelmosel.example", "EM"),
    ("Kreis Lippe-Weser", "Fachbereich Ordnung und Verkehr", "Felix-Fechenbach-Straße 5", "32756 Detmold",
     "05231 62-0", "kreis-lw.example", "LW"),
    ("Landratsamt Inn-Salzach", "Sachgebiet 31", "Bahnhofstraße 38", "84503 Altötting", "08671 502-0",
     "lra-innsalzach.example", "IS"),
    ("Landkreis Vorpommern-Peene", "Amt für Bürgerservice", "Demminer Straße 71-74", "17389 Anklam",
     "03971 84-0", "lk-vpeene.example", "VP"),
    ("Kreis Nordfriesland-Eider", "Fachdienst Service", "Marktstraße 6", "25813 Husum", "04841 67-0",
     "nf-eider.example", "NE"),
]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
KURZ = ["JAN", "FEB", "MRZ", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEZ"]


def housenumber(rng: random.Random) -> str:
    n = rng.randint(1, 140)
    return rng.choice([str(n), str(n), f"{n}/1", f"{n} b", f"{n}a", f"{n}-{n + 2}", f"{n} c"])


def person(rng: random.Random, born_from: int = 1948, born_to: int = 2005, fancy: float = 0.5) -> dict:
    """One person; fancy: how likely a title, a particle or a birth name is."""
    frau = rng.random() < 0.5
    vn = rng.choice(FRAUEN if frau else MAENNER)
    nn = rng.choice(PARTIKEL) if rng.random() < fancy * 0.35 else rng.choice(NACHNAMEN)
    plz, ort = rng.choice(ORTE)
    if ort in ORTSTEILE and rng.random() < 0.4:
        ort = rng.choice([f"{ort}-{ORTSTEILE[ort]}", f"{ort} (OT {ORTSTEILE[ort]})"])
    street, nr = rng.choice(STRASSEN), housenumber(rng)
    tel = rng.choice(["0{a} {b} {c} {d}", "(0{a}) {b}{c}-{d}", "01{e}/{b}{c}{d}", "+49 {a} {b}{c}{d}"]).format(
        a=rng.randint(2000, 9999), b=rng.randint(10, 99), c=rng.randint(10, 99), d=rng.randint(10, 99),
        e=rng.choice([51, 60, 70, 71, 76]))
    mail = f"{vn[0].lower()}.{nn.split()[-1].lower()}{rng.randint(1, 99)}@mailbox.example"
    for a, b in (("ö", "oe"), ("ä", "ae"), ("ü", "ue"), ("ß", "ss")):
        mail = mail.replace(a, b)
    return {"vorname": vn, "nachname": nn, "anrede": "Frau" if frau else "Herr",
            "titel": rng.choice(TITEL) if rng.random() < fancy * 0.3 else "",
            "geburtsname": rng.choice(GEBURTSNAMEN) if frau and rng.random() < fancy * 0.5 else "",
            "geburtsdatum": day(rng, born_from, born_to), "str": street, "nr": nr, "strasse": f"{street} {nr}",
            "plz": plz, "ort": ort, "telefon": tel, "email": mail}


def day(rng: random.Random, y0: int, y1: int) -> date:
    return date(y0, 1, 1) + timedelta(days=rng.randint(0, (date(y1, 12, 28) - date(y0, 1, 1)).days))


def fmt(d: date, style: str) -> str:
    """dmy 03.04.2026, nopad 3.4.2026, long 3. April 2026, iso 2026-04-03, short 03.04.26."""
    if style == "iso":
        return d.isoformat()
    if style == "long":
        return f"{d.day}. {MONATE[d.month - 1]} {d.year}"
    if style == "nopad":
        return f"{d.day}.{d.month}.{d.year}"
    if style == "short":
        return d.strftime("%d.%m.%y")
    return d.strftime("%d.%m.%Y")


def stamp_date(d: date, rng: random.Random) -> str:
    return rng.choice([f"{d.day:02d} {KURZ[d.month - 1]} {d.year}", f"{d.day:02d}. {KURZ[d.month - 1]}. {d.year}",
                       d.strftime("%d.%m.%Y"), d.strftime("%d.%m.%y")])


def fullname(p: dict, title: bool = True) -> str:
    return " ".join(s for s in (p["titel"] if title else "", p["vorname"], p["nachname"]) if s)
