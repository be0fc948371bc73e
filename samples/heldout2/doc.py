"""What one document says, independent of how it is drawn: blocks of
labelled items (each item knows the truth it carries), the office box, the
signature line, a received stamp, or a letter.  Also the item makers that
write a person the many ways real forms ask for one."""

from __future__ import annotations

from dataclasses import dataclass, field

from .world import Person, Rng, fmt_date, truth_date, date_style
from . import world as W


@dataclass
class Item:
    label: str
    text: str                                   # as written ("" = left blank)
    truth: dict[str, str] = field(default_factory=dict)
    ask: str = ""                               # the question (questionnaire layout)
    width: float = 1.0                          # share of its row
    comb: int = 0                               # one box per character (0 = a line)
    hand: bool = True                           # filled in by the sender
    choices: tuple[str, ...] = ()               # check boxes; text is the one ticked


@dataclass
class Block:
    heading: str
    rows: list[list[Item]]
    role: str = ""                              # who ("Halter/in"): person blocks may become table columns
    note: str = ""


@dataclass
class Letter:
    letterhead: list[str]
    return_line: str
    recipient: list[str]
    refs: list[Item]
    subject: list[str]
    body: list[str]
    signer: list[str]
    enclosures: list[str] = field(default_factory=list)
    company: bool = True
    date: object = None                         # the letter's date (a received stamp comes after it)


