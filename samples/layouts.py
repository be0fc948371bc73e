"""More layouts and wordings for ``generate.py`` (the training/tuning family):
box forms, two-column forms, stacked label/value forms and window-envelope
letters, with sections for several persons (applicant, Bevollmächtigte/r,
Kontoinhaber/in, the child and a parent, the club's chair), one-line
addresses, Aktenzeichen with spaces and letter prefixes, dates in many
forms and received stamps.  Every value is invented.

A layout here is a function ``render(pdf, sample, rng, text)`` drawing on an
fpdf2 page; ``enrich(sample, rng, person)`` turns the flat rows of a sample
into sections first.
"""

from __future__ import annotations

import random
from typing import Any, Callable

MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
ABBR = ["Jan.", "Feb.", "Mrz.", "Apr.", "Mai", "Jun.", "Jul.", "Aug.", "Sep.", "Okt.", "Nov.", "Dez."]
STAMP_ABBR = ["JAN.", "FEB.", "MRZ.", "APR.", "MAI", "JUNI", "JULI", "AUG.", "SEP.", "OKT.", "NOV.", "DEZ."]

NEW_LAYOUTS = ["boxes", "twocol", "stacked", "window"]

APPLICANT_HEADS = {
    "kfz_zulassung": ["Angaben zum Halter", "Halter/in", "Antragsteller/in"],
    "bauantrag": ["Bauherr/in", "Angaben zur Bauherrschaft", "Antragsteller/in"],
    "tierhaltung": ["Tierhalter/in", "Angaben zur antragstellenden Person"],
    "eingliederungshilfe": ["Angaben zur leistungsberechtigten Person", "Persönliche Angaben"],
    "masern_meldung": ["Angaben zum Kind", "Angaben zur betroffenen Person"],
    "sportstaetten_foerderung": ["Angaben zum Verein", "Antragstellender Verein"],
}
DEFAULT_HEADS = ["Angaben zur antragstellenden Person", "Antragsteller/in", "Persönliche Angaben", "Angaben zur Person"]
DECOYS = {
    "masern_meldung": [("Erziehungsberechtigte/r", 1.0)],
    "bauantrag": [("Entwurfsverfasser/in", 0.6), ("Bevollmächtigte/r", 0.3)],
    "sportstaetten_foerderung": [("Ansprechpartner/in", 0.5)],
}
NAME_STYLES = [("Name, Vorname", "lf"), ("Familienname, Vorname(n)", "lf"), ("Vor- und Nachname", "fl"),
               ("Vor- und Familienname", "fl"), ("Familienname|Vorname(n)", "split"), ("Nachname|Vorname", "split"),
               ("Familienname|Vornamen", "split")]
ADDR_STYLES = ["split", "oneline", "street_plz_ort", "split"]
STREET_LABELS = ["Straße, Hausnummer", "Straße / Nr.", "Straße und Hausnr.", "Straße/Hausnr.", "Straße"]
PLZ_ORT_LABELS = ["PLZ, Ort", "PLZ / Ort", "Postleitzahl, Ort", "PLZ und Ort"]
ONELINE_LABELS = ["Anschrift", "Wohnanschrift", "Adresse", "Meldeanschrift"]
BIRTH_LABELS = ["Geburtsdatum", "Geb.-Datum", "geboren am", "Tag der Geburt"]
AZ_LABELS = ["Aktenzeichen", "Geschäftszeichen", "Az.", "Ihr Zeichen", "Gz."]
#: numbers that are not the county's file number (ekte/stages/extract/filenumber.py): never the truth's Aktenzeichen
OTHER_NUMBER_LABELS = ["Kassenzeichen", "Unser Zeichen", "Antragsnummer", "Vorgangsnummer", "Registriernummer",
                       "Bearbeitungsnummer"]


