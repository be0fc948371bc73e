"""The command line: parse, call the API, print.  Nothing else."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from ekte import __version__
from ekte.errors import ConfigError, ExitCode, MissingDependency

app = typer.Typer(
    help="ekte: bring incoming documents into the E-Akte (intake → OCR → classify → extract → archive → export).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
profiles_app = typer.Typer(help="List, show and check authority profiles.", no_args_is_help=True)
plugins_app = typer.Typer(help="Inspect plugins.", no_args_is_help=True)
app.add_typer(profiles_app, name="profiles")
app.add_typer(plugins_app, name="plugins")

err = Console(stderr=True)
out = Console()


def _setup_logging(verbose: int, fmt: str = "text") -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        from ekte.logs import JsonFormatter

        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("ocrmypdf", "pikepdf", "PIL", "pdfminer", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _fail(code: int, message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        print(f"ekte {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Exit codes: 0 all archived; 1 some quarantined or waiting for review;
    2 usage or configuration error; 3 missing dependency; 130 interrupted."""


class RichProgress:
    """Documents and pages with ETA, on stderr."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.p = Progress(
            TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("docs"),
            TextColumn("{task.fields[pages]} pages"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=err, transient=False,
        )
        self.pages = 0

    def start(self, total: int) -> None:
        self.p.start()
        self.task = self.p.add_task("ingest", total=total, pages=0)

    def advance(self, doc) -> None:
        self.pages += doc.pages or 0
        self.p.update(self.task, advance=1, pages=self.pages)

    def finish(self) -> None:
        self.p.stop()


def _summary_table(result) -> None:
    s = result.summary
    t = Table(title="ekte ingest — summary", show_footer=False)
    t.add_column("document type")
    for st in ("archived", "review"):
        t.add_column(st, justify="right")
    for dt, counts in s["by_doctype"].items():
        t.add_row(dt, str(counts.get("archived", 0)), str(counts.get("review", 0)))
    out.print(t)
    b = s["by_status"]
    out.print(
        f"{s['total']} documents, {s['pages']} pages in {s['seconds']:.1f} s: "
        f"[green]{b['archived']} archived[/], {b['duplicate']} duplicates, "
        f"[yellow]{b['review']} for review[/], [red]{b['quarantined']} quarantined[/]",
        highlight=False,
    )
    if result.workdir:
        w = result.workdir
        out.print(f"archive: {w}/archive   export: {w}/export   review queue: {w}/review   quarantine: {w}/quarantine",
                  highlight=False)
    bad = [d for d in result.documents if d.error]
    if bad:
        q = Table(title="quarantined")
        q.add_column("id")
        q.add_column("reason")
        q.add_column("message")
        for d in bad:
            q.add_row(d.id, d.error.code, d.error.message)
        out.print(q)
    if result.interrupted:
        out.print("[yellow]interrupted — run the same command again to finish the rest[/]")


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="Files or folders to ingest (folders recursively)."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p", help="Profile name or TOML file (default: landkreis)."),
    workdir: Optional[Path] = typer.Option(None, "--workdir", "-w", help="Working directory (default: $EKTE_HOME or ./ekte-data)."),
    override: List[str] = typer.Option([], "-o", "--override", help="Override a profile setting: KEY=VALUE (repeatable)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Parallel OCR jobs (default: profile, else CPU cores)."),
    connector: List[str] = typer.Option([], "--connector", "-c", help="Export connector (repeatable; default: the profile's)."),
    plugin: List[str] = typer.Option([], "--plugin", help="Load a plugin module (repeatable)."),
    move: Optional[Path] = typer.Option(None, "--move", help="Move originals here after their export succeeded."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout instead of the table."),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="More log output on stderr (-vv: debug)."),
    log_format: str = typer.Option("text", "--log-format", help="text or json (one object per line)."),
) -> None:
    """Ingest documents: OCR, classify, extract, archive and export them."""
    from ekte import api

    _setup_logging(verbose, log_format)
    show_progress = not as_json and not no_progress and err.is_terminal
    try:
        result = api.ingest(
            paths, profile=profile, workdir=workdir, overrides=override, jobs=jobs,
            connectors=connector or None, plugins=plugin, move_to=move,
            progress=RichProgress() if show_progress else None,
        )
    except ConfigError as e:
        _fail(ExitCode.USAGE, str(e))
    except MissingDependency as e:
        _fail(ExitCode.MISSING_DEPENDENCY, str(e))
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _summary_table(result)
    raise typer.Exit(int(result.exit_code))


@profiles_app.command("list")
def profiles_list() -> None:
    """List the profiles that can be named with --profile."""
    from ekte.profile import available_profiles, load_profile

    t = Table()
    t.add_column("name")
    t.add_column("title")
    t.add_column("file")
    for name, path in available_profiles().items():
        try:
            title = load_profile(str(path)).profile.title
        except ConfigError:
            title = "[red](invalid: run ekte profiles check)[/]"
        t.add_row(name, title, str(path))
    out.print(t)


@profiles_app.command("show")
def profiles_show(
    name: str = typer.Argument("landkreis"),
    override: List[str] = typer.Option([], "-o", "--override"),
) -> None:
    """Print a profile after inheritance and overrides, as JSON."""
    from ekte.profile import load_profile

    try:
        p = load_profile(name, override)
    except ConfigError as e:
        _fail(ExitCode.USAGE, str(e))
    print(json.dumps(p.model_dump(mode="json"), ensure_ascii=False, indent=2))


@profiles_app.command("check")
def profiles_check(files: List[str] = typer.Argument(...)) -> None:
    """Check profile files; print every error with its location."""
    from ekte.profile import check_profile

    bad = False
    for f in files:
        errors = check_profile(f)
        if errors:
            bad = True
            for e in errors:
                print(e)
        else:
            print(f"{f}: ok")
    raise typer.Exit(ExitCode.USAGE if bad else 0)


@plugins_app.command("list")
def plugins_list(
    plugin: List[str] = typer.Option([], "--plugin"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List the plugins, where they came from and which hooks they implement."""
    from ekte.plugins import build_manager

    try:
        _pm, infos = build_manager(plugin)
    except ConfigError as e:
        _fail(ExitCode.USAGE, str(e))
    if as_json:
        print(json.dumps([i.__dict__ for i in infos], indent=2))
        return
    t = Table()
    for c in ("plugin", "origin", "hooks"):
        t.add_column(c)
    for i in infos:
        t.add_row(i.name, i.origin, ", ".join(i.hooks))
    out.print(t)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
