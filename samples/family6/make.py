"""family6: a fourth development family of fictitious county forms in layouts of real German forms (issue 10).

    python samples/family6/make.py OUT [--per-type N] [--seed S] [--born] [--types a,b]

Writes OUT/<id>.pdf (born-digital) and OUT/truth.json in the format `ekte eval` reads.
Same seed, same bytes.  Exit codes: 0, 2 (bad arguments), 3 (a font is missing)."""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from draw import FontMissing  # noqa: E402
from forms import punktleiste, unterzeile  # noqa: E402
from kinds import TYPES, build  # noqa: E402
from prose import email, lueckentext  # noqa: E402

LAYOUTS = {"punktleiste": punktleiste, "unterzeile": unterzeile, "lueckentext": lueckentext, "email": email}
PREFIX = "f6"


def plan(per_type: int, seed: int, types: list[str]) -> list[tuple[str, str, int, str]]:
    """(id, type, number within the type, layout); ids in shuffled order."""
    names = list(LAYOUTS)
    docs = [(t, j, names[(TYPES.index(t) + j) % len(names)]) for t in types for j in range(per_type)]
    random.Random(f"{seed}-f6-ids").shuffle(docs)
    width = max(3, len(str(len(docs))))
    return [(f"{PREFIX}-{k:0{width}d}", t, j, lay) for k, (t, j, lay) in enumerate(docs, 1)]


def write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def generate(out: Path, per_type: int = 5, seed: int = 1, types: list[str] | None = None) -> dict[str, dict]:
    out.mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict] = {}
    for key, doctype, j, layout in plan(per_type, seed, list(types or TYPES)):
        rng = random.Random(f"f6-{seed}-{doctype}-{j}")
        spec = build(rng, doctype)
        write(out / f"{key}.pdf", LAYOUTS[layout](spec, rng))
        truth[key] = {"type": doctype, "layout": layout, "format": "pdf", "fields": spec["truth"]}
    write(out / "truth.json", json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="family6/make.py", description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--per-type", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--born", action="store_true", help="born-digital PDFs (the only kind; accepted for symmetry)")
    ap.add_argument("--types", default="", help="comma-separated type ids (default: all 9)")
    a = ap.parse_args(argv)
    types = [t for t in a.types.split(",") if t] or list(TYPES)
    bad = sorted(set(types) - set(TYPES))
    if bad or a.per_type < 1:
        print(f"family6: unknown type(s) {', '.join(bad)} (known: {', '.join(TYPES)})" if bad
              else "family6: --per-type must be at least 1", file=sys.stderr)
        return 2
    try:
        truth = generate(a.out, a.per_type, a.seed, types)
    except FontMissing as e:
        print(f"family6: font missing: {e}", file=sys.stderr)
        return 3
    print(f"family6: {len(truth)} documents in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
