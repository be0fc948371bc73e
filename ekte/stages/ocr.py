"""OCR: make a searchable archival PDF (PDF/A-2b) with OCRmyPDF's Python
API, reuse existing text layers, and read back the text of every page.

Routes, tried in order until one succeeds (each attempt is recorded):

* every page has text (born digital): no OCR.  PDF/A-2b is written with
  pikepdf's PDF/A writer (``pikepdf.pdfa.save``, which validates what it
  wrote); if that refuses the file (fonts not embedded, say), Ghostscript
  pdfwrite converts it and the result must pass pikepdf's validation *and*
  carry the same text on every page as the input; then, where Ghostscript
  is not one of the releases OCRmyPDF refuses for text PDFs, OCRmyPDF
  ``--mode skip``; otherwise the original is kept as the archival copy and
  the reason recorded.
* some pages have text: OCRmyPDF ``--mode skip`` to PDF/A-2b, with the
  Ghostscript backend, then the internal backend, then plain PDF.
* no page has text (scans): OCRmyPDF to PDF/A-2b, then plain PDF.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from dataclasses import dataclass

from ekte.errors import DocumentError, MissingDependency

log = logging.getLogger("ekte.ocr")


@dataclass(frozen=True)
class OcrParams:
    """What a worker process needs to know (picklable, no profile object)."""

    language: str = "deu"
    rotate_pages: bool = True
    deskew: bool = True
    output_type: str = "pdfa-2"
    tesseract_timeout: float = 180
    min_page_chars: int = 8
    max_image_mpixels: float = 250
    rotate_pages_threshold: float = 14.0

    @classmethod
    def from_profile(cls, profile: Any) -> "OcrParams":
        o = profile.ocr
        return cls(o.language, o.rotate_pages, o.deskew, o.output_type, o.tesseract_timeout,
                   o.min_page_chars, profile.intake.max_image_mpixels, o.rotate_pages_threshold)

# Ghostscript releases that OCRmyPDF refuses for PDFs with existing text
_BAD_GS = ("10.0.0", "10.00.0", "10.01.0", "10.01.1", "10.01.2", "10.02.0")


@functools.lru_cache(maxsize=1)
def tool_versions() -> dict[str, str]:
    import ocrmypdf
    from ocrmypdf._exec import ghostscript, tesseract

    out = {"ocrmypdf": ocrmypdf.__version__}
    try:
        out["tesseract"] = str(tesseract.version())
    except Exception:
        out["tesseract"] = "missing"
    try:
        out["ghostscript"] = str(ghostscript.version())
    except Exception:
        out["ghostscript"] = "missing"
    return out


def _gs_version() -> str:
    """The Ghostscript version, from the environment the forkserver set up
    (one ``gs --version`` per process otherwise)."""
    v = os.environ.get("EKTE_GS_VERSION")
    if not v:
        v = tool_versions().get("ghostscript", "")
        os.environ["EKTE_GS_VERSION"] = v
    return v


def check_dependencies(language: str) -> dict[str, str]:
    """Fail early and clearly when Tesseract or its language data is missing."""
    v = tool_versions()
    if v["tesseract"] == "missing":
        raise MissingDependency("tesseract is not installed (Debian: apt-get install tesseract-ocr)")
    if v["ghostscript"] == "missing":
        raise MissingDependency("ghostscript is not installed (Debian: apt-get install ghostscript)")
    from ocrmypdf._exec import tesseract

    have = set(tesseract.get_languages())
    for lang in language.split("+"):
        if lang not in have:
            raise MissingDependency(
                f"Tesseract language data '{lang}' is missing (Debian: apt-get install tesseract-ocr-{lang})"
            )
    return v


def page_texts(pdf_path: Path) -> list[str]:
    """The text of every page (pdfium's text extraction)."""
    import pypdfium2 as pdfium

    texts = []
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            t = tp.get_text_range()
            tp.close()
            page.close()
            texts.append(t.replace("\r\n", "\n").replace("\r", "\n"))
    finally:
        doc.close()
    return texts


def _has_text(t: str, min_chars: int) -> bool:
    return sum(1 for c in t if c.isalnum()) >= max(1, min_chars)


def _ocrmypdf(inp: Path, out: Path, settings: Any, jobs: int, **kw: Any) -> None:
    import ocrmypdf

    opts = dict(
        language=settings.language.split("+"),
        output_type="pdfa-2",
        rotate_pages=settings.rotate_pages,
        rotate_pages_threshold=settings.rotate_pages_threshold,
        deskew=settings.deskew,
        jobs=jobs,
        use_threads=True,
        progress_bar=False,
        tesseract_timeout=settings.tesseract_timeout,
        max_image_mpixels=settings.max_image_mpixels,
    )
    opts.update(kw)
    if opts.get("mode") not in (None, "default"):
        opts.pop("deskew", None)  # deskew is not allowed with skip/redo
    ocrmypdf.ocr(inp, out, **opts)


def _map_ocr_error(e: BaseException) -> DocumentError | None:
    from ocrmypdf import exceptions as ox
    from PIL import Image

    if isinstance(e, Image.DecompressionBombError):
        return DocumentError("decompression_bomb", stage="ocr")
    if isinstance(e, ox.EncryptedPdfError):
        return DocumentError("encrypted", stage="ocr")
    if isinstance(e, ox.InputFileError):
        return DocumentError("broken_pdf", stage="ocr")
    if isinstance(e, ox.SubprocessOutputError):
        return DocumentError("ocr_failed", stage="ocr")
    return None


def make_archival_pdf(inp: Path, out: Path, settings: Any, jobs: int = 1) -> dict[str, Any]:
    """Turn the working PDF *inp* into the archival PDF *out*.

    Returns a dict: ``format`` ("PDF/A-2B" | "PDF" | "original"), ``route``,
    ``attempts`` (list of {route, result}), ``reason`` when not PDF/A,
    ``pages``, ``page_texts``, ``ocr_pages`` (pages OCRed), ``text_pages``
    (pages that had a text layer)."""
    from ocrmypdf import exceptions as ox

    before = page_texts(inp)
    with_text = [i + 1 for i, t in enumerate(before) if _has_text(t, settings.min_page_chars)]
    n = len(before)
    attempts: list[dict[str, str]] = []
    gs_bad = _gs_version() in _BAD_GS
    want_pdfa = settings.output_type == "pdfa-2"

    def attempt(route: str, fn) -> bool:
        try:
            fn()
        except DocumentError:
            raise
        except (ox.PdfaConversionFailedError, ox.MissingDependencyError, ox.PriorOcrFoundError, ox.TaggedPDFError) as e:
            out.unlink(missing_ok=True)
            attempts.append({"route": route, "result": f"{type(e).__name__} (exit {int(getattr(e, 'exit_code', 15))})"})
            return False
        except Exception as e:  # noqa: BLE001 - mapped or re-raised
            mapped = _map_ocr_error(e)
            if mapped:
                raise mapped from None
            if isinstance(e, ox.ExitCodeException) and "tesseract" in str(e).lower() and "not" in str(e).lower():
                raise MissingDependency(str(e)) from None
            out.unlink(missing_ok=True)
            attempts.append({"route": route, "result": f"{type(e).__name__}"})
            log.debug("route %s failed", route, exc_info=True)
            return False
        attempts.append({"route": route, "result": "ok"})
        return True

    result: dict[str, Any] = {"pages": n, "text_pages": with_text, "attempts": attempts}

    def pikepdf_pdfa() -> None:
        import pikepdf
        import pikepdf.pdfa

        with pikepdf.open(inp) as pdf:
            rep = pikepdf.pdfa.save(pdf, out, "2b")
        if not rep.passed:
            out.unlink(missing_ok=True)
            raise ox.PdfaConversionFailedError("pikepdf PDF/A validation did not pass")

    def gs_pdfa_verified() -> None:
        """Ghostscript's pdfwrite embeds missing fonts; pikepdf then checks
        PDF/A-2b, and the text of every page must be unchanged (this guards
        against the text corruption of some Ghostscript releases)."""
        import subprocess

        import pikepdf
        import pikepdf.pdfa

        gs = shutil.which("gs")
        if not gs:
            raise ox.MissingDependencyError("ghostscript")
        mid = out.with_suffix(".gs.pdf")
        try:
            subprocess.run(
                [gs, "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dPDFA=2",
                 "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB", "-dEmbedAllFonts=true",
                 "-dCompatibilityLevel=1.7", f"-sOutputFile={mid}", "--", str(inp)],
                check=True, capture_output=True, timeout=max(60, 30 * n), stdin=subprocess.DEVNULL,
            )
            with pikepdf.open(mid) as pdf:
                pikepdf.pdfa.save(pdf, out, "2b")
        finally:
            mid.unlink(missing_ok=True)
        norm = lambda t: " ".join(t.split())  # noqa: E731
        after = page_texts(out)
        if len(after) != n or any(norm(a) != norm(b) for a, b in zip(before, after)):
            out.unlink(missing_ok=True)
            raise ox.PdfaConversionFailedError("the text changed in Ghostscript's PDF/A output")

    if len(with_text) == n:
        result["ocr_pages"] = []
        ok = False
        if want_pdfa:
            ok = attempt("pikepdf-pdfa", pikepdf_pdfa)
            if ok:
                result.update(format="PDF/A-2B", route="pikepdf-pdfa")
            if not ok:
                ok = attempt("ghostscript-pdfa-verified", gs_pdfa_verified)
                if ok:
                    result.update(format="PDF/A-2B", route="ghostscript-pdfa-verified")
            if not ok and not gs_bad:
                ok = attempt("ocrmypdf-skip-pdfa", lambda: _ocrmypdf(inp, out, settings, jobs, mode="skip"))
                if ok:
                    result.update(format="PDF/A-2B", route="ocrmypdf-skip-pdfa")
        if not ok:
            shutil.copyfile(inp, out)
            reason = (
                "PDF/A not requested (ocr.output_type = pdf)"
                if not want_pdfa
                else "no route produced a valid PDF/A-2b with the text unchanged"
                " (see attempts); the original is kept as the archival copy"
            )
            result.update(format="original", route="original", reason=reason)
    else:
        mode = "skip" if with_text else "default"
        result["ocr_pages"] = [i for i in range(1, n + 1) if i not in with_text]
        routes = []
        if want_pdfa:
            if mode == "skip" and gs_bad:
                routes.append(("ocrmypdf-skip-pdfa-internal", dict(mode=mode, pdfa_backend="internal")))
            else:
                routes.append((f"ocrmypdf-{mode}-pdfa", dict(mode=mode)))
                routes.append((f"ocrmypdf-{mode}-pdfa-internal", dict(mode=mode, pdfa_backend="internal")))
        routes.append((f"ocrmypdf-{mode}-pdf", dict(mode=mode, output_type="pdf")))
        for route, kw in routes:
            if attempt(route, lambda kw=kw: _ocrmypdf(inp, out, settings, jobs, **kw)):
                fmt = "PDF" if kw.get("output_type") == "pdf" else "PDF/A-2B"
                result.update(format=fmt, route=route)
                if fmt == "PDF":
                    result["reason"] = (
                        "PDF/A not requested (ocr.output_type = pdf)"
                        if not want_pdfa
                        else "OCRmyPDF could not produce PDF/A for this file; archived as searchable PDF"
                    )
                break
        else:
            raise DocumentError("ocr_failed", stage="ocr")
    texts = page_texts(out) if result["format"] != "original" else before
    if len(texts) != n:
        raise DocumentError("ocr_failed", f"The OCR output has {len(texts)} pages instead of {n}.", "ocr")
    result["page_texts"] = texts
    result["pages_without_text"] = [i + 1 for i, t in enumerate(texts) if not _has_text(t, 1)]
    return result
