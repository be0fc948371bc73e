"""The nine kinds of family10: titles after portal services and Fachverfahren forms, the type's own questions,
the other persons, and the truth."""

from __future__ import annotations

import random
import string
from datetime import timedelta

from family_make import TRUTH_FIELDS
from data import BEHOERDEN, GEMARKUNGEN, VEREINE, ORTE, day, fmt, iban, norm, person

TYPES = ["kfz_zulassung", "bauantrag", "ifsg_belehrung", "masern_meldung", "waffen_antrag", "tierhaltung",
         "sportstaetten_foerderung", "eingliederungshilfe", "sonstiges"]

TITLES = {  # online service / form title, the matter in a sentence (for letters and e-mails)
    "kfz_zulassung": ("Fahrzeugzulassung online (i-Kfz) – Wiederzulassung", "die Wiederzulassung meines Fahrzeugs"),
    "bauantrag": ("Bauantrag im vereinfachten Genehmigungsverfahren", "die Baugenehmigung für einen Carport"),
    "ifsg_belehrung": ("Terminbuchung: Belehrung nach § 43 IfSG (Gesundheitszeugnis)",
                       "einen Termin für die Belehrung nach § 43 Infektionsschutzgesetz"),
    "masern_meldung": ("Meldung nach § 20 Abs. 9 IfSG – Nachweis Masernschutz / proof of measles immunity",
                       "die Prüfung des Masernschutz-Nachweises meines Kindes"),
    "waffen_antrag": ("Antrag auf Ausstellung eines Kleinen Waffenscheins (§ 10 Abs. 4 WaffG)",
                      "die Erteilung eines Kleinen Waffenscheins"),
    "tierhaltung": ("Anzeige der Haltung von Tieren (§ 26 ViehVerkO) – Bienen, Geflügel, Schafe",
                    "die Registrierung meiner Tierhaltung"),
    "sportstaetten_foerderung": ("Förderantrag Vereinssport – Investitionen in Sportstätten",
                                 "einen Zuschuss zur Sanierung unseres Vereinsheims"),
    "eingliederungshilfe": ("Antrag auf Eingliederungshilfe / Application for integration assistance (SGB IX)",
                            "Leistungen der Eingliederungshilfe (Schulbegleitung)"),
    "sonstiges": ("Auskunftsersuchen nach Art. 15 DSGVO", "Auskunft über die zu meiner Person gespeicherten Daten"),
}
QUESTIONS = {  # field: (question label, numbered/bilingual label)
    "kennzeichen": ("Welches Kennzeichen soll zugeteilt werden?", "Amtl. Kennzeichen / Registration number"),
    "fin": ("Wie lautet die Fahrzeug-Identifizierungsnummer (FIN)?", "FIN / Vehicle identification number"),
    "evb": ("Bitte geben Sie Ihre eVB-Nummer an", "eVB-Nummer / Insurance confirmation"),
    "iban": ("Auf welches Konto soll gezahlt bzw. von welchem Konto abgebucht werden? (IBAN)", "IBAN"),
    "gemarkung": ("In welcher Gemarkung liegt das Baugrundstück?", "Gemarkung"),
    "flur": ("Flur", "Flur"),
    "flurstueck": ("Flurstück(e)", "Flurstück / Flurstücke"),
    "verein": ("Wie lautet der Name des Vereins?", "Name des Vereins (lt. Vereinsregister)"),
    "betrag_eur": ("Welche Fördersumme beantragen Sie (in Euro)?", "Beantragte Zuwendung (EUR)"),
}
OTHER_ROLE = {"masern_meldung": "Sorgeberechtigte Person / Parent", "eingliederungshilfe": "Gesetzliche Betreuung",
              "sportstaetten_foerderung": "Kassenwart/in", "bauantrag": "Entwurfsverfasser/in"}
FIELDS = TRUTH_FIELDS


def aktenzeichen(rng: random.Random) -> str:
    return rng.choice(["{m}.{k}-{n}/{y}", "{m} {kk} {n:05d}/26", "AZ-{y}-{n:06d}", "{kk}-{m}/{n}/{y}",
                       "{m}/{k}.{n}-{y}"]).format(
        m=rng.randint(10, 68), k=rng.randint(1, 9), n=rng.randint(100, 99999), y=2026,
        kk=rng.choice(["BA", "WA", "GA", "SO", "VA"]))


