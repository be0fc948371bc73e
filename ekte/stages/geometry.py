"""Page geometry for OCR, decided once before the OCR pass.

:func:`probe` renders every page to OCR at a low resolution (``ocr.skew_dpi``)
and asks Tesseract, through the worker's loaded API handle, which way the
page lies (orientation detection) and how far its lines are skewed
(layout analysis, measured on the page turned upright).  Both cost a small
part of recognising the page.  :func:`level_pages` then writes the working
PDF with every turned page turned upright by its ``/Rotate`` and every page
skewed by the threshold or more levelled by a rotation of its content about
the page centre: lossless (the scanned image is not decoded or re-encoded),
so the OCR pass rasterises upright, level pages once and OCRmyPDF keeps
the page content as it is (no second rendering of a visible page image).

What was found is recorded per page (:func:`page_geometry`) and lands in
metadata.json."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any


def _render(src: tuple[Path, Any], p: int, dpi: int) -> Any:
    """Page *p* at *dpi*, grey: a page of one JPEG decoded at a reduced scale
    (:mod:`ekte.stages.page_raster`; PDFium would decode it whole and hold
    four bytes per pixel), else rendered by PDFium."""
    from ekte.stages import page_raster

    path, doc = src
    im = page_raster.page_image(path, p, (dpi, dpi), False, reduced=True)
    if im is not None:
        return im if im.mode == "L" else im.convert("L")
    page = doc[p - 1]
    try:
        return page.render(scale=dpi / 72, grayscale=True, may_draw_forms=False).to_pil()
    finally:
        page.close()


def _layout(api: Any, im: Any, dpi: int) -> tuple[float, bool, list[tuple[int, int, int, int]]]:
    """Tesseract's layout analysis: (the counter-clockwise turn in degrees
    that levels the text lines, 0.0 where no line was found; whether the
    lines run top to bottom, i.e. the page lies on its side; the boxes of
    the text lines, top to bottom)."""
    from tesserocr import PSM, RIL

    from ekte.stages.tess_engine import set_image

    api.SetPageSegMode(int(PSM.AUTO_ONLY))
    set_image(api, im)
    api.SetSourceResolution(dpi)
    it = api.AnalyseLayout()
    if it is None:
        return 0.0, False, []
    _orient, direction, _order, deskew = it.Orientation()
    lines = []
    while len(lines) < 500:
        box = it.BoundingBox(RIL.TEXTLINE)
        if box:
            lines.append(tuple(box))
        if not it.Next(RIL.TEXTLINE):
            break
    return round(math.degrees(deskew), 3), int(direction) == 2, sorted(lines, key=lambda b: b[1])  # TOP_TO_BOTTOM


#: a few lines read both ways must differ by this much mean confidence to decide "upside down" or "upright"
UPSIDE_DOWN_MARGIN = 20.0
#: ... and read turned at least this well (an upright page's widest line read at 0 both
#: ways but 21 turned was taken for upside down, dev family5 scans; upside-down pages: 43-92)
UPSIDE_DOWN_READ = 35.0
#: lines that read at this confidence as they lie are upright (no second reading of them)
UPRIGHT_CONFIDENCE = 80.0


def _band(lines: list[tuple[int, int, int, int]], size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The region of the widest text line and its neighbours above and below."""
    if not lines:
        return None
    k = max(range(len(lines)), key=lambda i: lines[i][2] - lines[i][0])
    sel = lines[max(0, k - 1):k + 2]
    return (max(0, min(b[0] for b in sel) - 3), max(0, min(b[1] for b in sel) - 3),
            min(size[0], max(b[2] for b in sel) + 3), min(size[1], max(b[3] for b in sel) + 3))


