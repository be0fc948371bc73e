"""Candidates without a label: received stamps, running text ("ich, …,
geboren am …, wohnhaft in …"), the sender's address block of a letter,
and values whose shape says what they are (IBAN, e-mail, Aktenzeichen
patterns, the date after ", den")."""

from __future__ import annotations

import re

from ekte.stages.extract import values as V
from ekte.stages.extract.candidates import Cand
from ekte.stages.layout import Row

_STAMP = re.compile(r"(?<![\w])(eingegangen(?:\s+am)?|eingang(?:sdatum)?(?:\s+am)?|posteingang(?:\s+am)?|eing\.)"
                    r"\s*[:.]?\s*", re.I)
_AUTHORITY = re.compile(r"(?i)\b(landkreis|landratsamt|kreisverwaltung|kreisausschuss|der landrat|stadtverwaltung|"
                        r"bürgermeister|gemeindeverwaltung|amt\b|ämter|behörde|zulassungsstelle|gesundheitsamt|"
                        r"bauaufsicht|veterinäramt|sozialamt|bürgerservice|posteingang|kreishaus|rathaus|z\.\s?hd)")
_PLZ_LINE = re.compile(r"^(?:D\s?-\s?)?\d{5}\s+[^\W\d_][^\d]{1,40}$")
_NAME_LINE = re.compile(r"^(?:(?:Herr|Frau|Dr\.)\s+)*[A-ZÄÖÜ][\w\-']+(?:\s+[A-ZÄÖÜ][\w\-']+){1,3}$")
_SENDER_SEP = re.compile(r"\s*(?:[·•|]|,|\s-\s)\s*")


def _cand(field: str, p: V.Parsed | None, pno: int, s: int, e: int, source: str, y: float = 0.0,
          role: str | None = None, raw: str = "") -> Cand | None:
    if p is None or not p.value:
        return None
    return Cand(field, p.value, pno, s, e, source, role=role, ok=p.ok, repaired=p.repaired, raw=raw, y=y)


def stamp_candidates(pno: int, text: str) -> list[Cand]:
    out = []
    for m in _STAMP.finditer(text):
        window = text[m.end(): m.end() + 80]
        r = V.parse_date_ex(window)
        # the date right after the word, or first on the next line (a stamp's lines)
        if r and (r[2] < 3 or (window[: r[2]].strip(" \t") == "\n" and "\n" not in window[r[2]:r[3]])):
            c = _cand("eingangsdatum", V.Parsed(r[0], True, r[1]), pno, m.end() + r[2], m.end() + r[3], "stamp",
                      raw=window[r[2]:r[3]])
            if c:
                c.dist = r[2] / 30
                out.append(c)
    return out


def prose_candidates(pno: int, text: str) -> list[Cand]:
    out: list[Cand | None] = []
    W = r"[^\W\d_][\w\-']*"
    m = re.search(rf"\bich,\s+({W}(?:\s+{W}){{1,3}}),", text)
    if m:
        nm = V.split_name(m.group(1).replace("\n", " "))
        if nm:
            out.append(_cand("vorname", V.Parsed(nm[0]), pno, m.start(1), m.end(1), "prose"))
            out.append(_cand("nachname", V.Parsed(nm[1]), pno, m.start(1), m.end(1), "prose"))
    m = re.search(r"\bgeboren\s+am\s+", text, re.I)
    if m:
        r = V.parse_date_ex(text[m.end(): m.end() + 30])
        if r and r[2] == 0:
            out.append(_cand("geburtsdatum", V.Parsed(r[0], True, r[1]), pno, m.end(), m.end() + r[3], "prose"))
    m = re.search(r"\bwohnhaft\s+(?:in\s+)?([^,\n]{3,60}?\d+\s?[a-zA-Z]?),\s+([\dOoIlSB]{5})\s+"
                  r"([^,\n]{2,40}(?:\n[^,\n]{1,20}(?=,))?)", text)
    if m:
        out.append(_cand("strasse", V.Parsed(V.clean(m.group(1))), pno, m.start(1), m.end(1), "prose"))
        out.append(_cand("plz", V.v_plz(m.group(2)), pno, m.start(2), m.end(2), "prose"))
        out.append(_cand("ort", V.Parsed(V.clean(m.group(3))), pno, m.start(3), m.end(3), "prose"))
    m = re.search(r"\bfür\s+den\s+Verein\s+([^,\n]{3,80}?e\.\s?V\.)", text)
    if m:
        out.append(_cand("verein", V.Parsed(V.clean(m.group(1))), pno, m.start(1), m.end(1), "prose"))
    return [c for c in out if c]


