"""The five layouts of family10: an online portal's submission summary, a numbered bilingual Fachverfahren form,
a citizen's letter in prose, an e-mail printout, a two-page form with the values on page 2."""

from __future__ import annotations

import random

from data import fmt, spaced, stamp_date
from draw import Page
from kinds import QUESTIONS, fdate, truth

PERSON_Q = {  # portal questions about the applicant, the child, the club's chair
    "nachname": ["Wie lautet Ihr Familienname?", "Familienname", "Nachname (wie im Ausweis)"],
    "vorname": ["Wie lautet Ihr Vorname?", "Vorname(n)", "Bitte geben Sie Ihren Rufnamen an"],
    "geburtsdatum": ["Wann sind Sie geboren?", "Geburtsdatum", "Ihr Geburtsdatum (TT.MM.JJJJ)"],
}


def _name(spec: dict, p: dict) -> tuple[str, str]:
    return (p["nachname"].upper(), p["vorname"].upper()) if spec["caps"] else (p["nachname"], p["vorname"])


def _addr(spec: dict) -> dict:
    return spec["club"] or spec["main"]


def _type_rows(spec: dict, k: int) -> list[tuple[str, str]]:
    rows = []
    for f, v in spec["values"].items():
        if f == "verein":
            continue
        shown = spaced(v) if f == "iban" else v
        rows.append((QUESTIONS[f][k], f"{shown} €" if f == "betrag_eur" and k == 0 else shown))
    return rows


def portal(spec: dict, rng: random.Random) -> bytes:
    pg, beh, m = Page(), spec["behoerde"], spec["main"]
    d, iso = spec["antrag"], spec["antrag"].isoformat()
    pg.t(15, 14, beh[5], 9, "bold")
    pg.t(150, 14, f"Ausdruck vom {iso}", 7)
    pg.t(15, 26, rng.choice(["Antragszusammenfassung", "Zusammenfassung Ihres Antrags", "Ihre Angaben im Überblick"]), 15, "bold")
    pg.t(15, 33, f"Leistung: {spec['title'][0]}", 9)
    pg.t(15, 39, f"{spec['vorgang'][0]}: {spec['vorgang'][1]}", 9)
    pg.t(15, 44, rng.choice([f"übermittelt am {iso} {spec['hour']}", f"Eingereicht: {iso}T{spec['hour']}:{rng.randint(10, 59)}",
                             f"Zeitpunkt der Übermittlung: {iso}, {spec['hour']} Uhr"]), 9)
    pg.t(15, 49, f"Empfangende Behörde: {beh[0]}", 9)
    if spec["az"]:  # the clerk writes the file number on the printout
        pg.t(140, 28, f"Az. {spec['az']}", 12, "comic")
    y, w = 58.0, [80, 100]
    hdr = rng.choice([("Feld", "Ihre Eingabe"), ("Frage", "Antwort"), ("Angabe", "Wert")])
    k = rng.randrange(3)
    sections = []
    if spec["club"]:
        c = spec["club"]
        sections.append(("Angaben zum Verein", [("Wie lautet der Name des Vereins?", spec["values"]["verein"]),
                                                ("Anschrift des Vereins", f"{c['strasse']}\n{c['plz']} {c['ort']}")]))
        sections.append(("Vertretungsberechtigte Person", [(PERSON_Q["nachname"][k], m["nachname"]),
                                                          (PERSON_Q["vorname"][k], m["vorname"])]))
    else:
        who = "Angaben zum Kind" if spec["type"] == "masern_meldung" else "Angaben zur antragstellenden Person"
        rows = [(PERSON_Q["nachname"][k] + (" (Kind)" if spec["type"] == "masern_meldung" else ""), m["nachname"]),
                (PERSON_Q["vorname"][k], m["vorname"])]
        if "geburtsdatum" in spec["truth_fields"]:
            rows.append((PERSON_Q["geburtsdatum"][k], m["geburtsdatum"].isoformat() if k != 2 else fmt(m["geburtsdatum"], "dmy")))
        if rng.random() < 0.5:
            rows.append(("Bitte geben Sie Ihre Anschrift an", ("" if not m["co"] else m["co"] + "\n") +
                         f"{m['strasse']}\n{m['plz']} {m['ort']}"))
        else:
            rows += [("Straße und Hausnummer", m["strasse"]), ("Postleitzahl", m["plz"]), ("Wohnort", m["ort"])]
        sections.append((who, rows))
    contact = []
    if spec["type"] == "masern_meldung":
        o = spec["other"]
        contact = [("Name der meldenden Person", f"{o['vorname']} {o['nachname']}"), ("E-Mail-Adresse", o["email"])]
    else:
        if spec["show_tel"]:
            contact.append(("Telefonnummer für Rückfragen (optional)", m["telefon"]))
        contact.append(("E-Mail-Adresse", m["email"]))
    sections.append(("Kontakt", contact))
    if spec["values"]:
        sections.append(("Angaben zum Vorhaben", _type_rows(spec, 0)))
    steps = rng.random() < 0.5
    for i, (title, rows) in enumerate(sections, 1):
        pg.t(15, y + 4, f"{i}. {title}" if not steps else f"Schritt {i} von {len(sections)}: {title}", 10, "bold")
        y = pg.row(15, y + 6, w, list(hdr), 8, ["bold", "bold"])
        for lab, val in rows:
            y = pg.row(15, y, w, [lab, val], 9)
        y += 3
    pg.t(15, y + 5, "☒ Ich versichere, dass meine Angaben vollständig und richtig sind.", 8.5)
    pg.t(15, y + 10, "☒ Die Datenschutzhinweise habe ich zur Kenntnis genommen.", 8.5)
    pg.t(15, 289, f"{beh[5]} · https://{beh[4]}/antrag · {spec['vorgang'][1]}", 6.5)
    pg.t(178, 289, "Seite 1 von 1", 6.5)
    spec["truth"] = truth(spec, eingang=False, email=True)
    return pg.bytes()


