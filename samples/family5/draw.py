"""Drawing helpers over fpdf2 for the family5 layouts: fonts, boxes, lines, stamps."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from fpdf import FPDF

FONTS = {
    "sans": ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
             "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    "serif": ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
              "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"),
    "dejavu": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}
INKS = {"blue": (25, 45, 150), "red": (180, 25, 35), "violet": (100, 35, 130), "black": (15, 15, 15),
        "green": (20, 110, 60)}


class FontMissing(Exception):
    pass


class Doc:
    def __init__(self, rng: random.Random, signed: dt.date) -> None:
        for paths in FONTS.values():
            for p in paths:
                if not Path(p).is_file():
                    raise FontMissing(p)
        self.pdf = FPDF(unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_creation_date(dt.datetime(signed.year, signed.month, signed.day, 8, 0, tzinfo=dt.timezone.utc))
        self.pdf.set_producer("family5")
        for fam, (reg, bold) in FONTS.items():
            self.pdf.add_font(fam, "", reg)
            self.pdf.add_font(fam, "B", bold)
        self.face = rng.choice(["sans", "serif", "dejavu"])
        self.pdf.add_page()
        self.y = 18.0

    def need(self, h: float) -> None:
        if self.y + h > 275:
            self.pdf.add_page()
            self.y = 18.0

    def font(self, size: float, bold: bool = False, ink: str = "black", fam: str = "") -> None:
        self.pdf.set_font(fam or self.face, "B" if bold else "", size)
        self.pdf.set_text_color(*INKS[ink])

    def text(self, x: float, y: float, s: str, size: float = 10, bold: bool = False, ink: str = "black") -> None:
        self.font(size, bold, ink)
        self.pdf.text(x, y, s)

    def fit(self, x: float, y: float, s: str, w: float, size: float = 10, ink: str = "black") -> None:
        """*s* at *size* or smaller so that it fits in *w* mm."""
        self.font(size, ink=ink)
        while size > 5 and self.pdf.get_string_width(s) > w:
            size -= 0.5
            self.font(size, ink=ink)
        self.pdf.text(x, y, s)

    def width(self, s: str, size: float, bold: bool = False) -> float:
        self.font(size, bold)
        return self.pdf.get_string_width(s)

    def rect(self, x: float, y: float, w: float, h: float, fill: int | None = None) -> None:
        self.pdf.set_draw_color(60, 60, 60)
        self.pdf.set_line_width(0.2)
        if fill is not None:
            self.pdf.set_fill_color(fill, fill, fill)
        self.pdf.rect(x, y, w, h, style="DF" if fill is not None else "D")

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.2) -> None:
        self.pdf.set_draw_color(40, 40, 40)
        self.pdf.set_line_width(width)
        self.pdf.line(x1, y1, x2, y2)

    def signature(self, rng: random.Random, x: float, y: float, w: float = 45) -> None:
        self.pdf.set_draw_color(*INKS["blue"])
        self.pdf.set_line_width(0.4)
        pts, cx = [], x
        while cx < x + w:
            pts.append((cx, y + rng.uniform(-4, 1.5)))
            cx += rng.uniform(1.2, 4)
        self.pdf.polyline(pts)

    def stamp(self, rng: random.Random, text: str, zones: list[tuple[float, float]] | None = None) -> None:
        """A received stamp on page 1: rotated, boxed or round-ish, anywhere (also over text)."""
        self.pdf.page = 1
        x, y = rng.choice(zones) if zones else (rng.uniform(20, 150), rng.uniform(20, 250))
        ink = rng.choice(["blue", "red", "violet", "green"])
        lines = text.split("\n")
        with self.pdf.rotation(angle=rng.uniform(-20, 20), x=x + 20, y=y + 6):
            self.pdf.set_draw_color(*INKS[ink])
            self.pdf.set_line_width(0.5)
            if rng.random() < 0.6:
                self.pdf.rect(x - 2, y - 5, max(self.width(s, 9, True) for s in lines) + 5, 7 * len(lines) + 3)
            for k, s in enumerate(lines):
                self.text(x, y + 1 + 7 * k, s, size=9 if k == 0 else 11, bold=True, ink=ink)
        self.pdf.page = len(self.pdf.pages)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


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
