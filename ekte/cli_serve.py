"""The clerk's commands: ``serve`` and the review
commands beyond list/accept (``show``, ``correct``, ``reject``, ``defer``).
Parse, call :mod:`ekte.api`, print — in German or English (``--lang``,
``EKTE_LANG``, else the locale) with local times."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Annotated, Any, Iterator, List, Optional

import typer

from ekte.cli import _exit_on_errors, _fail, app, command, field_sets, review_app
from ekte.cliopts import (ConnectorOpt, ExpectedOpt, JsonOpt, LangOpt, LogFormat, LogFormatOpt, OverrideOpt, PluginOpt,
                          ProfileOpt, ServiceVerboseOpt, VerboseOpt, WorkdirOpt, field_value_form)
from ekte.logs import setup_logging
from ekte.render import out
from ekte.shown import Lines, visible

IdArg = Annotated[str, typer.Argument(metavar="ID", help="Document id (a unique prefix is enough).")]


def _tr(lang: str | None) -> tuple[Any, str]:
    from ekte.serve import i18n

    code = i18n.cli_language(lang)
    return i18n.gettext_for(code), code


#: what a Ctrl-C (or SIGTERM: *signal*) during ``review accept`` left (the document's state in the journal afterwards)
INTERRUPTED_ACCEPT = {
    "exported": "interrupted ({signal}): document {id} was accepted and exported",
    "archived": "interrupted ({signal}): document {id} was accepted, its export is open — run ekte review accept "
                "{id} again to export it",
    "review": "interrupted ({signal}): document {id} was not accepted; nothing changed, it waits for review",
    None: "interrupted ({signal}): the state of document {id} could not be read; ekte review show {id} shows it",
}


@contextlib.contextmanager
def interrupted_accept(doc_id: str, workdir: Any, lang: str | None) -> Iterator[str]:
    """Ctrl-C (or SIGTERM) during ``review accept``: one line in the clerk's language saying what the document is
    now — accepted and exported, accepted with its export open, or unchanged — exit 130 (fresh35 F1: silent); it
    names the signal that came ("Strg-C", "SIGTERM").  Yields the time the accept was called (:func:`accepted_line`:
    an accept older than it dropped no fields now)."""
    import signal

    from ekte import stopsignal
    from ekte.errors import ExitCode
    from ekte.model import now_iso

    try:
        yield now_iso()
    except (KeyboardInterrupt, stopsignal.Interrupted) as e:
        for s in (signal.SIGINT, signal.SIGTERM):  # a second one (the process group's) while it looks: ignored
            signal.signal(s, signal.SIG_IGN)
        state, doc_id = _state_now(doc_id, workdir)
        _, code = _tr(lang)
        # SIGTERM (a service manager, kill): named as it was, not Ctrl-C
        name = "SIGTERM" if isinstance(e, stopsignal.Interrupted) else _("Ctrl-C")
        line = _(INTERRUPTED_ACCEPT[state]).format(id=doc_id, signal=name)
        _fail(ExitCode.INTERRUPTED, line, code)


def _state_now(doc_id: str, workdir: Any) -> tuple[str | None, str]:
    """The document's state and whole id, read-only (the journal may still be busy for a moment): None, the id as
    given, when it cannot be read."""
    import time

    from ekte.journal import JOURNAL_FILE, Journal
    from ekte.pipeline import queue
    from ekte.pipeline.session import default_workdir

    for _try in range(5):
        try:
            j = Journal(Path(workdir or default_workdir()) / JOURNAL_FILE, readonly=True)
            try:
                row = queue.resolve(j, doc_id)
                return (row["state"] if row["state"] in INTERRUPTED_ACCEPT else None), row["id"]
            finally:
                j.close()
        except Exception:  # noqa: BLE001 - busy: once more; else the line says it could not be read
            time.sleep(1)
    return None, doc_id


@contextlib.contextmanager
def review_errors(lang: str | None) -> Iterator[None]:
    """As ``_exit_on_errors``, with the pipeline's refusals (not waiting for review, unknown reason, a time in the
    past, a sample check, …) in the clerk's language: ids kept, states by name, times local."""
    from ekte.cli_errors import LAST_FAILURE
    from ekte.errors import ConfigError, environment_failure
    from ekte.serve import names
    from ekte.serve.i18n import local_time
    from ekte.serve.messages import cli_message

    with _exit_on_errors(lang=lang):
        try:
            yield
        except ConfigError as e:
            if getattr(e, "errors", None):
                raise  # refused field values: one line per field, in *lang*, by _exit_on_errors
            message = cli_message(str(e), _tr(lang)[1], names.state_name, local_time)
            _fail(e.exit_code, message, _tr(lang)[1] if message != str(e) else "en")  # (1: a damaged archive)
        except Exception as e:  # a damaged journal: "Fehler: …" as the other refusals (fresh32 F8)
            failure = environment_failure(e)
            message = cli_message(failure.message, _tr(lang)[1], names.state_name, local_time) if failure else ""
            if failure is None or message == failure.message:
                raise  # (_exit_on_errors: the English line)
            LAST_FAILURE[:] = [failure]
            _fail(failure.exit_code, message, _tr(lang)[1])


