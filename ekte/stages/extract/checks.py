"""When a value may be *sure*: evidence that was checked on this page, not
learned from layouts ekte has seen.

The scorer's probability (:mod:`.scoring`) says how alike a value is to
the right values of the documents it was trained on; on a layout it never
saw that is no promise.  So a value reaches ``extract.auto_threshold`` only
when every check below holds; otherwise its confidence is capped just
below the threshold and the document goes to review with the field named.

The checks (:func:`unchecked` returns the names of those that fail):

``label``
    its label matched a lexicon entry exactly — not fuzzily, not a short or
    common word without a colon, not a value found without a label (running
    text, letter head, a value's shape); a received stamp's keyword counts
    as its label;
``place``
    the value is in the label's cell, the next cell of its row or on the
    next line below it, with nothing between (how :mod:`.candidates` finds
    it) — for a stamp, the date right after the keyword or on its next lines;
``type``
    it passes its field's check as written on the page (nothing repaired,
    no label debris): a date that parses, a PLZ of five digits, an IBAN
    whose check digits add up, a name of capitalised name words only, a
    street with a house number, an Aktenzeichen with digits under a label
    that names a file number ("Kassenzeichen", "Unser Zeichen" do not); a club's name ending in its
    legal form ("e. V."), else it may be cut where it wraps; a town not in capitals only;
    a name split from one field only where the label says the order;
``alone``
    no other labelled value for the same field disagrees with it, unless
    the sections decide (the applicant's section against someone else's);
``person``
    a person's value is not from someone else's section (Bevollmächtigte/r,
    Kontoinhaber/in, the authority);
``whose``
    an address, telephone or e-mail value outside any section follows a labelled name of
    the document's person, and the nearest labelled name before it is that person's
    (within :data:`NAME_REACH` characters of its text): an address without a heading or a
    name beside it may be anyone's (an employer's, a school's), one under another
    person's name is theirs; an IBAN is the applicant's or payee's account by its section
    (Kontoinhaber/in, Bankverbindung, the applicant's) or by the words before it, never
    the authority's;
``doctype``
    the document's type carries the field (``doctypes.<type>.fields``): an IBAN on a building
    permit, a date of birth on an animal-keeping form is someone else's (the fee account, a
    child's) -- found, never sure;
``date``
    a date that can be: a received or application date not after the intake, a date of birth
    before it and at most 120 years back (a year misread by the OCR, "2028" for "2026");
``read``
    on a scan, every word of it was read by Tesseract with a word
    confidence of at least :data:`MIN_WORD_CONF` (the OCR engine's hOCR
    carries it into the layout words).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from ekte.stages.extract import values as V
from ekte.stages.extract.spelling import all_caps
from ekte.stages.extract.candidates import PERSON_FIELDS, Cand
from ekte.stages.reasons import DATES as _DATES, day as _day, impossible_date

#: Tesseract word confidence (0-100) every word of a scanned value needs
MIN_WORD_CONF = 85.0
#: … of a code without check digits (eVB, FIN, number plate): no dictionary helps the OCR read it
MIN_CODE_CONF = 95.0
_CODES = ("evb", "fin", "kennzeichen")
#: … of a person's name: a misread name is another name ("Velker", "Paulmann" for "Pöhlmann" at 89 on dev
#: scans, seed 62) and no check can tell
MIN_NAME_CONF = 90.0
_NAMES = ("vorname", "nachname")
#: how far (characters of the page text, some six lines) after a labelled name an address outside any section may stand
NAME_REACH = 400
_ADDRESS = ("strasse", "plz", "ort")
#: a value that is not checked stays this far below the threshold
BELOW = 0.01

#: labels that name the authority's file number (lexicon keys); "Kassenzeichen"
#: (a payment reference), "Unser Zeichen" (the writer's own), "Vorgangsnummer" do not
FILE_NUMBER_LABELS = {"aktenzeichen", "az.", "az", "aktenz.", "geschäftszeichen", "gesch.-z.", "geschäftsz.",
                      "ihr zeichen", "ihr az.", "ihr aktenzeichen", "gz.", "gz", "gesch.-zeichen"}
#: a name's letters: German and those of names from elsewhere written in Latin letters ("Yılmaz", "Renée",
#: "Łukasz", "Dvořák", "Şahin")
_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_LOW = "a-zß-öø-ÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįıĵķĺļľŀłńņňōŏőœŕŗřśŝşšţťŧũūŭůűųŵŷźżž"
_NAME = re.compile(rf"[{_UP}][{_LOW}]+(?:[-'][{_UP}{_LOW}][{_LOW}]+)*")
_PARTICLES = {"von", "van", "de", "der", "zu", "den", "du", "da", "di", "la", "le", "ter", "vom", "zur"}
_STREET = re.compile(r"[^\W\d_][\w.\-' ]*[^\W\d_.]\.?\s+\d{1,4}\s?[a-zA-Z]?(?:\s?[-/]\s?\d{1,4}\s?[a-zA-Z]?)?")
_ORT = re.compile(r"[^\W\d_][^\W\d_ .\-()/]*(?:[ .\-/]+\(?[^\W\d_]+\)?)*\.?")
_AZ = re.compile(r"[\w][\w./\-– ]{2,38}[\w]")
_DATE = re.compile(r"\d{2}\.\d{2}\.(\d{4})")
_DATE_IN = re.compile(r"(?<!\d)\d{1,2}\.\d{1,2}\.(?:19|20)\d\d(?!\d)")
_LABELLED = ("right", "below")
#: values found without a lexicon label whose anchor is as good as one: the profile's own
#: file-number pattern, the date of "<Ort>, den <Datum>" (how German letters and forms date)
_ANCHORS = {("pattern", "aktenzeichen"): ("pattern",), ("pattern", "antragsdatum"): ("den", "ort,"),
            ("pattern", "iban"): ("checksum",),
            **{("prose", f): ("prose",) for f in ("vorname", "nachname", "geburtsdatum", "strasse", "plz", "ort")}}
#: fields whose every candidate, labelled or not, counts against another: an IBAN found by its
#: shape and check digits is sure only as the document's one IBAN (not beside the authority's)
_ANY_RIVAL = ("iban",)
#: fields whose unlabelled candidates count against a labelled one too: a second date of birth
#: anywhere (a child's, a parent's in a sentence) leaves open whose the labelled one is
_ANY_SOURCE = ("iban", "geburtsdatum")
#: fields whose value must be the document's person's by a name before it (check ``whose``)
_OWNED = _ADDRESS + ("telefon", "email")
#: fields whose own check digits catch a misread character: read by OCR at any word confidence
_SELF_CHECKING = ("iban",)
#: fields whose value is cut out of the label's text: nothing else may stand there
_WHOLE = ("plz", "telefon", "email", "iban", "fin", "evb", "kennzeichen", "flur", "flurstueck")


def _name_ok(v: str) -> bool:
    words = v.split()
    return 1 <= len(words) <= 4 and all(_NAME.fullmatch(w) or w in _PARTICLES for w in words) and \
        bool(_NAME.fullmatch(words[-1]) or _NAME.fullmatch(words[0]))


def _order_named(label: str) -> bool:
    """A label that says which part of a full name is which ("Name, Vorname", "Vor- und Nachname")."""
    return "vor" in label and ("name" in label.replace("vorname", "") or "nach" in label or "famil" in label)


def _is_date(v: str) -> bool:
    r = V.parse_date_ex(v)
    return bool(r and r[2] == 0 and not v[r[3]:].strip())


def _two_words(raw: str) -> bool:
    """A full name written "Jana Weber" or "Weber, Jana": which part is which is plain."""
    parts = [p.split() for p in raw.split(",")]
    return [len(p) for p in parts] in ([2], [1, 1])


def type_ok(c: Cand) -> bool:
    """The value as written passes its field's check (see the module's ``type``)."""
    v = c.value
    if not c.ok or c.repaired or c.debris or _overlaid(c):
        return False
    f = c.field
    if f in ("vorname", "nachname"):
        split = c.pseudo or c.source == "prose"  # a full name cut into first and last name
        return _name_ok(v) and (not split or _order_named(c.label) or _two_words(c.raw))
    if f in _DATES:
        m = _DATE.fullmatch(v)
        return bool(m) and 1900 <= int(m.group(1)) <= 2099
    if f == "plz":
        return bool(re.fullmatch(r"\d{5}", v)) and "01000" <= v <= "99999"
    if f == "strasse":
        return bool(_STREET.fullmatch(v))
    if f in ("ort", "gemarkung"):
        # in capitals ("BAD NEUSTADT A. D. SAALE") the town's spelling is a guess (see values.town_case)
        return bool(_ORT.fullmatch(v)) and len(v) >= 2 and not (f == "ort" and all_caps(v)) and not V.CUT_TOWN.search(v)
    if f == "aktenzeichen":
        if c.source == "pattern":  # found by the profile's own file-number patterns
            return True
        return c.label in FILE_NUMBER_LABELS and bool(_AZ.fullmatch(v)) and sum(ch.isdigit() for ch in v) >= 2 \
            and not _DATE_IN.search(v) and not _is_date(v) and _az_words_ok(v)  # "BA 06.09.2025 4170/25": dates
    if f == "verein":  # a registered club's name ends in its legal form; without it, wrapped or cut ("… 1888 e.V.")
        return bool(re.search(r"\be\.\s?V\.?$", v))
    if f == "flurstueck" and "," in v:
        return False  # a list of parcels: a clerk checks that it is all of them
    if f in _WHOLE and c.source in _LABELLED and not c.pseudo and _leftover(c.raw, v):
        return False  # "Flurstück: 405, 746": the value is not all the label says
    check = V.VALIDATORS.get(f)
    if check is None:
        return True
    p = check(v)
    return bool(p and p.ok and not p.repaired)


def _overlaid(c: Cand) -> bool:
    """A value whose words come from elsewhere in the page's text (a stamp's "Kreisverwaltung" printed over
    the cell of "Familienname: Demir"): its span runs backwards or is far longer than its words."""
    return c.source in _LABELLED and (c.end < c.start or c.end - c.start > 2 * len(c.raw) + 40)


def _az_words_ok(v: str) -> bool:
    """A file number's letter tokens are short codes ("AB", "S", "IfSG", "Bau"): a word ("Kreisverwaltung",
    "am") is a stamp's or a sentence's that ran into it."""
    return all(not t.isalpha() or (len(t) <= 4 and not t.islower()) for t in v.split())


def _leftover(raw: str, value: str) -> bool:
    """Whether the label's text holds letters or digits besides *value*."""
    squash = lambda t: re.sub(r"\s+", "", t).casefold()  # noqa: E731
    return any(ch.isalnum() for ch in squash(raw).replace(squash(value), "", 1))


