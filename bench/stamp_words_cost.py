"""CPU of the keyword-found received stamps (``ekte.stages.ocr_stamp_words``) per page, against
Tesseract's page pass (issue 10 on scans, issue 12's throughput).  For every ``*.scan.pdf`` of DIR
(page 1, the image as scanned — ``bench/scan_twins_make.py``'s pages are upright and level):
Tesseract's pass (mode 3, timed), ``ocr.refine`` and the found lines as the engine runs them (not
timed), the framed-stamp search (not timed), then the keyword stamps (timed; the mode-6 handle
loaded once, as the engine's pool does).  CPU of this one thread.

    OMP_THREAD_LIMIT=1 python bench/stamp_words_cost.py DIR

Development families only -- never heldout2.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pikepdf
from tesserocr import PSM, PyTessBaseAPI

from ekte.stages import ocr_found, ocr_refine, ocr_stamp
from ekte.stages import ocr_stamp_words as S


def main(folder: Path) -> None:
    page_s = stamp_s = 0.0
    n = dated = 0
    block = PyTessBaseAPI(lang="deu", psm=PSM.SINGLE_BLOCK)
    for f in sorted(folder.glob("*.scan.pdf")):
        with pikepdf.open(f) as pdf:
            im = pikepdf.PdfImage(next(iter(pdf.pages[0].images.values()))).as_pil_image()
        im.load()
        im.info["dpi"] = (300, 300)
        t = time.process_time()
        with PyTessBaseAPI(lang="deu", psm=PSM.AUTO) as api:
            api.SetImage(im)
            api.SetSourceResolution(300)
            api.Recognize()
            hocr = api.GetHOCRText(0)
        page_s += time.process_time() - t
        hocr, _n = ocr_refine.refine_page(hocr, im)
        hocr, _n = ocr_found.find_page(hocr, im)
        frames = ocr_stamp.find(ocr_stamp.ink(im), 300, 0.0)
        t = time.process_time()
        got = S.stamp_words(hocr, im, 0.0, block, frames) if S.KEYWORD.search(hocr) else []
        dt = time.process_time() - t
        stamp_s, n, dated = stamp_s + dt, n + 1, dated + len(got)
        print(f"{f.name}  {dt:.2f} s  {[' / '.join(' '.join(w[0] for w in ln) for ln in r) for r in got]}", flush=True)
    block.End()
    print(f"pages {n}  Tesseract's page pass {page_s:.1f} s  keyword stamps {stamp_s:.1f} s "
          f"({stamp_s / max(page_s, 1e-9):.1%})  dated readings {dated}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
