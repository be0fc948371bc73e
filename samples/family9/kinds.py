"""The nine kinds of family9: titles after real county forms, the other persons, type fields and truth."""

from __future__ import annotations

import random
import string
from datetime import timedelta

from family_make import TRUTH_FIELDS
from data import BEHOERDEN, GEMARKUNGEN, SACHBEARBEITER, STRASSEN, ORTE, VEREINE, day, fmt, iban, norm, person

TYPES = ["kfz_zulassung", "bauantrag", "ifsg_belehrung", "masern_meldung", "waffen_antrag", "tierhaltung",
         "sportstaetten_foerderung", "eingliederungshilfe", "sonstiges"]

TITLES = {  # title, department, checkbox choices
    "kfz_zulassung": ("Antrag auf Zulassung / Umschreibung eines Kraftfahrzeuges", "Zulassungsbehörde",
                      ["Erstzulassung", "Umschreibung von außerhalb", "Halterwechsel im Kreis", "Saisonkennzeichen"]),
    "bauantrag": ("Antrag auf Baugenehmigung (§ 63 LBauO)", "Bauaufsicht – Untere Bauaufsichtsbehörde",
                  ["Neubau Wohngebäude", "Anbau", "Garage/Carport", "Nutzungsänderung"]),
    "ifsg_belehrung": ("Antrag auf Erstbelehrung gemäß § 43 Abs. 1 Infektionsschutzgesetz",
                       "Gesundheitsamt – Infektionsschutz", ["Küche", "Eisdiele", "Fleischverarbeitung", "Milchprodukte"]),
    "masern_meldung": ("Benachrichtigung des Gesundheitsamtes: fehlender Nachweis über Masernschutz (§ 20 Abs. 9 IfSG)",
                       "Gesundheitsamt", ["Kindertagesstätte", "Kindertagespflege", "Schule"]),
    "waffen_antrag": ("Antrag auf Erteilung einer waffenrechtlichen Erlaubnis (Waffenbesitzkarte)", "Waffenbehörde",
                      ["Jäger", "Sportschütze", "Erbe", "Sammler"]),
    "tierhaltung": ("Registrierung einer Tierhaltung nach § 26 Viehverkehrsverordnung", "Veterinäramt",
                    ["Schweine", "Rinder", "Schafe", "Ziegen", "Pferde", "Hühner"]),
    "sportstaetten_foerderung": ("Antrag auf Gewährung einer Zuwendung aus Mitteln der Sportförderung des Kreises",
                                 "Sport und Ehrenamt", ["Sportstättenbau", "Sportgeräte", "Übungsleiter", "Jugendarbeit"]),
    "eingliederungshilfe": ("Antrag auf Leistungen der Eingliederungshilfe nach Teil 2 SGB IX", "Teilhabe und Soziales",
                            ["Soziale Teilhabe", "Teilhabe an Bildung", "Teilhabe am Arbeitsleben", "Assistenz"]),
    "sonstiges": ("Antrag auf Akteneinsicht", "Bürgerservice", []),
}
OTHER_ROLES = {
    "kfz_zulassung": ["Kontoinhaber/in (SEPA-Lastschrift Kfz-Steuer)", "Bevollmächtigte/r"],
    "bauantrag": ["Entwurfsverfasser/in (bauvorlageberechtigt)", "Grundstückseigentümer/in"],
    "ifsg_belehrung": ["Arbeitgeber/in"],
    "masern_meldung": ["Personensorgeberechtigte/r"],
    "waffen_antrag": ["Bürge/Bürgin (Sachkunde)"],
    "tierhaltung": ["Betriebsleiter/in"],
    "sportstaetten_foerderung": ["Kassierer/in"],
    "eingliederungshilfe": ["Rechtliche/r Betreuer/in", "Kontoinhaber/in"],
    "sonstiges": ["Bevollmächtigte/r"],
}
MAIN_ROLE = {"masern_meldung": "Kind", "eingliederungshilfe": "Leistungsberechtigte Person",
             "sportstaetten_foerderung": "Vertretungsberechtigte/r (1. Vorsitzende/r)", "bauantrag": "Bauherr/in"}
FIELDS = TRUTH_FIELDS
KITAS = ["Kita Regenbogen", "Ev. Kindergarten Arche Noah", "Grundschule am Wäller Tor", "Kita Pusteblume"]


def aktenzeichen(rng: random.Random) -> str:
    return rng.choice(["{b}.{k}-{n}/{y}", "II/{m}-{n:04d}/26", "FB {k}.{b}-{y}/{n:05d}", "{m} Ba {n}/{y}",
                       "{m}.{k}-WBK-{n}/26", "L-{n}.{k}/{y}"]).format(
        b=rng.randint(1, 6), k=rng.randint(1, 9), n=rng.randint(100, 9999), m=rng.randint(30, 69), y=2026)


