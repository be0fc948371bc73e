"""An OCR engine for OCRmyPDF on Tesseract's C API (tesserocr).

OCRmyPDF stays the engine for rasterising, grafting and PDF/A; this plugin
only replaces the Tesseract *processes* OCRmyPDF would start for every page
(and every orientation and deskew probe) with API handles that load the
language data once per process and are then reused for every page of
every document the process works on (a warm worker pays it once).

Orientation: ekte turns pages upright before the OCR pass where its
low-resolution orientation detection was sure (:mod:`ekte.stages.geometry`,
pages listed in ``orientation_settled``).  For the other pages the OCR pass
checks: a page is recognised as it lies (page segmentation mode 3), and
only when the mean word confidence of that pass is below
``orientation_gate`` (an upside-down or sideways page reads as garbage,
confidence ~40; an upright scan reads at 80-95) or its lines run top to
bottom is it recognised again in mode 1 (with orientation detection),
which reads rotated text in place, kept when it is better.  The page's orientation and skew come with the
result (:func:`end_job`), so the caller can turn the page (``/Rotate``).

Select it with ``ocr_engine="tesserocr"`` and ``plugins=[__name__]``.
"""

from __future__ import annotations

import functools
import html
import math
import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# One thread per Tesseract: the workers are the parallelism.  Read by
# OpenMP when libtesseract starts, so it must be set before tesserocr loads.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from ocrmypdf import hookimpl  # noqa: E402
from ocrmypdf.pluginspec import OcrEngine, OrientationConfidence  # noqa: E402

from ekte.stages.tess_geometry import geometry  # noqa: E402

NAME = "tesserocr"


@dataclass
class EngineSettings:
    """Set by ekte for the documents of this process (see :func:`configure`)."""

    #: recognise again with orientation detection below this mean confidence (0: never)
    orientation_gate: float = 70.0
    #: |skew| in degrees below which get_deskew reports 0 (no rotation)
    deskew_threshold: float = 0.0
    #: resolution for the orientation probe OCRmyPDF may ask for (--rotate-pages)
    orientation_dpi: int = 150
    #: pages (1-based) whose orientation was settled before the OCR pass: never read twice
    orientation_settled: set = field(default_factory=set)
    #: paint form grid lines and box borders out of the image Tesseract reads (:mod:`ekte.stages.gridlines`)
    remove_lines: bool = False
    #: read the unsure words of an upright page again with a second recogniser (:mod:`ekte.stages.ocr_refine`)
    refine: bool = True
    #: read turned received stamps again on their own (:mod:`ekte.stages.ocr_stamp`)
    stamps: bool = False
    #: read a date's, PLZ's or IBAN's region again where its value fails its check (:mod:`ekte.stages.ocr_region`)
    regions: bool = False


_settings = EngineSettings()
_lock = threading.Lock()
_pool: dict[str, list[Any]] = {}
_job: dict[int, dict[str, Any]] = {}
_versions: dict[str, str] = {}


def configure(**kw: Any) -> None:
    for k, v in kw.items():
        if not hasattr(_settings, k):
            raise TypeError(f"unknown engine setting {k}")
        setattr(_settings, k, v)


def begin_job() -> None:
    """Forget the page facts of the previous document (one document at a
    time per process)."""
    with _lock:
        _job.clear()


def end_job() -> dict[int, dict[str, Any]]:
    """Facts per page (1-based) of the document just OCRed: ``orientation``
    (clockwise degrees the page lies turned; 0 = upright), ``skew`` (degrees,
    counter-clockwise turn that levels the text), ``confidence`` (mean word
    confidence), ``passes`` (1 or 2)."""
    with _lock:
        out = dict(_job)
        _job.clear()
    return out


def tesseract_version() -> str:
    if "v" not in _versions:
        import tesserocr

        _versions["v"] = tesserocr.tesseract_version().split()[1]
    return _versions["v"]


