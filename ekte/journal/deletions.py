"""The deletion records: a tombstone kept outside the journal, so that
``ekte journal rebuild`` — which builds a journal from what is on disk —
knows what ``ekte retention delete`` deleted (fresh29 F7: a rebuilt journal
had no tombstones, and deleted content was archived and exported again
silently).

One small file per deleted document, ``deleted/<id>.json`` (folder 0700,
file 0600, written atomically), holding only what the journal's tombstone
holds: id, SHA-256, type, the date received, when it was deleted, when its
retention ended, the reason, who, and whether it was forced — no content.

Order: ``retention delete`` writes the record first (once the document is
claimed, before anything is removed), then removes the files, then writes
the tombstone into the journal.  A record whose tombstone the journal lacks
(ekte stopped or failed in between) is a deletion that was begun: it is
never forgotten.  ``ekte retention delete ID`` again completes it (the
record is written again); ``ekte journal check`` names it; ``ekte journal
rebuild`` restores the tombstone when the document's archive folder is gone
(or holds the content as it came in again after the deletion), and names the
deletion as unfinished — keeping the document — when its archive folder is
still the one from before the deletion."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Iterator

from ekte.evidence.codes import Problem

FOLDER = "deleted"


def path_of(workdir: Path, doc_id: str) -> Path:
    return Path(workdir) / FOLDER / f"{doc_id}.json"


def write(workdir: Path, tomb: dict[str, Any]) -> Path:
    """The record of one deletion, atomically (its folder private)."""
    from ekte import fsutil
    from ekte.journal.audit import TOMBSTONE

    folder = Path(workdir) / FOLDER
    fsutil.make_dirs(folder, 0o700)
    p = path_of(workdir, tomb["doc_id"])
    damage = {"damage": tomb["damage"]} if tomb.get("damage") else {}  # the archive did not hold (fresh38 F18)
    fsutil.write_json(p, {"schema": "ekte.deleted/1", **{k: tomb.get(k) for k in TOMBSTONE}, **damage}, 0o600)
    return p


def records(workdir: Path) -> Iterator[tuple[Path, dict[str, Any] | None]]:
    """Every record (None: unreadable), in the order of their names."""
    for p in sorted((Path(workdir) / FOLDER).glob("*.json")):
        try:
            r = json.loads(p.read_text("utf-8"))
            ok = isinstance(r, dict) and all(r.get(k) for k in ("doc_id", "sha256", "deleted", "reason", "actor"))
        except (OSError, ValueError):
            ok, r = False, None
        yield p, (r if ok else None)


def _time(s: Any) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(str(s))
    except ValueError:
        return None
    return t if t.tzinfo else t.astimezone()


def unfinished(workdir: Path, rec: dict[str, Any]) -> bool:
    """The document's archive folder is still the one from before the deletion (it was not removed)."""
    meta = Path(workdir) / "archive" / rec["doc_id"][:2] / rec["doc_id"] / "metadata.json"
    try:
        received = _time(json.loads(meta.read_text("utf-8")).get("received"))
    except (OSError, ValueError, AttributeError):
        return meta.parent.is_dir()
    deleted = _time(rec["deleted"])
    # both to the second: one received in the second of the deletion counts as before it (the document is kept
    # and the deletion named as unfinished — nothing is lost, and the operator completes it)
    return received is None or deleted is None or received <= deleted


def restore(j: Any, db: Any, workdir: Path, report: dict[str, Any]) -> None:
    """``ekte journal rebuild``: the tombstones and ``retention/deleted`` entries of the records (in the
    caller's transaction; the entry's time is the deletion's, the detail says it was restored)."""
    from ekte.journal import audit

    for p, rec in records(workdir):
        if rec is None:
            report["skipped"].append(f"{FOLDER}/{p.name}: not a readable deletion record")
            continue
        if unfinished(workdir, rec):
            report.setdefault("unfinished", []).append(
                f"{rec['doc_id']}: its deletion on {str(rec['deleted'])[:10]} was not completed (the archive folder "
                f"is still there); ekte retention delete {rec['doc_id']} --force completes it")
            continue
        audit.put_tombstone(db, rec, restored=f"journal rebuild from {FOLDER}/{p.name}")
        report["deleted"] = report.get("deleted", 0) + 1


def begun(workdir: Path, tombstoned: set[str]) -> list[str]:
    """``ekte journal check``: records whose tombstone the journal lacks (a deletion begun, not completed)."""
    return [Problem("deletion_unfinished",
                    f"{rec['doc_id']}: its deletion was begun on {str(rec['deleted'])[:10]} ({FOLDER}/{p.name}), but "
                    f"the journal has no tombstone; ekte retention delete {rec['doc_id']} --force completes it")
            for p, rec in records(workdir) if rec is not None and rec["doc_id"] not in tombstoned]


def unrecorded(workdir: Path, tombstoned: set[str]) -> list[str]:
    """``ekte journal check``: tombstones without their record ``deleted/<id>.json`` (fresh38 F10: a rebuild
    from the archive alone would forget the deletion)."""
    have = {rec["doc_id"] for _p, rec in records(workdir) if rec is not None}
    return [Problem("deletion_record_missing",
                    f"{doc_id}: the journal's tombstone has no {FOLDER}/{doc_id}.json (removed?); ekte journal "
                    "rebuild --force writes it again from the journal")
            for doc_id in sorted(tombstoned - have)]


def listing(j: Any, workdir: Path, since: str | None = None) -> list[dict[str, Any]]:
    """``ekte retention deleted``: the journal's tombstones deleted on or after *since* (a day), oldest
    first, each with whether its record ``deleted/<id>.json`` is there and the damage it names."""
    from ekte.journal.audit import TOMBSTONE

    out = []
    for r in j.db.execute(f"SELECT {', '.join(TOMBSTONE)} FROM tombstones ORDER BY deleted, doc_id"):
        t = dict(zip(TOMBSTONE, r))
        if since and str(t["deleted"])[:10] < since:
            continue
        rec = path_of(workdir, t["doc_id"])
        try:
            damage = json.loads(rec.read_text("utf-8")).get("damage")
        except (OSError, ValueError, AttributeError):
            damage = None
        out.append({**t, "forced": bool(t["forced"]), "record": rec.is_file(),
                    **({"damage": damage} if damage else {})})
    return out
