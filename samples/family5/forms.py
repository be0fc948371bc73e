"""Form layouts: `personentabelle` (captions in a header row, one value row per person below) and
`druckbuchstaben` (a form filled in block capitals), plus the plain label table both letters use."""

from __future__ import annotations

import random

from draw import Doc, fax_lines
from parts import Wording, checks, entries, header, salutation, sepa_section, sign


def label_table(doc: Doc, rows: list[tuple[str, str]], x: float = 15, lw: float = 58, w: float = 180,
                size: float = 10) -> None:
    for lab, val in rows:
        doc.need(8)
        doc.rect(x, doc.y, lw, 7, fill=236)
        doc.rect(x + lw, doc.y, w - lw, 7)
        doc.fit(x + 1.5, doc.y + 4.8, lab, lw - 3, 8)
        doc.fit(x + lw + 2, doc.y + 5, val, w - lw - 4, size, ink="blue")
        doc.y += 7
    doc.y += 4


def finish(doc: Doc, spec: dict, rng: random.Random) -> bytes:
    if spec["stamp"]:
        doc.stamp(rng, spec["stamp"])
    fax_lines(doc, spec["fax"], spec["footer"])
    return doc.output()


def grid(doc: Doc, caps: list[str], rows: list[list[str]], widths: list[float], x: float = 15) -> None:
    """A table: the captions in a grey header row, one value row per person under it."""
    doc.need(8 + 8 * len(rows))
    cx = x
    for c, cw in zip(caps, widths):
        doc.rect(cx, doc.y, cw, 8, fill=220)
        doc.fit(cx + 1, doc.y + 5, c, cw - 2, 7.5)
        cx += cw
    doc.y += 8
    for r in rows:
        cx = x
        for v, cw in zip(r, widths):
            doc.rect(cx, doc.y, cw, 8)
            doc.fit(cx + 1.2, doc.y + 5.5, v, cw - 2.4, 10, ink="blue")
            cx += cw
        doc.y += 8
    doc.y += 5


PERSON_KEYS = ["nachname", "vorname", "geburtsdatum", "geburtsort", "staat"]
ADDRESS_KEYS = ["strasse", "plz", "ort", "telefon", "email"]


def person_tables(doc: Doc, rng: random.Random, head: str, blocks: list[dict], w: Wording) -> None:
    """Persons as rows: names and birth in one table, addresses and phone in a second."""
    doc.text(15, doc.y, head, 10, bold=True)
    doc.y += 3
    vals = [dict(entries(rng, b)) for b in blocks]
    role = len(blocks) > 1 or rng.random() < 0.4
    for keys in (PERSON_KEYS, ADDRESS_KEYS):
        ks = [k for k in keys if any(k in v for v in vals)]
        if not ks:
            continue
        caps = ([rng.choice(["Person", "Funktion", "Beteiligte/r"])] if role else []) + [w.label(k) for k in ks]
        rows = [([b["role"] or b["head"].split(" (")[0]] if role else []) + [w.val(k, v.get(k, "")) for k in ks]
                for b, v in zip(blocks, vals)]
        wide = {"email": 2.0, "strasse": 1.8, "staat": 1.4, "ort": 1.4, "geburtsort": 1.3, "plz": 0.7}
        weights = ([1.3] if role else []) + [wide.get(k, 1.0) for k in ks]
        grid(doc, caps, rows, [180 * q / sum(weights) for q in weights])


def club_tables(doc: Doc, rng: random.Random, spec: dict, w: Wording) -> None:
    main = spec["main"]
    p = main["p"]
    doc.text(15, doc.y, "Antragsteller (Verein)", 10, bold=True)
    doc.y += 3
    grid(doc, [w.label("org"), w.label("strasse"), w.label("plz"), "Sitz"],
         [[main["org"], f"{p['strasse']} {p['hausnr']}", p["plz"], p["ort"]]], [70, 55, 20, 35])
    doc.text(15, doc.y, "Vertretungsberechtigter Vorstand (§ 26 BGB)", 10, bold=True)
    doc.y += 3
    vize = spec["others"][1]["p"]
    grid(doc, ["Funktion", "Name", "Vorname", "Telefon"],
         [["1. Vorsitzende/r", p["nachname"], p["vorname"], ""], ["2. Vorsitzende/r", vize["nachname"], vize["vorname"], vize["telefon"]]],
         [45, 45, 45, 45])


