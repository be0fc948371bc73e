"""The Prüfkorb (review queue) pages: the list, one document with its page
images, fields and candidates, and the actions — plain HTML forms (POST,
CSRF token, redirect after success), keyboard shortcuts as a small
progressive enhancement (static/station.js)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ekte.journal import REVIEW
from ekte.model import Status, now_iso
from ekte.pipeline import queue as q
from ekte.pipeline import review
from ekte.pipeline.manual import FieldInvalid, check_value
from ekte.serve import i18n, messages, names
from ekte.serve.auth import check_csrf, csrf_token, require, station
from ekte.serve.names import reason_fields
from ekte.serve.pages import field_boxes, page_png, prefetch_boxes

TEMPLATES = Path(__file__).with_name("templates")
_envs: dict[str, Environment] = {}
NEXT_LOOKAHEAD = 20  # how far "next document" looks for one nobody else has open


def env(lang: str) -> Environment:
    if lang not in _envs:
        e = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                        extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
        e.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
        e.filters["localtime"] = i18n.local_time
        e.filters["clock"] = i18n.local_clock
        e.filters["localdate"] = lambda v: i18n.local_time(v, with_time=False)
        e.filters["num"] = lambda v, d=0: i18n.number(v, lang, d)
        e.filters["pct"] = lambda v: i18n.percent(v, lang)
        e.globals["field_title"] = lambda n: names.field_title(n, lang)
        e.globals["state_name"] = lambda s: names.state_name(s, lang)
        e.globals["event_name"] = lambda st, ev, forced=False: names.event_name(st, ev, lang, forced)
        e.globals["reason_text"] = lambda r: names.reason_text(r, lang)
        e.globals["key_name"] = lambda k: names.key_name(k, lang)
        e.globals["stat_value"] = lambda k, v: names.stat_value(k, v, lang)
        e.globals["actor_name"] = lambda a: names.actor_name(a, lang)
        e.globals["detail_text"] = lambda ev, title=None, reasons=None: names.detail_text(ev, lang, title, reasons)
        e.globals["word"] = lambda kind, value: names.word(kind, value, lang)
        e.globals["change_pair"] = names.change_pair
        e.globals["method_name"] = lambda m: names.method_name(m, lang)
        _envs[lang] = e
    return _envs[lang]


def warm() -> None:
    """At start, before the first request: pdfium loaded and every template
    compiled in both languages — the first view of a review page paid for
    both (about 200 ms each under load), not only for its own search."""
    import pypdfium2  # noqa: F401 - imported here for its load time

    for lang in i18n.LANGUAGES:
        for t in sorted(TEMPLATES.glob("*.html")):
            env(lang).get_template(t.name)


def render(request: Request, name: str, ctx: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    lang = request.state.lang
    user = getattr(request.state, "user", None)
    st = station(request)
    base = {"request": request, "lang": lang, "user": user, "csrf": csrf_token(request), "title": st.title,
            "profile": st.profile, "path": request.url.path, "flash": request.session.pop("flash", None)}
    html = env(lang).get_template(name).render(**base, **ctx)
    return HTMLResponse(html, status_code=status, headers=headers)


def N_(msgid: str) -> str:
    """Marks a message id for extraction; translated where it is shown."""
    return msgid


#: the sample check (TR-RESISCAN Stichprobe) on the review page and in the API
SAMPLE_MISSING = N_("Compare the scan with the paper and choose the result of the sample check: "
                    "matches or differs.")
SAMPLE_FAILED = N_("The sample check of {id} found that the scan differs from the paper: it cannot be accepted. "
                   "Reject it and scan the paper again.")
#: a form older than the document's last change (optimistic concurrency: the form carries the version)
STALE = N_("This document was changed meanwhile by {by} — please load it again. Nothing was saved.")
#: an accept whose export failed (the DMS share unmounted, full …): the clerk's part is done, the DMS has it not yet
EXPORT_PENDING = N_("The export to the DMS is still pending (it failed now); it is tried again — by the watch "
                    "daemon's next rescan or `ekte export`.")
SAMPLE_DIFFERS = N_("Sample check of {id}: the scan differs from the paper. This is recorded in the history; the "
                    "document was not accepted. Reject it and scan the paper again.")


def flash(request: Request, msgid: str, **params: Any) -> None:
    request.session["flash"] = i18n.gettext_for(request.state.lang)(msgid).format(**params)


router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    from ekte.serve.auth import current_user

    user = current_user(request)
    target = "/login" if user is None else "/review" if user.may("review") else "/stats"
    return RedirectResponse(target, status_code=303)


def _int(v: str | None, default: int) -> int:
    try:
        return min(max(0, int(v or default)), q.MAX_OFFSET // q.PAGE_SIZE)  # a page number: past the last, the last
    except ValueError:
        return default


@router.get("/review")
def queue_page(request: Request) -> Response:
    user = require(request, "review")
    st, qp = station(request), request.query_params
    doctype = qp.get("type") if qp.get("type") in dict(st.doctypes()) else None  # unknown: all, as other bad values
    sort = qp.get("sort") if qp.get("sort") in q.SORTS else "received"
    desc, page = qp.get("desc") == "1", _int(qp.get("page"), 1) or 1
    deferred = qp.get("deferred") if qp.get("deferred") in ("last", "hide", "only") else "last"
    total, rows = q.queue(st.reader, doctype=doctype, sort=sort, desc=desc, deferred=deferred,
                          offset=(page - 1) * q.PAGE_SIZE, limit=q.PAGE_SIZE)
    if not rows and page > 1 and total:  # past the last page: the last page (fresh31: "(7)" and "nothing")
        page = max(1, -(-total // q.PAGE_SIZE))
        total, rows = q.queue(st.reader, doctype=doctype, sort=sort, desc=desc, deferred=deferred,
                              offset=(page - 1) * q.PAGE_SIZE, limit=q.PAGE_SIZE)
    open_by = st.presence.others([r["id"] for r in rows], user.name)
    for r in rows:
        r["open_by"] = open_by.get(r["id"], [])
        item = q.review_item(st.workdir, r["id"])
        r["candidates"] = item.get("candidates") or []
        r["threshold"] = item.get("threshold")
        r["reasons"] = item.get("fields") or []
    pages = max(1, -(-total // q.PAGE_SIZE))
    return render(request, "queue.html", {"rows": rows, "total": total, "page": page, "pages": pages,
                                          "doctype": doctype, "sort": sort, "desc": desc, "deferred": deferred,
                                          "doctypes": st.doctypes()})


def _doc(request: Request, doc_id: str) -> tuple[Any, dict[str, Any]]:
    st = station(request)
    row = q.resolve(st.reader, doc_id)
    if row["id"] != doc_id:
        raise HTTPException(404)
    return row, q.show(st.reader, row)


@router.get("/review/{doc_id}")
def item_page(request: Request, doc_id: str) -> Response:
    require(request, "review")
    row = q.resolve(station(request).reader, doc_id)  # a unique prefix leads to the document's own page
    if row["id"] != doc_id:
        return RedirectResponse(f"/review/{row['id']}", status_code=303)
    return _item_page(request, doc_id)


def _item_page(request: Request, doc_id: str, errors: dict[str, str] | None = None,
               values: dict[str, str] | None = None, status: int = 200,
               sample: dict[str, Any] | None = None, version: int | None = None) -> Response:
    """The review page; *version*: the one the clerk's form had (a page shown again with its refused values)."""
    user = require(request, "review")
    st = station(request)
    row, info = _doc(request, doc_id)
    visit, open_by = None, []
    if info["state"] == REVIEW:  # the clerk's mark, and who else has it open (a notice, never a lock)
        visit = st.presence.opened(row["id"], user.name)
        open_by = st.presence.others([row["id"]], user.name).get(row["id"], [])
    meta = q.metadata(st.reader, row)
    boxes = {}
    pdf = Path(info["archive"]) / "document.pdf" if info["archive"] else None
    if pdf is not None and pdf.is_file():
        boxes = field_boxes(st.workdir, row["id"], meta.get("archive_sha256"), pdf, info["fields"])
    dtype = st.profile.doctypes.get(info["doctype"] or "")
    names = list(dict.fromkeys(list(dtype.fields if dtype else []) + list(info["fields"]) + list(errors or {})
                               + list(values or {})))
    corr = {k: c["value"] for k, c in info["corrections"].items()}
    version = version if version is not None else review.review_version(st.reader, row["id"])
    nxt = _neighbour(st, row["id"], user.name)
    if info["sample_check"]:
        sample = {**(sample or {}), "last": _last_sample(st, row["id"])}
    if nxt is not None:
        _prefetch(st, nxt)
    return render(request, "item.html", {
        "d": info, "names": names, "boxes": boxes, "values": {**corr, **(values or {})}, "errors": errors or {},
        "doctypes": st.doctypes(), "reasons": st.profile.review.reject, "next_id": nxt, "sample": sample or {},
        "page_count": info["pages"] or 0, "defer_hours": st.profile.review.defer_hours, "version": version,
        "visit": visit, "open_by": open_by, "to_check": reason_fields(info["reasons"]),
        "failed": review.sample_failed(st.reader, row["id"]) if info["sample_check"] else None}, status=status)


