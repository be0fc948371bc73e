"""Drawing helpers over fpdf2 for the family5 layouts: family4's (fonts, boxes, lines, stamps: one
copy, samples/family4/draw.py), its own county offices, checkbox lines and fax lines."""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
from pathlib import Path

_spec = importlib.util.spec_from_file_location("family4_draw", Path(__file__).resolve().parents[1] / "family4" / "draw.py")
_f4 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_f4)
FONTS, INKS, FontMissing = _f4.FONTS, _f4.INKS, _f4.FontMissing


class Doc(_f4.Doc):
    def __init__(self, rng: random.Random, signed: dt.date) -> None:
        super().__init__(rng, signed)
        self.pdf.set_producer("family5")


def office(rng: random.Random) -> tuple[str, str]:
    """The county office a form is addressed to / issued by (fictitious)."""
    return rng.choice([("Kreisverwaltung Lohmarhausen", "Amt {s}"), ("Rhein-Siefen-Kreis – Der Landrat", "Dezernat {s}"),
                       ("Kreis Nierstedt", "Fachdienst {s}")])


def boxes(doc: Doc, x: float, y: float, options: list[str], chosen: int, size: float = 9) -> float:
    """Checkbox options in one line ("☒ Erstantrag  ☐ Verlängerung"); returns the x after them."""
    for k, o in enumerate(options):
        doc.font(size + 1, fam="dejavu")
        doc.pdf.text(x, y, "☒" if k == chosen else "☐")
        doc.text(x + 4.5, y, o, size)
        x += 4.5 + doc.width(o, size) + 6
    return x


def fax_lines(doc: Doc, fax: dict | None, footer: str) -> None:
    """A fax machine's transmit line on top of every page and the form's footer at the bottom."""
    n = len(doc.pdf.pages)
    for k in range(1, n + 1):
        doc.pdf.page = k
        if fax:
            doc.font(7.5, fam="dejavu")
            doc.pdf.text(10, 7, f"{fax['when']}    Fax von {fax['from']}    {fax['who']}    S. {k}/{n}")
        if footer:
            doc.text(15, 290, footer.format(k=k, n=n), 6.5)
    doc.pdf.page = n