@functools.cache
def tessdata() -> str | None:
    """The folder of the language data.  tesserocr built against Debian's
    libtesseract (``--no-binary tesserocr`` in requirements.lock) knows it;
    a binary wheel (``pip install`` without the lock) bundles its own library
    whose default is ``./`` and would fail every page — then
    ``TESSDATA_PREFIX`` or what the ``tesseract`` program reports is used."""
    import tesserocr

    path, langs = tesserocr.get_languages()
    if langs:
        return path
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    try:
        said = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return found.group(1) if (found := re.search(r'"([^"]+)"', said.stdout + said.stderr)) else None


class _Handle:
    """An API handle for *lang* from the per-process pool, set to page
    segmentation mode *psm*, returned on exit.  One handle per language
    serves every mode (it is started with orientation detection loaded)."""

    def __init__(self, lang: str, psm: int) -> None:
        self.lang, self.psm = lang, psm

    def __enter__(self) -> Any:
        from tesserocr import OEM, PSM, PyTessBaseAPI

        with _lock:
            free = _pool.setdefault(self.lang, [])
            self.api = free.pop() if free else None
        if self.api is None:
            where = tessdata()
            self.api = PyTessBaseAPI(**({"path": where} if where else {}), lang=self.lang, psm=PSM.AUTO_OSD,
                                     oem=OEM.DEFAULT)
        self.api.SetPageSegMode(self.psm)
        return self.api

    def __exit__(self, *exc: Any) -> None:
        self.api.Clear()
        with _lock:
            _pool[self.lang].append(self.api)


def warm_up(language: str) -> None:
    """Load the language data now (a worker does it before its first page)."""
    from tesserocr import PSM

    with _Handle(language, int(PSM.AUTO)):
        pass


def _one_shade(im: Any) -> bool:
    ex = im.getextrema()
    return all(lo == hi for lo, hi in (ex if isinstance(ex[0], tuple) else (ex,)))


def _page_number(path: Path, fallback: int) -> int:
    m = re.match(r"(\d{6})_", path.name)
    return int(m.group(1)) if m else fallback


def _lang(options: Any) -> str:
    return "+".join(options.languages)


def set_image(api: Any, image: Any) -> None:
    """Hand a PIL image's pixels to Tesseract as they are in memory
    (tesserocr's ``SetImage`` encodes the image and Leptonica decodes it
    again: a tenth of the cost of recognising a 300 dpi page)."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB" if image.mode in ("RGBA", "P", "CMYK", "LA", "PA") else "L")
    bpp = 1 if image.mode == "L" else 3
    api.SetImageBytes(image.tobytes(), image.width, image.height, bpp, bpp * image.width)


def _recognise(api: Any, im: Any, timeout_s: float) -> bool:
    """Recognise the page image *im* (a PIL image; Tesseract takes its own copy of the pixels)."""
    dpi = round(float((im.info.get("dpi") or (0, 0))[0]))
    if _settings.remove_lines:
        from ekte.stages.gridlines import remove_lines

        set_image(api, remove_lines(im))
    else:
        set_image(api, im)
    if dpi:
        api.SetSourceResolution(dpi)
    return bool(api.Recognize(int(timeout_s * 1000)))


_HOCR_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n'
    '    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n <head>\n'
    '  <title></title>\n  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>\n'
    "  <meta name='ocr-system' content='tesseract {v} (tesserocr)'/>\n"
    "  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf'/>\n"
    " </head>\n <body>\n"
)
_HOCR_EMPTY = "  <div class='ocr_page' id='page_1' title='image \"\"; bbox 0 0 {w} {h}; ppageno 0'></div>\n"


_WORD = re.compile(r"<span class='ocrx_word'[^>]*?x_wconf (\d+)[^>]*>(.*?)</span>", re.S)
_TAG = re.compile(r"<[^>]{0,200}>")


def hocr_words(hocr: str) -> list[tuple[str, int]]:
    """(text, confidence 0-100) of every word of a page's hOCR, in reading order."""
    return [(html.unescape(_TAG.sub("", m.group(2))), int(m.group(1))) for m in _WORD.finditer(hocr)]


