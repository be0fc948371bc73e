"""What every family8 layout shows, as (label, value) rows in the layout's wording."""

from __future__ import annotations

import random

from data import spaced
from kinds import fdate

MAIN_HEAD = {"masern_meldung": "Angaben zum Kind", "eingliederungshilfe": "Leistungsberechtigte Person",
             "sportstaetten_foerderung": "Antragsteller (Verein), vertreten durch den Vorsitzenden",
             "sonstiges": "Absender/in"}
LABELS = {  # per field: plain, required-star, bilingual, question
    "nachname": ["Familienname", "Name*", "Familienname / Surname", "Wie heißen Sie mit Familiennamen?"],
    "vorname": ["Vorname(n)", "Vorname*", "Vorname / First name", "Wie lautet Ihr Vorname?"],
    "geburtsdatum": ["Geburtsdatum", "geb. am*", "Geburtsdatum / Date of birth", "Wann sind Sie geboren?"],
    "strasse": ["Straße, Hausnummer", "Straße/Nr.*", "Straße, Nr. / Street, No.", "In welcher Straße wohnen Sie?"],
    "plz": ["PLZ", "Postleitzahl*", "PLZ / Postcode", "Postleitzahl?"],
    "ort": ["Wohnort", "Ort*", "Ort / City", "In welchem Ort wohnen Sie?"],
    "telefon": ["Telefon (tagsüber)", "Tel.-Nr.", "Telefon / Phone", "Unter welcher Nummer erreichen wir Sie?"],
}
TYPE_LABELS = {"kennzeichen": "Amtl. Kennzeichen (Wunschkennzeichen)", "fin": "Fahrzeug-Ident.-Nr. (FIN)",
               "evb": "eVB-Nummer der Kfz-Haftpflicht", "iban": "IBAN", "gemarkung": "Gemarkung", "flur": "Flur",
               "flurstueck": "Flurstück(e)", "verein": "Name des Vereins", "betrag_eur": "beantragter Zuschuss (EUR)"}
IBAN_LABELS = {"kfz_zulassung": "IBAN (SEPA-Lastschrift Kfz-Steuer)", "eingliederungshilfe": "IBAN des Zahlungsempfängers",
               "sportstaetten_foerderung": "IBAN des Vereinskontos"}


def person_rows(spec: dict, p: dict, style: int, with_tel: bool) -> list[tuple[str, str]]:
    rows = [(LABELS["nachname"][style], p["nachname"]), (LABELS["vorname"][style], p["vorname"])]
    if spec["type"] not in ("tierhaltung", "bauantrag", "sonstiges", "sportstaetten_foerderung"):
        rows.append((LABELS["geburtsdatum"][style], fdate(spec, p["geburtsdatum"])))
    rows += [(LABELS["strasse"][style], p["strasse"]), (LABELS["plz"][style], p["plz"]), (LABELS["ort"][style], p["ort"])]
    if with_tel:
        rows.append((LABELS["telefon"][style], p["telefon"]))
    return rows


def main_rows(spec: dict, style: int) -> list[tuple[str, str]]:
    rows = person_rows(spec, spec["main"], style, spec["show_tel"] and spec["type"] != "masern_meldung")
    if spec["type"] == "sportstaetten_foerderung":
        rows.insert(0, (TYPE_LABELS["verein"], spec["values"]["verein"]))
    return rows


def type_rows(spec: dict, rng: random.Random) -> list[tuple[str, str]]:
    rows = []
    for k, v in spec["values"].items():
        if k == "verein":
            continue
        label = IBAN_LABELS.get(spec["type"], "IBAN") if k == "iban" else TYPE_LABELS[k]
        rows.append((label, spaced(v) if k == "iban" and rng.random() < 0.6 else v))
    return rows


def other_rows(spec: dict, p: dict) -> list[tuple[str, str]]:
    return [("Name, Vorname", f"{p['nachname']}, {p['vorname']}"), ("Anschrift", f"{p['strasse']}, {p['plz']} {p['ort']}"),
            ("Telefon", p["telefon"])]


def file_rows(spec: dict, rng: random.Random) -> list[tuple[str, str]]:
    rows = [("Kassenzeichen", spec["kassenzeichen"])]
    if spec["az"]:
        rows.insert(rng.randint(0, 1), (rng.choice(["Aktenzeichen", "Geschäftszeichen", "Az."]), spec["az"]))
    return rows


def stamp_text(spec: dict, rng: random.Random) -> list[str]:
    d = spec["eingang"]
    s = rng.choice([d.strftime("%d.%m.%Y"), d.strftime("%d. %b %Y").replace("Dec", "Dez").replace("Mar", "Mär")
                    .replace("May", "Mai").replace("Oct", "Okt"), d.strftime("%d.%m.%y")])
    return [rng.choice(["Eingegangen", "EINGANG", "Posteingang"]), s, spec["behoerde"][0].replace("Landratsamt", "LRA")]


def ort_datum(spec: dict) -> str:
    return f"{spec['main']['ort']}, {fdate(spec, spec['antrag'])}"
