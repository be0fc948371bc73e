"""Two running-text layouts: `lueckentext` (a declaration with gaps filled in: "Ich, ___ (Vor- und
Familienname), geboren am ___ …" — the caption small under each gap) and `email` (an e-mail printed
from a mail client: Von/Gesendet/An/Betreff, the body with the data, a signature, the county's
quoted earlier message with its clerk's contact)."""

from __future__ import annotations

import random

import data as D
from draw import Doc, office, tick
from forms import finish, sign_lines

INTRO = {"kfz_zulassung": "beantrage hiermit die Zulassung des nachstehend bezeichneten Fahrzeugs auf meinen Namen.",
         "bauantrag": "beantrage hiermit die Baugenehmigung für das unten bezeichnete Vorhaben.",
         "ifsg_belehrung": "melde mich hiermit zur Belehrung nach § 43 Infektionsschutzgesetz an.",
         "masern_meldung": "teile mit, dass für das Kind kein ausreichender Nachweis über den Masernschutz vorliegt.",
         "waffen_antrag": "beantrage hiermit die Erteilung einer Waffenbesitzkarte.",
         "tierhaltung": "zeige hiermit die Haltung von Tieren an.",
         "sportstaetten_foerderung": "beantragt hiermit eine Zuwendung aus der Sportstättenförderung des Landkreises.",
         "eingliederungshilfe": "beantrage Leistungen der Eingliederungshilfe.", "sonstiges": "wende mich in folgender Sache an Sie."}


def _flow(doc: Doc, parts: list, x0: float = 15, right: float = 195, size: float = 10.5) -> None:
    """Running text; a part that is a (value, caption) pair is a gap: value on a line, caption under it."""
    x = x0
    for part in parts:
        if isinstance(part, tuple):
            v, cap = part
            w = max(doc.width(v, size) + 6, doc.width(cap, 6.5) + 2, 22)
            if x + w > right:
                x, doc.y = x0, doc.y + 11
            doc.text(x + 3, doc.y - 1, v, size, ink="blue")
            doc.line(x, doc.y + 0.6, x + w, doc.y + 0.6, 0.2)
            doc.text(x + 1, doc.y + 3.6, cap, 6.5)
            x += w + 1.5
            continue
        for word in part.split(" "):
            if not word:
                continue
            w = doc.width(word + " ", size)
            if x + w > right:
                x, doc.y = x0, doc.y + 11
            doc.text(x, doc.y, word, size)
            x += w
    doc.y += 13


def _person_gaps(rng: random.Random, b: dict, first: str) -> list:
    p = b["p"]
    if b["org"]:
        return [first, (b["org"], "(Name des Vereins)"), ", vertreten durch", (f"{p['vorname']} {p['nachname']}", "(Vorname, Name)"),
                ", mit Sitz in", (f"{D.street(p)}, {p['plz']} {p['ort']}", "(Anschrift des Vereins)")]
    out = [first, (f"{p['vorname']} {p['nachname']}", rng.choice(["(Vor- und Familienname)", "(Vorname Name)"]))]
    if b["birth"]:
        out += [", geboren am", (D.shown_date(rng, p["geburtsdatum"]), "(Geburtsdatum)")]
        if b["place"]:
            out += ["in", (p["geburtsort"], "(Geburtsort)")]
    if rng.random() < 0.5:
        out += [", wohnhaft in", (f"{D.street(p)}, {p['plz']} {p['ort']}", "(Straße, Hausnummer, PLZ, Ort)")]
    else:
        out += [", wohnhaft in", (D.street(p), "(Straße, Hausnummer)"), ",", (f"{p['plz']} {p['ort']}", "(PLZ, Ort)")]
    if b["phone"]:
        out += [", telefonisch erreichbar unter", (p["telefon"], "(Telefon)")]
    if b["email"]:
        out += [", E-Mail", (p["email"], "(E-Mail)")]
    return out


