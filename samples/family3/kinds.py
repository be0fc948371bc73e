"""One spec builder per document type: titles in several wordings, the persons on the form
(whose values are the truth and who is a distractor), and the type's own fields."""

from __future__ import annotations

import random

import data as D
from parts import address_items, name_items, finish, iban_item, person_items, person_truth

TITLES = {
    "kfz_zulassung": ["Antrag auf Zulassung eines Fahrzeugs", "Antrag auf Zulassung / Umschreibung eines Kraftfahrzeugs",
                      "Zulassungsantrag – Neuzulassung", "Antrag auf Wiederzulassung eines Fahrzeugs"],
    "bauantrag": ["Bauantrag", "Antrag auf Baugenehmigung nach § 64 LBauO", "Bauantrag / Bauvorlagen – Formblatt 1",
                  "Antrag auf Erteilung einer Baugenehmigung"],
    "ifsg_belehrung": ["Belehrung gemäß § 43 Abs. 1 Infektionsschutzgesetz", "Anmeldung zur Erstbelehrung nach § 43 IfSG",
                       "Bescheinigung über die Belehrung nach § 43 IfSG (Lebensmittelbereich)"],
    "masern_meldung": ["Meldung nach § 20 Abs. 9 IfSG – Masernschutz", "Nachweis über den Masernschutz (Immunitätsnachweis)",
                       "Benachrichtigung des Gesundheitsamtes: fehlender Masernschutznachweis"],
    "waffen_antrag": ["Antrag auf Erteilung einer Waffenbesitzkarte", "Antrag nach dem Waffengesetz (WaffG)",
                      "Antrag auf Erteilung einer waffenrechtlichen Erlaubnis – Sportschützen"],
    "tierhaltung": ["Anzeige der Tierhaltung (§ 26 ViehVerkV)", "Anzeige über das Halten eines Hundes",
                    "Antrag auf Erlaubnis nach § 11 Tierschutzgesetz – Tierhaltung"],
    "sportstaetten_foerderung": ["Antrag auf Förderung von Sportstätten", "Antrag auf Zuschuss zum Sportstättenbau",
                                 "Förderantrag Sportstätteninfrastruktur (Kreissportförderung)"],
    "eingliederungshilfe": ["Antrag auf Leistungen der Eingliederungshilfe (SGB IX)",
                            "Antrag auf Eingliederungshilfe für Menschen mit Behinderungen",
                            "Leistungsantrag Teil 2 SGB IX – Eingliederungshilfe"],
}
SONST_TITLES = [("Widerspruch gegen den Gebührenbescheid", "gegen den oben genannten Bescheid lege ich hiermit Widerspruch ein."),
                ("Anmeldung zur Sperrmüllabholung", "ich melde folgende Gegenstände zur Abholung an."),
                ("Antrag auf Ausstellung eines Fischereischeins", "ich beantrage die Ausstellung eines Fischereischeins."),
                ("Mitteilung über eine Adressänderung", "ich teile Ihnen meine neue Anschrift mit."),
                ("Bitte um Rückruf", "ich bitte um einen Rückruf zu meiner Anfrage vom letzten Monat."),
                ("Beschwerde über Straßenlärm", "ich möchte mich über den nächtlichen Lärm beschweren.")]


def _base(rng, doctype, title=None):
    return {"title": title or rng.choice(TITLES[doctype]), "subtitle": "", "sections": [], "checks": [],
            "truth": {}, "intro": "hiermit beantrage ich das im Betreff genannte Verfahren."}


def _rep(rng, head="Bevollmächtigte/r (falls vorhanden)"):
    r = D.person(rng)
    return r, {"head": head, "items": person_items(rng, r, birth=False, phone=True)}


