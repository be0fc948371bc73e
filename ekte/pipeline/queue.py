"""Reading the review queue, quarantine and history: short read-only
queries through the journal (WAL readers never block the daemon), so the
clerk's station and ``ekte review`` stay fast with 10,000 documents
waiting (the list is one indexed query; files are read only for the page
shown).

Audit details: review actions write their event detail as a JSON object
(``{"by": user, "field": …, "old": …, "new": …}``); the journal's event
writer moves who, field and old → new into columns of their own
(:mod:`ekte.journal.audit`); :func:`history` reads them."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

from ekte.errors import ConfigError
from ekte.journal import QUARANTINED, REVIEW
from ekte.stages import archive as archive_stage

RELEASED = "released"  # a quarantine entry an admin closed with a note (the same file again is processed again)


class NotFound(ConfigError):
    """No document with that id."""


class Deleted(NotFound):
    """A document deleted by retention (its tombstone): when and why, for a command that shows live documents."""

    def __init__(self, tomb: Any):
        super().__init__(f"document {tomb['doc_id']} was deleted on {tomb['deleted']} ({tomb['reason']}); "
                         f"ekte history {tomb['doc_id']} shows its trail")


class Ambiguous(ConfigError):
    """An id prefix that fits more than one document."""


class Conflict(ConfigError):
    """The document is not in a state that allows the action (or is busy)."""


SORTS = {"received": "first_seen", "confidence": "confidence", "type": "doctype", "pages": "pages", "id": "id"}
PAGE_SIZE = 50
MAX_OFFSET = 10**12  # beyond any queue; SQLite's integers end at 2**63: a larger offset was HTTP 500 (fresh32 F5)


def utc_iso(t: dt.datetime | None = None) -> str:
    return (t or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def resolve(j: Any, prefix: str) -> sqlite3.Row:
    """The document whose id (or SHA-256) starts with *prefix* — unique, or
    ConfigError naming the candidates."""
    p = (prefix or "").strip().lower()
    if len(p) < 4 or any(c not in "0123456789abcdef" for c in p):
        raise ConfigError(f"'{prefix}' is not a document id (at least 4 hexadecimal digits)")
    col, pp = ("sha256", p) if len(p) > 16 else ("id", p)
    rows = j.db.execute(f"SELECT * FROM documents WHERE {col} >= ? AND {col} < ? ORDER BY {col} LIMIT 6",
                        (pp, pp + "g")).fetchall()
    if not rows:
        raise NotFound(f"no document with id {prefix}")
    if len(rows) > 1:
        ids = ", ".join(r["id"] for r in rows[:5])
        raise Ambiguous(f"the id {prefix} is ambiguous ({ids}{', …' if len(rows) > 5 else ''}): give more digits")
    return rows[0]


def resolve_or_deleted(j: Any, prefix: str) -> tuple[sqlite3.Row | None, sqlite3.Row | None]:
    """(document, None) or (None, tombstone): the one rule for an id or prefix everywhere (CLI and station) —
    a live document first (more than one: :class:`Ambiguous`); a deleted document only when no live one
    fits (its tombstone, if exactly one fits); else :class:`NotFound`."""
    try:
        return resolve(j, prefix), None
    except NotFound:
        tomb = j.tombstone_of(prefix)
        if tomb is None:
            raise
        return None, tomb


_DEFERRED = """SELECT e.doc_id, e.seq, e.detail FROM events e CROSS JOIN documents d ON d.id = e.doc_id
WHERE e.stage = 'review' AND e.event = 'deferred' AND d.state = :state"""

#: put-back events are found through the partial index ``events_review_deferred`` (journal schema 4)


def deferred(j: Any, now: str | None = None) -> dict[str, str]:
    """The documents in review put back until a time still to come: {id: until (UTC ISO)}.
    One indexed pass over the review documents' events (not over the whole journal)."""
    now = now or utc_iso()
    last: dict[str, tuple[int, str]] = {}
    for doc_id, seq, det in j.db.execute(_DEFERRED, {"state": REVIEW}):
        if doc_id not in last or seq > last[doc_id][0]:
            last[doc_id] = (seq, parse_detail(det).get("until") or "")
    return {k: u for k, (_s, u) in last.items() if u > now}


