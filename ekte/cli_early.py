"""``ekte ingest``'s workers' fork server started before the command line
is built (issue 12): importing the CLI (typer, rich, every command's
module) and parsing with Typer cost ≈ 0.25 s of CPU, during which the
fork server's preload — the longest part of a run's start — could
already run on the other core.

Only a command line read here without doubt starts it early:
``ekte ingest`` with the options below and at least one path.  Anything
else (``--executor``, ``--scheduler``, ``--help``, ``--jobs=2``, ``-j2``,
``--``, an option this reader does not know) leaves it to the command as
before (:func:`ekte.cli._prestart`, which does nothing once it started).
The log level and format are set first, as there: the workers take them
from the environment the fork server starts with.  Imports the standard
library, :mod:`ekte.logs` and :mod:`ekte.forkserver` only."""

from __future__ import annotations

import os
import sys

#: the options of ``ekte ingest`` that take a value (and do not decide where the workers run)
VALUE_OPTIONS = frozenset({"--profile", "-p", "--workdir", "-w", "--override", "-o", "--jobs", "-j", "--connector",
                           "-c", "--plugin", "--move", "--report", "--shared-root"})
FLAGS = frozenset({"--json", "--no-progress"})


def ingest_args(argv: list[str]) -> tuple[int, str, list[str]] | None:
    """(verbosity, log format, paths) of ``ekte ingest`` *argv* (without the
    program name), or None when it is another command or not read here
    without doubt."""
    if not argv or argv[0] != "ingest":
        return None
    verbose, fmt, paths = 0, "text", []
    rest = iter(argv[1:])
    for a in rest:
        if a in VALUE_OPTIONS:
            if next(rest, None) is None:
                return None
        elif a in FLAGS:
            continue
        elif a in ("-v", "--verbose", "-vv"):
            verbose += 2 if a == "-vv" else 1
        elif a == "--log-format":
            fmt = next(rest, "")
            if fmt not in ("text", "json"):
                return None
        elif a.startswith("-"):
            return None
        else:
            paths.append(a)
    return (verbose, fmt, paths) if paths else None


def from_console() -> bool:
    """Whether this process is the ``ekte`` program (the console script or
    ``python -m ekte``), not a test or a script that imports the CLI."""
    main = getattr(sys.modules.get("__main__"), "__file__", None) or ""
    return os.path.basename(main) == "ekte" or main.endswith(os.path.join("ekte", "__main__.py"))


def start() -> None:
    """The fork server of ``ekte ingest`` started now, when the command line says so without doubt."""
    if not from_console():
        return
    args = ingest_args(sys.argv[1:])
    if args is None:
        return
    from ekte.forkserver import prestart_for
    from ekte.logs import setup_logging

    verbose, fmt, paths = args
    setup_logging(verbose, fmt)
    prestart_for(paths)
