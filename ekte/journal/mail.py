"""The journal's record of e-mail messages (table ``mail_messages``, schema
3): which message was taken, in which state, so that every message is
processed exactly once by its Message-ID *and* its SHA-256 — across
restarts, and however many pollers watch the mailbox.  The Message-ID
itself is not stored, only its SHA-256."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ekte.model import now_iso

PROCESSING = "processing"  # taken; its documents are being processed
DONE = "done"  # every document archived (or known): the message goes to the processed folder
FAILED = "failed"  # unreadable, or a document quarantined / not exported: the failed folder


def mail_key(sha256: str, mid_hash: str) -> str:
    """The claim key of a message: by its Message-ID where it has one."""
    return f"mail:{mid_hash or sha256}"


class MailMixin:
    db: sqlite3.Connection

    def mail_get(self, sha256: str, mid_hash: str) -> sqlite3.Row | None:
        """The record of a message known by its Message-ID or its bytes (a finished one first)."""
        rows = self.db.execute(
            "SELECT * FROM mail_messages WHERE sha256=? OR (msgid_hash != '' AND msgid_hash=?) "
            "ORDER BY CASE state WHEN 'done' THEN 0 WHEN 'failed' THEN 1 ELSE 2 END", (sha256, mid_hash)).fetchall()
        return rows[0] if rows else None

    def mail_begin(self, sha256: str, mid_hash: str, account: str) -> None:
        now = now_iso()
        with self.tx() as db:  # type: ignore[attr-defined]
            db.execute("INSERT INTO mail_messages(key, sha256, msgid_hash, account, state, first_seen, updated) "
                       "VALUES (?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET state=excluded.state, "
                       "sha256=excluded.sha256, updated=excluded.updated",
                       (mail_key(sha256, mid_hash), sha256, mid_hash, account, PROCESSING, now, now))

    def mail_finish(self, sha256: str, mid_hash: str, state: str, detail: dict[str, Any]) -> None:
        with self.tx() as db:  # type: ignore[attr-defined]
            db.execute("UPDATE mail_messages SET state=?, detail=?, updated=? WHERE key=?",
                       (state, json.dumps(detail, ensure_ascii=False), now_iso(), mail_key(sha256, mid_hash)))

    def mail_counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.execute("SELECT state, COUNT(*) FROM mail_messages GROUP BY state")}
