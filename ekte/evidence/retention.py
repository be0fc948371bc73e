"""``ekte retention due``: documents whose retention period has ended;
``ekte retention delete``: removing them, with an audit entry.

The period is the profile's ``retention_years`` of the document's type
(the profile as it is now: a changed rule applies to documents archived
before).  It runs from the document's date (``antragsdatum``), else the
date it was received — from the end of that year (``retention.starts =
"year_end"``, the default, as German Aktenordnungen count) or from the
date itself (``"date"``).  ``retention_years = 0`` means: kept without
limit.  :func:`due` deletes nothing; :func:`delete` only what it is given."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ekte.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from ekte.profile import Profile


def period_end(start: dt.date, years: int, starts: str) -> dt.date:
    """The last day of the retention period."""
    if starts == "year_end":
        return dt.date(start.year + years, 12, 31)
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = dt.date(start.year + years, 2, 28)
    return end - dt.timedelta(days=1)


def entry(meta: dict[str, Any], profile: "Profile", known: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The retention facts of one archived document (None: no rule applies).

    *known* is what the journal knows of it (:func:`journal_facts`): its type and first arrival count, not
    metadata.json's (fresh38 F8: a type forged there shortened the period; the difference is named,
    ``doctype_in_metadata``), and the period never ends before the one from the day received when the
    document's date was read by the machine and no clerk confirmed it (fresh38 F19: an old enclosure's date
    made a document archived today due today): ``basis`` is then ``received`` and ``unconfirmed_date`` names
    the date read; ``date_confirmed`` is False for a machine-read date that is the basis."""
    from ekte.connectors.common import record
    from ekte.model import document_from_metadata

    flags: dict[str, Any] = {}
    if known is not None and known["doctype"] != meta.get("doctype"):
        flags["doctype_in_metadata"] = meta.get("doctype")
        meta = {**meta, "doctype": known["doctype"]}
    doc = document_from_metadata(meta)
    if known is not None:
        doc.received = max(doc.received or "", known["received"] or "")  # the later: never an earlier end
    rec = record(doc, profile)
    years = rec.get("retention_years")
    if not years or not rec.get("document_date"):
        return None
    start = dt.date.fromisoformat(rec["document_date"])
    basis = "document_date" if rec["document_date"] != rec.get("received_date") else "received"
    ends = period_end(start, int(years), profile.retention.starts)
    if basis == "document_date" and not (known or {}).get("confirmed"):
        flags["date_confirmed"] = False
        received = dt.date.fromisoformat(str(rec.get("received_date") or start.isoformat())[:10])
        floor = period_end(received, int(years), profile.retention.starts)
        if floor > ends:
            flags = {**flags, "unconfirmed_date": start.isoformat()}
            start, basis, ends = received, "received", floor
    return {"id": doc.id, "doctype": doc.doctype, "aktenzeichen": rec.get("aktenzeichen"), "date": start.isoformat(),
            "basis": basis, "years": years, "ends": ends.isoformat(), **flags}


def journal_facts(j: Any) -> dict[str, dict[str, Any]]:
    """id → what the journal knows of an archived document: its type, when it first came in, and whether
    a clerk accepted it in review (its fields — the document's date too — confirmed)."""
    rows = j.db.execute(
        "SELECT d.id, d.doctype, d.first_seen, EXISTS (SELECT 1 FROM events e WHERE e.doc_id = d.id AND "
        "e.stage = 'review' AND e.event = 'accepted') FROM documents d")
    return {r[0]: {"doctype": r[1], "received": r[2], "confirmed": bool(r[3])} for r in rows}


def as_of_date(as_of: str | None) -> dt.date:
    """The day ``--as-of`` names (default today)."""
    from ekte.stats import BadDate, day

    try:  # as the other date options: 2026-01-31 or 31.01.2026
        return dt.date.fromisoformat(day(as_of) or "") if as_of else dt.date.today()
    except (BadDate, ValueError):
        raise ConfigError(f"--as-of wants a date like 2026-01-31 or 31.01.2026, not {as_of!r}") from None