def fachverfahren(spec: dict, rng: random.Random) -> bytes:
    pg, beh, m = Page(), spec["behoerde"], spec["main"]
    bi = spec["type"] in ("eingliederungshilfe", "masern_meldung") or rng.random() < 0.4
    pg.t(15, 15, beh[0], 12, "bold")
    pg.t(15, 20, f"{beh[1]} · {beh[2]}", 8)
    pg.t(135, 15, f"Vordruck {rng.choice(['EGH', 'GA', 'SO', 'OA'])}-{rng.randint(1, 99):02d} (01/2026)", 7)
    pg.t(135, 21, f"Geschäftszeichen: {spec['az']}" if spec["az"] else "Geschäftszeichen: ____________", 9)
    pg.t(135, 26, f"Fall-ID (intern): {rng.randint(100000, 999999)}", 8)
    y = pg.prose(15, 38, spec["title"][0], 180, 12, "bold", 6)
    lab = (lambda de, en, fr: f"{de} / {en} / {fr}") if bi else (lambda de, en, fr: de)
    nn, vn = _name(spec, m)
    a = _addr(spec)
    rows: list[tuple[str, str, str]] = [("1", lab("Angaben zur Person", "Personal details", "Données personnelles")
                                         + (" (Kind)" if spec["type"] == "masern_meldung" else ""), "")]
    if rng.random() < 0.5:
        rows.append(("1.1", lab("Name, Vorname", "Surname, first name", "Nom, prénom"), f"{nn}, {vn}"))
    else:
        rows += [("1.1", lab("Familienname", "Surname", "Nom"), nn), ("1.2", lab("Vorname(n)", "First name(s)", "Prénom(s)"), vn)]
    if "geburtsdatum" in spec["truth_fields"]:
        rows.append(("1.3", lab("Geburtsdatum", "Date of birth", "Date de naissance"), fmt(m["geburtsdatum"], "dmy")))
    if spec["club"]:
        rows.append(("1.4", "Verein (Name lt. Vereinsregister)", spec["values"]["verein"]))
    rows.append(("2", lab("Anschrift", "Address", "Adresse"), ""))
    if a.get("co"):
        rows.append(("2.1", lab("bei (c/o)", "care of", "chez"), a["co"]))
    rows += [("2.2", lab("Straße, Hausnummer", "Street, number", "Rue, numéro"), a["strasse"]),
             ("2.3", lab("PLZ, Wohnort / Ortsteil", "Postcode, town", "Code postal, ville"), f"{a['plz']} {a['ort']}")]
    if spec["show_tel"] and spec["type"] != "masern_meldung":
        rows.append(("2.4", lab("Telefon", "Phone", "Téléphone"), m["telefon"]))
    if spec["values"]:
        rows.append(("3", "Angaben zum Antrag", ""))
        rows += [(f"3.{i}", q, v) for i, (q, v) in enumerate(_type_rows(spec, 1), 1)]
    if spec["type"] == "masern_meldung" and spec["other_shown"]:
        o = spec["other"]
        rows += [("4", lab("Sorgeberechtigte Person", "Parent / guardian", "Représentant légal"), ""),
                 ("4.1", lab("Name, Vorname", "Surname, first name", "Nom, prénom"), f"{o['nachname']}, {o['vorname']}"),
                 ("4.2", lab("Telefon", "Phone", "Téléphone"), o["telefon"])]
    y += 2
    for num, label, val in rows:
        if not val:
            pg.box(15, y, 180, 7, 225)
            pg.t(17, y + 5, f"{num}  {label}", 9, "bold")
            y += 7
        else:
            y = pg.row(15, y, [12, 78, 90], [num, label, val], 9, ["sans", "sans", "typewriter"])
    ort = a["ort"].split(" OT ")[0]
    pg.t(15, y + 14, f"{ort}, {fdate(spec, spec['antrag'])}", 10, "typewriter")
    pg.line(15, y + 15, 85, y + 15)
    pg.t(15, y + 18.5, lab("Ort, Datum", "Place, date", "Lieu, date"), 6.5)
    pg.t(110, y + 13, f"{m['vorname']} {m['nachname']}", 13, "chancery")
    pg.line(105, y + 15, 195, y + 15)
    pg.t(105, y + 18.5, lab("Unterschrift", "Signature", "Signature"), 6.5)
    if spec["eingang"]:
        pg.stamp(rng, [beh[0][:26], "EINGANG", stamp_date(spec["eingang"], rng)])
    spec["truth"] = truth(spec)
    return pg.bytes()


