"""Drawing on a page (fpdf2): the fonts of this family, text that never loses
a glyph, lines to write on, boxes per character, check boxes, a barcode-like
strip, received stamps and a signature scribble."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from .world import Rng

logging.getLogger("fontTools").setLevel(logging.ERROR)  # "created timestamp seems very low" of some fonts
FONT_DIRS = ("/usr/share/fonts",)
FONTS = {  # name → (Debian package, file)
    "go": ("fonts-go", "fonts-go/Go-Regular.ttf"),
    "go-b": ("fonts-go", "fonts-go/Go-Bold.ttf"),
    "gomono": ("fonts-go", "fonts-go/Go-Mono.ttf"),
    "carlito": ("fonts-crosextra-carlito", "truetype/crosextra/Carlito-Regular.ttf"),
    "carlito-b": ("fonts-crosextra-carlito", "truetype/crosextra/Carlito-Bold.ttf"),
    "cantarell": ("fonts-cantarell", "opentype/cantarell/Cantarell-Regular.otf"),
    "cantarell-b": ("fonts-cantarell", "opentype/cantarell/Cantarell-Bold.otf"),
    "jura": ("fonts-jura", "opentype/jura/Jura-Regular.otf"),
    "jura-b": ("fonts-jura", "opentype/jura/Jura-Bold.otf"),
    "typewriter": ("fonts-gnutypewriter", "truetype/gnutypewriter/GNUTypewriter.ttf"),
    "courierprime": ("fonts-courier-prime", "opentype/courier-prime/Courier Prime.otf"),
    "steve": ("fonts-sjfonts", "truetype/sjfonts/SteveHand.ttf"),
    "comic": ("fonts-comic-neue", "opentype/comic-neue/ComicNeue-Italic.otf"),
    "comic-l": ("fonts-comic-neue", "opentype/comic-neue/ComicNeue-Light.otf"),
}
FALLBACK = "go"
PRINT_FACES = (("go", "go-b"), ("carlito", "carlito-b"), ("cantarell", "cantarell-b"), ("jura", "jura-b"))
HAND_FACES = ("steve", "comic", "comic-l")
TYPED_FACES = ("typewriter", "courierprime", "gomono")
ASCII = {"„": '"', "“": '"', "–": "-", "€": "EUR", "§": "Par.", "°": "o", "☐": "[ ]", "☒": "[X]"}
INK = ((20, 40, 140), (25, 25, 30), (10, 60, 120), (40, 40, 90))


def font_path(name: str) -> Path:
    return Path(FONT_DIRS[0]) / FONTS[name][1]


@functools.lru_cache(maxsize=None)
def _cmap(name: str) -> frozenset[int]:
    return frozenset(TTFont(str(font_path(name)), lazy=True).getBestCmap())


def covers(name: str, text: str) -> bool:
    cm = _cmap(name)
    return all(ord(c) in cm or c in " \n" for c in text)


class Sheet(FPDF):
    """An A4 page set with this family's fonts; every text call checks its glyphs."""

    def __init__(self, r: Rng, landscape: bool = False, face: tuple[str, str] | None = None):
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_creation_date(dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.timezone.utc))
        self.set_creator("Formularserver")
        self.loaded: set[str] = set()
        self.face = face or r.pick(PRINT_FACES)
        self.hand_face = r.pick(HAND_FACES)
        self.typed_face = r.pick(TYPED_FACES)
        self.ink = r.pick(INK)
        self.r = r

    # -- text ---------------------------------------------------------------
    def use(self, name: str, size: float, text: str = "", value: bool = False) -> str:
        """Select font *name*; returns *text* as it can be drawn.  A value is
        never altered: a font that lacks one of its glyphs gives way to Go."""
        if not covers(name, text):
            if value:
                name = FALLBACK
            else:
                text = "".join(c if covers(name, c) else ASCII.get(c, "?") for c in text)
        if name not in self.loaded:  # parsing a font takes time: only those a page uses
            self.add_font(name, "", str(font_path(name)))
            self.loaded.add(name)
        self.set_font(name, size=size)
        return text

    def label(self, x: float, y: float, text: str, size: float = 7, bold: bool = False, grey: int = 0):
        text = self.use(self.face[1] if bold else self.face[0], size, text)
        self.set_text_color(grey, grey, grey)
        self.text(x, y, text)

    def value(self, x: float, y: float, text: str, size: float = 11, mode: str = "hand"):
        """A filled-in value with its baseline at y: hand, typed or printed."""
        name = {"hand": self.hand_face, "typed": self.typed_face, "print": self.face[0]}[mode]
        if mode == "hand":
            size *= 1.15 if name == "steve" else 1.0
        text = self.use(name, size, text, value=True)
        self.set_text_color(*(self.ink if mode == "hand" else (0, 0, 0)))
        self.text(x, y, text)
        self.set_text_color(0, 0, 0)

    def para(self, x: float, y: float, w: float, text: str, size: float = 10, lh: float = 5.0,
             face: str | None = None) -> float:
        """Running text wrapped at *w*; returns the y below it."""
        text = self.use(face or self.face[0], size, text, value=True)
        self.set_text_color(0, 0, 0)
        self.set_xy(x, y)
        self.multi_cell(w, lh, text, new_x="LMARGIN", new_y="NEXT")
        return self.get_y()

    def width_of(self, text: str, name: str, size: float) -> float:
        self.use(name, size, text, value=True)
        return self.get_string_width(text)

    # -- lines and boxes ----------------------------------------------------
    def hline(self, x: float, y: float, w: float, dotted: bool = False):
        self.set_draw_color(80, 80, 80)
        self.set_line_width(0.2)
        if dotted:
            self.set_dash_pattern(dash=0.6, gap=0.8)
        self.line(x, y, x + w, y)
        self.set_dash_pattern()

    def frame(self, x: float, y: float, w: float, h: float, fill: tuple[int, int, int] | None = None,
              width: float = 0.25):
        self.set_line_width(width)
        self.set_draw_color(60, 60, 60)
        if fill:
            self.set_fill_color(*fill)
        self.rect(x, y, w, h, style="DF" if fill else "D")

    def comb(self, x: float, y: float, n: int, text: str, cell: float = 5.0, mode: str = "hand",
             size: float = 11):
        """n boxes, one character in each (as on printed forms for IBAN, PLZ)."""
        for i in range(n):
            self.frame(x + i * cell, y - cell + 1, cell, cell)
        for i, ch in enumerate(text[:n]):
            self.value(x + i * cell + cell * 0.22, y - 0.3, ch, size, mode)
        if len(text) > n:
            raise ValueError(f"comb of {n} cannot hold {text!r}")

    def checkbox(self, x: float, y: float, checked: bool, text: str, size: float = 8):
        self.frame(x, y - 3, 3, 3)
        if checked:
            self.set_draw_color(*self.ink)
            self.set_line_width(0.4)
            self.line(x + 0.4, y - 2.6, x + 2.6, y - 0.4)
            self.line(x + 2.6, y - 2.6, x + 0.4, y - 0.4)
        self.label(x + 4.2, y - 0.4, text, size)

    def barcode(self, x: float, y: float, w: float, h: float, code: str):
        """A barcode-like strip (bars derived from the digits) with the number under it."""
        self.set_fill_color(0, 0, 0)
        bits = "".join(format(ord(c) * 7 % 97, "07b") for c in code)
        unit = w / len(bits)
        for i, b in enumerate(bits):
            if b == "1":
                self.rect(x + i * unit, y, unit * 0.85, h, style="F")
        self.label(x, y + h + 3, " ".join(code[i:i + 4] for i in range(0, len(code), 4)), 7)

    def band(self, y: float, h: float, shade: int = 225):
        self.set_fill_color(shade, shade, shade)
        self.rect(0, y, self.w, h, style="F")

    def signature(self, x: float, y: float, w: float = 38):
        """A scribble, not text: a signature carries no extractable letters."""
        r = self.r
        pts, n = [], 26
        for i in range(n):
            t = i / (n - 1)
            pts.append((x + t * w + r.uniform(-1.2, 1.2), y - 3 + 3 * math.sin(t * r.uniform(9, 15)) * r.uniform(0.4, 1)))
        self.set_draw_color(*self.ink)
        self.set_line_width(0.35)
        self.polyline(pts)
        self.set_draw_color(0, 0, 0)

    def stamp(self, x: float, y: float, lines: list[str], angle: float, color=(190, 30, 40)):
        """A rubber stamp: a frame and its lines, turned by *angle* degrees."""
        w = max(self.width_of(s, "jura-b", 10) for s in lines) + 8
        h = 6 * len(lines) + 4
        with self.rotation(angle, x + w / 2, y + h / 2):
            self.set_draw_color(*color)
            self.set_line_width(0.6)
            self.rect(x, y, w, h, style="D", round_corners=True, corner_radius=2)
            self.set_text_color(*color)
            for i, s in enumerate(lines):
                s = self.use("jura-b", 10, s, value=True)
                self.text(x + (w - self.get_string_width(s)) / 2, y + 7 + 6 * i, s)
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)


def stamp_lines(r: Rng, lead: str, date_text: str, county: str) -> list[str]:
    """How a received stamp reads: date line and the office."""
    office = r.pick((f"Landratsamt {county}", f"Kreisverwaltung {county}", "Poststelle", "Bürgerbüro"))
    if lead.startswith("Eing."):
        return [office, f"Eing. {date_text}"]
    if lead.startswith("LRA"):
        return [lead, date_text, r.pick(("Anl.: ____", "FB: ____"))]
    return [lead.upper() if r.chance(0.5) else lead, date_text, office]