def due(workdir: Path, profile: "Profile", as_of: str | None = None, journal: Any = None) -> list[dict[str, Any]]:
    """Every archived document whose retention ended before *as_of*
    (default today), oldest first; quarantine entries judged by *journal*'s
    states (default: the working directory's, read-only).  One whose end cannot be determined is listed
    with ``"state": "undeterminable"``, a ``code`` (``metadata_unreadable``, ``journal_unknown``) and ``error``."""
    today = as_of_date(as_of)
    root = Path(workdir) / "archive"
    if not root.is_dir():
        raise ConfigError(f"no archive in {workdir}")
    out = quarantined(Path(workdir), profile, today, journal)
    facts = _with_journal(Path(workdir), journal, journal_facts) or {}
    for meta_path in sorted(root.glob("*/*/metadata.json")):
        known = facts.get(meta_path.parent.name)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            e = entry(meta, profile, known) if known is not None else \
                {"id": meta_path.parent.name, "state": "undeterminable", "code": "journal_unknown",
                 "error": "the journal does not know it (see ekte journal check)"}
        except (OSError, ValueError, KeyError, TypeError):  # neither ended nor running: not to be judged (F14 d)
            e = {"id": meta_path.parent.name, "state": "undeterminable", "code": "metadata_unreadable",
                 "error": "metadata.json cannot be read (see ekte verify)"}
        if e is not None and "error" in e:
            out.append(e)
            continue
        if e is not None and dt.date.fromisoformat(e["ends"]) < today:
            e["overdue_days"] = (today - dt.date.fromisoformat(e["ends"])).days
            e["archive"] = str(meta_path.parent)
            out.append(e)
    return sorted(out, key=lambda e: (e.get("ends", ""), e["id"]))


def quarantine_years(profile: "Profile") -> int | None:
    """How long a quarantine entry is kept: ``retention.quarantine_years``,
    else the shortest period of any document type (None: all kept without limit)."""
    if profile.retention.quarantine_years:
        return int(profile.retention.quarantine_years)
    periods = [int(d.retention_years) for d in profile.doctypes.values() if d.retention_years]
    return min(periods) if periods else None


#: the journal states of a document whose archive folder is its record: its retention is the document
#: type's, never a left-over quarantine entry's
ARCHIVE_STATES = ("archived", "exported", "review", "rejected")


def quarantined(workdir: Path, profile: "Profile", today: dt.date, journal: Any = None) -> list[dict[str, Any]]:
    """The quarantine entries whose period ended before *today*: counted
    from the day they were quarantined (``retention.starts`` as for documents);
    not an entry of content the journal knows as archived (:data:`ARCHIVE_STATES`)."""
    years = quarantine_years(profile)
    out: list[dict[str, Any]] = []
    read: list[tuple[Path, dict[str, Any], dt.date]] = []
    for reason in sorted((workdir / "quarantine").glob("*/reason.json")) if years else []:
        try:
            r = json.loads(reason.read_text("utf-8"))
            read.append((reason, r, dt.date.fromisoformat(str(r["time"])[:10])))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged entry: ekte review / the quarantine listing show it
    states = _states(workdir, journal, [str(r.get("sha256")) for _p, r, _s in read]) if read else {}
    for reason, r, start in read:
        ends = period_end(start, int(years or 0), profile.retention.starts)
        if ends < today and states.get(str(r.get("sha256"))) not in ARCHIVE_STATES:
            out.append({"id": reason.parent.name, "doctype": f"quarantined ({r.get('code') or '?'})",
                        "aktenzeichen": None, "date": start.isoformat(), "basis": "quarantined", "years": years,
                        "ends": ends.isoformat(), "overdue_days": (today - ends).days,
                        "archive": str(reason.parent)})
    return out


