"""Form layouts: `meldeschein` (persons as columns), `gewa` (numbered grid boxes, GewA-1 style),
`unterstrich` (the caption printed under the filled line)."""

from __future__ import annotations

import random

from draw import Doc, office
from rows import Wording, person_rows

SECTION_OF = {"Halterin / Halter": "Fahrzeughalter/in"}


def header(doc: Doc, spec: dict, rng: random.Random, w: Wording) -> None:
    """Office top left, the office's reference box top right, the title."""
    name, unit = office(rng)
    doc.text(15, doc.y, name, 11, bold=True)
    doc.text(15, doc.y + 5, unit.format(s=rng.choice(["Ordnung und Soziales", "Bauen und Umwelt", "Gesundheit", "Verkehr"])), 8)
    if spec["refs"]:
        x, y = 120, doc.y - 4
        doc.text(x, y - 1, rng.choice(["Vom Amt auszufüllen", "Nur für Vermerke der Behörde", "Behördenvermerke"]), 6.5)
        doc.rect(x, y, 75, 7 * len(spec["refs"]) + 2)
        for k, (lab, val) in enumerate(spec["refs"]):
            doc.text(x + 2, y + 5 + 7 * k, lab, 7)
            doc.text(x + 32, y + 5 + 7 * k, val, 9.5)
        doc.y = max(doc.y, y + 7 * len(spec["refs"]) + 4)
    doc.y += 12
    doc.text(15, doc.y, spec["title"], 13, bold=True)
    doc.y += 9


def sign(doc: Doc, spec: dict, rng: random.Random, under: bool) -> None:
    """Place and date, signature; the caption under the line or before the value."""
    doc.need(25)
    doc.y += 10
    pd = f"{spec['place']}, {spec['signed_shown']}"
    if under:
        doc.text(17, doc.y, pd, 10.5, ink="blue")
        doc.line(15, doc.y + 1.5, 90, doc.y + 1.5)
        doc.line(110, doc.y + 1.5, 190, doc.y + 1.5)
        doc.signature(rng, 118, doc.y - 1)
        doc.text(15, doc.y + 5, "(Ort, Datum)", 7)
        doc.text(110, doc.y + 5, rng.choice(["(Unterschrift)", "(Unterschrift der Antragstellerin / des Antragstellers)"]), 7)
    else:
        doc.text(15, doc.y, "Ort, Datum:", 9)
        doc.text(35, doc.y, pd, 10.5, ink="blue")
        doc.text(110, doc.y, "Unterschrift:", 9)
        doc.signature(rng, 135, doc.y - 1)
    doc.y += 10


def items_table(doc: Doc, items: list[tuple[str, str]], x: float = 15, lw: float = 62, w: float = 180) -> None:
    for lab, val in items:
        doc.need(8)
        doc.rect(x, doc.y, lw, 7, fill=238)
        doc.rect(x + lw, doc.y, w - lw, 7)
        doc.fit(x + 1.5, doc.y + 4.8, lab, lw - 3, 8)
        doc.fit(x + lw + 2, doc.y + 5, val, w - lw - 4, 10, ink="blue")
        doc.y += 7
    doc.y += 4


def meldeschein(spec: dict, rng: random.Random) -> bytes:
    """Persons as columns: Person 1 | Person 2 | …, rows Familienname, Vornamen, …"""
    doc, w = Doc(rng, spec["signed"]), Wording(rng)
    header(doc, spec, rng, w)
    split = rng.random() < 0.6
    blocks = [spec["main"]] + [b for b in spec["others"] if b["who"] != "private"][:2]
    cols = [dict(person_rows(rng, b, split)) for b in blocks]
    keys = list(dict.fromkeys(k for c in cols for k in c))
    lw, cw = 48, (180 - 48) / len(blocks)
    doc.rect(15, doc.y, lw, 10, fill=215)
    doc.text(16.5, doc.y + 6, "Angaben", 8, bold=True)
    for j, b in enumerate(blocks):
        doc.rect(15 + lw + j * cw, doc.y, cw, 10, fill=215)
        doc.text(16.5 + lw + j * cw, doc.y + 4, f"Person {j + 1}", 8, bold=True)
        doc.fit(16.5 + lw + j * cw, doc.y + 8, b["head"], cw - 3, 7)
    doc.y += 10
    for k in keys:
        doc.need(8)
        doc.rect(15, doc.y, lw, 8, fill=240)
        doc.fit(16.5, doc.y + 5.2, w.label(k), lw - 3, 8)
        for j, c in enumerate(cols):
            doc.rect(15 + lw + j * cw, doc.y, cw, 8)
            if k in c:
                doc.fit(16.5 + lw + j * cw, doc.y + 5.5, c[k], cw - 3, 10, ink="blue")
        doc.y += 8
    doc.y += 6
    for b in spec["others"]:
        if b not in blocks:
            doc.text(15, doc.y, b["head"], 9, bold=True)
            doc.y += 3
            items_table(doc, [(w.label(k), v) for k, v in person_rows(rng, b, split)])
    doc.text(15, doc.y, rng.choice(["Weitere Angaben", "Angaben zum Antrag", "Sonstiges"]), 9, bold=True)
    doc.y += 3
    items_table(doc, spec["items"])
    sign(doc, spec, rng, under=rng.random() < 0.5)
    return finish(doc, spec, rng)


