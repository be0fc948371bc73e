"""``ekte mail``: poll the mailbox of ``[intake.mail]`` once — take every
new message (in batches of ``max_messages``), process its documents like
``ekte ingest``, export its Vorgang, then move each finished message to
the processed or the failed folder.  The daemon (``ekte watch``) runs the
same :class:`ekte.mail.poller.MailPoller` every ``poll_seconds``."""

from __future__ import annotations

import os
import shutil
import time
from collections import deque
from typing import Any

from ekte import stopsignal
from ekte.mail.poller import MailPoller
from ekte.model import Document
from ekte.pipeline import delivery
from ekte.pipeline.admission import Admission
from ekte.pipeline.coordinator import Coordinator
from ekte.pipeline.results import IngestResult, NoProgress, ProgressSink
from ekte.pipeline.runs import ends_cleanly, quietly
from ekte.pipeline.tasks import WorkItem
from ekte.stages.ocr import check_dependencies


@stopsignal.guarded  # SIGTERM: counted until the body, which it interrupts (once); never fatal
def fetch_mail(session: Any, progress: ProgressSink | None = None) -> IngestResult:
    """Take the new messages of the account once; returns the documents
    (``result.extra["mail"]``: messages taken, processed, failed, moved)."""
    j, progress = session.j, progress or NoProgress()
    poller = MailPoller(session)
    check_dependencies(session.params.language)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    t0, result = time.monotonic(), IngestResult(workdir=str(session.workdir))
    result.documents.live = session.waiting  # waiting for a group's export: its outcome comes later
    run_id = j.start_run("mail")

    def done(doc: Document, item: WorkItem) -> None:
        result.documents.append(doc)
        poller.settled(doc, item)
        progress.advance(doc)

    admission = Admission(session, run_id)
    coord = Coordinator(session, admission, session.executor(session.jobs), done)
    progress.start(0)
    try:
        with ends_cleanly(session, coord, result):  # interrupts, disk full, damaged journal: one line, 74/75
            while True:
                items, rejected = poller.poll(admission)
                if not items and not rejected:
                    break
                for o in rejected:
                    coord.handle(o)
                queue = deque(items)
                while queue or coord.busy:
                    while queue and coord.free:
                        coord.offer(queue.popleft())
                    coord.step(0.2)
            delivery.flush_groups(session)
            if poller.stats.taken or poller.stats.last_error is None:  # move what is finished now (the server
                # refused or was away and nothing was taken: not asked again — one error line, not two)
                poller.poll(admission, take=False)
    finally:
        quietly(coord.abandon)
        quietly(poller.abandon)
        shutil.rmtree(session.scratch / "mail", ignore_errors=True)
        progress.finish()
        result.seconds = time.monotonic() - t0
        result.extra["mail"] = {**poller.stats.as_dict(), "folder": poller.s.folder}
        result.extra["attention"] = poller.stats.failed > 0 or poller.stats.errors > 0
        result.interrupted = stopsignal.consume() or result.interrupted
        quietly(lambda: j.finish_run(run_id, result.summary))
    return result
