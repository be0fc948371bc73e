"""A scanned page as the OCR engine sees it, without a renderer.

A scan's page is one JPEG drawn over the page.  PDFium renders a 300-dpi
grey A4 page (8.7 MB) with about 50 MB of buffers at once (the decoded
image, a 32-bit copy it composes from, the bitmap) and OCRmyPDF copies its
bitmap twice more; in a worker that OCRs such a page this is the peak of
its memory, 100 MB above resting (issue 12).  Here the JPEG is decoded by
Pillow (at a reduced scale where a lower resolution is asked for) and put
where the page's transformation puts it: at most the decoded image and the
page image, twice the page's pixels.

Only a page that is exactly that qualifies — its content draws one image
and nothing else (``q``/``Q``/``cm``/``Do``), the image is an 8-bit JPEG in
DeviceGray or DeviceRGB without mask, decode array or optional-content
membership, no annotations, no ``/UserUnit``; its
``/Rotate`` and a levelling rotation ekte put into its content
(:func:`ekte.stages.geometry.level_pages`) are applied.  Everything else
returns None and is rendered by PDFium as before, whose PNGs are written
at zlib level 1 (:func:`fast_page_rasters`)."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

#: content operators a page of one image may have
_ALLOWED = {"q", "Q", "cm", "Do"}
#: an image placed at scale 1 and whole-pixel offsets within this is pasted, not resampled
_EXACT = 1e-3


def _matmul(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """PDF matrices [a b c d e f]: *m* then *n*."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _one_image(page: Any) -> tuple[Any, tuple[float, ...]] | None:
    """(image XObject, its matrix) when the page's content draws exactly one
    image and nothing else."""
    import pikepdf

    if page.obj.get("/Annots") or "/UserUnit" in page.obj:
        return None
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    stack: list[tuple[float, ...]] = []
    found = None
    for operands, op in pikepdf.parse_content_stream(page):
        name = str(op)
        if name not in _ALLOWED:
            return None
        if name == "q":
            stack.append(ctm)
        elif name == "Q":
            if not stack:
                return None
            ctm = stack.pop()
        elif name == "cm":
            ctm = _matmul(tuple(float(v) for v in operands), ctm)
        else:
            xobj = page.resources.get("/XObject", {}).get(str(operands[0]))
            if found is not None or xobj is None or xobj.get("/Subtype") != "/Image":
                return None
            found = (xobj, ctm)
    return found


def _jpeg(xobj: Any) -> Any:
    """The image (Pillow, mode L or RGB, not decoded yet) when it is a plain 8-bit JPEG."""
    from PIL import Image

    if xobj.get("/Filter") != "/DCTDecode" or xobj.get("/BitsPerComponent") != 8:
        return None
    if any(k in xobj for k in ("/SMask", "/Mask", "/Decode", "/ImageMask", "/DecodeParms", "/OC")):
        return None
    mode = {"/DeviceGray": "L", "/DeviceRGB": "RGB"}.get(str(xobj.get("/ColorSpace")))
    if mode is None:
        return None
    im = Image.open(io.BytesIO(xobj.read_raw_bytes()))
    if im.format != "JPEG" or im.mode != mode or im.size != (int(xobj.Width), int(xobj.Height)):
        return None
    return im  # (decoded by the caller: perhaps at a reduced scale)


def _placement(m: tuple[float, ...], size: tuple[int, int], box: tuple[float, ...], scale: tuple[float, float]
               ) -> tuple[float, ...]:
    """The affine map from the page image's pixels (top left origin) to the
    image's pixels — what :meth:`PIL.Image.Image.transform` takes."""
    w, h = size
    x0, _y0, _x1, y1 = box
    sx, sy = scale
    a, b, c, d, e, f = m
    # image pixel (i, j) -> unit square (i/w, 1 - j/h) -> user space -> page pixel (X, Y)
    fa, fb, fc = a * sx / w, -c * sx / h, (c + e - x0) * sx
    fd, fe, ff = -b * sy / w, d * sy / h, (y1 - d - f) * sy
    det = fa * fe - fb * fd
    if abs(det) < 1e-12:
        raise ValueError("degenerate image matrix")
    ia, ib, id_, ie = fe / det, -fb / det, -fd / det, fa / det
    return (ia, ib, -(ia * fc + ib * ff), id_, ie, -(id_ * fc + ie * ff))