@dataclass
class Doc:
    doctype: str
    title: str
    subtitle: str = ""
    authority: list[str] = field(default_factory=list)
    form_no: str = ""
    blocks: list[Block] = field(default_factory=list)
    office: list[Item] = field(default_factory=list)
    sign: list[Item] = field(default_factory=list)
    signer: str = ""
    stamp: Item | None = None
    letter: Letter | None = None
    declarations: list[str] = field(default_factory=list)
    inline: list[Item] = field(default_factory=list)   # values written inside running text
    caps: bool = False                                 # filled in block capitals

    def items(self):
        for b in self.blocks:
            for row in b.rows:
                yield from row
        yield from self.office
        yield from self.sign
        if self.stamp:
            yield self.stamp
        if self.letter:
            yield from self.letter.refs
        yield from self.inline

    def truth(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """(field → truth value, field → the texts that show it)."""
        truth: dict[str, str] = {}
        shown: dict[str, list[str]] = {}
        for it in self.items():
            for k, v in it.truth.items():
                if k in truth and truth[k] != v:
                    raise AssertionError(f"{self.doctype}: two truths for {k}: {truth[k]!r} / {v!r}")
                truth[k] = v
                shown.setdefault(k, []).append(self.show(it))
        return truth, shown

    def show(self, it: Item) -> str:
        """The item's text as drawn: block capitals when the sender wrote so."""
        return it.text.upper() if self.caps and it.hand else it.text


def authority(r: Rng, office: str, unit: str) -> list[str]:
    head = r.pick((f"Landratsamt {W.COUNTY}", f"Kreisverwaltung {W.COUNTY}", f"Landkreis {W.COUNTY}",
                   f"Der Landrat des Kreises {W.COUNTY}"))
    return [head, office, unit]


def name_items(r: Rng, p: Person, truth: bool, *, ask_who: str = "Ihr") -> list[list[Item]]:
    t = (lambda **kw: kw) if truth else (lambda **kw: {})
    style = r.randrange(6)
    if style == 0:
        return [[Item("Familienname", p.nachname, t(nachname=p.nachname), f"Wie lautet {ask_who} Familienname?", 1.2),
                 Item("Vorname(n)", p.vorname, t(vorname=p.vorname), f"Wie lauten {ask_who} Vornamen?")]]
    if style == 1:
        return [[Item("Name, Vorname", f"{p.nachname}, {p.vorname}", t(nachname=p.nachname, vorname=p.vorname),
                      "Name und Vorname (in dieser Reihenfolge)")]]
    if style == 2:
        return [[Item("Vor- und Zuname", p.full, t(nachname=p.nachname, vorname=p.vorname),
                      f"Wie heißt {'die Person' if ask_who != 'Ihr' else 'Sie'} (Vor- und Nachname)?")]]
    if style == 3:
        birth = r.pick(W.SURNAMES)
        return [[Item("Nachname", p.nachname, t(nachname=p.nachname), "Nachname:"),
                 Item("Geburtsname (falls abweichend)", birth if r.chance(0.4) else "", {}, "ggf. Geburtsname:", 0.8)],
                [Item("Vornamen (sämtliche)", p.vorname, t(vorname=p.vorname), "Sämtliche Vornamen:")]]
    if style == 4:
        return [[Item("Vorname", p.vorname, t(vorname=p.vorname), "Vorname:", 0.8),
                 Item("Name", p.nachname, t(nachname=p.nachname), "Name:")]]
    return [[Item("Anrede", p.title, {}, "Anrede (Frau/Herr/divers):", 0.4),
             Item("Zuname", p.nachname, t(nachname=p.nachname), "Zuname:"),
             Item("Vorname", p.vorname, t(vorname=p.vorname), "Vorname:")]]


def birth_items(r: Rng, p: Person, truth: bool, place: bool = True) -> list[Item]:
    style = r.pick(("num", "num", "short", "yy", "long"))
    shown = fmt_date(p.geboren, style)
    t = {"geburtsdatum": truth_date(p.geboren)} if truth else {}
    label = r.pick(("Geburtsdatum", "Tag der Geburt", "geb. am", "Geburtsdatum (TT.MM.JJJJ)", "Geburtstag"))
    out = [Item(label, shown, t, "Wann sind Sie geboren?" if truth else "Geburtsdatum:", 0.8)]
    if place:
        out.append(Item(r.pick(("Geburtsort", "Geburtsort / -land", "in (Ort)")), p.birthplace, {},
                        "Wo (Ort, Land)?"))
    return out


def address_items(r: Rng, p: Person, truth: bool, *, style: int | None = None) -> list[list[Item]]:
    t = (lambda **kw: kw) if truth else (lambda **kw: {})
    style = r.randrange(4) if style is None else style
    if style == 0:
        return [[Item("Straße, Hausnummer", p.strasse, t(strasse=p.strasse), "Straße und Hausnummer:", 1.4),
                 Item("PLZ, Wohnort", f"{p.plz} {p.ort}", t(plz=p.plz, ort=p.ort), "Postleitzahl und Ort:")]]
    if style == 1:
        return [[Item("Straße", p.street, t(strasse=p.strasse), "Straße:", 1.5),
                 Item("Hausnr.", p.number, t(strasse=p.strasse), "Hausnummer:", 0.4)],
                [Item("Postleitzahl", p.plz, t(plz=p.plz), "Postleitzahl:", 0.5, comb=5),
                 Item("Ort / Gemeinde", p.ort, t(ort=p.ort), "Ort:", 1.5)]]
    if style == 2:
        return [[Item("Anschrift (Straße, Hausnr., PLZ, Ort)", f"{p.strasse}, {p.plz} {p.ort}",
                      t(strasse=p.strasse, plz=p.plz, ort=p.ort), "Wo wohnen Sie (vollständige Anschrift)?")]]
    return [[Item("Wohnanschrift", p.strasse, t(strasse=p.strasse), "Anschrift (Hauptwohnsitz):"),
              Item("PLZ / Ort", f"{p.plz} {p.ort}", t(plz=p.plz, ort=p.ort), "PLZ / Ort:")]]


def contact_items(r: Rng, p: Person, truth: bool, email: bool = True) -> list[Item]:
    out = [Item(r.pick(("Telefon (tagsüber)", "Tel.-Nr. für Rückfragen", "Rufnummer", "Telefon/Mobil")), p.telefon,
                {"telefon": p.telefon} if truth else {}, "Unter welcher Nummer sind Sie tagsüber erreichbar?")]
    if email:
        out.append(Item(r.pick(("E-Mail", "E-Mail-Adresse (freiwillig)", "E-Mail (für Rückfragen)")), p.email,
                        {"email": p.email} if truth else {}, "E-Mail-Adresse (freiwillig):"))
    return out


def person_rows(r: Rng, p: Person, truth: bool, *, birth: bool = True, contact: float = 0.6,
                place: bool = True, ask_who: str = "Ihr") -> list[list[Item]]:
    rows = name_items(r, p, truth, ask_who=ask_who)
    if birth:
        rows.append(birth_items(r, p, truth, place))
    rows += address_items(r, p, truth)
    if r.chance(contact):
        rows.append(contact_items(r, p, truth, r.chance(0.6)))
    return rows


def office_box(r: Rng, doctype: str, chance: float = 0.5) -> tuple[list[Item], str]:
    """The box "for the authority": sometimes the file number is in it."""
    az = W.aktenzeichen(r, doctype) if r.chance(chance) else ""
    label = r.pick(("Aktenzeichen", "Az.", "Geschäftszeichen", "Gz.", "Vorgang/Az."))
    items = [Item(label, az, {"aktenzeichen": az} if az else {}, hand=False),
             Item(r.pick(("Sachbearbeitung", "Bearb.", "SB")), r.pick(("", "", "Hö", "Kr/3", "Fr. Lenz")), hand=False)]
    if r.chance(0.3):
        items.append(Item("Formular-ID", f"{r.digits(3)}-{r.digits(5)}", hand=False))
    return items, az


def sign_items(r: Rng, p: Person | None, town: str, blank: float = 0.08) -> tuple[list[Item], object]:
    d = W.recent(r, 25)
    if r.chance(blank):
        return [Item("Ort, Datum", "", {})], None
    style = date_style(r)
    text = f"{town}, {fmt_date(d, style)}" if r.chance(0.8) else fmt_date(d, style)
    label = r.pick(("Ort, Datum", "Ort und Datum", "Datum", "(Ort, Datum)"))
    return [Item(label, text, {"antragsdatum": truth_date(d)})], d


def stamp(r: Rng, after, chance: float = 0.55) -> Item | None:
    """A received stamp a few days after the signature, or None."""
    if after is None or not r.chance(chance):
        return None
    import datetime as dt
    d = min(after + dt.timedelta(days=r.randint(1, 9)), W.TODAY)
    style = r.pick(("stamp", "stamp", "num", "yy", "short", "roman", "abbr"))
    lead = r.pick(("EINGEGANGEN", "Eingang", "Posteingang", f"LRA {W.COUNTY.upper()}", "Eing."))
    return Item(lead, fmt_date(d, style), {"eingangsdatum": truth_date(d)}, hand=False)


def finish(doc: Doc, r: Rng, signer: Person, town: str, *, office: float = 0.5, stamped: float = 0.55) -> Doc:
    """Office box, "Ort, Datum" with the signature, and maybe a received stamp."""
    doc.office, _ = office_box(r, doc.doctype, office)
    doc.sign, d = sign_items(r, signer, town)
    doc.signer = signer.full
    doc.stamp = stamp(r, d, stamped)
    return doc


def form_no(r: Rng, office: str) -> str:
    return r.pick((f"Vordruck {office}-{r.randint(1, 40):02d} (Stand {r.randint(1, 12):02d}/{r.randint(2019, 2025)})",
                   f"Form. {office}.{r.randint(100, 999)} – {r.randint(2020, 2025)}",
                   f"{W.PLATE}-{office}-{r.digits(3)}"))
