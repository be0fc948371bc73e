"""The pipeline: intake → OCR → classify → extract → archive → export.

The main process walks the input, hashes and sniffs each file, and keeps
the journal; worker processes (``ocr.jobs``) turn originals into archival
PDFs with their text (the slow part); the main process then classifies,
extracts, archives and exports each document as its worker finishes.
"""

from __future__ import annotations

import fcntl
import json
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from ekte import fsutil
from ekte.connectors.base import Connector, ExportError, ExportResult
from ekte.errors import REASONS, ConfigError, DocumentError, ExitCode
from ekte.journal import ARCHIVED, EXPORTED, FINAL_STATES, QUARANTINED, REVIEW, Journal
from ekte.model import Document, ErrorInfo, Field, Status, document_from_metadata, now_iso
from ekte.plugins import build_manager, call_list, connectors as registered_connectors
from ekte.profile import Profile
from ekte.stages import archive as archive_stage
from ekte.stages import classify as classify_stage
from ekte.stages import extract as extract_stage
from ekte.stages import intake
from ekte.stages.layout import page_words
from ekte.stages.ocr import OcrParams, check_dependencies, make_archival_pdf, tool_versions

log = logging.getLogger("ekte")


def default_workdir() -> Path:
    return Path(os.environ.get("EKTE_HOME") or "ekte-data")


# -- the worker side ----------------------------------------------------------

@dataclass(frozen=True)
class OcrTask:
    doc_id: str
    path: str
    sha256: str
    media_type: str
    tmpdir: str
    params: OcrParams
    jobs: int
    image_default_dpi: int
    parent_pid: int = 0


