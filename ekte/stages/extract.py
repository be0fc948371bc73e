"""Extract: metadata fields from the text, each with a value, a
confidence and where it was found.

Every registered extractor (hook ``ekte_extractors``) is asked; for each
field the value with the highest confidence wins.  This module holds the
pattern extractor for Aktenzeichen and dates that ingest needs."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Protocol

from ekte.model import Field

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile


class Extractor(Protocol):
    name: str

    def extract(self, doc: "Document", profile: "Profile") -> dict[str, Field]: ...


MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}
_DATE_NUM = re.compile(r"(?<![\d.])(\d{1,2})\s?\.\s?(\d{1,2})\s?\.\s?(\d{4}|\d{2})(?![\d])")
_DATE_TXT = re.compile(r"(?<!\d)(\d{1,2})\.\s*(" + "|".join(MONTHS) + r")\s+(\d{4})", re.IGNORECASE)


def parse_date(s: str) -> str | None:
    """A German date ("02.02.2025", "2.2.25", "2. Februar 2025") as DD.MM.YYYY, or None."""
    m = _DATE_NUM.search(s) or None
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _DATE_TXT.search(s)
        if not m:
            return None
        d, mo, y = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    if y < 100:
        y += 2000 if y < 70 else 1900
    try:
        return dt.date(y, mo, d).strftime("%d.%m.%Y")
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[str, int, int]]:
    out = []
    for rx in (_DATE_NUM, _DATE_TXT):
        for m in rx.finditer(text):
            v = parse_date(m.group(0))
            if v:
                out.append((v, m.start(), m.end()))
    return sorted(out, key=lambda x: x[1])


_RECEIVED = re.compile(r"(eingegangen(?:\s+am)?|eingang(?:sdatum)?|posteingang)\s*[:.]?\s*", re.IGNORECASE)
_APPLIED = re.compile(r"(antragsdatum|datum(?:\s+des\s+antrags)?|,\s*den)\s*[:.]?\s*", re.IGNORECASE)


def _date_after(label: re.Pattern[str], text: str, window: int = 40) -> tuple[str, int, int] | None:
    for m in label.finditer(text):
        seg = text[m.end(): m.end() + window]
        for v, s, e in find_dates(seg):
            return v, m.end() + s, m.end() + e
    return None


class PatternExtractor:
    name = "patterns"

    def __init__(self) -> None:
        self._az: tuple[int, list[re.Pattern[str]], re.Pattern[str]] | None = None

    def _az_rx(self, profile: "Profile") -> tuple[list[re.Pattern[str]], re.Pattern[str]]:
        if self._az is None or self._az[0] != id(profile):
            pats = [re.compile(p) for p in profile.extract.aktenzeichen_patterns]
            labels = re.compile(
                r"(?:" + "|".join(re.escape(x) for x in profile.extract.aktenzeichen_labels) + r")\s*[:.]?\s*",
                re.IGNORECASE,
            )
            self._az = (id(profile), pats, labels)
        return self._az[1], self._az[2]

    def extract(self, doc: "Document", profile: "Profile") -> dict[str, Field]:
        fields: dict[str, Field] = {}
        pats, labels = self._az_rx(profile)
        for pno, text in enumerate(doc.page_texts, start=1):
            if "aktenzeichen" not in fields:
                for lm in labels.finditer(text):
                    seg = text[lm.end(): lm.end() + 40]
                    for rx in pats:
                        m = rx.search(seg)
                        if m and m.start() < 3:
                            fields["aktenzeichen"] = Field(m.group(0), 0.95, pno, (lm.end() + m.start(), lm.end() + m.end()), "label")
                            break
                    if "aktenzeichen" in fields:
                        break
            if "aktenzeichen" not in fields:
                for rx in pats:
                    m = rx.search(text)
                    if m:
                        fields["aktenzeichen"] = Field(m.group(0), 0.8, pno, (m.start(), m.end()), "pattern")
                        break
            if "eingangsdatum" not in fields:
                r = _date_after(_RECEIVED, text)
                if r:
                    fields["eingangsdatum"] = Field(r[0], 0.9, pno, (r[1], r[2]), "label")
            if "antragsdatum" not in fields:
                r = _date_after(_APPLIED, text)
                if r:
                    fields["antragsdatum"] = Field(r[0], 0.85, pno, (r[1], r[2]), "label")
        return fields


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
