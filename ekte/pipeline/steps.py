"""The coordinator's steps for one document: a worker's result → review
decision → Aktenzeichen → ``before_archive`` → archive → export.

:func:`guarded` is THE one place where a :class:`DocumentError` (from
intake, a worker, a plugin at any processor point) or an OS error turns
into quarantine; every step runs through it."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any, Callable

from ekte import fsutil
from ekte.errors import ConfigError, DocumentError, EnvironmentFailure, environment_failure
from ekte.journal import QUARANTINED, REVIEW, ARCHIVED, ClaimLost
from ekte.journal.claims import doc_key
from ekte.model import Document, ErrorInfo, Field, Status, now_iso
from ekte.pipeline import delivery
from ekte.pipeline.tasks import WorkItem, WorkResult
from ekte.plugins import run_processors
from ekte.stats import channel_of
from ekte.stages import archive as archive_stage
from ekte.stages import intake

log = logging.getLogger("ekte")


def guarded(session: Any, doc: Document, src: Path | None, step: Callable[[], None]) -> bool:
    """Run *step* for *doc*.  A DocumentError or OSError quarantines the
    document (and gives its claim back); a lost claim leaves it to the
    process that took it over.  True when the step went through."""
    try:
        step()
        return True
    except DocumentError as e:
        info = ErrorInfo(e.code, e.message, e.stage)
    except OSError as e:
        failure = environment_failure(e, str(session.workdir))
        if failure is not None:  # the disk, not the document: the run stops (see runs.ingest)
            raise failure from None
        log.error("doc %s: I/O error (%s)", doc.id, e.strerror or type(e).__name__)
        info = ErrorInfo("internal_error", f"I/O error while archiving ({e.strerror or type(e).__name__}).", "archive")
    except ClaimLost:
        log.warning("doc %s: taken over by another process (this one's lease had run out)", doc.id)
        doc.status, doc.duplicate_of, doc.error = Status.DUPLICATE, doc.id, None
        return False
    quarantine(session, doc, info, src)
    session.j.release(doc_key(doc.sha256))
    return False


def reject(session: Any, doc: Document, err: ErrorInfo, src: Path | None) -> Document:
    """Quarantine *doc* with *err* (found by intake or returned by a worker)."""

    def fail() -> None:
        raise DocumentError(err.code, err.message, err.stage)

    guarded(session, doc, src, fail)
    return doc


def quarantine(session: Any, doc: Document, info: ErrorInfo, src: Path | None) -> None:
    """``quarantine/<id>/``: a copy of the original and ``reason.json``; the
    journal says quarantined with the reason."""
    doc.status, doc.error = Status.QUARANTINED, info
    try:
        with fsutil.staged_dir(session.workdir / "quarantine" / doc.id) as tmp:
            if src is not None and info.code not in intake.NOT_COPIED:
                copy = tmp / ("original" + intake.extension_for(doc.media_type))
                try:  # the bytes that were hashed, from a regular file: never a link's target
                    intake.copy_verified(src, copy, doc.sha256)
                except (OSError, DocumentError):
                    copy.unlink(missing_ok=True)  # unreadable, changed or not a file: the reason says so
            fsutil.write_json(tmp / "reason.json", {
                "code": info.code, "message": info.message, "stage": info.stage,
                "id": doc.id, "sha256": doc.sha256, "source": doc.source, "time": now_iso(),
            })
    except OSError as e:
        failure = environment_failure(e, str(session.workdir))
        if failure is not None:
            raise failure from None
        log.error("doc %s: quarantine folder not written (%s); the original stays where it is", doc.id, e.strerror)
    try:
        session.j.set_state(doc.sha256, QUARANTINED, error_code=info.code, error_message=info.message, attempts=0,
                            event=[("intake", "channel", channel_of(doc)),
                                   (info.stage or "intake", "quarantined", info.code)])
    except ClaimLost:
        pass  # another process took it over: it decides
    # a clerk's rejection is her decision, not a warning: no English log line beside her German one (fresh35 F10)
    (log.info if info.code == "rejected" else log.warning)("doc %s quarantined: %s", doc.id, info.code)


def finish(session: Any, item: WorkItem, result: WorkResult) -> Document:
    """Everything after the worker: review decision, archive, export; the
    claim is given back at the end."""
    doc = result.document
    assert doc is not None
    if guarded(session, doc, item.path, lambda: _finish(session, doc, result)) and not doc.extra.get("unpublished") \
            and session.j.holds(doc_key(doc.sha256)):
        session.j.release(doc_key(doc.sha256))
    return doc


def published(session: Any, item: WorkItem, doc: Document, failed: str | None) -> None:
    """After the batch holding *doc*'s export folders was published (or, with *failed*, was not): its
    exports recorded and its claim given back — as :func:`finish` does for a document exported at once."""
    def record() -> None:
        if failed is not None:
            delivery.unpublished(session, doc, failed)
        doc.extra.pop("unpublished", None)
        delivery.settle(session, doc, release=True)

    if guarded(session, doc, item.path, record) and session.j.holds(doc_key(doc.sha256)):
        session.j.release(doc_key(doc.sha256))


def _finish(session: Any, doc: Document, result: WorkResult) -> None:
    if result.error is not None:
        if result.error.stage == "environment":  # the scratch space is full: stop, the document is not to blame
            raise EnvironmentFailure(result.error.code, result.error.message)
        raise DocumentError(result.error.code, result.error.message, result.error.stage)
    done = [("ocr", "done", f"route={doc.archival.get('route')} pages={doc.pages}")]
    original, archival = result.files(session.scratch / f"{doc.id}-result")
    try:
        if session.needs_review(doc):
            archive(session, doc, original, archival, review=True, events=done)
        else:
            adir = archive(session, doc, original, archival, events=done)
            delivery.export(session, doc, adir, release=True, batch=getattr(session, "batch", None))
    finally:
        shutil.rmtree(session.scratch / f"{doc.id}-result", ignore_errors=True)


def archive(session: Any, doc: Document, original: Path, archival: Path, *, review: bool = False,
            processors: bool = True, events: list[tuple[str, str, str]] | None = None) -> Path:
    """Aktenzeichen (unless for review) → ``before_archive`` → the archive
    folder → the journal, with the number confirmed in the same
    transaction (given back if anything fails before)."""
    j = session.j
    key = None if review else reserve_aktenzeichen(session, doc)
    stale = None
    try:
        if processors:
            if getattr(session, "batch", None) is not None and session.pm.hook.ekte_process.get_hookimpls():
                session.batch.flush_now()  # a plugin may take long: the batch's documents are recorded first
            run_processors(session.pm, "before_archive", doc, session.profile)
        adir = archive_stage.write_archive(session.workdir, doc, original, archival, session.profile,
                                            journal=session.j)
        cols = dict(doctype=doc.doctype, confidence=doc.confidence, pages=doc.pages, archive_path=str(adir))
        evs = (events or []) + audit_events(session, doc, events or [], first=processors) + \
            [("archive", "archived", doc.archival.get("format", ""))]
        if processors:  # first archived (not a review decision): how it arrived, for the statistics
            evs.insert(0, ("intake", "channel", channel_of(doc)))
        if review:
            to_review(session, doc)
            evs.append(("classify", "review", f"confidence {doc.confidence:.3f}"))
        stale = stale_quarantine(session, doc)
        if stale is not None:
            evs.append(("quarantine", "closed", {"code": stale}))
        j.set_state(doc.sha256, REVIEW if review else ARCHIVED, number=key, event=evs, **cols)
    except BaseException:
        if key is not None:
            j.release_number(key)
        raise
    if stale is not None:
        close_quarantine(session, doc)
    if review:
        log.info("doc %s waits for review (%s %.2f)", doc.id, doc.doctype, doc.confidence or 0)
    return adir


#: what ekte writes into a quarantine entry (``original.<ext>`` besides): an entry holding anything else is left
QUARANTINE_FILES = ("reason.json", "released.json")


def stale_quarantine(session: Any, doc: Document) -> str | None:
    """The reason code of *doc*'s quarantine entry when it is one of the same bytes that only ekte wrote (a
    copy of the original, ``reason.json``, ``released.json``): archived now, it is closed; else None."""
    folder = session.workdir / "quarantine" / doc.id
    if not folder.is_dir():  # (one stat per archived document)
        return None
    reason = read_review_item(folder / "reason.json") or {}
    try:
        ours = all(p.name in QUARANTINE_FILES or (p.name.startswith("original") and p.is_file() and not p.is_symlink())
                   for p in folder.iterdir())
    except OSError:
        ours = False
    if reason.get("sha256") != doc.sha256 or not ours:
        log.warning("doc %s: archived; its quarantine entry is not only ekte's copy of these bytes: left", doc.id)
        return None
    return str(reason.get("code") or "?")


def close_quarantine(session: Any, doc: Document) -> None:
    """Remove *doc*'s quarantine entry once the archive folder (written and synced by ``write_archive``)
    and the journal's new state with its ``quarantine/closed`` event are durable: the archive holds the
    same original, so nothing is lost; a crash before leaves the entry, which retention and the
    quarantine listing judge by the journal's state."""
    folder = session.workdir / "quarantine" / doc.id
    gone = folder.with_name(f"{fsutil.tmp_prefix()}closed-{doc.id}")  # a dead process's leftover: cleaned
    try:
        session.j.sync()  # (group commit: else at the batch's end) — not synced, the entry stays
        folder.rename(gone)  # out of sight at once, then removed
        fsutil.fsync_dir(folder.parent)
        shutil.rmtree(gone)
    except OSError as e:
        log.warning("doc %s: its closed quarantine entry was not removed (%s)", doc.id, e.strerror)


