"""A real Dask cluster on 127.0.0.1 for the tests and the benchmark: a
``dask scheduler`` and ``dask worker`` processes started from the project's
environment (each in its own session, so that ``kill -9`` of one takes its
nanny, worker, ekte process and Tesseract with it)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
PRELOAD = "ekte.distributed.worker"


class DaskCluster:
    def __init__(self, tmp: Path, dashboard: bool = False, without_ekte: bool = False) -> None:
        self.tmp = Path(tmp)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen] = {}
        self.file = self.tmp / "scheduler.json"
        args = ["scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(self.file)]
        args += ["--dashboard-address", "127.0.0.1:0"] if dashboard else ["--no-dashboard"]
        if without_ekte:  # a scheduler host where ekte is not installed (only Dask)
            args = ["-c", "import sys; sys.modules['ekte'] = None; from distributed.cli.dask_scheduler import main; "
                          "main()", *args[1:]]
        self._start("scheduler", args, python=without_ekte)
        t0 = time.monotonic()
        while not self.file.exists() or not self.file.read_text().strip():
            self._alive("scheduler")
            if time.monotonic() - t0 > 60:
                raise AssertionError("the Dask scheduler did not start: " + self.log("scheduler"))
            time.sleep(0.1)
        time.sleep(0.2)  # written whole (it is small, but not atomically)
        self.info = json.loads(self.file.read_text())
        self.address = self.info["address"]

    def _start(self, name: str, args: list[str], env: dict | None = None, python: bool = False) -> subprocess.Popen:
        e = dict(os.environ)
        e.update(env or {})
        log = open(self.tmp / f"{name}.log", "wb")
        p = subprocess.Popen([sys.executable if python else str(BIN / "dask"), *args], stdout=log, stderr=subprocess.STDOUT, env=e,
                             stdin=subprocess.DEVNULL, start_new_session=True, cwd=self.tmp)
        self.procs[name] = p
        return p

    def log(self, name: str) -> str:
        p = self.tmp / f"{name}.log"
        return p.read_text(errors="replace")[-3000:] if p.exists() else ""

    def _alive(self, name: str) -> None:
        p = self.procs[name]
        if p.poll() is not None:
            raise AssertionError(f"dask {name} exited ({p.returncode}): {self.log(name)}")

    def worker(self, name: str, env: dict | None = None, nthreads: int = 1) -> subprocess.Popen:
        """Start ``dask worker`` named *name* (one thread, ekte's preload)."""
        d = self.tmp / f"{name}-dir"
        return self._start(name, ["worker", self.address, "--name", name, "--nthreads", str(nthreads),
                                   "--preload", PRELOAD, "--no-dashboard", "--local-directory", str(d),
                                   "--host", "127.0.0.1"], env)

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=30, set_as_default=False)

    def wait_workers(self, names: list[str], timeout: float = 180) -> None:
        """Until the workers named are registered (their preload ran)."""
        c = self.client()
        try:
            t0 = time.monotonic()
            while True:
                have = {w.get("name") for w in c.scheduler_info(n_workers=-1)["workers"].values()}
                if set(names) <= have:
                    return
                for n in names:
                    self._alive(n)
                if time.monotonic() - t0 > timeout:
                    raise AssertionError(f"workers {names} not up (have {have}): "
                                         + " | ".join(self.log(n) for n in names))
                time.sleep(0.3)
        finally:
            c.close()

    def kill(self, name: str) -> None:
        """``kill -9`` of a worker with everything it started."""
        p = self.procs.pop(name)
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait(30)

    def stop(self) -> None:
        for name in reversed(list(self.procs)):  # the workers before the scheduler
            p = self.procs.pop(name)
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(10)
