"""Building one held-out case: the frame every document type shares (dates,
file number, received stamp, letterheads, notes) and the catch-all letters.

A case is built for one *mode* — ``form`` (box, table, two-column and stacked
layouts), ``prose`` (a fill-in declaration) or ``letter`` (letters and e-mail
printouts) — because the truth is what that rendering shows.
"""

from __future__ import annotations

import datetime as dt
import random

from .parts import Block, Case, Item, Letter, Seg, Style, intro_segments, one_line_address, person_block, sentence
from .world import (AUTH_PLZ, AUTH_TOWN, AUTHORITY, SECOND_F, SECOND_M, Person, aktenzeichen, date_between, person,
                    show_date, stamp_text, truth_date)

LAYOUTS = ["box", "table", "twocol", "stacked", "prose", "letter", "mail"]
MODE = {"box": "form", "table": "form", "twocol": "form", "stacked": "form", "prose": "prose",
        "letter": "letter", "mail": "letter"}

NOTES = [
    "Bitte in Druckbuchstaben ausfüllen und Zutreffendes ankreuzen.",
    "Felder mit * sind Pflichtangaben. Unvollständige Anträge verzögern die Bearbeitung.",
    "Hinweise zum Datenschutz: Die Verarbeitung Ihrer personenbezogenen Daten erfolgt auf Grundlage von "
    "Art. 6 Abs. 1 Buchst. e DSGVO. Ausführliche Informationen erhalten Sie unter "
    "www.landkreis-musterland.example/datenschutz oder bei der Datenschutzbeauftragten des Landkreises.",
    "Öffnungszeiten: Mo, Di, Do 8:00 - 12:00 Uhr, Do zusätzlich 14:00 - 17:30 Uhr.",
    "Bitte fügen Sie die erforderlichen Nachweise in Kopie bei. Originale erhalten Sie nicht zurück.",
]


class Ctx:
    """Shared state while one case is built; ``truth`` collects what is shown."""

    def __init__(self, rng: random.Random, doctype: str, layout: str):
        self.rng, self.doctype, self.layout, self.mode = rng, doctype, layout, MODE[layout]
        self.sender_email = ""
        self.style = Style.pick(rng)
        self.date = date_between(rng, dt.date(2025, 2, 1), dt.date(2026, 6, 30))
        self.truth: dict[str, str] = {}

    def person(self, **kw) -> Person:
        return person(self.rng, **kw)

    def block(self, p: Person, heading: str, truth: bool = True, **kw) -> Block:
        if "second" not in kw and self.rng.random() < 0.2:
            kw["second"] = self.rng.choice(SECOND_F if p.female else SECOND_M)
        b, shown = person_block(self.rng, self.style, p, heading, **kw)
        if truth:
            self.truth.update(shown)
        return b

    def intro(self, p: Person, *, birth: bool = True, who: str = "Ich", truth: bool = True) -> list[Seg]:
        if truth:
            self.truth.update(vorname=p.vorname, nachname=p.nachname, strasse=p.strasse, plz=p.plz, ort=p.ort)
            if birth:
                self.truth["geburtsdatum"] = truth_date(p.geburtsdatum)
        return intro_segments(self.rng, p, self.style, birth=birth, who=who)

    def head(self, p: Person, truth: bool = True, contact: float = 0.7) -> list[str]:
        """Letterhead of a private sender."""
        lines = [p.full, p.strasse, f"{p.plz} {p.ort}"]
        self.sender_email = p.email
        if truth:
            self.truth.update(vorname=p.vorname, nachname=p.nachname, strasse=p.strasse, plz=p.plz, ort=p.ort)
            if self.layout == "mail":
                self.truth["email"] = p.email
        if self.rng.random() < contact:
            lines.append(f"{self.rng.choice(['Tel.', 'Telefon:', 'Tel.:'])} {p.telefon}")
            if self.rng.random() < 0.6:
                lines.append(f"{self.rng.choice(['E-Mail:', 'Mail:', ''])} {p.email}".strip())
                if truth:
                    self.truth["email"] = p.email
            if truth:
                self.truth["telefon"] = p.telefon
        return lines

    def birth_line(self, p: Person) -> list[Seg]:
        """'Ich bin am 3. Februar 1981 geboren.' (shows the birth date in prose)."""
        self.truth["geburtsdatum"] = truth_date(p.geburtsdatum)
        return sentence("Ich bin am ", (show_date(self.rng, p.geburtsdatum, "ndml"),), " geboren.")

    def put(self, **fields: str) -> None:
        self.truth.update({k: v for k, v in fields.items() if v})


def recipient(office: str, rng: random.Random) -> list[str]:
    street = rng.choice(["Kreishausplatz 1", "Postfach 11 22"])
    return [AUTHORITY, office, street, f"{AUTH_PLZ} {AUTH_TOWN}"]


