"""What scripts import.

    from ekte.api import ingest
    result = ingest(["inbox/"], profile="landkreis", workdir="ekte-data")
    print(result.summary, result.exit_code)
    for doc in result.documents:
        print(doc.id, doc.status, doc.doctype, doc.fields)
"""

from __future__ import annotations

from pathlib import Path

from ekte.errors import ConfigError, DocumentError, ExitCode, MissingDependency
from ekte.model import Document, Status
from ekte.pipeline import IngestResult, Pipeline, ProgressSink, default_workdir
from ekte.profile import Profile, available_profiles, check_profile, load_profile

__all__ = [
    "ConfigError", "Document", "DocumentError", "ExitCode", "IngestResult", "MissingDependency", "Pipeline",
    "Profile", "ProgressSink", "Status", "available_profiles", "check_profile", "default_workdir", "ingest",
    "load_profile",
]


def ingest(
    paths: list[str | Path],
    *,
    profile: str | Profile | None = None,
    workdir: str | Path | None = None,
    overrides: list[str] | None = None,
    jobs: int | None = None,
    connectors: list[str] | None = None,
    plugins: list[str] | None = None,
    move_to: str | Path | None = None,
    progress: ProgressSink | None = None,
) -> IngestResult:
    """Ingest files and folders: OCR, classify, extract, archive, export."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    with Pipeline(prof, workdir, jobs=jobs, connectors=connectors, plugins=plugins) as p:
        return p.ingest([Path(x) for x in paths], move_to=move_to, progress=progress)
