"""The runs, each a short linear script over the parts: ``ingest`` (and
``import-xdomea``, which is ingest with an explicit intake source),
``analyze`` (classify / eval / train: nothing archived) and
``export_archived`` (``ekte export``, and the daemon's retries)."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
import time
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ekte import fsutil, fstarget, stopsignal
from ekte.errors import ConfigError, DocumentError, environment_failure
from ekte.evidence.retention_files import place
from ekte.forkserver import prestart
from ekte.journal import ARCHIVED, EXPORTED, REVIEW
from ekte.journal.claims import doc_key
from ekte.model import Classification, Document, ErrorInfo, Status
from ekte.pipeline import delivery
from ekte.pipeline.admission import Admission, check, collect, unreadable
from ekte.pipeline.coordinator import Coordinator
from ekte.pipeline.results import IngestResult, Interrupted, NoProgress, ProgressSink
from ekte.pipeline.tasks import ANALYZE, WorkItem, WorkTask
from ekte.stages import intake
from ekte.stages.ocr import check_dependencies

log = logging.getLogger("ekte")

MOVED_OK = (Status.ARCHIVED, Status.DUPLICATE)
#: an original left in the input because the run was stopped (its re-run finds the document known and moves it)
STOPPED_BEFORE_MOVE = "original not moved: the run was stopped; ekte ingest --move again moves it"


@contextmanager
def ends_cleanly(session: Any, coord: Coordinator, result: IngestResult) -> Iterator[None]:
    """A run's body (ingest, mail): SIGTERM/Ctrl-C mark it interrupted, an
    environment failure (disk full, permissions, a damaged journal) marks it
    failed with its cause; either way the coordinator stops taking work.
    Anything else is raised."""
    try:
        with stopsignal.interrupts():  # (and a SIGTERM that came before the body: at once)
            yield
    except (KeyboardInterrupt, Interrupted):
        result.interrupted = True
        coord.stop()
        log.warning("interrupted; a re-run finishes the rest")
    except Exception as e:
        result.failure = environment_failure(e, str(session.workdir))
        if result.failure is None:
            raise
        coord.stop()
        log.error("run stopped: %s", result.failure.code)


def path_list(paths: Any) -> list[Path]:
    """Inputs as paths: one path (``str``, ``bytes`` or ``os.PathLike``) is a
    list of one — never iterated character by character."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    return [Path(os.fsdecode(p)) for p in paths]


def inputs(paths: Any) -> list[Path]:
    roots = path_list(paths)
    for r in roots:
        if not r.exists():
            raise ConfigError(f"input not found: {r}")
    return roots