def _last_sample(st: Any, doc_id: str) -> dict[str, Any] | None:
    """The sample check's result recorded before (a scan found to differ stays in the queue)."""
    results = {v: k for k, v in review.SAMPLE_RESULTS.items()}
    found = [e for e in q.history(st.reader, doc_id) if e["event"] == "sample-check" and e["new"] in results]
    return {**found[-1], "result": results[found[-1]["new"]]} if found else None


def _prefetch(st: Any, doc_id: str) -> None:
    """The next document's marks, found in the background: the clerk who goes
    on to it gets its first view from the cache."""
    row = st.reader.get_by_id(doc_id)
    info = q.show(st.reader, row) if row is not None else None
    if info and info["archive"]:
        sha = q.metadata(st.reader, row).get("archive_sha256")
        prefetch_boxes(st.workdir, doc_id, sha, Path(info["archive"]) / "document.pdf", info["fields"])


def _neighbour(st: Any, doc_id: str, user: str) -> str | None:
    """The next document of the queue after *doc_id* (by the default order, put-back ones skipped) that
    no other clerk has open — while there is one; else the next all the same (a notice, never a lock)."""
    _total, rows = q.queue(st.reader, deferred="hide", limit=NEXT_LOOKAHEAD + 1)
    return st.presence.first_free([r["id"] for r in rows if r["id"] != doc_id][:NEXT_LOOKAHEAD], user)


