"""The HTTP intake API (issue 15), scope ``intake``:

``POST /api/v1/documents``
    multipart: ``file`` (one document) and optionally ``metadata`` (JSON:
    ``doctype`` id or title, ``aktenzeichen``, ``fields``, ``channel``,
    ``reference``).  The body is parsed as it arrives: the file is written
    into the spool's ``incoming`` folder and hashed on the way, and the
    request ends with ``413`` as soon as it passes ``[serve]
    max_upload_mb`` (at once when ``Content-Length`` says so) — it is
    never held in memory.  ``202`` + ``Location`` for a new document;
    ``200`` with the id for bytes (or an ``Idempotency-Key``) seen before;
    ``409`` for a key used before with other bytes; ``507`` when the
    server's disk is full (``503`` when its storage is not writable or
    fails), with one line naming the cause — nothing of the upload is
    left in the spool.
``GET /api/v1/documents/{id}``
    (the whole id; only for the account that submitted it or sent the same
    bytes too — 404 alike for others, prefixes and unknown ids, fresh42 F9)
    what became of a document submitted through the API: ``received``,
    ``processing``, ``archived``, ``exported``, ``review``,
    ``quarantined`` (with the reason), ``rejected``, ``released``; its
    type, fields, exports and error.

Nothing of the upload (file name, reference, key, values) is logged; the
access log has method, path (ids only) and status."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any, Optional, Union

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ekte.errors import ConfigError, environment_failure
from ekte.mail.sniff import HEAD_BYTES, is_message
from ekte.model import now_iso
from ekte.pipeline import queue as q
from ekte.pipeline.manual import check_value
from ekte.pipeline.review import FieldInvalid, Invalid, resolve_doctype
from ekte.profile import FIELD_NAMES
from ekte.pipeline.spool import KeyConflict, Upload
from ekte.serve.auth import AuthFirst, User, check_csrf, require, station
from ekte.serve.i18n import STORAGE_CAUSES
from ekte.serve.intake_parts import Parts as _Parts, receive as _receive

log = logging.getLogger("ekte.serve")

FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # C0, DEL, C1, bidi (fresh42 F5)
ID = re.compile(r"[0-9a-f]{16}")
NOT_SUBMITTED = "no document of that id was submitted through the API by this account"


class FieldValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str = Field(max_length=2000)
    confidence: float = Field(1.0, ge=0, le=1)


class Metadata(BaseModel):
    """What the caller knows about the document (all optional)."""

    model_config = ConfigDict(extra="forbid")
    doctype: Optional[str] = Field(None, max_length=200, description="document type id or title; "
                                   "given → not classified (confidence 1.0)")
    aktenzeichen: Optional[str] = Field(None, max_length=200, description="the file number (checked as fields.aktenzeichen)")
    fields: dict[str, Union[str, int, float, FieldValue]] = Field(
        default_factory=dict, description="values taken as given (method 'intake', confidence 1.0 unless given)")
    channel: str = Field("api", pattern=r"^[a-z][a-z0-9_-]{0,31}$", description="for the statistics")
    reference: Optional[str] = Field(None, max_length=200, description="the caller's own reference (kept in the "
                                     "provenance and returned by GET); no control or bidi characters")

    @field_validator("reference")
    @classmethod
    def _printable(cls, v: Optional[str]) -> Optional[str]:  # as aktenzeichen: no CR/LF, NUL, … (fresh42 F5)
        if v is not None and CONTROL.search(v):
            raise ValueError("contains control characters")
        return v


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "description": "the document (PDF, image, office file, …)"},
        "metadata": {"type": "string", "description": "JSON: " + ", ".join(Metadata.model_fields)}}}}}}}
ANSWERS: dict[Union[int, str], dict[str, Any]] = {
    200: {"description": "known already (the same bytes, or the same Idempotency-Key): the existing id"},
    202: {"description": "accepted: processed in the background; poll the Location"},
    401: {"description": "no or an invalid token"}, 403: {"description": "the token lacks the scope 'intake'"},
    409: {"description": "the Idempotency-Key was used before with other bytes"},
    413: {"description": "larger than [serve] max_upload_mb"}, 415: {"description": "not multipart/form-data"},
    422: {"description": "no file, an empty file, or invalid metadata"},
    503: {"description": "the server's storage is not writable or failing (the reason says which); nothing kept"},
    507: {"description": "no space left on the server's storage; nothing of the upload was kept"}}

router = APIRouter(prefix="/documents", tags=["intake"], route_class=AuthFirst)


def storage_refused(e: BaseException) -> HTTPException | None:
    """507 (the disk is full) or 503 (storage not writable or failing) naming
    the cause — no path, nothing of the upload; None for other errors."""
    failure = environment_failure(e)
    if failure is None:
        return None
    status, headers = (507, None) if failure.code == "disk_full" else (503, {"Retry-After": "300"})
    log.error("API intake: an upload was refused (%s)", failure.code)
    cause = STORAGE_CAUSES.get(failure.code, STORAGE_CAUSES["environment"])  # a cause added later: in general words
    return HTTPException(status, f"the document was not accepted: {cause}; nothing of it was kept, send it again later",
                         headers=headers)


def _given(st: Any, meta: Metadata, filename: str, sha: str, user: User) -> tuple[dict[str, Any], dict[str, Any]]:
    """The work item's delivered metadata and the submission record."""
    given: dict[str, Any] = {}
    if meta.doctype:
        try:
            given["doctype"] = dt = resolve_doctype(st.profile, meta.doctype)
        except ConfigError as e:
            raise HTTPException(422, str(e)) from None
        known = set(st.profile.doctypes[dt].fields)
        unknown = sorted(k for k in meta.fields if known and k not in known and k != "aktenzeichen")
        if unknown:
            raise HTTPException(422, f"fields not defined for {dt}: {', '.join(unknown)} "
                                     f"(defined: {', '.join(sorted(known))})")
    bad = [k for k in meta.fields if not FIELD_NAME.fullmatch(k)]
    if bad:
        raise HTTPException(422, "invalid field name(s)")
    raw = {k: (v.model_dump() if isinstance(v, FieldValue) else str(v)) for k, v in meta.fields.items()}
    if meta.aktenzeichen:  # the top-level file number is checked as fields.aktenzeichen is (it wins over it)
        raw["aktenzeichen"] = meta.aktenzeichen
    fields = _checked(raw)
    name = CONTROL.sub("", filename.replace("\\", "/").rsplit("/", 1)[-1])[:200]
    received = now_iso()
    prov = {"system": "api", "channel": meta.channel, "reference": meta.reference, "filename": name or None,
            "submitted_by": user.name, "received": received, "sha256": sha}
    given.update(source=f"api:{sha[:16]}/{name or 'document'}", channel=meta.channel, provenance=prov)
    if fields:
        given["fields"] = fields
    record = {"received": received, "user": user.name, "channel": meta.channel, "reference": meta.reference}
    return given, record


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    """The delivered values checked as the station checks typed ones (a date that exists, a five-digit PLZ, an
    IBAN's check digits, …) and normalised the same way; any refused value refuses the upload (422 naming every
    field and why, in the request's language — see the app's ``Invalid`` handler).  Fields ekte does not know
    (a profile's own) are taken as given."""
    out: dict[str, Any] = {}
    bad: list[FieldInvalid] = []
    for k, v in fields.items():
        value = v["value"] if isinstance(v, dict) else v
        try:
            checked = check_value(k, value) if k in FIELD_NAMES else value
        except FieldInvalid as e:
            bad.append(e)
            continue
        checked = checked or value  # an empty value is kept as it was given
        out[k] = {**v, "value": checked} if isinstance(v, dict) else checked
    if bad:
        raise Invalid(bad)
    return out


