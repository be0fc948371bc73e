"""Whole-pipeline classification + extraction of analysed sets with a given token tagger, without OCR-ing again::

    python bench/tagger_eval.py DIR [DIR …] [--model PATH] [-o KEY=VALUE …]

DIR holds a generated set (``truth.json``) and its analysed documents (``DIR/.docs.pickle``: bench/misses.py's
cache, made when missing — the OCR'd words are all that is taken from it).  Each document is classified and
extracted again as a worker does after OCR (``Pipeline.understand``: the profile's classifiers, the rules, the
tagger fallback), in a working directory whose own tagger is ``--model`` (default: the tagger shipped in this
tree), then scored as ``ekte eval`` scores (``ekte.evaluate.evaluate``).  Printed per DIR and for all of them:
field F1 (P / R), values at or above ``extract.auto_threshold`` and the share right among them, type accuracy.
It is ``ekte eval DIR --truth DIR/truth.json`` with the OCR done once: compare two taggers on the same words.
Development families only — never samples/heldout2.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.misses import docs_of  # noqa: E402 - the analysed documents, cached


def run(dirs: list[Path], model: Path | None, overrides: list[str]) -> list[tuple[str, dict]]:
    from ekte.evaluate import evaluate
    from ekte.pipeline import Pipeline
    from ekte.profile import load_profile
    from ekte.stages.extract import tagger_train

    profile = load_profile(overrides=overrides)
    out, every, truths = [], [], {}
    with tempfile.TemporaryDirectory(prefix="ekte-tagger-eval-") as tmp:
        wd = Path(tmp) / "w"
        if model is not None:
            dest = tagger_train.model_path(profile, wd)
            dest.parent.mkdir(parents=True)
            shutil.copyfile(model, dest)
        pipe = Pipeline(profile, wd)
        for d in dirs:
            truth = json.loads((d / "truth.json").read_text("utf-8"))
            docs = [copy.deepcopy(x) for x in docs_of(d) if Path(x.source).stem in truth]
            for x in docs:
                pipe.understand(x)
            out.append((d.name, evaluate(docs, truth, profile.classify.threshold, profile.extract.auto_threshold)))
            every += [(d.name, x) for x in docs]
            truths.update({f"{d.name}__{k}": v for k, v in truth.items()})
        for name, x in every:  # (the sets' ids may repeat: scored apart)
            x.source = f"{name}__{Path(x.source).stem}.pdf"
        out.append(("all", evaluate([x for _n, x in every], truths, profile.classify.threshold,
                                    profile.extract.auto_threshold)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", type=Path, nargs="+")
    ap.add_argument("--model", type=Path, help="the tagger (default: the one shipped in this tree)")
    ap.add_argument("-o", "--override", action="append", default=[], help="a profile setting KEY=VALUE")
    a = ap.parse_args(argv)
    for name, r in run(a.dirs, a.model, a.override):
        f, rel = r["fields"], r["field_reliability"]
        print(f"{name:18} F1 {f['f1']:.3f} ({f['precision']:.3f} / {f['recall']:.3f})  values >= "
              f"{rel['threshold']}: {rel['above']}, right {rel['right_above']}  types {r.get('accuracy')}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
