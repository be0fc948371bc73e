"""What ``ekte eval`` does not (yet) show on the held-out set: how often field
values are right per confidence bucket, and field P/R/F1 per layout.

    python samples/heldout/reliability.py OUT [--workdir DIR] [--jobs N]

Uses ekte's public Python API (``ekte.api.analyze``) and compares like
``ekte eval`` (white space and case ignored; intake dates and assigned file
numbers are not extracted values).  Evaluation only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

BUCKETS = [(0.9, "≥ 0.9"), (0.8, "0.8–0.9"), (0.5, "0.5–0.8"), (0.0, "< 0.5")]


def measure(out: Path, workdir: Path, jobs: int) -> dict:
    from ekte import api
    from ekte.evaluate import norm_value

    truth = json.loads((out / "truth.json").read_text("utf-8"))
    seen, right, layouts = Counter(), Counter(), {}
    for doc in api.analyze([out], workdir=workdir, jobs=jobs):
        rec = truth.get(Path(doc.source).stem)
        if rec is None or doc.error:
            continue
        c = layouts.setdefault(rec["layout"], Counter())
        c["support"] += len(rec["fields"])
        for name, f in doc.fields.items():
            if f.method in ("intake", "assigned"):
                continue
            ok = name in rec["fields"] and norm_value(rec["fields"][name]) == norm_value(f.value)
            bucket = next(label for lo, label in BUCKETS if (f.confidence or 0.0) >= lo)
            seen[bucket] += 1
            right[bucket] += ok
            c["tp" if ok else "fp"] += 1
    per_layout = {}
    for name, c in sorted(layouts.items()):
        p, r = c["tp"] / max(1, c["tp"] + c["fp"]), c["tp"] / max(1, c["support"])
        per_layout[name] = {"precision": round(p, 4), "recall": round(r, 4),
                            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
    return {"confidence": {b: {"values": seen[b], "right": round(right[b] / seen[b], 4)}
                           for _, b in BUCKETS if seen[b]}, "per_layout": per_layout}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Field reliability per confidence bucket and F1 per layout.")
    ap.add_argument("out", type=Path)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args(argv)
    if not (a.out / "truth.json").is_file():
        print(f"error: {a.out / 'truth.json'} not found", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="heldout-rel-") as tmp:
        r = measure(a.out, a.workdir or Path(tmp), a.jobs)
    for b, v in r["confidence"].items():
        print(f"confidence {b:8} {v['values']:5} values, {v['right']:.3f} right")
    for name, v in r["per_layout"].items():
        print(f"layout {name:8} P {v['precision']:.3f}  R {v['recall']:.3f}  F1 {v['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
