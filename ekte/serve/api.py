"""The JSON API under ``/api/v1/``: everything the pages do, for scripts
and a DMS (token auth: ``Authorization: Bearer ekte_…``; a logged-in
browser may use it with its session and the ``X-CSRF-Token`` header).
One router per area; issue 15's intake (``POST /api/v1/documents``,
scope ``intake``) joins as another router behind the same auth layer.
The schema: ``/api/v1/openapi.json``."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Iterator, Literal, Optional

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, PlainTextResponse
from pydantic import BaseModel, Field

from ekte.pipeline import queue as q
from ekte.pipeline import review
from ekte.serve import i18n
from ekte.serve.auth import AuthFirst, User, check_csrf, require, station


class AcceptBody(BaseModel):
    doctype: Optional[str] = Field(None, description="document type id or title (default: the top candidate)")
    fields: dict[str, str] = Field(default_factory=dict, description="corrected values; '' removes a field")
    sample: Optional[Literal["matches", "differs"]] = Field(None, description=(
        "the sample check's result (TR-RESISCAN Stichprobe): required when the document's 'sample_check' is true "
        "(422 without it). 'matches': accepted and exported, recorded in the history and the transfer note; "
        "'differs': recorded in the history, not accepted (409) — reject it and scan the paper again"))
    version: Optional[int] = Field(None, description=(
        "the document's review 'version' (GET /review/{id}) the values were based on: when the document changed "
        "since (another clerk, ekte review), nothing is saved — 409 'changed meanwhile by …', load it again"))


class CorrectBody(BaseModel):
    fields: dict[str, str]
    version: Optional[int] = Field(None, description=(
        "the document's review 'version' (GET /review/{id}) the values were based on: when the document changed "
        "since (another clerk, ekte review), nothing is saved — 409 'changed meanwhile by …', load it again"))


class RejectBody(BaseModel):
    reason: str = Field(description="a key of the profile's [review.reject]")
    note: str = ""


class DeferBody(BaseModel):
    until: Optional[dt.datetime] = Field(None, description="default: now + review.defer_hours")
    note: str = ""


class NoteBody(BaseModel):
    note: str


def _user(request: Request, scope: str, write: bool = False) -> User:
    user = require(request, scope)
    if write:
        check_csrf(request, user, None)
    return user


review_api = APIRouter(prefix="/review", tags=["review"], route_class=AuthFirst)


@review_api.get("")
def list_queue(request: Request, type: Optional[str] = None, sort: str = "received", desc: bool = False,
               offset: int = Query(0, ge=0, le=q.MAX_OFFSET), limit: int = Query(q.PAGE_SIZE, ge=1, le=1000),
               deferred: str = "last") -> dict[str, Any]:
    """The documents waiting for review (one page); ``open_by``: the clerks who have one open in the station."""
    user = _user(request, "review")
    st = station(request)
    total, rows = q.queue(st.reader, doctype=type, sort=sort, desc=desc, offset=offset, limit=limit,
                          deferred=deferred)
    keep = ("id", "sha256", "doctype", "confidence", "pages", "first_seen", "deferred", "media_type")
    open_by = st.presence.others([r["id"] for r in rows], user.name)
    return {"total": total, "offset": offset,
            "items": [{**{k: r[k] for k in keep}, "open_by": open_by.get(r["id"], [])} for r in rows]}


@review_api.get("/{doc_id}")
def show(request: Request, doc_id: str) -> dict[str, Any]:
    """One document: type, candidates, fields with confidence, reasons, corrections; ``open_by``: the clerks
    who have it open in the station (reading it here makes no such mark: a script is not a clerk at work)."""
    user = _user(request, "review")
    st = station(request)
    row = q.resolve(st.reader, doc_id)
    return {**q.show(st.reader, row), "version": review.review_version(st.reader, row["id"]),
            "open_by": st.presence.others([row["id"]], user.name).get(row["id"], [])}


@contextmanager
def _refusals(request: Request) -> Iterator[None]:
    """A stale version and a failed sample check: 409 in the request's language."""
    from ekte.serve.web import SAMPLE_FAILED, STALE

    tr = i18n.gettext_for(request.state.lang)
    try:
        yield
    except review.Stale as e:
        raise HTTPException(409, tr(STALE).format(by=e.by)) from None
    except review.SampleFailed as e:
        raise HTTPException(409, tr(SAMPLE_FAILED).format(id=e.doc_id)) from None


def _doc_result(doc: Any) -> dict[str, Any]:
    return {**doc.result_dict(), "status": doc.status.value if doc.status else None}


@review_api.post("/{doc_id}/accept")
def accept(request: Request, doc_id: str, body: AcceptBody) -> dict[str, Any]:
    """Accept (with corrections): re-archived and exported at once; a value for a field the type does not define
    is refused (422, ``errors[field=<name>]``).  A scan chosen for the
    sample check needs `sample` (422 without it; 409 when it differs: recorded, not accepted — and
    final: a later accept of that scan is 409 too).  With `version`: 409 when the document changed since."""
    user = _user(request, "review", write=True)
    with _refusals(request), station(request).acting() as p:
        review.defined_only(p, doc_id, body.doctype, body.fields)  # 422 as the command line refuses them
        return _doc_result(review.review_accept(p, doc_id, body.doctype, body.fields, actor=user.name,
                                                sample=body.sample, expected=body.version))


@review_api.post("/{doc_id}/correct")
def correct(request: Request, doc_id: str, body: CorrectBody) -> dict[str, Any]:
    """Store checked corrections without deciding yet."""
    user = _user(request, "review", write=True)
    with _refusals(request), station(request).acting() as p:
        return review.review_correct(p, doc_id, body.fields, actor=user.name, expected=body.version)


