"""CPU per document in the coordinator of ``ekte ingest`` (issue 12), per
step: the run's API call (``ekte.api.ingest``, ``-j 2`` by default) in this
process with timers around the coordinator's steps — the main thread's CPU
(``time.thread_time``: the background threads, the workers and the fork
server are not in it), self time (a step's time excludes the steps it
calls).  py-spy (``bench/born_coordinator.py``) shows wall time, waiting
included; cProfile inflates small Python calls several times (it made
``dataclasses.asdict`` look like 18 % of the coordinator; timed, it is 1 %).

    python bench/coordinator_cpu.py FOLDER [--jobs 2]
"""

from __future__ import annotations

import argparse
import collections
import importlib
import sys
import tempfile
import time
from pathlib import Path

#: (module, function or Class.method) wrapped in place
SPOTS = [("ekte.stages.archive", "write_xmp"), ("ekte.stages.archive", "write_archive"),
         ("ekte.evidence.archiving", "finish"), ("ekte.fsutil", "copy_hashed"), ("ekte.fsutil", "sync_barrier"),
         ("ekte.fsutil", "fsync_dir"), ("ekte.fsutil", "sha256_file"), ("ekte.fsutil", "json_text"),
         ("ekte.pipeline.delivery", "export"), ("ekte.pipeline.steps", "finish"),
         ("ekte.pipeline.steps", "audit_events"), ("ekte.pipeline.steps", "reserve_aktenzeichen"),
         ("ekte.pipeline.admission", "Admission.admit"), ("ekte.pipeline.admission", "Admission.expand"),
         ("ekte.pipeline.executor", "LocalExecutor.poll"), ("ekte.pipeline.executor", "LocalExecutor.submit"),
         ("ekte.pipeline.settled", "Settled.append"), ("ekte.journal", "Journal.set_state"),
         ("ekte.journal", "Journal.sync"), ("ekte.journal", "Journal.history"),
         ("ekte.pipeline.coordinator", "Coordinator.step"), ("ekte.connectors.folder", "FolderConnector.export"),
         # the pre-export integrity check (re-reads the archive folder) and the export's journal transaction
         ("ekte.evidence.intact", "export_problems"), ("ekte.journal", "Journal.record_outcome")]


class Timers:
    def __init__(self) -> None:
        self.acc: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0])
        self.stack: list[float] = []

    def wrap(self, label: str, fn):  # noqa: ANN001, ANN201
        def timed(*a, **kw):  # noqa: ANN002, ANN003, ANN202
            t0 = time.thread_time()
            self.stack.append(0.0)
            try:
                return fn(*a, **kw)
            finally:
                inner, tot = self.stack.pop(), time.thread_time() - t0
                self.acc[label][0] += tot - inner
                self.acc[label][1] += 1
                if self.stack:
                    self.stack[-1] += tot
        return timed

    def install(self) -> None:
        for mod, name in SPOTS:
            m = importlib.import_module(mod)
            owner, attr = (getattr(m, name.split(".")[0]), name.split(".")[1]) if "." in name else (m, name)
            setattr(owner, attr, self.wrap(f"{mod.rsplit('.', 1)[-1]}.{name}", getattr(owner, attr)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    timers = Timers()
    timers.install()
    from ekte.api import ingest

    with tempfile.TemporaryDirectory() as tmp:
        t0, w0 = time.thread_time(), time.monotonic()
        r = ingest([a.folder], workdir=Path(tmp) / "wd", jobs=a.jobs)
        cpu, wall, n = time.thread_time() - t0, time.monotonic() - w0, max(1, r.summary["total"])
    print(f"{n} documents: the coordinator's main thread {cpu:.2f} s CPU = {1000 * cpu / n:.2f} ms per document "
          f"(wall {wall:.1f} s); self time per step:")
    for k, (v, c) in sorted(timers.acc.items(), key=lambda kv: -kv[1][0]):
        print(f"  {1000 * v / n:6.2f} ms  {c / n:5.2f} calls/doc  {k}")


if __name__ == "__main__":
    main()
