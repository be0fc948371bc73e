"""Building blocks of a family3 form spec: label wordings for persons, addresses and dates,
and the parts every document shares (office block, date of signature, received stamp).

A *spec* is a plain dict that every layout can draw:
``{"type", "title", "subtitle", "sections": [{"head", "items": [(label, value)]}],
"checks": [(label, ticked)], "office": [(label, value)], "place", "date_shown", "signer",
"stamp", "intro", "sender", "truth": {field: normalised value}}``."""

from __future__ import annotations

import random

from data import fmt_date, iban_spaced, street

NAME_WORDINGS = [
    [("Familienname", "{nachname}"), ("Vorname(n)", "{vorname}")],
    [("Name, Vorname", "{nachname}, {vorname}")],
    [("Vor- und Familienname", "{vorname} {nachname}")],
    [("Nachname", "{nachname}"), ("Vornamen", "{vorname}")],
    [("Vorname", "{vorname}"), ("Name", "{nachname}")],
]
DATE_STYLES = ["norm", "norm", "short", "yy", "long", "abbr"]
BIRTH_LABELS = ["Geburtsdatum", "geboren am", "Geb.-Datum", "Tag der Geburt", "Geburtstag (TT.MM.JJJJ)"]


def name_items(rng: random.Random, p: dict) -> list[tuple[str, str]]:
    return [(lab, val.format(**p)) for lab, val in rng.choice(NAME_WORDINGS)]


def address_items(rng: random.Random, p: dict) -> list[tuple[str, str]]:
    s, plz, ort = street(p), p["plz"], p["ort"]
    return rng.choice([
        [("Straße, Hausnummer", s), ("PLZ, Wohnort", f"{plz} {ort}")],
        [("Straße", p["strasse"]), ("Hausnr.", p["hausnr"]), ("Postleitzahl", plz), ("Ort", ort)],
        [("Anschrift", f"{s}, {plz} {ort}")],
        [("Wohnanschrift (Straße, Nr., PLZ, Ort)", f"{s}, {plz} {ort}")],
        [("Straße und Hausnummer", s), ("Postleitzahl und Ort", f"{plz} {ort}")],
        [("Anschrift (Hauptwohnsitz)", f"{s} · {plz} {ort}")],
    ])


def birth_item(rng: random.Random, p: dict) -> tuple[str, str]:
    return rng.choice(BIRTH_LABELS), fmt_date(p["geburtsdatum"], rng.choice(DATE_STYLES))


def person_items(rng: random.Random, p: dict, birth: bool = True, phone: bool = False) -> list[tuple[str, str]]:
    items = name_items(rng, p)
    if birth:
        items.append(birth_item(rng, p))
    items += address_items(rng, p)
    if phone:
        items.append((rng.choice(["Telefon", "Tel. (tagsüber)", "Rufnummer"]), p["telefon"]))
    return items


def person_truth(p: dict, birth: bool = True) -> dict[str, str]:
    t = {"vorname": p["vorname"], "nachname": p["nachname"], "strasse": street(p), "plz": p["plz"], "ort": p["ort"]}
    if birth:
        t["geburtsdatum"] = fmt_date(p["geburtsdatum"], "norm")
    return t


def iban_item(rng: random.Random, i: str) -> tuple[str, str]:
    return rng.choice(["IBAN", "IBAN (DE…)", "Kontonummer (IBAN)"]), rng.choice([i, iban_spaced(i)])


OFFICE_HEADS = ["Vom Amt auszufüllen", "Nur für den Dienstgebrauch", "Bearbeitungsvermerke der Behörde"]
AZ_LABELS = ["Aktenzeichen", "Az.", "Geschäftszeichen", "Gz.", "Vorgangsnummer (Az.)"]
STAMP_WORDS = ["EINGEGANGEN", "Eingegangen am", "Posteingang", "EING.", "Landkreis Musterland – Eingang"]


def finish(rng: random.Random, spec: dict, doctype: str, az: str, signed) -> dict:
    """Office block (Aktenzeichen in ¾ of the documents), signature date, received stamp (½)."""
    from data import day
    t = spec["truth"]
    spec["office"] = []
    if rng.random() < 0.75:
        spec["office"].append((rng.choice(AZ_LABELS), az))
        t["aktenzeichen"] = az
    if rng.random() < 0.4:
        spec["office"].append(("Kassenzeichen", f"{rng.randint(1000, 9999)}.{rng.randint(100000, 999999)}"))
    spec["date_shown"] = fmt_date(signed, rng.choice(DATE_STYLES))
    t["antragsdatum"] = fmt_date(signed, "norm")
    spec["signed"] = signed
    spec["stamp"] = None
    if rng.random() < 0.5:
        got = day(rng, signed, 9)
        word = rng.choice(STAMP_WORDS)
        style = "stamp" if word.isupper() else rng.choice(["norm", "short", "abbr"])
        spec["stamp"] = (word, fmt_date(got, style))
        t["eingangsdatum"] = fmt_date(got, "norm")
    spec["type"] = doctype
    return spec
