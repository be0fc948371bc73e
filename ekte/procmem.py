"""A worker process's memory: what it frees goes back to the system.

OCR of a 300-dpi page holds 100-200 MB for a moment (the page image,
Tesseract's buffers, pdfium's bitmaps, OCRmyPDF's copies).  glibc keeps
what is freed for reuse — in one arena per thread that allocated it — so
without help a worker stays at the peak of its largest page until it is
recycled, and two workers at their peaks are most of a run's memory.

``EKTE_MALLOC_TUNING=0`` in the environment turns both off (to measure
what they bring: ``bench/run.py --only-pages``)."""

from __future__ import annotations

import functools
import os
from typing import Any


#: glibc's mallopt parameter for the number of malloc arenas
M_ARENA_MAX = -8
#: glibc's mallopt parameter for the size from which an allocation gets its own mapping
M_MMAP_THRESHOLD = -3
#: arenas a worker's threads share (OCRmyPDF's page threads, pdfium): each thread
#: otherwise gets its own (up to 8 per core), each keeping the freed memory of
#: the 300-dpi pages it held
WORKER_ARENAS = 2


@functools.cache
def _libc() -> Any:
    import ctypes
    import ctypes.util

    try:  # glibc's name first: find_library runs ``ldconfig -p`` (a program: 10-100 ms of a fork server's start)
        return ctypes.CDLL("libc.so.6")
    except OSError:
        pass
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def limit_arenas() -> None:
    """Fewer malloc arenas in this worker (glibc; elsewhere nothing).  Set
    at run time: a worker is forked from the forkserver, whose allocator is
    set up already, so ``MALLOC_ARENA_MAX`` in the environment would come
    too late."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt") and os.environ.get("EKTE_MALLOC_TUNING", "1") != "0":
        libc.mallopt(M_ARENA_MAX, WORKER_ARENAS)


def mmap_from(nbytes: int) -> None:
    """Allocations of at least *nbytes* get their own mapping from now on,
    given back to the system when freed (glibc; elsewhere nothing).  glibc
    otherwise raises this threshold to the size of each large buffer freed,
    and serves the next ones from the heap, where they fragment it: a
    recogniser's outputs of a few MB each then hold the process's peak at
    twice what they need at once (``ekte.stages.ocr_rec``)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt") and os.environ.get("EKTE_MALLOC_TUNING", "1") != "0":
        libc.mallopt(M_MMAP_THRESHOLD, nbytes)


def freeze() -> None:
    """What exists now (a worker's context: profile, plugins, classifiers
    and their models) is left out of every later collection
    (``gc.freeze``): :func:`release` after each task then walks only what
    the tasks made.  Measured on born-digital documents (issue 12): the
    full collection after a task 2–3 ms → under 1 ms.  Objects frozen are
    still freed by reference counting; only cycles among them would stay,
    for the worker's life (it is replaced after ``worker_max_tasks``)."""
    import gc
    import sys

    gc.collect()
    gc.freeze()
    _frozen["modules"] = len(sys.modules)


#: how many modules were loaded at the last :func:`freeze`
_frozen = {"modules": 0}


def release() -> None:
    """After a task: collect cycles, then give the heap's free pages back
    to the system (``malloc_trim``): a page image, Tesseract's buffers and
    pdfium's bitmaps are freed by then, but glibc keeps freed memory for
    reuse, so a worker that OCRed a 300-dpi page would stay at its peak."""
    import gc
    import sys

    gc.collect()
    if len(sys.modules) != _frozen["modules"]:
        # the task imported modules on first use (the PDF/A validator's parts, extraction's, OCR's):
        # they and the caches built with them live as long as the worker, like its context — frozen
        # too, else every later collection walks them again (≈ 1,850 objects after a worker's first
        # born-digital task: 0.5 ms of CPU after each task → 0.04 ms, measured in ingest's workers;
        # issue 12).  As with the context, a cycle among them that later becomes garbage stays until
        # the worker is replaced
        gc.freeze()
        _frozen["modules"] = len(sys.modules)
    trim()


def trim() -> None:
    """Give the heap's free pages back to the system (``malloc_trim``; nothing else, so
    it may be called in the middle of a task)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim") and os.environ.get("EKTE_MALLOC_TUNING", "1") != "0":
        libc.malloc_trim(0)
