"""The scan gap on twins, with the current extraction code (issue 10 on scans):
every document of DIR (``<id>.pdf`` born-digital and ``<id>.scan.pdf`` its
scan, as ``samples/family3/make.py OUT --born --scans`` or
``samples/heldout/make.py --born --scans`` write them) is analysed once
(``bench/misses.py``'s cache ``DIR/.docs.pickle``), then classified and
extracted again with the code as it is now, and

* scored like ``ekte eval`` for the born-digital and the scanned half apart
  (field F1, values at or above ``extract.auto_threshold`` and how many are right);
* every truth value the scan did not get right sorted by
  ``bench/scan_causes.py`` (in the OCR text exactly / with small OCR errors /
  absent; and what the born-digital twin did).

    python bench/scan_twins.py DIR [--lines] [--field F] [--twin-right]

``--twin-right`` lists (with ``--lines``) only the values the born-digital twin got right.
Development sets only (family3, samples/heldout) -- never heldout2.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rerun(folder: Path) -> list:
    """The analysed documents of *folder*, classified and extracted with the code as it is now."""
    from misses import docs_of

    from ekte.pipeline import Pipeline
    from ekte.profile import load_profile

    prof = load_profile()
    docs = [copy.deepcopy(d) for d in docs_of(folder) if not d.error]
    with tempfile.TemporaryDirectory(prefix="ekte-twins-") as w:
        p = Pipeline(prof, w, archives=False)
        for d in docs:
            p.understand(d)
    return docs


def key_of(d) -> str:  # noqa: ANN001
    return Path(d.source).stem


def scores(docs: list, truth: dict) -> None:
    from ekte.evaluate import evaluate
    from ekte.profile import load_profile

    prof = load_profile()
    for name, part in (("born", [d for d in docs if not key_of(d).endswith(".scan")]),
                       ("scans", [d for d in docs if key_of(d).endswith(".scan")])):
        r = evaluate(part, truth, prof.classify.threshold, prof.extract.auto_threshold)
        fr, f = r["field_reliability"], r["fields"]
        print(f"{name:6} {len(part):3} docs  F1 {f['f1']:.3f} (P {f['precision']:.3f} R {f['recall']:.3f})  "
              f">= threshold {fr['above']} ({fr['share_above'] or 0:.1%}), right {fr['right_above'] or 0:.1%}  "
              f"types {r['accuracy']:.3f}")
        for w in r["wrong_values_above_threshold"]:
            print(f"   sure and wrong: {w['id']} {w['field']} {w['value']!r} (truth {w['truth']!r})")


def dump(docs: list) -> dict:
    """The documents as ``bench/scan_gap.py`` dumps them."""
    return {key_of(d): {"texts": d.page_texts,
                        "fields": {k: [f.value, f.confidence, f.method, f.page, f.span] for k, f in d.fields.items()},
                        "words": [[(w[0], w[7] if len(w) > 7 else None, w[5], w[6]) for w in pg]
                                  for pg in d.extra.get("page_words") or []]}
            for d in docs}


def main() -> None:
    import scan_causes

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--lines", action="store_true")
    ap.add_argument("--field")
    ap.add_argument("--twin-right", action="store_true")
    a = ap.parse_args()
    truth = json.loads((a.folder / "truth.json").read_text("utf-8"))
    docs = rerun(a.folder)
    scores(docs, truth)
    table, rows = scan_causes.classify(dump(docs), truth, a.field)
    if a.twin_right:
        rows = [r for r in rows if not r[6].startswith("twin")]
    scan_causes._print(table, rows, a.lines)


if __name__ == "__main__":
    main()
