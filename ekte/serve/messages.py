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
    (r"forbidden: the token has no scope '(\w{1,20})'",
     N_("This key (token) does not have the scope „{a}“ (your role has it): a key with it is made by „ekte users "
        "token NAME --scope {a}“.")),
    (r"CSRF check failed", N_("The form was too old or came from elsewhere: load the page again and send it once "
                              "more.")),
    (r"invalid token", N_("The access token is not valid.")),
    (r"the journal is busy: another ekte process held it for longer than 30 s; try again in a moment",
     N_("The journal is busy: another ekte process held it for longer than 30 s. Please try again in a moment.")),
    (r"internal error", N_("Something went wrong inside ekte. It is logged (without personal data); try again, or "
                           "tell IT.")),
)]

#: the working directory full, not writable or failing (the station's 507/503; the command line's exit 74)
STORAGE_FAILED = N_("Nothing was saved: {cause}. Please try again later, or tell IT.")

#: a journal another process held past the busy timeout (the station's 503; the command line's journal_busy)
JOURNAL_BUSY = "the journal is busy: another ekte process held it for longer than 30 s; try again in a moment"

#: why a user was not added (:class:`ekte.users.UserRefused`): the station's users page and ``ekte users add``
USER_REFUSED = {
    "name": N_("The user was not added: „{name}“ is not a valid user name (letters, digits and . _ @ - only, no "
               "spaces or umlauts; at most 64 characters)."),
    "role": N_("The user was not added: choose one of the roles {roles}."),
    "password": N_("The user was not added: the password must have at least {n} characters."),
    "exists": N_("The user was not added: „{name}“ exists already. A new password or role is set on the command line: "
                 "ekte users add {name} --role … --replace"),
}

#: one field of the JSON API's 422 for values of fields the document's type does not define
NOT_A_FIELD = N_("not a field of the document type „{title}“")
#: the JSON API's 422 beside the per-field messages of refused typed values
INVALID_VALUES = N_("invalid values")

_META, _FILE = r"metadata\.json", r"(\S{1,200})"
#: what ``ekte verify`` (and the refusal of a damaged archive folder) names, one reason each: a damaged archive's
#: 409 in the station and the review commands' refusal (exit 1) say them in the reader's language (``ekte verify``
#: itself keeps its English words)
DAMAGE: list[tuple[re.Pattern[str], str]] = [(re.compile(p), m) for p, m in (
    (rf"{_FILE} was changed or damaged \(SHA-256 differs from {_META}\)",
     N_("{a} was changed or damaged (SHA-256 differs from metadata.json)")),
    (rf"{_FILE} is missing \({_META} says it was made\)", N_("{a} is missing (metadata.json says it was made)")),
    (rf"{_META} is missing or not valid JSON", N_("metadata.json is missing or not valid JSON")),
    (rf"{_FILE} is missing", N_("{a} is missing")),
    (rf"{_META} is not this document's \(schema or id differ\)",
     N_("metadata.json is not this document's (schema or id differ)")),
    (rf"{_META}: its SHA-256 of the original does not match the document id",
     N_("metadata.json: its SHA-256 of the original does not match the document id")),
    (rf"{_META} contradicts itself about the hashes of the original or the archival copy",
     N_("metadata.json contradicts itself about the hashes of the original or the archival copy")),
    (rf"{_FILE}: a file {_META} does not record", N_("{a}: a file metadata.json does not record")),
    (rf"no seal over {_META} \(required\)", N_("no seal over metadata.json (required)")),
    (rf"no time stamp over {_META} \(required\)", N_("no time stamp over metadata.json (required)")),
    (r"document\.pdf: its XMP names another document", N_("document.pdf: its XMP names another document")),
    (rf"document\.pdf: its XMP names another original than {_META}",
     N_("document.pdf: its XMP names another original than metadata.json")),
    (rf"field {_FILE}: {_META} holds a value no audit entry set",
     N_("field {a}: metadata.json holds a value no audit entry set")),
    (rf"field {_FILE}: {_META} holds another value than the audit trail set",
     N_("field {a}: metadata.json holds another value than the audit trail set")),
    (rf"field {_FILE}: {_META} names another method than the audit entry that set it",
     N_("field {a}: metadata.json names another method than the audit entry that set it")),
    (rf"field {_FILE}: the audit trail set it, {_META} no longer holds it",
     N_("field {a}: the audit trail set it, metadata.json no longer holds it")),
    (rf"{_META} records another SHA-256 of document\.pdf than the document being exported",
     N_("metadata.json records another SHA-256 of document.pdf than the document being exported")),
)]
_DAMAGED = next(m for _p, m in KNOWN if m.startswith("Document {a}: its archive folder"))  # its reasons: {b}


