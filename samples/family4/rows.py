"""A person block as rows (key, label, value) in the label wordings of real German forms, and
the same as questions for the questionnaire layout."""

from __future__ import annotations

import random

import data as D

LABELS = {
    "nachname": ["Familienname", "Familienname, ggf. Geburtsname", "Name", "Nachname", "Zuname"],
    "vorname": ["Vornamen", "Vorname(n)", "Sämtliche Vornamen", "Vorname"],
    "geburtsdatum": ["Tag der Geburt", "Geburtsdatum", "Geb.-Datum", "geboren am"],
    "geburtsort": ["Geburtsort", "Ort der Geburt", "Geburtsort, -land"],
    "strasse": ["Straße, Hausnummer", "Straße und Hausnummer", "Wohnung (Straße, Hausnr.)"],
    "plzort": ["PLZ, Ort", "Postleitzahl, Wohnort", "PLZ / Gemeinde"],
    "anschrift": ["Anschrift (Straße, Hausnummer, PLZ, Ort)", "Wohnanschrift", "Derzeitige Anschrift", "Hauptwohnung"],
    "telefon": ["Telefon (tagsüber)", "Rufnummer", "Tel.-Nr. für Rückfragen", "Telefon"],
    "email": ["E-Mail-Adresse", "E-Mail (freiwillig)", "E-Mail"],
    "org": ["Name des Vereins", "Vereinsname (lt. Vereinsregister)", "Verein (Name laut Satzung)"],
    "firma": ["Firma / Betrieb", "Name des Betriebes", "Arbeitgeber (Firma)"],
    "vertreten": ["vertreten durch (Vorname, Name)", "Vertretungsberechtigte/r (Vorname Name)"],
}
QUESTIONS = {
    "nachname": ["Wie lautet {ihr} Familienname?", "Wie heißt {sie} mit Familiennamen?"],
    "vorname": ["Wie lauten {ihre} Vornamen?", "Welche Vornamen {hat}?"],
    "geburtsdatum": ["Wann {ist} geboren?", "An welchem Tag {ist} geboren?"],
    "geburtsort": ["Wo {ist} geboren?"],
    "anschrift": ["Wie lautet {ihre} Anschrift?", "Wo {wohnt} derzeit (Hauptwohnung)?"],
    "strasse": ["In welcher Straße {wohnt}?"], "plzort": ["Postleitzahl und Wohnort?"],
    "telefon": ["Unter welcher Telefonnummer {ist} tagsüber erreichbar?"],
    "email": ["Wie lautet {ihre} E-Mail-Adresse?"],
    "org": ["Wie lautet der Name des Vereins?"], "firma": ["Wie heißt der Betrieb?"], "vertreten": ["Wer vertritt den Verein (Vorname, Name)?"],
}
SELF = {"ihr": "Ihr", "ihre": "Ihre", "sie": "Sie", "hat": "haben Sie", "ist": "sind Sie", "wohnt": "wohnen Sie"}
THIRD = {"ihr": "der", "ihre": "die", "sie": "die Person", "hat": "hat die Person", "ist": "ist die Person",
         "wohnt": "wohnt die Person"}


def name_rows(rng: random.Random, p: dict) -> list[tuple[str, str]]:
    r = rng.random()
    if r < 0.6:
        return [("nachname", p["nachname"]), ("vorname", p["vorname"])]
    return [("vorname", p["vorname"]), ("nachname", p["nachname"])]


def person_rows(rng: random.Random, b: dict, split: bool) -> list[tuple[str, str]]:
    """(key, value) of a block; the caller picks labels or questions."""
    p = b["p"]
    out: list[tuple[str, str]] = []
    if b["org"]:
        out.append(("org" if b["who"] == "club" else "firma", b["org"]))
    if b["who"] == "club":
        out.append(("vertreten", f"{p['vorname']} {p['nachname']}"))
    else:
        out += name_rows(rng, p)
        if b["birth"]:
            out.append(("geburtsdatum", D.shown_date(rng, p["geburtsdatum"])))
        if b["place"]:
            out.append(("geburtsort", rng.choice(D.ORTE)))
    if b["address"]:
        if split:
            out += [("strasse", D.street(p)), ("plzort", f"{p['plz']} {p['ort']}")]
        else:
            out.append(("anschrift", f"{D.street(p)}, {p['plz']} {p['ort']}"))
    if b["phone"] and p["telefon"]:
        out.append(("telefon", p["telefon"]))
    if b["email"] and p["email"]:
        out.append(("email", p["email"]))
    return out


class Wording:
    """One label wording per key for the whole document (a form is consistent)."""

    def __init__(self, rng: random.Random) -> None:
        self.pick = {k: rng.choice(v) for k, v in LABELS.items()}
        self.ask = {k: rng.choice(v) for k, v in QUESTIONS.items()}

    def label(self, key: str) -> str:
        return self.pick.get(key, key)

    def question(self, key: str, who: str) -> str:
        return self.ask[key].format(**(SELF if who == "self" else THIRD))
