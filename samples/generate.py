"""Generate realistic (fictitious) German applications of the default
profile's document types, as born-digital PDFs and as simulated scans,
each with its ground truth (type, fields, text).

    python samples/generate.py OUTDIR [--per-type N] [--formats pdf,scanpdf,tif,png,jpg]
                                      [--seed S] [--noise LEVEL] [--dpi N] [--layouts L1,L2]
                                      [--with-other] [--inbox]

Simulated scans are the formats other than ``pdf`` (``--formats scanpdf,tif``);
``--with-other`` adds "sonstiges" letters, ``--inbox`` writes the small demo inbox.

Writes ``OUTDIR/<id>.<ext>`` and ``OUTDIR.truth.json`` beside the folder
(``{id: {"type", "fields", "text", "layout", "format"}}``).  Every name,
address, IBAN and number is invented; the authority is fictitious.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layouts  # noqa: E402  (samples/layouts.py: the newer layouts and wordings)

ALL_LAYOUTS = ["form", "letter", "table", "prose"] + layouts.NEW_LAYOUTS

DOCTYPES = [
    "kfz_zulassung", "bauantrag", "ifsg_belehrung", "masern_meldung",
    "waffen_antrag", "tierhaltung", "sportstaetten_foerderung", "eingliederungshilfe",
]
ALL_TYPES = DOCTYPES + ["sonstiges"]

VORNAMEN = ["Anna", "Lukas", "Sophie", "Jonas", "Marie", "Felix", "Lea", "Paul", "Emma", "Leon", "Hannah",
            "Maximilian", "Jürgen", "Sabine", "Özlem", "Björn", "Katrin", "Thomas", "Ingrid", "Mehmet"]
NACHNAMEN = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
             "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Krüger",
             "Hartmann", "Lange", "Yilmaz", "Kowalski"]
STRASSEN = ["Hauptstraße", "Bahnhofstraße", "Lindenweg", "Am Markt", "Schulstraße", "Gartenstraße",
            "Dorfstraße", "Bergstraße", "Kirchplatz", "Mühlenweg", "Rosenstraße", "Eichenallee"]
ORTE = ["Musterhausen", "Beispielstadt", "Neudorf am See", "Talheim", "Oberfeld", "Kleinmusterbach",
        "Bergweiler", "Sonnenfeld"]
GEMARKUNGEN = ["Musterhausen", "Oberfeld", "Talheim-Nord", "Wiesenau", "Altdorf"]
VEREINE = ["TSV Musterhausen 1890 e.V.", "SV Blau-Weiß Talheim e.V.", "FC Oberfeld 1921 e.V.",
           "Turnverein Neudorf e.V.", "Schützengilde Bergweiler e.V."]
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
FIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
AUTHORITY = "Landkreis Musterland"


#: the last day a generated document is dated or received (they are taken in after it)
LAST_DAY = datetime.date(2026, 10, 31)

def iban_de(rng: random.Random) -> str:
    blz = "".join(rng.choice("0123456789") for _ in range(8))
    acct = "".join(rng.choice("0123456789") for _ in range(10))
    bban = blz + acct
    check = 98 - int(bban + "131400") % 97  # D=13 E=14 00
    return f"DE{check:02d}{bban}"


def fmt_iban(iban: str) -> str:
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def received_after(rng: random.Random, fields: dict[str, str]) -> tuple[int, int, int]:
    """A received stamp's date: 1 to 20 days after the document's own date (never before it)."""
    import datetime as dt

    try:
        d0 = dt.datetime.strptime(fields.get("antragsdatum", ""), "%d.%m.%Y").date()
    except ValueError:
        return rand_date(rng, 2026, 2026)
    d = min(d0 + dt.timedelta(days=rng.randint(1, 20)), LAST_DAY)
    return d.day, d.month, d.year


def rand_date(rng: random.Random, y0: int, y1: int) -> tuple[int, int, int]:
    import datetime as dt

    start = dt.date(y0, 1, 1).toordinal()
    end = min(dt.date(y1, 12, 28), LAST_DAY).toordinal()  # no document written after it arrives
    d = dt.date.fromordinal(rng.randint(start, end))
    return d.day, d.month, d.year


def dstr(d: tuple[int, int, int]) -> str:
    return f"{d[0]:02d}.{d[1]:02d}.{d[2]}"


def dlong(d: tuple[int, int, int]) -> str:
    return f"{d[0]}. {MONTHS[d[1] - 1]} {d[2]}"


def aktenzeichen(rng: random.Random, doctype: str, year: int) -> str:
    style = rng.randrange(3)
    if style == 0:
        return f"{rng.randint(10, 99)}.{rng.randint(1, 9)}-{rng.randint(100, 9999)}/{year}"
    if style == 1:
        code = {"bauantrag": "BA", "kfz_zulassung": "ZL", "waffen_antrag": "WA", "tierhaltung": "VT"}.get(doctype, "GA")
        return f"{rng.randint(30, 70)}-{code}-{year}/{rng.randint(1, 9999):04d}"
    prefix = {"kfz_zulassung": "ZUL", "bauantrag": "BAU", "waffen_antrag": "WAF"}.get(doctype, "ANT")
    return f"{prefix}-{year}-{rng.randint(1, 99999):05d}"


def kennzeichen(rng: random.Random) -> str:
    a = rng.choice(["MU", "BSP", "M", "TH", "NDS"])
    b = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(rng.randint(1, 2)))
    return f"{a}-{b} {rng.randint(1, 9999)}"


def fin(rng: random.Random) -> str:
    return "W" + "".join(rng.choice(FIN_ALPHABET) for _ in range(16))


LABEL_VARIANTS = {
    "Geburtsdatum": ["Geburtsdatum", "Geburtsdatum", "Geb.-Datum", "geboren am"],
    "Straße, Hausnummer": ["Straße, Hausnummer", "Straße und Hausnummer", "Anschrift", "Straße"],
    "PLZ, Ort": ["PLZ, Ort", "PLZ/Ort", "Postleitzahl, Ort", "Wohnort"],
    "Telefon": ["Telefon", "Tel.", "Rufnummer"],
    "E-Mail": ["E-Mail", "E-Mail-Adresse"],
    "Gewünschtes Kennzeichen": ["Gewünschtes Kennzeichen", "Wunschkennzeichen", "Amtliches Kennzeichen"],
    "Fahrzeug-Identifizierungsnummer (FIN)": ["Fahrzeug-Identifizierungsnummer (FIN)", "FIN", "Fahrgestellnummer"],
    "eVB-Nummer": ["eVB-Nummer", "eVB", "Versicherungsbestätigungsnummer"],
    "IBAN": ["IBAN", "Bankverbindung (IBAN)"],
    "Aktenzeichen": ["Aktenzeichen", "Aktenzeichen", "Az.", "Geschäftszeichen"],
    "Beantragter Zuschuss": ["Beantragter Zuschuss", "Beantragte Zuwendung", "Fördersumme"],
    "Verein": ["Verein", "Name des Vereins"],
}

OTHER_LETTERS = [
    ("Anfrage zu den Öffnungszeiten", ["Ich möchte wissen, wann Ihre Dienststelle am Samstag geöffnet hat.",
                                      "Bitte teilen Sie mir auch mit, ob eine Terminvereinbarung nötig ist."]),
    ("Änderung meiner Anschrift", ["Hiermit teile ich Ihnen mit, dass sich meine Anschrift geändert hat.",
                                   "Bitte berücksichtigen Sie die neue Adresse für künftige Schreiben."]),
    ("Widerspruch gegen den Gebührenbescheid", ["Gegen den Gebührenbescheid vom letzten Monat lege ich Widerspruch ein.",
                                                "Die Begründung reiche ich innerhalb von vier Wochen nach."]),
    ("Rechnung Nr. 2026-114", ["Für die erbrachten Leistungen erlauben wir uns, folgenden Betrag in Rechnung zu stellen.",
                               "Zahlbar innerhalb von 14 Tagen ohne Abzug."]),
    ("Beschwerde über Straßenlärm", ["Seit Wochen wird nachts in unserer Straße gebaut.",
                                     "Ich bitte um Prüfung, ob hierfür eine Genehmigung vorliegt."]),
]


@dataclass
class Sample:
    doctype: str
    fields: dict[str, str]
    title: str
    intro: list[str]
    rows: list[tuple[str, str]]  # label, printed value
    layout: str
    extra_lines: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    stamp: list[str] | None = None


def person(rng: random.Random) -> dict[str, str]:
    return {
        "vorname": rng.choice(VORNAMEN),
        "nachname": rng.choice(NACHNAMEN),
        "geburtsdatum": dstr(rand_date(rng, 1950, 2004)),
        "strasse": f"{rng.choice(STRASSEN)} {rng.randint(1, 120)}",
        "plz": f"{rng.randint(1, 99):02d}{rng.randint(0, 999):03d}",
        "ort": rng.choice(ORTE),
        "telefon": f"0{rng.randint(2000, 9999)} {rng.randint(10000, 999999)}",
        "email": "",
    }


TITLES = {
    "kfz_zulassung": ["Antrag auf Zulassung eines Fahrzeugs", "Antrag auf Kfz-Zulassung",
                      "Zulassungsantrag für ein Kraftfahrzeug"],
    "bauantrag": ["Bauantrag", "Antrag auf Baugenehmigung", "Bauantrag nach der Landesbauordnung"],
    "ifsg_belehrung": ["Antrag auf Belehrung nach § 43 IfSG", "Bescheinigung nach § 43 Abs. 1 Infektionsschutzgesetz",
                       "Anmeldung zur Belehrung gemäß § 43 Infektionsschutzgesetz"],
    "masern_meldung": ["Nachweis über den Masernschutz", "Meldung nach § 20 IfSG (Masernschutz)",
                       "Masernschutz: Nachweis der Immunität"],
    "waffen_antrag": ["Antrag auf Erteilung einer Waffenbesitzkarte", "Antrag nach dem Waffengesetz",
                      "Antrag auf waffenrechtliche Erlaubnis (Waffenbesitzkarte)"],
    "tierhaltung": ["Anzeige einer Tierhaltung", "Anmeldung der Tierhaltung beim Veterinäramt",
                    "Antrag auf Erlaubnis zur Tierhaltung"],
    "sportstaetten_foerderung": ["Antrag auf Förderung von Sportstätten", "Antrag auf Zuwendung für den Sportstättenbau",
                                 "Förderantrag Sportstätten"],
    "eingliederungshilfe": ["Antrag auf Leistungen der Eingliederungshilfe", "Antrag auf Eingliederungshilfe nach SGB IX",
                            "Antrag auf Leistungen zur Teilhabe (Eingliederungshilfe)"],
}

INTROS = {
    "kfz_zulassung": ["Hiermit beantrage ich die Zulassung des nachstehend bezeichneten Fahrzeugs auf meinen Namen als Halter.",
                      "Ich bitte die Zulassungsstelle um Zuteilung eines Kennzeichens und Ausfertigung der Zulassungsbescheinigung.",
                      "Die Kfz-Steuer soll per SEPA-Lastschrift von meinem Konto eingezogen werden."],
    "bauantrag": ["Hiermit beantrage ich die Baugenehmigung für das unten beschriebene Bauvorhaben.",
                  "Die Bauvorlagen wurden vom Entwurfsverfasser erstellt und liegen diesem Antrag bei.",
                  "Das Baugrundstück liegt in der angegebenen Gemarkung."],
    "ifsg_belehrung": ["Ich beabsichtige, eine Tätigkeit im Lebensmittelbereich aufzunehmen.",
                       "Ich bitte um die Belehrung durch das Gesundheitsamt nach § 43 Infektionsschutzgesetz (IfSG).",
                       "Mir ist bekannt, dass Tätigkeitsverbote nach § 42 IfSG bestehen."],
    "masern_meldung": ["Für die genannte Person wird der Nachweis über einen ausreichenden Masernschutz vorgelegt.",
                       "Die Person wird in einer Gemeinschaftseinrichtung (Kindertageseinrichtung) betreut.",
                       "Eine Kopie des Impfausweises mit zwei Masern-Impfungen liegt bei."],
    "waffen_antrag": ["Hiermit beantrage ich die Erteilung einer Waffenbesitzkarte nach § 10 Waffengesetz (WaffG).",
                      "Die Sachkunde habe ich nachgewiesen; das Bedürfnis ergibt sich aus meiner Mitgliedschaft im Schützenverein.",
                      "Die Aufbewahrung von Waffe und Munition erfolgt in einem zertifizierten Tresor."],
    "tierhaltung": ["Hiermit zeige ich die Aufnahme einer Tierhaltung beim Veterinäramt an.",
                    "Die Tiere sind bei der Tierseuchenkasse gemeldet; die Registriernummer ist angegeben.",
                    "Die Vorschriften des Tierschutzes werden eingehalten."],
    "sportstaetten_foerderung": ["Der Verein beantragt eine Zuwendung zur Sanierung seiner Sportanlage.",
                                 "Die Förderung der Sportstätten erfolgt nach der Sportförderrichtlinie des Landkreises.",
                                 "Der Verein ist im Vereinsregister eingetragen und als gemeinnützig anerkannt."],
    "eingliederungshilfe": ["Hiermit beantrage ich Leistungen der Eingliederungshilfe nach dem SGB IX.",
                            "Aufgrund einer Behinderung ist meine Teilhabe am Leben in der Gesellschaft eingeschränkt.",
                            "Ich bitte um Durchführung der Bedarfsermittlung und Unterstützung durch Assistenz."],
}


def make_sample(rng: random.Random, doctype: str, layout: str) -> Sample:
    s = _make_sample(rng, doctype, layout)
    if layout in layouts.NEW_LAYOUTS:
        f = s.fields
        p = {k: f.get(k, "") for k in ("vorname", "nachname", "strasse", "plz", "ort", "geburtsdatum")}
        if doctype in layouts.NEW_TITLES and rng.random() < 0.5:
            s.title = rng.choice(layouts.NEW_TITLES[doctype])
        layouts.enrich(s, rng, p, lambda: person(rng))
        if rng.random() < 0.35:
            d = received_after(rng, f)
            s.stamp = layouts.stamp_text(d, rng)
            f["eingangsdatum"] = dstr(d)
        return s
    s.rows = [(rng.choice(LABEL_VARIANTS[lab]) if lab in LABEL_VARIANTS else lab, val) for lab, val in s.rows]
    return s


def _other_sample(rng: random.Random, layout: str) -> Sample:
    p = person(rng)
    antrag = rand_date(rng, 2025, 2026)
    title, intro = rng.choice(OTHER_LETTERS)
    fields = {"vorname": p["vorname"], "nachname": p["nachname"], "strasse": p["strasse"], "plz": p["plz"],
              "ort": p["ort"], "antragsdatum": dstr(antrag)}
    rows = [("Name, Vorname", f"{p['nachname']}, {p['vorname']}"), ("Straße, Hausnummer", p["strasse"]),
            ("PLZ, Ort", f"{p['plz']} {p['ort']}")]
    return Sample("sonstiges", fields, title, intro, rows, layout, extra_lines=[f"{p['ort']}, den {dstr(antrag)}"])


def _make_sample(rng: random.Random, doctype: str, layout: str) -> Sample:
    if doctype == "sonstiges":
        return _other_sample(rng, layout)
    p = person(rng)
    antrag = rand_date(rng, 2025, 2026)
    year = antrag[2]
    fields: dict[str, str] = {}
    rows: list[tuple[str, str]] = []
    name_style = rng.randrange(3)

    def add_person(role: str = "Antragsteller(in)") -> None:
        fields.update(vorname=p["vorname"], nachname=p["nachname"])
        if name_style == 0:
            rows.append(("Name, Vorname", f"{p['nachname']}, {p['vorname']}"))
        elif name_style == 1:
            rows.append(("Familienname", p["nachname"]))
            rows.append(("Vorname", p["vorname"]))
        else:
            rows.append((role, f"{p['vorname']} {p['nachname']}"))

    def add_birth() -> None:
        fields["geburtsdatum"] = p["geburtsdatum"]
        rows.append(("Geburtsdatum", p["geburtsdatum"]))

    def add_address() -> None:
        fields.update(strasse=p["strasse"], plz=p["plz"], ort=p["ort"])
        rows.append(("Straße, Hausnummer", p["strasse"]))
        rows.append(("PLZ, Ort", f"{p['plz']} {p['ort']}"))

    title = rng.choice(TITLES[doctype])
    if doctype == "sportstaetten_foerderung":
        v = rng.choice(VEREINE)
        fields["verein"] = v
        rows.append(("Verein", v))
        add_person("Vertreten durch")
        add_address()
    else:
        add_person()
        if doctype not in ("bauantrag", "tierhaltung"):
            add_birth()
        add_address()
    if rng.random() < 0.5:
        tel = p["telefon"]
        fields["telefon"] = tel
        rows.append(("Telefon", tel))
    if rng.random() < 0.4:
        mail = f"{p['vorname'][0].lower()}.{p['nachname'].lower()}@example.org".translate(
            str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ö": "Oe"}))
        fields["email"] = mail
        rows.append(("E-Mail", mail))
    if doctype == "kfz_zulassung":
        k, f_, e = kennzeichen(rng), fin(rng), "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(7))
        fields.update(kennzeichen=k, fin=f_, evb=e)
        rows += [("Gewünschtes Kennzeichen", k), ("Fahrzeug-Identifizierungsnummer (FIN)", f_), ("eVB-Nummer", e)]
        ib = iban_de(rng)
        fields["iban"] = ib
        rows.append(("IBAN (Kfz-Steuer)", fmt_iban(ib)))
    elif doctype == "bauantrag":
        g, fl, fs = rng.choice(GEMARKUNGEN), str(rng.randint(1, 40)), f"{rng.randint(1, 999)}/{rng.randint(1, 20)}"
        fields.update(gemarkung=g, flur=fl, flurstueck=fs)
        rows += [("Bauvorhaben", rng.choice(["Neubau eines Einfamilienhauses", "Anbau eines Wintergartens",
                                            "Errichtung einer Doppelgarage"])),
                 ("Gemarkung", g), ("Flur", fl), ("Flurstück", fs)]
    elif doctype == "waffen_antrag":
        rows.append(("Art der Waffe", rng.choice(["Sportpistole Kal. .22 lfB", "Repetierbüchse", "Bockdoppelflinte"])))
    elif doctype == "tierhaltung":
        rows += [("Tierart", rng.choice(["Pferde", "Schafe", "Hunde (Zucht)", "Hühner"])),
                 ("Anzahl der Tiere", str(rng.randint(2, 40)))]
    elif doctype == "masern_meldung":
        rows.append(("Einrichtung", rng.choice(["Kindertageseinrichtung Sonnenschein", "Grundschule am Markt"])))
    elif doctype == "sportstaetten_foerderung":
        betrag = rng.randint(2, 180) * 500
        b = f"{betrag:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        fields["betrag_eur"] = b
        rows.append(("Beantragter Zuschuss", f"{b} EUR"))
        ib = iban_de(rng)
        fields["iban"] = ib
        rows.append(("IBAN des Vereins", fmt_iban(ib)))
    elif doctype == "eingliederungshilfe":
        ib = iban_de(rng)
        fields["iban"] = ib
        rows.append(("IBAN", fmt_iban(ib)))
    if rng.random() < 0.75:
        az = aktenzeichen(rng, doctype, year)
        fields["aktenzeichen"] = az
        rows.insert(0, ("Aktenzeichen", az))
    fields["antragsdatum"] = dstr(antrag)
    fields = {k: v for k, v in fields.items() if v}
    intro = INTROS[doctype][:]
    rng.shuffle(intro)
    return Sample(doctype, fields, title, intro[: rng.randint(2, 3)], rows, layout,
                  extra_lines=[f"{p['ort']}, den {dstr(antrag) if rng.random() < 0.7 else dlong(antrag)}"])


def _latin1(s: str) -> str:
    return s.encode("latin-1", "replace").decode("latin-1")


def render_pdf(s: Sample, rng: random.Random) -> tuple[bytes, str]:
    """Render a sample as a born-digital PDF; return bytes and its text."""
    from fpdf import FPDF

    if s.layout in layouts.NEW_LAYOUTS:
        return layouts.render(s, rng, AUTHORITY)
    font = {"form": "Helvetica", "letter": "Times", "table": "Helvetica", "prose": "Courier"}[s.layout]
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(_latin1(s.title))
    pdf.add_page()
    lines: list[str] = []

    def text(t: str, size: float = 11, style: str = "", h: float = 6, ln: bool = True) -> None:
        pdf.set_font(font, style, size)
        pdf.multi_cell(0, h, _latin1(t), new_x="LMARGIN", new_y="NEXT")
        lines.append(t)

    if s.layout == "prose":
        f = s.fields
        text(AUTHORITY, 11, h=5)
        text("Bürgerservice", 11, h=5)
        pdf.ln(6)
        text(s.extra_lines[0], 10)
        pdf.ln(4)
        text(s.title, 12, "B")
        pdf.ln(2)
        text("Sehr geehrte Damen und Herren,", 10)
        who = f.get("verein")
        person_rows = {"Name, Vorname", "Familienname", "Vorname", "Antragsteller(in)", "Vertreten durch", "Verein"}
        consumed = set()
        if "vorname" in f and "strasse" in f:
            parts = [f"ich, {f['vorname']} {f['nachname']},"]
            if "geburtsdatum" in f:
                parts.append(f"geboren am {f['geburtsdatum']},")
                consumed |= {"Geburtsdatum"} | set(LABEL_VARIANTS["Geburtsdatum"])
            parts.append(f"wohnhaft in {f['strasse']}, {f['plz']} {f['ort']},")
            if who:
                parts.append(f"handelnd für den Verein {who},")
            consumed |= person_rows | set(LABEL_VARIANTS["Straße, Hausnummer"]) | set(LABEL_VARIANTS["PLZ, Ort"])
            consumed |= set(LABEL_VARIANTS["Verein"])
            text(" ".join(parts) + " wende mich mit folgendem Anliegen an Sie.", 10)
        text(" ".join(s.intro), 10)
        rest = [(lab, val) for lab, val in s.rows if lab not in consumed]
        if rest:
            pdf.ln(2)
            text("Weitere Angaben:", 10)
            for label, val in rest:
                text(f"{label}: {val}", 10)
        pdf.ln(4)
        text("Mit freundlichen Grüßen", 10)
    elif s.layout == "letter":
        f = s.fields
        sender = f"{f.get('vorname', '')} {f.get('nachname', '')}".strip() if "verein" not in f else f["verein"]
        text(sender, 10, h=5)
        if "strasse" in f:
            text(f["strasse"], 10, h=5)
            text(f"{f['plz']} {f['ort']}", 10, h=5)
        pdf.ln(8)
        text(f"{AUTHORITY}", 11, h=5)
        text("Bürgerservice / Posteingang", 11, h=5)
        text("Kreishausstraße 1", 11, h=5)
        pdf.ln(6)
        text(s.extra_lines[0], 11)
        pdf.ln(4)
        text(f"Betreff: {s.title}", 12, "B")
        pdf.ln(2)
        text("Sehr geehrte Damen und Herren,", 11)
        text(" ".join(s.intro), 11)
        pdf.ln(2)
        text("Meine Angaben:", 11)
        for label, val in s.rows:
            text(f"{label}: {val}", 11)
        pdf.ln(4)
        text("Mit freundlichen Grüßen", 11)
    else:
        text(AUTHORITY, 9, h=4)
        text("Der Landrat - Bürgerservice", 9, h=4)
        pdf.ln(6)
        text(s.title, 16 if s.layout == "form" else 14, "B", h=8)
        pdf.ln(2)
        for para in s.intro:
            text(para, 10, h=5)
        pdf.ln(4)
        pdf.set_font(font, "", 11)
        if s.layout == "table":
            with pdf.table(col_widths=(60, 110), text_align="LEFT", line_height=7) as table:
                for label, val in s.rows:
                    row = table.row()
                    row.cell(_latin1(label))
                    row.cell(_latin1(val))
            for label, val in s.rows:
                lines.append(f"{label} {val}")
        else:
            for label, val in s.rows:
                pdf.set_font(font, "B", 10)
                pdf.cell(70, 7, _latin1(label + ":"))
                pdf.set_font(font, "", 11)
                pdf.cell(0, 7, _latin1(val), new_x="LMARGIN", new_y="NEXT")
                lines.append(f"{label}: {val}")
        pdf.ln(8)
        text(s.extra_lines[0], 11)
        text("Unterschrift Antragsteller(in)", 8)
    return bytes(pdf.output()), "\n".join(lines)


def simulate_scan(pdf_bytes: bytes, rng: random.Random, dpi: int = 300, noise: float = 1.0, stamp: str | None = None):
    """Render each page like a scanner would: grey, slightly skewed, noisy."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    doc = pdfium.PdfDocument(pdf_bytes)
    pages = []
    for i in range(len(doc)):
        img = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if stamp and i == 0:
            d = ImageDraw.Draw(img)
            try:
                fnt = ImageFont.load_default(size=int(dpi * 0.14))
            except TypeError:
                fnt = ImageFont.load_default()
            x, y = int(img.width * 0.58), int(img.height * 0.05)
            d.rectangle([x - 20, y - 15, x + int(dpi * 2.6), y + int(dpi * 0.35)], outline=60, width=4)
            d.text((x, y), stamp, fill=40, font=fnt)
        angle = rng.uniform(-1.5, 1.5) * noise
        img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
        if noise > 0:
            arr = np.asarray(img, dtype=np.float32)
            nrng = np.random.default_rng(rng.randrange(1 << 30))
            arr = arr * rng.uniform(0.9, 1.0) + nrng.normal(0, 10 * noise, arr.shape)
            speck = nrng.random(arr.shape) < 0.0008 * noise
            arr[speck] = 0
            img = Image.fromarray(np.clip(arr, 0, 255).astype("uint8"), "L")
            if noise >= 1.5:
                img = img.filter(ImageFilter.GaussianBlur(0.6))
        pages.append(img)
    return pages


