"""The working PDF a worker makes of an original (the worker's half of
intake): an image wrapped losslessly (img2pdf), a PDF checked (it opens,
no decompression bomb, an owner-only password removed) and copied, and a
PDF's filled-in form fields read; a PDF pikepdf opens in a child process with
bounded memory (:func:`probe`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ekte.errors import DocumentError
from ekte.stages.intake_bomb import BOMB


#: intake.max_pages's reason (ekte.pipeline.pagecount counts in the coordinator, open_pdf_checked in the worker)
TOO_MANY_PAGES = ("The file has more than {limit} pages (the limit set by intake.max_pages); it was not processed: "
                  "split it into smaller files.")


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


def open_pdf_checked(src: Path, dst: Path, max_mpixels: float, max_decoded_mb: float | None = None,
                     max_pages: int | None = None) -> tuple[int, list[str]]:
    """Check that a PDF opens, its images are within *max_mpixels* and its
    compressed data expands by at most *max_decoded_mb*
    (:mod:`ekte.stages.intake_bomb`); remove an owner-only password (the
    content is readable) into the working copy.  Returns pages and notes.  The object streams
    qpdf decodes on opening are bounded before it opens the file (:mod:`ekte.stages.intake_objstm`)."""
    import pikepdf

    from ekte.stages import intake_bomb, intake_objstm

    notes: list[str] = []
    if max_decoded_mb is not None:
        intake_objstm.precheck(src, max_decoded_mb)
    try:
        with _open_unrepaired(src, max_decoded_mb) as pdf:
            n = len(pdf.pages)
            if max_pages is not None and n > max_pages:  # (the coordinator counts only what it may open: review42 R4)
                raise DocumentError("too_many_pages", TOO_MANY_PAGES.format(limit=max_pages), "intake")
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
            if max_decoded_mb is not None:  # before anything decodes a stream (sanitizing, OCR, PDF/A)
                intake_bomb.check(pdf, max_decoded_mb, max_mpixels)
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


def _open_unrepaired(src: Path, max_decoded_mb: float | None = None):
    """The PDF opened as written: its last cross-reference parses, no recovery
    by qpdf (a PDF that needs it raises ``broken_pdf`` with :data:`NEEDS_REPAIR`;
    told apart from a broken one in a child process with bounded memory: repairing
    decodes object streams :mod:`ekte.stages.intake_objstm` did not look at)."""
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
    probed(src, 256 if max_decoded_mb is None else max_decoded_mb)
    raise DocumentError("broken_pdf", stage="intake")  # (the child opened it: not as written here)


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


#: the probe's address space beyond what Python and pikepdf take: this many times the decoded limit, plus 256 MiB
BUDGET_FACTOR = 2
PROBE_SECONDS = 120


def probed(path: Path, max_decoded_mb: float) -> None:
    """Raise what :func:`probe` finds (``decompression_bomb``, ``encrypted``, ``broken_pdf``); nothing for ``ok``."""
    verdict = probe(path, max_decoded_mb)
    if verdict == "bomb":
        raise DocumentError("decompression_bomb", BOMB, "intake")
    if verdict == "encrypted":
        raise DocumentError("encrypted", stage="intake")
    if verdict in ("repair", "broken"):
        raise DocumentError("broken_pdf", NEEDS_REPAIR if verdict == "repair" else None, "intake")


#: what the probe runs: pikepdf opens the file without repair and reads every object (as the worker will), in an
#: address space bounded to what it has after importing pikepdf plus argv[2] bytes; a file that needs repair is
#: opened with it only to tell "repair" from "broken"
_CHILD = """
import resource, sys
import pikepdf
def vm(key):
    return next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith(key))
base, budget = vm("VmSize:"), int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (base + budget,) * 2)
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
def verdict():
    for repair in (False, True):
        try:
            with pikepdf.open(sys.argv[1], attempt_recovery=repair) as p:
                if not repair:
                    for _ in p.objects:
                        pass
                    p.pages[0]
            return "repair" if repair else "ok"
        except pikepdf.PasswordError:
            return "encrypted"
        except MemoryError:
            return "bomb"
        except Exception:
            pass
    return "bomb" if vm("VmPeak:") - base > budget // 4 else "broken"  # (qpdf reports no memory error as such)
print(verdict())
"""


def probe(path: Path, max_decoded_mb: float) -> str:
    """How pikepdf fares with *path* in a child process with a bounded address space
    (:data:`BUDGET_FACTOR` × the limit + 256 MiB beyond pikepdf's own): ``ok``,
    ``repair`` (opens only when repaired), ``broken``, ``encrypted``, or ``bomb`` (it ran out of
    memory or time)."""
    budget = int(BUDGET_FACTOR * max_decoded_mb * 1024 * 1024) + (256 << 20)
    try:
        r = subprocess.run([sys.executable, "-I", "-c", _CHILD, os.fspath(path), str(budget)], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=PROBE_SECONDS)
    except subprocess.TimeoutExpired:
        return "bomb"
    out = r.stdout.decode("ascii", "replace").strip()
    if r.returncode == 0 and out in ("ok", "repair", "broken", "encrypted", "bomb"):
        return out
    return "bomb" if r.returncode < 0 else "broken"  # killed (memory, CPU time) or failed
