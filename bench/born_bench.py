"""Born-digital PDFs end to end (issue 12): ``xargs -P jobs gs`` (PDF/A-2b,
fonts embedded) against ``ekte ingest -j jobs`` on the same files — the
generated PDFs, whose fonts are not embedded, and the same PDFs after
Ghostscript (fonts embedded: pikepdf's route) — contenders interleaved
round by round, medians reported.  Besides wall time, the CPU seconds of
the ``ekte ingest`` process itself (the coordinator: its imports, admission,
archive folders, exports, journal; its workers are not in it) and the load
average before and after, since other work on the machine makes wall times
noisy — and the CPU seconds of every process of the run (coordinator,
fork server, workers, Ghostscript: all reaped by a subreaper), which load
disturbs less than the wall time.

    python bench/run.py --only-born [--born 48] [--rounds 3] [--jobs 2]
    python bench/born_bench.py [--born 48] [--rounds 3] [--against SRC]

``--against SRC`` runs a second ekte (the source tree *SRC*, e.g. ``git
archive main | tar -x -C SRC``; same venv, same plugins) on the same files
in the same rounds, for side-by-side ratios of a change against main.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def born_data(tmp: Path, n: int) -> tuple[list[Path], list[Path]]:
    """*n* generated born-digital PDFs (fonts not embedded) and the same after Ghostscript."""
    import generate
    import ocr_bench as ob

    per = max(1, -(-n // len(generate.DOCTYPES)))
    generate.generate(tmp / "born", per_type=per, formats=["pdf"], seed=6,
                      doctypes=generate.DOCTYPES[: -(-n // per)])
    born = sorted((tmp / "born").glob("*.pdf"))
    for extra in born[n:]:
        extra.unlink()
    born = born[:n]
    (tmp / "emb").mkdir()
    for f in born:
        subprocess.run(ob.GS_PDFA + [f"-sOutputFile={tmp / 'emb' / f.name}", str(f)], check=True, capture_output=True)
    return born, sorted((tmp / "emb").glob("*.pdf"))


#: runs the command as a subreaper: every descendant (fork server, workers, a warm Ghostscript) is
#: reaped here, so the CPU of the whole run is counted; prints the command's own CPU (the ekte
#: process, with what it reaped itself — as before), the whole run's and the moment the command itself
#: ended (CLOCK_BOOTTIME: the fork server may outlive it), last on stderr
_TREE = ("import ctypes, os, resource, subprocess, sys, time\n"
         "ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)\n"
         "p = subprocess.Popen(sys.argv[1:])\n"
         "_pid, status, own = os.wait4(p.pid, 0)\n"
         "t = time.clock_gettime(time.CLOCK_BOOTTIME)\n"
         "while True:\n"
         "    try:\n"
         "        os.wait()\n"
         "    except ChildProcessError:\n"
         "        break\n"
         "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
         "print(f'EKTE-CPU {own.ru_utime + own.ru_stime:.3f} {r.ru_utime + r.ru_stime:.3f} {t:.4f}', file=sys.stderr)\n"
         "sys.exit(os.waitstatus_to_exitcode(status))\n")


def ingest(src: Path, wd: Path, jobs: int, code: Path | None = None) -> tuple[float, float, float, dict]:
    """``ekte ingest --json`` (the ekte of source tree *code*, else this
    one): (wall s, CPU s of the ekte process, CPU s of all its processes, statuses)."""
    shutil.rmtree(wd, ignore_errors=True)
    exe = Path(sys.executable).with_name("ekte")
    env = dict(os.environ, PYTHONPATH=str(code)) if code else None
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-c", _TREE, str(exe), "ingest", "--json", str(src), "-w", str(wd),
                        "-j", str(jobs)], capture_output=True, text=True, env=env)
    dt = time.monotonic() - t0
    if p.returncode not in (0, 1):
        raise SystemExit(f"ekte failed ({p.returncode}): {p.stderr[-2000:]}")
    own, tree, _ended = next(map(float, ln.split()[1:]) for ln in p.stderr.splitlines()[::-1]
                             if ln.startswith("EKTE-CPU"))
    counts: dict[str, int] = {}
    for d in json.loads(p.stdout)["documents"]:
        counts[d["status"]] = counts.get(d["status"], 0) + 1
    return dt, own, tree, counts


def compiled(*roots: Path) -> None:
    """ekte's modules byte-compiled, as ``pip install`` leaves them: with
    PYTHONDONTWRITEBYTECODE set (as on the development machines) every run
    would otherwise compile ≈ 300 of them, in the coordinator and again in
    the fork server (≈ 0.5 s CPU each) — a cost no installed ekte pays."""
    here = Path(__file__).resolve().parent.parent
    dirs = [str(here / "ekte"), str(here / "plugins")] + [str(r / "ekte") for r in roots]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *dirs], check=True, capture_output=True)


def _contenders(tmp: Path, against: Path | None) -> list[tuple[str, Path, Path | None]]:
    out = [("ekte_ingest_born", tmp / "born", None), ("ekte_ingest_embedded", tmp / "emb", None)]
    if against is not None:
        out += [("against_born", tmp / "born", against), ("against_embedded", tmp / "emb", against)]
    return out


def run(tmp: Path, n: int, jobs: int, rounds: int, against: Path | None = None) -> dict:
    """*rounds* interleaved rounds of xargs gs and ekte ingest on both sets
    (and the ekte of source tree *against*, when given); medians."""
    import ocr_bench as ob

    compiled(*([against] if against else []))
    born, emb = born_data(tmp, n)
    load0 = os.getloadavg()
    t: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    tree: dict[str, list[float]] = {}
    statuses = {}
    for r in range(rounds):
        g = ob._xargs(jobs, born, ob.GS_PDFA + ["-sOutputFile={}.gs.pdf", "{}"])
        for f in born:
            Path(f"{f}.gs.pdf").unlink(missing_ok=True)
        t.setdefault("gs", []).append(g[0])
        tree.setdefault("gs", []).append(g[1])
        for key, src, code in _contenders(tmp, against)[:: 1 if r % 2 == 0 else -1]:
            dt, c, c_all, statuses[key] = ingest(src, tmp / f"wd-{key}", jobs, code)
            t.setdefault(key, []).append(dt)
            cpu.setdefault(key, []).append(c)
            tree.setdefault(key, []).append(c_all)
        print(f"round {r + 1} (load {os.getloadavg()[0]:.1f}): "
              + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in t.items()), file=sys.stderr)
    return _summary(n, jobs, rounds, load0, t, cpu, tree, statuses)


def _summary(n: int, jobs: int, rounds: int, load0: tuple, t: dict, cpu: dict, tree: dict, statuses: dict) -> dict:
    m = {k: statistics.median(v) for k, v in t.items()}
    med = lambda d: {k: round(statistics.median(v), 2) for k, v in d.items()}  # noqa: E731
    out = {"documents": n, "jobs": jobs, "rounds": rounds, "loadavg_before": load0, "loadavg_after": os.getloadavg(),
           "all_s": {k: [round(x, 2) for x in v] for k, v in t.items()},
           "ratio_per_round": [round(g / b, 2) for g, b in zip(t["gs"], t["ekte_ingest_born"])],
           "medians_s": {k: round(v, 3) for k, v in m.items()},
           "documents_per_s": {k: round(n / v, 1) for k, v in m.items()},
           "ratio_to_gs": round(m["gs"] / m["ekte_ingest_born"], 2),
           "cpu_s": {"gs_all_processes": round(statistics.median(tree["gs"]), 2),
                     "ekte_coordinator_born": round(statistics.median(cpu["ekte_ingest_born"]), 2),
                     "ekte_coordinator_embedded": round(statistics.median(cpu["ekte_ingest_embedded"]), 2)},
           "cpu_s_coordinator": med(cpu), "cpu_s_all_processes": med(tree),
           "statuses": statuses}
    if "against_born" in m:
        out["against"] = {"ratio_to_gs": round(m["gs"] / m["against_born"], 2),
                          "speedup_born": round(m["against_born"] / m["ekte_ingest_born"], 2),
                          "speedup_embedded": round(m["against_embedded"] / m["ekte_ingest_embedded"], 2),
                          "speedup_per_round_born": [round(a / b, 2) for a, b in zip(t["against_born"],
                                                                                     t["ekte_ingest_born"])],
                          "speedup_per_round_embedded": [round(a / b, 2) for a, b in zip(t["against_embedded"],
                                                                                         t["ekte_ingest_embedded"])]}
    return out


def report(r: dict) -> str:
    d, c, a = r["documents_per_s"], r["cpu_s"], r["cpu_s_all_processes"]
    line = (f"born digital ({r['documents']} documents, -j {r['jobs']}, {r['rounds']} rounds, load "
            f"{r['loadavg_before'][0]:.1f} -> {r['loadavg_after'][0]:.1f}): xargs gs {d['gs']}/s, "
            f"ekte ingest {d['ekte_ingest_born']}/s = {r['ratio_to_gs']} of gs (per round {r['ratio_per_round']}); "
            f"fonts embedded (pikepdf route): ekte ingest {d['ekte_ingest_embedded']}/s; "
            f"CPU s of the ekte process: {c['ekte_coordinator_born']} / {c['ekte_coordinator_embedded']}; "
            f"of all processes: gs {a['gs']}, ekte {a['ekte_ingest_born']} / {a['ekte_ingest_embedded']}")
    if "against" in r:
        g = r["against"]
        line += (f"\nagainst {d['against_born']}/s = {g['ratio_to_gs']} of gs, pikepdf route {d['against_embedded']}/s; "
                 f"this ekte faster by {g['speedup_born']}x / {g['speedup_embedded']}x (per round "
                 f"{g['speedup_per_round_born']} / {g['speedup_per_round_embedded']}); CPU s of all processes "
                 f"{a['against_born']} / {a['against_embedded']}")
    return line


def main() -> None:
    import argparse
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--born", type=int, default=48)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--against", type=Path, help="a source tree of ekte to run side by side (e.g. main's)")
    a = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    sys.path[:0] = [str(root / "samples"), str(root / "bench")]
    with tempfile.TemporaryDirectory() as tmp:
        r = run(Path(tmp), a.born, a.jobs, a.rounds, a.against.resolve() if a.against else None)
    print(json.dumps(r, indent=1) + "\n" + report(r))


if __name__ == "__main__":
    main()
