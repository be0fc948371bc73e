"""The SQLite journal (WAL): every document's state through the stages,
its events, and where it was exported.  Only the main process writes."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

from ekte.model import now_iso

SCHEMA_VERSION = 1

# document states in the journal
RECEIVED = "received"  # seen, processing not finished
ARCHIVED = "archived"  # archive written; exports pending
EXPORTED = "exported"  # archived and exported to every connector: done
REVIEW = "review"  # archived, waiting in the review queue
QUARANTINED = "quarantined"
FINAL_STATES = (EXPORTED, REVIEW)

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    sha256 TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    media_type TEXT,
    state TEXT NOT NULL,
    doctype TEXT,
    confidence REAL,
    pages INTEGER,
    archive_path TEXT,
    error_code TEXT,
    error_message TEXT,
    first_seen TEXT NOT NULL,
    updated TEXT NOT NULL,
    run_id INTEGER
);
CREATE INDEX IF NOT EXISTS documents_state ON documents(state);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    time TEXT NOT NULL,
    stage TEXT NOT NULL,
    event TEXT NOT NULL,
    detail TEXT
);
CREATE TABLE IF NOT EXISTS exports (
    doc_id TEXT NOT NULL,
    connector TEXT NOT NULL,
    location TEXT NOT NULL,
    time TEXT NOT NULL,
    PRIMARY KEY (doc_id, connector)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT,
    command TEXT,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS assigned (sha256 TEXT PRIMARY KEY, aktenzeichen TEXT NOT NULL, time TEXT NOT NULL);
"""


class Journal:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self.db.executescript(_DDL)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    # -- plumbing
    def tx(self):
        journal = self

        class _Tx:
            def __enter__(self_inner):
                journal._lock.acquire()
                journal.db.execute("BEGIN IMMEDIATE")
                return journal.db

            def __exit__(self_inner, et, ev, tb):
                try:
                    journal.db.execute("COMMIT" if et is None else "ROLLBACK")
                finally:
                    journal._lock.release()
                return False

        return _Tx()

    def close(self) -> None:
        self.db.close()

    # -- runs
    def start_run(self, command: str) -> int:
        with self.tx() as db:
            cur = db.execute("INSERT INTO runs(started, command) VALUES (?, ?)", (now_iso(), command))
            return int(cur.lastrowid)

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with self.tx() as db:
            db.execute("UPDATE runs SET finished=?, summary=? WHERE run_id=?", (now_iso(), json.dumps(summary), run_id))

    # -- documents
    def get(self, sha256: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM documents WHERE sha256=?", (sha256,)).fetchone()

    def get_by_id(self, doc_id: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()

    def receive(self, sha256: str, doc_id: str, source: str, media_type: str | None, run_id: int) -> None:
        t = now_iso()
        with self.tx() as db:
            db.execute(
                """INSERT INTO documents(sha256, id, source, media_type, state, first_seen, updated, run_id)
                   VALUES (?,?,?,?,?,?,?,?)
                   ON CONFLICT(sha256) DO UPDATE SET source=excluded.source, state=?, updated=excluded.updated,
                   run_id=excluded.run_id, error_code=NULL, error_message=NULL""",
                (sha256, doc_id, source, media_type, RECEIVED, t, t, run_id, RECEIVED),
            )
            db.execute("INSERT INTO events(doc_id, time, stage, event) VALUES (?,?,?,?)", (doc_id, t, "intake", "received"))

    def set_state(self, sha256: str, state: str, **cols: Any) -> None:
        allowed = {"doctype", "confidence", "pages", "archive_path", "error_code", "error_message"}
        bad = set(cols) - allowed
        if bad:
            raise ValueError(f"unknown columns {bad}")
        sets = ", ".join([f"{k}=?" for k in cols] + ["state=?", "updated=?"])
        with self.tx() as db:
            db.execute(f"UPDATE documents SET {sets} WHERE sha256=?", (*cols.values(), state, now_iso(), sha256))

    def event(self, doc_id: str, stage: str, event: str, detail: str = "") -> None:
        with self.tx() as db:
            db.execute("INSERT INTO events(doc_id, time, stage, event, detail) VALUES (?,?,?,?,?)",
                       (doc_id, now_iso(), stage, event, detail))

    def record_export(self, doc_id: str, connector: str, location: str) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO exports VALUES (?,?,?,?)", (doc_id, connector, location, now_iso()))

    def exports_of(self, doc_id: str) -> dict[str, str]:
        return {r["connector"]: r["location"] for r in self.db.execute("SELECT * FROM exports WHERE doc_id=?", (doc_id,))}

    def documents(self, state: str | None = None) -> Iterator[sqlite3.Row]:
        if state:
            yield from self.db.execute("SELECT * FROM documents WHERE state=? ORDER BY first_seen, id", (state,))
        else:
            yield from self.db.execute("SELECT * FROM documents ORDER BY first_seen, id")

    def counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state")}

    def next_counter(self, name: str) -> int:
        with self.tx() as db:
            db.execute("INSERT INTO counters VALUES (?, 0) ON CONFLICT(name) DO NOTHING", (name,))
            db.execute("UPDATE counters SET value = value + 1 WHERE name=?", (name,))
            return int(db.execute("SELECT value FROM counters WHERE name=?", (name,)).fetchone()[0])

    def assign_aktenzeichen(self, sha256: str, counter: str, make: "Callable[[int], str]") -> str:
        """The Aktenzeichen assigned to this document: the one given before
        (a re-run after a crash gets the same), else the next number."""
        with self.tx() as db:
            row = db.execute("SELECT aktenzeichen FROM assigned WHERE sha256=?", (sha256,)).fetchone()
            if row:
                return str(row[0])
            db.execute("INSERT INTO counters VALUES (?, 0) ON CONFLICT(name) DO NOTHING", (counter,))
            db.execute("UPDATE counters SET value = value + 1 WHERE name=?", (counter,))
            seq = int(db.execute("SELECT value FROM counters WHERE name=?", (counter,)).fetchone()[0])
            az = make(seq)
            db.execute("INSERT INTO assigned VALUES (?,?,?)", (sha256, az, now_iso()))
            return az
