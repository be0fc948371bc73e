"""Admission: what goes in.  Walking the input, containers that intake
sources unpack into work items (each carrying the metadata delivered with
it), and the per-file intake decisions — hash and sniff, duplicate,
claimed by another process, resume an unfinished export, refuse what
cannot be processed."""

from __future__ import annotations

import datetime as _dt
import logging
import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ekte import fsutil
from ekte.errors import REASONS, DocumentError
from ekte.journal import ARCHIVED, FINAL_STATES, QUARANTINED, REVIEW
from ekte.journal.claims import Holder, doc_key
from ekte.model import Document, ErrorInfo, Status
from ekte.pipeline import pagecount, steps
from ekte.pipeline.known import KEEP, Originals, done_before, known
from ekte.pipeline.tasks import ARCHIVE, WorkItem, WorkTask
from ekte.sources import Rejected
from ekte.stages import intake

log = logging.getLogger("ekte")

TASK = "task"  # claimed; send it to a worker
SETTLED = "settled"  # decided here (duplicate, resumed export, unreadable)
DEFERRED = "deferred"  # another live process works on it: ask again later
REJECTED = "rejected"  # claimed, but cannot be processed: quarantine it


@dataclass
class Outcome:
    kind: str
    doc: Document
    item: WorkItem
    error: ErrorInfo | None = None
    holder: Holder | None = None
    cand: intake.Candidate | None = None


def collect(session: Any, roots: list[Path], exclude: list[Path], source: Any | None = None,
            skipped: list[Path] | None = None, unlisted: list | None = None) -> list[Path]:
    """The inputs of a run: every file below *roots* (folders an intake
    source claims as one), or the roots themselves for an explicit source;
    the files skipped for a name in intake.ignore go to *skipped*, the folders that cannot be listed to
    *unlisted* (with the cause)."""
    if source is not None:
        return list(roots)
    claim = session.source_for if session.sources else None
    seen: set[str] = set()
    out = []
    for p in intake.walk(roots, session.profile.intake.ignore, exclude, claim=claim, skipped=skipped,
                           unlisted=unlisted):
        if _key(p) not in seen:  # one file named twice (a folder and a file in it, or two spellings): one input
            seen.add(_key(p))
            out.append(p)
    if skipped:  # and one skip, under the name it was given on the command line (fresh34 F3)
        by: dict[str, Path] = {}
        for p in skipped:
            if _key(p) not in by or p in roots:
                by[_key(p)] = p
        skipped[:] = by.values()
    return out


def _key(p: Path) -> str:
    """A file's identity among a run's inputs; the last part stays unresolved so that a link is still reported
    as a link."""
    return os.path.join(os.path.realpath(p.parent), p.name)


#: the codes :func:`check` gives (what intake refuses before any worker sees a file)
CHECK_CODES = ("empty", "too_large", "unsupported_type", "too_many_pages")


def check(cand: intake.Candidate, profile: Any) -> ErrorInfo | None:
    """What makes a file unprocessable before any worker sees it."""
    code = ("empty" if cand.size == 0
            else "too_large" if cand.size > int(profile.intake.max_file_mb * 1024 * 1024)
            else "unsupported_type" if cand.media_type not in intake.ACCEPTED else None)
    if code == "unsupported_type" and cand.media_type is None and _text_misnamed(cand.path):
        suffix = cand.path.suffix
        return ErrorInfo(code, f"The file holds plain text but its name ends in {suffix}: text files are taken by a "
                               ".txt name (or .text, .csv, .tsv, .log, .asc).", "intake")
    if code == "unsupported_type" and cand.media_type is None and _web_page(cand.path):
        return ErrorInfo(code, WEB_PAGE_AS_PDF if cand.path.suffix.lower() == ".pdf" else WEB_PAGE, "intake")
    if code is None and pagecount.over_limit(cand.path, cand.media_type, profile.intake.max_pages,
                                             profile.intake.max_decoded_mb):
        return ErrorInfo("too_many_pages", pagecount.MESSAGE.format(limit=profile.intake.max_pages), "intake")
    return ErrorInfo(code, REASONS[code], "intake") if code else None


