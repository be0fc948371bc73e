"""The held-out family's own invented world: people, places, numbers and the
many ways Germans write a date, an amount or a file reference.

Every name, street, town, club and number here is made up; towns and clubs
carry invented names, IBANs are random (with a valid check sum), e-mail
addresses use reserved example domains.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

FIRST_F = ["Ute", "Jana", "Birgit", "Özlem", "Anna-Lena", "Hannelore", "Svenja", "Marlene", "Ilse", "Katrin",
           "Friederike", "Dörte", "Aylin", "Mareike", "Gudrun", "Lieselotte", "Tanja", "Wiebke", "Chiara", "Renate"]
FIRST_M = ["Jürgen", "Hans-Peter", "Malte", "Kemal", "Torsten", "Bernd", "Jörg", "Finn", "Ludger", "Rüdiger",
           "Dariusz", "Volker", "Henning", "Matthias", "Ole", "Wolfgang", "Sönke", "Tobias", "Eckhard", "Levent"]
SECOND_F = ["Marie", "Luise", "Sophie", "Maria", "Elisabeth"]
SECOND_M = ["Christian", "Johannes", "Friedrich", "Alexander", "Maria"]
KIDS = ["Emil", "Mila", "Leni", "Jonas", "Ida", "Anton", "Frieda", "Mats", "Lotta", "Elias", "Thea", "Karl"]
SURNAMES = ["Brettschneider", "Kowalczyk", "Hüttenrauch", "Oldenburger", "Schreiber-Lindner", "Wächter",
            "Grünwald", "Dreesen", "Yıldırım", "von Ahlen", "Pöhlmann", "Tiedemann", "Krämer", "Rohde",
            "Sauerbrey", "Lüttich", "Demir", "Habermehl", "Ostendorf", "Quast", "Vogelsang", "Zöllner",
            "Maaß", "Eggers", "Birkholz", "Stratmann-Öz", "Lindqvist", "Bauknecht", "Feddersen", "Ruppert"]
STREETS = ["Lindenweg", "Am Mühlbach", "Hauptstraße", "Straße des Friedens", "Ringstr.", "An der Alten Ziegelei",
           "Kirchgasse", "Auf dem Kamp", "Birkenallee", "Holunderstieg", "Gartenstraße", "Zum Sportplatz",
           "Brunnenweg", "Schäferkamp", "Obere Dorfstraße", "Weidenring", "Im Winkel", "Kastanienhof",
           "Rosa-Luxemburg-Str.", "Am Hohen Tor", "Fliederweg", "Heideland", "Querstraße", "Mühlenberg"]
TOWNS = ["Birkenfelde", "Oberwiesenbach", "Kleinhüttendorf", "Bad Quellenau", "Neustadt a. d. Weide",
         "Hohenlinden-Süd", "Altenhain", "Wendelsbrück", "Rabenstein (Musterland)", "Fuchsau", "Eichwalde-Nord",
         "Sankt Ottilien am Forst", "Kreisstadt", "Morgenroth", "Tannhausen", "Düsterbrook"]
CLUBS = ["TSV Birkenfelde 1908 e.V.", "SV Grün-Weiß Oberwiesenbach e.V.", "Tennisclub Rot-Gold Fuchsau e.V.",
         "Schwimmverein Bad Quellenau 1921 e.V.", "FC Eintracht Wendelsbrück e.V.", "Reit- und Fahrverein Tannhausen e.V.",
         "Turngemeinde Altenhain 1888 e.V.", "Kanu-Club Düsterbrook e.V.", "Sportfreunde Morgenroth e.V."]
FIRMS = ["Gasthaus Zur Linde", "Bäckerei Habermehl GmbH", "Großküche Sonnenhof gGmbH", "Café am Markt",
         "Fleischerei Quast & Söhne", "Kita-Kantine Regenbogen", "Hotel Waldblick KG"]
KITAS = ["Kita Pusteblume", "Kindertagesstätte Sonnenkäfer", "Ev. Kindergarten Arche", "Grundschule am Weiher",
         "Kinderkrippe Zwergenland"]
ARCHITECTS = ["Planungsbüro Ostendorf & Partner", "Architektin Dipl.-Ing.", "Ingenieurbüro Lüttich"]
PARCELS = ["Oberwiesenbach", "Birkenfelde", "Fuchsau", "Altenhain", "Wendelsbrück-Flur", "Morgenroth", "Tannhausen"]

MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
MONTHS_SHORT = ["Jan.", "Feb.", "Mrz.", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."]
MONTHS_STAMP = ["JAN.", "FEB.", "MRZ.", "APR.", "MAI", "JUNI", "JULI", "AUG.", "SEP.", "OKT.", "NOV.", "DEZ."]
WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]

AUTHORITY = "Landkreis Musterland"
AUTH_STREET, AUTH_PLZ, AUTH_TOWN = "Kreishausplatz 1", "99998", "Kreisstadt"
AUTH_PHONE = "09999 123-0"
AUTH_IBAN = "DE49 9999 0000 0001 2345 67"


@dataclass
class Person:
    vorname: str
    nachname: str
    geburtsdatum: dt.date
    strasse: str
    plz: str
    ort: str
    telefon: str
    email: str
    female: bool

    @property
    def full(self) -> str:
        return f"{self.vorname} {self.nachname}"

    @property
    def inverted(self) -> str:
        return f"{self.nachname}, {self.vorname}"

    @property
    def salutation(self) -> str:
        return "Frau" if self.female else "Herr"


def truth_date(d: dt.date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def date_between(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


def plz(rng: random.Random) -> str:
    return f"{rng.randint(1067, 99998):05d}"


def street(rng: random.Random) -> str:
    number = str(rng.randint(1, 148))
    r = rng.random()
    if r < 0.15:
        number += rng.choice("abc")
    elif r < 0.2:
        number += f"-{int(number) + 2}"
    elif r < 0.25:
        number += " " + rng.choice("ab")
    return f"{rng.choice(STREETS)} {number}"


def phone(rng: random.Random) -> str:
    """A German phone number as people write it (the truth keeps it as written)."""
    area = f"0{rng.randint(2, 9)}{rng.randint(10, 999)}"
    num = str(rng.randint(10000, 9999999))
    style = rng.randrange(5)
    if style == 0:
        return f"{area} {num}"
    if style == 1:
        return f"{area}/{num}"
    if style == 2:
        return f"{area} / {num}"
    if style == 3:
        return f"01{rng.choice('567')}{rng.randint(0, 9)} {rng.randint(1000000, 99999999)}"
    return f"{area}-{num}"


def email(rng: random.Random, first: str, last: str) -> str:
    tr = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", " ": "", "-": ""})
    f, l_ = first.lower().translate(tr), last.lower().translate(tr)
    local = rng.choice([f"{f}.{l_}", f"{f[0]}{l_}", f"{l_}.{f[0]}", f"{f}{rng.randint(1, 99)}"])
    return f"{local}@{rng.choice(['example.net', 'example.com', 'mail.example', 'example.org'])}"


def slug(s: str) -> str:
    tr = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i"})
    return "".join(c for c in s.lower().translate(tr) if c.isalnum())[:20]


def person(rng: random.Random, female: bool | None = None, born: tuple[int, int] = (1944, 2004),
           home: Person | None = None, surname: str | None = None) -> Person:
    female = rng.random() < 0.5 if female is None else female
    first = rng.choice(FIRST_F if female else FIRST_M)
    last = surname or rng.choice(SURNAMES)
    birth = date_between(rng, dt.date(born[0], 1, 1), dt.date(born[1], 12, 31))
    if home:
        return Person(first, last, birth, home.strasse, home.plz, home.ort, home.telefon, home.email, female)
    return Person(first, last, birth, street(rng), plz(rng), rng.choice(TOWNS), phone(rng),
                  email(rng, first, last), female)


def iban(rng: random.Random) -> str:
    bban = "".join(rng.choice("0123456789") for _ in range(18))
    check = 98 - int(bban + "131400") % 97
    return f"DE{check:02d}{bban}"


def show_iban(rng: random.Random, value: str) -> str:
    return value if rng.random() < 0.3 else " ".join(value[i:i + 4] for i in range(0, len(value), 4))


def show_date(rng: random.Random, d: dt.date, styles: str = "ndsmlx") -> str:
    """One of the common German ways of writing a date; ``styles`` picks from
    n = 03.02.2026, d = 3.2.2026, s = 03.02.26, m = 3. Februar 2026,
    l = 03. Feb. 2026, x = 2026-02-03."""
    s = rng.choice(styles)
    if s == "n":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if s == "d":
        return f"{d.day}.{d.month}.{d.year}"
    if s == "s":
        return f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}"
    if s == "m":
        return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"
    if s == "l":
        return f"{d.day:02d}. {MONTHS_SHORT[d.month - 1]} {d.year}"
    return d.isoformat()


def amount(rng: random.Random, lo: int, hi: int, step: int = 50) -> tuple[str, str]:
    """(truth, as printed): truth '12.500,00', printed in one of the usual forms."""
    cents = rng.randint(lo // step, hi // step) * step * 100 + (rng.choice([0, 0, 0, 50, 99]) if step < 10 else 0)
    euros, c = divmod(cents, 100)
    dotted = f"{euros:,}".replace(",", ".")
    truth = f"{dotted},{c:02d}"
    style = rng.randrange(5)
    printed = [f"{truth} €", f"{truth} EUR", f"EUR {truth}", f"{euros},{c:02d} €",
               f"{dotted},- €" if c == 0 else f"{truth} Euro"][style]
    return truth, printed


AZ_SHAPES = {
    "kfz_zulassung": ["ZL {a} - {n4}/{yy}", "FD 36 - {n5}/{yyyy}", "36.1-Z-{n4}-{yyyy}"],
    "bauantrag": ["632-{n4}/{yyyy}/Bau", "BA {n4}/{yy}", "63 2 - {n3} - {yyyy}", "AB 3 - 12.10 - {n4}/{yy}"],
    "ifsg_belehrung": ["53.2-{n4}/{yyyy}", "GA 53 - B {n4}/{yy}", "S 55 - {n4}/{yyyy}"],
    "masern_meldung": ["53.1 - IfSG - {n4}/{yy}", "GA-M {n4}-{yyyy}", "S 55 - {n4}/{yyyy}"],
    "waffen_antrag": ["32.3 - W - {n4}/{yy}", "III/32-{n4}/{yyyy}", "WA 32 {n5}"],
    "tierhaltung": ["39.1.2 - {yyyy} - {n5}", "Vet {n4}/{yy}", "39-TH-{n4}/{yyyy}"],
    "sportstaetten_foerderung": ["52 - Sp - {n3}/{yyyy}", "SF {yyyy}/{n3}", "AB 5 - 52.20 - {n4}/{yy}"],
    "eingliederungshilfe": ["50-EGH-{yyyy}-{n5}", "S 50.2 - {n4}/{yyyy}", "EGH {n5}/{yy}"],
    "sonstiges": ["10.1-{n4}/{yyyy}", "HA {n4}/{yy}", "S 55 - {n4}/{yyyy}"],
}


def aktenzeichen(rng: random.Random, doctype: str, year: int) -> str:
    shape = rng.choice(AZ_SHAPES[doctype])
    return shape.format(a=rng.randint(1, 9), n3=f"{rng.randint(1, 999):03d}", n4=f"{rng.randint(1, 9999):04d}",
                        n5=f"{rng.randint(1, 99999):05d}", yy=f"{year % 100:02d}", yyyy=year)


def kennzeichen(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return (f"{rng.choice(['MU', 'MUL', 'KS', 'QL'])}-{''.join(rng.choice(letters) for _ in range(rng.randint(1, 2)))}"
            f" {rng.randint(1, 9999)}{rng.choice(['', '', '', 'E', 'H'])}")


def fin(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    return rng.choice(["WVW", "WDB", "VF1", "TMB", "ZFA", "WF0"]) + "".join(rng.choice(alphabet) for _ in range(14))


def evb(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(7))


def stamp_text(rng: random.Random, d: dt.date) -> tuple[list[str], bool]:
    """A received stamp's lines, and whether it is written by hand."""
    mon = MONTHS_STAMP[d.month - 1]
    style = rng.randrange(7)
    if style == 0:
        return ["EINGEGANGEN", f"{d.day:02d}. {mon} {d.year}"], False
    if style == 1:
        return [AUTHORITY, "Eingang", f"{d.day:02d}. {mon} {d.year}", f"FD {rng.randint(10, 70)}"], False
    if style == 2:
        return [f"Eing. {d.day}.{d.month}.{d.year % 100:02d}"], True
    if style == 3:
        return [f"{d.day:02d}. {mon} {d.year}"], False
    if style == 4:
        return ["Posteingang", f"am {d.day:02d}.{d.month:02d}.{d.year}"], False
    if style == 5:
        return ["Kreisverwaltung Musterland", "- Poststelle -", f"Eing.: {d.day}. {MONTHS_SHORT[d.month - 1]} {d.year}"], False
    return [f"Eingang: {d.day:02d}.{d.month:02d}.{d.year % 100:02d}"], True
