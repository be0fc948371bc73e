"""Invented persons, places and numbers for the family3 forms (all fictitious).

Every function takes a ``random.Random`` so that a seed gives the same values."""

from __future__ import annotations

import datetime as dt
import random
import string

VORNAMEN_W = ["Annegret", "Birte", "Carolin", "Dörte", "Elif", "Frauke", "Gesa", "Hanne", "Ilka", "Jolanthe",
              "Katrin", "Liv", "Maren", "Nele", "Ortrud", "Paula", "Rieke", "Svenja", "Tamara", "Ulrike", "Wiebke",
              "Zoé", "Mareike", "Hülya", "Agnieszka"]
VORNAMEN_M = ["Arne", "Bastian", "Cord", "Detlef", "Eike", "Fiete", "Gerrit", "Hauke", "Ingo", "Jannik", "Kai-Uwe",
              "Lasse", "Malte", "Nils", "Ole", "Piet", "Rüdiger", "Sönke", "Till", "Volker", "Wenzel", "Yusuf",
              "Jörg", "Mehmet", "Torben"]
NACHNAMEN = ["Albers", "Brüggemann", "Claußen", "Dierks", "Ehlers", "Föhrenbach", "Grotjahn", "Harms",
             "Iwersen", "Jürgensen", "Kötter", "Lüdemann", "Mahnke", "Nordhoff", "Oltmanns", "Petersen-Ruge",
             "Quast", "Rehder", "Siemsen", "Thielking", "Uphoff", "Vosgerau", "Wübbena", "Zimmermann-Ahrens",
             "von Hollen", "de Vries", "Kaya", "Nowak", "Tönjes", "Büsing"]
STRASSEN = ["Am Kiebitzmoor", "Birkenkamp", "Deichstraße", "Eschenallee", "Fährweg", "Gänsewiese", "Heidkoppel",
            "Im Krummen Ort", "Karkweg", "Lindenhofer Straße", "Moorkamp", "Nienburger Chaussee", "Op de Geest",
            "Pastorenweg", "Ringstraße", "Schafstallweg", "Tweeten", "Up'n Diek", "Wiesenstieg", "Zum Sielhafen",
            "Dr.-Hermann-Lietz-Straße", "Alte Dorfstr."]
ORTE = ["Oberwiesenbach", "Kirchhorst-Moor", "Neuenfelde a. d. Aue", "Bredenbek", "Hohenwarft", "Lütjenstedt",
        "Grootholt", "Wendisch Rietz am See", "Süderhastedt", "Ahrensfehn", "Mühlenbeck (Musterland)",
        "St. Aegidien", "Ostervesede"]
GEMARKUNGEN = ["Oberwiesenbach", "Hohenwarft-Nord", "Lütjenstedt", "Grootholt", "Süderfeld", "Ahrensfehn"]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
MON_ABBR = ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."]
STAMP_MON = ["JAN", "FEB", "MRZ", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEZ"]
VEREINSARTEN = ["TuS", "SV", "TSV", "FC", "Schützenverein", "Reit- und Fahrverein", "Tennisclub", "Ruderclub"]
VEREINSZUSATZ = ["Grün-Gold", "Eintracht", "Blau-Weiß", "Concordia", "Frisch Auf", "Germania"]


def person(rng: random.Random, nachname: str | None = None) -> dict[str, str]:
    """A fictitious person: one or two first names, surname, birth date, address, phone, e-mail."""
    pool = VORNAMEN_W if rng.random() < 0.5 else VORNAMEN_M
    vor = rng.choice(pool) if rng.random() < 0.7 else " ".join(rng.sample(pool, 2))
    nach = nachname or rng.choice(NACHNAMEN)
    born = dt.date(1946, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 58))
    return {"vorname": vor, "nachname": nach, "geburtsdatum": born, **address(rng),
            "telefon": f"0{rng.randint(4000, 4999)} {rng.randint(10000, 999999)}",
            "email": f"{_ascii(vor.split()[0].lower())}.{rng.randint(10, 99)}@post.example"}


def _ascii(s: str) -> str:
    """An e-mail local part as people write it: ä → ae, ß → ss, é → e."""
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("é", "e")):
        s = s.replace(a, b)
    return s


def child(rng: random.Random, parent: dict) -> dict:
    """A child living with *parent* (same surname and address)."""
    c = person(rng, nachname=parent["nachname"])
    c["geburtsdatum"] = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 6))
    for k in ("strasse", "hausnr", "plz", "ort"):
        c[k] = parent[k]
    return c


