"""What the checks of issue 10 (``ekte/stages/extract/checks.py``) cost and
buy, on the same OCR: every document of each DIR is OCRed once
(``ekte.api.analyze``), then classified and extracted twice — with the
checks, and with them switched off (the model's probability alone) — and
scored like ``ekte eval`` (white space and case ignored)::

    python bench/checks_compare.py DIR [DIR ...]

DIR holds the documents and ``DIR/truth.json`` (heldout, family3) or
``DIR.truth.json`` beside it (``samples/generate.py``).  Prints per DIR and
mode: field F1, the values at or above ``extract.auto_threshold`` (count,
share, share right) and the documents a needed field sends to review.
Evaluation only.
"""

from __future__ import annotations

import copy
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def truth_of(d: Path) -> dict:
    for t in (d / "truth.json", d.parent / f"{d.name}.truth.json"):
        if t.is_file():
            return json.loads(t.read_text("utf-8"))
    raise SystemExit(f"no truth.json for {d}")


def score(docs: list, truth: dict, checks_on: bool) -> str:
    import ekte.stages.extract as ex
    from ekte.evaluate import evaluate
    from ekte.pipeline import Pipeline
    from ekte.profile import load_profile
    from ekte.stages.extract import checks

    real = checks.unchecked
    if not checks_on:
        checks.unchecked = lambda *a, **k: []
    try:
        prof = load_profile()
        docs = [copy.deepcopy(d) for d in docs if not d.error]
        with tempfile.TemporaryDirectory(prefix="ekte-checks-") as w:
            p = Pipeline(prof, w, archives=False)
            for d in docs:
                p.understand(d)
        r = evaluate(docs, truth, prof.classify.threshold, prof.extract.auto_threshold)
        review = sum(bool(ex.review_reasons(d, prof)) for d in docs)
    finally:
        checks.unchecked = real
    fr = r["field_reliability"]
    right = "–" if fr["right_above"] is None else f"{fr['right_above']:.1%}"
    return (f"F1 {r['fields']['f1']:.3f}  ≥ threshold: {fr['above']} values ({fr['share_above']:.1%}), "
            f"{right} right  review {review}/{len(docs)}")


def main(argv: list[str]) -> int:
    from ekte import api

    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    for arg in argv:
        d = Path(arg)
        truth = truth_of(d)
        with tempfile.TemporaryDirectory(prefix="ekte-checks-") as w:
            docs = api.analyze([d], workdir=w)
        for on in (False, True):
            print(f"{d.name:12} checks {'on ' if on else 'off'}  {score(docs, truth, on)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
