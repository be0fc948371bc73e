"""Whose are the values after a letter's closing ("Mit freundlichen Grüßen"): the signature
and a footer ("Jana Weber · Lindenweg 4a · 12345 Musterstadt", "Telefon … · E-Mail …") are the
writer's -- the applicant's when the letter is signed by the person its own section names, someone
else's (a guardian writing for a person in care) when signed by another section's person, and no
one's for sure when the signer is named nowhere else."""

from __future__ import annotations

from ekte.stages.extract.candidates import Cand
from ekte.stages.extract.lexicon import CLOSING, norm
from ekte.stages.layout import Row


def closing_at(rws: list[Row]) -> int | None:
    """The index of the row of a letter's closing, or None."""
    return next((k for k, r in enumerate(rws) if CLOSING.match(r.text)), None)


def writer_role(cands: list[Cand], signed: str) -> str | None:
    """The role of the section whose person's family name the text after the closing (*signed*) names."""
    said = f" {norm(signed)} "
    roles = {c.role for c in cands if c.field == "nachname" and c.source in ("right", "below") and c.role
             and len(c.value) > 1 and f" {norm(c.value)} " in said}
    return roles.pop() if len(roles) == 1 else None


def footer_roles(cands: list[Cand], rws: list[Row], page_h: float) -> None:
    """The values below a letter's closing get the writer's role (:func:`writer_role`); left as they are
    when the writer is named nowhere else (a section's person)."""
    k = closing_at(rws)
    if k is None:
        return
    below = rws[k].y / page_h  # the page's order, not its text's: a footer may be written first
    role = writer_role([c for c in cands if c.y < below], " ".join(r.text for r in rws[k + 1:]).replace("·", " "))
    for c in cands if role else ():
        if c.y > below and c.source in ("right", "below", "header") and c.field != "aktenzeichen":
            c.role = role
