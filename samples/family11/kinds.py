"""The nine kinds of family11: form titles, the type's own labels, the authority's file numbers (Aktenplan
shapes per office) and the numbers that are not the file number, the other person, and the truth."""

from __future__ import annotations

import random
import string
from datetime import timedelta

from family_make import TRUTH_FIELDS
from data import BEHOERDEN, GEMARKUNGEN, ORTE, VEREINE, day, fmt, iban, norm, person

TYPES = ["kfz_zulassung", "bauantrag", "ifsg_belehrung", "masern_meldung", "waffen_antrag", "tierhaltung",
         "sportstaetten_foerderung", "eingliederungshilfe", "sonstiges"]

TITLES = {  # form title, the matter for a Betreff line, the office number (Amt) of the Aktenplan
    "kfz_zulassung": ("Antrag auf Zulassung eines Fahrzeugs – Halterwechsel / Umschreibung",
                      "Umschreibung eines Kraftfahrzeugs", 36),
    "bauantrag": ("Bauantrag – Errichtung eines Wintergartens (Genehmigungsverfahren nach LBauO)",
                  "Baugenehmigung Wintergarten", 63),
    "ifsg_belehrung": ("Anmeldung zur Erstbelehrung gemäß § 43 Abs. 1 Infektionsschutzgesetz",
                       "Erstbelehrung § 43 IfSG", 53),
    "masern_meldung": ("Mitteilung an das Gesundheitsamt – Nachweis über den Masernschutz (§ 20 Abs. 9 IfSG)",
                       "Masernschutz-Nachweis", 53),
    "waffen_antrag": ("Antrag auf Erteilung einer Waffenbesitzkarte für Sportschützen (§ 14 WaffG)",
                      "Waffenbesitzkarte (Sportschütze)", 32),
    "tierhaltung": ("Anzeige einer Tierhaltung nach Viehverkehrsverordnung (Schafe, Ziegen, Pferde)",
                    "Registrierung Tierhaltung", 39),
    "sportstaetten_foerderung": ("Antrag auf Gewährung einer Zuwendung nach der Sportförderrichtlinie des Kreises",
                                 "Zuschuss Sportstättenbau", 52),
    "eingliederungshilfe": ("Antrag auf Leistungen der Eingliederungshilfe nach Teil 2 SGB IX (Assistenz)",
                            "Eingliederungshilfe – Assistenzleistungen", 50),
    "sonstiges": ("Antrag auf Erteilung eines Fischereischeins (Jahresfischereischein)", "Fischereischein", 32),
}
LABELS = {  # field: (short label, long label that wraps)
    "kennzeichen": ("Kennzeichen", "Gewünschtes amtliches Kennzeichen (soweit reserviert)"),
    "fin": ("FIN", "Fahrzeug-Ident.-Nr. (FIN, Feld E der Zulassungs- bescheinigung Teil I)"),
    "evb": ("eVB-Nr.", "Versicherungsbestätigung (eVB-Nummer, 7-stellig)"),
    "iban": ("IBAN", "Bankverbindung des Antragstellers: IBAN"),
    "gemarkung": ("Gemarkung", "Baugrundstück – Gemarkung"),
    "flur": ("Flur", "Flur (lt. Liegenschaftskataster)"),
    "flurstueck": ("Flurstück", "Flurstück(e), ggf. mit Bruchnummer"),
    "verein": ("Verein", "Zuwendungsempfänger (Name des Vereins lt. Vereinsregister)"),
    "betrag_eur": ("Betrag (EUR)", "Beantragte Zuwendung in Euro"),
}
OTHER_ROLE = {"masern_meldung": "Sorgeberechtigte/r", "eingliederungshilfe": "Rechtliche Betreuung",
              "sportstaetten_foerderung": "Vorsitzende/r", "bauantrag": "Entwurfsverfasser/in"}


def aktenzeichen(rng: random.Random, amt: int, kreis: str) -> str:
    n, sub = rng.randint(1, 9999), rng.randint(1, 9)
    return rng.choice(["{a}.{s}-{p}/{n:04d}-26", "{r}/{a}{s}-{p}.{q}-{n:04d}/2026", "FD {a} – {n}/26",
                       "{k}-{a}-2026-{n:05d}", "{a}/{s}/{n:04d}/2026", "2026/{n:04d}-{a}{s}"]).format(
        a=amt, s=sub, n=n, k=kreis, p=rng.randint(100, 1999), q=rng.randint(10, 99),
        r=rng.choice(["II", "III", "IV"]))


