"""How the command line ends on an error: one line on stderr, never
wrapped (scripts grep for it), and the exit code of its kind — a
configuration error 2, a missing program 3, the environment (disk full,
permission denied, read-only or failing storage) 74, a damaged journal 75."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import sys
from typing import Any, Iterator

import typer
from rich.markup import escape

from ekte.errors import ConfigError, EnvironmentFailure, ExitCode, MissingDependency, environment_failure
from ekte.render import err
from ekte.shown import visible


def sigint_now() -> None:
    """Ctrl-C as usual from here on (KeyboardInterrupt), and at once if it was pressed while ekte loaded."""
    import signal

    import ekte
    from ekte import stopsignal

    stopsignal.hold_during_native_imports()  # a C extension's initialisation is not interrupted (it aborted)
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        with contextlib.suppress(ValueError):  # not the main thread: nothing was deferred there
            signal.signal(signal.SIGINT, signal.default_int_handler)
    if ekte.EARLY_SIGINT:
        ekte.EARLY_SIGINT.clear()
        raise KeyboardInterrupt


def sigterm_now(command: str | None, run: bool = False) -> None:
    """SIGTERM as Ctrl-C (:mod:`ekte.stopsignal`, exit 130): a *run* (``ingest``, ``import-xdomea``,
    ``mail``) takes it up itself (130 and its JSON, however many SIGTERMs come); every other command but
    ``watch`` (its daemon takes a deferred SIGTERM up as a stop) and ``serve`` (uvicorn's own handler: exit
    0; the default action before) ends at once, as :func:`run_main` says (one line, 130; fresh31 H1)."""
    if command == "watch":
        return
    import os
    import signal

    import ekte

    if command != "serve":
        from ekte import stopsignal

        stopsignal.install(len(ekte.EARLY_SIGTERM))
        ekte.EARLY_SIGTERM.clear()
        if not run:
            stopsignal.arm()  # (at once when one came while ekte loaded)
        return
    if signal.getsignal(signal.SIGTERM) is ekte._defer_sigterm:
        with contextlib.suppress(ValueError):  # not the main thread: nothing was deferred there
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            if ekte.EARLY_SIGTERM:
                os.kill(os.getpid(), signal.SIGTERM)


def run_interruptibly(run: Any, progress: Any, inputs: list[Any]) -> Any:
    """*run* (a run's API call, given *progress*) — its ``IngestResult``; Ctrl-C or SIGTERM before the run
    began (ekte loading, the journal opening) gives the result of a run that took no input, every input
    pending; a SIGTERM after the run (:mod:`ekte.stopsignal`: never fatal while it reports) marks it
    interrupted (130)."""
    from ekte import stopsignal

    try:
        try:
            sigint_now()
            stopsignal.arm()  # SIGTERM while loading: as Ctrl-C (the run disarms it until its body)
            result = run(progress)
        finally:
            stopsignal.disarm()  # from here on a SIGTERM only counts: the report is written whole
    except (KeyboardInterrupt, stopsignal.Interrupted):
        result = _interrupted_early(inputs)
    except EnvironmentFailure as e:  # the API raises it (fresh33 F1); the command line reports what was done too
        if not _shows_result(e):
            raise
        result = e.result
    result.interrupted = stopsignal.consume() or result.interrupted
    return result


@contextlib.contextmanager
def reported_failure() -> Iterator[list]:
    """A list the body appends an API call's answer to; an :class:`EnvironmentFailure` carrying what the call did
    (``e.result``: export's documents, status's daemons) appends that instead — the command prints it, then the
    error line (fresh33 F1: the API raises where it used to return the failure)."""
    got: list = []
    try:
        yield got
    except EnvironmentFailure as e:
        if not _shows_result(e):
            raise
        got.append(e.result)


def _shows_result(e: EnvironmentFailure) -> bool:
    """Whether the command prints what *e* carries before its error line: not when it carries nothing, nor in
    text mode when the run could not begin (a damaged journal: one line; ``--json`` lists the pending inputs)."""
    return e.result is not None and (getattr(e.result, "begun", True) or wants_json(sys.argv))


def _interrupted_early(inputs: list[Any]) -> Any:
    """The result of a run interrupted before it took any input: every input pending."""
    from ekte.pipeline import IngestResult
    from ekte.stages.intake import display

    logging.getLogger("ekte").warning("interrupted before the run began; a re-run does it")
    return IngestResult(interrupted=True, pending=[display(p) for p in inputs])


#: the last error line :func:`fail` wrote (for the JSON object of :func:`json_on_exit`)
LAST_ERROR: list[str] = []


def prefix(lang: str | None) -> str:
    """The first word of an error line: German before a German message (a clerk's command, fresh31 H2)."""
    return "Fehler" if lang == "de" else "error"


def fail(code: int, message: str, lang: str | None = None) -> None:
    # One line, never wrapped at the terminal width: scripts grep for it (error:, or Fehler: before a German one).
    err.print(f"[bold red]{prefix(lang)}:[/] {escape(visible(message))}", highlight=False, soft_wrap=True)
    LAST_ERROR[:] = [message]
    raise typer.Exit(code)


class _Watched:
    """sys.stdout, noting whether anything was written to it."""

    def __init__(self, out: Any) -> None:
        self._out, self.written = out, False

    def write(self, s: str) -> int:
        self.written = self.written or bool(s)
        return self._out.write(s)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)


#: the ``error.code`` of a command that ended before it printed anything (1: only a refusal through :func:`fail` —
#: a damaged archive folder, ekte.evidence.intact.ArchiveDamaged)
JSON_CODES = {ExitCode.USAGE: "usage", ExitCode.MISSING_DEPENDENCY: "missing_dependency",
              ExitCode.DOCUMENTS_NEED_ATTENTION: "archive_damaged", ExitCode.INTERRUPTED: "interrupted",
              ExitCode.ENVIRONMENT: "environment", ExitCode.JOURNAL_DAMAGED: "journal_damaged"}
#: the environment failure :func:`exit_on_errors` ended on (its code — disk_full, journal_damaged … — for the JSON)
LAST_FAILURE: list[Any] = []


def wants_json(argv: list[str]) -> bool:
    """``--json``, or ``--format json`` (stats; fresh33 F6: its errors printed no JSON) — not ``--log-format json``."""
    return "--json" in argv or "--format=json" in argv or any(
        a == "--format" and b == "json" for a, b in zip(argv, argv[1:]))


@contextlib.contextmanager
def json_on_exit(argv: list[str]) -> Iterator[None]:
    """With ``--json``, a command that ends with a usage error (2), a
    missing program (3) or a damaged archive folder (1) before it printed anything prints
    ``{"error": {"code": "usage" | "missing_dependency" | "archive_damaged", "message": …}}``,
    and one that ends on its environment (74/75: a damaged journal, a full disk) before it printed
    anything ``{"error": {"code": "journal_damaged" | "disk_full" | …, "message": …}}`` (fresh32 F9):
    a script's ``json.load`` reads why instead of failing on nothing."""
    if not wants_json(argv):
        yield
        return
    watched = sys.stdout = _Watched(sys.stdout)
    try:
        yield
    except SystemExit as e:
        refused = e.code not in (1, 130) or bool(LAST_ERROR)  # 1: only through fail(); 130: SIGTERM (run_main)
        if e.code in JSON_CODES and not watched.written and refused:
            code = LAST_FAILURE[0].code if LAST_FAILURE else JSON_CODES[e.code]
            msg = LAST_ERROR[0] if LAST_ERROR else "invalid command line (see the message on stderr)"
            print(json.dumps({"error": {"code": code, "message": msg}}, ensure_ascii=False, indent=2))
        raise
    finally:
        sys.stdout = watched._out


@contextlib.contextmanager
def exit_on_errors(as_json: bool = False, lang: str | None = None) -> Iterator[None]:
    """Configuration errors → exit 2, a missing external program → exit 3,
    the environment (disk full, permission denied, a damaged journal) → 74 /
    75; one line each (with *as_json*, the JSON object of a run that did
    nothing is printed too, naming the error)."""
    try:
        yield
    except ConfigError as e:
        if getattr(e, "errors", None):  # typed values refused: one line per field, in the user's language
            from ekte.serve.i18n import cli_language, field_error

            code = cli_language(lang)  # (--lang of a review command)
            for x in e.errors:  # type: ignore[attr-defined]
                err.print(f"[bold red]{prefix(code)}:[/] {x.field}: {escape(field_error(x, code))}",
                          highlight=False, soft_wrap=True)
            LAST_ERROR[:] = [str(e)]
            raise typer.Exit(ExitCode.USAGE)
        if getattr(e, "json_code", None):  # its own --json code (a deleted document: "deleted")
            LAST_FAILURE[:] = [e]
        fail(e.exit_code, str(e))  # 2; 1 for a damaged archive folder (ekte.evidence.intact.ArchiveDamaged)
    except MissingDependency as e:
        fail(ExitCode.MISSING_DEPENDENCY, str(e))
    except typer.Exit:
        raise  # said already (a clerk's command's German line, ekte.cli_serve.review_errors): never a second line
    except Exception as e:
        failure = environment_failure(e)
        if failure is None:
            raise
        LAST_FAILURE[:] = [failure]
        if as_json:
            from ekte.pipeline.results import IngestResult

            print(json.dumps(IngestResult(failure=failure).to_json(), ensure_ascii=False, indent=2))
        fail(failure.exit_code, failure.message)




def write_report(report: Any, result: Any) -> None:
    """Write the run's report (interrupted too: what was done, marked "interrupted"; atomically).
    When it cannot be written: the run's failure (exit 74, ``error.code`` "report_not_written" in its
    JSON, its line after the summary), or a warning line when the run has a failure of its own."""
    if report is None:
        return
    try:
        report(result)
    except OSError as e:
        from ekte.errors import EnvironmentFailure

        said = f"the report was not written ({e.strerror or type(e).__name__}); the documents are done"
        if result.failure is None:
            result.failure = EnvironmentFailure("report_not_written", said)
        else:
            err.print(f"warning: {escape(said)}", highlight=False, soft_wrap=True)


def summary(result: Any, command: str) -> None:
    """The run's summary; a run interrupted before any document settled says how many inputs are left (fresh32
    F3: "nothing to ingest: no files found" while 12 inputs were pending); a run that took nothing while a folder
    could not be listed says no "nothing to ingest" either (review36b R7): the folder-not-read lines said it."""
    from ekte import render

    s = result.summary
    if result.interrupted and not s["total"] and result.failure is None:
        render.out.print(f"interrupted before any document was done; {s.get('pending', 0)} input(s) pending — run "
                         "the same command again to take them", highlight=False, soft_wrap=True)
        return
    if s.get("unreadable_folders") and not s["total"] and result.failure is None:
        if s.get("skipped"):  # (the names intake.ignore skips: counted as ever)
            render.out.print(f"{render.plural(s['skipped'], 'file')} skipped (names in intake.ignore)",
                             highlight=False)
        return
    render.summary(result, command)


def skipped_named(result: Any) -> None:
    """An input named on the command line whose name intake.ignore skips: one warning line each (fresh32 F6:
    skipped without a word).  Files in a folder skipped so are only counted (the summary, ``--json``).  And a
    folder below an input that cannot be listed: one warning line each (fresh36 F1)."""
    for name in getattr(result, "skipped_named", None) or []:
        err.print(f"[yellow]warning:[/] skipped: ignored name {escape(visible(name))} (its name matches "
                  "intake.ignore; rename it to ingest it)", highlight=False, soft_wrap=True)
    for f in getattr(result, "unreadable_folders", None) or []:  # fresh36 F1: left out without a word
        err.print(f"[yellow]warning:[/] folder not read: {escape(visible(f['path']))} cannot be listed "
                  f"({escape(f['cause'])}); its files were not taken — give ekte read access and run again",
                  highlight=False, soft_wrap=True)


def not_moved(result: Any) -> None:
    """``--move`` left originals where they are: a warning line for each (its name, control characters shown
    escaped, and why), then the error line (fresh32 F4: "see the warnings" — there were none in text mode)."""
    for doc in result.documents:
        for w in doc.warnings:
            if w.startswith("original ") and "moved" in w:
                name = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(doc.source))
                err.print(f"[yellow]warning:[/] {escape(name)} ({doc.id}): {escape(w)}", highlight=False,
                          soft_wrap=True)
    err.print(f"[bold red]error:[/] {result.not_moved} original(s) could not be moved (see the warnings); "
              "they stay where they are and the next run tries again", highlight=False, soft_wrap=True)