def queue(j: Any, *, doctype: str | None = None, sort: str = "received", desc: bool = False, offset: int = 0,
          limit: int | None = PAGE_SIZE, deferred: str = "last", since: str | None = None,
          until: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """(total, one page) of the documents waiting for review.  *deferred*:
    ``last`` (put-back documents after the others), ``hide``, ``only``."""
    put_back = globals()["deferred"](j)
    params: dict[str, Any] = {"state": REVIEW, "doctype": doctype, "since": since, "until": until,
                              "put_back": json.dumps(sorted(put_back))}
    back = "(d.id IN (SELECT value FROM json_each(:put_back)))"
    where = ["d.state = :state"] + [cond for key, cond in (("doctype", "d.doctype = :doctype"),
                                                           ("since", "d.first_seen >= :since"),
                                                           ("until", "d.first_seen < :until")) if params[key]]
    where += {"hide": [f"NOT {back}"], "only": [back]}.get(deferred, [])
    col = SORTS.get(sort, "first_seen")
    sql = f"FROM documents d WHERE {' AND '.join(where)}"
    total = j.db.execute(f"SELECT COUNT(*) {sql}", params).fetchone()[0]
    page = f"SELECT d.* {sql} ORDER BY {back}, d.{col} {'DESC' if desc else 'ASC'}, d.id"
    if limit is not None:
        page += f" LIMIT {int(limit)} OFFSET {max(0, int(offset))}"
    rows = j.db.execute(page, params).fetchall()
    return int(total), [dict(r, deferred=put_back.get(r["id"])) for r in rows]


def review_item(workdir: Path, doc_id: str) -> dict[str, Any]:
    """``review/<id>.json``: candidates, threshold, reasons, corrections, put-back."""
    try:
        return json.loads((Path(workdir) / "review" / f"{doc_id}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def metadata(j: Any, row: Any) -> dict[str, Any]:
    adir = j.archive_dir(row)
    if adir is None:
        return {}
    try:
        return json.loads((adir / archive_stage.METADATA).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def show(j: Any, row: Any) -> dict[str, Any]:
    """Everything a clerk needs to decide about one document."""
    item = review_item(j.workdir, row["id"])
    meta = metadata(j, row)
    threshold, conf = item.get("threshold"), row["confidence"]
    return {
        "id": row["id"], "sha256": row["sha256"], "state": row["state"], "source": meta.get("source") or row["source"],
        "received": row["first_seen"], "pages": row["pages"] or meta.get("pages") or 0,
        "media_type": row["media_type"], "doctype": row["doctype"], "confidence": row["confidence"],
        "threshold": item.get("threshold"), "candidates": item.get("candidates")
        or (meta.get("classification") or {}).get("candidates") or [],
        # the type below its threshold: a reason of its own (the fields' reasons are in "reasons")
        "type_unsure": threshold is not None and conf is not None and conf < threshold,
        "reasons": item.get("fields") or [], "fields": meta.get("fields") or {},
        "corrections": item.get("corrections") or {}, "deferred": item.get("deferred"),
        "sample_check": bool(item.get("sample_check")),  # a TR-RESISCAN Stichprobe: accept needs its result
        "archive": str(j.archive_dir(row) or ""), "exports": j.exports_of(row["id"]),
        "error": {"code": row["error_code"], "message": row["error_message"]} if row["error_code"] else None,
    }


def parse_detail(detail: str | None) -> dict[str, Any]:
    if detail and detail.startswith("{"):
        try:
            d = json.loads(detail)
            return d if isinstance(d, dict) else {}
        except ValueError:
            return {}
    return {}


def forced(stage: str, detail: dict) -> dict[str, bool]:
    """``{"forced": True}`` for a deletion before the end of its retention period (``--force``), else nothing."""
    return {"forced": True} if stage == "retention" and detail.get("forced") is True else {}


def history(j: Any, doc_id: str) -> list[dict[str, Any]]:
    """One document's journal events: time, who (the user of a review action,
    else the system), what, old → new values."""
    from ekte.journal.audit import taken_over

    out, until = [], taken_over(j.db)  # entries a rebuilt journal took over from the old one (fresh38 F2)
    for r in j.events_of(doc_id):
        keys = r.keys()
        d = parse_detail(r["detail"])
        actor = (r["actor"] if "actor" in keys else None) or d.get("by") or "system"
        old = r["old"] if "old" in keys and r["old"] is not None else d.get("old")
        new = r["new"] if "new" in keys and r["new"] is not None else d.get("new")
        text = r["detail"] if not d else ", ".join(f"{k}: {v}" for k, v in d.items()
                                                    if k not in ("by", "old", "new", "field") and v not in (None, ""))
        field = (r["field"] if "field" in keys else None) or d.get("field")
        out.append({"seq": r["seq"], "time": r["time"], "stage": r["stage"], "event": r["event"], "actor": actor,
                    "detail": text or "", "old": old, "new": new, "field": field, **forced(r["stage"], d),
                    **({"taken_over": True} if r["seq"] <= until else {})})
    return out


def quarantined(j: Any, offset: int = 0, limit: int = PAGE_SIZE) -> tuple[int, list[dict[str, Any]]]:
    total = j.db.execute("SELECT COUNT(*) FROM documents WHERE state = ?", (QUARANTINED,)).fetchone()[0]
    rows = j.db.execute("SELECT * FROM documents WHERE state = ? ORDER BY updated DESC, id LIMIT ? OFFSET ?",
                        (QUARANTINED, limit, offset)).fetchall()
    return int(total), [dict(r) for r in rows]


def quarantine_entry(workdir: Path, doc_id: str) -> dict[str, Any]:
    """``quarantine/<id>/``: reason.json and the original's file name there."""
    folder = Path(workdir) / "quarantine" / doc_id
    try:
        reason = json.loads((folder / "reason.json").read_text("utf-8"))
    except (OSError, ValueError):
        reason = {}
    originals = sorted(p for p in folder.glob("original*") if p.is_file()) if folder.is_dir() else []
    return {"reason": reason, "original": originals[0] if originals else None, "folder": folder}
