"""Quarantäne, Verlauf, Statistik and Benutzer pages."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse, Response

from ekte.errors import REASONS, ConfigError
from ekte.pipeline import queue as q
from ekte.serve import charts, i18n, names, retries
from ekte.serve.i18n import N_
from ekte.serve.auth import check_csrf, require, station
from ekte.serve.messages import USER_REFUSED
from ekte.stages.intake_bomb import BOMB
from ekte.stages.workpdf import NEEDS_REPAIR
from ekte.serve.web import _form, _int, flash, render
from ekte.users import MIN_PASSWORD, ROLES, UserRefused

router = APIRouter(include_in_schema=False)


# A code's more exact messages (the general text of ``unsupported_type`` would say the opposite of the fact for a
# text file named .pdf): the pipeline's English message → its msgid (with the values it names).
MISNAMED_TEXT = re.compile(r"The file holds plain text but its name ends in (\.[^\s:]{1,16}):")
EXACT = {
    "The text file cannot be decoded.": N_("The text file cannot be decoded (its character encoding is not known)."),
    "Office documents are not accepted (intake.office.enabled = false).":
        N_("Office documents are not accepted here (setting intake.office.enabled = false)."),
    # words36 (fresh35 F10): an HTML file under a .pdf name, or under its own (ekte.pipeline.admission.WEB_PAGE*)
    "The file is a web page (HTML), not a PDF: save the page as PDF (print it to PDF) and put that into the inbox.":
        N_("The file is a web page (HTML), not a PDF: save the page as PDF (print it to PDF) and put that into the "
           "inbox."),
    "The file is a web page (HTML): web pages are not taken — save the page as PDF (print it to PDF) and put that "
    "into the inbox.": N_("The file is a web page (HTML): web pages are not taken — save the page as PDF (print it "
                          "to PDF) and put that into the inbox."),
    # fresh40 F1 / review40 R4: a PDF that opens only when repaired (ekte.stages.workpdf.NEEDS_REPAIR)
    NEEDS_REPAIR:
        N_("The PDF is incomplete or damaged: it opens only when repaired (cut short, still being written, or its "
           "cross-reference misplaced). It was not archived: take in a complete copy, or — when its pages are all "
           "there — a repaired one (e.g. qpdf in.pdf out.pdf)."),
    # fresh41 F2: a PDF whose compressed data expands past intake.max_decoded_mb (ekte.stages.intake_bomb.BOMB)
    BOMB: N_("The PDF holds compressed data that expands to more than intake.max_decoded_mb allows (a decompression "
             "bomb); it was not processed."),
}


def reason_text(code: str | None, message: str | None, gettext: Any) -> str:
    """A quarantine reason in the reader's language (the known codes are
    translated, with a more exact text where the pipeline gave one; a
    plugin's own message is shown as it is)."""
    if code == "unsupported_type" and message and (m := MISNAMED_TEXT.match(message)):
        return gettext(N_("The file holds plain text, but its name ends in {suffix}: text files are taken with "
                          "the ending .txt (or .text, .csv, .tsv, .log, .asc). Rename it to .txt and put it into "
                          "the inbox again.")).format(suffix=m[1])
    if message in EXACT:
        return gettext(EXACT[message])
    if code in REASONS:
        return gettext(REASONS[code]) + ("" if code != "rejected" or not message else f" ({message})")
    return message or code or ""


