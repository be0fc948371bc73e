"""The worker side: task in, typed result out.

A worker turns one document into what the coordinator needs to archive
it: the verified working copy of the original → archival PDF and page
texts → ``after_ocr`` → classification → ``after_classify`` → extraction
(with the metadata delivered with the document).  Classification and
extraction run here, never on the coordinator's main loop, so a
pathological pattern or plugin stalls one worker, not the daemon.

This module imports nothing of the coordinator (only the plain task and result types), so any
executor can run :func:`run_task` — the local process pool (:mod:`ekte.pipeline.executor`) or a remote worker."""

from __future__ import annotations

import copy
import dataclasses
import errno
import logging
import os
import shutil
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ekte import procmem, starttrace
from ekte.errors import REASONS, DocumentError, environment_failure
from ekte.model import Classification, Document, ErrorInfo, Field
from ekte.pipeline.tasks import ANALYZE, ARCHIVE, ASSEMBLE, PART, WorkerSetup, WorkResult, WorkTask
from ekte.plugins import build_manager, call_list, run_processors
from ekte.stages import classify as classify_stage
from ekte.stages import extract as extract_stage
from ekte.stages import intake, ocr_rec, office, pages, sanitize, tools, workpdf, xmp
from ekte.stages.layout import page_words
from ekte.stages.ocr import make_archival_pdf, tool_versions

log = logging.getLogger("ekte.worker")

#: the stage of an error that is the environment's (disk full in the scratch space): the coordinator stops the run
ENVIRONMENT = "environment"


@dataclass
class WorkerContext:
    """What a worker builds once from its :class:`WorkerSetup`."""

    setup: WorkerSetup
    pm: Any
    classifiers: list[Any]
    extractors: list[Any]

    @property
    def profile(self) -> Any:
        return self.setup.profile


def build_context(setup: WorkerSetup) -> WorkerContext:
    tools.remember(setup.tools)  # the versions the coordinator's dependency check found: no program run here
    pm, _infos = build_manager(list(setup.plugins), describe=False, found=getattr(setup, "entry_points", None))
    classifiers = call_list(pm, "ekte_classifiers")
    extractors = call_list(pm, "ekte_extractors")
    for c in classifiers + extractors:
        if hasattr(c, "configure"):
            c.configure(setup.profile, Path(setup.workdir))
    return WorkerContext(setup, pm, classifiers, extractors)


# -- the stages a worker runs ------------------------------------------------------

def apply_ocr_result(doc: Document, res: dict[str, Any], language: str, archives: bool = True) -> None:
    """Take what :func:`make_archival_pdf` found into the document."""
    doc.pages = res["pages"]
    doc.page_texts = res["page_texts"]
    v = tool_versions()
    doc.ocr = {
        "engine": "tesseract", "engine_version": v.get("tesseract"), "ocrmypdf_version": v.get("ocrmypdf"),
        "language": language, "route": res.get("route"),
        "ocr_pages": res.get("ocr_pages", []), "text_layer_pages": res.get("text_pages", []),
        "pages_without_text": res.get("pages_without_text", []), "seconds": res.get("seconds"),
    }
    if res.get("geometry"):
        doc.ocr["geometry"] = res["geometry"]
    doc.archival = {"format": res["format"], "route": res.get("route"), "attempts": res.get("attempts", [])}
    if res.get("page_words"):
        doc.extra["page_words"] = res["page_words"]  # for extraction in this worker
    if res.get("form_fields"):
        doc.extra["form_fields"] = res["form_fields"]
        doc.log("intake", "form", f"{len(res['form_fields'])} form field values")
    if res.get("reason"):
        doc.archival["reason"] = res["reason"]
        if archives:  # an analysis (ekte classify, eval, train) archives nothing: no word about an archival copy
            doc.warnings.append(f"archival copy is {res['format']}: {res['reason']}")
    for n in res.get("notes", []):
        doc.log("intake", "note", n)
    for a in res.get("attempts", []):
        doc.log("ocr", a["route"], a["result"])
    if res.get("pages_without_text"):
        pages = ", ".join(map(str, res["pages_without_text"]))
        doc.warnings.append(f"no text found on page(s) {pages}")
        log.warning("doc %s: no text on page(s) %s", doc.id, pages)


