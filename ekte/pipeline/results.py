"""What a run returns (the ``--json`` contract's summary and the exit
code) and how it reports progress."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from ekte.errors import ExitCode
from ekte.model import OUTPUT_VERSION, Document, Status


class ProgressSink(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, doc: Document) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, doc: Document) -> None:
        pass

    def finish(self) -> None:
        pass


class Interrupted(BaseException):
    """SIGTERM during a run (SIGINT raises KeyboardInterrupt).  Like that,
    not an Exception: no ``except Exception`` (a connector's crash guard)
    may swallow it."""


_ARCHIVED = (Status.ARCHIVED, Status.REVIEW, Status.EXPORT_FAILED)


@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    workdir: str = ""
    #: an environment failure that ended the run, or made a connector fail (disk full, permission denied, …)
    failure: Any = None
    #: originals that --move could not move
    not_moved: int = 0
    #: what a run adds to its summary (``ekte mail``: the messages); ``attention`` makes the exit code 1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, Any]:
        by_status = Counter(d.status.value for d in self.documents if d.status)
        by_type: dict[str, Counter] = {}
        for d in self.documents:
            if d.status in _ARCHIVED:
                by_type.setdefault(d.doctype or "-", Counter())[d.status.value] += 1
        return {
            "total": len(self.documents),
            "by_status": {s.value: by_status.get(s.value, 0) for s in Status},
            "by_doctype": {k: dict(v) for k, v in sorted(by_type.items())},
            "seconds": round(self.seconds, 3),
            "pages": sum(d.pages for d in self.documents if d.status in _ARCHIVED),
            "interrupted": self.interrupted,
            **({"not_moved": self.not_moved} if self.not_moved else {}),
            **{k: v for k, v in self.extra.items() if k != "attention"},
        }

    @property
    def exit_code(self) -> int:
        if self.failure is not None:
            return self.failure.exit_code
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if self.not_moved or self.extra.get("attention") or any(
                d.status in (Status.QUARANTINED, Status.REVIEW, Status.EXPORT_FAILED) for d in self.documents):
            return ExitCode.DOCUMENTS_NEED_ATTENTION
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        out = {"version": OUTPUT_VERSION, "documents": [d.result_dict() for d in self.documents],
               "summary": self.summary}
        if self.failure is not None:
            out["error"] = self.failure.to_dict()
        return out
