"""What ``ekte verify``'s summary says beyond "N of M hold" (fresh38 F6,
F14a): how many documents are sealed and time-stamped (a check that had
nothing to check is not named as one that held), and whether the audit
trail was rebuilt — since when it proves anything, and how many documents
were archived before it (their history before the rebuild is not provable
from this journal)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

#: hex digits of the chain's head printed (and at least asked for by --expect-head)
HEAD_DIGITS = 16
#: checks that only judge evidence a document has: named in the text only when some document has it
EVIDENCE_CHECKS = {"metadata-evidence": "any", "seal": "sealed"}


def evidence_of(meta: dict[str, Any] | None) -> tuple[bool, bool]:
    """(sealed, time-stamped) of a document by its metadata.json: a seal in the PDF or over metadata.json; an
    RFC 3161 time stamp in the PDF (document or signature time stamp) or over metadata.json."""
    a = (meta or {}).get("archival") or {}
    if not isinstance(a, dict):
        return False, False
    claims = a.get("metadata_evidence") or {}
    stamp = (a.get("timestamp") or {}).get("pdf") if isinstance(a.get("timestamp"), dict) else None
    return (bool(a.get("seal")) or "signature" in claims,
            stamp in ("document-timestamp", "signature-timestamp") or "timestamp" in claims)


def rebuilt(workdir: Path, ids: set[str]) -> dict[str, Any] | None:
    """The journal's last rebuild (None: never rebuilt): its time and how many of *ids* were archived before
    it (they have a ``journal/rebuilt`` entry)."""
    path = Path(workdir) / "journal.sqlite"
    if not path.is_file():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        rows = db.execute("SELECT doc_id, time FROM events WHERE stage='journal' AND event='rebuilt'").fetchall()
        kept = db.execute("SELECT value FROM meta WHERE key='taken_over'").fetchone()
    except sqlite3.Error:
        return None
    finally:
        db.close()
    if not rows:
        return None
    return {"time": max(t for _d, t in rows), "documents": len({d for d, _t in rows} & ids),
            **({"taken_over_from": str(kept[0]).partition(":")[2]} if kept else {})}


def text(summary: dict[str, Any]) -> list[str]:
    """The summary's lines for the terminal."""
    n, ev = summary["documents"], summary.get("evidence") or {}
    checks = [c for c in summary["checks"] if c not in EVIDENCE_CHECKS or ev.get("sealed") or ev.get("timestamped")]
    out = [f"{summary['ok']} of {n} documents hold, {summary['broken']} broken ({summary['seconds']} s, "
           f"checks: {', '.join(checks)}); sealed {ev.get('sealed', 0)} of {n}, time-stamped "
           f"{ev.get('timestamped', 0)} of {n}"]
    ch = summary.get("audit_chain") or {}
    if ch.get("head_seq"):
        out.append(f"Prüfkette/audit chain: entry {ch['head_seq']}, {str(ch['head'])[:HEAD_DIGITS]} (note it; "
                   f"ekte verify --expect-head {ch['head_seq']}:{str(ch['head'])[:HEAD_DIGITS]} checks it later)")
    r = summary.get("rebuilt")
    if r:
        from ekte.serve import i18n

        out.append(f"audit trail since rebuild {i18n.local_time(r['time'])}; {r['documents']} documents archived "
                   "before it: their history before is not provable from this journal"
                   + (f" (taken over from {r['taken_over_from']}, chained anew)" if r.get("taken_over_from") else ""))
    return out


def deleted_line(t: dict[str, Any]) -> str:
    """A deleted document in words (fresh38 F5): when (local time), by whom, why, as the chained entry holds it."""
    from ekte.serve import i18n

    return (f"deleted on {i18n.local_time(t['deleted'])} by {t['actor']}"
            + (" before its retention ended (--force)" if t["forced"] else "") + f" (reason: {_reason(t['reason'])})"
            + (f"; SHA-256 of the original {t['sha256']}" if t.get("sha256") else "")
            + ("" if t.get("chained", True) else "; its chained deletion entry is missing: see ekte verify"))


def _reason(reason: str | None) -> str:
    from ekte.evidence.deletion_reasons import words

    return words(reason, "en")


def expect_head(workdir: Path, spec: str) -> dict[str, Any]:
    """A chain head noted earlier (``SEQ:HASH``, HASH at least :data:`HEAD_DIGITS` hex digits of its start) against
    the journal (fresh38 F17): does its chain hold entry SEQ with that hash?  A restored older copy ends before
    it; a rewritten chain has another hash there.  ``{"seq", "hash", "holds", "message"?}``; ConfigError for a
    malformed *spec*."""
    from ekte.errors import ConfigError

    seq, _, want = spec.strip().lower().partition(":")
    if not seq.isdigit() or len(want) < HEAD_DIGITS or any(c not in "0123456789abcdef" for c in want):
        raise ConfigError(f"--expect-head {spec}: give SEQ:HASH as ekte verify prints it (entry number, at least "
                          f"{HEAD_DIGITS} hex digits of its hash)")
    res: dict[str, Any] = {"seq": int(seq), "hash": want, "holds": False}
    path = Path(workdir) / "journal.sqlite"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        row = db.execute("SELECT hash FROM events WHERE seq=?", (int(seq),)).fetchone()
        last = db.execute("SELECT MAX(seq) FROM events").fetchone()[0] or 0
    except sqlite3.Error:
        row, last = None, 0
    finally:
        db.close()
    if row is None:
        res["message"] = (f"the audit chain ends at entry {last}, before the noted entry {seq}: an older copy of the "
                          "journal (restored?) — later entries are gone" if last < int(seq) else
                          f"the audit chain has no entry {seq}: it was deleted")
    elif not str(row[0] or "").startswith(want):
        res["message"] = f"the audit chain's entry {seq} has another hash than the one noted: the chain was rewritten"
    else:
        res["holds"] = True
    if not res["holds"]:
        res["code"] = "head_not_in_chain"
    return res
