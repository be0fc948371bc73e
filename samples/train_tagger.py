"""Train the token tagger shipped with ekte (``ekte/models/tagger.crfsuite``, ``extract.tagger``)::

    python samples/train_tagger.py [--out ekte/models/tagger.crfsuite] [--data DIR]

Training data: the development families ``samples/family3`` … ``family6`` and ``samples/heldout``,
3 born-digital documents per type at seeds 1 and 2 each (``make.py OUT --per-type 3 --seed S
--born``; 270 documents), the words ekte reads from them (``ekte.api.analyze``) and their truth —
the data ``bench/tagger_lofo.py`` trains on, all five families at once.  ``samples/heldout2`` is
never used.  Deterministic: the same generators and ekte give the same model."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = ("family3", "family4", "family5", "family6", "heldout")
SEEDS = (1, 2)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from ekte import api
    from ekte.profile import load_profile
    from ekte.stages.extract.tagger import sequences, train

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "ekte" / "models" / "tagger.crfsuite")
    ap.add_argument("--data", type=Path, help="where the documents are made (default: a temporary folder)")
    a = ap.parse_args()
    profile = load_profile()
    seqs = []
    with tempfile.TemporaryDirectory(prefix="ekte-tagger-") as tmp:
        data = a.data or Path(tmp)
        for fam in FAMILIES:
            for seed in SEEDS:
                out = data / f"{fam}-s{seed}"
                if not (out / "truth.json").is_file():
                    subprocess.run([sys.executable, str(ROOT / "samples" / fam / "make.py"), str(out), "--per-type",
                                    "3", "--seed", str(seed), "--born"], check=True, stdout=subprocess.DEVNULL)
                truth = json.loads((out / "truth.json").read_text("utf-8"))
                for d in sorted(api.analyze([out], profile=profile, workdir=Path(tmp) / "wd"), key=lambda d: d.source):
                    t = truth.get(Path(d.source).stem)
                    if t is not None and not d.error:
                        seqs += sequences(d, profile, {k: str(v) for k, v in t["fields"].items()})
        train(seqs, a.out)
    print(f"{a.out}: {len(seqs)} pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
