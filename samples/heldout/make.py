"""Held-out evaluation set: fictitious German county applications in layouts
and wordings of their own, written independently of ``samples/generate.py``
and used only to evaluate ekte (never to tune rules or train models).

    python samples/heldout/make.py OUT [--per-type N] [--seed S] [--scans] [--born]

writes ``OUT/<id>.pdf`` (born-digital), ``OUT/<id>.scan.pdf|.tif|.png``
(scans) and ``OUT/truth.json`` in the format ``ekte eval --truth`` reads
(``{id: {"type": …, "fields": {…}, "layout": …, "format": …}}``).  Without
--born/--scans both are written.  The same seed gives the same set.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

if not __package__:  # run as a script: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from heldout.cases import LAYOUTS, Ctx, sonstiges  # noqa: E402
from heldout.draw import FACES, HANDS, Canvas, MissingFont  # noqa: E402
from heldout.forms import FORMS  # noqa: E402
from heldout.kinds_a import bau, ifsg, kfz, masern  # noqa: E402
from heldout.kinds_b import egh, sport, tier, waffen  # noqa: E402
from heldout.letters import LETTERS  # noqa: E402
from heldout.parts import Case  # noqa: E402
from heldout.scan import MissingProgram, scan  # noqa: E402
from heldout.world import AUTH_IBAN, AUTHORITY  # noqa: E402

BUILDERS = {
    "kfz_zulassung": kfz, "bauantrag": bau, "ifsg_belehrung": ifsg, "masern_meldung": masern,
    "waffen_antrag": waffen, "tierhaltung": tier, "sportstaetten_foerderung": sport, "eingliederungshilfe": egh,
    "sonstiges": sonstiges,
}
TYPES = list(BUILDERS)


def build(seed: int, doctype: str, i: int) -> tuple[Case, str, random.Random]:
    """The i-th case of a type; layouts rotate so each type gets several."""
    rng = random.Random(f"heldout:{seed}:{doctype}:{i}")
    layout = LAYOUTS[(i + 3 * TYPES.index(doctype) + seed) % len(LAYOUTS)]
    case = BUILDERS[doctype](Ctx(rng, doctype, layout))
    return case, layout, rng


def render(case: Case, layout: str, rng: random.Random, path: Path) -> None:
    form = layout in FORMS or layout == "prose"
    footer = ""
    if form:
        footer = rng.choice([f"Vordruck {rng.randint(10, 70)}-{rng.randint(1, 99):03d} (Stand {rng.randint(1, 12):02d}/2025)",
                             f"{AUTHORITY} · Kreiskasse IBAN {AUTH_IBAN} · www.landkreis-musterland.example", ""])
    hand = rng.choice(sorted(HANDS)) if layout != "mail" and rng.random() < 0.55 else None
    cv = Canvas(rng, rng.choice(sorted(FACES)), hand, footer=footer, numbers=form or rng.random() < 0.3)
    (FORMS.get(layout) or LETTERS[layout])(cv, case, rng)
    if case.stamp:
        cv.stamp(*case.stamp)
    tmp = path.with_name("." + path.name + ".tmp")
    cv.save(tmp)
    tmp.replace(path)


def generate(out: Path, per_type: int = 5, seed: int = 1, born: bool = True, scans: bool = True,
             types: list[str] | None = None) -> dict[str, dict]:
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(t, i) for t in (types or TYPES) for i in range(per_type)]
    random.Random(f"order:{seed}").shuffle(jobs)  # ids say nothing about the type
    truth: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="heldout-") as tmp:
        for n, (doctype, i) in enumerate(jobs, 1):
            case, layout, rng = build(seed, doctype, i)
            ident = f"hx{seed}-{n:03d}"
            pdf = (out if born else Path(tmp)) / f"{ident}.pdf"
            render(case, layout, rng, pdf)
            rec = {"type": case.doctype, "fields": dict(sorted(case.truth.items())), "layout": layout}
            if born:
                truth[ident] = {**rec, "format": "pdf"}
            if scans:
                path = scan(pdf, out / f"{ident}.scan", random.Random(f"scan:{seed}:{ident}"))
                truth[f"{ident}.scan"] = {**rec, "format": "scan-" + path.suffix[1:]}
    target = out / "truth.json"
    tmp_truth = target.with_name(".truth.json.tmp")
    tmp_truth.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp_truth.replace(target)
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="output folder")
    ap.add_argument("--per-type", type=int, default=5, help="documents per type (9 types incl. sonstiges)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--born", action="store_true", help="write born-digital PDFs")
    ap.add_argument("--scans", action="store_true", help="write scans (pdf/tif/png)")
    ap.add_argument("--types", default="", help="comma-separated document types (default: all)")
    a = ap.parse_args(argv)
    both = not (a.born or a.scans)
    types = [t for t in a.types.split(",") if t] or None
    unknown = set(types or []) - set(TYPES)
    if unknown or a.per_type < 1:
        print(f"error: unknown type(s) {', '.join(sorted(unknown))}" if unknown else "error: --per-type must be ≥ 1",
              file=sys.stderr)
        return 2
    try:
        truth = generate(a.out, a.per_type, a.seed, born=a.born or both, scans=a.scans or both, types=types)
    except (MissingFont, MissingProgram) as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    print(f"{len(truth)} documents and truth.json written to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
