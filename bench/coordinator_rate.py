"""How many documents per second one coordinator can take (issue 13: the
capacity model).  With workers on other hosts, the coordinator's own work
per document is what is left on its host: admission (read and hash the
input, claim it in the journal), the file's bytes read for the worker, and
settling the worker's result — the files written from the bytes that came
back, the review decision, the Aktenzeichen, the archive folder (copies,
hash checks, XMP written into the PDF/A, fsync, rename), the export
(folder connector) and the journal transactions.

The workers' part is done first, outside the clock, on this host (real
results of real documents: generated born-digital PDFs and scans); then
the coordinator's part is timed alone, as the Dask path does it (results
carry their files as bytes), with 1 and with P coordinator processes on
one working directory (several coordinators share a working directory
through the journal's claims).

    .venv/bin/python bench/coordinator_rate.py [--born 60] [--scans 4] [--processes 2]

Reported: documents/s (wall, depends on the machine's load) and documents
per CPU second of the coordinator processes (what one core of its own
would settle, fsync waits aside), with the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "samples"))
os.environ["OMP_THREAD_LIMIT"] = "1"


def worker_results(files: list[Path], tmp: Path) -> list[tuple[Path, object]]:
    """The workers' part (not timed): real results, with their files as bytes."""
    import hashlib

    from ekte.model import Document
    from ekte.pipeline.executor import LocalExecutor
    from ekte.pipeline.tasks import WorkerSetup, WorkTask
    from ekte.profile import load_profile
    from ekte.stages import intake
    from ekte.stages.ocr import OcrParams

    prof = load_profile()
    ex = LocalExecutor(WorkerSetup(prof, (), str(tmp / "none"), OcrParams.from_profile(prof)), os.cpu_count() or 1)
    by_id = {}
    for i, f in enumerate(files):
        raw = f.read_bytes()
        doc = Document(sha256=hashlib.sha256(raw).hexdigest(), source=str(f), size=len(raw),
                       media_type=intake.inspect(f).media_type or "")
        ex.submit(WorkTask(f"t{i}", doc, str(f), scratch=str(tmp / "scratch" / f"t{i}")))
        by_id[f"t{i}"] = f
    out = []
    while ex.running:
        for task, res in ex.poll(0.5):
            assert res.ok, res.error
            res.original_data, res.original = Path(res.original).read_bytes(), None
            res.archival_data, res.archival = Path(res.archival).read_bytes(), None
            out.append((by_id[task.task_id], res))
    ex.shutdown()
    return out


def settle(results_file: str, wd: str, part: int, parts: int, queue: object) -> None:
    """One coordinator process: admit and settle its share of the documents."""
    from ekte.pipeline import Pipeline
    from ekte.pipeline import steps
    from ekte.pipeline.admission import TASK, Admission
    from ekte.pipeline.tasks import WorkItem
    from ekte.profile import load_profile

    results = pickle.loads(Path(results_file).read_bytes())[part::parts]
    # no review (type or fields): every document is settled to the end
    with Pipeline(load_profile(None, ["classify.threshold=0", "extract.auto_threshold=0"]), wd) as p:
        adm = Admission(p, p.j.start_run("bench"))
        t0, c0 = time.monotonic(), time.process_time()
        for path, res in results:
            o = adm.admit(WorkItem(path))
            assert o.kind == TASK, o.kind
            path.read_bytes()  # what the Dask executor sends
            doc = steps.finish(p, o.item, res)
            assert doc.status.value == "archived", (doc.status, doc.error)
        queue.put((len(results), time.monotonic() - t0, time.process_time() - c0))


def rate(results_file: Path, tmp: Path, name: str, processes: int) -> dict:
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    wd = tmp / f"wd-{name}-{processes}"
    procs = [ctx.Process(target=settle, args=(str(results_file), str(wd), i, processes, q)) for i in range(processes)]
    t0 = time.monotonic()
    for p in procs:
        p.start()
    got: list = []
    while len(got) < len(procs):
        try:
            got.append(q.get(timeout=5))
        except Exception:  # noqa: BLE001 - queue.Empty: is every coordinator still there?
            if any(p.exitcode not in (None, 0) for p in procs) or time.monotonic() - t0 > 1800:
                raise SystemExit("a coordinator process failed (see above)") from None
    wall = time.monotonic() - t0
    for p in procs:
        p.join()
    n = sum(x[0] for x in got)
    slowest = max(x[1] for x in got)
    cpu = sum(x[2] for x in got)
    # documents per CPU second: what one core given to the coordinator alone settles (the machine is
    # shared: the wall rate depends on the load, the CPU rate far less; fsync waits are not in it)
    return {"documents": n, "processes": processes, "seconds": round(slowest, 2),
            "documents_per_s": round(n / slowest, 1), "cpu_seconds": round(cpu, 2),
            "documents_per_cpu_s": round(n / cpu, 1), "wall_with_startup_s": round(wall, 2)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--born", type=int, default=60)
    ap.add_argument("--scans", type=int, default=4)
    ap.add_argument("--processes", type=int, default=2)
    a = ap.parse_args()
    import generate

    out: dict = {"load_average_before": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, fmt, n, seed in (("born", "pdf", a.born, 51), ("scans", "scanpdf", a.scans, 52)):
            if not n:
                continue
            per = max(1, -(-n // len(generate.DOCTYPES)))
            generate.generate(tmp / name, per_type=per, formats=[fmt], seed=seed)
            files = sorted((tmp / name).glob("*.pdf"))[:n]
            res = worker_results(files, tmp / f"w-{name}")
            rf = tmp / f"{name}.pickle"
            rf.write_bytes(pickle.dumps(res))
            pages = sum(r.document.pages for _p, r in res)
            out[name] = {"pages": pages, "archival_kb_avg": round(sum(len(r.archival_data) for _p, r in res)
                                                                  / len(res) / 1024, 1)}
            for procs in sorted({1, a.processes}):
                out[name][f"coordinators_{procs}"] = rate(rf, tmp, name, procs)
    out["load_average_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, indent=2))
    for name in ("born", "scans"):
        if name in out:
            r = out[name]
            print(f"{name}: one coordinator settles {r['coordinators_1']['documents_per_s']} documents/s "
                  f"({r['coordinators_1']['documents_per_cpu_s']} per CPU second)"
                  + (f", {a.processes} on one working directory {r[f'coordinators_{a.processes}']['documents_per_s']}"
                     if a.processes != 1 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