def accepted_line(doc: Any, profile: str | None, overrides: list[str], lang: str | None,
                  called: str | None = None) -> str:
    """``review accept``'s line: the document, its type by title, where it went (or why the export failed), and
    after a type change the fields this accept (*called*: when it was called) dropped, by title."""
    from ekte.profile import load_profile

    from ekte.serve.names import DROPPED, dropped_titles

    _, code = _tr(lang)
    title = load_profile(profile, overrides).doctype_title(doc.doctype) or doc.doctype
    dropped = dropped_titles(doc, code, called)  # a type change's dropped fields by title
    after = (" " + _(DROPPED).format(fields=", ".join(dropped))) if dropped else ""
    if doc.error:
        return _("Document {id} ({type}) accepted; the export failed: {error}").format(
            id=doc.id, type=title, error=doc.error.message) + after
    return _("Document {id} ({type}) accepted and exported: {exports}").format(
        id=doc.id, type=title, exports=", ".join(doc.exports.values()) or "–") + after


def review_table(items: list[dict], profile: str | None, overrides: list[str], lang: str | None) -> None:
    """The queue, one row per document, the whole id (never cut), local times, titles."""
    from rich.table import Table

    from ekte.profile import load_profile
    from ekte.serve.i18n import local_time, percent

    _, code = _tr(lang)
    title = load_profile(profile, overrides).doctype_title
    if out.width < 110:  # a narrow terminal: one block per document, the id never cut
        out.print(f"{_('Review queue')} ({len(items)})", highlight=False)
        for i in items:
            note = f"  {_('put back until')} {local_time(i['deferred'])}" if i.get("deferred") else ""
            note += "".join(f"  {o}" for o in open_by_notes(i, code))
            out.print(f"{i['id']}  {local_time(i.get('received'))}  {title(i.get('doctype'))} "
                      f"({percent(i.get('confidence'), code)}){note}", highlight=False, markup=False, soft_wrap=True)
            cands = ", ".join(f"{title(c['doctype'])} {percent(c['score'], code)}" for c in i.get("candidates", []))
            out.print(f"    {_('Candidates')}: {cands}; {_('File')}: {visible(Path(i.get('source') or '').name)}; "
                      f"{_('Pages')}: {i.get('pages') or ''}", highlight=False, markup=False, soft_wrap=True)
        return
    t = Table(title=f"{_('Review queue')} ({len(items)})")
    for c, kw in ((_("Document"), {"no_wrap": True, "min_width": 16}), (_("Received"), {"no_wrap": True}),
                  (_("Document type (confidence)"), {}), (_("Candidates"), {}), (_("File"), {}), (_("Pages"), {})):
        t.add_column(c, **kw)
    for i in items:
        note = f"\n({_('put back until')} {local_time(i['deferred'])})" if i.get("deferred") else ""
        note += "".join(f"\n{o}" for o in open_by_notes(i, code))
        t.add_row(Lines(i["id"] + note), local_time(i.get("received")),
                  f"{title(i.get('doctype'))} ({percent(i.get('confidence'), code)})",
                  ", ".join(f"{title(c['doctype'])} {percent(c['score'], code)}" for c in i.get("candidates", [])),
                  Path(i.get("source") or "").name, str(i.get("pages") or ""))
    out.print(t)


#: as the station's queue and page say it (ekte/serve/templates/queue.html; web.OPEN_BY)
OPEN_BY_ROW = "being worked on by %(who)s (since %(when)s)"
OPEN_BY_LINE = "Being worked on by %(who)s (since %(when)s)."


