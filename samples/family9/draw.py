"""Drawing helpers of family9: family8's Page (fpdf2 text, boxes, comb) plus handwriting-like fonts, captions
above values, ja/nein checkboxes, slanted stamps over the form and the authority's letterhead and footer."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

_spec = importlib.util.spec_from_file_location("family8_draw", Path(__file__).resolve().parents[1] / "family8" / "draw.py")
_f8 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_f8)
FontMissing = _f8.FontMissing

EXTRA = {"comic": "/usr/share/fonts/opentype/comic-neue/ComicNeue-Italic.otf",
         "chancery": "/usr/share/fonts/opentype/urw-base35/Z003-MediumItalic.otf",
         "typewriter": "/usr/share/fonts/truetype/gnutypewriter/GNUTypewriter.ttf"}
HANDS = ["comic", "hand", "comic", "typewriter"]


class Page(_f8.Page):
    def __init__(self) -> None:
        super().__init__()
        self.pdf.set_producer("family9")
        for name, path in EXTRA.items():
            if not Path(path).exists():
                raise FontMissing(path)
            self.pdf.add_font(name, "", path)

    def new_page(self) -> None:
        self.pdf.add_page()

    def caption_cell(self, x: float, y: float, w: float, h: float, cap: str, val: str, hand: str) -> None:
        """A boxed cell: the label small at its top left, the value written inside."""
        self.box(x, y, w, h)
        self.t(x + 1, y + 2.6, cap, 5.5)
        if val:
            self.t(x + 2, y + h - 2, val, 10, hand)

    def capcomb(self, x: float, y: float, cap: str, s: str, n: int, font: str = "mono", cw: float = 5.0,
                groups: tuple[int, ...] = ()) -> float:
        """A caption in small type above a row of single-character boxes; groups: gaps with a printed dot
        after those box counts (dates: 2, 4).  Returns the x after the last box."""
        self.t(x, y - 1.2, cap, 6)
        cx, k = x, 0
        for i in range(n):
            self.box(cx, y, cw, 6.5)
            if i < len(s):
                self.t(cx + 1.1, y + 5, s[i], 10, font)
            cx += cw
            k += 1
            if k in groups:
                self.t(cx + 0.6, y + 5, ".", 10, "sans")
                cx += 2.5
        return cx

    def janein(self, x: float, y: float, question: str, yes: bool) -> None:
        self.t(x, y, question, 8.5)
        self.t(x + 135, y, f"{'☒' if yes else '☐'} ja   {'☐' if yes else '☒'} nein", 9)

    def slanted_stamp(self, rng: random.Random, lines: list[str], where: tuple[float, float] | None = None) -> None:
        """A received stamp put on the page at a slant, over whatever is printed there."""
        pdf = self.pdf
        x, y = where or (rng.uniform(95, 140), rng.uniform(60, 200))
        ang = rng.choice([-1, 1]) * rng.uniform(8, 28)
        pdf.set_text_color(150, 20, 40)
        pdf.set_draw_color(150, 20, 40)
        with pdf.rotation(ang, x, y):
            pdf.set_line_width(0.6)
            pdf.rect(x - 2, y - 5.5, 56, 4 + 5.5 * len(lines))
            for i, s in enumerate(lines):
                self.t(x, y + 5.5 * i, s, 10 if i == 1 else 8, "bold" if i == 1 else "sans")
        pdf.set_text_color(0)
        pdf.set_draw_color(0)

    def letterhead(self, beh: tuple, dept: str, sb: str, ext: str) -> None:
        name, street, ort, tel = beh[:4]
        self.t(15, 16, name, 14, "bold")
        self.t(15, 22, dept, 9)
        self.t(15, 47, f"{name} · {street} · {ort}", 6)
        self.t(140, 16, "Auskunft erteilt:", 6.5)
        self.t(140, 20, sb, 8.5)
        self.t(140, 24, f"Telefon {tel[:-2]}{ext}", 8)
        self.t(140, 28, "Zimmer " + ext[:1] + "." + ext[1:], 8)

    def authority_footer(self, beh: tuple, page: str = "") -> None:
        name, street, ort, tel, bank, ib, bic, web = beh
        self.line(15, 276, 195, 276)
        self.t(15, 280, f"{name}", 6.5, "bold")
        self.t(15, 283.5, f"{street}", 6.5)
        self.t(15, 287, f"{ort}", 6.5)
        self.t(70, 280, f"Telefon {tel}", 6.5)
        self.t(70, 283.5, f"Telefax {tel[:-1]}9999", 6.5)
        self.t(70, 287, web, 6.5)
        self.t(125, 280, bank, 6.5)
        self.t(125, 283.5, f"IBAN {ib}", 6.5)
        self.t(125, 287, f"BIC {bic}", 6.5)
        if page:
            self.t(183, 292, page, 6.5)

    def signature(self, x: float, y: float, when: str, name: str, caption: str) -> None:
        """Ort, Datum and the signature over their lines, captions under them."""
        self.t(x, y - 1.5, when, 10, "comic")
        self.line(x, y, x + 70, y)
        self.t(x, y + 3.2, "Ort, Datum", 6.5)
        self.t(x + 95, y - 1.5, name, 13, "chancery")
        self.line(x + 90, y, x + 175, y)
        self.t(x + 90, y + 3.2, caption, 6.5)
