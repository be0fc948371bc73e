"""Invented persons, places and numbers for the family4 forms (all fictitious; southern and
eastern German names, unlike family3's northern ones).  Every function takes a ``random.Random``."""

from __future__ import annotations

import datetime as dt
import random
import string

VORNAMEN_W = ["Adelheid", "Bettina", "Cornelia", "Dagmar", "Evelyn", "Franziska", "Gudrun", "Henriette", "Ines",
              "Johanna", "Kerstin", "Luise", "Magdalena", "Notburga", "Oksana", "Petra", "Roswitha", "Sabine",
              "Theresia", "Ursula", "Veronika", "Walburga", "Zeynep", "Anja-Maria", "Renée"]
VORNAMEN_M = ["Alois", "Bernhard", "Christoph", "Dominik", "Ewald", "Florian", "Georg", "Hubert", "Ignaz", "Josef",
              "Korbinian", "Leonhard", "Matthias", "Norbert", "Ottmar", "Pankraz", "Quirin", "Rupert", "Sebastian",
              "Thaddäus", "Uwe", "Vinzenz", "Wolfgang", "Ömer", "Hans-Jürgen"]
NACHNAMEN = ["Aigner", "Brandstätter", "Dengler", "Eichhorn", "Fischbacher", "Gruber", "Haslinger", "Irlbeck",
             "Kastner", "Lechner", "Moosbrugger", "Niedermaier", "Obermüller", "Pröll", "Rauscher", "Schwaiger",
             "Trautmann", "Unterreiner", "Weiß", "Zehetmair", "Hofbauer-Kern", "von der Au", "Yılmaz", "Nguyen",
             "Kowalczyk", "Schmitt-Lenz", "Bäuml", "Stöckl"]
STRASSEN = ["Am Hopfengarten", "Bachgasse", "Brunnenweg", "Dorfanger", "Erlenstraße", "Florianiplatz", "Grabenstraße",
            "Hauptstr.", "Im Winkel", "Kapellenweg", "Lindenallee", "Marktplatz", "Obere Mühlstraße", "Pfarrgasse",
            "Rosenhang", "Schloßbergweg", "Talstraße", "Untere Bergstr.", "Weiherweg", "Zur Alten Ziegelei",
            "Prof.-Huber-Ring", "St.-Martin-Straße", "An der Schmiede"]
ORTE = ["Hinterzell", "Oberbrunnthal", "Bad Kirnau", "Unterried a. Inn", "Waldkirchen-Süd", "Sankt Leonhard",
        "Mühldorf (Zellertal)", "Eggenstetten", "Großweiling", "Neuhaus am Rennweg", "Altkirch", "Pfaffenhausen"]
GEMARKUNGEN = ["Hinterzell", "Oberbrunnthal", "Eggenstetten", "Großweiling-Ost", "Altkirch", "Kirnau"]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
VEREINE = ["SpVgg {o}", "DJK {o} e.V.", "Turnverein {o} 1887 e.V.", "Skiclub {o} e.V.", "Eisstockclub {o}",
           "Sportfreunde {o} e.V.", "Schützengesellschaft Edelweiß {o}"]


def person(rng: random.Random, nachname: str | None = None, old: bool = True) -> dict:
    pool = VORNAMEN_W if rng.random() < 0.5 else VORNAMEN_M
    vor = rng.choice(pool) if rng.random() < 0.65 else " ".join(rng.sample(pool, 2))
    born = dt.date(1944, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 60)) if old \
        else dt.date(2019, 3, 1) + dt.timedelta(days=rng.randrange(0, 365 * 5))
    vorname_first = vor.split()[0].lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("é", "e"), ("ı", "i")):
        vorname_first = vorname_first.replace(a, b)
    return {"vorname": vor, "nachname": nachname or rng.choice(NACHNAMEN), "geburtsdatum": born, **address(rng),
            "telefon": rng.choice([f"0{rng.randint(7000, 9999)} {rng.randint(1000, 99999)}",
                                   f"0{rng.randint(150, 179)} {rng.randint(1000000, 9999999)}",
                                   f"0{rng.randint(7000, 9999)}/{rng.randint(1000, 99999)}"]),
            "email": f"{vorname_first}.{rng.randint(1, 999)}@mail.example"}


