"""Small value helpers the development families share (family8, family9, family10): a date as the
forms write it, a German IBAN with a valid check number, and a number in groups of four.  Each family's
data.py re-exports them, so its modules import them from there as before (the same bytes, seed for seed)."""

from __future__ import annotations

import random
from datetime import date


def norm(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def iban(rng: random.Random) -> str:
    body = f"{rng.randint(10000000, 99999999)}{rng.randint(10**9, 10**10 - 1)}"
    chk = 98 - int(body + "131400") % 97
    return f"DE{chk:02d}{body}"


def spaced(s: str) -> str:
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))
