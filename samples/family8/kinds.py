"""The nine kinds of family8: who is the main person, which other persons appear, type fields and truth."""

from __future__ import annotations

import random
import string
from datetime import timedelta

from family_make import TRUTH_FIELDS
from data import BEHOERDEN, GEMARKUNGEN, VEREINE, day, fmt, iban, norm, person

TYPES = ["kfz_zulassung", "bauantrag", "ifsg_belehrung", "masern_meldung", "waffen_antrag", "tierhaltung",
         "sportstaetten_foerderung", "eingliederungshilfe", "sonstiges"]

TITLES = {
    "kfz_zulassung": ("Antrag auf Zulassung eines Fahrzeugs", "Straßenverkehrsamt – Zulassungsstelle",
                      ["Neuzulassung", "Umschreibung", "Wiederzulassung", "Halterwechsel"]),
    "bauantrag": ("Bauantrag – Antrag auf Baugenehmigung", "Untere Bauaufsichtsbehörde",
                  ["Errichtung", "Änderung", "Nutzungsänderung", "Abbruch"]),
    "ifsg_belehrung": ("Anmeldung zur Belehrung nach § 43 Infektionsschutzgesetz", "Gesundheitsamt",
                       ["Gastronomie", "Gemeinschaftsverpflegung", "Bäckerei", "Metzgerei"]),
    "masern_meldung": ("Nachweis über den Masernschutz nach § 20 Abs. 9 IfSG", "Gesundheitsamt",
                       ["Impfdokumentation", "ärztliches Zeugnis (Immunität)", "Kontraindikation"]),
    "waffen_antrag": ("Antrag auf Erteilung einer Waffenbesitzkarte", "Öffentliche Sicherheit und Ordnung",
                      ["grüne WBK (§ 10 WaffG)", "gelbe WBK Sportschütze", "WBK infolge Erbfalls", "Kleiner Waffenschein"]),
    "tierhaltung": ("Anzeige einer Tierhaltung nach § 26 ViehVerkV", "Veterinäramt",
                    ["Rinder", "Schafe/Ziegen", "Geflügel", "Einhufer", "Bienen"]),
    "sportstaetten_foerderung": ("Antrag auf Förderung des vereinseigenen Sportstättenbaus", "Sportförderung",
                                 ["Neubau", "Sanierung", "Erweiterung", "Ausstattung"]),
    "eingliederungshilfe": ("Antrag auf Leistungen der Eingliederungshilfe (SGB IX)", "Sozialamt – Teilhabe",
                            ["Assistenzleistungen", "Leistungen zur Teilhabe an Bildung", "Werkstatt", "Wohnen"]),
    "sonstiges": ("Widerspruch / Mitteilung", "Bürgerbüro", []),
}
OTHER_ROLES = {
    "kfz_zulassung": ["Bevollmächtigte/r (Zulassungsdienst)", "Kontoinhaber/in (Kfz-Steuer)"],
    "bauantrag": ["Entwurfsverfasser/in", "Grundstückseigentümer/in"],
    "ifsg_belehrung": ["Arbeitgeber/in"],
    "masern_meldung": ["Sorgeberechtigte/r"],
    "waffen_antrag": ["Ehegatte/Ehegattin"],
    "tierhaltung": ["Vertreter/in im Betrieb"],
    "sportstaetten_foerderung": ["Kassenwart/in"],
    "eingliederungshilfe": ["gesetzliche/r Betreuer/in", "Kontoinhaber/in"],
    "sonstiges": ["Bevollmächtigte/r"],
}
FIELDS = TRUTH_FIELDS


def aktenzeichen(rng: random.Random) -> str:
    return rng.choice(["{a}-{n}/2026", "{a}.{k}-{n}", "{a} {m}.{k}-{n}/26", "{a}/{k}/{n}"]).format(
        a=rng.choice(["SG 32", "41.2", "BA", "VET", "GA 53", "OA"]), n=rng.randint(100, 9999),
        m=rng.randint(10, 99), k=rng.randint(1, 9))


