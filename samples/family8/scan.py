"""Simulated 300-dpi scans of family8's PDFs: pdftoppm, grey, skew, speckle noise, sometimes upside down."""

from __future__ import annotations

import io
import random
import subprocess
import tempfile
from pathlib import Path

import img2pdf
from PIL import Image, ImageFilter


def scan(pdf: bytes, rng: random.Random) -> bytes:
    with tempfile.TemporaryDirectory() as td:
        src = Path(td) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(src), str(Path(td) / "p")], check=True)
        pages = []
        for png in sorted(Path(td).glob("p*.png")):
            pages.append(_degrade(Image.open(png).convert("L"), rng))
    return img2pdf.convert(pages, layout_fun=img2pdf.get_fixed_dpi_layout_fun((300, 300)))


def _degrade(im: Image.Image, rng: random.Random) -> bytes:
    angle = rng.uniform(-1.8, 1.8) + (180 if rng.random() < 0.1 else 0)
    im = im.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if rng.random() < 0.5:
        im = im.filter(ImageFilter.GaussianBlur(0.6))
    px = im.load()
    w, h = im.size
    for _ in range(rng.randint(1500, 4000)):  # dust and toner specks
        x, y = rng.randrange(w), rng.randrange(h)
        px[x, y] = rng.randint(0, 90)
    im = im.point(lambda v: min(255, int(v * 0.93 + 14)))  # greyish paper
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=False)
    return buf.getvalue()
