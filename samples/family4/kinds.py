"""One spec per document type: the persons on the form (one whose values are the truth, others
that are distractors), the type's own items, the file number and the numbers beside it."""

from __future__ import annotations

import random

import data as D

TITLES = {
    "kfz_zulassung": ["Antrag auf Zulassung eines Fahrzeugs zum Straßenverkehr", "Zulassung – Antragsformular (FZV)",
                      "Antrag auf Umschreibung und Zulassung"],
    "bauantrag": ["Bauantrag nach Art. 64 BayBO", "Antrag auf Baugenehmigung – Bauvorlage Nr. 1",
                  "Bauantrag im vereinfachten Genehmigungsverfahren"],
    "ifsg_belehrung": ["Erstbelehrung nach § 43 IfSG – Anmeldung", "Anmeldung zur Belehrung gemäß § 43 Infektionsschutzgesetz"],
    "masern_meldung": ["Meldung an das Gesundheitsamt nach § 20 Abs. 9 IfSG (Masern)",
                       "Mitteilung: kein Nachweis über Masernschutz vorgelegt"],
    "waffen_antrag": ["Antrag auf Erteilung einer Waffenbesitzkarte (§ 10 WaffG)", "Waffenrechtlicher Antrag – Erlaubnis"],
    "tierhaltung": ["Anzeige einer Tierhaltung bei der Tierseuchenkasse / Veterinäramt", "Anmeldung Tierhaltung (§ 26 ViehVerkV)"],
    "sportstaetten_foerderung": ["Antrag auf Gewährung einer Zuwendung zur Sportstättenförderung",
                                 "Zuschussantrag Vereinssportstätten"],
    "eingliederungshilfe": ["Antrag auf Eingliederungshilfe nach Teil 2 SGB IX", "Eingliederungshilfe – Erstantrag"],
}
SONST = ["Widerspruch gegen den Abfallgebührenbescheid", "Antrag auf Befreiung von der Biotonne",
         "Anfrage zum Stand meines Verfahrens", "Änderungsmitteilung – neue Bankverbindung", "Beschwerde über Baulärm"]


def block(head: str, p: dict, who: str = "self", birth: bool = True, phone: bool = False, email: bool = False,
          place: bool = False, org: str = "", address: bool = True) -> dict:
    return {"head": head, "p": p, "who": who, "birth": birth, "phone": phone, "email": email, "place": place,
            "org": org, "address": address}


def person_truth(b: dict) -> dict:
    p = b["p"]
    t = {"vorname": p["vorname"], "nachname": p["nachname"], "strasse": D.street(p), "plz": p["plz"], "ort": p["ort"]}
    if b["birth"]:
        t["geburtsdatum"] = D.norm(p["geburtsdatum"])
    t.update({k: p[k] for k in ("telefon", "email") if b[k if k == "email" else "phone"]})
    return t


def _iban_shown(rng, i):
    return D.spaced(i) if rng.random() < 0.6 else i


def kfz(rng):
    h, f, e, k, i = D.person(rng), D.fin(rng), D.evb(rng), D.kennzeichen(rng), D.iban(rng)
    ph = rng.random() < 0.5
    main = block("Halterin / Halter", h, phone=ph, place=True)
    others = []
    if rng.random() < 0.5:
        others.append(block("Bevollmächtigte/r", D.person(rng), birth=False, phone=ph))
    if rng.random() < 0.5:
        others.append(block("Kontoinhaber/in (falls abweichend)", D.person(rng), birth=False))
    items = [("Fahrzeug-Identifizierungsnummer", f), ("eVB-Nummer", e), ("Wunschkennzeichen (reserviert)", k),
             ("Tag der Erstzulassung", D.shown_date(rng, D.day(rng, D.dt.date(2010, 1, 1), 4000))),
             ("IBAN (SEPA-Lastschrift Kfz-Steuer)", _iban_shown(rng, i))]
    return main, others, items, {"fin": f, "evb": e, "kennzeichen": k, "iban": i}


