"""Drawing helpers over fpdf2 for the family3 layouts: fonts, a page cursor, check boxes,
received stamps, pen scribbles."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

FONTS = {
    "sans": ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
             "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    "serif": ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"),
    "mono": ("/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf",
             "/usr/share/fonts/truetype/liberation2/LiberationMono-Bold.ttf"),
    "type": ("/usr/share/fonts/truetype/gnutypewriter/GNUTypewriter.ttf",) * 2,
    "cprime": ("/usr/share/fonts/opentype/courier-prime/Courier Prime.otf",
                "/usr/share/fonts/opentype/courier-prime/Courier Prime Bold.otf"),
    "hand1": ("/usr/share/fonts/truetype/sjfonts/SteveHand.ttf",) * 2,
    "hand2": ("/usr/share/fonts/truetype/sjfonts/Delphine.ttf",) * 2,
    "hand3": ("/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",) * 2,
    "hand4": ("/usr/share/fonts/truetype/breip/Breip.ttf",) * 2,
}
HANDS = ("hand1", "hand2", "hand3", "hand4")
INKS = {"blue": (30, 50, 160), "red": (185, 30, 40), "violet": (110, 40, 140), "black": (20, 20, 20)}
_CMAPS: dict[str, set[int]] = {}


class FontMissing(Exception):
    pass


def has_glyphs(family: str, text: str) -> bool:
    if family not in _CMAPS:
        _CMAPS[family] = set(TTFont(FONTS[family][0], fontNumber=0).getBestCmap())
    return all(ord(c) in _CMAPS[family] for c in text if not c.isspace())


class Doc:
    """An A4 document with a vertical cursor ``y`` (mm) that starts a new page when full."""

    def __init__(self, signed: dt.date) -> None:
        for fam, paths in FONTS.items():
            if not all(Path(p).is_file() for p in paths):
                raise FontMissing(paths[0])
        self.pdf = FPDF(unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_creation_date(dt.datetime(signed.year, signed.month, signed.day, 9, 0, tzinfo=dt.timezone.utc))
        self.pdf.set_producer("family3")
        for fam, (reg, bold) in FONTS.items():
            self.pdf.add_font(fam, "", reg)
            self.pdf.add_font(fam, "B", bold)
        self.y = 0.0
        self.on_new_page = None
        self.new_page()

    def new_page(self) -> None:
        self.pdf.add_page()
        self.y = 20.0
        if self.on_new_page:
            self.on_new_page(self)

    def need(self, h: float, bottom: float = 272.0) -> None:
        if self.y + h > bottom:
            self.new_page()

    def font(self, fam: str, size: float, bold: bool = False, ink: str = "black") -> None:
        self.pdf.set_font(fam, "B" if bold else "", size)
        self.pdf.set_text_color(*INKS[ink])

    def text(self, x: float, y: float, s: str) -> None:
        self.pdf.text(x, y, s)

    def hand(self, x: float, y: float, s: str, fam: str, size: float = 12, ink: str = "blue") -> None:
        """A filled-in value in a handwriting font (typed where the font lacks a glyph)."""
        if has_glyphs(fam, s):
            self.font(fam, size, ink=ink)
        else:
            self.font("sans", size * 0.8, ink=ink)
        self.text(x, y, s)

    def width(self, s: str) -> float:
        return self.pdf.get_string_width(s)

    def fit(self, s: str, fam: str, size: float, w: float, bold: bool = False) -> None:
        """Set *fam* (a typed font where it lacks a glyph) at *size* or smaller so that *s* fits in *w* mm."""
        if not has_glyphs(fam, s):
            fam = "cprime"
        self.font(fam, size, bold)
        while size > 5 and self.width(s) > w:
            size -= 0.5
            self.font(fam, size, bold)

    def box(self, x: float, y: float, w: float, h: float, ticked: bool = False) -> None:
        self.pdf.set_draw_color(0, 0, 0)
        self.pdf.set_line_width(0.25)
        self.pdf.rect(x, y, w, h)
        if ticked:
            self.pdf.set_line_width(0.5)
            self.pdf.set_draw_color(*INKS["blue"])
            self.pdf.line(x + 0.5, y + 0.5, x + w - 0.5, y + h - 0.5)
            self.pdf.line(x + w - 0.5, y + 0.5, x + 0.5, y + h - 0.5)
            self.pdf.set_draw_color(0, 0, 0)

    def rule(self, x1: float, y: float, x2: float, dotted: bool = False, grey: int = 0) -> None:
        self.pdf.set_draw_color(grey, grey, grey)
        self.pdf.set_line_width(0.2)
        if dotted:
            self.pdf.set_dash_pattern(dash=0.4, gap=0.8)
        self.pdf.line(x1, y, x2, y)
        self.pdf.set_dash_pattern()
        self.pdf.set_draw_color(0, 0, 0)

    def shade(self, x: float, y: float, w: float, h: float, grey: int = 225) -> None:
        self.pdf.set_fill_color(grey, grey, grey)
        self.pdf.rect(x, y, w, h, style="F")

    def scribble(self, rng: random.Random, x: float, y: float, w: float = 40) -> None:
        """A signature as pen strokes (no text)."""
        self.pdf.set_draw_color(*INKS[rng.choice(["blue", "black"])])
        self.pdf.set_line_width(0.45)
        pts, cx = [], x
        while cx < x + w:
            pts.append((cx, y + rng.uniform(-4, 2)))
            cx += rng.uniform(1.5, 4.5)
        self.pdf.polyline(pts)
        self.pdf.set_draw_color(0, 0, 0)

    def stamp(self, rng: random.Random, word: str, date: str, zones: list[tuple[float, float]]) -> None:
        """A received stamp, rotated, boxed or not, in a stamp ink, at one of *zones* of the current page."""
        x, y = rng.choice(zones)
        x, y = x + rng.uniform(-4, 4), y + rng.uniform(-3, 3)
        ink = rng.choice(["blue", "red", "violet"])
        with self.pdf.rotation(angle=rng.uniform(-12, 12), x=x + 22, y=y + 8):
            self.pdf.set_draw_color(*INKS[ink])
            self.pdf.set_line_width(0.6)
            if rng.random() < 0.7:
                self.pdf.rect(x, y, 46, 16)
            self.font("sans", 8.5, bold=True, ink=ink)
            self.text(x + 2.5, y + 5.5, word)
            self.font("mono", 11, bold=True, ink=ink)
            self.text(x + 2.5, y + 12.5, date)
            if rng.random() < 0.5:
                self.font("sans", 6, ink=ink)
                self.text(x + 30, y + 5.5, "Landkreis M.")
        self.pdf.set_draw_color(0, 0, 0)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
