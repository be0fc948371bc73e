"""What ``ekte journal rebuild`` takes from the old journal, where it can
read it (fresh38 F2, F10): the documents it knew, so that one the rebuild
drops — its archive folder is gone — is named (``report["lost"]``, a
``journal/lost`` entry in the new journal, exit 1), never silently
forgotten; its tombstones, so that a deletion whose ``deleted/<id>.json``
was removed is not forgotten (the record is written again); and its whole
audit trail (fresh38 F2: the clerks' who/when/why — corrections, accept and
reject, deletions' reasons, manual exports, forgotten debts — which no
archive file holds): every event it can read, in its order, with its time,
actor, field and old → new, emptied ones still empty, comes first in the new
journal, chained anew; ``meta.taken_over`` names the last of them
(:func:`ekte.journal.audit.taken_over`: ``ekte history`` and the station
mark them "taken over").  The rebuild's own entries follow, so its
``journal/field-set`` values stay the ones ``ekte verify`` compares with.
The old journal itself is kept beside the new one
(:func:`ekte.journal.rebuild.rebuild`)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from ekte.workdirs import JOURNAL_FILE

#: the states of a document that has an archive folder (as :data:`ekte.journal.rebuild.ARCHIVED`)
ARCHIVED = ("archived", "exported", "review", "rejected")


def read(workdir: Path) -> dict[str, Any]:
    """The old journal's archived documents and tombstones (empty where it cannot be read)."""
    from ekte.journal.audit import TOMBSTONE

    path = Path(workdir) / JOURNAL_FILE
    out: dict[str, Any] = {"documents": {}, "tombstones": [], "events": []}
    if not path.exists():
        return out
    try:
        old = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        old.row_factory = sqlite3.Row
        try:
            out["documents"] = {r["id"]: dict(r) for r in old.execute(
                "SELECT id, sha256, state, doctype, first_seen FROM documents WHERE state IN (?,?,?,?)", ARCHIVED)}
            out["tombstones"] = [dict(r) for r in old.execute(f"SELECT {', '.join(TOMBSTONE)} FROM tombstones")]
            for r in old.execute("SELECT doc_id, detail FROM events WHERE stage='journal' AND event='lost'"):
                out["documents"].setdefault(r[0], _lost(r[1]))  # named as lost by an earlier rebuild: again
            _events(old, out["events"])
        finally:
            old.close()
    except sqlite3.DatabaseError:  # damaged: what could be read stays (a table at a time)
        pass
    return out


def merge(j: Any, workdir: Path, old: dict[str, Any], report: dict[str, Any]) -> None:
    """Into the new journal (*j*, filled from the archive): the old tombstones ``deleted/`` did not
    restore (their record written again), and a ``journal/lost`` entry for each document the old
    journal had archived that the archive no longer holds (named in ``report["lost"]``; one entry: none
    where the old journal's, taken over, names it already)."""
    from ekte.journal import audit, deletions

    with j.tx() as db:
        have = {r[0] for r in db.execute("SELECT doc_id FROM tombstones")}
        known = {r[0] for r in db.execute("SELECT id FROM documents WHERE archive_path IS NOT NULL")}
        for tomb in old["tombstones"]:
            if tomb["doc_id"] in have or tomb["doc_id"] in known or not tomb.get("sha256"):
                continue
            audit.put_tombstone(db, tomb, restored="journal rebuild from the old journal")
            deletions.write(workdir, tomb)
            report.setdefault("tombstones_from_old_journal", []).append(tomb["doc_id"])
        named = {r[0] for r in db.execute("SELECT doc_id FROM events WHERE stage='journal' AND event='lost'")}
        for doc_id, row in sorted(old["documents"].items()):
            if doc_id in known or doc_id in have:
                continue
            lost = {"id": doc_id, "state": row["state"], "doctype": row["doctype"], "first_seen": row["first_seen"],
                    "sha256": row["sha256"]}
            if doc_id not in named:  # an earlier rebuild's entry, taken over (carry): named once, not per rebuild
                j._event(db, doc_id, "journal", "lost", {**lost, "why": "archive folder missing at the rebuild"})
            report.setdefault("lost", []).append(lost)


#: an event's columns as the old journal holds them (a journal from before the audit trail: detail only)
EVENT_COLUMNS = ("doc_id", "time", "stage", "event", "detail", "actor", "field", "old", "new", "redacted")


def _events(old: sqlite3.Connection, into: list[tuple[Any, ...]]) -> None:
    """The old journal's events in order into *into* (a damaged table: those read before the damage)."""
    from ekte.journal import audit

    have = {r[1] for r in old.execute("PRAGMA table_info(events)")}
    if "actor" not in have:  # schema < 4: the review convention's JSON detail split as the migration does
        for doc_id, time, stage, event, detail in old.execute(
                "SELECT doc_id, time, stage, event, detail FROM events ORDER BY seq"):
            into.append((doc_id, time, stage, event, *audit.split(detail, audit.SYSTEM), False))
        return
    for r in old.execute(f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY seq"):
        into.append((*r[:9], bool(r[9])))


def carry(j: Any, old: dict[str, Any], kept: str, report: dict[str, Any]) -> None:
    """Every event of the old journal into the new one (*j*, still empty), chained anew, before the rebuild
    writes its own; ``meta.taken_over`` = "<last seq>:<the old journal's name beside the new one>"."""
    from ekte.journal import audit

    rows = old.get("events") or []
    if not rows:
        return
    with j.tx() as db:
        last = written = 0
        for doc_id, time, stage, event, detail, actor, field, old_v, new_v, redacted in rows:
            if not isinstance(doc_id, str) or not isinstance(time, str) or not stage or not event:
                continue  # a row the damage left without its key columns
            last = audit.insert(db, doc_id, time, str(stage), str(event), _text(detail), _text(actor) or audit.SYSTEM,
                                _text(field), _text(old_v), _text(new_v), redacted)
            written += 1
        if last:
            db.execute("INSERT INTO meta VALUES ('taken_over', ?) ON CONFLICT(key) DO UPDATE SET "
                       "value=excluded.value", (f"{last}:{kept}",))
    report["events_from_old_journal"] = written  # (not the rows skipped)


def _text(v: Any) -> str | None:
    from ekte.journal import audit

    return None if v is None else audit._utf8(v if isinstance(v, str) else str(v))


def _lost(detail: str | None) -> dict[str, Any]:
    try:
        d = json.loads(detail or "")
    except ValueError:
        d = None
    d = d if isinstance(d, dict) else {}
    return {k: d.get(k) for k in ("sha256", "state", "doctype", "first_seen")}