#: an HTML file (a web page saved, or an error page a portal delivered) — fresh35 F10: "neither a PDF, … nor plain
#: text" was true but did not say what it is (the station translates both: ekte.serve.admin.EXACT)
WEB_PAGE_AS_PDF = ("The file is a web page (HTML), not a PDF: save the page as PDF (print it to PDF) and put that "
                   "into the inbox.")
WEB_PAGE = ("The file is a web page (HTML): web pages are not taken — save the page as PDF (print it to PDF) and put "
            "that into the inbox.")
_HTML = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*(?:<!doctype\s+html|<html[\s>])", re.I | re.S)


def _not_for_sources(path: Path, settings: Any) -> bool:
    """A PDF or TIFF file with more than ``max_pages`` pages, or a PDF the coordinator must not open
    (:func:`pagecount.opens_here`), by its first bytes (the hash and sniff come later)."""
    if not path.is_file():
        return False
    kind = intake.sniff(_head(path, 1024) or b"")
    n = pagecount.count(path, kind, settings.max_pages, settings.max_decoded_mb)  # (None: not opened here)
    return kind in (intake.PDF, intake.TIFF) and (n is None or n > settings.max_pages)


def _head(path: Path, size: int) -> bytes | None:
    """The first *size* bytes of a regular file (not following a link), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        return f.read(size) if stat.S_ISREG(os.fstat(fd).st_mode) else None


def _web_page(path: Path) -> bool:
    return bool(_HTML.match(_head(path, 4096) or b""))


def _text_misnamed(path: Path) -> bool:
    """Plain text under a name that claims another type (``.pdf``): intake never takes it as text."""
    from ekte.stages import office

    if path.suffix.lower() in office.TEXT_SUFFIXES:
        return False
    data = _head(path, office.TEXT_SNIFF_BYTES)
    return data is not None and office.is_text(data)


def not_read_sha(path: Path) -> str:
    """The identity of a file that was not read: made from its path."""
    return fsutil.sha256_bytes(b"ekte:not-read:" + os.fsencode(os.path.abspath(path)))


def unreadable(path: Path, e: DocumentError) -> Document:
    sha = not_read_sha(path)
    doc = Document(sha256=sha, source=intake.display(path), size=0, media_type="")
    doc.status, doc.error = Status.QUARANTINED, ErrorInfo(e.code, e.message, e.stage)
    return doc


#: ``--received-from mtime`` takes no modification time before this (a file system's or ZIP's default date)
MTIME_FLOOR = _dt.datetime(1990, 1, 1, tzinfo=_dt.timezone.utc).timestamp()
EARLY_MTIME = ("the file's modification time lies before 1990 (a default date, not an arrival): the day of the "
               "intake is the receipt date")


def file_date(doc: Document, item: WorkItem, session: Any) -> None:
    """``intake.received_from = "mtime"`` (``--received-from mtime``, migrating an old archive, fresh39 F3):
    the file's modification time is the document's arrival date (``received``; the Eingangsdatum without
    a received stamp, method ``file_date``), recorded in the journal and the history as such — as
    ``import-xdomea`` keeps the sender's Posteingangsdatum.  Not for what a system delivered with its own
    metadata nor a part unpacked from a container (its file is ekte's copy), nor a time in the future or
    before :data:`MTIME_FLOOR` (the intake's day then, with a warning)."""
    if session.profile.intake.received_from != "mtime" or item.given or item.package is not None:
        return
    try:
        mtime = os.stat(item.path).st_mtime
    except OSError:
        return
    if mtime > time.time():
        return
    if mtime < MTIME_FLOOR:  # a default time (FAT/ZIP 1980-01-01, epoch 0), not an arrival: the intake's day
        doc.warnings.append(EARLY_MTIME)
        log.warning("doc %s: %s", doc.id, EARLY_MTIME)
        return
    doc.received = _dt.datetime.fromtimestamp(mtime, _dt.timezone.utc).astimezone().isoformat(timespec="seconds")
    doc.extra["received_from"] = "mtime"
    doc.log("intake", "received-from", f"file modification time {doc.received}")
    # the chosen time as the entry's new value: the checks of metadata.json's ``received`` accept it (facts)
    session.j.event(doc.id, "intake", "received-from", {"new": doc.received})


def retake(doc: Document, row: Any, j: Any) -> None:
    """A quarantined document taken up again (the station's retry of a copy, a re-run after a fix): it arrived
    when and where it first did — the copy's path and today are not its provenance, nor the copy's time; the
    run reports it under this input (results.input_of).  An arrival date its first intake took from the file
    (:func:`file_date`, the journal's ``received-from`` entry) stays."""
    doc.extra["input"] = doc.source
    doc.source, doc.received = row["source"], row["first_seen"]
    chosen = [e["new"] for e in j.events_of(row["id"]) if e["event"] == "received-from" and e["new"]]
    if chosen:
        doc.received, doc.extra["received_from"] = chosen[-1], "mtime"


class Admission:
    """Intake decisions for one run.  It remembers the documents seen: in a
    run (*per_run*), the same content twice is a duplicate; in the daemon,
    only while the first one is in flight (:meth:`settled` forgets it)."""

    def __init__(self, session: Any, run_id: int, *, per_run: bool = True, roots: list[Path] | None = None) -> None:
        self.session = session
        self.run_id = run_id
        self.per_run = per_run
        self.seen: dict[str, WorkItem] = {}
        self.originals = Originals(KEEP if per_run else 0)
        self.reread: dict[str, bool] = {}  # input → taken again (changed while it was read)
        #: where files may be read from (the inputs, resolved, and this process's scratch)
        self.roots = intake.real_roots(list(roots) + [session.scratch]) if roots is not None else None

    def settled(self, doc: Document, item: WorkItem) -> None:
        if not self.per_run and self.seen.get(doc.sha256) is item:
            del self.seen[doc.sha256]
        if (self.per_run and doc.error is not None and doc.error.code == "changed_during_read"
                and not item.package and str(item.path) not in self.reread):
            # replaced while it was read (a file renamed over it): its new content is read once more in this
            # run, as a document of its own (the daemon takes it as a new arrival, watch.disposal)
            self.reread[str(item.path)] = False

    def again(self) -> list[Path]:
        """Inputs to read once more (see :meth:`settled`), each once."""
        out = [Path(p) for p, taken in self.reread.items() if not taken]
        for p in out:
            self.reread[str(p)] = True
        return out

    def admit(self, item: WorkItem, cand: intake.Candidate | None = None, deferred_since: str | None = None) -> Outcome:
        j = self.session.j
        if cand is None:
            big = intake.oversized(item.path, self.session.profile.intake.max_file_mb)
            if big is not None:  # its size is the problem: not read (a hash of 600 MB proves nothing here)
                return self.refused(item, big)
            try:
                cand = intake.inspect(item.path, roots=self.roots)
            except DocumentError as e:
                return self.refused(item, e)
        doc = Document(sha256=cand.sha256, source=intake.display(item.path), size=cand.size,
                       media_type=cand.media_type or "")
        if item.given:
            doc.extra["given"] = item.given
            doc.source = intake.display(item.given.get("source", doc.source))  # a plugin's, as text (not UTF-8 too)
        first = self.seen.setdefault(cand.sha256, item)
        twin = self._twin(doc, item, first, cand) if first is not item else None
        if twin is not None:
            return twin
        if deferred_since is not None:
            row = j.get(cand.sha256)
            if row is not None and row["state"] == QUARANTINED and row["updated"] >= deferred_since:
                # the process we waited for has just quarantined it
                doc.status, doc.error = Status.QUARANTINED, ErrorInfo(row["error_code"], row["error_message"], "")
                return Outcome(SETTLED, doc, item)
        claim = j.claim_intake(cand.sha256, doc.id, doc.source, cand.media_type, self.run_id)
        if claim.outcome == "final":
            # known: exported (a duplicate) or still waiting for review (reported so, never moved by --move)
            row = claim.row
            doc.status = Status.REVIEW if row["state"] == REVIEW else Status.DUPLICATE
            doc.duplicate_of = row["id"] if doc.status == Status.DUPLICATE else None
            known(doc, row, j)
            self.originals.remember(doc, row)  # its copies in this run: not read again
            done_before(doc, row, j.workdir)
            j.event(doc.id, "intake", "duplicate", "")
            return Outcome(SETTLED, doc, item)
        if claim.outcome == "busy":
            return Outcome(DEFERRED, doc, item, holder=claim.holder, cand=cand)
        retaken = claim.row is not None and claim.row["state"] == QUARANTINED
        if retaken:
            retake(doc, claim.row, j)
        if claim.row is not None and claim.row["state"] == ARCHIVED and j.archive_dir(claim.row) is not None:
            done = steps.resume_export(self.session, claim.row, str(item.path))  # archived by an interrupted run
            j.release(doc_key(cand.sha256))
            return Outcome(SETTLED, done, item)
        if not retaken:  # a re-take's file is a copy (the station's retry): its time is no arrival date
            file_date(doc, item, self.session)
        err = check(cand, self.session.profile)
        tries = int(claim.row["attempts"] or 0) if claim.row is not None and "attempts" in claim.row.keys() else 0
        if err is None and tries >= self.session.profile.ocr.max_attempts:  # its worker crashed too often: set aside
            err = ErrorInfo("ocr_failed", f"The worker processing this file died {tries} times before it "
                                          "finished; it is set aside.", "ocr")
        if err is not None:
            return Outcome(REJECTED, doc, item, error=err)
        return Outcome(TASK, doc, item, cand=cand)

    def _twin(self, doc: Document, item: WorkItem, first: WorkItem, cand: intake.Candidate) -> Outcome | None:
        """The same content a second time while the first is known here: a
        duplicate once the first is archived; quarantined once the first was
        (with this copy's own reason — the first's when it has none of its
        own — naming the first); taken up as a document (None) when only
        the first's name was the problem (plain text named ``.pdf``, this one
        ``.txt``); asked again while the first is in flight.  Never a
        duplicate of something that was not archived."""
        j = self.session.j
        row = None if j.holds(doc_key(cand.sha256)) else j.get(cand.sha256)  # held: the first is in flight here
        state = row["state"] if row is not None else None
        if state == QUARANTINED:
            own = check(cand, self.session.profile)
            if own is None and row["error_code"] in CHECK_CODES:  # the same bytes pass the intake check here
                return None
            earlier = intake.display(first.path) if first.path else row["source"]
            code, message = (own.code, own.message) if own is not None else (row["error_code"], row["error_message"])
            doc.status = Status.QUARANTINED
            doc.error = ErrorInfo(code, f"{message or ''} The same content was quarantined "
                                  f"as {earlier} (quarantine/{row['id']}).".strip(), "intake")
            return Outcome(SETTLED, doc, item)
        if state in (ARCHIVED, REVIEW) + FINAL_STATES:
            doc.status, doc.duplicate_of = Status.DUPLICATE, row["id"]
            self.originals.fill(doc, row, j)  # the original's type, fields, pages, folder, exports (fresh39 F4)
            return Outcome(SETTLED, doc, item)
        return Outcome(DEFERRED, doc, item, cand=cand)  # the first is still being processed

    def refused(self, item: WorkItem, e: DocumentError) -> Outcome:
        """A file that was not read (a link, a FIFO, socket or device, no
        permission): quarantined with its reason under an identity made from
        its path (there is no content to hash), so that it is reported once
        per run, with a quarantine entry, and never blocks the run."""
        doc = unreadable(item.path, e)
        err = ErrorInfo(e.code, e.message, e.stage or "intake")
        sha = doc.sha256
        claim = self.session.j.claim_intake(sha, doc.id, doc.source, None, self.run_id)
        if claim.outcome != "claimed":  # another process reports it right now
            doc.status, doc.error = Status.QUARANTINED, err
            return Outcome(SETTLED, doc, item)
        return Outcome(REJECTED, doc, item, error=err)

    def task(self, doc: Document, item: WorkItem, *, ocr_jobs: int = 1, mode: str = ARCHIVE) -> WorkTask:
        s = self.session
        return WorkTask(task_id=doc.id, document=doc, path=str(item.path), mode=mode, ocr_jobs=ocr_jobs,
                        timeout=float(s.profile.ocr.document_timeout or 0), scratch=str(s.scratch / doc.id))

    def expand(self, path: Path, staging: Path, source: Any | None = None) -> tuple[list[WorkItem], list[Outcome]]:
        """The work items for *path*: itself, or the parts an intake source
        unpacked from it (each with its delivered metadata).  Rejected parts
        and unreadable containers come back as outcomes to quarantine."""
        if intake.kind(path) not in ("file", "dir"):
            return [WorkItem(Path(path))], []  # a link or special file: no source is asked about it
        if source is None and _not_for_sources(Path(path), self.session.profile.intake):
            return [WorkItem(Path(path))], []  # admit() or the worker quarantines it: no source opens it (F9, bomb42)
        src = source or self.session.source_for(path)
        if src is None:
            return [WorkItem(Path(path))], []
        out = staging / f"p{len(list(staging.iterdir()))}"
        out.mkdir()
        name = getattr(src, "name", type(src).__name__)
        whole = Path(path) if Path(path).is_file() else None
        try:
            parts = src.expand(Path(path), out)
        except DocumentError as e:
            parts = [Rejected(intake.display(path), e.code, e.message, whole)]
        except Exception as e:  # noqa: BLE001 - a plugin's bug quarantines its container, nothing more
            log.warning("intake source %s failed: %s", name, type(e).__name__)
            parts = [Rejected(intake.display(path), "internal_error", f"intake source {name} failed ({type(e).__name__})",
                              whole)]
        items: list[WorkItem] = []
        rejected: list[Outcome] = []
        for it in parts:
            if isinstance(it, Rejected):
                rejected.append(self._rejected(it, intake.display(path), name))
                continue
            given = dict(it.given)
            given.setdefault("source", f"{intake.display(path)}!/{intake.display(Path(it.path).name)}")
            given["package"] = intake.display(path)
            given.setdefault("provenance", {}).setdefault("source_plugin", name)
            items.append(WorkItem(Path(it.path), given, package=str(path), source_plugin=name))
        return items, rejected

    def _rejected(self, it: Rejected, package: str, plugin: str) -> Outcome:
        data = it.path
        sha = fsutil.sha256_file(data) if data else fsutil.sha256_bytes(it.source.encode("utf-8"))
        doc = Document(sha256=sha, source=it.source, size=data.stat().st_size if data else 0, media_type="")
        doc.extra["given"] = {"provenance": {"source_plugin": plugin}}  # its channel: the intake that delivered it
        item = WorkItem(data or Path(it.source), {"source": it.source, "package": package}, package=package)
        err = ErrorInfo(it.code, it.message, "intake")
        j = self.session.j
        first = self.seen.get(sha) if data else None
        row = j.get(sha) if data else None
        if first is not None or (data and j.holds(doc_key(sha))) or (
                row is not None and row["state"] in (ARCHIVED, REVIEW) + FINAL_STATES):
            return self._rejected_copy(doc, item, err, first, row)
        claim = j.claim_intake(sha, doc.id, it.source, None, self.run_id)
        if claim.outcome != "claimed":  # being handled elsewhere: report only
            doc.status, doc.error = Status.QUARANTINED, err
            return Outcome(SETTLED, doc, item)
        return Outcome(REJECTED, doc, item, error=err)

    def _rejected_copy(self, doc: Document, item: WorkItem, err: ErrorInfo, first: WorkItem | None,
                       row: Any) -> Outcome:
        """A rejected part (a wrong hash …) whose bytes another input of this
        run brings, or that this working directory archived: never touches
        that document's claim or state.  Reported as a duplicate of it (its
        content is archived from there), with this copy's own reason as its
        error; logged, and the run's exit code says it needs attention."""
        where = ((first.given or {}).get("source") or intake.display(first.path)) if first is not None else row["source"]
        doc.status, doc.duplicate_of = Status.DUPLICATE, doc.id
        doc.error = ErrorInfo(err.code, f"{err.message} This copy was not taken: the same content is taken as "
                                        f"document {doc.id} from {where}.", err.stage)
        self.session.j.event(doc.id, "intake", "duplicate", f"a rejected copy ({err.code})")
        log.warning("doc %s: a copy was not taken (%s); the same content comes from another input", doc.id, err.code)
        return Outcome(SETTLED, doc, item)
