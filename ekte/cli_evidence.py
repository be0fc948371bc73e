"""The evidence commands: ``verify``, ``history``, ``retention due`` and
``retention delete``.  Thin, like
:mod:`ekte.cli`: parse (the shared options of :mod:`ekte.cliopts`), call
:mod:`ekte.api`, print."""

from __future__ import annotations

import json
from typing import Annotated, List, Optional

import typer
from rich.table import Table

from ekte.cli import _exit_on_errors, app, command
from ekte.cliopts import (JsonOpt, LangOpt, LogFormat, LogFormatOpt, OverrideOpt, ProfileOpt, VerboseOpt, WorkdirOpt,
                          check_jobs, new_app)
from ekte.logs import setup_logging
from ekte.render import out

retention_app = new_app("Retention periods of archived documents.")
app.add_typer(retention_app, name="retention")

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
    as_json: JsonOpt = False, verbose: VerboseOpt = 0, log_format: LogFormatOpt = LogFormat.text,
) -> None:
    """Re-hash originals and archival copies, check seals, time stamps, transfer notes and the journal.
    Exit 0 only when everything holds; 1 names each broken document and what broke."""
    from ekte import api

    setup_logging(verbose, log_format.value)
    req = [r.strip() for item in require for r in item.split(",") if r.strip()]
    with _exit_on_errors():
        res = api.verify(ids or None, profile=profile, workdir=workdir, overrides=override, deep=deep,
                         require=req, jobs=jobs)
    if as_json:
        print(json.dumps(res.to_json(), ensure_ascii=False, indent=2))
        raise typer.Exit(res.exit_code)
    for i, (state, reason) in res.not_archived.items():
        out.print(f"{i}: not archived ({state}{': ' + reason if reason else ''}) — nothing to verify", highlight=False)
    for d in res.broken:
        for check, message in d.problems:
            out.print(f"[red]BROKEN[/] {d.id}  {check}: {message}", highlight=False, soft_wrap=True)
    from ekte.evidence import report

    lines = report.text(res.to_json()["summary"])
    out.print(f"[{'green' if not res.broken else 'red'}]{lines[0]}[/]", highlight=False)
    for line in lines[1:]:
        out.print(line, highlight=False)
    raise typer.Exit(res.exit_code)


