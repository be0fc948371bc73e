"""Drawing helpers for the family6 layouts: family5's Doc (family4's fonts, boxes, lines, stamps: one
copy), a monospace face for printouts, tick boxes, dotted leaders, captions under a line."""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
from pathlib import Path

_spec = importlib.util.spec_from_file_location("family5_draw", Path(__file__).resolve().parents[1] / "family5" / "draw.py")
_f5 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_f5)
FontMissing = _f5.FontMissing
MONO = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf"


class Doc(_f5.Doc):
    def __init__(self, rng: random.Random, signed: dt.date) -> None:
        super().__init__(rng, signed)
        self.pdf.set_producer("family6")
        if not Path(MONO).is_file():
            raise FontMissing(MONO)
        self.pdf.add_font("mono", "", MONO)
        self.pdf.add_font("mono", "B", MONO.replace("Regular", "Bold"))


def office(rng: random.Random) -> tuple[str, str, str]:
    """The county office (fictitious): name, unit pattern, mail domain."""
    return rng.choice([("Landratsamt Elstertal", "Sachgebiet {s}", "lra-elstertal.example"),
                       ("Landkreis Orlagau – Kreisverwaltung", "Fachdienst {s}", "orlagau.example"),
                       ("Landratsamt Zwönitzau", "Referat {s}", "kreis-zwoenitzau.example")])


def tick(doc: Doc, x: float, y: float, options: list[str], chosen: int, size: float = 9) -> float:
    """Tick boxes drawn as squares, the chosen one crossed; returns the x after them."""
    for k, o in enumerate(options):
        doc.rect(x, y - 3, 3.2, 3.2)
        if k == chosen:
            doc.line(x + 0.4, y - 2.6, x + 2.8, y - 0.2, 0.4)
            doc.line(x + 0.4, y - 0.2, x + 2.8, y - 2.6, 0.4)
        doc.text(x + 4.8, y, o, size)
        x += 4.8 + doc.width(o, size) + 7
    return x


def under(doc: Doc, x: float, y: float, w: float, value: str, caption: str, ink: str = "blue") -> None:
    """A value written on a line with its caption printed small under the line."""
    if value:
        doc.fit(x + 1, y - 1.2, value, w - 2, 10.5, ink=ink)
    doc.line(x, y, x + w, y, 0.25)
    doc.text(x, y + 3.2, caption, 6.5)