def _prose_values(spec: dict) -> str:
    v, t = spec["values"], spec["type"]
    if t == "kfz_zulassung":
        return (f"Es handelt sich um das Fahrzeug mit der FIN {v['fin']}; es soll das Kennzeichen {v['kennzeichen']} "
                f"erhalten. Meine eVB-Nummer lautet {v['evb']}. Die Kfz-Steuer buchen Sie bitte von meinem Konto "
                f"IBAN {spaced(v['iban'])} ab.")
    if t == "bauantrag":
        return (f"Das Grundstück liegt in der Gemarkung {v['gemarkung']}, Flur {v['flur']}, Flurstück {v['flurstueck']}. "
                "Die Bauvorlagen liegen bei.")
    if t == "sportstaetten_foerderung":
        return (f"Wir beantragen eine Zuwendung in Höhe von {v['betrag_eur']} EUR. Bitte überweisen Sie den Betrag auf "
                f"das Vereinskonto mit der IBAN {spaced(v['iban'])}.")
    if t == "eingliederungshilfe":
        return f"Zahlungen erbitte ich auf mein Konto, IBAN {spaced(v['iban'])}."
    return ""


def _in(street: str) -> str:
    """"in der Lindenallee 5", "Am Anger 3" (no article before a name that brings its own)."""
    first = street.split()[0]
    return "in der " if first.endswith(("straße", "str.", "allee", "gasse")) and "-" not in first else ""


def _opening(spec: dict, rng: random.Random, gd: str) -> str:
    m, a = spec["main"], _addr(spec)
    where = f"{a['strasse']}, {a['plz']} {a['ort']}"
    who = f"{m['vorname']} {m['nachname']}"
    if spec["type"] == "masern_meldung":
        o = spec["other"]
        return (f"ich, {o['vorname']} {o['nachname']}, bin die sorgeberechtigte Person von {who}, geboren am {gd}. "
                f"Wir wohnen {_in(a['strasse'])}{where}. Ich bitte um {spec['title'][1]}; der Nachweis liegt bei.")
    if spec["club"]:
        return (f"als 1. Vorsitzende/r des {spec['values']['verein']} ({where}) wende ich, {who}, mich an Sie: "
                f"wir bitten um {spec['title'][1]}.")
    born = f", geboren am {gd}," if "geburtsdatum" in spec["truth_fields"] else ","
    return rng.choice([f"hiermit beantrage ich, {who}{born} wohnhaft {where}, {spec['title'][1]}.",
                       f"mein Name ist {who}{born[:-1]} und ich wohne {_in(a['strasse'])}{where}. Ich möchte {spec['title'][1]} "
                       "beantragen."])