def type_values(rng: random.Random, doctype: str) -> dict:
    v: dict = {}
    if doctype == "kfz_zulassung":
        v["kennzeichen"] = (f"{rng.choice(['WW', 'BIT', 'SIM', 'MYK', 'SOK', 'J'])}-"
                            f"{''.join(rng.choices('ABCDEFGHJKLMNPRSTUVWXYZ', k=rng.randint(1, 2)))} {rng.randint(1, 999)}")
        v["fin"] = rng.choice(["WVW", "WBA", "VF1", "TMB", "WF0"]) + "".join(rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", k=14))
        v["evb"] = "".join(rng.choices(string.ascii_uppercase + string.digits, k=7))
        v["iban"] = iban(rng)
    elif doctype == "bauantrag":
        v.update(gemarkung=rng.choice(GEMARKUNGEN), flur=str(rng.randint(1, 24)),
                 flurstueck=rng.choice([str(rng.randint(1, 1999)), f"{rng.randint(1, 899)}/{rng.randint(1, 12)}"]))
    elif doctype == "sportstaetten_foerderung":
        v.update(verein=rng.choice(VEREINE), iban=iban(rng),
                 betrag_eur=f"{rng.randint(1, 48)}.{rng.randint(0, 999):03d},{rng.choice(['00', '00', '40'])}")
    elif doctype == "eingliederungshilfe":
        v["iban"] = iban(rng)
    return v


def _club(rng: random.Random) -> dict:
    plz, ort = rng.choice(ORTE)
    return {"strasse": f"{rng.choice(['Sportplatz', 'Am Sportfeld', 'Stadionweg', 'Turnhallenstraße'])} "
                       f"{rng.randint(1, 30)}", "plz": plz, "ort": ort, "vr": f"VR {rng.randint(100, 9999)}"}


def build(rng: random.Random, doctype: str) -> dict:
    young = doctype == "masern_meldung"
    main = person(rng, 2016, 2023) if young else person(rng)
    others = [dict(person(rng), role=r) for r in OTHER_ROLES[doctype]]
    if young:  # the child lives with the parent, mostly of the same name
        others[0].update(strasse=main["strasse"], plz=main["plz"], ort=main["ort"])
        if rng.random() < 0.7:
            others[0]["nachname"] = main["nachname"]
    antrag = day(rng, 2026, 2026)
    beh = rng.choice(BEHOERDEN)
    spec = {"type": doctype, "title": TITLES[doctype], "main": main, "others": others, "role": MAIN_ROLE.get(doctype, "Antragsteller/in"),
            "values": type_values(rng, doctype), "behoerde": beh, "sb": rng.choice(SACHBEARBEITER),
            "az": aktenzeichen(rng) if rng.random() < 0.8 else None,
            "nebennr": rng.choice([("Kassenzeichen", f"{rng.randint(10, 99)}.{rng.randint(100, 999)}.{rng.randint(10000, 99999)}"),
                                   ("Kunden-Nr.", str(rng.randint(1000000, 9999999))),
                                   ("Registriernummer", f"DE 07 {rng.randint(100, 999)} {rng.randint(1000, 9999)}")]),
            "antrag": antrag, "datestyle": rng.choice(["dmy", "long", "short", "nopad"]),
            "eingang": antrag + timedelta(days=rng.randint(1, 12)) if rng.random() < 0.6 else None,
            "show_tel": rng.random() < 0.6, "show_mail": rng.random() < 0.3,
            "check": rng.choice(TITLES[doctype][2]) if TITLES[doctype][2] else None,
            "kita": (rng.choice(KITAS), f"{rng.choice(STRASSEN)} {rng.randint(1, 60)}", *rng.choice(ORTE)),
            "club": _club(rng) if doctype == "sportstaetten_foerderung" else None}
    spec["truth"] = truth(spec)
    return spec


def truth(spec: dict) -> dict:
    main, vals, t = spec["main"], spec["values"], {}
    for f in FIELDS[spec["type"]]:
        if f in main:
            t[f] = norm(main[f]) if f == "geburtsdatum" else main[f]
        elif f in vals:
            t[f] = vals[f]
    if spec["club"]:  # the club's address, the chair's name
        t.update({k: spec["club"][k] for k in ("strasse", "plz", "ort")})
    t["antragsdatum"] = norm(spec["antrag"])
    if spec["az"]:
        t["aktenzeichen"] = spec["az"]
    else:
        t.pop("aktenzeichen", None)
    if spec["eingang"]:
        t["eingangsdatum"] = norm(spec["eingang"])
    if spec["show_tel"] and spec["type"] != "masern_meldung":
        t["telefon"] = main["telefon"]
    if spec["show_mail"] and spec["type"] != "masern_meldung":
        t["email"] = main["email"]
    return t


def fdate(spec: dict, d) -> str:
    return fmt(d, spec["datestyle"])
