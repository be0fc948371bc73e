"""What every family9 layout shows, independent of how: the persons by section, the type's own fields, the
received stamp, the signer, the date line."""

from __future__ import annotations

import random

from data import VORNAMEN, NACHNAMEN, fmt, spaced, stamp_date
from kinds import fdate

THING_LABELS = {
    "kennzeichen": ["Amtliches Kennzeichen", "Kennzeichen (Wunsch)", "amtl. Kennz."],
    "fin": ["Fahrzeug-Identifizierungsnummer", "FIN", "Fahrgestellnummer (FIN)"],
    "evb": ["eVB-Nummer", "Versicherungsbestätigung (eVB)", "eVB-Nr. des Versicherers"],
    "iban": ["IBAN", "IBAN des Kontos", "Kontonummer (IBAN)"],
    "gemarkung": ["Gemarkung"], "flur": ["Flur", "Flur-Nr."], "flurstueck": ["Flurstück(e)", "Flurstück", "Flurstücks-Nr."],
    "betrag_eur": ["beantragte Zuwendung (EUR)", "Höhe des beantragten Zuschusses", "Zuschuss beantragt in €"],
}
VEREIN_LABELS = ["Name des Vereins", "Verein (vollständiger Name lt. Vereinsregister)", "Antragstellender Verein"]


def things(spec: dict, rng: random.Random) -> list[tuple[str, str, str]]:
    """(field, label, value) of the type's own fields, in form order."""
    out = []
    for f, v in spec["values"].items():
        if f == "verein":
            continue
        shown = spaced(v) if f == "iban" and rng.random() < 0.5 else v
        out.append((f, rng.choice(THING_LABELS[f]), shown))
    return out


def persons(spec: dict) -> list[tuple[str, dict]]:
    """(role heading, person) for each natural person shown, the main person first (not for a club)."""
    return [(spec["role"], spec["main"])] + [(o["role"], o) for o in spec["others"]]


def shows(spec: dict, who: dict, f: str) -> bool:
    """Whether a person's telephone / e-mail is on the form (the main person's as the truth says)."""
    if who is spec["main"]:  # a child has no telephone of its own (the truth's convention)
        return spec["type"] != "masern_meldung" and (spec["show_tel"] if f == "telefon" else spec["show_mail"])
    return f == "telefon" and len(who["telefon"]) % 2 == 0


def split_street(s: str) -> tuple[str, str]:
    name, _, nr = s.rpartition(" ")
    return name, nr


def when(spec: dict) -> str:
    club = spec["club"]
    return f"{club['ort'] if club else spec['main']['ort']}, {fdate(spec, spec['antrag'])}"


def geb(spec: dict, who: dict) -> str:
    return fmt(who["geburtsdatum"], "dmy" if spec["datestyle"] == "long" else spec["datestyle"])


def signer(spec: dict, rng: random.Random) -> tuple[str, str]:
    """(name as signed, caption under the signature line)."""
    t, main = spec["type"], spec["main"]
    if t == "masern_meldung":
        return f"{rng.choice(VORNAMEN)[0]}. {rng.choice(NACHNAMEN)}", "Unterschrift Leitung der Einrichtung / Stempel"
    if t == "eingliederungshilfe" and rng.random() < 0.5:
        o = spec["others"][0]
        return f"{o['vorname'][0]}. {o['nachname']}", "Unterschrift der/des rechtlichen Betreuerin/Betreuers"
    if t == "sportstaetten_foerderung":
        return f"{main['vorname'][0]}. {main['nachname']}", "Rechtsverbindliche Unterschrift (Vorstand nach § 26 BGB)"
    return f"{main['vorname'][0]}. {main['nachname']}", "Unterschrift der Antragstellerin / des Antragstellers"


def stamp(page, spec: dict, rng: random.Random, where: tuple[float, float] | None = None) -> None:
    if spec["eingang"]:
        short = spec["behoerde"][0].split()[-1]
        page.slanted_stamp(rng, [rng.choice(["EINGEGANGEN", "Eingang", "Posteingang"]),
                                 stamp_date(spec["eingang"], rng), f"KV {short}"], where)


def file_numbers(spec: dict, rng: random.Random) -> list[tuple[str, str]]:
    out = []
    if spec["az"]:
        out.append((rng.choice(["Aktenzeichen", "Az.", "Geschäftszeichen", "Unser Zeichen"]), spec["az"]))
    out.append(spec["nebennr"])
    rng.shuffle(out)
    return out