def brief(spec: dict, rng: random.Random) -> bytes:
    pg, beh, m, a = Page(), spec["behoerde"], spec["main"], _addr(spec)
    head = rng.random() < 0.5
    if head:
        pg.t(120, 18, f"{m['vorname']} {m['nachname']}", 12, "serif")
        pg.t(120, 23, a["strasse"], 9, "serif")
        pg.t(120, 27.5, f"{a['plz']} {a['ort']}", 9, "serif")
    for i, s in enumerate([beh[0], rng.choice(["Bürgerbüro", "Fachdienst", "Poststelle"]), beh[1], beh[2]]):
        pg.t(20, 50 + 5 * i, s, 10, "serif")
    ort = a["ort"].split(" OT ")[0]
    pg.t(120, 80, f"{ort}, den {fdate(spec, spec['antrag'])}" if spec["datestyle"] != "iso"
         else f"{ort}, {spec['antrag'].isoformat()}", 10, "serif")
    y = 92.0
    if spec["az"]:
        y = pg.prose(20, y, rng.choice([f"Ihr Zeichen: {spec['az']}", f"Ihr Aktenzeichen {spec['az']}"]), 170, 10, "serif")
    y = pg.prose(20, y, f"Antrag: {spec['title'][1][0].upper()}{spec['title'][1][1:]}", 170, 10, "bold")
    y = pg.prose(20, y + 2, "Sehr geehrte Damen und Herren,", 170, 10, "serif")
    y = pg.prose(20, y, _opening(spec, rng, fmt(m["geburtsdatum"], rng.choice(["dmy", "long"]))), 170, 10, "serif")
    extra = _prose_values(spec)
    if extra:
        y = pg.prose(20, y, extra, 170, 10, "serif")
    if spec["show_tel"] and spec["type"] != "masern_meldung":
        y = pg.prose(20, y, f"Für Rückfragen erreichen Sie mich tagsüber unter {m['telefon']}.", 170, 10, "serif")
    y = pg.prose(20, y + 2, "Mit freundlichen Grüßen", 170, 10, "serif")
    signer = spec["other"] if spec["type"] == "masern_meldung" else m
    pg.t(22, y + 6, f"{signer['vorname']} {signer['nachname']}", 14, "chancery")
    if spec["eingang"]:
        pg.slanted_stamp(rng, [beh[0][:24], "Eingegangen", stamp_date(spec["eingang"], rng)], (130, 35))
    spec["truth"] = truth(spec)
    return pg.bytes()


def email(spec: dict, rng: random.Random) -> bytes:
    pg, beh, m, a = Page(), spec["behoerde"], spec["main"], _addr(spec)
    sender = spec["other"] if spec["type"] == "masern_meldung" else m
    d = spec["antrag"]
    pg.t(15, 15, f"{sender['vorname']} {sender['nachname']}", 13, "bold")
    pg.line(15, 18, 195, 18, 0.4)
    sent = rng.choice([f"{fmt(d, 'weekday')} {spec['hour']}", f"{d.isoformat()} {spec['hour']}",
                       f"{fmt(d, 'dmy')} {spec['hour']}"])
    subj = f"Antrag – {spec['title'][1]}" + (f" (Ihr Az. {spec['az']})" if spec["az"] else "")
    heads = [("Von:", f"{sender['vorname']} {sender['nachname']} <{sender['email']}>"), ("Gesendet:", sent),
             ("An:", f"poststelle@{beh[4]}"), ("Betreff:", subj)]
    if rng.random() < 0.5:
        heads = [("From:", heads[0][1]), ("Date:", sent), ("To:", heads[2][1]), ("Subject:", subj)]
    y = 25.0
    for k, v in heads:
        pg.t(15, y, k, 9, "bold")
        y = pg.prose(38, y, v, 155, 9, "sans", 4.5) - 1.5
    y = pg.prose(15, y + 6, "Sehr geehrte Damen und Herren,", 175)
    y = pg.prose(15, y, _opening(spec, rng, fmt(m["geburtsdatum"], rng.choice(["dmy", "long"]))), 175)
    extra = _prose_values(spec)
    if extra:
        y = pg.prose(15, y, extra, 175)
    y = pg.prose(15, y, "Über eine kurze Eingangsbestätigung würde ich mich freuen.", 175)
    y = pg.prose(15, y, "Viele Grüße", 175) - 3
    for s in [f"{sender['vorname']} {sender['nachname']}", a["strasse"], f"{a['plz']} {a['ort']}"] + (
            [f"Tel. {m['telefon']}"] if spec["show_tel"] and spec["type"] != "masern_meldung" else []):
        pg.t(15, y, s, 10)
        y += 5
    pg.t(15, 289, f"https://webmail.post.example/?_task=mail&_uid={rng.randint(1000, 99999)}", 6.5)
    pg.t(180, 289, "1/1", 6.5)
    spec["truth"] = truth(spec, eingang=False, email=True)
    return pg.bytes()