def _has_label(c: Cand) -> bool:
    if c.source == "stamp" or c.label in _ANCHORS.get((c.source, c.field), ()):
        return True
    # a weak label word without a colon has a value only in a cell of its own (see candidates)
    # a label inside running text ("… auf dem Flurstück 2") labels nothing for sure: it must
    # begin its cell or end with a colon
    return c.source in _LABELLED and c.sim >= 1.0 and bool(c.label) and (c.lead or c.source == "below" or _inline(c))


def _inline(c: Cand) -> bool:
    """A date right after its label in running text, ended by punctuation or the sentence going
    on ("geboren am 3. Mai 1990, wohnhaft …"): the whole value stands there."""
    if c.field not in _DATES:
        return False
    r = V.parse_date_ex(c.raw)
    return bool(r and r[2] == 0 and re.match(r"\s*[,;)]|\s+[a-zäöü]", c.raw[r[3]:]))


def _rivals(cands: list[Cand]) -> dict[int, bool]:
    """id(candidate) → whether another labelled value of its field disagrees
    and is not from a section that ranks below its own."""
    by_field: dict[str, list[Cand]] = defaultdict(list)
    for c in cands:
        if (c.source in _LABELLED + ("stamp",) or _ANCHORS.get((c.source, c.field)) or c.field in _ANY_SOURCE) \
                and c.ok:
            by_field[c.field].append(c)
    out = {}
    for cs in by_field.values():
        keys = [_SPACES.sub("", o.value).casefold() for o in cs]  # (each value's once, not once per pair)
        for c, me in zip(cs, keys):
            # another section decides only when it is someone else's (not a second primary person's)
            out[id(c)] = any(k != me and (o.rank < 8 or c.rank >= 8 or c.field in _ANY_RIVAL)
                             for o, k in zip(cs, keys))
    return out


