"""One spec per document type: the person whose values count, other persons in their own sections
(Ehegatte/Ehegattin, gesetzliche/r Vertreter/in, Bevollmächtigte/r, …), the type's items, a tick-box
question, a bank line, the file number and numbers beside it, the stamp."""

from __future__ import annotations

import random

import data as D

TITLES = {
    "kfz_zulassung": ["Antrag auf Zulassung eines Fahrzeugs", "Antrag auf Umschreibung (Halterwechsel)"],
    "bauantrag": ["Bauantrag", "Antrag auf Baugenehmigung (§ 64 SächsBO)"],
    "ifsg_belehrung": ["Antrag auf Belehrung gemäß § 43 IfSG", "Anmeldung zur Belehrung nach dem Infektionsschutzgesetz"],
    "masern_meldung": ["Mitteilung an das Gesundheitsamt – Masernschutz (§ 20 IfSG)", "Meldung fehlender Masernschutznachweis"],
    "waffen_antrag": ["Antrag auf Erteilung einer waffenrechtlichen Erlaubnis", "Antrag Waffenbesitzkarte (§ 10 WaffG)"],
    "tierhaltung": ["Anzeige einer Tierhaltung (§ 26 ViehVerkV)", "Meldung Tierhalter – Veterinäramt"],
    "sportstaetten_foerderung": ["Antrag auf Zuwendung – Sportstättenförderung", "Förderantrag Vereinssportstätte"],
    "eingliederungshilfe": ["Antrag auf Eingliederungshilfe nach SGB IX", "Antrag auf Leistungen zur Teilhabe (SGB IX)"],
}
SONST = ["Widerspruch gegen den Bescheid", "Antrag auf Fristverlängerung", "Anzeige eines Umzugs", "Beschwerde"]
CHECKS = {
    "kfz_zulassung": ("Art des Antrags", ["Neuzulassung", "Umschreibung", "Außerbetriebsetzung"]),
    "bauantrag": ("Art des Vorhabens", ["Errichtung", "Änderung", "Nutzungsänderung"]),
    "ifsg_belehrung": ("Belehrung", ["erstmalig", "Wiederholung"]),
    "masern_meldung": ("Nachweis", ["liegt nicht vor", "unvollständig", "zweifelhaft"]),
    "waffen_antrag": ("Bedürfnis", ["Sportschütze", "Jäger", "Sammler"]),
    "tierhaltung": ("Tierart", ["Rinder", "Schafe/Ziegen", "Schweine", "Geflügel"]),
    "sportstaetten_foerderung": ("Vorhaben", ["Neubau", "Sanierung", "Ausstattung"]),
    "eingliederungshilfe": ("Antrag", ["Erstantrag", "Folgeantrag"]),
    "sonstiges": ("Anliegen", ["Widerspruch", "Mitteilung", "Anfrage"]),
}
STAMPS = ["Eingegangen\n{d}", "Landratsamt – Posteingang\n{d}", "EINGANG {d}", "Eing. {d}", "Zugang am {d}"]


def block(head: str, p: dict, who: str = "self", birth: bool = True, place: bool = False, phone: bool = False,
          email: bool = False, org: str = "") -> dict:
    return {"head": head, "p": p, "who": who, "birth": birth, "place": place, "phone": phone, "email": email, "org": org}


def spouse(rng: random.Random, p: dict) -> dict:
    s = D.person(rng, nachname=p["nachname"] if rng.random() < 0.6 else None)
    s.update({k: p[k] for k in ("strasse", "hausnr", "plz", "ort")})
    return block(rng.choice(["Ehegatte/Ehegattin", "Ehegatte/eingetragene/r Lebenspartner/in"]), s, place=True)


def kfz(rng):
    p, f, e, k, i = D.person(rng), D.fin(rng), D.evb(rng), D.kennzeichen(rng), D.iban(rng)
    main = block("Antragsteller/in (Halter/in)", p, place=rng.random() < 0.5, phone=rng.random() < 0.5)
    others = [block("Bevollmächtigte/r", D.person(rng), birth=False, phone=True)] if rng.random() < 0.5 else []
    items = [("Fahrzeug-Identifizierungsnummer", f), ("eVB-Nummer", e), ("Wunschkennzeichen", k)]
    return main, others, items, {"fin": f, "evb": e, "kennzeichen": k, "iban": i}, i


