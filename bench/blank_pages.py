"""What the coordinator does with a PDF's pages before a worker sees it
(fresh41 F9): one sample document followed by N blank pages (the tester's
file), the CPU seconds of the page count (``intake.max_pages``,
:mod:`ekte.pipeline.pagecount`) and of the separator scan
(``ekte-separate``'s ``claims()``/``scan()``, which the coordinator asks of
every input), per file and per page, for each N — a flat per-page figure
is linear time.  ``--inked`` adds a dot to every blank page (each is then
rendered; one shade, so not read for a barcode).  In-process, CPU seconds
(``time.process_time``): other work on the machine disturbs them less than
wall time; the load is printed beside them.

    PYTHONPATH=.:plugins/ekte-separate python bench/blank_pages.py [--pages 200,500,2000] [--inked]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "inbox" / "sportstaetten_foerderung-007-pdf.pdf"


def make(path: Path, n: int, inked: bool) -> Path:
    import pikepdf

    with pikepdf.open(SAMPLE) as pdf:
        for _ in range(n):
            page = pdf.add_blank_page()
            if inked:  # a white dot: the page has an object, renders in one shade
                page.Contents = pdf.make_stream(b"1 g 100 100 1 1 re f")
        pdf.save(path)
    return path


def cpu(fn) -> tuple[float, object]:
    t = time.process_time()
    out = fn()
    return time.process_time() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", default="200,500,2000")
    ap.add_argument("--inked", action="store_true")
    args = ap.parse_args()
    from ekte.pipeline import pagecount
    from ekte.profile import load_profile
    from ekte.stages.intake import PDF
    from ekte_separate.source import SeparateSource

    profile = load_profile("landkreis")
    print(f"load before: {os.getloadavg()[0]:.2f}")
    print("| pages | count CPU s | separator scan CPU s | scan ms/page |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as d:
        for n in (int(x) for x in args.pages.split(",")):
            path = make(Path(d) / f"p{n}.pdf", n, args.inked)
            t_count, pages = cpu(lambda: pagecount.count(path, PDF, profile.intake.max_pages))
            src = SeparateSource()
            src.configure(profile, Path(d))
            t_scan, _ = cpu(lambda: src.scan(path))
            print(f"| {pages} | {t_count:.3f} | {t_scan:.3f} | {1000 * t_scan / pages:.2f} |")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