def bau(rng):
    b, site = D.person(rng), D.address(rng)
    gem, flur = rng.choice(D.GEMARKUNGEN), str(rng.randint(1, 60))
    fst = f"{rng.randint(1, 900)}/{rng.randint(1, 40)}" if rng.random() < 0.6 else str(rng.randint(1, 2000))
    main = block("Bauherr/in", b, birth=False, phone=True, email=rng.random() < 0.5)
    others = [block("Entwurfsverfasser/in (bauvorlageberechtigt)", D.person(rng), birth=False, phone=True)]
    if rng.random() < 0.4:
        others.append(block("Grundstückseigentümer/in (falls nicht Bauherr/in)", D.person(rng), birth=False))
    items = [("Baugrundstück (Straße, Hausnummer)", D.street(site)), ("Gemarkung", gem), ("Flur-Nr.", flur),
             ("Flurstück-Nr.", fst), ("Vorhaben", rng.choice(["Errichtung eines Zweifamilienhauses", "Umbau Stadel zu Wohnraum",
                                                              "Neubau Doppelgarage"]))]
    return main, others, items, {"gemarkung": gem, "flur": flur, "flurstueck": fst}


def ifsg(rng):
    p, boss = D.person(rng), D.person(rng)
    main = block("Angaben zur teilnehmenden Person", p, place=rng.random() < 0.5, email=rng.random() < 0.4)
    others = [block("Künftige/r Arbeitgeber/in", boss, birth=False, org=f"Gasthof {boss['nachname']}")]
    items = [("Tätigkeit", rng.choice(["Küchenhilfe", "Service", "Metzgerei-Verkauf"])),
             ("Gewünschter Belehrungstermin", D.shown_date(rng, D.day(rng)))]
    return main, others, items, {}


def masern(rng):
    parent = D.person(rng)
    kid = D.person(rng, nachname=parent["nachname"], old=False)
    kid.update({k: parent[k] for k in ("strasse", "hausnr", "plz", "ort")})
    main = block("Betroffenes Kind", kid, who="third")
    others = [block("Erziehungsberechtigte/r", parent, birth=False, address=rng.random() < 0.5)]
    kita = D.address(rng)
    items = [("Gemeinschaftseinrichtung", f"Kinderhaus {rng.choice(['St. Anna', 'Zwergerl', 'Sonnenschein'])}"),
             ("Anschrift der Einrichtung", f"{D.street(kita)}, {kita['plz']} {kita['ort']}"),
             ("Aufnahme in die Einrichtung am", D.shown_date(rng, D.day(rng, D.dt.date(2024, 9, 1), 400)))]
    return main, others, items, {}


def waffen(rng):
    p = D.person(rng)
    main = block("Antragsteller/in", p, place=True, phone=rng.random() < 0.4)
    others = [block("Bevollmächtigte/r", D.person(rng), birth=False, phone=main["phone"])] if rng.random() < 0.5 else []
    items = [("Schießsportverein", D.verein(rng)), ("Mitglied seit", D.shown_date(rng, D.day(rng, D.dt.date(2015, 1, 1), 3000))),
             ("Sachkunde nachgewiesen am", D.shown_date(rng, D.day(rng, D.dt.date(2019, 1, 1), 2000)))]
    return main, others, items, {}


def tier(rng):
    p, site = D.person(rng), D.address(rng)
    main = block("Tierhalter/in", p, birth=False, phone=True)
    items = [("Standort der Tiere (Straße, Nr., PLZ, Ort)", f"{D.street(site)}, {site['plz']} {site['ort']}"),
             ("Tierart und Anzahl", rng.choice(["Rinder, 42", "Schafe, 18", "Pferde, 3", "Bienenvölker, 12"])),
             ("Betriebsnummer (HIT)", f"09 {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"),
             ("Haltung seit", D.shown_date(rng, D.day(rng, D.dt.date(2018, 1, 1), 2500)))]
    return main, [], items, {}


