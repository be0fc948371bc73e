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
  Ghostscript backend, then the internal backend, then plain PDF; where a
  scan page carries a stamp's short text beside them, ``--mode redo`` limited
  to the pages to OCR (``pages``), so the pages with text are left as they are.
* no page has text (scans): OCRmyPDF to PDF/A-2b, then plain PDF.

OCR runs through Tesseract's C API (``ocr.engine = "tesserocr"``, see
:mod:`ekte.stages.tess_engine`; the language data is loaded once per worker
process) or the ``tesseract`` program.  With the API, rotation and skew
cost what they need (see :mod:`ekte.stages.geometry`): before the OCR pass
every page to OCR is rendered once at ``ocr.skew_dpi``, its orientation
detected and its skew measured; turned pages are turned upright by
``/Rotate`` and pages skewed by ``ocr.deskew_threshold`` degrees or more
levelled by a rotation of their content (both lossless), so OCRmyPDF reads
every page once, upright and level, and keeps the scanned image as it is.
Where the detection was unsure, the OCR pass checks the orientation itself
(a second reading only for a page that reads badly).  What was found is
returned per page (``geometry``).
"""

from __future__ import annotations

import functools
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ekte.errors import DocumentError, MissingDependency
from ekte.stages import geometry, pdfa
from ekte.stages import layout
from ekte.stages.ocr_mode import Pages, has_text as _has_text, mode as _mode, sort_pages
from ekte.stages.pdftext import Input, page_rows, page_texts, read_pages
from ekte.stages.tools import check_dependencies, gs_version as _gs_version, tool_versions

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
    orientation_confidence: float = 3.0
    refine: bool = True  # ocr.refine (see the profile)
    stamps: bool = True  # ocr.stamps (see ekte.stages.ocr_stamp)
    regions: bool = True  # ocr.regions (see ekte.stages.ocr_region)

    @classmethod
    def from_profile(cls, profile: Any) -> "OcrParams":
        o = profile.ocr
        return cls(o.language, o.rotate_pages, o.deskew, o.output_type, o.tesseract_timeout,
                   o.min_page_chars, profile.intake.max_image_mpixels, o.rotate_pages_threshold,
                   o.engine, o.orientation_check_below, o.deskew_threshold, o.skew_dpi, o.orientation_confidence, o.refine,
                   o.stamps, o.regions)

# Ghostscript releases that OCRmyPDF refuses for PDFs with existing text
_BAD_GS = ("10.0.0", "10.00.0", "10.01.0", "10.01.1", "10.01.2", "10.02.0")


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
        from ekte.stages import page_raster, tess_engine, tools

        tools.cache_tool_probes()
        page_raster.fast_page_rasters()  # (PDFium's pages: see ekte.stages.page_raster)
        tess_engine.begin_job()
        # orientation and skew were settled before (see _level): OCRmyPDF keeps the page content
        opts.update(plugins=[tess_engine.__name__], ocr_engine=tess_engine.NAME, rotate_pages=False, deskew=False)
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
        try:
            note = fn()
        except DocumentError:
            raise
        except pdfa.RouteFailed as e:  # (a born-digital route: OCRmyPDF is not imported for it)
            return self._failed(route, f"{type(e).__name__} (exit {e.exit_code})")
        except Exception as e:  # noqa: BLE001 - mapped or re-raised
            from ocrmypdf import exceptions as ox

            if isinstance(e, (ox.PdfaConversionFailedError, ox.MissingDependencyError, ox.PriorOcrFoundError,
                              ox.TaggedPDFError)):
                return self._failed(route, f"{type(e).__name__} (exit {int(getattr(e, 'exit_code', 15))})")
            mapped = _map_ocr_error(e)
            if mapped:
                raise mapped from None
            if isinstance(e, ox.ExitCodeException) and "tesseract" in str(e).lower() and "not" in str(e).lower():
                raise MissingDependency(str(e)) from None
            log.debug("route %s failed", route, exc_info=True)
            return self._failed(route, f"{type(e).__name__}")
        # a born-digital route's note: what pikepdf's validator could not check (pdfa.unchecked_note)
        self.log.append({"route": route, "result": "ok", **({"note": note} if isinstance(note, str) else {})})
        return True

    def _failed(self, route: str, result: str) -> bool:
        self.out.unlink(missing_ok=True)
        self.log.append({"route": route, "result": result})
        return False


def _same_text(before: list[str], after: list[str]) -> bool:
    """The same characters on every page.  White space is not compared: the
    spaces a text extractor infers from the gaps between glyphs change when
    Ghostscript embeds a substitute for a font that was not embedded (other
    widths) — "(FIN): W0K…" read as "(FIN):W0K…" — though no glyph changed."""
    norm = lambda t: "".join(t.split())  # noqa: E731
    return len(after) == len(before) and all(norm(a) == norm(b) for a, b in zip(before, after))


def _born_digital(inp: Path, out: Path, settings: Any, jobs: int, before: list[str],
                  attempt: _Attempts, result: dict[str, Any], opened: Input, defer: bool = False) -> None:
    """Every page has text: PDF/A without OCR (see :mod:`ekte.stages.pdfa`).
    *defer*: pikepdf's save (of the input, or of Ghostscript's output) is
    left to ``result["pending"]``, which writes it with ekte's XMP."""
    result["ocr_pages"] = []
    want_pdfa = settings.output_type == "pdfa-2"

    def pikepdf_route() -> str | None:
        if not (defer and opened.pdf is not None and opened.embedded is True):
            return pdfa.pikepdf_pdfa(inp, out, opened.pdf, opened.embedded)
        pdf, opened.pdf = opened.pdf, None  # the pending save's now
        result["pending"] = pdfa.PendingSave(inp, out, pdf, lambda: layout.remember([out, inp], opened.words))
        return None

    def gs_verified() -> str | None:
        pending = pdfa.ghostscript_pending(inp, out, len(before)) if defer else None
        note = pdfa.ghostscript_pdfa(inp, out, len(before)) if pending is None else None
        try:
            texts, _rows, words = read_pages(out if pending is None else pending.inp, rows=False)
        except BaseException:
            pending.close() if pending is not None else None
            raise
        if not _same_text(before, texts):
            pending.close() if pending is not None else out.unlink(missing_ok=True)
            raise pdfa.PdfaConversionFailedError("the text changed in Ghostscript's PDF/A output")
        result.update(page_texts=texts, page_words=words)
        if pending is not None:  # pikepdf's writer leaves Ghostscript's content alone: the same text and words
            pending.after = lambda: layout.remember([out], words)
            result["pending"] = pending
        return note

    routes = [("pikepdf-pdfa", pikepdf_route), ("ghostscript-pdfa-verified", gs_verified)]
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


