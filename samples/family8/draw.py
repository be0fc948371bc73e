"""Drawing helpers of family8 (fpdf2): fonts, text, boxes, comb fields, stamps, the authority's footer."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

FONTS = {"sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
         "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
         "mono": "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
         "hand": "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
         "serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"}


class FontMissing(Exception):
    pass


class Page:
    def __init__(self) -> None:
        self.pdf = FPDF(unit="mm", format="A4")
        self.pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=timezone.utc))
        self.pdf.set_producer("family8")
        self.pdf.set_auto_page_break(False)
        for name, path in FONTS.items():
            if not Path(path).exists():
                raise FontMissing(path)
            self.pdf.add_font(name, "", path)
        self.pdf.add_page()

    def t(self, x: float, y: float, s: str, size: float = 10, font: str = "sans") -> None:
        self.pdf.set_font(font, size=size)
        self.pdf.text(x, y, s)

    def width(self, s: str, size: float = 10, font: str = "sans") -> float:
        self.pdf.set_font(font, size=size)
        return self.pdf.get_string_width(s)

    def line(self, x1: float, y1: float, x2: float, y2: float, w: float = 0.2) -> None:
        self.pdf.set_line_width(w)
        self.pdf.line(x1, y1, x2, y2)

    def box(self, x: float, y: float, w: float, h: float, fill: int | None = None) -> None:
        self.pdf.set_line_width(0.2)
        if fill is not None:
            self.pdf.set_fill_color(fill)
        self.pdf.rect(x, y, w, h, style="DF" if fill is not None else "D")

    def comb(self, x: float, y: float, s: str, n: int, cw: float = 5.0) -> None:
        """A Kammformular field: one character per box, n boxes."""
        for i in range(n):
            self.box(x + i * cw, y, cw, 6.5)
        for i, ch in enumerate(s[:n]):
            self.t(x + i * cw + 1.2, y + 5, ch, 10, "mono")

    def check(self, x: float, y: float, options: list[str], chosen: str | None, style: str) -> float:
        for o in options:
            mark = ("☒" if o == chosen else "☐") if style == "glyph" else ("[x]" if o == chosen else "[ ]")
            s = f"{mark} {o}"
            self.t(x, y, s, 9)
            x += self.width(s, 9) + 6
        return x

    def stamp(self, rng: random.Random, text: list[str]) -> None:
        """A received stamp in a margin, turned."""
        pdf = self.pdf
        x, y, ang = rng.choice([(4, 200, 90), (186, 120, 90), (150, 8, rng.uniform(-12, 12)), (15, 285, rng.uniform(-6, 6))])
        pdf.set_text_color(30, 60, 160)
        pdf.set_draw_color(30, 60, 160)
        with pdf.rotation(ang, x, y):
            pdf.set_line_width(0.5)
            pdf.rect(x - 2, y - 5, 52, 6 + 5 * len(text))
            for i, s in enumerate(text):
                self.t(x, y + 5 * i, s, 9, "bold" if i == 1 else "sans")
        pdf.set_text_color(0)
        pdf.set_draw_color(0)

    def footer(self, beh: tuple, page: str = "") -> None:
        name, pf, ort, bank, ib, bic = beh
        self.line(15, 278, 195, 278)
        self.t(15, 282, f"{name} · {pf} · {ort} · Telefon 0961 39-0 · poststelle@lra.example", 6.5)
        self.t(15, 286, f"Bankverbindung: {bank} · IBAN {ib} · BIC {bic} · Gläubiger-ID DE77ZZZ00000012345", 6.5)
        if page:
            self.t(180, 290, page, 6.5)

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())