def address(rng: random.Random) -> dict[str, str]:
    nr = str(rng.randint(1, 180)) + (rng.choice(["", "", "", "a", "b", " c"]))
    return {"strasse": rng.choice(STRASSEN), "hausnr": nr, "plz": f"{rng.randint(1067, 99998):05d}",
            "ort": rng.choice(ORTE)}


def street(p: dict) -> str:
    return f"{p['strasse']} {p['hausnr']}"


def day(rng: random.Random, start: dt.date = dt.date(2026, 1, 5), span: int = 300) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(span))


def fmt_date(d: dt.date, style: str) -> str:
    """A date as German documents write it; ``norm`` is the truth form DD.MM.YYYY."""
    return {
        "norm": f"{d.day:02d}.{d.month:02d}.{d.year}",
        "short": f"{d.day}.{d.month}.{d.year}",
        "yy": f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
        "long": f"{d.day}. {MONATE[d.month - 1]} {d.year}",
        "abbr": f"{d.day:02d}. {MON_ABBR[d.month - 1]} {d.year}",
        "iso": d.isoformat(),
        "stamp": f"{d.day:02d}. {STAMP_MON[d.month - 1]}. {d.year}",
        "compact": f"{d.day:02d}{d.month:02d}{d.year}",
    }[style]


def iban(rng: random.Random) -> str:
    """A German IBAN with a valid check sum (random bank code and account)."""
    bban = f"{rng.randint(10000000, 89999999)}{rng.randint(0, 9999999999):010d}"
    num = int(bban + "131400")  # D=13, E=14, then "00"
    return f"DE{98 - num % 97:02d}{bban}"


def iban_spaced(i: str) -> str:
    return " ".join(i[k:k + 4] for k in range(0, len(i), 4))


def fin(rng: random.Random) -> str:
    chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    return rng.choice(["WVW", "WBA", "VF1", "TMB", "ZFA", "W0L"]) + "".join(rng.choice(chars) for _ in range(14))


def evb(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(7))


def kennzeichen(rng: random.Random) -> str:
    return f"{rng.choice(['MLD', 'MU', 'OWB'])}-{rng.choice(string.ascii_uppercase)}" \
           f"{rng.choice(['', rng.choice(string.ascii_uppercase)])} {rng.randint(1, 9999)}"


AZ_SHAPES = {
    "kfz_zulassung": ["ZL 36.10-{n4}/{y}", "StVA-{y}-{n5}"],
    "bauantrag": ["63.2-{n4}/{y}/BA", "BG {n3}-{yy} / 63", "60 41 {n2} - {n4}/{yy}"],
    "ifsg_belehrung": ["GA 53.3 - {n4}/{y}", "IfSG-B {y}/{n5}"],
    "masern_meldung": ["GA-MS {n4}/{yy}", "53.1.20 - {n3} - {y}"],
    "waffen_antrag": ["32.2 WK {n4}/{y}", "WaffR-{y}-{n4}", "III 32 - {n3}/{yy}"],
    "tierhaltung": ["39 VetA {n4}/{y}", "Vet 39.20-{n4}"],
    "sportstaetten_foerderung": ["52 SpF {y}-{n3}", "40.52-{n4}/{y}"],
    "eingliederungshilfe": ["50.3 EGH {n5}", "SGB IX - {n4}/{yy} - EGH"],
    "sonstiges": ["10.1-{n4}/{y}", "Kasse {n3}/{yy}", "70 AWB-{n5}"],
}


def aktenzeichen(rng: random.Random, doctype: str) -> str:
    shape = rng.choice(AZ_SHAPES[doctype])
    return shape.format(n2=f"{rng.randint(1, 99):02d}", n3=f"{rng.randint(1, 999):03d}",
                        n4=f"{rng.randint(1, 9999):04d}", n5=f"{rng.randint(1, 99999):05d}",
                        y=2026, yy=26)


def verein(rng: random.Random) -> str:
    return f"{rng.choice(VEREINSARTEN)} {rng.choice(VEREINSZUSATZ)} {rng.choice(ORTE).split(' ')[0]} " \
           f"{rng.choice(['', 'von ' + str(rng.randint(1880, 1975)) + ' '])}e.V.".replace("  ", " ")


def betrag(rng: random.Random) -> tuple[str, str]:
    """(truth form "12.500,00", a written form)."""
    cents = rng.randint(800, 90000) * 100 + rng.choice([0, 0, 50])
    eur, ct = divmod(cents, 100)
    grouped = f"{eur:,}".replace(",", ".")
    norm = f"{grouped},{ct:02d}"
    shown = rng.choice([f"{norm} €", f"EUR {norm}", f"{eur},{ct:02d} €", f"{norm} Euro"])
    return norm, shown