def save_scan(pages, fmt: str, path: Path, dpi: int) -> None:
    import img2pdf

    if fmt == "tif":
        bw = [p.point(lambda v: 255 if v > 150 else 0).convert("1") for p in pages]
        bw[0].save(path, format="TIFF", compression="group4", dpi=(dpi, dpi), save_all=True, append_images=bw[1:])
    elif fmt == "png":
        bw = pages[0].point(lambda v: 255 if v > 150 else 0).convert("1")
        bw.save(path, format="PNG", dpi=(dpi, dpi))
    elif fmt == "jpg":
        pages[0].save(path, format="JPEG", quality=70, dpi=(dpi, dpi))
    elif fmt == "scanpdf":
        bufs = []
        for p in pages:
            b = io.BytesIO()
            p.save(b, format="JPEG", quality=65, dpi=(dpi, dpi))
            bufs.append(b.getvalue())
        path.write_bytes(img2pdf.convert(bufs))
    else:
        raise ValueError(fmt)


EXT = {"pdf": ".pdf", "tif": ".tif", "png": ".png", "jpg": ".jpg", "scanpdf": ".pdf"}


def generate(out: Path, per_type: int = 1, formats: list[str] | None = None, seed: int = 1,
             noise: float = 1.0, dpi: int = 300, layouts: list[str] | None = None,
             doctypes: list[str] | None = None) -> dict[str, dict]:
    """Generate ``per_type`` documents per type and format; returns the truth."""
    formats = formats or ["pdf"]
    layouts = layouts or ["form", "letter", "table", "prose"]
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict] = {}
    n = 0
    for dt in doctypes or DOCTYPES:
        for _ in range(per_type):
            for fmt in formats:
                n += 1
                layout = layouts[n % len(layouts)]
                s = make_sample(rng, dt, layout)
                pdf_bytes, text = render_pdf(s, rng)
                stamp = None
                if fmt != "pdf" and s.stamp is None and rng.random() < 0.5:
                    d = received_after(rng, s.fields)
                    stamp = f"Eingegangen am {dstr(d)}"
                    s.fields["eingangsdatum"] = dstr(d)
                    text = stamp + "\n" + text
                ident = f"{dt}-{n:03d}-{fmt}"
                path = out / (ident + EXT[fmt])
                if fmt == "pdf":
                    path.write_bytes(pdf_bytes)
                else:
                    pages = simulate_scan(pdf_bytes, rng, dpi=dpi if fmt != "png" else 200, noise=noise, stamp=stamp)
                    save_scan(pages, fmt, path, dpi if fmt != "png" else 200)
                truth[ident] = {"type": dt, "fields": s.fields, "text": text, "layout": layout, "format": fmt,
                                "file": path.name}
    truth_path(out).write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth


