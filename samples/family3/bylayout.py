"""Type accuracy, field precision/recall/F1 and the share of values ≥ the field threshold that
are right, per family3 layout and per type — for finding what the extraction misses:

    python samples/family3/bylayout.py OUT [WORKDIR]    # e.g. bench/out/family3/born

Runs ekte's Python API (`ekte.api.analyze`, as `ekte eval` does) on OUT once and scores each
group with `ekte.evaluate.evaluate` against OUT/truth.json (the same comparison as `ekte eval`)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def rows(out: Path, workdir: Path) -> list[tuple[str, dict]]:
    from ekte.api import analyze
    from ekte.evaluate import evaluate
    from ekte.profile import load_profile

    truth = json.loads((out / "truth.json").read_text("utf-8"))
    prof = load_profile(None, [])
    docs = analyze([out], profile=prof, workdir=workdir)
    groups: dict[str, list] = {}
    for d in docs:
        t = truth.get(Path(d.source).stem)
        if t:
            groups.setdefault(f"layout {t['layout']}", []).append(d)
            groups.setdefault(f"type {t['type']}", []).append(d)
    return [("all", evaluate(docs, truth, prof.classify.threshold, prof.extract.auto_threshold))] + \
        [(g, evaluate(ds, truth, prof.classify.threshold, prof.extract.auto_threshold)) for g, ds in sorted(groups.items())]


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: bylayout.py OUT [WORKDIR]", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        result = rows(Path(argv[0]), Path(argv[1]) if len(argv) == 2 else Path(tmp))
    print(f"{'group':<34}{'docs':>5}{'type acc':>9}{'P':>7}{'R':>7}{'F1':>7}{'≥0.9 right':>11}")
    for group, r in result:
        f, rel = r["fields"], r["field_reliability"]
        above = f"{rel['right_above']:.3f}" if rel["right_above"] is not None else "–"
        print(f"{group:<34}{r['documents']:>5}{r['accuracy']:>9.3f}{f['precision']:>7.3f}{f['recall']:>7.3f}"
              f"{f['f1']:>7.3f}{above:>11}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
