"""What every OCR worker needs, loaded once in the fork server so that
the workers forked after it share it (the last module of the fork server's
preload, :data:`ekte.forkserver.PRELOAD`).

A worker forked from a process that already holds the modules of the
OCR path and Tesseract's language data shares those pages with its
siblings (copy-on-write): the whole run's PSS counts them once, not once
per worker, and a recycled worker starts warm.  Measured (issue 12): a
worker's first scan imports about 300 modules beyond the preload (numpy,
fontTools, fpdf — OCRmyPDF's text renderer — tesserocr, cryptography),
about 36 MB, and loading the language data costs another 12–24 MB.

Importing this module does the loading (the language: the one in
``EKTE_WARM_LANGUAGE``), unless the fork server was started lazily
(:func:`ekte.forkserver.prestart`: ``EKTE_WARM_LAZY``): then it only sets a
handler for :data:`ekte.forkserver.WARM_SIGNAL` that loads, once, when the
coordinator sees a run's first OCR — a born-digital run never waits for,
nor pays, Tesseract's part.  The language then comes from a private file
the coordinator writes (opened and unlinked here at once).  It never fails
(a fork server whose preload or handler raises would die): what cannot be
loaded here a worker loads itself, as before."""

from __future__ import annotations

import atexit
import gc
import importlib
import logging
import os
import signal
import sys

#: imported by the first task of a worker beyond the forkserver's preload (scans and born-digital)
MODULES = (
    "ocrmypdf", "img2pdf", "PIL.Image", "numpy", "tesserocr", "fontTools.subset", "fontTools.ttLib", "fpdf", "cryptography.x509",
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


def _once_per_server() -> None:
    """What each worker would otherwise find out again on its first task:
    the C library.  (The tools' versions a worker is given: the coordinator
    found them in its dependency check — ``WorkerSetup.tools``; running the
    programs here cost the preload 0.1–0.3 s of wall time, issue 12.)"""
    try:
        from ekte import procmem

        procmem._libc()  # noqa: SLF001 - cached: inherited by every worker
    except Exception:  # noqa: BLE001 - a worker finds out itself
        pass


def _exit_now(pid: int) -> None:
    """The fork server's last act: it ends when the coordinator has gone
    (its pipe closed) and holds nothing to write — its workers are
    processes of their own, and exit with ``os._exit`` — so it skips the
    interpreter's teardown (≈ 0.05 s CPU, more under load, of freeing the
    modules of the preload).  Until it has gone, a script that reads
    ``ekte``'s output through a pipe still waits: the fork server holds
    the same stdout and stderr.  Only in the fork server (*pid*), never
    in a worker it forked; its exit status, which no one reads, is 0."""
    if os.getpid() != pid:
        return
    try:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(0)


def _lazy() -> list[str]:
    """The fork server started by ``ekte.forkserver.prestart``: it poses as
    the coordinator's main script (a worker then does not run it again), keeps the
    language file open and waits for the signal."""
    from ekte.forkserver import LANGUAGE_FILE_ENV, MAIN_ENV, WARM_SIGNAL

    main = os.environ.get(MAIN_ENV)
    if main and not getattr(sys.modules["__main__"], "__file__", None):
        sys.modules["__main__"].__file__ = main
    fd = None
    path = os.environ.get(LANGUAGE_FILE_ENV, "")
    try:
        fd = os.open(path, os.O_RDONLY)
        os.unlink(path)
    except OSError:
        pass

    def on_signal(signum: int, frame: object) -> None:
        global MISSING
        signal.signal(WARM_SIGNAL, signal.SIG_IGN)  # once
        try:
            lang = os.pread(fd, 256, 0).decode(errors="replace").strip() if fd is not None else ""
            if lang:
                os.environ[LANGUAGE_ENV] = lang
            MISSING = load()
        except BaseException:  # noqa: BLE001 - never into the fork server's loop
            MISSING = ["warm-up failed"]

    signal.signal(WARM_SIGNAL, on_signal)
    atexit.register(_exit_now, os.getpid())
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {WARM_SIGNAL})  # blocked by prestart until now
    _once_per_server()
    gc.freeze()
    from ekte import starttrace

    starttrace.mark("preload-done")
    return []


MISSING = _lazy() if os.environ.get("EKTE_WARM_LAZY") == "1" else load()
