"""One spec per document: the persons on the form (whose values count is `main`), the type's items, a
checkbox grid, file numbers, bank line, stamp and the truth."""

from __future__ import annotations

import datetime as dt
import random

import data as D

TITLES = {
    "kfz_zulassung": ["Antrag auf Zulassung eines Kraftfahrzeuges", "Zulassung / Umschreibung eines Fahrzeugs"],
    "bauantrag": ["Bauantrag", "Antrag auf Erteilung einer Baugenehmigung"],
    "ifsg_belehrung": ["Anmeldung zur Erstbelehrung nach § 43 Infektionsschutzgesetz", "Belehrung nach § 43 IfSG"],
    "masern_meldung": ["Benachrichtigung des Gesundheitsamtes – Masern-Nachweis nach § 20 Abs. 9 IfSG",
                       "Meldung: Nachweis über Masernschutz fehlt"],
    "waffen_antrag": ["Antrag auf Erteilung einer Waffenbesitzkarte", "Antrag auf Erteilung einer waffenrechtlichen Erlaubnis"],
    "tierhaltung": ["Anzeige einer Tierhaltung nach § 26 Viehverkehrsverordnung", "Tierhalteranzeige (Meldung an das Veterinäramt)"],
    "sportstaetten_foerderung": ["Antrag auf Gewährung einer Sportförderung (Sportstättenbau)", "Antrag Sportförderung – Investitionszuschuss"],
    "eingliederungshilfe": ["Antrag auf Leistungen der Eingliederungshilfe nach dem SGB IX", "Eingliederungshilfe – Antrag"],
}
SONST = ["Widerspruch", "Anfrage zum Sachstand", "Antrag auf Akteneinsicht", "Mitteilung einer Adressänderung"]
GRID = {
    "kfz_zulassung": ("Gewünschte Leistung", ["Neuzulassung", "Umschreibung", "Wiederzulassung", "Saisonkennzeichen"]),
    "bauantrag": ("Verfahrensart", ["Baugenehmigungsverfahren", "vereinfachtes Verfahren", "Vorbescheid"]),
    "ifsg_belehrung": ("Tätigkeitsbereich", ["Gastronomie", "Gemeinschaftsverpflegung", "Lebensmittelhandel"]),
    "masern_meldung": ("Grund der Meldung", ["kein Nachweis vorgelegt", "Nachweis zweifelhaft", "Impfung unvollständig"]),
    "waffen_antrag": ("Beantragt wird", ["Waffenbesitzkarte (grün)", "Waffenbesitzkarte für Sportschützen (gelb)", "Erbfall"]),
    "tierhaltung": ("Tierart / Nutzungsart", ["Pferde", "Schafe", "Ziegen", "Hühner", "Bienen"]),
    "sportstaetten_foerderung": ("Maßnahme", ["Neubau", "Sanierung", "Modernisierung", "Sportgeräte"]),
    "eingliederungshilfe": ("Leistungsgruppe", ["Soziale Teilhabe", "Teilhabe an Bildung", "Teilhabe am Arbeitsleben"]),
    "sonstiges": ("Betreff", ["Widerspruch", "Auskunft", "Sonstiges"]),
}
STAMPS = ["EINGEGANGEN\n{d}", "Eingang\n{d}", "Landratsamt\nPosteingang {d}", "Eing. {d}", "Posteingang am {d}"]


def role(head: str, p: dict, main: bool = False, birth: bool = True, phone: bool = False, co: str = "") -> dict:
    return {"head": head, "p": p, "main": main, "birth": birth, "phone": phone, "co": co}


def other(rng: random.Random, p: dict) -> dict:
    """Another person, never with the same family name as *p*."""
    q = D.person(rng)
    while q["nachname"] == p["nachname"]:
        q = D.person(rng)
    return q


def _co(rng: random.Random) -> str:
    return f"c/o {rng.choice(D.NACHNAMEN)}" if rng.random() < 0.3 else ""