def _states(workdir: Path, journal: Any, shas: list[str]) -> dict[str, str]:
    """sha256 → the document's state in *journal*, else in the working directory's journal (read-only);
    content the journal does not know (or no journal) is left out."""
    def states(j: Any) -> dict[str, str]:
        rows = (j.get(sha) for sha in dict.fromkeys(shas))
        return {row["sha256"]: row["state"] for row in rows if row is not None}

    return _with_journal(workdir, journal, states) or {}


def _with_journal(workdir: Path, journal: Any, fn: Any) -> Any:
    """*fn* of *journal*, else of the working directory's journal opened read-only (None: no journal)."""
    from ekte.journal import JOURNAL_FILE, Journal

    own = journal is None and (Path(workdir) / JOURNAL_FILE).is_file()
    j = Journal(Path(workdir) / JOURNAL_FILE, readonly=True) if own else journal
    if j is None:
        return None
    try:
        return fn(j)
    finally:
        if own:
            j.close()


def deleted_reason(tomb: Any) -> str:
    """The warning and review reason of content deleted before (the
    station shows it in words: ``ekte.serve.names.reason_text``)."""
    why = f"retention ended {tomb['retention_ends']}" if tomb["retention_ends"] and not tomb["forced"] \
        else "deleted before its retention ended"
    return f"this content was deleted on {str(tomb['deleted'])[:10]} ({why}); a clerk decides whether it is kept again"


def came_back(j: Any, doc: Any) -> bool:
    """Content deleted by retention coming in again: a warning on the
    document naming the deletion (date, whether its period had ended — not
    the free-text reason), and True: it goes to review, a clerk decides."""
    tomb = j.tombstone_by_sha(doc.sha256)
    if tomb is None:
        return False
    note = deleted_reason(tomb)
    if note not in doc.warnings:
        doc.warnings.append(note)
    doc.extra["deleted_before"] = {"id": tomb["doc_id"], "deleted": tomb["deleted"], "reason": note,
                                   "retention_ends": tomb["retention_ends"], "forced": bool(tomb["forced"])}
    return True


# -- ekte retention delete -----------------------------------------------------------------

def delete(session: Any, ids: list[str], reason: str, *, actor: str, force: bool = False,
           as_of: str | None = None, damaged: bool = False, note: str | None = None) -> list[dict[str, Any]]:
    """Delete documents for good (never automatic): the archive folder, the
    export copies ekte keeps in the working directory (a DMS keeps its own),
    the review and quarantine entries and cached page images; the journal
    keeps a tombstone and an audit entry without personal data (id, SHA-256,
    type, dates, reason, actor), and empties the old/new values and details
    of the document's earlier events.  A document whose retention has not
    ended is refused unless *force*; one that another process works on is
    refused.  A document whose archive folder does not hold (as ``ekte verify`` checks it) is refused
    unless *damaged* — then the damage goes into the tombstone's record and audit entry (fresh38 F18: a
    deletion must not make a manipulation disappear).  One result per id: ``{"id", "deleted", "error"?:
    {"code", "message"}, …}`` (codes: :data:`REFUSALS`).  *reason*: a code of
    :data:`ekte.evidence.deletion_reasons.REASONS`, *note* a short remark beside it (fresh38 F4)."""
    from ekte.evidence.deletion_reasons import reason_text

    reason = reason_text(reason, note)
    if as_of_date(as_of) > dt.date.today():  # fresh38 F7: a planning date never makes a deletion due
        raise ConfigError(f"--as-of {as_of}: a date after today only plans (ekte retention due --as-of); "
                          "a document is deleted before its retention ends only with --force, recorded as such")
    due_ids = {e["id"]: e for e in due(session.workdir, session.profile, as_of, session.j)} \
        if (Path(session.workdir) / "archive").is_dir() else {}
    return [_delete_one(session, i, reason, actor, (force, damaged), due_ids) for i in ids]


#: the ``error.code`` of a refused id (``--json``: ``{"code", "message"}``, as ``ingest --json``'s per document)
REFUSALS = ("invalid_id", "not_found", "ambiguous_id", "deleted_already", "retention_not_ended",
            "retention_undeterminable", "busy", "archive_damaged", "not_removed", "note_personal")


