"""Executors: where work items run.

The coordinator talks to an :class:`Executor` only: it submits
:class:`~ekte.pipeline.tasks.WorkTask` objects and polls for finished
``(task, result)`` pairs; it may cancel a task and shut the executor down.
Every task has a time limit; a task over its limit, or whose worker dies,
comes back as a result with ``failure`` set (``timeout``, ``crashed``, or
``abandoned`` when the executor is shutting down) and an error explaining
it.  :class:`LocalExecutor` is the implementation on this machine: a pool
of long-lived ("warm") worker processes.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import pickle
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait as mp_wait
from typing import Any, Protocol

from ekte import forkserver, starttrace
from ekte.forkserver import PRELOAD  # noqa: F401 - ekte.distributed.worker preloads the same
from ekte.model import ErrorInfo
from ekte.pipeline.tasks import ABANDONED, CRASHED, TIMEOUT, WorkerSetup, WorkResult, WorkTask

log = logging.getLogger("ekte.executor")

#: a worker is replaced after this many tasks (keeps memory flat)
MAX_TASKS_PER_WORKER = 50
#: what a task on pikepdf's route (no page OCRed, no Ghostscript) counts towards that: such a
#: worker's memory stays flat, while a fresh worker's first task costs ≈ 50 ms CPU more (the profile's patterns
#: compiled, the validator's first fonts) — measured (issue 12): 44.9 → 40.9 ms CPU per document of
#: the whole run over 500 born-digital documents with a quarter of the replacements
TEXT_TASK_WEIGHT = 0.25
#: the last results looked at when a worker has done OCR: when it is the only OCR among them (a scan
#: among born-digital documents), its worker is replaced at once (issue 12) — what a scan leaves in a
#: worker (the handwriting recogniser's session and onnxruntime, OpenCV, Tesseract's further handles,
#: a fragmented heap: 50-90 MB of its own) would otherwise stay for up to 200 born-digital documents,
#: while the other worker's next scan added its own; in a run of scans (more of them among these) the
#: workers stay: both are scanning anyway, and a fresh one loads the session again (0.25 s)
SCAN_RECENT = 4
#: tasks handed to the executor beyond one per worker: a worker that finishes
#: finds its next task at once, while the coordinator settles the last one
PREFETCH = 1


def serve(setup: WorkerSetup, conn: Any, parent_pid: int) -> None:
    """A worker process's main (:func:`ekte.pipeline.workers.serve`),
    named here so that the coordinator never imports the worker side."""
    from ekte.pipeline import workers

    starttrace.mark("worker-start")  # (its setup unpickled: the fork server's preload, and pydantic's models, done)
    workers.serve(setup, conn, parent_pid)


class Executor(Protocol):
    """What the coordinator needs of an executor."""

    capacity: int  # tasks that run at once
    stopping: bool  # set when ekte shuts down: failures then are "abandoned"

    @property
    def running(self) -> int: ...  # submitted, not yet returned by poll (queued included)

    @property
    def free(self) -> int: ...  # how many more tasks would start at once

    def submit(self, task: WorkTask) -> None: ...

    def poll(self, timeout: float) -> list[tuple[WorkTask, WorkResult]]: ...

    def cancel(self, task_id: str) -> bool: ...

    def shutdown(self) -> list[WorkTask]: ...  # stop everything; returns the unfinished tasks


def rss_mb(pid: int) -> int:
    """A process's resident memory in MB (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def failed(task: WorkTask, kind: str, message: str, code: str) -> WorkResult:
    return WorkResult(task.task_id, task.document, error=ErrorInfo(code, message, "ocr"), failure=kind)


#: the one archival route that starts no other program (no OCR, no Ghostscript)
LIGHT_ROUTE = "pikepdf-pdfa"


def _light(res: WorkResult) -> bool:
    """A finished document that neither OCRed a page nor started the
    worker's warm Ghostscript (whose memory grows over its conversions:
    2,000 born-digital documents needing fonts, replaced 4× less often,
    peaked at 390 MB summed RSS instead of 362)."""
    doc = res.document
    if not res.ok or doc is None or not doc.ocr or doc.ocr.get("ocr_pages") or res.part:
        return False
    return all(a.get("route") == LIGHT_ROUTE for a in doc.archival.get("attempts") or [])


