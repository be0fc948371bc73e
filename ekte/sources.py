"""Intake sources: plugins that turn a container — a portal submission
(folder or ZIP), a batch scan with separator sheets — into the documents
to ingest, each with the metadata delivered with it.

A source is an object with

* ``name``
* ``configure(profile, workdir)`` (optional)
* ``claims(path) -> bool`` — cheap: is this file or folder mine?
* ``expand(path, staging) -> list[Staged | Rejected]`` — unpack/split into
  *staging* (a fresh folder outside the working directory)

returned from the ``ekte_intake_sources`` hook.  ``ekte ingest`` asks every
source about every folder (before walking into it) and every file; the
watcher asks about every file (so packages for the watcher are ZIP files,
or folders moved in with one rename).  ``Staged.given`` may carry
``doctype``, ``fields`` (taken as given), ``source`` (shown as the
document's source), ``provenance`` (kept in metadata.json; a ``group``
entry ``{"id", "size", "index", "role"}`` makes connectors that group —
xdomea — export the parts together), ``embed`` and ``archive_files``
(see ekte.stages.archive).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Staged:
    path: Path
    given: dict[str, Any] = field(default_factory=dict)


@dataclass
class Rejected:
    """A part of a container that must go to quarantine (with a copy of
    its bytes in *path* when there are any)."""

    source: str
    code: str
    message: str
    path: Path | None = None
