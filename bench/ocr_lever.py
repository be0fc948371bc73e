"""One OCR lever against the scan gap (issue 10 on scans): Tesseract's page
segmentation mode and variables, measured as the truth values in the text.

    python bench/ocr_lever.py DIR [DIR ...] [--configs "3;11;3:preserve_interword_spaces=1"]

For every scan of DIR (``samples/heldout/make.py --born --scans`` output or
``bench/scan_causes.py --twins``) each page is turned upright and levelled
as ekte does and read by Tesseract (``deu``, the C API) once per config
(``PSM[:VAR=VALUE,...]``; a variable is set back to 0 after its config,
so give only variables whose default is 0, e.g. ``preserve_interword_spaces``).  Printed per config: the truth values present
exactly (the forms of ``samples/heldout/check.py``) and within the edit
distance of ``bench/scan_causes.py`` (b), split by handwriting-like font or
print, and the CPU seconds per page (this process, one thread).

Development sets only — never family3 or heldout2 documents.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "samples" / "heldout"))


def read(api, image, psm: int, variables: dict[str, str]) -> str:
    from tesserocr import RIL, iterate_level

    from ekte.stages.ocr_refine import OcrWord
    from ocr_refine_bench import text_of

    api.SetPageSegMode(psm)
    for k, v in variables.items():
        api.SetVariable(k, v)
    api.SetImage(image)
    api.Recognize()
    out = []
    for w in iterate_level(api.GetIterator(), RIL.WORD):
        text, box = w.GetUTF8Text(RIL.WORD), w.BoundingBox(RIL.WORD)
        if text is not None and box is not None:
            out.append(OcrWord(text, w.Confidence(RIL.WORD), box, tuple(w.BoundingBox(RIL.TEXTLINE) or ())))
    return text_of(out)


def main() -> None:
    from check import on_page, squash
    from ocr_refine_bench import dev_scans, pages, upright
    from scan_causes import near
    from tesserocr import PSM, PyTessBaseAPI

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", type=Path, nargs="+")
    ap.add_argument("--configs", default="3;11")
    a = ap.parse_args()
    configs = []
    for c in a.configs.split(";"):
        psm, _, rest = c.partition(":")
        configs.append((c, int(psm), dict(kv.split("=", 1) for kv in rest.split(",") if kv)))
    exact, close, total, cpu, npages = Counter(), Counter(), Counter(), Counter(), Counter()
    with PyTessBaseAPI(lang="deu", psm=PSM.AUTO) as api:
        for entry, scan, _key, kind in dev_scans(a.dirs):
            texts: dict[str, list[str]] = {c[0]: [] for c in configs}
            for im in pages(scan):
                im = upright(api, im)
                npages[kind] += 1
                for name, psm, variables in configs:
                    t0 = time.process_time()
                    texts[name].append(read(api, im, psm, variables))
                    cpu[(kind, name)] += time.process_time() - t0
                    for k in variables:  # back to the default for the next config
                        api.SetVariable(k, "0")
            for f, v in entry["fields"].items():
                total[kind] += 1
                sq = squash(str(v))
                for name, t in texts.items():
                    text = "\n".join(t)
                    if on_page(f, str(v), text):
                        exact[(kind, name)] += 1
                    elif len(sq) >= 4 and near(sq, squash(text))[0] <= (2 if len(sq) >= 8 else 1):
                        close[(kind, name)] += 1
    print(f"load average at the end: {os.getloadavg()}")
    for kind in ("hand", "print"):
        print(f"[{kind}] {npages[kind]} pages, {total[kind]} truth values")
        for name, _p, _v in configs:
            print(f"  {name:40s} exact {exact[(kind, name)]:4d}  <=2 edits {close[(kind, name)]:4d}  "
                  f"CPU {cpu[(kind, name)] / max(1, npages[kind]):.2f} s/page")


if __name__ == "__main__":
    main()