@dataclass
class _Worker:
    proc: Any
    conn: Any
    task: WorkTask | None = None
    started: float = 0.0
    done: float = 0  # tasks, weighted (TEXT_TASK_WEIGHT)
    forked: float = dataclasses.field(default_factory=time.monotonic)


class LocalExecutor:
    """``capacity`` warm worker processes (forkserver), each taking one task
    at a time.  A worker over its task's time limit is killed with its
    process group (Tesseract, Ghostscript) and replaced; so is one that
    died.  A worker is recycled after ``max_tasks`` tasks (one on pikepdf's
    route counts ``text_weight``), or after a
    task that left it above ``max_rss_mb`` of resident memory (both from
    the profile's ``[executor]`` unless given).  Workers end themselves
    when the coordinator is killed."""

    def __init__(self, setup: WorkerSetup, capacity: int, *, max_tasks: int | None = None,
                 max_rss_mb: int | None = None, text_weight: float = TEXT_TASK_WEIGHT) -> None:
        self.setup = setup
        self.capacity = max(1, capacity)
        ex = getattr(setup.profile, "executor", None)
        self.max_tasks = max(1, max_tasks or getattr(ex, "worker_max_tasks", 0) or MAX_TASKS_PER_WORKER)
        self.max_rss_mb = getattr(ex, "worker_max_rss_mb", 0) if max_rss_mb is None else max_rss_mb
        self.text_weight = text_weight
        self.recycled = {"tasks": 0, "memory": 0, "scan": 0, "cold": 0}  # workers replaced, by reason
        self._ocr_recent: deque[bool] = deque(maxlen=SCAN_RECENT)  # whether the last results came from OCR
        self.stopping = False
        self.ctx = forkserver.context()
        os.environ["EKTE_WARM_LANGUAGE"] = setup.params.language  # loaded by ekte.warm, shared by the workers
        from ekte.stages.ocr import _gs_version

        _gs_version()  # probed once, into the environment the workers inherit
        self._slots: list[_Worker | None] = [None] * self.capacity
        self._queue: deque[WorkTask] = deque()
        self._failed: list[tuple[WorkTask, WorkResult]] = []
        self._handed = self._received = False  # (a run's first task, first result: start-up points, ekte.starttrace)

    # -- the interface
    @property
    def running(self) -> int:
        return len(self._queue) + sum(1 for w in self._slots if w is not None and w.task is not None)

    @property
    def free(self) -> int:
        return max(0, self.capacity * (1 + PREFETCH) - self.running)

    def submit(self, task: WorkTask) -> None:
        self._queue.append(task)
        self._dispatch()

    def poll(self, timeout: float) -> list[tuple[WorkTask, WorkResult]]:
        out, self._failed = self._failed, []
        busy = {w.conn: i for i, w in enumerate(self._slots) if w is not None and w.task is not None}
        if not busy:
            if not out:
                time.sleep(timeout)
            return out
        for conn in mp_wait(list(busy), timeout=0 if out else timeout):
            out.append(self._receive(busy[conn]))
        out.extend(self._expire())
        self._dispatch()
        return out

    def cancel(self, task_id: str) -> bool:
        for t in list(self._queue):
            if t.task_id == task_id:
                self._queue.remove(t)
                return True
        for i, w in enumerate(self._slots):
            if w is not None and w.task is not None and w.task.task_id == task_id:
                self._kill(i)
                return True
        return False

    def shutdown(self) -> list[WorkTask]:
        left = list(self._queue)
        self._queue.clear()
        for i, w in enumerate(self._slots):
            if w is None:
                continue
            if w.task is not None:
                left.append(w.task)
                self._kill(i)
            else:
                self._retire(i)
        return left

    def pids(self) -> list[int]:
        return [w.proc.pid for w in self._slots if w is not None]

    # -- workers
    def _start(self, i: int) -> _Worker:
        forkserver.import_late()  # (once: while the first start waits for the fork server's preload)
        starttrace.mark("worker-asked")  # (the first: from here the coordinator waits for the fork server)
        mine, theirs = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=serve, args=(self.setup, theirs, os.getpid()), daemon=True,
                                name=f"ekte-worker-{i}")
        proc.start()
        theirs.close()
        w = _Worker(proc, mine)
        self._slots[i] = w
        return w

    def _dispatch(self) -> None:
        for i in range(self.capacity):
            if not self._queue:
                return
            w = self._slots[i]
            if w is not None and w.task is not None:
                continue
            task = self._queue.popleft()
            try:
                w = w or self._start(i)
                w.conn.send(task)
            except (OSError, EOFError, ValueError) as e:  # no worker could be started (shutting down?)
                log.warning("doc %s: no worker could be started (%s)", task.document.id, type(e).__name__)
                if w is not None:
                    self._slots[i] = w
                    self._kill(i)
                self._failed.append((task, failed(task, ABANDONED, "no worker could be started", "internal_error")))
                continue
            w.task, w.started = task, time.monotonic()
            if not self._handed:
                self._handed = True
                starttrace.mark("first-task")

    def _receive(self, i: int) -> tuple[WorkTask, WorkResult]:
        w = self._slots[i]
        assert w is not None and w.task is not None
        task = w.task
        try:
            res: WorkResult = w.conn.recv()
        except (EOFError, OSError):
            w.proc.join(5)
            code = w.proc.exitcode
            self._slots[i] = None
            w.conn.close()
            if self.stopping or code in (-signal.SIGTERM, -signal.SIGINT, -signal.SIGHUP):
                # stopped by a signal meant for ekte (a shutdown), not by its document
                log.info("doc %s: worker stopped by signal %s; left for the next run", task.document.id, code)
                return task, failed(task, ABANDONED, "ekte was stopped while this document was processed", "ocr_failed")
            return task, failed(task, CRASHED, "The OCR worker process died (out of memory or killed).", "ocr_failed")
        except (pickle.UnpicklingError, MemoryError, AttributeError, ImportError, IndexError, TypeError) as e:
            # fresh41 F3: a result that cannot be read back is its document's failure, never the run's
            log.warning("doc %s: the worker's result could not be read back (%s)", task.document.id, type(e).__name__)
            self._kill(i)  # (what is left of the message in its pipe: with it)
            return task, failed(task, CRASHED, f"The worker's result could not be read back ({type(e).__name__}).",
                                "internal_error")
        w.task = None
        if not self._received:
            self._received = True
            starttrace.mark("first-result")
        w.done += self.text_weight if _light(res) else 1
        self._ocr_recent.append(forkserver.did_ocr(res))
        if w.done >= self.max_tasks:
            self.recycled["tasks"] += 1
            self._retire(i)
        elif forkserver.retire_after(w.forked, res, self.setup.params.language):  # its OCR part: not shared
            self.recycled["cold"] += 1
            self._retire(i)
        elif self._ocr_recent[-1] and sum(self._ocr_recent) == 1:  # a scan among born-digital documents
            self.recycled["scan"] += 1
            self._retire(i)
        elif self.max_rss_mb and (mb := rss_mb(w.proc.pid)) > self.max_rss_mb:
            log.info("worker %s: %d MB resident after a task; replaced", w.proc.pid, mb)
            self.recycled["memory"] += 1
            self._retire(i)
        return task, res

    def _expire(self) -> list[tuple[WorkTask, WorkResult]]:
        out = []
        now = time.monotonic()
        for i, w in enumerate(self._slots):
            if w is None or w.task is None or not w.task.timeout or now - w.started <= w.task.timeout:
                continue
            task = w.task
            self._kill(i)
            log.warning("doc %s: over %s s, worker stopped", task.document.id, task.timeout)
            out.append((task, failed(task, TIMEOUT, f"Text recognition took longer than {task.timeout:g} s.",
                                     "ocr_timeout")))
        return out

    def _kill(self, i: int) -> None:
        """Stop a worker and everything it started (Tesseract, Ghostscript)."""
        w = self._slots[i]
        self._slots[i] = None
        if w is None:
            return
        try:
            os.killpg(w.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # not yet its own group leader
        try:
            w.proc.kill()
        except (ProcessLookupError, OSError, ValueError):
            pass
        w.proc.join(5)
        w.conn.close()

    def _retire(self, i: int) -> None:
        w = self._slots[i]
        self._slots[i] = None
        if w is None:
            return
        try:
            w.conn.send(None)
        except (OSError, ValueError):
            pass
        w.proc.join(2)
        if w.proc.exitcode is None:
            self._slots[i] = w
            self._kill(i)
        w.conn.close()