@router.post("/review/{doc_id}/presence")
async def presence(request: Request, doc_id: str) -> Response:
    """The review page's activity (``state=here``) or its end (``state=left``, a beacon on leaving the page),
    for the visit the page was shown as: 204; JSON ``{"open_by": [...]}`` for ``here``."""
    user = require(request, "review")
    form = await _form(request)
    check_csrf(request, user, form.get("csrf"))
    st, visit = station(request), form.get("visit", "")[:32]
    if form.get("state") == "left":
        st.presence.left(doc_id, user.name, visit)
        return Response(status_code=204)
    st.presence.active(doc_id, user.name, visit)
    others = st.presence.others([doc_id], user.name).get(doc_id, [])
    return JSONResponse({"open_by": others, "notice": _open_by_notice(others, request.state.lang)})


OPEN_BY = N_("Being worked on by %(who)s (since %(when)s).")
OPEN_BY_MAY = N_("You may still look at it and act on it; whoever saves second is asked to load it again.")


def _open_by_notice(others: list[dict[str, str]], lang: str) -> str:
    """The review page's notice of who else has the document open (as item.html shows it), "" for nobody."""
    if not others:
        return ""
    tr = i18n.gettext_for(lang)
    return " ".join([tr(OPEN_BY) % {"who": o["user"], "when": i18n.local_clock(o["since"])} for o in others]
                    + [tr(OPEN_BY_MAY)])


@router.get("/review/{doc_id}/page/{page}.png")
def page_image(request: Request, doc_id: str, page: int) -> Response:
    require(request, "review")
    st = station(request)
    row, info = _doc(request, doc_id)
    meta = q.metadata(st.reader, row)
    pdf = Path(info["archive"]) / "document.pdf"
    try:
        png = page_png(st.workdir, row["id"], meta.get("archive_sha256"), pdf, page)
    except (IndexError, OSError):
        raise HTTPException(404) from None
    return FileResponse(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v) for k, v in form.items()}


def _field_values(form: dict[str, str], info: dict[str, Any]) -> dict[str, str]:
    """The fields the clerk changed (compared with what is stored)."""
    out = {}
    for k, v in form.items():
        if k.startswith("f_"):
            name = k[2:]
            have = (info["corrections"].get(name) or {}).get("value") or (info["fields"].get(name) or {}).get("value")
            if v.strip() != (have or ""):
                out[name] = v
    return out


