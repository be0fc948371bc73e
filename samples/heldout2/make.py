"""Write the third held-out family: OUT/<id>.pdf and OUT/truth.json.

    python samples/heldout2/make.py OUT [--per-type N] [--seed S] [--born] [--scans]

--born (the default when neither is given) writes born-digital PDFs, --scans
300 dpi scans of the same documents; with both, a scan is OUT/<id>-scan.pdf.
The same seed gives the same bytes.  Ids are shuffled so that neither the
name nor the order tells the type.  OUT/.index.json says which layout each
document has (for per-layout figures; not for tuning)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heldout2.render import BUILDERS, STYLES, render  # noqa: E402
from heldout2.scan import scan  # noqa: E402
from heldout2.world import rng_for  # noqa: E402


def plan(per_type: int, seed: int) -> list[tuple[str, int, str]]:
    """(type, number, layout) for every document, in shuffled order: each type
    goes through the layouts in an order of its own before repeating one."""
    out = []
    for doctype in BUILDERS:
        styles = list(STYLES)
        rng_for(seed, "plan", doctype).shuffle(styles)
        out += [(doctype, i, styles[i % len(styles)]) for i in range(per_type)]
    rng_for(seed, "order").shuffle(out)
    return out


def generate(out: Path, per_type: int = 5, seed: int = 1, born: bool = True, scans: bool = False) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    truth, index = {}, {}
    for k, (doctype, i, style) in enumerate(plan(per_type, seed), 1):
        doc_id = f"wsn-{seed}-{k:03d}"
        doc = render(doctype, style, rng_for(seed, doctype, i))
        entry = {"type": doctype, "fields": dict(sorted(doc.truth.items()))}
        meta = {"layout": doc.style, "fill": doc.mode}
        if born:
            (out / f"{doc_id}.pdf").write_bytes(doc.pdf)
            truth[doc_id], index[doc_id] = entry, dict(meta, scan=False)
        if scans:
            sid = f"{doc_id}-scan" if born else doc_id
            (out / f"{sid}.pdf").write_bytes(scan(doc.pdf, rng_for(seed, doctype, i, "scan")))
            truth[sid], index[sid] = entry, dict(meta, scan=True)
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                    encoding="utf-8")
    (out / ".index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                    encoding="utf-8")
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--per-type", type=int, default=5, help="documents per type (8 types + sonstiges)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--born", action="store_true", help="born-digital PDFs (default)")
    ap.add_argument("--scans", action="store_true", help="300 dpi scans")
    a = ap.parse_args(argv)
    if a.per_type < 1:
        ap.error("--per-type must be at least 1")
    truth = generate(a.out, a.per_type, a.seed, born=a.born or not a.scans, scans=a.scans)
    print(f"{len(truth)} documents in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