def type_values(rng: random.Random, doctype: str) -> dict:
    v: dict = {}
    if doctype == "kfz_zulassung":
        v["kennzeichen"] = f"{rng.choice(['NEW', 'AM', 'OA', 'NM', 'TIR'])}-{''.join(rng.choices('ABCDEFGHKLMNPRSTUVZ', k=rng.randint(1, 2)))} {rng.randint(1, 9999)}"
        v["fin"] = "W" + "".join(rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", k=16))
        v["evb"] = "".join(rng.choices(string.ascii_uppercase + string.digits, k=7))
        v["iban"] = iban(rng)
    elif doctype == "bauantrag":
        v.update(gemarkung=rng.choice(GEMARKUNGEN), flur=str(rng.randint(1, 30)),
                 flurstueck=rng.choice([str(rng.randint(1, 2999)), f"{rng.randint(1, 999)}/{rng.randint(1, 40)}"]))
    elif doctype == "sportstaetten_foerderung":
        v.update(verein=rng.choice(VEREINE), iban=iban(rng),
                 betrag_eur=f"{rng.randint(2, 95)}.{rng.randint(0, 999):03d},{rng.choice(['00', '00', '50'])}")
    elif doctype == "eingliederungshilfe":
        v["iban"] = iban(rng)
    return v


def build(rng: random.Random, doctype: str) -> dict:
    young = doctype == "masern_meldung"
    main = person(rng, 2019, 2024) if young else person(rng)
    others = [dict(person(rng), role=r) for r in OTHER_ROLES[doctype]]
    if young:  # the child lives with the parent
        others[0].update(strasse=main["strasse"], plz=main["plz"], ort=main["ort"], nachname=main["nachname"])
    antrag = day(rng, 2026, 2026)
    spec = {"type": doctype, "title": TITLES[doctype], "main": main, "others": others, "values": type_values(rng, doctype),
            "behoerde": rng.choice(BEHOERDEN), "az": aktenzeichen(rng) if rng.random() < 0.75 else None,
            "kassenzeichen": f"{rng.randint(1, 9)}.{rng.randint(1000, 9999)}.{rng.randint(100000, 999999)}",
            "antrag": antrag, "datestyle": rng.choice(["dmy", "long", "short", "iso"]),
            "eingang": antrag + timedelta(days=rng.randint(1, 9)) if rng.random() < 0.55 else None,
            "nachricht_vom": antrag - timedelta(days=rng.randint(10, 60)), "show_tel": rng.random() < 0.6,
            "check": rng.choice(TITLES[doctype][2]) if TITLES[doctype][2] else None}
    spec["truth"] = truth(spec)
    return spec


def truth(spec: dict) -> dict:
    main, vals, t = spec["main"], spec["values"], {}
    for f in FIELDS[spec["type"]]:
        if f in main:
            t[f] = norm(main[f]) if f == "geburtsdatum" else main[f]
        elif f in vals:
            t[f] = vals[f]
    if spec["type"] == "sportstaetten_foerderung":  # the club's address, the chair's name
        club = spec.setdefault("club", {})
        t.update(strasse=club.get("strasse", main["strasse"]), plz=club.get("plz", main["plz"]),
                 ort=club.get("ort", main["ort"]))
    t["antragsdatum"] = norm(spec["antrag"])
    if spec["az"]:
        t["aktenzeichen"] = spec["az"]
    else:
        t.pop("aktenzeichen", None)
    if spec["eingang"]:
        t["eingangsdatum"] = norm(spec["eingang"])
    if spec["show_tel"] and spec["type"] != "masern_meldung":
        t["telefon"] = main["telefon"]
    return t


def fdate(spec: dict, d) -> str:
    return fmt(d, spec["datestyle"])