def lueckentext(spec: dict, rng: random.Random) -> bytes:
    doc = Doc(rng, spec["signed"])
    name, unit, _ = office(rng)
    doc.text(15, doc.y, f"An das {name}" if name.startswith("Landrats") else f"An den {name}", 10)
    doc.y += 4
    for lab, val in spec["refs"]:
        doc.text(125, doc.y, f"{lab}: {val}", 9)
        doc.y += 5
    doc.y += 8
    doc.fit(15, doc.y, spec["title"], 180, 13)
    doc.y += 12
    main, t = spec["main"], spec["type"]
    if main["who"] == "third":
        rep = spec["others"][0]
        _flow(doc, _person_gaps(rng, rep, "Ich,") + [f", handelnd als {rep['head']} für"])
        _flow(doc, _person_gaps(rng, main, "") + [INTRO[t].replace("beantrage", "beantrage für diese Person")])
        rest = spec["others"][1:]
    elif main["who"] == "club":
        _flow(doc, _person_gaps(rng, main, "Der Verein") + [INTRO[t]])
        rest = spec["others"]
    else:
        _flow(doc, _person_gaps(rng, main, "Ich,") + [INTRO[t]])
        rest = spec["others"]
    for b in rest:
        _flow(doc, _person_gaps(rng, b | {"phone": False}, f"Angaben zur Person {b['head']}:"))
    q, opts, chosen = spec["check"]
    doc.text(15, doc.y, f"{q}:", 10)
    tick(doc, 15 + doc.width(f"{q}:", 10) + 4, doc.y, opts, chosen, 10)
    doc.y += 10
    for lab, v in spec["items"]:
        _flow(doc, [f"{lab}:", (v, "")])
    if spec["bank"]:
        h = spec["bank"]["holder"]
        _flow(doc, ["Die Zahlung soll auf das Konto", (spec["bank"]["iban"], "(IBAN)"), "bei der Bank",
                    (spec["bank"]["bic"], "(BIC)"), "lautend auf", (f"{h['vorname']} {h['nachname']}", "(Kontoinhaber/in)"), "erfolgen."])
    _flow(doc, ["Ich versichere, dass die vorstehenden Angaben vollständig und richtig sind."])
    sign_lines(doc, spec, rng)
    return finish(doc, spec, rng)


def _data_lines(rng: random.Random, b: dict) -> list[str]:
    p = b["p"]
    if b["org"]:
        return [f"Verein: {b['org']}", f"vertreten durch: {p['vorname']} {p['nachname']}", f"Anschrift: {D.street(p)}, {p['plz']} {p['ort']}"]
    out = [f"Name: {p['nachname']}, {p['vorname']}" if rng.random() < 0.5 else f"Name, Vorname: {p['nachname']}, {p['vorname']}"]
    if b["birth"]:
        out.append(f"Geburtsdatum: {D.shown_date(rng, p['geburtsdatum'])}" + (f" in {p['geburtsort']}" if b["place"] else ""))
    out.append(f"Anschrift: {D.street(p)}, {p['plz']} {p['ort']}")
    return out


