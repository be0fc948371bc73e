"""Pages as the unit of scheduling, and memory over a long run (issue 12;
part of make bench, alone: ``python bench/run.py --only-pages``).

1. Split against unsplit: one long scan among one-page scans through
   ``ekte ingest -j J``, with ``ocr.split_pages=0`` (a document is one
   task) and with page ranges of each size asked for; the contenders are
   interleaved round by round, medians reported, and the long scan's
   page count, type, fields and text compared between them.
2. Memory of the whole run: ``ekte ingest -j J`` over 100 and over N
   documents (born-digital, every ``scan_every``-th a scan), its process
   tree — the coordinator, the forkserver, the workers and what they start
   (Ghostscript) — sampled every 0.2 s with psutil: the peak of the summed
   RSS (shared pages counted in every process: an upper bound), of the
   summed PSS (shared pages divided among the processes sharing them: what
   the run costs the machine) and the coordinator's own peak RSS.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import ocr_bench as ob


def long_and_short(d: Path, long_pages: int, short: int, seed: int = 31) -> Path:
    """A folder with one scan of *long_pages* pages (first in the walk) and
    *short* one-page scans (generated applications, 300 dpi)."""
    import generate
    import pikepdf

    gen = d / "gen"
    generate.generate(gen, per_type=long_pages + short, formats=["scanpdf"], seed=seed, doctypes=["bauantrag"])
    src = d / "in"
    src.mkdir(parents=True)
    files = sorted(gen.glob("*.pdf"))
    whole = pikepdf.new()
    opened = []
    for f in files:
        if len(whole.pages) >= long_pages:
            break
        opened.append(pikepdf.open(f))
        whole.pages.extend(opened[-1].pages[: long_pages - len(whole.pages)])
    whole.save(src / "a-akte.pdf")
    for p in opened:
        p.close()
    for i, f in enumerate(files[len(opened):len(opened) + short]):
        with pikepdf.open(f) as one:
            first = pikepdf.new()
            first.pages.append(one.pages[0])
            first.save(src / f"b-{i:02d}.pdf")
    return src


def _long(out: dict) -> dict:
    doc = next(d for d in out["documents"] if Path(d["source"]).name == "a-akte.pdf")
    text = (Path(doc["archive"]) / "text.txt").read_text("utf-8") if doc.get("archive") else ""
    return {"pages": doc["pages"], "doctype": doc["doctype"], "fields": doc["fields"], "text": text}


def split_vs_unsplit(tmp: Path, jobs: int, long_pages: int, short: int, sizes: list[int], rounds: int) -> dict:
    src = long_and_short(tmp / "pages", long_pages, short)
    configs = [("unsplit", 0)] + [(f"split_{n}", n) for n in sizes]
    t: dict[str, list[float]] = {}
    last: dict[str, dict] = {}
    for r in range(rounds):
        for name, n in configs:
            dt, out = ob._ekte(src, tmp / f"wd-{name}", jobs, f"ocr.split_pages={n}")
            t.setdefault(name, []).append(dt)
            last[name] = _long(out)
        print(f"pages round {r + 1}: " + ", ".join(f"{k} {v[-1]:.1f}s" for k, v in t.items()), file=sys.stderr)
    m = {k: round(statistics.median(v), 2) for k, v in t.items()}
    base = last["unsplit"]
    return {"long_pages": long_pages, "short_files": short, "jobs": jobs, "rounds": rounds, "medians_s": m,
            "all_s": {k: [round(x, 2) for x in v] for k, v in t.items()},
            "speedup": {k: round(m["unsplit"] / m[k], 2) for k in m if k != "unsplit"},
            "same_as_unsplit": {k: last[k] == base for k in last if k != "unsplit"},
            "long_scan": {k: v for k, v in base.items() if k != "text"}}


class TreeSampler(threading.Thread):
    """Peaks of a process tree's memory, sampled every *every* seconds:
    in all, per role (the coordinator, the forkserver, the workers, the
    programs they start — Ghostscript, Tesseract) and what each role held
    at the moment of the peak of the summed PSS."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.every = every
        self.peak = {"rss_mb": 0.0, "pss_mb": 0.0, "coordinator_rss_mb": 0.0, "processes": 0}
        self.role_peak_pss: dict[str, float] = {}  # the largest single process of each role (MB)
        self.at_peak: dict[str, float] = {}  # summed PSS per role when the whole run's PSS peaked (MB)
        self.series: list[tuple[float, dict[str, float]]] = []  # (summed PSS, PSS per role) per sample
        self.stop = threading.Event()

    def tenths(self) -> list[dict]:
        """Per tenth of the run: the peak of the summed PSS and the largest
        summed PSS of each role (MB) — whether memory grows as the run goes on."""
        out = []
        n = len(self.series)
        for i in range(10):
            part = self.series[i * n // 10:(i + 1) * n // 10]
            if part:
                roles = {r for _t, by in part for r in by}
                out.append({"pss_mb": round(max(t for t, _ in part)),
                            **{r: round(max(by.get(r, 0.0) for _t, by in part)) for r in sorted(roles)}})
        return out

    def _role(self, p: object, forkserver: set[int]) -> str:
        if p.pid == self.root.pid:  # type: ignore[attr-defined]
            return "coordinator"
        if p.pid in forkserver:  # type: ignore[attr-defined]
            return "forkserver"
        return "worker" if p.ppid() in forkserver else "program"  # type: ignore[attr-defined]

    def sample(self) -> None:
        import psutil

        rss = pss = 0
        procs = [self.root] + self.root.children(recursive=True)
        forkserver = set()
        for p in procs:
            try:
                # (a worker forked from it has the same command line: the forkserver is the coordinator's child)
                if p.ppid() == self.root.pid and "multiprocessing.forkserver" in " ".join(p.cmdline())[:300]:
                    forkserver.add(p.pid)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                pass
        roles: dict[str, float] = {}
        for p in procs:
            try:
                mi, role = p.memory_full_info(), self._role(p, forkserver)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            one = getattr(mi, "pss", mi.rss)
            rss += mi.rss
            pss += one
            roles[role] = roles.get(role, 0.0) + one / 2**20
            self.role_peak_pss[role] = max(self.role_peak_pss.get(role, 0.0), one / 2**20)
            if p.pid == self.root.pid:
                self.peak["coordinator_rss_mb"] = max(self.peak["coordinator_rss_mb"], mi.rss / 2**20)
        self.series.append((round(pss / 2**20, 1), {k: round(v, 1) for k, v in roles.items()}))
        self.peak["rss_mb"] = max(self.peak["rss_mb"], rss / 2**20)
        if pss / 2**20 > self.peak["pss_mb"]:
            self.peak["pss_mb"], self.at_peak = pss / 2**20, roles
        self.peak["processes"] = max(self.peak["processes"], len(procs))

    def run(self) -> None:
        import psutil

        while not self.stop.is_set():
            try:
                self.sample()
            except psutil.NoSuchProcess:
                return
            time.sleep(self.every)


def tree_memory(src: Path, wd: Path, jobs: int, *over: str) -> dict:
    """``ekte ingest`` of *src* with its process tree's memory sampled."""
    shutil.rmtree(wd, ignore_errors=True)
    args = [str(Path(sys.executable).with_name("ekte")), "ingest", "--json", str(src), "-w", str(wd), "-j", str(jobs)]
    for o in over:
        args += ["-o", o]
    t0 = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    s = TreeSampler(proc.pid)
    s.start()
    out, _ = proc.communicate()
    s.stop.set()
    s.join()
    summary = json.loads(out)["summary"]
    return {"documents": summary["total"], "by_status": {k: v for k, v in summary["by_status"].items() if v},
            "seconds": round(time.monotonic() - t0, 1), **{k: round(v) for k, v in s.peak.items()},
            "largest_process_pss_mb": {k: round(v) for k, v in sorted(s.role_peak_pss.items())},
            "pss_at_peak_mb": {k: round(v) for k, v in sorted(s.at_peak.items())}, "by_tenth_mb": s.tenths()}


def memory_inputs(d: Path, n: int, scan_every: int) -> Path:
    """*n* documents: generated born-digital applications, every
    *scan_every*-th a generated scan."""
    import generate

    scans = n // scan_every if scan_every else 0
    per = -(-(n - scans) // len(generate.DOCTYPES))
    generate.generate(d / "born", per_type=per, formats=["pdf"], seed=41)
    if scans:
        generate.generate(d / "scan", per_type=-(-scans // len(generate.DOCTYPES)), formats=["scanpdf"], seed=43)
    src = d / "all"
    src.mkdir()
    born, scan = sorted((d / "born").glob("*.pdf")), sorted((d / "scan").glob("*.pdf")) if scans else []
    for i in range(n):
        f = scan.pop() if scan and scan_every and i % scan_every == scan_every - 1 else born.pop()
        shutil.copy(f, src / f"{i:05d}-{f.name}")
    return src


def memory_run(tmp: Path, counts: list[int], jobs: int, scan_every: int) -> dict:
    """Peak memory of whole ingest runs of 100 and of N documents (the
    first *count* of the same inputs)."""
    big = memory_inputs(tmp / "mem", max(counts), scan_every)
    out = {"jobs": jobs, "scan_every": scan_every, "runs": {}}
    for n in counts:
        src = tmp / f"mem-{n}"
        src.mkdir()
        for f in sorted(big.iterdir())[:n]:
            (src / f.name).hardlink_to(f)
        out["runs"][str(n)] = tree_memory(src, tmp / f"wd-mem-{n}", jobs)
        print(f"memory {n} documents: {out['runs'][str(n)]}", file=sys.stderr)
    return out


def add_args(ap: object) -> None:
    add = ap.add_argument  # type: ignore[attr-defined]
    add("--only-pages", action="store_true", help="only split vs unsplit and the whole run's memory")
    add("--pages-long", type=int, default=24, help="pages of the long scan (0: skip split vs unsplit)")
    add("--pages-short", type=int, default=6, help="one-page scans beside it")
    add("--split-sizes", default="8", help="ocr.split_pages values to compare, e.g. 4,8,12")
    add("--memory-run", type=int, default=2000, help="documents of the long memory run (0: skip)")
    add("--memory-scan-every", type=int, default=50, help="every n-th document of it a scan (0: none)")


def section(tmp: Path, a: object) -> dict:
    import os

    res: dict = {"loadavg_at_start": os.getloadavg()}
    if a.pages_long:  # type: ignore[attr-defined]
        sizes = [int(x) for x in a.split_sizes.split(",") if x]  # type: ignore[attr-defined]
        res["split"] = split_vs_unsplit(tmp, a.jobs, a.pages_long, a.pages_short, sizes, a.rounds)  # type: ignore
    if a.memory_run:  # type: ignore[attr-defined]
        res["memory"] = memory_run(tmp, sorted({100, a.memory_run}), a.jobs, a.memory_scan_every)  # type: ignore
    res["loadavg_at_end"] = os.getloadavg()
    return res


def report(res: dict) -> str:
    lines = [f"(load average {res['loadavg_at_start']} at the start, {res['loadavg_at_end']} at the end)"]
    if "split" in res:
        s = res["split"]
        lines.append(f"\nOne {s['long_pages']}-page scan + {s['short_files']} one-page scans, ekte ingest -j {s['jobs']} "
                     f"(median of {s['rounds']}): unsplit {s['medians_s']['unsplit']} s; " + "; ".join(
                         f"{k.replace('_', ' ')} pages {s['medians_s'][k]} s ({s['speedup'][k]}x, same result: "
                         f"{s['same_as_unsplit'][k]})" for k in s["speedup"]))
    if "memory" in res:
        m = res["memory"]
        for n, r in m["runs"].items():
            lines.append(f"Whole run, {n} documents (-j {m['jobs']}, every {m['scan_every']}th a scan): peak PSS "
                         f"{r['pss_mb']} MB, summed RSS {r['rss_mb']} MB, coordinator RSS {r['coordinator_rss_mb']} MB, "
                         f"{r['processes']} processes, {r['seconds']} s; PSS at the peak by role "
                         f"{r.get('pss_at_peak_mb')}, largest single process by role {r.get('largest_process_pss_mb')}")
    return "\n".join(lines)