def other_number(rng: random.Random, year: int) -> str:
    """A number in a file number's shape that is some other office's or portal's."""
    return rng.choice([aktenzeichen2(rng, year), f"ANT-{year}-{rng.randint(1000, 999999):06d}",
                       f"{rng.randint(1, 9)}.{rng.randint(1000, 9999)}.{rng.randint(100000, 999999)}.{rng.randint(1, 9)}",
                       f"{rng.randint(10, 99)}-{rng.choice(['BA', 'VG', 'OA'])}-{year}/{rng.randint(100, 9999):04d}"])


def date_forms(d: tuple[int, int, int], rng: random.Random) -> str:
    day, mo, y = d
    return rng.choice([
        f"{day:02d}.{mo:02d}.{y}", f"{day}.{mo}.{y % 100:02d}", f"{day:02d}. {ABBR[mo - 1]} {y}",
        f"{day}. {MONTHS[mo - 1]} {y}", f"{day:02d}.{mo:02d}.{y}",
    ])


def stamp_text(d: tuple[int, int, int], rng: random.Random) -> list[str]:
    day, mo, y = d
    return rng.choice([
        ["EINGEGANGEN", f"{day:02d}. {STAMP_ABBR[mo - 1]} {y}"], [f"Eingang: {day:02d}.{mo:02d}.{y}"],
        [f"Eing. {day}.{mo}.{y % 100:02d}"], ["Posteingang", f"{day:02d}.{mo:02d}.{y}"],
        [f"Eingegangen am {day}. {MONTHS[mo - 1]} {y}"], ["EINGEGANGEN", f"{day:02d} {STAMP_ABBR[mo - 1]} {y}"],
    ])


def aktenzeichen2(rng: random.Random, year: int) -> str:
    style = rng.randrange(4)
    if style == 0:
        a = "".join(rng.choice("ABDFGKLMRSTVW") for _ in range(2))
        return f"{a} {rng.randint(1, 9)} - {rng.randint(10, 99)}.{rng.randint(10, 99)} - {rng.randint(100, 9999)}/{year % 100:02d}"
    if style == 1:
        return f"{rng.choice('BGKSTVZ')} {rng.randint(10, 99)} - {rng.randint(1000, 9999)}/{year}"
    if style == 2:
        return f"{rng.randint(100, 799)}-{rng.randint(100, 9999)}/{year}/{rng.choice(['Bau', 'Vet', 'Ges', 'Soz', 'Ord'])}"
    return f"{rng.randint(10, 99)}.{rng.randint(1, 9)}.{rng.randint(1, 9)}-{rng.randint(10, 999)}/{year}"


def _person_rows(p: dict[str, str], rng: random.Random, birth: bool, fields: dict[str, str] | None,
                 bd_text: str | None) -> list[tuple[str, str]]:
    label, style = rng.choice(NAME_STYLES)
    rows: list[tuple[str, str]] = []
    if style == "lf":
        rows.append((label, f"{p['nachname']}, {p['vorname']}"))
    elif style == "fl":
        rows.append((label, f"{p['vorname']} {p['nachname']}"))
    else:
        a, b = label.split("|")
        rows += [(a, p["nachname"]), (b, p["vorname"])]
    if birth:
        rows.append((rng.choice(BIRTH_LABELS), bd_text or p["geburtsdatum"]))
    addr = rng.choice(ADDR_STYLES)
    if addr == "oneline":
        rows.append((rng.choice(ONELINE_LABELS), f"{p['strasse']}, {p['plz']} {p['ort']}"))
    elif addr == "street_plz_ort":
        rows += [(rng.choice(STREET_LABELS), p["strasse"]), ("PLZ", p["plz"]), ("Ort", p["ort"])]
    else:
        rows += [(rng.choice(STREET_LABELS), p["strasse"]), (rng.choice(PLZ_ORT_LABELS), f"{p['plz']} {p['ort']}")]
    return rows


PERSON_LABELS = {"Name, Vorname", "Familienname", "Vorname", "Antragsteller(in)", "Vertreten durch", "Geburtsdatum",
                 "Straße, Hausnummer", "PLZ, Ort"}


