"""What every worker process needs, loaded once before the workers are
forked (the last module of the forkserver's preload,
:data:`ekte.pipeline.executor.PRELOAD`).

A worker forked from a process that already holds the modules of the
OCR path and Tesseract's language data shares those pages with its
siblings (copy-on-write): the whole run's PSS counts them once, not once
per worker, and a recycled worker starts warm.  Measured (issue 12): a
worker's first scan imports about 300 modules beyond the preload (numpy,
fontTools, fpdf — OCRmyPDF's text renderer — tesserocr, cryptography),
about 36 MB, and loading the language data costs another 12–24 MB.

Importing this module does the loading; it never fails (a forkserver
whose preload raises anything but ImportError would die): what cannot be
loaded here a worker loads itself, as before.  The language is the one
the executor puts in ``EKTE_WARM_LANGUAGE`` before its first worker
starts."""

from __future__ import annotations

import gc
import importlib
import os

#: imported by the first task of a worker beyond the forkserver's preload (scans and born-digital)
MODULES = (
    "numpy", "tesserocr", "fontTools.subset", "fontTools.ttLib", "fpdf", "cryptography.x509",
    "ocrmypdf.fpdf_renderer", "ocrmypdf.builtin_plugins", "ocrmypdf.builtin_plugins.tesseract_ocr",
    "ocrmypdf.builtin_plugins.ghostscript", "ocrmypdf.builtin_plugins.optimize",
    "ocrmypdf.builtin_plugins.concurrency", "ocrmypdf.builtin_plugins.default_filters",
    "ocrmypdf.builtin_plugins.pypdfium", "ocrmypdf.optimize", "ocrmypdf._validation_coordinator",
    "ocrmypdf._exec.tesseract", "ekte.stages.tess_engine", "PIL.JpegImagePlugin", "PIL.PngImagePlugin",
    "PIL.PpmImagePlugin", "PIL.BmpImagePlugin", "defusedxml.ElementTree",
)

#: the language whose data is loaded (``ocr.language``), set by the executor
LANGUAGE_ENV = "EKTE_WARM_LANGUAGE"


def load() -> list[str]:
    """Import :data:`MODULES` and load the language data; returns what
    could not be loaded (names)."""
    missing = []
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - not installed, or broken: the worker finds out itself
            missing.append(name)
    lang = os.environ.get(LANGUAGE_ENV, "")
    if lang:
        try:
            from ekte.stages import tess_engine

            tess_engine.warm_up(lang)
        except Exception:  # noqa: BLE001 - no tesserocr, no language data: as above
            missing.append(f"tesseract:{lang}")
    # what exists now is never collected in a worker: the collector then does not write to
    # (and so copy) the pages the workers share with this process
    gc.freeze()
    return missing


MISSING = load()