def address(rng: random.Random) -> dict:
    nr = str(rng.randint(1, 120)) + rng.choice(["", "", "", "a", "b", " 1/2"])
    return {"strasse": rng.choice(STRASSEN), "hausnr": nr, "plz": f"{rng.randint(1001, 99989):05d}",
            "ort": rng.choice(ORTE)}


def street(p: dict) -> str:
    return f"{p['strasse']} {p['hausnr']}"


def day(rng: random.Random, start: dt.date = dt.date(2026, 2, 2), span: int = 250) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(span))


def norm(d: dt.date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def shown_date(rng: random.Random, d: dt.date) -> str:
    """A date as a filled-in form writes it."""
    return rng.choice([norm(d), norm(d), f"{d.day}.{d.month}.{d.year}", f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
                       f"{d.day}. {MONATE[d.month - 1]} {d.year}"])


def iban(rng: random.Random) -> str:
    bban = f"{rng.randint(10000000, 89999999)}{rng.randint(0, 9999999999):010d}"
    return f"DE{98 - int(bban + '131400') % 97:02d}{bban}"


def spaced(i: str) -> str:
    return " ".join(i[k:k + 4] for k in range(0, len(i), 4))


def fin(rng: random.Random) -> str:
    chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    return rng.choice(["WDB", "WAU", "VSS", "TMA", "SAL", "WF0"]) + "".join(rng.choice(chars) for _ in range(14))


def evb(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(7))


def kennzeichen(rng: random.Random) -> str:
    return f"{rng.choice(['HZ', 'OBT', 'KIR'])}-{rng.choice(string.ascii_uppercase)}" \
           f"{rng.choice(['', rng.choice(string.ascii_uppercase)])} {rng.randint(1, 999)}"


AZ_SHAPES = ["{a}-{n4}/{y}", "{a} {n3}.{n2}-{n4}/{yy}", "{n3}/{n2}-{a}-{y}", "{a}/{y}/{n5}", "Az. intern {n4}-{yy}"]
AZ_PREFIX = {"kfz_zulassung": "ZLS", "bauantrag": "BV", "ifsg_belehrung": "GA-IfSG", "masern_meldung": "GA-MS",
             "waffen_antrag": "WR", "tierhaltung": "VET", "sportstaetten_foerderung": "SpF",
             "eingliederungshilfe": "EGH", "sonstiges": "OA"}


def aktenzeichen(rng: random.Random, doctype: str) -> str:
    shape = rng.choice(AZ_SHAPES[:4])
    return shape.format(a=AZ_PREFIX[doctype], n2=f"{rng.randint(1, 99):02d}", n3=f"{rng.randint(1, 999):03d}",
                        n4=f"{rng.randint(1, 9999):04d}", n5=f"{rng.randint(1, 99999):05d}", y=2026, yy=26)


def distractor_ref(rng: random.Random) -> tuple[str, str]:
    """A number printed beside the file number that is not it."""
    return rng.choice([
        ("Kassenzeichen", f"{rng.randint(1, 9)}.{rng.randint(1000, 9999)}.{rng.randint(100000, 999999)}.{rng.randint(1, 9)}"),
        ("Steuernummer", f"{rng.randint(100, 299)}/{rng.randint(100, 999)}/{rng.randint(10000, 99999)}"),
        ("Kundennummer", f"KD-{rng.randint(1000000, 9999999)}"),
        ("Personenkonto", f"{rng.randint(10, 99)} {rng.randint(1000, 9999)} {rng.randint(100, 999)}"),
        ("Buchungszeichen", f"{rng.randint(10000, 99999)}.{rng.randint(100, 999)}")])


def verein(rng: random.Random) -> str:
    return rng.choice(VEREINE).format(o=rng.choice([o for o in ORTE if " " not in o]))


def betrag(rng: random.Random) -> tuple[str, str]:
    cents = rng.randint(500, 80000) * 100 + rng.choice([0, 0, 0, 50])
    eur, ct = divmod(cents, 100)
    n = f"{eur:,}".replace(",", ".") + f",{ct:02d}"
    return n, rng.choice([f"{n} EUR", f"{n} €", f"€ {n}", f"{n} Euro"])
