"""Long scans in page ranges: pages, not documents, as the unit of
scheduling, so a 60-page scan among one-page files keeps every worker busy
to the end.  Built on the executor interface only, so the local pool and
Dask both do it.

The steps of one long scan, each an ordinary task any worker may take:

1. ARCHIVE (as for every document, with ``split_pages``): the worker makes
   the working PDF; a scan with more than ``ocr.split_pages`` pages comes
   back prepared (``WorkResult.split`` = its pages, ``archival`` = the
   prepared PDF) instead of OCRed.
2. PART, one per range of at most ``ocr.split_pages`` pages: OCR the range
   (no PDF/A yet).
3. ASSEMBLE, once every range is back: one PDF/A-2b of the ranges, their
   texts as the document's, then classification and extraction — the
   result is an ordinary document result, settled (archived, exported,
   journalled) once like any other.

The coordinator keeps only file names and the ranges' OCR results (texts,
geometry) until the document is assembled; the files lie in this process's
scratch folder (``<id>.pages/``), removed when the document ends.  A range
whose worker dies is tried again (counted as the document's attempt, as
for a whole document); a range that fails or runs over its time limit
ends the whole document in quarantine with that range's reason.  A crash
of the coordinator leaves the document ``received``: the next run does it
again from the start."""

from __future__ import annotations

import dataclasses
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ekte.model import Document, ErrorInfo
from ekte.pipeline.tasks import ARCHIVE, ASSEMBLE, PART, PartFile, WorkItem, WorkResult, WorkTask
from ekte.stages import pages

log = logging.getLogger("ekte")


@dataclass
class _Split:
    item: WorkItem
    doc: Document  # as the preparing worker returned it
    task: WorkTask  # the ARCHIVE task that prepared it (the original's path or bytes, time limit)
    folder: Path
    ranges: list[tuple[int, int]]
    parts: dict[int, PartFile] = field(default_factory=dict)  # first page → the OCRed range


def _keep(res: WorkResult, dest: Path) -> Path:
    """The result's PDF as *dest* (moved out of the task's scratch, or its bytes written)."""
    if res.archival_data is not None:
        dest.write_bytes(res.archival_data)
        res.archival_data = None
    else:
        shutil.move(res.archival or "", dest)
    return dest


class Splits:
    """The long scans in flight of one coordinator."""

    def __init__(self, session: Any, executor: Any, inflight: dict[str, tuple[WorkItem, Document]]) -> None:
        self.session = session
        self.executor = executor
        self.inflight = inflight
        self.docs: dict[str, _Split] = {}

    def size(self, mode: str) -> int:
        """``split_pages`` for a new task: only where more than one worker can take ranges."""
        n = int(getattr(self.session.profile.ocr, "split_pages", 0) or 0)
        return n if mode == ARCHIVE and self.executor.capacity > 1 else 0

    def settle(self, task: WorkTask, res: WorkResult, item: WorkItem) -> WorkResult | None:
        """A result of the ARCHIVE, PART or ASSEMBLE step: None while the
        document is still in ranges, else the document's result to settle."""
        if task.mode == PART:
            if not res.ok or res.part is None:
                return self.fail(task, res)
            self._part_done(task, res)
            return None
        if task.mode == ARCHIVE and res.ok and res.split:
            self._begin(task, res, item)
            return None
        if task.mode == ASSEMBLE:
            self.drop(task.document.id)
        return res

    def _submit(self, sp: _Split, task: WorkTask) -> None:
        self.inflight[task.task_id] = (sp.item, sp.doc)
        self.executor.submit(task)

    def _begin(self, task: WorkTask, res: WorkResult, item: WorkItem) -> None:
        doc = res.document
        assert doc is not None
        folder = self.session.scratch / f"{doc.id}.pages"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        work = _keep(res, folder / "work.pdf")
        sp = _Split(item, doc, task, folder, pages.ranges(res.split, task.split_pages))
        self.docs[doc.id] = sp
        doc.log("ocr", "page-ranges", f"{res.split} pages in {len(sp.ranges)} ranges")
        log.info("doc %s: %d pages, OCRed in %d ranges", doc.id, res.split, len(sp.ranges))
        slim = Document(sha256=doc.sha256, source=doc.source, size=doc.size, media_type=doc.media_type)
        for first, last in sp.ranges:
            tid = f"{doc.id}-p{first}"
            self._submit(sp, dataclasses.replace(task, task_id=tid, document=slim, path=str(work), data=None, mode=PART,
                                                 pages=(first, last), split_pages=0,
                                                 scratch=str(self.session.scratch / tid)))

    def _part_done(self, task: WorkTask, res: WorkResult) -> None:
        sp = self.docs.get(task.document.id)
        if sp is None or task.pages is None:
            return  # its document has ended meanwhile
        first, last = task.pages
        sp.parts[first] = PartFile(first, last, res.part or {}, path=str(_keep(res, sp.folder / f"pages-{first}.pdf")))
        if len(sp.parts) < len(sp.ranges):
            return
        tid = f"{sp.doc.id}-a"
        # the original from where the document's task had it (a remote executor returns tasks without their bytes)
        self._submit(sp, dataclasses.replace(sp.task, task_id=tid, document=sp.doc, mode=ASSEMBLE, split_pages=0,
                                             path=str(sp.item.path), data=None,
                                             parts=[sp.parts[f] for f, _l in sp.ranges],
                                             scratch=str(self.session.scratch / tid)))

    def fail(self, task: WorkTask, res: WorkResult) -> WorkResult:
        """A range failed (or its worker died too often, or it ran over its
        time limit): the other ranges are stopped, and the document ends
        with that range's reason."""
        sp = self.docs.get(task.document.id)
        doc = sp.doc if sp is not None else task.document
        self.drop(doc.id)
        err = res.error or ErrorInfo("ocr_failed", "The OCR of a page range failed.", "ocr")
        span = f"pages {task.pages[0]}-{task.pages[1]}: " if task.pages else ""
        return WorkResult(res.task_id, doc, error=ErrorInfo(err.code, span + err.message, err.stage),
                          failure=res.failure, seconds=res.seconds, worker=res.worker)

    def drop(self, doc_id: str) -> None:
        """The document's ranges end: those still queued or running are
        stopped, its files removed."""
        sp = self.docs.pop(doc_id, None)
        if sp is None:
            return
        for tid in [t for t in self.inflight if t.startswith(f"{doc_id}-")]:
            self.inflight.pop(tid, None)
            self.executor.cancel(tid)
        shutil.rmtree(sp.folder, ignore_errors=True)

    def clear(self) -> None:
        for doc_id in list(self.docs):
            self.drop(doc_id)
