"""OCR: make a searchable archival PDF (PDF/A-2b) with OCRmyPDF's Python
API, reuse existing text layers, and read back the text of every page.

Routes, tried in order until one succeeds (each attempt is recorded):

* every page has text (born digital): no OCR (see :mod:`ekte.stages.pdfa`):
  pikepdf's PDF/A writer where every font is embedded; Ghostscript pdfwrite
  (validated by pikepdf, the text of every page unchanged); then, where
  Ghostscript is not one of the releases OCRmyPDF refuses for text PDFs,
  OCRmyPDF ``--mode skip``; otherwise the original is kept as the archival
  copy and the reason recorded.
* some pages have text: OCRmyPDF ``--mode skip`` to PDF/A-2b, with the
  Ghostscript backend, then the internal backend, then plain PDF.
* no page has text (scans): OCRmyPDF to PDF/A-2b, then plain PDF.

OCR runs through Tesseract's C API (``ocr.engine = "tesserocr"``, see
:mod:`ekte.stages.tess_engine`; the language data is loaded once per worker
process) or the ``tesseract`` program.  With the API, rotation and skew
cost what they need (see :mod:`ekte.stages.geometry`): a page's
orientation is found within its OCR pass and the page turned by
``/Rotate``; the skew of every page is measured at ``ocr.skew_dpi`` and the
file deskewed only when a page is skewed by ``ocr.deskew_threshold``
degrees or more.  What was measured is returned per page (``geometry``).
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ekte.errors import DocumentError, MissingDependency
from ekte.stages import geometry, pdfa
from ekte.stages.pdftext import page_rows, page_texts, read_text

__all__ = ["OcrParams", "make_archival_pdf", "page_texts", "page_rows", "check_dependencies", "tool_versions"]

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
    engine: str = "tesserocr"
    orientation_check_below: float = 70.0
    deskew_threshold: float = 1.0
    skew_dpi: int = 100

    @classmethod
    def from_profile(cls, profile: Any) -> "OcrParams":
        o = profile.ocr
        return cls(o.language, o.rotate_pages, o.deskew, o.output_type, o.tesseract_timeout,
                   o.min_page_chars, profile.intake.max_image_mpixels, o.rotate_pages_threshold,
                   o.engine, o.orientation_check_below, o.deskew_threshold, o.skew_dpi)

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


def _has_text(t: str, min_chars: int) -> bool:
    return sum(1 for c in t if c.isalnum()) >= max(1, min_chars)


@functools.lru_cache(maxsize=1)
def _tesserocr_available() -> bool:
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        log.warning("tesserocr is not installed: OCR runs the tesseract program per page"
                    " (pip install tesserocr, or set ocr.engine = \"tesseract\")")
        return False
    return True


def _api(settings: Any) -> bool:
    """Whether OCR goes through Tesseract's C API (else the program)."""
    return getattr(settings, "engine", "tesseract") == "tesserocr" and _tesserocr_available()


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
    if _api(settings):
        from ekte.stages import tess_engine

        tess_engine.cache_tool_probes()
        tess_engine.fast_page_rasters()
        tess_engine.begin_job()
        # orientation is found within the OCR pass; deskew as the skew plan says
        opts.update(plugins=[tess_engine.__name__], ocr_engine=tess_engine.NAME, rotate_pages=False)
        opts.pop("rotate_pages_threshold")
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


