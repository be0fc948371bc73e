"""How many documents per second the coordinator's journal takes (issue 9):
the writes one document costs (claim, archive, export outcome with the
claim given back), against the six separate transactions the same work
took before they were batched.  Run from the repository root:

    .venv/bin/python bench/journal_rate.py [--documents 300] [--rounds 3]

Both variants alternate in one run (the ratio is what to read on a busy
machine); synchronous=FULL, WAL, on the file system of the temp folder."""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

from ekte.journal import Journal


def run(j: Journal, batched: bool, n: int) -> float:
    t0 = time.monotonic()
    for i in range(n):
        sha = hashlib.sha256(f"{batched}{i}{time.time()}".encode()).hexdigest()
        j.claim_intake(sha, sha[:16], "s", None, 1)
        if batched:
            j.set_state(sha, "archived", event=[("ocr", "done", ""), ("archive", "archived", "")])
            j.record_outcome(sha, sha[:16], [("folder", "/x")], [("export", "exported", "folder")],
                             connectors=["folder"], error=None, release=sha)
        else:
            j.event(sha[:16], "ocr", "done", "")
            j.set_state(sha, "archived", event=("archive", "archived", ""))
            j.record_export(sha[:16], "folder", "/x", event=("export", "exported", "folder"))
            j.set_state(sha, "exported", guard=False)
            j.release(f"doc:{sha}")
    return n / (time.monotonic() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    j = Journal(Path(tempfile.mkdtemp(prefix="ekte-jbench-")) / "journal.sqlite")
    j.register("bench")
    for r in range(a.rounds):
        six, three = run(j, False, a.documents), run(j, True, a.documents)
        print(f"round {r + 1}: separate transactions {six:.0f} documents/s, batched {three:.0f} documents/s "
              f"({three / six:.2f}x)")
    j.unregister()


if __name__ == "__main__":
    main()
