"""A deletion's three records compared (fresh38 F15): the journal's
``tombstones`` row and ``deleted/<id>.json`` (:mod:`ekte.journal.deletions`)
are plain copies anyone with write access can rewrite; the
``retention/deleted`` audit event is chained (:mod:`ekte.journal.audit`).
``ekte verify`` compares both copies with the chained event — who, when,
why, forced, the retention end, type, received, SHA-256 — and ``ekte
history`` shows the chained values (:func:`chained`)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from ekte.errors import ConfigError, ExitCode
from ekte.evidence.codes import Problem as P

#: tombstone key → what it is called in a finding
KEYS = {"actor": "who", "deleted": "when", "reason": "why", "forced": "forced", "retention_ends": "retention end",
        "doctype": "type", "received": "received", "sha256": "SHA-256"}


def chained(event: Any) -> dict[str, Any] | None:
    """The tombstone's values as the chained ``retention/deleted`` *event* (a row: time, actor, detail) holds
    them (None: no such event, or its detail emptied)."""
    if event is None or not event["detail"]:
        return None
    try:
        d = json.loads(event["detail"])
    except ValueError:
        return None
    if not isinstance(d, dict):
        return None
    return {"actor": event["actor"], "deleted": event["time"], "reason": d.get("reason"), "forced": bool(d.get("forced")),
            "retention_ends": d.get("retention_ends"), "doctype": d.get("doctype"), "received": d.get("received"),
            "sha256": d.get("sha256")}


def shown(db: sqlite3.Connection, tomb: dict[str, Any]) -> dict[str, Any]:
    """*tomb* (a tombstone row) with the chained entry's values over it — what ``ekte history`` and the
    station's /history page show; ``differs``: what the tombstone says otherwise (``ekte verify`` names it)."""
    truth = chained(last_deleted_event(db, tomb["doc_id"]))
    if truth is None:
        return tomb
    diff = differs(tomb, truth)
    return {**tomb, **truth, "forced": int(truth["forced"]), **({"differs": diff} if diff else {})}


def differs(tomb: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    """The keys in which *tomb* (a tombstone row or deleted/<id>.json) differs from the chained *truth*."""
    norm = lambda k, v: bool(v) if k == "forced" else (v if v not in ("",) else None)  # noqa: E731
    return [k for k in KEYS if norm(k, tomb.get(k)) != norm(k, truth.get(k))]


def last_deleted_event(db: sqlite3.Connection, doc_id: str) -> Any:
    return db.execute("SELECT time, actor, detail FROM events WHERE doc_id=? AND stage='retention' "
                      "AND event='deleted' ORDER BY seq DESC LIMIT 1", (doc_id,)).fetchone()


def problems(workdir: Path) -> dict[str, list[str]]:
    """Per deleted document: where its tombstone or deleted/<id>.json differs from the chained event."""
    from ekte.journal import deletions

    db = _tombstones_db(workdir)
    if db is None:
        return {}
    try:
        out: dict[str, list[str]] = {}
        for row in db.execute("SELECT * FROM tombstones ORDER BY doc_id").fetchall():
            truth = chained(last_deleted_event(db, row["doc_id"]))
            found = out.setdefault(row["doc_id"], [])
            if truth is None:
                found.append(P("tombstone_unchained", "its tombstone has no chained deletion entry in the audit trail"))
                continue
            found += _named("the journal's tombstone", differs(dict(row), truth))
            rec = _record(deletions.path_of(workdir, row["doc_id"]))
            if rec is not None:
                found += _named(f"{deletions.FOLDER}/{row['doc_id']}.json", differs(rec, truth))
        return {k: v for k, v in out.items() if v}
    finally:
        db.close()


def _tombstones_db(workdir: Path) -> sqlite3.Connection | None:
    """The journal opened read-only (``trail._connect``), when it is there and has tombstones (else None)."""
    from ekte.evidence.trail import _connect

    db = _connect(workdir)
    if db is None:
        return None
    try:
        if db.execute("SELECT 1 FROM sqlite_master WHERE name='tombstones'").fetchone():
            return db
    except sqlite3.DatabaseError:
        db.close()
        raise
    db.close()
    return None


def _record(p: Path) -> dict[str, Any] | None:
    try:
        r = json.loads(p.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return r if isinstance(r, dict) else None


def _named(where: str, keys: list[str]) -> list[str]:
    return [P("tombstone_differs",
        f"{where} differs from the chained deletion entry ({', '.join(KEYS[k] for k in keys)})")] if keys else []


def deleted(workdir: Path, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Of *ids*, the deleted documents (fresh38 F5): id → when, who, why, forced, SHA-256 as the chained
    ``retention/deleted`` entry holds them (the tombstone's own values when that entry is gone; ``chained``
    says which)."""
    db = _tombstones_db(workdir) if ids else None
    if db is None:
        return {}
    try:
        out = {}
        for row in db.execute(f"SELECT * FROM tombstones WHERE doc_id IN ({', '.join('?' * len(ids))})", ids):
            truth = chained(last_deleted_event(db, row["doc_id"]))
            v = truth or {k: row[k] for k in KEYS}
            out[row["doc_id"]] = {"code": "deleted", **{k: v[k] for k in ("deleted", "actor", "reason", "sha256")},
                                  "forced": bool(v["forced"]), "chained": truth is not None}
        return out
    finally:
        db.close()


class Refused(ConfigError):
    """An action on a deleted document (``ekte export ID``, fresh38 F5): refused, nothing written — exit 1 (a
    document that needs attention, not a usage error), ``--json`` ``{"error": {"code": "deleted", …}}``."""

    exit_code, code = ExitCode.DOCUMENTS_NEED_ATTENTION, "deleted"
    json_code = code  # (ekte.cli_errors: the error's code in --json)

    def __init__(self, doc_id: str, t: dict[str, Any]):
        from ekte.evidence.report import deleted_line

        super().__init__(f"document {doc_id} was {deleted_line(t)}: nothing to export; ekte history {doc_id} "
                         "shows its trail")


def refuse_deleted(workdir: Path, tomb_ids: list[str]) -> None:
    """:class:`Refused` for the first of *tomb_ids* (deleted documents), if any."""
    for i, t in deleted(workdir, tomb_ids).items():
        raise Refused(i, t)
