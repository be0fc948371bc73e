"""One pair of ``ekte ingest -j 2`` runs — this tree and ``--against TREE``
(e.g. ``git archive main``) — on a folder of born-digital PDFs made once
(``--make N``: *N* generated ones in ``FOLDER/born``, the same after
Ghostscript in ``FOLDER/emb``, as ``bench/born_bench.py`` makes them), and
``xargs -P2 gs`` between: for large N, where regenerating the set for
every comparison (``born_bench.py --born 500``) costs more than the runs.

    python bench/born_pairs.py FOLDER --against TREE [--make 500]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "samples")]

import born_bench as bb  # noqa: E402
import ocr_bench as ob  # noqa: E402


def ingest(src: Path, name: str, code: Path | None) -> None:
    n = len(list(src.glob("*.pdf")))
    dt, own, tree, counts = bb.ingest(src, src.parent / f"wd-{name}", 2, code)
    print(f"{src.name} {name}: {dt:.1f} s = {n / dt:.1f}/s, CPU of the ekte process {own:.2f} s, of all processes "
          f"{tree:.2f} s ({1000 * tree / n:.1f} ms per document), {counts}, load {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--against", type=Path, required=True)
    ap.add_argument("--make", type=int, default=0)
    a = ap.parse_args()
    if a.make:
        a.folder.mkdir(parents=True)
        bb.born_data(a.folder, a.make)
    bb.compiled(a.against)
    born = sorted((a.folder / "born").glob("*.pdf"))
    print(f"load {os.getloadavg()[0]:.1f}", flush=True)
    for name, code in (("this", None), ("against", a.against)):
        ingest(a.folder / "emb", name, code)
    g = ob._xargs(2, born, ob.GS_PDFA + ["-sOutputFile={}.gs.pdf", "{}"])
    for f in born:
        Path(f"{f}.gs.pdf").unlink(missing_ok=True)
    print(f"xargs -P2 gs: {g[0]:.1f} s = {len(born) / g[0]:.1f}/s, CPU {g[1]:.1f} s, load {os.getloadavg()[0]:.1f}",
          flush=True)
    for name, code in (("against", a.against), ("this", None)):
        ingest(a.folder / "born", name, code)


if __name__ == "__main__":
    main()
