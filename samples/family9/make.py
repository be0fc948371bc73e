"""family9: a seventh development family of fictitious county forms: persons as columns, comb fields, caption cells, cover letters (issue 10).

    python samples/family9/make.py OUT [--per-type N] [--seed S] [--born] [--scans] [--types a,b]

Writes OUT/<id>.pdf (born-digital with --born, a 300-dpi scan of it with --scans) and OUT/truth.json in
the format `ekte eval` reads.  Same seed, same bytes.  Exit codes: 0, 2 (bad arguments), 3 (a font missing)."""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for _p in (HERE.parent, HERE):  # the shared plumbing, then this family's modules first on the path
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from family_make import Family, write  # noqa: E402
from draw import FontMissing  # noqa: E402
from kinds import TYPES, build  # noqa: E402
from sheets import LAYOUTS  # noqa: E402
from scan import scan  # noqa: E402

FAMILY = Family("family9", __doc__, "f9", LAYOUTS, TYPES, build, FontMissing)


def generate(out: Path, per_type: int = 5, seed: int = 1, types: list[str] | None = None,
             scans: bool = False) -> dict[str, dict]:
    out.mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict] = {}
    for key, doctype, j, layout in FAMILY.plan(per_type, seed, list(types or TYPES)):
        rng = random.Random(f"f9-{seed}-{doctype}-{j}")
        spec = build(rng, doctype)
        pdf = LAYOUTS[layout](spec, rng)
        if scans:
            pdf = scan(pdf, random.Random(f"f9-scan-{seed}-{key}"))
        write(out / f"{key}.pdf", pdf)
        truth[key] = {"type": doctype, "layout": layout, "format": "scanpdf" if scans else "pdf",
                      "fields": spec["truth"]}
    write(out / "truth.json", json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="family9/make.py", description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--per-type", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--born", action="store_true", help="born-digital PDFs (the default)")
    ap.add_argument("--scans", action="store_true", help="300-dpi scans instead of born-digital PDFs")
    ap.add_argument("--types", default="", help="comma-separated type ids (default: all 9)")
    a = ap.parse_args(argv)
    types = [t for t in a.types.split(",") if t] or list(TYPES)
    bad = sorted(set(types) - set(TYPES))
    if bad or a.per_type < 1 or (a.born and a.scans):
        print("family9: " + (f"unknown type(s) {', '.join(bad)}" if bad else "--per-type >= 1, and --born or --scans"),
              file=sys.stderr)
        return 2
    try:
        truth = generate(a.out, a.per_type, a.seed, types, a.scans)
    except FontMissing as e:
        print(f"family9: font missing: {e}", file=sys.stderr)
        return 3
    print(f"family9: {len(truth)} documents in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