def ocr_image(input_file: Path, options: Any, page: int = 0) -> tuple[str, str, dict[str, Any]]:
    """Recognise one page image (page *page* of the document): (hOCR document, text, facts)."""
    from PIL import Image
    from tesserocr import PSM

    lang = _lang(options)
    psm = options.tesseract.pagesegmode
    psm = int(PSM.AUTO) if psm is None else int(psm)
    timeout = float(options.tesseract.timeout or 0)
    deadline = time.monotonic() + timeout if timeout > 0 else None  # the region step's reads share it
    with Image.open(input_file) as f:
        im = f.copy()  # decoded once for every pass over the page (the file closed)
    facts: dict[str, Any] = {"orientation": 0, "skew": 0.0, "confidence": 0, "passes": 1}
    if _one_shade(im):  # no ink: Tesseract finds nothing, in seconds a page (fresh41 F9) — not read, kept textless
        facts.update(passes=0, words=[])
        return _HOCR_HEAD.format(v=tesseract_version()) + _HOCR_EMPTY.format(w=im.width, h=im.height) + \
            " </body>\n</html>\n", "", facts
    with _Handle(lang, psm) as api:
        if not _recognise(api, im, timeout):
            facts["timeout"] = True
            head = _HOCR_HEAD.format(v=tesseract_version())
            return head + _HOCR_EMPTY.format(w=im.width, h=im.height) + " </body>\n</html>\n", "", facts
        conf = api.MeanTextConf()
        best = (conf, api.GetHOCRText(0), api.GetUTF8Text(), geometry(api))
    gate = 0 if page in _settings.orientation_settled else _settings.orientation_gate
    # a turned page reads as garbage (low confidence), or sideways as lines
    # running top to bottom: read it again with orientation detection
    if gate and (conf < gate or not best[3][2]) and psm in (int(PSM.AUTO), int(PSM.AUTO_ONLY)):
        with _Handle(lang, int(PSM.AUTO_OSD)) as api:
            if _recognise(api, im, timeout):
                conf2 = api.MeanTextConf()
                facts["passes"] = 2
                geo = geometry(api)
                if conf2 >= conf and geo[0] != 0 and geo[2]:
                    best = (conf2, api.GetHOCRText(0), api.GetUTF8Text(), geo)
    conf, hocr, text, (orient, skew, _ltr) = best
    if orient == 0:  # an upright page: its unsure words and its received stamps read again
        from ekte.stages import ocr_found, ocr_rec, ocr_refine, ocr_region, ocr_stamp

        if _settings.refine:
            hocr, facts["refined"] = ocr_refine.refine_page(hocr, im)
            hocr, facts["found_lines"] = ocr_found.find_page(hocr, im)
        if _settings.stamps:
            hocr, facts["stamps"] = ocr_stamp.stamp_page(hocr, im, skew, lang)
        if _settings.regions:  # a date's, PLZ's or IBAN's value that fails its check: its region read again
            hocr, facts["regions"] = ocr_region.region_page(hocr, im, lang, _settings.refine, deadline)
        if _settings.refine:  # after the region step, which may use the recogniser too (review34 R2)
            ocr_rec.release()  # (unless a run of scans keeps it: ocr_rec.keep)
        ocr_rec.trim()  # the page's freed buffers given back before OCRmyPDF writes and checks its PDF (~10 MB)
    facts.update(orientation=orient, skew=round(skew, 3), confidence=int(conf), words=hocr_words(hocr))
    hocr_doc = _HOCR_HEAD.format(v=tesseract_version()) + hocr + " </body>\n</html>\n"
    return hocr_doc, text, facts