def _kill_worker(proc: Any) -> None:
    """Stop a worker and everything it started (Tesseract, Ghostscript)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # not yet its own group leader
    try:
        proc.kill()
    except (ProcessLookupError, OSError, ValueError):
        pass
    proc.join(5)


def _watch_parent(pid: int) -> None:
    """In a worker: end this process group when the main process is gone
    (killed with -9), so no orphan goes on writing."""
    import threading

    def loop() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os.killpg(0, signal.SIGKILL)

    threading.Thread(target=loop, daemon=True).start()


def _worker_main(task: "OcrTask", conn: Any) -> None:
    os.setsid()  # own process group: a timeout kills Tesseract too
    _worker_init()
    if task.parent_pid:
        _watch_parent(task.parent_pid)
    try:
        res = ocr_worker(task)
    except BaseException as e:  # noqa: BLE001
        res = {"error": {"code": "internal_error", "stage": "ocr",
                         "message": f"An unexpected error occurred while processing the file ({type(e).__name__})."}}
    conn.send(res)
    conn.close()


def _worker_init() -> None:
    # The main process decides about interruption; workers just get killed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import warnings

    warnings.simplefilter("ignore")  # library warnings would only repeat file details
    logging.getLogger("ocrmypdf").setLevel(logging.ERROR)
    logging.getLogger("pikepdf").setLevel(logging.ERROR)


def ocr_worker(task: OcrTask) -> dict[str, Any]:
    """Runs in a worker process: working copy → archival PDF + page texts.
    Returns a plain dict; a :class:`DocumentError` becomes ``{"error": …}``."""
    tmp = Path(task.tmpdir)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    t0 = time.monotonic()
    notes: list[str] = []
    try:
        orig = tmp / ("original" + intake.extension_for(task.media_type))
        intake.copy_verified(Path(task.path), orig, task.sha256)
        work = tmp / "work.pdf"
        if task.media_type == intake.PDF:
            _n, notes = intake.open_pdf_checked(orig, work, task.params.max_image_mpixels)
        else:
            _n, notes = intake.image_to_pdf(orig, work, task.image_default_dpi, task.params.max_image_mpixels)
        out = tmp / "archival.pdf"
        res = make_archival_pdf(work, out, task.params, task.jobs)
        res["page_words"] = page_words(out if res.get("format") != "original" else work)
        if task.media_type == intake.PDF:
            res["form_fields"] = intake.read_form_fields(work)
        res.update(original=str(orig), archival=str(out), notes=notes, seconds=round(time.monotonic() - t0, 3))
        return res
    except DocumentError as e:
        return {"error": {"code": e.code, "message": e.message, "stage": e.stage}}
    except MemoryError:
        return {"error": {"code": "decompression_bomb", "message": REASONS["decompression_bomb"], "stage": "ocr"}}
    except Exception as e:  # noqa: BLE001 - one bad document must not stop the run
        logging.getLogger("ekte.worker").debug("doc %s: unexpected error", task.doc_id, exc_info=True)
        return {"error": {"code": "internal_error",
                          "message": f"An unexpected error occurred while processing the file ({type(e).__name__}).",
                          "stage": "ocr"}}


# -- progress reporting -----------------------------------------------------------

class ProgressSink(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, doc: Document) -> None: ...
    def finish(self) -> None: ...


class _NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, doc: Document) -> None:
        pass

    def finish(self) -> None:
        pass


# -- results --------------------------------------------------------------------

@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    workdir: str = ""

    @property
    def summary(self) -> dict[str, Any]:
        by_status = Counter(d.status.value for d in self.documents if d.status)
        by_type: dict[str, Counter] = {}
        for d in self.documents:
            if d.status in (Status.ARCHIVED, Status.REVIEW, Status.EXPORT_FAILED):
                by_type.setdefault(d.doctype or "-", Counter())[d.status.value] += 1
        return {
            "total": len(self.documents),
            "by_status": {s.value: by_status.get(s.value, 0) for s in Status},
            "by_doctype": {k: dict(v) for k, v in sorted(by_type.items())},
            "seconds": round(self.seconds, 3),
            "pages": sum(d.pages for d in self.documents
                         if d.status in (Status.ARCHIVED, Status.REVIEW, Status.EXPORT_FAILED)),
            "interrupted": self.interrupted,
        }

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if any(d.status in (Status.QUARANTINED, Status.REVIEW, Status.EXPORT_FAILED) for d in self.documents):
            return ExitCode.DOCUMENTS_NEED_ATTENTION
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        from ekte.model import OUTPUT_VERSION

        return {"version": OUTPUT_VERSION, "documents": [d.result_dict() for d in self.documents], "summary": self.summary}


class Interrupted(Exception):
    pass


class WorkerPool:
    """One worker process per document, at most ``workers`` at a time.  A
    document that exceeds ``ocr.document_timeout`` or whose worker dies is
    quarantined; the others go on.  Used by ingest and by the watcher."""

    def __init__(self, pipeline: "Pipeline", done: Callable[[Document, Path | None], None],
                 on_result: Callable[[Document, Path, dict[str, Any]], None] | None = None,
                 tmp_root: Path | None = None, params: OcrParams | None = None,
                 workers: int | None = None, per_doc_jobs: int = 1) -> None:
        self.p = pipeline
        self.done = done
        self.on_result = on_result
        self.tmp_root = tmp_root or pipeline.workdir / "tmp"
        self.params = params or pipeline.params
        self.workers = workers or pipeline.jobs
        self.per_doc_jobs = per_doc_jobs
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(["ekte.pipeline", "ocrmypdf", "pikepdf", "pikepdf.pdfa", "pypdfium2", "img2pdf",
                                         "PIL.Image"])
        from ekte.stages.ocr import _gs_version

        _gs_version()  # into the environment the workers inherit
        self._running: dict[Any, tuple[Any, Document, Path, float]] = {}
        self.abandoned: list[tuple[Document, Path]] = []
        #: set when ekte is shutting down: a worker that dies now died of the
        #: shutdown (the signal may have reached its process group), not of its document
        self.stopping = False

    @property
    def running(self) -> int:
        return len(self._running)

    @property
    def free(self) -> bool:
        return len(self._running) < self.workers

    def submit(self, doc: Document, path: Path) -> None:
        t = OcrTask(doc.id, str(path), doc.sha256, doc.media_type, str(self.tmp_root / doc.id),
                    self.params, self.per_doc_jobs, self.p.profile.intake.image_default_dpi, os.getpid())
        rx, tx = self.ctx.Pipe(duplex=False)
        proc = self.ctx.Process(target=_worker_main, args=(t, tx), daemon=True)
        proc.start()
        tx.close()
        self._running[rx] = (proc, doc, path, time.monotonic())

    def _handle(self, doc: Document, path: Path, res: dict[str, Any]) -> None:
        p = self.p
        if self.on_result is not None:
            self.on_result(doc, path, res)
        elif "error" in res:
            e = res["error"]
            p.quarantine(doc, ErrorInfo(e["code"], e["message"], e.get("stage", "")), path)
        else:
            try:
                p._finish_document(doc, res)
            except DocumentError as e:
                p.quarantine(doc, e, path)
            except OSError as e:
                log.error("doc %s: I/O error while archiving: %s", doc.id, e.strerror)
                p.quarantine(doc, DocumentError(
                    "internal_error", f"I/O error while archiving ({e.strerror}).", "archive"), path)
        shutil.rmtree(self.tmp_root / doc.id, ignore_errors=True)
        self.done(doc, path)

    def poll(self, timeout: float) -> int:
        """Wait up to *timeout* seconds for results; handle them; returns how many."""
        from multiprocessing.connection import wait as mp_wait

        if not self._running:
            time.sleep(timeout)
            return 0
        n = 0
        for rx in mp_wait(list(self._running), timeout=timeout):
            proc, doc, path, _t0 = self._running.pop(rx)
            try:
                res = rx.recv()
            except (EOFError, OSError):
                res = None
            rx.close()
            proc.join(5)
            if res is None:
                if self.stopping or proc.exitcode in (-signal.SIGTERM, -signal.SIGINT, -signal.SIGHUP):
                    # stopped by a signal meant for ekte (a shutdown), not by the document:
                    # abandon it cleanly; the journal has it as received, the next run redoes it
                    log.info("doc %s: worker stopped by signal %s; left for the next run", doc.id, -proc.exitcode)
                    shutil.rmtree(self.tmp_root / doc.id, ignore_errors=True)
                    self.abandoned.append((doc, path))
                    continue
                res = {"error": {"code": "ocr_failed", "stage": "ocr",
                                 "message": "The OCR worker process died (out of memory or killed)."}}
            self._handle(doc, path, res)
            n += 1
        limit = self.p.profile.ocr.document_timeout
        now = time.monotonic()
        for rx, (proc, doc, path, t0) in list(self._running.items()):
            if limit and now - t0 > limit:
                self._running.pop(rx)
                _kill_worker(proc)
                rx.close()
                log.warning("doc %s: OCR exceeded %s s, worker stopped", doc.id, limit)
                self._handle(doc, path, {"error": {"code": "ocr_timeout", "stage": "ocr",
                                                   "message": f"Text recognition took longer than {limit:g} s."}})
                n += 1
        return n

    def kill_all(self) -> None:
        for rx, (proc, *_rest) in list(self._running.items()):
            _kill_worker(proc)
            rx.close()
        self._running.clear()


# -- the pipeline ------------------------------------------------------------------

class Pipeline:
    """One working directory with its journal, archive and connectors."""

    def __init__(
        self,
        profile: Profile,
        workdir: Path | str | None = None,
        *,
        jobs: int | None = None,
        connectors: list[str] | None = None,
        plugins: list[str] | None = None,
    ):
        self.profile = profile
        self.workdir = Path(workdir) if workdir else default_workdir()
        j = jobs if jobs is not None else profile.ocr.jobs
        self.jobs = j if j and j > 0 else (os.cpu_count() or 1)
        self.pm, self.plugin_infos = build_manager(plugins)
        self.params = OcrParams.from_profile(profile)
        self.sources = call_list(self.pm, "ekte_intake_sources")
        for src in self.sources:
            if hasattr(src, "configure"):
                src.configure(profile, self.workdir)
        self.classifiers = call_list(self.pm, "ekte_classifiers")
        self.extractors = call_list(self.pm, "ekte_extractors")
        for c in self.classifiers + self.extractors:
            if hasattr(c, "configure"):
                c.configure(profile, self.workdir)
        names = connectors if connectors else list(profile.export.connectors)
        available = registered_connectors(self.pm)
        self.connectors = []
        for n in dict.fromkeys(names):
            if n not in available:
                raise ConfigError(f"unknown connector '{n}' (available: {', '.join(sorted(available))})")
            self.connectors.append(available[n](dict(profile.connectors.get(n, {})), self.workdir, profile))
        self._lockfd: int | None = None
        self.journal: Journal | None = None
        #: metadata delivered with a file (xdomea import, portal packages),
        #: keyed by the file's path: {"doctype", "fields", "source", "provenance"}
        self.given: dict[str, dict[str, Any]] = {}
        #: documents waiting for the rest of their group, per (connector, group key)
        self._groups: dict[tuple[str, str], list[tuple[Document, Path]]] = {}

    # -- working directory
    def open(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.workdir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ConfigError(f"another ekte process is using the working directory {self.workdir}") from None
        self._lockfd = fd
        for sub in ("archive", "export", "quarantine", "review", "tmp"):
            (self.workdir / sub).mkdir(exist_ok=True)
        # leftovers of an interrupted run: half-written files never count
        fsutil.clean_stale_tmp(self.workdir)
        shutil.rmtree(self.workdir / "tmp", ignore_errors=True)
        (self.workdir / "tmp").mkdir()
        self.journal = Journal(self.workdir / "journal.sqlite")

    def close(self) -> None:
        for c in self.connectors:
            c.close()
        if self.journal:
            self.journal.close()
            self.journal = None
        if self._lockfd is not None:
            os.close(self._lockfd)
            self._lockfd = None

    def __enter__(self) -> "Pipeline":
        self.open()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- stages in the main process
    def _process_point(self, point: str, doc: Document) -> None:
        self.pm.hook.ekte_process(point=point, document=doc, profile=self.profile)

    def quarantine(self, doc: Document, err: DocumentError | ErrorInfo, src: Path | None) -> None:
        assert self.journal
        info = err if isinstance(err, ErrorInfo) else ErrorInfo(err.code, err.message, err.stage)
        doc.status, doc.error = Status.QUARANTINED, info
        final = self.workdir / "quarantine" / doc.id
        with fsutil.staged_dir(final) as tmp:
            if src is not None:
                try:
                    shutil.copyfile(src, tmp / ("original" + intake.extension_for(doc.media_type)))
                except OSError:
                    pass  # unreadable: the reason says so
            fsutil.write_json(tmp / "reason.json", {
                "code": info.code, "message": info.message, "stage": info.stage,
                "id": doc.id, "sha256": doc.sha256, "source": doc.source, "time": now_iso(),
            })
        self.journal.set_state(doc.sha256, QUARANTINED, error_code=info.code, error_message=info.message)
        self.journal.event(doc.id, info.stage or "intake", "quarantined", info.code)
        log.warning("doc %s quarantined: %s", doc.id, info.code)

    def apply_ocr_result(self, doc: Document, res: dict[str, Any]) -> None:
        """Take a worker's result into the document (texts, OCR facts, warnings)."""
        doc.pages = res["pages"]
        doc.page_texts = res["page_texts"]
        v = tool_versions()
        doc.ocr = {
            "engine": "tesseract", "engine_version": v.get("tesseract"), "ocrmypdf_version": v.get("ocrmypdf"),
            "language": self.params.language, "route": res.get("route"),
            "ocr_pages": res.get("ocr_pages", []), "text_layer_pages": res.get("text_pages", []),
            "pages_without_text": res.get("pages_without_text", []), "seconds": res.get("seconds"),
        }
        doc.archival = {"format": res["format"], "route": res.get("route"), "attempts": res.get("attempts", [])}
        if res.get("page_rows"):
            doc.extra["page_rows"] = res["page_rows"]
        if res.get("page_words"):
            doc.extra["page_words"] = res["page_words"]
        if res.get("form_fields"):
            doc.extra["form_fields"] = res["form_fields"]
            doc.log("intake", "form", f"{len(res['form_fields'])} form field values")
        if res.get("reason"):
            doc.archival["reason"] = res["reason"]
            doc.warnings.append(f"archival copy is {res['format']}: {res['reason']}")
        for n in res.get("notes", []):
            doc.log("intake", "note", n)
        for a in res.get("attempts", []):
            doc.log("ocr", a["route"], a["result"])
        if res.get("pages_without_text"):
            pages = ", ".join(map(str, res["pages_without_text"]))
            doc.warnings.append(f"no text found on page(s) {pages}")
            log.warning("doc %s: no text on page(s) %s", doc.id, pages)

    def understand(self, doc: Document) -> None:
        """classify → extract, with the processor points around them."""
        from ekte.model import Classification

        self._process_point("after_ocr", doc)
        given = doc.extra.get("given") or {}
        if given.get("doctype") in self.profile.doctypes:
            # delivered with the document: no guessing
            doc.classification = Classification(given["doctype"], 1.0, [], "given")
        else:
            doc.classification = classify_stage.classify(doc, self.profile, self.classifiers)
        doc.log("classify", "classified", f"{doc.doctype} {doc.confidence:.3f} ({doc.classification.method})")
        self._process_point("after_classify", doc)
        doc.fields = extract_stage.extract(doc, self.profile, self.extractors)
        for k, v in (given.get("fields") or {}).items():
            if v not in (None, ""):
                doc.fields[k] = Field(str(v), 1.0, None, None, "intake")
        if (given.get("provenance") or {}).get("group") and "aktenzeichen" not in (given.get("fields") or {}):
            # parts of one submission share the Aktenzeichen assigned to the group,
            # not whatever number-like text one of them happens to contain
            if doc.fields.pop("aktenzeichen", None) is not None:
                doc.log("extract", "aktenzeichen-dropped", "group member: assigned per group")
        if given.get("provenance"):
            doc.extra["provenance"] = given["provenance"]
        for k in ("embed", "archive_files"):
            if given.get(k):
                doc.extra[k] = given[k]
        doc.log("extract", "extracted", ",".join(sorted(doc.fields)))

    def needs_review(self, doc: Document) -> bool:
        if doc.confidence is None or doc.confidence < self.profile.classify.threshold:
            return True
        doc.extra["review_fields"] = extract_stage.review_reasons(doc, self.profile)
        return bool(doc.extra["review_fields"])

    def assign_aktenzeichen(self, doc: Document) -> None:
        """A document without an Aktenzeichen gets one from the profile's template."""
        assert self.journal
        tmpl = self.profile.extract.aktenzeichen_template
        if not tmpl or "aktenzeichen" in doc.fields or not doc.doctype:
            return
        dtype = self.profile.doctypes.get(doc.doctype)
        aktenplan = dtype.aktenplan if dtype and dtype.aktenplan else doc.doctype
        year = doc.received[:4]
        try:
            # the parts of one submission share one Aktenzeichen
            gid = ((doc.extra.get("provenance") or {}).get("group") or {}).get("id")
            az = self.journal.assign_aktenzeichen(
                f"group:{gid}" if gid else doc.sha256, f"aktenzeichen:{aktenplan}:{year}",
                lambda seq: tmpl.format(aktenplan=aktenplan, year=year, seq=seq, doctype=doc.doctype))
        except (KeyError, ValueError, IndexError) as e:
            raise ConfigError(f"extract.aktenzeichen_template is invalid: {e}") from None
        doc.fields["aktenzeichen"] = Field(az, 1.0, None, None, "assigned")
        doc.log("extract", "aktenzeichen-assigned", "")

    def _finish_document(self, doc: Document, res: dict[str, Any]) -> None:
        """classify → extract → archive → (review | export) for one OCRed document."""
        assert self.journal
        self.apply_ocr_result(doc, res)
        self.journal.event(doc.id, "ocr", "done", f"route={res.get('route')} pages={doc.pages}")
        self.understand(doc)
        review = self.needs_review(doc)
        if not review:
            self.assign_aktenzeichen(doc)
        self._process_point("before_archive", doc)
        adir = archive_stage.write_archive(self.workdir, doc, Path(res["original"]), Path(res["archival"]), self.profile)
        self.journal.set_state(doc.sha256, ARCHIVED, doctype=doc.doctype, confidence=doc.confidence,
                               pages=doc.pages, archive_path=str(adir))
        self.journal.event(doc.id, "archive", "archived", doc.archival.get("format", ""))
        if review:
            self._to_review(doc)
        else:
            self.export(doc, adir)

    def _to_review(self, doc: Document) -> None:
        assert self.journal
        c = doc.classification
        fsutil.write_json(self.workdir / "review" / f"{doc.id}.json", {
            "id": doc.id, "sha256": doc.sha256, "archive": doc.archive_path, "time": now_iso(),
            "doctype": doc.doctype, "confidence": doc.confidence, "threshold": self.profile.classify.threshold,
            "candidates": [{"doctype": x.doctype, "score": round(x.score, 4)} for x in (c.candidates if c else [])][:3],
            "fields": doc.extra.get("review_fields", []),
        })
        doc.status = Status.REVIEW
        self.journal.set_state(doc.sha256, REVIEW)
        self.journal.event(doc.id, "classify", "review", f"confidence {doc.confidence:.3f}")
        log.info("doc %s waits for review (%s %.2f)", doc.id, doc.doctype, doc.confidence or 0)

    def _deliver(self, c: Connector, docs: list[Document], call: Callable[[], ExportResult]) -> None:
        """One connector call for *docs* (a document, or a group exported
        together): transient errors are retried with back-off; the outcome
        is recorded for each document.  A connector's crash (any other
        exception) is a failure of that connector only."""
        delay, attempt = self.profile.export.retry_delay, 0
        while True:
            try:
                r = call()
            except ExportError as e:
                if e.transient and attempt < self.profile.export.retries:
                    attempt += 1
                    log.info("doc %s: export to %s failed (%s); retry %d in %.1f s",
                             ",".join(d.id for d in docs), c.name, e, attempt, delay)
                    for d in docs:
                        self.journal.event(d.id, "export", "retry", f"{c.name}: {e}")
                    time.sleep(delay)
                    delay = min(60.0, delay * 2 if delay else 0)
                    continue
                for d in docs:
                    self._export_failed(d, c.name, str(e))
            except Exception as e:  # noqa: BLE001 - a connector's bug must not stop the run
                log.debug("connector %s crashed", c.name, exc_info=True)
                for d in docs:
                    self._export_failed(d, c.name, f"{type(e).__name__} in connector {c.name}")
            else:
                for d in docs:
                    self._exported(d, c.name, r)
            return

    def export(self, doc: Document, adir: Path, *, force: bool = False) -> bool:
        """Hand an archived document to every configured connector.

        A connector that has the document already (the journal says so) is
        not asked again unless *force*; then the connector itself decides
        whether it is there already.  A connector that groups documents
        (``group_key``) gets them together once the group is complete or the
        run ends (:meth:`flush_groups`).  A failing connector does not stop
        the others: the document stays "archived" in the journal and the
        next run (or ``ekte export``) tries again.  Returns True when every
        connector has it."""
        assert self.journal
        have = self.journal.exports_of(doc.id)
        doc.extra["export_failed"] = {}
        for c in self.connectors:
            if c.name in have and not force:
                doc.exports[c.name] = have[c.name]
                doc.extra.setdefault("export_results", {})[c.name] = "already-exported"
                self.journal.event(doc.id, "export", "already-exported", c.name)
                continue
            key = c.group_key(doc)
            if key is not None:
                grp = self._groups.setdefault((c.name, key), [])
                if all(d.sha256 != doc.sha256 for d, _ in grp):
                    grp.append((doc, adir))
                self.journal.event(doc.id, "export", "grouped", f"{c.name}: waits for its group")
                size = (doc.extra.get("provenance") or {}).get("group", {}).get("size")
                if size and len(grp) >= int(size):
                    self._flush_group(c, key)
                continue
            self._deliver(c, [doc], lambda c=c: c.export(doc, adir))
        return self._settle(doc)

    def _exported(self, doc: Document, cname: str, r: ExportResult) -> None:
        doc.exports[cname] = r.location
        doc.extra.setdefault("export_results", {})[cname] = "already-exported" if r.already else "exported"
        self.journal.record_export(doc.id, cname, r.location)
        self.journal.event(doc.id, "export", "already-exported" if r.already else "exported",
                           f"{cname} {r.note}".strip())

    def _export_failed(self, doc: Document, cname: str, message: str) -> None:
        doc.extra.setdefault("export_failed", {})[cname] = message
        doc.extra.setdefault("export_results", {})[cname] = "failed"
        self.journal.event(doc.id, "export", "export-failed", f"{cname}: {message}")
        log.warning("doc %s: export to %s failed: %s", doc.id, cname, message)

    def _settle(self, doc: Document) -> bool:
        """Set the document's status and journal state from its exports."""
        failed = doc.extra.get("export_failed") or {}
        if failed:
            doc.status = Status.EXPORT_FAILED
            doc.error = ErrorInfo("export_failed", "; ".join(f"{k}: {v}" for k, v in failed.items()), "export")
            self.journal.set_state(doc.sha256, ARCHIVED, error_code="export_failed", error_message=doc.error.message)
            return False
        doc.status = Status.ARCHIVED
        doc.error = None
        if set(c.name for c in self.connectors) <= set(self.journal.exports_of(doc.id)):
            self.journal.set_state(doc.sha256, EXPORTED, error_code=None, error_message=None)
            log.info("doc %s archived and exported (%s)", doc.id, doc.doctype)
            return True
        return False  # waiting for its group

    def _flush_group(self, c: Connector, key: str) -> None:
        items = self._groups.pop((c.name, key), [])
        if not items:
            return
        items.sort(key=lambda it: ((it[0].extra.get("provenance") or {}).get("group", {}).get("index", 0),
                                   it[0].sha256))
        self._deliver(c, [d for d, _ in items], lambda: c.export_group(items))
        for d, _ in items:
            self._settle(d)

    def flush_groups(self) -> None:
        """Export every group still waiting (at the end of a run)."""
        by_name = {c.name: c for c in self.connectors}
        for cname, key in list(self._groups):
            self._flush_group(by_name[cname], key)

    # -- the run
    def ingest(
        self,
        paths: list[Path | str],
        *,
        move_to: Path | str | None = None,
        progress: ProgressSink | None = None,
        command: str = "ingest",
        source: Any | None = None,
    ) -> IngestResult:
        """Ingest *paths* (files and folders, walked recursively).  With
        *source* (an intake source), every path is one of its containers
        instead (``ekte import-xdomea``)."""
        if self.journal is None:
            with self:
                return self.ingest(paths, move_to=move_to, progress=progress, command=command, source=source)
        journal = self.journal
        progress = progress or _NoProgress()
        check_dependencies(self.params.language)
        os.environ["OMP_THREAD_LIMIT"] = "1"
        t0 = time.monotonic()
        result = IngestResult(workdir=str(self.workdir))
        run_id = journal.start_run(command)
        roots = [Path(p) for p in paths]
        for r in roots:
            if not r.exists():
                raise ConfigError(f"input not found: {r}")
        exclude = [self.workdir] + ([Path(move_to)] if move_to else [])
        files = roots if source is not None else list(intake.walk(
            roots, self.profile.intake.ignore, exclude, claim=self.source_for if self.sources else None))
        progress.start(len(files))

        seen: dict[str, Document] = {}
        tasks: list[tuple[Document, Path]] = []
        packages: dict[str, list[Document]] = {}
        staging = Path(tempfile.mkdtemp(prefix="ekte-staging-")) if self.sources or source is not None else None

        def done(doc: Document, src: Path | None) -> None:
            result.documents.append(doc)
            pkg = (self.given.get(str(src)) or {}).get("package") if src is not None else None
            if pkg:
                packages.setdefault(pkg, []).append(doc)
            elif move_to and src is not None and doc.status in (Status.ARCHIVED, Status.DUPLICATE):
                self._move_original(src, roots, Path(move_to), doc)
            progress.advance(doc)

        stop = {"flag": False}

        def on_term(signum: int, frame: Any) -> None:
            stop["flag"] = True
            raise Interrupted()

        old_term = signal.signal(signal.SIGTERM, on_term)
        try:
            for path in files:
                parts = self.expand(path, staging, run_id, done, source) if staging is not None else [path]
                for part in parts:
                    task = self.admit(part, run_id, done, seen)
                    if task is not None:
                        tasks.append(task)
            self._run_workers(tasks, done)
            self.flush_groups()
            if move_to:
                for pkg, docs in packages.items():
                    if all(d.status in (Status.ARCHIVED, Status.DUPLICATE) for d in docs):
                        self._move_package(Path(pkg), roots, Path(move_to))
        except (KeyboardInterrupt, Interrupted):
            result.interrupted = True
            log.warning("interrupted; a re-run finishes the rest")
        finally:
            signal.signal(signal.SIGTERM, old_term)
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            progress.finish()
            order = {str(p): i for i, p in enumerate(files)}
            result.documents.sort(key=lambda d: order.get(d.source, len(order)))
            result.seconds = time.monotonic() - t0
            journal.finish_run(run_id, result.summary)
        return result

    def source_for(self, path: Path) -> Any | None:
        """The intake source that claims *path* (a file or folder), if any."""
        for src in self.sources:
            try:
                if src.claims(Path(path)):
                    return src
            except Exception:  # noqa: BLE001 - a plugin's bug must not stop the walk
                log.warning("intake source %s failed on a claims() check", getattr(src, "name", "?"))
        return None

    def expand(self, path: Path, staging: Path, run_id: int,
               done: Callable[[Document, Path | None], None], source: Any | None = None) -> list[Path]:
        """The files to admit for *path*: itself, or the parts an intake
        source unpacked from it (with their delivered metadata registered in
        :attr:`given`).  Rejected parts and unreadable containers are
        quarantined here."""
        from ekte.sources import Rejected

        src = source or self.source_for(path)
        if src is None:
            return [path]
        out = staging / f"p{len(list(staging.iterdir()))}"
        out.mkdir()
        name = getattr(src, "name", type(src).__name__)
        try:
            items = src.expand(Path(path), out)
        except DocumentError as e:
            items = [Rejected(str(path), e.code, e.message, Path(path) if Path(path).is_file() else None)]
        except Exception as e:  # noqa: BLE001
            log.warning("intake source %s failed: %s", name, type(e).__name__)
            items = [Rejected(str(path), "internal_error", f"intake source {name} failed ({type(e).__name__})",
                              Path(path) if Path(path).is_file() else None)]
        files: list[Path] = []
        for it in items:
            if isinstance(it, Rejected):
                data_path = it.path
                sha = fsutil.sha256_file(data_path) if data_path else fsutil.sha256_bytes(it.source.encode("utf-8"))
                doc = Document(sha256=sha, source=it.source, size=data_path.stat().st_size if data_path else 0,
                               media_type="")
                known = self.journal.get(sha)
                if known is None or known["state"] not in FINAL_STATES:
                    self.journal.receive(sha, doc.id, it.source, None, run_id)
                    self.quarantine(doc, DocumentError(it.code, it.message, "intake"), data_path)
                doc.status, doc.error = Status.QUARANTINED, ErrorInfo(it.code, it.message, "intake")
                done(doc, None)
                continue
            given = dict(it.given)
            given.setdefault("source", f"{path}!/{Path(it.path).name}")
            given["package"] = str(path)
            given.setdefault("provenance", {}).setdefault("source_plugin", name)
            self.given[str(it.path)] = given
            files.append(Path(it.path))
        return files

    def _move_package(self, pkg: Path, roots: list[Path], dest_root: Path) -> None:
        """Move a whole package (file or folder) after all its documents
        were exported."""
        target = fsutil.free_target(pkg, roots, dest_root)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if pkg.is_dir():
                shutil.copytree(pkg, target)
                shutil.rmtree(pkg)
            else:
                fsutil.copy_file(pkg, target)
                os.unlink(pkg)
        except OSError as e:
            log.warning("package could not be moved (%s)", e.strerror)

    def admit(self, path: Path, run_id: int, done: Callable[[Document, Path | None], None],
              seen: dict[str, Document] | None = None) -> tuple[Document, Path] | None:
        """Intake decisions for one file: hash and sniff it, recognise
        duplicates, resume half-done documents, quarantine what cannot be
        processed.  Returns an OCR task, or None when the file was settled
        here (``done`` has been called for it)."""
        journal = self.journal
        assert journal
        seen = seen if seen is not None else {}
        try:
            cand = intake.inspect(path)
        except DocumentError as e:
            doc = Document(sha256="0" * 64, source=str(path), size=0, media_type="")
            doc.status, doc.error = Status.QUARANTINED, ErrorInfo(e.code, e.message, e.stage)
            log.warning("file unreadable, skipped: %s", e.code)
            done(doc, None)
            return None
        doc = Document(sha256=cand.sha256, source=str(path), size=cand.size, media_type=cand.media_type or "")
        given = self.given.get(str(path))
        if given:
            doc.extra["given"] = given
            doc.source = given.get("source", doc.source)
        if cand.sha256 in seen:
            doc.status, doc.duplicate_of = Status.DUPLICATE, seen[cand.sha256].id
            done(doc, path)
            return None
        seen[cand.sha256] = doc
        row = journal.get(cand.sha256)
        if row is not None and row["state"] in FINAL_STATES:
            doc.status, doc.duplicate_of = Status.DUPLICATE, row["id"]
            doc.archive_path = row["archive_path"]
            doc.exports = journal.exports_of(row["id"])
            journal.event(doc.id, "intake", "duplicate", "")
            done(doc, path)
            return None
        if row is not None and row["state"] == ARCHIVED and row["archive_path"] and \
                (Path(row["archive_path"]) / archive_stage.METADATA).is_file():
            # archived by an interrupted run: export it now
            meta = json.loads((Path(row["archive_path"]) / archive_stage.METADATA).read_text("utf-8"))
            adoc = document_from_metadata(meta)
            adoc.source, adoc.archive_path = str(path), row["archive_path"]
            adoc.log("export", "resumed", "")
            self.export(adoc, Path(adoc.archive_path))
            done(adoc, path)
            return None
        journal.receive(cand.sha256, doc.id, str(path), cand.media_type, run_id)
        max_bytes = int(self.profile.intake.max_file_mb * 1024 * 1024)
        if cand.size == 0:
            self.quarantine(doc, DocumentError("empty", stage="intake"), path)
        elif cand.size > max_bytes:
            self.quarantine(doc, DocumentError("too_large", stage="intake"), None)
        elif cand.media_type not in intake.ACCEPTED:
            self.quarantine(doc, DocumentError("unsupported_type", stage="intake"), path)
        else:
            self._process_point("before_ocr", doc)
            return doc, path
        done(doc, path)
        return None

    def _run_workers(self, tasks: list[tuple[Document, Path]], done: Callable[[Document, Path | None], None],
                     on_result: Callable[[Document, Path, dict[str, Any]], None] | None = None,
                     tmp_root: Path | None = None, params: OcrParams | None = None) -> None:
        """Run *tasks* through a :class:`WorkerPool` until all are done."""
        if not tasks:
            return
        from collections import deque

        workers = max(1, min(self.jobs, len(tasks)))
        pool = WorkerPool(self, done, on_result, tmp_root, params, workers=workers,
                          per_doc_jobs=max(1, self.jobs // workers))
        queue = deque(tasks)
        try:
            while queue or pool.running:
                while queue and pool.free:
                    pool.submit(*queue.popleft())
                pool.poll(0.5)
        finally:
            pool.kill_all()

    # -- classify / eval / train: the stages up to extract, without archiving
    def analyze(self, paths: list[Path | str], progress: ProgressSink | None = None) -> list[Document]:
        """OCR (as ingest would), classify and extract; nothing is archived
        or written to the working directory."""
        import tempfile

        check_dependencies(self.params.language)
        os.environ["OMP_THREAD_LIMIT"] = "1"
        progress = progress or _NoProgress()
        files = list(intake.walk([Path(p) for p in paths], self.profile.intake.ignore))
        progress.start(len(files))
        docs: list[Document] = []
        tasks: list[tuple[Document, Path]] = []
        max_bytes = int(self.profile.intake.max_file_mb * 1024 * 1024)
        for path in files:
            try:
                cand = intake.inspect(path)
            except DocumentError as e:
                d = Document(sha256="0" * 64, source=str(path), size=0, media_type="")
                d.status, d.error = Status.QUARANTINED, ErrorInfo(e.code, e.message, e.stage)
                docs.append(d)
                progress.advance(d)
                continue
            doc = Document(sha256=cand.sha256, source=str(path), size=cand.size, media_type=cand.media_type or "")
            code = ("empty" if cand.size == 0 else "too_large" if cand.size > max_bytes
                    else "unsupported_type" if cand.media_type not in intake.ACCEPTED else None)
            if code:
                doc.status, doc.error = Status.QUARANTINED, ErrorInfo(code, REASONS[code], "intake")
                docs.append(doc)
                progress.advance(doc)
                continue
            self._process_point("before_ocr", doc)
            tasks.append((doc, path))

        def on_result(doc: Document, path: Path, res: dict[str, Any]) -> None:
            if "error" in res:
                e = res["error"]
                doc.status, doc.error = Status.QUARANTINED, ErrorInfo(e["code"], e["message"], e.get("stage", ""))
            else:
                self.apply_ocr_result(doc, res)
                self.understand(doc)
                doc.status = Status.REVIEW if self.needs_review(doc) else Status.ARCHIVED
            docs.append(doc)

        tmp = Path(tempfile.mkdtemp(prefix="ekte-analyze-"))
        try:
            # only the text is needed: no PDF/A conversion (the slow part for born-digital files)
            import dataclasses

            text_only = dataclasses.replace(self.params, output_type="pdf")
            self._run_workers(tasks, lambda d, p: progress.advance(d), on_result, tmp, text_only)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            progress.finish()
        order = {str(p): i for i, p in enumerate(files)}
        docs.sort(key=lambda d: order.get(d.source, len(order)))
        return docs

    # -- the review queue
    def review_list(self) -> list[dict[str, Any]]:
        out = []
        for f in sorted((self.workdir / "review").glob("*.json")):
            try:
                item = json.loads(f.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            row = self.journal.get_by_id(item.get("id", "")) if self.journal else None
            if self.journal and (row is None or row["state"] != REVIEW):
                f.unlink(missing_ok=True)  # left over from an interrupted accept
                continue
            out.append(item)
        return out

    def export_archived(self, ids: list[str] | None = None, *, since: str | None = None, all_docs: bool = False,
                        force: bool = False, progress: "ProgressSink | None" = None) -> IngestResult:
        """Export archived documents (again) to this pipeline's connectors:
        the given ids (or SHA-256 values), those received since an ISO date,
        or all.  Documents waiting for review are not exported before a
        clerk accepted them."""
        assert self.journal, "open() the pipeline first"
        if not ids and not since and not all_docs:
            raise ConfigError("say which documents: ID…, --since DATE or --all")
        rows = []
        if ids:
            for i in ids:
                row = self.journal.get_by_id(i) or (self.journal.get(i) if len(i) == 64 else None)
                if row is None:
                    raise ConfigError(f"no document with id {i}")
                rows.append(row)
        else:
            for row in self.journal.documents():
                if since and row["first_seen"] < since:
                    continue
                rows.append(row)
        result = IngestResult(workdir=str(self.workdir))
        started = time.monotonic()
        progress = progress or _NoProgress()
        todo = [r for r in rows if r["state"] in (EXPORTED, ARCHIVED, REVIEW)]
        progress.start(len(todo))
        for row in todo:
            if row["state"] == REVIEW:
                doc = Document(sha256=row["sha256"], source=row["source"], size=0, media_type=row["media_type"] or "")
                doc.status = Status.REVIEW
                doc.archive_path = row["archive_path"]
                result.documents.append(doc)
                progress.advance(doc)
                continue
            adir = Path(row["archive_path"] or "")
            try:
                meta = json.loads((adir / archive_stage.METADATA).read_text("utf-8"))
            except (OSError, ValueError):
                doc = Document(sha256=row["sha256"], source=row["source"], size=0, media_type=row["media_type"] or "")
                doc.status = Status.EXPORT_FAILED
                doc.error = ErrorInfo("archive_missing", "the archive folder of this document is missing or damaged",
                                      "export")
                result.documents.append(doc)
                progress.advance(doc)
                continue
            doc = document_from_metadata(meta)
            doc.archive_path = str(adir)
            self.export(doc, adir, force=force)
            result.documents.append(doc)
            progress.advance(doc)
        self.flush_groups()
        progress.finish()
        result.seconds = time.monotonic() - started
        return result

    def retry_exports(self) -> list[Document]:
        """Export every document the journal holds as archived but not
        exported (a connector failed, or a run ended before its group)."""
        assert self.journal
        ids = [r["id"] for r in self.journal.documents(ARCHIVED)]
        return self.export_archived(ids).documents if ids else []

    def review_accept(self, doc_id: str, doctype: str | None = None, sets: dict[str, str] | None = None) -> Document:
        """Confirm (or correct) a document waiting for review and export it."""
        from ekte.model import Classification
        from ekte.profile import FIELD_NAMES

        assert self.journal, "open() the pipeline first"
        row = self.journal.get_by_id(doc_id)
        if row is None:
            raise ConfigError(f"no document with id {doc_id}")
        if row["state"] != REVIEW:
            raise ConfigError(f"document {doc_id} is not waiting for review (state: {row['state']})")
        adir = Path(row["archive_path"])
        doc = document_from_metadata(json.loads((adir / archive_stage.METADATA).read_text("utf-8")))
        doc.archive_path = str(adir)
        new_type = doctype or doc.doctype
        if new_type not in self.profile.doctypes:
            raise ConfigError(f"unknown document type '{new_type}' (known: {', '.join(self.profile.doctypes)})")
        old = doc.classification
        doc.classification = Classification(new_type, 1.0, old.candidates if old else [], "manual",
                                            old.distribution if old else {})
        doc.log("review", "accepted", f"{new_type}" + (f" (was {old.doctype} {old.confidence:.3f})" if old else ""))
        for k, v in (sets or {}).items():
            if k not in FIELD_NAMES:
                raise ConfigError(f"unknown field '{k}' (known: {', '.join(FIELD_NAMES)})")
            doc.fields[k] = Field(v, 1.0, None, None, "manual")
            doc.log("review", "field-set", k)
        self.assign_aktenzeichen(doc)
        original = next(adir.glob("original.*"))
        archival = adir / archive_stage.ARCHIVE_PDF
        archive_stage.write_archive(self.workdir, doc, original, archival, self.profile)
        self.journal.set_state(doc.sha256, ARCHIVED, doctype=doc.doctype, confidence=1.0)
        self.journal.event(doc.id, "review", "accepted", new_type)
        self.export(doc, adir)
        self.flush_groups()
        (self.workdir / "review" / f"{doc.id}.json").unlink(missing_ok=True)
        return doc

    def _move_original(self, src: Path, roots: list[Path], dest_root: Path, doc: Document) -> None:
        target = fsutil.free_target(src, roots, dest_root)
        try:
            fsutil.copy_file(src, target)
            if fsutil.sha256_file(target) != doc.sha256:
                target.unlink()
                doc.warnings.append("original changed after it was read; not moved")
                return
            os.unlink(src)
            doc.log("intake", "moved", "")
        except OSError as e:
            doc.warnings.append(f"original could not be moved ({e.strerror})")
