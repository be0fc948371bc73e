"""Form layouts: box grid (caption above the value inside a box), bordered
table (persons side by side where a form asks two persons the same way),
two-column form, and stacked label/value form."""

from __future__ import annotations

import random
import re

from .draw import LINE, Canvas
from .parts import Block, Case, Item
from .world import AUTH_PHONE, AUTH_PLZ, AUTH_STREET, AUTH_TOWN, AUTHORITY, show_date

L, R = 20.0, 192.0
W = R - L


def header(cv: Canvas, case: Case, rng: random.Random) -> None:
    cv.text(L, 16, AUTHORITY, 10, bold=True)
    cv.text(L, 20.5, case.office, 8.5)
    cv.text(L, 24.5, f"{AUTH_STREET} · {AUTH_PLZ} {AUTH_TOWN} · Tel. {AUTH_PHONE}", 7, grey=70)
    y = 34.0
    if case.az or rng.random() < 0.5:
        bx = 128.0
        cv.rect(bx, 11, R - bx, 17, lw=0.3)
        cv.text(bx + 2, 14.5, rng.choice(["Vom Amt auszufüllen", "Eingangsvermerk / Bearbeitungsvermerke",
                                            "Nur für den Dienstgebrauch"]), 6.5, grey=80)
        if case.az:
            label, value = case.az
            cv.text(bx + 2, 20, label, 7)
            cv.value(bx + 2, 25.5, value, 9.5, typed=rng.random() < 0.5)
    cv.text(L, y + 6, case.title, 15 if len(case.title) < 45 else 12.5, bold=True)
    y += 11
    if case.subtitle:
        cv.text(L, y, case.subtitle, 9, grey=40)
        y += 5
    cv.y = y + 3


def closing(cv: Canvas, case: Case, rng: random.Random) -> None:
    """Declaration, place/date, signature and the small print."""
    cv.need(40)
    y = cv.checks(L + 1, cv.y + 5, [(rng.choice(["Ich versichere, dass die Angaben vollständig und richtig sind.",
                                                   "Die Richtigkeit der Angaben wird versichert."]), True)])
    y += 9
    cv.value(L + 1, y, f"{case.place}, {show_date(rng, case.date)}")
    cv.signature(112, y - 1)
    cv.line(L, y + 2, 100, y + 2)
    cv.line(110, y + 2, R, y + 2)
    cv.text(L, y + 5.5, rng.choice(["Ort, Datum", "Ort und Datum", "Datum"]), 7)
    cv.text(110, y + 5.5, rng.choice(["Unterschrift der antragstellenden Person", "Unterschrift",
                                      "Unterschrift Antragsteller/in bzw. Vertreter/in"]), 7)
    cv.y = y + 11
    for note in case.notes:
        cv.need(12)
        cv.y = cv.para(L, cv.y, W, note, 7, grey=60) + 1.5


def rows(items: list[Item], per_row: int) -> list[list[Item]]:
    out: list[list[Item]] = []
    cur: list[Item] = []
    for it in items:
        if it.wide or "\n" in it.value or len(it.label) > 34:
            if cur:
                out.append(cur)
                cur = []
            out.append([it])
            continue
        cur.append(it)
        if len(cur) == per_row:
            out.append(cur)
            cur = []
    return out + ([cur] if cur else [])


def block_heading(cv: Canvas, b: Block, fill: int = 225) -> None:
    cv.need(22)
    cv.rect(L, cv.y, W, 5.5, fill=fill, lw=0.2)
    cv.text(L + 1.5, cv.y + 4, b.heading, 9, bold=True)
    if b.note:
        cv.text(L + 3 + cv.width(b.heading, 9, bold=True), cv.y + 4, b.note, 7, grey=60)
    cv.y += 5.5