def decoy(rng: random.Random) -> tuple[str, str]:
    """A number on the page that is not the authority's file number."""
    label = rng.choice(["Vorgangs-Nr.", "Kassenzeichen", "Kunden-Nr.", "Formular-ID", "Posteingangs-Nr."])
    return label, rng.choice([f"{rng.randint(10**7, 10**8 - 1)}", f"5.{rng.randint(100, 999)}.{rng.randint(100000, 999999)}",
                              "".join(rng.choices(string.ascii_uppercase, k=3)) + f"-{rng.randint(1000, 9999)}"])


def type_values(rng: random.Random, doctype: str) -> dict:
    v: dict = {}
    if doctype == "kfz_zulassung":
        v["kennzeichen"] = (f"{rng.choice(['DAU', 'WIL', 'LIP', 'AÖ', 'VG', 'NF', 'BKS'])}-"
                            f"{''.join(rng.choices('ABCDEFGHKLMNPRSTUVWXZ', k=rng.randint(1, 2)))} {rng.randint(1, 999)}"
                            + ("E" if rng.random() < 0.15 else ""))
        v["fin"] = rng.choice(["WDB", "WBA", "VF1", "ZFA", "TMB", "YV1"]) + "".join(
            rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", k=14))
        v["evb"] = "".join(rng.choices(string.ascii_uppercase + string.digits, k=7))
        v["iban"] = iban(rng)
    elif doctype == "bauantrag":
        v.update(gemarkung=rng.choice(GEMARKUNGEN), flur=str(rng.randint(1, 24)),
                 flurstueck=rng.choice([str(rng.randint(1, 1999)), f"{rng.randint(1, 499)}/{rng.randint(1, 25)}"]))
    elif doctype == "sportstaetten_foerderung":
        v.update(verein=rng.choice(VEREINE), iban=iban(rng),
                 betrag_eur=f"{rng.randint(2, 85)}.{rng.randint(0, 999):03d},{rng.choice(['00', '00', '40'])}")
    elif doctype == "eingliederungshilfe":
        v["iban"] = iban(rng)
    return v


def build(rng: random.Random, doctype: str) -> dict:
    child = doctype == "masern_meldung"
    main = person(rng, 2015, 2022, fancy=0.0) if child else person(rng)
    other = dict(person(rng, 1955, 1998), role=OTHER_ROLE.get(doctype, "Bevollmächtigte/r"))
    if child:
        main["titel"] = main["geburtsname"] = ""
        other.update({k: main[k] for k in ("str", "nr", "strasse", "plz", "ort")})
        if not other["nachname"].startswith(("von", "zu", "Meyer", "Schulze")):
            other["nachname"] = main["nachname"]
    club = None
    if doctype == "sportstaetten_foerderung":
        plz, ort = rng.choice(ORTE)
        s, nr = rng.choice(["Sportplatzstr.", "Am Sportpark", "Badweg", "Jahnstraße"]), str(rng.randint(1, 60))
        club = {"str": s, "nr": nr, "strasse": f"{s} {nr}", "plz": plz, "ort": ort}
    beh = rng.choice(BEHOERDEN)
    antrag = day(rng, 2026, 2026)
    title = TITLES[doctype]
    return {"type": doctype, "title": title, "main": main, "other": other, "values": type_values(rng, doctype),
            "behoerde": beh, "az": aktenzeichen(rng, title[2], beh[6]) if rng.random() < 0.75 else None,
            "decoy": decoy(rng), "antrag": antrag, "datestyle": rng.choice(["dmy", "long", "nopad", "short", "iso"]),
            "eingang": antrag + timedelta(days=rng.randint(1, 12)) if rng.random() < 0.6 else None,
            "show_tel": rng.random() < 0.6 and not child, "show_mail": rng.random() < 0.35 and not child,
            "club": club, "truth_fields": TRUTH_FIELDS[doctype]}


def truth(spec: dict, *, eingang: bool = True) -> dict:
    """The main person's values (the child; the club with its chair), the type's values, the date of the
    application, the authority's file number; eingang only where a stamp shows it."""
    main, vals, t = spec["main"], spec["values"], {}
    for f in TRUTH_FIELDS[spec["type"]]:
        if f in main:
            t[f] = norm(main[f]) if f == "geburtsdatum" else main[f]
        elif f in vals:
            t[f] = vals[f]
    if spec["club"]:
        t.update({k: spec["club"][k] for k in ("strasse", "plz", "ort")})
    t["antragsdatum"] = norm(spec["antrag"])
    t.pop("aktenzeichen", None)
    if spec["az"]:
        t["aktenzeichen"] = spec["az"]
    if eingang and spec["eingang"]:
        t["eingangsdatum"] = norm(spec["eingang"])
    if spec["show_tel"]:
        t["telefon"] = main["telefon"]
    if spec["show_mail"]:
        t["email"] = main["email"]
    return t


def fdate(spec: dict, d) -> str:
    return fmt(d, spec["datestyle"])


def addr(spec: dict) -> dict:
    return spec["club"] or spec["main"]
