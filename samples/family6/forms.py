"""Two form layouts: `punktleiste` (a Fachverfahren printout: monospace, mixed-case labels with dotted
leaders, two pairs a row, persons in sections) and `unterzeile` (values written on lines, the caption
printed small under the line — often two fields in one caption: "(Familienname, Vorname)")."""

from __future__ import annotations

import random

import data as D
from draw import Doc, office, tick, under

PLABELS = {"nachname": ["Familienname", "Name"], "vorname": ["Vorname(n)", "Vorname"], "geburtsdatum": ["Geburtsdatum", "geb. am"],
           "geburtsort": ["Geburtsort"], "staat": ["Staatsangeh.", "Staatsangehörigkeit"], "anschrift": ["Anschrift", "Wohnanschrift"],
           "telefon": ["Telefon", "Tel.-Nr."], "email": ["E-Mail"], "org": ["Verein", "Name des Vereins"],
           "vertreten": ["vertreten durch", "Vorsitzende/r"]}


def pairs(b: dict, pick: dict, rng: random.Random) -> list[list[tuple[str, str]]]:
    """A person's label/value pairs in rows (one or two pairs a row); the address in one line with commas."""
    p, rows = b["p"], []
    if b["org"]:
        rows += [[(pick["org"], b["org"])], [(pick["vertreten"], f"{p['vorname']} {p['nachname']}")]]
    else:
        rows.append([(pick["nachname"], p["nachname"]), (pick["vorname"], p["vorname"])])
        birth = [(pick["geburtsdatum"], D.shown_date(rng, p["geburtsdatum"]))] if b["birth"] else []
        if b["place"]:
            birth.append((pick["geburtsort"], p["geburtsort"]))
        if birth:
            rows.append(birth)
        if b["place"]:
            rows.append([(pick["staat"], p["staat"])])
    rows.append([(pick["anschrift"], f"{D.street(p)}, {p['plz']} {p['ort']}")])
    contact = [(pick[k], p[k if k == "email" else "telefon"]) for k in ("telefon", "email") if b["phone" if k == "telefon" else k]]
    if contact:
        rows.append(contact)
    return rows


def _leader(label: str, width: int) -> str:
    return (label + " " + "." * max(2, width - len(label) - 1))[:max(width, len(label) + 3)] + ": "


def _mono_row(doc: Doc, row: list[tuple[str, str]], x: float = 15) -> None:
    doc.need(6)
    cx = x
    for lab, val in row:
        doc.pdf.set_font("mono", "", 9)
        s = _leader(lab, 19) + val
        doc.pdf.text(cx, doc.y, s)
        cx += max(92, doc.pdf.get_string_width(s) + 6) if len(row) > 1 else 0
    doc.y += 5


