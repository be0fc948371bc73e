"""Letter layouts: a window-envelope letter (DIN 5008 style: return line,
address block, reference line or info block, subject, body), an e-mail
printout, and a fill-in declaration in free prose."""

from __future__ import annotations

import random

from .draw import Canvas
from .forms import closing, header
from .parts import Case
from .world import AUTHORITY, MONTHS, WEEKDAYS, show_date

L, R = 25.0, 190.0
W = R - L


def letterhead(cv: Canvas, case: Case, rng: random.Random) -> None:
    head = case.letter.head
    if rng.random() < 0.5:  # block at the top right
        for k, line in enumerate(head):
            cv.text(125, 15 + k * 4.4, line, 10 if k == 0 else 8.5, bold=k == 0)
    else:  # name across the top, details in one line, a rule below
        cv.text(L, 18, head[0], 14, bold=True)
        cv.text(L, 24, "  ·  ".join(head[1:]), 8, grey=40)
        cv.line(L, 26.5, R, 26.5, 0.3)
    cv.text(L, 48, "  ·  ".join(head[:3]), 6.5, grey=50)
    cv.line(L, 49, L + min(85, cv.width("  ·  ".join(head[:3]), 6.5) + 1), 49, 0.1)
    for k, line in enumerate(case.letter.recipient):
        cv.text(L, 56 + k * 4.6, line, 10)


def references(cv: Canvas, case: Case, rng: random.Random) -> float:
    """Info block, reference line or a plain date line; returns the y for the subject."""
    lt = case.letter
    date = show_date(rng, case.date, "ndm")
    refs = [("Ihr Zeichen", lt.their_ref), ("Ihre Nachricht vom", lt.their_date), ("Unser Zeichen", lt.our_ref),
            ("Kassenzeichen", case.cash_ref)]
    refs = [(a, b) for a, b in refs if b]
    style = rng.randrange(3)
    if style == 0:
        for k, (a, b) in enumerate(refs + [("Datum", date)]):
            cv.text(125, 56 + k * 4.6, f"{a}:", 8, grey=40)
            cv.text(155, 56 + k * 4.6, b, 9)
        return 100
    if style == 1:
        cols = [("Ihr Zeichen, Ihre Nachricht vom", ", ".join(b for a, b in refs if a.startswith("Ihr"))),
                ("Unser Zeichen", ", ".join(b for a, b in refs if not a.startswith("Ihr"))),
                ("Telefon", next((h.split(None, 1)[1] for h in lt.head if h.startswith("Tel")), "")), ("Datum", date)]
        for k, (a, b) in enumerate(cols):
            cv.text(L + k * 45, 98, a, 6.5, grey=50)
            cv.text(L + k * 45, 102.5, b, 9)
        return 112
    line = f"{case.place}, den {date}" if rng.random() < 0.4 else f"{case.place}, {date}"
    cv.text(R - cv.width(line, 10), 98, line, 10)
    y = 106
    for a, b in refs:
        cv.text(L, y, f"{a}: {b}", 9.5)
        y += 5
    return y + 3


def body(cv: Canvas, case: Case, y: float, hand: bool) -> float:
    cv.y = y
    for para in [[("Sehr geehrte Damen und Herren,", False)]] + case.letter.body:
        cv.need(12)
        cv.y = cv.segments(L, cv.y, W, para, 10.5 if hand else 10, fill_in=hand) + 2.5
    return cv.y


def signoff(cv: Canvas, case: Case, rng: random.Random) -> None:
    cv.need(30)
    cv.text(L, cv.y + 4, rng.choice(["Mit freundlichen Grüßen", "Freundliche Grüße", "Mit freundlichem Gruß"]), 10)
    cv.signature(L, cv.y + 14)
    cv.text(L, cv.y + 22, case.letter.signer, 10)
    if case.letter.signer_role:
        cv.text(L, cv.y + 26.5, case.letter.signer_role, 9)
    cv.y += 32
    if rng.random() < 0.5:
        cv.text(L, cv.y, "Anlagen", 9, bold=True)
        cv.text(L, cv.y + 4.5, rng.choice(["Kopie Personalausweis", "Vollmacht", "Nachweise"]), 9)


def letter(cv: Canvas, case: Case, rng: random.Random) -> None:
    letterhead(cv, case, rng)
    y = references(cv, case, rng)
    cv.text(L, y, ("Betreff: " if rng.random() < 0.3 else "") + case.title, 10.5, bold=True)
    body(cv, case, y + 10, hand=bool(cv.hand) and rng.random() < 0.35)
    signoff(cv, case, rng)


def sent_line(rng: random.Random, case: Case) -> str:
    d, hh, mm = case.date, rng.randint(7, 22), rng.randint(0, 59)
    return rng.choice([f"{WEEKDAYS[d.weekday()]}, {d.day}. {MONTHS[d.month - 1]} {d.year} {hh}:{mm:02d}",
                       f"{WEEKDAYS[d.weekday()][:2]}., {show_date(rng, d, 'n')} um {hh}:{mm:02d}",
                       f"{show_date(rng, d, 'n')} {hh}:{mm:02d}"])


def mail(cv: Canvas, case: Case, rng: random.Random) -> None:
    lt = case.letter
    cv.text(20, 12, f"{AUTHORITY} - Poststelle", 7, grey=80)
    cv.text(20, 22, lt.signer if rng.random() < 0.5 else lt.head[0], 12, bold=True)
    cv.line(20, 24.5, 190, 24.5, 0.6)
    subject, ref_in_subject = case.title, bool(lt.their_ref) and rng.random() < 0.5
    if ref_in_subject:
        subject = f"{subject} - Ihr Az. {lt.their_ref}"
    rows = [("Von:", f"{lt.head[0]} <{lt.email}>"), ("Gesendet:", sent_line(rng, case)),
            ("An:", f"poststelle@{rng.choice(['landkreis-musterland', 'kreis-musterland'])}.example"),
            ("Betreff:", subject)]
    if rng.random() < 0.5:
        rows.insert(3, ("Cc:", rng.choice(["info@example.org", "buergerbuero@kreisstadt.example"])))
    y = 31.0
    for a, b in rows:
        cv.text(20, y, a, 9, bold=True)
        cv.y = cv.para(44, y - 3.2, 146, b, 9)
        y = max(y + 5, cv.y + 3.4)
    cv.y = y + 4
    if lt.their_ref and not ref_in_subject:
        cv.text(20, cv.y, f"Ihr Zeichen: {lt.their_ref}", 10)
        cv.y += 8
    for para in [[("Sehr geehrte Damen und Herren,", False)]] + lt.body:
        cv.need(12)
        cv.y = cv.segments(20, cv.y, 170, para, 10, fill_in=False) + 2.5
    cv.text(20, cv.y + 4, "Viele Grüße" if rng.random() < 0.4 else "Mit freundlichen Grüßen", 10)
    cv.y += 10
    for line in ([lt.signer] if lt.signer != lt.head[0] else []) + lt.head + ([lt.signer_role] if lt.signer_role else []):
        cv.need(6)
        cv.text(20, cv.y, line, 9)
        cv.y += 4.4


def prose_form(cv: Canvas, case: Case, rng: random.Random) -> None:
    header(cv, case, rng)
    cv.y += 4
    for para in case.prose:
        cv.need(20)
        cv.y = cv.segments(20, cv.y, 172, para, 10.5) + 4
    closing(cv, case, rng)


LETTERS = {"letter": letter, "mail": mail, "prose": prose_form}