def shape_candidates(pno: int, text: str, az_patterns: list[re.Pattern[str]]) -> list[Cand]:
    out: list[Cand | None] = []
    for m in V.EMAIL.finditer(text):
        out.append(_cand("email", V.v_email(m.group(0)), pno, m.start(), m.end(), "pattern"))
    for m in re.finditer(r"\b([A-Z]{2}\s?\d{2}(?:\s?[0-9A-Z]{4}){3,7}(?:\s?[0-9A-Z]{1,3})?)\b", text):
        p = V.v_iban(m.group(0))
        if p and p.ok:
            out.append(_cand("iban", p, pno, m.start(), m.end(), "pattern", raw=m.group(0)))
    for rx in az_patterns:
        for m in rx.finditer(text):
            out.append(_cand("aktenzeichen", V.Parsed(m.group(0)), pno, m.start(), m.end(), "pattern"))
    for m in re.finditer(r"(?m)(?:^|,)[ \t]*(?:den|am)[ \t]+|^[^\W\d_][^\n,]{1,40},[ \t]+(?=\d)", text):
        r = V.parse_date_ex(text[m.end(): m.end() + 30])
        if r and r[2] == 0:
            y = text[: m.start()].count("\n") / max(1, text.count("\n"))
            out.append(_cand("antragsdatum", V.Parsed(r[0], True, r[1]), pno, m.end(), m.end() + r[3], "pattern", y))
    m = re.search(r"[A-ZÄÖÜ][\w\-]*(?: [\w\-]+){0,5} e\.\s?V\.", text)
    if m:
        out.append(_cand("verein", V.Parsed(m.group(0)), pno, m.start(), m.end(), "pattern"))
    return [c for c in out if c]


def _block_cands(pno: int, lines: list[Row], y: float, role: str) -> list[Cand]:
    """A name / street / PLZ Ort block of rows."""
    out: list[Cand | None] = []
    name_row, street_row, plz_row = lines
    a = V.parse_address(street_row.text + ", " + plz_row.text)
    nm = V.split_name(name_row.text) if name_row is not None else None
    s0, e0 = (name_row.words[0].start, name_row.words[-1].end) if name_row is not None else (0, 0)
    if nm:
        out.append(_cand("vorname", V.Parsed(nm[0]), pno, s0, e0, "header", y, role))
        out.append(_cand("nachname", V.Parsed(nm[1]), pno, s0, e0, "header", y, role))
    for k, row in (("strasse", street_row), ("plz", plz_row), ("ort", plz_row)):
        if k in a:
            out.append(_cand(k, V.Parsed(a[k]), pno, row.words[0].start, row.words[-1].end, "header", y, role))
    return [c for c in out if c]


def header_candidates(pno: int, rws: list[Row], page_h: float) -> list[Cand]:
    """Address blocks in the upper part of a page: the sender's (a letter's
    head, the return-address line above the window) or the authority's."""
    out: list[Cand] = []
    top = [r for r in rws if r.y < 0.45 * page_h]
    for k, row in enumerate(top):
        t = row.cells[0] and " ".join(w.text for w in row.cells[0])
        y = row.y / page_h
        if _PLZ_LINE.match(t) and k >= 1:
            street = " ".join(w.text for w in top[k - 1].cells[0])
            if not V.parse_address(street + ", " + t).get("strasse"):
                continue
            name_row = top[k - 2] if k >= 2 else None
            name_t = " ".join(w.text for w in name_row.cells[0]) if name_row else ""
            block = " ".join([name_t, street, t])
            role = "authority" if _AUTHORITY.search(block) else "applicant"
            ok_name = name_row if name_row is not None and _NAME_LINE.match(name_t) else None
            out += _block_cands(pno, [ok_name, top[k - 1], row], y, role)
            continue
        parts = _SENDER_SEP.split(row.text)
        if 3 <= len(parts) <= 5 and _PLZ_LINE.match(parts[-1]) and not _AUTHORITY.search(row.text):
            a = V.parse_address(parts[-2] + ", " + parts[-1])
            nm = V.split_name(parts[0]) if _NAME_LINE.match(parts[0]) else None
            if not nm:
                continue
            s, e = row.words[0].start, row.words[-1].end
            found = [("strasse", a.get("strasse")), ("plz", a.get("plz")), ("ort", a.get("ort")),
                     ("vorname", nm[0]), ("nachname", nm[1])]
            for f, v in found:
                if v:
                    c = _cand(f, V.Parsed(v), pno, s, e, "header", y, "applicant")
                    if c:
                        out.append(c)
    return out