def understand(doc: Document, ctx: WorkerContext) -> None:
    """``after_ocr`` → classify → ``after_classify`` → extract, taking what
    was delivered with the document as given instead of guessing."""
    profile = ctx.profile
    run_processors(ctx.pm, "after_ocr", doc, profile)
    given = doc.extra.get("given") or {}
    if given.get("received"):
        doc.received = given["received"]  # when the sending system received it (xdomea Posteingangsdatum)
    if given.get("doctype") in profile.doctypes:
        # delivered with the document: no guessing (and the sender's confidence, when it says one)
        conf = given.get("confidence")
        doc.classification = Classification(given["doctype"], 1.0 if conf is None else float(conf), [], "given")
    else:
        doc.classification = classify_stage.classify(doc, profile, ctx.classifiers)
    doc.log("classify", "classified", f"{doc.doctype} {doc.confidence:.3f} ({doc.classification.method})")
    run_processors(ctx.pm, "after_classify", doc, profile)
    doc.fields = extract_stage.extract(doc, profile, ctx.extractors)
    for k, v in (given.get("fields") or {}).items():
        value, conf = (v.get("value"), float(v.get("confidence", 1.0))) if isinstance(v, dict) else (v, 1.0)
        if value not in (None, ""):
            doc.fields[k] = Field(str(value), conf, None, None, "intake")
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


def _working_copy(task: WorkTask, scratch: Path) -> Path:
    doc = task.document
    orig = scratch / ("original" + intake.extension_for(doc.media_type))
    if task.data is not None:
        from ekte.fsutil import sha256_bytes

        if sha256_bytes(task.data) != doc.sha256:
            raise DocumentError("changed_during_read", stage="intake")
        orig.write_bytes(task.data)
    else:
        intake.copy_verified(Path(task.path or ""), orig, doc.sha256)
    return orig


def _long_scan(task: WorkTask, params: Any, work: Path, n_pages: int) -> int:
    """The pages of *work* when it is a scan longer than ``task.split_pages``
    to be archived as PDF/A (else 0); not read when its *n_pages* are fewer (issue 12)."""
    if task.mode != ARCHIVE or not task.split_pages or params.output_type != "pdfa-2" or n_pages <= task.split_pages:
        return 0
    n = pages.scan_pages(work, params.min_page_chars)
    return n if n > task.split_pages else 0


def _local_file(path: str | None, data: bytes | None, dest: Path) -> Path:
    """A file a task brings: its path (same host), or its bytes written to *dest*."""
    if data is None:
        return Path(path or "")
    dest.write_bytes(data)
    return dest


def _ocr_part(task: WorkTask, ctx: WorkerContext, scratch: Path, t0: float) -> WorkResult:
    """PART: OCR one page range of the prepared PDF (no PDF/A yet)."""
    assert task.pages is not None
    first, last = task.pages
    work = _local_file(task.path, task.data, scratch / "work.pdf")
    out = scratch / f"pages-{first}-{last}.pdf"
    res = pages.ocr_page_range(work, out, ctx.setup.params, first, last)
    res["seconds"] = round(time.monotonic() - t0, 3)
    return WorkResult(task.task_id, task.document, archival=str(out), part=res, seconds=res["seconds"],
                      worker_pid=os.getpid())


def _assembled(task: WorkTask, scratch: Path) -> tuple[Path, dict[str, Any]]:
    """ASSEMBLE: the OCRed ranges as one archival PDF, and their OCR results
    as one document's, with what the preparing worker found."""
    files = [_local_file(p.path, p.data, scratch / f"part-{p.first}.pdf") for p in task.parts]
    out = scratch / "archival.pdf"
    known = task.document.extra.pop("split", None) or {}
    res = pages.merge([p.ocr for p in task.parts])
    written = pages.assemble_or_plain(files, out)
    res.update(written, attempts=res["attempts"] + written["attempts"])
    res["page_words"] = page_words(out)
    res["notes"], res["cleaned"] = known.get("notes") or [], known.get("cleaned") or sanitize.Cleaned()
    if known.get("form_fields"):
        res["form_fields"] = known["form_fields"]
    res["ocr_seconds"] = sum(p.ocr.get("seconds") or 0 for p in task.parts)
    return out, res


