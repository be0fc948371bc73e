"""One spec per document type: the persons on the form (one whose values are the truth, others
that are distractors), the type's own items, checkbox sections, a SEPA mandate, the file number
and the numbers beside it, fax and footer lines."""

from __future__ import annotations

import random

import data as D

TITLES = {
    "kfz_zulassung": ["Antrag auf Zulassung / Umschreibung eines Kraftfahrzeugs", "Zulassungsantrag nach § 6 FZV",
                      "Antrag Fahrzeugzulassung (Halterwechsel)"],
    "bauantrag": ["Bauantrag gemäß § 70 Landesbauordnung", "Antrag auf Erteilung einer Baugenehmigung",
                  "Bauantrag – vereinfachtes Baugenehmigungsverfahren"],
    "ifsg_belehrung": ["Antrag auf Belehrung nach § 43 Abs. 1 IfSG", "Anmeldung zur Erstbelehrung (Infektionsschutzgesetz)"],
    "masern_meldung": ["Benachrichtigung des Gesundheitsamtes gemäß § 20 Abs. 9 Satz 4 IfSG (Masernschutz)",
                       "Meldung: fehlender Nachweis des Masernschutzes"],
    "waffen_antrag": ["Antrag auf Erteilung einer Waffenbesitzkarte für Sportschützen", "Antrag nach dem Waffengesetz (WaffG)"],
    "tierhaltung": ["Anzeige der Tierhaltung nach § 26 Viehverkehrsverordnung", "Registrierung eines Tierhalters beim Veterinäramt"],
    "sportstaetten_foerderung": ["Antrag auf Förderung des Sportstättenbaus (Vereinssportstätten)",
                                 "Förderantrag Sportstätten – Zuschuss des Kreises"],
    "eingliederungshilfe": ["Antrag auf Leistungen der Eingliederungshilfe (SGB IX)", "Eingliederungshilfe – Antrag auf Weiterbewilligung"],
}
SONST = ["Widerspruch gegen den Gebührenbescheid vom Straßenverkehrsamt", "Antrag auf Akteneinsicht",
         "Mitteilung einer Adressänderung", "Bitte um Ratenzahlung", "Sachstandsanfrage"]
CHECKS = {
    "kfz_zulassung": ("Zulassungsart", ["Neuzulassung", "Umschreibung", "Wiederzulassung"]),
    "bauantrag": ("Verfahrensart", ["Baugenehmigungsverfahren", "vereinfachtes Verfahren", "Bauvoranfrage"]),
    "ifsg_belehrung": ("Art der Belehrung", ["Erstbelehrung", "Gruppenbelehrung", "Online-Belehrung"]),
    "masern_meldung": ("Grund der Meldung", ["kein Nachweis vorgelegt", "Zweifel an der Echtheit", "Impfung nicht möglich"]),
    "waffen_antrag": ("Beantragt wird", ["Waffenbesitzkarte (grün)", "Waffenbesitzkarte (gelb)", "Eintragung"]),
    "tierhaltung": ("Art der Anzeige", ["Neuanmeldung", "Änderung", "Abmeldung"]),
    "sportstaetten_foerderung": ("Maßnahme", ["Neubau", "Sanierung", "Ausstattung"]),
    "eingliederungshilfe": ("Antragsart", ["Erstantrag", "Weiterbewilligung", "Änderung"]),
    "sonstiges": ("Anliegen", ["Widerspruch", "Anfrage", "Mitteilung"]),
}
STAMPS = ["Eingang am {d}", "Kreisverwaltung – Eingang\n{d}", "POSTEINGANG\n{d}", "Eingegangen: {d}", "Erhalten am {d}",
          "Eing.-Dat. {d}"]
FOOTERS = ["Vordruck {n} ({m:02d}/{y})", "Formular {n} – Stand {m:02d}.20{y}", "Vordr.-Nr. {n} / Ausgabe {m:02d}/{y}",
           "Seite {{k}} von {{n}}  ·  Vordruck {n} ({m:02d}/{y})", ""]


def block(head: str, p: dict, who: str = "self", birth: bool = True, phone: bool = False, email: bool = False,
          place: bool = False, org: str = "", address: bool = True, role: str = "") -> dict:
    return {"head": head, "p": p, "who": who, "birth": birth, "phone": phone, "email": email, "place": place,
            "org": org, "address": address, "role": role}


def person_truth(b: dict) -> dict:
    p = b["p"]
    t = {"vorname": p["vorname"], "nachname": p["nachname"], "strasse": D.street(p), "plz": p["plz"], "ort": p["ort"]}
    if b["birth"]:
        t["geburtsdatum"] = D.norm(p["geburtsdatum"])
    t.update({k: p[k] for k in ("telefon", "email") if b[k if k == "email" else "phone"]})
    return t


