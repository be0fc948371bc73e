"""Documents submitted over HTTP (``POST /api/v1/documents``), on disk in
the working directory until the pipeline has settled them:

``api/incoming/``
    uploads being received (temporary names with the owner token; what a
    dead process left is removed at the next start).
``api/spool/<id>/``
    accepted, not yet settled: ``document`` (the bytes as received) and
    ``meta.json`` (what was delivered with them: the work item's
    ``given``).  Written in one step (:func:`ekte.fsutil.staged_dir`)
    *before* the client hears ``202``; removed only after the document is
    archived, in review or quarantined — so a crash after ``202`` loses
    nothing: the next start takes the folder up again.
``api/docs/<id>.json``
    the submission record (when, by which user, the caller's reference,
    the channel): the document's status may be read through the API.
``api/keys/<hash>.json``
    ``Idempotency-Key`` → the SHA-256 of the bytes sent with it (per user).

Idempotency: the same bytes are the same document (id = the first 16 hex
digits of their SHA-256), whoever sends them and however often; the same
key with other bytes is a conflict.  Decisions are taken under an
exclusive lock (``api/.lock``), so two server processes on one working
directory agree too."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ekte import fsutil
from ekte.model import now_iso
from ekte.pipeline.tasks import WorkItem

API_DIR = "api"
HEAD = 64 * 1024  # the upload's first bytes, kept for the intake's look at what it is (an e-mail: serve.intake_api)
DOCUMENT = "document"
META = "meta.json"


class KeyConflict(Exception):
    """The Idempotency-Key was used before with other bytes."""

    def __init__(self, doc_id: str) -> None:
        super().__init__(doc_id)
        self.doc_id = doc_id


@dataclass
class Accepted:
    id: str
    sha256: str
    created: bool  # a new document (202); False: known already (200)


class Upload:
    """The file part of an upload, written while it arrives (hashed on the way)."""

    def __init__(self, incoming: Path) -> None:
        incoming.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=fsutil.tmp_prefix(), dir=incoming)
        self.path = Path(name)
        self.file = os.fdopen(fd, "wb")
        self.hash = hashlib.sha256()
        self.size = 0
        self.head = bytearray()  # the first HEAD bytes, for a look at what it is

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.hash.update(data)
        self.size += len(data)
        if len(self.head) < HEAD:
            self.head += data[:HEAD - len(self.head)]

    def close(self) -> str:
        """Flush to disk; the SHA-256."""
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        return self.hash.hexdigest()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        self.path.unlink(missing_ok=True)


class Spool:
    _local_lock = threading.Lock()

    def __init__(self, workdir: Path) -> None:
        self.root = Path(workdir) / API_DIR
        self.incoming = self.root / "incoming"
        self.pending = self.root / "spool"
        self.records = self.root / "docs"
        self.keys = self.root / "keys"
        for d in (self.incoming, self.pending, self.records, self.keys):
            d.mkdir(parents=True, exist_ok=True)

    def upload(self) -> Upload:
        return Upload(self.incoming)

    def clean(self, is_dead: Any) -> None:
        """Remove uploads a dead process was receiving (never acknowledged)."""
        for f in self.incoming.iterdir():
            if is_dead(fsutil.tmp_owner(f.name)):
                f.unlink(missing_ok=True)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._local_lock:
            fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    def key_file(self, user: str, key: str) -> Path:
        return self.keys / (hashlib.sha256(f"{user}\0{key}".encode()).hexdigest() + ".json")

    def accept(self, upload: Upload, sha: str, given: dict[str, Any], record: dict[str, Any], *,
               user: str, key: str | None, known: Any) -> Accepted:
        """Take the received *upload* (SHA-256 *sha*) — or find the document
        it is already.  *known(sha)* says whether the journal has it (see
        ``intake_api._known``)."""
        doc_id = sha[:16]
        try:
            with self._locked():
                kf = self.key_file(user, key) if key else None
                if kf is not None and kf.exists():
                    was = json.loads(kf.read_text("utf-8"))
                    if was["sha256"] != sha:
                        raise KeyConflict(was["sha256"][:16])
                    return Accepted(doc_id, sha, False)
                created = not ((self.pending / doc_id).exists() or known(sha))
                self._write(upload, sha, given, {**record, "sha256": sha, "id": doc_id}, kf, created)
                return Accepted(doc_id, sha, created)
        finally:
            upload.path.unlink(missing_ok=True)

    def _write(self, upload: Upload, sha: str, given: dict[str, Any], record: dict[str, Any], kf: Path | None,
               created: bool) -> None:
        """The record, the key, then the spool entry — the last step, from which
        the pipeline takes it: when a write fails (a full disk), what this call
        wrote for a new document is removed again, nothing half-written stays."""
        rec = self.records / f"{record['id']}.json"
        fresh = [p for p in (rec, kf) if p is not None and not p.exists()]
        try:
            if created or rec in fresh:
                fsutil.write_json(rec, record)
            if kf is not None:
                fsutil.write_json(kf, {"sha256": sha, "time": now_iso()})
            if created:
                with fsutil.staged_dir(self.pending / record["id"]) as tmp:
                    os.rename(upload.path, tmp / DOCUMENT)
                    fsutil.write_json(tmp / META, {"sha256": sha, "given": given})
        except OSError:
            for p in fresh if created else []:
                p.unlink(missing_ok=True)
            raise

    # -- for the pipeline
    def waiting(self, skip: set[str] | frozenset[str] = frozenset()) -> Iterator[WorkItem]:
        """The accepted documents not yet settled (except *skip*), oldest first."""
        found = []
        for d in self.pending.iterdir():
            if d.name in skip or d.name.startswith(fsutil.TMP_PREFIX):
                continue
            with contextlib.suppress(OSError):
                found.append((d.stat().st_mtime, d))
        for _t, d in sorted(found):
            try:
                meta = json.loads((d / META).read_text("utf-8"))
            except (OSError, ValueError):
                continue
            yield WorkItem(d / DOCUMENT, dict(meta.get("given") or {}), source_plugin="api")

    def is_waiting(self, doc_id: str) -> bool:
        return (self.pending / doc_id / META).is_file()

    def done(self, doc_id: str) -> None:
        """The document is settled (the journal and the archive or the
        quarantine have it): its spool entry goes."""
        shutil.rmtree(self.pending / doc_id, ignore_errors=True)

    def record(self, doc_id: str) -> dict[str, Any] | None:
        if len(doc_id) != 16 or any(c not in "0123456789abcdef" for c in doc_id):
            return None
        try:
            return json.loads((self.records / f"{doc_id}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