def audit_events(session: Any, doc: Document, pending: list[tuple[str, str, Any]], *,
                 first: bool) -> list[tuple[str, str, Any]]:
    """For the audit trail: the classification (when first archived) and
    every field whose value differs from the one the trail knows (old →
    new), the *pending* events of this archiving counted."""
    from ekte.journal import audit

    out: list[tuple[str, str, Any]] = []
    c = doc.classification
    if first and c is not None:
        out.append(("classify", "classified", {"new": c.doctype, "confidence": round(c.confidence or 0.0, 3),
                                               "method": c.method}))
    known = audit.field_values(session.j.history(doc.id))
    for ev in pending:
        _d, _a, name, _old, new = audit.split(ev[2], "")
        if name and ev[1] in audit.FIELD_EVENTS:
            known[name] = new
    for name, f in doc.fields.items():
        value = audit.as_text(f.value)
        if known.get(name) != value:
            out.append(("extract", "field-set", {"field": name, "old": known.get(name), "new": value,
                                                 "method": f.method}))
    return out


SAMPLE_REASON = "Stichprobe (sample check): compare the scan with the paper"


#: a field's review reason begins with its name ("nachname: confidence 0.52 < 0.9", "geburtsdatum: not found")
_FIELD_REASON = re.compile(r"([a-z][a-z0-9_]*): ")