def enrich(s: Any, rng: random.Random, p: dict[str, str], other: Callable[[], dict[str, str]]) -> None:
    """Rows → sections: the person's section (new wordings), decoy persons, the rest."""
    import datetime as dt

    f = s.fields
    matter = [(lab, v) for lab, v in s.rows if lab not in PERSON_LABELS]
    az = next((v for lab, v in matter if lab == "Aktenzeichen"), None)
    matter = [(lab, v) for lab, v in matter if lab != "Aktenzeichen"]
    if az is not None and rng.random() < 0.6:
        year = int(f["antragsdatum"][-4:])
        az = aktenzeichen2(rng, year)
        f["aktenzeichen"] = az
    bd_text = None
    if "geburtsdatum" in f:
        d = dt.datetime.strptime(f["geburtsdatum"], "%d.%m.%Y")
        bd_text = date_forms((d.day, d.month, d.year), rng)
    heads = APPLICANT_HEADS.get(s.doctype, DEFAULT_HEADS)
    person = _person_rows(p, rng, "geburtsdatum" in f, f, bd_text) if "vorname" in f else []
    contact = [(lab, v) for lab, v in matter if lab in ("Telefon", "Tel.", "Rufnummer", "E-Mail", "E-Mail-Adresse")]
    matter = [x for x in matter if x not in contact]
    if s.doctype == "sportstaetten_foerderung":
        verein = [x for x in matter if x[0] in ("Verein", "Name des Vereins")]
        matter = [x for x in matter if x not in verein]
        chair = rng.choice(["Vertreten durch", "Vorsitzende/r", "Vertretungsberechtigte Person"])
        name_row = (chair, f"{p['vorname']} {p['nachname']}")
        person = verein + [name_row] + [r for r in person if not r[0].startswith(("Name", "Vor", "Famil", "Nach"))]
    sections = [(rng.choice(heads), person + contact)]
    for head, prob in DECOYS.get(s.doctype, [("Bevollmächtigte/r", 0.35)]):
        if rng.random() < prob:
            q = other()
            sections.append((head, _person_rows(q, rng, False, None, None)[:3]))
    iban = [x for x in matter if x[0].startswith("IBAN")]
    if iban and rng.random() < 0.5:
        matter = [x for x in matter if x not in iban]
        q = other() if rng.random() < 0.5 else p
        sections.append(("Bankverbindung", [("Kontoinhaber/in", f"{q['vorname']} {q['nachname']}")] + iban))
    rest = [(rng.choice(AZ_LABELS), az)] if az is not None else []
    if rng.random() < 0.4:  # another office's or a portal's number beside it, or alone
        rest.insert(rng.randrange(len(rest) + 1),
                    (rng.choice(OTHER_NUMBER_LABELS), other_number(rng, int(f.get("antragsdatum", "2026")[-4:]))))
    sections.append(("Angaben zum Antrag", rest + matter))
    if rng.random() < 0.5:
        sections.insert(0, sections.pop())
    s.sections = sections


# -- drawing -------------------------------------------------------------------------

def _l1(s: str) -> str:
    return s.encode("latin-1", "replace").decode("latin-1")


def _heading(pdf: Any, text: str, lines: list[str], numbered: int | None = None) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    t = f"{numbered}. {text}" if numbered else text
    pdf.set_fill_color(225, 225, 225)
    pdf.cell(0, 6, _l1(t), fill=True, new_x="LMARGIN", new_y="NEXT")
    lines.append(t)


