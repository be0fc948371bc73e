"""ekte — bring incoming documents into the German electronic file (E-Akte)."""

import logging as _logging
import os as _os
import sys as _sys

__version__ = "0.1.0"

# a library prints nothing by itself (no Python "last resort" lines on a script's stderr); the command line, the
# daemons and the worker processes set up their own handler (ekte.logs)
_logging.getLogger("ekte").addHandler(_logging.NullHandler())

#: Ctrl-C pressed while the ``ekte`` command loads (before a run can report it): kept here, and raised by
#: :func:`ekte.cli_errors.sigint_now` once the command knows how to end (``--json``: the JSON of a run that
#: did nothing, ``"interrupted": true``) — never a traceback of an import
EARLY_SIGINT: list[int] = []
#: SIGTERM while the ``ekte`` command loads: kept here too.  ``ekte watch`` takes it up as a stop once its
#: handler is in place (one "stopped" line, exit 0, as systemd's stop of a running daemon); every other
#: command ends as on Ctrl-C, 130 (:func:`ekte.cli_errors.sigterm_now`; ``serve``: by the default action)
EARLY_SIGTERM: list[int] = []


def _defer_sigint() -> None:
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, lambda signum, _frame: EARLY_SIGINT.append(signum))
        signal.signal(signal.SIGTERM, _defer_sigterm)


def _defer_sigterm(signum: int, _frame: object) -> None:
    EARLY_SIGTERM.append(signum)


def _is_command() -> bool:
    """The ``ekte`` command (its script, or ``python -m ekte``), never a library import."""
    if _sys.argv and _os.path.basename(_sys.argv[0]) == "ekte":
        return True
    argv = getattr(_sys, "orig_argv", [])
    return any(a == "-m" and b == "ekte" for a, b in zip(argv, argv[1:]))


if _is_command():
    _defer_sigint()
