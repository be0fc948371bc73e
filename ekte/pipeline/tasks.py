"""Typed work items and results: what the coordinator sends to a worker and
what comes back.  Plain, picklable dataclasses, so that any executor — the
local process pool today, Dask tomorrow — can carry them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ekte.model import Document, ErrorInfo
from ekte.stages.ocr import OcrParams

# what a task asks for
ARCHIVE = "archive"  # archival PDF (PDF/A) + text + classify + extract
ANALYZE = "analyze"  # text + classify + extract only (classify, eval, train): no PDF/A
PART = "part"  # OCR a page range of a long scan prepared by an ARCHIVE task (see ekte.pipeline.split)
ASSEMBLE = "assemble"  # the OCRed ranges → one archival PDF/A, then text + classify + extract

# why a task has no regular result
TIMEOUT = "timeout"  # over its time limit: its worker was killed
CRASHED = "crashed"  # its worker died (out of memory, a signal, a crash in a library)
ABANDONED = "abandoned"  # stopped because ekte is shutting down: left for the next run


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker process is started with; it builds its plugin
    manager, classifiers and extractors from this once, not per task."""

    profile: Any  # ekte.profile.Profile (a pydantic model: picklable)
    plugins: tuple[str, ...]
    workdir: str
    params: OcrParams
    image_default_dpi: int = 300
    #: the programs' versions the coordinator's dependency check found (``ekte.stages.tools``): a worker records
    #: them without running the programs again; empty: it asks them itself
    tools: dict[str, str] = field(default_factory=dict)
    #: the installed plugins' entry points the coordinator found (``ekte.plugins.installed``): a worker on its
    #: host loads them without reading every installed package again; None: it looks itself
    entry_points: tuple[tuple[str, str], ...] | None = None


@dataclass
class WorkItem:
    """One document to process, with the metadata delivered with it
    (``given``: doctype, fields, source, provenance, embed, archive_files)
    — it travels with the item instead of a side table keyed by path."""

    path: Path  # where the file is (an inbox file, or a part a container was unpacked to)
    given: dict[str, Any] = field(default_factory=dict)
    package: str | None = None  # the container it came from, if any
    source_plugin: str | None = None


@dataclass(repr=False)
class PartFile:
    """One OCRed page range of a long scan, on its way to the ASSEMBLE task:
    the range's PDF (a path or its bytes) and what its OCR found."""

    first: int
    last: int
    ocr: dict[str, Any]
    path: str | None = None
    data: bytes | None = None

    def as_bytes(self) -> "PartFile":
        """This part with its PDF's bytes (for a worker on another host)."""
        if self.data is not None:
            return self
        return PartFile(self.first, self.last, self.ocr, data=Path(self.path or "").read_bytes())


@dataclass(repr=False)
class WorkTask:
    """A task for a worker: the document (identity and what is known about
    it) and either the file's *path* (same host / shared file system) or
    its bytes in *data*."""

    task_id: str
    document: Document
    path: str | None = None
    data: bytes | None = None
    mode: str = ARCHIVE
    ocr_jobs: int = 1
    timeout: float = 0.0  # seconds; 0 = none
    scratch: str = ""  # a folder for the worker's files (the coordinator removes it)
    #: ARCHIVE: a scan with more pages than this comes back prepared, with ``WorkResult.split`` (0 = never)
    split_pages: int = 0
    pages: tuple[int, int] | None = None  # PART: the range (1-based, inclusive); path/data = the prepared PDF
    parts: list[PartFile] = field(default_factory=list)  # ASSEMBLE: the OCRed ranges in order

    def __repr__(self) -> str:  # no file names, delivered metadata or contents (it may be logged, by Dask too)
        return f"WorkTask({self.task_id!r}, mode={self.mode!r}, {'path' if self.path else 'bytes'})"


@dataclass(repr=False)
class WorkResult:
    """What a worker returns: the document after OCR, ``after_ocr``,
    classification, ``after_classify`` and extraction — or the error that
    ends it in quarantine.  ``failure`` says when the worker itself did not
    finish (timeout, crash, shutdown)."""

    task_id: str
    document: Document | None = None
    original: str | None = None  # the verified working copy of the original (a path the coordinator can read)
    archival: str | None = None  # the archival PDF (ARCHIVE mode)
    original_data: bytes | None = None  # … or their bytes, from a worker without a shared file system
    archival_data: bytes | None = None
    error: ErrorInfo | None = None
    failure: str | None = None
    seconds: float = 0.0
    worker_pid: int = 0
    worker: str = ""  # which worker (a Dask worker's name or address; empty on one machine)
    #: a long scan to be OCRed in page ranges: its pages; ``archival`` is then the prepared (not OCRed) PDF
    split: int = 0
    part: dict[str, Any] | None = None  # PART: the range's OCR result; ``archival`` is the range's PDF

    def __repr__(self) -> str:  # no file names, texts or fields (it may be logged, by Dask too)
        return f"WorkResult({self.task_id!r}, ok={self.ok}, failure={self.failure!r})"

    def files(self, scratch: Path) -> tuple[Path, Path]:
        """The original and the archival PDF as local files (bytes written into *scratch*)."""
        out = []
        for path, data, name in ((self.original, self.original_data, "original"),
                                 (self.archival, self.archival_data, "archival.pdf")):
            if path is None and data is not None:
                scratch.mkdir(parents=True, exist_ok=True)
                (scratch / name).write_bytes(data)
                path = str(scratch / name)
            out.append(Path(path or ""))
        return out[0], out[1]

    @property
    def ok(self) -> bool:
        return self.error is None and self.failure is None and self.document is not None