#: the exit status when stdout's reader went away (``ekte … | head``): 128 + SIGPIPE, as a shell reports a
#: tool that SIGPIPE ended -- never "internal error" (70), never click's 1 (which means broken documents here)
CLOSED_PIPE = 141


def _closed_pipe() -> None:
    """End quietly: stdout onto /dev/null (so that the interpreter's last flush cannot fail again), 141."""
    with contextlib.suppress(OSError):
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.__stdout__.fileno())
    sys.exit(CLOSED_PIPE)


def _is_pipe() -> bool:
    with contextlib.suppress(OSError, ValueError):
        return stat.S_ISFIFO(os.fstat(sys.__stdout__.fileno()).st_mode)
    return False


def _pipe_was_closed(was_pipe: bool) -> bool:
    """stdout's reader went away and a library ended the command with 1 for it: click/typer (stderr wrapped
    in PacifyFlushWrapper) or rich (``Console.on_broken_pipe``: /dev/null put on stdout, a pipe before)."""
    if type(sys.stderr).__name__ == "PacifyFlushWrapper":
        return True
    return was_pipe and not _is_pipe() and stat.S_ISCHR(os.fstat(sys.__stdout__.fileno()).st_mode)


def run_main(app: Any) -> None:
    """The command line's one entry: *app* run; an error ends as one line with its exit code."""
    from ekte import fastexit

    from ekte.stopsignal import Interrupted

    was_pipe = _is_pipe()
    try:
        with json_on_exit(sys.argv[1:]):
            try:
                app()
            except Interrupted:  # SIGTERM of a command that is no run (ekte.cli_errors.sigterm_now)
                import signal  # ending: a second one (the process group's) ignored — also in the teardown

                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                LAST_ERROR[:] = ["interrupted (SIGTERM), as by Ctrl-C; run the command again"]
                err.print(f"[bold red]error:[/] {LAST_ERROR[0]}", highlight=False, soft_wrap=True)
                sys.exit(ExitCode.INTERRUPTED)
    except SystemExit as e:
        if e.code == 1 and _pipe_was_closed(was_pipe):
            _closed_pipe()
        fastexit.finish(e.code)  # returns unless a run was reported (ekte.fastexit)
        raise
    except Exception as e:  # noqa: BLE001 - no traceback reaches a user
        if isinstance(e, BrokenPipeError):
            _closed_pipe()
        failure = environment_failure(e)
        if failure is not None:
            err.print(f"[bold red]error:[/] {escape(visible(failure.message))}", highlight=False, soft_wrap=True)
            sys.exit(failure.exit_code)
        logging.getLogger("ekte").debug("internal error", exc_info=True)
        err.print(f"[bold red]error:[/] internal error ({type(e).__name__}); run again with -vv for details, "
                  "and report it", highlight=False, soft_wrap=True)
        sys.exit(ExitCode.INTERNAL)
