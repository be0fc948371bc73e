"""Train the field model shipped with ekte (``ekte/models/extractor.json``):

    python samples/train_default.py [--out ekte/models/extractor.json] [--per-type 6] [--scans 1] [--dev 10]

(``make extract-model``).  Training data: documents of this folder's
generator in its TRAINING split — layouts ``TRAIN_LAYOUTS``, seeds 1001
(born-digital) and 1002 (300 dpi scans, OCRed as ingest does).  The
layouts ``stacked`` and ``window`` and the seeds 2001+ are the generator's
held-out split: never trained or tuned on, used to measure (README).
With ``--dev N`` also N born-digital documents per type of the
DEVELOPMENT family ``samples/heldout`` (seed 11; its seeds 1–99 are the
development set of issue 10, never the final test): a second, independent
family teaches the scorer how far label, layout and section evidence can be
trusted on forms that are not this generator's.  ``samples/heldout2`` is
never used here.
Deterministic: the same generators and ekte give the same weights.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

TRAIN_LAYOUTS = ["form", "letter", "table", "prose", "boxes", "twocol"]
HELDOUT_LAYOUTS = ["stacked", "window"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE.parent / "ekte" / "models" / "extractor.json")
    ap.add_argument("--per-type", type=int, default=6)
    ap.add_argument("--scans", type=int, default=1, help="scanned documents per type (OCR: slow)")
    ap.add_argument("--dev", type=int, default=0, help="born-digital documents per type of samples/heldout (seed 11)")
    ap.add_argument("--jobs", type=int, default=None)
    a = ap.parse_args(argv)

    from ekte import api
    from ekte.learn import _with_truth
    from ekte.stages.extract.train import examples, fit, save_model

    prof = api.load_profile("landkreis")
    with tempfile.TemporaryDirectory(prefix="ekte-train-") as tmp:
        d = Path(tmp)
        gen = generate.generate(d / "born", per_type=a.per_type, formats=["pdf"], seed=1001,
                                layouts=TRAIN_LAYOUTS, doctypes=generate.ALL_TYPES)
        truth = dict(gen)
        if a.scans:
            t2 = generate.generate(d / "scans", per_type=a.scans, formats=["scanpdf"], seed=1002,
                                   layouts=TRAIN_LAYOUTS, doctypes=generate.ALL_TYPES)
            truth.update(t2)
        paths = [d / "born"] + ([d / "scans"] if a.scans else [])
        if a.dev:
            import subprocess

            subprocess.run([sys.executable, str(HERE / "heldout" / "make.py"), str(d / "dev"), "--per-type", str(a.dev),
                            "--born", "--seed", "11"], check=True, stdout=subprocess.DEVNULL)
            truth.update(json.loads((d / "dev" / "truth.json").read_text("utf-8")))
            paths.append(d / "dev")
        docs = api.analyze(paths, profile=prof, workdir=d / "wd", jobs=a.jobs)
        # the shipped model is trained from scratch: no prior, no model of a working directory
        labelled = _with_truth(docs, truth)
        data = [e for doc, t in labelled for e in examples(doc, prof, t)]
        model = fit(data, None, l2=1.0, meta={"documents": len(labelled), "reviews": 0,
                                              "generator": {"layouts": TRAIN_LAYOUTS, "seeds": [1001, 1002],
                                                            "per_type": a.per_type, "scans": a.scans},
                                              "dev_family": {"name": "samples/heldout", "seed": 11, "per_type": a.dev}})
        meta = save_model(model, a.out, prof, stamp=False)
    print(json.dumps(meta, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
