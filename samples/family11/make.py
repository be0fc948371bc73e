"""family11: a ninth development family of fictitious county documents: word-processor tables with right-aligned labels, a power of attorney with the application, a routing slip before the application, landscape forms, blue values typed over underscores.

    python samples/family11/make.py OUT [--per-type N] [--seed S] [--born] [--scans] [--types a,b]

Writes OUT/<id>.pdf (born-digital with --born, a 300-dpi scan of it with --scans) and OUT/truth.json in
the format `ekte eval` reads.  Same seed, same bytes.  Exit codes: 0, 2 (bad arguments), 3 (a font missing)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for _p in (HERE.parent, HERE):  # the shared plumbing, then this family's modules first on the path
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from family_make import Family  # noqa: E402
from draw import FontMissing  # noqa: E402
from kinds import TYPES, build  # noqa: E402
from sheets import LAYOUTS  # noqa: E402
from scan import scan  # noqa: E402

FAMILY = Family("family11", __doc__, "f11", LAYOUTS, TYPES, build, FontMissing, scan)
plan, generate, main = FAMILY.plan, FAMILY.generate, FAMILY.main

if __name__ == "__main__":
    sys.exit(main())
