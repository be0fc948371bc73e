"""The field model's check set (``ekte/models/extractor_check.json.gz``):

    python samples/field_check.py [--out ekte/models/extractor_check.json.gz] [--per-type 2] [--dev 2]

(``make field-check``; a minute).  ``ekte train --from-reviews`` saves a
retrained field model only when it decides these candidate values at least
as well as the model in use (fresh30 G4): documents never trained on — the
generator's held-out layouts (``stacked``, ``window``, seed 2004) and born-
digital documents of the development family ``samples/heldout`` (seed 12) —
as every candidate value's features (numbers and feature names only: no
values, no words, no names) and whether it is the truth, per document and
field.  Deterministic: the same generators and ekte give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from train_default import HELDOUT_LAYOUTS  # noqa: E402


def groups(per_type: int, dev: int) -> list[list]:
    """[[field, [[features, right], …]], …] of the check documents."""
    from ekte import api
    from ekte.learn import _with_truth
    from ekte.stages.extract import featurized
    from ekte.stages.extract.scoring import vnorm

    prof = api.load_profile("landkreis")
    with tempfile.TemporaryDirectory(prefix="ekte-fieldcheck-") as tmp:
        d = Path(tmp)
        truth = dict(generate.generate(d / "gen", per_type=per_type, formats=["pdf"], seed=2004,
                                       layouts=HELDOUT_LAYOUTS, doctypes=generate.ALL_TYPES))
        paths = [d / "gen"]
        if dev:
            subprocess.run([sys.executable, str(HERE / "heldout" / "make.py"), str(d / "dev"), "--per-type", str(dev),
                            "--born", "--seed", "12"], check=True, stdout=subprocess.DEVNULL)
            truth.update(json.loads((d / "dev" / "truth.json").read_text("utf-8")))
            paths.append(d / "dev")
        docs = api.analyze(paths, profile=prof, workdir=d / "wd", jobs=1)
        out = []
        for doc, t in sorted(_with_truth(docs, truth), key=lambda p: p[0].sha256):
            by_field: dict[str, list] = {}
            for c, f in featurized(doc, prof):
                want = t.get(c.field)
                feats = {k: round(float(v), 4) for k, v in sorted(f.items()) if v}
                by_field.setdefault(c.field, []).append([feats, int(want is not None and vnorm(want) == vnorm(c.value))])
            out += [[k, v] for k, v in sorted(by_field.items())]
        return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE.parent / "ekte" / "models" / "extractor_check.json.gz")
    ap.add_argument("--per-type", type=int, default=2)
    ap.add_argument("--dev", type=int, default=2)
    a = ap.parse_args(argv)
    data = {"kind": "ekte.extractor_check", "format": 1,
            "generator": {"layouts": HELDOUT_LAYOUTS, "seed": 2004, "per_type": a.per_type},
            "dev_family": {"name": "samples/heldout", "seed": 12, "per_type": a.dev},
            "groups": groups(a.per_type, a.dev)}
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
    a.out.write_bytes(gzip.compress(raw, 9, mtime=0))
    print(f"{a.out}: {len(data['groups'])} fields, {sum(len(g[1]) for g in data['groups'])} candidate values, "
          f"{a.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
