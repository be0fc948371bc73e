"""A forger's tool for the tests: change a journal and recompute every
digest and link of the audit chain (and the head kept in ``meta``), so the
chain checks by itself — what only the heads recorded in ``metadata.json``
(ekte/evidence/anchor.py) can show."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ekte.journal import audit

COLS = "seq, doc_id, time, stage, event, detail, actor, field, old, new, redacted, digest"


def recompute(db: sqlite3.Connection) -> None:
    prev, prev_doc, last = audit.GENESIS, "", 0
    for r in db.execute(f"SELECT {COLS} FROM events ORDER BY seq").fetchall():
        d = r[11] if r[10] else audit.digest(*r[1:10])
        h = audit.link(prev, prev_doc, d)
        db.execute("UPDATE events SET prev_doc=?, digest=?, hash=? WHERE seq=?", (prev_doc, d, h, r[0]))
        prev, prev_doc, last = h, r[1], r[0]
    db.execute("UPDATE meta SET value=? WHERE key='audit_head'", (f"{last}:{prev}",))


def rewrite(wd: Path, sql: str, *args) -> int:
    """Run *sql* on the journal of *wd*, then recompute the chain; returns the rows changed."""
    db = sqlite3.connect(Path(wd) / "journal.sqlite")
    try:
        n = db.execute(sql, args).rowcount
        recompute(db)
        db.commit()
    finally:
        db.close()
    return n


def seq_of(wd: Path, doc_id: str, stage: str, event: str) -> int:
    db = sqlite3.connect(Path(wd) / "journal.sqlite")
    try:
        return db.execute("SELECT MIN(seq) FROM events WHERE doc_id=? AND stage=? AND event=?",
                          (doc_id, stage, event)).fetchone()[0]
    finally:
        db.close()
