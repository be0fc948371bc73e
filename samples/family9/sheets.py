"""family9's five layouts (see README.md): persons as columns, comb fields with captions above, boxed
caption cells with ja/nein answers, a cover letter before the form, the authority's own printed form."""

from __future__ import annotations

import random

from draw import HANDS, Page
from kinds import fdate
from parts import file_numbers, geb, persons, shows, signer, split_street, stamp, things, when, VEREIN_LABELS

QUESTIONS = {"kfz_zulassung": "Wird das Fahrzeug überwiegend gewerblich genutzt?",
             "bauantrag": "Liegt das Vorhaben im Geltungsbereich eines Bebauungsplans?",
             "ifsg_belehrung": "Liegt bereits eine Belehrung nach § 43 IfSG vor?",
             "masern_meldung": "Wurde ein Impfausweis vorgelegt?",
             "waffen_antrag": "Sind Sie bereits im Besitz einer waffenrechtlichen Erlaubnis?",
             "tierhaltung": "Werden die Tiere im Freiland gehalten?",
             "sportstaetten_foerderung": "Ist der Verein als gemeinnützig anerkannt?",
             "eingliederungshilfe": "Wurde bereits ein Antrag bei einem anderen Träger gestellt?",
             "sonstiges": "Soll die Einsicht vor Ort erfolgen?"}


def _title(p: Page, spec: dict, y: float) -> float:
    title, size = spec["title"][0], 12
    if p.width(title, size, "bold") <= 180:
        p.t(15, y, title, size, "bold")
        return y + 8
    head, sep, tail = title.partition(": ") if ": " in title else title.partition(" (")
    p.t(15, y, head + sep.strip(), 11, "bold")
    p.t(15, y + 5.5, ("(" if sep == " (" else "") + tail, 11, "bold")
    return y + 13


def _club_rows(spec: dict) -> list[tuple[str, str]]:
    c = spec["club"]
    return [(c["strasse"], c["plz"] + " " + c["ort"]), (c["vr"], "")]


def spaltenpersonen(spec: dict, rng: random.Random) -> bytes:
    """Labels in the first column, one column per person; the address as two lines in one cell."""
    p, hand = Page(), rng.choice(HANDS)
    p.letterhead(spec["behoerde"], spec["title"][1], spec["sb"], str(rng.randint(200, 499)))
    y = 36
    for lab, v in file_numbers(spec, rng):
        p.t(140, y, f"{lab}: {v}", 8)
        y += 4
    y = _title(p, spec, 58)
    if spec["check"]:
        p.t(15, y, "Art des Antrags:", 9)
        p.check(45, y, spec["title"][2], spec["check"], "glyph")
        y += 8
    cols = [(role, who) for role, who in persons(spec)]
    if spec["club"]:
        cols.insert(0, ("Verein", None))
    lw, cw = 42, (180 - 42) / len(cols)
    p.box(15, y, 180, 7, fill=225)
    p.t(16, y + 5, "Angaben", 8, "bold")
    for i, (role, _w) in enumerate(cols):
        p.t(15 + lw + i * cw + 1, y + 5, role, min(7.0, 7 * (cw - 2) / p.width(role, 7, "bold")), "bold")
    y += 7
    rows = [("Familienname", "nachname"), ("Vorname(n)", "vorname"), ("Geburtsdatum", "geb"),
            ("Anschrift\n(Straße, Hausnr., PLZ, Ort)", "adr"), ("Telefon (tagsüber)", "telefon"), ("E-Mail", "email")]
    if spec["club"]:
        rows = [("Name", "nachname")] + rows[1:2] + rows[3:]
    elif "geburtsdatum" not in spec["truth"]:
        rows = rows[:2] + rows[3:]
    for lab, key in rows:
        h = 12 if key == "adr" else 8
        p.box(15, y, lw, h, fill=245)
        for k, part in enumerate(lab.split("\n")):
            p.t(16, y + 5 + 4 * k, part, 8 if k == 0 else 6)
        for i, (_role, who) in enumerate(cols):
            x = 15 + lw + i * cw
            p.box(x, y, cw, h)
            for k, v in enumerate(_cell(spec, who, key)):
                p.t(x + 1.5, y + 5.5 + 4.5 * k, v, min(8.5, 8.5 * (cw - 3) / max(1, p.width(v, 8.5, hand))), hand)
        y += h
    return _finish_things(p, spec, rng, y + 6, hand)