def bau(rng):
    p, site = D.person(rng), D.address(rng)
    gem, flur = rng.choice(D.GEMARKUNGEN), str(rng.randint(1, 30))
    fst = f"{rng.randint(1, 900)}/{rng.randint(1, 20)}" if rng.random() < 0.5 else str(rng.randint(1, 2000))
    main = block("Bauherr/in", p, birth=False, phone=True, email=rng.random() < 0.5)
    others = [block("Entwurfsverfasser/in", D.person(rng), birth=False, phone=True)]
    if rng.random() < 0.5:
        others.insert(0, spouse(rng, p) | {"head": "Mitbauherr/in (Ehegatte/Ehegattin)", "birth": False, "place": False})
    items = [("Baugrundstück", f"{D.street(site)}, {site['plz']} {site['ort']}"), ("Gemarkung", gem), ("Flur", flur),
             ("Flurstück", fst), ("Vorhaben", rng.choice(["Neubau Einfamilienhaus", "Errichtung einer Garage", "Dachausbau"]))]
    return main, others, items, {"gemarkung": gem, "flur": flur, "flurstueck": fst}, None


def ifsg(rng):
    p = D.person(rng)
    main = block("Antragsteller/in", p, place=rng.random() < 0.5, phone=rng.random() < 0.5, email=rng.random() < 0.5)
    others = []
    if rng.random() < 0.5:
        kid = D.person(rng, nachname=p["nachname"])
        others = [block("gesetzliche/r Vertreter/in", kid, birth=False, phone=True)]
    items = [("Tätigkeit", rng.choice(["Imbiss", "Schulküche", "Bäckereiverkauf"])),
             ("Terminwunsch", D.shown_date(rng, D.day(rng)))]
    return main, others, items, {}, None


def masern(rng):
    mum = D.person(rng)
    kid = D.person(rng, nachname=mum["nachname"], old=False)
    kid.update({k: mum[k] for k in ("strasse", "hausnr", "plz", "ort")})
    main = block("Kind", kid, who="third")
    others = [block(rng.choice(["gesetzliche/r Vertreter/in", "Sorgeberechtigte/r"]), mum, birth=False, phone=True)]
    items = [("Gemeinschaftseinrichtung", f"Kita „{rng.choice(['Sonnenschein', 'Zwergenland', 'Kunterbunt'])}“"),
             ("Aufnahme am", D.shown_date(rng, D.day(rng, D.dt.date(2025, 8, 1), 300)))]
    return main, others, items, {}, None


def waffen(rng):
    p = D.person(rng)
    main = block("Antragsteller/in", p, place=True, phone=rng.random() < 0.5)
    others = [spouse(rng, p)] if rng.random() < 0.6 else []
    items = [("Verein", D.verein(rng)), ("Mitglied seit", D.shown_date(rng, D.day(rng, D.dt.date(2010, 1, 1), 4000)))]
    return main, others, items, {}, None


def tier(rng):
    p, site = D.person(rng), D.address(rng)
    main = block("Tierhalter/in", p, birth=rng.random() < 0.5, phone=True)
    others = [spouse(rng, p) | {"head": "Ehegatte/Ehegattin (Mithalter/in)", "birth": False, "place": False}] if rng.random() < 0.4 else []
    items = [("Standort der Tiere", f"{D.street(site)}, {site['plz']} {site['ort']}"),
             ("Anzahl", str(rng.randint(2, 400))), ("Registriernummer", f"276 14 {rng.randint(100, 999)} {rng.randint(10000, 99999)}")]
    return main, others, items, {}, None


