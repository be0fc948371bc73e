"""Drawing primitives on an A4 page (fpdf2, millimetres): typed text,
filled-in values (optionally in a handwriting-like font), boxes, tick boxes,
fill-in prose, received stamps, signatures and page furniture."""

from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

LIB, FREE, DJV = "/usr/share/fonts/truetype/liberation2/", "/usr/share/fonts/truetype/freefont/", \
    "/usr/share/fonts/truetype/dejavu/"
FACES = {  # typed form text: (regular, bold, Debian package)
    "liberation-sans": (LIB + "LiberationSans-Regular.ttf", LIB + "LiberationSans-Bold.ttf", "fonts-liberation2"),
    "liberation-serif": (LIB + "LiberationSerif-Regular.ttf", LIB + "LiberationSerif-Bold.ttf", "fonts-liberation2"),
    "free-sans": (FREE + "FreeSans.ttf", FREE + "FreeSansBold.ttf", "fonts-freefont-ttf"),
    "free-serif": (FREE + "FreeSerif.ttf", FREE + "FreeSerifBold.ttf", "fonts-freefont-ttf"),
    "dejavu-sans": (DJV + "DejaVuSans.ttf", DJV + "DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
    "dejavu-serif": (DJV + "DejaVuSerif.ttf", DJV + "DejaVuSerif-Bold.ttf", "fonts-dejavu-core"),
}
HANDS = {  # handwriting-like fonts for filled-in values (TrueType: fpdf2 embeds them cleanly)
    "dkg": ("/usr/share/fonts/truetype/fifthhorseman/dkg.ttf", "fonts-dkg-handwriting"),
    "breip": ("/usr/share/fonts/truetype/breip/Breip.ttf", "fonts-breip"),
    "kristi": ("/usr/share/fonts/truetype/kristi/Kristi.ttf", "fonts-kristi"),
}
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
PEN = [(20, 30, 110), (25, 25, 25), (10, 60, 140)]
INK = [(40, 60, 170), (185, 30, 40), (110, 40, 140)]
BOTTOM = 272.0
LINE = 4.7  # mm between the lines of a filled-in value


class MissingFont(RuntimeError):
    pass


def font_file(path: str, package: str) -> str:
    if not Path(path).is_file():
        raise MissingFont(f"font {path} missing: install the Debian package {package} (make venv does)")
    return path


@lru_cache(maxsize=None)
def charset(path: str) -> frozenset[str]:
    from fontTools.ttLib import TTFont

    return frozenset(chr(c) for c in TTFont(path).getBestCmap())


class Canvas:
    """One PDF; ``y`` is the flow position used by the layouts."""

    def __init__(self, rng: random.Random, face: str, hand: str | None, footer: str = "", numbers: bool = True):
        self.rng, self.footer, self.hand, self.numbers = rng, footer, hand, numbers
        pdf = FPDF(unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_creation_date(FIXED_DATE)
        pdf.set_margins(20, 15, 18)
        reg, bold, pkg = FACES[face]
        pdf.add_font("f", "", font_file(reg, pkg))
        pdf.add_font("f", "B", font_file(bold, pkg))
        self.face_file = reg
        if hand:
            path, pkg = HANDS[hand]
            pdf.add_font("h", "", font_file(path, pkg))
            self.hand_file = path
        self.pdf, self.pen, self.y = pdf, rng.choice(PEN), 20.0
        self.new_page()

    # -- pages
    def new_page(self) -> None:
        self.pdf.add_page()
        self.y = 20.0
        if self.footer:
            self.text(20, 287, self.footer, 6.5, grey=90)

    def need(self, h: float) -> None:
        if self.y + h > BOTTOM:
            self.new_page()

    # -- text
    def font(self, size: float, bold: bool = False, hand: bool = False) -> None:
        self.pdf.set_font("h" if hand else "f", "B" if bold and not hand else "", size)

    def width(self, s: str, size: float, bold: bool = False, hand: bool = False) -> float:
        self.font(size, bold, hand)
        return self.pdf.get_string_width(s)

    def text(self, x: float, y: float, s: str, size: float = 9, bold: bool = False, grey: int = 0) -> None:
        self.font(size, bold)
        self.pdf.set_text_color(grey, grey, grey)
        self.pdf.text(x, y, s)

    def handy(self, s: str) -> bool:
        return bool(self.hand) and set(s) <= charset(self.hand_file) | {"\n"}

    def fit(self, s: str, w: float, size: float = 10.5, typed: bool = False) -> list[str]:
        """The lines a value takes in a width of ``w`` mm (newlines kept, words wrapped)."""
        hand = not typed and self.handy(s)
        out: list[str] = []
        for raw in s.split("\n"):
            line = ""
            for word in raw.split(" "):
                cand = f"{line} {word}" if line else word
                if line and self.width(cand, size + (1.5 if hand else 0), hand=hand) > w:
                    out.append(line)
                    line = word
                else:
                    line = cand
            out.append(line)
        return out

    def value(self, x: float, y: float, s: str, size: float = 10.5, typed: bool = False,
              w: float | None = None) -> int:
        """A filled-in value, wrapped to ``w`` mm if given; returns the number of lines."""
        hand = not typed and self.handy(s)
        lines = self.fit(s, w, size, typed) if w else s.split("\n")
        for k, line in enumerate(lines):
            jx, jy = (self.rng.uniform(-0.6, 0.8), self.rng.uniform(-0.5, 0.4)) if hand else (0, 0)
            self.font(size + (1.5 if hand else 0), hand=hand)
            self.pdf.set_text_color(*(self.pen if hand else (0, 0, 0)))
            self.pdf.text(x + jx, y + jy + k * LINE, line)
        self.pdf.set_text_color(0, 0, 0)
        return len(lines)

    def para(self, x: float, y: float, w: float, s: str, size: float = 9, lh: float | None = None,
             grey: int = 0, bold: bool = False) -> float:
        self.font(size, bold)
        self.pdf.set_text_color(grey, grey, grey)
        self.pdf.set_xy(x, y)
        self.pdf.multi_cell(w, lh or size * 0.45, s, align="L")
        self.pdf.set_text_color(0, 0, 0)
        return self.pdf.get_y()

    def segments(self, x: float, y: float, w: float, segs: list[tuple[str, bool]], size: float = 10,
                 fill_in: bool = True) -> float:
        """Flowing prose; values are filled in by hand (underlined) if ``fill_in``."""
        pdf, lh = self.pdf, size * 0.62
        pdf.set_left_margin(x)
        pdf.set_right_margin(210 - x - w)
        pdf.set_xy(x, y)
        for text, is_value in segs:
            hand = fill_in and is_value and self.handy(text)
            self.font(size + (1.5 if hand else 0), hand=hand)
            if fill_in and is_value:
                pdf.set_font(style="U")
                pdf.set_text_color(*(self.pen if hand else (0, 0, 0)))
            pdf.write(lh, text)
            pdf.set_text_color(0, 0, 0)
        pdf.set_left_margin(20)
        pdf.set_right_margin(18)
        return pdf.get_y() + lh

    # -- shapes
    def rect(self, x: float, y: float, w: float, h: float, fill: int | None = None, lw: float = 0.2) -> None:
        self.pdf.set_line_width(lw)
        if fill is not None:
            self.pdf.set_fill_color(fill, fill, fill)
        self.pdf.rect(x, y, w, h, style="DF" if fill is not None else "D")

    def line(self, x1: float, y1: float, x2: float, y2: float, lw: float = 0.2) -> None:
        self.pdf.set_line_width(lw)
        self.pdf.line(x1, y1, x2, y2)

    def checks(self, x: float, y: float, items: list[tuple[str, bool]], size: float = 8.5) -> float:
        """A row of tick boxes; returns the y below it."""
        for label, on in items:
            w = self.width(label, size) + 9
            if x + w > 192:
                x, y = 22, y + 5.5
            self.rect(x, y - 3, 3.2, 3.2)
            if on:
                self.pdf.set_draw_color(*self.pen)
                self.line(x + 0.4, y - 2.6, x + 2.8, y - 0.2, 0.45)
                self.line(x + 2.8, y - 2.6, x + 0.4, y - 0.2, 0.45)
                self.pdf.set_draw_color(0, 0, 0)
            self.text(x + 4.5, y, label, size)
            x += w
        return y + 6

    def comb(self, x: float, y: float, chars: str, cell: float = 4.6, group: int = 0) -> float:
        """A 'Kammfeld': one character per box (FIN, IBAN); returns the x after it."""
        for i, ch in enumerate(chars):
            if group and i and i % group == 0:
                x += 1.5
            self.rect(x, y - 4.2, cell, 5.6, lw=0.15)
            self.value(x + 1.0, y, ch, 10)
            x += cell
        return x

    def signature(self, x: float, y: float, w: float = 45) -> None:
        """A pen scribble (no text: a signature is not a text value)."""
        rng = self.rng
        pts, cx = [], x
        while cx < x + w:
            pts.append((cx, y + rng.uniform(-3.5, 2.5)))
            cx += rng.uniform(1.2, 4.0)
        self.pdf.set_draw_color(*self.pen)
        self.pdf.set_line_width(0.35)
        self.pdf.polyline(pts)
        self.pdf.set_draw_color(0, 0, 0)

    def stamp(self, lines: list[str], hand: bool) -> None:
        """A received stamp, rotated a little, somewhere on the first page."""
        rng, pdf = self.rng, self.pdf
        page = pdf.page
        pdf.page = 1
        size = rng.uniform(8.5, 11)
        w = max(self.width(s, size, bold=True) for s in lines) + 6
        h = len(lines) * size * 0.45 + 4
        x, y = rng.choice([(rng.uniform(120, 190 - w), rng.uniform(12, 40)), (rng.uniform(20, 190 - w), rng.uniform(40, 250)),
                           (rng.uniform(100, 190 - w), rng.uniform(230, 265)), (rng.uniform(20, 70), rng.uniform(10, 30))])
        angle = rng.uniform(-14, 14)
        ink = rng.choice(INK)
        with pdf.rotation(angle, x + w / 2, y + h / 2):
            pdf.set_text_color(*ink)
            if hand and self.hand and self.handy(lines[0]):
                self.font(size + 3, hand=True)
                pdf.text(x, y + h / 2, lines[0])
            else:
                pdf.set_draw_color(*ink)
                pdf.set_line_width(0.5)
                pdf.rect(x, y, w, h, round_corners=rng.random() < 0.5, style="D")
                for k, s in enumerate(lines):
                    self.font(size, bold=k == len(lines) - 1 or len(lines) == 1)
                    pdf.text(x + (w - pdf.get_string_width(s)) / 2, y + 2 + (k + 0.8) * size * 0.45, s)
                pdf.set_draw_color(0, 0, 0)
            pdf.set_text_color(0, 0, 0)
        pdf.page = page

    def save(self, path: Path) -> None:
        pdf, n = self.pdf, self.pdf.pages_count
        if self.numbers:
            for k in range(1, n + 1):
                pdf.page = k
                self.text(172, 287, f"Seite {k} von {n}", 7, grey=60)
            pdf.page = n
        pdf.output(str(path))
