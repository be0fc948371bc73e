"""Timestamps of a run's fixed cost (issue 12), for measuring only.

With ``EKTE_TRACE_START=FILE`` set, :func:`mark` appends one line per
point to *FILE*: the process id, the point's name, the time
(``CLOCK_BOOTTIME``, seconds) and the process's CPU seconds so far.  The
first mark of a process also writes ``process-start`` (from
``/proc/self/stat``, 10 ms resolution) and registers ``exit``, which runs
after every other exit handler (the workers' fork server stopped, the
journal closed).  Without the variable every call does nothing and costs
one dictionary look-up.  The lines name no document and no path."""

from __future__ import annotations

import atexit
import os
import time

ENV = "EKTE_TRACE_START"
_seen: set[int] = set()


def _write(path: str, name: str, when: float) -> None:
    cpu = time.process_time()
    line = f"{os.getpid()} {name} {when:.4f} {cpu:.3f}\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def _process_start() -> float:
    with open("/proc/self/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    return int(fields[19]) / os.sysconf("SC_CLK_TCK")  # starttime, field 22


def mark(name: str) -> None:
    """Record the point *name* (when ``EKTE_TRACE_START`` is set)."""
    path = os.environ.get(ENV)
    if not path:
        return
    try:
        if os.getpid() not in _seen:
            _seen.add(os.getpid())
            _write(path, "process-start", _process_start())
            atexit.register(lambda: _write(path, "exit", time.clock_gettime(time.CLOCK_BOOTTIME)))
        _write(path, name, time.clock_gettime(time.CLOCK_BOOTTIME))
    except OSError:  # measuring never breaks a run
        pass
