"""German dates in every common form (numeric, two-digit years, month names and their abbreviations
as stamps print them: "MRZ", "Mrz.", "März"), and the digit repairs OCR needs (0/O, 1/I/l)."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
    "marz": 3, "janner": 1,  # as a recogniser without umlauts reads them (ocr.refine)
}
#: abbreviations as stamps and forms print them ("JAN.", "MRZ", "Mrz.", "Sept.")
MONTH_ABBR = {
    "jan": 1, "feb": 2, "mrz": 3, "mär": 3, "mae": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "nov": 11, "dez": 12,
}
_MONTH_WORD = "|".join(sorted(list(MONTHS) + list(MONTH_ABBR), key=len, reverse=True))
_D = r"[\dOoIl|]"  # a digit as OCR may read it
#: (a two-digit year is no year when a letter follows it: "22. Juni 31F276F-3383", a stamp over a number)
_DATE_NUM = re.compile(rf"(?<![\d.])({_D}{{1,2}})\s?([.,/])\s?({_D}{{1,2}})\s?[.,/]\s?({_D}{{4}}|\d{{2}}(?![^\W\d_]))(?![\d])")
_DATE_TXT = re.compile(rf"(?<![\w])(\d{{1,2}})\s?\.?\s*({_MONTH_WORD})\.?\s*(?:[.\-]?\s*|,\s*(?=\d{{4}}))(\d{{4}}|\d{{2}}(?![^\W\d_]))(?![\d])",
                       re.IGNORECASE)
_DATE_ISO = re.compile(r"(?<![\d])(\d{4})-(\d{2})-(\d{2})(?![\d])")
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1", "|": "1", "i": "1",
                            "S": "5", "s": "5", "B": "8", "Z": "2", "G": "6"})
_LETTER_FIX = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"})


def fix_digits(s: str) -> str:
    return s.translate(_DIGIT_FIX)


def full_year(y: int) -> int:
    """Two-digit years: up to next year's → 20xx, else 19xx."""
    if y >= 100:
        return y
    return 2000 + y if y <= (dt.date.today().year % 100) + 1 else 1900 + y


def _mk(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(full_year(y), m, d).strftime("%d.%m.%Y")
    except ValueError:
        return None


def _overlapping(s: str):
    """The numeric date matches of *s*, each next one searched from the character after the last's start."""
    m = _DATE_NUM.search(s)
    while m:
        yield m
        m = _DATE_NUM.search(s, m.start() + 1)


def parse_date_ex(s: str) -> tuple[str, bool, int, int] | None:
    """(DD.MM.YYYY, repaired, start, end) of the first real date in *s*:
    numeric (2- or 4-digit years), with month names or abbreviations
    ("6. Jan. 2026", "30. MRZ. 2026"), or ISO."""
    found: list[tuple[int, int, str, bool]] = []
    for m in _overlapping(s):
        d, _sep, mo, y = m.groups()
        fd, fmo, fy = fix_digits(d), fix_digits(mo), fix_digits(y)
        if not (fd.isdigit() and fmo.isdigit() and fy.isdigit()) or (
                not d[0].isdigit() and m.start() and s[m.start() - 1].isalpha()):
            continue  # (a word's last letter is no digit: "Kiel, 08.10.26" is not "1, 08.10")
        v = _mk(int(fy), int(fmo), int(fd))
        if v:
            found.append((m.start(), m.end(), v, (fd + fmo + fy) != (d + mo + y) or "," in m.group(0)))
            break
    for m in _DATE_TXT.finditer(s):
        word = m.group(2).lower()
        mo = MONTHS.get(word) or MONTH_ABBR.get(word)
        v = _mk(int(m.group(3)), mo, int(m.group(1))) if mo else None
        if v:
            found.append((m.start(), m.end(), v, False))
            break
    for m in _DATE_ISO.finditer(s):
        v = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if v:
            found.append((m.start(), m.end(), v, False))
            break
    if not found:
        return None
    start, end, v, rep = min(found)
    return v, rep, start, end


def parse_date(s: str) -> str | None:
    """A German date as DD.MM.YYYY, or None."""
    r = parse_date_ex(s)
    return r[0] if r else None


def find_dates(text: str) -> list[tuple[str, int, int]]:
    out = []
    pos = 0
    while True:
        r = parse_date_ex(text[pos:])
        if not r:
            break
        out.append((r[0], pos + r[2], pos + r[3]))
        pos += r[3]
    return out