def render_boxes(pdf: Any, s: Any, rng: random.Random, lines: list[str]) -> None:
    per_row = rng.choice([2, 3])
    w = 180 / per_row
    for n, (head, rows) in enumerate(s.sections, 1):
        _heading(pdf, head, lines, n if rng.random() < 0.5 else None)
        for i in range(0, len(rows), per_row):
            y = pdf.get_y()
            for k, (lab, val) in enumerate(rows[i:i + per_row]):
                x = 15 + k * w
                pdf.rect(x, y, w, 13)
                pdf.set_font("Helvetica", "", 7)
                pdf.text(x + 1.5, y + 3.5, _l1(lab))
                pdf.set_font("Helvetica", "", 10)
                pdf.text(x + 2, y + 10, _l1(val))
                lines.append(f"{lab}\n{val}")
            pdf.set_y(y + 13)


def render_twocol(pdf: Any, s: Any, rng: random.Random, lines: list[str]) -> None:
    for head, rows in s.sections:
        _heading(pdf, head, lines)
        for i in range(0, len(rows), 2):
            y = pdf.get_y()
            for k, (lab, val) in enumerate(rows[i:i + 2]):
                x = 15 + k * 95
                pdf.set_xy(x, y)
                pdf.set_font("Helvetica", "B", 9)
                lw = pdf.get_string_width(_l1(lab + ":")) + 3
                pdf.cell(lw, 6, _l1(lab + ":"))
                pdf.set_font("Helvetica", "", 10)
                pdf.cell(92 - lw, 6, _l1(val))
                lines.append(f"{lab}: {val}")
            pdf.set_y(y + 7)


def render_stacked(pdf: Any, s: Any, rng: random.Random, lines: list[str]) -> None:
    for head, rows in s.sections:
        _heading(pdf, head, lines)
        for lab, val in rows:
            pdf.set_font("Helvetica", "", 8)
            pdf.set_text_color(90, 90, 90)
            pdf.cell(0, 4, _l1(lab), new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.set_font("Times", "", 11)
            pdf.cell(0, 6, _l1(val), new_x="LMARGIN", new_y="NEXT")
            lines.append(f"{lab}\n{val}")


def render_window(pdf: Any, s: Any, rng: random.Random, lines: list[str], p: dict[str, str], authority: str) -> None:
    f = s.fields
    sender = [f"{p['vorname']} {p['nachname']}", p["strasse"], f"{p['plz']} {p['ort']}"]
    if s.doctype == "sportstaetten_foerderung":
        sender[0] = f.get("verein", sender[0])
    pdf.set_font("Helvetica", "", 7)
    pdf.text(20, 48, _l1(" · ".join(sender)))
    lines.append(" · ".join(sender))
    pdf.set_font("Helvetica", "", 10)
    for k, t in enumerate([authority, "Bürgerservice", "Kreishausstraße 1", "12345 Kreisstadt"]):
        pdf.text(20, 56 + 5 * k, _l1(t))
        lines.append(t)
    info = []
    for head, rows in s.sections:
        for lab, val in rows:
            if lab in AZ_LABELS or lab in OTHER_NUMBER_LABELS:
                info.append((lab, val))
    info.append(("Datum", s.extra_lines[0].split("den ")[-1]))
    pdf.set_font("Helvetica", "", 8)
    for k, (lab, val) in enumerate(info):
        pdf.text(125, 50 + 5 * k, _l1(lab + ":"))
        pdf.text(155, 50 + 5 * k, _l1(val))
        lines.append(f"{lab}: {val}")
    pdf.set_y(95)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 6, _l1(s.title), new_x="LMARGIN", new_y="NEXT")
    lines.append(s.title)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, _l1("Sehr geehrte Damen und Herren,\n" + " ".join(s.intro)), new_x="LMARGIN", new_y="NEXT")
    lines.append(" ".join(s.intro))
    for head, rows in s.sections:
        rows = [r for r in rows if r[0] not in AZ_LABELS and r[0] not in OTHER_NUMBER_LABELS]
        if not rows:
            continue
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, _l1(head + ":"), new_x="LMARGIN", new_y="NEXT")
        lines.append(head)
        for lab, val in rows:
            pdf.set_font("Helvetica", "", 10)
            pdf.cell(55, 5, _l1(lab + ":"))
            pdf.cell(0, 5, _l1(val), new_x="LMARGIN", new_y="NEXT")
            lines.append(f"{lab}: {val}")
    pdf.ln(6)
    pdf.cell(0, 5, _l1("Mit freundlichen Grüßen"), new_x="LMARGIN", new_y="NEXT")