# ------------------------------------------------------------------ box grid
def box_cell(cv: Canvas, it: Item, x: float, w: float, h: float, rng: random.Random) -> None:
    cv.rect(x, cv.y, w, h)
    cv.text(x + 1.2, cv.y + 2.8, it.label, 6.5, grey=50)
    v = it.value
    if it.key == "birth" and re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", v) and rng.random() < 0.4:
        cx = x + 2
        for part, cap in zip(v.split("."), ["Tag", "Monat", "Jahr"]):
            cv.text(cx, cv.y + 5.5, cap, 5.5, grey=90)
            cx = cv.comb(cx, cv.y + h - 2, part, 4.2) + 2
    elif it.key in ("fin", "iban") and rng.random() < 0.5:
        cv.comb(x + 2, cv.y + h - 2, v.replace(" ", ""), 4.4 if it.key == "fin" else 3.9, 4 if it.key == "iban" else 0)
    elif v:
        cv.value(x + 2, cv.y + 8.2, v, 10, typed=it.typed, w=w - 3)


def box_form(cv: Canvas, case: Case, rng: random.Random) -> None:
    header(cv, case, rng)
    per_row = rng.choice([2, 3])
    for b in case.blocks:
        block_heading(cv, b, rng.choice([215, 230, 240]))
        for row in rows(b.items, per_row):
            weights = [max(len(it.label), len(it.value), 8) for it in row]
            widths = [W * wt / sum(weights) for wt in weights]
            lines = max(len(cv.fit(it.value, w - 3, 10, it.typed)) for it, w in zip(row, widths))
            h = 10.5 + (lines - 1) * LINE + (2.5 if any(it.key in ("fin", "iban", "birth") for it in row) else 0)
            cv.need(h)
            x = L
            for it, w in zip(row, widths):
                box_cell(cv, it, x, w, h, rng)
                x += w
            cv.y += h
        if b.checks:
            cv.need(8)
            cv.rect(L, cv.y, W, 7)
            cv.y = cv.checks(L + 2, cv.y + 4.8, b.checks) + 1
        cv.y += 3
    closing(cv, case, rng)


# ------------------------------------------------------------------ table
def person_groups(blocks: list[Block]) -> list[list[Block]]:
    """Two consecutive person blocks form one table, the persons side by side."""
    out: list[list[Block]] = []
    for b in blocks:
        if out and b.person and out[-1][0].person and len(out[-1]) < 2:
            out[-1].append(b)
        else:
            out.append([b])
    return out


def paired_rows(a: Block, b: Block) -> list[tuple[str, list[Item]]]:
    """Rows of a side-by-side table: every question either person is asked."""
    first = {i.key: i for i in a.items}
    second = {i.key: i for i in b.items}
    keys = [i.key for i in a.items] + [i.key for i in b.items if i.key not in first]
    empty = Item("", "")
    return [((first.get(k) or second[k]).label, [first.get(k, empty), second.get(k, empty)]) for k in keys]


def table_row(cv: Canvas, label: str, values: list[Item], lw: float) -> None:
    vw = (W - lw) / len(values)
    lines = max(len(cv.fit(v.value, vw - 3, 10, v.typed)) for v in values)
    label_lines = len(cv.fit(label, lw - 3, 7.5, typed=True))
    h = max(7 + (lines - 1) * LINE, 2.6 + label_lines * 3.4)
    cv.need(h)
    cv.rect(L, cv.y, lw, h, fill=245)
    cv.para(L + 1, cv.y + 1.2, lw - 2, label, 7.5)
    for k, it in enumerate(values):
        cv.rect(L + lw + k * vw, cv.y, vw, h)
        cv.value(L + lw + k * vw + 2, cv.y + 5, it.value, 10, typed=it.typed, w=vw - 3)
    cv.y += h


def table_form(cv: Canvas, case: Case, rng: random.Random) -> None:
    header(cv, case, rng)
    lw = rng.choice([48.0, 58.0, 66.0])
    for group in person_groups(case.blocks):
        if len(group) == 2:
            cv.need(20)
            cv.rect(L, cv.y, lw, 6, fill=220)
            cv.text(L + 1.5, cv.y + 4.2, rng.choice(["Angaben", "Persönliche Angaben"]), 8.5, bold=True)
            vw = (W - lw) / 2
            for k, b in enumerate(group):
                cv.rect(L + lw + k * vw, cv.y, vw, 6, fill=220)
                cv.text(L + lw + k * vw + 1.5, cv.y + 4.2, b.heading[:44], 8, bold=True)
            cv.y += 6
            for label, pair in paired_rows(group[0], group[1]):
                table_row(cv, label, pair, lw)
            cv.y += 4
            continue
        b = group[0]
        block_heading(cv, b, 220)
        for it in b.items:
            table_row(cv, it.label, [it], lw)
        if b.checks:
            cv.need(8)
            cv.rect(L, cv.y, W, 7)
            cv.y = cv.checks(L + 2, cv.y + 4.8, b.checks) + 1
        cv.y += 4
    closing(cv, case, rng)