def open_by_notes(item: dict, lang: str, msgid: str = OPEN_BY_ROW) -> list[str]:
    """Who has the document open in the station and since when (today: HH:MM, else the day too), one note each."""
    from ekte.serve.i18n import gettext_for, local_clock

    tr = gettext_for(lang)
    return [tr(msgid) % {"who": o["user"], "when": local_clock(o["since"])} for o in item.get("open_by") or []]


@command(review_app, "show")
def review_show_cmd(doc_id: IdArg, profile: ProfileOpt = None, workdir: WorkdirOpt = None,
                    override: OverrideOpt = [], as_json: JsonOpt = False, lang: LangOpt = None) -> None:
    """A document of the queue: source, type and candidates by title, fields with confidence and page, history."""
    from ekte import api
    from ekte.profile import load_profile
    from ekte.serve import names
    from ekte.serve.i18n import local_time, percent

    _, code = _tr(lang)
    with review_errors(lang):
        prof = load_profile(profile, override)
        d = api.review_show(doc_id, profile=prof, workdir=workdir)
    if as_json:
        print(json.dumps(d, ensure_ascii=False, indent=2))
        return
    t = prof.doctype_title
    out.print(f"[bold]{d['id']}[/]  {_('State')}: {names.state_name(d['state'], code)}  "
              f"{_('Received')}: {local_time(d['received'])}  {_('Pages')}: {d['pages']}", highlight=False)
    for note in open_by_notes(d, code, OPEN_BY_LINE):
        out.print(note, highlight=False, markup=False)
    out.print(f"{_('File')}: {visible(Path(d['source']).name)}", highlight=False, markup=False)
    if d["state"] == "quarantined" and d.get("error"):  # why, as the station says it (fresh35 F7)
        from ekte.serve.admin import reason_text

        out.print(f"{_('Quarantine')}: {reason_text(d['error']['code'], d['error']['message'], _)}", highlight=False,
                  markup=False)
    if d["doctype"]:  # (a quarantined file never classified: no empty type line)
        out.print(f"{_('Document type')}: {t(d['doctype'])} ({percent(d['confidence'], code)}); {_('Candidates')}: "
                  + ", ".join(f"{t(c['doctype'])} {percent(c['score'], code)}" for c in d["candidates"]),
                  highlight=False)
    why = [names.reason_text(r, code) for r in d["reasons"]]
    if d["type_unsure"]:
        why.insert(0, _("type uncertain"))
    if d["state"] == "review":
        out.print(f"{_('Why here')}: " + ("; ".join(why) or "–"), highlight=False, markup=False)
    for k, f in d["fields"].items():
        where = f" · {_('p.')} {f['page']}" if f.get("page") else ""
        corr = d["corrections"].get(k)
        note = f"  → {visible(str(corr['value']))} ({_('corrected by %(who)s') % {'who': corr['by']}})" if corr else ""
        out.print(f"  {names.field_title(k, code):22} {visible(str(f['value']))}  [{percent(f.get('confidence'), code)}{where} · "
                  f"{names.method_name(f.get('method'), code)}]{note}", highlight=False, markup=False)
    out.print(f"{_('History')}:", highlight=False)
    for e in d["history"]:
        change = f"  {visible(names.change_text(e, t))}" if e["new"] is not None else ""
        who = names.actor_name(e["actor"], code)
        field = f" ({names.field_title(e['field'], code)})" if e["field"] else ""
        out.print(f"  {local_time(e['time'])}  {who:10} {names.event_name(e['stage'], e['event'], code, e.get('forced'))}{field}{change}",
                  highlight=False, markup=False)


@command(review_app, "correct")
def review_correct_cmd(doc_id: IdArg, set_: Annotated[List[str], typer.Option("--set", metavar="FIELD=VALUE",
                       help="A corrected value (repeatable; checked: dates, IBAN, PLZ, FIN, …).",
                       callback=field_value_form)] = [],
                       profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [],
                       lang: LangOpt = None, as_json: JsonOpt = False, verbose: VerboseOpt = 0,
                      log_format: LogFormatOpt = LogFormat.text, expected: ExpectedOpt = None) -> None:
    """Store checked corrections for a document still waiting (applied when it is accepted)."""
    from ekte import api

    from ekte.serve.names import field_title

    _, code = _tr(lang)
    if not set_:  # (fresh35 F6: "saved: –", or an earlier correction as if saved now)
        from ekte.errors import ExitCode

        _fail(ExitCode.USAGE, _("nothing to save — give --set FIELD=VALUE"), code)
    setup_logging(verbose, log_format.value)
    with review_errors(lang):
        r = api.review_correct(doc_id, field_sets(set_), profile=profile, workdir=workdir, overrides=override,
                               expected=expected)
    if as_json:
        return print(json.dumps(r, ensure_ascii=False))
    fields = ", ".join(field_title(k, code) for k in field_sets(set_))  # the ones saved now
    out.print(_("Corrections to {id} saved: {fields}.").format(id=r["id"], fields=fields), highlight=False,
              markup=False, soft_wrap=True)


