"""The audit chain's head in the sealed record (``metadata.json``).

The journal's hash chain (:mod:`ekte.journal.audit`) finds an event
deleted, edited or moved by someone who does not recompute the later
links.  A journal rewritten as a whole, every link recomputed, agrees with
itself; it cannot agree with a record kept outside it.  So every time
``metadata.json`` is written (archiving, and each later change that
rewrites it: a review decision, a sample check's result) it records the
chain as it stood then::

    "archival": {"audit": {"seq": N, "head": H, "doc_events": k, "doc_digest": D, "time": T}}

* ``seq``, ``head``: the journal's newest event at that moment and its
  link.  They vouch for every event up to N, of every document (the chain
  is one per working directory), so each later archiving protects what
  came before it;
* ``doc_events``, ``doc_digest``: how many events this document had up to
  N, and the SHA-256 over their content digests in order.  They vouch for
  this document's own events and let ``ekte verify`` name it.

``ekte verify`` (check ``audit-chain``) compares each recorded head with
the journal: the document's own events differ → the document is named;
the chain at event N differs → the rewrite lies between the newest head
that still agrees and N, and each document with events there that no
agreeing head of its own vouches for is named, as is each whose own head
lies in that span or whose recorded export has lost its event — an event
deleted there leaves no trace among the events left (:func:`localize`).

**Without a seal** the head is recorded all the same.  It catches a
rewrite that leaves ``metadata.json`` alone: every ``metadata.json``
written after the rewritten event, of any document, disagrees.  A forger
who rewrites the journal *and* every later ``metadata.json`` consistently
is not found; that is what the seal (CMS, ``metadata.json.p7s``) and the
RFC 3161 time stamp are for.  Events after the newest ``metadata.json`` of
the working directory are protected by the chain alone until the next
document is archived.

After ``ekte journal rebuild`` the chain starts anew: a head recorded
before the rebuild (the document's ``journal/rebuilt`` event is newer)
cannot be compared; it is counted (``anchors.before_rebuild`` in the
summary), not reported as a finding."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from ekte.evidence.codes import Problem as P
from ekte.journal import audit

METADATA = "metadata.json"


def doc_digest(digests: list[str]) -> str:
    return hashlib.sha256("\n".join(digests).encode("ascii")).hexdigest()


def _state(db: sqlite3.Connection, doc_id: str, seq: int) -> tuple[int, str]:
    rows = db.execute("SELECT digest FROM events WHERE doc_id=? AND seq<=? ORDER BY seq", (doc_id, seq)).fetchall()
    return len(rows), doc_digest([r[0] or "" for r in rows])


def _head(db: sqlite3.Connection, doc_id: str) -> dict[str, Any]:
    from ekte.model import now_iso

    row = db.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    seq, head = (int(row[0]), row[1] or audit.GENESIS) if row else (0, audit.GENESIS)
    n, digest = _state(db, doc_id, seq)
    return {"seq": seq, "head": head, "doc_events": n, "doc_digest": digest, "time": now_iso()}


def record(workdir: Path, doc_id: str, journal: Any = None) -> dict[str, Any] | None:
    """The chain's head now, for *doc_id*'s ``metadata.json`` (None: no
    journal).  Read through the open *journal* (:class:`ekte.journal.Journal`)
    when the caller has one — the coordinator, once per archived document —
    else through a read-only connection of its own."""
    if journal is not None:
        with journal.snapshot() as db:  # one snapshot for both reads
            return _head(db, doc_id)
    path = Path(workdir) / "journal.sqlite"
    if not path.is_file():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30, isolation_level=None)
    try:
        db.execute("BEGIN")  # one snapshot for both reads
        out = _head(db, doc_id)
        db.execute("COMMIT")
    finally:
        db.close()
    return out


def _when(text: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None


def compare(db: sqlite3.Connection, doc_id: str, a: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(what :func:`localize` needs, findings about this document) for the head *a* recorded in its metadata.json."""
    rebuilt = db.execute("SELECT time FROM events WHERE doc_id=? AND stage='journal' AND event='rebuilt' "
                         "ORDER BY seq DESC LIMIT 1", (doc_id,)).fetchone()
    t_anchor, t_rebuilt = _when(a.get("time")), _when(rebuilt[0]) if rebuilt else None
    if t_anchor and t_rebuilt and t_rebuilt >= t_anchor:
        return {"state": "before-rebuild"}, []
    try:
        seq = int(a["seq"])
        n, digest = int(a["doc_events"]), str(a["doc_digest"])
    except (KeyError, TypeError, ValueError):
        return {"state": "unreadable"}, [P("unreadable", f"{METADATA}: the recorded head of the audit chain "
                                                          "cannot be read")]
    if seq == 0:
        same = True
    else:
        row = db.execute("SELECT hash FROM events WHERE seq=?", (seq,)).fetchone()
        same = row is not None and row[0] == a.get("head")
    now_n, now_digest = _state(db, doc_id, seq)
    own = now_n == n and now_digest == digest
    out = [] if own else [P(
        "journal_rewritten",
        f"its journal events up to event {seq} are not those recorded in {METADATA} ({n} then, {now_n} now, "
        f"{'the same number but other content or order' if now_n == n else 'events removed or added'}): "
        "the journal was rewritten")]
    return {"state": "compared", "seq": seq, "same": same, "own": own}, out


