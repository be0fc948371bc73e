"""Running numbers (the ``{seq}`` of an assigned Aktenzeichen): unique and
without gaps, whatever number of processes draw them.

A number is *reserved* for a key (a document's SHA-256, or ``group:<id>``
for the parts of one submission) right before the archive is written, and
*confirmed* in the same transaction that records the archive
(:meth:`Journal.set_state` with ``number=``).  While a number is pending,
its counter has a *holder*: other processes wanting a number from the same
counter wait (the archive write takes milliseconds), so the pending number
is always the counter's highest.  A document that fails after the
reservation *releases* it (the counter goes back by one), and a holder
that dies is rolled back by the next process that draws — so a number is
never lost and never given twice.  A confirmed number belongs to its key
for good: a re-run or a review accepted later gets the same one."""

from __future__ import annotations

import sqlite3
import time
from typing import Callable

from ekte.model import now_iso

#: how long to wait for another process's pending number before giving up
WAIT_SECONDS = 600.0


class NumberBusy(Exception):
    """Another live process held a counter for longer than :data:`WAIT_SECONDS`."""


class NumbersMixin:
    db: sqlite3.Connection

    def reserve_number(self, key: str, counter: str, make: Callable[[int], str]) -> str:
        """The Aktenzeichen for *key*: the one it has, else a new one from
        *counter* (pending until confirmed or released)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            with self.tx() as db:  # type: ignore[attr-defined]
                got = self._try_reserve(db, key, counter, make)
            if got is not None:
                return got
            if time.monotonic() > deadline:
                raise NumberBusy(f"the counter {counter} stayed busy for {WAIT_SECONDS:.0f} s")
            time.sleep(0.02)

    def _try_reserve(self, db: sqlite3.Connection, key: str, counter: str,
                     make: Callable[[int], str]) -> str | None:
        me = self.owner.token  # type: ignore[attr-defined]
        a = db.execute("SELECT * FROM assigned WHERE sha256=?", (key,)).fetchone()
        if a is not None:
            if a["state"] == "used" or a["owner"] == me:
                return str(a["aktenzeichen"])
            if self._alive(db, a["owner"]):  # type: ignore[attr-defined]
                return None  # another process is archiving a part of the same group
            self._rollback_numbers(db, a["owner"])
        db.execute("INSERT INTO counters(name, value) VALUES (?, 0) ON CONFLICT(name) DO NOTHING", (counter,))
        c = db.execute("SELECT value, holder FROM counters WHERE name=?", (counter,)).fetchone()
        holder = c["holder"]
        if holder and holder != me:
            if self._alive(db, holder):  # type: ignore[attr-defined]
                return None
            self._rollback_numbers(db, holder)
            c = db.execute("SELECT value, holder FROM counters WHERE name=?", (counter,)).fetchone()
        elif holder == me:
            raise RuntimeError(f"this process holds a pending number of {counter} already")
        seq = int(c["value"]) + 1
        az = make(seq)
        db.execute("UPDATE counters SET value=?, holder=? WHERE name=?", (seq, me, counter))
        db.execute("INSERT INTO assigned(sha256, aktenzeichen, time, counter, state, owner) VALUES (?,?,?,?,?,?)",
                   (key, az, now_iso(), counter, "pending", me))
        return az

    def _confirm_number(self, db: sqlite3.Connection, key: str) -> None:
        """Within the transaction that records the archive."""
        from ekte.journal.claims import ClaimLost

        me = self.owner.token  # type: ignore[attr-defined]
        a = db.execute("SELECT * FROM assigned WHERE sha256=?", (key,)).fetchone()
        if a is None:
            raise ClaimLost(f"the Aktenzeichen reserved for {key[:22]} was given back")
        if a["state"] == "used":
            return
        if a["owner"] != me:
            raise ClaimLost(f"the Aktenzeichen reserved for {key[:22]} was taken over")
        db.execute("UPDATE assigned SET state='used', owner=NULL WHERE sha256=?", (key,))
        db.execute("UPDATE counters SET holder=NULL WHERE name=? AND holder=?", (a["counter"], me))

    def release_number(self, key: str) -> None:
        """Give back a number reserved for *key* that will not be used (the
        document failed before its archive was recorded)."""
        me = self.owner.token  # type: ignore[attr-defined]
        with self.tx() as db:  # type: ignore[attr-defined]
            a = db.execute("SELECT * FROM assigned WHERE sha256=? AND state='pending' AND owner=?", (key, me)).fetchone()
            if a is not None:
                self._rollback_numbers(db, me, a["counter"])

    def _rollback_numbers(self, db: sqlite3.Connection, token: str, counter: str | None = None) -> None:
        """Undo the pending numbers of *token* (dead, or giving them back)."""
        rows = db.execute("SELECT * FROM assigned WHERE state='pending' AND owner=?"
                          + (" AND counter=?" if counter else ""), (token, counter) if counter else (token,)).fetchall()
        for a in rows:
            db.execute("DELETE FROM assigned WHERE sha256=?", (a["sha256"],))
            db.execute("UPDATE counters SET value = value - 1, holder=NULL WHERE name=? AND holder=?",
                       (a["counter"], token))

    def numbers(self, counter: str) -> list[str]:
        """Every confirmed Aktenzeichen drawn from *counter*."""
        return [r[0] for r in self.db.execute("SELECT aktenzeichen FROM assigned WHERE counter=? AND state='used'",
                                              (counter,))]