def _cell(spec: dict, who: dict | None, key: str) -> list[str]:
    if who is None:  # the club's column
        c = spec["club"]
        return {"nachname": [spec["values"]["verein"]], "adr": [c["strasse"], f"{c['plz']} {c['ort']}"]}.get(key, [])
    if key == "adr":
        return [who["strasse"], f"{who['plz']} {who['ort']}"]
    if key == "geb":
        return [geb(spec, who)]
    if key in ("telefon", "email"):
        return [who[key]] if shows(spec, who, key) else []
    return [who[key]]


def _finish_things(p: Page, spec: dict, rng: random.Random, y: float, hand: str) -> bytes:
    if spec["type"] == "masern_meldung":
        kita = spec["kita"]
        p.t(15, y, "Meldende Einrichtung:", 9, "bold")
        p.t(60, y, f"{kita[0]}, {kita[1]}, {kita[2]} {kita[3]}", 9, hand)
        y += 8
    for _f, lab, v in things(spec, rng):
        p.box(15, y, 70, 8, fill=245)
        p.t(16, y + 5.5, lab, 8)
        p.box(85, y, 110, 8)
        p.t(87, y + 5.5, v, 9.5, hand)
        y += 8
    y += 6
    p.janein(15, y, QUESTIONS[spec["type"]], rng.random() < 0.5)
    name, cap = signer(spec, rng)
    p.signature(15, max(y + 25, 250), when(spec), name, cap)
    stamp(p, spec, rng)
    p.authority_footer(spec["behoerde"])
    return p.bytes()


def _bar(p: Page, y: float, s: str) -> float:
    p.box(15, y, 180, 6, fill=215)
    p.t(17, y + 4.3, s, 8.5, "bold")
    return y + 13


