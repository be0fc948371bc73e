"""Values a clerk types: checked before they are stored.

The extraction validators (:data:`ekte.stages.extract.VALIDATORS`) repair
what OCR confuses (0/O, 1/I, …); a typed value is not OCR output, so here
a value must be right as typed (apart from spaces and letter case):
real dates, IBAN checksum, five-digit PLZ, the FIN alphabet, number-plate
syntax.  The messages are English msgids with ``{placeholders}``, turned
into German or English by the caller (:mod:`ekte.serve.i18n`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from ekte.profile import FIELD_NAMES

DATE_FIELDS = ("geburtsdatum", "antragsdatum", "eingangsdatum")
MAX_LEN = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class FieldInvalid(Exception):
    """A typed value that is refused: *msgid* with *params* says why."""

    field: str
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:  # English, for logs and the plain API
        return f"{self.field}: " + self.msgid.format(**self.params)


def _date(value: str) -> str:
    from ekte.stages.extract import parse_date_ex

    v = value.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", v)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).strftime("%d.%m.%Y")
        except ValueError:
            raise FieldInvalid("", "'{value}' is not a real date (DD.MM.YYYY)", {"value": v}) from None
    r = parse_date_ex(v) if re.fullmatch(r"\d{1,2}\.\d{1,2}\.(\d{2}|\d{4})", v) else None
    if r is None or r[1] or (r[2], r[3]) != (0, len(v)):
        raise FieldInvalid("", "'{value}' is not a real date (DD.MM.YYYY)", {"value": v})
    return r[0]


def _iban(value: str) -> str:
    from stdnum import iban
    from stdnum.exceptions import InvalidChecksum, ValidationError

    compact = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact):
        raise FieldInvalid("", "'{value}' is not an IBAN", {"value": value.strip()})
    try:
        iban.validate(compact)
    except InvalidChecksum:
        raise FieldInvalid("", "the IBAN's check digits do not match (a typing error?)") from None
    except ValidationError:
        raise FieldInvalid("", "'{value}' is not an IBAN", {"value": value.strip()}) from None
    return compact


def _plz(value: str) -> str:
    v = value.strip()
    if not re.fullmatch(r"\d{5}", v):
        raise FieldInvalid("", "a postcode (PLZ) has exactly five digits")
    return v


def _fin(value: str) -> str:
    from ekte.stages.extract import VALIDATORS

    v = re.sub(r"\s", "", value).upper()
    p = VALIDATORS["fin"](v)
    if len(v) != 17 or p is None or not p.ok or p.repaired or p.value != v:
        raise FieldInvalid("", "a vehicle identification number (FIN) has 17 characters: A–Z without I, O, Q; 0–9")
    return v


def _by_validator(name: str, msgid: str):  # noqa: ANN202 - a small factory
    def check(value: str) -> str:
        from ekte.stages.extract import VALIDATORS

        v = value.strip()
        p = VALIDATORS[name](v)
        if p is None or not p.ok or p.repaired or re.sub(r"[\s\-]", "", p.value).upper() != \
                re.sub(r"[\s\-]", "", v).upper():
            raise FieldInvalid("", msgid, {"value": v})
        return p.value

    return check


CHECKS = {
    **{f: _date for f in DATE_FIELDS},
    "iban": _iban,
    "plz": _plz,
    "fin": _fin,
    "kennzeichen": _by_validator("kennzeichen", "'{value}' is not a number plate (such as AB-CD 123)"),
    "email": _by_validator("email", "'{value}' is not an e-mail address"),
    "evb": _by_validator("evb", "an eVB number has 7 letters or digits"),
    "flur": _by_validator("flur", "a Flur is a number"),
    "flurstueck": _by_validator("flurstueck", "a Flurstück is a number, or two numbers with a slash"),
}


def check_value(name: str, value: str) -> str:
    """The value to store for field *name* as typed (normalised: dates as
    DD.MM.YYYY, IBAN and FIN compact and upper case), or FieldInvalid.
    An empty value removes the field (returned as "")."""
    if name not in FIELD_NAMES:
        raise FieldInvalid(name, "unknown field '{field}'", {"field": name})
    v = (value or "").strip()
    if not v:
        return ""
    if len(v) > MAX_LEN or _CONTROL.search(v):
        raise FieldInvalid(name, "the value is too long or contains control characters")
    check = CHECKS.get(name)
    if check is None:
        return re.sub(r"\s+", " ", v)
    try:
        out = check(v)
    except FieldInvalid as e:
        e.field = name
        raise
    if name == "geburtsdatum" and dt.datetime.strptime(out, "%d.%m.%Y").date() > dt.date.today():
        raise FieldInvalid(name, "a date of birth cannot be in the future")
    return out


def check_values(sets: dict[str, str]) -> tuple[dict[str, str], list[FieldInvalid]]:
    """Every value of *sets* checked: (the normalised values, the errors)."""
    ok: dict[str, str] = {}
    bad: list[FieldInvalid] = []
    for k, v in sets.items():
        try:
            ok[k] = check_value(k, v)
        except FieldInvalid as e:
            bad.append(e)
    return ok, bad
