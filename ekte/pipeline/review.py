"""The review queue: documents whose type was uncertain wait, archived but
not exported, until a clerk confirms or corrects them.

Plain functions over an open session, safe to call from any process at
any time (the daemon may be running): accepting claims the document,
re-archives it with the clerk's decision and exports it at once — the
accepting process delivers it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ekte.errors import ConfigError
from ekte.journal import ARCHIVED, EXPORTED, REVIEW
from ekte.journal.claims import doc_key
from ekte.model import Classification, Document, Field
from ekte.pipeline import delivery, steps
from ekte.profile import FIELD_NAMES
from ekte.stages import archive as archive_stage

#: how long an accept waits for another process that works on the same document
CLAIM_WAIT = 30.0


def review_file(session: Any, doc_id: str) -> Path:
    return session.workdir / "review" / f"{doc_id}.json"


def review_list(session: Any) -> list[dict[str, Any]]:
    """The documents waiting for review, with their top candidates."""
    j = session.j
    out = []
    for f in sorted((session.workdir / "review").glob("*.json")):
        item = steps.read_review_item(f)
        if item is None:
            continue
        row = j.get_by_id(item.get("id", ""))
        if row is not None and row["state"] == EXPORTED:
            f.unlink(missing_ok=True)  # left over from an accept that ended after its export
        if row is None or row["state"] != REVIEW:
            continue  # accepted (or being accepted) meanwhile
        adir = j.archive_dir(row)
        item["archive"] = str(adir) if adir else item.get("archive")
        out.append(item)
    return out


def review_accept(session: Any, doc_id: str, doctype: str | None = None,
                  sets: dict[str, str] | None = None) -> Document:
    """Confirm (or correct) a document waiting for review; export it now."""
    j = session.j
    row = j.get_by_id(doc_id)
    if row is None:
        raise ConfigError(f"no document with id {doc_id}")
    holder = j.wait_claim(doc_key(row["sha256"]), CLAIM_WAIT)
    if holder is not None:
        raise ConfigError(f"document {doc_id} is being worked on by another ekte process ({holder.describe()})")
    try:
        row = j.get_by_id(doc_id)
        if row["state"] == ARCHIVED and review_file(session, doc_id).exists():
            doc, adir = delivery.load_archived(session, row["sha256"])  # accepted before; its export was cut short
        elif row["state"] != REVIEW:
            raise ConfigError(f"document {doc_id} is not waiting for review (state: {row['state']})")
        else:
            doc, adir = _accept(session, row, doctype, sets or {})
        delivery.export(session, doc, adir)
        delivery.flush_groups(session)
        review_file(session, doc_id).unlink(missing_ok=True)
        return doc
    finally:
        j.release(doc_key(row["sha256"]))


def _accept(session: Any, row: Any, doctype: str | None, sets: dict[str, str]) -> tuple[Document, Path]:
    doc, adir = delivery.load_archived(session, row["sha256"])
    new_type = doctype or doc.doctype
    if new_type not in session.profile.doctypes:
        raise ConfigError(f"unknown document type '{new_type}' (known: {', '.join(session.profile.doctypes)})")
    for k in sets:
        if k not in FIELD_NAMES:
            raise ConfigError(f"unknown field '{k}' (known: {', '.join(FIELD_NAMES)})")
    old = doc.classification
    doc.classification = Classification(new_type, 1.0, old.candidates if old else [], "manual",
                                        old.distribution if old else {})
    doc.log("review", "accepted", f"{new_type}" + (f" (was {old.doctype} {old.confidence:.3f})" if old else ""))
    for k, v in sets.items():
        doc.fields[k] = Field(v, 1.0, None, None, "manual")
        doc.log("review", "field-set", k)
    original = next(adir.glob("original.*"))
    adir = steps.archive(session, doc, original, adir / archive_stage.ARCHIVE_PDF, processors=False,
                         events=[("review", "accepted", new_type)])
    return doc, adir
