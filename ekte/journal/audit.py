"""The audit trail: every journal event says who (``actor``: a user of
``review``/``serve``, else the system process, e.g. ``system: ekte watch``),
what (stage, event, detail), which field and its old → new value; and it
is chained: each event stores the SHA-256 link over the previous event's
link, the previous event's document and its own content (``digest``).
The link is computed in the transaction that inserts the event (the
journal's one event writer, :meth:`ekte.journal.Journal._event`), so
concurrent writers — serialised by SQLite's write lock — keep one chain
per working directory.  The newest link is also kept in ``meta``
(``audit_head``), so removing the newest events is found too.

What the chain shows: an event deleted, edited or moved since it was
written, by anyone who edits the journal file without recomputing every
later link.  What it cannot show alone: a journal rewritten as a whole
(anchors outside the journal do that — ``metadata.json`` records the head
of the chain when a document is archived, and is sealed and time-stamped
where that is configured).  Events from before the upgrade to schema 4
were chained by the migration: the chain proves nothing about that time.

Retention deletion empties the detail and old/new values of a deleted
document's events (``redacted = 1``) and keeps their digest, so the chain
still checks; a redacted event of a document that was not deleted is a
finding."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any, Iterable

GENESIS = "0" * 64
SYSTEM = "system"
_COLS = "seq, doc_id, time, stage, event, detail, actor, field, old, new, prev_doc, digest, hash, redacted"


def as_text(v: Any) -> str | None:
    if v is None:
        return None
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def split(detail: Any, actor: str) -> tuple[str, str, str | None, str | None, str | None]:
    """(detail, actor, field, old, new) of an event's detail: a dict, or a
    JSON object string in the review convention (``{"by", "field", "old",
    "new", …}``), or plain text.  The rest of a dict stays the detail (JSON)."""
    d = detail
    if isinstance(d, str) and d.startswith("{"):
        try:
            parsed = json.loads(d)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and {"by", "field", "old", "new"} & parsed.keys():
            d = parsed
    if not isinstance(d, dict):
        return (d or ""), actor, None, None, None
    d = dict(d)
    by, field, old, new = d.pop("by", None), d.pop("field", None), d.pop("old", None), d.pop("new", None)
    rest = {k: v for k, v in d.items() if v is not None}
    who = actor if by in (None, "", SYSTEM) else str(by)
    return (json.dumps(rest, ensure_ascii=False) if rest else ""), who, as_text(field), as_text(old), as_text(new)


def digest(doc_id: str, time: str, stage: str, event: str, detail: str | None, actor: str | None,
           field: str | None, old: str | None, new: str | None) -> str:
    data = json.dumps([doc_id, time, stage, event, detail or "", actor, field, old, new], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def link(prev_hash: str, prev_doc: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{prev_doc}|{content}".encode()).hexdigest()


def _head(db: sqlite3.Connection) -> tuple[str, str]:
    row = db.execute("SELECT hash, doc_id FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row and row[0] else (GENESIS, "")


#: a deletion's tombstone: the tombstones table's columns, and what its record outside the journal holds
#: (:mod:`ekte.journal.deletions`, read back by ``ekte journal rebuild``)
TOMBSTONE = ("doc_id", "sha256", "doctype", "received", "deleted", "retention_ends", "reason", "actor", "forced")


def put_tombstone(db: sqlite3.Connection, tomb: dict[str, Any], **more: Any) -> None:
    """*tomb*'s row in the tombstones table and its ``retention/deleted`` audit entry (at the deletion's time),
    in the caller's transaction — the entry only where the journal has none of that deletion yet (a rebuilt
    journal took it over from the old one); *more*: further keys of the entry's detail."""
    db.execute(f"INSERT OR REPLACE INTO tombstones({', '.join(TOMBSTONE)}) VALUES ({', '.join('?' * len(TOMBSTONE))})",
               tuple(int(bool(tomb.get(k))) if k == "forced" else tomb.get(k) for k in TOMBSTONE))
    if db.execute("SELECT 1 FROM events WHERE doc_id=? AND stage='retention' AND event='deleted' AND time=?",
                  (tomb["doc_id"], str(tomb["deleted"]))).fetchone():
        return
    append(db, tomb["doc_id"], str(tomb["deleted"]), "retention", "deleted",
           {"by": tomb["actor"], "reason": tomb["reason"], "sha256": tomb["sha256"], "doctype": tomb.get("doctype"),
            "received": tomb.get("received"), "retention_ends": tomb.get("retention_ends"),
            "forced": bool(tomb.get("forced")) or None, "damage": tomb.get("damage") or None, **more}, tomb["actor"])


