"""Layouts: `kanzlei` (a law firm's cover letter on page 1 — 'namens und in Vollmacht unseres
Mandanten' — the form on page 2) and `portal` (the printout of an online application:
'Zusammenfassung Ihres Antrags', a 'Feld | Ihre Angabe' list, transaction id, submission time)."""

from __future__ import annotations

import random

import data as D
from draw import Doc, office
from forms import finish, label_table
from parts import Wording, checks, entries, header, sepa_lines, sepa_section, sign  # noqa: F401


def _client(spec: dict) -> str:
    main, s = spec["main"], spec["signer"]
    if main["who"] == "club":
        return f"des {main['org']},\n{D.street(main['p'])}, {main['p']['plz']} {main['p']['ort']},"
    p = main["p"] if main["who"] == "self" else s
    who = ("unserer Mandantin, Frau" if p["female"] else "unseres Mandanten, Herrn") + f" {p['vorname']} {p['nachname']}"
    return f"{who},\nwohnhaft {D.street(p)}, {p['plz']} {p['ort']},"


def _slug(firm: str) -> str:
    w = [x for x in firm.replace("Dr.", "").split() if x[:1].isupper() and x not in ("Rechtsanwälte", "Kanzlei", "Verwaltungsrechtskanzlei")]
    return w[0].lower().translate(str.maketrans("äöüß", "aous"))


def _letter(doc: Doc, spec: dict, rng: random.Random) -> None:
    firm, lawyer = D.kanzlei(rng), D.person(rng)
    addr = D.address(rng)
    lines = [firm, D.street(addr), f"{addr['plz']} {addr['ort']}", f"Telefon {D.fax_number(rng)}",
             f"kanzlei@{_slug(firm)}-recht.example"]
    for k, t in enumerate(lines):
        doc.fit(120, 16 + 4.5 * k, t, 75, 10 if k == 0 else 8.5)
    doc.text(20, 46, f"{firm} · {lines[1]} · {lines[2]}", 6.5)
    off, unit = office(rng)
    for k, t in enumerate([off, unit.format(s=rng.choice(["36", "63", "32", "50"])), "Postfach 10 05",
                           f"{rng.randint(10000, 99999)} {rng.choice(D.ORTE)}"]):
        doc.text(20, 53 + 5 * k, t, 10)
    sent = spec["signed"] + D.dt.timedelta(days=rng.randint(1, 6))
    refs = [("Unser Zeichen", f"{rng.randint(10, 999)}/{rng.choice(['25', '26'])} {lawyer['nachname'][:2].upper()}")]
    if spec["az"]:
        refs.insert(0, ("Ihr Zeichen", spec["az"]))
    for k, (lab, val) in enumerate(refs):
        doc.text(120, 80 + 5 * k, f"{lab}: {val}", 9)
    doc.text(120, 80 + 5 * len(refs), f"{addr['ort']}, {D.shown_date(rng, sent)}", 9)
    doc.fit(20, 104, f"{spec['title']}", 170, 11)
    doc.y = 114
    other = next((r for r in spec["refs"] if r[1] != spec["az"]), None)
    if other:
        doc.text(20, doc.y, f"{other[0]}: {other[1]}", 10)
        doc.y += 7
    body = [rng.choice(["Sehr geehrte Damen und Herren,", "Sehr geehrte Damen, sehr geehrte Herren,"]), "",
            *f"namens und in Vollmacht {_client(spec)}".split("\n"),
            rng.choice(["überreichen wir anliegend den vollständig ausgefüllten und unterschriebenen Antrag.",
                        "übersenden wir den beigefügten Antrag mit der Bitte um zügige Bearbeitung."]),
            "Eine auf uns lautende Vollmacht ist beigefügt; wir bitten, den Schriftverkehr über uns zu führen.", "",
            "Mit freundlichen Grüßen", "", "", f"{lawyer['vorname']} {lawyer['nachname']}",
            rng.choice(["Rechtsanwältin" if lawyer["female"] else "Rechtsanwalt", "Fachanwalt für Verwaltungsrecht"])]
    for k, t in enumerate(body):
        doc.fit(20, doc.y + 5.5 * k, t, 170, 10)
    doc.signature(rng, 22, doc.y + 5.5 * 9)