def sepa(rng: random.Random, main: dict, i: str, label: str) -> dict:
    """A SEPA mandate section: the holder is the applicant (shown again or 'wie Antragsteller') or another person."""
    own = rng.random() < 0.5
    holder = main["p"] if own else D.person(rng)
    return {"label": label, "iban": D.spaced(i) if rng.random() < 0.6 else i, "bic": D.bic(rng), "bank": D.bank(rng),
            "holder": holder, "own": own, "same_text": own and rng.random() < 0.5,
            "creditor": D.glaeubiger_id(rng), "mandate": f"{rng.randint(100000, 999999)}-{rng.randint(1, 9)}"}


def kfz(rng):
    h, f, e, k, i = D.person(rng), D.fin(rng), D.evb(rng), D.kennzeichen(rng), D.iban(rng)
    ph = rng.random() < 0.5
    main = block("Halter/in", h, phone=ph, place=True)
    others = [block("Bevollmächtigte/r (Zulassungsdienst)", D.person(rng), birth=False, phone=ph)] if rng.random() < 0.5 else []
    items = [("Fahrzeug-Ident.-Nr. (FIN)", f), ("Versicherungsbestätigung (eVB)", e), ("Kennzeichen", k),
             ("Datum der Erstzulassung", D.shown_date(rng, D.day(rng, D.dt.date(2008, 1, 1), 5000)))]
    return main, others, items, {"fin": f, "evb": e, "kennzeichen": k, "iban": i}, sepa(rng, main, i, "Kfz-Steuer")


def bau(rng):
    b, site = D.person(rng), D.address(rng)
    gem, flur = rng.choice(D.GEMARKUNGEN), str(rng.randint(1, 45))
    fst = f"{rng.randint(1, 1200)}/{rng.randint(1, 30)}" if rng.random() < 0.5 else str(rng.randint(1, 3000))
    main = block("Bauherr/in", b, birth=False, phone=True, email=rng.random() < 0.5)
    others = [block("Entwurfsverfasser/in", D.person(rng), birth=False, phone=True, role="Architekt/in"),
              block("Bauleiter/in", D.person(rng), birth=False)][:rng.randint(1, 2)]
    items = [("Lage des Baugrundstücks", f"{D.street(site)}, {site['plz']} {site['ort']}"), ("Gemarkung", gem),
             ("Flur", flur), ("Flurstück(e)", fst),
             ("Bezeichnung des Vorhabens", rng.choice(["Neubau eines Einfamilienhauses", "Anbau Wintergarten", "Carport mit Abstellraum"]))]
    return main, others, items, {"gemarkung": gem, "flur": flur, "flurstueck": fst}, None


def ifsg(rng):
    p, boss = D.person(rng), D.person(rng)
    main = block("Antragsteller/in", p, place=rng.random() < 0.5, email=rng.random() < 0.5)
    others = [block("Arbeitgeber/in (soweit bekannt)", boss, birth=False, org=f"Bäckerei {boss['nachname']}")]
    items = [("Vorgesehene Tätigkeit", rng.choice(["Verkauf", "Küche", "Kita-Verpflegung"])),
             ("Wunschtermin", D.shown_date(rng, D.day(rng)))]
    return main, others, items, {}, None


def masern(rng):
    mum = D.person(rng)
    kid = D.person(rng, nachname=mum["nachname"], old=False)
    kid.update({k: mum[k] for k in ("strasse", "hausnr", "plz", "ort")})
    dad = D.person(rng, nachname=rng.choice([mum["nachname"], rng.choice(D.NACHNAMEN)]))
    main = block("Angaben zum Kind", kid, who="third", role="Kind")
    others = [block("Personensorgeberechtigte/r", mum, birth=False, role="Mutter"),
              block("Personensorgeberechtigte/r", dad, birth=False, role="Vater")][:rng.randint(1, 2)]
    items = [("Einrichtung", f"Kita {rng.choice(['Regenbogen', 'Pusteblume', 'Arche Noah'])}"),
             ("Betreut seit", D.shown_date(rng, D.day(rng, D.dt.date(2024, 8, 1), 400)))]
    return main, others, items, {}, None


def waffen(rng):
    p = D.person(rng)
    main = block("Antragsteller/in", p, place=True, phone=rng.random() < 0.5, role="Antragsteller/in")
    others = [block("Ehegatte/Ehegattin (Mitbesitz)", D.person(rng, nachname=p["nachname"]), place=True, role="Ehegatte/-in")] if rng.random() < 0.5 else []
    items = [("Schießsportlicher Verein", D.verein(rng)), ("Vereinsmitglied seit", D.shown_date(rng, D.day(rng, D.dt.date(2012, 1, 1), 4000))),
             ("Sachkundeprüfung am", D.shown_date(rng, D.day(rng, D.dt.date(2016, 1, 1), 3000)))]
    return main, others, items, {}, None


def tier(rng):
    p, site = D.person(rng), D.address(rng)
    main = block("Tierhalter/in", p, birth=rng.random() < 0.5, phone=True)
    items = [("Betriebsstätte", f"{D.street(site)}, {site['plz']} {site['ort']}"),
             ("Tierart / Bestand", rng.choice(["Schafe 25", "Ziegen 6", "Legehennen 300", "Pferde 2"])),
             ("Registriernummer", f"276 05 {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}"),
             ("Beginn der Haltung", D.shown_date(rng, D.day(rng, D.dt.date(2020, 1, 1), 2000)))]
    return main, [], items, {}, None


