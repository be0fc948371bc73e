"""The daemons' status, for ``ekte status`` and monitoring.

Each daemon writes ``<workdir>/status.d/<key>.json`` (key: its watched
folders) every second, and then ``<workdir>/status.json``: all daemons of
the working directory merged (counts summed), written under a lock so that
two daemons on different inboxes never overwrite each other's figures."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ekte import fsutil
from ekte import owner as owners
from ekte.errors import ConfigError, EnvironmentFailure, ExitCode, environment_failure
from ekte.workdirs import check_journal_file, require
from ekte.model import Document, Status, now_iso
from ekte.watch.problems import (STALLED_SECONDS, disk_full, ended_problem, export_cause, export_cause_words,
                                 stalled_problem)

STATUS_FILE = "status.json"
STATUS_DIR = "status.d"
#: beside a daemon's status file: why it ended on an error (written in place, in room taken at its start)
ENDED, ENDED_ROOM = ".end", 4096
SUMMED = ("queue", "waiting_for_stability", "queued", "in_flight", "jobs", "done", "failed", "duplicates", "review",
          "export_failed", "not_cleared", "skipped")


@dataclass
class Stats:
    started: str = field(default_factory=now_iso)
    done: int = 0
    failed: int = 0
    duplicates: int = 0
    review: int = 0
    export_failed: int = 0
    #: files in the inbox skipped for a name in intake.ignore, at the last rescan (fresh32 F6)
    skipped: int = 0
    #: folders in the inbox that could not be listed at the last rescan: (display path, cause) (fresh36 F1)
    unlisted: list = field(default_factory=list)
    unlisted_since: str | None = None
    last_errors: deque = field(default_factory=lambda: deque(maxlen=10))
    last_activity: str | None = None
    #: counted as not exported: a later settle of the same document moves it (done, or still not exported)
    unexported: set = field(default_factory=set)
    #: inputs the daemon could not clear from the inbox (the done folder full, not writable, …): path → the
    #: problem (fresh30 G11); each rescan takes them again and tries once more — not new duplicates
    stuck: dict = field(default_factory=dict)
    #: documents not exported now: id → connectors, cause, since (fresh31 H7: a problem until they are exported)
    unexported_why: dict = field(default_factory=dict)
    #: counted as not exported, then exported by a rescan's retry: the input still in the inbox is taken once
    #: more to be cleared — not a duplicate then (its count moved already)
    delivered_later: set = field(default_factory=set)

    def not_cleared(self, key: str, doc_id: str, exc: BaseException, where: str) -> bool:
        """*key* (an inbox file or container) stays in the inbox for *exc*; False when that is no
        environment failure (disk full, permission denied, read-only, I/O error) but e.g. a race."""
        failure = environment_failure(exc)
        if failure is None:
            return False
        if key not in self.stuck:
            self.last_errors.append({"time": now_iso(), "id": doc_id, "code": "not_cleared", "cause": failure.code})
        self.stuck[key] = {"code": failure.code, "where": where, "since": self.stuck.get(key, {}).get("since") or now_iso()}
        return True

    def problem(self) -> dict[str, Any] | None:
        """What keeps inputs in the inbox now (files since removed by hand no longer count), or None."""
        for key in [k for k in self.stuck if not os.path.lexists(k)]:
            del self.stuck[key]
        if not self.stuck:
            return None
        first = min(self.stuck.values(), key=lambda v: v["since"])
        cause = EnvironmentFailure.CAUSES.get(first["code"], first["code"])
        return {"code": "not_cleared", "cause": first["code"], "files": len(self.stuck), "since": first["since"],
                "message": f"{len(self.stuck)} input(s) could not be moved out of the inbox ({cause} in "
                           f"{first['where']}); they stay there and are tried again at each rescan"}

    def export_problem(self) -> dict[str, Any] | None:
        """Documents archived whose export failed and has not succeeded since (the DMS folder read-only, full …)."""
        if not self.unexported_why:
            return None
        first = min(self.unexported_why.values(), key=lambda v: v["since"])
        names = sorted({c for v in self.unexported_why.values() for c in v["connectors"]})
        cause = export_cause_words(first["cause"])
        return {"code": "export_failed", "cause": first["cause"], "documents": len(self.unexported_why),
                "since": first["since"], "connectors": names,
                "message": f"{len(self.unexported_why)} document(s) could not be exported ({cause}: connector "
                           f"{', '.join(repr(n) for n in names) or '-'}); they stay archived, their inputs stay in "
                           "the inbox, and the export is tried again at each rescan"}

    def folder_problem(self) -> dict[str, Any] | None:
        """Folders in the inbox the daemon cannot list (no read permission): their files are never taken."""
        if not self.unlisted:
            self.unlisted_since = None
            return None
        self.unlisted_since = self.unlisted_since or now_iso()
        path, cause = self.unlisted[0]
        more = f" and {len(self.unlisted) - 1} more" if len(self.unlisted) > 1 else ""
        return {"code": "folder_unreadable", "cause": cause, "folders": len(self.unlisted), "path": path,
                "since": self.unlisted_since,
                "message": f"folder {path}{more} in the inbox cannot be listed ({cause}); the files in it are not "
                           "taken — give ekte read access (checked again at each rescan)"}

    def stopped(self) -> str:
        """The stop line's counts: what was taken in and where it went (fresh33 F4: "0 done" after 22 documents
        all went to review read as "nothing happened")."""
        taken = self.done + self.review + self.export_failed + self.failed
        return (f"{taken} taken in since the start: {self.done} exported, {self.review} waiting for review, "
                f"{self.failed} failed" + (f", {self.export_failed} not exported" if self.export_failed else "")
                + (f"; {self.duplicates} duplicate(s)" if self.duplicates else ""))

    def exported_later(self, doc: Document) -> None:
        """The rescan's retry exported *doc*: one this daemon counted as not exported is exported now (the status
        and the stop line say so at once, not only when its input is taken again to be cleared)."""
        if doc.id in self.unexported and doc.status != Status.EXPORT_FAILED:
            self.record(doc)
            self.delivered_later.add(doc.id)

    def record(self, doc: Document) -> None:
        st = doc.status
        self.last_activity = now_iso()
        if doc.id in self.delivered_later and taken_in_before(doc):
            self.delivered_later.discard(doc.id)  # its input, cleared now: counted when the retry exported it
            return
        if doc.id in self.unexported:  # its export failed before: a rescan or retry settles it again
            if st == Status.EXPORT_FAILED:
                return  # still not exported: counted once
            self.unexported.discard(doc.id)
            self.unexported_why.pop(doc.id, None)
            self.export_failed -= 1
            self.done += int(st != Status.REVIEW)
            self.review += int(st == Status.REVIEW)
            return
        if st == Status.QUARANTINED:
            self.failed += 1
            self.last_errors.append({"time": now_iso(), "id": doc.id, "code": doc.error.code if doc.error else ""})
        elif taken_in_before(doc):
            # a file sent again whose first copy still waits for review is reported REVIEW (so that
            # --move leaves it) but it is not a second document for the queue: counted as a duplicate
            self.duplicates += 1
        elif st == Status.REVIEW:
            self.review += 1
        elif st == Status.EXPORT_FAILED:
            self.export_failed += 1
            self.unexported.add(doc.id)
            text = doc.error.message if doc.error else ""
            self.unexported_why[doc.id] = {
                "connectors": sorted(doc.extra.get("export_failed") or {}), "since": now_iso(),
                "cause": export_cause(text)}
            self.last_errors.append({"time": now_iso(), "id": doc.id, "code": "export_failed"})
        else:
            self.done += 1


def taken_in_before(doc: Document) -> bool:
    """The same content was taken in before: a duplicate, or a file sent again whose first copy an earlier run
    finished or left in review (``done_before``) — not a new document (counted and logged as such)."""
    return doc.status == Status.DUPLICATE or "done_before" in doc.extra


def daemon_key(roots: list[Path]) -> str:
    return hashlib.sha256("\0".join(sorted(str(r) for r in roots)).encode()).hexdigest()[:12]


class StatusBoard:
    """One daemon's status files."""

    def __init__(self, workdir: Path, roots: list[Path]) -> None:
        self.workdir = Path(workdir)
        self.dir = self.workdir / STATUS_DIR
        self.own = self.dir / f"{daemon_key(roots)}.json"

    def reserve(self) -> None:
        """At start: room for :meth:`ended`'s cause, taken now (a daemon ends on a full disk, too)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.own.with_suffix(ENDED), "wb") as f:
            f.write(b" " * ENDED_ROOM)
            f.flush()
            os.fsync(f.fileno())

    def ended(self, exc: BaseException) -> None:
        """The daemon ends on *exc*: its cause written over the room :meth:`reserve` took (no new block needed:
        fresh31 — `ekte status` said "died … killed or crashed" of a daemon that ended on a full disk)."""
        failure = environment_failure(exc, str(self.workdir))
        cause = {"time": now_iso(), "pid": os.getpid(), "code": failure.code if failure else "internal",
                 "message": failure.message if failure else f"internal error ({type(exc).__name__})"}
        data = json.dumps(cause, ensure_ascii=False).encode()[:ENDED_ROOM]
        fd = os.open(self.own.with_suffix(ENDED), os.O_WRONLY)
        try:
            os.pwrite(fd, data.ljust(ENDED_ROOM), 0)
            os.fsync(fd)
        finally:
            os.close(fd)

    def not_started(self, exc: BaseException) -> None:
        """The daemon could not start (a full disk while it opened the journal …): its cause written over the
        room an earlier start took, or a new one if there is space (fresh40 F4: status said "stopped")."""
        if not self.own.with_suffix(ENDED).is_file():
            self.reserve()
        self.ended(exc)

    def write(self, status: dict[str, Any], *, final: bool = False) -> None:
        """The daemon's status; *final*: its last, as it ends (then it runs no more, in ``status.json`` too)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        me = owners.current()
        fsutil.write_json(self.own, {"pid": me.pid, "token": me.token, "host": me.host, **status})
        fd = os.open(self.dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            fsutil.write_json(self.workdir / STATUS_FILE, merge(daemons(self.workdir, self.own if final else None)))
        finally:
            os.close(fd)


def _running(d: dict[str, Any]) -> bool:
    tok = d.get("token")
    if tok:
        here = owners.token_alive_here(tok)
        return bool(here) if here is not None else True
    pid = d.get("pid")  # a status file of an older release: pid only
    try:
        os.kill(int(pid), 0)
        return True
    except (ProcessLookupError, PermissionError, ValueError, TypeError):
        return False


def _age(iso: str | None) -> float:
    import datetime as dt

    try:
        return (dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(iso or "")).total_seconds()
    except (TypeError, ValueError):
        return 0.0


def daemons(workdir: Path, ending: Path | None = None) -> list[dict[str, Any]]:
    """Every daemon that has run on *workdir*, with whether it runs now (*ending*: the status file of the
    daemon writing its last status — alive a moment longer, but no longer running)."""
    out = []
    sd = Path(workdir) / STATUS_DIR
    files = sorted(sd.glob("*.json"))
    legacy = Path(workdir) / STATUS_FILE
    if not files and legacy.is_file():
        files = [legacy]  # written by an older release
    for e in sorted(sd.glob("*" + ENDED)):  # a daemon that failed at its first start wrote only its cause
        cause = None if e.with_suffix(".json").exists() else _cause(e.with_suffix(".json"))
        if cause is not None:
            out.append({"pid": cause.get("pid"), "running": False, "stalled": False, "ended": "failed", "cause": cause})
    for f in files:
        try:
            d = json.loads(f.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        d["running"] = f != ending and _running(d)
        d["stalled"] = d["running"] and _age(d.get("updated")) > STALLED_SECONDS
        if not d["running"]:
            # how it ended: its last status after a clean stop says so; a daemon killed (kill -9, OOM,
            # power) left its figures of that moment — the last known ones, not current
            d["ended"] = "stopped" if d.get("stopped") or d.get("stopping") else "died"
            cause = _cause(f)
            if cause is not None:  # ended on an error it could name (a full disk …), not killed
                d["ended"], d["cause"] = "failed", cause
                d["pid"] = cause.get("pid", d.get("pid"))  # the daemon that failed (also one that could not start)
        out.append(d)
    return out


def _cause(status_file: Path) -> dict[str, Any] | None:
    try:
        text = status_file.with_suffix(ENDED).read_text("utf-8").strip()
        return json.loads(text) if text else None
    except (OSError, ValueError):
        return None


def merge(ds: list[dict[str, Any]]) -> dict[str, Any]:
    """All daemons as one status (the figures summed; the first running
    daemon's pid), with each daemon under ``daemons``."""
    if not ds:
        return {}
    live = [d for d in ds if d.get("running")] or ds
    first = live[0]
    out: dict[str, Any] = {"pid": first.get("pid"), "started": min(d.get("started", "") for d in live),
                           "updated": max(d.get("updated", "") for d in ds),
                           "mode": ",".join(sorted({d.get("mode", "") for d in live})),
                           "watching": [w for d in live for w in d.get("watching", [])],
                           "stable_seconds": first.get("stable_seconds")}
    for k in SUMMED:
        out[k] = sum(int(d.get(k) or 0) for d in live)
    ended = [ended_problem(d) for d in ds if d.get("ended") == "failed" and d.get("cause")]
    errors = sorted([*(e for d in live for e in d.get("last_errors", [])),
                     *({"time": p["since"], "id": "", "code": p["cause"]} for p in ended)], key=lambda e: e.get("time", ""))
    out["last_errors"] = errors[-10:]
    out["problems"] = [p for d in live if d.get("running") for p in (d.get("problem"), d.get("export_problem"),
                                                                    d.get("folder_problem")) if p]
    # no daemon runs: documents its last status left not exported stay a problem until a start exports them (F6)
    out["problems"] += [d["export_problem"] for d in live if not d.get("running") and d.get("export_problem")]
    out["problems"] += [stalled_problem(d) for d in ds if d.get("stalled")]  # fresh40 F5: rc 1 and no reason
    out["problems"] += ended  # monitoring reads "problems" (fresh32 F10: the cause was under daemons[].cause only)
    out["last_activity"] = max((d.get("last_activity") or "" for d in live), default="") or None
    out["stopping"] = any(d.get("stopping") for d in live)
    out["running"] = any(d.get("running") for d in ds)
    if not out["running"]:
        out["last_known"] = out["updated"]  # no daemon runs: the figures are those of its last status
    out["daemons"] = [{**{k: d.get(k) for k in ("pid", "host", "running", "stalled", "ended", "cause", "stopped", "started",
                                                 "updated", "mode",
                                                 "watching", "in_flight", "jobs", "queue", "done", "failed",
                                                 "stopping",
                                                 "mail")},
                       **{k: d[k] for k in ("workers", "refused_workers") if k in d}} for d in ds]  # Dask workers
    return out


#: ``ekte status --json`` of a working directory no daemon has used: the keys :func:`merge` gives, empty
_NO_DAEMON: dict[str, Any] = {"pid": None, "started": None, "updated": None, "mode": "", "watching": [],
                              "stable_seconds": None, **{k: 0 for k in SUMMED}, "last_errors": [], "problems": [],
                              "last_activity": None, "stopping": False, "last_known": None, "daemons": []}


def read_status(workdir: Path) -> dict[str, Any]:
    """The daemons' status plus the journal's counts and the ekte processes
    working on the directory now."""
    workdir = Path(workdir)
    if not workdir.is_dir():
        what = "is a file, not a folder" if workdir.exists() else "does not exist"  # (as workdirs.require)
        raise ConfigError(f"the working directory {workdir} {what} (check --workdir or $EKTE_HOME)")
    if not (workdir / STATUS_DIR).is_dir():  # no daemon ever ran: a folder that is no working directory says so,
        require(workdir)  # as every command does (fresh40 F8: "no watch daemon has run", exit 1)
    out: dict[str, Any] = {"workdir": str(workdir), "running": False, **_NO_DAEMON, "journal": {}, "processes": [],
                           "mail_messages": {}}  # the same keys whether a daemon ran or not (fresh36 F8)
    out.update(merge(daemons(workdir)))
    out["workdir"] = str(workdir)
    known = any(p.get("cause") == "disk_full" for p in out["problems"])  # a daemon that ended on it says so
    out["problems"] = out["problems"] + ([] if known else disk_full(workdir))
    j = workdir / "journal.sqlite"
    try:
        check_journal_file(workdir)
        if j.is_file() and j.stat().st_size:  # 0 bytes: a daemon that could not even start wrote no table
            from ekte.journal import Journal

            journal = Journal(j, readonly=True)
            try:
                journal.quick_check()  # a monitoring check: damage anywhere, not only in the pages read here
                out["journal"] = journal.counts()
                if not out["running"] and not out["journal"].get("archived"):  # exported since the daemon stopped
                    out["problems"] = [p for p in out["problems"] if p.get("code") != "export_failed"]  # (review40 R5)
                out["processes"] = _processes(journal)
                out["mail_messages"] = _mail(journal)
            finally:
                journal.close()
    except Exception as e:
        failure = environment_failure(e, str(workdir))
        if failure is None:
            raise
        out["error"] = failure.to_dict()
    return out


def _mail(journal: Any) -> dict[str, int]:
    """E-mail messages by state (done, failed, processing)."""
    try:
        return journal.mail_counts()
    except Exception:  # noqa: BLE001 - a journal of an older release has no mail_messages table
        return {}


def exit_code(st: dict[str, Any]) -> int:
    """For monitoring: 0 when a daemon runs and none died without being
    stopped or stalled (no status written for a minute) or reports a problem
    (inputs it cannot clear from the inbox: the done folder full; documents not exported); 1 otherwise;
    75/74 when the journal cannot be read."""
    if st.get("error"):
        return ExitCode.JOURNAL_DAMAGED if st["error"]["code"] == "journal_damaged" else ExitCode.ENVIRONMENT
    died = [d for d in st.get("daemons", []) if (not d.get("running") and not d.get("stopping")) or d.get("stalled")]
    return 0 if st.get("running") and not died and not st.get("problems") else 1


def _processes(journal: Any) -> list[dict[str, Any]]:
    try:
        return [{"pid": h.pid, "host": h.host, "command": h.command, "since": h.since}
                for h in journal.live_processes()]
    except Exception:  # noqa: BLE001 - a journal of an older release has no processes table
        return []