def email(spec: dict, rng: random.Random) -> bytes:
    doc = Doc(rng, spec["signed"])
    name, unit, dom = office(rng)
    main, t = spec["main"], spec["type"]
    writer = spec["others"][0] if main["who"] == "third" else main
    w = writer["p"]
    sent = spec["signed"]
    addr = w["email"]
    if writer is main:
        spec["truth"]["email"] = addr  # the sender's own address in the header
    doc.text(15, doc.y, f"{w['nachname']}, {w['vorname']}" if rng.random() < 0.5 else f"{w['vorname']} {w['nachname']}", 14, bold=True)
    doc.line(15, doc.y + 3, 195, doc.y + 3, 0.6)
    doc.y += 10
    az = spec["az"]
    subject = spec["title"] + (f" – {rng.choice(['Ihr Zeichen', 'Az.', 'Ihr Az.'])} {az}" if az and rng.random() < 0.7 else "")
    head = [("Von:", f"{w['nachname']}, {w['vorname']} <{addr}>"),
            ("Gesendet:", f"{D.long_date(sent)} {rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}"),
            ("An:", f"Poststelle <poststelle@{dom}>"), ("Betreff:", ("AW: " if rng.random() < 0.5 else "") + subject)]
    if rng.random() < 0.4:
        head.append(("Anlagen:", rng.choice(["Antrag.pdf; Personalausweis.jpg", "Scan_001.pdf"])))
    for lab, val in head:
        doc.text(15, doc.y, lab, 9.5, bold=True)
        doc.fit(40, doc.y, val, 155, 9.5)
        doc.y += 5
    doc.y += 6
    lines = ["Sehr geehrte Damen und Herren,", ""]
    if main["who"] == "third":
        lines += [f"hiermit {INTRO[t]}", "", "Angaben zur betroffenen Person:"] + _data_lines(rng, main)
    elif main["who"] == "club":
        lines += [f"der unten genannte Verein {INTRO[t]}", ""] + _data_lines(rng, main)
    else:
        lines += [f"ich {INTRO[t]}", "", "Meine Daten:"] + _data_lines(rng, main)
    if az and az not in subject:
        lines.insert(2, f"unter Bezug auf Ihr Schreiben ({rng.choice(['Aktenzeichen', 'Az.'])} {az}) sende ich Ihnen meine Angaben.")
    lines.append("")
    lines += [f"{lab}: {v}" for lab, v in spec["items"]]
    q, opts, chosen = spec["check"]
    lines.append(f"{q}: {opts[chosen]}")
    if spec["bank"]:
        h = spec["bank"]["holder"]
        lines.append(f"Bankverbindung: IBAN {spec['bank']['iban']}, Kontoinhaber/in {h['vorname']} {h['nachname']}")
    for lab, val in spec["refs"]:
        if val != az:
            lines.append(f"{lab}: {val}")
    lines += ["", "Mit freundlichen Grüßen", f"{w['vorname']} {w['nachname']}"]
    if writer["p"] is main["p"] or rng.random() < 0.5:
        lines.append(f"{D.street(w)}, {w['plz']} {w['ort']}")
    if writer["phone"] or main["phone"]:
        lines.append(f"Tel. {w['telefon']}")
    for s in lines:
        doc.need(6)
        doc.fit(15, doc.y, s, 180, 10.5)
        doc.y += 5.2
    _quoted(doc, rng, spec, name, unit, dom, w)
    return finish(doc, spec, rng)


def _quoted(doc: Doc, rng: random.Random, spec: dict, name: str, unit: str, dom: str, w: dict) -> None:
    """The county's earlier message below the reply: a clerk's name, phone, e-mail and an earlier date."""
    clerk = rng.choice(D.CLERKS)
    before = spec["signed"] - D.dt.timedelta(days=rng.randint(3, 30))
    doc.need(50)
    doc.y += 6
    lines = ["-----Ursprüngliche Nachricht-----", f"Von: {clerk}, {rng.choice(['Karin', 'Thomas', 'Ute'])} <{clerk.lower()}@{dom}>",
             f"Gesendet: {D.long_date(before)} 10:{rng.randint(10, 59)}", f"An: {w['email']}",
             f"Betreff: Ihre Anfrage{' – Az. ' + spec['az'] if spec['az'] else ''}", "",
             f"Sehr geehrte{'' if w['female'] else 'r'} {'Frau' if w['female'] else 'Herr'} {w['nachname']},",
             "bitte senden Sie uns die fehlenden Angaben per E-Mail zu.", "Mit freundlichen Grüßen", f"i. A. {clerk}",
             name, unit.format(s=rng.choice(["Zulassung", "Bauaufsicht", "Gesundheit", "Soziales"])),
             f"Tel. 0{rng.randint(3400, 3799)} {rng.randint(100, 999)}-{rng.randint(1000, 9999)}"]
    for s in lines:
        doc.need(6)
        doc.fit(19, doc.y, s, 176, 9, ink="black")
        doc.y += 4.6
