"""The command line: parse, call the API, print.  Nothing else."""

from __future__ import annotations

import contextlib
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
review_app = typer.Typer(help="The review queue: documents whose type was uncertain.", no_args_is_help=True)
profiles_app = typer.Typer(help="List, show and check authority profiles.", no_args_is_help=True)
plugins_app = typer.Typer(help="Inspect plugins.", no_args_is_help=True)
app.add_typer(review_app, name="review")
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
    # One line, never wrapped at the terminal width: scripts grep for it.
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def _exit_on_errors():
    """Configuration errors → exit 2, a missing external program → exit 3, one line each."""
    try:
        yield
    except ConfigError as e:
        _fail(ExitCode.USAGE, str(e))
    except MissingDependency as e:
        _fail(ExitCode.MISSING_DEPENDENCY, str(e))


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
        f"[yellow]{b['review']} for review[/], [red]{b['quarantined']} quarantined[/]"
        + (f", [red]{b['export_failed']} not exported (run again or `ekte export`)[/]" if b.get("export_failed") else ""),
        highlight=False,
    )
    if result.workdir:
        w = result.workdir
        out.print(f"archive: {w}/archive   export: {w}/export   review queue: {w}/review   quarantine: {w}/quarantine",
                  highlight=False)
    bad = [d for d in result.documents if d.error]
    if bad:
        q = Table(title="quarantined or not exported")
        q.add_column("id")
        q.add_column("reason")
        q.add_column("message")
        for d in bad:
            q.add_row(d.id, d.error.code, d.error.message)
        out.print(q)
    if result.interrupted:
        out.print("[yellow]interrupted — run the same command again to finish the rest[/]")


def _run_and_report(run, as_json: bool, no_progress: bool, verbose: int, log_format: str) -> None:
    """Run an ingest-like API call with a progress bar, print its summary
    (or JSON) and exit with its exit code."""
    _setup_logging(verbose, log_format)
    show_progress = not as_json and not no_progress and err.is_terminal
    with _exit_on_errors():
        result = run(RichProgress() if show_progress else None)
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _summary_table(result)
    raise typer.Exit(int(result.exit_code))


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

    _run_and_report(lambda progress: api.ingest(
        paths, profile=profile, workdir=workdir, overrides=override, jobs=jobs,
        connectors=connector or None, plugins=plugin, move_to=move, progress=progress,
    ), as_json, no_progress, verbose, log_format)