class _Attempts:
    """Runs the routes one after another and records each outcome."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.log: list[dict[str, str]] = []

    def __call__(self, route: str, fn: Any) -> bool:
        from ocrmypdf import exceptions as ox

        try:
            fn()
        except DocumentError:
            raise
        except (ox.PdfaConversionFailedError, ox.MissingDependencyError, ox.PriorOcrFoundError,
                ox.TaggedPDFError) as e:
            self.out.unlink(missing_ok=True)
            self.log.append({"route": route, "result": f"{type(e).__name__} (exit {int(getattr(e, 'exit_code', 15))})"})
            return False
        except Exception as e:  # noqa: BLE001 - mapped or re-raised
            mapped = _map_ocr_error(e)
            if mapped:
                raise mapped from None
            if isinstance(e, ox.ExitCodeException) and "tesseract" in str(e).lower() and "not" in str(e).lower():
                raise MissingDependency(str(e)) from None
            self.out.unlink(missing_ok=True)
            self.log.append({"route": route, "result": f"{type(e).__name__}"})
            log.debug("route %s failed", route, exc_info=True)
            return False
        self.log.append({"route": route, "result": "ok"})
        return True


def _same_text(before: list[str], after: list[str]) -> bool:
    norm = lambda t: " ".join(t.split())  # noqa: E731
    return len(after) == len(before) and all(norm(a) == norm(b) for a, b in zip(before, after))


def _born_digital(inp: Path, out: Path, settings: Any, jobs: int, before: list[str],
                  attempt: _Attempts, result: dict[str, Any]) -> None:
    """Every page has text: PDF/A without OCR (see :mod:`ekte.stages.pdfa`)."""
    from ocrmypdf import exceptions as ox

    result["ocr_pages"] = []
    want_pdfa = settings.output_type == "pdfa-2"

    def gs_verified() -> None:
        pdfa.ghostscript_pdfa(inp, out, len(before))
        texts, rows = read_text(out)
        if not _same_text(before, texts):
            out.unlink(missing_ok=True)
            raise ox.PdfaConversionFailedError("the text changed in Ghostscript's PDF/A output")
        result.update(page_texts=texts, page_rows=rows)

    routes = [("pikepdf-pdfa", lambda: pdfa.pikepdf_pdfa(inp, out)), ("ghostscript-pdfa-verified", gs_verified)]
    if _gs_version() not in _BAD_GS:
        routes.append(("ocrmypdf-skip-pdfa", lambda: _ocrmypdf(inp, out, settings, jobs, mode="skip")))
    for route, fn in routes if want_pdfa else []:
        if attempt(route, fn):
            result.update(format="PDF/A-2B", route=route)
            return
    shutil.copyfile(inp, out)
    reason = ("PDF/A not requested (ocr.output_type = pdf)" if not want_pdfa
              else "no route produced a valid PDF/A-2b with the text unchanged"
              " (see attempts); the original is kept as the archival copy")
    result.update(format="original", route="original", reason=reason)


def _skew_plan(inp: Path, settings: Any, pages: list[int], mode: str) -> tuple[bool, dict[int, float]]:
    """(deskew this file?, skew per page measured at low resolution)."""
    if not (_api(settings) and settings.deskew and mode == "default" and pages):
        return settings.deskew and not _api(settings), {}
    low = geometry.measure_skew(inp, pages, settings.skew_dpi, settings.language)
    return any(abs(a) >= settings.deskew_threshold for a in low.values()), low


def _scans(inp: Path, out: Path, settings: Any, jobs: int, with_text: list[int], n: int,
           attempt: _Attempts, result: dict[str, Any]) -> None:
    """Some or no page has text: OCRmyPDF on the pages without text."""
    want_pdfa = settings.output_type == "pdfa-2"
    mode = "skip" if with_text else "default"
    result["ocr_pages"] = [i for i in range(1, n + 1) if i not in with_text]
    deskew, low = _skew_plan(inp, settings, result["ocr_pages"], mode)
    if _api(settings):
        from ekte.stages import tess_engine

        tess_engine.configure(orientation_gate=settings.orientation_check_below if settings.rotate_pages else 0,
                              deskew_threshold=settings.deskew_threshold, skews=low)
    routes = []
    if want_pdfa:
        if mode == "skip" and _gs_version() in _BAD_GS:
            routes.append(("ocrmypdf-skip-pdfa-internal", dict(mode=mode, pdfa_backend="internal")))
        else:
            routes.append((f"ocrmypdf-{mode}-pdfa", dict(mode=mode)))
            routes.append((f"ocrmypdf-{mode}-pdfa-internal", dict(mode=mode, pdfa_backend="internal")))
    routes.append((f"ocrmypdf-{mode}-pdf", dict(mode=mode, output_type="pdf")))
    for route, kw in routes:
        if attempt(route, lambda kw=kw: _ocrmypdf(inp, out, settings, jobs, deskew=deskew, **kw)):
            fmt = "PDF" if kw.get("output_type") == "pdf" else "PDF/A-2B"
            result.update(format=fmt, route=route)
            if fmt == "PDF":
                result["reason"] = ("PDF/A not requested (ocr.output_type = pdf)" if not want_pdfa
                                    else "OCRmyPDF could not produce PDF/A for this file; archived as searchable PDF")
            break
    else:
        raise DocumentError("ocr_failed", stage="ocr")
    if _api(settings):
        facts = tess_engine.end_job()
        geometry.turn_pages(out, {p: f["orientation"] for p, f in facts.items()})
        result["geometry"] = {"engine": "tesserocr", "deskew_threshold": settings.deskew_threshold,
                              "pages": geometry.page_geometry(facts, low, set(low) if deskew else set())}


def make_archival_pdf(inp: Path, out: Path, settings: Any, jobs: int = 1) -> dict[str, Any]:
    """Turn the working PDF *inp* into the archival PDF *out*.

    Returns a dict: ``format`` ("PDF/A-2B" | "PDF" | "original"), ``route``,
    ``attempts`` (list of {route, result}), ``reason`` when not PDF/A,
    ``pages``, ``page_texts``, ``page_rows``, ``ocr_pages`` (pages OCRed),
    ``text_pages`` (pages that had a text layer), ``pages_without_text`` and,
    for OCRed pages with the API engine, ``geometry`` (orientation, skew,
    whether deskewed, per page)."""
    before, before_rows = read_text(inp)
    with_text = [i + 1 for i, t in enumerate(before) if _has_text(t, settings.min_page_chars)]
    n = len(before)
    attempt = _Attempts(out)
    result: dict[str, Any] = {"pages": n, "text_pages": with_text, "attempts": attempt.log}
    if len(with_text) == n:
        _born_digital(inp, out, settings, jobs, before, attempt, result)
        if result["route"] in ("pikepdf-pdfa", "original"):
            # pikepdf's writer leaves the content alone: the text is the input's
            result.update(page_texts=before, page_rows=before_rows)
    else:
        _scans(inp, out, settings, jobs, with_text, n, attempt, result)
    if "page_texts" not in result:
        result["page_texts"], result["page_rows"] = read_text(out)
    texts = result["page_texts"]
    if len(texts) != n:
        raise DocumentError("ocr_failed", f"The OCR output has {len(texts)} pages instead of {n}.", "ocr")
    result["pages_without_text"] = [i + 1 for i, t in enumerate(texts) if not _has_text(t, 1)]
    return result
