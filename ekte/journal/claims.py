"""Processes and claims: how several ekte processes share one working
directory without a lock.

Every process that changes the working directory registers in the
``processes`` table with its owner token (:mod:`ekte.owner`) and a lease
that a heartbeat thread renews.  Work on a document (or an export group)
is *claimed* in one transaction: the ``claims`` row names its owner.  A
claim counts only while its owner is alive — on this host: the pid exists
with the same start time; anywhere: the lease has not run out.  A claim of
a dead owner is simply taken over by the next process that asks; a
process that ends normally drops its claims with its ``processes`` row.

State changes that only the claim holder may make (received → archived /
review / quarantined) check the claim in their own transaction
(:meth:`ClaimsMixin._check_claim`), so a process whose lease ran out while
it was stopped cannot overwrite what the process that took over did."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any

from ekte import owner as owners
from ekte.model import now_iso

log = logging.getLogger("ekte.journal")

#: how long a claim outlives its owner's last heartbeat (tests shorten it)
LEASE_SECONDS = float(os.environ.get("EKTE_LEASE_SECONDS") or 60)
HEARTBEAT_SECONDS = max(0.2, LEASE_SECONDS / 6)


class ClaimLost(Exception):
    """This process no longer holds the claim it worked under (its lease ran
    out and another process took the work over)."""


@dataclass(frozen=True)
class Holder:
    """A live ekte process holding a claim (for messages and ``ekte status``)."""

    token: str
    pid: int
    host: str
    command: str
    since: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, '{self.command}', since {self.since}"


@dataclass
class Claim:
    """The outcome of :meth:`ClaimsMixin.claim_intake`."""

    outcome: str  # "claimed" | "final" (exported or waiting for review) | "busy"
    row: sqlite3.Row | None = None  # the document's journal row before the claim
    holder: Holder | None = None  # who works on it ("busy")
    taken_over: str | None = None  # the dead owner this claim was taken from


def doc_key(sha256: str) -> str:
    return f"doc:{sha256}"


class ClaimsMixin:
    db: sqlite3.Connection

    def _init_claims(self) -> None:
        self.owner = owners.current()
        self._hb_stop: threading.Event | None = None
        self._hb_thread: threading.Thread | None = None

    # -- processes
    def register(self, command: str) -> list[str]:
        """Register this process (and start its heartbeat); forget processes
        that died, whose claims are thereby free.  Returns their tokens."""
        me = self.owner
        now = time.time()
        started = owners.started_at(me.pid)
        since = now_iso() if started is None else _iso(started)
        with self.tx() as db:
            dead = [r["token"] for r in db.execute("SELECT token FROM processes")
                    if r["token"] != me.token and not self._alive(db, r["token"])]
            for tok in dead:
                self._release_dead(db, tok)
            db.execute("INSERT OR REPLACE INTO processes VALUES (?,?,?,?,?,?,?,?)",
                       (me.token, me.host, me.pid, command, since, now, now + LEASE_SECONDS, None))
            orphans = [r[0] for r in db.execute(
                "SELECT DISTINCT owner FROM claims WHERE owner NOT IN (SELECT token FROM processes)")]
        self._start_heartbeat()
        return dead + orphans

    def _release_dead(self, db: sqlite3.Connection, token: str) -> None:
        """Free the claims of a process that ended without giving them back."""
        row = db.execute("SELECT pid, host FROM processes WHERE token=?", (token,)).fetchone()
        who = f"pid {row['pid']} on {row['host']}" if row else "a process"
        for c in db.execute("SELECT key FROM claims WHERE owner=? AND key LIKE 'doc:%'", (token,)).fetchall():
            self._event(db, c["key"][4:20], "claim", "released", f"{who} ended while holding it")  # type: ignore[attr-defined]
        db.execute("DELETE FROM claims WHERE owner=?", (token,))
        db.execute("DELETE FROM processes WHERE token=?", (token,))

    def unregister(self) -> None:
        """This process ends: its claims and pending numbers are given back."""
        self._stop_heartbeat()
        with self.tx() as db:
            self._rollback_numbers(db, self.owner.token)
            db.execute("DELETE FROM claims WHERE owner=?", (self.owner.token,))
            db.execute("DELETE FROM processes WHERE token=?", (self.owner.token,))

    def renew(self, db: sqlite3.Connection | None = None) -> bool:
        """Renew this process's lease; False when its row was gone (another
        process had given it up for dead) and had to be written again."""
        db = db or self.db
        now = time.time()
        cur = db.execute("UPDATE processes SET heartbeat=?, lease_until=? WHERE token=?",
                         (now, now + LEASE_SECONDS, self.owner.token))
        return cur.rowcount > 0

    def _start_heartbeat(self) -> None:
        if self._hb_thread is not None:
            return
        stop = threading.Event()
        path = str(self.path)  # type: ignore[attr-defined]

        def beat() -> None:
            db = sqlite3.connect(path, timeout=30, isolation_level=None)
            try:
                while not stop.wait(HEARTBEAT_SECONDS):
                    try:
                        if not self.renew(db):
                            log.warning("this process's lease had run out; it registers again")
                            self._reinsert(db)
                    except sqlite3.Error as e:
                        log.debug("heartbeat failed: %s", e)
            finally:
                db.close()

        self._hb_stop = stop
        self._hb_thread = threading.Thread(target=beat, name="ekte-heartbeat", daemon=True)
        self._hb_thread.start()

    def _reinsert(self, db: sqlite3.Connection) -> None:
        me, now = self.owner, time.time()
        db.execute("INSERT OR REPLACE INTO processes VALUES (?,?,?,?,?,?,?,?)",
                   (me.token, me.host, me.pid, "?", now_iso(), now, now + LEASE_SECONDS, None))

    def _stop_heartbeat(self) -> None:
        if self._hb_stop is not None:
            self._hb_stop.set()
            if self._hb_thread is not None:
                self._hb_thread.join(5)
        self._hb_stop = self._hb_thread = None

    def _alive(self, db: sqlite3.Connection, token: str | None) -> bool:
        if not token:
            return False
        if token == self.owner.token:
            return True
        row = db.execute("SELECT lease_until FROM processes WHERE token=?", (token,)).fetchone()
        if row is None or row["lease_until"] < time.time():
            return False
        here = owners.token_alive_here(token)
        return True if here is None else here

    def alive(self, token: str | None) -> bool:
        return self._alive(self.db, token)

    def holder(self, token: str) -> Holder | None:
        row = self.db.execute("SELECT * FROM processes WHERE token=?", (token,)).fetchone()
        if row is None:
            return None
        return Holder(row["token"], row["pid"], row["host"], row["command"] or "", row["started"])

    def live_processes(self) -> list[Holder]:
        rows = self.db.execute("SELECT token FROM processes ORDER BY started").fetchall()
        return [h for r in rows if self.alive(r["token"]) and (h := self.holder(r["token"])) is not None]

    def set_info(self, info: dict[str, Any]) -> None:
        """What this process does (shown by ``ekte status``), as JSON."""
        import json

        with self.tx() as db:
            db.execute("UPDATE processes SET info=? WHERE token=?", (json.dumps(info), self.owner.token))

    # -- claims
    def claim_intake(self, sha256: str, doc_id: str, source: str, media_type: str | None, run_id: int) -> Claim:
        """Claim a document found in the input, in one transaction.  A
        document already exported or waiting for review is ``final`` (a
        duplicate); one another live process works on is ``busy``; else
        this process owns it now and the journal has it as received (an
        archived one keeps its state: only its export is left; a quarantined
        one keeps its first source: see ``Admission.admit``)."""
        from ekte.journal import ARCHIVED, FINAL_STATES, RECEIVED

        key = doc_key(sha256)
        with self.tx() as db:
            row = db.execute("SELECT * FROM documents WHERE sha256=?", (sha256,)).fetchone()
            if row is not None and row["state"] in FINAL_STATES:
                return Claim("final", row)
            c = db.execute("SELECT owner FROM claims WHERE key=?", (key,)).fetchone()
            prev = c["owner"] if c is not None and c["owner"] != self.owner.token else None
            if prev and self._alive(db, prev):
                return Claim("busy", row, self.holder(prev))
            db.execute("INSERT OR REPLACE INTO claims VALUES (?,?,?)", (key, self.owner.token, now_iso()))
            if prev:
                self._event(db, doc_id, "claim", "taken-over", "from a process that ended")  # type: ignore[attr-defined]
            if row is None or row["state"] != ARCHIVED:
                t = now_iso()
                db.execute(
                    """INSERT INTO documents(sha256, id, source, media_type, state, first_seen, updated, run_id)
                       VALUES (?,?,?,?,?,?,?,?)
                       ON CONFLICT(sha256) DO UPDATE SET state=excluded.state,
                       source=CASE WHEN documents.state='quarantined' THEN documents.source ELSE excluded.source END,
                       updated=excluded.updated, run_id=excluded.run_id, error_code=NULL, error_message=NULL""",
                    (sha256, doc_id, source, media_type, RECEIVED, t, t, run_id))
                self._event(db, doc_id, "intake", "received")  # type: ignore[attr-defined]
            return Claim("claimed", row, taken_over=prev)

    def claim(self, key: str) -> Holder | None:
        """Claim *key* (``doc:<sha256>``, ``group:<gid>``, …).  None when this
        process holds it now, else the live process that does."""
        with self.tx() as db:
            c = db.execute("SELECT owner FROM claims WHERE key=?", (key,)).fetchone()
            if c is not None and c["owner"] != self.owner.token and self._alive(db, c["owner"]):
                return self.holder(c["owner"]) or Holder(c["owner"], 0, "?", "?", "?")
            db.execute("INSERT OR REPLACE INTO claims VALUES (?,?,?)", (key, self.owner.token, now_iso()))
            if c is not None and c["owner"] != self.owner.token and key.startswith("doc:"):
                self._event(db, key[4:20], "claim", "taken-over", "from a process that ended")  # type: ignore[attr-defined]
            return None

    def wait_claim(self, key: str, timeout: float, poll: float = 0.2) -> Holder | None:
        """:meth:`claim`, waiting up to *timeout* seconds for a live holder
        to release it (or die).  None when claimed."""
        deadline = time.monotonic() + timeout
        while True:
            h = self.claim(key)
            if h is None or time.monotonic() >= deadline:
                return h
            time.sleep(poll)

    def release(self, key: str) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM claims WHERE key=? AND owner=?", (key, self.owner.token))

    def holds(self, key: str) -> bool:
        row = self.db.execute("SELECT owner FROM claims WHERE key=?", (key,)).fetchone()
        return row is not None and row["owner"] == self.owner.token

    def _check_claim(self, db: sqlite3.Connection, sha256: str) -> None:
        """This process holds the document's claim, or ClaimLost.  A claim that another process freed (it took
        this one for dead: its lease had run out) and nobody took, on a document nobody changed since (still
        ``received``), is taken back: no other process did or does the work (mend8 #6 — it was reported a
        duplicate of itself, and not archived)."""
        row = db.execute("SELECT owner FROM claims WHERE key=?", (doc_key(sha256),)).fetchone()
        if row is not None and row["owner"] == self.owner.token:
            return
        state = db.execute("SELECT state FROM documents WHERE sha256=?", (sha256,)).fetchone()
        if row is None and state is not None and state["state"] == "received":
            db.execute("INSERT INTO claims VALUES (?,?,?)", (doc_key(sha256), self.owner.token, now_iso()))
            detail = "freed while this process worked on it; nobody else held it"
            self._event(db, sha256[:16], "claim", "taken-back", detail)  # type: ignore[attr-defined]
            log.warning("doc %s: this process's claim had been freed (its lease ran out); nobody held it: taken back",
                        sha256[:16])
            return
        raise ClaimLost(f"document {sha256[:16]} is no longer claimed by this process")

    def claims(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM claims ORDER BY since").fetchall()


def _iso(epoch: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).astimezone().isoformat(timespec="seconds")
