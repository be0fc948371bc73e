"""The five family3 layouts.  Each takes a spec (see parts.py) and a Random and returns PDF bytes.

- ``fachverfahren``: printout of a county's case-management software — monospace, fixed
  columns, CAPS labels with field codes ("01 FAMILIENNAME"), values often in CAPS.
- ``ankreuz``: check-box form, a small label above a dotted line, values filled in by hand.
- ``portal``: online-portal printout "Zusammenfassung Ihres Antrags", numbered key–value list.
- ``fax``: a fax — cover sheet with the fax header line, then the form typed on a typewriter.
- ``brief``: a letter — reference block on the right, the data as an indented list, the
  sender only in the footer."""

from __future__ import annotations

import random

from canvas import HANDS, Doc

DEPTS = {"kfz_zulassung": "Straßenverkehrsamt – Zulassungsstelle", "bauantrag": "Bauaufsichtsbehörde",
         "ifsg_belehrung": "Gesundheitsamt – Infektionsschutz", "masern_meldung": "Gesundheitsamt",
         "waffen_antrag": "Ordnungsamt – Waffenbehörde", "tierhaltung": "Veterinär- und Lebensmittelüberwachungsamt",
         "sportstaetten_foerderung": "Fachdienst Schule, Kultur und Sport", "eingliederungshilfe": "Sozialamt – Eingliederungshilfe",
         "sonstiges": "Bürgerservice"}
COUNTY = "Landkreis Musterland"
COUNTY_ADDR = "Kreishaus · Am Markt 1 · 29999 Musterstadt"


def _name(p: dict) -> str:
    return f"{p['vorname']} {p['nachname']}"


def _stamp(doc: Doc, rng: random.Random, spec: dict, zones: list[tuple[float, float]]) -> None:
    if spec["stamp"]:
        doc.stamp(rng, *spec["stamp"], zones)


def fachverfahren(spec: dict, rng: random.Random) -> bytes:
    doc = Doc(spec["signed"])
    fam, caps = rng.choice(["mono", "cprime"]), rng.random() < 0.6
    system = rng.choice(["OK.FACH", "KV-FACHVERFAHREN", "FV-MUSTER 2000", "VERA-KREIS"])
    doc.font(fam, 8.5)
    doc.text(15, 12, f"{COUNTY.upper():<40}{system} V{rng.randint(2, 9)}.{rng.randint(0, 20)}")
    doc.text(15, 16, f"{DEPTS[spec['type']].upper()}")
    y = 24
    for lab, val in spec["office"]:
        doc.text(120, y, f"{lab.upper()[:16]:<16}: {val}")
        y += 4
    _stamp(doc, rng, spec, [(140, 250), (120, 40), (15, 255)])
    doc.y = max(y, 32) + 6
    doc.font(fam, 11, bold=True)
    doc.text(15, doc.y, spec["title"].upper())
    doc.font(fam, 9)
    doc.text(15, doc.y + 4, "=" * min(len(spec["title"]), 90))
    doc.y += 12
    code = 1
    for n, sec in enumerate(spec["sections"]):
        doc.need(8 + 4.6 * len(sec["items"]))
        doc.font(fam, 9.5, bold=True)
        doc.text(15, doc.y, f"{chr(65 + n)}  {sec['head'].upper()}")
        doc.y += 5.5
        doc.font(fam, 9)
        for lab, val in sec["items"]:
            label = f"{code:02d} {lab.upper()}"
            doc.text(18, doc.y, f"{label:.<44}: {val.upper() if caps else val}")
            doc.y += 4.6
            code += 1
        doc.y += 3
    if spec["checks"]:
        doc.need(10)
        doc.text(15, doc.y, "   ".join(f"[{'X' if t else ' '}] {lab.upper()}" for lab, t in spec["checks"])[:95])
        doc.y += 9
    doc.need(22)
    doc.text(15, doc.y, f"ORT, DATUM ......: {spec['place'].upper() if caps else spec['place']}, {spec['date_shown']}")
    doc.text(15, doc.y + 12, "UNTERSCHRIFT ....: ")
    doc.scribble(rng, 55, doc.y + 11)
    doc.font(fam, 7)
    doc.text(15, 290, f"DRUCK {system} / FORMULAR {spec['type'][:4].upper()}-{rng.randint(100, 999)} / SEITE 1")
    return doc.output()


def _cell(doc: Doc, x: float, w: float, lab: str, val: str, hand: str) -> None:
    doc.font("sans", 6.5)
    doc.text(x, doc.y, lab)
    doc.rule(x, doc.y + 7.5, x + w - 4, dotted=True)
    size = 12
    while size > 7 and doc.width(val) * size / 12 > w - 6:
        size -= 1
    doc.hand(x + 1.5, doc.y + 6.5, val, hand, size=size)
    doc.font("sans", 12)


