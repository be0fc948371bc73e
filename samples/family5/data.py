"""Invented persons, places, firms and numbers for the family5 forms (all fictitious; Rhineland,
Westphalian and Saarland names, unlike family3's northern and family4's southern ones).
Every function takes a ``random.Random``."""

from __future__ import annotations

import datetime as dt
import random
import string

VORNAMEN_W = ["Anneliese", "Birgit", "Claudia", "Doris", "Elke", "Friederike", "Gisela", "Hannelore", "Ilse",
              "Jutta", "Karin", "Liesel", "Marlene", "Nadine", "Ortrud", "Paula", "Rita", "Silke", "Tanja",
              "Ulrike", "Vanessa", "Wiebke", "Aylin", "Chantal", "Marie-Luise", "Małgorzata"]
VORNAMEN_M = ["Achim", "Bernd", "Carsten", "Detlef", "Egon", "Frank", "Gerd", "Heinz-Peter", "Jürgen", "Klaus",
              "Lothar", "Manfred", "Niklas", "Olaf", "Peter", "Rainer", "Stefan", "Torsten", "Ulf", "Volker",
              "Willi", "Kemal", "Piotr", "Jean-Luc", "Mehmet Ali"]
NACHNAMEN = ["Breuer", "Claßen", "Dahmen", "Esser", "Franzen", "Gerhards", "Hensen", "Jansen", "Kremer", "Lenzen",
             "Mertens", "Nießen", "Offermanns", "Quadflieg", "Reuter", "Schmitz-Hülsbusch", "Thelen", "Uerdingen",
             "Vogt", "Wolters", "de Vries", "van Kempen", "Kaya", "Nowak", "Özdemir", "Papadopoulos", "Görgen",
             "Büsgen", "Heuser-Ohm"]
STRASSEN = ["Auf dem Driesch", "Bergheimer Str.", "Deichweg", "Eifelstraße", "Fährgasse", "Goethestraße", "Heerstr.",
            "In der Kaul", "Kirchplatz", "Lohmarer Weg", "Mühlenbach", "Neustraße", "Op de Hött", "Poststraße",
            "Rheinuferweg", "Siegburger Straße", "Tannenhof", "Uhlandstr.", "Vor dem Tor", "Wiesenpfad",
            "Zum Kreuzberg", "Dr.-Wirtz-Allee", "An der Windmühle", "Alte Kölner Str."]
ORTE = ["Lohmarhausen", "Nierstedt", "Bad Erlenbrück", "Kempershof", "Siefenbach", "Hülsdorf an der Sieg",
        "Kirchwald (Eifel)", "Mertesheim", "Sankt Wendelin", "Neukirchen-Hoppe", "Wald-Eschbach", "Burgwinkel"]
GEMARKUNGEN = ["Lohmarhausen", "Nierstedt-Nord", "Kempershof", "Siefenbach", "Mertesheim", "Burgwinkel"]
LAENDER = ["deutsch", "deutsch", "deutsch", "türkisch", "polnisch", "griechisch", "niederländisch", "italienisch"]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
VEREINE = ["TuS {o} 1904 e.V.", "SC Blau-Weiß {o}", "Sportverein Rot-Gold {o} e.V.", "Tennisclub {o} e.V.",
           "Reitverein {o} e.V.", "Kanu-Club {o}", "Schützenbruderschaft St. Hubertus {o} e.V."]
KANZLEIEN = ["Rechtsanwälte {a} & {b}", "Kanzlei {a} Rechtsanwälte PartG mbB", "{a} · {b} Rechtsanwälte und Notare",
             "Verwaltungsrechtskanzlei Dr. {a}"]


def _first_ascii(vor: str) -> str:
    f = vor.split()[0].lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("é", "e"), ("ł", "l"), ("ó", "o")):
        f = f.replace(a, b)
    return f


def person(rng: random.Random, nachname: str | None = None, old: bool = True) -> dict:
    female = rng.random() < 0.5
    pool = VORNAMEN_W if female else VORNAMEN_M
    vor = rng.choice(pool) if rng.random() < 0.7 else " ".join(rng.sample(pool, 2))
    born = dt.date(1941, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 62)) if old \
        else dt.date(2018, 6, 1) + dt.timedelta(days=rng.randrange(0, 365 * 5))
    return {"vorname": vor, "nachname": nachname or rng.choice(NACHNAMEN), "geburtsdatum": born, **address(rng),
            "female": female, "geburtsort": rng.choice(ORTE + ["Izmir", "Gdańsk", "Thessaloniki", "Maastricht"]),
            "staat": rng.choice(LAENDER),
            "telefon": rng.choice([f"0{rng.randint(2000, 6999)} {rng.randint(10000, 999999)}",
                                   f"+49 {rng.randint(151, 179)} {rng.randint(1000000, 99999999)}",
                                   f"(0{rng.randint(2000, 6999)}) {rng.randint(1000, 99999)}-{rng.randint(0, 99)}"]),
            "email": f"{_first_ascii(vor)}.{rng.randint(1, 99)}@post.example"}