def kammkaption(spec: dict, rng: random.Random) -> bytes:
    """A Kammformular: captions in small type above rows of single-character boxes, dates and PLZ too."""
    p, font = Page(), rng.choice(["mono", "comic", "hand"])
    up = rng.random() < 0.5
    u = (lambda s: s.upper()) if up else (lambda s: s)
    beh = spec["behoerde"]
    p.t(15, 16, beh[0], 12, "bold")
    p.t(15, 21, spec["title"][1], 8.5)
    y = _title(p, spec, 34)
    if spec["az"]:
        p.capcomb(120, 12, "Aktenzeichen (wird vom Amt ausgefüllt)", spec["az"], max(16, len(spec["az"])), "mono", 4.2)
    p.t(120, 26, f"{spec['nebennr'][0]}: {spec['nebennr'][1]}", 7)
    main, cw = spec["main"], 4.4
    sec = {"masern_meldung": "A  Angaben zum Kind", "eingliederungshilfe": "A  Angaben zur leistungsberechtigten Person",
           "sportstaetten_foerderung": "A  Angaben zum Verein"}.get(spec["type"], "A  Angaben zur antragstellenden Person")
    y = _bar(p, y, sec)
    if spec["club"]:
        c = spec["club"]
        p.capcomb(15, y, rng.choice(VEREIN_LABELS), u(spec["values"]["verein"]), 38, font, cw)
        y += 13
        y = _comb_address(p, y, u(c["strasse"]), c["plz"], u(c["ort"]), font, cw)
        y = _bar(p, y, "B  Vertretungsberechtigte Person (1. Vorsitzende/r)")
    p.capcomb(15, y, "Familienname", u(main["nachname"]), 19, font, cw)
    p.capcomb(105, y, "Vorname(n)", u(main["vorname"]), 19, font, cw)
    y += 13
    if "geburtsdatum" in spec["truth"]:
        d = main["geburtsdatum"]
        p.capcomb(15, y, "Geburtsdatum (TT.MM.JJJJ)", d.strftime("%d%m%Y"), 8, "mono", cw, (2, 4))
    if shows(spec, main, "telefon"):
        p.capcomb(105, y, "Telefon (für Rückfragen)", main["telefon"], max(17, len(main["telefon"])), font, cw)
    y += 13
    if not spec["club"]:
        y = _comb_address(p, y, u(main["strasse"]), main["plz"], u(main["ort"]), font, cw)
    if shows(spec, main, "email"):
        p.t(15, y, "E-Mail:", 8)
        p.t(35, y, main["email"], 10, "comic")
        y += 8
    for role, who in persons(spec)[1:]:
        y = _room(p, y, 50)
        y = _bar(p, y - 3, f"Weitere Person: {role}")
        p.capcomb(15, y, "Familienname", u(who["nachname"]), 19, font, cw)
        p.capcomb(105, y, "Vorname", u(who["vorname"]), 19, font, cw)
        y += 13
        y = _comb_address(p, y, u(who["strasse"]), who["plz"], u(who["ort"]), font, cw)
    y = _bar(p, y - 3, "C  Angaben zum Antrag")
    for _f, lab, v in things(spec, rng):
        y = _room(p, y, 14)
        v = v.replace(" ", "") if _f == "iban" else v
        p.capcomb(15, y, lab, u(v), max(10, len(v)), font, cw)
        y += 13
    if spec["check"]:
        p.check(15, y, spec["title"][2], spec["check"], "box")
        y += 7
    p.janein(15, y, QUESTIONS[spec["type"]], rng.random() < 0.5)
    y = max(_room(p, y + 14, 40), 246)
    ort = spec["club"]["ort"] if spec["club"] else main["ort"]
    p.capcomb(15, y, "Ort", u(ort), max(14, len(ort)), font, 4.0)
    p.capcomb(15, y + 13, "Datum", spec["antrag"].strftime("%d%m%Y"), 8, "mono", cw, (2, 4))
    name, cap = signer(spec, rng)
    p.t(110, y + 17, name, 13, "chancery")
    p.line(105, y + 19, 195, y + 19)
    p.t(105, y + 22, cap, 6.5)
    stamp(p, spec, rng, (rng.uniform(120, 150), rng.uniform(40, 120)))
    p.authority_footer(spec["behoerde"])
    return p.bytes()


def _room(p: Page, y: float, need: float) -> float:
    if y + need <= 272:
        return y
    p.new_page()
    return 25


def _comb_address(p: Page, y: float, street: str, plz: str, ort: str, font: str, cw: float) -> float:
    name, nr = split_street(street)
    p.capcomb(15, y, "Straße", name, 24, font, cw)
    p.capcomb(130, y, "Hausnummer", nr, 5, font, cw)
    y += 13
    p.capcomb(15, y, "Postleitzahl", plz, 5, "mono", cw)
    p.capcomb(45, y, "Wohnort / Sitz", ort, max(26, len(ort)), font, cw)
    return y + 13


CELL_LABELS = {"nachname": "Name", "vorname": "Vorname", "geb": "geboren am", "strasse": "Straße und Hausnummer",
               "plz": "PLZ", "ort": "Ort", "telefon": "Telefon", "email": "E-Mail-Adresse"}


