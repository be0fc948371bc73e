"""The pipeline: intake → OCR → classify → extract → archive → export, as parts.

============  ==============================================================
session       profile, working directory, journal, plugins, connectors
tasks         typed work items and results (what travels to a worker)
workers       the worker side: task in, typed result out
executor      where tasks run (the local pool of warm worker processes)
admission     walking, containers, per-file intake decisions
coordinator   the loop: admit → execute → settle, deferring claimed documents
split         long scans in page ranges (prepare → ranges → assemble), for any executor
steps         result → review decision → archive; the one place for quarantine
delivery      export, retries, connector groups
review        the review queue
runs          ingest, analyze, export as short scripts
============  ==============================================================

:class:`Pipeline` keeps the old one-object interface for scripts:
``with Pipeline(profile, workdir) as p: p.ingest([...])``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ekte.model import Document
from ekte.pipeline import delivery, review, runs
from ekte.pipeline.results import IngestResult, Interrupted, NoProgress, ProgressSink
from ekte.pipeline.session import Session, default_workdir

__all__ = ["Pipeline", "Session", "IngestResult", "Interrupted", "NoProgress", "ProgressSink", "default_workdir"]


class Pipeline(Session):
    """A session with the runs as methods."""

    def ingest(self, paths: list[Path | str], *, move_to: Path | str | None = None,
               progress: ProgressSink | None = None, command: str = "ingest", source: Any | None = None) -> IngestResult:
        if self.journal is None:
            with self:
                return self.ingest(paths, move_to=move_to, progress=progress, command=command, source=source)
        return runs.ingest(self, paths, move_to=move_to, progress=progress, command=command, source=source)

    def analyze(self, paths: list[Path | str], progress: ProgressSink | None = None) -> list[Document]:
        return runs.analyze(self, paths, progress)

    def export_archived(self, ids: list[str] | None = None, *, since: str | None = None, all_docs: bool = False,
                        force: bool = False, progress: ProgressSink | None = None) -> IngestResult:
        return runs.export_archived(self, ids, since=since, all_docs=all_docs, force=force, progress=progress)

    def retry_exports(self) -> list[Document]:
        return runs.retry_exports(self)

    def flush_groups(self) -> None:
        delivery.flush_groups(self)

    def review_list(self) -> list[dict[str, Any]]:
        return review.review_list(self)

    def review_accept(self, doc_id: str, doctype: str | None = None, sets: dict[str, str] | None = None, *,
                      actor: str | None = None, sample: str | None = None, expected: int | None = None) -> Document:
        return review.review_accept(self, doc_id, doctype, sets, actor=actor, sample=sample, expected=expected)

    def understand(self, doc: Document) -> None:
        """Classify and extract *doc* here (as a worker would; for benchmarks)."""
        from ekte.pipeline import workers

        if getattr(self, "_ctx", None) is None:
            self._ctx = workers.build_context(self.worker_setup())
        workers.understand(doc, self._ctx)