def append(db: sqlite3.Connection, doc_id: str, time: str, stage: str, event: str, detail: Any,
           actor: str) -> None:
    """Insert one event, chained (the caller holds the write transaction).  Text that is not UTF-8 (a
    file name's odd bytes, surrogate-escaped) is kept with ``\\xNN`` escapes: the event is never lost."""
    text, who, field, old, new = (_utf8(v) for v in split(detail, actor))
    insert(db, doc_id, time, stage, event, text, who, field, old, new)


def append_all(db: sqlite3.Connection, doc_id: str, events: Iterable[tuple[str, str, str, Any]], actor: str) -> None:
    """Several events of one document — (time, stage, event, detail) each — chained in this order, in the
    caller's write transaction: the same rows, links and head as :func:`append` one by one, the chain's
    head read once and written once (archiving a document writes 15 events: 28 statements fewer, issue 12)."""
    head: tuple[str, str, int] | None = None
    for time, stage, event, detail in events:
        text, who, field, old, new = (_utf8(v) for v in split(detail, actor))
        head = _insert(db, head or _head(db), doc_id, time, stage, event, text, who, field, old, new)
    if head is not None:
        _set_head(db, head[2], head[0])


def insert(db: sqlite3.Connection, doc_id: str, time: str, stage: str, event: str, text: str | None,
           who: str | None, field: str | None, old: str | None, new: str | None, redacted: bool = False) -> int:
    """One event from its columns as they are, chained (an entry taken over from an old journal keeps its
    time, actor and emptied values: :mod:`ekte.journal.rebuild_old`); its new sequence number."""
    h, _doc, seq = _insert(db, _head(db), doc_id, time, stage, event, text, who, field, old, new, redacted)
    _set_head(db, seq, h)
    return seq


