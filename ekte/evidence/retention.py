"""``ekte retention due``: documents whose retention period has ended.

The period is the profile's ``retention_years`` of the document's type
(the profile as it is now: a changed rule applies to documents archived
before).  It runs from the document's date (``antragsdatum``), else the
date it was received — from the end of that year (``retention.starts =
"year_end"``, the default, as German Aktenordnungen count) or from the
date itself (``"date"``).  ``retention_years = 0`` means: kept without
limit.  Nothing is deleted here; ``retention delete`` (with its audit
entry) comes with the audit trail."""

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
    try:
        today = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise ConfigError(f"--as-of wants a date like 2026-01-31, not {as_of!r}") from None
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
