"""The command line: parse, call :mod:`ekte.api`, print (:mod:`ekte.render`).
Nothing else.  The options every command shares are declared once, in
:mod:`ekte.cliopts`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, List, Optional

from ekte import cli_early, fastexit, starttrace

starttrace.mark("cli-import")
cli_early.start()  # ekte ingest: the workers' fork server first, before typer, rich and the commands load
import typer  # noqa: E402
from rich.markup import escape  # noqa: E402

from ekte import __version__, cli_waiting, cliopts, render, render_status
from ekte.cliopts import (ConnectorOpt, DoneOpt, ExecutorOpt, ExpectedOpt, JobsOpt, JsonOpt, LangOpt, LogFormat,
                          LogFormatOpt, MoveOpt, NoProgressOpt, OverrideOpt, PluginOpt, ProfileOpt, ReceivedFromOpt, ReportOpt,
                          SampleOpt, SchedulerOpt, SharedRootOpt, VerboseOpt, ServiceVerboseOpt, WorkdirOpt,
                          field_value_form, new_app)
from ekte.errors import ExitCode, environment_failure
from ekte.logs import setup_logging
from ekte.cli_errors import (exit_on_errors as _exit_on_errors, fail as _fail, not_moved, reported_failure, run_main,
                             run_interruptibly, sigint_now, sigterm_now, skipped_named, summary, write_report)
from ekte.render import err, out

#: the commands that report an interrupted run (Ctrl-C while ekte loads, too)
RUNS = ("ingest", "import-xdomea", "mail")
#: the commands this module defines itself: the ``ekte`` program run as one of them (``ekte ingest …``) registers
#: only these — the other commands' modules (review, profiles, plugins, journal, evidence, mail, serve, users,
#: stats) are not imported and Typer does not read their functions (issue 12: ≈ 0.1 s CPU of every run's start);
#: anything else (``ekte --help``, another command, a typo) registers every command
OWN = ("ingest", "import-xdomea", "export", "watch", "status", "classify", "eval", "train")
LEAN = cli_early.from_console() and sys.argv[1:2] != [] and sys.argv[1] in OWN
app = new_app("ekte: bring incoming documents into the E-Akte (intake → OCR → classify → extract → archive → export).")
review_app = new_app("The review queue: documents whose type was uncertain.", clerk=True)


def command(parent: typer.Typer = app, name: str | None = None, *, clerk: bool = False) -> Any:
    return cliopts.command(parent, name, clerk=clerk)


def _version(value: bool) -> None:
    if value:
        print(f"ekte {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, metavar="",
                                          help="Print the version and exit.")] = False,
) -> None:
    """Exit codes: 0 all archived; 1 some quarantined, waiting for review or not exported (or an
    original not moved); 2 usage or configuration error; 3 missing dependency; 70 internal error;
    74 disk full, permission denied or failing storage; 75 damaged journal; 130 interrupted."""
    if ctx.invoked_subcommand not in RUNS:  # a run takes Ctrl-C up itself, to report what it did (none)
        sigint_now()
    sigterm_now(ctx.invoked_subcommand, run=ctx.invoked_subcommand in RUNS)
    cli_waiting.install(ctx)  # a line on stderr while the command waits for a journal another process holds


def _run_and_report(run: Any, as_json: bool, no_progress: bool, verbose: int, log_format: str,
                    report: Any = None, inputs: List[Path] | None = None, command: str = "ekte ingest") -> None:
    """Run an ingest-like API call with a progress bar, print its summary (or JSON), exit with its code."""
    setup_logging(verbose, log_format)
    show_progress = not as_json and not no_progress and err.is_terminal
    with _exit_on_errors(as_json):
        result = run_interruptibly(run, render.RichProgress() if show_progress else None, inputs or [])
        starttrace.mark("run-done")
        write_report(report, result)  # one that cannot be written: the run's failure (fresh36 F5)
    skipped_named(result)  # a named input that intake.ignore skips (fresh32 F6)
    if as_json:
        result.write_json(sys.stdout)  # written as it is made: a long run's documents never all in memory
    else:
        summary(result, command)
    if result.failure is not None:
        _fail(result.failure.exit_code, result.failure.message)
    if result.not_moved:
        not_moved(result)
    starttrace.mark("reported")
    fastexit.allow()
    raise typer.Exit(int(result.exit_code))


def _prestart(executor: Any, scheduler: str | None, verbose: int, log_format: LogFormat,
              inputs: List[Path] | None = None) -> None:
    """The workers' fork server starts first: its preload runs while the
    pipeline is imported and the inputs are scanned (not for Dask, nor
    when *inputs* hold no file at all: an empty inbox, polled by a cron
    job, costs no preload).  The log level and format are set before: the
    workers take them from the environment the fork server starts with."""
    from ekte.logs import setup_logging

    setup_logging(verbose, log_format.value)
    if scheduler is None and (executor is None or executor.value != "dask"):
        from ekte.forkserver import prestart, prestart_for

        prestart() if inputs is None else prestart_for(inputs)


@command()
def ingest(
    paths: Annotated[List[Path], typer.Argument(metavar="PATH", help="Files or folders to ingest (folders recursively).")],
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], jobs: JobsOpt = None,
    connector: ConnectorOpt = [], plugin: PluginOpt = [], move: MoveOpt = None,
    executor: ExecutorOpt = None, scheduler: SchedulerOpt = None, shared_root: SharedRootOpt = None,
    report: ReportOpt = None, as_json: JsonOpt = False, no_progress: NoProgressOpt = False, verbose: VerboseOpt = 0,
    log_format: LogFormatOpt = LogFormat.text, received_from: ReceivedFromOpt = None,
) -> None:
    """Ingest documents: OCR, classify, extract, archive and export them."""
    starttrace.mark("parsed")
    override = override + ([f"intake.received_from={received_from.value}"] if received_from else [])
    _prestart(executor, scheduler, verbose, log_format, paths)
    starttrace.mark("forkserver-started")
    from ekte import api

    starttrace.mark("api-imported")
    _run_and_report(lambda progress: api.ingest(
        paths, profile=profile, workdir=workdir, overrides=override, jobs=jobs,
        connectors=connector or None, plugins=plugin, move_to=move, progress=progress,
        executor=executor.value if executor else None, scheduler=scheduler, shared_root=shared_root,
    ), as_json, no_progress, verbose, log_format.value, inputs=paths,
        report=None if report is None else lambda r: api.ingest_report(r, report, profile=profile, overrides=override))


@command(name="import-xdomea")
def import_xdomea_cmd(
    containers: Annotated[List[Path], typer.Argument(metavar="CONTAINER",
                                                     help="xdomea containers (ZIP) or unpacked container folders.")],
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], jobs: JobsOpt = None,
    connector: ConnectorOpt = [], plugin: PluginOpt = [], executor: ExecutorOpt = None,
    scheduler: SchedulerOpt = None, shared_root: SharedRootOpt = None, as_json: JsonOpt = False,
    no_progress: NoProgressOpt = False, verbose: VerboseOpt = 0, log_format: LogFormatOpt = LogFormat.text,
) -> None:
    """Ingest the documents of xdomea 0503/0605 containers with their metadata (migrations)."""
    _prestart(executor, scheduler, verbose, log_format)
    from ekte import api

    _run_and_report(lambda progress: api.import_xdomea(
        containers, profile=profile, workdir=workdir, overrides=override, jobs=jobs,
        connectors=connector or None, plugins=plugin, progress=progress,
        executor=executor.value if executor else None, scheduler=scheduler, shared_root=shared_root,
    ), as_json, no_progress, verbose, log_format.value, inputs=containers, command="ekte import-xdomea")


@command(name="export")
def export_cmd(
    ids: Annotated[Optional[List[str]], typer.Argument(metavar="ID", help="Document ids (or SHA-256 values).")] = None,
    connector: ConnectorOpt = [],
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="Documents received on or after this "
                                                 "day (YYYY-MM-DD or DD.MM.YYYY).")] = None,
    all_docs: Annotated[bool, typer.Option("--all", metavar="", help="Every archived document (not with ID or "
                                           "--since).")] = False,
    force: Annotated[bool, typer.Option("--force", metavar="", help="Ask the connector even if the journal says it "
                                        "has the document.")] = False,
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], plugin: PluginOpt = [],
    as_json: JsonOpt = False, verbose: VerboseOpt = 0, log_format: LogFormatOpt = LogFormat.text,
) -> None:
    """Export archived documents again (after a DMS outage, or to a second system: with --force)."""
    from ekte import api, model

    setup_logging(verbose, log_format.value)
    since = _export_selection(ids, since, all_docs)
    with _exit_on_errors(as_json), reported_failure() as got:
        got.append(api.export(ids or None, since=since, all_docs=all_docs, force=force, profile=profile,
                              workdir=workdir, overrides=override, connectors=connector or None, plugins=plugin))
    result = got[-1]
    if as_json:
        docs = [{**d.result_dict(), "export_results": d.extra.get("export_results", {})} for d in result.documents]
        error = {"error": result.failure.to_dict()} if result.failure is not None else {}
        print(json.dumps({"version": model.OUTPUT_VERSION, "documents": docs, "summary": result.summary, **error},
                         ensure_ascii=False, indent=2))
    else:
        render.export_table(result)
    if not force and any(d.extra.get("journal_known") for d in result.documents):  # (not when the connector said so)
        err.print("note: already-exported: the journal records an export by that connector, which was not asked "
                  "again; to export to a second system (another path or URL), add --force", highlight=False,
                  soft_wrap=True)
    if result.failure is not None:  # as ingest: a connector that could not write at all ends the command with 74
        _fail(result.failure.exit_code, result.failure.message)
    raise typer.Exit(int(result.exit_code))


def _export_selection(ids: list[str] | None, since: str | None, all_docs: bool) -> str | None:
    """The documents ``ekte export`` takes: one of ID…, ``--since`` or ``--all`` (two of them are refused, one line,
    exit 2: the narrower one silently won before); ``--since`` as YYYY-MM-DD, given so or as DD.MM.YYYY."""
    from ekte import stats

    given = [name for name, v in (("ID", ids), ("--since", since), ("--all", all_docs)) if v]
    if len(given) > 1:
        _fail(ExitCode.USAGE, f"{' and '.join(given)} together: choose one (ID… only these, --since from a day, "
                              "--all every archived document)")
    try:
        return stats.day(since)
    except stats.BadDate as e:
        _fail(ExitCode.USAGE, f"--since wants {e}")
    return None


@command()
def watch(
    paths: Annotated[Optional[List[Path]], typer.Argument(
        metavar="FOLDER", help="Folders to watch (recursively); none when only the mailbox of the profile (intake.mail) "
                                   "is polled.")] = None,
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], jobs: JobsOpt = None,
    connector: ConnectorOpt = [], plugin: PluginOpt = [],
    polling: Annotated[bool, typer.Option("--polling", metavar="", help="Poll instead of inotify (network shares; "
                                          "chosen automatically on NFS/SMB).")] = False,
    stable_seconds: Annotated[Optional[float], typer.Option(
        "--stable-seconds", metavar="S", help="A file unchanged this long is complete (default: 5).")] = None,
    rescan_minutes: Annotated[Optional[float], typer.Option(
        "--rescan-minutes", metavar="M", help="Full rescan interval; 0 = only at start-up (default: 5).")] = None,
    grace: Annotated[Optional[float], typer.Option(
        "--grace", metavar="S", help="Seconds documents in flight may finish on SIGTERM (default: 30).")] = None,
    executor: ExecutorOpt = None, scheduler: SchedulerOpt = None, shared_root: SharedRootOpt = None,
    done_dir: DoneOpt = None, verbose: ServiceVerboseOpt = 1, log_format: LogFormatOpt = LogFormat.text,
) -> None:
    """Watch folders (and the intake.mail mailbox) and ingest what arrives (runs until SIGTERM/SIGINT)."""
    from ekte import api

    setup_logging(verbose, log_format.value)
    with _exit_on_errors():
        code = api.watch(paths or [], profile=profile, workdir=workdir, overrides=override, jobs=jobs,
                         connectors=connector or None, plugins=plugin, polling=polling, stable_seconds=stable_seconds,
                         rescan_minutes=rescan_minutes, grace_seconds=grace, done_dir=done_dir,
                         executor=executor.value if executor else None, scheduler=scheduler, shared_root=shared_root)
    raise typer.Exit(code)


@command()
def status(workdir: WorkdirOpt = None, as_json: JsonOpt = False) -> None:
    """The watch daemons' state (queue, in flight, done and failed since start, last errors), the
    ekte processes working on the directory, and the journal's counts.  Exit code 0 when a daemon
    runs and none died without being stopped, 1 otherwise, 2 no such working directory, 75 the
    journal is damaged."""
    from ekte import api

    from ekte.watch.status import exit_code

    with _exit_on_errors(), reported_failure() as got:
        got.append(api.status(workdir=workdir))
    st = got[-1]
    if as_json:
        print(json.dumps(st, ensure_ascii=False, indent=2))
    else:
        render_status.status(st)
    if st.get("error"):
        _fail(exit_code(st), st["error"]["message"])
    raise typer.Exit(exit_code(st))


@command()
def classify(
    files: Annotated[List[Path], typer.Argument(metavar="PATH", help="Files or folders.")],
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], jobs: JobsOpt = None,
    plugin: PluginOpt = [], as_json: JsonOpt = False, verbose: VerboseOpt = 0, log_format: LogFormatOpt = LogFormat.text,
) -> None:
    """Print type, confidence, top candidates and fields (OCRs as ingest would; archives nothing)."""
    from ekte import api

    setup_logging(verbose, log_format.value)
    with _exit_on_errors():
        docs = api.analyze(files, profile=profile, workdir=workdir, overrides=override, jobs=jobs, plugins=plugin)
    if as_json:
        print(json.dumps({"version": 1, "documents": [render.classify_summary(d) for d in docs]}, ensure_ascii=False,
                         indent=2))
    else:
        render.classified(docs)
    raise typer.Exit(1 if any(d.error or (d.status and d.status.value == "review") for d in docs) else 0)


@command(name="eval")
def eval_cmd(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder of documents named <id>.<ext>.")],
    truth: Annotated[Path, typer.Option("--truth", metavar="FILE", help='JSON: {id: {"type": …, "fields": {…}}}')],
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], jobs: JobsOpt = None,
    as_json: JsonOpt = False, verbose: VerboseOpt = 0, log_format: LogFormatOpt = LogFormat.text,
) -> None:
    """Accuracy, macro-F1, confusion matrix and per-field precision/recall against a truth file."""
    from ekte import api

    setup_logging(verbose, log_format.value)
    with _exit_on_errors():
        r = api.evaluate(directory, truth, profile=profile, workdir=workdir, overrides=override, jobs=jobs)
    if as_json:
        print(json.dumps(r, ensure_ascii=False, indent=2))
    else:
        render.evaluation(r)


@command()
def train(
    directory: Annotated[Optional[Path], typer.Argument(
        metavar="DIR", help="One sub-folder per document type (PDFs, images or .txt); or, with --truth, a folder "
                            "of labelled documents named <id>.<ext>.")] = None,
    truth: Annotated[Optional[Path], typer.Option("--truth", metavar="FILE", help="Truth file (as for eval).")] = None,
    from_reviews: Annotated[bool, typer.Option("--from-reviews", metavar="", help="Learn the field model from the "
                            "documents clerks accepted in review (their corrected fields).")] = False,
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [],
    out_path: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Type model file "
                        "(default: <workdir>/models/<profile>.classifier.joblib).")] = None,
    force: Annotated[bool, typer.Option("--force", metavar="", help="Save a type or field model even when it "
                                        "scores below the one in use on the check set.")] = False,
    restore: Annotated[bool, typer.Option("--restore", metavar="", help="Go back to the type and field models in "
                                          "use before the last training (kept as <name>.previous.*).")] = False,
    jobs: JobsOpt = None, as_json: JsonOpt = False, verbose: VerboseOpt = 0, log_format: LogFormatOpt = LogFormat.text,
) -> None:
    """Train the document-type model and, from labelled fields, the field model (see ekte.learn).  The working
    directory must exist (ekte ingest or ekte watch make one); the models go to its models/."""
    from ekte import api
    from ekte.model import OUTPUT_VERSION

    setup_logging(verbose, log_format.value)
    with _exit_on_errors():
        r = api.train(directory, profile=profile, workdir=workdir, overrides=override, out=out_path, jobs=jobs,
                      truth=truth, from_reviews=from_reviews, force=force, restore=restore)
    if as_json:
        print(json.dumps({"version": OUTPUT_VERSION, **r}, ensure_ascii=False, indent=2, default=str))
    else:
        render.trained(r)


@command(review_app, "list")
def review_list_cmd(profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [],
                    plugin: PluginOpt = [], as_json: JsonOpt = False, lang: LangOpt = None) -> None:
    """Documents waiting for review, with their top candidates."""
    from ekte import api

    with cli_serve.review_errors(lang):
        items = api.review_list(profile=profile, workdir=workdir, overrides=override, plugins=plugin)
    if as_json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
    else:
        cli_serve.review_table(items, profile, override, lang)


@command(review_app, "accept")
def review_accept_cmd(
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="Document id or a unique prefix (ekte review list).")],
    doctype: Annotated[Optional[str], typer.Option("--doctype", "-t", metavar="TYPE", help="The right document "
                                                   "type, by id or title (default: the top candidate).")] = None,
    set_: Annotated[List[str], typer.Option("--set", metavar="FIELD=VALUE", help="Set a field (repeatable).",
                                            callback=field_value_form)] = [],
    sample: SampleOpt = None, expected: ExpectedOpt = None,
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], connector: ConnectorOpt = [],
    plugin: PluginOpt = [], verbose: VerboseOpt = 0, log_format: LogFormatOpt = LogFormat.text, as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Confirm or correct a document's type and fields; this process then exports it at once."""
    from ekte import api
    from ekte.render import doc_summary

    setup_logging(verbose, log_format.value)
    with cli_serve.review_errors(lang), cli_serve.interrupted_accept(doc_id, workdir, lang) as called:
        doc = api.review_accept(doc_id, doctype=doctype, sets=field_sets(set_), profile=profile, workdir=workdir,
                                overrides=override, connectors=connector or None, plugins=plugin, sample=sample,
                                expected=expected)
    if as_json:
        print(json.dumps({**doc_summary(doc), "exports": doc.exports}, ensure_ascii=False))
    else:
        out.print(cli_serve.accepted_line(doc, profile, override, lang, called), highlight=False, markup=False, soft_wrap=True)
    if doc.error:
        raise typer.Exit(ExitCode.DOCUMENTS_NEED_ATTENTION)


def field_sets(items: list[str]) -> dict[str, str]:
    """``--set FIELD=VALUE`` options (review accept and correct) as a dict."""
    sets = {}
    for item in items:
        if "=" not in item:
            _fail(ExitCode.USAGE, f"--set {item}: expected FIELD=VALUE")
        k, v = item.split("=", 1)
        sets[k.strip()] = v.strip()
    return sets


if not LEAN:
    from ekte import cli_journal, cli_profiles  # noqa: E402

    app.add_typer(review_app, name="review")
    app.add_typer(cli_profiles.profiles_app, name="profiles")
    app.add_typer(cli_profiles.plugins_app, name="plugins")
    app.add_typer(cli_journal.journal_app, name="journal")
    # evidence, mail, station, users and stats
    from ekte import cli_evidence, cli_mail, cli_retention, cli_serve, cli_supervisor  # noqa: E402,F401

starttrace.mark("cli-imported")


def main() -> None:
    run_main(app)  # (ekte.cli_errors: no traceback reaches a user; a closed pipe ends quietly)


if __name__ == "__main__":  # after every registration above: `python -m ekte.cli review` finds its group
    main()