# ------------------------------------------------------------------ two columns
def column_block(cv: Canvas, b: Block, x: float, w: float, tab: float) -> None:
    y = cv.para(x, cv.y + 0.8, w, b.heading, 9.5, bold=True)
    cv.line(x, y + 0.7, x + w, y + 0.7, 0.3)
    cv.y = y + 5.2
    for it in b.items:
        label = it.label + ":"
        cv.para(x, cv.y - 3.2, tab - 1, label, 7.5)
        lines = cv.value(x + tab, cv.y, it.value, 10, typed=it.typed, w=w - tab) if it.value else 1
        label_lines = len(cv.fit(label, tab - 1, 7.5, typed=True))
        cv.y += max(lines * LINE, label_lines * 3.6) + 2.6
    if b.checks:
        for label, on in b.checks:
            cv.y = cv.checks(x + 1, cv.y, [(label, on)]) - 1
    cv.y += 3


def block_height(cv: Canvas, b: Block, w: float, tab: float) -> float:
    head = 4.3 * len(cv.fit(b.heading, w, 9.5, typed=True))
    return 9 + head + sum(LINE * len(cv.fit(it.value, w - tab, 10, it.typed)) + 2.6 for it in b.items) + 5 * len(b.checks)


def two_column_form(cv: Canvas, case: Case, rng: random.Random) -> None:
    """Blocks split into a left and a right column of about equal height."""
    header(cv, case, rng)
    gap, col = 8.0, (W - 8.0) / 2
    tab = rng.choice([28.0, 34.0])
    heights = [block_height(cv, b, col, tab) for b in case.blocks]
    half, acc, split = sum(heights) / 2, 0.0, len(heights)
    for k, h in enumerate(heights):
        acc += h
        if acc >= half and k + 1 < len(heights):
            split = k + 1
            break
    top, bottom = cv.y, cv.y
    for k, b in enumerate(case.blocks):
        x = L if k < split else L + col + gap
        if k == split:
            bottom, cv.y = max(bottom, cv.y), top
        if cv.y + block_height(cv, b, col, tab) > 268:
            cv.new_page()
            top = cv.y
        column_block(cv, b, x, col, tab)
    cv.y = max(cv.y, bottom)
    closing(cv, case, rng)


# ------------------------------------------------------------------ stacked
def stacked_item(cv: Canvas, it: Item, x: float, w: float) -> float:
    cv.text(x, cv.y + 3, it.label, 7.5, grey=70)
    lines = cv.value(x + 1, cv.y + 8.5, it.value, 10.5, typed=it.typed, w=w - 2) if it.value else 1
    bottom = cv.y + 10 + (lines - 1) * LINE
    cv.line(x, bottom, x + w, bottom, 0.15)
    return 12.5 + (lines - 1) * LINE


def stacked_form(cv: Canvas, case: Case, rng: random.Random) -> None:
    header(cv, case, rng)
    for b in case.blocks:
        cv.need(30)
        cv.text(L, cv.y + 4, b.heading.upper() if rng.random() < 0.3 else b.heading, 10, bold=True)
        if b.note:
            cv.text(L, cv.y + 8, b.note, 7, grey=60)
            cv.y += 3
        cv.y += 7
        for row in rows(b.items, 2):
            cv.need(14)
            if len(row) == 1:
                cv.y += stacked_item(cv, row[0], L, W)
            else:
                w = (W - 8) / 2
                h = max(stacked_item(cv, row[0], L, w), stacked_item(cv, row[1], L + w + 8, w))
                cv.y += h
        if b.checks:
            cv.y = cv.checks(L + 1, cv.y + 4, b.checks)
        cv.y += 3
    closing(cv, case, rng)


FORMS = {"box": box_form, "table": table_form, "twocol": two_column_form, "stacked": stacked_form}