@router.get("/quarantine")
def quarantine_page(request: Request) -> Response:
    require(request, "quarantine")
    st = station(request)
    page = _int(request.query_params.get("page"), 1) or 1
    total, rows = q.quarantined(st.reader, (page - 1) * q.PAGE_SIZE, q.PAGE_SIZE)
    gettext = i18n.gettext_for(request.state.lang)
    for r in rows:
        e = q.quarantine_entry(st.workdir, r["id"])
        r["reason"] = reason_text(r["error_code"], r["error_message"], gettext)
        r["has_original"] = e["original"] is not None
        r["file"] = (r.get("source") or "").replace("\\", "/").rsplit("/", 1)[-1]  # as the CLI's "file" column
        r["stage"] = e["reason"].get("stage", "")
        r["retrying"] = r["id"] in st.retries and st.retries[r["id"]].running
    done = sorted((x for x in list(st.retries.values()) if not x.running), key=lambda x: x.finished or "", reverse=True)
    return render(request, "quarantine.html", {"rows": rows, "total": total, "page": page,
                                               "pages": max(1, -(-total // q.PAGE_SIZE)),
                                               "retried": [(x, retries.text(x, gettext)) for x in done]})


NO_ORIGINAL = N_("The quarantine holds no original of this document.")


def original_download(request: Request, doc_id: str) -> FileResponse:
    """The quarantined original as a download (the page's and the API's route)."""
    found = station(request).original(doc_id)
    if found is None:
        raise HTTPException(404, i18n.gettext_for(request.state.lang)(NO_ORIGINAL))
    return FileResponse(found[0], filename=found[1], media_type="application/octet-stream")


@router.get("/quarantine/{doc_id}/original")
def quarantine_original(request: Request, doc_id: str) -> Response:
    require(request, "quarantine")
    return original_download(request, doc_id)


@router.post("/quarantine/{doc_id}/{action}")
async def quarantine_act(request: Request, doc_id: str, action: str) -> Response:
    user = require(request, "quarantine")
    form = await _form(request)
    check_csrf(request, user, form.get("csrf"))
    st = station(request)
    if action == "retry":
        st.retry(doc_id, user.name)
        flash(request, "Document {id} is being processed again.", id=doc_id)
    elif action == "release":
        try:
            st.release(doc_id, form.get("note", "")[:500], user.name)
        except q.Conflict:
            raise
        except ConfigError:
            flash(request, "A release needs a note.")
            return RedirectResponse("/quarantine", status_code=303)
        flash(request, "Document {id} released.", id=doc_id)
    else:
        raise HTTPException(404)
    return RedirectResponse("/quarantine", status_code=303)


@router.get("/history")
def history_search(request: Request) -> Response:
    require(request, "history")
    doc_id = (request.query_params.get("id") or "").strip()
    if doc_id:
        row, tomb = q.resolve_or_deleted(station(request).reader, doc_id)
        return RedirectResponse(f"/history/{row['id'] if row is not None else tomb['doc_id']}", status_code=303)
    return render(request, "history.html", {"d": None, "events": []})


@router.get("/history/{doc_id}")
def history_page(request: Request, doc_id: str) -> Response:
    """A document's trail; a deleted one's too (its values emptied by the deletion; when, who and why it was
    deleted from its tombstone), as ``ekte history`` shows it."""
    require(request, "history")
    st = station(request)
    row, tomb = q.resolve_or_deleted(st.reader, doc_id)
    if tomb is not None:  # the chained retention/deleted entry's values, as ekte history's headline (fresh38 F15)
        from ekte.evidence.tombs import shown

        from ekte.evidence.deletion_reasons import words

        tomb = shown(st.reader.db, dict(tomb))
        tomb["reason"] = words(tomb.get("reason"), request.state.lang)  # a code in the reader's words (F4)
    d = dict(row) if row is not None else {"id": tomb["doc_id"], "state": "deleted", "doctype": tomb["doctype"],
                                           "first_seen": tomb["received"], "tomb": tomb}
    return render(request, "history.html", {"d": d, "events": q.history(st.reader, d["id"])})


BAD_DATE = N_("„{value}“ is not a date: write it like 31.01.2026 or 2026-01-31.")
UNTIL_BEFORE = N_("„to“ ({until}) is before „from“ ({since}): swap the two dates.")
BAD_BY = N_("„{value}“ cannot be grouped by; choose from {known}.")


def days(request: Request, *values: str | None) -> list[str | None]:
    """``since``/``until`` as YYYY-MM-DD (given so or as DD.MM.YYYY); 400 with a message in the
    reader's language for anything else."""
    from ekte import stats

    try:
        out = [stats.day(v) for v in values]
    except stats.BadDate as e:
        raise HTTPException(400, i18n.gettext_for(request.state.lang)(BAD_DATE).format(value=e.value)) from None
    if len(out) == 2 and out[0] and out[1] and out[1] < out[0]:  # a typo, not an empty period (fresh24 #10)
        raise HTTPException(400, i18n.gettext_for(request.state.lang)(UNTIL_BEFORE).format(
            since=names.stat_value("day", out[0], "de"), until=names.stat_value("day", out[1], "de")))
    return out


def stats_args(request: Request) -> tuple[str | None, str | None, tuple[str, ...]]:
    from ekte import stats

    qp = request.query_params
    by = tuple(k for k in (qp.get("by") or "day,type,channel,outcome").split(",") if k)
    bad = [k for k in by if k not in stats.KEYS]
    if bad:
        lang = request.state.lang
        raise HTTPException(400, i18n.gettext_for(lang)(BAD_BY).format(value=",".join(bad)[:80], known=", ".join(
            f"{k} ({names.key_name(k, lang)})" for k in stats.KEYS)))
    since, until = days(request, qp.get("since") or None, qp.get("until") or None)
    return since, until, by


@router.get("/stats")
def stats_page(request: Request) -> Response:
    require(request, "stats")
    from ekte import stats

    st = station(request)
    since, until, by = stats_args(request)
    fig = stats.compute(st.reader, st.profile, since=since, until=until, by=by)
    svg = charts.figures_charts(fig, request.state.lang, st.title)
    return render(request, "stats.html", {"fig": fig, "charts": svg, "since": since or "", "until": until or "",
                                          "by": ",".join(by), "keys": stats.KEYS})


@router.get("/stats.{fmt}")
def stats_download(request: Request, fmt: str) -> Response:
    require(request, "stats")
    from ekte import stats

    st = station(request)
    since, until, by = stats_args(request)
    fig = stats.compute(st.reader, st.profile, since=since, until=until, by=by)
    if fmt == "csv":
        return PlainTextResponse(stats.to_csv(fig, request.state.lang), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="ekte-statistik.csv"'})
    if fmt == "json":
        from fastapi.responses import JSONResponse

        return JSONResponse(fig, headers={"Content-Disposition": 'attachment; filename="ekte-statistik.json"'})
    raise HTTPException(404)


@router.get("/users")
def users_page(request: Request) -> Response:
    require(request, "users")
    return render(request, "users.html", {"users": station(request).users.list(), "roles": list(ROLES)})


@router.post("/users")
async def users_add(request: Request) -> Response:
    user = require(request, "users")
    form = await _form(request)
    check_csrf(request, user, form.get("csrf"))
    st = station(request)
    name = form.get("name", "").strip()
    try:
        st.users.add(name, form.get("role", ""), form.get("password", ""))
    except UserRefused as e:
        roles = ", ".join(f"„{names.word('role', r, request.state.lang)}“" for r in ROLES)
        flash(request, USER_REFUSED[e.code], name=name[:64], roles=roles, n=MIN_PASSWORD)
        return RedirectResponse("/users", status_code=303)
    with st.acting() as p:
        p.j.event("-", "users", "user-added", __import__("json").dumps({"by": user.name, "role": form.get("role")}))
    flash(request, "User added.")
    return RedirectResponse("/users", status_code=303)
