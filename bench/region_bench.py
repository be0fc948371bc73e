"""``ocr.regions`` measured (issue 10 on scans, branch scans34): a development set's scans
analysed once per code version, then compared::

    /usr/bin/time -f "%e s %U user %S sys" python bench/region_bench.py run DIR OUT.pickle [-o KEY=VALUE ...]
    python bench/region_bench.py compare DIR/truth.json A.pickle B.pickle

``run`` OCRs, classifies and extracts every document of DIR (``ekte.api.analyze``, 2 jobs,
the code on PYTHONPATH) and keeps the documents; ``compare`` prints for each the field F1
(P / R), the values at or above ``extract.auto_threshold`` and the share right among them,
pages and regions re-read (``metadata.json``'s ``ocr.geometry``), then every field whose
value changed from A to B.  Development families only -- never samples/heldout2.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path


def run(d: Path, out: Path, overrides: list[str]) -> None:
    from ekte import api

    with tempfile.TemporaryDirectory(prefix="ekte-region-") as w:
        docs = api.analyze([d], workdir=w, jobs=2, overrides=overrides)
    out.write_bytes(pickle.dumps(docs))


def _summary(docs: list, truth: dict) -> str:
    from ekte.evaluate import evaluate

    r = evaluate(docs, truth, 0.6, 0.9)
    f, rel = r["fields"], r["field_reliability"]
    pages = sum(d.pages or 0 for d in docs)
    geo = [p for d in docs for p in ((d.ocr or {}).get("geometry") or {}).get("pages", [])]
    reread = sum(p.get("regions_reread", 0) for p in geo)
    return (f"F1 {f['f1']:.3f} (P {f['precision']:.3f} / R {f['recall']:.3f})  >= 0.9: {rel['above']} right "
            f"{100 * (rel['right_above'] or 0):.1f} %  docs {len(docs)} pages {pages} values re-read {reread}")


def compare(truth_path: Path, a: Path, b: Path) -> None:
    from ekte.evaluate import load_truth, norm_value

    truth = load_truth(truth_path)
    da, db = (pickle.loads(p.read_bytes()) for p in (a, b))
    print("A", _summary(da, truth))
    print("B", _summary(db, truth))
    fb = {Path(d.source).stem: d for d in db}
    for d in da:
        key = Path(d.source).stem
        other, want = fb.get(key), truth.get(key, {}).get("fields", {})
        if other is None:
            continue
        for name in sorted(set(d.fields) | set(other.fields)):
            x, y = d.fields.get(name), other.fields.get(name)
            vx, vy = (f.value if f else None for f in (x, y))
            if vx != vy or (x and y and (x.confidence >= 0.9) != (y.confidence >= 0.9)):
                ok = lambda v: "right" if v is not None and name in want and norm_value(v) == norm_value(want[name]) else "wrong"  # noqa: E731
                print(f"  {key:14} {name:14} {vx!r} {x.confidence if x else '-'} ({ok(vx)}) -> "
                      f"{vy!r} {y.confidence if y else '-'} ({ok(vy)})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("dir", type=Path)
    r.add_argument("out", type=Path)
    r.add_argument("-o", action="append", default=[])
    c = sub.add_parser("compare")
    c.add_argument("truth", type=Path)
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "run":
        run(args.dir, args.out, args.o)
    else:
        compare(args.truth, args.a, args.b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
