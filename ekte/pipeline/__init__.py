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
facade        :class:`Pipeline`, the one-object interface (below)
============  ==============================================================

:class:`Pipeline` keeps the old one-object interface for scripts:
``with Pipeline(profile, workdir) as p: p.ingest([...])``.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Pipeline", "Session", "IngestResult", "Interrupted", "NoProgress", "ProgressSink", "default_workdir"]

#: the names this package gives, by the module that has them: imported when first asked for, so that
#: importing one part — a worker's ``ekte.pipeline.workers`` (in the fork server's preload), the CLI's
#: ``ekte.pipeline.settled`` — does not import the whole coordinator (issue 12: ≈ 0.4 s of a run's start)
_WHERE = {"Pipeline": "facade", "Session": "session", "default_workdir": "session", "IngestResult": "results",
          "Interrupted": "results", "NoProgress": "results", "ProgressSink": "results"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