def _probe(inp: Path, settings: Any, pages: list[int]) -> dict[int, dict[str, Any]]:
    """Orientation and skew of the pages to OCR, found before the OCR pass
    at low resolution (API engine; the program engine leaves both to OCRmyPDF)."""
    if not (_api(settings) and pages and (settings.rotate_pages or settings.deskew)):
        return {}
    found = geometry.probe(inp, pages, settings.skew_dpi, settings.language, orientation=settings.rotate_pages,
                           min_confidence=settings.orientation_confidence)
    if not settings.deskew:
        for g in found.values():
            g["skew"] = 0.0
    return found


def _level(inp: Path, settings: Any, probed: dict[int, dict[str, Any]]) -> tuple[Path, set[int]]:
    """The working PDF with its turned pages upright and its skewed pages
    level (lossless, see :func:`geometry.level_pages`): (PDF to OCR, pages levelled)."""
    skews = {p: g["skew"] for p, g in probed.items() if abs(g["skew"]) >= max(settings.deskew_threshold, 0.01)}
    levelled = inp.with_name(inp.stem + ".level.pdf")
    if geometry.level_pages(inp, levelled, {p: g["orientation"] for p, g in probed.items()}, skews):
        return levelled, set(skews)
    return inp, set()


def _routes(want_pdfa: bool, mode: str, kept_text: bool, **kw: Any) -> list[tuple[str, dict[str, Any]]]:
    """*kept_text*: pages keep their text layer (not OCRed), which the Ghostscript
    releases in ``_BAD_GS`` corrupt: PDF/A by OCRmyPDF's internal backend only."""
    routes = []
    if want_pdfa:
        if not (kept_text and _gs_version() in _BAD_GS):
            routes.append((f"ocrmypdf-{mode}-pdfa", dict(mode=mode, **kw)))
        routes.append((f"ocrmypdf-{mode}-pdfa-internal", dict(mode=mode, pdfa_backend="internal", **kw)))
    routes.append((f"ocrmypdf-{mode}-pdf", dict(mode=mode, output_type="pdf", **kw)))
    return routes