_EXPORT_LOST = """SELECT DISTINCT x.doc_id FROM exports x
  WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.doc_id = x.doc_id AND e.stage = 'export'
                    AND e.event IN ('exported', 'already-exported')
                    AND (e.detail = x.connector OR substr(e.detail, 1, length(x.connector) + 1) = x.connector || ' '))
    AND EXISTS (SELECT 1 FROM events a WHERE a.doc_id = x.doc_id AND a.stage = 'archive' AND a.event = 'archived'
                AND a.seq < ?)
    AND NOT EXISTS (SELECT 1 FROM events r WHERE r.doc_id = x.doc_id AND r.stage = 'journal' AND r.event = 'rebuilt')"""


def _suspects(db: sqlite3.Connection, lo: int, hi: int, proven: dict[str, int]) -> list[str]:
    """The documents, not vouched for up to hi by an agreeing head of their
    own, that the rewrite in (lo, hi] can have touched: those with events
    there; those whose own head lies in [lo, hi) (under way at lo); and
    those with an export the journal's ``exports`` (written in the export
    event's transaction) records but no export event for, archived before
    hi — a document's metadata.json is written before its events are
    recorded, so its own head vouches for none of them, and its deleted
    export event may have been its only event in the gap."""
    docs = [r[0] for r in db.execute("SELECT DISTINCT doc_id FROM events WHERE seq>? AND seq<=?", (lo, hi))]
    docs += [d for d, seq in proven.items() if lo <= seq < hi]
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'exports'").fetchone():
        docs += [r[0] for r in db.execute(_EXPORT_LOST, (hi,))]
    return sorted({"journal" if d in ("", "-") else d for d in docs if proven.get(d, -1) < hi})


def localize(results: list[Any], workdir: Path, ids: list[str] | None) -> dict[str, Any]:
    """Name the documents of a journal rewritten with every link recomputed
    (each result's ``anchor`` from :func:`compare`, problems added in place;
    results for documents not checked are appended).  Returns the summary."""
    from ekte.evidence.verify import DocResult

    states = [r.anchor for r in results if r.anchor]
    summary = {"compared": sum(a["state"] == "compared" for a in states),
               "agree": sum(a["state"] == "compared" and a["same"] and a["own"] for a in states),
               "before_rebuild": sum(a["state"] == "before-rebuild" for a in states),
               "without": sum(1 for r in results if r.anchor is None and r.folder)}
    heads = sorted((r.anchor["seq"], r.anchor["same"], r.id) for r in results
                   if r.anchor and r.anchor["state"] == "compared")
    gaps, lo, ok = [], 0, True
    for seq, same, holder in heads:
        if ok and not same:
            gaps.append((lo, seq, holder))
        lo, ok = seq, same
    if not gaps:
        return summary
    proven = {r.id: r.anchor["seq"] for r in results if r.anchor and r.anchor.get("own")}
    by_id = {r.id: r for r in results}
    path = Path(workdir) / "journal.sqlite"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        for lo, hi, holder in gaps:
            msg = P("journal_rewritten",
                    f"the journal was rewritten between events {lo} and {hi} (the head of the audit chain recorded "
                    f"in the {METADATA} of {holder} differs), and no recorded head vouches for this document's "
                    "events there")
            found = [d for d in _suspects(db, lo, hi, proven) if d in by_id or not ids]
            if any((by_id[d].anchor or {}).get("own") is False for d in found if d in by_id):
                continue  # explained: a document whose own events differ is named already
            for d in found or [holder]:
                if d not in by_id:
                    by_id[d] = DocResult(d, "")
                    results.append(by_id[d])
                by_id[d].problems.append(("audit-chain", msg if found else P(
                    "journal_rewritten", f"the journal was rewritten before event {hi}: the head of the audit "
                                         f"chain recorded in {METADATA} differs")))
    finally:
        db.close()
    summary["rewritten"] = [{"after": lo, "up_to": hi} for lo, hi, _h in gaps]
    return summary