def sport(rng):
    chair, club, kass = D.person(rng), D.address(rng), D.person(rng)
    v, i = D.verein(rng), D.iban(rng)
    n, shown = D.betrag(rng)
    main = block("Antragsteller (Verein)", {**club, "vorname": chair["vorname"], "nachname": chair["nachname"],
                                            "geburtsdatum": chair["geburtsdatum"], "telefon": "", "email": ""},
                 who="club", birth=False, org=v)
    others = [block("Vorsitzende/r – Privatanschrift", chair, birth=False, who="private"),
              block("Kassier/in", kass, birth=False)]
    items = [("Gesamtkosten der Maßnahme", D.betrag(rng)[1]), ("Eigenleistung des Vereins", D.betrag(rng)[1]),
             ("Beantragte Zuwendung", shown), ("IBAN des Vereins", _iban_shown(rng, i))]
    return main, others, items, {"verein": v, "iban": i, "betrag_eur": n}


def egh(rng):
    p, carer, i = D.person(rng), D.person(rng), D.iban(rng)
    main = block("Leistungsberechtigte Person", p, who="third")
    others = [block("Gesetzliche/r Betreuer/in", carer, birth=False)]
    if rng.random() < 0.5:
        others.append(block("Kontoinhaber/in", D.person(rng), birth=False))
    items = [("IBAN", _iban_shown(rng, i)), ("Leistungen gewünscht ab", D.shown_date(rng, D.day(rng)))]
    return main, others, items, {"iban": i}


def sonst(rng):
    p = D.person(rng)
    main = block("Absender/in", p, birth=False, phone=rng.random() < 0.5)
    items = [("Bescheid vom", D.shown_date(rng, D.day(rng, D.dt.date(2025, 9, 1), 120)))]
    return main, [], items, {}


BUILDERS = {"kfz_zulassung": kfz, "bauantrag": bau, "ifsg_belehrung": ifsg, "masern_meldung": masern,
            "waffen_antrag": waffen, "tierhaltung": tier, "sportstaetten_foerderung": sport,
            "eingliederungshilfe": egh, "sonstiges": sonst}
TYPES = tuple(BUILDERS)
STAMPS = ["Eingang: {d}", "EINGEGANGEN\n{d}", "Landratsamt – Posteingang\n{d}", "Eing. {d}", "Zugegangen am {d}",
          "Tag des Eingangs: {d}", "Empfangen {d}"]


def build(rng: random.Random, doctype: str) -> dict:
    main, others, items, truth = BUILDERS[doctype](rng)
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
        refs.append((rng.choice(["Aktenzeichen", "Az.", "Geschäftszeichen", "Aktenzeichen (bitte angeben)", "Gz."]), az))
        t["aktenzeichen"] = az
    if rng.random() < 0.6:
        refs.insert(rng.randrange(len(refs) + 1), D.distractor_ref(rng))
    stamp = None
    if rng.random() < 0.5:
        got = signed + D.dt.timedelta(days=rng.randint(1, 9))
        stamp = rng.choice(STAMPS).format(d=rng.choice([D.norm(got), f"{got.day:02d}. {D.MONATE[got.month - 1][:3].upper()}. {got.year}",
                                                        f"{got.day}.{got.month}.{got.year % 100:02d}"]))
        t["eingangsdatum"] = D.norm(got)
    signer = others[0]["p"] if doctype in ("eingliederungshilfe", "masern_meldung") else main["p"]
    return {"type": doctype, "title": title, "main": main, "others": others, "items": items, "refs": refs,
            "signed": signed, "signed_shown": D.shown_date(rng, signed), "place": signer["ort"], "signer": signer,
            "stamp": stamp, "truth": t, "az": az}
