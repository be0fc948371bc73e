"""The cost of the integrity check before export (ekte.evidence.intact.export_problems: document.pdf's
SHA-256 and the field values against the audit trail), in CPU milliseconds per document, next to the
SHA-256 alone — on the archived documents of a working directory (a copy of it is read):

    python bench/export_check.py WORKDIR [--rounds 5] [--repeat 100]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=100)
    a = ap.parse_args()
    from ekte import fsutil
    from ekte.evidence.intact import export_problems
    from ekte.journal import Journal

    with tempfile.TemporaryDirectory() as tmp:
        wd = Path(tmp) / "wd"
        shutil.copytree(a.workdir, wd)
        j = Journal(wd / "journal.sqlite")
        folders = [d for d in (wd / "archive").glob("*/*") if d.is_dir()]
        sizes = [(d / "document.pdf").stat().st_size for d in folders]
        calls = {"check": lambda d: export_problems(j, d.name, d, None),
                 "sha256": lambda d: fsutil.sha256_file(d / "document.pdf")}
        res: dict[str, list[float]] = {k: [] for k in calls}
        for _ in range(a.rounds):  # interleaved rounds
            for name, fn in calls.items():
                t = time.process_time()
                for _ in range(a.repeat):
                    for d in folders:
                        fn(d)
                res[name].append((time.process_time() - t) / (a.repeat * len(folders)) * 1000)
        j.close()
    print(f"{len(folders)} documents, document.pdf {min(sizes)}–{max(sizes)} bytes, load {os.getloadavg()[0]:.1f}")
    for k, v in res.items():
        print(f"{k}: median {statistics.median(v):.3f} CPU ms/document (rounds {', '.join(f'{x:.3f}' for x in v)})")


if __name__ == "__main__":
    main()
