"""Names a clerk reads instead of ekte's internal ids: fields ("nachname"
→ "Last name" / "Nachname"), document states, the history's events, and the
review queue's reasons ("vorname: confidence 0.62 < 0.9").

Message ids are English (marked with :func:`N_` for ``make catalogs``); the
German is in ``locale/de/LC_MESSAGES/ekte.po``.  An id ekte does not know (a
plugin's field or event) is shown as it is."""

from __future__ import annotations

import re
from typing import Any, Callable

from ekte.serve.i18n import N_, gettext_for, local_time

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
    ("journal", "rebuilt"): N_("journal rebuilt"), ("journal", "field-set"): N_("field value taken over at rebuild"),
    ("archive", "archived"): N_("archived"), ("claim", "released"): N_("processing released"),
    ("claim", "taken-back"): N_("processing taken up again"),
    ("export", "exported"): N_("exported"), ("export", "already-exported"): N_("already exported"),
    ("export", "export-failed"): N_("export failed"), ("export", "grouped"): N_("grouped for export"),
    ("export", "retry"): N_("export retried"),
    ("review", "accepted"): N_("accepted"), ("review", "deferred"): N_("put back"),
    ("review", "rejected"): N_("rejected"), ("review", "field-corrected"): N_("field corrected"),
    ("review", "sample-check"): N_("sample check"), ("review", "correction-noted"): N_("correction noted"),
    ("quarantine", "retry"): N_("processed again"), ("quarantine", "retry-finished"): N_("processing again finished"),
    ("retention", "deleted"): N_("deleted after its retention period"),
    ("review", "field-dropped"): N_("field removed: the new document type does not carry it"),
    ("review", "field-confirmed"): N_("field confirmed"), ("quarantine", "released"): N_("released from quarantine"),
    ("quarantine", "requarantined"): N_("back to quarantine"), ("archive", "sample-check"): N_("chosen for a sample check"),
    ("quarantine", "closed"): N_("quarantine entry closed (archived)"),
    ("archive", "sealed"): N_("sealed"), ("archive", "timestamped"): N_("time-stamped"),
    ("archive", "xmp-skipped"): N_("metadata not written into the PDF"), ("export", "resumed"): N_("export resumed"),
    ("extract", "aktenzeichen-assigned"): N_("file reference assigned"),
    ("extract", "aktenzeichen-dropped"): N_("file reference assigned per group"),
    ("intake", "form"): N_("form field values read"),
    ("intake", "received-from"): N_("receipt date taken from the file's date"), ("intake", "moved"): N_("original moved"),
    ("intake", "note"): N_("note at intake"), ("intake", "sanitized"): N_("active content removed"),
    ("ocr", "page-ranges"): N_("text recognised in page ranges"),
    ("watch", "done"): N_("original moved to the done folder"),
}
#: the stages, for an event ekte names by a variable id (an OCR route: "PDF/A conversion (ocrmypdf-…)")
STAGE_NAMES = {"ocr": N_("text recognition / PDF/A"), "intake": N_("intake"), "archive": N_("archive"),
               "export": N_("export"), "review": N_("review"), "extract": N_("fields"), "classify": N_("document type"),
               "quarantine": N_("quarantine")}

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

