"""Train the token tagger shipped with ekte (``ekte/models/tagger.crfsuite``, ``extract.tagger``) and write its
base data (``ekte/models/tagger_base.json.xz``, which ``ekte train --from-reviews`` trains on with the reviews)::

    python samples/train_tagger.py [--out ekte/models/tagger.crfsuite] [--base ekte/models/tagger_base.json.xz]
                                   [--data DIR]

Training data: the development families ``samples/family3`` … ``family6`` and ``samples/heldout``,
3 born-digital documents per type at seeds 1 and 2 each (``make.py OUT --per-type 3 --seed S
--born``; 270 documents), the words ekte reads from them (``ekte.api.analyze``) and their truth —
the data ``bench/tagger_lofo.py`` trains on, all five families at once.  Check part (never trained on: the
guard of ``ekte train``, ``ekte.stages.extract.tagger_train.check_score``): the families ``family7`` and
``family8``, 2 born-digital documents per type at seed 12.  The base data holds each page's feature sequence
and labels (and the check pages' rows), no PDFs.  The model is trained from the base data file as written, as
``ekte train --from-reviews`` does.  ``samples/heldout2`` is never used.  Deterministic: the same generators
and ekte give the same bytes."""

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
CHECK = (("family7", 12), ("family8", 12))
CHECK_PER_TYPE = 2


def _documents(fam: str, seed: int, per_type: int, data: Path, wd: Path, profile) -> list:
    """(document, truth) of a family's born-digital documents, sorted by file."""
    from ekte import api
    from ekte.learn import _with_truth

    out = data / f"{fam}-s{seed}-{per_type}"
    if not (out / "truth.json").is_file():
        subprocess.run([sys.executable, str(ROOT / "samples" / fam / "make.py"), str(out), "--per-type",
                        str(per_type), "--seed", str(seed), "--born"], check=True, stdout=subprocess.DEVNULL)
    truth = json.loads((out / "truth.json").read_text("utf-8"))
    docs = sorted(api.analyze([out], profile=profile, workdir=wd, jobs=1), key=lambda d: d.source)
    return _with_truth(docs, truth)


def _check_doc(doc, profile, truth: dict) -> dict:
    from ekte.stages.extract.tagger import doc_tokens, labels

    own = profile.doctypes.get(doc.doctype or "")
    pages = [([f for _w, f, _r in toks], labels(toks, truth), [r for _w, _f, r in toks])
             for toks in doc_tokens(doc, profile) if toks]
    return {"fields": sorted(own.fields if own is not None and own.fields else truth), "pages": pages}


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from ekte.profile import load_profile
    from ekte.stages.extract import tagger_train
    from ekte.stages.extract.tagger import sequences, train

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "ekte" / "models" / "tagger.crfsuite")
    ap.add_argument("--base", type=Path, default=tagger_train.BASE_FILE)
    ap.add_argument("--data", type=Path, help="where the documents are made (default: a temporary folder)")
    a = ap.parse_args()
    profile = load_profile()
    seqs, check = [], []
    with tempfile.TemporaryDirectory(prefix="ekte-tagger-") as tmp:
        data, wd = a.data or Path(tmp), Path(tmp) / "wd"
        for fam in FAMILIES:
            for seed in SEEDS:
                for d, t in _documents(fam, seed, 3, data, wd, profile):
                    seqs += sequences(d, profile, t)
        for fam, seed in CHECK:
            check += [_check_doc(d, profile, t) for d, t in _documents(fam, seed, CHECK_PER_TYPE, data, wd, profile)]
    a.base.write_bytes(tagger_train.pack(seqs, check))
    base, _check, _attrs = tagger_train.base_data(a.base)
    train(base, a.out)
    print(f"{a.out}: {len(seqs)} pages; {a.base}: {a.base.stat().st_size} bytes, {len(check)} check documents",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
