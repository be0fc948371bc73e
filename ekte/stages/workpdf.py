"""The working PDF a worker makes of an original (the worker's half of
intake): an image wrapped losslessly (img2pdf), a PDF checked (it opens,
no decompression bomb, an owner-only password removed) and copied, and a
PDF's filled-in form fields read."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ekte.errors import DocumentError


def image_to_pdf(src: Path, dst: Path, default_dpi: int, max_mpixels: float) -> tuple[int, list[str]]:
    """Wrap a (multi-page) image losslessly into a PDF.  Returns the page
    count and notes for the history."""
    import img2pdf
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = int(max_mpixels * 1_000_000)
    notes: list[str] = []
    try:
        with Image.open(src) as im:
            n_frames = getattr(im, "n_frames", 1)
            w, h = im.size
            if w * h > Image.MAX_IMAGE_PIXELS:
                raise DocumentError("decompression_bomb", stage="intake")
            dpi = im.info.get("dpi")
            mode = im.mode
    except Image.DecompressionBombError:
        raise DocumentError("decompression_bomb", stage="intake") from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise DocumentError("broken_image", stage="intake") from None

    has_dpi = bool(dpi) and all(float(x) > 1 for x in dpi)
    layout = None
    if not has_dpi:
        layout = img2pdf.get_fixed_dpi_layout_fun((default_dpi, default_dpi))
        notes.append(f"image has no resolution; assumed {default_dpi} dpi")
    try:
        with open(dst, "wb") as out:
            kw = {"layout_fun": layout} if layout else {}
            out.write(img2pdf.convert(str(src), rotation=img2pdf.Rotation.ifvalid, **kw))
        return n_frames, notes
    except (img2pdf.AlphaChannelError, img2pdf.ImageOpenError, ValueError, OSError):
        pass
    # img2pdf cannot embed this one as it is (alpha channel, odd mode)
    n = _flattened_to_pdf(src, dst, dpi if has_dpi else (default_dpi, default_dpi))
    notes.append(f"image mode {mode} flattened onto white for PDF embedding")
    return n, notes


def _flattened_to_pdf(src: Path, dst: Path, dpi: tuple) -> int:
    """Each frame of *src* converted to a flat image without loss of the
    visible pixels (transparency onto white), wrapped into *dst*.  Returns
    the page count."""
    import img2pdf
    from PIL import Image, ImageSequence

    frames = []
    try:
        with Image.open(src) as im:
            for frame in ImageSequence.Iterator(im):
                fr = frame.convert("RGBA") if "A" in frame.mode or frame.mode == "P" else frame.copy()
                if fr.mode == "RGBA":
                    bg = Image.new("RGB", fr.size, "white")
                    bg.paste(fr, mask=fr.split()[-1])
                    fr = bg
                elif fr.mode not in ("1", "L", "RGB", "CMYK"):
                    fr = fr.convert("RGB")
                frames.append(fr)
    except (OSError, SyntaxError):
        raise DocumentError("broken_image", stage="intake") from None
    tmp_imgs = []
    for i, fr in enumerate(frames):
        p = dst.with_name(f"frame-{i:04d}.png")
        fr.save(p, format="PNG", dpi=dpi)
        tmp_imgs.append(str(p))
    with open(dst, "wb") as out:
        out.write(img2pdf.convert(tmp_imgs))
    for p in tmp_imgs:
        os.unlink(p)
    return len(frames)


def _link_or_copy(src: Path, dst: Path) -> None:
    """The working copy of an unchanged PDF: where *src* is ekte's own
    verified copy in the same scratch folder, a second name for it (nothing
    writes either in place); anything else is copied."""
    if Path(src).resolve().parent == Path(dst).resolve().parent:
        try:
            os.link(src, dst)
            return
        except OSError:
            pass
    shutil.copyfile(src, dst)


def open_pdf_checked(src: Path, dst: Path, max_mpixels: float) -> tuple[int, list[str]]:
    """Check that a PDF opens; remove an owner-only password (the content
    is readable) into the working copy.  Returns pages and notes."""
    import pikepdf

    notes: list[str] = []
    try:
        with _open_unrepaired(src) as pdf:
            n = len(pdf.pages)
            limit = max_mpixels * 1_000_000
            for page in pdf.pages:
                for _name, img in page.get_images().items():
                    try:
                        px = int(img.get("/Width", 0)) * int(img.get("/Height", 0))
                    except (TypeError, ValueError):
                        continue
                    if px > limit:
                        raise DocumentError(
                            "decompression_bomb",
                            f"An image in the PDF has {px / 1e6:.0f} megapixels (limit {max_mpixels:.0f}).",
                            "intake",
                        )
            if pdf.is_encrypted:
                pdf.save(dst)  # saved without encryption
                notes.append("owner password (permissions only) removed in the working copy")
            else:
                _link_or_copy(src, dst)
    except pikepdf.PasswordError:
        raise DocumentError("encrypted", stage="intake") from None
    except (pikepdf.PdfError, OSError, RecursionError, ValueError):
        raise DocumentError("broken_pdf", stage="intake") from None
    if n == 0:
        raise DocumentError("broken_pdf", "The PDF has no pages.", "intake")
    return n, notes


#: why a PDF that opens only when qpdf repairs it is not archived (issue: a file cut short or still
#: being written reads as a smaller document once repaired; what was archived must be what arrived)
NEEDS_REPAIR = ("The PDF is incomplete or damaged: it opens only when repaired (cut short, still being written, "
                "or its cross-reference misplaced). It was not archived: take in a complete copy, or — when its pages "
                "are all there — a repaired one (e.g. qpdf in.pdf out.pdf).")


def _open_unrepaired(src: Path):
    """The PDF opened as written: its last cross-reference parses, no recovery
    by qpdf (a PDF that needs it raises ``broken_pdf`` with :data:`NEEDS_REPAIR`)."""
    import pikepdf

    try:
        pdf = pikepdf.open(src, attempt_recovery=False)
        for page in pdf.pages:  # each page object read through the cross-reference
            page.obj.get("/Contents")
        return pdf
    except pikepdf.PasswordError:
        raise
    except (pikepdf.PdfError, RecursionError, ValueError):
        pass
    try:
        pikepdf.open(src).close()
    except (pikepdf.PdfError, OSError, RecursionError, ValueError):
        raise DocumentError("broken_pdf", stage="intake") from None
    raise DocumentError("broken_pdf", NEEDS_REPAIR, "intake")


def pdf_tail_whole(tail: bytes) -> bool:
    """Does a PDF's *tail* (its last 2 KB) end as a whole one does — its last ``%%EOF`` at the end (line ends after
    it only) with a ``startxref`` before it?  A linearized PDF has an ``%%EOF`` after its first part, an incremental
    one after each earlier revision: a copy cut there looks whole here; whether its cross-reference parses without
    repair is checked apart from this (:func:`ekte.watch.stability.pdf_whole`, in a child process)."""
    i = tail.rfind(b"%%EOF")
    return not (i < 0 or tail[i + 5:].strip(b"\0\r\n\t ") or b"startxref" not in tail[:i])


def read_form_fields(path: Path, limit: int = 2000) -> dict[str, str]:
    """The filled-in values of a PDF's AcroForm fields ({qualified name: value})."""
    import pikepdf

    out: dict[str, str] = {}
    try:
        with pikepdf.open(path) as pdf:
            form = pdf.Root.get("/AcroForm")
            if form is None or "/Fields" not in form:
                return {}
            stack = [(f, "") for f in form.Fields]
            seen = 0
            while stack and seen < limit:
                f, prefix = stack.pop()
                seen += 1
                name = str(f.get("/T", "")) if "/T" in f else ""
                full = f"{prefix}.{name}" if prefix and name else (name or prefix)
                if "/Kids" in f:
                    stack.extend((k, full) for k in f.Kids)
                if "/V" in f and full:
                    v = f.V
                    if isinstance(v, pikepdf.String):
                        text = str(v)
                    elif isinstance(v, pikepdf.Name):
                        text = str(v)[1:]
                        if text == "Off":
                            continue
                    else:
                        continue
                    if text.strip():
                        out[full] = text.strip()[:1000]
    except (pikepdf.PdfError, ValueError, RecursionError):
        return {}
    return out