def _upside_down(api: Any, im: Any, dpi: int, lines: list[tuple[int, int, int, int]]) -> tuple[int | None, list]:
    """Whether a page whose lines run left to right lies upside down, from
    three of its lines read as they lie and, unless they read well, turned
    (a few per cent of recognising the page; an upside-down line reads as
    garbage): (180, 0 or None where unsure; the mean confidences of the
    lines as they lie and turned)."""
    from tesserocr import PSM

    from ekte.stages.tess_engine import set_image

    box = _band(lines, im.size)
    if box is None or box[2] - box[0] < 20 or box[3] - box[1] < 5:
        return None, []
    band = im.crop(box)
    conf = []
    api.SetPageSegMode(int(PSM.SINGLE_BLOCK))
    for img in (band, band.rotate(180)):
        set_image(api, img)
        api.SetSourceResolution(dpi)
        conf.append(float(api.MeanTextConf()) if api.Recognize(5000) else 0.0)
        if conf[0] >= UPRIGHT_CONFIDENCE:
            return 0, conf
    margin = conf[1] - conf[0]
    if margin >= UPSIDE_DOWN_MARGIN and conf[1] < UPSIDE_DOWN_READ:
        return None, conf  # neither way reads: the OCR pass checks the whole page
    return (180 if margin >= UPSIDE_DOWN_MARGIN else 0 if margin <= -UPSIDE_DOWN_MARGIN else None), conf


def _orientation(im: Any, dpi: int) -> tuple[int, float]:
    """(clockwise degrees the page lies turned, confidence) by Tesseract's
    orientation detection (its own ``osd`` data); (0, 0.0) where it found
    too little text."""
    from tesserocr import PSM

    from ekte.stages.tess_engine import _Handle, set_image

    with _Handle("osd", int(PSM.OSD_ONLY)) as api:
        set_image(api, im)
        api.SetSourceResolution(dpi)
        try:
            r = api.DetectOrientationScript()
        except RuntimeError:
            r = None
    if not r:
        return 0, 0.0
    return int(r["orient_deg"]) % 360, round(float(r["orient_conf"]), 2)


#: orientation detection needs this resolution (at 100 dpi it guesses); it costs
#: a third of recognising a page, so it runs only on pages whose lines run top to bottom
OSD_DPI = 150


def _probe_page(api: Any, doc: tuple[Path, Any], p: int, dpi: int, orientation: bool, min_confidence: float) -> dict[str, Any]:
    im = _render(doc, p, dpi)
    skew, sideways, lines = _layout(api, im, dpi)
    turn, conf, settled, lines_conf = 0, 0.0, False, []
    if orientation and sideways:
        turn, conf = _orientation(_render(doc, p, max(dpi, OSD_DPI)), max(dpi, OSD_DPI))
        if conf < min_confidence or turn % 180 == 0:
            turn = 0
        settled = bool(turn)
    elif orientation:
        found, lines_conf = _upside_down(api, im, dpi, lines)
        turn, settled = found or 0, found is not None
        if found is None and lines:  # three lines did not tell: orientation detection on the page
            osd, conf = _orientation(_render(doc, p, max(dpi, OSD_DPI)), max(dpi, OSD_DPI))
            if osd == 180 and conf >= min_confidence:  # else unsettled: the OCR pass checks
                turn, settled = 180, True
    # turning by quarters commutes with levelling: the skew holds for the page turned upright
    return {"orientation": turn, "orientation_confidence": conf, "orientation_settled": settled,
            "lines_confidence": [round(c, 1) for c in lines_conf], "sideways": sideways, "skew": skew}


def probe(pdf_path: Path, pages: list[int], dpi: int, language: str = "deu", orientation: bool = True,
          min_confidence: float = 3.0) -> dict[int, dict[str, Any]]:
    """{page (1-based): {"orientation", "orientation_confidence",
    "orientation_settled", "lines_confidence", "sideways", "skew"}} for
    *pages* of *pdf_path*, rendered at *dpi*: the skew from Tesseract's
    layout analysis (about 5 % of recognising the page), which also shows a
    page lying on its side (its lines run top to bottom); only for such a
    page is the orientation detected (osd), and the page taken to lie turned
    when the detection's confidence is *min_confidence* or more.  A page
    upside down looks like an upright one to the layout analysis: three of
    its lines are read as they lie and turned (:func:`_upside_down`); where
    they do not tell, the orientation is detected (osd) and a page found
    upside down with *min_confidence* or more is settled turned (read upright
    once, so ``ocr.refine`` and ``ocr.stamps`` read it too: they read upright
    pages only).
    ``orientation_settled``: the page's orientation is sure, the OCR pass
    reads it once; otherwise it checks (see :mod:`ekte.stages.tess_engine`)."""
    import pypdfium2 as pdfium
    from tesserocr import PSM

    from ekte.stages.tess_engine import _Handle

    out: dict[int, dict[str, Any]] = {}
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        with _Handle(language, int(PSM.AUTO_ONLY)) as api:
            for p in pages:
                out[p] = _probe_page(api, (Path(pdf_path), doc), p, dpi, orientation, min_confidence)
    finally:
        doc.close()
    return out


