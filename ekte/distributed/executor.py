"""The coordinator's side of ekte on Dask distributed: :class:`DaskExecutor`.

A second implementation of :class:`~ekte.pipeline.executor.Executor`:
``submit`` sends a :class:`~ekte.pipeline.tasks.WorkTask` (with the file's
bytes, or its path below ``--shared-root``) to the cluster, ``poll``
returns ``(task, WorkResult)`` pairs as they finish.  The coordinator keeps
everything else (journal and claims, quarantine, archive, connectors,
progress).

* Without a scheduler address it starts a ``LocalCluster`` of ``jobs``
  single-threaded worker processes on this host; otherwise it connects to
  the scheduler (``tcp://HOST:8786``, or ``tls://`` with the profile's
  certificates: :mod:`ekte.distributed.tls`) and uses its workers.
* Every task asks for this coordinator's fingerprint resources, so Dask
  gives it only to workers with the same software and language data; a
  worker that lacks them is reported once (``refused``) with what differs.
* A worker that dies: Dask gives its tasks to another worker; a task whose
  workers died ``allowed-failures`` times comes back as ``crashed``.
* What the workers need from the working directory (``models/``, and any
  ``model_path`` of the profile) travels once per worker in the run's
  :class:`~ekte.distributed.worker.RunPlugin`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import queue
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from ekte import fsutil
from ekte.distributed import fingerprint, tls
from ekte.distributed.worker import PRELOAD, REFUSED, RunPlugin, run
from ekte.errors import ConfigError, EnvironmentFailure
from ekte.logs import quiet_dask
from ekte.pipeline.executor import failed
from ekte.pipeline.tasks import ABANDONED, CRASHED, WorkerSetup, WorkResult, WorkTask

log = logging.getLogger("ekte.dask")

REFRESH = 1.0  # seconds between two looks at the cluster's workers
PLUGIN_PREFIX = "ekte-run-"  # + the coordinator's Dask client id
SHARED_TMP = ".ekte-work"  # below the shared root: the workers' results, one folder per coordinator


def bundle(profile: Any, workdir: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """What workers read from the working directory: every file below
    ``models/`` and the file of every ``model_path`` setting of the profile
    (path in the run's folder → content; profile section → its path)."""
    files: dict[str, bytes] = {}
    models = Path(workdir) / "models"
    if models.is_dir():
        for f in sorted(models.rglob("*")):
            if f.is_file() and not f.name.startswith(fsutil.TMP_PREFIX):
                files[str(f.relative_to(workdir))] = f.read_bytes()
    paths: dict[str, str] = {}
    for section in type(profile).model_fields:
        mp = getattr(getattr(profile, section), "model_path", None)
        if isinstance(mp, str) and mp and Path(mp).is_file():
            rel = f"settings/{section}/{Path(mp).name}"
            files[rel], paths[section] = Path(mp).read_bytes(), rel
    return files, paths


def run_key(setup: WorkerSetup, files: dict[str, bytes]) -> str:
    h = hashlib.sha256(setup.profile.model_dump_json().encode())
    h.update(repr((setup.plugins, setup.params, setup.image_default_dpi)).encode())
    for rel, data in sorted(files.items()):
        h.update(rel.encode() + hashlib.sha256(data).digest())
    return h.hexdigest()[:16]


def travelling(task: WorkTask, shared_root: Path | None) -> WorkTask:
    """The task as it goes to a worker: with the file's bytes — or its path,
    when it lies below the shared root (then the worker writes its results
    there too, into a scratch folder the coordinator removes)."""
    t = dataclasses.replace(task, parts=[p.as_bytes() for p in task.parts])  # the page ranges of a long scan
    if shared_root and task.path and Path(task.path).resolve().is_relative_to(shared_root):
        from ekte.owner import current

        t.path = str(Path(task.path).resolve())
        t.scratch = str(shared_root / SHARED_TMP / current().token / f"{task.task_id}-{uuid.uuid4().hex[:8]}")
        return t
    if task.data is None:
        t.data = Path(task.path or "").read_bytes()
    t.path, t.scratch = None, ""
    return t


def clean_shared(shared_root: Path) -> None:
    """Remove what coordinators of this host that died left below the shared root."""
    from ekte.owner import token_alive_here

    base = shared_root / SHARED_TMP
    for d in base.iterdir() if base.is_dir() else []:
        if token_alive_here(d.name) is False:
            shutil.rmtree(d, ignore_errors=True)


class DaskExecutor:
    """Tasks on a Dask cluster; the interface of :class:`LocalExecutor`."""

    def __init__(self, setup: WorkerSetup, *, scheduler: str | None = None, jobs: int = 1,
                 shared_root: str | Path | None = None, worker_wait: float = 120.0, connect_timeout: float = 30.0,
                 dashboard: str = "") -> None:
        quiet_dask()
        self.stopping = False
        self.shared_root = Path(shared_root).resolve() if shared_root else None
        if self.shared_root:
            if not self.shared_root.is_dir():
                raise ConfigError(f"--shared-root: {self.shared_root} is not a folder")
            clean_shared(self.shared_root)
        self.worker_wait = worker_wait
        self.langs = fingerprint.used_languages(setup.params.language, setup.params.rotate_pages)
        self.required = fingerprint.required(self.langs)
        self.here = fingerprint.describe()
        # key → (the task as the coordinator gave it, as it travelled, its future): the coordinator gets its
        # own task back (a retry resubmits it: the travelled copy carries neither path nor bytes any more)
        self._futures: dict[str, tuple[WorkTask, WorkTask, Any]] = {}
        self._lost: set[str] = set()  # results lost with a dead worker: Dask computes them again
        self._done: queue.Queue[str] = queue.Queue()
        self.capacity = 0
        self.refused: dict[str, str] = {}
        self.stats: dict[str, dict[str, float]] = {}
        self._seen: set[str] = set()
        self._last_look = 0.0
        self._starved_since: float | None = None
        self.plugin_name = ""
        self.client, self.cluster, self.address = None, None, scheduler or ""
        self._connect(setup.profile.executor, jobs, dashboard, connect_timeout)
        self._check_scheduler()
        files, paths = bundle(setup.profile, Path(setup.workdir))
        self.key = f"{run_key(setup, files)}-{uuid.uuid4().hex[:8]}"  # this run's: other coordinators have their own
        self.plugin_name = f"{PLUGIN_PREFIX}{self.client.id}"
        self._forget_stale_runs()
        self.client.register_plugin(RunPlugin(self.key, setup, files, paths, self.required), name=self.plugin_name)
        # a LocalCluster's scheduler serves its health routes on :8787 without a dashboard: named only when asked for
        link = self.client.dashboard_link if dashboard or self.cluster is None else ""
        log.info("Dask scheduler %s%s", self.address, f", dashboard {link}" if link else "")
        self._look(force=True)

    def _connect(self, settings: Any, jobs: int, dashboard: str, timeout: float) -> None:
        import distributed

        sec = tls.security(settings, self.address)  # tls:// (mutual TLS, Dask's Security) or None
        if sec is not None:
            tls.probe(self.address, sec, timeout)
        if not self.address:
            self.cluster = self._local_cluster(jobs, dashboard)
            self.address = self.cluster.scheduler_address
        try:
            self.client = distributed.Client(self.address, timeout=timeout, set_as_default=False, security=sec)
        except (OSError, TimeoutError) as e:
            self._close_cluster()
            raise ConfigError(f"cannot reach the Dask scheduler at {self.address} ({type(e).__name__})") from None

    def _check_scheduler(self) -> None:
        """The scheduler unpickles the tasks: it needs the same ekte (not its tools)."""
        import ekte

        def ekte_version() -> str | None:  # runs on the scheduler (sent by value)
            try:
                import ekte as there
            except ImportError:
                return None
            return there.__version__

        try:
            v = self.client.run_on_scheduler(ekte_version)
        except Exception as e:  # noqa: BLE001 - a scheduler that does not run functions: its errors will tell
            log.debug("scheduler not asked for its ekte (%s)", type(e).__name__)
            return
        if v != ekte.__version__:
            self.shutdown()
            raise ConfigError(f"the Dask scheduler at {self.address} " + ("cannot import ekte" if v is None else
                              f"runs ekte {v}, this coordinator {ekte.__version__}") +
                              " (install the same ekte there as on the workers)")

    def _forget_stale_runs(self) -> None:
        """The run set-ups of coordinators no longer connected (killed) are
        removed from the cluster: their workers' ekte processes end."""
        def stale_runs(dask_scheduler: Any, prefix: str = PLUGIN_PREFIX) -> list[str]:
            # runs on the scheduler (sent by value: the scheduler needs no ekte)
            return [n for n in dask_scheduler.worker_plugins
                    if n.startswith(prefix) and n[len(prefix):] not in dask_scheduler.clients]

        try:
            stale = self.client.run_on_scheduler(stale_runs)
        except Exception as e:  # noqa: BLE001 - a scheduler that does not allow it: they stay
            log.debug("stale run set-ups not checked (%s)", type(e).__name__)
            return
        for name in stale:
            try:
                self.client.unregister_worker_plugin(name)
                log.info("removed the run set-up of a coordinator that is gone (%s)", name)
            except Exception as e:  # noqa: BLE001
                log.debug("stale run set-up %s not removed (%s)", name, type(e).__name__)

    @staticmethod
    def _local_cluster(jobs: int, dashboard: str) -> Any:
        import dask
        import distributed

        with dask.config.set({"distributed.worker.daemon": False}):
            return distributed.LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                                            host="127.0.0.1", scheduler_port=0, preload=[PRELOAD],
                                            dashboard_address=dashboard or None, worker_dashboard_address=None)

    # -- the interface
    @property
    def running(self) -> int:
        return len(self._futures)

    @property
    def free(self) -> int:
        # one task waiting at each worker thread besides the one it works on: no idle gap between two;
        # with no fitting worker yet, one task waits at the scheduler (for a worker to join, or the time limit)
        return max(0, 2 * self.capacity - self.running) if self.capacity else int(not self.running)

    def submit(self, task: WorkTask) -> None:
        remote = self._remote(task)
        key = f"ekte-{task.task_id}-{uuid.uuid4().hex[:8]}"
        fut = self.client.submit(run, self.key, remote, key=key, resources=self.required, pure=False)
        self._futures[key] = (task, remote, fut)
        fut.add_done_callback(lambda f, k=key: self._done.put(k))

    def poll(self, timeout: float) -> list[tuple[WorkTask, WorkResult]]:
        self._look()
        keys: list[str] = []
        try:
            keys.append(self._done.get(timeout=timeout))
            while True:
                keys.append(self._done.get_nowait())
        except queue.Empty:
            pass
        keys += [k for k in self._lost if k in self._futures and self._futures[k][2].status not in ("lost", "pending")]
        out = []
        for key in dict.fromkeys(keys):
            entry = self._futures.get(key)
            if entry is None:
                continue
            task, remote, fut = entry
            if fut.status in ("lost", "pending"):
                # Dask calls a future "done" when its result is lost with a dead worker (before computing it
                # again elsewhere): looked at again by each poll until it is really done
                self._lost.add(key)
                continue
            self._lost.discard(key)
            del self._futures[key]
            out.append((self._returned(task, remote), self._result(remote, fut)))
        return out

    def cancel(self, task_id: str) -> bool:
        for key, (task, _remote, fut) in list(self._futures.items()):
            if task.task_id == task_id:
                del self._futures[key]
                fut.cancel()
                return True
        return False

    def shutdown(self) -> list[WorkTask]:
        self.stopping = True
        left = [self._returned(t, r) for t, r, _f in self._futures.values()]
        futures = [f for _t, _r, f in self._futures.values()]
        self._futures.clear()
        try:
            if futures:
                self.client.cancel(futures)
            if self.plugin_name:
                self.client.unregister_worker_plugin(self.plugin_name)
        except Exception as e:  # noqa: BLE001 - the scheduler may be gone; nothing is lost (the journal has it)
            log.debug("Dask clean-up: %s", type(e).__name__)
        try:
            self.client.close(timeout=10)
        except Exception:  # noqa: BLE001
            pass
        self._close_cluster()
        if self.shared_root:
            from ekte.owner import current

            shutil.rmtree(self.shared_root / SHARED_TMP / current().token, ignore_errors=True)
        return left

    def worker_stats(self) -> dict[str, Any]:
        """Per worker: documents, pages, seconds (and the workers refused)."""
        out: dict[str, Any] = {"workers": {w: {k: round(v, 3) if k == "seconds" else int(v) for k, v in s.items()}
                                           for w, s in sorted(self.stats.items())}}
        if self.refused:
            out["refused_workers"] = dict(sorted(self.refused.items()))
        return out

    # -- inside
    def _close_cluster(self) -> None:
        if self.cluster is not None:
            try:
                self.cluster.close(timeout=20)
            except Exception:  # noqa: BLE001
                pass
            self.cluster = None

    @staticmethod
    def _returned(task: WorkTask, remote: WorkTask) -> WorkTask:
        """The coordinator's task, naming the scratch folder its worker used (below the shared root, or
        none: the files came back as bytes)."""
        return dataclasses.replace(task, scratch=remote.scratch)

    def _remote(self, task: WorkTask) -> WorkTask:
        t = travelling(task, self.shared_root)
        if self.cluster is None:
            t.ocr_jobs = 1  # remote workers: one thread each
        return t

    def _result(self, task: WorkTask, fut: Any) -> WorkResult:
        from distributed.scheduler import KilledWorker

        if fut.status == "finished":
            try:
                res: WorkResult = fut.result()
            except Exception as e:  # noqa: BLE001 - its result could not be fetched (worker gone meanwhile)
                return failed(task, CRASHED, f"The result could not be fetched from the worker ({type(e).__name__}).",
                              "ocr_failed")
            if res.failure == REFUSED:
                raise ConfigError(f"Dask worker {res.worker} refused: {res.error.message if res.error else ''}")
            self._count(res)
            return res
        if fut.status == "cancelled":
            if self.stopping:
                return failed(task, ABANDONED, "ekte was stopped while this document was processed", "ocr_failed")
            raise self._lost_scheduler("gave up this run's tasks (connection lost?)")
        exc = fut.exception()
        if isinstance(exc, KilledWorker):
            return failed(task, CRASHED, "Every Dask worker that took this document died (out of memory or killed).",
                          "ocr_failed")
        # the task itself never raises (run() returns every document's error): this is the cluster's
        why = f"{type(exc).__name__}: {exc}"[:200] if isinstance(exc, ImportError) else type(exc).__name__
        raise ConfigError(f"the Dask cluster at {self.address} could not run this run's tasks ({why}); "
                          f"see the scheduler's and workers' logs")

    def _lost_scheduler(self, what: str) -> EnvironmentFailure:
        """The run ends as one whose disk filled up (exit 74, ``"code": "scheduler_lost"``): what was
        done is reported, the rest is ``pending`` — not a usage error: running it again completes it."""
        return EnvironmentFailure("scheduler_lost", f"the Dask scheduler at {self.address} {what}; "
                                                    "a re-run resumes from the journal")

    def _count(self, res: WorkResult) -> None:
        s = self.stats.setdefault(res.worker or "?", {"documents": 0, "pages": 0, "seconds": 0.0})
        s["documents"] += 1
        s["pages"] += res.document.pages if res.ok and res.document else 0
        s["seconds"] += res.seconds

    def _look(self, force: bool = False) -> None:
        """Which workers can take this run's tasks; report the others once."""
        now = time.monotonic()
        if not force and now - self._last_look < REFRESH:
            return
        self._last_look = now
        try:
            workers = self.client.scheduler_info(n_workers=-1)["workers"]
        except Exception as e:  # noqa: BLE001
            raise self._lost_scheduler(f"was lost ({type(e).__name__})") from None
        fit = 0
        for addr, w in workers.items():
            res = w.get("resources") or {}
            if all(res.get(k, 0) >= 1 for k in self.required):
                fit += int(w.get("nthreads", 1))
            elif addr not in self._seen:
                self._refuse(addr, w)
            self._seen.add(addr)
        self.capacity = fit
        self._starving(now)

    def _refuse(self, addr: str, w: dict[str, Any]) -> None:
        try:
            there = self.client.run(fingerprint.describe, workers=[addr], on_error="return").get(addr)
        except Exception:  # noqa: BLE001 - it could not even tell (no ekte there)
            there = None
        why = fingerprint.differences(self.here, there if isinstance(there, dict) else None, self.langs)
        name = w.get("name")
        label = name if isinstance(name, str) and name != addr else addr
        self.refused[label] = why
        log.warning("Dask worker %s refused: %s (a worker must run the same ekte, OCRmyPDF, Tesseract and "
                    "language data as the coordinator)", label, why)

    def _starving(self, now: float) -> None:
        """Tasks waiting and no worker fit for them for too long: stop with the reason."""
        if self.capacity or not self._futures:
            self._starved_since = None
            return
        if self._starved_since is None:
            self._starved_since = now
            return
        if now - self._starved_since > self.worker_wait:
            refused = "; ".join(f"{w}: {why}" for w, why in self.refused.items()) or "no workers connected"
            raise ConfigError(f"no Dask worker at {self.address} can take this run's tasks for "
                              f"{self.worker_wait:g} s ({refused})")
