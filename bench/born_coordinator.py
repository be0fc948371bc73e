"""Where the coordinator's time goes per document (issue 12): ``ekte
ingest -j 2`` over a folder, its main process sampled by py-spy (wall
time, idle included: waiting on the disk counts), the samples of its main
thread grouped by what they were in.

    python bench/born_coordinator.py FOLDER [--jobs 2] [--rate 200]

Needs ``py-spy`` (in the venv; not a dependency of ekte).  Sampling costs
the coordinator a little; compare rows, not the total, with unsampled
runs.  The workers are not in it: ``bench/born_profile.py`` has them.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: (row, a frame's text that puts a sample in it); a sample counts in every row whose frame it has
ROWS = [
    ("the settling loop (coordinator.step)", "step (ekte/pipeline/coordinator"),
    ("  waiting for the workers (executor.poll)", "poll (ekte/pipeline/executor"),
    ("  steps.finish (archive + export)", "finish (ekte/pipeline/steps"),
    ("    archive folder (write_archive)", "write_archive (ekte/stages/archive"),
    ("      XMP rewritten (pikepdf)", "write_xmp (ekte/stages/archive"),
    ("      metadata.json, hashes (evidence.finish)", "finish (ekte/evidence/archiving"),
    ("    export (delivery.export)", "export (ekte/pipeline/delivery"),
    ("  syncfs of the archive/export folders", "sync_barrier (ekte/fsutil"),
    ("  fsync of their parent folders", "fsync_dir (ekte/fsutil"),
    ("  scratch folders removed (rmtree)", "rmtree (shutil"),
    ("  journal: set_state", "set_state (ekte/journal"),
    ("  journal: fdatasync per step", "sync (ekte/journal"),
    ("  audit events", "audit_events (ekte/pipeline/steps"),
]


def sample(folder: Path, jobs: int, rate: int, out: Path) -> float:
    """Run ``ekte ingest`` under py-spy into *out* (raw); its wall seconds."""
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("py-spy is not installed (pip install py-spy)")
    wd = out.parent / "wd"
    t0 = time.monotonic()
    subprocess.run([spy, "record", "--idle", "-r", str(rate), "-f", "raw", "-o", str(out), "--",
                    sys.executable, str(Path(sys.executable).with_name("ekte")), "ingest", "--json", str(folder),
                    "-w", str(wd), "-j", str(jobs)], check=True, capture_output=True)
    return time.monotonic() - t0


def table(raw: Path, docs: int, rate: int) -> str:
    total, acc = 0, collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        frames = stack.split(";")
        if not frames[0].startswith("<module> (ekte"):  # the main thread only (not the journal's heartbeat)
            continue
        total += int(n)
        for label, key in ROWS:
            if any(key in f for f in frames):
                acc[label] += int(n)
    secs = total / rate
    lines = [f"{docs} documents, main thread {secs:.1f} s sampled = {secs / docs * 1000:.1f} ms per document",
             "| what | share of the main thread | ms per document |", "|---|---|---|"]
    lines += [f"| {label} | {acc[label] / total * 100:.1f} % | {acc[label] / rate / docs * 1000:.1f} |"
              for label, _ in ROWS]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rate", type=int, default=200)
    a = ap.parse_args()
    docs = len(list(a.folder.glob("*.pdf")))
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "spy.txt"
        wall = sample(a.folder, a.jobs, a.rate, raw)
        print(f"ekte ingest -j {a.jobs}: {wall:.1f} s wall")
        print(table(raw, docs, a.rate))


if __name__ == "__main__":
    main()