def damage_reasons(text: str, lang: str) -> str:
    """``ekte verify``'s reasons (``; ``-separated) in *lang*; one it does not know stays as it is."""
    tr, out = gettext_for(lang), []
    for reason in text.split("; "):
        hit = next(((m, msgid) for p, msgid in DAMAGE if (m := p.fullmatch(reason))), None)
        out.append(tr(hit[1]).format(**dict(zip("abc", hit[0].groups()))) if hit else reason)
    return "; ".join(out)

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
    (r"(.{1,2000}): the journal is damaged \((.{0,2000})\); run ekte journal check, then ekte journal rebuild",
     N_("{a}: the journal is damaged ({b}); run ekte journal check, then ekte journal rebuild.")),
)]


# words36 (fresh35 F7, F10): review show of a deleted document; the stale refusal's actor by name
_DELETED = N_("Document {a} was deleted on {b} ({c}); ekte history {d} shows its trail.")
_PERIOD = N_("The period ends ({a}) before it begins ({b}): swap --since and --until.")
CLI_KNOWN += [(re.compile(p), m) for p, m in (
    (rf"document {_ID} was deleted on (\S{{1,40}}) \((.{{0,2000}})\); ekte history {_ID} shows its trail", _DELETED),
    # (fresh35 F2: the supervisor's and clerk's commands on a busy journal, an empty users file, stats' options)
    (r"the journal of (.{1,2000}): another ekte process held the journal for longer than 30 s \((.{0,500})\); "
     r"nothing was half-written — fix it and run the command again to complete the rest",
     N_("The journal of {a} was held by another ekte process for longer than 30 s; nothing was changed — run the "
        "command again in a moment.")),
    (r"no station users in (.{1,2000}) \(check --workdir or \$EKTE_HOME; ekte users add makes the first\)",
     N_("{a} has no users of the station (check --workdir or $EKTE_HOME; ekte users add makes the first).")),
    (r"no user '(.{1,200})'", N_("There is no user „{a}“.")),
    (r"--by (.{1,200}): unknown \(choose from (.{1,200})\)", N_("--by {a}: unknown (choose from {b}).")),
    (r"the period ends \((\d{4}-\d\d-\d\d)\) before it begins \((\d{4}-\d\d-\d\d)\): swap --since and --until",
     _PERIOD),
)]


def _cli_values(msgid: str, values: list, lang: str, local_time: Callable[[str], str]) -> list:
    """A message's values as the clerk reads them: a deletion's time local, an actor by name ("System (ekte watch)",
    as history and the station say it, not the journal's "system: ekte watch")."""
    from ekte.serve.names import actor_name

    if msgid == _DELETED:
        from ekte.evidence.deletion_reasons import words

        values[1] = local_time(values[1])
        values[2] = words(values[2], lang)  # a reason code in the reader's words (fresh38 F4)
    elif msgid == _PERIOD:  # days as the clerk typed them (31.01.2026)
        values = [f"{v[8:10]}.{v[5:7]}.{v[:4]}" for v in values]
    elif "changed meanwhile by {b}" in msgid:
        values[1] = actor_name(values[1], lang)
    return values


def page_message(message: str, status: int, lang: str,
                 state_name: Callable[[str, str], str] | None = None) -> tuple[str, str | None]:
    """(what the page says, the original text as a technical detail or None) for an English *message*."""
    tr = gettext_for(lang)
    for pattern, msgid in KNOWN:
        if m := pattern.fullmatch(message.strip()):
            values = list(m.groups())
            if state_name is not None and "(it is: {b})" in msgid:
                values[1] = state_name(values[1], lang)
            if msgid == _DAMAGED:
                values[1] = damage_reasons(values[1], lang)
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
            values = _cli_values(msgid, values, lang, local_time)  # (words36: a deletion's time, an actor's name)
            if msgid == _DAMAGED:  # verify's reasons in the same language as the sentence around them
                values[1] = damage_reasons(values[1], lang)
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
