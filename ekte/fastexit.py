"""Ending ``ekte ingest`` without the interpreter's teardown (issue 12).

When a run has been reported, nothing is left to do but to free the
thousand-odd modules and objects of the pipeline one by one: about 0.06 s
of CPU (0.5–1 s of wall time on a loaded machine) in which the process,
and a script waiting for it, only wait.  :func:`finish` ends the process
at once instead — after what must happen has happened: every exit handler
(the workers' pool and fork server, the journal's and the scratch
folders' clean-up, the log handlers flushed) and stdout and stderr
flushed.  What ekte writes is durable before the report (the journal's
commits and the archive folders are synced when made), so nothing that
teardown would have written is lost.  It does nothing unless the command
called :func:`allow` (its run reported), while a thread that is not a
daemon is still running, or for an exit status that is not a number; an
error flushing the output (a closed pipe) falls back to the ordinary exit
and its message."""

from __future__ import annotations

import atexit
import os
import sys
import threading

_state = {"allowed": False}


def allow() -> None:
    """The command has reported its run: it may end without teardown."""
    _state["allowed"] = True


def finish(code: object) -> None:
    """End the process now with exit status *code* (``SystemExit.code``)
    when allowed and safe; otherwise return (the caller exits as usual)."""
    if not _state["allowed"] or not (code is None or isinstance(code, int)):
        return
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return
    atexit._run_exitfuncs()  # run once: they are cleared after
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code or 0)
