"""Who has a document of the review queue open — "wird gerade von anna
bearbeitet (seit 10:42)" on the list and the document's page — the way the
validation stations of capture products show it.

A notice, never a lock (decided for ux7): a second clerk may open the same
document, read it and act on it; the page says who else has it open and
since when.  Saving is still guarded by the review version (a stale form is
refused with 409, nothing is lost), so whoever saves second is told to load
it again.  "Nächstes Dokument" passes over documents another clerk has open
while there are others.

A clerk's mark is made when the page is shown, kept fresh by activity on
the page (``static/station.js`` posts at most once a minute while the clerk
types, clicks or scrolls), and ends when the clerk accepts, puts back or
rejects the document, leaves the page (a beacon on ``pagehide``), or after
``EXPIRES`` seconds without activity.  Each showing of the page is a
*visit*: a late "left" of an earlier visit (a reload) does not end the mark
of the page now shown.  Kept in the journal (``review_open``, shared by
every ``ekte serve`` process), written through :mod:`ekte.serve.shared`."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import time
from typing import Any, Callable

from ekte.serve.shared import SharedState

EXPIRES = 15 * 60.0


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).isoformat(timespec="seconds")


class Presence:
    def __init__(self, shared: SharedState, clock: Callable[[], float] = time.time) -> None:
        self.shared = shared
        self.clock = clock

    def opened(self, doc_id: str, user: str) -> str:
        """*user* shows *doc_id*: a new visit (its id); the "since" of a mark still fresh is kept."""
        visit, now = secrets.token_hex(8), self.clock()

        def upsert(db: Any) -> str:
            db.execute("DELETE FROM review_open WHERE seen < ?", (now - EXPIRES,))
            db.execute("INSERT INTO review_open (doc_id, user, since, seen, visit) VALUES (?, ?, ?, ?, ?) "
                       "ON CONFLICT (doc_id, user) DO UPDATE SET seen = excluded.seen, visit = excluded.visit",
                       (doc_id, user, now, now, visit))
            return visit

        return self.shared.write(upsert, visit)

    def active(self, doc_id: str, user: str, visit: str) -> bool:
        """Activity on the page of *visit*: its mark is kept fresh (False: the visit is not the current one)."""
        now = self.clock()

        def touch(db: Any) -> bool:
            cur = db.execute("UPDATE review_open SET seen = ? WHERE doc_id = ? AND user = ? AND visit = ? "
                             "AND seen >= ?", (now, doc_id, user, visit, now - EXPIRES))
            return cur.rowcount > 0

        return self.shared.write(touch, False)

    def left(self, doc_id: str, user: str, visit: str | None = None) -> None:
        """*user* left the page of *visit* (None: any — the document was decided)."""
        sql, args = "DELETE FROM review_open WHERE doc_id = ? AND user = ?", (doc_id, user)
        if visit is not None:
            sql, args = sql + " AND visit = ?", (*args, visit)
        self.shared.write(lambda db: db.execute(sql, args), None)

    def others(self, doc_ids: list[str], user: str) -> dict[str, list[dict[str, str]]]:
        """For each of *doc_ids* that other users have open: [{"user", "since"}] (ISO, UTC), longest first."""
        if not doc_ids:
            return {}
        return _marks(self.shared.read(*_query(doc_ids, user, self.clock())))

    def first_free(self, candidates: list[str], user: str) -> str | None:
        """The first of *candidates* nobody else has open (else the first: the queue goes on)."""
        taken = self.others(candidates, user)
        return next((c for c in candidates if c not in taken), candidates[0] if candidates else None)


def _query(doc_ids: list[str], user: str | None, now: float) -> tuple[str, tuple[Any, ...]]:
    """The fresh marks on *doc_ids* (but *user*'s own), longest open first."""
    marks = ",".join("?" * len(doc_ids))
    sql = f"SELECT doc_id, user, since FROM review_open WHERE doc_id IN ({marks}) AND seen >= ?"
    args: tuple[Any, ...] = (*doc_ids, now - EXPIRES)
    if user is not None:
        sql, args = sql + " AND user != ?", (*args, user)
    return sql + " ORDER BY since, user", args


def _marks(rows: Any) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for doc_id, who, since in rows:
        out.setdefault(doc_id, []).append({"user": who, "since": _iso(since)})
    return out


def open_by(db: sqlite3.Connection, doc_ids: list[str]) -> dict[str, list[dict[str, str]]]:
    """Who has each of *doc_ids* open in the station, read from the journal connection *db* (``ekte review show``
    and ``list``: a command line is no clerk at a page, so it names every clerk and marks nothing); {} for a
    journal without the table (older than schema 5) or one that stays busy."""
    if not doc_ids:
        return {}
    try:
        return _marks(db.execute(*_query(doc_ids, None, time.time())).fetchall())
    except sqlite3.Error:
        return {}
