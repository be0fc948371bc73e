"""Before ekte writes an archive folder again or hands it to a DMS: the
folder checked as ``ekte verify`` checks it, so that the ordinary work
that follows damage never launders it (a re-archived copy with a new,
"good" hash; an export labelled with the hash of the undamaged copy).

* :func:`require_intact` — before re-archiving (a clerk's accept, correct
  or reject, the sample check's result): every file ``metadata.json``
  records against its SHA-256 (check ``files`` of :mod:`ekte.evidence.verify`:
  ``document.pdf``, the original, the transfer note, files delivered with
  the document), its journal-known facts against the journal (type, received,
  source, size, media type, pages, the transfer note's results:
  :mod:`ekte.evidence.facts`, as the export checks them) and every field value
  of ``metadata.json`` against the audit trail (check ``audit-chain``,
  :func:`ekte.evidence.trail.field_problems`).
  Broken → :class:`ArchiveDamaged`: nothing is written.
* :func:`export_problems` — before any connector gets the document (one
  place: :func:`ekte.pipeline.delivery.export`): ``document.pdf`` (the
  bytes the DMS files) against the archive SHA-256 of ``metadata.json``
  and of the document being exported, its journal-known facts (type,
  received, source, size, media type, pages: :mod:`ekte.evidence.facts`)
  against the journal, and the field values (both ways, with their
  method) against the audit trail.  One SHA-256 of ``document.pdf`` per export; the original
  is not read.

Both read the trail through the caller's open journal.  What they do not
check (``ekte verify`` does): seals, time stamps, the PDF's XMP, the
journal's hash chain as a whole and the chain heads recorded in
``metadata.json`` — those need the whole journal or a PDF parser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ekte import fsutil
from ekte.errors import ConfigError, ExitCode

METADATA, PDF = "metadata.json", "document.pdf"


class ArchiveDamaged(ConfigError):
    """An archive folder no longer holds what was archived: the action is refused, nothing written
    (exit code 1, a document that needs attention; the station answers 409)."""

    exit_code = ExitCode.DOCUMENTS_NEED_ATTENTION

    def __init__(self, doc_id: str, problems: list[str]):
        self.doc_id, self.problems = doc_id, list(problems)
        super().__init__(f"document {doc_id}: its archive folder is damaged ({'; '.join(problems)}); nothing was "
                         f"written — ekte verify {doc_id} names what broke")


def _meta(folder: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads((Path(folder) / METADATA).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _fields(journal: Any, meta: dict[str, Any], events: list[Any]) -> list[str]:
    from ekte.evidence import trail

    return trail.field_problems(meta, events, lambda: trail.since(journal.db))


def folder_problems(journal: Any, doc_id: str, folder: Path) -> list[str]:
    """What ``ekte verify`` would say about *folder*'s files and field values (empty: it holds)."""
    from ekte.evidence.verify import Ctx, check_files

    meta = _meta(folder)
    if meta is None:
        return [f"{METADATA} is missing or not valid JSON"]
    events = journal.history(doc_id)  # read once for the facts and the fields
    return (check_files(Ctx(doc_id, Path(folder), None, meta))  # type: ignore[arg-type]
            + _facts(journal, doc_id, folder, meta, events) + _fields(journal, meta, events))


def require_intact(journal: Any, doc_id: str, folder: Path) -> None:
    """Refuse (:class:`ArchiveDamaged`) to write *folder* again when it does not hold what was archived."""
    found = folder_problems(journal, doc_id, folder)
    if found:
        raise ArchiveDamaged(doc_id, found)


def export_problems(journal: Any, doc_id: str, folder: Path, declared: str | None) -> list[str]:
    """Why *folder*'s archival copy must not go to a DMS (empty: it may): ``document.pdf``'s bytes against
    ``metadata.json``'s archive SHA-256 and the one the export declares (*declared*), and the field values of
    ``metadata.json`` against the audit trail."""
    meta = _meta(folder)
    if meta is None:
        return [f"{METADATA} is missing or not valid JSON"]
    want = meta.get("archive_sha256") or (meta.get("archival") or {}).get("sha256")
    path = Path(folder) / PDF
    got = fsutil.sha256_file(path) if path.is_file() else None
    out = []
    if got is None:
        out.append(f"{PDF} is missing")
    elif got != want:
        out.append(f"{PDF} was changed or damaged (SHA-256 differs from {METADATA})")
    elif declared and declared != want:
        out.append(f"{METADATA} records another SHA-256 of {PDF} than the document being exported")
    events = journal.history(doc_id)  # read once for the facts and the fields
    return out + _facts(journal, doc_id, folder, meta, events) + _fields(journal, meta, events)


def _facts(journal: Any, doc_id: str, folder: Path, meta: dict[str, Any], events: list[Any]) -> list[str]:
    """metadata.json's journal-known facts (type, received, source, …: :mod:`ekte.evidence.facts`) against the
    journal's record of the document (*events*: its audit trail, read once with the field check's)."""
    from ekte.evidence import facts

    row = journal.db.execute(f"SELECT {facts.COLUMNS} FROM documents WHERE id=?", (doc_id,)).fetchone()
    out = facts.row_problems(meta, dict(row), Path(folder), events) if row is not None else []
    note = (meta.get("archival") or {}).get("transfer_note")
    path = Path(folder) / str((note or {}).get("file") or "transfervermerk.xml")
    return out + (facts.note_problems(note, path.read_bytes()) if isinstance(note, dict) and path.is_file() else [])
