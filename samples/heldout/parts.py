"""What a held-out document is made of (independent of how it is drawn), and
the label wordings of the person blocks, collected from real German forms.

A :class:`Case` holds blocks of label/value items (for the form layouts),
fill-in prose (for declarations), a letter (for letters and e-mails) and the
truth, i.e. the values a clerk would record.  Person blocks of one case share
one :class:`Style`, so two persons on one form are asked the same way (and a
table layout can put them side by side).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .world import Person, show_date, truth_date

Seg = tuple[str, bool]  # (text, is a filled-in value)


@dataclass
class Item:
    label: str
    value: str
    key: str = ""
    wide: bool = False
    typed: bool = False  # printed by the office (not filled in by the applicant)


@dataclass
class Block:
    heading: str
    items: list[Item] = field(default_factory=list)
    checks: list[tuple[str, bool]] = field(default_factory=list)
    person: bool = False
    note: str = ""


@dataclass
class Letter:
    head: list[str]              # letterhead lines: name, street, PLZ Ort, contact
    signer: str
    body: list[list[Seg]]
    their_ref: str = ""          # "Ihr Zeichen" (the county's file number)
    our_ref: str = ""            # "Unser Zeichen" (the sender's own reference)
    their_date: str = ""         # "Ihre Nachricht vom" (a date that is not the letter's)
    signer_role: str = ""
    recipient: list[str] = field(default_factory=list)
    email: str = ""              # the sender's address (an e-mail's "Von:")


@dataclass
class Case:
    doctype: str
    title: str
    subtitle: str
    office: str
    blocks: list[Block]
    prose: list[list[Seg]]
    letter: Letter
    date: dt.date                # of the application / letter (the truth's antragsdatum)
    place: str                   # where it was signed
    signer: str
    truth: dict[str, str]
    az: tuple[str, str] | None = None
    cash_ref: str = ""
    stamp: tuple[list[str], bool] | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Style:
    """How a form asks for a person, chosen once per document."""
    name: int
    address: int
    birth_label: str
    birth_fmt: str
    phone_label: str
    mail_label: str
    name_first: bool
    address_first: bool
    comma_order: bool  # one-line address as "PLZ Ort, Straße"?

    @classmethod
    def pick(cls, rng: random.Random) -> "Style":
        return cls(name=rng.randrange(5), address=rng.randrange(5),
                   birth_label=rng.choice(["Geburtsdatum", "Tag der Geburt", "geboren am",
                                           "Geburtsdatum (TT.MM.JJJJ)", "Geb.-Datum"]),
                   birth_fmt=rng.choice(["n", "n", "d", "m", "l", "s"]),
                   phone_label=rng.choice(["Telefon (tagsüber)", "Telefonnummer", "Tel.-Nr. für Rückfragen",
                                           "Telefon / Mobil", "Rufnummer"]),
                   mail_label=rng.choice(["E-Mail", "E-Mail-Adresse", "E-Mail (freiwillig)"]),
                   name_first=rng.random() < 0.5, address_first=rng.random() < 0.3,
                   comma_order=rng.random() < 0.2)


def one_line_address(p: Person, style: Style) -> str:
    if style.comma_order:
        return f"{p.plz} {p.ort}, {p.strasse}"
    return f"{p.strasse}, {p.plz} {p.ort}"


def split_street(s: str) -> tuple[str, str]:
    """'An der Alten Ziegelei 14 b' -> ('An der Alten Ziegelei', '14 b')."""
    words = s.split(" ")
    i = next(k for k, w in enumerate(words) if w[:1].isdigit())
    return " ".join(words[:i]), " ".join(words[i:])


def name_items(rng: random.Random, p: Person, style: Style, first: str, adult: bool = True) -> list[Item]:
    """first: the first name(s) as written in the form; a child has no Anrede."""
    if style.name == 0 or (style.name == 4 and not adult):
        a = Item(rng.choice(["Familienname", "Name", "Nachname", "Zuname"]), p.nachname, "last")
        b = Item(rng.choice(["Vorname(n)", "Vorname", "Vornamen", "Rufname"]), first, "first")
        return [b, a] if style.name_first else [a, b]
    if style.name == 1:
        return [Item(rng.choice(["Name, Vorname", "Familienname, Vorname(n)", "Name, Vorname / Firma"]),
                     f"{p.nachname}, {first}", "name", wide=True)]
    if style.name == 2:
        return [Item(rng.choice(["Vor- und Familienname", "Vor- und Zuname", "Vorname Name"]),
                     f"{first} {p.nachname}", "name", wide=True)]
    if style.name == 3:  # with birth name (a second surname that is not the truth)
        birth = rng.choice(["Krämer", "Sauerbrey", "Vogelsang", "Eggers", p.nachname])
        return [Item("Familienname", p.nachname, "last"), Item("Geburtsname", birth, "birthname"),
                Item("Vorname(n)", first, "first")]
    return [Item("Anrede", p.salutation, "salutation"), Item("Titel", "", "title"),
            Item("Vorname", first, "first"), Item("Familienname", p.nachname, "last")]


def address_items(rng: random.Random, p: Person, style: Style) -> list[Item]:
    st, no = split_street(p.strasse)
    if style.address == 0:
        return [Item(rng.choice(["Anschrift (Straße, Hausnummer, PLZ, Ort)", "Wohnanschrift", "Anschrift"]),
                     one_line_address(p, style), "addr", wide=True)]
    if style.address == 1:
        return [Item(rng.choice(["Straße / Nr.", "Straße, Hausnummer", "Straße und Hausnummer", "Straße, Hausnr."]),
                     p.strasse, "street"),
                Item(rng.choice(["PLZ / Ort", "Postleitzahl, Wohnort", "PLZ, Wohnort", "PLZ und Ort"]),
                     f"{p.plz} {p.ort}", "plzort")]
    if style.address == 2:
        return [Item("Straße", st, "st"), Item(rng.choice(["Hausnummer", "Hausnr.", "Nr."]), no, "no"),
                Item(rng.choice(["Postleitzahl", "PLZ"]), p.plz, "plz"),
                Item(rng.choice(["Wohnort", "Ort", "Gemeinde / Ort"]), p.ort, "ort")]
    if style.address == 3:
        return [Item(rng.choice(["PLZ", "Postleitzahl"]), p.plz, "plz"), Item(rng.choice(["Ort", "Wohnort"]), p.ort, "ort"),
                Item(rng.choice(["Straße, Hausnummer", "Straße / Hausnummer"]), p.strasse, "street")]
    return [Item(rng.choice(["Wohnanschrift", "Anschrift", "Hauptwohnsitz"]), f"{p.strasse}\n{p.plz} {p.ort}",
                 "addr2", wide=True)]


def person_block(rng: random.Random, style: Style, p: Person, heading: str, *, birth: bool = True,
                 contact: float = 0.6, birthplace: bool = False, second: str = "",
                 note: str = "", adult: bool = True) -> tuple[Block, dict[str, str]]:
    """A block asking for one person; returns it and the truth fields it shows."""
    first = f"{p.vorname} {second}".strip()
    shown = {"vorname": first, "nachname": p.nachname, "strasse": p.strasse, "plz": p.plz, "ort": p.ort}
    names = name_items(rng, p, style, first, adult)
    addr = address_items(rng, p, style)
    more: list[Item] = []
    if birth:
        more.append(Item(style.birth_label, show_date(rng, p.geburtsdatum, style.birth_fmt), "birth"))
        shown["geburtsdatum"] = truth_date(p.geburtsdatum)
        if birthplace:
            more.append(Item(rng.choice(["Geburtsort", "Geburtsort / -land"]), rng.choice(
                ["Tannhausen", "Wendelsbrück", "Izmir", "Gdańsk", "Fuchsau", "Kreisstadt"]), "birthplace"))
    items = names + (addr + more if style.address_first else more + addr)
    if rng.random() < contact:
        items.append(Item(style.phone_label, p.telefon, "phone"))
        shown["telefon"] = p.telefon
        if rng.random() < 0.6:
            items.append(Item(style.mail_label, p.email, "mail", wide=True))
            shown["email"] = p.email
    return Block(heading, items, person=True, note=note), shown


def sentence(*parts: str | tuple[str]) -> list[Seg]:
    """sentence("Ich, ", ("Jana Weber",), ", wohne ...") -> segments; tuples are values."""
    return [(x[0], True) if isinstance(x, tuple) else (x, False) for x in parts]


def intro_segments(rng: random.Random, p: Person, style: Style, *, birth: bool = True,
                   who: str = "Ich") -> list[Seg]:
    """'Ich, Jana Weber, geboren am 3.2.1981, wohnhaft Lindenweg 4a, 12345 Ort, ...'"""
    segs: list[Seg] = [(f"{who}, ", False), (p.full, True)]
    if birth:
        segs += [(rng.choice([", geboren am ", ", geb. am ", ", geb. "]), False),
                 (show_date(rng, p.geburtsdatum, "ndml"), True)]
    segs += [(rng.choice([", wohnhaft in ", ", wohnhaft ", ", Anschrift: "]), False),
             (one_line_address(p, style), True), (",", False)]
    return segs
