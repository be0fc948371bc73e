"""family8's own value pools: Franconian, Upper Palatinate and Allgäu names and places, number shapes."""

from __future__ import annotations

import random
from datetime import date, timedelta

from family_values import iban, norm, spaced  # noqa: F401 (shared with the other families; re-exported)

VORNAMEN = ["Korbinian", "Resi", "Wolfgang", "Kathrin", "Vitus", "Annemarie", "Quirin", "Leonie", "Xaver",
            "Magdalena", "Florian", "Theres", "Luca", "Zeynep", "Ludwig", "Johanna", "Benedikt", "Mia-Sophie",
            "Jörg", "Ursula", "Maximilian", "Agnes", "Emre", "Franziska"]
NACHNAMEN = ["Pfaffinger", "Hösl", "Brandl", "Meßner", "Schwägerl", "Kellermann", "Rötzer", "Ostermeier",
             "Häring", "Zollner", "Gruber-Lang", "Wurmdobler", "Aigner", "Bäuml", "Streicher", "Öttl",
             "Schießl", "Kürzinger", "Demirci", "Lautenschläger"]
STRASSEN = ["Kirchplatz", "Am Weiherhang", "Regensburger Str.", "Mühlweg", "Hopfengartenstraße", "Bergstraße",
            "Am Schloßberg", "Pfarrgasse", "Waldnaabstr.", "Lindenweg", "Jurastraße", "Kapellenweg",
            "Alte Poststraße", "Sankt-Georg-Weg"]
ORTE = [("92637", "Weiden i.d.OPf."), ("92224", "Amberg"), ("93142", "Maxhütte-Haidhof"), ("87509", "Immenstadt i. Allgäu"),
        ("91781", "Weißenburg i. Bay."), ("95643", "Tirschenreuth"), ("92318", "Neumarkt i.d.OPf."),
        ("87435", "Kempten (Allgäu)"), ("91550", "Dinkelsbühl"), ("92507", "Nabburg"), ("96215", "Lichtenfels")]
GEMARKUNGEN = ["Irlbach", "Unterwildenau", "Hirschau", "Oberviechtach", "Kümmersbruck", "Pfreimd"]
VEREINE = ["TSV 1878 Pfreimd e.V.", "DJK Sportfreunde Hirschau e.V.", "SpVgg Weiden-Ost 1921 e.V.",
           "Skiclub Immenstadt e.V.", "FC Blau-Weiß Nabburg e.V.", "Schützengesellschaft Edelweiß Amberg e.V."]
BEHOERDEN = [("Landratsamt Oberwaldnaab", "Postfach 13 40", "92633 Weiden i.d.OPf.", "Sparkasse Oberpfalz Nord",
              "DE11 7535 0000 0000 1234 56", "BYLADEM1WEN"),
             ("Landratsamt Jura-Altmühl", "Postfach 2 11", "92301 Neumarkt i.d.OPf.", "Raiffeisenbank im Jura eG",
              "DE62 7606 9559 0002 4418 30", "GENODEF1NM1"),
             ("Landratsamt Oberallgäu-Iller", "Postfach 19 51", "87509 Immenstadt i. Allgäu", "Sparkasse Allgäu",
              "DE94 7335 0000 0514 2200 07", "BYLADEM1ALG")]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]


def person(rng: random.Random, born_from: int = 1950, born_to: int = 2004) -> dict:
    plz, ort = rng.choice(ORTE)
    nr = f"{rng.randint(1, 120)}{rng.choice(['', '', '', 'a', 'b', ' c'])}"
    vn, nn = rng.choice(VORNAMEN), rng.choice(NACHNAMEN)
    tel = rng.choice(["09{0} {1}", "0{0}1 / {1}", "+49 9{0} {1}", "01{0}7 {1}"]).format(
        rng.randint(40, 99), rng.randint(10000, 999999))
    return {"vorname": vn, "nachname": nn, "geburtsdatum": day(rng, born_from, born_to),
            "strasse": f"{rng.choice(STRASSEN)} {nr}", "plz": plz, "ort": ort, "telefon": tel,
            "email": f"{vn.lower()[:4]}.{nn.lower()[:5]}@post.example".replace("ö", "oe").replace("ä", "ae")
            .replace("ü", "ue").replace("ß", "ss")}


def day(rng: random.Random, y0: int, y1: int) -> date:
    return date(y0, 1, 1) + timedelta(days=rng.randint(0, (date(y1, 12, 28) - date(y0, 1, 1)).days))


def fmt(d: date, style: str) -> str:
    if style == "long":
        return f"{d.day}. {MONATE[d.month - 1]} {d.year}"
    if style == "short":
        return d.strftime("%d.%m.%y")
    if style == "iso":
        return d.isoformat()
    return d.strftime("%d.%m.%Y")
