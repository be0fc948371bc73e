"""Which number on a document is the authority's file number (issue 10, born12).

A wrong Aktenzeichen is worse than none: none gets a new one assigned, a wrong
one files the document into another person's case.  Decision (written down in
README, issue 10): the Aktenzeichen is taken only under a label that means the
county's own file number -- "Aktenzeichen", "Az." (with or without colon),
"Geschäftszeichen", "Gz.", "Ihr Zeichen" / "Ihr Az." (the writer quoting the
county's number).  The numbers other offices and portals give are no file
number and are never taken as one, not even by the profile's file-number
patterns: "Kassenzeichen" (a payment reference), "Unser Zeichen" (the
writer's own), "Antragsnummer" / "Vorgangsnummer" (a portal's submission
number), "Registriernummer" (a register's: the animal-disease fund, the club
register), "Bearbeitungsnummer" (a processing number that names no file); a
portal's "Transaktionsnummer" / "Vorgangs-ID" / "Antrags-ID", and a SEPA
mandate's or a bill's numbers: "Mandatsreferenz", "Gläubiger-Identifikationsnummer",
"Debitorennummer", "Objektnummer", "Vertragskonto" (family5; labels of the
lexicon's "other" values, and never before a number found by its shape).
Bare "Zeichen" stays as it was: a value, never a sure one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scoring import Cand

#: lexicon keys of labels that name some other number (see the module's text)
OTHER_NUMBERS = {"kassenzeichen", "unser zeichen", "unser az.", "unser aktenzeichen", "vorgangsnummer",
                 "antragsnummer", "registriernummer", "bearbeitungsnummer", "antrags-nr.", "vorgangs-nr."}
#: such a label ending the text before a number on its line ("Kassenzeichen: ZUL-2026-00871")
_OTHER_BEFORE = re.compile(
    r"(?i)(?:kassenzeichen|unser(?:e)?\s+(?:zeichen|az\.?|aktenzeichen)|(?:vorgangs|antrags|registrier(?:ungs)?|"
    r"bearbeitungs|kunden|mitglieds|steuer|rechnungs|auftrags|transaktions|debitoren|objekt|vertrags)-?\s?"
    r"(?:nummer|nr\.?|id\b|konto)|mandatsreferenz|gläubiger-?\s?(?:identifikationsnummer|id\b))[^\n\w]{0,12}$")
#: a remark after another number's label that says it is the file number ("Vorgangsnummer (Az.):")
_SAYS_FILE = re.compile(r"(?i)\s*\((?:az\.?|aktenzeichen|gz\.?|geschäftszeichen)\)")
#: what begins a file number after a weak label without colon ("Az. 32.3 - W - 7111/26", "Az. S 55 - 1111/2025")
_NUMBER_START = re.compile(r"(?:[A-ZÄÖÜ]{1,4}(?:\s|[\-./])?)?\d")  # ("Az. WA 40/…", "Az. BA-50/94639/2026")


def file_label(key: str, after: list) -> str:
    """The lexicon key a label counts as: another number's label whose remark says it is the file number
    ("Vorgangsnummer (Az.):"; *after*: the words after the label) is a file number's."""
    return "aktenzeichen" if key in OTHER_NUMBERS and _SAYS_FILE.match(" ".join(w.text for w in after)) else key


def numbered(field: str, rest: list) -> bool:
    """A weak file-number label without colon ("Az.") whose cell goes on (*rest*: its next words) with a file
    number, after a remark in brackets ("Az. (falls bekannt) 32.2 WK 9230/2026")."""
    return field == "aktenzeichen" and bool(_NUMBER_START.match(_REMARK.sub("", " ".join(w.text for w in rest))))


_REMARK = re.compile(r"^(?:\s*\([^()]{1,40}\)\s*:?)+\s*")


#: the writer's own reference: the county's when the county writes (its form, its letter)
_WRITERS_OWN = {"unser zeichen", "unser az.", "unser aktenzeichen"}
#: the county's own name as a letter head's first words — not a town's or municipality's (Stadtverwaltung,
#: Bürgermeisteramt …): their letters to the county carry THEIR "Unser Zeichen", not the county's (review40 R3)
_COUNTY = re.compile(r"(?im)^\s*(?:landratsamt|kreisverwaltung|kreisausschuss|der\s+landrat)\b")
#: a clerk's contact block, as only the authority's own letter head has it
_CLERK = re.compile(r"(?i)\b(?:auskunft\s+erteilt|sachbearbeiter(?:in)?\s*:|ansprechpartner(?:in)?\s*:|"
                    r"bearbeitet\s+von|zimmer(?:-?nr\.?)?:?\s*[A-Z]?\d)")


def authoritys_own(text: str) -> bool:
    """A page the authority wrote (its printed form or letter): its name begins one of the page's first
    three lines and the page has a clerk's contact block ("Auskunft erteilt: Frau …", "Zimmer 2.14").
    Its "Unser Zeichen" is then the county's file number."""
    head = "\n".join([ln for ln in text.splitlines() if ln.strip()][:3])
    return bool(_COUNTY.search(head)) and bool(_CLERK.search(text))


def file_numbers_only(cands: list["Cand"], text: str) -> list["Cand"]:
    """Drops the Aktenzeichen read under another number's label, by its label or,
    for one found by its shape, by the words before it on its line ("Unser Zeichen" is kept on a page
    the authority wrote, :func:`authoritys_own`)."""
    out = []
    own = None
    for c in cands:
        if c.field == "aktenzeichen":
            if c.label in OTHER_NUMBERS:
                own = authoritys_own(text) if own is None else own
                if not (own and c.label in _WRITERS_OWN):
                    continue
            if c.source == "pattern" and (_OTHER_BEFORE.search(_before(text, c.start)) or _in_link(text, c.start)):
                continue
        out.append(c)
    return out


def _in_link(text: str, start: int) -> bool:
    """A number that is part of a web address or a path ("https://portal.example/antrag/OZG-1234-5678"):
    a portal's or a file's name, not a file number."""
    a = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    token = text[a:start]
    return token.endswith("/") and ("://" in token or token.startswith("www.") or token.count("/") >= 2)


def _before(text: str, start: int) -> str:
    """The words before *start* on its line; the line above when it stands alone (a label above its value)."""
    a = text.rfind("\n", 0, start) + 1
    if text[a:start].strip() or a == 0:
        return text[max(a, start - 60):start]
    return text[max(text.rfind("\n", 0, a - 1) + 1, a - 61):a - 1]