def draw_stamp(pdf: Any, text: list[str], rng: random.Random) -> None:
    x, y = rng.choice([(140, 12), (130, 30), (20, 270), (140, 260)])
    pdf.set_draw_color(40, 40, 160)
    pdf.set_text_color(40, 40, 160)
    pdf.rect(x - 2, y - 5, 55, 6 + 6 * len(text))
    pdf.set_font("Courier", "B", 11)
    for k, t in enumerate(text):
        pdf.text(x, y + 2 + 6 * k, _l1(t))
    pdf.set_draw_color(0, 0, 0)
    pdf.set_text_color(0, 0, 0)


def render(s: Any, rng: random.Random, authority: str) -> tuple[bytes, str]:
    """The layouts of samples/layouts.py: boxes, two columns, stacked, window letter."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(_l1(s.title))
    pdf.add_page()
    lines: list[str] = []
    if s.layout == "window":
        f = s.fields
        p = {k: f.get(k, "") for k in ("vorname", "nachname", "strasse", "plz", "ort")}
        render_window(pdf, s, rng, lines, p, authority)
    else:
        pdf.set_font("Helvetica", "", 9)
        for t in (authority, rng.choice(["Der Landrat", "Kreisverwaltung", "Bürgerservice"])):
            pdf.cell(0, 4, _l1(t), new_x="LMARGIN", new_y="NEXT")
            lines.append(t)
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(0, 7, _l1(s.title), new_x="LMARGIN", new_y="NEXT")
        lines.append(s.title)
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(0, 4.5, _l1(" ".join(s.intro)), new_x="LMARGIN", new_y="NEXT")
        lines.append(" ".join(s.intro))
        {"boxes": render_boxes, "twocol": render_twocol, "stacked": render_stacked}[s.layout](pdf, s, rng, lines)
        pdf.ln(6)
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(0, 5, _l1(s.extra_lines[0]), new_x="LMARGIN", new_y="NEXT")
        lines.append(s.extra_lines[0])
        pdf.cell(0, 5, _l1("Unterschrift"), new_x="LMARGIN", new_y="NEXT")
    if s.stamp:
        draw_stamp(pdf, s.stamp, rng)
        lines.insert(0, "\n".join(s.stamp))
    return bytes(pdf.output()), "\n".join(lines)


#: further titles (wordings of this family only)
NEW_TITLES = {
    "kfz_zulassung": ["Antrag auf Neuzulassung / Umschreibung eines Kraftfahrzeugs", "Zulassung Kfz – Antrag"],
    "bauantrag": ["Antrag im Baugenehmigungsverfahren", "Bauantrag (vereinfachtes Verfahren)"],
    "ifsg_belehrung": ["Belehrung für Beschäftigte im Lebensmittelbereich (§ 43 IfSG)", "Erstbelehrung nach dem IfSG"],
    "masern_meldung": ["Vorlage eines Masernschutz-Nachweises", "Meldung: fehlender Nachweis Masernschutz"],
    "waffen_antrag": ["Antrag auf Ausstellung einer Waffenbesitzkarte (WBK)", "Waffenrechtlicher Antrag"],
    "tierhaltung": ["Mitteilung über die Aufnahme einer Tierhaltung", "Registrierung Tierhaltung"],
    "sportstaetten_foerderung": ["Zuschussantrag für eine Sportanlage", "Förderung des Vereinssports: Sportstättenbau"],
    "eingliederungshilfe": ["Erstantrag Eingliederungshilfe (SGB IX)", "Antrag auf Teilhabeleistungen"],
}