@command(retention_app, "due")
def retention_due_cmd(
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [],
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help="Judge as on this date "
                                                 "(YYYY-MM-DD or TT.MM.JJJJ; default today).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List documents whose retention period has ended (nothing is deleted)."""
    from ekte import api

    with _exit_on_errors():
        items = api.retention_due(profile=profile, workdir=workdir, overrides=override, as_of=as_of)
    if as_json:
        print(json.dumps({"version": 1, "documents": items}, ensure_ascii=False, indent=2))
        return
    unknown = [i for i in items if "error" in i]
    items = [i for i in items if "error" not in i]
    t = Table(title=f"retention ended ({len(items)})")
    t.add_column("id", no_wrap=True, min_width=16)  # the input of ekte retention delete: never cut
    for c in ("doctype", "Aktenzeichen", "from", "years", "ended", "overdue days"):
        t.add_column(c, overflow="fold")
    for i in items:
        t.add_row(i["id"], str(i["doctype"]) + _flag(i), i.get("aktenzeichen") or "", f"{i['date']} ({i['basis']})"
                  + (" machine-read, unconfirmed" if i.get("date_confirmed") is False and i["basis"] != "received"
                     else "")
                  + (f"; read {i['unconfirmed_date']}, unconfirmed" if i.get("unconfirmed_date") else ""),
                  str(i["years"]), i["ends"], str(i["overdue_days"]))
    out.print(t)
    if unknown:  # neither ended nor running (fresh38 F14 d)
        u = Table(title=f"retention cannot be determined ({len(unknown)})")
        u.add_column("id", no_wrap=True, min_width=16)
        u.add_column("why", overflow="fold")
        for i in unknown:
            u.add_row(i["id"], f"[red]{i['error']}[/]")
        out.print(u)



@command(retention_app, "deleted")
def retention_deleted_cmd(
    workdir: WorkdirOpt = None,
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="Deleted on or after this day "
                                                 "(YYYY-MM-DD or TT.MM.JJJJ).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The deletion log: every document deleted (tombstones: id, type, when, who, whether before its retention
    ended, reason) — nothing of the content."""
    from ekte import api

    with _exit_on_errors():
        items = api.retention_deleted(workdir=workdir, since=since)
    if as_json:
        print(json.dumps({"version": 1, "deleted": items}, ensure_ascii=False, indent=2))
        return
    t = Table(title=f"deleted ({len(items)})")
    t.add_column("id", no_wrap=True, min_width=16)
    for c in ("doctype", "deleted", "by", "retention", "reason"):
        t.add_column(c, overflow="fold")
    for i in items:
        when = "before it ended (--force)" if i["forced"] else f"ended {i['retention_ends'] or '?'}"
        t.add_row(i["doc_id"], str(i["doctype"] or ""), str(i["deleted"])[:16].replace("T", " "), str(i["actor"]),
                  when + ("; archive did not hold" if i.get("damage") else "")
                  + ("; [red]deleted/ record missing[/]" if not i["record"] else ""), str(i["reason"]))
    out.print(t)


def _flag(i: dict) -> str:
    """A type metadata.json gives otherwise than the journal (the journal's counts: fresh38 F8)."""
    return f" [red](metadata.json says {i['doctype_in_metadata']}: see ekte verify)[/]" \
        if "doctype_in_metadata" in i else ""


@command(app, "history", clerk=True)
def history_cmd(doc_id: Annotated[str, typer.Argument(metavar="ID", help="Document id (a unique prefix is enough).")],
                profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [],
                as_json: JsonOpt = False, lang: LangOpt = None) -> None:
    """One document's audit trail: when (local time), who, what, old → new — in words (German unless --lang en);
    --json keeps the journal's raw form."""
    from ekte import api
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
            when=i18n.local_time(t["deleted"]), who=names.actor_name(t["actor"], code), reason=t["reason"]),
            highlight=False)
    t = Table(title=_("{id} ({n} events)").format(id=h["id"], n=len(h["events"])))
    for c in (_("When"), _("Who"), _("What"), _("Field"), _("Old → new"), _("Details")):
        t.add_column(c, overflow="fold")
    for e in h["events"]:
        t.add_row(i18n.local_time(e["time"]), names.actor_name(e["actor"], code),
                  names.event_name(e["stage"], e["event"], code, e.get("forced")), names.field_title(e["field"], code),
                  names.change_text(e, prof.doctype_title),
                  names.detail_text(e, code, prof.doctype_title, prof.review.reject))
    out.print(t)


@command(retention_app, "delete")
def retention_delete_cmd(
    ids: Annotated[List[str], typer.Argument(metavar="ID", help="Document ids (unique prefixes are enough).")],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why (required; kept for ever in the "
                                        "audit trail and deleted/<id>.json: name no person, address or file — "
                                        "e.g. 'Aufbewahrungsfrist abgelaufen').")],
    force: Annotated[bool, typer.Option("--force", metavar="", help="Also delete documents whose retention "
                                        "period has not ended.")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help="Judge retention as on this date "
                                                 "(YYYY-MM-DD or TT.MM.JJJJ; default today; never a later day — "
                                                 "plan with ekte retention due --as-of).")] = None,
    damaged: Annotated[bool, typer.Option("--damaged", metavar="", help="Also delete a document whose archive "
                                          "folder does not hold (ekte verify: BROKEN); the damage is recorded.")]
    = False,
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], as_json: JsonOpt = False,
) -> None:
    """Delete documents for good: archive folder, ekte's export copies, the done copy of the original, review and
    quarantine entries, the HTTP intake's record; copies outside the working directory are named as kept.
    The journal keeps a tombstone and an audit entry without personal data.  Exit 1 when any was refused."""
    from ekte import api

    with _exit_on_errors():
        res = api.retention_delete(ids, reason=reason, force=force, as_of=as_of, damaged=damaged, profile=profile,
                                   workdir=workdir, overrides=override)
    if as_json:
        print(json.dumps({"version": 1, "documents": res}, ensure_ascii=False, indent=2))
    else:
        for r in res:
            if r["deleted"]:
                out.print(f"[green]deleted[/] {r['id']}{' (before its retention ended: --force)' if r['forced'] else ''}"
                          f": {len(r['removed'])} paths removed"
                          + (f", {len(r['changed'])} written again without it" if r["changed"] else ""), highlight=False)
                for k in r.get("kept", []):
                    out.print(f"  kept: {k}", highlight=False, soft_wrap=True)
            else:
                out.print(f"[red]refused[/] {r['id']}: {r['error']['message']}", highlight=False, soft_wrap=True)
    raise typer.Exit(0 if all(r["deleted"] for r in res) else 1)
