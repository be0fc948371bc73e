"""A born-digital family7 PDF as a 300-dpi scan: grey, a little skew and blur, speckle, the odd page
upside down or sideways, JPEG; one image-only PDF."""

from __future__ import annotations

import io
import random

import img2pdf
import numpy as np
import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

DPI = 300


def _page(img: Image.Image, rng: random.Random) -> bytes:
    noise = np.random.default_rng(rng.randrange(2**32))
    img = img.rotate(rng.uniform(-1.5, 1.5), resample=Image.BICUBIC, fillcolor=255)
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    a = np.asarray(img, dtype=np.float32) * rng.uniform(0.9, 0.96) + rng.uniform(5, 15)
    a += noise.normal(0, rng.uniform(3, 10), a.shape)
    specks = noise.random(a.shape) < rng.uniform(0.00005, 0.0002)
    a[specks] = noise.uniform(0, 80, int(specks.sum()))
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    r = rng.random()
    turn = 180 if r < 0.08 else (90 if r < 0.12 else (270 if r < 0.15 else 0))
    if turn:
        img = img.rotate(turn, expand=True)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(60, 85), dpi=(DPI, DPI))
    return buf.getvalue()


def scan(pdf: bytes, rng: random.Random) -> bytes:
    doc = pdfium.PdfDocument(pdf)
    try:
        pages = [_page(doc[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L"), rng) for i in range(len(doc))]
    finally:
        doc.close()
    raw = img2pdf.convert(pages, layout_fun=img2pdf.get_fixed_dpi_layout_fun((DPI, DPI)), nodate=True)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(raw)) as p:
        del p.trailer.ID
        p.save(out, deterministic_id=True)
    return out.getvalue()