def punktleiste(spec: dict, rng: random.Random) -> bytes:
    doc = Doc(rng, spec["signed"])
    name, unit, _ = office(rng)
    printed = spec["signed"] - D.dt.timedelta(days=rng.randint(0, 3))
    doc.pdf.set_font("mono", "B", 10)
    doc.pdf.text(15, doc.y, name)
    doc.pdf.set_font("mono", "", 8)
    doc.pdf.text(120, doc.y, f"Ausdruck vom {D.norm(printed)} {rng.randint(7, 17):02d}:{rng.randint(0, 59):02d}")
    doc.pdf.text(15, doc.y + 4, f"{rng.choice(['OK.VERKEHR', 'ProBauG', 'Vet-Info', 'SoPart', 'LRA-Fach'])} · Antragsdaten")
    doc.pdf.text(120, doc.y + 4, f"Benutzer: {rng.choice(['SB', 'MA', 'VW'])}{rng.randint(10, 99)}   Seite 1")
    doc.line(15, doc.y + 6, 195, doc.y + 6)
    doc.y += 14
    doc.text(15, doc.y, spec["title"], 12, bold=True)
    doc.y += 8
    for k in range(0, len(spec["refs"]), 2):
        _mono_row(doc, spec["refs"][k:k + 2])
    doc.y += 3
    pick = {k: rng.choice(v) for k, v in PLABELS.items()}
    for b in [spec["main"], *spec["others"]]:
        doc.need(30)
        doc.pdf.set_font("mono", "B", 9.5)
        doc.pdf.text(15, doc.y, b["head"])
        doc.y += 5
        for row in pairs(b, pick, rng):
            _mono_row(doc, row, 19)
        doc.y += 3
    q, opts, chosen = spec["check"]
    doc.pdf.set_font("mono", "B", 9.5)
    doc.pdf.text(15, doc.y, "Angaben zum Antrag")
    doc.y += 5
    _mono_row(doc, [(q, "  ".join(("[X] " if k == chosen else "[ ] ") + o for k, o in enumerate(opts)))], 19)
    for k in range(0, len(spec["items"]), 2):
        _mono_row(doc, spec["items"][k:k + 2], 19)
    bank = spec["bank"]
    if bank:
        doc.y += 2
        _mono_row(doc, [("IBAN", bank["iban"]), ("BIC", bank["bic"])], 19)
        h = bank["holder"]
        _mono_row(doc, [("Kontoinhaber/in", "wie Antragsteller/in" if bank["own"] and rng.random() < 0.5
                         else f"{h['vorname']} {h['nachname']}")], 19)
    sign_lines(doc, spec, rng)
    return finish(doc, spec, rng)


def sign_lines(doc: Doc, spec: dict, rng: random.Random) -> None:
    """Ort, Datum written over a line, the signature beside it, captions under both."""
    doc.need(24)
    doc.y += 12
    under(doc, 15, doc.y, 70, f"{spec['place']}, {'den ' if rng.random() < 0.4 else ''}{spec['signed_shown']}",
          rng.choice(["(Ort, Datum)", "Ort, Datum", "(Ort und Datum)"]))
    doc.signature(rng, 110, doc.y - 2)
    under(doc, 105, doc.y, 90, "", rng.choice(["(Unterschrift Antragsteller/in)", "Unterschrift", "(Unterschrift der/des Erklärenden)"]))
    doc.y += 8


def finish(doc: Doc, spec: dict, rng: random.Random) -> bytes:
    if spec["stamp"]:
        doc.stamp(rng, spec["stamp"])
    return doc.output()


CAPS = {"name": ["(Familienname, Vorname)", "(Name, Vorname)"], "nachname": ["(Familienname)", "(Name)"],
        "vorname": ["(Vorname)", "(Vornamen)"], "geburtsdatum": ["(Geburtsdatum)", "(geboren am)"], "geburtsort": ["(Geburtsort)"],
        "staat": ["(Staatsangehörigkeit)"], "strasse": ["(Straße, Hausnummer)", "(Straße und Hausnummer)"],
        "plzort": ["(PLZ, Wohnort)", "(Postleitzahl, Ort)"], "anschrift": ["(Anschrift: Straße, Hausnr., PLZ, Ort)"],
        "telefon": ["(Telefon)", "(Telefon tagsüber)"], "email": ["(E-Mail)"], "org": ["(Name des Vereins)"],
        "vertreten": ["(vertreten durch – Vorname, Name)"]}