def ankreuz(spec: dict, rng: random.Random) -> bytes:
    doc, hand = Doc(spec["signed"]), rng.choice(HANDS)
    doc.font("sans", 8)
    doc.text(15, 14, f"{COUNTY} · {DEPTS[spec['type']]}")
    doc.text(15, 18, COUNTY_ADDR)
    if spec["office"]:
        doc.pdf.rect(130, 22, 65, 6 + 7 * len(spec["office"]))
        doc.font("sans", 6.5)
        doc.text(132, 25.5, "Vom Amt auszufüllen")
        for k, (lab, val) in enumerate(spec["office"]):
            doc.font("sans", 8)
            doc.text(132, 31 + 7 * k, f"{lab}: {val}")
    _stamp(doc, rng, spec, [(15, 24), (140, 255), (80, 22)])
    doc.y = 50
    doc.fit(spec["title"], "sans", 14, 180, bold=True)
    doc.text(15, doc.y, spec["title"])
    doc.y += 8
    if spec["checks"]:
        doc.font("sans", 9)
        x = 15
        for lab, t in spec["checks"]:
            doc.box(x, doc.y - 3, 3.5, 3.5, t)
            doc.text(x + 5, doc.y, lab)
            x += doc.width(lab) + 14
            if x > 160:
                x, doc.y = 15, doc.y + 6
        doc.y += 8
    for sec in spec["sections"]:
        doc.need(14)
        doc.shade(15, doc.y - 4, 180, 5.5)
        doc.font("sans", 9, bold=True)
        doc.text(16, doc.y, sec["head"])
        doc.y += 6
        items = list(sec["items"])
        while items:
            doc.need(11)
            lab, val = items.pop(0)
            if len(val) < 26 and items and len(items[0][1]) < 26:
                _cell(doc, 15, 90, lab, val, hand)
                lab, val = items.pop(0)
                _cell(doc, 105, 90, lab, val, hand)
            else:
                _cell(doc, 15, 180, lab, val, hand)
            doc.y += 11
        doc.y += 2
    doc.need(24)
    _cell(doc, 15, 90, "Ort, Datum", f"{spec['place']}, {spec['date_shown']}", hand)
    doc.font("sans", 6.5)
    doc.text(105, doc.y, "Unterschrift der Antragstellerin / des Antragstellers")
    doc.scribble(rng, 110, doc.y + 6)
    doc.rule(105, doc.y + 7.5, 190)
    doc.font("sans", 6)
    doc.text(15, 290, f"Vordruck {rng.randint(10, 99)}.{rng.randint(1, 9)} – Stand {rng.randint(1, 12):02d}/2025 – "
                      "Hinweise zum Datenschutz (Art. 13 DSGVO) finden Sie auf der Rückseite.")
    return doc.output()


def portal(spec: dict, rng: random.Random) -> bytes:
    doc = Doc(spec["signed"])
    pid = f"MUS-{spec['signed'].year}-{rng.randint(100000, 999999)}"

    def furniture(d: Doc) -> None:
        d.font("sans", 7)
        d.text(15, 8, f"Serviceportal Musterland – {spec['title'][:70]}")
        d.text(15, 290, f"https://service.musterland.example/antrag/{pid.lower()}/zusammenfassung")
        d.text(178, 290, f"Seite {d.pdf.page}")
    doc.on_new_page = furniture
    furniture(doc)
    doc.font("sans", 16, bold=True)
    doc.text(15, 22, "Zusammenfassung Ihres Antrags")
    doc.font("sans", 10)
    doc.text(15, 29, spec["title"])
    doc.text(15, 35, f"Antrags-ID: {pid}    Eingereicht am: {spec['date_shown']}, {rng.randint(7, 22)}:{rng.randint(0, 59):02d} Uhr")
    doc.text(15, 40, f"Zuständige Stelle: {COUNTY}, {DEPTS[spec['type']]}")
    _stamp(doc, rng, spec, [(145, 14), (140, 255)])
    doc.y = 50
    sections = list(spec["sections"])
    if spec["checks"]:
        sections.insert(0, {"head": "Art des Antrags", "items": [("Auswahl", ", ".join(lab for lab, t in spec["checks"] if t))]})
    if spec["office"]:
        sections.append({"head": "Bezug", "items": [(f"{lab} (falls bekannt)", v) for lab, v in spec["office"]]})
    for n, sec in enumerate(sections, 1):
        doc.need(16)
        doc.font("sans", 11, bold=True)
        doc.text(15, doc.y, f"{n} {sec['head']}")
        doc.y += 2
        for k, (lab, val) in enumerate(sec["items"], 1):
            doc.need(7)
            if k % 2:
                doc.shade(15, doc.y, 180, 6, 240)
            doc.font("sans", 9)
            doc.text(17, doc.y + 4.2, f"{n}.{k} {lab}")
            doc.fit(val, "sans", 9.5, 100, bold=True)
            doc.text(93, doc.y + 4.2, val)
            doc.y += 6
        doc.y += 7
    doc.need(14)
    doc.font("sans", 8.5)
    doc.text(15, doc.y, "Sie haben bestätigt, dass Ihre Angaben vollständig und richtig sind. "
                        "Eine Unterschrift ist nicht erforderlich.")
    return doc.output()
