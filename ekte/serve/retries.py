"""The quarantine's "retry" at the station: ``ekte ingest --json`` of a
copy of the original (in the station's scratch folder inside the working
directory, under its original name) in a subprocess; the journal's claims keep it exactly once.

When the subprocess ends, its real outcome is worked out from its exit
code, its JSON report and the document's state in the journal, and
kept for the clerk: the quarantine page lists it (in the reader's
language), ``GET /api/v1/quarantine/{id}/retry`` returns it, and the
document's history gets a ``quarantine/retry-finished`` event (exit code,
state, reason code: no values, no paths).  The outcomes:

``archived`` / ``review``
    processed and archived (waiting in the review queue);
``quarantined``
    back in quarantine, with its (new) reason;
``failed``
    the run stopped because of the machine (exit code 74: the disk is full,
    storage not writable or failing; 75: the journal is damaged); the cause
    is named, and where the document is now.  A run that stopped before
    the document settled leaves it ``received`` with nobody working on it:
    it is put back into quarantine with the reason it had
    (``quarantine/requarantined``), unless another process claimed it;
``interrupted``
    the run was ended (SIGTERM or Ctrl-C — also one that stopped it before
    it could answer with exit code 130 —, the station shutting down: it ends
    the run and waits for its end to be recorded, :data:`SHUTDOWN_WAIT`; a
    run still going then, or at once on a second Ctrl-C or SIGTERM, is
    killed and its end recorded as well, :func:`stop_all`)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ekte.errors import DocumentError, ExitCode, environment_failure
from ekte.model import now_iso
from ekte.pipeline import queue as q
from ekte.serve.i18n import STORAGE_CAUSES, N_
from ekte.stages.intake import open_regular

log = logging.getLogger("ekte.serve")

#: exit codes of an ingest whose outcome is the document's state (4: not one document archived — it was quarantined)
NORMAL = (ExitCode.OK, ExitCode.DOCUMENTS_NEED_ATTENTION, ExitCode.ALL_FAILED)
KEEP = 50  # finished retries listed on the quarantine page (newest first)
SHUTDOWN_WAIT = 30.0  # seconds the station's shutdown waits for a running retry's end to be recorded
KILL_WAIT = 10.0  # seconds more for the end of a retry killed then (or on a second Ctrl-C/SIGTERM) to be recorded
#: exit codes of a retry ended by a stop signal before ekte took it up (ekte's own answer is 130, ExitCode.INTERRUPTED;
#: the station's kill at its shutdown is -SIGKILL with Retry.killed): interrupted, not crashed
STOPPED = (-signal.SIGTERM, -signal.SIGINT)

TEXTS = {
    "running": N_("Document {id} is being processed again …"),
    "archived": N_("Document {id} was processed again and archived."),
    "export_failed": N_("Document {id} was processed again and archived; its export failed and is repeated later."),
    "review": N_("Document {id} was processed again and waits in the review queue."),
    "quarantined": N_("Document {id} was processed again and is back in quarantine: {reason}"),
    "failed": N_("Processing document {id} again stopped: {reason}."),
    "interrupted": N_("Processing document {id} again was interrupted."),
    "crashed": N_("Processing document {id} again failed (exit code {code})."),
}
AFTER = {
    "quarantined": N_("It stays in quarantine; retry once the cause is fixed."),
    "archived": N_("It was archived; its export is repeated later."),
    "review": N_("It waits in the review queue."),
}


@dataclass
class Retry:
    doc_id: str
    actor: str
    started: str
    proc: subprocess.Popen | None = None
    outcome: str = "running"
    exit_code: int | None = None
    code: str | None = None  # the quarantine reason's or the environment failure's code
    message: str | None = None  # the quarantine reason as ingest gave it (a plugin's own text)
    state: str | None = None  # the document's state in the journal afterwards
    finished: str | None = None
    killed: bool = False  # the station killed it at its shutdown (SIGKILL after SHUTDOWN_WAIT or a second signal)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        return not self.done.is_set()

    def to_dict(self, gettext: Any) -> dict[str, Any]:
        return {"id": self.doc_id, "outcome": self.outcome, "running": self.running, "exit_code": self.exit_code,
                "code": self.code, "state": self.state, "started": self.started, "finished": self.finished,
                "text": text(self, gettext)}


def text(r: Retry, gettext: Any) -> str:
    """The outcome as the clerk reads it."""
    from ekte.serve.admin import reason_text

    if r.outcome == "quarantined":
        reason = reason_text(r.code, r.message, gettext)
    elif r.code in STORAGE_CAUSES:
        reason = gettext(STORAGE_CAUSES[r.code])
    else:
        reason = r.code or ""
    out = gettext(TEXTS[r.outcome]).format(id=r.doc_id, reason=reason, code=r.exit_code)
    if r.outcome in ("failed", "interrupted", "crashed") and r.state in AFTER:  # (an exported one: nothing to add)
        out += " " + gettext(AFTER[r.state])
    return out


def prepare(row: Any, entry: dict[str, Any], scratch: Path) -> Path:
    """A copy of the quarantined original (a regular file only, never
    through a link placed there) under its original name, in a new folder
    of the station's *scratch* (inside the working directory: removed when
    the retry ends, and, should the station die first, by the next process
    that opens the working directory, as every dead process's scratch)."""
    name = Path(str(entry["reason"].get("source") or entry["original"].name)).name
    name = name if name not in ("", ".", "..") else entry["original"].name
    tmp = None
    try:
        tmp = Path(tempfile.mkdtemp(prefix="retry-", dir=scratch))
        (tmp / "in").mkdir()
        with os.fdopen(open_regular(entry["original"]), "rb") as src, open(tmp / "in" / name, "xb") as dst:
            shutil.copyfileobj(src, dst)
    except DocumentError as e:
        shutil.rmtree(tmp, ignore_errors=True) if tmp else None
        raise q.Conflict(f"document {row['id']}: {e.message}") from None
    except OSError as e:  # no room for the copy (a full disk): the retry fails at once, the cause named
        shutil.rmtree(tmp, ignore_errors=True) if tmp else None
        raise environment_failure(e) or e from None
    return tmp / "in" / name