_SPACES = re.compile(r"\s+")


def _persons(cands: list[Cand]) -> tuple[bool, set[int]]:
    """Whether the document has a section of someone else's, and the
    section standings (ranks) under which labelled surnames differ: two
    persons there, so the section does not say whose a value is."""
    names: dict[int, set[str]] = defaultdict(set)
    for c in cands:
        if c.field == "nachname" and c.source in _LABELLED and c.ok and c.rank < 9:
            names[c.rank].add(re.sub(r"\s+", "", c.value).casefold())
    # someone else's section shows in a person's value there (an IBAN under "Bankverbindung" is no person's)
    return any(c.rank in (6, 8) and c.field in PERSON_FIELDS for c in cands), {r for r, ns in names.items() if len(ns) > 1}


class Name(NamedTuple):
    """A name on the page (:func:`_names_at`)."""
    page: int
    at: int  # its offset in the page's text
    mine: bool  # the document's person's
    writer: bool  # in the writer's own sentence ("Ich, Paul Lange, …"): names whose the rest of the page is
    theirs: bool  # its label says it is someone else's ("Name des Vorbesitzers")
    loose: bool  # in running text without its anchor (the text may be written for someone else)


def _names_at(cands: list[Cand]) -> list[Name]:
    """Every labelled name (and a letter head's, running text's): someone else's in another's section
    (rank 8), or outside any section when the person's own section names someone else ("Kassenwart/in"
    under the club's chair)."""
    names = [c for c in cands if c.field in ("vorname", "nachname") and c.ok and c.rank < 9 and (
        c.source in _LABELLED or c.source in ("header", "prose"))]
    key = lambda c: (c.field, re.sub(r"\s+", "", c.value).casefold())  # noqa: E731
    own = {key(c) for c in names if c.rank < 5}
    owns = {f for f, _ in own}
    return [Name(c.page, c.start, c.rank < 5 or (c.rank == 5 and (c.field not in owns or key(c) in own)),
                 (c.source, c.label) == ("prose", "prose"), c.rank >= 8 and c.source in _LABELLED and c.said is not None,
                 c.source == "prose" and c.label != "prose") for c in names]


