"""The evidence steps of the archive stage (``ekte/stages/archive.py``
calls them in this order):

1. :func:`transfer_note` — the TR-RESISCAN note of a scanned document
   (kept unchanged when the document is archived again);
2. :func:`unsealed_input` — when a sealed archival copy is archived again
   (review accepted), the bytes before the seal (the incremental update is
   cut off, checked against the recorded hash), so it is sealed once;
3. :func:`protect_pdf` — seal / time-stamp the archival PDF;
4. :func:`finish` — the SHA-256 of every file, the head of the audit
   chain (:mod:`ekte.evidence.anchor`), ``metadata.json`` and its detached
   seal / time stamp.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ekte import fsutil
from ekte.errors import DocumentError
from ekte.evidence import resiscan
from ekte.evidence.seal import P7S, TSR, EvidenceError

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile

log = logging.getLogger("ekte.archive")

#: keys of ``doc.archival`` this module derives (cleared before archiving again)
DERIVED = ("seal", "timestamp", "files", "unsealed", "transfer_note", "metadata_evidence", "audit")
#: files of the archive folder that are evidence about other files
EVIDENCE_FILES = (resiscan.NOTE, "metadata.json" + P7S, "metadata.json" + TSR)


def transfer_note(doc: "Document", profile: "Profile", original: Path, previous: Path | None) -> bytes | None:
    """The transfer note for *doc*, or None when it is not a scan (or
    notes are off).  A note written before (*previous* archive folder) is
    kept as it was: it describes the scan, which has not changed."""
    if not profile.resiscan.enabled or not resiscan.is_scanned(doc):
        return None
    if previous is not None and (previous / resiscan.NOTE).is_file():
        return resiscan.with_sample_result((previous / resiscan.NOTE).read_bytes(), doc.extra.get("sample_check"))
    from ekte.model import now_iso

    try:
        return resiscan.build_note(doc, profile, original, now_iso())
    except Exception as e:  # noqa: BLE001 - a scan without its note must not pass unnoticed
        log.debug("doc %s: transfer note failed", doc.id, exc_info=True)
        raise DocumentError("internal_error", f"The transfer note could not be written ({type(e).__name__}).",
                            "archive") from None


def unsealed_input(archival: Path, doc: "Document", scratch: Path) -> Path:
    """*archival* itself, or — when it is this document's sealed copy — its
    revision before the seal, written to *scratch*."""
    before = doc.archival.get("unsealed") or {}
    if not before.get("size") or not archival.is_file() or archival.stat().st_size <= int(before["size"]):
        return archival
    with open(archival, "rb") as f:
        data = f.read(int(before["size"]))
    if fsutil.sha256_bytes(data) != before.get("sha256"):
        raise DocumentError("internal_error", "The archival copy does not match its recorded unsealed revision.",
                            "archive")
    fsutil.write_bytes(scratch, data)
    return scratch


def reset(doc: "Document") -> None:
    for k in DERIVED:
        doc.archival.pop(k, None)


def _tsa_failed(doc: "Document", profile: "Profile", e: EvidenceError) -> None:
    if profile.timestamp.required:
        raise DocumentError("timestamp_failed", f"The time stamp could not be obtained: {e}", "archive")
    doc.warnings.append(f"no time stamp: {e}")
    log.warning("doc %s: archived without a time stamp (%s)", doc.id, e)


def _still_pdfa(target: Path, doc: "Document") -> None:
    """The final, sealed revision validated as PDF/A (:func:`ekte.evidence.checks.sealed_pdfa`): a seal that
    made the copy something else (PDF 2.0 for some keys) is ``seal_failed``, never a green ingest."""
    fmt = str(doc.archival.get("format") or "")
    if not fmt.upper().startswith("PDF/A-"):
        return
    from ekte.evidence.checks import sealed_pdfa

    try:
        found = sealed_pdfa(target, fmt[-2:].lower())
    except Exception as e:  # noqa: BLE001 - an unreadable sealed copy is no archival copy
        found = [f"the sealed copy cannot be read ({type(e).__name__})"]
    if found:
        raise DocumentError("seal_failed", f"the sealed copy is not {fmt} ({found[0]})", "archive")


def protect_pdf(target: Path, doc: "Document", profile: "Profile") -> str | None:
    """Seal and/or time-stamp the archival PDF; records what was done.
    Returns the SHA-256 of *target* when nothing was applied (read once:
    the caller records it), else None."""
    from ekte.evidence.seal import protect_pdf as _protect

    size, sha = target.stat().st_size, fsutil.sha256_file(target)
    try:
        done = _protect(target, profile)
    except EvidenceError as e:
        if not e.tsa:
            raise DocumentError("seal_failed", str(e), "archive") from None
        _tsa_failed(doc, profile, e)
        return None
    if not done:
        return sha
    _still_pdfa(target, doc)
    doc.archival["unsealed"] = {"size": size, "sha256": sha}
    doc.archival.update(done)
    if done.get("timestamp", {}).get("pdf") == "failed":
        _tsa_failed(doc, profile, EvidenceError(done["timestamp"]["error"], tsa=True))
    doc.log("archive", "sealed" if "seal" in done else "timestamped", ", ".join(sorted(done)))
    return None


def finish(folder: Path, doc: "Document", profile: "Profile", metadata_name: str, workdir: Path | None = None,
           journal: Any = None, known: dict[str, str] | None = None) -> None:
    """In the staged archive *folder*: hash every file, record the head of
    the audit chain (the journal of *workdir*, read through the open
    *journal* when given; :mod:`ekte.evidence.anchor`), write metadata.json,
    then its detached evidence.  *known*: hashes of files just written (not read again).  A TSA that fails (and is not required) leaves
    metadata.json without the time-stamp claim, re-written and re-sealed."""
    from ekte.evidence import anchor
    from ekte.evidence.seal import protect_file

    known = known or {}
    doc.archival["files"] = {p.name: known.get(p.name) or fsutil.sha256_file(p) for p in sorted(folder.iterdir())
                             if p.is_file() and p.name != metadata_name and p.name not in EVIDENCE_FILES[1:]}
    claims = {}
    if profile.seal.enabled:
        claims["signature"] = metadata_name + P7S
    if profile.timestamp.url:
        claims["timestamp"] = metadata_name + TSR
    if claims:
        doc.archival["metadata_evidence"] = claims
    head = anchor.record(workdir, doc.id, journal) if workdir is not None else None
    if head is not None:
        doc.archival["audit"] = head
    meta = folder / metadata_name
    # *folder* is staged (fsutil.staged_dir): made durable and shown as a whole; no fsync of its own
    meta.write_text(fsutil.json_text(doc.metadata_dict()), encoding="utf-8")
    if not claims:
        return
    try:
        protect_file(meta, profile)
    except EvidenceError as e:
        if not e.tsa:
            raise DocumentError("seal_failed", str(e), "archive") from None
        _tsa_failed(doc, profile, e)
        claims.pop("timestamp", None)
        if not claims:
            doc.archival.pop("metadata_evidence", None)
        meta.write_text(fsutil.json_text(doc.metadata_dict()), encoding="utf-8")
        (folder / (metadata_name + TSR)).unlink(missing_ok=True)
        if claims:
            protect_file_without_tsa(meta, profile)


def protect_file_without_tsa(meta: Path, profile: "Profile") -> None:
    from ekte.evidence.seal import protect_file

    plain = profile.model_copy(update={"timestamp": profile.timestamp.model_copy(update={"url": ""})})
    try:
        protect_file(meta, plain)
    except EvidenceError as e:
        raise DocumentError("seal_failed", str(e), "archive") from None


def embed_entry(note: bytes) -> dict[str, Any]:
    return {"name": resiscan.NOTE, "data": note, "mime": resiscan.MIME, "description": resiscan.DESCRIPTION,
            "relationship": "Supplement"}