@app.command("import-xdomea")
def import_xdomea_cmd(
    containers: List[Path] = typer.Argument(..., help="xdomea containers (ZIP) or unpacked container folders."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p"),
    workdir: Optional[Path] = typer.Option(None, "--workdir", "-w"),
    override: List[str] = typer.Option([], "-o", "--override"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j"),
    connector: List[str] = typer.Option([], "--connector", "-c"),
    plugin: List[str] = typer.Option([], "--plugin"),
    as_json: bool = typer.Option(False, "--json"),
    no_progress: bool = typer.Option(False, "--no-progress"),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True),
    log_format: str = typer.Option("text", "--log-format"),
) -> None:
    """Ingest the documents of xdomea 0503/0605 containers with their metadata (migrations)."""
    from ekte import api

    _run_and_report(lambda progress: api.import_xdomea(
        containers, profile=profile, workdir=workdir, overrides=override, jobs=jobs,
        connectors=connector or None, plugins=plugin, progress=progress,
    ), as_json, no_progress, verbose, log_format)


@app.command("export")
def export_cmd(
    ids: List[str] = typer.Argument(None, help="Document ids (or SHA-256 values) to export."),
    connector: List[str] = typer.Option([], "--connector", "-c", help="Connector (repeatable; default: the profile's)."),
    since: Optional[str] = typer.Option(None, "--since", help="Documents received on or after this date (YYYY-MM-DD)."),
    all_docs: bool = typer.Option(False, "--all", help="Every archived document."),
    force: bool = typer.Option(False, "--force", help="Ask the connector even if the journal says it has the document."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p"),
    workdir: Optional[Path] = typer.Option(None, "--workdir", "-w"),
    override: List[str] = typer.Option([], "-o", "--override"),
    plugin: List[str] = typer.Option([], "--plugin"),
    as_json: bool = typer.Option(False, "--json", help="One JSON object on stdout."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True),
) -> None:
    """Export archived documents again (after a DMS outage, or to a second system)."""
    import datetime as _dt

    from ekte import api

    _setup_logging(verbose)
    if since:
        try:
            _dt.date.fromisoformat(since)
        except ValueError:
            _fail(ExitCode.USAGE, f"--since wants a date like 2026-01-31, not {since!r}")
    with _exit_on_errors():
        result = api.export(ids or None, since=since, all_docs=all_docs, force=force, profile=profile,
                            workdir=workdir, overrides=override, connectors=connector or None, plugins=plugin)
    if as_json:
        docs = [{**d.result_dict(), "export_results": d.extra.get("export_results", {})} for d in result.documents]
        print(json.dumps({"documents": docs, "summary": result.summary}, ensure_ascii=False, indent=2))
    else:
        t = Table(title="ekte export")
        t.add_column("id")
        t.add_column("type")
        t.add_column("result")
        for d in result.documents:
            if d.status and d.status.value == "review":
                res = "waiting for review — not exported"
            elif d.error:
                res = f"[red]failed[/]: {d.error.message}"
            else:
                res = ", ".join(f"{k}: {v}" for k, v in d.extra.get("export_results", {}).items())
            t.add_row(d.id, d.doctype or "-", res)
        out.print(t)
        b = result.summary["by_status"]
        out.print(f"{len(result.documents)} documents: {b['archived']} exported or already there, "
                  f"{b['export_failed']} failed, {b['review']} waiting for review", highlight=False)
    raise typer.Exit(int(result.exit_code))


def _doc_summary(d) -> dict:
    c = d.classification
    return {
        "id": d.id, "source": d.source, "status": d.status.value if d.status else None,
        "doctype": d.doctype, "confidence": None if d.confidence is None else round(d.confidence, 4),
        "candidates": [{"doctype": x.doctype, "score": round(x.score, 4)} for x in (c.candidates if c else [])],
        "fields": {k: {"value": f.value, "confidence": f.confidence, "page": f.page,
                       "span": list(f.span) if f.span else None, "method": f.method, "repaired": f.repaired}
                   for k, f in d.fields.items()},
        "pages": d.pages, "error": d.error.to_dict() if d.error else None, "warnings": d.warnings,
    }


@app.command()
def watch(
    paths: List[Path] = typer.Argument(..., help="Folders to watch (recursively)."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p"),
    workdir: Optional[Path] = typer.Option(None, "--workdir", "-w"),
    override: List[str] = typer.Option([], "-o", "--override"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Documents processed at once."),
    connector: List[str] = typer.Option([], "--connector", "-c"),
    plugin: List[str] = typer.Option([], "--plugin"),
    polling: bool = typer.Option(False, "--polling", help="Poll instead of inotify (network shares; automatic on NFS/SMB)."),
    stable_seconds: Optional[float] = typer.Option(None, "--stable-seconds", help="Unchanged this long = complete (default 5)."),
    rescan_minutes: Optional[float] = typer.Option(None, "--rescan-minutes", help="Full rescan interval (default 5)."),
    grace: Optional[float] = typer.Option(None, "--grace", help="Seconds documents in flight may finish on SIGTERM."),
    done_dir: Optional[Path] = typer.Option(None, "--done", help="Where inputs go after export (default <workdir>/done)."),
    verbose: int = typer.Option(1, "--verbose", "-v", count=True),
    log_format: str = typer.Option("text", "--log-format", help="text or json (one object per line)."),
) -> None:
    """Watch folders and ingest every file that arrives (runs until SIGTERM/SIGINT)."""
    from ekte.pipeline import Pipeline
    from ekte.profile import load_profile
    from ekte.watch import Watcher

    _setup_logging(verbose, log_format)
    with _exit_on_errors():
        prof = load_profile(profile, override)
        p = Pipeline(prof, workdir, jobs=jobs, connectors=connector or None, plugins=plugin)
        w = Watcher(p, paths, polling=polling, stable_seconds=stable_seconds,
                    rescan_seconds=None if rescan_minutes is None else rescan_minutes * 60, grace_seconds=grace,
                    done_dir=done_dir)
        code = w.run()
    raise typer.Exit(code)


@app.command()
def status(
    workdir: Optional[Path] = typer.Option(None, "--workdir", "-w"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The watch daemon's state: queue, in flight, done and failed since start, last errors."""
    from ekte.pipeline import default_workdir
    from ekte.watch import read_status

    st = read_status(workdir or default_workdir())
    if as_json:
        print(json.dumps(st, ensure_ascii=False, indent=2))
        return
    if "pid" not in st:
        out.print(f"no watch daemon has run in {st['workdir']}")
    else:
        state = "[green]running[/]" if st["running"] else "[red]not running[/]"
        out.print(f"watch daemon {state} (pid {st['pid']}, {st.get('mode')}, since {st.get('started')})")
        out.print(f"queue {st.get('queue', 0)}  in flight {st.get('in_flight', 0)}  done {st.get('done', 0)}  "
                  f"failed {st.get('failed', 0)}  duplicates {st.get('duplicates', 0)}  review {st.get('review', 0)}  "
                  f"not exported {st.get('export_failed', 0)}  "
                  f"last activity {st.get('last_activity') or '-'}", highlight=False)
        for e in st.get("last_errors", []):
            out.print(f"  {e['time']}  {e['id']}  {e['code']}", highlight=False)
    if st.get("journal"):
        out.print("journal: " + ", ".join(f"{k} {v}" for k, v in sorted(st["journal"].items())), highlight=False)


@app.command()
def classify(
    files: List[Path] = typer.Argument(..., help="Files or folders."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p"),
    workdir: Optional[Path] = typer.Option(None, "--workdir", "-w", help="Where the trained model is looked up."),
    override: List[str] = typer.Option([], "-o", "--override"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Print type, confidence, top candidates and fields (OCRs as ingest would; archives nothing)."""
    from ekte import api

    _setup_logging(0)
    with _exit_on_errors():
        docs = api.analyze(files, profile=profile, workdir=workdir, overrides=override, jobs=jobs)
    if as_json:
        print(json.dumps({"version": 1, "documents": [_doc_summary(d) for d in docs]}, ensure_ascii=False, indent=2))
    else:
        for d in docs:
            out.rule(f"{d.source}", style="dim")
            if d.error:
                out.print(f"[red]{d.error.code}[/]: {d.error.message}", highlight=False)
                continue
            flag = "[yellow](review)[/]" if d.status and d.status.value == "review" else ""
            cands = ", ".join(f"{c.doctype} {c.score:.2f}" for c in d.classification.candidates)
            out.print(f"[bold]{d.doctype}[/] {d.confidence:.2f} {flag}  candidates: {cands}", highlight=False)
            t = Table(show_header=True, box=None)
            for col in ("field", "value", "conf.", "page", "method"):
                t.add_column(col)
            for k, f in sorted(d.fields.items()):
                t.add_row(k, f.value + (" (repaired)" if f.repaired else ""), f"{f.confidence:.2f}",
                          str(f.page or ""), f.method)
            out.print(t)
    raise typer.Exit(1 if any(d.error or (d.status and d.status.value == "review") for d in docs) else 0)


@app.command("eval")
def eval_cmd(
    directory: Path = typer.Argument(..., help="Folder of documents named <id>.<ext>."),
    truth: Path = typer.Option(..., "--truth", help='JSON: {id: {"type": …, "fields": {…}}}'),
    profile: Optional[str] = typer.Option(None, "--profile", "-p"),
    workdir: Optional[Path] = typer.Option(None, "--workdir", "-w"),
    override: List[str] = typer.Option([], "-o", "--override"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Accuracy, macro-F1, confusion matrix and per-field precision/recall against a truth file."""
    from ekte import api

    _setup_logging(0)
    try:
        t = json.loads(truth.read_text("utf-8"))
    except (OSError, ValueError) as e:
        _fail(ExitCode.USAGE, f"cannot read truth file {truth}: {e}")
    with _exit_on_errors():
        r = api.evaluate(directory, t, profile=profile, workdir=workdir, overrides=override, jobs=jobs)
    if as_json:
        print(json.dumps(r, ensure_ascii=False, indent=2))
        return
    out.print(f"documents {r['documents']}  accuracy [bold]{r['accuracy']:.4f}[/]  macro-F1 {r['macro_f1']:.4f}  "
              f"field F1 [bold]{r['fields']['f1']:.4f}[/] (P {r['fields']['precision']:.4f}, R {r['fields']['recall']:.4f})",
              highlight=False)
    out.print(f"threshold {r['threshold']}: {r['above_threshold']} above, accuracy there "
              f"{r['accuracy_above_threshold']:.4f}, review rate {r['review_rate']:.2%}, "
              f"wrong above threshold: {len(r['wrong_above_threshold'])}", highlight=False)
    labels = list(r["confusion"])
    cm = Table(title="confusion (rows: truth, columns: predicted)")
    cm.add_column("")
    for lab in labels:
        cm.add_column(lab[:6], justify="right")
    for a in labels:
        cm.add_row(a, *[str(r["confusion"][a][b] or "") for b in labels])
    out.print(cm)
    ft = Table(title="fields")
    for c in ("field", "precision", "recall", "F1", "support"):
        ft.add_column(c, justify="right" if c != "field" else "left")
    for k, v in r["per_field"].items():
        ft.add_row(k, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", str(v["support"]))
    out.print(ft)
    _print_reliability(r)


def _print_reliability(r: dict) -> None:
    """The field confidences against the truth, and the wrong values a clerk would not see."""
    fr = r["field_reliability"]
    rt = Table(title="field confidence → share right")
    for c in ("confidence", "values", "right"):
        rt.add_column(c, justify="right")
    for b in fr["buckets"]:
        rt.add_row(f"{b['from']:.2f}–{b['to']:.2f}", str(b["values"]), f"{b['right']:.3f}")
    out.print(rt)
    right = "-" if fr["right_above"] is None else f"{fr['right_above']:.4f}"
    out.print(f"at or above {fr['threshold']}: {fr['above']} values ({(fr['share_above'] or 0):.1%}), right {right}; "
              f"wrong types exported without review: {r['wrong_types_exported']}", highlight=False)
    wrong = r["wrong_values_above_threshold"]
    if wrong:
        wt = Table(title=f"wrong values at or above {fr['threshold']}")
        for c in ("id", "field", "value", "truth", "conf."):
            wt.add_column(c)
        for w in wrong:
            wt.add_row(w["id"], w["field"], str(w["value"]), str(w["truth"] or "(none)"), f"{w['confidence']:.3f}")
        out.print(wt)


@app.command()
def train(
    directory: Optional[Path] = typer.Argument(None, help="One sub-folder per document type (PDFs, images or .txt); "
                                                          "or, with --truth, a folder of labelled documents."),
    truth: Optional[Path] = typer.Option(None, "--truth", help='JSON {id: {"type", "fields"}}: train the field model too.'),
    from_reviews: bool = typer.Option(False, "--from-reviews", help="Learn from the documents clerks accepted in review."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p"),
    workdir: Optional[Path] = typer.Option(None, "--workdir", "-w"),
    override: List[str] = typer.Option([], "-o", "--override"),
    out_path: Optional[Path] = typer.Option(None, "--out", help="Type model file (default: <workdir>/models/<profile>.classifier.joblib)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j"),
) -> None:
    """Train the document-type model and, from labelled fields, the field model (see ekte.learn)."""
    from ekte import api

    _setup_logging(0)
    if directory is None and not from_reviews:
        _fail(ExitCode.USAGE, "say what to learn from: DIR, DIR --truth FILE, or --from-reviews")
    t = None
    if truth is not None:
        try:
            t = json.loads(truth.read_text("utf-8"))
        except (OSError, ValueError) as e:
            _fail(ExitCode.USAGE, f"cannot read truth file {truth}: {e}")
    with _exit_on_errors():
        r = api.train(directory, profile=profile, workdir=workdir, overrides=override, out=out_path, jobs=jobs,
                      truth=t, from_reviews=from_reviews)
    if r["classifier"]:
        m = r["classifier"]
        per = ", ".join(f"{k} {v}" for k, v in m["per_class"].items())
        out.print(f"model saved to {m['path']} ({m['documents']} documents: {per})", highlight=False)
    if r["extractor"]:
        m = r["extractor"]
        out.print(f"field model saved to {m['path']} ({m['documents']} labelled documents, {m['reviews']} reviews, "
                  f"{m['examples']} candidate values)", highlight=False)


@review_app.command("list")
def review_list_cmd(
    profile: Optional[str] = typer.Option(None, "--profile", "-p"),
    workdir: Optional[Path] = typer.Option(None, "--workdir", "-w"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Documents waiting for review, with their top candidates."""
    from ekte import api

    with _exit_on_errors():
        items = api.review_list(profile=profile, workdir=workdir)
    if as_json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return
    t = Table(title=f"review queue ({len(items)})")
    for c in ("id", "doctype", "confidence", "candidates", "fields to check", "since"):
        t.add_column(c)
    for i in items:
        t.add_row(i["id"], str(i.get("doctype")), f"{i.get('confidence') or 0:.2f}",
                  ", ".join(f"{c['doctype']} {c['score']:.2f}" for c in i.get("candidates", [])),
                  ", ".join(r.split(":")[0] for r in i.get("fields", [])), i.get("time", ""))
    out.print(t)


@review_app.command("accept")
def review_accept_cmd(
    doc_id: str = typer.Argument(..., help="Document id (see ekte review list)."),
    doctype: Optional[str] = typer.Option(None, "--doctype", "-t", help="The right document type (default: the top candidate)."),
    set_: List[str] = typer.Option([], "--set", help="FIELD=VALUE (repeatable)."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p"),
    workdir: Optional[Path] = typer.Option(None, "--workdir", "-w"),
    override: List[str] = typer.Option([], "-o", "--override"),
) -> None:
    """Confirm or correct a document's type and fields; it is then exported."""
    from ekte import api

    _setup_logging(0)
    sets = {}
    for item in set_:
        if "=" not in item:
            _fail(ExitCode.USAGE, f"--set {item}: expected FIELD=VALUE")
        k, v = item.split("=", 1)
        sets[k.strip()] = v.strip()
    with _exit_on_errors():
        doc = api.review_accept(doc_id, doctype=doctype, sets=sets, profile=profile, workdir=workdir, overrides=override)
    out.print(f"{doc.id}: {doc.doctype} accepted and exported ({', '.join(doc.exports.values())})", highlight=False)


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

    with _exit_on_errors():
        p = load_profile(name, override)
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

    with _exit_on_errors():
        _pm, infos = build_manager(plugin)
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
