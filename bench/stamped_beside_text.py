"""The cost of reading a stamped scan page beside a born-digital page (session 37).

    python bench/stamped_beside_text.py [--rounds 3] [--output-type pdfa-2|pdf] [--tree DIR]

Builds the test's two-page document (samples/inbox: the born-digital
bauantrag-002 letter, then the scanned bauantrag-001 page) three ways — the
scan page as it is (no text: skip-text reads it), with a short invisible
"K 1" (redo on that page), and the same with a fillable form on page 1
(force on that page) — and runs ``make_archival_pdf`` on each in a process
of its own (the first document of a worker: OCRmyPDF's and Tesseract's
start included), in turn, *rounds* times, with the ekte of ``--tree`` (this
checkout by default; another worktree measures the code before).  Printed: the CPU seconds of the
call (this process; OCRmyPDF runs in threads) and its route, per run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

ONE = """
import json, sys, time
from pathlib import Path
from ekte.stages import ocr
t = time.process_time()
r = ocr.make_archival_pdf(Path(sys.argv[1]), Path(sys.argv[2]), ocr.OcrParams(output_type=sys.argv[3]))
print(json.dumps({"cpu": round(time.process_time() - t, 2), "route": r["route"], "ocr_pages": r["ocr_pages"]}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--output-type", default="pdfa-2")
    ap.add_argument("--tree", type=Path, default=ROOT)
    a = ap.parse_args()
    from test_stamped_beside_text import _build

    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        docs = {"scan page, no text (skip)": _build(t / "plain.pdf", stamp=False),
                "stamped scan page (redo)": _build(t / "stamped.pdf"),
                "stamped, with a form (force)": _build(t / "form.pdf", form=True)}
        for r in range(a.rounds):
            for name, path in docs.items():
                p = subprocess.run([sys.executable, "-c", ONE, str(path), str(t / "out.pdf"), a.output_type],
                                   capture_output=True, text=True, cwd=a.tree, check=True,
                                   env={**os.environ, "PYTHONPATH": str(a.tree)})
                print(r + 1, name, json.loads(p.stdout.strip().splitlines()[-1]), flush=True)


if __name__ == "__main__":
    main()
