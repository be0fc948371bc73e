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
