"""The authority's own contact details on the forms and letters it prints (issue 10, family9): the clerk's
block in its letter head ("Auskunft erteilt: / Frau Demir / Telefon 03647 824-282 / E-Mail: …") and a footer
of its address, Telefon/Telefax and Bankverbindung.  Their telephone numbers and e-mail addresses are the
authority's (role ``authority``: never taken), not the applicant's."""

from __future__ import annotations

import re

from ekte.stages.extract.candidates import Cand
from ekte.stages.extract.patterns import _AUTHORITY
from ekte.stages.layout import Row

_CONTACT = ("telefon", "email")
#: the head of a clerk's block
_CLERK = re.compile(r"(?i)^(?:auskunft\s+erteilt|sachbearbeiter(?:in)?\b|ansprechpartner(?:in)?\b|bearbeitet\s+von|"
                    r"ihr(?:e)?\s+ansprechpartner(?:in)?\b)")
#: what only an office's footer says
_FOOTER = re.compile(r"(?i)telefax|\bfax\b|\bBIC\b|bankverbindung|\bIBAN\b|www\.|öffnungszeiten|sprechzeiten")
_HEAD, _FOOT = 0.3, 0.9  # a letter head's and a footer's share of the page's height
_BLOCK = 6  # rows of a clerk's block


def authority_contacts(cands: list[Cand], rws: list[Row], page_h: float) -> None:
    """Telephone numbers and e-mail addresses in the clerk's block of a letter head that names an authority,
    or in a footer that names one or says Telefax / BIC / Bankverbindung, get role ``authority``."""
    block: list = []  # the words of the authority's blocks (by place: a footer may be written first or last)
    head = " ".join(r.text for r in rws[:4])
    for k, r in enumerate(rws):
        if r.y / page_h > _HEAD or not _AUTHORITY.search(head):
            break
        for cell in r.cells:
            if _CLERK.match(" ".join(w.text for w in cell)):
                block += [w for rr in rws[k:k + _BLOCK] for w in rr.words if w.x0 >= cell[0].x0 - 2 * cell[0].char_w]
    foot = [r for r in rws if r.y / page_h > _FOOT]
    if foot and any(_AUTHORITY.search(r.text) or _FOOTER.search(r.text) for r in foot):
        block += [w for r in foot for w in r.words]
    for c in cands:
        if c.field in _CONTACT and any(w.start <= c.start < w.end for w in block):
            c.role = "authority"
