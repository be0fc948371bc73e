"""``ekte journal check`` and ``ekte journal rebuild`` (see :mod:`ekte.journal.rebuild`), ``ekte journal
forget-owed`` (:func:`ekte.api.forget_owed`)."""

from __future__ import annotations

import json
from typing import Annotated, List, Optional

import typer

from ekte import render
from ekte.cli_errors import exit_on_errors, fail, reported_failure
from ekte.cliopts import JsonOpt, OverrideOpt, PluginOpt, ProfileOpt, WorkdirOpt, command, new_app
from ekte.errors import ExitCode

journal_app = new_app("Check the journal against the archive, rebuild it from the archive, drop a debt to a "
                      "connector.")


@command(journal_app, "check")
def journal_check_cmd(workdir: WorkdirOpt = None, as_json: JsonOpt = False) -> None:
    """SQLite's integrity check, then the journal against the archive.  Exit code 0 when both agree,
    1 when they differ (each finding says what to do), 75 when the journal is damaged."""
    from ekte import api

    with exit_on_errors():
        r = api.journal_check(workdir=workdir)
    if as_json:
        print(json.dumps(r, ensure_ascii=False, indent=2))
    elif not r["damaged"]:
        render.journal_check(r)
    if r["damaged"]:
        fail(ExitCode.JOURNAL_DAMAGED, f"{r['workdir']}: the journal is damaged ({r['damaged']}); "
                                       "run ekte journal rebuild")
    raise typer.Exit(0 if r["ok"] else 1)


@command(journal_app, "rebuild")
def journal_rebuild_cmd(
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [],
    force: Annotated[bool, typer.Option("--force", metavar="", help="Rebuild a journal that is not damaged "
                                        "(it differs from the archive).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a new journal from the archive (every metadata.json, the review queue, the quarantine);
    the old one is kept beside it, its tombstones are taken over, and every document it knew that the archive
    no longer holds is named as lost (exit 1).  Stop every ekte process on the working directory first."""
    from ekte import api

    with exit_on_errors():
        r = api.journal_rebuild(workdir=workdir, profile=profile, overrides=override, force=force)
    if as_json:
        print(json.dumps(r, ensure_ascii=False, indent=2))
    else:
        render.journal_rebuilt(r)
        for t in r.get("tombstones_from_old_journal", []):
            render.out.print(f"  deletion of {t} taken over from the old journal (deleted/{t}.json written again)",
                             highlight=False)
        for d in r.get("lost", []):
            render.out.print(f"[red]lost[/] {d['id']}: the old journal says {d['state']} ({d['doctype'] or '?'}, "
                             f"since {str(d['first_seen'])[:10]}), but its archive folder is missing — restore it "
                             "from a backup; the old journal is kept", highlight=False)
    raise typer.Exit(1 if r.get("lost") else 0)




@command(journal_app, "forget-owed")
def journal_forget_owed_cmd(
    connector: Annotated[str, typer.Argument(metavar="CONNECTOR", help="The connector no longer to deliver to.")],
    ids: Annotated[Optional[List[str]], typer.Argument(metavar="ID", help="Only these documents (default: every "
                                                       "one owed to it).")] = None,
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], plugin: PluginOpt = [],
    as_json: JsonOpt = False,
) -> None:
    """A connector that failed for a document stays owed it (`ekte export` and the daemon ask it again); when
    it is gone from the profile, drop that debt (recorded in each document's trail), then export those
    documents as `ekte export` does."""
    from ekte import api, model

    with exit_on_errors(as_json), reported_failure() as got:
        got.append(api.forget_owed(connector, ids or None, profile=profile, workdir=workdir, overrides=override,
                                   plugins=plugin))
    result = got[-1]
    if as_json:
        docs = [{**d.result_dict(), "export_results": d.extra.get("export_results", {})} for d in result.documents]
        print(json.dumps({"version": model.OUTPUT_VERSION, "forgotten": connector, "documents": docs,
                          "summary": result.summary}, ensure_ascii=False, indent=2))
    else:
        render.err.print(f"no longer owed to {connector}: {len(result.documents)} document(s)", highlight=False)
        render.export_table(result)
    if result.failure is not None:
        fail(result.failure.exit_code, result.failure.message)
    raise typer.Exit(int(result.exit_code))