def kfz(rng):
    p, f, e, k = D.person(rng), D.fin(rng), D.evb(rng), D.kennzeichen(rng)
    ps = [role("Halter/in (Antragsteller/in)", p, True, co=_co(rng), phone=rng.random() < 0.5)]
    if rng.random() < 0.6:
        ps.append(role("Bevollmächtigte/r (Zulassungsdienst)", other(rng, p), birth=False, phone=True))
    items = [("Fahrzeug-Identifizierungsnummer (FIN)", f), ("eVB-Nummer der Versicherung", e),
             ("Kennzeichen (reserviert)", k)]
    return ps, items, {"fin": f, "evb": e, "kennzeichen": k}, rng.random() < 0.5


def bau(rng):
    p, site = D.person(rng), D.address(rng)
    gem, flur, fst = rng.choice(["Hollstadt", "Wargolshausen", "Rödles", "Thulba"]), str(rng.randint(1, 19)), \
        rng.choice([str(rng.randint(10, 1999)), f"{rng.randint(10, 999)}/{rng.randint(1, 9)}"])
    ps = [role("Bauherr/in", p, True, birth=False, phone=True, co=_co(rng)),
          role("Entwurfsverfasser/in (bauvorlageberechtigt)", other(rng, p), birth=False, phone=True)]
    items = [("Lage des Baugrundstücks", f"{D.street(site)}, {site['plz']} {site['ort']}"), ("Gemarkung", gem),
             ("Flur", flur), ("Flurstück(e)", fst), ("Bezeichnung des Vorhabens", "Neubau eines Carports")]
    return ps, items, {"gemarkung": gem, "flur": flur, "flurstueck": fst}, False


def ifsg(rng):
    p = D.person(rng)
    ps = [role("Teilnehmer/in", p, True, phone=rng.random() < 0.5, co=_co(rng))]
    if rng.random() < 0.5:
        ps.append(role("Arbeitgeber/in (Ansprechpartner/in)", other(rng, p), birth=False, phone=True))
    return ps, [("Betrieb / Einrichtung", rng.choice(["Café Lindenhof", "Metzgerei Hümmer", "Kita-Küche Arche"]))], {}, False


def masern(rng):
    mum = D.person(rng)
    kid = D.person(rng, nachname=mum["nachname"], old=False) | {k: mum[k] for k in ("strasse", "hausnr", "plz", "ort")}
    ps = [role("Sorgeberechtigte/r", mum, birth=False, phone=True), role("Angaben zum Kind", kid, True)]
    if rng.random() < 0.5:
        ps.reverse()
    items = [("Name der Einrichtung", rng.choice(["Kindergarten St. Kilian", "Kita Pusteblume", "Grundschule am Rain"]))]
    return ps, items, {}, False


def waffen(rng):
    p = D.person(rng)
    ps = [role("Antragsteller/in", p, True, phone=rng.random() < 0.5, co=_co(rng))]
    if rng.random() < 0.5:
        ps.append(role("Ehegatte/Lebenspartner/in", D.person(rng, nachname=p["nachname"]) | {
            k: p[k] for k in ("strasse", "hausnr", "plz", "ort")}))
    return ps, [("Mitglied im Verein", D.verein(rng)), ("Sachkunde nachgewiesen am", D.shown(rng, D.day(rng, dt.date(2015, 1, 1), 3000)))], {}, False


def tier(rng):
    p, site = D.person(rng), D.address(rng)
    ps = [role("Tierhalter/in", p, True, birth=rng.random() < 0.5, phone=True, co=_co(rng))]
    if rng.random() < 0.4:
        ps.append(role("Betriebsleiter/in (falls abweichend)", other(rng, p), birth=False))
    items = [("Standort der Tierhaltung", f"{D.street(site)}, {site['plz']} {site['ort']}"),
             ("Anzahl der Tiere", str(rng.randint(1, 250))), ("Registriernummer (falls vorhanden)", f"09 6 73 {rng.randint(100, 999)} {rng.randint(1000, 9999)}")]
    return ps, items, {}, False