#: the roles of a document's own person (its applicant, or the child a form is about)
_SELF = ("applicant", "subject")


def _under_anothers_name(c: Cand, names: list[Name]) -> bool:
    """A person's value in its section whose nearest labelled name before it (within :data:`NAME_REACH`
    characters of its page's text) is labelled as someone else's ("Name des Vorbesitzers: …" and an address
    under it, in the applicant's section because that person has no heading of their own): theirs, not sure."""
    if c.field not in _OWNED + ("geburtsdatum",) or c.rank >= 5 or c.source not in _LABELLED:
        return False
    before = [(n.at, n.theirs) for n in names if n.page == c.page and not n.loose and 0 < c.start - n.at <= NAME_REACH]
    return bool(before) and max(before)[1]


def _whose_unknown(c: Cand, names: list[Name], writer: bool = False) -> bool:
    """An address/telephone/e-mail/date of birth outside any section: the nearest labelled name before it
    (or on its row; for a date of birth also one in running text: "Frau Jana Weber, geb. am …") must be the
    document's person's; an IBAN: the applicant's or payee's account (or, in a letter its writer writes
    for themself, "Ich, Paul Lange, …", the writer's)."""
    if c.field == "iban" and c.source in _LABELLED:
        return c.whose == "authority" or (c.whose != "payee" and c.role != "account" and c.rank >= 5 and not writer)
    if c.field not in _OWNED + ("geburtsdatum",) or c.rank != 5 or c.source not in _LABELLED:
        return False
    near = [(n.at, n.mine) for n in names if n.page == c.page and -80 <= c.start - n.at and (
        n.writer or c.start - n.at <= NAME_REACH) and (not n.loose or c.field == "geburtsdatum")]
    return not near or not max(near)[1]


