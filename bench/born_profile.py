"""Where a born-digital document's time goes in a worker (issue 12): the
worker function (:func:`ekte.pipeline.workers.run_task`) run in this one
process over a folder of PDFs, with timers around each stage function
(self time: a stage's time excludes the stages it calls), CPU seconds of
this process and of its children (Ghostscript) counted apart.

    python bench/born_profile.py FOLDER [--rounds 2]

The first round pays the imports and the warm Ghostscript's start; the
figures of the last round are per document, warm — what a worker in a
long run spends.  The coordinator (hashing, archive folder, export,
journal) is not in it: ``bench/born_bench.py`` reports its CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: (label, module, function name): wrapped in place, so every caller goes through the timer
STAGES = [
    ("copy_verified (hash + copy)", "ekte.stages.intake", "copy_verified"),
    ("open_pdf_checked", "ekte.stages.workpdf", "open_pdf_checked"),
    ("sanitize.clean", "ekte.stages.sanitize", "clean"),
    ("read_pages (text, words)", "ekte.stages.ocr", "read_pages"),
    ("read_pages (text, words)", "ekte.stages.pdftext", "read_pages"),
    ("pikepdf_pdfa (fonts check, write, validate)", "ekte.stages.pdfa", "pikepdf_pdfa"),
    ("ghostscript_pdfa (wrapper, pikepdf open)", "ekte.stages.pdfa", "ghostscript_pdfa"),
    ("ghostscript (warm, waiting)", "ekte.stages.pdfa", "_convert_warm"),
    ("save_validated (write, validate)", "ekte.stages.pdfa", "save_validated"),
    ("text comparison", "ekte.stages.ocr", "_same_text"),
    ("layout.remember", "ekte.stages.layout", "remember"),
    ("read_form_fields", "ekte.stages.workpdf", "read_form_fields"),
    ("apply_ocr_result", "ekte.pipeline.workers", "apply_ocr_result"),
    ("understand (classify, extract)", "ekte.pipeline.workers", "understand"),
]


def _warm_gs_cpu() -> float:
    """CPU seconds of the worker's warm Ghostscript so far (not yet reaped: not in RUSAGE_CHILDREN)."""
    import os

    from ekte.stages import pdfa

    p = pdfa._warm.get("proc")  # noqa: SLF001
    if p is None:
        return 0.0
    try:
        with open(f"/proc/{p.pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _cpu() -> tuple[float, float]:
    """(this process's CPU s, its children's: finished ones and the warm Ghostscript)."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime, c.ru_utime + c.ru_stime + _warm_gs_cpu()


class Timers:
    """Self time per stage: (wall, own CPU, children's CPU)."""

    def __init__(self) -> None:
        self.acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0])
        self.stack: list[list[float]] = []

    def wrap(self, label: str, fn):  # noqa: ANN001, ANN201
        def timed(*a, **kw):  # noqa: ANN002, ANN003, ANN202
            t0, (c0, k0) = time.perf_counter(), _cpu()
            self.stack.append([0.0, 0.0, 0.0])
            try:
                return fn(*a, **kw)
            finally:
                inner = self.stack.pop()
                c1, k1 = _cpu()
                tot = (time.perf_counter() - t0, c1 - c0, k1 - k0)
                acc = self.acc[label]
                for i in range(3):
                    acc[i] += tot[i] - inner[i]
                    if self.stack:
                        self.stack[-1][i] += tot[i]
                acc[3] += 1
        return timed


def install(timers: Timers) -> None:
    import importlib

    for label, mod, name in STAGES:
        owner = importlib.import_module(mod)
        setattr(owner, name, timers.wrap(label, getattr(owner, name)))  # (two names of one function: each
        # wrapper wraps the function itself, so no call is counted twice)
    # the names the worker module imported from the stage modules
    from ekte.pipeline import workers
    from ekte.stages import ocr

    workers.make_archival_pdf = timers.wrap("make_archival_pdf (rest)", ocr.make_archival_pdf)


def run(folder: Path, rounds: int) -> dict:
    from ekte.model import Document
    from ekte.pipeline import workers
    from ekte.pipeline.tasks import WorkerSetup, WorkTask
    from ekte.profile import load_profile
    from ekte.stages import intake
    from ekte.stages.ocr import OcrParams

    files = sorted(folder.glob("*.pdf"))
    timers = Timers()
    install(timers)
    profile = load_profile(None)
    out: dict = {"documents": len(files), "rounds": []}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ctx = workers.build_context(WorkerSetup(profile, (), tmp, OcrParams.from_profile(profile)))
        out["build_context_s"] = round(time.perf_counter() - t0, 3)
        for r in range(rounds):
            timers.acc.clear()
            w0, (c0, k0) = time.perf_counter(), _cpu()
            for i, f in enumerate(files):
                cand = intake.inspect(f)
                doc = Document(sha256=cand.sha256, source=str(f), size=cand.size, media_type=cand.media_type or "")
                res = workers.run_task(ctx, WorkTask(f"t{i}", doc, str(f), scratch=f"{tmp}/s{r}-{i}"))
                if not res.ok:
                    raise SystemExit(f"{f.name}: {res.error}")
            c1, k1 = _cpu()
            n = len(files)
            stages = {k: {"ms_wall": round(v[0] / n * 1000, 1), "ms_cpu": round(v[1] / n * 1000, 1),
                          "ms_children_cpu": round(v[2] / n * 1000, 1), "calls_per_doc": round(v[3] / n, 2)}
                      for k, v in sorted(timers.acc.items(), key=lambda kv: -kv[1][0] - kv[1][2])}
            out["rounds"].append({"per_doc_ms_wall": round((time.perf_counter() - w0) / n * 1000, 1),
                                  "per_doc_ms_cpu": round((c1 - c0) / n * 1000, 1),
                                  "per_doc_ms_children_cpu": round((k1 - k0) / n * 1000, 1),
                                  "route": res.document.archival.get("route"), "stages": stages})
    return out


def table(r: dict) -> str:
    last = r["rounds"][-1]
    lines = [f"{r['documents']} documents, route {last['route']}: per document {last['per_doc_ms_wall']} ms wall, "
             f"{last['per_doc_ms_cpu']} ms CPU + {last['per_doc_ms_children_cpu']} ms Ghostscript CPU "
             f"(first round: {r['rounds'][0]['per_doc_ms_wall']} ms wall)",
             "| stage (self time) | calls/doc | ms wall | ms CPU | ms gs CPU |", "|---|---|---|---|---|"]
    for k, v in last["stages"].items():
        lines.append(f"| {k} | {v['calls_per_doc']} | {v['ms_wall']} | {v['ms_cpu']} | {v['ms_children_cpu']} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    r = run(a.folder, a.rounds)
    print(json.dumps(r, indent=1) if a.json else table(r))


if __name__ == "__main__":
    main()
