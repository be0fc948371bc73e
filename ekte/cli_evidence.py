"""The evidence commands: ``verify`` and ``history`` (``retention …``: :mod:`ekte.cli_retention`).  Thin, like
:mod:`ekte.cli`: parse (the shared options of :mod:`ekte.cliopts`), call
:mod:`ekte.api`, print."""

from __future__ import annotations

import json
from typing import Annotated, List, Optional

import typer
from rich.table import Table

from ekte.cli import _exit_on_errors, app, command
from ekte.cliopts import (JsonOpt, LangOpt, LogFormat, LogFormatOpt, OverrideOpt, ProfileOpt, VerboseOpt, WorkdirOpt,
                          check_jobs)
from ekte.logs import setup_logging
from ekte.render import out

IdsArg = Annotated[Optional[List[str]], typer.Argument(
    metavar="ID", help="Document ids (default: every archived document).")]


@command(app, "verify")
def verify_cmd(
    ids: IdsArg = None, profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [],
    deep: Annotated[bool, typer.Option("--deep", metavar="", help="Also check PDF/A validity and every PDF seal "
                                       "(slow).")] = False,
    require: Annotated[List[str], typer.Option(
        "--require", metavar="KIND", help="Evidence every document must have: seal, timestamp, transfer-note "
                                          "(repeatable or comma-separated).")] = [],
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", metavar="N", callback=check_jobs,
                                                help="Processes (default and 0: CPU cores).")] = None,
    expect_head: Annotated[Optional[str], typer.Option(
        "--expect-head", metavar="SEQ:HASH", help="The audit chain's head as an earlier verify printed it: fail "
                                                  "when the journal's chain does not hold it (an older copy, a "
                                                  "rewritten chain).")] = None,
    as_json: JsonOpt = False, verbose: VerboseOpt = 0, log_format: LogFormatOpt = LogFormat.text,
) -> None:
    """Re-hash originals and archival copies, check seals, time stamps, transfer notes and the journal.
    Exit 0 only when everything holds; 1 names each broken document and what broke."""
    from ekte import api

    setup_logging(verbose, log_format.value)
    req = [r.strip() for item in require for r in item.split(",") if r.strip()]
    with _exit_on_errors():
        res = api.verify(ids or None, profile=profile, workdir=workdir, overrides=override, deep=deep,
                         require=req, jobs=jobs, expect_head=expect_head)
    if as_json:
        print(json.dumps(res.to_json(), ensure_ascii=False, indent=2))
        raise typer.Exit(res.exit_code)
    for i, (state, reason) in res.not_archived.items():
        out.print(f"{i}: not archived ({state}{': ' + reason if reason else ''}) — nothing to verify", highlight=False)
    from rich.markup import escape

    from ekte.evidence import report

    for i, t in res.deleted.items():
        out.print(f"{i}: {escape(report.deleted_line(t))} — nothing to verify; ekte history {i} shows its trail",
                  highlight=False, soft_wrap=True)
    for d in res.broken:
        for check, message in d.problems:
            out.print(f"[red]BROKEN[/] {d.id}  {check}: {message}", highlight=False, soft_wrap=True)

    if res.expected_head and not res.expected_head["holds"]:
        out.print(f"[red]BROKEN[/] --expect-head {expect_head}: {res.expected_head['message']}", highlight=False,
                  soft_wrap=True)
    lines = report.text(res.to_json()["summary"])
    out.print(f"[{'green' if not res.exit_code else 'red'}]{lines[0]}[/]", highlight=False)
    for line in lines[1:]:
        out.print(line, highlight=False, soft_wrap=True)
    raise typer.Exit(res.exit_code)


@command(app, "history", clerk=True)
def history_cmd(doc_id: Annotated[str, typer.Argument(metavar="ID", help="Document id (a unique prefix is enough).")],
                profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [],
                as_json: JsonOpt = False, lang: LangOpt = None) -> None:
    """One document's audit trail: when (local time), who, what, old → new — in words (German unless --lang en);
    --json keeps the journal's raw form."""
    from ekte import api
    from ekte.cli_retention import deletion_detail
    from ekte.evidence.deletion_reasons import words as reason_words
    from ekte.profile import load_profile
    from ekte.serve import i18n, names

    code = i18n.cli_language(lang)
    _ = i18n.gettext_for(code)
    from ekte.cli_serve import review_errors

    with review_errors(lang):  # refusals in the clerk's language, as review show's (fresh35 F2)
        prof = load_profile(profile, override)
        h = api.history(doc_id, profile=prof, workdir=workdir)
    if as_json:
        print(json.dumps(h, ensure_ascii=False, indent=2))
        return
    if h.get("deleted"):
        t = h["deleted"]
        out.print(f"[bold]{h['id']}[/]  " + _("deleted {when} by {who}: {reason}").format(
            when=i18n.local_time(t["deleted"]), who=names.actor_name(t["actor"], code),
            reason=reason_words(t["reason"], code)),
            highlight=False)
    t = Table(title=_("{id} ({n} events)").format(id=h["id"], n=len(h["events"])))
    for c in (_("When"), _("Who"), _("What"), _("Field"), _("Old → new"), _("Details")):
        t.add_column(c, overflow="fold")
    last = max((e["seq"] for e in h["events"] if (e["stage"], e["event"]) == ("retention", "deleted")), default=None)
    for e in h["events"]:
        t.add_row(i18n.local_time(e["time"]), names.actor_name(e["actor"], code),
                  names.event_name(e["stage"], e["event"], code, e.get("forced")), names.field_title(e["field"], code),
                  names.change_text(e, prof.doctype_title),
                  deletion_detail(h["deleted"], code, prof.doctype_title) if e["seq"] == last and h.get("deleted")
                  else names.detail_text(e, code, prof.doctype_title, prof.review.reject))
    out.print(t)
