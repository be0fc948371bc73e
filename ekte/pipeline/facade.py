"""The one-object interface for scripts (:class:`Pipeline`): a session with
the runs as methods.  ``ekte.pipeline`` gives it by name, importing this
module (and with it the whole coordinator) only when it is asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ekte.model import Document
from ekte.pipeline import delivery, review, runs
from ekte.pipeline.results import IngestResult, ProgressSink
from ekte.pipeline.session import Session

__all__ = ["Pipeline"]


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