def _scans(inp: Path, out: Path, settings: Any, jobs: int, pages: Pages, attempt: _Attempts,
           result: dict[str, Any]) -> None:
    """Some or no page has text: OCRmyPDF on the pages to OCR (``pages.ocr``:
    those without text, and scan pages carrying a stamp's short text), in the
    mode :func:`ekte.stages.ocr_mode.mode` chooses; pages that keep their text
    (``pages.layered``) are not OCRed and not rasterised."""
    pdfa.stop_warm()  # not held idle through the OCR pass (a worker's peak)
    want_pdfa = settings.output_type == "pdfa-2"
    result["ocr_pages"] = pages.ocr
    mode, limit = _mode(inp, pages)
    probed = _probe(inp, settings, result["ocr_pages"])
    src, levelled = _level(inp, settings, probed)
    if _api(settings):
        from ekte.stages import tess_engine

        sure = {p for p, g in probed.items() if g["orientation_settled"]}  # orientation known: read once
        tess_engine.configure(orientation_gate=settings.orientation_check_below if settings.rotate_pages else 0,
                              orientation_settled=sure, refine=getattr(settings, "refine", False),
                              stamps=getattr(settings, "stamps", False), regions=getattr(settings, "regions", False))
    try:
        for route, kw in _routes(want_pdfa, mode, bool(pages.layered), **limit):
            if attempt(route, lambda kw=kw: _ocrmypdf(src, out, settings, jobs, **kw)):
                fmt = "PDF" if kw.get("output_type") == "pdf" else "PDF/A-2B"
                result.update(format=fmt, route=route)
                if fmt == "PDF":
                    result["reason"] = ("PDF/A not requested (ocr.output_type = pdf)" if not want_pdfa
                                        else "OCRmyPDF could not produce PDF/A for this file; archived as searchable PDF")
                break
        else:
            raise DocumentError("ocr_failed", stage="ocr")
    finally:
        if src != inp:
            src.unlink(missing_ok=True)
    if _api(settings):
        facts = tess_engine.end_job()
        result["ocr_words"] = {p: f.pop("words", []) for p, f in facts.items()}  # (text, confidence) per page
        geometry.turn_pages(out, {p: f["orientation"] for p, f in facts.items()})
        result["geometry"] = {"engine": "tesserocr", "deskew_threshold": settings.deskew_threshold,
                              "pages": geometry.page_geometry(facts, probed, levelled)}


def make_archival_pdf(inp: Path, out: Path, settings: Any, jobs: int = 1, defer: bool = False) -> dict[str, Any]:
    """Turn the working PDF *inp* into the archival PDF *out*.

    Returns a dict: ``format`` ("PDF/A-2B" | "PDF" | "original"), ``route``,
    ``attempts`` (list of {route, result}), ``reason`` when not PDF/A,
    ``pages``, ``page_texts``, ``page_words`` (word boxes, see
    :mod:`ekte.stages.layout`; read in the same pass as the text, and what
    :func:`ekte.stages.layout.page_words` then returns for *out*),
    ``ocr_pages`` (pages OCRed), ``text_pages`` (pages that had a text
    layer), ``pages_without_text`` and, for OCRed pages with the API
    engine, ``geometry`` (orientation, skew, whether levelled, per page).
    *defer*: where pikepdf's route takes the file, it is not written yet:
    ``pending`` (a :class:`pdfa.PendingSave`) writes it, with XMP values."""
    opened = Input.read(inp, settings.output_type == "pdfa-2")
    before, before_words = opened.texts, opened.words
    pages = sort_pages(inp, before, settings.min_page_chars)  # (see ekte.stages.ocr_mode)
    n = len(before)
    attempt = _Attempts(out)
    result: dict[str, Any] = {"pages": n, "text_pages": pages.with_text, "attempts": attempt.log}
    try:
        if not pages.ocr:  # text on every page (a short one only on a page without an image): no OCR
            _born_digital(inp, out, settings, jobs, before, attempt, result, opened, defer)
            if result["route"] == "pikepdf-pdfa" or (result["route"] == "original" and opened.embedded is not False):
                # pikepdf's writer leaves the content alone: the text and words are the input's
                result.update(page_texts=before, page_words=before_words)
        else:
            opened.close()
            _scans(inp, out, settings, jobs, pages, attempt, result)
    finally:
        opened.close()
    if "page_texts" not in result:
        result["page_texts"], _rows, result["page_words"] = read_pages(out, rows=False)
    for p, ws in (result.pop("ocr_words", None) or {}).items():  # the OCR's confidence onto its words
        if 0 < p <= len(result["page_words"]):
            result["page_words"][p - 1] = layout.with_confidence(result["page_words"][p - 1], ws)
    layout.remember([out, inp] if result["page_words"] is before_words else [out], result["page_words"])
    texts = result["page_texts"]
    if len(texts) != n:
        raise DocumentError("ocr_failed", f"The OCR output has {len(texts)} pages instead of {n}.", "ocr")
    result["pages_without_text"] = [i + 1 for i, t in enumerate(texts) if not _has_text(t, 1)]
    return result
