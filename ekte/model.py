"""The one data model that flows through the pipeline.

A :class:`Document` is created by intake, enriched by every stage and
finally reported.  Everything that is written to ``metadata.json`` or
printed by ``ekte ingest --json`` is derived from it.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

METADATA_SCHEMA = "ekte.metadata/1"
OUTPUT_VERSION = 1


class Status(str, Enum):
    """The outcome of one document in one run (the output contract)."""

    ARCHIVED = "archived"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"
    REVIEW = "review"
    EXPORT_FAILED = "export_failed"  # archived, but a connector failed: retried by the next run / `ekte export`


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


@dataclass
class ErrorInfo:
    """A stable machine-readable code and one human sentence (no personal data)."""

    code: str
    message: str
    stage: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass
class Field:
    """One extracted metadata field."""

    value: str
    confidence: float
    page: int | None = None  # 1-based page number where it was found
    span: tuple[int, int] | None = None  # character span within that page's text
    method: str = "pattern"  # pattern | label | form | assigned | intake
    repaired: bool = False
    raw: str | None = None  # the text as found, when it was repaired

    def to_dict(self) -> dict[str, Any]:
        # (not dataclasses.asdict: its deep copy of values that are all immutable was most of metadata.json's
        # cost per document, issue 12)
        return {"value": self.value, "confidence": self.confidence, "page": self.page,
                "span": list(self.span) if self.span else None, "method": self.method, "repaired": self.repaired,
                "raw": self.raw}


@dataclass
class Candidate:
    doctype: str
    score: float


@dataclass
class Classification:
    doctype: str
    confidence: float
    candidates: list[Candidate] = field(default_factory=list)
    method: str = "rules"
    distribution: dict[str, float] = field(default_factory=dict)


@dataclass
class Event:
    time: str
    stage: str
    event: str
    detail: str = ""


@dataclass
class Document:
    """A document on its way through ekte; identity = SHA-256 of the original bytes."""

    sha256: str
    source: str
    size: int
    media_type: str
    received: str = field(default_factory=now_iso)
    pages: int = 0
    page_texts: list[str] = field(default_factory=list)
    classification: Classification | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    ocr: dict[str, Any] = field(default_factory=dict)
    archival: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    history: list[Event] = field(default_factory=list)
    status: Status | None = None
    error: ErrorInfo | None = None
    archive_path: str | None = None
    exports: dict[str, str] = field(default_factory=dict)
    duplicate_of: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Short, stable document id derived from the content hash."""
        return self.sha256[:16]

    @property
    def text(self) -> str:
        return "\f".join(self.page_texts)

    @property
    def doctype(self) -> str | None:
        return self.classification.doctype if self.classification else None

    @property
    def confidence(self) -> float | None:
        return self.classification.confidence if self.classification else None

    def type_sure(self, threshold: float) -> bool:
        """The type is settled: classified at or above *threshold* (``classify.threshold``); below it the
        document goes to review for its type (a clerk may change it there)."""
        return self.confidence is not None and self.confidence >= threshold

    def log(self, stage: str, event: str, detail: str = "") -> None:
        self.history.append(Event(now_iso(), stage, event, detail))

    # -- serialisation ---------------------------------------------------
    def result_dict(self) -> dict[str, Any]:
        """One entry of the ``ekte ingest --json`` output contract."""
        return {
            "id": self.id,
            "source": self.source,
            "sha256": self.sha256,
            "status": self.status.value if self.status else None,
            "doctype": self.doctype,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "fields": {k: f.value for k, f in self.fields.items()},
            "pages": self.pages,
            # absolute, as the exports' places (fresh32 F8: relative to the folder ekte ran in before)
            "archive": os.path.abspath(self.archive_path) if self.archive_path else None,
            "exports": dict(self.exports),
            "error": self.error.to_dict() if self.error else None,
            "duplicate_of": self.duplicate_of,
            "warnings": list(self.warnings),
        }

    def metadata_dict(self) -> dict[str, Any]:
        """The content of ``metadata.json`` in the archive."""
        c = self.classification
        return {
            "schema": METADATA_SCHEMA,
            "id": self.id,
            "sha256": self.sha256,
            "archive_sha256": self.archival.get("sha256"),
            "source": self.source,
            "size": self.size,
            "media_type": self.media_type,
            "received": self.received,
            "pages": self.pages,
            "doctype": c.doctype if c else None,
            "confidence": c.confidence if c else None,
            "classification": None
            if c is None
            else {
                "method": c.method,
                "candidates": [{"doctype": x.doctype, "score": round(x.score, 4)} for x in c.candidates],
            },
            "fields": {k: f.to_dict() for k, f in self.fields.items()},
            "ocr": self.ocr,
            "archival": {k: v for k, v in self.archival.items()},
            "warnings": self.warnings,
            "history": [{"time": e.time, "stage": e.stage, "event": e.event, "detail": e.detail} for e in self.history],
            # where the document came from when a system delivered it with metadata (xdomea, portal)
            "provenance": self.extra.get("provenance"),
        }


def document_from_metadata(meta: dict[str, Any]) -> Document:
    """Rebuild a Document from an archive's ``metadata.json``."""
    cls = meta.get("classification") or {}
    doc = Document(
        sha256=meta["sha256"],
        source=meta.get("source", ""),
        size=int(meta.get("size") or 0),
        media_type=meta.get("media_type", ""),
        received=meta.get("received") or now_iso(),
        pages=int(meta.get("pages") or 0),
    )
    if meta.get("doctype"):
        doc.classification = Classification(
            meta["doctype"],
            float(meta.get("confidence") or 0.0),
            [Candidate(c["doctype"], c["score"]) for c in cls.get("candidates", [])],
            cls.get("method", ""),
        )
    for k, f in (meta.get("fields") or {}).items():
        doc.fields[k] = Field(
            value=f["value"], confidence=f.get("confidence", 0.0), page=f.get("page"),
            span=tuple(f["span"]) if f.get("span") else None, method=f.get("method", ""),
            repaired=f.get("repaired", False), raw=f.get("raw"),
        )
    doc.ocr = dict(meta.get("ocr") or {})
    doc.archival = dict(meta.get("archival") or {})
    doc.warnings = list(meta.get("warnings") or [])
    doc.history = [Event(**e) for e in meta.get("history") or []]
    if meta.get("provenance"):
        doc.extra["provenance"] = meta["provenance"]
    return doc