class TesserocrEngine(OcrEngine):
    """Tesseract through its C API, one loaded handle per language and mode
    and process, reused for every page."""

    @staticmethod
    def version() -> str:
        return tesseract_version()

    @staticmethod
    def creator_tag(options: Any) -> str:
        return f"Tesseract OCR {tesseract_version()} (tesserocr)"

    def __str__(self) -> str:
        return f"Tesseract OCR {tesseract_version()} (tesserocr)"

    @staticmethod
    def languages(options: Any) -> set[str]:
        import tesserocr

        return set(tesserocr.get_languages()[1])

    @staticmethod
    def get_orientation(input_file: Path, options: Any) -> OrientationConfidence:
        """Orientation from a reduced copy of the preview (Tesseract's OSD)."""
        from PIL import Image
        from tesserocr import PSM

        with Image.open(input_file) as im:
            dpi = float((im.info.get("dpi") or (300, 300))[0]) or 300
            f = max(1, round(dpi / max(50, _settings.orientation_dpi)))
            small = im.reduce(f) if f > 1 else im.copy()
        # orientation detection needs the osd data as the handle's language (a
        # language handle answers with a fixed, meaningless result)
        with _Handle("osd", int(PSM.OSD_ONLY)) as api:
            set_image(api, small)
            api.SetSourceResolution(round(dpi / f))
            r = api.DetectOrientationScript()
        if not r:
            return OrientationConfidence(0, 0.0)
        return OrientationConfidence(int(r["orient_deg"]), float(r["orient_conf"]))

    @staticmethod
    def get_deskew(input_file: Path, options: Any) -> float:
        """The skew from Tesseract's layout analysis; 0 below the threshold.
        (ekte levels pages before the OCR pass, see :mod:`ekte.stages.geometry`;
        this serves OCRmyPDF's own ``--deskew``.)"""
        from PIL import Image
        from tesserocr import PSM

        with Image.open(input_file) as im, _Handle(_lang(options), int(PSM.AUTO_ONLY)) as api:
            set_image(api, im)
            api.SetSourceResolution(round(float((im.info.get("dpi") or (300, 300))[0])))
            it = api.AnalyseLayout()
            angle = math.degrees(it.Orientation()[3]) if it is not None else 0.0
        return angle if abs(angle) >= _settings.deskew_threshold else 0.0

    @staticmethod
    def generate_hocr(input_file: Path, output_hocr: Path, output_text: Path, options: Any) -> None:
        with _lock:
            n = _page_number(Path(input_file), len(_job) + 1)
        hocr, text, facts = ocr_image(Path(input_file), options, n)
        Path(output_hocr).write_text(hocr, encoding="utf-8")
        Path(output_text).write_text(text, encoding="utf-8")
        with _lock:
            _job[n] = facts

    @staticmethod
    def generate_pdf(input_file: Path, output_pdf: Path, output_text: Path, options: Any) -> None:
        # the sandwich renderer needs Tesseract's own PDF output: the program does that
        from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

        TesseractOcrEngine.generate_pdf(input_file, output_pdf, output_text, options)


@hookimpl
def get_ocr_engine(options: Any) -> OcrEngine | None:
    if options is not None and getattr(options, "ocr_engine", "auto") == NAME:
        return TesserocrEngine()
    return None


@hookimpl(tryfirst=True)
def rasterize_pdf_page(input_file: Path, output_file: Path, raster_device: str, raster_dpi: Any, pageno: int,
                       page_dpi: Any, rotation: Any, filter_vector: bool, stop_on_soft_error: bool, options: Any,
                       use_cropbox: bool) -> Path | None:
    """For this engine a page that is one JPEG is decoded, not rendered
    (:mod:`ekte.stages.page_raster`).  Bilevel scans are rasterised grey, not
    1-bit: a page ekte levelled has smooth edges, which the 1-bit conversion
    would dither into noise; Tesseract binarises the grey page itself."""
    if getattr(options, "ocr_engine", None) != NAME:
        return None
    from ekte.stages import page_raster
    if not rotation and page_raster.rasterize(input_file, output_file, raster_device, raster_dpi, pageno, page_dpi,
                                              use_cropbox):
        return Path(output_file)
    if raster_device.lower() not in ("pngmono", "pngmonod"):
        return None
    from ocrmypdf.builtin_plugins import pypdfium

    return pypdfium.rasterize_pdf_page(input_file=input_file, output_file=output_file, raster_device="pnggray",
                                       raster_dpi=raster_dpi, pageno=pageno, page_dpi=page_dpi, rotation=rotation,
                                       filter_vector=filter_vector, stop_on_soft_error=stop_on_soft_error,
                                       options=options, use_cropbox=use_cropbox)
