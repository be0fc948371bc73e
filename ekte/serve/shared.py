"""The station's state shared by every ``ekte serve`` process on one working
directory, in the journal's tables ``review_open`` and ``login_failures``
(journal schema 5): who has a document open (:mod:`ekte.serve.presence`) and
the failed logins (:mod:`ekte.serve.throttle`).

Its own connection with a short busy timeout: when the daemon holds the
journal's write lock longer than ``BUSY_MS``, a notice is not written and the
page is shown all the same — this state is a courtesy, never a reason to make
a clerk wait (last round's lesson: a lock that blocked clerks whenever the
daemon ran)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable, TypeVar

log = logging.getLogger("ekte.serve")

BUSY_MS = 1500
T = TypeVar("T")


class SharedState:
    def __init__(self, journal: Path) -> None:
        self.path = Path(journal)
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(str(self.path), timeout=BUSY_MS / 1000, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        return self._db

    def write(self, fn: Callable[[sqlite3.Connection], T], default: T) -> T:
        """*fn* in one short write transaction; *default* when the journal stays busy (or fails)."""
        with self._lock:
            try:
                db = self._conn()
                db.execute("BEGIN IMMEDIATE")
                try:
                    out = fn(db)
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
                return out
            except sqlite3.Error as e:
                log.info("station state not written (%s): shown without it", type(e).__name__)
                return default

    def read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return list(self._conn().execute(sql, args))
            except sqlite3.Error as e:
                log.info("station state not read (%s)", type(e).__name__)
                return []

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
