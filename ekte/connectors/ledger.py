"""A connector's own small ledger: what it handed over, kept in
``<workdir>/state/<name>.sqlite`` (SQLite, WAL).

The journal says which documents went to which connector; a connector may
need to remember more than that, and before the pipeline hears of it: the
running number of an xdomea message and the members it was written for
(recorded *before* the container is written, so a retry after a crash
reuses the number instead of drawing a new one), or the hot-folder entries
that still wait for their batch manifest.  Several ekte processes may use
one working directory: every change is one ``BEGIN IMMEDIATE`` transaction,
and entries carry their writer (:func:`owner`, the owner token of
:mod:`ekte.owner`) so that what a killed process left can be told from
what a live one is still doing (:func:`owner_alive`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Iterator


def owner() -> str:
    """This process, as its owner token (see :mod:`ekte.owner`)."""
    from ekte.owner import current

    return current().token


def owner_alive(who: str) -> bool:
    """Is the process *who* (from :func:`owner`) still running?  A process
    on another host is taken as alive: it cannot be checked from here."""
    from ekte.owner import token_alive_here

    return token_alive_here(who) is not False


#: identifiers that must name one thing at a destination (:meth:`Ledger.claim`)
CLAIMS_DDL = """
CREATE TABLE IF NOT EXISTS claims (
    root TEXT NOT NULL,          -- the destination (an export folder)
    key TEXT NOT NULL,           -- e.g. an imported xdomea UUID sent on
    owner TEXT NOT NULL,         -- e.g. the document's id
    PRIMARY KEY (root, key)
);
"""


class Ledger:
    """One SQLite file per connector; *ddl* creates its tables."""

    def __init__(self, workdir: Path, name: str, ddl: str):
        self.path = Path(workdir) / "state" / f"{name}.sqlite"
        self.ddl = ddl
        self._db: sqlite3.Connection | None = None

    def exists(self) -> bool:
        return self.path.is_file()

    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)  # private, whatever the umask
            os.close(fd)
            db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(self.ddl)
            self._db = db
        return self._db

    @contextlib.contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        db = self.db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def claim(self, root: str, key: str, owner: str) -> bool:
        """*key* names *owner* at *root*: claimed now, or by *owner* before (True); False when another owner
        holds it (needs :data:`CLAIMS_DDL` among the tables)."""
        with self.tx() as db:
            db.execute("INSERT OR IGNORE INTO claims VALUES (?,?,?)", (root, key, owner))
            row = db.execute("SELECT owner FROM claims WHERE root=? AND key=?", (root, key)).fetchone()
        return row["owner"] == owner

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
