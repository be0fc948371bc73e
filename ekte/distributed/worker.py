"""The Dask worker side of ekte.

Start a worker with ``dask worker tcp://SCHEDULER:8786 --nthreads 1
--preload ekte.distributed.worker``.  The preload (:func:`dask_setup`)
advertises the worker's version fingerprint as Dask resources before the
worker registers, so a coordinator only ever gets this worker for its
tasks when the software and language data are the same as its own
(:mod:`ekte.distributed.fingerprint`).

Each coordinator run registers a :class:`RunPlugin`: it carries the
:class:`~ekte.pipeline.tasks.WorkerSetup` and what a worker would
otherwise read from the coordinator's working directory (the trained
models), and is set up once on every worker — also on those that join
later.  :func:`run` is the Dask task: it hands the
:class:`~ekte.pipeline.tasks.WorkTask` to a warm ekte worker process of
this Dask worker (one per thread: :class:`~ekte.pipeline.executor.LocalExecutor`,
the same code as on one machine, with its time limit, crash handling and
recycling) and returns the typed result, with the files as bytes.

Imports nothing of the coordinator (only tasks, the local executor and
the fingerprint)."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import logging
import multiprocessing
import os
import shutil
import threading
import uuid
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin, get_worker

from ekte.distributed import fingerprint
from ekte.model import ErrorInfo
from ekte.pipeline.executor import PRELOAD as PRELOAD_MODULES
from ekte.pipeline.executor import LocalExecutor
from ekte.pipeline.tasks import ABANDONED, ANALYZE, WorkerSetup, WorkResult, WorkTask

log = logging.getLogger("distributed.ekte")  # shown by `dask worker` with its own messages

PRELOAD = "ekte.distributed.worker"
REFUSED = "refused"  # WorkResult.failure: this worker cannot take the run's tasks (never reaches the coordinator's steps)

#: the set-ups of the runs this worker serves (key → WorkerSetup), or why it cannot serve one (key → str)
RUNS: dict[str, WorkerSetup | str] = {}
_EXECUTORS: dict[tuple[str, int], LocalExecutor] = {}
_LOCK = threading.Lock()


def dask_setup(worker: Any) -> None:
    """The preload: runs in the worker process before it registers."""
    me = multiprocessing.current_process()
    if me.daemon:
        # a nanny starts its worker as a daemonic process, which may not start
        # processes of its own; this one starts one ekte process per thread
        me.daemon = False
    os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract single-threaded: the worker's threads are the parallelism
    for k, v in fingerprint.resources(worker.state.nthreads).items():
        worker.state.total_resources[k] = v
        worker.state.available_resources[k] = v
    for name in ("ocrmypdf", "pikepdf", "PIL", "pdfminer", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from multiprocessing import forkserver

    from ekte.stages.ocr import _gs_version

    _gs_version()  # probed once, into the environment the ekte processes inherit (as LocalExecutor does)
    # the forkserver of the ekte processes imports OCRmyPDF & co. now, while the worker registers
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD_MODULES)
    forkserver.ensure_running()
    sw = fingerprint.software()
    log.info("ekte worker: ekte %s (source %s), tesseract %s, languages %s", sw["ekte"], sw["ekte source"],
             sw["tesseract"], ", ".join(fingerprint.languages()))


class RunPlugin(WorkerPlugin):
    """One coordinator run's set-up, installed on every worker of the cluster."""

    def __init__(self, key: str, setup: WorkerSetup, files: dict[str, bytes], model_paths: dict[str, str],
                 required: dict[str, float]) -> None:
        self.key = key
        self.run_setup = setup
        self.files = files  # path relative to the run's folder → content (models of the working directory)
        self.model_paths = model_paths  # profile section → path of its model_path in the run's folder
        self.required = required

    async def setup(self, worker: Any) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.prepare, worker)

    def folder(self, worker: Any) -> Path:
        return Path(worker.local_directory) / "ekte" / self.key

    def prepare(self, worker: Any) -> None:
        have = worker.state.total_resources
        if any(have.get(k, 0) < 1 for k in self.required):
            RUNS[self.key] = "its version fingerprint differs from the coordinator's"
            return
        for mod in self.run_setup.plugins:
            try:
                importlib.import_module(mod)
            except Exception as e:  # noqa: BLE001 - reported to the coordinator, which stops
                RUNS[self.key] = f"it cannot import the plugin module '{mod}' ({type(e).__name__}); install it there"
                return
        d = self.folder(worker)
        for rel, data in self.files.items():
            p = d / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_name(f".{p.name}.{uuid.uuid4().hex}")
            tmp.write_bytes(data)
            os.replace(tmp, p)
        profile = self.run_setup.profile
        for section, rel in self.model_paths.items():
            part = getattr(profile, section).model_copy(update={"model_path": str(d / rel)})
            profile = profile.model_copy(update={section: part})
        RUNS[self.key] = dataclasses.replace(self.run_setup, workdir=str(d), profile=profile)

    def teardown(self, worker: Any) -> None:
        RUNS.pop(self.key, None)
        with _LOCK:
            mine = [k for k in _EXECUTORS if k[0] == self.key]
            executors = [_EXECUTORS.pop(k) for k in mine]
        for ex in executors:
            ex.shutdown()
        shutil.rmtree(self.folder(worker), ignore_errors=True)