#: how a value or a type was found (the history's ``method``)
METHOD_NAMES = {
    "rules": N_("rules"), "model": N_("learned model"), "label": N_("form label"), "pattern": N_("pattern in the text"),
    "form": N_("form field"), "assigned": N_("assigned by layout"), "intake": N_("given at intake"),
    "manual": N_("entered by a clerk"), "xdomea": N_("xdomea metadata"), "journal": N_("journal"),
    "file_date": N_("the file's date (migration)"),
}
#: the history's detail keys a clerk reads (others are shown as they are)
DETAIL_KEYS = {
    "confidence": N_("confidence"), "method": N_("method"), "doctype": N_("document type"), "reason": N_("reason"),
    "disposition": N_("what follows"), "until": N_("until"), "note": N_("note"), "role": N_("role"),
    "exit_code": N_("exit code"), "exit": N_("exit code"), "outcome": N_("outcome"), "code": N_("reason"),
    "state": N_("state"), "path": N_("where"),
}
#: the ids a clerk or an administrator meets in the station, by kind — roles, the reason codes of the
#: quarantine and of a stopped run, what follows a rejection, a quarantine retry's outcome: their words
#: (tests/test_station_words.py checks that every id ekte has is here)
WORDS: dict[str, dict[str, str]] = {
    "role": {"viewer": N_("statistics only"), "clerk": N_("clerk (review queue)"),
             "admin": N_("administrator"), "intake": N_("intake account (API)")},
    "code": {
        "empty": N_("empty file"), "unsupported_type": N_("file type not supported"), "broken_pdf": N_("damaged PDF"),
        "encrypted": N_("password-protected PDF"), "decompression_bomb": N_("image too large"),
        "broken_image": N_("damaged image"), "too_large": N_("file too large"), "too_many_pages": N_("too many pages"),
        "ocr_failed": N_("text recognition failed"),
        "ocr_timeout": N_("text recognition too slow"), "changed_during_read": N_("file changed while read"),
        "unreadable": N_("file not readable"), "symlink": N_("link instead of a file"),
        "active_content": N_("active content"), "internal_error": N_("internal error"),
        "hash_mismatch": N_("hash does not match"), "missing_file": N_("file missing in the package"),
        "unsafe_package": N_("unsafe package"), "bad_message": N_("unreadable delivery metadata"),
        "rejected": N_("rejected in review"), "office_failed": N_("office conversion failed"),
        "office_timeout": N_("office conversion too slow"), "bad_mail": N_("unreadable e-mail"),
        "disk_full": N_("disk full"), "permission_denied": N_("permission denied"), "read_only": N_("read-only storage"),
        "io_error": N_("storage error"), "journal_damaged": N_("journal damaged"),
        "journal_busy": N_("journal busy"), "environment": N_("machine failure"),
    },
    "disposition": {"keep": N_("kept in the archive, not exported"), "quarantine": N_("to the quarantine"),
                    "export": N_("exported all the same")},
    "outcome": {"running": N_("running"), "archived": N_("archived"), "export_failed": N_("archived, export failed"),
                "review": N_("waiting for review"), "quarantined": N_("back in quarantine"), "failed": N_("stopped"),
                "interrupted": N_("interrupted"), "crashed": N_("failed")},
}
_ROUTE = re.compile(r"route=(\S{1,80}) pages=(\d{1,6})")
_CONF = re.compile(r"confidence (\d(?:\.\d{1,6})?)")
_PART = re.compile(r", (?=[a-z_]{1,20}: )")

_NOT_FOUND = re.compile(r"([a-z_]{1,40}): not found")
_DELETED = re.compile(r"this content was deleted on (\d{4}-\d\d-\d\d) \((?:retention ended (\d{4}-\d\d-\d\d)|deleted "
                      r"before its retention ended)\); a clerk decides whether it is kept again")
_UNSURE = re.compile(r"([a-z_]{1,40}): confidence (\d\.\d{1,4}) < (\d(?:\.\d{1,4})?)")


_REASON_FIELD = re.compile(r"([a-z_]{1,40}): (?:not found|confidence |date not possible)")


def reason_fields(reasons: list[str]) -> set[str]:
    """The fields the review reasons name (:func:`ekte.stages.extract.review_reasons`): the ones to check."""
    return {m[1] for r in reasons if (m := _REASON_FIELD.match(r))}


def _tr(lang: str) -> Callable[[str], str]:
    return gettext_for(lang)


def field_title(name: str | None, lang: str) -> str:
    if not name:
        return ""
    return _tr(lang)(FIELD_TITLES[name]) if name in FIELD_TITLES else name


#: after an accept that changed the type: the fields it dropped, by title (``review accept``'s line, the page's message)
DROPPED = N_("Removed, as the new document type does not have them: {fields}.")