def failed(station: Any, doc_id: str, actor: str, e: Any) -> Retry:
    """A retry that could not start (:func:`prepare` met a full disk): failed at once, recorded."""
    r = Retry(doc_id, actor, now_iso(), outcome="failed", code=e.code, state="quarantined", finished=now_iso())
    with station.acting() as p:
        p.j.event(doc_id, "quarantine", "retry-finished", {"exit": None, "outcome": r.outcome, "state": r.state,
                                                            "code": r.code})
    r.done.set()
    return r


def start(station: Any, doc_id: str, copy: Path, actor: str) -> Retry:
    """``ekte ingest --json`` of the *copy* (from :func:`prepare`); its outcome is settled by a thread.
    ``python -m`` would import from the station's current folder first: not with safe_path_env."""
    from ekte.forkserver import safe_path_env

    st, tmp = station, copy.parent.parent
    cmd = [sys.executable, "-m", "ekte", "ingest", str(copy), "--workdir", str(st.workdir),
           "--profile", st.profile._source or st.profile.name, "--json", "--no-progress"]
    for opt, values in (("--plugin", st.plugins), ("-o", st.overrides), ("-c", st.connector_names)):
        for v in values:
            cmd += [opt, v]
    r = Retry(doc_id, actor, now_iso())
    with open(tmp / "result.json", "wb") as out:
        r.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.DEVNULL,
                                  env={**os.environ, **safe_path_env()}, start_new_session=True)
    threading.Thread(target=_wait, args=(st, r, tmp), name=f"ekte-retry-{r.doc_id}", daemon=True).start()
    return r


def _wait(station: Any, r: Retry, tmp: Path) -> None:
    assert r.proc is not None
    try:
        r.exit_code = r.proc.wait()
        try:
            report = json.loads((tmp / "result.json").read_text("utf-8"))
        except (OSError, ValueError):
            report = {}
        with station.acting() as p:
            settle(r, report, p.j.get_by_id(r.doc_id))
            if r.state == "received" and r.outcome in ("failed", "interrupted", "crashed"):
                r.state = _back_to_quarantine(station, p.j, r)
            p.j.event(r.doc_id, "quarantine", "retry-finished",
                      {"exit": r.exit_code, "outcome": r.outcome, "state": r.state, "code": r.code})
    except Exception as e:  # noqa: BLE001 - the outcome stays visible as far as it is known; no values logged
        log.error("quarantine retry: the outcome could not be recorded (%s)", type(e).__name__)
    finally:
        r.finished = r.finished or now_iso()
        r.done.set()
        shutil.rmtree(tmp, ignore_errors=True)