def vorgang(rng: random.Random) -> tuple[str, str]:
    label = rng.choice(["Vorgangsnummer", "Transaktionsnummer", "Antrags-ID", "Referenznummer"])
    return label, rng.choice([f"{rng.randint(2026000000, 2026999999)}",
                              "".join(rng.choices(string.ascii_uppercase + string.digits, k=4)) + "-"
                              + "".join(rng.choices(string.ascii_uppercase + string.digits, k=6)),
                              f"OZG-{rng.randint(100000, 999999)}-{rng.randint(10, 99)}"])


def type_values(rng: random.Random, doctype: str) -> dict:
    v: dict = {}
    if doctype == "kfz_zulassung":
        v["kennzeichen"] = (f"{rng.choice(['BZ', 'BAR', 'UE', 'GS', 'BL', 'RV', 'DL'])}-"
                            f"{''.join(rng.choices('ABCDEFGHJKLMNPRSTUVWXYZ', k=rng.randint(1, 2)))} {rng.randint(1, 9999)}")
        v["fin"] = rng.choice(["WVW", "WAU", "VR3", "TMA", "W0L"]) + "".join(rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", k=14))
        v["evb"] = "".join(rng.choices(string.ascii_uppercase + string.digits, k=7))
        v["iban"] = iban(rng)
    elif doctype == "bauantrag":
        v.update(gemarkung=rng.choice(GEMARKUNGEN), flur=str(rng.randint(1, 30)),
                 flurstueck=rng.choice([str(rng.randint(1, 2999)), f"{rng.randint(1, 999)}/{rng.randint(1, 40)}"]))
    elif doctype == "sportstaetten_foerderung":
        v.update(verein=rng.choice(VEREINE), iban=iban(rng),
                 betrag_eur=f"{rng.randint(1, 60)}.{rng.randint(0, 999):03d},{rng.choice(['00', '00', '50'])}")
    elif doctype == "eingliederungshilfe":
        v["iban"] = iban(rng)
    return v


def build(rng: random.Random, doctype: str) -> dict:
    young = doctype in ("masern_meldung",)
    main = person(rng, 2014, 2022) if young else person(rng)
    other = dict(person(rng), role=OTHER_ROLE.get(doctype, "Bevollmächtigte Person"))
    if young:
        other.update(strasse=main["strasse"], plz=main["plz"], ort=main["ort"], nachname=main["nachname"], co="")
        main["co"] = ""
    antrag = day(rng, 2026, 2026)
    club = None
    if doctype == "sportstaetten_foerderung":
        plz, ort = rng.choice(ORTE)
        club = {"strasse": f"{rng.choice(['Sportplatzweg', 'Am Stadion', 'Waldbadstraße'])} {rng.randint(1, 40)}",
                "plz": plz, "ort": ort}
    spec = {"type": doctype, "title": TITLES[doctype], "main": main, "other": other, "values": type_values(rng, doctype),
            "behoerde": rng.choice(BEHOERDEN), "az": aktenzeichen(rng) if rng.random() < 0.75 else None,
            "vorgang": vorgang(rng), "antrag": antrag, "hour": f"{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}",
            "datestyle": rng.choice(["dmy", "long", "iso", "nopad"]), "caps": rng.random() < 0.4,
            "eingang": antrag + timedelta(days=rng.randint(1, 9)) if rng.random() < 0.5 else None,
            "show_tel": rng.random() < 0.6, "club": club, "other_shown": rng.random() < 0.6,
            "truth_fields": FIELDS[doctype]}
    return spec


def truth(spec: dict, *, eingang: bool = True, email: bool = False) -> dict:
    """What the document shows of the main person (the child; the club with its chair), the type's values,
    the date of the application, the authority's file number; eingang only where a stamp shows it."""
    main, vals, t = spec["main"], spec["values"], {}
    for f in FIELDS[spec["type"]]:
        if f in main:
            t[f] = norm(main[f]) if f == "geburtsdatum" else main[f]
        elif f in vals:
            t[f] = vals[f]
    if spec["club"]:
        t.update({k: spec["club"][k] for k in ("strasse", "plz", "ort")})
    t["antragsdatum"] = norm(spec["antrag"])
    if spec["az"]:
        t["aktenzeichen"] = spec["az"]
    else:
        t.pop("aktenzeichen", None)
    if eingang and spec["eingang"]:
        t["eingangsdatum"] = norm(spec["eingang"])
    if spec["show_tel"] and spec["type"] != "masern_meldung":
        t["telefon"] = main["telefon"]
    if email and spec["type"] != "masern_meldung":
        t["email"] = main["email"]
    return t


def fdate(spec: dict, d) -> str:
    return fmt(d, spec["datestyle"])