def _archival(task: WorkTask, ctx: WorkerContext, orig: Path, scratch: Path,
              defer: bool = False) -> tuple[Path, dict[str, Any]]:
    doc, setup = task.document, ctx.setup
    params = setup.params if task.mode != ANALYZE else dataclasses.replace(setup.params, output_type="pdf")
    work = scratch / "work.pdf"
    cleaned, bound, most = sanitize.Cleaned(), ctx.profile.intake.max_decoded_mb, ctx.profile.intake.max_pages
    if doc.media_type == intake.PDF:
        n_pages, notes = workpdf.open_pdf_checked(orig, work, params.max_image_mpixels, bound, most)
        if task.mode != ANALYZE:  # no active content before any PDF/A route (a new file: work may be orig)
            cleaned = sanitize.clean(work, scratch / "clean.pdf")
            work = scratch / "clean.pdf" if cleaned else work
    elif doc.media_type in office.TYPES:
        notes = office.convert_document(doc, orig, work, ctx.profile.intake.office, scratch)
        n_pages, more = workpdf.open_pdf_checked(work, scratch / "checked.pdf", params.max_image_mpixels, bound, most)
        work = scratch / "checked.pdf"
        notes += more
        if task.mode != ANALYZE:  # LibreOffice keeps links (URI actions) and embedded objects: out as well
            cleaned = sanitize.clean(work, scratch / "clean.pdf")
            work = scratch / "clean.pdf" if cleaned else work
    else:
        n_pages, notes = workpdf.image_to_pdf(orig, work, setup.image_default_dpi, params.max_image_mpixels)
    n = _long_scan(task, params, work, n_pages)
    if n:  # OCRed in page ranges by any worker (ekte.pipeline.split); what is known now travels with it
        form = workpdf.read_form_fields(work) if doc.media_type == intake.PDF else None
        doc.extra["split"] = {"notes": notes, "cleaned": cleaned, "form_fields": form}
        return work, {"split": n}
    out = scratch / "archival.pdf"
    res = make_archival_pdf(work, out, params, task.ocr_jobs, defer)  # its page_words: read with the text, one pass
    if doc.media_type == intake.PDF:
        res["form_fields"] = workpdf.read_form_fields(work)
    res["notes"] = notes
    res["cleaned"] = cleaned
    return out, res


#: failures of an outside program that a full scratch space also causes (it only says it failed)
OUT_OF_SPACE_SUSPECTS = ("office_failed",)
SCRATCH_MIN_FREE = 8 << 20


def _scratch_full(scratch: Path) -> ErrorInfo | None:
    """An environment error when the scratch space has (almost) no room
    left: LibreOffice failing then is the machine's fault, not the document's."""
    try:
        st = os.statvfs(scratch)
    except OSError:
        return None
    if st.f_bavail * st.f_frsize >= SCRATCH_MIN_FREE:
        return None
    env = environment_failure(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "the working directory's scratch space")
    return ErrorInfo(env.code, env.message, ENVIRONMENT) if env else None


def _run(ctx: WorkerContext, task: WorkTask, scratch: Path, t0: float) -> WorkResult:
    doc = task.document
    if task.mode == PART:
        return _ocr_part(task, ctx, scratch, t0)
    if task.mode != ASSEMBLE:  # (ASSEMBLE: its document went through before_ocr when it was prepared)
        run_processors(ctx.pm, "before_ocr", doc, ctx.profile)
    orig = _working_copy(task, scratch)
    out, res = _assembled(task, scratch) if task.mode == ASSEMBLE else \
        _archival(task, ctx, orig, scratch, defer=task.mode == ARCHIVE)
    pending = res.pop("pending", None)
    kept = copy.deepcopy(doc) if pending is not None else None
    if res.get("split"):
        own = round(time.monotonic() - t0, 3)
        return WorkResult(task.task_id, doc, archival=str(out), split=res["split"], seconds=own,
                          worker_pid=os.getpid())
    try:
        _take(ctx, task, doc, res, t0)
    except BaseException:
        pending.close() if pending is not None else None
        raise
    if pending is not None:  # pikepdf's route: written now, with ekte's XMP (the archive then writes no PDF)
        values = xmp.values(doc, ctx.profile)
        if pending.save(values):
            doc.extra[xmp.WRITTEN] = values
            for a in doc.archival["attempts"]:  # what pikepdf's validator could not check, on the route's attempt
                if pending.note and a.get("route") == doc.archival["route"]:
                    a["note"] = pending.note
        else:  # it did not pass with them (rare): the document once more, as it was before, the usual way
            doc = kept
            task = dataclasses.replace(task, document=doc)
            for p in scratch.iterdir():  # from the working copy on, as the first time
                shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink() if p != orig else None
            out, res = _archival(task, ctx, orig, scratch)
            _take(ctx, task, doc, res, t0)
    log.debug("doc %s: archival PDF by route %s, %s pages, %s in %.2f s", doc.id, res.get("route"), doc.pages,
              doc.doctype, res["seconds"])
    if task.mode != ANALYZE:  # archiving needs the fields, not the word boxes (training does: ANALYZE)
        doc.extra.pop("page_words", None)
    return WorkResult(task.task_id, doc, str(orig), str(out), seconds=res["own"], worker_pid=os.getpid())


