"""The base training set of the type model (``ekte/models/classifier_base.json.gz``):

    python samples/type_base.py [--out ekte/models/classifier_base.json.gz] [--per-type 8] [--check 3]

(``make type-base``).  ``ekte train --from-reviews`` ADDS the documents
clerks accepted to these texts — never a type model from the reviews alone
(fresh29 F5) — and its vocabulary comes from them only, so a trained model
keeps no words of reviewed documents (F6).  ``train``: the generator's
TRAINING split (layouts ``TRAIN_LAYOUTS`` of train_default.py, seed 1003);
``check``: its held-out layouts (``stacked``, ``window``, seed 2003), never
trained on — a retrained model that classifies them worse than the model in
use is not saved.  Generated persons only (the generator's name lists).
Deterministic: the same generator gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from train_default import HELDOUT_LAYOUTS, TRAIN_LAYOUTS  # noqa: E402


def texts(per_type: int, seed: int, layouts: list[str]) -> list[list[str]]:
    with tempfile.TemporaryDirectory(prefix="ekte-typebase-") as tmp:
        truth = generate.generate(Path(tmp) / "g", per_type=per_type, formats=["pdf"], seed=seed,
                                  layouts=layouts, doctypes=generate.ALL_TYPES)
    return [[t["type"], t["text"]] for _k, t in sorted(truth.items())]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE.parent / "ekte" / "models" / "classifier_base.json.gz")
    ap.add_argument("--per-type", type=int, default=8)
    ap.add_argument("--check", type=int, default=3, help="held-out documents per type (the check set)")
    a = ap.parse_args(argv)
    base = {"kind": "ekte.classifier_base", "format": 1,
            "generator": {"train": {"layouts": TRAIN_LAYOUTS, "seed": 1003, "per_type": a.per_type},
                          "check": {"layouts": HELDOUT_LAYOUTS, "seed": 2003, "per_type": a.check}},
            "train": texts(a.per_type, 1003, TRAIN_LAYOUTS), "check": texts(a.check, 2003, HELDOUT_LAYOUTS)}
    data = json.dumps(base, ensure_ascii=False, indent=0, sort_keys=True).encode("utf-8")
    a.out.write_bytes(gzip.compress(data, 9, mtime=0))
    print(f"{a.out}: {len(base['train'])} training and {len(base['check'])} check texts, "
          f"{a.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
