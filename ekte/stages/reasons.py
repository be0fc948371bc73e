"""Why a person must look at a document's fields (:func:`review_reasons`),
apart from extraction: the coordinator asks it for every result, and
importing :mod:`ekte.stages.extract` (its lexicon, rapidfuzz, stdnum, the
candidate finders: ≈ 75 ms CPU) only for this cost every run that (issue
12).  Standard library only; :mod:`ekte.stages.extract` gives these names
too, and its date checks use :func:`impossible_date`."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile

#: methods whose values need no review: a form's data, delivered, typed by a clerk, assigned
TRUSTED = ("form", "intake", "manual", "assigned", "given")
#: the fields that are dates of the document's person or of its intake
DATES = ("geburtsdatum", "antragsdatum", "eingangsdatum")
#: a date of birth at most this many years before the intake
MAX_AGE = 120


def day(value: str) -> dt.date | None:
    """A ``DD.MM.YYYY`` value as a date (None: not one, or no such day)."""
    m = re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", value or "")
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None
    except ValueError:
        return None


def impossible_date(field: str, value: str, intake: dt.date | None) -> bool:
    """A date that cannot be: received or applied for after the intake, born on or after it or
    more than :data:`MAX_AGE` years before it."""
    d = day(value)
    if intake is None or field not in DATES or d is None:
        return False
    if field == "geburtsdatum":
        return d >= intake or d.year < intake.year - MAX_AGE
    return d > intake + dt.timedelta(days=1)  # a day's grace: the intake clock vs the stamp's day


def intake_day(doc: "Document") -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(doc.received).date()
    except (TypeError, ValueError):
        return None


def review_reasons(doc: "Document", profile: "Profile") -> list[str]:
    """Why a person must look at this document's fields: every needed field
    (``doctypes.<type>.required``, else ``extract.required``) that was not
    found or is below ``extract.auto_threshold``.  A missing Aktenzeichen is
    no reason (one is assigned); a missing field of a document with a sure
    Aktenzeichen neither (it is filed into its case); nor are the fields delivered with a
    document's metadata (xdomea, portal, separator sheets, API: the sending system is the
    authority for them) — nor, when it delivered fields, one it has none for.  A type the
    sender gave settles the type only: values ekte read itself are checked as any document's
    (fresh30 G13).  ``auto_threshold = 0`` turns field review off.  No values in the reasons."""
    method = doc.classification.method if doc.classification is not None else None
    if method == "manual":  # a clerk decided the document
        return []
    if profile.extract.auto_threshold <= 0:
        return []
    dtype = profile.doctypes.get(doc.doctype or "")
    needed = dtype.required if dtype is not None and dtype.required is not None else profile.extract.required
    auto = profile.extract.auto_threshold
    az = doc.fields.get("aktenzeichen")
    # a sure Aktenzeichen files the document into its case: a field it does not carry is no reason
    sender_fields = bool((doc.extra.get("given") or {}).get("fields"))
    filed = az is not None and (az.method in TRUSTED or az.confidence >= auto) and az.method != "assigned"
    reasons = []
    for name in needed:
        f = doc.fields.get(name)
        if f is None:
            if name != "aktenzeichen" and not filed and not (method == "given" and sender_fields):
                reasons.append(f"{name}: not found")
        elif f.method not in TRUSTED and f.confidence < auto:
            reasons.append(f"{name}: confidence {f.confidence:.2f} < {auto:g}")
    day = intake_day(doc)
    for name, f in doc.fields.items():  # a date that cannot be is never exported unchecked, needed or not
        if f.method not in TRUSTED and impossible_date(name, str(f.value), day):
            reasons.append(f"{name}: date not possible for a document received on {day:%d.%m.%Y}")
    return reasons
