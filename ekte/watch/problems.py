"""The problems ``ekte status`` names beside the daemons' figures: a daemon
stalled, one that ended on an error, a working directory with no space left."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ekte.errors import EnvironmentFailure

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


#: an export's failure as its message names it, beyond the environment's causes: (words in the message, the
#: cause's code, the cause in words) — a DMS share not mounted, or replaced by a file (fresh40 F10)
EXPORT_CAUSES = (("does not exist (share not mounted?)", "folder_missing",
                  "the export folder does not exist (share not mounted?)"),
                 ("is not a folder", "not_a_folder", "the export folder is not a folder"),
                 ("a part of its path is a file", "not_a_folder", "the export folder is not a folder"),
                 ("cannot be reached", "unreachable", "the export folder cannot be reached"))


def export_cause(text: str) -> str:
    """The cause code of an export's failure message (``export_failed`` when it names none)."""
    return next((c for c, t in EnvironmentFailure.CAUSES.items() if t in text), None) or \
        next((c for words, c, _ in EXPORT_CAUSES if words in text), "export_failed")


def export_cause_words(code: str) -> str:
    return EnvironmentFailure.CAUSES.get(code) or next((w for _, c, w in EXPORT_CAUSES if c == code),
                                                       "the export failed")