def _refused(doc_id: str, code: str, message: str, **more: Any) -> dict[str, Any]:
    return {"id": doc_id, "deleted": False, "error": {"code": code, "message": " ".join(message.split()), **more}}


def _unresolved(j: Any, given: str, e: ConfigError) -> dict[str, Any]:
    """A refusal for an id that names no document: deleted already (its tombstone), none, or not one."""
    from ekte.pipeline.queue import Ambiguous, NotFound

    if isinstance(e, NotFound):
        tomb = j.tombstone_of(given)
        if tomb is not None:
            return _refused(tomb["doc_id"], "deleted_already", f"deleted already on {str(tomb['deleted'])[:10]} "
                                                               f"(ekte history {tomb['doc_id']} shows it)",
                            deleted=str(tomb["deleted"]))
        return _refused(given, "not_found", str(e))
    return _refused(given, "ambiguous_id" if isinstance(e, Ambiguous) else "invalid_id", str(e))


def _delete_one(session: Any, given: str, reason: str, actor: str, flags: tuple[bool, bool],
                due_ids: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from ekte.evidence.deletion_reasons import note_personal
    from ekte.journal.claims import doc_key
    from ekte.pipeline.queue import resolve
    from ekte.stages.intake import display

    j, (force, damaged) = session.j, flags
    try:
        row = resolve(j, given)
    except ConfigError as e:
        return _unresolved(j, given, e)
    doc_id, entry_ = row["id"], due_ids.get(row["id"])
    if entry_ is not None and "error" in entry_:  # its end cannot be determined: neither ended nor not (F14 d)
        if not force:
            return _refused(doc_id, "retention_undeterminable", f"its retention period cannot be determined "
                                                                f"({entry_['error']}); --force deletes it anyway",
                            cause=entry_["code"])
        entry_ = None
    if entry_ is None and not force:
        return _refused(doc_id, "retention_not_ended", "its retention period has not ended (see ekte retention "
                                                       "due); --force deletes it anyway")
    key = doc_key(row["sha256"])
    holder = j.claim(key)
    if holder is not None:
        return _refused(doc_id, "busy", f"another ekte process works on it ({holder.describe()})")
    row = j.get(row["sha256"]) or row  # as it is now, under the claim (a run may have archived it meanwhile)
    if entry_ is not None and entry_["basis"] == "quarantined" and row["state"] in ARCHIVE_STATES:
        entry_ = None  # a quarantine entry's period ended, not the archived document's
        if not force:
            j.release(key)
            return _refused(doc_id, "retention_not_ended", f"it is {row['state']} and its retention period has "
                                                           "not ended (see ekte retention due); --force deletes "
                                                           "it anyway")
    try:
        if note_personal(session.workdir, row, reason):
            return _refused(doc_id, "note_personal", "the --note names a word of the document's own fields (a "
                                                     "name, street or town): it is kept for ever — leave it out")
        damage = _damage(session, row)
        if damage and not damaged:
            return _refused(doc_id, "archive_damaged", f"its archive folder does not hold ({'; '.join(damage)}: "
                                                       "see ekte verify); --damaged deletes it, recording the damage")
        tomb = _record(session, row, reason, actor, entry_, damage)  # first: a deletion begun is never forgotten
        removed, changed, kept = _remove_files(session, row)
        left = sorted(str(p.relative_to(session.workdir)) for p in Path(session.workdir).glob(f"archive/*/{doc_id}"))
        if left:  # fresh38 F12: never "deleted" while a copy of the archive folder remains
            return _refused(doc_id, "not_removed", f"{', '.join(left)} could not be removed; the deletion is "
                                                   f"begun (deleted/{doc_id}.json): remove it, then run the deletion again")
        j.tombstone(tomb)
    finally:
        j.release(key)
    shown = lambda names: [display(n) for n in names]  # noqa: E731 - a name not UTF-8: \xNN (valid JSON)
    return {"id": doc_id, "deleted": True, "forced": entry_ is None, "removed": shown(removed),
            "changed": shown(changed), "kept": shown(kept)}


def _damage(session: Any, row: Any) -> list[str]:
    """What ``ekte verify`` would say about each archive folder of the document — file names other than
    ekte's own left out (they may name a person)."""
    import re

    from ekte.evidence.intact import folder_problems

    out: list[str] = []
    for folder in sorted(Path(session.workdir).glob(f"archive/*/{row['id']}")):
        for p in folder_problems(session.j, row["id"], folder):
            out.append(re.sub(r"^.+(: a file metadata\.json does not record)$", r"a file\1", p))
    return list(dict.fromkeys(out))


def _record(session: Any, row: Any, reason: str, actor: str, entry_: dict[str, Any] | None,
            damage: list[str] | None = None) -> dict[str, Any]:
    """The deletion's record outside the journal (:mod:`ekte.journal.deletions`: what ``ekte journal rebuild``
    restores the tombstone from), written before anything is removed."""
    from ekte.journal import deletions
    from ekte.model import now_iso

    ends = (entry_ or {}).get("ends") or _own_end(session, row)  # forced: when its period would have ended
    tomb = {"doc_id": row["id"], "sha256": row["sha256"], "doctype": row["doctype"], "received": row["first_seen"],
            "deleted": now_iso(), "retention_ends": ends, "reason": reason, "actor": actor, "forced": entry_ is None,
            **({"damage": damage} if damage else {})}
    deletions.write(session.workdir, tomb)
    return tomb


def _own_end(session: Any, row: Any) -> str | None:
    """The end of the archived document's own retention period (None: no archive folder, no rule)."""
    try:
        meta = json.loads((session.j.archive_dir(row) / "metadata.json").read_text("utf-8"))
        known = journal_facts(session.j).get(row["id"])
        return (entry(meta, session.profile, known) or {}).get("ends")
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _remove_files(session: Any, row: Any) -> tuple[list[str], list[str], list[str]]:
    """Remove every copy ekte keeps of the document in the working directory, and the original it moved
    wherever that lies (:mod:`ekte.evidence.retention_files`); the names of what was removed and
    of what was written again without it (a komXwork batch manifest),
    relative to it, and the notes on what is kept."""
    import shutil

    from ekte import fsutil
    from ekte.evidence.retention_files import _shown, candidates, forget_exports, prune_done, recorded
    from ekte.typemodel import mark_for_retraining

    wd = Path(session.workdir).resolve()
    paths, kept, originals = candidates(session, row)
    move_roots = recorded(session, row)[1]
    removed, gone_files = [], []
    for p in dict.fromkeys(Path(p) for p in paths):
        if not (p.exists() or p.is_symlink()):
            continue
        if p not in originals and wd not in p.resolve().parents:
            kept.append(f"{p} (outside the working directory)")
            continue
        shown = _shown(wd, p)  # relative to the working directory inside it
        if p.is_dir() and not p.is_symlink():
            gone = p.with_name(f"{fsutil.TMP_PREFIX}deleted-{p.name}")
            p.rename(gone)  # out of sight at once (verify and readers skip these), then removed
            shutil.rmtree(gone)
        else:
            p.unlink()
            gone_files.append(p.resolve().parent / p.name)
        removed.append(shown)
    removed += [_shown(wd, f) for f in prune_done(session, gone_files, move_roots)]
    told = forget_exports(session, row)
    removed += [_shown(wd, Path(p)) for p in told["removed"]]
    changed = [_shown(wd, Path(p)) for p in told["changed"]]
    kept += [f"models/{m}: trained with this document (no words of it; its share of the weights stays until "
             "the next ekte train --from-reviews) — marked for retraining" for m in mark_for_retraining(wd, row["id"])]
    return removed, changed, list(dict.fromkeys(kept + told["kept"]))