def _metadata(raw: bytes) -> Metadata:
    try:
        return Metadata.model_validate_json(bytes(raw) or b"{}")
    except ValidationError as e:  # the app answers 422 {"detail", "errors": [{"field", "message"}]} (serve.invalid)
        raise RequestValidationError([{"loc": ("metadata", *x.get("loc", ())), "type": x.get("type"),
                                       "ctx": x.get("ctx")} for x in e.errors(include_input=False)]) from None


@router.post("", status_code=202, responses=ANSWERS, openapi_extra=UPLOAD_BODY)
async def submit(request: Request, idempotency_key: Optional[str] = Header(
        None, alias="Idempotency-Key", max_length=255,
        description="the same key (per user) with the same bytes → the same document; with other bytes → 409")
) -> JSONResponse:
    """Submit one document for intake (processed in the background)."""
    user = require(request, "intake")
    check_csrf(request, user, None)
    st = station(request)
    spool = st.intake.spool
    parts = await _receive(request, spool, int(st.profile.serve.max_upload_mb * 1024 * 1024))
    upload = parts.upload
    if upload is None:
        raise HTTPException(422, "no part 'file' in the request")
    try:
        got = await _accept(st, upload, parts, user, idempotency_key)
    except KeyConflict as e:
        return JSONResponse({"detail": "the Idempotency-Key was used before with other content", "id": e.doc_id},
                            status_code=409)
    except OSError as e:
        raise storage_refused(e) or e from None
    finally:
        upload.discard()
    st.intake.wake.set()
    location = f"/api/v1/documents/{got.id}"
    rec = st.intake.spool.record(got.id) or {}
    _remember_sender(st, user.name, got.id, rec)
    first = _first_receipt(st, got.id, rec.get("received"))
    # as GET says it: ekte had the bytes before they came through the API (a caller's own retry is not a duplicate)
    body = {"id": got.id, "sha256": got.sha256, "state": "received" if got.created else _state(st, got.id),
            "location": location, "received": first, "duplicate": bool(first and first != rec.get("received"))}
    return JSONResponse(body, status_code=202 if got.created else 200, headers={"Location": location})


