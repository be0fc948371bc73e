"""CPU of ``Journal.set_state`` with a document's archiving events (issue
12): the coordinator records ≈ 15 events when it archives a document
(``ocr/done``, ``intake/channel``, ``classify/classified``, a
``extract/field-set`` per field, ``archive/archived``), chained in one
transaction.  The median CPU of one call (the main thread's,
``time.thread_time``: the commit's fsync wait is not in it) over
*--documents* documents; ``--tree SRC`` runs the same in a second ekte
source tree (e.g. ``git archive main``), alternating, for a before/after.

    .venv/bin/python bench/journal_events.py [--documents 300] [--rounds 5] [--tree SRC]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ONE = r"""
import statistics, sys, tempfile, time
from pathlib import Path
from ekte.journal import Journal
n = int(sys.argv[1])
fields = [("extract", "field-set", {"field": f"f{i}", "old": None, "new": f"value {i}", "method": "label"})
          for i in range(11)]
events = [("ocr", "done", "route=pikepdf-pdfa pages=1"), ("intake", "channel", "folder"),
          ("classify", "classified", {"new": "bauantrag", "confidence": 0.9, "method": "rules"}), *fields,
          ("archive", "archived", "pdfa-2b")]
with tempfile.TemporaryDirectory() as tmp:
    j = Journal(Path(tmp) / "journal.sqlite")
    with j.tx() as db:
        for i in range(n):
            db.execute("INSERT INTO documents(sha256, id, source, state, first_seen, updated) VALUES (?,?,?,?,?,?)",
                       (f"{i:064x}", f"D{i:05d}", "x", "processing", "t", "t"))
    cpu = []
    for i in range(n):
        t = time.thread_time()
        j.set_state(f"{i:064x}", "archived", guard=False, event=events, doctype="bauantrag", confidence=0.9, pages=1)
        cpu.append(time.thread_time() - t)
    j.close()
print(f"{1000 * statistics.median(cpu):.3f}")
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--documents", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--tree", type=Path, help="a second ekte source tree, run alternately")
    a = ap.parse_args()
    here = Path(__file__).resolve().parents[1]
    trees = {"this": here} | ({"tree": a.tree.resolve()} if a.tree else {})
    got: dict[str, list[str]] = {k: [] for k in trees}
    for _ in range(a.rounds):
        for name, root in trees.items():
            p = subprocess.run([sys.executable, "-c", ONE, str(a.documents)], capture_output=True, text=True,
                               check=True, cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
            got[name].append(p.stdout.strip())
    for name, ms in got.items():
        print(f"{name}: set_state with 15 events, median ms CPU per round: {', '.join(ms)}")


if __name__ == "__main__":
    main()