def address(rng: random.Random) -> dict:
    nr = str(rng.randint(1, 180)) + rng.choice(["", "", "", "a", "c", "-3"])
    return {"strasse": rng.choice(STRASSEN), "hausnr": nr, "plz": f"{rng.randint(1067, 99998):05d}",
            "ort": rng.choice(ORTE)}


def street(p: dict) -> str:
    return f"{p['strasse']} {p['hausnr']}"


def day(rng: random.Random, start: dt.date = dt.date(2026, 1, 12), span: int = 280) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(span))


def norm(d: dt.date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def shown_date(rng: random.Random, d: dt.date) -> str:
    """A date as a filled-in form writes it."""
    return rng.choice([norm(d), norm(d), norm(d), f"{d.day}.{d.month}.{d.year}", f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
                       f"{d.day}. {MONATE[d.month - 1]} {d.year}", d.isoformat()])


def iban(rng: random.Random) -> str:
    bban = f"{rng.randint(30000000, 79999999)}{rng.randint(0, 9999999999):010d}"
    return f"DE{98 - int(bban + '131400') % 97:02d}{bban}"


def spaced(i: str) -> str:
    return " ".join(i[k:k + 4] for k in range(0, len(i), 4))


def bic(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(4)) + "DE" + rng.choice(["D1", "DD", "M1"]) + \
        rng.choice(["", "XXX", "SIE"])


def bank(rng: random.Random) -> str:
    return rng.choice(["Kreissparkasse Lohmarhausen", "Volksbank Sieg-Erlen eG", "Raiffeisenbank Kirchwald eG",
                       "Sparda-Bank West (Beispiel)"])


def glaeubiger_id(rng: random.Random) -> str:
    return f"DE{rng.randint(10, 99)}ZZZ{rng.randint(0, 99999999):08d}"


def fin(rng: random.Random) -> str:
    chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    return rng.choice(["WVW", "WBA", "VF1", "ZFA", "TMB", "W0L"]) + "".join(rng.choice(chars) for _ in range(14))


def evb(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(7))


def kennzeichen(rng: random.Random) -> str:
    return f"{rng.choice(['LOH', 'NI', 'BEB'])}-{rng.choice(string.ascii_uppercase)}" \
           f"{rng.choice(['', rng.choice(string.ascii_uppercase)])} {rng.randint(1, 9999)}"


AZ_PREFIX = {"kfz_zulassung": "36.1", "bauantrag": "63", "ifsg_belehrung": "53.2", "masern_meldung": "53.4",
             "waffen_antrag": "32.6", "tierhaltung": "39", "sportstaetten_foerderung": "52",
             "eingliederungshilfe": "50.3", "sonstiges": "10"}


def aktenzeichen(rng: random.Random, doctype: str) -> str:
    """County file numbers in the shape of a Aktenplan number (office-unit.file/year)."""
    a, y = AZ_PREFIX[doctype], rng.choice(["2026", "26"])
    return rng.choice([f"{a}-{rng.randint(1, 9999):04d}/{y}", f"{a}/{rng.randint(10, 99)}-{rng.randint(1, 999)}/{y}",
                       f"{a} {rng.randint(100, 999)} {rng.randint(1, 99):02d}/{y}", f"{a}.{rng.randint(10, 99)}-{rng.randint(100, 9999)}"])


def distractor_ref(rng: random.Random) -> tuple[str, str]:
    """A number printed near the file number that is not it."""
    return rng.choice([
        ("Kassenzeichen", f"{rng.randint(100, 999)}.{rng.randint(100000, 999999)}.{rng.randint(10, 99)}"),
        ("Debitorennummer", f"{rng.randint(1000000, 9999999)}"),
        ("Mandatsreferenz", f"MR-{rng.randint(2020, 2026)}-{rng.randint(10000, 99999)}"),
        ("Objektnummer", f"OBJ {rng.randint(1000, 9999)}-{rng.randint(1, 99)}"),
        ("Vertragskonto", f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}")])


def verein(rng: random.Random) -> str:
    return rng.choice(VEREINE).format(o=rng.choice([o for o in ORTE if " " not in o]))


def kanzlei(rng: random.Random) -> str:
    a, b = rng.sample([n for n in NACHNAMEN if " " not in n], 2)
    return rng.choice(KANZLEIEN).format(a=a, b=b)


def betrag(rng: random.Random) -> tuple[str, str]:
    cents = rng.randint(300, 95000) * 100 + rng.choice([0, 0, 0, 25, 90])
    eur, ct = divmod(cents, 100)
    n = f"{eur:,}".replace(",", ".") + f",{ct:02d}"
    return n, rng.choice([f"{n} EUR", f"{n} €", f"EUR {n}", f"{n} Euro"])


def portal_id(rng: random.Random) -> str:
    return rng.choice([f"TX-{rng.randint(2026, 2026)}-{rng.randint(100000, 999999)}",
                       f"{rng.randint(10000000, 99999999):x}-{rng.randint(1000, 9999)}".upper(),
                       f"OZG-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}-{rng.randint(10, 99)}"])


def fax_number(rng: random.Random) -> str:
    return f"+49 {rng.randint(2000, 6999)} {rng.randint(10000, 999999)}"