@stopsignal.guarded  # SIGTERM: counted until the body, which it interrupts (once); never fatal (fresh30 G8)
def ingest(session: Any, paths: list[Path | str], *, move_to: Path | str | None = None,
           progress: ProgressSink | None = None, command: str = "ingest", source: Any | None = None) -> IngestResult:
    """Ingest *paths* (files and folders, walked recursively); with *source*
    (an intake source) every path is one of its containers."""
    j, progress = session.j, progress or NoProgress()
    check_dependencies(session.params.language)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if session.profile.executor.kind != "dask":
        prestart(session.params.language)  # the workers' imports run while the inputs are scanned
    t0, result = time.monotonic(), IngestResult(workdir=str(session.workdir))
    result.documents.live = session.waiting  # waiting for a group's export: its outcome comes later
    settled_inputs: set[str] = set()  # the inputs (files, containers) at least one document of which settled
    roots = inputs(paths)
    run_id = j.start_run(command)
    j.group_commit()  # one sync per batch of settled documents (ekte.journal.Journal.group_commit)
    move = Mover(roots, Path(move_to), session.waiting, j) if move_to else None
    skipped: list[Path] = []  # names in intake.ignore: counted, the ones named as inputs warned of (fresh32 F6)
    unlisted: list = []  # folders that cannot be listed: reported, the exit code 1 (fresh36 F1)
    files = collect(session, roots, [session.workdir] + ([Path(move_to)] if move_to else []), source, skipped,
                    unlisted)
    result.unreadable_folders = [{"path": intake.display(p), "cause": why} for p, why in unlisted]
    result.skipped = [intake.display(p) for p in skipped]
    result.skipped_named = [intake.display(p) for p in skipped if p in roots]
    if not files and not result.skipped_named and not unlisted:  # a named one, a folder not read: their own lines
        log.warning("nothing to ingest: no files in the input(s) (names in intake.ignore are skipped)")
    progress.start(len(files))

    def done(doc: Document, item: WorkItem) -> None:
        if move is not None:
            move.settled(doc, item)  # (its warnings first: the document is spooled as it is now)
        result.documents.append(doc)
        settled_inputs.add(item.package or str(item.path))
        progress.advance(doc)

    staging = session.scratch / "staging" if session.sources or source is not None else None
    # fewer files than jobs: each document gets more OCR threads (containers may hold many documents)
    workers = session.jobs if staging is not None else max(1, min(session.jobs, len(files) or 1))
    try:
        executor = session.executor(workers)
    except BaseException:  # e.g. the Dask scheduler cannot be reached: the run ends, recorded as such
        quietly(lambda: j.finish_run(run_id, result.summary))
        raise
    coord = Coordinator(session, Admission(session, run_id, roots=roots), executor, done,
                        ocr_jobs=max(1, session.jobs // workers))
    session.connectors_down.clear()
    try:
        with ends_cleanly(session, coord, result):
            feed(coord, files, staging, source)
            delivery.flush_groups(session)
            if move is not None:
                move.packages()
    finally:
        _finish(session, coord, result, files, staging, progress, run_id, t0)
        if result.interrupted or result.failure is not None:
            _pending(result, files, settled_inputs)
    result.not_moved = move.failed if move is not None else 0
    return result


def _finish(session: Any, coord: Coordinator, result: IngestResult, files: list[Path], staging: Path | None,
            progress: ProgressSink, run_id: int, t0: float) -> None:
    """The end of a run, whatever ended it (with a full disk or a damaged
    journal, what cannot be written now is done by the next run)."""
    quietly(coord.abandon)
    quietly(lambda: delivery.disown(session))
    result.extra.update(getattr(coord.executor, "worker_stats", dict)())  # per-worker figures (Dask)
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    progress.finish()
    result.documents.order_by_source({intake.display(p): i for i, p in enumerate(files)})
    result.seconds = time.monotonic() - t0
    if result.failure is None and session.connectors_down:
        result.failure = next(iter(session.connectors_down.values()))
    if stopsignal.consume():  # SIGTERM after the body (the process group's second one, or late): reported
        result.interrupted = True
    quietly(lambda: session.j.finish_run(run_id, result.summary))
    quietly(session.j.sync)  # the run's outcome durable before it is reported


def _pending(result: IngestResult, files: list[Path], settled_inputs: set[str]) -> None:
    """An interrupted or failed run: the inputs none of whose documents
    settled, for ``--json`` (a container some of whose parts settled is
    not among them: the next run takes up its rest, as it does these)."""
    result.pending = [intake.display(p) for p in files if str(p) not in settled_inputs]
    if result.pending:
        log.warning("%d input(s) not processed yet; a re-run finishes them", len(result.pending))


def quietly(fn: Any) -> None:
    """Run *fn*; an environment failure (the disk is still full) is left to the next run."""
    try:
        fn()
    except Exception as e:
        if environment_failure(e) is None:
            raise


def feed(coord: Coordinator, files: list[Path], staging: Path | None, source: Any | None) -> None:
    """Admit the inputs as workers become free; wait for the rest."""
    queue = deque(files)

    def admit() -> None:
        while queue and coord.free:
            path = queue.popleft()
            if staging is None:
                coord.offer(WorkItem(path))
                continue
            staging.mkdir(parents=True, exist_ok=True)
            items, rejected = coord.admission.expand(path, staging, source)
            for o in rejected:
                coord.handle(o)
            for it in items:
                coord.offer(it)

    coord.refill = admit  # also between the documents of a batch being settled (Coordinator._settle)
    try:
        while queue.extend(coord.admission.again()) or queue or coord.busy:  # again: replaced while read, once more
            admit()
            coord.step(0.2)
    finally:
        coord.refill = None


class Mover:
    """``--move DIR``: originals leave the input once exported (or known),
    keeping their path relative to the input root; a container once all
    its parts are."""

    def __init__(self, roots: list[Path], dest: Path, live: Any = (), journal: Any = None) -> None:
        self.roots, self.dest, self.live, self.journal = roots, dest, live, journal
        #: a container's documents' outcomes (a document whose group is not exported yet: itself, for its outcome later)
        self.pkgs: dict[str, list[Document | Status | None]] = {}
        self.failed = 0  # originals that could not be moved: the run exits 1

    def settled(self, doc: Document, item: WorkItem) -> None:
        if item.package:
            self.pkgs.setdefault(item.package, []).append(doc if doc.sha256 in self.live else doc.status)
        elif doc.status in MOVED_OK and item.path.exists():
            if stopsignal.pending():  # the batch is reported with a stop held: no copy delays the stop (review43 F8)
                doc.warnings.append(STOPPED_BEFORE_MOVE)
                return
            if self.journal is not None:
                self.journal.sync()  # the journal knows it durably before the original leaves the input
            self.move(item.path, doc, doc.sha256)

    def move(self, src: Path, doc: Document | None, sha256: str | None) -> None:
        try:
            if fsutil.behind_link(src, self.roots):  # a folder on its way became a link: not the input's place
                raise fsutil.NotMoved("original not moved: a folder on its way is a link (outside the input)")
            target = fsutil.move_input(src, fsutil.free_target(src, self.roots, self.dest), sha256, self.roots)
            fstarget.prune_emptied(src, self.roots)
            if doc is not None:
                doc.log("intake", "moved", "")
                self._record(doc, target)
        except fsutil.NotMoved as e:
            self.failed += 1
            if doc is not None:
                doc.warnings.append(str(e))
        except OSError as e:
            self.failed += 1
            msg = f"original could not be moved ({'the inbox: ' if getattr(e, 'in_inbox', False) else ''}{e.strerror})"
            doc.warnings.append(msg) if doc is not None else log.warning("package %s", msg)

    def _record(self, doc: Document, target: Path) -> None:
        """Where the original went, in the audit trail (``intake``/``moved``, ``{"path", "root", "workdir"}``) as the
        daemon records its done copy: ``ekte retention delete`` removes it there (emptied with the trail then)."""
        if self.journal is None:
            return
        try:
            self.journal.event(doc.id, "intake", "moved", place(path=target.resolve(), root=self.dest.resolve(),
                                                                   workdir=self.journal.workdir.resolve()))
        except Exception as e:  # noqa: BLE001 - the move is done; a busy journal must not undo it
            log.warning("doc %s: the moved original's place was not recorded (%s)", doc.id, type(e).__name__)

    def packages(self) -> None:
        if self.journal is not None:
            self.journal.sync()
        for pkg, outcomes in self.pkgs.items():
            if all(getattr(o, "status", o) in MOVED_OK for o in outcomes) and Path(pkg).exists():
                self.move(Path(pkg), None, None)


def analyze(session: Any, paths: list[Path | str], progress: ProgressSink | None = None) -> list[Document]:
    """OCR (as ingest would), classify and extract; nothing is archived and
    nothing written to the working directory (workers read a trained model
    from it, if there is one)."""
    check_dependencies(session.params.language)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    progress = progress or NoProgress()
    files = list(intake.walk([Path(p) for p in paths], session.profile.intake.ignore))
    progress.start(len(files))
    docs, tasks = [], []
    tmp = Path(tempfile.mkdtemp(prefix="ekte-analyze-"))
    for path in files:
        doc = _analyze_doc(session, path)
        if doc.status is None:
            tasks.append(WorkTask(doc.id + f"-{len(tasks)}", doc, str(path), mode=ANALYZE,
                                  timeout=float(session.profile.ocr.document_timeout or 0), scratch=str(tmp / str(len(tasks)))))
        else:
            docs.append(doc)
            progress.advance(doc)
    workers = max(1, min(session.jobs, len(tasks) or 1))
    text_only = dataclasses.replace(session.params, output_type="pdf")
    ex = session.executor(workers, text_only)
    try:
        for t in tasks:
            t.ocr_jobs = max(1, session.jobs // workers)
            ex.submit(t)
        while ex.running:
            for _task, res in ex.poll(0.5):
                doc = res.document
                if res.error is not None:
                    doc.status, doc.error = Status.QUARANTINED, res.error
                else:
                    doc.status = Status.REVIEW if session.needs_review(doc) else Status.ARCHIVED
                docs.append(doc)
                progress.advance(doc)
    finally:
        ex.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
        progress.finish()
    order = {intake.display(p): i for i, p in enumerate(files)}
    docs.sort(key=lambda d: order.get(d.source, len(order)))
    return docs


def _analyze_doc(session: Any, path: Path) -> Document:
    try:
        cand = intake.inspect(path)
    except DocumentError as e:
        return unreadable(path, e)
    doc = Document(sha256=cand.sha256, source=intake.display(path), size=cand.size, media_type=cand.media_type or "")
    err = check(cand, session.profile)
    if err is not None:
        doc.status, doc.error = Status.QUARANTINED, err
    return doc


def export_archived(session: Any, ids: list[str] | None = None, *, since: str | None = None, all_docs: bool = False,
                    force: bool = False, progress: ProgressSink | None = None, wait: float = 600.0) -> IngestResult:
    """Export archived documents (again): the given ids (or SHA-256 values),
    those received since an ISO date, or all.  A document another process
    works on is waited for (at most *wait* seconds; 0: skipped); one
    waiting for review is not exported before a clerk accepted it."""
    rows = _select(session, ids, since, all_docs)
    result = IngestResult(workdir=str(session.workdir))
    result.documents.live = session.waiting  # waiting for a group's export: its outcome comes later
    started, progress = time.monotonic(), progress or NoProgress()
    todo = [r for r in rows if r["state"] in (EXPORTED, ARCHIVED, REVIEW)]
    progress.start(len(todo))
    for row in todo:
        doc = _export_one(session, row, force, wait)
        if doc is not None:
            result.documents.append(doc)
            progress.advance(doc)
    delivery.flush_groups(session)
    progress.finish()
    result.seconds = time.monotonic() - started
    return result


def _select(session: Any, ids: list[str] | None, since: str | None, all_docs: bool) -> list[Any]:
    j = session.j
    if not ids and not since and not all_docs:
        raise ConfigError("say which documents: ID…, --since DATE or --all")
    if ids:
        from ekte.pipeline.queue import resolve  # an id, a unique prefix of one, or a SHA-256

        return [resolve(j, i) for i in ids]
    return [r for r in j.documents() if not since or r["first_seen"] >= since]


def _export_one(session: Any, row: Any, force: bool, wait: float) -> Document | None:
    j = session.j
    blank = Document(sha256=row["sha256"], source=row["source"], size=0, media_type=row["media_type"] or "")
    if row["doctype"]:  # the journal's type (a document waiting for review keeps it: its summary line names it)
        blank.classification = Classification(row["doctype"], row["confidence"] or 0.0)
    if row["state"] == REVIEW:
        return _in_review(session, row, blank)
    if j.wait_claim(doc_key(row["sha256"]), wait) is not None:
        return None if not wait else _busy(blank)
    try:
        row = j.get(row["sha256"])
        if row["state"] == REVIEW:
            return _in_review(session, row, blank)
        try:
            doc, adir = delivery.load_archived(session, row["sha256"])
        except (OSError, ValueError):
            blank.status = Status.EXPORT_FAILED
            blank.error = ErrorInfo("archive_missing", "the archive folder of this document is missing or damaged",
                                    "export")
            return blank
        delivery.export(session, doc, adir, force=force)
        return doc
    finally:
        j.release(doc_key(row["sha256"]))


def _in_review(session: Any, row: Any, blank: Document) -> Document:
    """A document waiting for review (not exported) as ingest reports it: from its metadata.json, else *blank*."""
    try:
        doc, _adir = delivery.load_archived(session, row["sha256"])
    except (OSError, ValueError):
        doc, doc.archive_path = blank, str(session.j.archive_dir(row))
    doc.status, doc.error = Status.REVIEW, None
    return doc


def _busy(doc: Document) -> Document:
    doc.status = Status.EXPORT_FAILED
    doc.error = ErrorInfo("busy", "another ekte process kept working on this document; try again later", "export")
    return doc


def retry_exports(session: Any) -> list[Document]:
    """Export every document the journal holds as archived but not exported
    (a connector failed, a run ended before its group); documents another
    process works on are left to it."""
    ids = [r["id"] for r in session.j.documents(ARCHIVED)]
    return export_archived(session, ids, wait=0).documents if ids else []