def _take(ctx: WorkerContext, task: WorkTask, doc: Document, res: dict[str, Any], t0: float) -> None:
    """The archival PDF's result into *doc*, then classification and extraction."""
    res["own"] = round(time.monotonic() - t0, 3)
    res["seconds"] = round(res["own"] + res.pop("ocr_seconds", 0), 3)  # assembled: the ranges' OCR time included
    cleaned = res.pop("cleaned")
    sanitize.archival_kind(res, cleaned)
    apply_ocr_result(doc, res, ctx.setup.params.language, archives=task.mode != ANALYZE)
    understand(doc, ctx)
    sanitize.record(doc, cleaned)


def run_task(ctx: WorkerContext, task: WorkTask) -> WorkResult:
    """The worker function: one document, start to extraction (or one step
    of a long scan done in page ranges: prepare, a range, assemble).  Every
    failure comes back as a result with an error; none escapes."""
    t0 = time.monotonic()
    doc = task.document
    scratch = Path(task.scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        return _run(ctx, task, scratch, t0)
    except DocumentError as e:
        err = _scratch_full(scratch) if e.code in OUT_OF_SPACE_SUSPECTS else None
        err = err or ErrorInfo(e.code, e.message, e.stage)
    except MemoryError:
        err = ErrorInfo("decompression_bomb", REASONS["decompression_bomb"], "ocr")
    except OSError as e:  # the scratch space is full or not writable: the machine's fault, not the document's
        env = environment_failure(e, "the working directory's scratch space")
        if env is None:
            log.debug("doc %s: unexpected error", doc.id, exc_info=True)
        err = ErrorInfo(env.code, env.message, ENVIRONMENT) if env else \
            ErrorInfo("internal_error", f"An unexpected error occurred while processing the file ({type(e).__name__}).",
                      "ocr")
    except Exception as e:  # noqa: BLE001 - one bad document must not stop the run
        if type(e).__name__ == "PdfiumError":  # pdfium cannot read what qpdf repaired (a truncated file)
            return WorkResult(task.task_id, doc, error=ErrorInfo("broken_pdf", REASONS["broken_pdf"], "ocr"),
                              seconds=round(time.monotonic() - t0, 3), worker_pid=os.getpid())
        log.debug("doc %s: unexpected error", doc.id, exc_info=True)
        err = ErrorInfo("internal_error", f"An unexpected error occurred while processing the file "
                                          f"({type(e).__name__}).", "ocr")
    return WorkResult(task.task_id, doc, error=err, seconds=round(time.monotonic() - t0, 3), worker_pid=os.getpid())


# -- a long-lived worker process ------------------------------------------------------

def init_process() -> None:
    """The environment of a worker process: the coordinator decides about
    interruption (SIGINT ignored), Tesseract single-threaded, no library
    chatter (it would only repeat file details)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import warnings

    from ekte.logs import setup_from_env

    warnings.simplefilter("ignore")
    setup_from_env()  # the coordinator's level and format, names and content filtered out


def watch_parent(pid: int) -> None:
    """End this process group when the coordinator is gone (killed with -9),
    so that no orphan goes on writing."""

    def loop() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os.killpg(0, signal.SIGKILL)

    threading.Thread(target=loop, name="ekte-parent-watch", daemon=True).start()


def serve(setup: WorkerSetup, conn: Any, parent_pid: int) -> None:
    """A worker process's main: build the context once, then take one task
    at a time from *conn* until it sends None or closes."""
    os.setsid()  # its own process group: a timeout kills its Tesseract and Ghostscript too
    init_process()
    procmem.limit_arenas()
    if parent_pid:
        watch_parent(parent_pid)
    try:
        ctx: WorkerContext | None = build_context(setup)
        broken = ""
    except Exception as e:  # noqa: BLE001 - reported per task
        ctx, broken = None, f"the worker could not load its plugins ({type(e).__name__})"
    procmem.freeze()  # the context lives as long as the worker: the collection after each task skips it
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        res = (run_task(ctx, task) if ctx is not None
               else WorkResult(task.task_id, task.document, error=ErrorInfo("internal_error", broken, "ocr")))
        # the recogniser stays loaded in a run of scans; after a task without OCR, a page gives it back
        ocr_rec.keep = res.part is not None or bool(res.document is not None and (res.document.ocr or {}).get("ocr_pages"))
        starttrace.mark("task-done")  # (measuring only: a worker's CPU per task, bench/timeline.py)
        try:
            conn.send(res)
        except OSError:  # the coordinator is gone (killed): the journal and the next run have the document
            return
        del task, res
        procmem.release()
