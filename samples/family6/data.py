"""Invented persons, places and numbers for the family6 forms (all fictitious; Saxon, Thuringian and
Brandenburg names, unlike family3's northern, family4's southern and family5's Rhineland ones).
Check-digit numbers (IBAN, FIN, eVB, BIC) come from family5's data module (one copy)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
from pathlib import Path

_spec = importlib.util.spec_from_file_location("family5_data", Path(__file__).resolve().parents[1] / "family5" / "data.py")
_f5 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_f5)
iban, spaced, bic, fin, evb, glaeubiger_id = _f5.iban, _f5.spaced, _f5.bic, _f5.fin, _f5.evb, _f5.glaeubiger_id

VORNAMEN_W = ["Annett", "Beate", "Carola", "Dagmar", "Evelyn", "Franziska", "Grit", "Heike", "Ines", "Jana",
              "Kerstin", "Manja", "Peggy", "Romy", "Sandra", "Steffi", "Undine", "Yvonne", "Antje", "Mandy",
              "Lieselotte", "Thi Thu", "Oksana"]
VORNAMEN_M = ["Andreas", "Björn", "Dirk", "Enrico", "Falk", "Gunter", "Heiko", "Ingo", "Jens", "Kai-Uwe",
              "Lutz", "Mirko", "Norbert", "Ronny", "Sven", "Thilo", "Uwe", "Steffen", "Hans-Jürgen", "Van Long",
              "Dmytro", "Maik"]
NACHNAMEN = ["Böhme", "Fiedler", "Günther", "Haubold", "Kretzschmar", "Lehmann", "Mehnert", "Naumann", "Oehme",
             "Pfützner", "Richter", "Seidel", "Tröger", "Uhlig", "Vogel", "Weißflog", "Zschoche", "Hänsel-Krause",
             "Nguyen", "Kowalczyk", "Schubert", "Ebert", "Löbel", "Queck", "Gläser"]
STRASSEN = ["Am Anger", "Bahnhofstraße", "Chemnitzer Str.", "Dorfstraße", "Erzgebirgsweg", "Friedensstraße",
            "Gartenstr.", "Hainichenweg", "Karl-Liebknecht-Str.", "Lindenallee", "Markt", "Neue Siedlung",
            "Obere Hauptstraße", "Plauensche Str.", "Rosa-Luxemburg-Platz", "Schulberg", "Talstr.", "Unterer Graben",
            "Waldsiedlung", "Zum Steinbruch", "Straße der Einheit", "An der Pleiße"]
ORTE = ["Elsterberg", "Zwönitzau", "Mittweida-Nord", "Großröhrsdorf", "Kirchberg (Sachs.)", "Oelsnitz/Vogtl.",
        "Bad Lausnitz", "Neustadt a. d. Orla", "Schönfeld-Weißig", "Pöhla", "Hohenleuben", "Treuen"]
GEMARKUNGEN = ["Elsterberg", "Zwönitzau", "Pöhla", "Hohenleuben", "Treuen-Ost", "Coschütz"]
LAENDER = ["deutsch", "deutsch", "deutsch", "vietnamesisch", "polnisch", "ukrainisch", "tschechisch"]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
TAGE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
VEREINE = ["SV Empor {o} e.V.", "FSV Grün-Weiß {o}", "Turnverein {o} 1861 e.V.", "Schützengesellschaft {o} e.V.",
           "Kegelsportverein {o}", "Radsportclub Vogtland {o} e.V."]
CLERKS = ["Schulze", "Hofmann", "Wagner", "Krause", "Beyer", "Meißner"]


def _ascii(s: str) -> str:
    s = s.split()[0].lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return s


def person(rng: random.Random, nachname: str | None = None, old: bool = True) -> dict:
    female = rng.random() < 0.5
    pool = VORNAMEN_W if female else VORNAMEN_M
    vor = rng.choice(pool)
    nach = nachname or rng.choice(NACHNAMEN)
    born = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 60)) if old \
        else dt.date(2019, 3, 1) + dt.timedelta(days=rng.randrange(0, 365 * 5))
    return {"vorname": vor, "nachname": nach, "geburtsdatum": born, **address(rng), "female": female,
            "geburtsort": rng.choice(ORTE + ["Hanoi", "Lwiw", "Ústí nad Labem", "Karl-Marx-Stadt"]),
            "staat": rng.choice(LAENDER),
            "telefon": rng.choice([f"0{rng.randint(3400, 3799)} {rng.randint(1000, 99999)}",
                                   f"0{rng.randint(151, 179)}/{rng.randint(1000000, 9999999)}",
                                   f"+49 {rng.randint(3400, 3799)} {rng.randint(100, 999)} {rng.randint(10, 99)}"]),
            "email": rng.choice([f"{_ascii(vor)}.{_ascii(nach)}@mail.example", f"{_ascii(nach)}{rng.randint(60, 99)}@netz.example"])}


def address(rng: random.Random) -> dict:
    nr = str(rng.randint(1, 120)) + rng.choice(["", "", "", "b", " A"])
    return {"strasse": rng.choice(STRASSEN), "hausnr": nr, "plz": f"0{rng.randint(1067, 9999):04d}", "ort": rng.choice(ORTE)}


def street(p: dict) -> str:
    return f"{p['strasse']} {p['hausnr']}"


def day(rng: random.Random, start: dt.date = dt.date(2026, 2, 2), span: int = 260) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(span))


def norm(d: dt.date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def shown_date(rng: random.Random, d: dt.date) -> str:
    return rng.choice([norm(d), norm(d), norm(d), f"{d.day}.{d.month}.{d.year}", f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
                       f"{d.day}. {MONATE[d.month - 1]} {d.year}"])


def kennzeichen(rng: random.Random) -> str:
    return f"{rng.choice(['EL', 'ZW', 'OV'])}-{rng.choice('ABCDEFGHKLMNPRSTUVZ')}{rng.choice(['', rng.choice('ABCDEHKMRS')])} {rng.randint(1, 999)}"


AZ_PREFIX = {"kfz_zulassung": "FB 3.2", "bauantrag": "BA", "ifsg_belehrung": "GA 53", "masern_meldung": "GA 53",
             "waffen_antrag": "OA 32.5", "tierhaltung": "VLÜA", "sportstaetten_foerderung": "KS 52",
             "eingliederungshilfe": "SA 50", "sonstiges": "LRA"}


def aktenzeichen(rng: random.Random, doctype: str) -> str:
    """County file numbers (office code, running number, year)."""
    a = AZ_PREFIX[doctype]
    return rng.choice([f"{a}-{rng.randint(100, 9999)}/26", f"{a} {rng.randint(10, 99)}/{rng.randint(100, 999)}-2026",
                       f"{a}.{rng.randint(1, 9)}-{rng.randint(1000, 9999)}/2026", f"{a}/{rng.randint(2026, 2026)}/{rng.randint(10, 999):04d}"])


def distractor_ref(rng: random.Random) -> tuple[str, str]:
    """A number printed near the file number that is not it."""
    return rng.choice([
        ("Kassenzeichen", f"{rng.randint(1000, 9999)}.{rng.randint(1000, 9999)}.{rng.randint(1000, 9999)}"),
        ("Personenkonto", f"{rng.randint(100000, 999999)}"),
        ("Vorgangsnummer", f"V{rng.randint(2026, 2026)}{rng.randint(100000, 999999)}"),
        ("Buchungszeichen", f"{rng.randint(1, 9)}.{rng.randint(1000, 9999)}.{rng.randint(100000, 999999)}.{rng.randint(1, 9)}")])


def verein(rng: random.Random) -> str:
    return rng.choice(VEREINE).format(o=rng.choice([o for o in ORTE if " " not in o and "(" not in o]))


def betrag(rng: random.Random) -> tuple[str, str]:
    cents = rng.randint(500, 80000) * 100 + rng.choice([0, 0, 50])
    eur, ct = divmod(cents, 100)
    n = f"{eur:,}".replace(",", ".") + f",{ct:02d}"
    return n, rng.choice([f"{n} EUR", f"{n} €", f"{n} Euro"])


def long_date(d: dt.date) -> str:
    return f"{TAGE[d.weekday()]}, {d.day}. {MONATE[d.month - 1]} {d.year}"
