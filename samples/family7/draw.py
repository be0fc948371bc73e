"""A thin fpdf2 page for family7: fonts, text at a point, lines, boxes, ticks, margin stamps, common parts."""

from __future__ import annotations

import random
from pathlib import Path

from fpdf import FPDF

FONTS = {"sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
         "sansB": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
         "cond": "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
         "serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"}
OFFICES = [("Landratsamt Rhön-Saale (Beispiel)", "Postfach 14 40", "97612 Hollstadt"),
           ("Kreisverwaltung Fulda-Land (Beispiel)", "Postfach 22 01 33", "36001 Hünfeld"),
           ("Kreis Hochsauerland-Ost (Beispiel)", "Postfach 10 09", "59925 Medebach")]


class FontMissing(Exception):
    pass


class Page:
    def __init__(self, rng: random.Random) -> None:
        for path in FONTS.values():
            if not Path(path).is_file():
                raise FontMissing(path)
        self.rng = rng
        self.pdf = FPDF(unit="mm", format="A4")
        self.pdf.set_creation_date(__import__("datetime").datetime(2026, 1, 1))
        self.pdf.set_producer("family7")
        self.pdf.set_auto_page_break(False)
        for name, path in FONTS.items():
            self.pdf.add_font(name, "", path)
        self.pdf.add_page()
        self.value_font = rng.choice(["sans", "serif", "cond"])

    def text(self, x: float, y: float, s: str, size: float = 10, font: str = "sans") -> None:
        self.pdf.set_font(font, "", size)
        self.pdf.text(x, y, s)

    def value(self, x: float, y: float, s: str, size: float = 10.5) -> None:
        self.text(x, y, s, size, self.value_font)

    def width(self, s: str, size: float = 10, font: str = "sans") -> float:
        self.pdf.set_font(font, "", size)
        return self.pdf.get_string_width(s)

    def line(self, x1: float, y1: float, x2: float, y2: float, w: float = 0.2) -> None:
        self.pdf.set_line_width(w)
        self.pdf.line(x1, y1, x2, y2)

    def box(self, x: float, y: float, w: float, h: float, lw: float = 0.2) -> None:
        self.pdf.set_line_width(lw)
        self.pdf.rect(x, y, w, h)

    def tick(self, x: float, y: float, on: bool, label: str, size: float = 9) -> float:
        """A 3.5 mm box at (x, y-3) with an X if *on*, then the label; returns the x after it."""
        self.box(x, y - 3, 3.5, 3.5)
        if on:
            self.line(x + 0.5, y - 2.5, x + 3, y, 0.35)
            self.line(x + 3, y - 2.5, x + 0.5, y, 0.35)
        self.text(x + 5, y, label, size)
        return x + 7 + self.width(label, size)

    def new_page(self) -> None:
        self.pdf.add_page()

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def header(pg: Page, spec: dict, y: float = 14) -> float:
    """The county's letterhead with its Postfach, the title, the file numbers; returns the next y."""
    name, box, town = pg.rng.choice(OFFICES)
    pg.text(15, y, name, 11, "sansB")
    pg.text(15, y + 5, f"{box} · {town}", 8)
    pg.text(140, y, "Formular-Nr. " + pg.rng.choice(["A 17", "V-03/2025", "GA 2"]), 7)
    y += 16
    for label, val in spec["refs"]:
        pg.text(125, y, f"{label}:", 8)
        pg.value(125 + pg.width(f"{label}:", 8) + 2, y, val, 9.5)
        y += 5
    y = max(y, 36) + 4
    pg.text(15, y, spec["title"], 13, "sansB")
    return y + 10


def grid(pg: Page, spec: dict, y: float) -> float:
    """The type's question as a checkbox grid, two options a row."""
    q, opts = spec["grid"]
    pg.text(15, y, f"{q} (bitte ankreuzen)", 9, "sansB")
    y += 6
    for k, o in enumerate(opts):
        x = 15 + (k % 2) * 90
        pg.tick(x, y, k == spec["ticked"], o)
        if k % 2 == 1 or k == len(opts) - 1:
            y += 6
    return y + 2


def stamp(pg: Page, spec: dict) -> None:
    """The received stamp in a margin: turned 90° in the left margin or slanted top right."""
    if not spec["stamp"]:
        return
    lines = spec["stamp"].split("\n")
    pg.pdf.set_draw_color(40, 60, 160)
    pg.pdf.set_text_color(40, 60, 160)
    if pg.rng.random() < 0.5:
        x, y, angle = 6, pg.rng.uniform(120, 230), 90
    else:
        x, y, angle = pg.rng.uniform(128, 140), pg.rng.uniform(10, 16), pg.rng.uniform(-8, 8)
    with pg.pdf.rotation(angle, x, y):
        pg.box(x - 2, y - 5, max(pg.width(s, 10, "sansB") for s in lines) + 4, 6 * len(lines) + 2, 0.5)
        for k, s in enumerate(lines):
            pg.text(x, y + 6 * k, s, 10, "sansB")
    pg.pdf.set_draw_color(0, 0, 0)
    pg.pdf.set_text_color(0, 0, 0)


def footer(pg: Page, spec: dict, y: float, place_label: str = "Ort, Datum", sign_label: str = "Unterschrift") -> None:
    """The place/date line and the signature line, captions under them."""
    y = max(y + 8, 245)
    pg.value(16, y, f"{spec['place']}, {spec['signed_shown']}")
    pg.line(15, y + 1.5, 90, y + 1.5)
    pg.text(15, y + 5, place_label, 7)
    pg.line(110, y + 1.5, 195, y + 1.5)
    pg.text(110, y + 5, sign_label, 7)
    pg.text(15, 287, "Bitte vollständig ausfüllen. Mit * gekennzeichnete Felder sind Pflichtangaben.", 6.5)


def bank_lines(spec: dict) -> list[tuple[str, str]]:
    b = spec["bank"]
    if not b:
        return []
    holder = f"{b['holder']['vorname']} {b['holder']['nachname']}" if b["holder"] else spec["verein"]
    return [("Kontoinhaber/in", holder), ("IBAN", b["iban"]), ("BIC", b["bic"])]