MAIL_REFUSED = ("an e-mail message (.eml) is not taken here: send each attachment as its own document, or deliver "
                "the message to a watched inbox or the intake.mail mailbox, where it becomes its body and attachments")


async def _accept(st: Any, upload: Upload, parts: _Parts, user: User, key: Optional[str]) -> Any:
    if parts.ctype == "message/rfc822" or parts.filename.lower().endswith(".eml"):  # fresh25 #4: it was archived
        raise HTTPException(415, MAIL_REFUSED)  # as its MIME source, the attachments never taken out
    sha = await run_in_threadpool(upload.close)
    if upload.size == 0:
        raise HTTPException(422, "the file is empty")
    if is_message(bytes(upload.head[:HEAD_BYTES])):  # one submission is one document (one id to ask about); an
        raise HTTPException(415, MAIL_REFUSED)  # e-mail message (.eml under any name) is a Vorgang of several
    meta = _metadata(parts.metadata)
    given, record = _given(st, meta, parts.filename, sha, user)
    return await run_in_threadpool(st.intake.spool.accept, upload, sha, given, record, user=user.name, key=key,
                                   known=lambda s: _known(st, s))


def _known(st: Any, sha: str) -> bool:
    """Bytes the journal has settled or will settle without the spool.
    Not ``received`` (a live process works on them — or a dead one did, and
    then only the spool brings them in again; the claims keep them once),
    not ``released`` (the same file again is processed again, as in any
    intake)."""
    row = st.reader.get(sha)
    return row is not None and row["state"] not in ("received", "released")


def _first_receipt(st: Any, doc_id: str, submitted: str | None) -> str | None:
    """When ekte first received the document: the journal's first receipt, or this API's submission if that was
    earlier (a new document: the pipeline's receipt comes after it) — never the time of a re-submission."""
    import datetime as dt

    row = st.reader.get_by_id(doc_id)
    times = [t for t in (submitted, row["first_seen"] if row is not None else None) if t]
    if not times:
        return None

    def at(t: str) -> dt.datetime:
        x = dt.datetime.fromisoformat(t)
        return x if x.tzinfo else x.replace(tzinfo=dt.timezone.utc)

    return min(times, key=at)


