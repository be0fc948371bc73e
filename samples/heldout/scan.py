"""Scanner simulation: a born-digital page rendered at 300 dpi (pdftoppm),
then grey, a slight skew (±2°), sometimes fed in sideways or upside down,
noise and dust, blur, JPEG compression — written as an image-only PDF, a
multi-page TIFF (grey or bilevel CCITT G4) or a PNG (one page)."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import img2pdf
import numpy as np
from PIL import Image, ImageFilter

DPI = 300


class MissingProgram(RuntimeError):
    pass


def rasterise(pdf: Path, dpi: int = DPI) -> list[Image.Image]:
    exe = shutil.which("pdftoppm")
    if not exe:
        raise MissingProgram("pdftoppm not found: install the Debian package poppler-utils (make venv does)")
    with tempfile.TemporaryDirectory(prefix="heldout-scan-") as tmp:
        subprocess.run([exe, "-r", str(dpi), "-gray", "-png", str(pdf), str(Path(tmp) / "p")], check=True,
                       capture_output=True, timeout=300)
        pages = []
        for f in sorted(Path(tmp).glob("p*.png")):
            with Image.open(f) as im:
                pages.append(im.convert("L"))
        return pages


def degrade(img: Image.Image, rng: random.Random, noise: float = 1.0) -> Image.Image:
    """What a scanner and a careless feed do to one grey page."""
    nrng = np.random.default_rng(rng.randrange(2**32))
    a = np.asarray(img, dtype=np.float32)
    a = a * rng.uniform(0.86, 0.95) + rng.uniform(8, 24)  # paper is not white, ink not black
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    img = img.rotate(rng.uniform(-2, 2), resample=Image.Resampling.BICUBIC, expand=False,
                     fillcolor=int(rng.uniform(225, 245)))
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.85)))
    a = np.asarray(img, dtype=np.float32)
    a += nrng.normal(0, rng.uniform(4, 11) * noise, a.shape)
    dust = nrng.random(a.shape) < 0.00025 * noise
    a[dust] = nrng.uniform(20, 120, int(dust.sum()))
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    turn = rng.random()
    if turn < 0.1:
        img = img.rotate(180)
    elif turn < 0.16:
        img = img.transpose(rng.choice([Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270]))
    return img


def jpeg(img: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, dpi=(DPI, DPI))
    return buf.getvalue()


def scan(pdf: Path, out_stem: Path, rng: random.Random) -> Path:
    """Writes ``out_stem`` + .pdf/.tif/.png and returns its path."""
    pages = [degrade(p, rng) for p in rasterise(pdf)]
    quality = rng.randint(45, 85)
    kind = rng.choices(["pdf", "tif", "png"], weights=[6, 3, 2 if len(pages) == 1 else 0])[0]
    path = out_stem.with_name(out_stem.name + "." + kind)
    tmp = path.with_name("." + path.name + ".tmp")
    if kind == "pdf":
        tmp.write_bytes(img2pdf.convert([jpeg(p, quality) for p in pages]))
    elif kind == "tif":
        if rng.random() < 0.5:  # fax-like black and white
            pages = [p.point(lambda v, t=rng.randint(140, 175): 255 if v > t else 0, mode="1") for p in pages]
            pages[0].save(tmp, "TIFF", save_all=True, append_images=pages[1:], compression="group4", dpi=(DPI, DPI))
        else:
            pages = [Image.open(io.BytesIO(jpeg(p, quality))) for p in pages]
            pages[0].save(tmp, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw", dpi=(DPI, DPI))
    else:
        Image.open(io.BytesIO(jpeg(pages[0], quality))).save(tmp, "PNG", dpi=(DPI, DPI))
    tmp.replace(path)
    return path
