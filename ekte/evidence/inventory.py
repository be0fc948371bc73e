"""What ``ekte verify`` has to look at: the documents the journal holds as
archived (read through a read-only connection), the archive's document
folders, and, of the ids asked for without either, the ones the journal
holds as never archived."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ekte import fsutil
from ekte.evidence.facts import COLUMNS
from ekte.journal.rebuild import ARCHIVED, _rejected_out

#: journal states whose document has an archive folder (quarantined: only after a clerk's rejection)
KEPT = (*ARCHIVED, "quarantined")


def journal_rows(workdir: Path) -> dict[str, dict[str, Any]] | None:
    """Archived documents as the journal knows them (read-only; None when
    there is no journal)."""
    path = Path(workdir) / "journal.sqlite"
    if not path.is_file():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        db.row_factory = sqlite3.Row
        rows = db.execute(f"SELECT {COLUMNS} FROM documents "
                          f"WHERE state IN ({', '.join('?' * len(KEPT))})", KEPT).fetchall()
    finally:
        db.close()
    # rejected by a clerk: kept in the archive (state rejected) or archived, then sent to the quarantine
    return {r["id"]: dict(r) for r in rows if r["state"] != "quarantined" or _rejected_out(Path(workdir), r["id"])}


def archive_folders(workdir: Path) -> dict[str, Path]:
    """The document folders of the archive (``archive/<id[:2]>/<id>/``) by id; unfinished ones left out."""
    root = Path(workdir) / "archive"
    if not root.is_dir():
        return {}
    return {d.name: d for sub in root.iterdir() if sub.is_dir() and len(sub.name) == 2
            for d in sub.iterdir() if d.is_dir() and not d.name.startswith(fsutil.TMP_PREFIX)}


def never_archived(workdir: Path, ids: list[str]) -> dict[str, tuple[str, str]]:
    """Of *ids* (no archive folder, not archived by the journal), the ones the journal holds as never archived:
    id → (state, reason code)."""
    path = Path(workdir) / "journal.sqlite"
    if not ids or not path.is_file():
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        rows = db.execute(f"SELECT id, state, error_code FROM documents WHERE id IN ({', '.join('?' * len(ids))}) "
                          "AND state IN ('quarantined', 'received', 'released')", [i[:16] for i in ids]).fetchall()
    finally:
        db.close()
    return {i: (st, code or "") for i, st, code in rows}