@command(review_app, "reject")
def review_reject_cmd(doc_id: IdArg, reason: Annotated[str, typer.Option("--reason", "-r", metavar="REASON",
                      help="A reason of the profile's review.reject section (default: not_ours, unreadable).")],
                      note: Annotated[str, typer.Option("--note", metavar="TEXT", help="A note for the record.")] = "",
                      profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [],
                      connector: ConnectorOpt = [], plugin: PluginOpt = [], lang: LangOpt = None,
                      as_json: JsonOpt = False, verbose: VerboseOpt = 0,
                      log_format: LogFormatOpt = LogFormat.text) -> None:
    """Reject a document of the queue; the reason's disposition follows (keep, quarantine, export as a type)."""
    from ekte import api
    from ekte.render import doc_summary

    _, _code = _tr(lang)
    setup_logging(verbose, log_format.value)
    with review_errors(lang):
        doc = api.review_reject(doc_id, reason, note, profile=profile, workdir=workdir, overrides=override,
                                connectors=connector or None, plugins=plugin)
    if as_json:
        return print(json.dumps({**doc_summary(doc), "exports": doc.exports, "reason": reason}, ensure_ascii=False))
    out.print(_("Document {id} rejected.").format(id=doc.id), highlight=False)


@command(review_app, "defer")
def review_defer_cmd(doc_id: IdArg, hours: Annotated[Optional[float], typer.Option(
                     "--hours", metavar="H", help="How long (default: the profile's review.defer_hours).")] = None,
                     note: Annotated[str, typer.Option("--note", metavar="TEXT", help="A note for the record.")] = "",
                     profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [],
                     lang: LangOpt = None, as_json: JsonOpt = False, verbose: VerboseOpt = 0,
                      log_format: LogFormatOpt = LogFormat.text) -> None:
    """Put a document back ("come back later"): it stays in the queue, after the others, until then."""
    from ekte import api
    from ekte.serve.i18n import local_time

    _, _code = _tr(lang)
    setup_logging(verbose, log_format.value)
    with review_errors(lang):
        r = api.review_defer(doc_id, hours=hours, note=note, profile=profile, workdir=workdir, overrides=override)
    if as_json:
        return print(json.dumps(r, ensure_ascii=False))
    out.print(_("Document {id} put back until {until}.").format(id=r["id"], until=local_time(r["until"])),
              highlight=False, soft_wrap=True)


@command(name="serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", metavar="ADDR", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", help="Port.")] = 8470,
    proxy_header: Annotated[Optional[str], typer.Option("--proxy-header", metavar="HEADER", help="Single sign-on: "
                            "trust this header (e.g. X-Remote-User) from --trusted-proxy addresses.")] = None,
    trusted_proxy: Annotated[List[str], typer.Option("--trusted-proxy", metavar="ADDR", help="Reverse proxy "
                             "address whose --proxy-header is believed (repeatable; default 127.0.0.1, ::1).")] = [],
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", metavar="", help="Session cookie only over "
                              "HTTPS (behind a TLS proxy).")] = False,
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], connector: ConnectorOpt = [],
    plugin: PluginOpt = [], verbose: ServiceVerboseOpt = 1, log_format: LogFormatOpt = LogFormat.text,
) -> None:
    """The clerk's station: review queue, quarantine, history, statistics in the browser, and a JSON API."""
    from ekte import api

    setup_logging(verbose, log_format.value)
    with _exit_on_errors():
        code = api.serve(host=host, port=port, profile=profile, workdir=workdir, overrides=override,
                         connectors=connector or None, plugins=plugin, proxy_header=proxy_header,
                         trusted_proxies=tuple(trusted_proxy) or ("127.0.0.1", "::1"), secure_cookies=secure_cookies)
    raise typer.Exit(code)
