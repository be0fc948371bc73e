"""The fork server the local workers are started from, started early.

Its preload — the workers' libraries for born-digital PDFs (pikepdf and
its PDF/A validator, pdfium, ekte's stages: about 0.7 s of CPU) — is the
longest part of starting ``ekte ingest``.  This
module imports nothing of ekte; the CLI starts the fork server before it
imports the pipeline (``runs.ingest`` does for API callers), so that the
preload, the coordinator's imports and the scan of the inputs run side by
side.  The fork server is started with ekte's private umask (0077), as the
session would have it, so that what the workers write is private whoever
started it first.

What only OCR needs (OCRmyPDF, img2pdf, PIL, numpy, tesserocr, fpdf,
Tesseract's language data: ``ekte.warm``) is not in the preload a born-digital document waits for: the
fork server loads it when asked (:func:`warm`, a signal), which the executor
does at a run's first OCR; workers forked after that share it.  A worker
forked before it loaded what it needed itself and is replaced after its
task (:func:`retire_after`)."""

from __future__ import annotations

import atexit
import importlib
import multiprocessing
import os
import signal
import tempfile
import threading
import time
from typing import Any

#: what a born-digital document needs (ekte.forkquiet first: Ctrl-C ignored from the start; ekte.warm last:
#: lazily, OCRmyPDF, img2pdf, PIL, Tesseract and the rest of a first OCR task's modules and the language data;
#: gc.freeze).  OCRmyPDF is not in it:
#: no born-digital route imports it, and it is a third of the preload every run's first document waits for
#: (re2 and regex: the profile's patterns in bounded time, ekte.patterns — imported on every worker's
#: first document otherwise, and a worker is replaced every 50 tasks)
PRELOAD = ["ekte.forkquiet", "ekte.pipeline.workers", "pikepdf", "pikepdf.pdfa", "pypdfium2", "fontTools.ttLib", "re2",
           "regex", "ekte.warm"]
#: what the coordinator itself imports only when it settles the first result: pikepdf, for the XMP
#: of a copy whose properties changed after the worker — not its PDF/A module (the validator, jsonschema,
#: fontTools: ≈ 0.2 s CPU), which a trusted copy does without (``archive.pdfa_save_kwargs``, issue 12) —
#: and the review reasons (``ekte.stages.reasons``: not extraction, ≈ 75 ms CPU the coordinator does not need);
#: imported in a thread while the first worker's start waits for the fork server's preload (:func:`import_late`)
COORDINATOR_LATE = ("pikepdf", "ekte.stages.reasons")
#: the signal that asks a lazy fork server for its OCR warm-up (ekte.warm installs the handler)
WARM_SIGNAL = signal.SIGUSR1
#: environment of the fork server: load OCR's part only when signalled; the file naming the language
LAZY_ENV, LANGUAGE_FILE_ENV, MAIN_ENV = "EKTE_WARM_LAZY", "EKTE_WARM_FILE", "EKTE_WARM_MAIN"

_state: dict[str, Any] = {"started": False, "pid": None, "fd": None, "file": None, "language": None, "warmed": None,
                          "late": False}


def context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _server() -> Any:
    from multiprocessing import forkserver

    return forkserver._forkserver  # noqa: SLF001 - its pid: the one process the warm-up signal goes to


def prestart(language: str | None = None) -> None:
    """Start the fork server now (once per process) with the lazy OCR
    warm-up, and meanwhile import in a thread what the coordinator needs
    for its first archive folder.  *language* (``ocr.language``): what
    :func:`warm` loads, given here or later."""
    if language:
        _state["language"] = language
    if _state["started"]:
        return
    _state["started"] = True
    server = _server()
    running_before = server._forkserver_pid is not None  # noqa: SLF001 - one started without us: never signalled
    context()
    # the language goes through a private file the fork server opens and unlinks at once (no name is left)
    fd, path = tempfile.mkstemp(prefix="ekte-warm-")
    _state.update(fd=fd, file=path)
    atexit.register(cleanup)
    from ekte.logs import ENV as LOG_ENV, for_workers  # (standard library only)

    # the workers log as this process does (a script without logging set up: not at all)
    env = {LAZY_ENV: "1", LANGUAGE_FILE_ENV: path, MAIN_ENV: _main_path(), LOG_ENV: for_workers(), **safe_path_env()}
    old_env = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    old = os.umask(0o077)
    # the warm-up signal stays pending (not fatal) until ekte.warm has set its handler; SIGTERM (the process
    # group's, from timeout or systemd) until ekte.forkquiet ignores it: the coordinator decides, the fork
    # server ends with it
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {WARM_SIGNAL, signal.SIGTERM})
    try:
        server.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.umask(old)
        for k, v in old_env.items():  # only the fork server started now has them
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    if running_before:  # that one loaded everything at its start: no file, no signal
        cleanup()
    else:
        _state["pid"] = server._forkserver_pid  # noqa: SLF001


