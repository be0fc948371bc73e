"""The token tagger's guard against the noise of retraining (``ekte train --from-reviews``;
``ekte.stages.extract.tagger_train.worse``)::

    python bench/tagger_guard.py [--fits N] [--drop 0.05] [--base FILE]

A retraining on the base data with a few pages more or less (what a handful of reviews amounts to) is no worse a
tagger, yet its check score moves.  Each of N fits leaves out a different *drop* share of the base data's training
pages (seeded), and one more leaves out a whole family's pages' worth at the start (a tagger that really forgot a
layout, for contrast); each is compared with the shipped tagger on the base data's check part.  Printed per fit:
score new / in use, the drop in % of the check fields, check documents worse / better, the sign test's p, and
whether the old rule (refuse a drop of more than 1 %) and the new one (:func:`worse`) refuse it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from ekte.stages.extract import tagger as tg
    from ekte.stages.extract import tagger_train as tt

    ap = argparse.ArgumentParser()
    ap.add_argument("--fits", type=int, default=4)
    ap.add_argument("--drop", type=float, default=0.05, help="the share of training pages each fit leaves out")
    ap.add_argument("--base", type=Path, default=tt.BASE_FILE)
    a = ap.parse_args(argv)
    train, check, _attrs = tt.base_data(a.base)
    shipped = tt.check_score(tg.Tagger(tg.SHIPPED_TAGGER), check)
    n = len(train)
    runs = [(f"drop {a.drop:.0%} #{i}", sorted(random.Random(i).sample(range(n), int(n * (1 - a.drop)))))
            for i in range(1, a.fits + 1)]
    runs.append(("first eighth left out", list(range(n // 8, n))))
    for name, keep in runs:
        c0 = time.process_time()
        new = tt.check_score(tt._tagger_of(tt.fit([train[i] for i in keep])), check)
        c = tt.compare(new, shipped)
        old_rule = c["new"] < c["current"] - c["fields"] // 100
        print(f"{name:22} score {c['new']} / {c['current']} ({100 * (c['current'] - c['new']) / c['fields']:+.1f} % "
              f"of {c['fields']} fields dropped), documents worse {c['worse_docs']} / better {c['better_docs']}, "
              f"p {tt.sign_p(c['worse_docs'], c['better_docs']):.3f}; refused: old rule {old_rule}, new "
              f"{tt.worse(c)} ({time.process_time() - c0:.0f} CPU-s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