def kfz(rng):
    s, h = _base(rng, "kfz_zulassung"), D.person(rng)
    f, e, k, i = D.fin(rng), D.evb(rng), D.kennzeichen(rng), D.iban(rng)
    s["sections"].append({"head": "Angaben zur Halterin / zum Halter", "items": person_items(rng, h)
                          + [("Geburtsort", rng.choice(D.ORTE))]})
    s["sections"].append({"head": "Fahrzeug", "items": [
        ("Fahrzeug-Identifizierungsnummer (FIN)", f), ("eVB-Nummer", e), ("Reserviertes Kennzeichen", k),
        ("Datum der Erstzulassung", D.fmt_date(D.day(rng, D.dt.date(2012, 1, 1), 4000), "norm"))]})
    owner = h if rng.random() < 0.5 else D.person(rng)
    s["sections"].append({"head": "SEPA-Lastschriftmandat für die Kfz-Steuer", "items": [
        ("Kontoinhaber/in", f"{owner['vorname']} {owner['nachname']}"), iban_item(rng, i)]})
    if rng.random() < 0.5:
        s["sections"].append(_rep(rng)[1])
    s["checks"] = [("Neuzulassung", True), ("Umschreibung", False), ("Wiederzulassung", False)]
    rng.shuffle(s["checks"])
    s["truth"] = {**person_truth(h), "fin": f, "evb": e, "kennzeichen": k, "iban": i}
    s["signer"] = h
    return s


def bau(rng):
    s, b, site, arch = _base(rng, "bauantrag"), D.person(rng), D.address(rng), D.person(rng)
    gem, flur = rng.choice(D.GEMARKUNGEN), str(rng.randint(1, 40))
    fst = f"{rng.randint(1, 400)}/{rng.randint(1, 30)}" if rng.random() < 0.7 else str(rng.randint(1, 900))
    if rng.random() < 0.25:
        fst += f", {rng.randint(1, 900)}"
    s["sections"].append({"head": "Bauherrin / Bauherr", "items": person_items(rng, b, birth=False, phone=True)})
    s["sections"].append({"head": "Baugrundstück", "items": [
        ("Lage (Straße, Hausnummer)", D.street(site)), ("Gemarkung", gem), ("Flur", flur), ("Flurstück(e)", fst)]})
    s["sections"].append({"head": "Entwurfsverfasserin / Entwurfsverfasser", "items": [
        ("Name, Vorname", f"{arch['nachname']}, {arch['vorname']}"), ("Büro", f"Planungsbüro {arch['nachname']}"),
        ("Anschrift", f"{D.street(arch)}, {arch['plz']} {arch['ort']}"), ("Telefon", arch["telefon"])]})
    s["sections"].append({"head": "Vorhaben", "items": [("Bezeichnung des Vorhabens", rng.choice(
        ["Neubau eines Einfamilienhauses mit Carport", "Anbau eines Wintergartens", "Errichtung einer Maschinenhalle"]))]})
    s["checks"] = [("Baugenehmigungsverfahren", True), ("vereinfachtes Verfahren", False), ("Bauvoranfrage", False)]
    s["truth"] = {**person_truth(b, birth=False), "telefon": b["telefon"], "gemarkung": gem, "flur": flur,
                  "flurstueck": fst}
    s["signer"] = b
    return s


def ifsg(rng):
    s, p = _base(rng, "ifsg_belehrung"), D.person(rng)
    boss = D.person(rng)
    s["sections"].append({"head": "Angaben zur Person, die belehrt wird", "items": person_items(rng, p)})
    s["sections"].append({"head": "Arbeitgeber / Betrieb (künftige Tätigkeit)", "items": [
        ("Betrieb", f"Bäckerei {boss['nachname']} GmbH"), ("Anschrift des Betriebes", f"{D.street(boss)}, {boss['plz']} {boss['ort']}"),
        ("Telefon Betrieb", boss["telefon"])]})
    s["sections"].append({"head": "Belehrung", "items": [("Belehrt am", D.fmt_date(D.day(rng), "norm")),
                                                         ("Sprache der Belehrung", rng.choice(["deutsch", "türkisch", "polnisch"]))]})
    s["checks"] = [("Tätigkeit mit Lebensmitteln (§ 42 Abs. 1 IfSG)", True), ("Küche / Gemeinschaftsverpflegung", rng.random() < 0.5)]
    s["truth"], s["signer"] = person_truth(p), p
    return s