def cells(b: dict, cap: dict, rng: random.Random, joined: bool, one_line: bool) -> list[list[tuple[str, str]]]:
    """(value, caption) cells in rows of one or two."""
    p, rows = b["p"], []
    if b["org"]:
        rows += [[(b["org"], cap["org"])], [(f"{p['vorname']} {p['nachname']}", cap["vertreten"])]]
    elif joined:
        rows.append([(f"{p['nachname']}, {p['vorname']}", cap["name"])])
    else:
        rows.append([(p["nachname"], cap["nachname"]), (p["vorname"], cap["vorname"])])
    birth = [(D.shown_date(rng, p["geburtsdatum"]), cap["geburtsdatum"])] if b["birth"] and not b["org"] else []
    if b["place"] and not b["org"]:
        birth += [(p["geburtsort"], cap["geburtsort"])]
    if birth:
        rows.append(birth)
    if one_line:
        rows.append([(f"{D.street(p)}, {p['plz']} {p['ort']}", cap["anschrift"])])
    else:
        rows.append([(D.street(p), cap["strasse"]), (f"{p['plz']} {p['ort']}", cap["plzort"])])
    contact = [(p[k if k == "email" else "telefon"], cap[k]) for k in ("telefon", "email") if b["phone" if k == "telefon" else k]]
    if contact:
        rows.append(contact)
    return rows


def _bar(doc: Doc, n: int, head: str) -> None:
    doc.need(40)
    doc.rect(15, doc.y, 180, 6, fill=210)
    doc.text(17, doc.y + 4.3, f"{n}  {head}", 9.5, bold=True)
    doc.y += 14


def _cells_row(doc: Doc, row: list[tuple[str, str]]) -> None:
    w = 180 / len(row) - (4 if len(row) > 1 else 0)
    for k, (v, c) in enumerate(row):
        under(doc, 15 + k * (w + 8), doc.y, w, v, c)
    doc.y += 12


def unterzeile(spec: dict, rng: random.Random) -> bytes:
    doc = Doc(rng, spec["signed"])
    name, unit, _ = office(rng)
    doc.text(15, doc.y, name, 10, bold=True)
    doc.text(15, doc.y + 4.5, unit.format(s=rng.choice(["Kfz-Zulassung", "Bauaufsicht", "Gesundheitsamt", "Soziales"])), 8)
    y0 = doc.y
    for k, (lab, val) in enumerate(spec["refs"]):
        under(doc, 125, y0 + 4 + 10 * k, 70, val, f"({lab})", ink="black")
    doc.y = max(doc.y + 12, y0 + 10 * len(spec["refs"]) + 6)
    doc.fit(15, doc.y, spec["title"], 180, 13)
    doc.y += 6
    cap = {k: rng.choice(v) for k, v in CAPS.items()}
    joined, one_line = rng.random() < 0.6, rng.random() < 0.4
    for n, b in enumerate([spec["main"], *spec["others"]], 1):
        _bar(doc, n, b["head"])
        if n == 1 and b["who"] != "club":
            doc.text(15, doc.y - 5, "Anrede:", 8.5)
            tick(doc, 30, doc.y - 5, ["Frau", "Herr", "divers"], 0 if b["p"]["female"] else 1, 8.5)
            doc.y += 3
        for row in cells(b, cap, rng, joined, one_line):
            _cells_row(doc, row)
    q, opts, chosen = spec["check"]
    _bar(doc, len(spec["others"]) + 2, "Angaben zum Antrag")
    doc.text(15, doc.y - 5, f"{q}:", 8.5)
    tick(doc, 15 + doc.width(f"{q}:", 8.5) + 4, doc.y - 5, opts, chosen, 8.5)
    doc.y += 4
    items = [(v, f"({lab})") for lab, v in spec["items"]]
    for k in range(0, len(items), 2):
        _cells_row(doc, items[k:k + 2])
    if spec["bank"]:
        bank, h = spec["bank"], spec["bank"]["holder"]
        _cells_row(doc, [(bank["iban"], "(IBAN)"), (bank["bic"], "(BIC)")])
        if bank["own"] and rng.random() < 0.5:
            doc.text(15, doc.y - 6, "Kontoinhaber/in:", 8.5)
            tick(doc, 42, doc.y - 6, ["wie Antragsteller/in", "abweichend"], 0, 8.5)
            doc.y += 2
        else:
            _cells_row(doc, [(f"{h['vorname']} {h['nachname']}", "(Kontoinhaber/in)")])
    sign_lines(doc, spec, rng)
    return finish(doc, spec, rng)