@review_api.post("/{doc_id}/reject")
def reject(request: Request, doc_id: str, body: RejectBody) -> dict[str, Any]:
    """Reject for a reason of the profile; its disposition follows."""
    user = _user(request, "review", write=True)
    with station(request).acting() as p:
        doc = review.review_reject(p, doc_id, body.reason, body.note, actor=user.name)
    return {"id": doc.id, "state": p.j.get(doc.sha256)["state"]}


@review_api.post("/{doc_id}/defer")
def defer(request: Request, doc_id: str, body: DeferBody) -> dict[str, Any]:
    """Put back until a time."""
    user = _user(request, "review", write=True)
    with station(request).acting() as p:
        return review.review_defer(p, doc_id, body.until, body.note, actor=user.name)


quarantine_api = APIRouter(prefix="/quarantine", tags=["quarantine"], route_class=AuthFirst)


@quarantine_api.get("")
def list_quarantine(request: Request, offset: int = Query(0, ge=0, le=q.MAX_OFFSET),
                    limit: int = Query(q.PAGE_SIZE, ge=1, le=1000)) -> dict[str, Any]:
    _user(request, "quarantine")
    total, rows = q.quarantined(station(request).reader, offset, limit)
    keep = ("id", "sha256", "error_code", "error_message", "updated", "media_type")
    return {"total": total, "items": [{k: r[k] for k in keep} for r in rows]}


@quarantine_api.get("/{doc_id}/original", response_class=FileResponse,
                    responses={404: {"description": "no such document, or no original in its quarantine folder"}})
def original(request: Request, doc_id: str) -> Any:
    """The original as it was quarantined (a download)."""
    from ekte.serve.admin import original_download

    _user(request, "quarantine")
    return original_download(request, doc_id)


@quarantine_api.post("/{doc_id}/retry", status_code=202)
def retry(request: Request, doc_id: str) -> dict[str, Any]:
    """Process the original again (in the background); poll GET …/retry for the outcome."""
    user = _user(request, "quarantine", write=True)
    doc_id = station(request).retry(doc_id, user.name)  # the whole id, as GET answers (a prefix may be given)
    return {"id": doc_id, "retry": "started", "location": f"/api/v1/quarantine/{doc_id}/retry"}


@quarantine_api.get("/{doc_id}/retry", responses={404: {"description": "no retry of it since the server started"}})
def retry_outcome(request: Request, doc_id: str) -> dict[str, Any]:
    """The outcome of the last retry started by this server: running, archived, review, quarantined (with
    the reason), export_failed, failed (the machine: disk full, storage, a damaged journal), interrupted,
    crashed; ``text`` says it in the request's language."""
    _user(request, "quarantine")
    st = station(request)
    r = st.retries.get(q.resolve(st.reader, doc_id)["id"])
    if r is None:
        raise HTTPException(404, "no retry of this document since the server started")
    return r.to_dict(i18n.gettext_for(request.state.lang))


@quarantine_api.post("/{doc_id}/release")
def release(request: Request, doc_id: str, body: NoteBody) -> dict[str, Any]:
    user = _user(request, "quarantine", write=True)
    return {"id": station(request).release(doc_id, body.note, user.name), "state": q.RELEASED}


other_api = APIRouter(tags=["history", "statistics"], route_class=AuthFirst)


@other_api.get("/history/{doc_id}")
def history(request: Request, doc_id: str) -> dict[str, Any]:
    """Who did what when, old → new values; of a deleted document too (``state`` ``deleted``, ``deleted``:
    when; its values emptied by the deletion)."""
    _user(request, "history")
    st = station(request)
    row, tomb = q.resolve_or_deleted(st.reader, doc_id)
    if row is None:
        return {"id": tomb["doc_id"], "state": "deleted", "deleted": tomb["deleted"],
                "events": q.history(st.reader, tomb["doc_id"])}
    return {"id": row["id"], "state": row["state"], "events": q.history(st.reader, row["id"])}


@other_api.get("/stats")
def statistics(request: Request, since: Optional[str] = None, until: Optional[str] = None,
               by: str = "type,channel,outcome", format: str = "json") -> Any:
    """Intake × type × channel × outcome, review and correction rates, time to export."""
    from ekte import stats

    from ekte.serve.admin import days

    _user(request, "stats")
    st = station(request)
    since, until = days(request, since, until)
    fig = stats.compute(st.reader, st.profile, since=since, until=until, by=tuple(k for k in by.split(",") if k))
    return PlainTextResponse(stats.to_csv(fig), media_type="text/csv") if format == "csv" else fig


@other_api.get("/doctypes")
def doctypes(request: Request) -> list[dict[str, str]]:
    """The document types of the profile: id and title (any user)."""
    _any_user(request)
    return [{"id": k, "title": t} for k, t in station(request).doctypes()]


@other_api.get("/me")
def me(request: Request) -> dict[str, Any]:
    user = _any_user(request)
    return {"name": user.name, "role": user.role, "scopes": list(user.scopes), "via": user.via}


def _any_user(request: Request) -> User:
    from ekte.serve.auth import LoginRequired, current_user

    user = current_user(request)
    if user is None:
        raise LoginRequired()
    return user


from ekte.serve import intake_api  # noqa: E402 - issue 15: POST/GET /api/v1/documents

router = APIRouter(prefix="/api/v1")
for r in (review_api, quarantine_api, other_api, intake_api.router):
    router.include_router(r)
