"""family10's own value pools: Saxon, Brandenburg, Lower-Saxon and Swabian names and places (with Ortsteile),
house-number shapes, the authorities, date writings (ISO for portals and e-mails)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from family_values import iban, norm, spaced  # noqa: F401 (shared with the other families; re-exported)

VORNAMEN = ["Annegret", "Björn", "Doreen", "Enrico", "Franziska", "Gunnar", "Heike", "Ingo", "Jacqueline", "Kevin",
            "Lea-Sophie", "Marcel", "Nadine", "Olaf", "Petra", "Ronny", "Sandra", "Torsten", "Ute", "Yvonne",
            "Emir", "Zofia", "Hans-Jürgen", "Mandy"]
NACHNAMEN = ["Kretzschmar", "Nitzsche", "Lehmann", "Ebert", "Großmann", "Hänsel", "Pietsch", "Rudolph", "Seidel",
             "Thieme", "Ullrich", "Wünsche", "Zschoche", "Bräuer", "Köhler-Wendt", "Nowak", "Öztürk", "Haßelbach",
             "Voigtländer", "Claußnitzer"]
STRASSEN = ["Dorfstraße", "Am Anger", "Lindenallee", "Bahnhofstr.", "Hauptstraße", "Zur Mühle", "Karl-Marx-Ring",
            "Schulweg", "An der Kirche", "Neue Siedlung", "Gartenstraße", "Am Feldrain", "Rosa-Luxemburg-Str.",
            "Oberer Hohlweg"]
ORTE = [("01829", "Stadt Wehlen"), ("02625", "Bautzen"), ("04720", "Döbeln"), ("09557", "Flöha"),
        ("15230", "Frankfurt (Oder)"), ("16225", "Eberswalde"), ("29525", "Uelzen"), ("38640", "Goslar"),
        ("72458", "Albstadt"), ("88212", "Ravensburg"), ("03046", "Cottbus")]
ORTSTEILE = {"Bautzen": "Niederkaina", "Döbeln": "Mochau", "Flöha": "Falkenau", "Eberswalde": "Finow",
             "Uelzen": "Veerßen", "Goslar": "Hahnenklee", "Albstadt": "Tailfingen", "Ravensburg": "Eschach"}
GEMARKUNGEN = ["Niederkaina", "Oberwartha", "Falkenau", "Hahnenklee", "Tailfingen", "Veerßen"]
VEREINE = ["SV Grün-Weiß Flöha 1990 e.V.", "Turn- und Sportverein Eintracht Uelzen e.V.", "FSV Lokomotive Bautzen e.V.",
           "Kanu-Club Eberswalde e.V.", "Schützengilde Goslar von 1850 e.V.", "TSG Tailfingen 1887 e.V."]
BEHOERDEN = [  # name, street, PLZ Ort, phone, mail domain, portal name
    ("Landratsamt Bautzen-Oberlausitz", "Bahnhofstraße 9", "02625 Bautzen", "03591 5251-0", "lra-bo.example",
     "Amt24-Onlinedienst"),
    ("Landkreis Barnim-Oder", "Am Markt 1", "16225 Eberswalde", "03334 214-0", "kreis-bo.example",
     "Serviceportal Brandenburg"),
    ("Landkreis Uelzen-Harz", "Albrecht-Thaer-Straße 101", "29525 Uelzen", "0581 82-0", "lk-uh.example",
     "Antragsportal Niedersachsen"),
    ("Landratsamt Zollernalb-Schussen", "Hirschbergstraße 29", "72336 Balingen", "07433 92-01", "lra-zs.example",
     "service-bw"),
]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
WOCHENTAGE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
KURZ = ["JAN", "FEB", "MRZ", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEZ"]


def person(rng: random.Random, born_from: int = 1950, born_to: int = 2006) -> dict:
    plz, ort = rng.choice(ORTE)
    if ort in ORTSTEILE and rng.random() < 0.45:
        ort = f"{ort} OT {ORTSTEILE[ort]}"
    n = rng.randint(1, 98)
    nr = rng.choice([str(n), str(n), f"{n} a", f"{n}a", f"{n}-{n + 2}", f"{n} b"])
    vn, nn = rng.choice(VORNAMEN), rng.choice(NACHNAMEN)
    tel = rng.choice(["0{0}1 {1}", "0{0}5/{1}", "+49 {0}1 {1}", "0172 {1}"]).format(rng.randint(30, 99),
                                                                                   rng.randint(10000, 9999999))
    mail = f"{vn.lower()}.{nn.lower()}@post.example"
    for a, b in (("ö", "oe"), ("ä", "ae"), ("ü", "ue"), ("ß", "ss"), ("-", "")):
        mail = mail.replace(a, b)
    return {"vorname": vn, "nachname": nn, "geburtsdatum": day(rng, born_from, born_to),
            "strasse": f"{rng.choice(STRASSEN)} {nr}", "plz": plz, "ort": ort, "telefon": tel, "email": mail,
            "co": f"c/o {rng.choice(NACHNAMEN)}" if rng.random() < 0.2 else ""}


def day(rng: random.Random, y0: int, y1: int) -> date:
    return date(y0, 1, 1) + timedelta(days=rng.randint(0, (date(y1, 12, 28) - date(y0, 1, 1)).days))


def fmt(d: date, style: str) -> str:
    if style == "iso":
        return d.isoformat()
    if style == "long":
        return f"{d.day}. {MONATE[d.month - 1]} {d.year}"
    if style == "weekday":
        return f"{WOCHENTAGE[d.weekday()]}, {d.day}. {MONATE[d.month - 1]} {d.year}"
    if style == "nopad":
        return f"{d.day}.{d.month}.{d.year}"
    return d.strftime("%d.%m.%Y")


def stamp_date(d: date, rng: random.Random) -> str:
    return rng.choice([f"{d.day:02d}. {KURZ[d.month - 1]}. {d.year}", d.strftime("%d.%m.%Y"), d.strftime("%d.%m.%y")])
