"""pluggy hook specifications: the one mechanism through which the
built-in stages and connectors and any third-party plugin register.

Plugins are discovered through the ``ekte`` entry-point group (the
built-ins register as ``ekte.builtin``) or loaded with ``--plugin MODULE``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from ekte.connectors.base import Connector
    from ekte.model import Document
    from ekte.profile import Profile
    from ekte.stages.classify import Classifier
    from ekte.stages.extract import Extractor

hookspec = pluggy.HookspecMarker("ekte")
hookimpl = pluggy.HookimplMarker("ekte")

#: the named points at which processors run, in pipeline order
PROCESSOR_POINTS = ("before_ocr", "after_ocr", "after_classify", "before_archive")


@hookspec
def ekte_connectors() -> list[type[Connector]]:
    """Return connector classes (each with a unique ``name``)."""


@hookspec
def ekte_classifiers() -> list[Classifier]:
    """Return classifier objects; the pipeline combines their decisions."""


@hookspec
def ekte_extractors() -> list[Extractor]:
    """Return field extractor objects; their fields are merged by confidence."""


@hookspec
def ekte_process(point: str, document: Document, profile: Profile) -> None:
    """Called at each of :data:`PROCESSOR_POINTS` with the document in flight:
    ``before_ocr``, ``after_ocr`` and ``after_classify`` in the worker process
    that OCRs, classifies and extracts it (a plugin module is imported there
    too), ``before_archive`` in the process that archives it.  A processor
    may change the document (its texts, fields, warnings) or raise
    :class:`ekte.errors.DocumentError` to quarantine it with that code and
    message; any other exception quarantines it as ``internal_error`` naming
    the plugin.  Either way the run goes on."""


@hookspec
def ekte_intake_sources() -> list[Any]:
    """Return intake sources: objects with ``name``, optional
    ``configure(profile, workdir)``, ``claims(path) -> bool`` (cheap) and
    ``expand(path, staging) -> list[Staged | Rejected]`` that turn a
    container (a portal package, a batch scan) into the documents to
    ingest with the metadata delivered with them; see :mod:`ekte.sources`."""