def kastenraster(spec: dict, rng: random.Random) -> bytes:
    """Boxed cells, the caption small at each cell's top left and the value written in it; ja/nein
    answers; the received stamp slanted across the cells."""
    p, hand = Page(), rng.choice(HANDS)
    beh = spec["behoerde"]
    p.t(15, 14, f"{beh[0]} – {spec['title'][1]}", 9, "bold")
    p.t(15, 18, f"{beh[1]}, {beh[2]}", 7)
    p.box(140, 8, 55, 22)
    p.t(141, 11, "Eingangsstempel", 5.5)
    y = _title(p, spec, 38)
    x = 15
    for lab, v in file_numbers(spec, rng):
        p.caption_cell(x, y - 3, 60, 10, lab, v, "mono")
        x += 62
    y += 10
    if spec["club"]:
        c = spec["club"]
        p.caption_cell(15, y, 180, 10, rng.choice(VEREIN_LABELS), spec["values"]["verein"], hand)
        p.caption_cell(15, y + 10, 90, 10, "Straße und Hausnummer (Sitz des Vereins)", c["strasse"], hand)
        p.caption_cell(105, y + 10, 20, 10, "PLZ", c["plz"], hand)
        p.caption_cell(125, y + 10, 70, 10, "Ort", c["ort"], hand)
        y += 24
    for k, (role, who) in enumerate(persons(spec)):
        p.t(15, y + 3, f"{k + 1}. {role}", 9, "bold")
        y += 5
        row1 = [("nachname", 65), ("vorname", 65)] + ([("geb", 50)] if "geburtsdatum" in spec["truth"] else [])
        row2 = [("strasse", 90), ("plz", 20), ("ort", 70)]
        row3 = [(f, 90) for f in ("telefon", "email") if shows(spec, who, f)]
        rows = [row1, row3] if spec["club"] else [row1, row2, row3]
        for row in rows:
            x = 15
            for f, w in row:
                v = geb(spec, who) if f == "geb" else who[f]
                p.caption_cell(x, y, w, 10, CELL_LABELS[f], v, hand)
                x += w
            y += 10 if row else 0
        y += 3
    for _f, lab, v in things(spec, rng):
        p.caption_cell(15, y, 120, 10, lab, v, hand)
        y += 10
    y += 6
    if spec["check"]:
        p.check(15, y, spec["title"][2], spec["check"], "glyph")
        y += 7
    p.janein(15, y, QUESTIONS[spec["type"]], rng.random() < 0.5)
    p.janein(15, y + 6, "Sind die Angaben vollständig und wahrheitsgemäß?", True)
    name, cap = signer(spec, rng)
    p.signature(15, max(y + 24, 255), when(spec), name, cap)
    stamp(p, spec, rng, (rng.uniform(60, 130), rng.uniform(70, 170)))
    p.authority_footer(beh)
    return p.bytes()


def _sender(spec: dict, rng: random.Random) -> list[str]:
    t, main = spec["type"], spec["main"]
    if t == "masern_meldung":
        k = spec["kita"]
        return [k[0], "– Leitung –", k[1], f"{k[2]} {k[3]}"]
    if t == "sportstaetten_foerderung":
        c = spec["club"]
        return [spec["values"]["verein"], "Der Vorstand", c["strasse"], f"{c['plz']} {c['ort']}"]
    if t == "eingliederungshilfe":
        o = spec["others"][0]
        return [f"{o['vorname']} {o['nachname']}", "Rechtliche Betreuung", o["strasse"], f"{o['plz']} {o['ort']}"]
    return [f"{main['vorname']} {main['nachname']}", main["strasse"], f"{main['plz']} {main['ort']}"]


BODIES = {"masern_meldung": "hiermit teilen wir Ihnen mit, dass für das unten genannte Kind bis heute kein Nachweis über "
                            "einen ausreichenden Masernschutz vorgelegt wurde.",
          "eingliederungshilfe": "als rechtliche Betreuerin/rechtlicher Betreuer stelle ich für die betreute Person den "
                                 "beigefügten Antrag.",
          "sportstaetten_foerderung": "namens und im Auftrag des Vorstands übersenden wir den Antrag auf Zuwendung."}