def personentabelle(spec: dict, rng: random.Random) -> bytes:
    doc, w = Doc(rng, spec["signed"]), Wording(rng)
    header(doc, spec, rng)
    checks(doc, spec, rng)
    main, others = spec["main"], spec["others"]
    if main["who"] == "club":
        club_tables(doc, rng, spec, w)
    else:
        together = [o for o in others if rng.random() < 0.6][:1] if main["who"] == "self" else []
        person_tables(doc, rng, main["head"] if not together else "Angaben zu den Personen", [main] + together, w)
        rest = [o for o in others if o not in together]
        if rest and all(o["head"] == rest[0]["head"] for o in rest):
            person_tables(doc, rng, rest[0]["head"], rest, w)
        else:
            for o in rest:
                person_tables(doc, rng, o["head"], [o], w)
    doc.text(15, doc.y, rng.choice(["Angaben zum Antrag", "Weitere Angaben"]), 10, bold=True)
    doc.y += 3
    label_table(doc, spec["items"])
    sepa_section(doc, spec, rng, label_table)
    sign(doc, spec, rng, w)
    return finish(doc, spec, rng)


def caps_rows(doc: Doc, rows: list[tuple[str, str]], w: Wording, rng: random.Random) -> None:
    """Two boxes a row, the caption small above each box, the value in capitals in it."""
    for k in range(0, len(rows), 2):
        doc.need(14)
        pair = rows[k:k + 2]
        bw = 180 / len(pair)
        for j, (key, lab, val) in enumerate(pair):
            x = 15 + j * bw
            doc.text(x, doc.y + 2.5, lab, 7)
            doc.rect(x, doc.y + 3.5, bw - 3, 8)
            doc.font(11, fam="dejavu")
            doc.fit(x + 1.5, doc.y + 9.3, w.val(key, val), bw - 6, 11, ink="black")
        doc.y += 13


def druckbuchstaben(spec: dict, rng: random.Random) -> bytes:
    doc, w = Doc(rng, spec["signed"]), Wording(rng, caps=True)
    header(doc, spec, rng)
    doc.text(15, doc.y, rng.choice(["Bitte in Druckbuchstaben ausfüllen!", "BITTE IN DRUCKSCHRIFT AUSFÜLLEN",
                                    "Bitte gut leserlich in Blockschrift ausfüllen."]), 9, bold=True)
    doc.y += 7
    checks(doc, spec, rng)
    for b in [spec["main"]] + spec["others"]:
        doc.need(30)
        doc.rect(15, doc.y, 180, 6, fill=205)
        doc.text(17, doc.y + 4.3, b["head"], 9, bold=True)
        doc.y += 9
        if b["who"] not in ("club",) and rng.random() < 0.5:
            salutation(doc, b["p"], 15)
        caps_rows(doc, [(k, w.label(k), v) for k, v in entries(rng, b, rng.random() < 0.6)], w, rng)
    doc.rect(15, doc.y, 180, 6, fill=205)
    doc.text(17, doc.y + 4.3, "Angaben zum Antrag", 9, bold=True)
    doc.y += 9
    caps_rows(doc, [("item", lab, v) for lab, v in spec["items"]], w, rng)
    doc.y += 3
    sepa_section(doc, spec, rng, lambda d, rows: caps_rows(d, [("iban", lab, v) for lab, v in rows], w, rng))
    sign(doc, spec, rng, w)
    return finish(doc, spec, rng)