def finish(doc: Doc, spec: dict, rng: random.Random) -> bytes:
    if spec["stamp"]:
        doc.stamp(rng, spec["stamp"])
    return doc.output()


def _pack(entries: list[tuple[str, str]]) -> list[list[tuple[str, str, float]]]:
    """Boxes in rows of 180 mm: a long value gets a wide box."""
    rows, cur, used = [], [], 0.0
    for lab, val in entries:
        bw = 180.0 if len(val) > 34 else 90.0 if len(val) > 14 else 60.0
        if used + bw > 180.01:
            rows.append(cur)
            cur, used = [], 0.0
        cur.append((lab, val, bw))
        used += bw
    return rows + ([cur] if cur else [])


def gewa(spec: dict, rng: random.Random) -> bytes:
    """GewA-1 style: numbered fields in a grid, caption top left in the box, value below it."""
    doc, w = Doc(rng, spec["signed"]), Wording(rng)
    header(doc, spec, rng, w)
    split, n = rng.random() < 0.7, 1
    for b in [spec["main"]] + spec["others"] + [None]:
        head = b["head"] if b else rng.choice(["Angaben zum Vorhaben", "Weitere Angaben"])
        entries = [(w.label(k), v) for k, v in person_rows(rng, b, split)] if b else list(spec["items"])
        doc.need(20)
        doc.rect(15, doc.y, 180, 6, fill=200)
        doc.text(17, doc.y + 4.3, head, 9, bold=True)
        doc.y += 6
        for row in _pack(entries):
            doc.need(11)
            x = 15.0
            if len(row) == 1 and row[0][2] < 180:
                row = [(row[0][0], row[0][1], 180.0)]
            for lab, val, bw in row:
                bw = bw if len(row) > 1 or bw == 180 else 180
                doc.rect(x, doc.y, bw, 11)
                doc.fit(x + 1, doc.y + 3, f"{n}  {lab}", bw - 2, 6.5)
                doc.fit(x + 3, doc.y + 9, val, bw - 5, 10.5, ink="black")
                x += bw
                n += 1
            doc.y += 11
        doc.y += 3
    sign(doc, spec, rng, under=True)
    return finish(doc, spec, rng)


def unterstrich(spec: dict, rng: random.Random) -> bytes:
    """The value written on a line, the caption printed small under it; two or three to a row."""
    doc, w = Doc(rng, spec["signed"]), Wording(rng)
    header(doc, spec, rng, w)
    split = rng.random() < 0.5
    for b in [spec["main"]] + spec["others"] + [None]:
        head = b["head"] if b else "Angaben zum Antrag"
        entries = [(w.label(k), v) for k, v in person_rows(rng, b, split)] if b else list(spec["items"])
        doc.need(22)
        doc.text(15, doc.y, head, 10, bold=True)
        doc.y += 9
        for row in _pack(entries):
            doc.need(13)
            x = 15.0
            for lab, val, bw in row:
                bw = 180.0 / len(row) if len(row) < 3 else bw
                doc.fit(x + 1, doc.y, val, bw - 6, 11, ink="blue")
                doc.line(x, doc.y + 1.5, x + bw - 4, doc.y + 1.5)
                doc.fit(x, doc.y + 4.8, f"({lab})" if rng.random() < 0.3 and "(" not in lab else lab, bw - 6, 6.5)
                x += bw
            doc.y += 13
        doc.y += 2
    sign(doc, spec, rng, under=True)
    return finish(doc, spec, rng)