@dataclass(frozen=True)
class Facts:
    """What the document says beyond its page: the fields its type does not carry (that other
    types do), and the day it arrived."""
    foreign: frozenset = frozenset()
    intake: dt.date | None = None
    #: a person's fields the type does not carry though it names a person (a date of birth on a club's or a
    #: building application): sure only in the applicant's own section, not the chair's, not outside any
    unneeded: frozenset = frozenset()


def _dated(cands: list[Cand]) -> dict[str, list[dt.date]]:
    """The dates of the document's checked received and application dates."""
    out: dict[str, list[dt.date]] = {"antragsdatum": [], "eingangsdatum": []}
    for c in cands:
        d = _day(c.value) if c.field in out and c.ok and _has_label(c) else None
        if d is not None:
            out[c.field].append(d)
    return out


def _out_of_order(c: Cand, dated: dict[str, list[dt.date]]) -> bool:
    """Received before it was written, written after it was received (one of them misread: "2020" for "2025")."""
    d, day = _day(c.value), dt.timedelta(days=1)
    if d is None or c.field not in dated:
        return False
    if c.field == "eingangsdatum":
        return any(a > d + day for a in dated["antragsdatum"])
    return any(r < d - day for r in dated["eingangsdatum"])


def unchecked(c: Cand, rivals: dict[int, bool], persons: tuple[bool, set[int]] = (False, set()),
              names: list[Name] | None = None, facts: Facts = Facts(),
              dated: dict[str, list[dt.date]] | None = None) -> list[str]:
    """The names of the checks *c* fails ([] : it may be sure)."""
    miss = []
    if not _has_label(c):
        miss.append("label")
    if c.source == "below" and c.dist > 2.6:
        miss.append("place")
    if not type_ok(c):
        miss.append("type")
    if rivals.get(id(c), False):
        miss.append("alone")
    others, two = persons
    if c.field in PERSON_FIELDS and (c.rank >= 6 or (c.rank == 5 and others) or c.rank in two):
        # someone else's; outside any section on a page with someone else's; two persons in its section
        miss.append("person")
    if c.field == "kennzeichen" and c.rank >= 8:  # a previous vehicle's, the previous holder's
        miss.append("vehicle")
    if names is not None and (_whose_unknown(c, names, any(n.writer and n.mine for n in names))
                              or _under_anothers_name(c, names)):
        miss.append("whose")
    if c.field in facts.foreign or (c.field in facts.unneeded and (c.rank >= 5 or c.role not in _SELF)):
        miss.append("doctype")
    if impossible_date(c.field, c.value, facts.intake) or (dated and _out_of_order(c, dated)):
        miss.append("date")
    need = MIN_CODE_CONF if c.field in _CODES else MIN_NAME_CONF if c.field in _NAMES else MIN_WORD_CONF
    if c.ocr and (c.wconf is None or c.wconf < need) and c.field not in _SELF_CHECKING:
        miss.append("read")
    return miss


def capped(scored: list[tuple[Cand, float]], threshold: float,
           facts: Facts = Facts()) -> list[tuple[Cand, float, list[str]]]:
    """Every (candidate, confidence) with the checks it fails; a candidate
    that fails any stays below *threshold*."""
    rivals = _rivals([c for c, _ in scored])
    persons = _persons([c for c, _ in scored])
    names = _names_at([c for c, _ in scored])
    dated = _dated([c for c, _ in scored])
    cap = max(0.0, threshold - BELOW)
    firsts = {(c.page, c.role) for c, _ in scored if c.field == "vorname" and c.label and not c.pseudo}
    out = []
    for c, p in scored:
        miss = [m for m in unchecked(c, rivals, persons, names, facts, dated) if m != "type" or not _beside(c, firsts)]
        out.append((c, min(p, cap) if miss else p, miss))
    return out


def _beside(c: Cand, firsts: set) -> bool:
    """"Name: Weber" with a "Vorname" label of its own in its section (a registration form's rows): the family name."""
    return c.field == "nachname" and c.label == "name" and c.ok and not (c.repaired or c.debris or _overlaid(c)) \
        and " " not in c.value and _name_ok(c.value) and (c.page, c.role) in firsts
