"""The station's intake of API submissions: one thread that feeds the
spool's documents (:mod:`ekte.pipeline.spool`) to the same coordinator as
``ekte ingest`` and ``ekte watch`` — admission (sniffing, size, claims,
duplicates), the station's one set of warm workers, archive, quarantine,
export — using the station's registered pipeline session, so the claims
keep every document exactly once even while ``ekte watch`` works on the
same working directory.

Each step runs under the station's action lock (review actions of the
pages and the API wait for at most one settle step); waiting for workers
happens outside it.  At start-up, everything in the spool is taken up —
uploads acknowledged with ``202`` before a crash included.  At shutdown,
documents in flight are given back (their claims released) and stay in
the spool for the next start."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from ekte.model import Document
from ekte.pipeline import delivery
from ekte.pipeline.admission import Admission
from ekte.pipeline.coordinator import Coordinator
from ekte.pipeline.spool import Spool
from ekte.pipeline.tasks import WorkItem

log = logging.getLogger("ekte.serve")

IDLE_WAIT = 0.5  # seconds between looks at the spool when nothing is in flight
BUSY_WAIT = 0.1
FLUSH_EVERY = 10.0  # export groups of this process, when idle
RESTART_AFTER = 5  # seconds after a failed coordinator session


class ApiIntake:
    def __init__(self, station: Any) -> None:
        self.station = station
        self.spool = Spool(station.workdir)
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.offered: set[str] = set()  # spool entries handed to the coordinator, not yet settled
        self.stuck: set[str] = set()  # entries that could not be read: left for the next start
        self.settled = 0

    def start(self) -> None:
        self.spool.clean(self.station.pipeline.is_dead)
        self._thread = threading.Thread(target=self._run, name="ekte-api-intake", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60) -> None:
        self._stop.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    # -- the loop
    def _run(self) -> None:
        """Run coordinator sessions until stopped; one that fails (logged
        without values) is abandoned cleanly and a fresh one starts after
        RESTART_AFTER seconds — the spool keeps its documents meanwhile."""
        while not self._stop.is_set():
            try:
                self._session()
            except Exception as e:  # noqa: BLE001 - no traceback, no values; the spool keeps the documents
                log.error("API intake failed (%s); starting again in %d s", type(e).__name__, RESTART_AFTER)
                log.debug("API intake failed", exc_info=True)
                self._stop.wait(RESTART_AFTER)

    def _session(self) -> None:
        p = self.station.pipeline
        with self.station.acting():
            run_id = p.j.start_run("serve")
            admission = Admission(p, run_id, per_run=False)
            coord = Coordinator(p, admission, p.executor(p.jobs), self._done)
        last_flush = time.monotonic()
        try:
            while not self._stop.is_set():
                self.wake.wait(BUSY_WAIT if coord.busy else IDLE_WAIT)
                self.wake.clear()
                with self.station.acting():
                    self._feed(coord)
                    coord.step(0)
                    if not coord.busy and time.monotonic() - last_flush > FLUSH_EVERY:
                        last_flush = time.monotonic()
                        delivery.flush_groups(p)
        finally:
            with self.station.acting():
                coord.stop()
                coord.abandon()  # claims given back; the documents stay in the spool
                self.offered.clear()
                p.j.finish_run(run_id, {"api_settled": self.settled})

    def _feed(self, coord: Coordinator) -> None:
        if not coord.free:
            return
        for item in self.spool.waiting(self.offered | self.stuck):
            if not coord.free:
                return
            self.offered.add(item.path.parent.name)
            coord.offer(item)

    def _done(self, doc: Document, item: WorkItem) -> None:
        doc_id = item.path.parent.name
        self.offered.discard(doc_id)
        if doc.sha256[:16] != doc_id:  # the spooled file could not be read: nothing was kept elsewhere
            log.error("API intake: a spooled document could not be read (%s); it stays in the spool",
                      doc.error.code if doc.error else "?")
            self.stuck.add(doc_id)
            return
        self.spool.done(doc_id)
        self.settled += 1
        log.info("doc %s settled (%s; API intake)", doc.id, doc.status.value if doc.status else "?")