def kanzlei(spec: dict, rng: random.Random) -> bytes:
    doc, w = Doc(rng, spec["signed"]), Wording(rng)
    _letter(doc, spec, rng)
    doc.pdf.add_page()
    doc.y = 18.0
    header(doc, spec, rng, refs=rng.random() < 0.5)
    checks(doc, spec, rng)
    for b in [spec["main"]] + spec["others"]:
        doc.need(20)
        doc.text(15, doc.y, b["head"], 10, bold=True)
        doc.y += 3
        label_table(doc, [(w.label(k), v) for k, v in entries(rng, b, rng.random() < 0.5)])
    label_table(doc, spec["items"])
    sepa_section(doc, spec, rng, label_table)
    sign(doc, spec, rng, w)
    return finish(doc, spec, rng)


PORTAL_LABELS = {"nachname": "Nachname", "vorname": "Vorname(n)", "geburtsdatum": "Geburtsdatum", "geburtsort": "Geburtsort",
                 "staat": "Staatsangehörigkeit", "strasse": "Straße und Hausnummer", "plz": "Postleitzahl", "ort": "Ort",
                 "telefon": "Telefonnummer (optional)", "email": "E-Mail-Adresse", "org": "Name der Organisation",
                 "vertreten": "Vertretungsberechtigte Person", "firma": "Arbeitgeber", "plzort": "PLZ, Ort"}


def _feld_table(doc: Doc, head: str, rows: list[tuple[str, str]]) -> None:
    doc.need(18)
    doc.rect(15, doc.y, 180, 7, fill=200)
    doc.text(17, doc.y + 5, head, 9.5, bold=True, ink="black")
    doc.y += 7
    doc.rect(15, doc.y, 70, 6, fill=230)
    doc.rect(85, doc.y, 110, 6, fill=230)
    doc.text(17, doc.y + 4.2, "Feld", 8, bold=True)
    doc.text(87, doc.y + 4.2, "Ihre Angabe", 8, bold=True)
    doc.y += 6
    for lab, val in rows:
        doc.need(7)
        doc.line(15, doc.y + 6.5, 195, doc.y + 6.5, 0.1)
        doc.fit(17, doc.y + 4.5, lab, 66, 8.5)
        doc.fit(87, doc.y + 4.5, val or "–", 106, 9.5)
        doc.y += 6.5
    doc.y += 5


def portal(spec: dict, rng: random.Random) -> bytes:
    doc = Doc(rng, spec["signed"])
    tx, at = D.portal_id(rng), f"{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}"
    printed = spec["signed"] + D.dt.timedelta(days=rng.randint(0, 20))
    doc.text(15, doc.y, rng.choice(["Serviceportal Kreis Lohmarhausen", "Online-Dienste Rhein-Siefen-Kreis", "Bürgerportal Kreis Nierstedt"]), 12, bold=True)
    doc.text(15, doc.y + 8, "Zusammenfassung Ihres Antrags", 14, bold=True)
    doc.fit(15, doc.y + 15, spec["title"], 180, 10)
    doc.y += 22
    meta = [(rng.choice(["Transaktionsnummer", "Vorgangs-ID", "Antrags-ID"]), tx),
            (rng.choice(["Eingereicht am", "Übermittelt am", "Antrag abgeschickt am"]), f"{D.norm(spec['signed'])}, {at} Uhr")]
    if spec["az"]:
        meta.append(("Aktenzeichen der Behörde (falls bekannt)", spec["az"]))
    meta += [r for r in spec["refs"] if r[1] != spec["az"]]
    _feld_table(doc, "Übermittlung", meta)
    q, opts = spec["check"]
    _feld_table(doc, "Art des Antrags", [(q, rng.choice(opts)), ("Elektronische Kommunikation gewünscht", rng.choice(["Ja", "Nein"]))])
    for b in [spec["main"]] + spec["others"]:
        rows = [(PORTAL_LABELS[k], v) for k, v in entries(rng, b, True)]
        _feld_table(doc, b["head"], rows)
    _feld_table(doc, "Angaben zum Antrag", list(spec["items"]))
    if spec["sepa"]:
        _feld_table(doc, f"Bankverbindung ({spec['sepa']['label']})", sepa_lines(spec["sepa"], spec["main"], rng))
    doc.need(20)
    doc.fit(15, doc.y + 4, "Der Antrag wurde elektronisch übermittelt und ist ohne Unterschrift gültig.", 180, 8.5)
    doc.y += 10
    spec = dict(spec, footer=f"Gedruckt am {D.norm(printed)} {rng.randint(7, 20):02d}:{rng.randint(0, 59):02d} · "
                f"https://portal.kreis.example/antrag/{tx} · Seite {{k}} von {{n}}")
    return finish(doc, spec, rng)