def sport(rng):
    chair, club, vize = D.person(rng), D.address(rng), D.person(rng)
    v, i = D.verein(rng), D.iban(rng)
    n, shown = D.betrag(rng)
    main = block("Antragsteller (Verein)", {**club, "vorname": chair["vorname"], "nachname": chair["nachname"],
                                            "geburtsdatum": chair["geburtsdatum"], "telefon": "", "email": "",
                                            "female": chair["female"], "geburtsort": "", "staat": ""},
                 who="club", birth=False, org=v)
    others = [block("1. Vorsitzende/r – Privatanschrift", chair, birth=False, who="private"),
              block("2. Vorsitzende/r", vize, birth=False)]
    items = [("Gesamtausgaben", D.betrag(rng)[1]), ("Eigenmittel", D.betrag(rng)[1]), ("Beantragter Zuschuss", shown)]
    return main, others, items, {"verein": v, "iban": i, "betrag_eur": n}, sepa(rng, main, i, "Auszahlung des Zuschusses")


def egh(rng):
    p, carer, i = D.person(rng), D.person(rng), D.iban(rng)
    main = block("Leistungsberechtigte Person", p, who="third", role="Leistungsberechtigte/r")
    others = [block("Rechtliche Betreuung / Bevollmächtigte/r", carer, birth=False)]
    items = [("Beantragte Leistung", rng.choice(["Assistenzleistungen", "Teilhabe an Bildung", "Heilpädagogische Leistungen"])),
             ("Leistungsbeginn", D.shown_date(rng, D.day(rng)))]
    return main, others, items, {"iban": i}, sepa(rng, main, i, "Zahlungsempfänger")


def sonst(rng):
    p = D.person(rng)
    main = block("Absender/in", p, birth=False, phone=rng.random() < 0.5)
    return main, [], [("Bescheid vom", D.shown_date(rng, D.day(rng, D.dt.date(2025, 10, 1), 90)))], {}, None


BUILDERS = {"kfz_zulassung": kfz, "bauantrag": bau, "ifsg_belehrung": ifsg, "masern_meldung": masern,
            "waffen_antrag": waffen, "tierhaltung": tier, "sportstaetten_foerderung": sport,
            "eingliederungshilfe": egh, "sonstiges": sonst}
TYPES = tuple(BUILDERS)


def _extras(rng: random.Random, spec: dict, signed) -> None:
    """Stamp (truth), fax transmit line and form footer (distractors)."""
    if rng.random() < 0.5:
        got = signed + D.dt.timedelta(days=rng.randint(1, 8))
        spec["stamp"] = rng.choice(STAMPS).format(d=rng.choice([D.norm(got), f"{got.day}. {D.MONATE[got.month - 1]} {got.year}",
                                                                f"{got.day:02d}.{got.month:02d}.{got.year % 100:02d}"]))
        spec["truth"]["eingangsdatum"] = D.norm(got)
    if rng.random() < 0.45:
        sent = signed + D.dt.timedelta(days=rng.randint(0, 3))
        spec["fax"] = {"when": f"{D.norm(sent)} {rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}", "from": D.fax_number(rng),
                       "who": rng.choice(["", "FAXGERAET", "Copyshop Mitte"])}
    f = rng.choice(FOOTERS)
    spec["footer"] = f.format(n=rng.choice(["0815", "A 12", "SG-47", "311a"]), m=rng.randint(1, 12), y=rng.randint(19, 25))


def build(rng: random.Random, doctype: str) -> dict:
    main, others, items, truth, mandate = BUILDERS[doctype](rng)
    title = rng.choice(SONST) if doctype == "sonstiges" else rng.choice(TITLES[doctype])
    signed = D.day(rng)
    t = person_truth(main)
    if main["who"] == "club":
        t = {k: v for k, v in t.items() if k in ("vorname", "nachname", "strasse", "plz", "ort")}
    t.update(truth)
    t["antragsdatum"] = D.norm(signed)
    refs, az = [], ""
    if rng.random() < 0.75:
        az = D.aktenzeichen(rng, doctype)
        refs.append((rng.choice(["Aktenzeichen", "Az.", "Geschäftszeichen", "Az. der Behörde", "AZ"]), az))
        t["aktenzeichen"] = az
    if rng.random() < 0.6:
        refs.insert(rng.randrange(len(refs) + 1), D.distractor_ref(rng))
    signer = others[0]["p"] if doctype in ("eingliederungshilfe", "masern_meldung") else main["p"]
    spec = {"type": doctype, "title": title, "main": main, "others": others, "items": items, "refs": refs,
            "signed": signed, "signed_shown": D.shown_date(rng, signed), "place": signer["ort"], "signer": signer,
            "stamp": None, "fax": None, "truth": t, "az": az, "sepa": mandate, "check": CHECKS[doctype]}
    _extras(rng, spec, signed)
    return spec
