"""The coordinator loop shared by ``ingest``, ``import-xdomea`` and the
watch daemon: work items are admitted, claimed documents go to the
executor, results are settled by :mod:`ekte.pipeline.steps`, and
documents another live process is working on are *deferred* — asked about
again every half second until that process is done with them (then the
journal says what they are: usually a duplicate) or has died (then this
process takes them over)."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

from ekte import forkserver, starttrace, stopsignal
from ekte.errors import environment_failure
from ekte.fsbatch import Batch
from ekte.connectors.base import Connector
from ekte.journal.claims import Holder, doc_key
from ekte.model import Document, ErrorInfo, now_iso
from ekte.pipeline import steps
from ekte.pipeline.admission import DEFERRED, REJECTED, SETTLED, TASK, Admission, Outcome
from ekte.pipeline.split import Splits
from ekte.pipeline.tasks import ABANDONED, CRASHED, TIMEOUT, WorkItem, WorkResult, WorkTask
from ekte.stages import intake

log = logging.getLogger("ekte")

RETRY_DEFERRED = 0.5
#: how long results that arrive while a batch is settled still join it (then the batch is synced and reported)
BATCH_SECONDS = 1.0


@dataclass
class _Deferred:
    item: WorkItem
    cand: intake.Candidate | None
    since: str
    holder: Holder | None
    next_try: float


class Coordinator:
    def __init__(self, session: Any, admission: Admission, executor: Any,
                 done: Callable[[Document, WorkItem], None], *, ocr_jobs: int = 1, mode: str = "archive") -> None:
        self.session = session
        self.admission = admission
        self.executor = executor

        def settled(doc: Document, item: WorkItem) -> None:
            admission.settled(doc, item)
            done(doc, item)

        self.done = settled
        self.ocr_jobs = ocr_jobs
        self.mode = mode
        self.inflight: dict[str, tuple[WorkItem, Document]] = {}
        self.deferred: list[_Deferred] = []
        self.abandoned: list[WorkItem] = []
        self.splits = Splits(session, executor, self.inflight)  # long scans in page ranges
        #: admits more work items while the executor has room (set by ``runs.feed``): called between the
        #: documents of a batch, so that a worker that finished meanwhile finds its next task queued
        self.refill: Callable[[], None] | None = None
        # no task ahead of the workers (executor.PREFETCH) with a connector that exports
        # documents in groups: a document claimed but waiting in the queue makes another
        # process resume parts whose group it then completes, and both report them archived
        self.no_prefetch = any(type(c).group_key is not Connector.group_key for c in session.connectors)

    @property
    def busy(self) -> bool:
        return bool(self.inflight or self.deferred or self.executor.running)

    @property
    def free(self) -> bool:
        if self.no_prefetch and self.executor.running >= self.executor.capacity:
            return False
        return self.executor.free > 0

    def offer(self, item: WorkItem) -> None:
        """Admit one work item (a file, or a part of a container)."""
        self.handle(self.admission.admit(item))

    def handle(self, o: Outcome) -> None:
        if o.kind == TASK:
            task = self.admission.task(o.doc, o.item, ocr_jobs=self.ocr_jobs, mode=self.mode)
            task.split_pages = self.splits.size(self.mode)
            if o.doc.media_type.startswith("image/"):  # OCR for sure: the fork server loads its part now
                forkserver.warm(self.session.params.language)
            self.inflight[task.task_id] = (o.item, o.doc)
            self.executor.submit(task)
        elif o.kind == DEFERRED:
            if o.holder is None:  # an earlier input of this run (admission's twin): in flight, or just settled in
                # this batch and admitted by its refill before the batch ended (fresh39 F2: no other process)
                log.info("doc %s: the same content is being processed in this run; it is taken up when that one is "
                         "done", o.doc.id)
            else:
                log.info("doc %s is being processed by another ekte process (%s); it is taken up when that one is "
                         "done", o.doc.id, o.holder.describe())
            self.deferred.append(_Deferred(o.item, o.cand, now_iso(), o.holder, time.monotonic() + RETRY_DEFERRED))
        elif o.kind == REJECTED:
            src = o.item.path if intake.kind(o.item.path) == "file" else None
            assert o.error is not None
            self.done(steps.reject(self.session, o.doc, o.error, src), o.item)
        else:
            assert o.kind == SETTLED
            self.done(o.doc, o.item)

    def step(self, timeout: float) -> int:
        """Wait up to *timeout* for results and settle them as one batch:
        the journal's commits made durable once (group commit,
        :meth:`ekte.journal.Journal.sync`) before the batch's documents are
        reported (and their originals moved); ask again about deferred
        documents.  The export folders of the batch's documents are
        published together first (:class:`ekte.fsbatch.Batch`: one barrier
        for all), then their exports are recorded — durable before the
        journal says so.  Returns how many documents were settled."""
        ready: list[tuple[Document, WorkItem]] = []
        self.session.batch = batch = Batch()
        batch.flush = lambda: self._publish(batch, ready)
        try:
            self._settle(self.executor.poll(timeout), ready)
        finally:
            self.session.batch = None
            with stopsignal.held():  # a SIGTERM/Ctrl-C now is raised once the batch is reported (CI of stop 39)
                self._report(batch, ready)
        self._retry_deferred()
        return len(ready)

    def _report(self, batch: Batch, ready: list[tuple[Document, WorkItem]]) -> None:
        """Publish the batch, make it durable, report its documents — never cut short by a signal (the caller
        holds them): interrupted between the published export folders and the report, an interrupted run's
        JSON left out documents that it had exported."""
        published = False
        try:
            self._publish(batch, ready)
            published = True
        finally:  # a batch not published (a full disk stops the run): what was recorded is still reported
            if ready:
                self.session.j.sync()
            for doc, item in ready:
                if published or doc.status is not None:  # its record failed too: pending, the re-run does it
                    self.done(doc, item)
                    starttrace.mark("settled")

    def _publish(self, batch: Batch, ready: list[tuple[Document, WorkItem]]) -> None:
        """Publish the batch's export folders, then record those documents' exports (as failed when the
        folders could not be published; a full or failing disk stops the run after that, as elsewhere)."""
        failed: str | None = None
        failure: BaseException | None = None
        staged = len(batch.items)
        folders = ", ".join(dict.fromkeys(str(final.parent) for _tmp, final, _fd in batch.items))
        try:
            batch.publish()
        except OSError as e:
            failure = environment_failure(e, folders)
            failed = f"the export folder was not written ({e.strerror or type(e).__name__})"
            log.error("%d export folder(s) not written in %s: %s", staged, folders, failed)
        for doc, item in ready:
            if doc.extra.get("unpublished"):
                steps.published(self.session, item, doc, failed)
        if failure is not None:
            raise failure

    def _settle(self, results: list[tuple[WorkTask, WorkResult]], ready: list[tuple[Document, WorkItem]]) -> None:
        """Settle *results* one by one; after each, the executor is asked
        (without waiting) for what finished meanwhile, which joins this
        batch — and a worker that finished gets its next task then, not
        after the whole batch (issue 12: while the coordinator settled —
        archive folder, syncs — a finished worker waited ≈ 20 % of a
        born-digital run for its next task).  Results join the batch for at
        most BATCH_SECONDS: under a steady flow the batch still ends, so its
        documents are made durable, reported and their originals moved."""
        pending = deque(results)
        until = time.monotonic() + BATCH_SECONDS
        while pending:
            self._settle_one(*pending.popleft(), ready)
            if not self.executor.stopping:
                if time.monotonic() < until:
                    pending.extend(self.executor.poll(0))
                if self.refill is not None:
                    self.refill()

    def _settle_one(self, task: WorkTask, res: WorkResult, ready: list[tuple[Document, WorkItem]]) -> None:
        item, doc = self.inflight.pop(task.task_id, (None, task.document))
        try:
            if item is None:
                return
            if res.failure in (CRASHED, TIMEOUT) and self._again(task, res, item, doc):
                return
            if res.split and self.executor.stopping:  # prepared for page ranges, but ekte is stopping
                res.failure = ABANDONED
            if res.failure == ABANDONED:
                self.session.j.release(doc_key(doc.sha256))
                self.admission.settled(doc, item)
                self.splits.drop(doc.id)
                self._give_back(item)
                return
            whole = self.splits.settle(task, res, item)
            if whole is None:  # a long scan still in page ranges
                return
            ready.append((steps.finish(self.session, item, whole), item))  # (before a signal in the discard)
        finally:
            if task.scratch:
                self.session.discard(task.scratch)

    def _again(self, task: WorkTask, res: WorkResult, item: WorkItem, doc: Document) -> bool:
        """A worker crashed (or ran over its time limit): counted in the
        journal; a crash is tried again while fewer than ``ocr.max_attempts``,
        then — and after a timeout at once — the document is quarantined."""
        n = self.session.j.count_attempt(doc.sha256)
        limit = self.session.profile.ocr.max_attempts
        if res.failure == CRASHED and n < limit and not self.executor.stopping:
            log.warning("doc %s: worker died (attempt %d of %d); trying again", doc.id, n, limit)
            retry = dataclasses.replace(task, scratch=f"{task.scratch}.{n}" if task.scratch else "")
            self.inflight[retry.task_id] = (item, doc)
            self.executor.submit(retry)
            return True
        if res.error is not None and n > 1:
            res.error = ErrorInfo(res.error.code, f"{res.error.message} ({n} attempts)", res.error.stage)
        return False

    def _retry_deferred(self) -> None:
        if self.executor.stopping:
            return
        now = time.monotonic()
        due = [d for d in self.deferred if d.next_try <= now]
        for d in due:
            if not self.free:
                return
            self.deferred.remove(d)
            o = self.admission.admit(d.item, d.cand, deferred_since=d.since)
            if o.kind == DEFERRED:
                d.next_try, d.holder = now + RETRY_DEFERRED, o.holder
                self.deferred.append(d)
            else:
                self.handle(o)

    def stop(self) -> None:
        """Shutting down: a worker that dies now died of the shutdown."""
        self.executor.stopping = True

    def abandon(self) -> list[WorkItem]:
        """Kill what is in flight; its documents are given back (the journal
        has them as received: the next run, or another process, does them).
        An operator's stop counts no failed attempt against them (ops9): only
        a worker's death or a timeout does."""
        for task in self.executor.shutdown():
            item, doc = self.inflight.pop(task.task_id, (None, task.document))
            if task.scratch:
                shutil.rmtree(task.scratch, ignore_errors=True)
            if self.session.journal is not None:
                self.session.j.release(doc_key(doc.sha256))
            if item is not None:
                self._give_back(item)
        self.splits.clear()
        self.abandoned.extend(d.item for d in self.deferred)
        self.deferred.clear()
        return self.abandoned

    def _give_back(self, item: WorkItem) -> None:
        """Left for the next run (once, also when several page ranges of it were stopped)."""
        if not any(a is item for a in self.abandoned):
            self.abandoned.append(item)

    def wait(self, poll: float = 0.5) -> None:
        """Run until everything offered is settled."""
        while self.busy:
            self.step(poll)

