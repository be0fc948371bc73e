"""family6: a fourth development family of fictitious county forms in layouts of real German forms (issue 10).

    python samples/family6/make.py OUT [--per-type N] [--seed S] [--born] [--types a,b]

Writes OUT/<id>.pdf (born-digital) and OUT/truth.json in the format `ekte eval` reads.
Same seed, same bytes.  Exit codes: 0, 2 (bad arguments), 3 (a font is missing)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for _p in (HERE.parent, HERE):  # the shared plumbing, then this family's modules first on the path
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from family_make import Family  # noqa: E402
from draw import FontMissing  # noqa: E402
from forms import punktleiste, unterzeile  # noqa: E402
from kinds import TYPES, build  # noqa: E402
from prose import email, lueckentext  # noqa: E402


LAYOUTS = {"punktleiste": punktleiste, "unterzeile": unterzeile, "lueckentext": lueckentext, "email": email}
FAMILY = Family("family6", __doc__, "f6", LAYOUTS, TYPES, build, FontMissing)
plan, generate, main = FAMILY.plan, FAMILY.generate, FAMILY.main

if __name__ == "__main__":
    sys.exit(main())