def anschreiben(spec: dict, rng: random.Random) -> bytes:
    """Two pages: a cover letter (sender block, window address, date, Betreff, body) and the form."""
    p, beh = Page(), spec["behoerde"]
    for k, s in enumerate(_sender(spec, rng)):
        p.t(125, 20 + 4.5 * k, s, 9.5)
    p.t(20, 48, " · ".join(_sender(spec, rng)[::2][:2]), 6)
    for k, s in enumerate([beh[0], spec["title"][1], beh[1], beh[2]]):
        p.t(20, 56 + 5 * k, s, 10)
    p.t(125, 92, when(spec), 10)
    p.t(20, 106, "Betreff: " + spec["title"][0][:80], 10, "bold")
    y = 112
    if spec["az"]:
        p.t(20, y, f"Ihr Zeichen: {spec['az']}", 10)
        y += 6
    body = BODIES.get(spec["type"], "anbei übersende ich Ihnen den ausgefüllten und unterschriebenen Antrag mit der "
                                    "Bitte um baldige Bearbeitung.")
    p.t(20, y + 8, "Sehr geehrte Damen und Herren,", 10)
    words, line, yy = body.split(), "", y + 16
    for w in words:
        if p.width(line + " " + w, 10) > 165:
            p.t(20, yy, line.strip(), 10)
            line, yy = "", yy + 5.5
        line += " " + w
    p.t(20, yy, line.strip(), 10)
    p.t(20, yy + 8, "Für Rückfragen stehe ich gern zur Verfügung.", 10)
    p.t(20, yy + 20, "Mit freundlichen Grüßen", 10)
    name, cap = signer(spec, rng)
    p.t(20, yy + 32, name, 14, "chancery")
    p.t(20, yy + 42, "Anlage: Antragsformular (1 Blatt)", 9)
    stamp(p, spec, rng, (rng.uniform(110, 140), rng.uniform(25, 60)))
    p.new_page()
    _form_page(p, spec, rng)
    p.signature(15, 258, when(spec), name, cap)
    p.authority_footer(beh, "Seite 2 von 2")
    return p.bytes()


FORM_LABELS = [("nachname", "Zuname:"), ("vorname", "Vorname(n) (Rufname unterstreichen):"), ("geb", "Tag der Geburt:"),
               ("adr", "Wohnanschrift:"), ("telefon", "Erreichbarkeit (Tel.):"), ("email", "E-Mail:")]


def _form_page(p: Page, spec: dict, rng: random.Random) -> None:
    hand = rng.choice(HANDS)
    p.t(15, 16, spec["behoerde"][0], 9)
    y = _title(p, spec, 26)
    if spec["club"]:
        c = spec["club"]
        y = _dotted(p, y, rng.choice(VEREIN_LABELS) + ":", spec["values"]["verein"], hand)
        y = _dotted(p, y, "Anschrift des Vereins:", f"{c['strasse']}, {c['plz']} {c['ort']}", hand)
    for role, who in persons(spec):
        p.t(15, y + 2, role, 9.5, "bold")
        y += 8
        for key, lab in FORM_LABELS:
            if (key == "geb" and "geburtsdatum" not in spec["truth"]) or (key == "adr" and spec["club"] and who is spec["main"]):
                continue
            if key in ("telefon", "email") and not shows(spec, who, key):
                continue
            v = {"geb": lambda: geb(spec, who), "adr": lambda: f"{who['strasse']}, {who['plz']} {who['ort']}"}.get(
                key, lambda: who[key])()
            y = _dotted(p, y, lab, v, hand)
        y += 2
    for _f, lab, v in things(spec, rng):
        y = _dotted(p, y, lab + ":", v, hand)
    if spec["check"]:
        p.check(15, y + 4, spec["title"][2], spec["check"], "glyph")


def _dotted(p: Page, y: float, lab: str, v: str, hand: str) -> float:
    p.t(15, y, lab, 8.5)
    p.t(78, y - 0.5, v, 10, hand)
    p.pdf.set_dash_pattern(0.4, 0.8)
    p.line(76, y + 1, 195, y + 1)
    p.pdf.set_dash_pattern()
    return y + 7.5


