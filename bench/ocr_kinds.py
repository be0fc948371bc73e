"""Side by side, CPU seconds, one process: what a page costs ekte's OCR stage
against the Tesseract floor, by kind of page (upright, on its side, upside
down, skewed 2.5°), and what a born-digital PDF with embedded fonts costs
the stage functions (pikepdf's route).  CPU time is far less disturbed by
other work on the machine than wall time; the kinds are interleaved round
by round and medians reported.

    python bench/ocr_kinds.py [--rounds 3] [--born 48]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "samples"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["OMP_THREAD_LIMIT"] = "1"


def _children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _pages(d: Path) -> dict[str, Path]:
    """One generated application as a 300 dpi grey JPEG scan, four ways."""
    import generate
    import img2pdf
    import pypdfium2 as pdfium
    from PIL import Image

    generate.generate(d / "src", per_type=1, formats=["pdf"], seed=4, doctypes=generate.DOCTYPES[:1])
    pdf = pdfium.PdfDocument(str(next((d / "src").glob("*.pdf"))))
    base = pdf[0].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
    kinds = {"upright": base, "on its side": base.rotate(90, expand=True), "upside down": base.rotate(180),
             "skewed 2.5": base.rotate(2.5, resample=Image.BICUBIC, fillcolor=255)}
    out = {}
    for k, im in kinds.items():
        b = io.BytesIO()
        im.save(b, "JPEG", quality=75, dpi=(300, 300))
        out[k] = d / f"{k.replace(' ', '-')}.pdf"
        out[k].write_bytes(img2pdf.convert(b.getvalue()))
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(out[k]), str(out[k].with_suffix(""))],
                       check=True)
    return out


def scans(d: Path, rounds: int) -> dict:
    from ekte.profile import load_profile
    from ekte.stages import tess_engine
    from ekte.stages.ocr import OcrParams, make_archival_pdf

    pages = _pages(d)
    params = OcrParams.from_profile(load_profile())
    tess_engine.warm_up("deu")
    make_archival_pdf(pages["upright"], d / "warm.pdf", params)
    floor: dict[str, list[float]] = {}
    ekte: dict[str, list[float]] = {}
    for _ in range(rounds):
        for k, pdf in pages.items():
            c0 = _children()
            subprocess.run(["tesseract", str(pdf.with_suffix(".png")), str(d / "floor"), "-l", "deu", "pdf"],
                           check=True, capture_output=True)
            floor.setdefault(k, []).append(_children() - c0)
            c0 = time.process_time() + _children()
            make_archival_pdf(pdf, d / "out.pdf", params)
            ekte.setdefault(k, []).append(time.process_time() + _children() - c0)
    med = statistics.median
    return {k: {"floor_cpu_s": round(med(floor[k]), 2), "ekte_cpu_s": round(med(ekte[k]), 2),
                "ratio_to_floor": round(med(floor[k]) / med(ekte[k]), 2)} for k in pages}


def born(d: Path, n: int, rounds: int) -> dict:
    import generate
    import ocr_bench as ob

    from ekte.profile import load_profile
    from ekte.stages.ocr import OcrParams

    per = max(1, -(-n // len(generate.DOCTYPES)))
    generate.generate(d / "born", per_type=per, formats=["pdf"], seed=6)
    (d / "emb").mkdir()
    for f in sorted((d / "born").glob("*.pdf"))[:n]:
        subprocess.run(ob.GS_PDFA + [f"-sOutputFile={d / 'emb' / f.name}", str(f)], check=True, capture_output=True)
    files = sorted((d / "emb").glob("*.pdf"))
    params = OcrParams.from_profile(load_profile())
    ob._stage_one((str(files[0]), str(d / "st"), params))  # imports, warm Ghostscript
    per_doc = []
    for _ in range(rounds):
        c0 = time.process_time() + _children()
        for f in files:
            ob._stage_one((str(f), str(d / "st"), params))
        per_doc.append((time.process_time() + _children() - c0) / len(files))
    ms = statistics.median(per_doc) * 1000
    cores = os.cpu_count() or 1
    return {"documents": len(files), "cpu_ms_per_document": round(ms, 1),
            "documents_per_s_cpu_bound": round(cores * 1000 / ms, 1), "cores": cores}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--born", type=int, default=48)
    a = ap.parse_args()
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        s = scans(Path(tmp), a.rounds)
        b = born(Path(tmp), a.born, a.rounds)
    for k, v in s.items():
        print(f"{k:12} floor {v['floor_cpu_s']:.2f} s, ekte {v['ekte_cpu_s']:.2f} s CPU: {v['ratio_to_floor']} of the floor")
    print(f"born digital, pikepdf route ({b['documents']}): {b['cpu_ms_per_document']} ms CPU per document, "
          f"{b['documents_per_s_cpu_bound']} documents/s on {b['cores']} busy cores")
    print(f"load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
