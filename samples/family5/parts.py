"""Pieces every family5 layout uses: label wordings, a person's entries, the office header with
its reference box, a checkbox section, a SEPA mandate section, the signature line."""

from __future__ import annotations

import random

import data as D
from draw import Doc, boxes, office

LABELS = {
    "nachname": ["Name", "Familienname", "Nachname", "Name (ggf. Geburtsname)"],
    "vorname": ["Vorname", "Vorname(n)", "Vornamen (Rufname unterstreichen)"],
    "geburtsdatum": ["Geburtsdatum", "geb. am", "Geburtstag"],
    "geburtsort": ["Geburtsort", "Geburtsort / -land"],
    "staat": ["Staatsangehörigkeit", "Staatsangehörigkeit(en)"],
    "strasse": ["Straße, Haus-Nr.", "Straße / Hausnummer", "Anschrift (Straße, Nr.)"],
    "plz": ["PLZ", "Postleitzahl"], "ort": ["Ort", "Wohnort", "Gemeinde"],
    "plzort": ["PLZ und Ort", "PLZ / Wohnort"],
    "telefon": ["Telefon", "Telefonnummer", "Tel. (für Rückfragen)"],
    "email": ["E-Mail", "E-Mail-Adresse"],
    "org": ["Name des Vereins", "Verein (laut Vereinsregister)"], "firma": ["Firma", "Betrieb"],
    "vertreten": ["vertreten durch", "gesetzlich vertreten durch (Vorname, Name)"],
}


class Wording:
    """One label wording per key for the whole document; capitals when the form wants them."""

    def __init__(self, rng: random.Random, caps: bool = False) -> None:
        self.pick = {k: rng.choice(v) for k, v in LABELS.items()}
        self.caps = caps

    def label(self, key: str) -> str:
        return self.pick.get(key, key)

    def val(self, key: str, v: str) -> str:
        return v.upper() if self.caps and key not in ("email", "telefon") else v


def entries(rng: random.Random, b: dict, split_plz: bool = True) -> list[tuple[str, str]]:
    """(key, value) of a person block."""
    p, out = b["p"], []
    if b["org"]:
        out.append(("org" if b["who"] == "club" else "firma", b["org"]))
    if b["who"] == "club":
        out.append(("vertreten", f"{p['vorname']} {p['nachname']}"))
    else:
        out += [("nachname", p["nachname"]), ("vorname", p["vorname"])]
        if b["birth"]:
            out.append(("geburtsdatum", D.shown_date(rng, p["geburtsdatum"])))
        if b["place"]:
            out += [("geburtsort", p["geburtsort"]), ("staat", p["staat"])]
    if b["address"]:
        out.append(("strasse", D.street(p)))
        out += [("plz", p["plz"]), ("ort", p["ort"])] if split_plz else [("plzort", f"{p['plz']} {p['ort']}")]
    if b["phone"] and p["telefon"]:
        out.append(("telefon", p["telefon"]))
    if b["email"] and p["email"]:
        out.append(("email", p["email"]))
    return out


def header(doc: Doc, spec: dict, rng: random.Random, refs: bool = True) -> None:
    """Office top left, the 'Nur für die Behörde' box top right, the title."""
    name, unit = office(rng)
    doc.text(15, doc.y, name, 11, bold=True)
    doc.text(15, doc.y + 5, unit.format(s=rng.choice(["Straßenverkehr", "Bauaufsicht", "Gesundheit", "Ordnung", "Soziales"])), 8)
    if refs and spec["refs"]:
        x, y = 118, doc.y - 4
        doc.text(x, y - 1, rng.choice(["Nur für die Behörde", "Bearbeitungsvermerke der Behörde", "Von der Behörde auszufüllen"]), 6.5)
        doc.rect(x, y, 77, 7 * len(spec["refs"]) + 2, fill=245)
        for k, (lab, val) in enumerate(spec["refs"]):
            doc.text(x + 2, y + 5 + 7 * k, f"{lab}:", 7)
            doc.text(x + 34, y + 5 + 7 * k, val, 9.5)
        doc.y = max(doc.y, y + 7 * len(spec["refs"]) + 4)
    doc.y += 12
    doc.fit(15, doc.y, spec["title"], 180, 13)
    doc.y += 9


def checks(doc: Doc, spec: dict, rng: random.Random, x: float = 15) -> None:
    """'Zutreffendes bitte ankreuzen' with one box ticked."""
    doc.need(14)
    q, opts = spec["check"]
    if rng.random() < 0.6:
        doc.text(x, doc.y, rng.choice(["Zutreffendes bitte ankreuzen:", "Zutreffendes ankreuzen bzw. ausfüllen"]), 7.5)
        doc.y += 5
    doc.text(x, doc.y, f"{q}:", 9, bold=True)
    boxes(doc, x + doc.width(f"{q}:", 9, True) + 4, doc.y, opts, rng.randrange(len(opts)))
    doc.y += 8


def salutation(doc: Doc, p: dict, x: float) -> None:
    doc.text(x, doc.y, "Anrede:", 8)
    boxes(doc, x + 14, doc.y, ["Frau", "Herr", "divers"], 0 if p.get("female") else 1, 8.5)
    doc.y += 6


def sepa_lines(m: dict, main: dict, rng: random.Random) -> list[tuple[str, str]]:
    h = m["holder"]
    if m["same_text"]:
        who = [("Kontoinhaber/in", rng.choice(["wie Antragsteller/in", "identisch mit Antragsteller/in"]))]
    else:
        who = [("Kontoinhaber/in (Name, Vorname)", f"{h['nachname']}, {h['vorname']}"),
               ("Anschrift Kontoinhaber/in", f"{D.street(h)}, {h['plz']} {h['ort']}")]
    return who + [("IBAN", m["iban"]), ("BIC", m["bic"]), ("Kreditinstitut", m["bank"])]


def sepa_section(doc: Doc, spec: dict, rng: random.Random, table) -> None:
    """SEPA-Lastschriftmandat / bank details with creditor id and mandate reference (distractors)."""
    m = spec["sepa"]
    if not m:
        return
    doc.need(50)
    head = "SEPA-Lastschriftmandat" if m["label"] == "Kfz-Steuer" else "Bankverbindung"
    doc.text(15, doc.y, f"{head} ({m['label']})", 9.5, bold=True)
    doc.y += 4
    if head.startswith("SEPA"):
        doc.fit(15, doc.y + 2, f"Gläubiger-Identifikationsnummer: {m['creditor']}   Mandatsreferenz: {m['mandate']}", 180, 7.5)
        doc.fit(15, doc.y + 6, "Ich ermächtige den Zahlungsempfänger, Zahlungen von meinem Konto mittels Lastschrift einzuziehen.", 180, 7.5)
        doc.y += 9
    table(doc, sepa_lines(m, spec["main"], rng))


def sign(doc: Doc, spec: dict, rng: random.Random, w: Wording) -> None:
    doc.need(25)
    doc.y += 10
    pd = f"{w.val('ort', spec['place'])}, {spec['signed_shown']}"
    doc.text(17, doc.y, pd, 10.5, ink="blue")
    doc.line(15, doc.y + 1.5, 90, doc.y + 1.5)
    doc.line(110, doc.y + 1.5, 190, doc.y + 1.5)
    doc.signature(rng, 118, doc.y - 1)
    doc.text(15, doc.y + 5, rng.choice(["Ort, Datum", "(Ort / Datum)", "Datum"]), 7)
    doc.text(110, doc.y + 5, rng.choice(["Unterschrift", "Unterschrift Antragsteller/in bzw. gesetzliche Vertretung"]), 7)
    doc.y += 10