def zweiseitig(spec: dict, rng: random.Random) -> bytes:
    pg, beh, m, a = Page(), spec["behoerde"], spec["main"], _addr(spec)
    head = f"{beh[0]} – {spec['title'][0][:60]}"
    foot = f"Formular {rng.randint(10, 99)}-{rng.randint(1, 9)} · Stand 01/2026"
    pg.running(head, foot, 1, 2)
    pg.t(15, 22, spec["title"][0][:70], 12, "bold")
    pg.t(140, 32, "Aktenzeichen (wird vom Amt vergeben):", 7)
    pg.t(140, 38, spec["az"] or "", 11, "comic")
    y = pg.prose(15, 48, "Hinweise zum Ausfüllen", 180, 10, "bold")
    y = pg.prose(15, y, "Bitte füllen Sie das Formular vollständig in Druckbuchstaben aus. Ihre Angaben tragen Sie auf "
                 "Seite 2 ein. Unvollständige Anträge können nicht bearbeitet werden. Bitte fügen Sie eine Kopie "
                 "Ihres Personalausweises bei.", 180, 9)
    y = pg.prose(15, y, "Datenschutzinformation (Art. 13 DSGVO)", 180, 10, "bold")
    y = pg.prose(15, y, f"Verantwortlich ist der {beh[0]}, {beh[1]}, {beh[2]}, Telefon {beh[3]}. Die behördliche "
                 f"Datenschutzbeauftragte erreichen Sie unter datenschutz@{beh[4]}. Ihre Daten werden nur zur "
                 "Bearbeitung Ihres Antrags verarbeitet und nach Ablauf der Aufbewahrungsfrist gelöscht.", 180, 9)
    if spec["eingang"]:
        pg.slanted_stamp(rng, [beh[0][:24], "Posteingang", stamp_date(spec["eingang"], rng)], (110, 150))
    pg.new_page()
    pg.running(head, foot, 2, 2)
    pg.t(150, 20, f"Az.: {spec['az']}" if spec["az"] else "Az.:", 8)
    nn, vn = _name(spec, m)
    rows = [("A", "Persönliche Angaben", "")]
    if spec["club"]:
        rows.append(("A1", "Antragstellender Verein", spec["values"]["verein"]))
    rows += [("A2", "Familienname", nn), ("A3", "Vorname", vn)]
    if "geburtsdatum" in spec["truth_fields"]:
        rows.append(("A4", "geb. am", fmt(m["geburtsdatum"], rng.choice(["dmy", "nopad"]))))
    rows += [("A5", "Anschrift" + (" des Vereins" if spec["club"] else ""), f"{a['strasse']}, {a['plz']} {a['ort']}")]
    if spec["show_tel"] and spec["type"] != "masern_meldung":
        rows.append(("A6", "Telefon (tagsüber)", m["telefon"]))
    if spec["values"]:
        rows.append(("B", "Angaben zum Antrag", ""))
        rows += [(f"B{i}", q, v) for i, (q, v) in enumerate(_type_rows(spec, 1), 1)]
    y = 30.0
    for num, label, val in rows:
        if not val:
            pg.t(15, y + 6, f"{num}  {label}", 10, "bold")
            y += 9
        else:
            pg.t(15, y + 4, f"{num}", 9)
            pg.t(25, y + 4, f"{label}:", 9)
            pg.t(85, y + 4, val, 10, "typewriter")
            pg.line(84, y + 5.2, 195, y + 5.2, 0.1)
            y += 8
    ort = a["ort"].split(" OT ")[0]
    pg.t(15, y + 20, f"{ort}, {fdate(spec, spec['antrag'])}", 10, "comic")
    pg.line(15, y + 21, 85, y + 21)
    pg.t(15, y + 24.5, "Ort, Datum", 6.5)
    pg.t(110, y + 19, f"{m['vorname']} {m['nachname']}", 13, "chancery")
    pg.line(105, y + 21, 195, y + 21)
    pg.t(105, y + 24.5, "Unterschrift", 6.5)
    spec["truth"] = truth(spec)
    return pg.bytes()


LAYOUTS = {"portal": portal, "fachverfahren": fachverfahren, "brief": brief, "email": email, "zweiseitig": zweiseitig}
