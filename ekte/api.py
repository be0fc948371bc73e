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
    "load_profile", "analyze", "evaluate", "train", "review_list", "review_accept", "export",
    "import_xdomea", "watch", "status", "journal_check", "journal_rebuild", "profile_warnings",
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


def export(
    ids: list[str] | None = None,
    *,
    since: str | None = None,
    all_docs: bool = False,
    force: bool = False,
    profile: str | Profile | None = None,
    workdir: str | Path | None = None,
    overrides: list[str] | None = None,
    connectors: list[str] | None = None,
    plugins: list[str] | None = None,
    progress: ProgressSink | None = None,
) -> IngestResult:
    """Export archived documents (again): by id, received since an ISO
    date, or all.  Connectors that have a document already report
    "already-exported" unless *force*."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    with Pipeline(prof, workdir, connectors=connectors, plugins=plugins, create=False) as p:
        return p.export_archived(ids, since=since, all_docs=all_docs, force=force, progress=progress)


def import_xdomea(
    containers: list[str | Path],
    *,
    profile: str | Profile | None = None,
    workdir: str | Path | None = None,
    overrides: list[str] | None = None,
    jobs: int | None = None,
    connectors: list[str] | None = None,
    plugins: list[str] | None = None,
    progress: ProgressSink | None = None,
) -> IngestResult:
    """Ingest the documents of xdomea 0503/0605 containers (ZIP files or
    unpacked folders) with the metadata they carry."""
    from ekte.xdomea_import import import_containers

    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    for c in containers:
        if not Path(c).exists():
            raise ConfigError(f"input not found: {c}")
    with Pipeline(prof, workdir, jobs=jobs, connectors=connectors, plugins=plugins) as p:
        return import_containers(p, [Path(c) for c in containers], progress=progress)


def analyze(paths: list[str | Path], *, profile: str | Profile | None = None, workdir: str | Path | None = None,
            overrides: list[str] | None = None, jobs: int | None = None, plugins: list[str] | None = None,
            progress: ProgressSink | None = None) -> list[Document]:
    """OCR (as ingest would), classify and extract, without archiving."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    return Pipeline(prof, workdir, jobs=jobs, plugins=plugins).analyze([Path(x) for x in paths], progress)


def evaluate(directory: str | Path, truth: dict, **kw) -> dict:
    """Accuracy, macro-F1, confusion matrix and per-field precision/recall."""
    from ekte.evaluate import evaluate as _evaluate

    prof = kw.pop("profile", None)
    prof = prof if isinstance(prof, Profile) else load_profile(prof, kw.pop("overrides", None) or [])
    docs = analyze([directory], profile=prof, **kw)
    return _evaluate(docs, truth, prof.classify.threshold)


def train(directory: str | Path, *, profile: str | Profile | None = None, workdir: str | Path | None = None,
          overrides: list[str] | None = None, out: str | Path | None = None, jobs: int | None = None,
          progress: ProgressSink | None = None) -> dict:
    """Train the classifier from DIR/<doctype>/<files> (PDFs, images or .txt)."""
    from ekte.stages.classify import default_model_path, train_model

    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    root = Path(directory)
    texts: list[str] = []
    labels: list[str] = []
    to_read: list[tuple[Path, str]] = []
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for f in sorted(sub.rglob("*")):
            if not f.is_file() or f.name.startswith("."):
                continue
            if f.suffix.lower() == ".txt":
                texts.append(f.read_text("utf-8", errors="replace"))
                labels.append(sub.name)
            else:
                to_read.append((f, sub.name))
    if to_read:
        docs = analyze([p for p, _ in to_read], profile=prof, workdir=workdir, jobs=jobs, progress=progress)
        label_of = {str(p): lab for p, lab in to_read}
        for d in docs:
            if not d.error and d.page_texts:
                texts.append(d.text)
                labels.append(label_of[d.source])
    if not texts:
        raise ConfigError(f"no training documents found below {root} (expected one folder per document type)")
    path = Path(out) if out else default_model_path(prof, Path(workdir) if workdir else default_workdir())
    meta = train_model(texts, labels, prof, path)
    meta["path"] = str(path)
    return meta


def review_list(*, profile: str | Profile | None = None, workdir: str | Path | None = None,
                overrides: list[str] | None = None, plugins: list[str] | None = None) -> list[dict]:
    """The documents waiting for review, with their top candidates."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    with Pipeline(prof, workdir, plugins=plugins, create=False) as p:
        return p.review_list()


def review_accept(doc_id: str, *, doctype: str | None = None, sets: dict[str, str] | None = None,
                  profile: str | Profile | None = None, workdir: str | Path | None = None,
                  overrides: list[str] | None = None, connectors: list[str] | None = None,
                  plugins: list[str] | None = None) -> Document:
    """Confirm (or correct) a document waiting for review; this process
    exports it at once (the daemon may be running)."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    with Pipeline(prof, workdir, connectors=connectors, plugins=plugins, create=False) as p:
        return p.review_accept(doc_id, doctype, sets)


def watch(paths: list[str | Path], *, profile: str | Profile | None = None, workdir: str | Path | None = None,
          overrides: list[str] | None = None, jobs: int | None = None, connectors: list[str] | None = None,
          plugins: list[str] | None = None, polling: bool = False, stable_seconds: float | None = None,
          rescan_minutes: float | None = None, grace_seconds: float | None = None,
          done_dir: str | Path | None = None) -> int:
    """Run the watch daemon until SIGTERM/SIGINT; returns its exit code."""
    from ekte.watch import Watcher

    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    session = Pipeline(prof, workdir, jobs=jobs, connectors=connectors, plugins=plugins)
    w = Watcher(session, [Path(p) for p in paths], polling=polling, stable_seconds=stable_seconds,
                rescan_seconds=None if rescan_minutes is None else rescan_minutes * 60, grace_seconds=grace_seconds,
                done_dir=Path(done_dir) if done_dir else None)
    return w.run()


def status(*, workdir: str | Path | None = None) -> dict:
    """The watch daemons' state, the journal's counts and the ekte processes
    working on the directory (read-only; works while they run)."""
    from ekte.watch import read_status

    return read_status(Path(workdir) if workdir else default_workdir())


def journal_check(*, workdir: str | Path | None = None) -> dict:
    """The journal against the archive (SQLite integrity, archive folders
    the journal does not know or misses): ``{"ok", "damaged", "findings", "counts"}``."""
    from ekte.journal.rebuild import check

    return check(Path(workdir) if workdir else default_workdir())


def journal_rebuild(*, workdir: str | Path | None = None, profile: str | Profile | None = None,
                    overrides: list[str] | None = None, force: bool = False) -> dict:
    """A new journal from the archive's metadata.json files (the damaged one
    is kept beside it); no other ekte process may use the working directory."""
    from ekte.journal.rebuild import rebuild

    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    return rebuild(Path(workdir) if workdir else default_workdir(), prof, force=force)


def profile_warnings(path: str | Path) -> list[str]:
    """What in a valid profile could still hurt: patterns that could
    backtrack catastrophically (and which engine ekte runs them with)."""
    from ekte.patterns import lint

    return lint(load_profile(str(path)).model_dump(mode="json"))
