"""The SQLite journal (WAL): every document's state through the stages, its
events, where it was exported — and how several ekte processes share one
working directory (:mod:`ekte.journal.claims`), draw gap-free Aktenzeichen
numbers (:mod:`ekte.journal.numbers`) and export connector groups once
(:mod:`ekte.journal.groups`).

Every write is one short ``BEGIN IMMEDIATE`` transaction; readers never
block (WAL).  Every event goes through :meth:`Journal._event`, the one
place that writes the ``events`` table."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterator

from ekte import lockwait
from ekte.errors import environment_failure
from ekte.journal import audit
from ekte.journal.claims import ClaimLost, ClaimsMixin
from ekte.journal.groups import GroupsMixin
from ekte.journal.mail import MailMixin
from ekte.journal.numbers import NumbersMixin
from ekte.journal.schema import SCHEMA_VERSION, NewerSchema, migrate
from ekte.model import now_iso

__all__ = ["Journal", "ClaimLost", "NewerSchema", "SCHEMA_VERSION", "RECEIVED", "ARCHIVED", "EXPORTED", "REVIEW",
           "QUARANTINED", "REJECTED", "FINAL_STATES", "JOURNAL_FILE"]

JOURNAL_FILE = "journal.sqlite"

# document states in the journal
RECEIVED = "received"  # seen, processing not finished
ARCHIVED = "archived"  # archive written; exports pending
EXPORTED = "exported"  # archived and exported to every connector: done
REVIEW = "review"  # archived, waiting in the review queue
QUARANTINED = "quarantined"
REJECTED = "rejected"  # a clerk rejected it in review (disposition "keep"): archived, never exported
FINAL_STATES = (EXPORTED, REVIEW, REJECTED)

_COLUMNS = {"doctype", "confidence", "pages", "archive_path", "error_code", "error_message", "attempts"}


class Journal(audit.AuditMixin, ClaimsMixin, NumbersMixin, GroupsMixin, MailMixin):
    """One connection to ``<workdir>/journal.sqlite``.  Opening it migrates
    the schema in place (one transaction; concurrent openers wait)."""

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = Path(path)
        self.workdir = self.path.parent
        self._lock = threading.RLock()
        self._depth = 0
        self.grouped = False  # group commit (see group_commit)
        self._synced_changes = 0  # the connection's total_changes at the last sync
        try:
            self._connect(readonly)
        except sqlite3.DatabaseError as e:  # damaged, full, not writable: one line naming it, its own exit code
            failure = environment_failure(e, str(self.workdir))
            if failure is None:
                raise
            raise failure from None
        self._init_claims()

    def _connect(self, readonly: bool) -> None:
        if readonly:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30, isolation_level=None,
                                      check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute(f"PRAGMA busy_timeout={lockwait.BUSY_MS}")
        self.db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # a file that is no database fails here
        if not readonly:
            self._wal()
            self.db.execute("PRAGMA synchronous=FULL")
            with self.tx() as db:
                self.migrated = migrate(db)

    def _wal(self, wait: float = 30.0) -> None:
        """Switch a new journal to WAL.  SQLite answers the switch with
        "database is locked" at once, without its busy handler, while
        another process opens the same new file — so several daemons
        started together on a new working directory wait here in turn."""
        deadline = time.monotonic() + wait
        pause = 0.01
        while True:
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                    return
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e).lower() or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)

    # -- plumbing
    @contextlib.contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (nested calls join the outer one)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.db
                finally:
                    self._depth -= 1
                return
            if self.db.in_transaction:  # left open by an interrupted statement
                self.db.execute("ROLLBACK")
            try:  # (a Ctrl-C as the lock is granted: rolled back too, never the lock kept while it ends)
                lockwait.begin_immediate(self.db)  # (a command tells its user when it waits: ekte.cli_waiting)
                self._depth = 1
                yield self.db
            except BaseException:
                self._depth = 0
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            self._depth = 0
            self.db.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One consistent view for several reads (inside a write transaction: that one's)."""
        with self._lock:
            if self._depth or self.db.in_transaction:
                yield self.db
                return
            self.db.execute("BEGIN")
            try:
                yield self.db
            finally:
                self.db.execute("COMMIT")

    def group_commit(self) -> bool:
        """Commits are no longer synced one by one (``synchronous=NORMAL``:
        after a power loss the journal is as it was some transactions
        earlier, never torn): each becomes durable at the next syncfs(2) on
        this file system — the one that makes the next archive or export
        folder durable — or at :meth:`sync`, which the coordinator calls once
        per batch of settled documents, before anything outside the journal
        relies on them (an original moved, a result reported).  Only where
        syncfs covers the journal (:func:`ekte.fsutil.barrier_fd`; the archive
        on the same file system); elsewhere every commit stays synced.
        Returns whether it is on."""
        from ekte import fsutil

        fd = fsutil.barrier_fd(self.workdir)
        if fd is None:
            return False
        os.close(fd)
        archive = self.workdir / "archive"
        if archive.exists() and archive.stat().st_dev != self.workdir.stat().st_dev:
            return False
        with self._lock:
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.grouped = True
        return True

    def sync(self) -> None:
        """Make every commit so far durable (one fdatasync of the WAL)."""
        with self._lock:
            changes = self.db.total_changes
            if not self.grouped or changes == self._synced_changes:
                return
            fd = os.open(f"{self.path}-wal", os.O_RDONLY)
            try:
                os.fdatasync(fd)
            finally:
                os.close(fd)
            self._synced_changes = changes

    def close(self) -> None:
        self._stop_heartbeat()
        if self.grouped and not self.db.in_transaction:
            self.sync()
        self.db.close()

    # -- the one event writer
    def _event(self, db: sqlite3.Connection, doc_id: str, stage: str, event: str, detail: Any = "") -> None:
        """Insert one event, chained, in the caller's transaction.  *detail*:
        text, or a dict / the review actions' JSON object with ``by`` (the
        actor; default: this process, :attr:`actor`), ``field``, ``old``,
        ``new`` — those go into their columns (:mod:`ekte.journal.audit`)."""
        audit.append(db, doc_id, now_iso(), stage, event, detail, self.actor)

    def _events(self, db: sqlite3.Connection, doc_id: str, events: list[tuple[str, str, Any]]) -> None:
        """Several events of one document, chained in order, in the caller's transaction (as :meth:`_event`
        each, the chain's head read and written once: :func:`ekte.journal.audit.append_all`)."""
        audit.append_all(db, doc_id, [(now_iso(), *ev) for ev in events], self.actor)

    def event(self, doc_id: str, stage: str, event: str, detail: Any = "") -> None:
        with self.tx() as db:
            self._event(db, doc_id, stage, event, detail)

    def quick_check(self) -> None:
        """SQLite's quick check of the whole file, for the readers that look at few pages (``ekte status``,
        ``ekte stats``: exit 75 on a damaged journal)."""
        from ekte.errors import EnvironmentFailure, environment_failure

        found = self.db.execute("PRAGMA quick_check(1)").fetchone()[0]
        if found != "ok":
            found = " ".join(str(found).replace("*** in database main ***", "").split())
            raise environment_failure(sqlite3.DatabaseError(f"malformed: {found}"), str(self.workdir)) \
                or EnvironmentFailure("journal_damaged", found)

    def events_of(self, doc_id: str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM events WHERE doc_id=? ORDER BY seq", (doc_id,)).fetchall()

    # -- runs
    def start_run(self, command: str) -> int:
        with self.tx() as db:
            cur = db.execute("INSERT INTO runs(started, command, owner) VALUES (?, ?, ?)",
                             (now_iso(), command, self.owner.token))
            return int(cur.lastrowid)

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with self.tx() as db:
            db.execute("UPDATE runs SET finished=?, summary=? WHERE run_id=?", (now_iso(), json.dumps(summary), run_id))

    # -- documents: reading
    def get(self, sha256: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM documents WHERE sha256=?", (sha256,)).fetchone()

    def get_by_id(self, doc_id: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()

    def documents(self, state: str | None = None) -> list[sqlite3.Row]:
        if state:
            return self.db.execute("SELECT * FROM documents WHERE state=? ORDER BY first_seen, id", (state,)).fetchall()
        return self.db.execute("SELECT * FROM documents ORDER BY first_seen, id").fetchall()

    def counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state")}

    def archive_dir(self, row: sqlite3.Row) -> Path | None:
        """The archive folder a row names (stored relative to the working directory)."""
        p = row["archive_path"]
        return None if not p else self.workdir / p

    def exports_of(self, doc_id: str) -> dict[str, str]:
        """Per connector, the place it exported the document to last (the one shown and asked again)."""
        return {cname: loc for cname, loc in self.export_places(doc_id)}

    def export_places(self, doc_id: str) -> list[tuple[str, str]]:
        """Every (connector, place) the document was exported to, oldest first (``ekte export --force`` to
        a second folder or system adds one; ``ekte retention delete`` removes or names each)."""
        return [(r["connector"], r["location"]) for r in
                self.db.execute("SELECT connector, location FROM exports WHERE doc_id=? ORDER BY rowid", (doc_id,))]

    def owed(self, doc_id: str, have: Any = None) -> dict[str, str]:
        """Per connector that failed for the document and has not delivered it since (no export recorded),
        its last failure: what a plain ``ekte export`` or the daemon asks again (the document stays
        ``export_failed`` until each has it).  *have*: the connectors with a recorded export when the
        caller read them already (:meth:`exports_of`), else they are read here."""
        have = set(have) if have is not None else {c for c, _ in self.export_places(doc_id)}
        out: dict[str, str] = {}
        for r in self.db.execute("SELECT event, detail, new FROM events WHERE doc_id=? AND stage='export' AND event IN "
                                 "('export-failed', 'owed-forgotten') ORDER BY seq", (doc_id,)):
            if r[0] == "owed-forgotten":  # (ekte journal forget-owed: the failures before it are not a debt)
                out.pop(str(r[2]), None)
                continue
            cname, _, why = str(r[1] or "").partition(": ")
            if cname and cname not in have:
                out[cname] = why
        return out

    def forget_owed(self, connector: str, ids: list[str] | None = None, *, actor: str = "") -> list[str]:
        """Drop the debt to *connector* (gone from the profile, or a plugin no longer installed) of every archived
        document owing it (or of those of *ids*): an ``owed-forgotten`` event by *actor* in each one's trail.
        Returns the ids of the documents it was dropped for."""
        rows = self.db.execute("SELECT id FROM documents WHERE state='archived'").fetchall()
        owing = [r[0] for r in rows if (ids is None or r[0] in ids) and connector in self.owed(r[0])]
        with self.tx() as db:
            for doc_id in owing:
                self._event(db, doc_id, "export", "owed-forgotten", {"by": actor or None, "new": connector})
        return owing

    # -- documents: writing
    def set_state(self, sha256: str, state: str, *, guard: bool = True,
                  event: tuple[str, str, str] | list[tuple[str, str, str]] | None = None,
                  number: str | None = None, **cols: Any) -> None:
        """Move a document to *state* (and set *cols*), with its *event(s)*
        (stage, event, detail), in one transaction.  With *guard* the
        caller must hold the document's claim (else :class:`ClaimLost`);
        *number* confirms the Aktenzeichen reserved under that key."""
        bad = set(cols) - _COLUMNS
        if bad:
            raise ValueError(f"unknown columns {bad}")
        if "archive_path" in cols and cols["archive_path"]:
            cols["archive_path"] = self._relative(cols["archive_path"])
        sets = ", ".join([f"{k}=?" for k in cols] + ["state=?", "updated=?"])
        with self.tx() as db:
            if guard:
                self._check_claim(db, sha256)
            if number is not None:
                self._confirm_number(db, number)
            db.execute(f"UPDATE documents SET {sets} WHERE sha256=?", (*cols.values(), state, now_iso(), sha256))
            row = db.execute("SELECT id FROM documents WHERE sha256=?", (sha256,)).fetchone()
            if row is not None:
                self._events(db, row["id"], [event] if isinstance(event, tuple) else event or [])

    def _relative(self, p: str | Path) -> str:
        try:
            return str(Path(p).resolve().relative_to(self.workdir.resolve()))
        except ValueError:
            return str(p)

    def record_export(self, doc_id: str, connector: str, location: str, event: tuple[str, str, str] | None = None) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO exports VALUES (?,?,?,?)", (doc_id, connector, location, now_iso()))
            if event is not None:
                self._event(db, doc_id, *event)

    def record_outcome(self, sha256: str, doc_id: str, exports: list[tuple[str, str]],
                       events: list[tuple[str, str, str]], *, connectors: list[str], error: str | None,
                       release: str | None = None, damaged: bool = False) -> str:
        """A document's export outcome in one transaction: where it went
        (*exports*: connector, location), the *events*, and its state —
        exported when every one of *connectors* has it, else archived (with
        *error*, the failures); *release* gives its claim back too.
        An exported document every one of whose *connectors* has it stays
        exported when a re-export (``--force``) fails: the failure is in its
        events, the earlier exports stand — unless its archive folder is
        *damaged* (then it is archived with the error, as before).  Returns
        the state.  (No claim is needed: whoever exports a group records its
        members.)"""
        from ekte.journal.claims import doc_key

        with self.tx() as db:
            was = db.execute("SELECT state FROM documents WHERE sha256=?", (sha256,)).fetchone()
            for cname, location in exports:
                db.execute("INSERT OR REPLACE INTO exports VALUES (?,?,?,?)", (doc_id, cname, location, now_iso()))
            self._events(db, doc_id, events)
            have = {r[0] for r in db.execute("SELECT connector FROM exports WHERE doc_id=?", (doc_id,))}
            state = EXPORTED if set(connectors) <= have and (not error or (was and was[0] == EXPORTED and not damaged)) \
                else ARCHIVED
            if state == EXPORTED and error:  # a failed re-export: the recorded state as it was
                db.execute("UPDATE documents SET updated=? WHERE sha256=?", (now_iso(), sha256))
            else:
                db.execute("UPDATE documents SET state=?, error_code=?, error_message=?, updated=? WHERE sha256=?",
                           (state, "export_failed" if error else None, error, now_iso(), sha256))
            if release:
                db.execute("DELETE FROM claims WHERE key=? AND owner=?", (doc_key(sha256), self.owner.token))
            return state

    def count_attempt(self, sha256: str) -> int:
        """One more worker crash or timeout for this document; returns the count."""
        with self.tx() as db:
            db.execute("UPDATE documents SET attempts = attempts + 1 WHERE sha256=?", (sha256,))
            row = db.execute("SELECT attempts FROM documents WHERE sha256=?", (sha256,)).fetchone()
            return int(row[0]) if row else 0