@router.post("/review/{doc_id}/{action}")
async def act(request: Request, doc_id: str, action: str) -> Response:
    user = require(request, "review")
    form = await _form(request)
    check_csrf(request, user, form.get("csrf"))
    st = station(request)
    row, info = _doc(request, doc_id)
    sets = _field_values(form, info)
    sample = form.get("sample") if form.get("sample") in review.SAMPLE_RESULTS else None
    version = _version(form.get("version"))
    if action == "accept" and info["sample_check"] and review.sample_failed(st.reader, row["id"]):
        raise HTTPException(409, _tr(request, SAMPLE_FAILED).format(id=row["id"]))
    if action == "accept" and info["sample_check"] and sample is None:  # all the messages at once
        return _refused(request, doc_id, sets, [], None, version=version)
    since = now_iso()  # (an accept that only finishes an export cut short names no dropped fields)
    try:
        with st.acting() as p:
            nxt = _neighbour(st, row["id"], user.name)
            done = _run(p, st, action, row["id"], form, sets, user.name, sample, request.state.lang, version)
    except review.Stale as e:
        raise HTTPException(409, _tr(request, STALE).format(by=e.by)) from None
    except review.Invalid as e:
        return _refused(request, doc_id, sets, e.errors, sample, missing=False, version=version)
    except review.UndefinedFields as e:  # a field the type (the one it is accepted as) does not define
        return _refused(request, doc_id, sets, [], sample, missing=False, version=version, undefined=e)
    except review.SampleMissing:  # chosen for the sample check meanwhile (not foreseen above)
        return _refused(request, doc_id, sets, [], None, version=version)
    except review.SampleFailed:
        raise HTTPException(409, _tr(request, SAMPLE_FAILED).format(id=row["id"])) from None
    except review.SampleDiffers:  # recorded by the review code; the document stays in the queue
        flash(request, SAMPLE_DIFFERS, id=row["id"])
        return RedirectResponse(f"/review/{row['id']}#sample", status_code=303)
    msgs = {"accept": N_("Document {id} accepted."), "correct": N_("Corrections to {id} saved."),
            "defer": N_("Document {id} put back."), "reject": N_("Document {id} rejected.")}
    flash(request, msgs[action], id=row["id"])
    if action == "accept" and (dropped := names.dropped_titles(done, request.state.lang, since)):  # a type change's
        request.session["flash"] += " " + _tr(request, names.DROPPED).format(fields=", ".join(dropped))
    if action == "accept" and getattr(done, "status", None) == Status.EXPORT_FAILED:  # fresh40 F7
        request.session["flash"] += " " + _tr(request, EXPORT_PENDING)
    if action != "correct":  # decided: the document leaves the clerk's hands
        st.presence.left(row["id"], user.name)
    if action == "correct":
        return RedirectResponse(f"/review/{row['id']}", status_code=303)
    return RedirectResponse(f"/review/{nxt}" if nxt and nxt != row["id"] else "/review", status_code=303)


def _tr(request: Request, msgid: str) -> str:
    return i18n.gettext_for(request.state.lang)(msgid)


def _version(value: str | None) -> int | None:
    """The review version a form was rendered with (none: a form of an older page — not checked)."""
    try:
        return int(value or "")
    except ValueError:
        return None


def _refused(request: Request, doc_id: str, sets: dict[str, str], invalid: list[Any], sample: str | None,
             missing: bool = True, version: int | None = None, undefined: Any = None) -> Response:
    """The review page again (422) with each refused value's message next to it: the typed
    fields, fields the type does not define (*undefined*: :class:`review.UndefinedFields`), and the
    sample check's result where one is needed (*missing*)."""
    lang = request.state.lang
    if missing and not invalid:
        invalid = _invalid(sets)
    errors = {x.field: i18n.field_error(x, lang) for x in invalid}
    if undefined is not None:
        each = i18n.gettext_for(lang)(messages.NOT_A_FIELD).format(title=undefined.title)
        errors.update({k: each for k in undefined.unknown})
    return _item_page(request, doc_id, errors=errors, values=sets, status=422, version=version, sample={
        "value": sample, "error": i18n.gettext_for(lang)(SAMPLE_MISSING) if missing else None})


def _invalid(sets: dict[str, str]) -> list[FieldInvalid]:
    bad = []
    for k, v in sets.items():
        try:
            check_value(k, v)
        except FieldInvalid as e:
            bad.append(e)
    return bad


BAD_HOURS = N_("Put back for how long? „{value}“ is not a number of hours between 0.1 and 2160 (90 days).")


def _hours(value: str | None, st: Any, lang: str) -> float:
    """The hours a clerk typed to put a document back (empty: the profile's); 400 unless 0.1 to 90 days."""
    try:
        hours = float((value or "").strip().replace(",", ".") or st.profile.review.defer_hours)
    except ValueError:
        hours = float("nan")
    if not 0.1 <= hours <= 24 * 90:  # also NaN
        raise HTTPException(400, i18n.gettext_for(lang)(BAD_HOURS).format(value=value))
    return hours


def _run(p: Any, st: Any, action: str, doc_id: str, form: dict[str, str], sets: dict[str, str], actor: str,
         sample: str | None = None, lang: str = "de", version: int | None = None) -> Any:
    if action == "accept":  # (the accepted document: its dropped fields for the message)
        doctype = form.get("doctype") or form.get("doctype_other") or None
        return review.review_accept(p, doc_id, doctype, sets, actor=actor, sample=sample, expected=version)
    elif action == "correct":
        review.review_correct(p, doc_id, sets, actor=actor, expected=version)
    elif action == "defer":
        until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=_hours(form.get("hours"), st, lang))
        review.review_defer(p, doc_id, until, form.get("note", "")[:500], actor=actor)
    elif action == "reject":
        review.review_reject(p, doc_id, form.get("reason", ""), form.get("note", "")[:500], actor=actor)
    else:
        raise HTTPException(404)
