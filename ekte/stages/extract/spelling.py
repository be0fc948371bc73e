"""How a value is written in the metadata: a town written in capitals gets a town's spelling
(issue 10).  Truth and the DMS expect "Musterstadt"; the document's own spelling stays
everywhere else ("Schwarzach (Tal)", "St. Ingbert")."""

from __future__ import annotations

import re


def all_caps(v: str) -> bool:
    """Written in capitals only (two letters at least): "MUSTERSTADT", "BAD SODEN (TAUNUS)"."""
    letters = [ch for ch in v if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


#: the small words of German town names ("Frankfurt am Main", "Neustadt an der Weinstraße", "Halle (Saale)")
_TOWN_SMALL = {"am", "an", "der", "die", "den", "dem", "im", "in", "ob", "bei", "vor", "auf", "und", "zu", "zum", "zur",
               "a.", "d.", "i.", "b.", "v."}


def town_case(v: str) -> str:
    """A town written in capitals as a town is written ("MUSTERSTADT" → "Musterstadt", "FRANKFURT AM
    MAIN" → "Frankfurt am Main"); any other spelling stays as the document wrote it."""
    if not all_caps(v):
        return v
    words = re.split(r"(\s+|-|/|\()", v)
    out, first = [], True
    for w in words:
        if not w or not any(ch.isalpha() for ch in w):
            out.append(w)
            continue
        low = w.lower()
        out.append(low if not first and low in _TOWN_SMALL else low[:1].upper() + low[1:])
        first = False
    return "".join(out)


#: a run of characters written one per box ("D E 0 9 1 9 …", "0 8 8 3 8"): at least five short tokens
_BOXED = re.compile(r"(?<!\S)(?:[^\W_]{1,3} ){4,}[^\W_]{1,3}(?!\S)")


def unboxed(v: str) -> str:
    """Characters written one per box joined ("D E 0 9 1 9 5 5 …" → "DE091955…"; a text layer
    or OCR may keep two boxes together: "DE7 0 5 6 …").  Only runs of five or more tokens of
    at most three characters, two in three of them single: words and grouped numbers stay."""
    def join(m: re.Match) -> str:
        toks = m.group(0).split()
        return "".join(toks) if 3 * sum(len(t) == 1 for t in toks) >= 2 * len(toks) else m.group(0)

    return _BOXED.sub(join, v)


def _same_line(a, b) -> bool:
    return abs(a.cy - b.cy) < 0.5 * max(a.h, b.h) and b.x0 > a.x0


def comb_text(ws: list) -> str:
    """The text of words as a value: a run of four or more one-character words in a line, or of two or more
    that are the whole value (a Kammformular's boxes: "S t u m p f - R e u t e r", "2 4 . 0 2 . 2 0 1 7",
    "2 1"), is one word -- not "AB 3 - 12.10 - 1234/25" --; an empty box in it -- a step
    of more than 1.6 times the run's usual one -- is a space ("B a d ␣ E m s" → "Bad Ems")."""
    parts, i = [], 0
    while i < len(ws):
        j = i
        while j + 1 < len(ws) and len(ws[j].text) == 1 and len(ws[j + 1].text) == 1 and _same_line(ws[j], ws[j + 1]):
            j += 1
        if j == i or (j - i < 3 and j - i + 1 < len(ws)):  # "AB 3 - 12.10", "32.3 - W - 7111/26": typed text
            parts += [w.text for w in ws[i:j + 1]]
            i = j + 1
            continue
        run = ws[i:j + 1]
        steps = [b.x0 - a.x0 for a, b in zip(run, run[1:])]
        usual = sorted(steps)[len(steps) // 2]
        s = run[0].text
        for st, w in zip(steps, run[1:]):
            s += (" " if st > 1.6 * usual and w.text.isalnum() else "") + w.text
        parts.append(s)
        i = j + 1
    return " ".join(parts)
