"""Born-digital PDFs end to end (issue 12): ``xargs -P jobs gs`` (PDF/A-2b,
fonts embedded) against ``ekte ingest -j jobs`` on the same files — the
generated PDFs, whose fonts are not embedded, and the same PDFs after
Ghostscript (fonts embedded: pikepdf's route) — contenders interleaved
round by round, medians reported.  Besides wall time, the CPU seconds of
the ``ekte ingest`` process itself (the coordinator: its imports, admission,
archive folders, exports, journal; its workers are not in it) and the load
average before and after, since other work on the machine makes wall times
noisy.

    python bench/run.py --only-born [--born 48] [--rounds 3] [--jobs 2]
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


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def ingest(src: Path, wd: Path, jobs: int) -> tuple[float, float, dict]:
    """``ekte ingest --json``: (wall s, CPU s of the ekte process, statuses)."""
    shutil.rmtree(wd, ignore_errors=True)
    exe = Path(sys.executable).with_name("ekte")
    t0, c0 = time.monotonic(), _children_cpu()
    p = subprocess.run([str(exe), "ingest", "--json", str(src), "-w", str(wd), "-j", str(jobs)],
                       capture_output=True, text=True)
    dt, cpu = time.monotonic() - t0, _children_cpu() - c0
    if p.returncode not in (0, 1):
        raise SystemExit(f"ekte failed ({p.returncode}): {p.stderr[-2000:]}")
    counts: dict[str, int] = {}
    for d in json.loads(p.stdout)["documents"]:
        counts[d["status"]] = counts.get(d["status"], 0) + 1
    return dt, cpu, counts


def compiled() -> None:
    """ekte's modules byte-compiled, as ``pip install`` leaves them: with
    PYTHONDONTWRITEBYTECODE set (as on the development machines) every run
    would otherwise compile ≈ 300 of them, in the coordinator and again in
    the fork server (≈ 0.5 s CPU each) — a cost no installed ekte pays."""
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "ekte"), str(root / "plugins")],
                   check=True, capture_output=True)


def run(tmp: Path, n: int, jobs: int, rounds: int) -> dict:
    import ocr_bench as ob

    compiled()
    born, emb = born_data(tmp, n)
    load0 = os.getloadavg()
    t: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    statuses = {}
    for r in range(rounds):
        g = ob._xargs(jobs, born, ob.GS_PDFA + ["-sOutputFile={}.gs.pdf", "{}"])
        for f in born:
            Path(f"{f}.gs.pdf").unlink(missing_ok=True)
        t.setdefault("gs", []).append(g[0])
        cpu.setdefault("gs", []).append(g[1])
        for key, src in (("ekte_ingest_born", tmp / "born"), ("ekte_ingest_embedded", tmp / "emb")):
            dt, c, statuses[key] = ingest(src, tmp / f"wd-{key}", jobs)
            t.setdefault(key, []).append(dt)
            cpu.setdefault(key, []).append(c)
        print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in t.items()), file=sys.stderr)
    m = {k: statistics.median(v) for k, v in t.items()}
    return {"documents": n, "jobs": jobs, "rounds": rounds, "loadavg_before": load0, "loadavg_after": os.getloadavg(),
            "all_s": {k: [round(x, 2) for x in v] for k, v in t.items()},
            "ratio_per_round": [round(g / b, 2) for g, b in zip(t["gs"], t["ekte_ingest_born"])],
            "medians_s": {k: round(v, 3) for k, v in m.items()},
            "documents_per_s": {k: round(n / v, 1) for k, v in m.items()},
            "ratio_to_gs": round(m["gs"] / m["ekte_ingest_born"], 2),
            "cpu_s": {"gs_all_processes": round(statistics.median(cpu["gs"]), 2),
                      "ekte_coordinator_born": round(statistics.median(cpu["ekte_ingest_born"]), 2),
                      "ekte_coordinator_embedded": round(statistics.median(cpu["ekte_ingest_embedded"]), 2)},
            "statuses": statuses}


def report(r: dict) -> str:
    d, c = r["documents_per_s"], r["cpu_s"]
    return (f"born digital ({r['documents']} documents, -j {r['jobs']}, {r['rounds']} rounds, load "
            f"{r['loadavg_before'][0]:.1f} -> {r['loadavg_after'][0]:.1f}): xargs gs {d['gs']}/s, "
            f"ekte ingest {d['ekte_ingest_born']}/s = {r['ratio_to_gs']} of gs (per round {r['ratio_per_round']}); "
            f"fonts embedded (pikepdf route): ekte ingest {d['ekte_ingest_embedded']}/s; "
            f"CPU s of the ekte process: {c['ekte_coordinator_born']} / {c['ekte_coordinator_embedded']}")
