"""One vs two Dask workers, side by side with the local executor (issue 13).

The same batch of generated one-page scans, each run on a fresh working
directory, in one run of this script:

* ``ekte ingest -j 1`` and ``ekte ingest -j 2`` (the local executor: this
  host's worker processes);
* ``ekte ingest --scheduler ADDR`` with one ``dask worker`` (one thread),
  then with two, on a real ``dask scheduler`` on 127.0.0.1 started from the
  project's environment (tests/dask_cluster.py).

    .venv/bin/python bench/dask_workers.py [--scans 8] [--rounds 1] [--no-local] [--tls]

Reported per round and contender: the run's own seconds (summary.seconds:
from the start of the run to its end, without the Python start-up of the
ekte command), the command's wall seconds, pages/min, and the ratios:
two Dask workers over one (the issue's target: >= 1.8x on 2 cores) and
Dask over the local executor with the same number of processes; with
``--tls`` also one worker over mutual TLS (what TLS costs against tcp://).  The load
average before and after each round is printed: the machine is shared, so
read the ratios (measured side by side), not the absolute figures."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "samples"))
sys.path.insert(0, str(ROOT / "tests"))
os.environ["OMP_THREAD_LIMIT"] = "1"


def ingest(inbox: Path, wd: Path, *extra: str) -> dict:
    exe = Path(sys.executable).with_name("ekte")
    t0 = time.monotonic()
    p = subprocess.run([str(exe), "ingest", "--json", str(inbox), "-w", str(wd), *extra],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    if p.returncode not in (0, 1):
        raise SystemExit(f"ekte failed ({p.returncode}): {p.stderr[-2000:]}")
    s = json.loads(p.stdout)["summary"]
    done = s["by_status"].get("archived", 0) + s["by_status"].get("review", 0)  # review: all work done, a clerk decides
    return {"pages": s["pages"], "archived": done, "seconds": s["seconds"],
            "wall_s": round(wall, 2), "pages_per_min": round(s["pages"] / s["seconds"] * 60, 2),
            **({"workers": s["workers"]} if "workers" in s else {})}


def one_over_tls(tmp: Path, inbox: Path, r: int) -> dict:
    """One worker again, everything over mutual TLS (tests/dask_cluster.py's certificates)."""
    from dask_cluster import DaskCluster, make_tls

    tls = make_tls(tmp / f"pki{r}")
    c = DaskCluster(tmp / f"tcluster{r}", tls=tls)
    try:
        c.worker("t1")
        c.wait_workers(["t1"])
        return ingest(inbox, tmp / f"t1-{r}", "--scheduler", c.address, *tls.profile())
    finally:
        c.stop()


def one_round(tmp: Path, inbox: Path, r: int, local: bool, tls: bool = False) -> dict:
    from dask_cluster import DaskCluster

    out: dict = {"load_average": [round(os.getloadavg()[0], 2)]}
    if local:
        out["local_1"] = ingest(inbox, tmp / f"l1-{r}", "-j", "1")
    c = DaskCluster(tmp / f"dcluster{r}")
    try:
        c.worker("w1")
        c.wait_workers(["w1"])
        out["dask_1"] = ingest(inbox, tmp / f"d1-{r}", "--scheduler", c.address)
        c.worker("w2")
        c.wait_workers(["w2"])
        out["dask_2"] = ingest(inbox, tmp / f"d2-{r}", "--scheduler", c.address)
    finally:
        c.stop()
    if tls:
        out["dask_1_tls"] = one_over_tls(tmp, inbox, r)
        out["tls_over_tcp_seconds"] = round(out["dask_1_tls"]["seconds"] / out["dask_1"]["seconds"], 3)
    if local:
        out["local_2"] = ingest(inbox, tmp / f"l2-{r}", "-j", "2")
    out["load_average"].append(round(os.getloadavg()[0], 2))
    n = out["dask_1"]["pages"]
    for k in ("local_1", "dask_1", "dask_2", "local_2", "dask_1_tls"):
        if k in out:
            assert out[k]["archived"] == out[k]["pages"] == n, (k, out[k])
    out["speedup_dask_2_over_1"] = round(out["dask_1"]["seconds"] / out["dask_2"]["seconds"], 3)
    out["speedup_dask_2_over_1_wall"] = round(out["dask_1"]["wall_s"] / out["dask_2"]["wall_s"], 3)
    if local:
        out["dask_1_vs_local_1"] = round(out["local_1"]["seconds"] / out["dask_1"]["seconds"], 3)
        out["dask_2_vs_local_2"] = round(out["local_2"]["seconds"] / out["dask_2"]["seconds"], 3)
    return out


def one_vs_two(tmp: Path, scans: int, rounds: int = 1, local: bool = True, tls: bool = False) -> dict:
    import generate

    per = max(1, -(-scans // len(generate.DOCTYPES)))
    generate.generate(tmp / "dscans", per_type=per, formats=["scanpdf"], seed=41)
    files = sorted((tmp / "dscans").glob("*.pdf"))
    for f in files[scans:]:
        f.unlink()
    return {"documents": min(scans, len(files)),
            "rounds": [one_round(tmp, tmp / "dscans", r, local, tls) for r in range(rounds)]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scans", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--no-local", action="store_true", help="only the Dask runs")
    ap.add_argument("--tls", action="store_true", help="also one worker over mutual TLS (its cost against tcp://)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        res = one_vs_two(Path(tmp), a.scans, a.rounds, not a.no_local, a.tls)
    print(json.dumps(res, indent=2))
    print(report(res))
    return 0


def report(res: dict) -> str:
    lines = []
    for r in res["rounds"]:
        ppm = ", ".join(f"{k} {r[k]['pages_per_min']}" for k in ("local_1", "dask_1", "dask_2", "local_2", "dask_1_tls")
                        if k in r)
        lines.append(f"Dask: {r['dask_1']['pages']} one-page scans, pages/min: {ppm}; two Dask workers over one "
                     f"{r['speedup_dask_2_over_1']}x (wall {r['speedup_dask_2_over_1_wall']}x); "
                     + (f"Dask/local with one process {r['dask_1_vs_local_1']}, with two {r['dask_2_vs_local_2']}; "
                        if "local_1" in r else "")
                     + (f"one worker over TLS / over TCP (seconds) {r['tls_over_tcp_seconds']}; " if "dask_1_tls" in r
                        else "") + f"load average {r['load_average']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
