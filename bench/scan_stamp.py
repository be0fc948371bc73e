"""Received stamps on scans (issue 10): how often the received date is lost in
the page OCR, and whether reading the stamp frame again finds it
(:mod:`ekte.stages.ocr_stamp`).

    python bench/scan_stamp.py DIR
    python bench/scan_stamp.py DIR --cpu N [--rounds R]   # the OCR stage, stamps on/off interleaved

DIR from ``samples/heldout/make.py OUT --scans`` (development seeds only —
never family3 or heldout2).  For every scan with a received date in its
truth, page 1 is rendered at 300 dpi and read by Tesseract as the page OCR
does (``--psm 3``); the extractor's received-stamp pattern is run on that
text, then on it with the stamps' re-read lines appended.  Prints, per
document, the truth, what each found, the stamps found and the time of the
page OCR and of finding + reading the stamps; and the totals.  Pages
without a stamp in the truth give the cost of searching (find only).
``--cpu N``: the whole OCR stage (``make_archival_pdf``, as a worker runs
it) on the first N scans, ``ocr.stamps`` on and off one after the other
per document, CPU seconds summed for pages with and without a stamp.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _page(path: Path) -> object:
    import pypdfium2 as pdfium

    if path.suffix == ".pdf":
        doc = pdfium.PdfDocument(str(path))
        return doc[0].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
    from PIL import Image

    with Image.open(path) as im:
        im.seek(0)
        return im.convert("L")


def _found(text: str) -> set[str]:
    from ekte.stages.extract import patterns

    return {c.value for c in patterns.stamp_candidates(1, text)}


def one(path: Path, api_page: object, api_block: object) -> dict:
    import numpy as np

    from ekte.stages import ocr_stamp
    from ekte.stages.tess_engine import _geometry, set_image

    im = _page(path)
    t0 = time.process_time()
    set_image(api_page, im)
    api_page.SetSourceResolution(300)
    text = api_page.GetUTF8Text()
    skew = _geometry(api_page)[1]
    t1 = time.process_time()
    stamps = ocr_stamp.find(np.asarray(im), 300, skew)
    t2 = time.process_time()
    lines = ocr_stamp.read(api_block, im, 300, stamps)
    t3 = time.process_time()
    stamp_text = "\n".join(" ".join(w[0] for w in ln) for st in lines for ln in st)
    return {"page_s": t1 - t0, "find_s": t2 - t1, "read_s": t3 - t2, "stamps": len(stamps),
            "angles": [round(s.angle, 1) for s in stamps], "before": _found(text),
            "after": _found(text + "\n" + stamp_text), "stamp_text": stamp_text}


def stage_cpu(d: Path, truth: dict, n: int, rounds: int) -> dict:
    """CPU seconds of the OCR stage with ocr.stamps on and off, interleaved."""
    import dataclasses
    import tempfile

    sys.path.insert(0, str(ROOT / "bench"))
    from ocr_bench import _stage_one

    from ekte.profile import load_profile
    from ekte.stages.ocr import OcrParams

    base = OcrParams.from_profile(load_profile())
    cpu = {(k, st): 0.0 for k in ("stamp", "none") for st in (True, False)}
    with tempfile.TemporaryDirectory() as tmp:
        for _r in range(rounds):
            for doc in sorted(truth)[:n]:
                f = sorted(d.glob(doc + ".*"))[0]
                kind = "stamp" if truth[doc]["fields"].get("eingangsdatum") else "none"
                for st in (True, False):
                    res = _stage_one((str(f), str(Path(tmp) / "s"), dataclasses.replace(base, stamps=st)))
                    cpu[(kind, st)] += res["cpu"]
    return {f"{k} stamps={'on' if st else 'off'}": round(v, 2) for (k, st), v in cpu.items()}


def main(argv: list[str] | None = None) -> int:
    from tesserocr import PSM

    from ekte.stages.tess_engine import _Handle

    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--cpu", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=1)
    a = ap.parse_args(argv)
    truth = json.loads((a.dir / "truth.json").read_text())
    if a.cpu:
        print(json.dumps(stage_cpu(a.dir, truth, a.cpu, a.rounds), indent=1))
        return 0
    tot = {"with": 0, "before": 0, "after": 0, "page_s": 0.0, "find_s": 0.0, "read_s": 0.0, "stamps": 0,
           "pages": 0, "wrong_after": 0, "wrong_before": 0}
    with _Handle("deu", int(PSM.AUTO)) as page_api, _Handle("deu", int(PSM.SINGLE_BLOCK)) as block_api:
        for doc, t in sorted(truth.items()):
            files = sorted(a.dir.glob(doc + ".*"))
            if not files:
                continue
            r = one(files[0], page_api, block_api)
            want = t["fields"].get("eingangsdatum")
            tot["pages"] += 1
            for k in ("page_s", "find_s", "read_s", "stamps"):
                tot[k] += r[k]
            if want:
                tot["with"] += 1
                tot["before"] += want in r["before"]
                tot["after"] += want in r["after"]
            tot["wrong_before"] += len(r["before"] - {want})
            tot["wrong_after"] += len(r["after"] - {want})
            print(f"{doc} {files[0].suffix} want={want} before={sorted(r['before'])} after={sorted(r['after'])}"
                  f" stamps={r['stamps']} {r['angles']} page={r['page_s']:.2f}s find={r['find_s']:.3f}s"
                  f" read={r['read_s']:.3f}s | {r['stamp_text'][:80]!r}")
    print(json.dumps(tot, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
