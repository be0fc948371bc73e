"""The base training set of the type model (``ekte/models/classifier_base.json.gz``):

    python samples/type_base.py [--out ekte/models/classifier_base.json.gz] [--per-type 8] [--check 3]

(``make type-base``; a minute).  ``ekte train --from-reviews`` ADDS the documents
clerks accepted to these texts — never a type model from the reviews alone
(fresh29 F5) — and its vocabulary comes from them only, so a trained model
keeps no words of reviewed documents (F6).  ``train``: the generator's
TRAINING split (layouts ``TRAIN_LAYOUTS`` of train_default.py, seed 1003);
with ``--dev N`` also N born-digital documents per type of the DEVELOPMENT
family ``samples/heldout`` (seed 11, as train_default.py: a second family,
so that the model does not learn one generator's wording only — with it
family3 keeps 23 of 27 documents above the threshold, without it 12);
``check``: the generator's held-out layouts (``stacked``, ``window``, seed
2003) and 2 documents per type of the development family's seed 12, never
trained on — a retrained model that classifies them worse than the model in
use is not saved.  ``samples/heldout2`` and family3 are never used here.  Generated persons only (the generator's name lists).
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


def dev_texts(per_type: int, seed: int) -> list[list[str]]:
    """Born-digital documents of samples/heldout, as ekte reads their text."""
    import subprocess

    from ekte.stages.ocr import page_texts

    with tempfile.TemporaryDirectory(prefix="ekte-typebase-") as tmp:
        subprocess.run([sys.executable, str(HERE / "heldout" / "make.py"), tmp, "--per-type", str(per_type),
                        "--born", "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
        truth = json.loads((Path(tmp) / "truth.json").read_text("utf-8"))
        return [[t["type"], "\f".join(page_texts(Path(tmp) / f"{k}.pdf"))] for k, t in sorted(truth.items())]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE.parent / "ekte" / "models" / "classifier_base.json.gz")
    ap.add_argument("--per-type", type=int, default=8)
    ap.add_argument("--check", type=int, default=3, help="held-out documents per type (the check set)")
    ap.add_argument("--dev", type=int, default=10, help="born-digital documents per type of samples/heldout")
    a = ap.parse_args(argv)
    base = {"kind": "ekte.classifier_base", "format": 1,
            "generator": {"train": {"layouts": TRAIN_LAYOUTS, "seed": 1003, "per_type": a.per_type},
                          "check": {"layouts": HELDOUT_LAYOUTS, "seed": 2003, "per_type": a.check}},
            "dev_family": {"name": "samples/heldout", "train": {"seed": 11, "per_type": a.dev},
                           "check": {"seed": 12, "per_type": 2}},
            "train": texts(a.per_type, 1003, TRAIN_LAYOUTS) + (dev_texts(a.dev, 11) if a.dev else []),
            "check": texts(a.check, 2003, HELDOUT_LAYOUTS) + dev_texts(2, 12)}
    data = json.dumps(base, ensure_ascii=False, indent=0, sort_keys=True).encode("utf-8")
    a.out.write_bytes(gzip.compress(data, 9, mtime=0))
    print(f"{a.out}: {len(base['train'])} training and {len(base['check'])} check texts, "
          f"{a.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
