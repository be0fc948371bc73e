"""Does a second recogniser read what Tesseract loses on scans? (issue 10)

    python bench/ocr_refine_bench.py DIR [DIR ...] [--below 85] [--min-score 0.8] [--whole]

For every scan of DIR (``samples/heldout/make.py --born --scans`` output,
``<id>.scan.*`` next to the born-digital ``<id>.pdf`` and ``truth.json``)
each page is read at 300 dpi by Tesseract (``deu``, mode 3, the C API) and
then by :mod:`ekte.stages.ocr_refine` on Tesseract's unsure words (the
hybrid); with ``--whole`` also by RapidOCR on the whole page (detection +
recognition).  Printed: the truth values present in each text (the forms
of ``samples/heldout/check.py``), split by handwriting-like font or print
(the born PDF's fonts), and the CPU seconds per page of each reader
(measured in this process, one thread each).

Use it on the development family, the generator and family3 (``samples/family3/make.py
OUT --scans``: its ``ankreuz`` layout is the handwritten one) — never on heldout2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples" / "heldout"))


def pages(path: Path) -> list:
    from PIL import Image, ImageSequence

    if path.suffix == ".pdf":
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        return [doc[i].render(scale=300 / 72).to_pil().convert("RGB") for i in range(len(doc))]
    with Image.open(path) as im:
        return [f.convert("RGB") for f in ImageSequence.Iterator(im)]


def upright(api, image):
    """The page turned upright and levelled (as ekte does before its OCR
    pass, :mod:`ekte.stages.geometry`)."""
    from ekte.stages import geometry

    small = image.reduce(2)
    turn, _conf = geometry._orientation(small.convert("L"), 150)
    if turn:
        image = image.rotate(turn, expand=True)
        small = image.reduce(2)
    skew, _side, _lines = geometry._layout(api, small.convert("L"), 150)
    if abs(skew) >= 1.0:
        image = image.rotate(skew, resample=3, expand=False, fillcolor=(255, 255, 255))
    return image


def tesseract(api, image) -> list:
    from tesserocr import PSM
    from tesserocr import RIL, iterate_level

    from ekte.stages.ocr_refine import OcrWord

    api.SetPageSegMode(int(PSM.AUTO))
    api.SetImage(image)
    api.Recognize()
    out, it = [], api.GetIterator()
    for w in iterate_level(it, RIL.WORD):
        text = w.GetUTF8Text(RIL.WORD)
        box = w.BoundingBox(RIL.WORD)
        if text is None or box is None:
            continue
        line = w.BoundingBox(RIL.TEXTLINE)
        out.append(OcrWord(text, w.Confidence(RIL.WORD), box, tuple(line or ())))
    return out


def text_of(words: list) -> str:
    lines, last = [], None
    for w in words:
        if w.line != last:
            lines.append([])
            last = w.line
        lines[-1].append(w.text)
    return "\n".join(" ".join(x) for x in lines)


def whole(image) -> str:
    from rapidocr import RapidOCR

    global _WHOLE
    if "_WHOLE" not in globals():
        _WHOLE = RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False,
                                  "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                                  "EngineConfig.onnxruntime.inter_op_num_threads": 1})
    r = _WHOLE(image)
    return "\n".join(r.txts or ())


def handwritten(pdf: Path) -> bool:
    """Whether a generated document (its born-digital PDF) is set in a handwriting-like font."""
    import re
    import subprocess

    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    return bool(re.search(r"dkg|breip|kristi", fonts, re.I))


def dev_scans(dirs: list[Path]):
    """Every scan of the dev folders: its truth entry, path, key and kind ("hand" when its
    born-digital twin is set in a handwriting-like font, else "print")."""
    for d in dirs:
        truth = json.loads((d / "truth.json").read_text("utf-8"))
        for scan in sorted(d.glob("*.scan.*")):
            key = scan.name.split(".")[0] + ".scan"
            born = d / (key[:-5] + ".pdf")
            # family3 (``--scans`` only, no born twin): its check-box layout has the handwritten values
            hand = handwritten(born) if born.exists() else truth[key].get("layout") == "ankreuz"
            yield truth[key], scan, key, "hand" if hand else "print"


def main() -> None:
    import re

    from check import on_page
    from tesserocr import PSM, PyTessBaseAPI

    from ekte.stages import ocr_refine

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", type=Path, nargs="+")
    ap.add_argument("--configs", default="85:0.8:0", help="hybrids to compare: BELOW:MIN_SCORE:GAP,...")
    ap.add_argument("--whole", action="store_true")
    ap.add_argument("--show", action="store_true", help="print each replaced run (dev family only)")
    a = ap.parse_args()
    present, total, cpu, npages, umlaut = Counter(), Counter(), Counter(), Counter(), Counter()
    ocr_refine.recognise([])  # nothing: the model loads on first use below
    with PyTessBaseAPI(lang="deu", psm=PSM.AUTO) as api:
        for entry, scan, key, kind in dev_scans(a.dirs):
            configs = [tuple(float(x) for x in c.split(":")) for c in a.configs.split(",")]
            names = [f"hybrid {c}" for c in a.configs.split(",")]
            texts: dict[str, list[str]] = {"tesseract": [], **{n: [] for n in names}, "rapid whole": []}
            for im in pages(scan):
                im = upright(api, im)
                npages[kind] += 1
                t0 = time.process_time()
                words = tesseract(api, im)
                t1 = time.process_time()
                cpu[(kind, "tesseract")] += t1 - t0
                texts["tesseract"].append(text_of(words))
                for name, (below, score, gap) in zip(names, configs):
                    t1 = time.process_time()
                    refined, n = ocr_refine.refine(im, words, below, score, int(gap))
                    cpu[(kind, name + " (extra)")] += time.process_time() - t1
                    texts[name].append(text_of(refined))
                if a.show:
                    old = {(w.box, w.text) for w in words}
                    for w in refined:
                        if (w.box, w.text) not in old:
                            print(f"  {key} {w.conf:5.1f} {w.text!r}")
                if a.whole:
                    t3 = time.process_time()
                    texts["rapid whole"].append(whole(im))
                    cpu[(kind, "rapid whole")] += time.process_time() - t3
            for f, v in entry["fields"].items():
                total[kind] += 1
                has_uml = bool(re.search("[äöüßÄÖÜ]", str(v)))
                umlaut[(kind, "values")] += has_uml
                got = [name for name, t in texts.items() if t and on_page(f, str(v), "\n".join(t))]
                for name in got:
                    present[(kind, name)] += 1
                    umlaut[(kind, name)] += has_uml
                if a.show and kind == "hand":
                    print(f"  value {key} {f}={v!r}: {', '.join(got) or '-'}")
    texts_names = ["tesseract", *names, "rapid whole"]
    print(f"load average at the end: {os.getloadavg()}")
    for kind in ("hand", "print"):
        print(f"[{kind}] {npages[kind]} pages, {total[kind]} truth values ({umlaut[(kind, 'values')]} with ä/ö/ü/ß)")
        for name in texts_names:
            if (kind, name) in present or name != "rapid whole" or a.whole:
                print(f"  {name:12s} present {present[(kind, name)]:4d} ({present[(kind, name)] / max(1, total[kind]):.3f})"
                      f"  with umlaut {umlaut[(kind, name)]}")
        for (k, name), s in sorted(cpu.items()):
            if k == kind:
                print(f"  CPU {name}: {s / max(1, npages[kind]):.2f} s/page")


if __name__ == "__main__":
    main()