def dropped_titles(doc: Any, lang: str, since: str | None = None) -> list[str]:
    """The fields its last accept dropped (a type change: ``review/field-dropped``), by the review page's titles —
    names only, never their values (personal data).  *since* (an ISO time taken before the accept was called):
    nothing when that accept is older — the call only finished the export of an accept cut short (it writes no new
    ``accepted``), so the fields were not dropped now.  An event without a readable field name is left out: the
    accept has happened, its line must not fail."""
    import datetime as dt
    import json

    out: list[str] = []
    for e in reversed(doc.history):
        if e.stage == "review" and e.event == "accepted":
            try:
                if since is not None and dt.datetime.fromisoformat(e.time) < dt.datetime.fromisoformat(since):
                    return []
            except (TypeError, ValueError):
                return []
            break
        if e.stage == "review" and e.event == "field-dropped":
            try:
                name = json.loads(e.detail or "{}").get("field")
            except (ValueError, AttributeError):
                continue
            if isinstance(name, str) and name:
                out.append(field_title(name, lang))
    else:
        return []  # no accept in its history
    return out[::-1]


def state_name(state: str | None, lang: str) -> str:
    if not state:
        return ""
    return _tr(lang)(STATE_NAMES[state]) if state in STATE_NAMES else state


def event_name(stage: str, event: str, lang: str, forced: Any = False) -> str:
    """An event in words; *forced* (the history's key of a deletion with ``--force``) tells a deletion before
    the end of its retention period from one after it."""
    if (stage, event) == ("retention", "deleted") and forced is True:
        return _tr(lang)(N_("deleted before its retention ended"))
    msgid = EVENT_NAMES.get((stage, event))
    if msgid:
        return _tr(lang)(msgid)
    return f"{_tr(lang)(STAGE_NAMES[stage])} ({event})" if stage in STAGE_NAMES else f"{stage} · {event}"


def word(kind: str, value: str | None, lang: str) -> str:
    """The words for an id of :data:`WORDS` (an unknown one as it is)."""
    msgid = WORDS.get(kind, {}).get(value or "")
    return _tr(lang)(msgid) if msgid else (value or "")


def stat_value(key: str, value: str | None, lang: str, title: Callable[[str], str] = str) -> str:
    """A value of the statistics' column *key* (a type by its title)."""
    if key == "type":
        return title(value or "") or (value or "–")
    if key in ("week", "month") and value:  # KW 49/2026, 12/2026 (words36, fresh35 F10)
        from ekte.stats import period_text

        return period_text(key, value, lang)
    if key == "day" and value and re.fullmatch(r"\d{4}-\d\d-\d\d", value):  # a day as DD.MM.YYYY (ux7)
        return f"{value[8:10]}.{value[5:7]}.{value[:4]}"
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
    if m := _DELETED.fullmatch(reason):
        return _deleted_text(m, lang)
    if m := _NOT_FOUND.fullmatch(reason):
        return _tr(lang)(N_("{field}: not found")).format(field=field_title(m[1], lang))
    if m := _UNSURE.fullmatch(reason):
        return _tr(lang)(N_("{field}: unsure ({confidence}, needed {threshold})")).format(
            field=field_title(m[1], lang), confidence=percent(float(m[2]), lang),
            threshold=percent(float(m[3]), lang))
    return reason


def _deleted_text(m: re.Match[str], lang: str) -> str:
    """Content deleted by retention came in again (:func:`ekte.evidence.retention.deleted_reason`)."""
    tr = _tr(lang)
    day = (lambda iso: f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}") if lang == "de" else (lambda iso: iso)
    why = tr(N_("retention ended {date}")).format(date=day(m[2])) if m[2] else \
        tr(N_("deleted before its retention ended"))
    return tr(N_("this content was deleted on {date} ({why}); decide whether it is kept again")).format(
        date=day(m[1]), why=why)


def method_name(method: str | None, lang: str) -> str:
    """How a value was found ("label+pattern" → "Beschriftung im Formular + Muster im Text")."""
    return " + ".join(_tr(lang)(METHOD_NAMES[v]) if v in METHOD_NAMES else v for v in (method or "").split("+") if v)


def actor_name(actor: str | None, lang: str) -> str:
    """Who did it: a user's name, or "System" (with the command that acted: "System (ekte ingest)")."""
    if not actor or actor == "system":
        return _tr(lang)(N_("System"))
    if actor.startswith("system: "):
        return f"{_tr(lang)(N_('System'))} ({actor[8:]})"
    return actor


