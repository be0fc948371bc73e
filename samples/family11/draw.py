"""Drawing helpers of family11: family10's Page (family9's and family8's text, boxes, handwriting fonts, wrapped
prose and table rows) on A4 upright or landscape, with office fonts (Carlito, Liberation, Courier Prime),
coloured and right-aligned text, and received stamps in three styles (box, oval, date band with initials)."""

from __future__ import annotations

import importlib.util
import random
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

_spec = importlib.util.spec_from_file_location("family10_draw", Path(__file__).resolve().parents[1] / "family10" / "draw.py")
_f10 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_f10)
FontMissing = _f10.FontMissing
_f9 = _f10._f9

OFFICE = {"carlito": "/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf",
          "carlito-b": "/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf",
          "arial": "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
          "arial-b": "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
          "lserif": "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
          "lserif-b": "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
          "cprime": "/usr/share/fonts/opentype/courier-prime/Courier Prime.otf"}
INKS = {"blue": (20, 40, 170), "red": (170, 25, 35), "violet": (90, 40, 140), "green": (20, 100, 60),
        "grey": (90, 90, 90), "black": (0, 0, 0)}


class Page(_f10.Page):
    def __init__(self, landscape: bool = False) -> None:
        super().__init__()
        fonts = {**_f9._f8.FONTS, **_f9.EXTRA, **OFFICE}
        self.pdf = FPDF(unit="mm", format="A4", orientation="L" if landscape else "P")
        self.pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=timezone.utc))
        self.pdf.set_producer("family11")
        self.pdf.set_auto_page_break(False)
        for name, path in fonts.items():
            if not Path(path).exists():
                raise FontMissing(path)
            self.pdf.add_font(name, "", path)
        self.pdf.add_page()

    def ink(self, s: str, x: float, y: float, size: float, font: str, color: str = "blue") -> None:
        self.pdf.set_text_color(*INKS[color])
        self.t(x, y, s, size, font)
        self.pdf.set_text_color(0)

    def rt(self, right: float, y: float, s: str, size: float = 9, font: str = "sans") -> None:
        """Text ending at x = right."""
        self.t(right - self.width(s, size, font), y, s, size, font)

    def fill(self, x: float, y: float, w: float, h: float, grey: int) -> None:
        self.pdf.set_fill_color(grey)
        self.pdf.rect(x, y, w, h, style="F")

    def received(self, rng: random.Random, beh: tuple, when: str, where: tuple[float, float] | None = None) -> None:
        """A received stamp in one of three styles, upright or a little turned."""
        x, y = where or rng.choice([(135, 12), (140, 40), (20, 258), (125, 250)])
        color = rng.choice(["blue", "red", "violet", "green"])
        ang = rng.uniform(-9, 9) if rng.random() < 0.6 else 0
        pdf = self.pdf
        pdf.set_text_color(*INKS[color])
        pdf.set_draw_color(*INKS[color])
        pdf.set_line_width(0.5)
        with pdf.rotation(ang, x, y):
            style = rng.randrange(3)
            if style == 0:
                pdf.rect(x, y, 58, 22)
                self.t(x + 2, y + 5, beh[0][:30], 7.5)
                self.t(x + 2, y + 11.5, "EINGEGANGEN", 10, "bold")
                self.t(x + 2, y + 17.5, when, 10, "mono")
                self.t(x + 38, y + 20.5, "Anl. ___", 6.5)
            elif style == 1:
                pdf.ellipse(x, y, 56, 26)
                self.t(x + 28 - self.width(beh[0][:28], 7) / 2, y + 7, beh[0][:28], 7)
                self.t(x + 28 - self.width(when, 11, "bold") / 2, y + 15, when, 11, "bold")
                self.t(x + 28 - self.width("Posteingang", 7) / 2, y + 21.5, "Posteingang", 7)
            else:
                self.t(x, y + 4, f"Eing. {beh[6]}", 8, "bold")
                pdf.rect(x, y + 6, 46, 9)
                self.t(x + 3, y + 12.8, when, 12, "mono")
                self.t(x, y + 19, f"Amt {rng.randint(30, 69)}   Hz.", 7)
                self.t(x + 24, y + 20, rng.choice(["Kü", "MvB", "Sch.", "Lo"]), 11, "comic")
        pdf.set_text_color(0)
        pdf.set_draw_color(0)
        pdf.set_line_width(0.2)
