"""The problems ``ekte status`` names beside the daemons' figures: a daemon
stalled, one that ended on an error, a working directory with no space left."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

#: a running daemon that has not written its status for this long is reported as stalled
STALLED_SECONDS = 60.0


def stalled_problem(d: dict[str, Any]) -> dict[str, Any]:
    return {"code": "daemon_stalled", "cause": "stalled", "since": d.get("updated"), "pid": d.get("pid"),
            "message": f"the watch daemon (pid {d.get('pid')}) stalled since {d.get('updated')}: it lives but has "
                       f"written no status for more than {STALLED_SECONDS:.0f} s (stopped or hung)"}


def disk_full(workdir: Path) -> list[dict[str, Any]]:
    """The working directory's file system full: a problem whatever the daemons could record (fresh40 F4)."""
    try:
        full = os.statvfs(workdir).f_bavail == 0
    except OSError:
        return []
    return [{"code": "disk_full", "cause": "disk_full", "since": None,
             "message": f"the working directory {workdir} has no space left: nothing can be archived, "
                        "and a watch daemon cannot start (free space, then start it again)"}] if full else []


def ended_problem(d: dict[str, Any]) -> dict[str, Any]:
    """A daemon that ended on an error (a full disk …), as a problem of the status."""
    cause = d["cause"]
    return {"code": "daemon_failed", "cause": cause.get("code"), "since": cause.get("time"), "pid": d.get("pid"),
            "message": f"the watch daemon (pid {d.get('pid')}) ended on an error: {cause.get('message')}"}
