"""A command waiting for the journal says so.  SQLite waits up to 30 s
(``busy_timeout``) for the write lock another ekte process holds, without
a word; with a notice set (:func:`tell_with`: the command line sets one) a
write transaction's ``BEGIN IMMEDIATE`` first waits :data:`NOTICE_AFTER_MS`,
then gives the notice (once per wait, from the main thread only: a
background thread's wait holds up no user) and waits for the rest.
Outside ``ekte.journal`` and light to import: the command line sets the
notice before it knows whether the command opens the journal."""

from __future__ import annotations

import threading
from typing import Any, Callable

#: SQLite's wait for the journal's write lock before "database is locked" (the journal_busy refusal)
BUSY_MS = 30000
#: after this long a waiting command tells its user
NOTICE_AFTER_MS = 2000

_notice: list[Callable[[], None]] = []


def tell_with(notice: Callable[[], None] | None) -> None:
    """*notice* (one line for the user; it must not raise) is given when a write waits longer than
    :data:`NOTICE_AFTER_MS`; None: no notice (the daemons, the station: their logs)."""
    _notice[:] = [notice] if notice is not None else []


def begin_immediate(db: Any) -> None:
    """``BEGIN IMMEDIATE`` on *db* (its busy timeout :data:`BUSY_MS`), the notice given after
    :data:`NOTICE_AFTER_MS` of waiting; as long a wait in all as without it."""
    if not _notice or threading.current_thread() is not threading.main_thread():
        db.execute("BEGIN IMMEDIATE")
        return
    import sqlite3

    db.execute(f"PRAGMA busy_timeout={NOTICE_AFTER_MS}")
    try:
        try:
            db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e).lower():
                raise
        _notice[0]()
        db.execute(f"PRAGMA busy_timeout={BUSY_MS - NOTICE_AFTER_MS}")
        db.execute("BEGIN IMMEDIATE")
    finally:
        db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