def sport(rng):
    chair, club = D.person(rng), D.address(rng)
    v = D.verein(rng)
    n, shown = D.betrag(rng)
    p = {**chair, **club}
    ps = [role("Verein (Antragsteller)", p, True, birth=False), role("Kassenwart/in", other(rng, p), birth=False, phone=True)]
    items = [("Gesamtkosten der Maßnahme", D.betrag(rng)[1]), ("Beantragter Zuschuss", shown)]
    return ps, items, {"verein": v, "betrag_eur": n}, True


def egh(rng):
    p = D.person(rng)
    carer = other(rng, p)
    ps = [role("Leistungsberechtigte Person", p, True, co=_co(rng)),
          role(rng.choice(["Gesetzliche/r Betreuer/in", "Bevollmächtigte/r"]), carer, birth=False, phone=True)]
    if rng.random() < 0.5:
        ps.reverse()
    return ps, [("Beantragte Leistung", rng.choice(["Schulbegleitung", "Ambulant betreutes Wohnen", "Tagesstätte"]))], {}, True


def sonst(rng):
    p = D.person(rng)
    return [role("Absender/in", p, True, birth=False, phone=rng.random() < 0.5)], \
        [("Bezug: Bescheid vom", D.shown(rng, D.day(rng, dt.date(2025, 10, 1), 90)))], {}, False


BUILDERS = {"kfz_zulassung": kfz, "bauantrag": bau, "ifsg_belehrung": ifsg, "masern_meldung": masern,
            "waffen_antrag": waffen, "tierhaltung": tier, "sportstaetten_foerderung": sport,
            "eingliederungshilfe": egh, "sonstiges": sonst}
TYPES = list(BUILDERS)


def _truth(doctype: str, main: dict) -> dict:
    p = main["p"]
    t = {"vorname": p["vorname"], "nachname": p["nachname"], "strasse": D.street(p), "plz": p["plz"], "ort": p["ort"]}
    if main["birth"]:
        t["geburtsdatum"] = D.norm(p["geburtsdatum"])
    if main["phone"]:
        t["telefon"] = p["telefon"]
    return t


def build(rng: random.Random, doctype: str) -> dict:
    persons, items, extra, has_bank = BUILDERS[doctype](rng)
    main = next(r for r in persons if r["main"])
    t = _truth(doctype, main) | extra
    signed = D.day(rng)
    t["antragsdatum"] = D.norm(signed)
    refs = []
    if rng.random() < 0.75:
        az = D.aktenzeichen(rng, doctype)
        refs.append((rng.choice(["Aktenzeichen", "Az.", "Geschäftszeichen", "Ihr Zeichen"]), az))
        t["aktenzeichen"] = az
    if rng.random() < 0.6:
        refs.append(D.other_number(rng))
    bank = None
    if has_bank:
        i = D.iban(rng)
        t["iban"] = i
        bank = {"iban": D.spaced(i) if rng.random() < 0.5 else i, "bic": D.bic(rng),
                "holder": main["p"] if doctype != "sportstaetten_foerderung" else None}
    spec = {"type": doctype, "title": rng.choice(SONST if doctype == "sonstiges" else TITLES[doctype]),
            "persons": persons, "main": main, "items": items, "refs": refs, "signed": signed,
            "signed_shown": D.shown(rng, signed), "place": main["p"]["ort"], "grid": GRID[doctype],
            "ticked": rng.randrange(len(GRID[doctype][1])), "bank": bank, "stamp": None, "truth": t,
            "verein": extra.get("verein", "")}
    if rng.random() < 0.6:
        got = signed + dt.timedelta(days=rng.randint(1, 12))
        shown = rng.choice([D.norm(got), f"{got.day:02d}.{got.month:02d}.{got.year % 100:02d}",
                            f"{got.day:02d}. {D.MON_KURZ[got.month - 1].upper().rstrip('.')}. {got.year}"])
        spec["stamp"] = rng.choice(STAMPS).format(d=shown)
        t["eingangsdatum"] = D.norm(got)
    return spec
