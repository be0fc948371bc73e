"""One document from its type and seed: the content (builders), the layout
it is drawn in, and its truth."""

from __future__ import annotations

from dataclasses import dataclass

from .doc import Doc, stamp
from .forms import LANDSCAPE, LAYOUTS
from .letterpage import letter
from .offices1 import bau, kfz, tier, waffen
from .offices2 import egh, ifsg, masern, sport
from .other import sonstiges
from .pdfdraw import Sheet
from .world import Rng

BUILDERS = {
    "kfz_zulassung": kfz, "bauantrag": bau, "ifsg_belehrung": ifsg, "masern_meldung": masern,
    "waffen_antrag": waffen, "tierhaltung": tier, "sportstaetten_foerderung": sport, "eingliederungshilfe": egh,
    "sonstiges": sonstiges,
}
STYLES = ("numbered", "underline", "questionnaire", "band", "table", "letter")


@dataclass
class Rendered:
    doctype: str
    style: str
    mode: str
    pdf: bytes
    truth: dict[str, str]
    shown: dict[str, list[str]]


def build(doctype: str, style: str, r: Rng) -> Doc:
    doc = BUILDERS[doctype](r, style)
    if doc.letter and doc.stamp is None:
        doc.stamp = stamp(r, doc.letter.date, 0.5)
    return doc


def render(doctype: str, style: str, r: Rng) -> Rendered:
    """Build and draw one document.  The truth is taken before drawing (an
    enclosure page may retitle the document, never its values)."""
    doc = build(doctype, style, r)
    truth, shown = doc.truth()
    if doc.letter:
        style, mode = "letter", "print"
    else:
        if style not in LAYOUTS:
            style = r.pick(tuple(LAYOUTS))
        mode = "typed" if style == "band" else r.pick(("hand", "hand", "hand", "typed", "typed", "print"))
    sheet = Sheet(r, landscape=style in LANDSCAPE)
    (letter if style == "letter" else LAYOUTS[style])(sheet, doc, mode)
    return Rendered(doctype, style, mode, bytes(sheet.output()), truth, shown)