def _insert(db: sqlite3.Connection, prev: tuple, doc_id: str, time: str, stage: str, event: str, text: str | None,
            who: str | None, field: str | None, old: str | None, new: str | None,
            redacted: bool = False) -> tuple[str, str, int]:
    """The event's row linked to *prev* (the newest event's link and document); the new head: (link,
    document, sequence number) — the meta head is the caller's to write."""
    d = digest(doc_id, time, stage, event, text, who, field, old, new)
    h = link(prev[0], prev[1], d)
    cur = db.execute("INSERT INTO events(doc_id, time, stage, event, detail, actor, field, old, new, prev_doc, digest, "
                     "hash, redacted) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     (doc_id, time, stage, event, text, who, field, old, new, prev[1], d, h, int(bool(redacted))))
    return h, doc_id, int(cur.lastrowid)


def taken_over(db: sqlite3.Connection) -> int:
    """The last event a rebuilt journal took over from the journal it replaced (0: none): every event up to it
    is the old journal's, in its order, with its time and actor (:mod:`ekte.journal.rebuild_old`)."""
    try:
        row = db.execute("SELECT value FROM meta WHERE key='taken_over'").fetchone()
    except sqlite3.Error:
        return 0
    try:
        return int(str(row[0]).partition(":")[0]) if row else 0
    except ValueError:
        return 0


def _utf8(v: str | None) -> str | None:
    if v is None:
        return None
    try:
        v.encode("utf-8")
        return v
    except UnicodeEncodeError:
        pass
    try:
        return v.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate no file name made
        return v.encode("utf-8", "backslashreplace").decode("utf-8")


def _set_head(db: sqlite3.Connection, seq: int | None, h: str) -> None:
    db.execute("INSERT INTO meta VALUES ('audit_head', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
               (f"{seq}:{h}",))


def head(db: sqlite3.Connection) -> dict[str, Any]:
    row = db.execute("SELECT value FROM meta WHERE key='audit_head'").fetchone()
    if not row:
        return {"seq": 0, "hash": GENESIS}
    seq, _, h = str(row[0]).partition(":")
    return {"seq": int(seq or 0), "hash": h}


def chain_existing(db: sqlite3.Connection) -> int:
    """Migration: move the review convention's JSON detail into the columns
    and chain every existing event in order.  Returns the events chained."""
    prev, prev_doc, n, last = GENESIS, "", 0, None
    rows = db.execute("SELECT seq, doc_id, time, stage, event, detail FROM events ORDER BY seq").fetchall()
    for seq, doc_id, time, stage, event, det in rows:
        text, who, field, old, new = split(det, SYSTEM)
        d = digest(doc_id, time, stage, event, text, who, field, old, new)
        h = link(prev, prev_doc, d)
        db.execute("UPDATE events SET detail=?, actor=?, field=?, old=?, new=?, prev_doc=?, digest=?, hash=? "
                   "WHERE seq=?", (text, who, field, old, new, prev_doc, d, h, seq))
        prev, prev_doc, n, last = h, doc_id, n + 1, seq
    if last is not None:
        _set_head(db, last, prev)
    return n


def check_chain(db: sqlite3.Connection) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Walk the whole chain: ({document id: problems}, summary)."""
    problems: dict[str, list[str]] = {}

    from ekte.evidence.codes import Problem

    def add(doc: str, msg: str) -> None:
        problems.setdefault(doc or "journal", []).append(Problem("chain_broken", msg))

    deleted = {r[0] for r in db.execute("SELECT doc_id FROM tombstones")}
    prev, prev_doc, n, seq = GENESIS, "", 0, 0
    for r in db.execute(f"SELECT {_COLS} FROM events ORDER BY seq"):
        seq, doc, what = r[0], r[1], f"journal event {r[0]} ({r[3]}/{r[4]}, {r[2]})"
        n += 1
        if r[13]:
            if doc not in deleted:
                add(doc, f"{what} was emptied, but its document was not deleted")
            d = r[11]
        else:
            d = digest(*r[1:10])
            if r[11] != d:
                add(doc, f"{what} was edited after it was written")
        if r[12] is None:
            add(doc, f"{what} is not chained")
        elif r[12] != link(prev, prev_doc, r[11] or ""):
            before = r[10] or ""
            if before and before != doc:
                add(before, f"an event of this document just before journal event {seq} was deleted or moved")
            add(doc, f"the chain breaks before {what}: an event before it was deleted, or events were reordered")
        prev, prev_doc = r[12] or GENESIS, doc
    h = head(db)
    if n and (h["seq"] != seq or h["hash"] != prev):
        add(prev_doc, f"the newest journal events after event {seq} were removed (the chain head recorded "
                      f"in the journal is event {h['seq']})")
    return problems, {"events": n, "head": prev, "head_seq": seq}


def field_values(rows: Iterable[Any]) -> dict[str, str | None]:
    """The value each field has according to the audit trail (last event wins)."""
    out: dict[str, str | None] = {}
    for r in rows:
        if r["field"] and r["event"] in FIELD_EVENTS:
            out[r["field"]] = r["new"]
    return out


#: the events that set a field's value (old → new)
FIELD_EVENTS = ("field-set", "field-corrected", "field-dropped")


class AuditMixin:
    """The journal's audit methods (see the module's docstring)."""

    db: sqlite3.Connection
    #: who the system is in this process's events (the session names its command: "system: ekte watch")
    actor: str = SYSTEM

    def history(self, doc_id: str) -> list[sqlite3.Row]:
        return self.db.execute(f"SELECT {_COLS} FROM events WHERE doc_id=? ORDER BY seq", (doc_id,)).fetchall()

    def tombstone_of(self, prefix: str) -> sqlite3.Row | None:
        p = (prefix or "").strip().lower()
        rows = self.db.execute("SELECT * FROM tombstones WHERE doc_id >= ? AND doc_id < ? LIMIT 2",
                               (p, p + "g")).fetchall()
        return rows[0] if len(rows) == 1 else None

    def tombstone_by_sha(self, sha256: str) -> sqlite3.Row | None:
        """The latest tombstone of these bytes (content deleted by retention), if any."""
        return self.db.execute("SELECT * FROM tombstones WHERE sha256=? ORDER BY deleted DESC LIMIT 1",
                               (sha256,)).fetchone()

    def tombstone(self, tomb: dict[str, Any]) -> None:
        """A deleted document (*tomb*: the keys of :data:`TOMBSTONE`, as its record outside the journal
        holds them): its tombstone and audit entry, its earlier events emptied of values, its journal rows
        gone — one transaction."""
        self.db.execute("PRAGMA secure_delete=ON")  # the emptied values are overwritten in the file, not just freed
        with self.tx() as db:  # type: ignore[attr-defined]
            db.execute("UPDATE events SET detail=NULL, old=NULL, new=NULL, redacted=1 WHERE doc_id=?",
                       (tomb["doc_id"],))
            db.execute("DELETE FROM exports WHERE doc_id=?", (tomb["doc_id"],))
            db.execute("DELETE FROM documents WHERE sha256=?", (tomb["sha256"],))
            put_tombstone(db, tomb)
        try:  # and out of the write-ahead log (fails harmlessly while a reader holds an old snapshot)
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError:
            pass