def sport(rng):
    chair, club, vize = D.person(rng), D.address(rng), D.person(rng)
    v, i = D.verein(rng), D.iban(rng)
    n, shown = D.betrag(rng)
    p = {**club, "vorname": chair["vorname"], "nachname": chair["nachname"], "geburtsdatum": chair["geburtsdatum"],
         "telefon": chair["telefon"], "email": chair["email"], "female": chair["female"], "geburtsort": "", "staat": ""}
    main = block("Antragsteller (Verein)", p, who="club", birth=False, org=v)
    others = [block("stellv. Vorsitzende/r", vize, birth=False, phone=True)]
    items = [("Gesamtkosten", D.betrag(rng)[1]), ("beantragte Zuwendung", shown)]
    return main, others, items, {"verein": v, "iban": i, "betrag_eur": n}, i


def egh(rng):
    p, carer, i = D.person(rng), D.person(rng), D.iban(rng)
    main = block("Leistungsberechtigte Person", p, who="third", place=rng.random() < 0.5)
    others = [block(rng.choice(["gesetzliche/r Vertreter/in (Betreuer/in)", "rechtliche Betreuung"]), carer, birth=False, phone=True)]
    if rng.random() < 0.4:
        others.append(spouse(rng, p) | {"birth": True, "place": False})
    items = [("Leistung", rng.choice(["Schulbegleitung", "Assistenz im Wohnen", "Frühförderung"]))]
    return main, others, items, {"iban": i}, i


def sonst(rng):
    p = D.person(rng)
    main = block("Absender/in", p, birth=False, phone=rng.random() < 0.5)
    return main, [], [("Bescheid vom", D.shown_date(rng, D.day(rng, D.dt.date(2025, 11, 1), 80)))], {}, None


BUILDERS = {"kfz_zulassung": kfz, "bauantrag": bau, "ifsg_belehrung": ifsg, "masern_meldung": masern,
            "waffen_antrag": waffen, "tierhaltung": tier, "sportstaetten_foerderung": sport,
            "eingliederungshilfe": egh, "sonstiges": sonst}
TYPES = tuple(BUILDERS)


def person_truth(b: dict) -> dict:
    p = b["p"]
    t = {"vorname": p["vorname"], "nachname": p["nachname"], "strasse": D.street(p), "plz": p["plz"], "ort": p["ort"]}
    if b["who"] == "club":
        return t
    if b["birth"]:
        t["geburtsdatum"] = D.norm(p["geburtsdatum"])
    if b["phone"]:
        t["telefon"] = p["telefon"]
    if b["email"]:
        t["email"] = p["email"]
    return t


def build(rng: random.Random, doctype: str) -> dict:
    main, others, items, extra, i = BUILDERS[doctype](rng)
    title = rng.choice(SONST) if doctype == "sonstiges" else rng.choice(TITLES[doctype])
    signed = D.day(rng)
    t = person_truth(main) | extra
    t["antragsdatum"] = D.norm(signed)
    refs, az = [], ""
    if rng.random() < 0.75:
        az = D.aktenzeichen(rng, doctype)
        refs.append((rng.choice(["Aktenzeichen", "Az.", "Geschäftszeichen"]), az))
        t["aktenzeichen"] = az
    if rng.random() < 0.6:
        refs.append(D.distractor_ref(rng))
    signer = others[0]["p"] if doctype in ("masern_meldung", "eingliederungshilfe") else main["p"]
    q, opts = CHECKS[doctype]
    bank = None
    if i:
        own = rng.random() < 0.6
        bank = {"iban": D.spaced(i) if rng.random() < 0.5 else i, "bic": D.bic(rng), "own": own,
                "holder": main["p"] if own else D.person(rng)}
    spec = {"type": doctype, "title": title, "main": main, "others": others, "items": items, "refs": refs, "az": az,
            "signed": signed, "signed_shown": D.shown_date(rng, signed), "place": signer["ort"], "signer": signer,
            "check": (q, opts, rng.randrange(len(opts))), "bank": bank, "stamp": None, "truth": t}
    if rng.random() < 0.5:
        got = signed + D.dt.timedelta(days=rng.randint(1, 9))
        spec["stamp"] = rng.choice(STAMPS).format(d=rng.choice([D.norm(got), f"{got.day:02d}.{got.month:02d}.{got.year % 100:02d}",
                                                                f"{got.day}. {D.MONATE[got.month - 1][:3]}. {got.year}"]))
        t["eingangsdatum"] = D.norm(got)
    return spec
