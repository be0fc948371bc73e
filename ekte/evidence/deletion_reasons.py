"""Why a document was deleted (fresh38 F4): a fixed list of reasons, as a records manager's deletion log
(Löschprotokoll) and a disposal list (Aussonderung) name them, instead of free text that may name the person.
The reason is kept for ever — in the tombstone, its chained ``retention/deleted`` entry and
``deleted/<id>.json`` — as its code, with an optional short note: ``"<code>"`` or ``"<code>: <note>"``.  A note
that looks like personal data (a date, a postcode, an e-mail address, an IBAN, a street and number, a telephone
number, or a word of the document's own field values) is refused.  A reason recorded before the list existed
(free text) is shown as it is."""

from __future__ import annotations

import re
from typing import Any, Iterable

from ekte.errors import ConfigError
from ekte.serve.i18n import N_

#: the reasons: code → English words (German in the station's catalog, ``ekte/serve/locale``)
REASONS: dict[str, str] = {
    "retention_ended": N_("retention period ended"),
    "archive_released": N_("retention period ended, released for destruction by the responsible archive "
                           "(not of archival value)"),
    "erasure_request": N_("erasure at the data subject's request (Art. 17 GDPR)"),
    "purpose_ended": N_("no longer needed for its purpose (Art. 17(1)(a) GDPR)"),
    "consent_withdrawn": N_("consent withdrawn (Art. 17(1)(b) GDPR)"),
    "unlawful": N_("processed unlawfully (Art. 17(1)(d) GDPR)"),
    "wrong_capture": N_("captured in error / duplicate"),
    "misdirected": N_("misdirected: not ours, passed on to the competent authority"),
    "order": N_("order (court, supervisory authority, superior)"),
}
#: the longest note kept beside the code
NOTE_MAX = 120

_PERSONAL = (
    (re.compile(r"\b\d{1,2}\.\d{1,2}\.(\d{2}|\d{4})\b|\b\d{4}-\d{2}-\d{2}\b"), "a date"),
    (re.compile(r"\S@\S"), "an e-mail address"),
    (re.compile(r"\b[A-Z]{2}\d{2}(?: ?[0-9A-Z]{4}){3,}", re.I), "an IBAN"),
    (re.compile(r"(?<![\d.])\d{5}(?![\d.])"), "a postcode"),
    (re.compile(r"\d[\d /-]{6,}\d"), "a telephone or other number"),
    (re.compile(r"(stra(ss|ß)e|str\.|weg|platz|allee|gasse|ring|damm)\s*\d", re.I), "a street and number"),
)


def reason_text(code: str, note: str | None = None) -> str:
    """The reason as it is recorded: the code, or ``code: note`` (*code* and *note* checked)."""
    code = (code or "").strip()
    if code not in REASONS:
        raise ConfigError(f"--reason {code or '(none)'}: choose one of {', '.join(REASONS)} "
                          "(ekte retention delete --help says what each means)")
    note = " ".join((note or "").split())
    if not note:
        return code
    if len(note) > NOTE_MAX:
        raise ConfigError(f"--note: at most {NOTE_MAX} characters (it is kept for ever: no person, address or file)")
    for rx, what in _PERSONAL:
        if rx.search(note):
            raise ConfigError(f"--note looks like it holds {what}: it is kept for ever in the audit trail — "
                              "name no person, address, date or file")
    return f"{code}: {note}"


def note_personal(workdir: Any, row: Any, reason: str) -> bool:
    """Whether the note of *reason* names a word of the field values in the document's (*row*, the journal's)
    ``metadata.json`` — every archive folder of its id."""
    import json
    from pathlib import Path

    if ": " not in reason:
        return False
    values: list[Any] = []
    for folder in Path(workdir).glob(f"archive/*/{row['id']}"):
        try:
            fields = json.loads((folder / "metadata.json").read_text("utf-8")).get("fields") or {}
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(fields, dict):
            values += [f.get("value") if isinstance(f, dict) else f for f in fields.values()]
    return note_names_values(reason, values)


def note_names_values(reason: str, values: Iterable[Any]) -> bool:
    """Whether the note of *reason* holds a word (4 letters or more) of the document's own field *values* — a
    name, a street, a town: personal data the deletion removes everywhere else."""
    _code, sep, note = reason.partition(": ")
    if not sep:
        return False
    words = {w.casefold() for v in values if isinstance(v, str) for w in re.findall(r"\w{4,}", v)}
    return any(w.casefold() in words for w in re.findall(r"\w{4,}", note))


def split(reason: str | None) -> tuple[str | None, str]:
    """(code, note) of a recorded reason; (None, the text) for one from before the list (free text)."""
    text = str(reason or "")
    code, sep, note = text.partition(": ")
    if code in REASONS:
        return code, note if sep else ""
    return None, text


def words(reason: str | None, lang: str) -> str:
    """A recorded reason in the reader's words ("Aufbewahrungsfrist abgelaufen — <note>"); free text as it is."""
    from ekte.serve.i18n import gettext_for

    code, note = split(reason)
    if code is None:
        return note
    text = gettext_for(lang)(REASONS[code])
    return f"{text} — {note}" if note else text
