"""``ekte journal check`` and ``ekte journal rebuild`` (see :mod:`ekte.journal.rebuild`)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ekte import render
from ekte.cli_errors import exit_on_errors, fail
from ekte.cliopts import JsonOpt, OverrideOpt, ProfileOpt, WorkdirOpt, command, new_app
from ekte.errors import ExitCode

journal_app = new_app("Check the journal against the archive, or rebuild it from the archive.")


@command(journal_app, "check")
def journal_check_cmd(workdir: WorkdirOpt = None, as_json: JsonOpt = False) -> None:
    """SQLite's integrity check, then the journal against the archive.  Exit code 0 when both agree,
    1 when they differ (ekte journal rebuild --force), 75 when the journal is damaged."""
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
    the old one is kept beside it.  Stop every ekte process on the working directory first."""
    from ekte import api

    with exit_on_errors():
        r = api.journal_rebuild(workdir=workdir, profile=profile, overrides=override, force=force)
    if as_json:
        print(json.dumps(r, ensure_ascii=False, indent=2))
    else:
        render.journal_rebuilt(r)


