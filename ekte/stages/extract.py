"""Extract: metadata fields from the text, each with a value, a confidence
and where it was found (page, character span).

Every registered extractor (hook ``ekte_extractors``) is asked; for each
field the value with the highest confidence wins.  The built-ins:

* :class:`FormExtractor` — values of a fillable PDF's AcroForm fields
  (no OCR guessing when the form carries its data), confidence 0.99;
* :class:`LabelExtractor` — the value next to a label ("Name, Vorname",
  "Familienname", "Antragsteller(in)", …; variants in the profile), matched
  fuzzily on OCR text, plus patterns for values without a label.

Values are validated and repaired (OCR confuses 0/O, 1/I/l, 5/S, 8/B):
IBAN mod-97 (python-stdnum), FIN alphabet, number-plate syntax, real
calendar dates, 5-digit PLZ.  A repaired value is marked ``repaired`` with
the text as found in ``raw``; an invalid one is kept with a low confidence.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

from ekte import patterns
from ekte.model import Field

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile


class Extractor(Protocol):
    name: str

    def extract(self, doc: "Document", profile: "Profile") -> dict[str, Field]: ...


# -- dates ---------------------------------------------------------------------

MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}
_D = r"[\dOoIl|]"  # a digit as OCR may read it
_DATE_NUM = re.compile(rf"(?<![\d.])({_D}{{1,2}})\s?[.,]\s?({_D}{{1,2}})\s?[.,]\s?({_D}{{4}}|\d{{2}})(?![\d])")
_DATE_TXT = re.compile(r"(?<!\d)(\d{1,2})\.\s*(" + "|".join(MONTHS) + r")\s+(\d{4})", re.IGNORECASE)
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1", "|": "1", "i": "1",
                            "S": "5", "s": "5", "B": "8", "Z": "2", "G": "6"})
_LETTER_FIX = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"})


def fix_digits(s: str) -> str:
    return s.translate(_DIGIT_FIX)


def parse_date(s: str) -> str | None:
    """A German date ("02.02.2025", "2.2.25", "2. Februar 2025") as DD.MM.YYYY, or None."""
    r = parse_date_ex(s)
    return r[0] if r else None


def parse_date_ex(s: str) -> tuple[str, bool, int, int] | None:
    """(DD.MM.YYYY, repaired, start, end) of the first real date in *s*."""
    for m in _DATE_NUM.finditer(s):
        raw = m.group(0)
        d, mo, y = (fix_digits(g) for g in m.groups())
        repaired = (d + mo + y) != "".join(m.groups())
        try:
            di, moi, yi = int(d), int(mo), int(y)
        except ValueError:
            continue
        if yi < 100:
            yi += 2000 if yi < 70 else 1900
        try:
            return dt.date(yi, moi, di).strftime("%d.%m.%Y"), repaired or "," in raw, m.start(), m.end()
        except ValueError:
            continue
    for m in _DATE_TXT.finditer(s):
        try:
            v = dt.date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))).strftime("%d.%m.%Y")
            return v, False, m.start(), m.end()
        except ValueError:
            continue
    return None


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


# -- validators: raw text -> (value, confidence factor, repaired) or None ------

@dataclass
class Parsed:
    value: str
    ok: bool = True  # valid after any repair
    repaired: bool = False


def _clean(v: str) -> str:
    return re.sub(r"\s+", " ", v).strip(" :;,-\t").lstrip(".")


def v_date(raw: str) -> Parsed | None:
    r = parse_date_ex(raw)
    if r:
        return Parsed(r[0], True, r[1])
    if re.search(r"\d", raw):
        return Parsed(_clean(raw)[:20], ok=False)
    return None


def v_name(raw: str) -> Parsed | None:
    v = _clean(raw)
    v = re.split(r"\s{2,}|\t", v)[0]
    if not v or not re.fullmatch(r"[^\W\d_][^\d_@]*", v):
        return Parsed(v, ok=False) if v else None
    return Parsed(v)


def v_text(raw: str) -> Parsed | None:
    v = _clean(raw)
    return Parsed(v) if v else None


def v_verein(raw: str) -> Parsed | None:
    v = _clean(raw)
    m = re.search(r"^(.*?\be\.\s?V\.)", v)
    if m:
        v = m.group(1)
    return Parsed(v) if v else None


def v_strasse(raw: str) -> Parsed | None:
    v = _clean(raw)
    if not v:
        return None
    return Parsed(v, ok=bool(re.search(r"\d", v)))


def v_plz(raw: str) -> Parsed | None:
    m = re.search(r"(?<![\w])([\dOoIlSB]{5})(?![\w])", raw)
    if not m:
        return None
    fixed = fix_digits(m.group(1))
    return Parsed(fixed, fixed.isdigit(), fixed != m.group(1))


def v_telefon(raw: str) -> Parsed | None:
    m = re.search(r"\+?[\d(][\d\s/()\-]{5,}\d", raw)
    if not m:
        return None
    return Parsed(re.sub(r"\s+", " ", m.group(0)).strip())


_EMAIL = re.compile(r"[\w.+\-]+ ?@ ?[\w\-]+(?: ?\. ?[a-zA-Z0-9\-]+)+")


def v_email(raw: str) -> Parsed | None:
    m = _EMAIL.search(raw)
    if not m:
        return None
    v = m.group(0).replace(" ", "").lower()
    return Parsed(v, True, v != m.group(0).lower())


def v_iban(raw: str) -> Parsed | None:
    from stdnum import iban as stdiban

    m = re.search(r"([A-Za-z0-9]{2}\s?[0-9OoIlSB]{2}(?:\s?[0-9A-Za-z|]{1,4}){3,8})", re.sub(r"(?i)iban", " ", raw))
    if not m:
        return None
    found = re.sub(r"\s", "", m.group(1))
    compact = found.upper()
    if stdiban.is_valid(compact):
        return Parsed(compact)
    country = found[:2].upper().translate(_LETTER_FIX)
    rest = fix_digits(found[2:]) if country == "DE" else found[2:4].translate(_DIGIT_FIX) + found[4:].upper()
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
    m = re.search(r"[\dOoIl]{1,5}(?:\s?/\s?[\dOoIl]{1,4})?", raw)
    if not m:
        return None
    f = fix_digits(m.group(0).replace(" ", ""))
    return Parsed(f, bool(re.fullmatch(r"\d+(/\d+)?", f)), f != m.group(0).replace(" ", ""))


def v_betrag(raw: str) -> Parsed | None:
    m = re.search(r"(\d{1,3}(?:[.\s]\d{3})+|\d+)(?:,(\d{2}))?", raw)
    if not m:
        return None
    euros = int(re.sub(r"[.\s]", "", m.group(1)))
    cents = m.group(2) or "00"
    v = f"{euros:,}".replace(",", ".") + "," + cents
    return Parsed(v)


def v_aktenzeichen_factory(patterns: list[re.Pattern[str]]) -> Callable[[str], Parsed | None]:
    def v(raw: str) -> Parsed | None:
        for rx in patterns:
            m = rx.search(raw)
            if m:
                return Parsed(m.group(0))
        v2 = _clean(raw).split(" ")[0] if _clean(raw) else ""
        return Parsed(v2, ok=False) if v2 else None

    return v


VALIDATORS: dict[str, Callable[[str], Parsed | None]] = {
    "vorname": v_name, "nachname": v_name, "geburtsdatum": v_date, "strasse": v_strasse, "plz": v_plz,
    "ort": v_text, "telefon": v_telefon, "email": v_email, "antragsdatum": v_date, "eingangsdatum": v_date,
    "iban": v_iban, "kennzeichen": v_kennzeichen, "fin": v_fin, "evb": v_evb, "gemarkung": v_text,
    "flur": v_flur, "flurstueck": v_flurstueck, "verein": v_verein, "betrag_eur": v_betrag,
}


# -- label matching ---------------------------------------------------------------

def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).casefold()
    s = s.replace("ß", "ss").replace("$", "§")
    return re.sub(r"\s+", " ", s)




def split_name(value: str) -> tuple[str, str] | None:
    v = _clean(value)
    if not v or re.search(r"\d|@", v):
        return None
    if "," in v:
        last, first = (x.strip() for x in v.split(",", 1))
    else:
        parts = v.split(" ")
        if len(parts) < 2:
            return None
        first, last = " ".join(parts[:-1]), parts[-1]
    return (first, last) if first and last else None


class LabelExtractor:
    """Label-anchored extraction with fuzzy label matching, plus patterns."""

    name = "labels"

    def __init__(self) -> None:
        self._prepared: tuple[int, list[tuple[str, str, str]], list[re.Pattern[str]]] | None = None

    def _prepare(self, profile: "Profile") -> tuple[list[tuple[str, str, str]], list[re.Pattern[str]]]:
        if self._prepared is None or self._prepared[0] != id(profile):
            labels: list[tuple[str, str, str]] = []  # (normalized label, field, original)
            table = dict(profile.extract.labels)
            table["aktenzeichen"] = list(profile.extract.aktenzeichen_labels)
            for f, variants in table.items():
                for lab in variants:
                    labels.append((norm(lab).rstrip(":"), f, lab))
            labels.sort(key=lambda x: -len(x[0]))
            az = [patterns.compile(p) for p in profile.extract.aktenzeichen_patterns]  # bounded time
            self._prepared = (id(profile), labels, az)
        return self._prepared[1], self._prepared[2]

    def _match_label(self, line_n: str, labels: list[tuple[str, str, str]], min_sim: float) -> tuple[str, int, float] | None:
        """(field, label length in the line, similarity) of the longest label
        the line starts with; OCR-garbled labels match fuzzily, word by word."""
        from rapidfuzz import fuzz

        best: tuple[str, int, float] | None = None
        words = line_n.split(" ")
        for lab, field, _orig in labels:
            n = len(lab)
            if line_n.startswith(lab) and (len(line_n) == n or not line_n[n].isalnum()):
                return field, n, 100.0
            if best is None and 3 <= n < 6 and not line_n.startswith(lab):
                # a short label garbled by OCR ("Blur:" for "Flur:"): same length, one letter off, colon after
                if len(line_n) > n and line_n[n] == ":" and sum(a != b for a, b in zip(line_n[:n], lab)) == 1:
                    best = (field, n, 75.0)
                continue
            if best is None and n >= 6:
                k = lab.count(" ") + 1
                if len(words) < k:
                    continue
                head = " ".join(words[:k])
                head_s = head.rstrip(":.")
                if head_s[:1] != lab[:1] or abs(len(head_s) - n) > 2:
                    continue
                sim = fuzz.ratio(head_s, lab)
                if sim >= min_sim:
                    best = (field, len(head_s), sim)
        return best

    def extract(self, doc: "Document", profile: "Profile") -> dict[str, Field]:
        found = self._extract(doc.page_texts, profile)
        rows = doc.extra.get("page_rows")
        if rows and rows != doc.page_texts:
            # the same text rebuilt row by row: finds label/value pairs that OCR read
            # column by column; its spans refer to the rows, so only the page is kept
            for name, f in self._extract(rows, profile).items():
                if name not in found or f.confidence > found[name].confidence + 0.05:
                    f.span = None
                    f.confidence = round(f.confidence * 0.97, 3)
                    found[name] = f
        return found

    def _extract(self, page_texts: list[str], profile: "Profile") -> dict[str, Field]:
        labels, az_patterns = self._prepare(profile)
        min_sim = profile.extract.label_similarity
        found: dict[str, Field] = {}
        validators = dict(VALIDATORS)
        validators["aktenzeichen"] = v_aktenzeichen_factory(az_patterns)

        def put(field: str, p: Parsed, page: int, start: int, end: int, base: float, method: str, raw: str) -> None:
            conf = base * (0.9 if p.repaired else 1.0) if p.ok else 0.3
            f = Field(p.value, round(conf, 3), page, (start, end), method, p.repaired, raw if p.repaired or not p.ok else None)
            if field not in found or f.confidence > found[field].confidence:
                found[field] = f

        for pno, text in enumerate(page_texts, start=1):
            # a received stamp may sit anywhere, even on another line's row
            for m in re.finditer(r"(eingegangen(?:\s+am)?|eingang(?:sdatum)?|posteingang(?:\s+am)?)\s*[:.]?\s*", text, re.I):
                r = parse_date_ex(text[m.end(): m.end() + 30])
                if r and r[2] < 3:
                    put("eingangsdatum", Parsed(r[0], True, r[1]), pno, m.end() + r[2], m.end() + r[3], 0.95, "label", "")
            stamp_rx = re.compile(r"\s*(eingegangen(?:\s+am)?|posteingang(?:\s+am)?)\s*[:.]?\s*\S+", re.I)
            offset = 0
            lines = text.split("\n")
            for i, line in enumerate(lines):
                start_of_line = offset
                offset += len(line) + 1
                clean = stamp_rx.sub("", line)
                lstrip = len(clean) - len(clean.lstrip())
                ln = norm(clean.strip())
                if not ln:
                    continue
                hit = self._match_label(ln, labels, min_sim)
                if not hit:
                    continue
                field, n, sim = hit
                after = clean.strip()[n:]
                value = re.sub(r"^[\s:.\-–]+", "", after)
                vstart = start_of_line + lstrip + n + (len(after) - len(value))
                if not value.strip():
                    # the value under its label (skipping a wrapped "(FIN)" part of the label)
                    j, nxt_off = i + 1, offset
                    while j < len(lines) and re.fullmatch(r"\s*\([^)]{1,40}\)\s*", lines[j]):
                        nxt_off += len(lines[j]) + 1
                        j += 1
                    if j < len(lines) and lines[j].strip() and not self._match_label(norm(lines[j].strip()), labels, min_sim):
                        value, vstart = lines[j], nxt_off
                if not value.strip():
                    continue
                base = 0.95 if sim >= 100 else 0.85
                vend = vstart + len(value.rstrip())
                if field == "name":
                    nm = split_name(value)
                    if nm:
                        put("vorname", Parsed(nm[0]), pno, vstart, vend, base - 0.03, "label", value)
                        put("nachname", Parsed(nm[1]), pno, vstart, vend, base - 0.03, "label", value)
                    continue
                if field == "plz_ort":
                    p = v_plz(value)
                    if p:
                        put("plz", p, pno, vstart, vend, base, "label", value)
                        rest = re.sub(r"^\s*[\dOoIlSB]{5}\s*", "", value)
                        if rest.strip():
                            put("ort", Parsed(_clean(rest)), pno, vstart, vend, base, "label", value)
                    continue
                vf = validators.get(field)
                p = vf(value) if vf else v_text(value)
                if p:
                    put(field, p, pno, vstart, vend, base, "label", value)

            # values in running text ("ich, Anna Weber, geboren am …, wohnhaft in …")
            W = r"[^\W\d_][\w\-']*"
            m = re.search(rf"\bich,\s+({W}(?:\s+{W}){{1,3}}),", text)
            if m:
                nm = split_name(m.group(1).replace("\n", " "))
                if nm:
                    put("vorname", Parsed(nm[0]), pno, m.start(1), m.end(1), 0.8, "pattern", "")
                    put("nachname", Parsed(nm[1]), pno, m.start(1), m.end(1), 0.8, "pattern", "")
            m = re.search(r"\bgeboren\s+am\s+", text, re.I)
            if m:
                r = parse_date_ex(text[m.end(): m.end() + 30])
                if r and r[2] == 0:
                    put("geburtsdatum", Parsed(r[0], True, r[1]), pno, m.end(), m.end() + r[3], 0.85, "pattern", "")
            m = re.search(r"\bwohnhaft\s+(?:in\s+)?([^,\n]{3,60}?\d+\s?[a-zA-Z]?),\s+([\dOoIlSB]{5})\s+([^,\n]{2,40})", text)
            if m:
                put("strasse", Parsed(_clean(m.group(1))), pno, m.start(1), m.end(1), 0.85, "pattern", "")
                p5 = v_plz(m.group(2))
                if p5:
                    put("plz", p5, pno, m.start(2), m.end(2), 0.85, "pattern", "")
                put("ort", Parsed(_clean(m.group(3))), pno, m.start(3), m.end(3), 0.85, "pattern", "")
            m = re.search(r"\bfür\s+den\s+Verein\s+([^,\n]{3,80}?e\.\s?V\.)", text)
            if m:
                put("verein", Parsed(_clean(m.group(1))), pno, m.start(1), m.end(1), 0.85, "pattern", "")

            # values without a label: patterns
            if "email" not in found:
                m = _EMAIL.search(text)
                if m:
                    put("email", v_email(m.group(0)) or Parsed(m.group(0)), pno, m.start(), m.end(), 0.8, "pattern", "")
            if "iban" not in found:
                m = re.search(r"\b(DE\s?\d{2}(?:\s?\d{4}){4}\s?\d{2})\b", text)
                if m:
                    p = v_iban(m.group(0))
                    if p:
                        put("iban", p, pno, m.start(), m.end(), 0.8, "pattern", m.group(0))
            if "aktenzeichen" not in found:
                for rx in az_patterns:
                    m = rx.search(text)
                    if m:
                        put("aktenzeichen", Parsed(m.group(0)), pno, m.start(), m.end(), 0.8, "pattern", "")
                        break
            if "antragsdatum" not in found:
                m = re.search(r",\s*den\s+", text)
                if m:
                    r = parse_date_ex(text[m.end(): m.end() + 30])
                    if r and r[2] == 0:
                        put("antragsdatum", Parsed(r[0], True, r[1]), pno, m.end(), m.end() + r[3], 0.9, "pattern", "")
            if "verein" not in found:
                m = re.search(r"[A-ZÄÖÜ][\w\-]*(?: [\w\-]+){0,5} e\.\s?V\.", text)
                if m:
                    put("verein", Parsed(m.group(0)), pno, m.start(), m.end(), 0.7, "pattern", "")
        return found


class FormExtractor:
    """The values of a fillable PDF's form fields (read by intake)."""

    name = "form"

    def extract(self, doc: "Document", profile: "Profile") -> dict[str, Field]:
        form: dict[str, str] = doc.extra.get("form_fields") or {}
        if not form:
            return {}
        names: dict[str, str] = {}
        table = {**{k: list(v) for k, v in profile.extract.labels.items()}}
        table["aktenzeichen"] = list(profile.extract.aktenzeichen_labels)
        for f in ("vorname", "nachname", "plz", "ort", "strasse", "iban", "email", "telefon", "fin", "evb",
                  "kennzeichen", "gemarkung", "flur", "flurstueck", "verein", "geburtsdatum", "antragsdatum",
                  "aktenzeichen", "betrag_eur"):
            table.setdefault(f, []).append(f)
        for f, variants in list(table.items()) + [(f, v) for f, v in profile.extract.form_fields.items()]:
            for v in variants:
                names.setdefault(re.sub(r"[\W_]+", "", norm(v)), f)
        out: dict[str, Field] = {}
        for fname, raw in form.items():
            key = re.sub(r"[\W_]+", "", norm(fname.split(".")[-1]))
            field = names.get(key)
            if not field or not str(raw).strip():
                continue
            vf = VALIDATORS.get(field) or v_text
            p = vf(str(raw)) if field != "aktenzeichen" else Parsed(_clean(str(raw)))
            if p:
                out[field] = Field(p.value, 0.99 if p.ok else 0.4, None, None, "form", p.repaired,
                                   str(raw) if p.repaired or not p.ok else None)
        return out


# -- the stage ---------------------------------------------------------------------

def extract(doc: "Document", profile: "Profile", extractors: list[Extractor]) -> dict[str, Field]:
    merged: dict[str, Field] = {}
    for ex in extractors:
        for name, f in ex.extract(doc, profile).items():
            if name not in merged or f.confidence > merged[name].confidence:
                merged[name] = f
    if "eingangsdatum" not in merged:
        # no received stamp: the intake time, marked as such
        d = dt.datetime.fromisoformat(doc.received).strftime("%d.%m.%Y")
        merged["eingangsdatum"] = Field(d, 1.0, None, None, "intake")
    return merged