def _place(im: Any, inv: tuple[float, ...], size: tuple[int, int]) -> Any:
    """*im* put on a white page of *size* by the map *inv* (page → image pixels)."""
    from PIL import Image

    white = 255 if im.mode == "L" else (255, 255, 255)
    if abs(inv[1]) < _EXACT and abs(inv[3]) < _EXACT and inv[0] > 0 and inv[4] > 0:  # upright, not turned
        at = (round(-inv[2] / inv[0]), round(-inv[5] / inv[4]))
        if abs(inv[0] - 1) >= _EXACT or abs(inv[4] - 1) >= _EXACT:  # scaled (Pillow filters as it reduces)
            im = im.resize((round(im.width / inv[0]), round(im.height / inv[4])), Image.Resampling.BILINEAR)
        if at == (0, 0) and im.size == size:
            return im  # the page is the image: no copy
        out = Image.new(im.mode, size, white)
        out.paste(im, at)
        return out
    return im.transform(size, Image.Transform.AFFINE, inv, resample=Image.Resampling.BILINEAR, fillcolor=white)


def page_image(input_file: Path, pageno: int, dpi: tuple[float, float], use_cropbox: bool,
               reduced: bool = False) -> Any:
    """Page *pageno* (1-based) as an image at *dpi* (Pillow, L or RGB), or
    None when the page is not one plain JPEG (then a renderer must do it).
    *reduced*: a page at a lower resolution than its scan is decoded at a
    reduced scale (JPEG's DCT scaling: a quarter of the pixels at half)."""
    import pikepdf
    from PIL import Image

    with pikepdf.open(input_file) as pdf:
        page = pdf.pages[pageno - 1]
        placed = _one_image(page)
        im = _jpeg(placed[0]) if placed else None
        if im is None:
            return None
        box = tuple(float(v) for v in (page.cropbox if use_cropbox else page.mediabox))
        rotate = int(page.obj.get("/Rotate", 0)) % 360
    size = (round((box[2] - box[0]) * dpi[0] / 72), round((box[3] - box[1]) * dpi[1] / 72))
    if size[0] <= 0 or size[1] <= 0 or rotate % 90:
        return None
    scale = (dpi[0] / 72, dpi[1] / 72)
    inv = _placement(placed[1], im.size, box, scale)
    shrink = max(math.hypot(inv[0], inv[3]), math.hypot(inv[1], inv[4]))  # image pixels per page pixel
    if reduced and shrink > 1.5:
        im.draft(im.mode, (math.ceil(im.width / shrink), math.ceil(im.height / shrink)))
        inv = _placement(placed[1], im.size, box, scale)
    im.load()
    out = _place(im, inv, size)
    if out is not im:
        im.close()
    del im
    if rotate:  # /Rotate turns the shown page clockwise
        turned = out.transpose({90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
                                270: Image.Transpose.ROTATE_90}[rotate])
        out.close()
        out = turned
    return out


def rasterize(input_file: Path, output_file: Path, raster_device: str, raster_dpi: Any, pageno: int,
              page_dpi: Any, use_cropbox: bool) -> bool:
    """OCRmyPDF's ``rasterize_pdf_page`` for a page of one JPEG: the page
    image written to *output_file* as PNG (bilevel devices get grey, see
    :func:`ekte.stages.tess_engine.rasterize_pdf_page`).  False when the page
    is not such a page, or the device not a PNG one."""
    device = raster_device.lower()
    if device not in ("pnggray", "png16m", "pngmono", "pngmonod"):
        return False
    try:
        im = page_image(Path(input_file), int(pageno), (float(raster_dpi.x), float(raster_dpi.y)), use_cropbox)
    except (ValueError, OSError, KeyError, IndexError, TypeError):
        return False  # not what it claims to be: the renderer decides
    if im is None:
        return False
    if device == "png16m" and im.mode != "RGB":
        im = im.convert("RGB")
    elif device != "png16m" and im.mode != "L":
        im = im.convert("L")
    res = page_dpi or raster_dpi
    im.save(output_file, format="PNG", compress_level=1, dpi=(float(res.x), float(res.y)))
    im.close()
    return True


def fast_page_rasters() -> None:
    """OCRmyPDF saves each page it rasterises for OCR as PNG at zlib's
    default level: 1.5 of the 2.5 CPU seconds it spends around the OCR of
    a 300 dpi A4 page.  The raster is a scratch file (the archival page
    keeps its original image unless it is deskewed), so it is written at
    level 1 (same pixels, a larger temporary file)."""
    try:
        from ocrmypdf.builtin_plugins import pypdfium as rasterizer
    except ImportError:  # pragma: no cover - OCRmyPDF without pypdfium2
        return
    save = getattr(rasterizer, "_save_image", None)
    if save is None or getattr(save, "_ekte_fast", False):
        return

    def _save_image(pil_image: Any, output_file: Path, format_name: str) -> None:
        if format_name != "PNG":
            return save(pil_image, output_file, format_name)
        kw = {"dpi": pil_image.info["dpi"]} if "dpi" in pil_image.info else {}
        pil_image.save(output_file, format="PNG", compress_level=1, **kw)

    _save_image._ekte_fast = True  # type: ignore[attr-defined]
    rasterizer._save_image = _save_image
