"""A born-digital family3 PDF as a 300-dpi scan: grey rendering (pdfium), paper tone, a slight
skew, blur, noise and dust, some pages turned 90° or 180°, JPEG, one image-only PDF (img2pdf)."""

from __future__ import annotations

import io
import random

import img2pdf
import numpy as np
import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

DPI = 300


def _page(img: Image.Image, rng: random.Random, turn: int) -> bytes:
    nrng = np.random.default_rng(rng.randrange(2**32))
    img = img.rotate(rng.uniform(-1.8, 1.8), resample=Image.BICUBIC, expand=False, fillcolor=255)
    if rng.random() < 0.6:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    a = np.asarray(img, dtype=np.float32)
    a = a * rng.uniform(0.9, 0.97) + rng.uniform(4, 14)  # paper tone, toner not quite black
    a += nrng.normal(0, rng.uniform(4, 11), a.shape)
    dust = nrng.random(a.shape) < rng.uniform(0.00005, 0.0003)
    a[dust] = nrng.uniform(0, 90, int(dust.sum()))
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    if turn:
        img = img.rotate(turn, expand=True)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(55, 85), dpi=(DPI, DPI))
    return buf.getvalue()


def scan(pdf: bytes, rng: random.Random) -> bytes:
    """Image-only PDF of *pdf* as scanned at 300 dpi."""
    doc = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for i in range(len(doc)):
            r = rng.random()
            turn = 180 if r < 0.1 else (90 if r < 0.14 else (270 if r < 0.17 else 0))
            img = doc[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            pages.append(_page(img, rng, turn))
    finally:
        doc.close()
    layout = img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))
    raw = img2pdf.convert(pages, layout_fun=layout, nodate=True)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(raw)) as pdf:  # img2pdf's /ID is random: one from the content instead
        del pdf.trailer.ID
        pdf.save(out, deterministic_id=True)
    return out.getvalue()
