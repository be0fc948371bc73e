"""family3: a development/calibration family of fictitious county applications (issue 10).

    python samples/family3/make.py OUT [--per-type N] [--seed S] [--born] [--scans] [--types a,b]

Writes OUT/<id>.pdf (born-digital), OUT/<id>.scan.pdf (300-dpi scans) and OUT/truth.json in the
format `ekte eval` reads.  Same seed, same bytes.  Exit codes: 0, 2 (bad arguments),
3 (a font is missing — `make venv` installs them)."""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from canvas import FontMissing  # noqa: E402
from kinds import TYPES, build  # noqa: E402
from layouts import ankreuz, fachverfahren, portal  # noqa: E402
from letters import brief, fax  # noqa: E402
from scan import scan  # noqa: E402

LAYOUTS = {"fachverfahren": fachverfahren, "ankreuz": ankreuz, "portal": portal, "fax": fax, "brief": brief}
PREFIX = "f3"


def plan(per_type: int, seed: int, types: list[str]) -> list[tuple[str, str, int, str]]:
    """(id, type, number within the type, layout) for every document; ids in shuffled order."""
    names = list(LAYOUTS)
    docs = [(t, j, names[(TYPES.index(t) + j) % len(names)]) for t in types for j in range(per_type)]
    random.Random(f"{seed}-ids").shuffle(docs)
    width = max(3, len(str(len(docs))))
    return [(f"{PREFIX}-{k:0{width}d}", t, j, lay) for k, (t, j, lay) in enumerate(docs, 1)]


def make_one(doctype: str, j: int, layout: str, seed: int) -> tuple[bytes, dict]:
    """The born-digital PDF of one document and its truth fields."""
    rng = random.Random(f"{seed}-{doctype}-{j}")
    spec = build(rng, doctype)
    if layout == "brief":
        spec["truth"].update(spec["footer_truth"])
    return LAYOUTS[layout](spec, rng), spec["truth"]


def write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def generate(out: Path, per_type: int = 5, seed: int = 1, born: bool = True, scans: bool = True,
             types: list[str] | None = None) -> dict[str, dict]:
    out.mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict] = {}
    for key, doctype, j, layout in plan(per_type, seed, list(types or TYPES)):
        pdf, fields = make_one(doctype, j, layout, seed)
        entry = {"type": doctype, "layout": layout, "format": "pdf", "fields": fields}
        if born:
            write(out / f"{key}.pdf", pdf)
            truth[key] = entry
        if scans:
            write(out / f"{key}.scan.pdf", scan(pdf, random.Random(f"{seed}-{doctype}-{j}-scan")))
            truth[f"{key}.scan"] = dict(entry, format="scan-pdf")
    write(out / "truth.json", json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="family3/make.py", description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--per-type", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--born", action="store_true", help="born-digital PDFs only (with --scans: both)")
    ap.add_argument("--scans", action="store_true", help="scans only (with --born: both)")
    ap.add_argument("--types", default="", help="comma-separated type ids (default: all 9)")
    a = ap.parse_args(argv)
    types = [t for t in a.types.split(",") if t] or list(TYPES)
    bad = sorted(set(types) - set(TYPES))
    if bad or a.per_type < 1:
        print(f"family3: unknown type(s) {', '.join(bad)} (known: {', '.join(TYPES)})" if bad
              else "family3: --per-type must be at least 1", file=sys.stderr)
        return 2
    born, scans = (a.born, a.scans) if (a.born or a.scans) else (True, True)
    try:
        truth = generate(a.out, a.per_type, a.seed, born, scans, types)
    except FontMissing as e:
        print(f"family3: font missing: {e} (run `make venv`)", file=sys.stderr)
        return 3
    print(f"family3: {len(truth)} documents in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