def to_review(session: Any, doc: Document) -> None:
    """``review/<id>.json`` (``archive`` absolute, as ``--json`` has it: fresh39 F6), and why, for the
    ``--json`` row (``review``): the type below ``classify.threshold``, the needed fields unsure or missing
    (their names), every reason as the entry has it — no value."""
    c = doc.classification
    sample = session.sample_check(doc)
    threshold = session.profile.classify.threshold
    reasons = ([SAMPLE_REASON] if sample else []) + doc.extra.get("review_fields", [])
    fsutil.write_json(session.workdir / "review" / f"{doc.id}.json", {
        "id": doc.id, "sha256": doc.sha256, "archive": os.path.abspath(doc.archive_path) if doc.archive_path else None,
        "time": now_iso(), "doctype": doc.doctype, "confidence": doc.confidence, "threshold": threshold,
        "candidates": [{"doctype": x.doctype, "score": round(x.score, 4)} for x in (c.candidates if c else [])][:3],
        "fields": reasons, **({"sample_check": True} if sample else {}),
    })
    doc.extra["review"] = review_why(reasons, doc.confidence, threshold, sample)
    doc.status = Status.REVIEW


def review_why(reasons: list[str], confidence: float | None, threshold: float, sample: bool) -> dict[str, Any]:
    """The ``--json`` row's ``review`` of a document in review (its entry's *reasons*)."""
    unsure = confidence is None or confidence < threshold
    return {"type_unsure": unsure,
            "fields": list(dict.fromkeys(m.group(1) for r in reasons if (m := _FIELD_REASON.match(r)))),
            "reasons": ([f"type: confidence {confidence or 0.0:.2f} < {threshold:g}"] if unsure else []) + reasons,
            **({"sample_check": True} if sample else {})}


def reserve_aktenzeichen(session: Any, doc: Document) -> str | None:
    """A document without an Aktenzeichen gets one from the profile's
    template (the parts of one submission share one).  Returns the key
    under which the number is reserved, or None."""
    tmpl = session.profile.extract.aktenzeichen_template
    if not tmpl or "aktenzeichen" in doc.fields or not doc.doctype:
        return None
    dtype = session.profile.doctypes.get(doc.doctype)
    aktenplan = dtype.aktenplan if dtype and dtype.aktenplan else doc.doctype
    year = doc.received[:4]
    gid = ((doc.extra.get("provenance") or {}).get("group") or {}).get("id")
    key = f"group:{gid}" if gid else doc.sha256
    try:
        az = session.j.reserve_number(key, f"aktenzeichen:{aktenplan}:{year}",
                                      lambda seq: tmpl.format(aktenplan=aktenplan, year=year, seq=seq,
                                                              doctype=doc.doctype))
    except (KeyError, ValueError, IndexError) as e:
        raise ConfigError(f"extract.aktenzeichen_template is invalid: {e}") from None
    doc.fields["aktenzeichen"] = Field(az, 1.0, None, None, "assigned")
    doc.log("extract", "aktenzeichen-assigned", "")
    return key


def resume_export(session: Any, row: Any, source: str) -> Document:
    """An archived document whose export did not finish (a connector
    failed, a run ended): export it now, under the caller's claim.  When
    nothing is left to export here, it is reported as a duplicate."""
    doc = Document(sha256=row["sha256"], source=source, size=0, media_type=row["media_type"] or "")

    def step() -> None:
        nonlocal doc
        doc, adir = delivery.load_archived(session, row["sha256"])
        doc.source = source
        doc.log("export", "resumed", "")
        known = session.j.exports_of(doc.id)
        delivery.export(session, doc, adir)
        asked = [c for c, r in doc.extra.get("export_results", {}).items() if not (r == "already-exported" and c in known)]
        if doc.status == Status.ARCHIVED and not asked:
            # no connector was left for this process to ask (it waits in a group another process exports)
            doc.status, doc.duplicate_of = Status.DUPLICATE, doc.id

    try:
        step()
    except (OSError, ValueError):
        doc.status = Status.EXPORT_FAILED
        doc.error = ErrorInfo("archive_missing", "the archive folder of this document is missing or damaged", "export")
    return doc


def read_review_item(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