def amtsvordruck(spec: dict, rng: random.Random) -> bytes:
    """The authority's own printed form: its contact block and 'Unser Zeichen', a table with one row per
    person under column headers ("Name, Vorname" / Anschrift on two lines), typewritten values."""
    p, beh = Page(), spec["behoerde"]
    p.letterhead(beh, spec["title"][1], spec["sb"], str(rng.randint(200, 499)))
    p.t(140, 34, f"E-Mail: {spec['sb'].split()[-1].lower()}@{beh[7][4:]}", 7)
    y = 40
    for lab, v in file_numbers(spec, rng):
        p.t(140, y, lab, 6.5)
        p.t(140, y + 4, v, 9, "typewriter")
        y += 9
    y = _title(p, spec, 62)
    heads = [("Beteiligte", 30), ("Name, Vorname", 40), ("Geburtsdatum", 21), ("Anschrift (Straße Nr., PLZ Ort)", 65),
             ("Telefon", 24)]
    x = 15
    for h, w in heads:
        p.box(x, y, w, 7, fill=230)
        p.t(x + 1, y + 4.6, h, 7, "bold")
        x += w
    y += 7
    rows = [(role, who) for role, who in persons(spec)]
    if spec["club"]:
        c = spec["club"]
        rows.insert(0, ("Verein", {"nachname": spec["values"]["verein"], "vorname": "", "strasse": c["strasse"],
                                   "plz": c["plz"], "ort": c["ort"], "telefon": ""}))
    for role, who in rows:
        name = f"{who['nachname']}, {who['vorname']}" if who["vorname"] else who["nachname"]
        has_addr = not (spec["club"] and who is spec["main"])
        cells = [_wrap(role, 30, 1.25), _wrap(name, 40), [geb(spec, who)] if "geburtsdatum" in who and "geburtsdatum" in spec["truth"] else [],
                 [who["strasse"], f"{who['plz']} {who['ort']}"] if has_addr else [],
                 [who["telefon"]] if who.get("telefon") and (who is not spec["main"] or shows(spec, who, "telefon")) else []]
        x = 15
        for (h, w), lines in zip(heads, cells):
            p.box(x, y, w, 12)
            for k, s in enumerate(lines):
                size = 6.5 if h == "Beteiligte" else min(8.0, 6.8 * (w - 2) / max(1, p.width(s, 8, "typewriter")))
                p.t(x + 1, y + 4.5 + 4.5 * k, s, size, "sans" if h == "Beteiligte" else "typewriter")
            x += w
        y += 12
    if shows(spec, spec["main"], "email"):
        p.t(15, y + 6, "E-Mail der antragstellenden Person:", 8)
        p.t(70, y + 6, spec["main"]["email"], 9, "typewriter")
        y += 6
    y += 12
    for _f, lab, v in things(spec, rng):
        p.t(15, y, lab, 8.5)
        p.box(75, y - 4.5, 100, 6.5)
        p.t(77, y, v, 9.5, "typewriter")
        y += 8.5
    if spec["check"]:
        p.check(15, y + 3, spec["title"][2], spec["check"], "box")
    p.janein(15, y + 11, QUESTIONS[spec["type"]], rng.random() < 0.5)
    name, cap = signer(spec, rng)
    p.signature(15, 252, when(spec), name, cap)
    stamp(p, spec, rng, (rng.uniform(20, 60), rng.uniform(215, 235)))
    p.authority_footer(beh)
    return p.bytes()


def _wrap(s: str, w: float, per_char: float = 1.75) -> list[str]:
    """Greedy word wrap into at most two lines of about w mm."""
    lines = [""]
    for word in s.split(" "):
        if lines[-1] and len(lines[-1] + " " + word) * per_char > w and len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


LAYOUTS = {"spaltenpersonen": spaltenpersonen, "kammkaption": kammkaption, "kastenraster": kastenraster,
           "anschreiben": anschreiben, "amtsvordruck": amtsvordruck}
