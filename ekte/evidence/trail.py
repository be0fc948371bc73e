"""The audit trail as ``ekte history`` and ``ekte verify`` see it: one
document's events (who, when, what, old → new), and the ``audit-chain``
check — the journal's hash chain (:mod:`ekte.journal.audit`: an event
deleted, edited or moved) and every field value in ``metadata.json``
explained by the trail (a value written there without an event that set
it is a forgery), and the head of the chain recorded in ``metadata.json``
compared with the journal (:mod:`ekte.evidence.anchor`: a journal
rewritten as a whole)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from ekte.evidence import anchor
from ekte.evidence.codes import Problem as P
from ekte.journal import audit


def history(j: Any, prefix: str) -> dict[str, Any]:
    from ekte.pipeline.queue import forced as _forced, parse_detail, resolve_or_deleted

    row, tomb = resolve_or_deleted(j, prefix)  # an ambiguous or malformed prefix never falls back on a tombstone
    doc_id = row["id"] if row is not None else tomb["doc_id"]
    events, until = [], audit.taken_over(j.db)
    for r in j.history(doc_id):
        d = parse_detail(r["detail"])
        text = ", ".join(f"{k}: {v}" for k, v in d.items() if v not in (None, "")) if d else (r["detail"] or "")
        events.append({"seq": r["seq"], "time": r["time"], "actor": r["actor"] or audit.SYSTEM, "stage": r["stage"],
                       "event": r["event"], "field": r["field"], "old": r["old"], "new": r["new"], "detail": text,
                       "redacted": bool(r["redacted"]), **_forced(r["stage"], d),
                       **({"taken_over": True} if r["seq"] <= until else {})})
    out: dict[str, Any] = {"id": doc_id, "events": events}
    if tomb is not None:
        out["deleted"] = _deleted(j, doc_id, {k: tomb[k] for k in tomb.keys()})
    return out


def _deleted(j: Any, doc_id: str, tomb: dict[str, Any]) -> dict[str, Any]:
    """The deletion as the chained ``retention/deleted`` entry records it (the tombstone row is a copy anyone
    could rewrite, fresh38 F15); ``differs``: what the tombstone says otherwise (``ekte verify`` names it)."""
    from ekte.evidence import tombs

    truth = tombs.chained(tombs.last_deleted_event(j.db, doc_id))
    if truth is None:
        return {**tomb, "forced": bool(tomb.get("forced"))}  # sqlite's 0/1 as deleted/<id>.json says it (F14 g)
    diff = tombs.differs(tomb, truth)
    return {**tomb, **truth, "forced": bool(truth["forced"]), **({"differs": diff} if diff else {})}


def chain_problems(workdir: Path) -> tuple[dict[str, list[str]], dict[str, Any]] | None:
    """The journal's chain checked once for the whole run (None: no journal, or one from before the audit trail)."""
    db = _connect(workdir)
    if db is None:
        return None
    try:
        cols = {r[1] for r in db.execute("PRAGMA table_info(events)")}
        if "hash" not in cols:
            return {"journal": [P("chain_broken", "the journal has no audit trail yet (open it once with this ekte to "
                                            "upgrade)")]}, {}
        return audit.check_chain(db)
    finally:
        db.close()


_DB: dict[str, sqlite3.Connection] = {}


def _connect(workdir: Path) -> sqlite3.Connection | None:
    path = Path(workdir) / "journal.sqlite"
    if not path.is_file():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    db.row_factory = sqlite3.Row
    return db


def _db(workdir: Path) -> sqlite3.Connection | None:
    key = str(workdir)
    if key not in _DB:  # one read-only connection per worker process
        db = _connect(workdir)
        if db is None:
            return None
        _DB[key] = db
    return _DB[key]


def events(workdir: Path, doc_id: str) -> list[sqlite3.Row]:
    db = _db(workdir)
    if db is None:
        return []
    return db.execute("SELECT seq, time, event, field, new, detail FROM events WHERE doc_id=? ORDER BY seq", (doc_id,)).fetchall()


def since(db: sqlite3.Connection | None) -> int:
    """The last event from before the audit trail existed (0: the journal had it from the start)."""
    row = db.execute("SELECT value FROM meta WHERE key='audit_since'").fetchone() if db else None
    return int(row[0]) if row else 0


def check_audit(c: Any) -> list[str]:
    """Chain problems of this document (computed once per run), and its
    metadata.json field values each explained by the trail."""
    out = list(c.chain)
    if c.meta is None or not c.has_journal:
        return out
    out += _head(c)
    workdir = c.folder.parents[2]
    return out + field_problems(c.meta, events(workdir, c.doc_id), lambda: since(_DB.get(str(workdir))))


def field_problems(meta: dict[str, Any], rows: list[Any], first: Any) -> list[str]:
    """The fields of *meta* (metadata.json) against the audit trail *rows* (``seq, event, field, new, detail``
    of the document, in order) both ways: each value metadata.json holds must be the trail's last value of that
    field, each field the trail left set must be in metadata.json (a removed field is a forgery too), and its
    ``method`` the one of the event that set it (``manual``: a clerk's).  *first()*: the ``audit_since`` of the
    journal — a document archived before the audit trail existed has nothing to compare with.  After
    ``ekte journal rebuild`` the trail holds the values metadata.json had then (:mod:`ekte.journal.rebuild`;
    their method is not known)."""
    if not rows or (not any(r["field"] for r in rows) and rows[-1]["seq"] <= first()):
        return []  # archived before the audit trail existed: nothing to compare with
    known, methods = audit.field_values(rows), _methods(rows)
    fields, out = meta.get("fields") or {}, []
    if not isinstance(fields, dict):
        return [P("metadata_unreadable", "metadata.json: its fields are not a mapping")]
    for k, f in sorted(fields.items()):
        value = f.get("value") if isinstance(f, dict) else f
        if known.get(k) in (None, ""):
            out.append(P("field_unexplained", f"field {k}: metadata.json holds a value no audit entry set"))
        elif known[k] != audit.as_text(value):
            out.append(P("field_differs", f"field {k}: metadata.json holds another value than the audit trail set"))
        elif methods.get(k) and isinstance(f, dict) and f.get("method") != methods[k]:
            out.append(P("field_method_differs",
                f"field {k}: metadata.json names another method than the audit entry that set it"))
    out += [P("field_removed", f"field {k}: the audit trail set it, metadata.json no longer holds it")
            for k, v in sorted(known.items()) if v not in (None, "") and k not in fields]
    return out


def _methods(rows: list[Any]) -> dict[str, str | None]:
    """How each field got its value according to the trail: the extraction's method, ``manual`` for a clerk's
    correction or confirmation, None where the trail does not say (taken over at a journal rebuild)."""
    out: dict[str, str | None] = {}
    for r in rows:
        if not r["field"]:
            continue
        if r["event"] in ("field-corrected", "field-confirmed"):
            out[r["field"]] = "manual"
        elif r["event"] == "field-set":
            try:
                d = json.loads(r["detail"] or "{}")
            except (TypeError, ValueError):
                d = {}
            out[r["field"]] = d.get("method") if isinstance(d, dict) else None
    return out


def _head(c: Any) -> list[str]:
    """The head of the audit chain recorded in metadata.json, compared with the journal (:mod:`anchor`)."""
    recorded = c.archival.get("audit")
    db = _db(c.folder.parents[2]) if recorded else None
    if not recorded or db is None or not isinstance(recorded, dict):
        return []
    c.anchor, found = anchor.compare(db, c.doc_id, recorded)
    return found
