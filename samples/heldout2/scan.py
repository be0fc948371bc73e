"""Paper through a scanner: each page rasterised at 300 dpi by pdftoppm, then
turned by up to ±2°, now and then a page upside down or sideways, grey with
sensor noise and dust or bilevel (threshold), blurred a little, stored as
JPEG (grey) or PNG (bilevel) in a PDF by img2pdf (lossless wrapping, no date:
the bytes depend on the seed only)."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import img2pdf
import numpy as np
from PIL import Image, ImageFilter

from .world import Rng

DPI = 300


def rasterise(pdf: bytes, tmp: Path) -> list[Image.Image]:
    src = tmp / "in.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(src), str(tmp / "p")], check=True,
                   capture_output=True, timeout=300)
    return [Image.open(p).convert("L") for p in sorted(tmp.glob("p-*.png"))]


def degrade(img: Image.Image, r: Rng, *, bilevel: bool, turn: int) -> bytes:
    """One page as the scanner gives it: encoded image bytes."""
    if turn:
        img = img.rotate(turn, expand=True)
    img = img.rotate(r.uniform(-2.0, 2.0), resample=Image.BICUBIC, expand=True, fillcolor=r.randint(235, 255))
    if r.chance(0.4):
        img = img.filter(ImageFilter.GaussianBlur(r.uniform(0.3, 0.8)))
    noise = np.random.default_rng(r.randrange(2 ** 32))
    a = np.asarray(img, dtype=np.float32)
    a = a * r.uniform(0.88, 1.0) + r.uniform(0, 18)                      # paper tone and contrast
    a += noise.normal(0, r.uniform(3, 11), a.shape)                        # sensor noise
    dust = noise.random(a.shape) < r.uniform(0.00002, 0.0002)
    a[dust] = noise.uniform(0, 90, int(dust.sum()))                      # dust specks
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    out = io.BytesIO()
    if bilevel:
        cut = r.randint(140, 185)
        img.point(lambda v: 255 if v > cut else 0).convert("1").save(out, "PNG", optimize=False)
    else:
        img.save(out, "JPEG", quality=r.randint(55, 88), optimize=False)
    return out.getvalue()


def scan(pdf: bytes, r: Rng) -> bytes:
    """The scanned document as a PDF of images at 300 dpi."""
    with tempfile.TemporaryDirectory(prefix="heldout2-scan-") as tmp:
        pages = rasterise(pdf, Path(tmp))
    bilevel = r.chance(0.35)
    odd = r.randrange(len(pages)) if r.chance(0.15) else -1
    images = [degrade(img, r, bilevel=bilevel, turn=(r.pick((90, 180, 270)) if i == odd else 0))
              for i, img in enumerate(pages)]
    layout = img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))
    return img2pdf.convert(images, layout_fun=layout, nodate=True, engine=img2pdf.Engine.internal)  # pikepdf's /ID is random
