"""Typed values: parsers and validators per field.

Each validator takes the raw text found for a field and returns a
:class:`Parsed` (value, valid, repaired) or None.  OCR confuses 0/O, 1/I/l,
5/S, 8/B: IBANs (mod 97, python-stdnum), FINs, number plates, PLZ and
dates are repaired where the repair makes them valid.  All patterns are
bounded (no nested quantifiers over the same characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from stdnum import iban as stdiban

from ekte.stages.extract.dates import (  # noqa: F401 - part of this module's interface
    _DIGIT_FIX, _LETTER_FIX, _MONTH_WORD, MONTH_ABBR, MONTHS, find_dates, fix_digits, full_year, parse_date,
    parse_date_ex,
)


@dataclass
class Parsed:
    value: str
    ok: bool = True  # valid after any repair
    repaired: bool = False


_SPACES = re.compile(r"\s+")
_FILL = re.compile(r"^[_.…\s]+|[_…\s]+$")


def clean(v: str) -> str:
    v = _SPACES.sub(" ", v).strip(" :;,-–\t|")
    return _FILL.sub("", v)  # fill-in lines and dot leaders of paper forms


#: what is left of a label when the lexicon knew only its start: "(n):", "/ Nr.:", "(in)",
#: a remark in brackets ("(Straße, Hausnummer)", "(freiwillig)") — never a bracket of digits (a phone prefix)
_DEBRIS = re.compile(r"^\s*(?:\((?=[^)]*[^\W\d_])[^)\s]{1,12}\)|\((?=[^)]*[^\W\d_])[^)]{1,40}\)|/\s?[A-Za-zäöü]{1,8}\.?)\s*:?\s*")


def strip_debris(v: str) -> str:
    for _ in range(2):
        v2 = _DEBRIS.sub("", v, count=1)
        if v2 == v:
            break
        v = v2
    return clean(v)


def v_date(raw: str) -> Parsed | None:
    r = parse_date_ex(raw)
    if r:
        return Parsed(r[0], True, r[1])
    if re.search(rf"\d\s?[.,/]\s?\d|\d\.?\s?(?:{_MONTH_WORD})", raw, re.I):
        return Parsed(clean(raw)[:20], ok=False)
    return None


_PARTICLES = {"von", "van", "de", "der", "den", "zu", "vom", "zum", "di", "da", "del", "ten", "ter"}
_TITLES = re.compile(r"^(?:(?:Herr|Frau|Herrn|Dr\.|Prof\.|Dipl\.-\w+\.?)\s+)+")
_NAME = re.compile(r"[^\W\d_][^\d_@:;/()]{0,60}")


def v_name(raw: str) -> Parsed | None:
    v = _TITLES.sub("", re.sub(r"\s*\([^)]{0,30}\)\s*$", "", strip_debris(raw)))
    v = re.split(r"\s{2,}|\t", v)[0].strip(" ,")
    v = " ".join(t for t in v.split(" ") if any(ch.isalnum() for ch in t))  # OCR specks: "Hoffmann ."
    if not v:
        return None
    ok = bool(_NAME.fullmatch(v)) and len(v.split()) <= 4 and not any(c.isdigit() for c in v) and _capitalised(v)
    return Parsed(v, ok=ok)


def _capitalised(v: str) -> bool:
    """Every word of a name starts with a capital, particles aside: "bzw.",
    "und", "ggf." are words of a label or a sentence, not of a name."""
    return all(t[:1].isupper() or t.lower() in _PARTICLES for t in v.replace("-", " ").split())


def particled(value: str) -> bool:
    """A family name with its particles ("de Vries", "von der Heide"), no first name before them."""
    words = value.split()
    return len(words) > 1 and words[0].lower() in _PARTICLES and words[-1][:1].isupper()


def split_name(value: str, last_first: bool | None = None) -> tuple[str, str] | None:
    """(first, last) of a full name: "Weber, Jana" or "Jana Weber"
    (*last_first*: the label said the surname comes first)."""
    v = _TITLES.sub("", re.sub(r"\s*\([^)]{0,30}\)\s*$", "", strip_debris(value)))
    v = " ".join(t for t in v.split(" ") if any(ch.isalnum() for ch in t))
    if not v or re.search(r"\d|@", v):
        return None
    if "," in v:
        last, first = (x.strip() for x in v.split(",", 1))
    else:
        parts = v.split(" ")
        if len(parts) < 2 or len(parts) > 4:
            return None
        if last_first:
            last, first = parts[0], " ".join(parts[1:])
        else:
            first, last = " ".join(parts[:-1]), parts[-1]
    # name particles belong to the surname: "Anna von Berg" → ("Anna", "von Berg"); "de Vries" is one
    words = first.split(" ")
    if all(w.lower() in _PARTICLES for w in words):
        return None
    while len(words) > 1 and words[-1].lower() in _PARTICLES:
        last = words.pop() + " " + last
    first = " ".join(words)
    first, last = _TITLES.sub("", first).strip(), last.strip()
    if not first or not last or len(first.split()) > 3 or len(last.split()) > 2:
        return None
    return first, last


def v_text(raw: str) -> Parsed | None:
    v = strip_debris(raw)
    return Parsed(v) if v else None


def v_verein(raw: str) -> Parsed | None:
    v = strip_debris(raw)
    m = re.search(r"^(.*?\be\.\s?V\.)", v)
    if m:
        v = m.group(1)
    return Parsed(v, ok=bool(re.search(r"[^\W\d_]{2}", v))) if v else None


_HOUSE = r"\d{1,4}\s?[a-zA-Z]?(?:\s?[-/]\s?\d{1,4}\s?[a-zA-Z]?)?(?:\s?½|\s1/2(?![\d/]))?"  # "22 1/2", "22½"
HOUSE = _HOUSE  # a house number as written
_STREET = re.compile(rf"([^\W\d_][^\d,;:]{{1,50}}?\.?)\s?({_HOUSE})(?![\d])")
#: an Ort keeps its suffix as written: "Schwarzach (Tal)", "Rabenstein (Musterland)" -- not a remark ("(bitte …)");
#: a dash between PLZ and Ort ("18800 - Ahrensfehn": a scan's speck, a separator) is none of either
_PLZ_ORT = re.compile(r"(?<![\w])(?:D\s?-\s?)?([\dOoIlSB]{5})\s+(?:[-–]\s+)?([^\W\d_][^\d,;:()]{1,40}?"
                      r"(?:\s?\([A-ZÄÖÜ][^\W\d_]*(?:[ .\-/][^\W\d_]+){0,3}\.?\))?)(?:\s*\(|\s*[,;]|\s{2,}|\s*$)")


def parse_address(raw: str) -> dict[str, str]:
    """Street + number, PLZ, Ort from one line ("Lindenweg 4a, 12345
    Musterstadt", "12345 Musterstadt", "Am Markt 3 - 12345 Musterstadt", "12345 Musterstadt, Lindenweg 4a")."""
    v = strip_debris(raw)
    out: dict[str, str] = {}
    m = _PLZ_ORT.search(v + " ")
    head = v
    if m:
        plz = fix_digits(m.group(1))
        if plz.isdigit():
            out["plz"] = plz
            out["ort"] = clean(m.group(2))
            head = v[: m.start()]
            tail = v[m.end():].strip(" .;")
            if not _STREET.search(head) and (v + " ")[m.end() - 1:m.end()] == "," and _STREET.fullmatch(tail) \
                    and not re.match(r"(?i)(?:tel|fax|mobil|e-?mail)", tail):
                head = tail  # the Ort first: "31362 Morgenroth, Brunnenweg 38"
    s = _STREET.search(head)
    if s:
        house = re.sub(r"\s+", "", s.group(2))
        street = clean(s.group(1) + " " + (house[:-3] + " 1/2" if s.group(2).endswith(" 1/2") else house))
        street = re.sub(r"\s+(\d)", r" \1", street)
        out["strasse"] = street
    return out


#: the running text's "in" before a street ("wohnhaft in ___"), in one cell with it where a scan's
#: OCR lost the gap between them: "in Erzgebirgsweg 88b" — cut off, never sure (repaired)
_IN_STREET = re.compile(r"in\s+(?=[A-ZÄÖÜ])")


def v_strasse(raw: str) -> Parsed | None:
    v = strip_debris(raw)
    cut = _IN_STREET.match(v)
    v = v[cut.end():] if cut else v
    if not v:
        return None
    a = parse_address(v)
    if "strasse" in a:
        return Parsed(a["strasse"], repaired=bool(cut))
    return Parsed(v, ok=False)


#: a town's name never ends in a small particle ("Neustadt a.", "Frankfurt am"): cut where a scan's wide word
#: gap split its cell — never sure (``checks.type_ok``)
CUT_TOWN = re.compile(r"\s[a-zäöü]{1,3}\.?$")


def v_plz(raw: str) -> Parsed | None:
    m = re.search(r"(?<![\w])([\dOoIlSB]{5})(?![\w])", raw)
    if not m:
        return None
    fixed = fix_digits(m.group(1))
    return Parsed(fixed, fixed.isdigit(), fixed != m.group(1))


def v_ort(raw: str) -> Parsed | None:
    v = strip_debris(raw)
    a = parse_address(v)
    if "ort" in a:
        return Parsed(a["ort"])
    v = re.split(r"\s{2,}|,", v)[0].strip()
    if not v:
        return None
    return Parsed(v, ok=bool(re.fullmatch(r"[^\W\d_][^\d@:;]{1,40}", v)) and len(v.split()) <= 5)


def v_telefon(raw: str) -> Parsed | None:
    m = re.search(r"\+?[\d(][\d\s/()\-]{5,}\d", raw)
    if not m:
        return None
    return Parsed(re.sub(r"\s+", " ", m.group(0)).strip())


#: (spaces around a dot as OCR sets them, "mail . de" — but not a sentence's next word: "…@lra.example. Ihre Daten")
EMAIL = re.compile(r"[\w.+\-]{1,64} ?@ ?[\w\-]{1,63}(?: ?\.(?:[a-zA-Z0-9\-]{1,63}| [a-z0-9][a-zA-Z0-9\-]{0,62})){1,4}")


def v_email(raw: str) -> Parsed | None:
    m = EMAIL.search(raw)
    if not m:
        return None
    v = m.group(0).replace(" ", "").lower()
    return Parsed(v, True, v != m.group(0).lower())


def v_iban(raw: str) -> Parsed | None:
    p = _iban(raw)
    if p and p.ok:
        return p
    # as OCR reads it, joined only where mod 97 proves it: a speck read as a dot or comma between its groups;
    # a comb of boxes, one digit each ("DE 9 7 7 C8 3 1 4 C 9 …": spaced, a boxed 0 read as C)
    specks = re.sub(r"(?<=[0-9A-Za-z])[.,](?=\s?[0-9A-Za-z])", "", raw)
    for variant in (specks, re.sub(r"(?i)(?<=\d)c|c(?=\d)", "0", re.sub(r"[ \t]", "", specks))):
        q = _iban(variant)
        if q and q.ok:
            return Parsed(q.value, True, True)
    return p


def _iban(raw: str) -> Parsed | None:
    m = re.search(r"([A-Za-z0-9]{2}\s?[0-9OoIlSBA]{2}(?:\s?[0-9A-Za-z|]{1,4}){3,8})", re.sub(r"(?i)iban:?", " ", raw))
    if not m:
        return None
    found = re.sub(r"\s", "", m.group(1))
    compact = found.upper()
    if stdiban.is_valid(compact):
        return Parsed(compact)
    country = found[:2].upper().translate(_LETTER_FIX)
    # a German IBAN is digits only: every letter in it is a misread digit (also "A" for "4"), checked by mod 97
    rest = fix_digits(found[2:]).replace("A", "4") if country == "DE" else \
        found[2:4].translate(_DIGIT_FIX) + found[4:].upper()
    fixed = country + rest
    if country == "DE":
        fixed = fixed[:22]
    if stdiban.is_valid(fixed):
        return Parsed(fixed, True, True)
    return Parsed(compact, ok=False)


FIN_ALPHABET = set("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")


def v_fin(raw: str) -> Parsed | None:
    m = re.search(r"(?<![A-Z0-9])([A-Z0-9][A-Z0-9 ]{8,22}[A-Z0-9])(?![A-Z0-9])", raw.upper())
    if not m:
        return None
    s = m.group(1).replace(" ", "")
    fixed = s.replace("O", "0").replace("Q", "0").replace("I", "1")
    ok = len(fixed) == 17 and set(fixed) <= FIN_ALPHABET
    return Parsed(fixed if ok else s, ok, ok and fixed != s)


_PLATE = re.compile(r"([A-ZÄÖÜ0-9]{1,3})\s?[-–]\s?([A-Z0-9]{1,2})\s?([0-9OoIlSB]{1,4})\s?([EH]?)(?![\w])")


def v_kennzeichen(raw: str) -> Parsed | None:
    m = _PLATE.search(raw.upper())
    if not m:
        return None
    a, b, n, suffix = m.groups()
    a2, b2, n2 = a.translate(_LETTER_FIX), b.translate(_LETTER_FIX), fix_digits(n)
    ok = a2.isalpha() and b2.isalpha() and n2.isdigit() and not n2.startswith("0")
    value = f"{a2}-{b2} {n2}{suffix}"
    return Parsed(value, ok, value != f"{a}-{b} {n}{suffix}")


def v_evb(raw: str) -> Parsed | None:
    m = re.search(r"(?<![A-Z0-9])([A-Z0-9]{7})(?![A-Z0-9])", raw.upper())
    return Parsed(m.group(1)) if m else None


def v_flur(raw: str) -> Parsed | None:
    m = re.search(r"[\dOoIl]{1,4}", raw)
    if not m:
        return None
    f = fix_digits(m.group(0))
    return Parsed(f, f.isdigit(), f != m.group(0))


def v_flurstueck(raw: str) -> Parsed | None:
    """One parcel ("176/14") or a list of them as written ("649, 156")."""
    m = re.search(r"[\dOoIl]{1,5}(?:\s?/\s?[\dOoIl]{1,4})?(?:,\s?\d{1,5}(?:/\d{1,4})?(?![\d.,]))*", raw)
    if not m:
        return None
    f = fix_digits(re.sub(r"\s*/\s*", "/", m.group(0)))
    return Parsed(f, bool(re.fullmatch(r"\d+(/\d+)?(, ?\d+(/\d+)?)*", f)), f != re.sub(r"\s*/\s*", "/", m.group(0)))


def v_betrag(raw: str) -> Parsed | None:
    m = re.search(r"(\d{1,3}(?:[.\s]\d{3})+|\d+)(?:,(\d{2}|-{1,2}))?", raw)
    if not m:
        return None
    euros = int(re.sub(r"[.\s]", "", m.group(1)))
    cents = m.group(2) if m.group(2) and m.group(2).isdigit() else "00"
    return Parsed(f"{euros:,}".replace(",", ".") + "," + cents)


#: what ends an Aktenzeichen that runs on in its cell
_AZ_STOP = re.compile(r"\s(?:vom|v\.|Datum|Bitte|bei|Ihre?|Unser|Tel|Telefon|E-Mail)\b.*$", re.I)
_AZ_TOKEN = re.compile(r"[\w./\-–]{1,24}")
_AZ_DATED = re.compile(r"(?<=\S)(?:,\s*|\s+)\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})$")


#: the label's remark in brackets with its end run into the value, as a scan's OCR glues them:
#: "(bitte angebe527/18-OA-2026" (the remark's "n)" read as the value's first character, or lost)
_GLUED_REMARK = re.compile(r"\((?:[a-zäöü]+\s)*[a-zäöü]{2,}(?=[A-Z0-9])")


def v_aktenzeichen(raw: str) -> Parsed | None:
    """An Aktenzeichen as the token sequence to the end of its value
    ("AB 3 - 12.10 - 1234/25", "S 55 - 1111/2025", "632-1234/2025/Bau")."""
    v = _AZ_STOP.sub("", strip_debris(raw)).strip(" .,;")
    glued = _GLUED_REMARK.match(v)  # a label's remark run into the value by OCR: cut, never sure
    v = _AZ_DATED.sub("", v[glued.end():] if glued else v)  # "… vom" / "53.1 - IfSG - 8423/25, 23.3.2025", "… 7111/26 03.06.26": the letter's date
    if not any(c.isdigit() for c in v):
        return None  # "Ihr Zeichen, Ihre Nachricht vom": the rest of a label, no file number
    tokens = v.split(" ")
    ok = (len(tokens) <= 8 and len(v) <= 40 and all(_AZ_TOKEN.fullmatch(t) for t in tokens)
          and any(c.isdigit() for c in v) and not parse_date(v) == v)
    return Parsed(v, ok=ok, repaired=bool(glued))


def aktenzeichen_from_patterns(patterns: list[re.Pattern[str]]) -> Callable[[str], Parsed | None]:
    def v(raw: str) -> Parsed | None:
        for rx in patterns:
            m = rx.search(raw)
            if m:
                return Parsed(m.group(0))
        return None

    return v


VALIDATORS: dict[str, Callable[[str], Parsed | None]] = {
    "vorname": v_name, "nachname": v_name, "geburtsdatum": v_date, "strasse": v_strasse, "plz": v_plz,
    "ort": v_ort, "telefon": v_telefon, "email": v_email, "antragsdatum": v_date, "eingangsdatum": v_date,
    "iban": v_iban, "kennzeichen": v_kennzeichen, "fin": v_fin, "evb": v_evb, "gemarkung": v_text,
    "flur": v_flur, "flurstueck": v_flurstueck, "verein": v_verein, "betrag_eur": v_betrag,
    "aktenzeichen": v_aktenzeichen,
}



def only_stars(words: list) -> bool:
    """Words that are only a required field's mark ("*", "(*)") after a label: no value."""
    return all(w.text.strip("*()") == "" for w in words)