def measure_skew(pdf_path: Path, pages: list[int], dpi: int, language: str = "deu") -> dict[int, float]:
    """{page (1-based): skew in degrees} for *pages* as a viewer shows them."""
    found = probe(pdf_path, pages, dpi, language, orientation=False)
    return {p: f["skew"] for p, f in found.items()}


def _rotation_about_centre(page: Any, degrees: float) -> bytes:
    """``cm`` operator turning the page content counter-clockwise (as shown)
    by *degrees* about the centre of the page's media box."""
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    e, f = cx - c * cx + s * cy, cy - s * cx - c * cy
    return f"q {c:.8f} {s:.8f} {-s:.8f} {c:.8f} {e:.4f} {f:.4f} cm\n".encode()


def level_pages(src: Path, dst: Path, turns: dict[int, int], skews: dict[int, float]) -> bool:
    """Write *src* to *dst* with the pages in *turns* (clockwise degrees they
    lie turned) turned upright by ``/Rotate`` and the pages in *skews*
    (degrees, counter-clockwise turn that levels them) levelled by a
    rotation of their content.  False (nothing written) when there is
    nothing to do."""
    import pikepdf

    turns = {p: a for p, a in turns.items() if a % 360}
    skews = {p: a for p, a in skews.items() if a}
    if not turns and not skews:
        return False
    with pikepdf.open(src) as pdf:
        for p, angle in turns.items():
            page = pdf.pages[p - 1]
            page.Rotate = (int(page.obj.get("/Rotate", 0)) - angle) % 360
        for p, angle in skews.items():
            page = pdf.pages[p - 1]
            # a rotation commutes with the page's /Rotate: the content turns the same way as shown
            page.contents_add(pikepdf.Stream(pdf, _rotation_about_centre(page, angle)), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, b"\nQ\n"))
        pdf.save(dst)
    return True


def turn_pages(pdf_path: Path, orientation: dict[int, int]) -> None:
    """Turn the pages that lie turned (clockwise degrees per 1-based page)
    upright by their ``/Rotate``; the content is not touched."""
    tmp = pdf_path.with_suffix(".turn.pdf")
    if level_pages(pdf_path, tmp, orientation, {}):
        os.replace(tmp, pdf_path)


def page_geometry(facts: dict[int, dict[str, Any]], probed: dict[int, dict[str, Any]],
                  deskewed: set[int]) -> list[dict[str, Any]]:
    """What is recorded per OCRed page (lands in metadata.json): the
    orientation found before the OCR pass plus any the OCR pass found on
    the page as it was then (its safety net), the skew, whether levelled."""
    rows = []
    for p in sorted(set(facts) | set(probed)):
        f, g = facts.get(p, {}), probed.get(p, {})
        orient = (g.get("orientation", 0) + f.get("orientation", 0)) % 360
        row: dict[str, Any] = {"page": p, "orientation": orient, "turned": bool(orient),
                               "skew_degrees": g.get("skew", f.get("skew")), "deskewed": p in deskewed}
        if "orientation_confidence" in g:
            row["orientation_confidence"] = g["orientation_confidence"]
        if g.get("lines_confidence"):
            row["lines_confidence"] = g["lines_confidence"]  # three lines read as they lay [and turned]
        if "confidence" in f:
            row["ocr_confidence"] = f["confidence"]
            row["ocr_passes"] = f.get("passes", 1)
        if f.get("timeout"):
            row["ocr_timeout"] = True
        if f.get("regions"):
            row["regions_reread"] = f["regions"]  # values put in by ocr.regions (ekte.stages.ocr_region)
        rows.append(row)
    return rows