def import_late() -> None:
    """Import, in a thread, what the coordinator needs when it settles the
    first result (:data:`COORDINATOR_LATE`) — called as the first worker is
    started: the coordinator then waits for the fork server's preload (the
    longer of the two start-ups), where before the import held the GIL
    while the coordinator worked towards its first task (issue 12)."""
    if _state["late"]:
        return
    _state["late"] = True
    for name in COORDINATOR_LATE:
        threading.Thread(target=importlib.import_module, args=(name,), name="ekte-warm-import", daemon=True).start()


def safe_path_env() -> dict[str, str]:
    """The fork server is started as ``python -c …``, which puts the current
    directory first on its import path: a ``pikepdf.py`` or ``regex.py`` in
    the folder ekte was started from would run in the fork server and every
    worker.  ``PYTHONSAFEPATH`` leaves it out; ekte's own folder goes on
    ``PYTHONPATH`` so a source checkout still finds ekte."""
    import ekte

    root = os.path.dirname(os.path.dirname(os.path.abspath(ekte.__file__)))
    rest = os.environ.get("PYTHONPATH")
    return {"PYTHONSAFEPATH": "1", "PYTHONPATH": root + (os.pathsep + rest if rest else "")}


def prestart_for(inputs: list, budget: int = 2000) -> None:
    """:func:`prestart`, unless the paths *inputs* hold no file at all (an
    empty inbox polled by a cron job): then later calls do not start it
    either, and the run pays no preload (≈ 0.8 s of CPU in two processes).
    A file that arrives meanwhile is still done — its worker's fork server
    starts when the first worker does, and loads everything."""
    if holds_files(inputs, budget):
        prestart()
    else:
        _state["started"] = True


def holds_files(inputs: list, budget: int = 2000) -> bool:
    """Whether the paths *inputs* may hold a file: False only for folders
    (and their folders) seen whole to hold nothing else; anything else, an
    error, or more than *budget* entries looked at, is True (the run finds out)."""
    todo = [os.fspath(p) for p in inputs]
    while todo:
        path = todo.pop()
        try:
            if os.path.islink(path) or not os.path.isdir(path):
                return True
            with os.scandir(path) as entries:
                for e in entries:
                    budget -= 1
                    if budget < 0 or not e.is_dir(follow_symlinks=False):
                        return True
                    todo.append(e.path)
        except OSError:
            return True
    return False


def _main_path() -> str:
    """The coordinator's main script as multiprocessing names it: the fork
    server poses as it, so that a worker does not run it again (the
    ``ekte`` script imports the whole CLI: typer, rich — 0.3 s and 10 MB a
    worker for nothing)."""
    from multiprocessing import spawn

    return spawn.get_preparation_data("ekte").get("init_main_from_path") or ""


def warm(language: str | None = None) -> float | None:
    """Ask the fork server started by :func:`prestart` to load OCR's part
    now (once); returns when it was asked (``time.monotonic``), or None
    when this fork server is not a lazy one (it loaded everything at start)."""
    if _state["warmed"] is not None:
        return _state["warmed"]
    pid, fd = _state["pid"], _state["fd"]
    if pid is None or fd is None or _server()._forkserver_pid != pid:  # noqa: SLF001 - restarted since: not ours
        return None
    try:
        os.pwrite(fd, (language or _state["language"] or "").encode(), 0)
        os.kill(pid, WARM_SIGNAL)
    except OSError:
        return None
    _state["warmed"] = time.monotonic()
    return _state["warmed"]


def did_ocr(res: Any) -> bool:
    """Whether a worker's result came from OCR (pages recognised, or a page range)."""
    doc = getattr(res, "document", None)
    return getattr(res, "part", None) is not None or bool(doc is not None and (doc.ocr or {}).get("ocr_pages"))


def retire_after(forked: float, res: Any, language: str) -> bool:
    """After a task: True when the worker (forked at *forked*) was forked
    before the fork server's shared OCR part — after its OCR, so that its
    private copy (≈ 50 MB) does not stay, and after any task once the
    warm-up was asked, so that a later scan is not done with a private copy
    again (issue 12); the first OCR asks for the warm-up."""
    asked = warm(language) if did_ocr(res) else _state["warmed"]
    return asked is not None and forked < asked


def cleanup() -> None:
    """At exit: the language file's name, if the fork server never took it away."""
    path, _state["file"] = _state["file"], None
    try:
        os.unlink(path) if path else None
    except OSError:
        pass
    if _state["pid"] is None and _state["fd"] is not None:
        os.close(_state["fd"])
        _state["fd"] = None
