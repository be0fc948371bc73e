"""Page geometry for OCR: the skew of scanned pages measured on a
low-resolution rendering (Tesseract's layout analysis through its C API,
about a twentieth of the cost of recognising the page), and the turn of
pages whose orientation the OCR pass found (``/Rotate``, lossless)."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any


def measure_skew(pdf_path: Path, pages: list[int], dpi: int, language: str = "deu") -> dict[int, float]:
    """{page (1-based): skew in degrees} for *pages*: the counter-clockwise
    turn that levels the text lines (0.0 where no text line was found)."""
    import pypdfium2 as pdfium
    from tesserocr import PSM

    from ekte.stages.tess_engine import _Handle

    out: dict[int, float] = {}
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        with _Handle(language, int(PSM.AUTO_ONLY)) as api:
            for p in pages:
                page = doc[p - 1]
                try:
                    im = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=False).to_pil()
                finally:
                    page.close()
                api.SetImage(im)
                api.SetSourceResolution(dpi)
                it = api.AnalyseLayout()
                angle = math.degrees(it.Orientation()[3]) if it is not None else 0.0
                out[p] = round(angle, 3)
    finally:
        doc.close()
    return out


def turn_pages(pdf_path: Path, orientation: dict[int, int]) -> None:
    """Turn the pages that lie turned (clockwise degrees per 1-based page)
    upright by their ``/Rotate``; the content is not touched."""
    import pikepdf

    todo = {p: a for p, a in orientation.items() if a % 360}
    if not todo:
        return
    tmp = pdf_path.with_suffix(".turn.pdf")
    with pikepdf.open(pdf_path) as pdf:
        for p, angle in todo.items():
            page = pdf.pages[p - 1]
            page.Rotate = (int(page.obj.get("/Rotate", 0)) - angle) % 360
        pdf.save(tmp)
    os.replace(tmp, pdf_path)


def page_geometry(facts: dict[int, dict[str, Any]], low_res: dict[int, float],
                  deskewed: set[int]) -> list[dict[str, Any]]:
    """What is recorded per OCRed page (lands in metadata.json)."""
    rows = []
    for p in sorted(set(facts) | set(low_res)):
        f = facts.get(p, {})
        row: dict[str, Any] = {"page": p, "orientation": f.get("orientation", 0),
                               "turned": bool(f.get("orientation", 0)),
                               "skew_degrees": low_res.get(p, f.get("skew")),
                               "deskewed": p in deskewed}
        if "confidence" in f:
            row["ocr_confidence"] = f["confidence"]
            row["ocr_passes"] = f.get("passes", 1)
        if f.get("timeout"):
            row["ocr_timeout"] = True
        rows.append(row)
    return rows