def _state(st: Any, doc_id: str) -> str:
    row = st.reader.get_by_id(doc_id)
    if row is None:
        waiting = st.intake.spool.is_waiting(doc_id)
        return "deleted" if not waiting and _deleted(st, doc_id) is not None else "received"
    return "processing" if row["state"] == "received" else row["state"]


@router.get("/{doc_id}", responses={404: {"description": "no document of that id was submitted through the API by "
                                               "this account (the whole 16-digit id; no prefix)"}})
def status(request: Request, doc_id: str) -> dict[str, Any]:
    """What became of a submitted document: state, type, fields, exports, error."""
    user = require(request, "intake")
    st = station(request)
    doc_id = _submitted_id(doc_id)
    rec = st.intake.spool.record(doc_id)
    gone = _deleted(st, doc_id) if rec is None or st.reader.get_by_id(doc_id) is None else None
    if gone is not None and not st.intake.spool.is_waiting(doc_id):
        return gone
    if rec is None or not _sent_by(st, user.name, doc_id, rec):  # another account's: as never submitted (F9)
        raise HTTPException(404, NOT_SUBMITTED)
    first, first_sender = _first_receipt(st, doc_id, rec["received"]), rec.get("user") == user.name
    out: dict[str, Any] = {"id": doc_id, "sha256": rec["sha256"], "received": first,
                           "duplicate": first != rec["received"],
                           # another account that sent the same bytes: not the first sender's own reference
                           "reference": rec.get("reference") if first_sender else None,
                           "channel": rec.get("channel") if first_sender else None,
                           "state": _state(st, doc_id), "doctype": None, "doctype_title": None, "confidence": None,
                           "pages": None, "fields": {}, "exports": {}, "error": None}
    row = st.reader.get_by_id(doc_id)
    if row is not None:
        info = q.show(st.reader, row)
        out.update({k: info[k] for k in ("doctype", "confidence", "pages", "fields", "exports", "error")})
        out["doctype_title"] = st.title(info["doctype"]) or None
    return out


def _deleted(st: Any, doc_id: str) -> dict[str, Any] | None:
    """A document deleted by ``ekte retention delete``: its id, when, and
    whether its retention had ended (``retention_ended``) or it was deleted
    before (``deleted_early``) — nothing else (the submission record went
    with it; the clerk's free-text reason is not the caller's to read)."""
    tomb = st.reader.tombstone_of(doc_id) if len(doc_id) == 16 else None
    if tomb is None or tomb["doc_id"] != doc_id:
        return None
    return {"id": doc_id, "sha256": tomb["sha256"], "state": "deleted", "deleted": tomb["deleted"],
            "reason_code": "deleted_early" if tomb["forced"] else "retention_ended",
            "retention_ends": tomb["retention_ends"]}


def _submitted_id(given: str) -> str:
    """The whole 16-digit id, nothing shorter (fresh42 F9: 4-digit prefixes walked every submission); anything
    else is 404 as an id that was never submitted."""
    given = given.strip().lower()
    if not ID.fullmatch(given):
        raise HTTPException(404, NOT_SUBMITTED)
    return given


def _sender_mark(st: Any, user: str, doc_id: str) -> Path:
    """A mark that *user* sent the bytes of *doc_id* too (the record names the first sender only); its name a
    hash, its content nothing."""
    return st.intake.spool.root / "senders" / (hashlib.sha256(f"{user}\0{doc_id}".encode()).hexdigest() + ".mark")


def _remember_sender(st: Any, user: str, doc_id: str, rec: dict[str, Any]) -> None:
    if rec.get("user") not in (None, user):
        mark = _sender_mark(st, user, doc_id)
        mark.parent.mkdir(exist_ok=True)
        mark.touch()


def _sent_by(st: Any, user: str, doc_id: str, rec: dict[str, Any]) -> bool:
    return rec.get("user") == user or _sender_mark(st, user, doc_id).exists()