def masern(rng):
    s, parent = _base(rng, "masern_meldung"), D.person(rng)
    kid = D.child(rng, parent)
    s["sections"].append({"head": "Angaben zum Kind", "items": person_items(rng, kid)})
    s["sections"].append({"head": "Personensorgeberechtigte/r", "items": [
        ("Name, Vorname", f"{parent['nachname']}, {parent['vorname']}"), ("Telefon", parent["telefon"]),
        ("E-Mail", parent["email"])]})
    kita = D.address(rng)
    s["sections"].append({"head": "Gemeinschaftseinrichtung", "items": [
        ("Einrichtung", f"Kita {rng.choice(['Sonnenblume', 'Pusteblume', 'Wattwurm', 'Regenbogen'])}"),
        ("Anschrift der Einrichtung", f"{D.street(kita)}, {kita['plz']} {kita['ort']}"),
        ("Betreut seit", D.fmt_date(D.day(rng, D.dt.date(2024, 8, 1), 500), "norm"))]})
    s["checks"] = [("Impfdokumentation liegt vor", False), ("ärztliches Zeugnis über Immunität", rng.random() < 0.5),
                   ("Nachweis wurde nicht vorgelegt", True)]
    s["truth"], s["signer"] = {**person_truth(kid), "telefon": parent["telefon"], "email": parent["email"]}, parent
    return s


def waffen(rng):
    s, p = _base(rng, "waffen_antrag"), D.person(rng)
    s["sections"].append({"head": "Antragstellerin / Antragsteller", "items": person_items(rng, p)
                          + [("Geburtsort", rng.choice(D.ORTE)), ("Staatsangehörigkeit", "deutsch")]})
    s["sections"].append({"head": "Bedürfnis / Sachkunde", "items": [
        ("Verein / Schießstätte", D.verein(rng)),
        ("Sachkundeprüfung abgelegt am", D.fmt_date(D.day(rng, D.dt.date(2020, 1, 1), 1500), "norm"))]})
    if rng.random() < 0.4:
        s["sections"].append(_rep(rng)[1])
    s["checks"] = [("Waffenbesitzkarte (grün) für Sportschützen", True), ("Europäischer Feuerwaffenpass", False),
                   ("Kleiner Waffenschein", False)]
    s["truth"], s["signer"] = person_truth(p), p
    return s


def tier(rng):
    s, p, site = _base(rng, "tierhaltung"), D.person(rng), D.address(rng)
    s["sections"].append({"head": "Tierhalterin / Tierhalter", "items": person_items(rng, p, birth=False, phone=True)})
    s["sections"].append({"head": "Standort der Tierhaltung", "items": [
        ("Standort (Straße, Nr.)", D.street(site)), ("PLZ / Ort des Standortes", f"{site['plz']} {site['ort']}"),
        ("Tierart / Anzahl", rng.choice(["Schafe / 14", "Hund (Rasse: Kangal) / 1", "Legehennen / 220", "Ziegen / 6"])),
        ("Beginn der Haltung", D.fmt_date(D.day(rng), "norm")),
        ("Registriernummer", f"276 0{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}")]})
    s["truth"], s["signer"] = {**person_truth(p, birth=False), "telefon": p["telefon"]}, p
    return s


