"""family7: a fifth development family of fictitious county forms in layouts of real German forms (issue 10).

    python samples/family7/make.py OUT [--per-type N] [--seed S] [--born] [--scans] [--types a,b]

Writes OUT/<id>.pdf (born-digital), OUT/<id>.scan.pdf (300-dpi scans) and OUT/truth.json in the format
`ekte eval` reads.  Same seed, same bytes.  Exit codes: 0, 2 (bad arguments), 3 (a font is missing)."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for _p in (HERE.parent, HERE):  # the shared plumbing, then this family's modules first on the path
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import family_make  # noqa: E402
from draw import FontMissing  # noqa: E402
from kinds import TYPES, build  # noqa: E402
from pages import fragebogen, tabelle, unterzeile, zweisprachig  # noqa: E402
from scan import scan  # noqa: E402

LAYOUTS = {"fragebogen": fragebogen, "tabelle": tabelle, "unterzeile": unterzeile, "zweisprachig": zweisprachig}


class Family7(family_make.Family):
    """family_make's plumbing plus scans (--scans; both kinds when neither flag is given)."""
    born, scans = True, True

    def generate(self, out: Path, per_type: int = 5, seed: int = 1, types: list[str] | None = None) -> dict[str, dict]:
        out.mkdir(parents=True, exist_ok=True)
        truth: dict[str, dict] = {}
        for key, doctype, j, layout in self.plan(per_type, seed, list(types or self.types)):
            rng = random.Random(f"{self.prefix}-{seed}-{doctype}-{j}")
            spec = self.build(rng, doctype)
            pdf = self.layouts[layout](spec, rng)
            entry = {"type": doctype, "layout": layout, "format": "pdf", "fields": spec["truth"]}
            if self.born:
                family_make.write(out / f"{key}.pdf", pdf)
                truth[key] = entry
            if self.scans:
                family_make.write(out / f"{key}.scan.pdf", scan(pdf, random.Random(f"{self.prefix}-{seed}-{doctype}-{j}-scan")))
                truth[f"{key}.scan"] = dict(entry, format="scan-pdf")
        family_make.write(out / "truth.json", json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
        return truth

    def main(self, argv: list[str] | None = None) -> int:
        argv = list(sys.argv[1:] if argv is None else argv)
        born, scans = "--born" in argv, "--scans" in argv
        self.born, self.scans = (born, scans) if (born or scans) else (True, True)
        return super().main([a for a in argv if a != "--scans"])


FAMILY = Family7("family7", __doc__, "f7", LAYOUTS, TYPES, build, FontMissing)
plan, generate, main = FAMILY.plan, FAMILY.generate, FAMILY.main

if __name__ == "__main__":
    sys.exit(main())