def _executor(key: str, setup: WorkerSetup) -> LocalExecutor:
    """The warm ekte process of this thread for this run."""
    me = (key, threading.get_ident())
    with _LOCK:
        ex = _EXECUTORS.get(me)
        if ex is None:
            ex = _EXECUTORS[me] = LocalExecutor(setup, 1)
    return ex


def _cancelled(worker: Any, key: Any) -> bool:
    """Did the scheduler give up this task (its coordinator went away)?"""
    ts = worker.state.tasks.get(key)
    return ts is None or ts.state in ("cancelled", "released", "forgotten")


def _wait(ex: LocalExecutor, task: WorkTask, worker: Any) -> WorkResult | None:
    key = worker.get_current_task()
    while True:
        for _t, res in ex.poll(0.5):
            return res
        if not ex.running:  # its run was torn down meanwhile
            return None
        if _cancelled(worker, key):
            ex.cancel(task.task_id)
            return None


def _as_bytes(res: WorkResult) -> None:
    """The files of a result as bytes (the coordinator may be on another host)."""
    if res.original:
        res.original_data, res.original = Path(res.original).read_bytes(), None
    if res.archival:
        res.archival_data, res.archival = Path(res.archival).read_bytes(), None


def run(key: str, task: WorkTask) -> WorkResult:
    """The Dask task: one document, start to extraction, in this worker's
    warm ekte process.  Never raises (a task's arguments, which name
    files, would end up in the worker's log)."""
    worker = get_worker()
    name = worker.name if isinstance(worker.name, str) and worker.name != worker.address else worker.address
    setup = RUNS.get(key)
    if not isinstance(setup, WorkerSetup):
        why = setup or "it has not received the run's set-up"
        return WorkResult(task.task_id, task.document, error=ErrorInfo("internal_error", why, "ocr"), failure=REFUSED,
                          worker=name)
    local = not task.scratch  # no shared file system: files travel as bytes
    if local:
        task.scratch = str(Path(worker.local_directory) / "ekte" / key / "tmp" / f"{task.task_id}-{uuid.uuid4().hex[:8]}")
    try:
        ex = _executor(key, setup)
        ex.submit(task)
        res = _wait(ex, task, worker)
        if res is None:
            return WorkResult(task.task_id, task.document, failure=ABANDONED, worker=name,
                              error=ErrorInfo("ocr_failed", "the coordinator gave the task up", "ocr"))
        if local:
            if task.mode == ANALYZE:
                res.original = res.archival = None  # nothing is archived: only the document travels back
            _as_bytes(res)
        res.worker = name
        return res
    except Exception as e:  # noqa: BLE001 - reported as this document's result
        log.warning("task %s: %s", task.task_id, type(e).__name__)
        return WorkResult(task.task_id, task.document, failure="crashed", worker=name,
                          error=ErrorInfo("ocr_failed", f"The Dask worker failed ({type(e).__name__}).", "ocr"))
    finally:
        if local:
            shutil.rmtree(task.scratch, ignore_errors=True)
