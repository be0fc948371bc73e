"""Names a clerk reads instead of ekte's internal ids: fields ("nachname"
→ "Last name" / "Nachname"), document states, the history's events, and the
review queue's reasons ("vorname: confidence 0.62 < 0.9").

Message ids are English (marked with :func:`N_` for ``make catalogs``); the
German is in ``locale/de/LC_MESSAGES/ekte.po``.  An id ekte does not know (a
plugin's field or event) is shown as it is."""

from __future__ import annotations

import re
from typing import Callable

from ekte.serve.i18n import N_, gettext_for

FIELD_TITLES = {
    "vorname": N_("First name(s)"), "nachname": N_("Last name"), "geburtsdatum": N_("Date of birth"),
    "strasse": N_("Street and number"), "plz": N_("Postcode"), "ort": N_("Town"),
    "aktenzeichen": N_("File reference"), "antragsdatum": N_("Date of application"),
    "eingangsdatum": N_("Date received"), "kennzeichen": N_("Number plate"), "fin": N_("Vehicle id number (FIN)"),
    "evb": N_("Insurance confirmation (eVB)"), "iban": N_("IBAN"), "gemarkung": N_("Cadastral district"),
    "flur": N_("Flur"), "flurstueck": N_("Plot (Flurstück)"), "verein": N_("Club"), "betrag_eur": N_("Amount (EUR)"),
    "telefon": N_("Telephone"), "email": N_("E-mail address"),
}

STATE_NAMES = {
    "received": N_("in progress"), "archived": N_("archived (export pending)"), "exported": N_("exported"),
    "review": N_("waiting for review"), "quarantined": N_("quarantined"), "rejected": N_("rejected"),
    "duplicate": N_("duplicate"), "export_failed": N_("archived, export failed"), "deleted": N_("deleted"),
}

EVENT_NAMES = {
    ("intake", "received"): N_("received"), ("intake", "channel"): N_("intake channel"),
    ("intake", "duplicate"): N_("recognised as a duplicate"), ("intake", "quarantined"): N_("quarantined at intake"),
    ("ocr", "done"): N_("text recognised"), ("ocr", "pdfa"): N_("converted to PDF/A"),
    ("ocr", "quarantined"): N_("quarantined: text recognition or PDF/A failed"),
    ("classify", "classified"): N_("document type recognised"), ("classify", "review"): N_("type uncertain: to review"),
    ("extract", "extracted"): N_("fields read"), ("extract", "field-set"): N_("field set"),
    ("archive", "archived"): N_("archived"), ("claim", "released"): N_("processing released"),
    ("export", "exported"): N_("exported"), ("export", "already-exported"): N_("already exported"),
    ("export", "export-failed"): N_("export failed"), ("export", "grouped"): N_("grouped for export"),
    ("export", "retry"): N_("export retried"),
    ("review", "accepted"): N_("accepted"), ("review", "deferred"): N_("put back"),
    ("review", "rejected"): N_("rejected"), ("review", "field-corrected"): N_("field corrected"),
    ("review", "sample-check"): N_("sample check"), ("review", "correction-noted"): N_("correction noted"),
    ("quarantine", "retry"): N_("processed again"), ("quarantine", "retry-finished"): N_("processing again finished"),
    ("retention", "deleted"): N_("deleted after its retention period"),
}

#: the values of the statistics' channel and outcome columns (:mod:`ekte.stats`)
STAT_NAMES = {
    "scan": N_("scan"), "file": N_("file"), "portal": N_("portal"), "xdomea": N_("xdomea import"), "api": N_("API"),
    "mail": N_("mail"), "unknown": N_("unknown"), "exported": N_("exported"), "review": N_("review"),
    "quarantined": N_("quarantined"), "archived": N_("archived (export pending)"), "rejected": N_("rejected"),
    "released": N_("released"), "in_progress": N_("in progress"), "∑": N_("documents"),
}
#: the statistics' grouping keys as column headings
KEY_NAMES = {"day": N_("Day"), "week": N_("Week"), "month": N_("Month"), "type": N_("Document type"),
             "channel": N_("Channel"), "outcome": N_("Outcome")}

_NOT_FOUND = re.compile(r"([a-z_]{1,40}): not found")
_UNSURE = re.compile(r"([a-z_]{1,40}): confidence (\d\.\d{1,4}) < (\d(?:\.\d{1,4})?)")


def _tr(lang: str) -> Callable[[str], str]:
    return gettext_for(lang)


def field_title(name: str | None, lang: str) -> str:
    if not name:
        return ""
    return _tr(lang)(FIELD_TITLES[name]) if name in FIELD_TITLES else name


def state_name(state: str | None, lang: str) -> str:
    if not state:
        return ""
    return _tr(lang)(STATE_NAMES[state]) if state in STATE_NAMES else state


def event_name(stage: str, event: str, lang: str) -> str:
    msgid = EVENT_NAMES.get((stage, event))
    return _tr(lang)(msgid) if msgid else f"{stage} · {event}"


def stat_value(key: str, value: str | None, lang: str, title: Callable[[str], str] = str) -> str:
    """A value of the statistics' column *key* (a type by its title)."""
    if key == "type":
        return title(value or "") or (value or "–")
    if key in ("channel", "outcome") and value in STAT_NAMES:
        return _tr(lang)(STAT_NAMES[value])
    return value or "–"


def key_name(key: str, lang: str) -> str:
    return _tr(lang)(KEY_NAMES[key]) if key in KEY_NAMES else key


def reason_text(reason: str, lang: str) -> str:
    """One review reason of :func:`ekte.stages.extract.review_reasons` in *lang*."""
    from ekte.pipeline.steps import SAMPLE_REASON
    from ekte.serve.i18n import percent

    if reason == SAMPLE_REASON:
        return _tr(lang)(N_("Sample check (Stichprobe): compare the scan with the paper"))
    if m := _NOT_FOUND.fullmatch(reason):
        return _tr(lang)(N_("{field}: not found")).format(field=field_title(m[1], lang))
    if m := _UNSURE.fullmatch(reason):
        return _tr(lang)(N_("{field}: unsure ({confidence}, needed {threshold})")).format(
            field=field_title(m[1], lang), confidence=percent(float(m[2]), lang),
            threshold=percent(float(m[3]), lang))
    return reason
