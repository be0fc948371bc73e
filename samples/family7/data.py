"""Fictitious people, places and numbers for family7 (Franconian/Hessian/Westphalian names; `*.example` mail)."""

from __future__ import annotations

import datetime as dt
import random
import string

VORNAMEN_F = ["Anneliese", "Birgit", "Carolin", "Dörte", "Elif", "Franziska", "Gesine", "Hannelore", "Irmgard",
              "Jördis", "Katharina", "Lioba", "Margarete", "Nadja", "Oksana", "Petra", "Rosemarie", "Svenja"]
VORNAMEN_M = ["Alfons", "Bernd", "Cem", "Detlef", "Egon", "Florian", "Gerold", "Hubertus", "Ingo", "Jürgen",
              "Kilian", "Lothar", "Matthias", "Norbert", "Ottmar", "Pascal", "Rüdiger", "Siegfried"]
NACHNAMEN = ["Amrhein", "Bätz", "Dittmann", "Eckert", "Förtsch", "Grüner", "Hümmer", "Issing", "Jäckel", "Kestler",
             "Löffler", "Mölter", "Nüßlein", "Oßwald", "Pfeuffer", "Reuß", "Schäfer-Ott", "Thein", "Uhl",
             "Vogt", "Wehner", "Zehe", "von der Heydt", "Öztürk"]
STRASSEN = ["Kirchgasse", "Am Hirtenanger", "Mühlweg", "Schulstraße", "Lindenallee", "Zur Kelter",
            "Hauptstr.", "Am Sonnenhang", "Brunnenweg", "Alte Poststraße", "Heidelbeerweg", "Ringstraße"]
ORTE = [("97618", "Hollstadt"), ("97640", "Oberstreu"), ("36145", "Hofbieber"), ("36119", "Neuhof"),
        ("59929", "Brilon-Wald"), ("33184", "Altenbeken"), ("97702", "Münnerstadt"), ("36088", "Hünfeld"),
        ("59964", "Medebach"), ("97638", "Mellrichstadt")]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
MON_KURZ = ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."]
VEREINE = ["TSV {o} 1889 e.V.", "SV Blau-Weiß {o} e.V.", "Schützengesellschaft {o} e.V.", "FC Germania {o} e.V.",
           "Turnverein {o} von 1903 e.V."]


def _ascii(s: str) -> str:
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), (" ", "")):
        s = s.replace(a, b)
    return s.lower()


def address(rng: random.Random) -> dict:
    plz, ort = rng.choice(ORTE)
    nr = f"{rng.randint(1, 88)}{rng.choice(['', '', '', 'a', 'b'])}"
    return {"strasse": rng.choice(STRASSEN), "hausnr": nr, "plz": plz, "ort": ort}


def person(rng: random.Random, nachname: str | None = None, old: bool = True) -> dict:
    female = rng.random() < 0.5
    vor = rng.choice(VORNAMEN_F if female else VORNAMEN_M)
    if rng.random() < 0.2:
        vor += " " + rng.choice(VORNAMEN_F if female else VORNAMEN_M)
    nach = nachname or rng.choice(NACHNAMEN)
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(18000)) if old else \
        dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(1800))
    p = {"vorname": vor, "nachname": nach, "female": female, "geburtsdatum": born,
         "geburtsort": rng.choice(ORTE)[1], "telefon": f"0{rng.randint(9700, 9799)} {rng.randint(1000, 99999)}",
         "email": f"{_ascii(vor.split()[0])}.{_ascii(nach)}@{rng.choice(['post.example', 'web-mail.example'])}"}
    return p | address(rng)


def street(p: dict) -> str:
    return f"{p['strasse']} {p['hausnr']}"


def day(rng: random.Random, start: dt.date = dt.date(2026, 1, 5), span: int = 330) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(span))


def norm(d: dt.date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def shown(rng: random.Random, d: dt.date, short_year: bool = True) -> str:
    """A date as people write it: 1. Dezember 2026, 01.12.26, 2026-12-01, 1.12.2026, 01.12.2026."""
    forms = [norm(d), f"{d.day}. {MONATE[d.month - 1]} {d.year}", d.isoformat(), f"{d.day}.{d.month}.{d.year}",
             f"{d.day:02d}. {MON_KURZ[d.month - 1]} {d.year}"]
    if short_year:
        forms.append(f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}")
    return rng.choice(forms)


def iban(rng: random.Random) -> str:
    bban = f"{rng.randint(10000000, 89999999)}{rng.randint(0, 9999999999):010d}"
    return f"DE{98 - int(bban + '131400') % 97:02d}{bban}"


def spaced(i: str) -> str:
    return " ".join(i[k:k + 4] for k in range(0, len(i), 4))


def bic(rng: random.Random) -> str:
    return "".join(rng.choice("BCGHMNRSW") for _ in range(4)) + "DE" + rng.choice(["FF", "M1", "3S"]) + rng.choice(["", "XXX"])


def fin(rng: random.Random) -> str:
    chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    return rng.choice(["WDD", "WAU", "VSS", "TMA", "WF0"]) + "".join(rng.choice(chars) for _ in range(14))


def evb(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(7))


def kennzeichen(rng: random.Random) -> str:
    return f"{rng.choice(['NES', 'FD', 'HSK'])}-{rng.choice('ABCDEFGHKLMNPRSTUVWXZ')}" \
           f"{rng.choice(['', rng.choice('ABCEHKLMRTW')])} {rng.randint(1, 999)}"


AZ = {"kfz_zulassung": "ZS", "bauantrag": "BV", "ifsg_belehrung": "GS 3", "masern_meldung": "GS 4",
      "waffen_antrag": "SG 31", "tierhaltung": "VET", "sportstaetten_foerderung": "SF", "eingliederungshilfe": "EGH",
      "sonstiges": "ZV"}


def aktenzeichen(rng: random.Random, doctype: str) -> str:
    a = AZ[doctype]
    return rng.choice([f"{a} {rng.randint(1, 9)}.{rng.randint(10, 99)}-{rng.randint(100, 9999)}/26",
                       f"{a}/{rng.randint(1000, 99999)}/2026", f"{rng.randint(100, 699)}-{a}-{rng.randint(10, 999)}.26",
                       f"{a} - {rng.randint(100, 999)} - 2026"])


def other_number(rng: random.Random) -> tuple[str, str]:
    return rng.choice([("Kassenzeichen", f"{rng.randint(10, 99)}.{rng.randint(100000, 999999)}.{rng.randint(1, 9)}"),
                       ("Kunden-Nr.", f"K-{rng.randint(1000000, 9999999)}"),
                       ("Bearbeitungs-ID", f"{rng.randint(2026, 2026)}-{rng.randint(100000, 999999)}"),
                       ("Steuernummer", f"{rng.randint(200, 299)}/{rng.randint(100, 999)}/{rng.randint(10000, 99999)}")])


def verein(rng: random.Random) -> str:
    return rng.choice(VEREINE).format(o=rng.choice(ORTE)[1])


def betrag(rng: random.Random) -> tuple[str, str]:
    cents = rng.randint(800, 95000) * 100 + rng.choice([0, 0, 0, 25])
    eur, ct = divmod(cents, 100)
    n = f"{eur:,}".replace(",", ".") + f",{ct:02d}"
    return n, rng.choice([f"{n} EUR", f"{n} €", f"EUR {n}"])
