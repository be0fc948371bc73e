"""Scan twins for a born-digital-only development family (family4, family5): each
``OUT/<id>.pdf`` that ``samples/familyN/make.py OUT --born`` wrote gets ``OUT/<id>.scan.pdf``,
a 300-dpi scan of it by family3's scanner (``samples/family3/scan.py``: skew, blur, noise,
dust, turned pages, JPEG), and ``OUT/truth.json`` an entry ``<id>.scan`` (format scan-pdf).

    python samples/family4/make.py OUT --per-type 1 --seed S --born
    python bench/scan_twins_make.py OUT --seed S

Then ``bench/scan_twins.py OUT`` (both halves), or ``ekte eval`` of the scans alone.
Same seed, same bytes.  Development families only -- never heldout2.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "samples" / "family3"))


def main(argv: list[str] | None = None) -> int:
    from scan import scan

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    tf = a.out / "truth.json"
    truth = json.loads(tf.read_text("utf-8"))
    for key, entry in sorted(truth.items()):
        if key.endswith(".scan"):
            continue
        data = scan((a.out / f"{key}.pdf").read_bytes(), random.Random(f"{a.seed}-{key}-scan"))
        part = a.out / f"{key}.scan.pdf.part"
        part.write_bytes(data)
        part.replace(a.out / f"{key}.scan.pdf")
        truth[f"{key}.scan"] = dict(entry, format="scan-pdf")
    tmp = tf.with_name("truth.json.part")
    tmp.write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    tmp.replace(tf)
    print(f"scan twins: {sum(k.endswith('.scan') for k in truth)} in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
