"""The station's error pages in the reader's language.

The pipeline's refusals (:class:`ekte.errors.ConfigError`: no such id,
not waiting for review, busy, …) and a few of the web layer's own
(``HTTPException(404)``, "forbidden", the CSRF check) are English; the
command line and the JSON API keep them so.  An error *page* of the
station shows them in German (or English with the English UI): the
known messages by pattern, with their values; anything else by its
HTTP status in words, the original text kept in a folded "technical
detail" for IT."""

from __future__ import annotations

import http
import re
from typing import Any, Callable

from ekte.serve.i18n import N_, gettext_for

_ID = r"([0-9a-f]{4,64})"
#: (pattern of the English message, its message id with the pattern's groups as {a}, {b}, …)
KNOWN: list[tuple[re.Pattern[str], str]] = [(re.compile(p), m) for p, m in (
    (r"'(.{0,80})' is not a document id \(at least 4 hexadecimal digits\)",
     N_("„{a}“ is not a document id (it has at least 4 hexadecimal digits).")),
    (r"no document with id (.{1,80})", N_("There is no document with the id {a}.")),
    (r"the id (\S{1,80}) is ambiguous \((.{0,200})\): give more digits",
     N_("The id {a} fits more than one document ({b}): give more digits.")),
    (rf"document {_ID} is being worked on by another ekte process.{{0,300}}",
     N_("Document {a} is being worked on by another ekte process; try again in a moment.")),
    (rf"document {_ID} is not waiting for review \(state: (\w{{1,30}})\)",
     N_("Document {a} is not waiting for review (it is: {b}).")),
    (rf"document {_ID} is not in quarantine \(state: (\w{{1,30}})\)",
     N_("Document {a} is not in the quarantine (it is: {b}).")),
    (rf"document {_ID}: the quarantine holds no original to process again",
     N_("Document {a}: the quarantine holds no original to process again.")),
    (rf"document {_ID} is being processed again already", N_("Document {a} is being processed again already.")),
    (r"a release needs a note", N_("A release needs a note.")),
    (rf"document {_ID}: its archive folder is damaged \((.{{1,2000}})\); nothing was written — ekte verify {_ID} "
     r"names what broke", N_("Document {a}: its archive folder no longer holds what was archived ({b}); nothing was "
                             "changed. „ekte verify {c}“ names what broke.")),
    (r"unknown document type '(.{0,200})' \(known: .{0,2000}\)", N_("„{a}“ is not a document type of this profile.")),
    (r"unknown reason '(.{0,200})' \(known: .{0,2000}\)", N_("„{a}“ is not a reason for rejecting of this profile.")),
    (rf"document {_ID} was not chosen for a sample check", N_("Document {a} was not chosen for a sample check.")),
    (r"a document is put back until a time in the future, not .{0,60}",
     N_("A document is put back until a time in the future.")),
    (r"forbidden", N_("Your role may not do this.")),
    (r"CSRF check failed", N_("The form was too old or came from elsewhere: load the page again and send it once "
                              "more.")),
    (r"invalid token", N_("The access token is not valid.")),
    (r"internal error", N_("Something went wrong inside ekte. It is logged (without personal data); try again, or "
                           "tell IT.")),
)]

#: one field of the JSON API's 422 for values of fields the document's type does not define
NOT_A_FIELD = N_("not a field of the document type „{title}“")

#: an error by its status alone (the detail was not one of :data:`KNOWN`)
BY_STATUS = {
    400: N_("The request could not be carried out."), 401: N_("Please log in."),
    403: N_("Your role may not do this."), 404: N_("This page or document does not exist."),
    405: N_("This address does not take that kind of request."),
    409: N_("The document is not in a state that allows this (or someone else is working on it)."),
    413: N_("The file is too large."), 422: N_("The values given could not be taken."),
    500: N_("Something went wrong inside ekte. It is logged (without personal data); try again, or tell IT."),
}
OTHER = N_("The request could not be carried out.")

#: messages the command line says more exactly than a page (what to type; a time in the user's local form)
CLI_KNOWN: list[tuple[re.Pattern[str], str]] = [(re.compile(p), m) for p, m in (
    (r"unknown document type '(.{0,200})' \(known: (.{0,2000})\)",
     N_("„{a}“ is not a document type of this profile (known: {b}).")),
    (r"unknown reason '(.{0,200})' \(known: (.{0,2000})\)",
     N_("„{a}“ is not a reason for rejecting of this profile (known: {b}).")),
    (r"a document is put back until a time in the future, not (\S{1,60}) \(UTC\)",
     N_("A document is put back until a time in the future, not until {a}.")),
    (rf"document {_ID} was chosen for a sample check \(Stichprobe\).{{0,300}}",
     N_("Document {a} was chosen for a sample check (Stichprobe): compare the scan with the paper and give the result "
        "(--sample matches or --sample differs).")),
    (rf"document {_ID}: the scan differs from the paper \(recorded\).{{0,300}}",
     N_("Sample check of {a}: the scan differs from the paper. This is recorded in the history; the document was not "
        "accepted. Reject it and scan the paper again.")),
    (r"--sample: 'matches' or 'differs', not (.{0,80})", N_("--sample: matches or differs, not {a}.")),
    (rf"document {_ID}: the sample check found that the scan differs from the paper.{{0,300}}",
     N_("Document {a}: the sample check found that the scan differs from the paper; that result is final, the scan is "
        "not accepted. Reject it and scan the paper again.")),
    (r"fields not defined for the document type '(.{0,200})' \((\S{1,80})\): (.{1,2000}) \(its fields: (.{0,2000})\)",
     N_("The document type „{a}“ has no such field: {c} (its fields: {d}).")),
    (rf"document {_ID} was changed meanwhile by (.{{1,300}}): load it again",
     N_("Document {a} was changed meanwhile by {b}: look at it again (ekte review show) — nothing was saved.")),
)]


def page_message(message: str, status: int, lang: str,
                 state_name: Callable[[str, str], str] | None = None) -> tuple[str, str | None]:
    """(what the page says, the original text as a technical detail or None) for an English *message*."""
    tr = gettext_for(lang)
    for pattern, msgid in KNOWN:
        if m := pattern.fullmatch(message.strip()):
            values = list(m.groups())
            if state_name is not None and "(it is: {b})" in msgid:
                values[1] = state_name(values[1], lang)
            return tr(msgid).format(**dict(zip("abcdefgh", values))), None
    generic = tr(BY_STATUS.get(status, OTHER))
    if not message or message == _phrase(status):
        return generic, None
    return generic, message


def cli_message(message: str, lang: str, state_name: Callable[[str, str], str],
                local_time: Callable[[str], str]) -> str:
    """An English refusal of the pipeline for the command line in *lang*: the known ones translated with their
    values (states by name, times local), anything else as it is; English as it is (scripts grep for it)."""
    if lang == "en":
        return message
    tr = gettext_for(lang)
    for pattern, msgid in CLI_KNOWN + KNOWN:
        if m := pattern.fullmatch(message.strip()):
            values = list(m.groups())
            if "(it is: {b})" in msgid:
                values[1] = state_name(values[1], lang)
            if "not until {a}" in msgid:
                values[0] = local_time(values[0])
            return tr(msgid).format(**dict(zip("abcdefgh", values)))
    return message


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def is_untranslated(detail: Any, status: int) -> bool:
    """An ``HTTPException``'s detail that was not written for the reader: the status's phrase or a known English
    message (the station's own details — bad dates, hours, a missing original — are translated where raised)."""
    text = str(detail or "")
    return text == _phrase(status) or not text or any(p.fullmatch(text) for p, _m in KNOWN)