def truth_path(out: Path) -> Path:
    """Ground truth lives beside the folder, so the folder holds only documents."""
    return out.with_name(out.name + ".truth.json")


def make_inbox(out: Path, seed: int = 7) -> dict[str, dict]:
    """The small committed demo inbox: one born-digital PDF per type and
    four scans (image PDF, multi-format images)."""
    import tempfile

    truth = generate(out, 1, ["pdf"], seed=seed)
    scans = [("bauantrag", "scanpdf"), ("kfz_zulassung", "tif"), ("ifsg_belehrung", "png"), ("masern_meldung", "jpg")]
    for i, (dt, fmt) in enumerate(scans):
        with tempfile.TemporaryDirectory() as tmp:
            t = generate(Path(tmp), 1, [fmt], seed=seed + 100 + i, doctypes=[dt])
            for ident, rec in t.items():
                new = f"scan-{ident}"
                (Path(tmp) / rec["file"]).rename(out / (new + EXT[fmt]))
                rec["file"] = new + EXT[fmt]
                truth[new] = rec
    truth_path(out).write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--per-type", type=int, default=1)
    ap.add_argument("--with-other", action="store_true", help="also generate 'sonstiges' letters")
    ap.add_argument("--formats", default="pdf", help="comma list of pdf,scanpdf,tif,png,jpg")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--noise", type=float, default=1.0)
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--layouts", default="", help=f"comma list of {','.join(ALL_LAYOUTS)} (default: the first four)")
    ap.add_argument("--inbox", action="store_true", help="write the small demo inbox (samples/inbox)")
    a = ap.parse_args(argv)
    if a.inbox:
        t = make_inbox(a.out, a.seed if a.seed != 1 else 7)
        print(f"{len(t)} documents written to {a.out}", file=sys.stderr)
        return 0
    t = generate(a.out, a.per_type, a.formats.split(","), a.seed, a.noise, a.dpi,
                 layouts=[x for x in a.layouts.split(",") if x] or None, doctypes=ALL_TYPES if a.with_other else None)
    print(f"{len(t)} documents written to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
