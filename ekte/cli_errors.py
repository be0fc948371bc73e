"""How the command line ends on an error: one line on stderr, never
wrapped (scripts grep for it), and the exit code of its kind — a
configuration error 2, a missing program 3, the environment (disk full,
permission denied, read-only or failing storage) 74, a damaged journal 75."""

from __future__ import annotations

import contextlib
import json
from typing import Iterator

import typer
from rich.markup import escape

from ekte.errors import ConfigError, ExitCode, MissingDependency, environment_failure
from ekte.render import err


def sigint_now() -> None:
    """Ctrl-C as usual from here on (KeyboardInterrupt), and at once if it was pressed while ekte loaded."""
    import signal

    import ekte

    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        with contextlib.suppress(ValueError):  # not the main thread: nothing was deferred there
            signal.signal(signal.SIGINT, signal.default_int_handler)
    if ekte.EARLY_SIGINT:
        ekte.EARLY_SIGINT.clear()
        raise KeyboardInterrupt


def fail(code: int, message: str) -> None:
    # One line, never wrapped at the terminal width: scripts grep for it.
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def exit_on_errors(as_json: bool = False) -> Iterator[None]:
    """Configuration errors → exit 2, a missing external program → exit 3,
    the environment (disk full, permission denied, a damaged journal) → 74 /
    75; one line each (with *as_json*, the JSON object of a run that did
    nothing is printed too, naming the error)."""
    try:
        yield
    except ConfigError as e:
        if getattr(e, "errors", None):  # typed values refused: one line per field, in the user's language
            from ekte.serve.i18n import cli_language, field_error

            for x in e.errors:  # type: ignore[attr-defined]
                err.print(f"[bold red]error:[/] {x.field}: {escape(field_error(x, cli_language()))}",
                          highlight=False, soft_wrap=True)
            raise typer.Exit(ExitCode.USAGE)
        fail(ExitCode.USAGE, str(e))
    except MissingDependency as e:
        fail(ExitCode.MISSING_DEPENDENCY, str(e))
    except Exception as e:
        failure = environment_failure(e)
        if failure is None:
            raise
        if as_json:
            from ekte.pipeline.results import IngestResult

            print(json.dumps(IngestResult(failure=failure).to_json(), ensure_ascii=False, indent=2))
        fail(failure.exit_code, failure.message)