_STOPPED = re.compile(r"the retry stopped \(exit (-?\d{1,4})\)")
#: an export's note: an xdomea/xaip container checked against its XSD or not (fresh32 F8: English in German history)
_VALIDATED = re.compile(r"(\S{1,80}) (validated|not validated \(no schema_dir\))")


def detail_text(e: dict, lang: str, title: Callable[[str], str] | None = None,
                reasons: dict[str, Any] | None = None) -> str:
    """An event's detail in words (the JSON keeps the raw form): the channel by its name, the OCR route as
    what happened to the text, "confidence: 0.82, method: rules" as "Sicherheit: 82 %, Verfahren: Regeln",
    a reason code, a rejection's reason (by the profile's *reasons*) and what follows it in words; an entry a
    rebuilt journal took over from the old one says so first."""
    text = _detail_text(e, lang, title, reasons)
    if not e.get("taken_over"):
        return text
    return _tr(lang)(N_("taken over from the old journal")) + (f"; {text}" if text else "")


def _detail_text(e: dict, lang: str, title: Callable[[str], str] | None = None,
                 reasons: dict[str, Any] | None = None) -> str:
    from ekte.serve.i18n import percent

    tr, detail = _tr(lang), e.get("detail") or ""
    if (e.get("stage"), e.get("event")) == ("intake", "channel"):
        return stat_value("channel", detail, lang)
    if detail in WORDS["code"]:  # a quarantine's reason code alone
        return word("code", detail, lang)
    if m := _STOPPED.fullmatch(detail):
        return tr(N_("the retry stopped (exit code {code})")).format(code=m[1])
    if m := _VALIDATED.fullmatch(detail):
        return f"{m[1]}: " + tr(N_("validated against its XML schema") if m[2] == "validated"
                                else N_("not validated (no schema_dir set)"))
    if m := _ROUTE.fullmatch(detail):
        how = (N_("kept as delivered (no PDF/A)") if m[1] == "original" else N_("text recognised (OCR)")
               if m[1].startswith("ocrmypdf") else N_("the file's own text kept"))
        return f"{tr(how)}, " + tr(N_("{n} page(s)")).format(n=m[2])
    if m := _CONF.fullmatch(detail):
        return f"{tr(DETAIL_KEYS['confidence'])}: {percent(float(m[1]), lang)}"
    parts = []
    for part in _PART.split(detail):
        key, sep, value = part.partition(": ")
        if not sep or key not in DETAIL_KEYS:
            parts.append(part)
            continue
        parts.append(f"{tr(DETAIL_KEYS[key])}: {_detail_value(key, value, lang, title, reasons)}")
    return ", ".join(parts)


def _detail_value(key: str, value: str, lang: str, title: Callable[[str], str] | None,
                  reasons: dict[str, Any] | None) -> str:
    from ekte.serve.i18n import local_time, percent

    if key == "confidence":
        return percent(float(value), lang) if re.fullmatch(r"\d(?:\.\d{1,6})?", value) else value
    if key == "method":
        return method_name(value, lang)
    if key == "doctype" and title is not None:
        return title(value) or value
    if key == "until":
        return local_time(value) or value
    if key == "reason" and reasons and value in reasons:
        return getattr(reasons[value], "title", None) or value
    if key == "state":
        return state_name(value, lang)
    kind = {"disposition": "disposition", "outcome": "outcome", "code": "code"}.get(key)
    return word(kind, value, lang) if kind else value


def change_pair(e: dict, title: Callable[[str], str] | None = None) -> tuple[str, str] | None:
    """(old, new) of an event as shown (None when it changed no value); a document type by its title."""
    if e.get("old") is None and e.get("new") is None:
        return None
    is_type = not e.get("field") and e.get("stage") in ("classify", "review") and title is not None
    is_time = (e.get("stage"), e.get("event")) == ("intake", "received-from")  # the file's date, as a clerk reads it

    def shown(v: str | None) -> str:
        if v is None:
            return "–"
        return local_time(v) if is_time else ((title(v) or v) if is_type and title else str(v))

    return shown(e.get("old")), shown(e.get("new"))


def change_text(e: dict, title: Callable[[str], str] | None = None) -> str:
    """"old → new" of an event, "" when it changed no value."""
    pair = change_pair(e, title)
    return "" if pair is None else f"{pair[0]} → {pair[1]}"
