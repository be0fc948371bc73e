"""Where the wall time of one ``ekte ingest -j 2`` run goes (issue 12,
round 10): from the launch to the last document settled and the process
gone, per process — the coordinator's start-up points, the fork server's
preload, each worker's start, the first task and result, the documents
settled (first, last, the rate between), the run's end — from the marks
ekte writes with ``EKTE_TRACE_START`` (:mod:`ekte.starttrace`), and the
CPU seconds of each process at its marks.  ``--against SRC`` runs a
second ekte (a source tree, e.g. ``/work/main``) in the same rounds,
interleaved; medians of ``--reps`` runs.

    python bench/timeline.py [--born 48] [--embedded] [--reps 5] [--against SRC]

A worker marks the end of each task (``task-done``): its first task's CPU
(from ``worker-start``, its context built) and the median of its later
ones are reported per worker.

The set is ``born_bench``'s (generated, fonts not embedded; ``--embedded``:
the same after Ghostscript — pikepdf's route).  A mark a tree does not
write (an older one) is left out of its column.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def one(src: Path, wd: Path, jobs: int, code: Path | None, trace: Path) -> dict:
    """One traced run: wall, CPU of the ekte process and of all, the marks (seconds from the launch)."""
    from born_bench import _TREE

    shutil.rmtree(wd, ignore_errors=True)
    trace.unlink(missing_ok=True)
    env = dict(os.environ, EKTE_TRACE_START=str(trace))
    if code:
        env["PYTHONPATH"] = str(code)
    exe = Path(sys.executable).with_name("ekte")
    t0 = time.clock_gettime(time.CLOCK_BOOTTIME)
    proc = subprocess.Popen([sys.executable, "-c", _TREE, str(exe), "ingest", "--json", str(src), "-w", str(wd),
                             "-j", str(jobs)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=trace.parent)
    sampler = Demand(proc.pid, t0)
    stdout, stderr = proc.communicate()
    t1 = time.clock_gettime(time.CLOCK_BOOTTIME)
    sampler.stop()
    p = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    if p.returncode not in (0, 1):
        raise SystemExit(f"ekte failed ({p.returncode}): {p.stderr[-2000:]}")
    own, tree, reaped = next(map(float, ln.split()[1:]) for ln in p.stderr.splitlines()[::-1] if ln.startswith("EKTE-CPU"))
    out = {"wall": t1 - t0, "cpu_own": own, "cpu_all": tree, "ekte gone": reaped - t0}
    out.update(marks(trace.read_text().splitlines() if trace.exists() else [], t0))
    out.update(sampler.phases(out))
    return out


class Demand:
    """Samples, every 10 ms, how much CPU the run's process tree used and how
    long its threads waited on a run queue (``/proc/PID/task/TID/schedstat``):
    used + waited is what the run asked for, whatever else runs on the
    machine — under 2 cores (``-j 2``) it left a core idle for want of work."""

    def __init__(self, pid: int, t0: float) -> None:
        self.pid, self.t0, self.samples, self.done = pid, t0, [], False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _tree(self) -> list[int]:
        todo, out = [self.pid], []
        while todo:
            p = todo.pop()
            out.append(p)
            try:
                for tid in os.listdir(f"/proc/{p}/task"):
                    with open(f"/proc/{p}/task/{tid}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
        return out[1:]  # (not the subreaper itself)

    def _loop(self) -> None:
        seen: dict[str, tuple[int, int]] = {}
        while not self.done:
            run = wait = 0
            for p in self._tree():
                try:
                    tids = os.listdir(f"/proc/{p}/task")
                except OSError:
                    continue
                for tid in tids:
                    try:
                        with open(f"/proc/{p}/task/{tid}/schedstat") as f:
                            r, w, _n = map(int, f.read().split())
                    except (OSError, ValueError):
                        continue
                    r0, w0 = seen.get(f"{p}/{tid}", (0, 0))
                    seen[f"{p}/{tid}"] = (r, w)
                    run, wait = run + r - r0, wait + w - w0
            self.samples.append((time.clock_gettime(time.CLOCK_BOOTTIME) - self.t0, run / 1e9, wait / 1e9))
            time.sleep(0.01)

    def stop(self) -> None:
        self.done = True
        self.thread.join()

    def phases(self, m: dict) -> dict:
        """CPU used and asked for (used + run-queue wait) in the phases launch → first result → last settled →
        end, as cores on average (2.0: both cores kept busy)."""
        cuts = [("start", 0.0), ("docs", m.get("coordinator first-result")), ("end", m.get("coordinator settled last")),
                (None, self.samples[-1][0] if self.samples else None)]
        out: dict[str, float] = {}
        for (name, a), (_n, b) in zip(cuts, cuts[1:]):
            if a is None or b is None or b <= a:
                continue
            used = sum(r for t, r, _w in self.samples if a < t <= b)
            asked = sum(r + w for t, r, w in self.samples if a < t <= b)
            out[f"cores used {name}"], out[f"cores asked {name}"] = used / (b - a), asked / (b - a)
        return out


def marks(lines: list[str], t0: float) -> dict:
    """The trace's lines → {"role point": seconds from *t0*, "role point cpu": CPU s}: roles coordinator,
    forkserver, worker1, worker2, … (in the order the workers started)."""
    rows = [ln.split() for ln in lines if len(ln.split()) == 4]
    by_pid: dict[str, list[tuple[str, float, float]]] = {}
    for pid, name, when, cpu in rows:
        by_pid.setdefault(pid, []).append((name, float(when), float(cpu)))
    if not by_pid:
        return {}
    coordinator = rows[0][0]
    workers = sorted((p for p, ms in by_pid.items() if any(n == "worker-start" for n, _w, _c in ms)),
                     key=lambda p: by_pid[p][0][1])
    out: dict[str, float] = {}
    for pid, ms in by_pid.items():
        role = ("coordinator" if pid == coordinator else f"worker{workers.index(pid) + 1}" if pid in workers
                else "forkserver" if any(n == "preload-done" for n, _w, _c in ms) else f"process {pid}")
        settled = [w for n, w, _c in ms if n == "settled"]
        if settled:
            out[f"{role} settled first"], out[f"{role} settled last"] = settled[0] - t0, settled[-1] - t0
            out["documents settled"] = len(settled)
            if len(settled) > 1:
                out["steady docs/s"] = (len(settled) - 1) / (settled[-1] - settled[0])
        done = [c for n, _w, c in ms if n == "task-done"]  # (a worker's CPU at the end of each task)
        if len(done) > 1:  # its first task (from worker-start) is in "task-done cpu"; the later ones, per task:
            out[f"{role} later tasks ms cpu each"] = 1000 * statistics.median(b - a for a, b in zip(done, done[1:]))
        for name, when, cpu in ms:
            if name != "settled":
                out.setdefault(f"{role} {name}", when - t0)
                out.setdefault(f"{role} {name} cpu", cpu)
    return out


def run(src: Path, tmp: Path, reps: int, jobs: int, codes: dict[str, Path | None]) -> dict:
    runs: dict[str, list[dict]] = {c: [] for c in codes}
    load0 = os.getloadavg()
    for r in range(reps):
        for code in list(codes)[:: 1 if r % 2 == 0 else -1]:
            runs[code].append(one(src, tmp / "wd", jobs, codes[code], tmp / f"trace-{r}-{code}"))
            print(f"rep {r + 1} {code}: {runs[code][-1]['wall']:.2f} s (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
    med = {}
    for code, rs in runs.items():
        keys = sorted({k for x in rs for k in x}, key=lambda k: statistics.median(x[k] for x in rs if k in x)
                      if not k.endswith("cpu") else 1e9)
        med[code] = {k: round(statistics.median(x[k] for x in rs if k in x), 3) for k in keys}
    return {"reps": reps, "jobs": jobs, "loadavg_before": load0, "loadavg_after": os.getloadavg(), "medians": med,
            "walls": {c: [round(x["wall"], 3) for x in rs] for c, rs in runs.items()}}


def report(r: dict) -> str:
    codes = list(r["medians"])
    keys = list(dict.fromkeys(k for c in codes for k in r["medians"][c]))
    times = sorted((k for k in keys if not k.endswith(" cpu")),
                   key=lambda k: r["medians"][codes[0]].get(k, r["medians"][codes[-1]].get(k, 0))
                   if k not in ("documents settled", "steady docs/s", "cpu_own", "cpu_all")
                   and not k.endswith(" each") else 1e9)
    lines = [f"ekte ingest -j {r['jobs']}, medians of {r['reps']} (load {r['loadavg_before'][0]:.1f} -> "
             f"{r['loadavg_after'][0]:.1f})", f"{'point':36}" + "".join(f"{c:>18}" for c in codes)]
    for k in times:
        cells = []
        for c in codes:
            v, cpu = r["medians"][c].get(k), r["medians"][c].get(f"{k} cpu")
            cells.append("" if v is None else f"{v:.3f}" + (f" ({cpu:.2f})" if cpu is not None else ""))
        lines.append(f"{k:36}" + "".join(f"{x:>18}" for x in cells))
    return "\n".join(lines)


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--born", type=int, default=48)
    ap.add_argument("--embedded", action="store_true", help="the set after Ghostscript (pikepdf's route)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--against", type=Path)
    ap.add_argument("--data", type=Path, help="a folder of born_bench's data made before (born/, emb/)")
    a = ap.parse_args()
    sys.path[:0] = [str(HERE.parent / "samples"), str(HERE)]
    from born_bench import born_data, compiled

    codes = {"this": None, **({"against": a.against.resolve()} if a.against else {})}
    compiled(*([codes["against"]] if a.against else []))
    with tempfile.TemporaryDirectory() as tmp:
        data = a.data or Path(tmp) / "data"
        if not (data / "born").exists():
            data.mkdir(parents=True, exist_ok=True)
            born_data(data, a.born)
        r = run(data / ("emb" if a.embedded else "born"), Path(tmp), a.reps, a.jobs, codes)
    print(json.dumps(r, indent=1) + "\n" + report(r))


if __name__ == "__main__":
    main()