def sport(rng):
    s, chair, club, tre = _base(rng, "sportstaetten_foerderung"), D.person(rng), D.address(rng), D.person(rng)
    v, i = D.verein(rng), D.iban(rng)
    norm, shown = D.betrag(rng)
    s["sections"].append({"head": "Antragsteller (Verein)", "items": [("Name des Vereins", v)]
                          + [(lab.replace("Wohn", "Vereins").replace("Hauptwohnsitz", "Vereinssitz"), val)
                             for lab, val in address_items(rng, club)]})
    s["sections"].append({"head": "vertreten durch (1. Vorsitzende/r)", "items": name_items(rng, chair)
                          + [("Privatanschrift", f"{D.street(chair)}, {chair['plz']} {chair['ort']}")]})
    s["sections"].append({"head": "Kassenwart/in", "items": [("Name", f"{tre['vorname']} {tre['nachname']}"),
                                                            ("Telefon", tre["telefon"])]})
    s["sections"].append({"head": "Finanzierung", "items": [
        ("Gesamtkosten", f"{int(norm.split(',')[0].replace('.', '')) * 3:,}".replace(",", ".") + ",00 €"),
        ("Eigenmittel", f"{rng.randint(2, 90) * 1000:,}".replace(",", ".") + ",00 €"),
        ("Beantragter Zuschuss", shown), iban_item(rng, i)]})
    s["truth"] = {"verein": v, "vorname": chair["vorname"], "nachname": chair["nachname"], "strasse": D.street(club),
                  "plz": club["plz"], "ort": club["ort"], "iban": i, "betrag_eur": norm}
    s["signer"] = chair
    s["sender"] = {**club, "vorname": "", "nachname": v, "telefon": "", "email": ""}
    s["intro"] = "namens und im Auftrag unseres Vereins beantragen wir einen Zuschuss."
    return s


def egh(rng):
    s, p, carer = _base(rng, "eingliederungshilfe"), D.person(rng), D.person(rng)
    i = D.iban(rng)
    s["sections"].append({"head": "Leistungsberechtigte Person", "items": person_items(rng, p)})
    s["sections"].append({"head": "Gesetzliche Betreuerin / gesetzlicher Betreuer", "items": person_items(
        rng, carer, birth=False, phone=True)})
    s["sections"].append({"head": "Bankverbindung für Zahlungen", "items": [
        ("Kontoinhaber/in", rng.choice([f"{p['vorname']} {p['nachname']}", f"{carer['vorname']} {carer['nachname']}"])),
        iban_item(rng, i), ("Leistung ab", D.fmt_date(D.day(rng), "norm"))]})
    s["checks"] = [("Assistenzleistungen", True), ("Teilhabe am Arbeitsleben", rng.random() < 0.5),
                   ("Leistungen zur Teilhabe an Bildung", False)]
    s["truth"], s["signer"] = {**person_truth(p), "iban": i}, carer
    s["sender_counts"] = False
    s["intro"] = "als gesetzliche Betreuung beantrage ich für die unten genannte Person Leistungen."
    return s


def sonst(rng):
    title, intro = rng.choice(SONST_TITLES)
    s, p, phone = _base(rng, "kfz_zulassung", title=title), D.person(rng), rng.random() < 0.5
    s["sections"].append({"head": "Absender/in", "items": person_items(rng, p, birth=False, phone=phone)})
    s["truth"] = {**person_truth(p, birth=False), **({"telefon": p["telefon"]} if phone else {})}
    s["sections"].append({"head": "Anliegen", "items": [("Betreff", title), ("Bescheid / Schreiben vom", D.fmt_date(
        D.day(rng, D.dt.date(2025, 10, 1), 90), "norm"))]})
    s["intro"], s["signer"] = intro, p
    return s


BUILDERS = {"kfz_zulassung": kfz, "bauantrag": bau, "ifsg_belehrung": ifsg, "masern_meldung": masern,
            "waffen_antrag": waffen, "tierhaltung": tier, "sportstaetten_foerderung": sport,
            "eingliederungshilfe": egh, "sonstiges": sonst}
TYPES = tuple(BUILDERS)


def build(rng: random.Random, doctype: str) -> dict:
    spec = BUILDERS[doctype](rng)
    signed = D.day(rng)
    spec["place"] = spec["signer"]["ort"]
    spec.setdefault("sender", spec["signer"])
    sender = spec["sender"]
    # a letter's footer shows the sender's phone and e-mail: truth where the sender's contact counts
    spec["footer_truth"] = {k: sender[k] for k in ("telefon", "email") if sender[k]} \
        if spec.get("sender_counts", True) else {}
    return finish(rng, spec, doctype, D.aktenzeichen(rng, doctype), signed)
