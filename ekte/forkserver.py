"""The fork server the local workers are started from, started early.

Its preload — the workers' libraries (OCRmyPDF, pikepdf, pdfium, PIL:
about a second) — is the longest part of starting ``ekte ingest``.  This
module imports nothing of ekte; ``runs.ingest`` starts the fork server as
soon as it knows the OCR language (its preload warms Tesseract's data for
it), before it scans its inputs: the two then run side by side.  The fork server
is started with ekte's private umask (0077), as the session would have it,
so that what the workers write is private whoever started it first."""

from __future__ import annotations

import importlib
import multiprocessing
import os
import threading
from typing import Any

#: (ekte.warm last: the rest of a first task's modules, Tesseract's language data, then gc.freeze)
PRELOAD = ["ekte.pipeline.workers", "ocrmypdf", "pikepdf", "pikepdf.pdfa", "pypdfium2", "img2pdf", "PIL.Image",
           "ekte.warm"]
#: what the coordinator itself imports only when it archives the first document
#: (pikepdf's PDF/A module for the XMP: 0.2–0.4 s, jsonschema and fontTools with it)
COORDINATOR_LATE = ("pikepdf.pdfa",)
_started = False


def context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def prestart(language: str) -> None:
    """Start the fork server now (once per process), its preload warming
    Tesseract's data for *language* (``ekte.warm``), and meanwhile import
    in a thread what the coordinator needs for its first archive folder."""
    global _started
    if _started:
        return
    _started = True
    from multiprocessing import forkserver

    os.environ["EKTE_WARM_LANGUAGE"] = language
    context()
    old = os.umask(0o077)
    try:
        forkserver.ensure_running()
    finally:
        os.umask(old)
    for name in COORDINATOR_LATE:
        threading.Thread(target=importlib.import_module, args=(name,), name="ekte-warm-import", daemon=True).start()
