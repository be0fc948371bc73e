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


def entry(meta: dict[str, Any], profile: "Profile") -> dict[str, Any] | None:
    """The retention facts of one archived document (None: no rule applies)."""
    from ekte.connectors.common import record
    from ekte.model import document_from_metadata

    doc = document_from_metadata(meta)
    rec = record(doc, profile)
    years = rec.get("retention_years")
    if not years or not rec.get("document_date"):
        return None
    start = dt.date.fromisoformat(rec["document_date"])
    basis = "document_date" if rec["document_date"] != rec.get("received_date") else "received"
    return {"id": doc.id, "doctype": doc.doctype, "aktenzeichen": rec.get("aktenzeichen"), "date": start.isoformat(),
            "basis": basis, "years": years, "ends": period_end(start, int(years), profile.retention.starts).isoformat()}


def due(workdir: Path, profile: "Profile", as_of: str | None = None) -> list[dict[str, Any]]:
    """Every archived document whose retention ended before *as_of*
    (default today), oldest first."""
    from ekte.stats import BadDate, day

    try:  # as the other date options: 2026-01-31 or 31.01.2026
        today = dt.date.fromisoformat(day(as_of) or "") if as_of else dt.date.today()
    except (BadDate, ValueError):
        raise ConfigError(f"--as-of wants a date like 2026-01-31 or 31.01.2026, not {as_of!r}") from None
    root = Path(workdir) / "archive"
    if not root.is_dir():
        raise ConfigError(f"no archive in {workdir}")
    out = []
    for meta_path in sorted(root.glob("*/*/metadata.json")):
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            e = entry(meta, profile)
        except (OSError, ValueError, KeyError, TypeError):
            e = {"id": meta_path.parent.name, "error": "metadata.json cannot be read (see ekte verify)"}
            out.append(e)
            continue
        if e is not None and dt.date.fromisoformat(e["ends"]) < today:
            e["overdue_days"] = (today - dt.date.fromisoformat(e["ends"])).days
            e["archive"] = str(meta_path.parent)
            out.append(e)
    return sorted(out, key=lambda e: (e.get("ends", ""), e["id"]))


# -- ekte retention delete -----------------------------------------------------------------

def delete(session: Any, ids: list[str], reason: str, *, actor: str, force: bool = False,
           as_of: str | None = None) -> list[dict[str, Any]]:
    """Delete documents for good (never automatic): the archive folder, the
    export copies ekte keeps in the working directory (a DMS keeps its own),
    the review and quarantine entries and cached page images; the journal
    keeps a tombstone and an audit entry without personal data (id, SHA-256,
    type, dates, reason, actor), and empties the old/new values and details
    of the document's earlier events.  A document whose retention has not
    ended is refused unless *force*; one that another process works on is
    refused.  One result per id: ``{"id", "deleted", "error"?, …}``."""
    reason = (reason or "").strip()
    if not reason:
        raise ConfigError("--reason: say why the documents are deleted (it is kept in the audit trail)")
    due_ids = {e["id"]: e for e in due(session.workdir, session.profile, as_of) if "error" not in e} \
        if (Path(session.workdir) / "archive").is_dir() else {}
    return [_delete_one(session, i, reason, actor, force, due_ids) for i in ids]


def _delete_one(session: Any, given: str, reason: str, actor: str, force: bool,
                due_ids: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from ekte.journal.claims import doc_key
    from ekte.pipeline.queue import resolve

    j = session.j
    try:
        row = resolve(j, given)
    except ConfigError as e:
        return {"id": given, "deleted": False, "error": str(e)}
    doc_id, entry_ = row["id"], due_ids.get(row["id"])
    if entry_ is None and not force:
        return {"id": doc_id, "deleted": False, "error": "its retention period has not ended (see ekte retention "
                                                         "due); --force deletes it anyway"}
    key = doc_key(row["sha256"])
    holder = j.claim(key)
    if holder is not None:
        return {"id": doc_id, "deleted": False, "error": f"another ekte process works on it ({holder.describe()})"}
    try:
        removed = _remove_files(session, row)
        j.tombstone(row, reason=reason, actor=actor, forced=entry_ is None,
                    retention_ends=(entry_ or {}).get("ends"))
    finally:
        j.release(key)
    return {"id": doc_id, "deleted": True, "forced": entry_ is None, "removed": removed}


def _remove_files(session: Any, row: Any) -> list[str]:
    """Remove what ekte keeps of the document in the working directory; the
    names of what was removed, relative to it."""
    import shutil

    from ekte import fsutil

    wd = Path(session.workdir).resolve()
    doc_id = row["id"]
    paths = [session.j.archive_dir(row), wd / "archive" / doc_id[:2] / doc_id, wd / "review" / f"{doc_id}.json",
             wd / "quarantine" / doc_id]
    # an export of this document alone (its id in the name); a package of a whole Vorgang is left
    for cname, loc in session.j.exports_of(doc_id).items():
        tail = Path(loc).as_posix().partition(f"/export/{cname}/")[2]  # recorded before the workdir was moved
        if doc_id in Path(loc).name:
            paths += [wd / loc] + ([wd / "export" / cname / tail] if tail else [])
    paths.append(wd / "cache" / "pages" / doc_id)
    removed = []
    for p in paths:
        if p is None or not (p.exists() or p.is_symlink()):
            continue
        p = Path(p)
        try:
            rel = p.resolve().relative_to(wd)
        except ValueError:
            continue  # not ekte's (a DMS hot folder, a CMIS location): the DMS keeps its own retention
        if p.is_dir() and not p.is_symlink():
            gone = p.with_name(f"{fsutil.TMP_PREFIX}deleted-{p.name}")
            p.rename(gone)  # out of sight at once (verify and readers skip these), then removed
            shutil.rmtree(gone)
        else:
            p.unlink()
        removed.append(str(rel))
    return removed