def _back_to_quarantine(station: Any, j: Any, r: Retry) -> str:
    """A retry that stopped before the document settled leaves it
    ``received`` with no process working on it (the copy it read is gone):
    it goes back to quarantine with the reason it had (its folder is still
    there), unless another process has taken it up meanwhile (its claim)."""
    from ekte.journal.claims import doc_key

    row = j.get_by_id(r.doc_id)
    if row is None or j.wait_claim(doc_key(row["sha256"]), 10) is not None:
        return row["state"] if row is not None else "received"
    try:
        row = j.get(row["sha256"])
        if row["state"] != "received":
            return row["state"]
        reason = q.quarantine_entry(station.workdir, r.doc_id)["reason"]
        j.set_state(row["sha256"], "quarantined", error_code=reason.get("code") or "internal_error",
                    error_message=reason.get("message") or "", event=("quarantine", "requarantined",
                                                                       f"the retry stopped (exit {r.exit_code})"))
        return "quarantined"
    finally:
        j.release(doc_key(row["sha256"]))


def settle(r: Retry, report: dict[str, Any], row: Any) -> None:
    """The outcome of a finished retry from its exit code, JSON report and the journal's *row*."""
    r.state = row["state"] if row is not None else None  # as the journal says: "exported" is not "archived"
    state = {"exported": "archived", "rejected": "archived"}.get(r.state or "", r.state)  # the outcome's word
    doc = next(iter(report.get("documents") or []), None) or {}
    failure = report.get("error") or {}
    r.finished = now_iso()
    killed = r.killed and r.exit_code == -signal.SIGKILL  # (one that ended by itself first: its own outcome)
    if r.exit_code == ExitCode.INTERRUPTED or r.exit_code in STOPPED or killed:
        r.outcome = "interrupted"
    elif failure or r.exit_code in (ExitCode.ENVIRONMENT, ExitCode.JOURNAL_DAMAGED):
        r.outcome = "failed"
        r.code = failure.get("code") or ("journal_damaged" if r.exit_code == ExitCode.JOURNAL_DAMAGED else "environment")
    elif r.exit_code not in NORMAL or state not in ("archived", "review", "quarantined"):
        r.outcome = "crashed"
    elif state == "quarantined":
        err = row["error_code"], row["error_message"]
        r.outcome, r.code, r.message = "quarantined", err[0], err[1]
    elif state == "archived" and doc.get("status") == "export_failed":
        r.outcome = "export_failed"
    else:
        r.outcome = state


def stop_all(running: list[Retry], hurry: threading.Event | None = None, wait: float = SHUTDOWN_WAIT) -> None:
    """The station's shutdown: each running retry's run ended (SIGTERM: ingest stops as on Ctrl-C) and its end
    recorded (``retry-finished``, interrupted) within *wait* seconds; a run still going then — or at once when
    *hurry* is set (a second Ctrl-C or SIGTERM) — is killed (SIGKILL) and its end recorded within
    :data:`KILL_WAIT`.  No retry's process outlives the station."""
    for r in running:
        _signal(r, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while (time.monotonic() < deadline and not all(r.done.is_set() for r in running)
           and not (hurry is not None and hurry.is_set())):
        time.sleep(0.05)
    for r in running:
        if not r.done.is_set() and r.proc is not None and r.proc.returncode is None:
            r.killed = True  # (it may still end by itself first: settle() reads the exit code)
            _signal(r, signal.SIGKILL, group=True)
            log.warning("a quarantine retry was still running at the station's end: killed")
    for r in running:
        r.done.wait(KILL_WAIT)


def _signal(r: Retry, sig: int, group: bool = False) -> None:
    """*sig* to the retry's ingest — with *group*, to every process of its group (it leads a session of its own,
    ``start_new_session``: its workers, the fork server), so that none outlives the kill."""
    if r.proc is None:  # not started
        return
    try:
        if group and r.proc.returncode is None:
            os.killpg(r.proc.pid, sig)
        else:
            r.proc.send_signal(sig)
    except OSError:  # ended meanwhile
        pass
