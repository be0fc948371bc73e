"""family9's own value pools: Westerwald, Eifel, Hunsrück and Thuringian names and places, number shapes."""

from __future__ import annotations

import random
from datetime import date, timedelta

from family_values import iban, norm, spaced  # noqa: F401 (shared with the other families; re-exported)

VORNAMEN = ["Gisela", "Hartmut", "Swantje", "Elias", "Roswitha", "Jannik", "Henrike", "Dieter", "Aylin", "Matthias",
            "Liesel", "Konstantin", "Brigitte", "Noah", "Waltraud", "Ole", "Sieglinde", "Tobias", "Merve", "Reinhold",
            "Clara-Marie", "Jens-Uwe", "Ilse", "Friedhelm"]
NACHNAMEN = ["Schmittgen", "Wendling", "Kaltenbach", "Mörsdorf", "Hüsch", "Ternes", "Bollig", "Weyand", "Jüngling",
             "Stumpf-Reuter", "Pütz", "Hengstler", "Zöller", "Krämer", "Löhr", "Oster", "Yılmaz", "Dahmen", "Scheid",
             "Weißgerber"]
STRASSEN = ["Westerwaldstraße", "Am Hahnenborn", "Koblenzer Str.", "In der Au", "Hohlweg", "Raiffeisenring",
            "Auf dem Dörrenberg", "Mittelgasse", "Lahnstraße", "Schulstr.", "Zum Sauerbrunnen", "Eifelblick",
            "Obere Bachgasse", "Pfarrer-Kneipp-Str."]
ORTE = [("56410", "Montabaur"), ("56457", "Westerburg"), ("54634", "Bitburg"), ("55469", "Simmern/Hunsrück"),
        ("56727", "Mayen"), ("54550", "Daun"), ("07743", "Jena"), ("99423", "Weimar"), ("56470", "Bad Marienberg (Westerwald)"),
        ("55481", "Kirchberg (Hunsrück)"), ("07381", "Pößneck")]
GEMARKUNGEN = ["Niederahr", "Gemünden", "Mörsdorf", "Wallersheim", "Oberrod", "Kastellaun"]
VEREINE = ["TuS 1898 Westerburg e.V.", "SG Eintracht Mayen-Hausen e.V.", "Turnverein Jahn Bitburg 1862 e.V.",
           "Reitverein Hunsrückhöhe e.V.", "Schwimmclub Delphin Jena e.V.", "FV Rot-Weiß Daun 1919 e.V."]
BEHOERDEN = [  # name, street, PLZ Ort, phone, bank, IBAN, BIC, web
    ("Kreisverwaltung Westerwald-Lahn", "Peter-Altmeier-Platz 1", "56410 Montabaur", "02602 124-0",
     "Sparkasse Westerwald-Sieg", "DE31 5735 1030 0000 1107 20", "MALADE51AKI", "www.kv-westerwald.example"),
    ("Kreisverwaltung Eifel-Mosel", "Trierer Straße 1", "54634 Bitburg", "06561 15-0",
     "Kreissparkasse Bitburg-Prüm", "DE58 5865 0030 0000 0081 55", "MALADE51BIT", "www.kv-eifel.example"),
    ("Landratsamt Saale-Orla-Holzland", "Schloßgasse 17", "07381 Pößneck", "03647 824-0",
     "Sparkasse Jena-Saale-Holzland", "DE72 8305 3030 0018 0044 10", "HELADEF1JEN", "www.lra-soh.example"),
]
SACHBEARBEITER = ["Frau Lindemann", "Herr Wagner-Pohl", "Frau Demir", "Herr Schnorbus", "Frau Hoffmann-Klee"]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
KURZ = ["JAN", "FEB", "MRZ", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEZ"]


def person(rng: random.Random, born_from: int = 1948, born_to: int = 2005) -> dict:
    plz, ort = rng.choice(ORTE)
    nr = f"{rng.randint(1, 140)}{rng.choice(['', '', '', 'a', 'b', '-3'])}"
    vn, nn = rng.choice(VORNAMEN), rng.choice(NACHNAMEN)
    tel = rng.choice(["026{0} {1}", "0{0}61-{1}", "+49 (0)26{0} {1}", "015{0} {1}"]).format(
        rng.randint(10, 99), rng.randint(1000, 999999))
    mail = f"{vn.lower()[:3]}{nn.lower()[:6]}@mail.example"
    for a, b in (("ö", "oe"), ("ä", "ae"), ("ü", "ue"), ("ß", "ss"), ("ı", "i"), ("-", "")):
        mail = mail.replace(a, b)
    return {"vorname": vn, "nachname": nn, "geburtsdatum": day(rng, born_from, born_to),
            "strasse": f"{rng.choice(STRASSEN)} {nr}", "plz": plz, "ort": ort, "telefon": tel, "email": mail}


def day(rng: random.Random, y0: int, y1: int) -> date:
    return date(y0, 1, 1) + timedelta(days=rng.randint(0, (date(y1, 12, 28) - date(y0, 1, 1)).days))


def fmt(d: date, style: str) -> str:
    if style == "long":
        return f"{d.day}. {MONATE[d.month - 1]} {d.year}"
    if style == "short":
        return d.strftime("%d.%m.%y")
    if style == "nopad":
        return f"{d.day}.{d.month}.{d.year}"
    return d.strftime("%d.%m.%Y")


def stamp_date(d: date, rng: random.Random) -> str:
    return rng.choice([f"{d.day:02d}. {KURZ[d.month - 1]}. {d.year}", f"{d.day:02d} {KURZ[d.month - 1]} {d.year}",
                       d.strftime("%d.%m.%Y"), f"{d.day}.{d.month}.{d.strftime('%y')}"])