def finish(ctx: Ctx, *, title: str, subtitle: str, office: str, signer: str, place: str,
           blocks: list[Block] | None = None, prose: list[list[Seg]] | None = None,
           letter: Letter | None = None, az_chance: float = 0.55) -> Case:
    """Adds what every document may carry: file number, dates, stamp, notes."""
    rng = ctx.rng
    az = None
    if rng.random() < az_chance:
        value = aktenzeichen(rng, ctx.doctype, ctx.date.year)
        ctx.truth["aktenzeichen"] = value
        az = (rng.choice(["Aktenzeichen", "Az.", "Geschäftszeichen", "Gz.", "Aktenzeichen (bitte stets angeben)"]),
              value)
        if letter is not None:
            letter.their_ref = value
            if rng.random() < 0.4:  # a reply: the county's letter has a date of its own
                letter.their_date = show_date(rng, ctx.date - dt.timedelta(days=rng.randint(5, 60)), "nd")
    ctx.truth["antragsdatum"] = truth_date(ctx.date)
    stamp = None
    if rng.random() < 0.7:
        got = ctx.date + dt.timedelta(days=rng.randint(1, 12))
        stamp = stamp_text(rng, got)
        ctx.truth["eingangsdatum"] = truth_date(got)
    if letter is not None and not letter.recipient:
        letter.recipient = recipient(office, rng)
    if letter is not None and not letter.email:
        letter.email = ctx.sender_email
    notes = rng.sample(NOTES, rng.randint(1, 3))
    return Case(ctx.doctype, title, subtitle, office, blocks or [], prose or [], letter or Letter([], signer, []),
                date=ctx.date, place=place, signer=signer, truth=dict(ctx.truth), az=az, stamp=stamp, notes=notes)


# ----------------------------------------------------------------- sonstiges
OTHER_LETTERS = [
    ("Beschwerde über Lärmbelästigung", "ich möchte mich über den anhaltenden nächtlichen Lärm der Baustelle "
     "gegenüber meinem Haus beschweren. Trotz mehrfacher Hinweise wird regelmäßig nach 22 Uhr gearbeitet."),
    ("Sachstandsanfrage", "ich bitte um eine kurze Mitteilung zum Stand meines Anliegens. Seit meinem letzten "
     "Schreiben habe ich leider nichts mehr von Ihnen gehört."),
    ("Mitteilung über meinen Umzug", "ich teile Ihnen mit, dass ich umgezogen bin. Meine bisherige Anschrift "
     "lautete {old}. Bitte senden Sie künftige Post an die oben genannte Adresse."),
    ("Widerspruch gegen den Gebührenbescheid", "gegen Ihren Gebührenbescheid lege ich hiermit fristgerecht "
     "Widerspruch ein. Die Höhe der Gebühr ist für mich nicht nachvollziehbar. Eine Begründung reiche ich nach."),
    ("Bitte um Rückruf", "leider konnte ich Sie telefonisch nicht erreichen. Ich bitte um Rückruf wegen einer "
     "Frage zu den Abfuhrterminen in unserer Straße."),
]
OTHER_FORMS = [
    ("Antrag auf Erteilung eines Fischereischeins", "Untere Fischereibehörde",
     [("Art des Fischereischeins", "Fischereischein auf Lebenszeit"), ("Fischerprüfung abgelegt in", "Tannhausen")]),
    ("Anmeldung zur Sperrmüllabholung", "Abfallwirtschaft",
     [("Gegenstände", "1 Sofa, 2 Stühle, 1 Lattenrost"), ("Menge (ca. m³)", "2")]),
    ("Antrag auf Ausstellung einer Bescheinigung für Ehrenamtliche", "Ehrenamtsbüro",
     [("Tätigkeit", "Jugendtrainer/in"), ("Träger", "Kirchengemeinde Fuchsau")]),
]


def sonstiges(ctx: Ctx) -> Case:
    rng = ctx.rng
    p = ctx.person()
    if ctx.mode == "letter":
        subject, text = rng.choice(OTHER_LETTERS)
        old = f"{rng.choice(['Kirchgasse', 'Weidenring'])} {rng.randint(1, 60)}, {rng.randint(10000, 99999)} Morgenroth"
        head = ctx.head(p)
        body = [sentence(text.format(old=old))]
        letter = Letter(head, p.full, body, our_ref="" if rng.random() < 0.7 else f"{rng.randint(1, 99)}/{p.nachname[:2].upper()}")
        case = finish(ctx, title=subject, subtitle="", office=rng.choice(["Bürgerservice", "Kreiskasse", "Ordnungsamt"]),
                      signer=p.full, place=p.ort, letter=letter)
        if "Gebühren" in subject and rng.random() < 0.7:
            case.cash_ref = f"{rng.randint(1, 9)}.{rng.randint(1000, 9999)}.{rng.randint(100000, 999999)}.{rng.randint(1, 9)}"
        return case
    title, office, extra = rng.choice(OTHER_FORMS)
    if ctx.mode == "prose":
        segs = ctx.intro(p) + sentence(f" beantrage hiermit: {title}.")
        return finish(ctx, title=title, subtitle="", office=office, signer=p.full, place=p.ort, prose=[segs])
    blocks = [ctx.block(p, rng.choice(["Antragsteller/in", "Persönliche Angaben", "Angaben zur Person"]),
                        birth="Fischerei" in title)]
    blocks.append(Block("Angaben zum Antrag", [Item(a, b, wide=True) for a, b in extra]))
    return finish(ctx, title=title, subtitle="", office=office, signer=p.full, place=p.ort, blocks=blocks)


def org_head(name: str, p: Person, phone: str = "", mail: str = "") -> list[str]:
    """Letterhead of an organisation (club, nursery, employer)."""
    lines = [name, p.strasse, f"{p.plz} {p.ort}"]
    if phone:
        lines.append(f"Telefon {phone}")
    if mail:
        lines.append(mail)
    return lines


def address_of(p: Person) -> str:
    return one_line_address(p, Style(0, 0, "", "n", "", "", True, False, False))
