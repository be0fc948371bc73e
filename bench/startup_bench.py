"""The fixed cost of one ``ekte ingest`` run (issue 12): start-up and end,
measured on an empty inbox and on one born-digital PDF (fonts not
embedded: Ghostscript's route), each into a new working directory.

Per run: the wall time, the CPU seconds of the ekte process and of all its
processes (fork server and workers reaped by a subreaper, as in
``born_bench``), and — with ``EKTE_TRACE_START`` — the time from process
start to each point ekte marks (:mod:`ekte.starttrace`).  ``--against SRC``
runs a second ekte (a source tree, e.g. ``git archive main | tar -x -C
SRC``) in the same rounds, interleaved, for side-by-side figures under the
same load; medians of ``--reps`` runs.

    python bench/startup_bench.py [--reps 10] [--jobs 2] [--against SRC]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: born_bench's subreaper, which also prints when the ekte process itself was reaped (CLOCK_BOOTTIME): a
#: script that reads ekte's output through a pipe waits longer, until the fork server has gone too
from born_bench import _TREE  # noqa: E402 - the subreaper; its last stderr line also says when the command ended


def _one(src: Path, wd: Path, jobs: int, code: Path | None, trace: Path) -> dict:
    shutil.rmtree(wd, ignore_errors=True)
    trace.unlink(missing_ok=True)
    exe = Path(sys.executable).with_name("ekte")
    env = dict(os.environ, EKTE_TRACE_START=str(trace))
    if code:
        env["PYTHONPATH"] = str(code)
    t0 = time.clock_gettime(time.CLOCK_BOOTTIME)
    p = subprocess.run([sys.executable, "-c", _TREE, str(exe), "ingest", "--json", str(src), "-w", str(wd),
                        "-j", str(jobs)], capture_output=True, text=True, env=env, cwd=trace.parent)
    # (cwd: the fork server imports from its working directory first — from a checkout, that checkout's ekte)
    t1 = time.clock_gettime(time.CLOCK_BOOTTIME)
    if p.returncode not in (0, 1):
        raise SystemExit(f"ekte failed ({p.returncode}): {p.stderr[-2000:]}")
    own, tree, reaped = next(map(float, ln.split()[1:]) for ln in p.stderr.splitlines()[::-1] if ln.startswith("EKTE-CPU"))
    return {"wall": t1 - t0, "cpu_own": own, "cpu_all": tree, "marks": {**_marks(trace, t0, t1), "reaped": reaped - t0}}


def _marks(trace: Path, t0: float, t1: float) -> dict:
    """Seconds from the launch to each mark (the coordinator's; the fork
    server's prefixed ``forkserver:``), and ``gone`` (launch to reaped)."""
    out: dict[str, float] = {"gone": t1 - t0}  # the pipes closed: the fork server gone too
    if not trace.exists():
        return out
    lines = [ln.split() for ln in trace.read_text().splitlines()]
    first = lines[0][0] if lines else None
    for pid, name, when, cpu in lines:
        key = name if pid == first else f"forkserver:{name}"
        out.setdefault(key, float(when) - t0)
        out.setdefault(f"cpu:{key}", float(cpu))
    return out


def run(tmp: Path, reps: int, jobs: int, against: Path | None) -> dict:
    from born_bench import born_data, compiled

    compiled(*([against] if against else []))
    born, _emb = born_data(tmp / "data", 1)
    (tmp / "empty").mkdir()
    inputs = {"empty": tmp / "empty", "one": born[0].parent}
    codes = {"branch": None, **({"main": against} if against else {})}
    runs: dict[str, list[dict]] = {}
    load0 = os.getloadavg()
    for r in range(reps):
        order = [(c, i) for c in codes for i in inputs]
        for code, inp in order[:: 1 if r % 2 == 0 else -1]:
            res = _one(inputs[inp], tmp / "wd", jobs, codes[code], tmp / f"trace-{r}-{code}-{inp}")
            runs.setdefault(f"{code}_{inp}", []).append(res)
    return _summary(runs, reps, jobs, load0)


def _summary(runs: dict, reps: int, jobs: int, load0: tuple) -> dict:
    med = lambda xs: round(statistics.median(xs), 3)  # noqa: E731
    out: dict = {"reps": reps, "jobs": jobs, "loadavg_before": load0, "loadavg_after": os.getloadavg(), "runs": {}}
    for key, rs in runs.items():
        marks = sorted({m for r in rs for m in r["marks"]}, key=lambda m: med([r["marks"].get(m, 0) for r in rs]))
        out["runs"][key] = {"wall_s": med([r["wall"] for r in rs]), "cpu_s_ekte_process": med([r["cpu_own"] for r in rs]),
                            "cpu_s_all_processes": med([r["cpu_all"] for r in rs]),
                            "marks_s": {m: med([r["marks"][m] for r in rs if m in r["marks"]]) for m in marks}}
    return out


def report(r: dict) -> str:
    lines = [f"fixed cost of ekte ingest (-j {r['jobs']}, median of {r['reps']}, load "
             f"{r['loadavg_before'][0]:.1f} -> {r['loadavg_after'][0]:.1f})"]
    for key, v in r["runs"].items():
        lines.append(f"  {key:14} wall {v['wall_s']:.2f} s (ekte reaped {v['marks_s'].get('reaped', 0):.2f} s), CPU "
                     f"ekte process {v['cpu_s_ekte_process']:.2f} s, all processes {v['cpu_s_all_processes']:.2f} s")
    return "\n".join(lines)


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--against", type=Path, help="a source tree of ekte to run side by side (e.g. main's)")
    a = ap.parse_args()
    sys.path[:0] = [str(HERE.parent / "samples"), str(HERE)]
    with tempfile.TemporaryDirectory() as tmp:
        r = run(Path(tmp), a.reps, a.jobs, a.against.resolve() if a.against else None)
    print(json.dumps(r, indent=1) + "\n" + report(r))


if __name__ == "__main__":
    main()
