"""Pieces the layouts of family11 share: the type's own rows, a table row whose label cells are right-aligned and
wrap, blue typed values on printed underscores, the place for "Ort, Datum", a signature line."""

from __future__ import annotations

import random

from data import fmt, fullname, spaced
from draw import Page
from kinds import LABELS, fdate


def type_rows(spec: dict, long: bool, euro: str = "") -> list[tuple[str, str]]:
    rows = []
    for f, v in spec["values"].items():
        if f == "verein":
            continue
        shown = spaced(v) if f == "iban" else v
        rows.append((LABELS[f][1 if long else 0], f"{shown} {euro}".strip() if f == "betrag_eur" else shown))
    return rows


def place(spec: dict) -> str:
    """The town for "Ort, Datum": the applicant's without its Ortsteil."""
    a = spec["club"] or spec["main"]
    return a["ort"].split(" (OT")[0].split("-")[0] if a["ort"] != "Bernkastel-Kues" else a["ort"]


def when(spec: dict) -> str:
    return f"{place(spec)}, {fdate(spec, spec['antrag'])}"


def born(spec: dict, rng: random.Random) -> str:
    return fmt(spec["main"]["geburtsdatum"], rng.choice(["dmy", "dmy", "nopad", "long"]))


def signer(spec: dict) -> dict:
    return spec["other"] if spec["type"] == "masern_meldung" else spec["main"]


def sign(pg: Page, x: float, y: float, spec: dict, font: str = "sans", cap_ort: str = "Ort, Datum",
         cap_sig: str = "Unterschrift Antragsteller/in", typed: str = "cprime") -> None:
    pg.t(x, y - 1.5, when(spec), 10, typed)
    pg.line(x, y, x + 70, y)
    pg.t(x, y + 3.5, cap_ort, 7, font)
    s = signer(spec)
    pg.ink(f"{s['vorname'][0]}. {s['nachname']}", x + 100, y - 1.5, 14, "chancery", "blue")
    pg.line(x + 95, y, x + 180, y)
    pg.t(x + 95, y + 3.5, cap_sig, 7, font)


def cells(pg: Page, x: float, y: float, parts: list[tuple[str, float, str, str]], size: float = 9.5,
          fill: int | None = None) -> float:
    """One table row of (text, width, align "r"/"l", font); texts wrap, label cells right-aligned; the y under it."""
    wrapped = [pg.wrap(s, w - 3, size, f) or [""] for s, w, _, f in parts]
    lead = size * 0.42
    h = max(len(c) for c in wrapped) * lead + 2.8
    cx = x
    for lines, (_, w, al, f) in zip(wrapped, parts):
        if fill is not None:
            pg.fill(cx, y, w, h, fill)
        pg.pdf.set_draw_color(110)
        pg.box(cx, y, w, h)
        pg.pdf.set_draw_color(0)
        for i, ln in enumerate(lines):
            yy = y + 1.4 + size * 0.35 + i * lead
            if al == "r":
                pg.rt(cx + w - 1.5, yy, ln, size, f)
            else:
                pg.t(cx + 1.5, yy, ln, size, f)
        cx += w
    return y + h


def underscored(pg: Page, rng: random.Random, x: float, y: float, label: str, value: str, width: float,
                size: float, vsize: float) -> None:
    """A printed "Label: ______" run to x + width, the value typed in blue over the line, a little off it."""
    pg.t(x, y, f"{label}:", 9, "arial")
    lx = x + pg.width(f"{label}: ", 9, "arial")
    n = max(3, int((x + width - lx) / pg.width("_", 9, "arial")))
    pg.t(lx, y, "_" * n, 9, "arial")
    if value:
        pg.ink(value, lx + rng.uniform(1, 6), y + rng.uniform(-2.2, 0.9), vsize, "cprime",
               rng.choice(["blue", "blue", "black"]))


def betreff_person(spec: dict, rng: random.Random) -> str:
    """"Frau Dr. Ute Weber-Lang, geb. 03.04.1971" — the child, or the club and its chair."""
    m = spec["main"]
    if spec["club"]:
        return f"{spec['values']['verein']}, vertreten durch {fullname(m)}"
    who = f"Kind {fullname(m)}" if spec["type"] == "masern_meldung" else f"{m['anrede']} {fullname(m)}"
    if "geburtsdatum" in spec["truth_fields"]:
        who += f", geb. {fmt(m['geburtsdatum'], rng.choice(['dmy', 'nopad']))}"
    return who
