"""Export groups in the journal: documents a connector exports together
(``Connector.group_key``: one xdomea Vorgang per submission or
Aktenzeichen), whichever process archives them.

An archived member is added to the group's *open* generation (there is at
most one per connector and key).  The process that adds the last member
of a group of known size exports it; a group of unknown size, or one left
incomplete, is exported ("flushed") by its owner — the process that added
to it last — at the end of its run or when the daemon is idle, or by any
process once that owner has died.  Exporting claims ``group:<gid>``, so
no group is exported by two processes; afterwards the generation is
closed and a later member opens a new one."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from ekte.model import now_iso


@dataclass
class Group:
    gid: int
    connector: str
    key: str
    size: int | None
    state: str
    owner: str | None
    members: list[sqlite3.Row] = field(default_factory=list)  # gid, sha256, doc_id, idx

    @property
    def complete(self) -> bool:
        return bool(self.size) and len(self.members) >= int(self.size or 0)


def group_key(gid: int) -> str:
    return f"group:{gid}"


class GroupsMixin:
    db: sqlite3.Connection

    def group_add(self, connector: str, key: str, sha256: str, doc_id: str, size: int | None, idx: int) -> int:
        """Add an archived document to the open group (connector, key); returns its id."""
        me = self.owner.token  # type: ignore[attr-defined]
        with self.tx() as db:  # type: ignore[attr-defined]
            g = db.execute("SELECT gid, size FROM export_groups WHERE connector=? AND key=? AND state='open'",
                           (connector, key)).fetchone()
            if g is None:
                gid = int(db.execute("INSERT INTO export_groups(connector, key, size, state, owner, opened) "
                                     "VALUES (?,?,?,?,?,?)", (connector, key, size, "open", me, now_iso())).lastrowid)
            else:
                gid = int(g["gid"])
                db.execute("UPDATE export_groups SET owner=?, size=MAX(COALESCE(size, 0), ?) WHERE gid=?",
                           (me, size or 0, gid))
            db.execute("INSERT OR IGNORE INTO group_members VALUES (?,?,?,?)", (gid, sha256, doc_id, idx))
            return gid

    def group(self, gid: int) -> Group | None:
        g = self.db.execute("SELECT * FROM export_groups WHERE gid=?", (gid,)).fetchone()
        if g is None:
            return None
        members = self.db.execute("SELECT * FROM group_members WHERE gid=? ORDER BY idx, sha256", (gid,)).fetchall()
        return Group(int(g["gid"]), g["connector"], g["key"], g["size"] or None, g["state"], g["owner"], members)

    def flushable_groups(self, connectors: list[str]) -> list[int]:
        """Open groups of *connectors* this process may export although
        incomplete: its own, and those of processes that died."""
        rows = self.db.execute("SELECT gid, connector, owner FROM export_groups WHERE state='open' ORDER BY gid"
                               ).fetchall()
        me = self.owner.token  # type: ignore[attr-defined]
        return [int(r["gid"]) for r in rows if r["connector"] in connectors
                and (r["owner"] == me or not self.alive(r["owner"]))]  # type: ignore[attr-defined]

    def open_group_of(self, connector: str, sha256: str) -> int | None:
        row = self.db.execute(
            "SELECT g.gid FROM export_groups g JOIN group_members m ON m.gid = g.gid "
            "WHERE g.connector=? AND g.state='open' AND m.sha256=?", (connector, sha256)).fetchone()
        return int(row[0]) if row else None

    def _archiving_run(self, sha256: str) -> sqlite3.Row | None:
        """The run that archived *sha256*, when it was another process's (owner, finished)."""
        row = self.db.execute("SELECT r.owner, r.finished FROM documents d JOIN runs r ON r.run_id = d.run_id "
                              "WHERE d.sha256=?", (sha256,)).fetchone()
        me = self.owner.token  # type: ignore[attr-defined]
        return row if row is not None and row["owner"] and row["owner"] != me else None

    def archived_elsewhere(self, sha256: str) -> bool:
        """Was the document archived by another process's run?"""
        return self._archiving_run(sha256) is not None

    def reported_elsewhere(self, sha256: str) -> bool:
        """Does the other run that archived *sha256* report it: it finished,
        or its process is alive (and waits for the document's group)?"""
        row = self._archiving_run(sha256)
        return row is not None and (row["finished"] is not None or self.alive(row["owner"]))  # type: ignore[attr-defined]

    def close_group(self, gid: int) -> None:
        with self.tx() as db:  # type: ignore[attr-defined]
            db.execute("UPDATE export_groups SET state='done', closed=? WHERE gid=?", (now_iso(), gid))
