"""What scripts import.

    from ekte.api import ingest
    result = ingest(["inbox/"], profile="landkreis", workdir="ekte-data")
    print(result.summary, result.exit_code)
    for doc in result.documents:
        print(doc.id, doc.status, doc.doctype, doc.fields)
"""

from __future__ import annotations

from pathlib import Path

from ekte import workdirs
from ekte.errors import ConfigError, DocumentError, EnvironmentFailure, ExitCode, MissingDependency, raise_failure
from ekte.login import cli_actor  # (the login an audit entry names: re-exported)
from ekte.model import Document, Status
from ekte.pipeline import IngestResult, Pipeline, ProgressSink, default_workdir
from ekte.pipeline.results import not_begun
from ekte.pipeline.runs import inputs, path_list
from ekte.profile import Profile, available_profiles, check_profile, load_profile

__all__ = [
    "ConfigError", "Document", "DocumentError", "EnvironmentFailure", "ExitCode", "IngestResult", "MissingDependency",
    "Pipeline", "Profile", "ProgressSink", "Status", "available_profiles", "check_profile", "default_workdir", "ingest",
    "load_profile", "analyze", "evaluate", "train", "review_list", "review_accept", "export",
    "import_xdomea", "watch", "status", "with_executor", "review_show", "review_correct", "review_reject", "review_defer", "serve",
    "users_add", "users_token", "users_list", "users_remove", "stats", "ingest_report", "verify",
    "retention_due", "retention_delete", "retention_deleted", "history", "mail", "journal_check", "journal_rebuild",
    "profile_warnings", "forget_owed",
]


def with_executor(prof: Profile, executor: str | None = None, scheduler: str | None = None,
                  shared_root: str | Path | None = None) -> Profile:
    """*prof* with the executor chosen on the command line (``--executor``,
    ``--scheduler`` — which implies dask —, ``--shared-root``)."""
    changes: dict = {}
    if executor:
        changes["kind"] = executor
    if scheduler:
        changes.update(scheduler=scheduler, kind=executor or "dask")
    if shared_root:
        changes["shared_root"] = str(shared_root)
    if not changes:
        return prof
    from pydantic import ValidationError

    from ekte.profile import ExecutorSettings

    try:
        ex = ExecutorSettings.model_validate({**prof.executor.model_dump(), **changes})
    except ValidationError as e:
        err = e.errors()[0]
        raise ConfigError(f"--{err['loc'][0] if err['loc'] else 'executor'}: {err['msg']}".replace("--kind", "--executor")
                          .replace("Value error, ", "")) from None
    if ex.kind != "dask" and (scheduler or shared_root):
        raise ConfigError("--scheduler and --shared-root need --executor dask")
    return prof.model_copy(update={"executor": ex})


def ingest(
    paths: list[str | Path] | str | Path,
    *,
    profile: str | Profile | None = None,
    workdir: str | Path | None = None,
    overrides: list[str] | None = None,
    jobs: int | None = None,
    connectors: list[str] | None = None,
    plugins: list[str] | None = None,
    move_to: str | Path | None = None,
    progress: ProgressSink | None = None,
    executor: str | None = None,
    scheduler: str | None = None,
    shared_root: str | Path | None = None,
) -> IngestResult:
    """Ingest files and folders: OCR, classify, extract, archive, export
    (*executor* ``dask``: on Dask distributed, see :func:`with_executor`).  A full disk, a folder not
    writable, a damaged journal: :class:`EnvironmentFailure` (what was done before: ``e.result``)."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    prof = with_executor(prof, executor, scheduler, shared_root)
    paths = inputs(paths)  # a mistyped input is refused before a working directory is made for it (one path: a list of one)
    if move_to is not None and Path(move_to).exists() and not Path(move_to).is_dir():
        raise ConfigError(f"--move {move_to}: that is a file, not a folder (originals are moved into a folder)")
    with not_begun(paths), Pipeline(prof, workdir, jobs=jobs, connectors=connectors, plugins=plugins) as p:
        return raise_failure(p.ingest(paths, move_to=move_to, progress=progress))


def ingest_report(result: IngestResult, path: str | Path, *, profile: str | Profile | None = None,
                  overrides: list[str] | None = None, lang: str | None = None) -> Path:
    """Write a self-contained HTML report (with SVG charts) of an ingest result."""
    from ekte.serve.i18n import cli_language
    from ekte.serve.report import write_report

    return write_report(result, _profile(profile, overrides), Path(path), cli_language(lang) if lang else "de")


def export(
    ids: list[str] | None = None, *, since: str | None = None, all_docs: bool = False, force: bool = False,
    profile: str | Profile | None = None,
    workdir: str | Path | None = None,
    overrides: list[str] | None = None,
    connectors: list[str] | None = None,
    plugins: list[str] | None = None,
    progress: ProgressSink | None = None, actor: str | None = None,
) -> IngestResult:
    """Export archived documents (again): by id, received since an ISO
    date, or all.  Connectors that have a document already report
    "already-exported" unless *force*; the audit trail names *actor* (default: the login)."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    with not_begun([]), Pipeline(prof, workdir, connectors=connectors, plugins=plugins, archives=False, create=False) as p:
        p.j.actor = f"ekte export ({actor or cli_actor()})"  # a person started it, not the daemon (fresh38 F13)
        _exportable(p, ids or [])
        result = p.export_archived(ids, since=since, all_docs=all_docs, force=force, progress=progress)
        if result.failure is None and p.connectors_down:  # a connector down (permission denied, disk full): 74
            result.failure = next(iter(p.connectors_down.values()))
        return raise_failure(result)


def _exportable(p: Pipeline, ids: list[str]) -> None:
    """ConfigError naming the documents given by id that are not exported, and why."""
    from ekte.evidence.tombs import refuse_deleted
    from ekte.pipeline.queue import resolve_or_deleted

    why = {"rejected": "a clerk rejected it in review", "quarantined": "it is in the quarantine",
           "received": "it is not archived yet"}
    found = [resolve_or_deleted(p.j, i) for i in ids]
    refuse_deleted(p.workdir, [t["doc_id"] for _r, t in found if t is not None])  # exit 1, code deleted (fresh38 F5)
    rows = [r for r, _t in found if r is not None]
    bad = [f"{r['id']} ({why.get(r['state'], 'state ' + r['state'])})" for r in rows
           if r["state"] not in ("archived", "exported", "review")]
    if bad:
        raise ConfigError(f"not exportable: {', '.join(bad)}")


def import_xdomea(
    containers: list[str | Path] | str | Path,
    *,
    profile: str | Profile | None = None,
    workdir: str | Path | None = None,
    overrides: list[str] | None = None,
    jobs: int | None = None,
    connectors: list[str] | None = None,
    plugins: list[str] | None = None,
    progress: ProgressSink | None = None,
    executor: str | None = None,
    scheduler: str | None = None,
    shared_root: str | Path | None = None,
) -> IngestResult:
    """Ingest the documents of xdomea 0503/0605 containers (ZIP files or
    unpacked folders) with the metadata they carry."""
    from ekte.xdomea_import import import_containers

    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    prof = with_executor(prof, executor, scheduler, shared_root)
    containers = inputs(containers)
    with not_begun(containers), Pipeline(prof, workdir, jobs=jobs, connectors=connectors, plugins=plugins) as p:
        return raise_failure(import_containers(p, containers, progress=progress))


def mail(*, profile: str | Profile | None = None, workdir: str | Path | None = None,
         overrides: list[str] | None = None, jobs: int | None = None, connectors: list[str] | None = None,
         plugins: list[str] | None = None, progress: ProgressSink | None = None) -> IngestResult:
    """Poll the mailbox of ``[intake.mail]`` once: every new message becomes
    one Vorgang (its body and attachments), then is moved to the processed
    or the failed folder.  ``result.summary["mail"]`` counts the messages."""
    from ekte.mail.run import fetch_mail

    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    with not_begun([]), Pipeline(prof, workdir, jobs=jobs, connectors=connectors, plugins=plugins) as p:
        return raise_failure(fetch_mail(p, progress))


def analyze(paths: list[str | Path] | str | Path, *, profile: str | Profile | None = None, workdir: str | Path | None = None,
            overrides: list[str] | None = None, jobs: int | None = None, plugins: list[str] | None = None,
            progress: ProgressSink | None = None) -> list[Document]:
    """OCR (as ingest would), classify and extract, without archiving."""
    roots = inputs(paths)  # a missing input: ConfigError "input not found" (exit 2), as for ingest
    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    p = Pipeline(prof, workdir, jobs=jobs, plugins=plugins, archives=False)
    return p.analyze(roots, progress)


def evaluate(directory: str | Path, truth: dict | str | Path, **kw) -> dict:
    """Accuracy, macro-F1, confusion matrix, per-field precision/recall and
    the reliability of field confidences; *truth* a dict or a JSON file."""
    from ekte.evaluate import evaluate as _evaluate
    from ekte.evaluate import load_truth

    truth = load_truth(truth)
    prof = kw.pop("profile", None)
    prof = prof if isinstance(prof, Profile) else load_profile(prof, kw.pop("overrides", None) or [])
    docs = analyze([directory], profile=prof, **kw)
    return _evaluate(docs, truth, prof.classify.threshold, prof.extract.auto_threshold)


def train(directory: str | Path | None, *, profile: str | Profile | None = None, workdir: str | Path | None = None,
          overrides: list[str] | None = None, out: str | Path | None = None, jobs: int | None = None,
          progress: ProgressSink | None = None, truth: dict | str | Path | None = None,
          from_reviews: bool = False, force: bool = False, restore: bool = False) -> dict:
    """Train the type model from DIR/<doctype>/<files>, or both models from DIR
    with a truth file (dict or JSON file), and/or from the review queue (see :mod:`ekte.learn`);
    *force* saves a model that scores below the one in use, *restore* goes back to the previous ones."""
    from ekte.evaluate import load_truth
    from ekte.learn import train as _train

    truth = load_truth(truth) if truth is not None else None
    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    wd = Path(workdir) if workdir else default_workdir()
    if directory is not None or from_reviews or restore:  # (nothing to learn from: learn.train says so first)
        workdirs.require(wd, journal=from_reviews)  # it never makes one (fresh30 G14): ekte ingest or watch do
    if from_reviews:
        workdirs.check_journal_intact(wd)  # a damaged journal: exit 75 naming the path (fresh32 F8)
    return _train(Path(directory) if directory else None, prof, wd, truth=truth, from_reviews=from_reviews,
                  out=Path(out) if out else None, force=force, restore=restore,
                  analyze=lambda paths: analyze(paths, profile=prof, workdir=workdir, jobs=jobs, progress=progress))


def _profile(profile: str | Profile | None, overrides: list[str] | None) -> Profile:
    return profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])


def review_accept(doc_id: str, *, doctype: str | None = None, sets: dict[str, str] | None = None,
                  profile: str | Profile | None = None, workdir: str | Path | None = None,
                  overrides: list[str] | None = None, connectors: list[str] | None = None,
                  plugins: list[str] | None = None, actor: str | None = None, sample: str | None = None,
                  expected: int | None = None) -> Document:
    """Confirm (or correct) a document waiting for review (id or unique prefix; type by id or title; values
    checked); this process exports it at once (the daemon may be running).  *sample*: the result of a
    sample check (``matches`` / ``differs``), required for a scan chosen for one.  A value for a field the type
    it is accepted as does not define is refused (ConfigError naming the type's fields; as the HTTP intake does),
    an empty one (removing a value) is not."""
    with Pipeline(_profile(profile, overrides), workdir, connectors=connectors, plugins=plugins, create=False) as p:
        _defined_only(p, doc_id, doctype, sets or {})
        return p.review_accept(doc_id, doctype, sets, actor=actor or cli_actor(), sample=sample, expected=expected)


def review_correct(doc_id: str, sets: dict[str, str], *, profile: str | Profile | None = None,
                   workdir: str | Path | None = None, overrides: list[str] | None = None,
                   actor: str | None = None, expected: int | None = None) -> dict:
    """Store checked corrections for a document still waiting (applied on accept); returns id and corrections.
    *expected*: the review version (review_show's "version"): a document changed since is refused."""
    from ekte.pipeline import review

    with Pipeline(_profile(profile, overrides), workdir, archives=False, create=False) as p:
        return review.review_correct(p, doc_id, sets, actor=actor or cli_actor(), expected=expected)


def review_reject(doc_id: str, reason: str, note: str = "", *, profile: str | Profile | None = None,
                  workdir: str | Path | None = None, overrides: list[str] | None = None,
                  connectors: list[str] | None = None, plugins: list[str] | None = None,
                  actor: str | None = None) -> Document:
    """Reject a document waiting for review for a reason of the profile's [review.reject]."""
    from ekte.pipeline import review

    with Pipeline(_profile(profile, overrides), workdir, connectors=connectors, plugins=plugins, create=False) as p:
        return review.review_reject(p, doc_id, reason, note, actor=actor or cli_actor())


def review_defer(doc_id: str, *, hours: float | None = None, note: str = "", profile: str | Profile | None = None,
                 workdir: str | Path | None = None, overrides: list[str] | None = None,
                 actor: str | None = None) -> dict:
    """Put a document back for *hours* (default: review.defer_hours); returns its id and until when (UTC)."""
    import datetime as dt

    from ekte.pipeline import review

    until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours) if hours is not None else None
    with Pipeline(_profile(profile, overrides), workdir, archives=False, create=False) as p:
        return review.review_defer(p, doc_id, until, note, actor=actor or cli_actor())


def watch(paths: list[str | Path], *, profile: str | Profile | None = None, workdir: str | Path | None = None,
          overrides: list[str] | None = None, jobs: int | None = None, connectors: list[str] | None = None,
          plugins: list[str] | None = None, polling: bool = False, stable_seconds: float | None = None,
          rescan_minutes: float | None = None, grace_seconds: float | None = None,
          done_dir: str | Path | None = None, executor: str | None = None, scheduler: str | None = None,
          shared_root: str | Path | None = None) -> int:
    """Run the watch daemon until SIGTERM/SIGINT (folders, and the mailbox
    of ``[intake.mail]`` when configured); returns its exit code."""
    from ekte.watch import Watcher

    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    prof = with_executor(prof, executor, scheduler, shared_root)
    if not paths and not prof.intake.mail.configured:
        raise ConfigError("name a folder to watch, or configure the mailbox to poll (intake.mail.host)")
    session = Pipeline(prof, workdir, jobs=jobs, connectors=connectors, plugins=plugins)
    w = Watcher(session, path_list(paths), polling=polling, stable_seconds=stable_seconds,
                rescan_seconds=None if rescan_minutes is None else rescan_minutes * 60, grace_seconds=grace_seconds,
                done_dir=Path(done_dir).absolute() if done_dir else None)  # as --workdir: the current folder
    return w.run()


def status(*, workdir: str | Path | None = None) -> dict:
    """The watch daemons' state, the journal's counts and the ekte processes
    working on the directory (read-only; works while they run).  A journal that cannot be read:
    :class:`EnvironmentFailure` (75 damaged), the daemons' state as ``e.result``."""
    from ekte.watch import read_status

    st = read_status(Path(workdir) if workdir else default_workdir())
    if st.get("error"):
        e = EnvironmentFailure(st["error"]["code"], st["error"]["message"])
        e.result = st
        raise e
    return st


# -- evidence (ekte/evidence): verify, retention -------------------------------------

def verify(ids: list[str] | None = None, *, profile: str | Profile | None = None, workdir: str | Path | None = None,
           overrides: list[str] | None = None, deep: bool = False, require: list[str] | None = None,
           jobs: int | None = None, expect_head: str | None = None):
    """Check the archive: re-hash originals and archival copies against metadata.json, check seals, time
    stamps, transfer notes and the journal (its chain holds *expect_head*, ``SEQ:HASH``, noted earlier).
    Read-only; runs beside a watch daemon.  Returns a :class:`ekte.evidence.verify.VerifyResult` (0 = all hold)."""
    from ekte.evidence.verify import default_jobs, verify as _verify

    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    wd = Path(workdir) if workdir else default_workdir()
    from ekte.workdirs import check_journal_intact, resolve_ids

    if not (wd / "archive").is_dir():
        workdirs.require(wd)  # no such directory, a file: said as every command says it (fresh33 F6)
        raise ConfigError(f"no archive in {wd}")

    check_journal_intact(wd)  # "8 of 8 hold" beside a damaged journal would be no answer (exit 75, as status)
    return _verify(wd, prof, resolve_ids(wd, ids) if ids else None, deep=deep, require=require,
                   jobs=jobs or default_jobs(), expect_head=expect_head)


def retention_due(*, profile: str | Profile | None = None, workdir: str | Path | None = None,
                  overrides: list[str] | None = None, as_of: str | None = None) -> list[dict]:
    """Documents whose retention period has ended (read-only)."""
    from ekte.evidence.retention import due

    from ekte.workdirs import check_journal_intact

    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    wd = Path(workdir) if workdir else default_workdir()
    check_journal_intact(wd)  # quarantine states come from the journal: exit 75 as every reader (fresh32 F7)
    return due(wd, prof, as_of)


def journal_check(*, workdir: str | Path | None = None) -> dict:
    """The journal against the archive: ``{"ok", "damaged", "findings", "problems": [{"id", "code"…}], "counts"}``."""
    from ekte.evidence.codes import journal_findings
    from ekte.journal.rebuild import check
    r = check(Path(workdir) if workdir else default_workdir())
    return {**r, "problems": journal_findings(r["findings"])}  # findings with id and code (fresh38 F14c)


def journal_rebuild(*, workdir: str | Path | None = None, profile: str | Profile | None = None,
                    overrides: list[str] | None = None, force: bool = False) -> dict:
    """A new journal from the archive's metadata.json files (the damaged one
    is kept beside it); no other ekte process may use the working directory."""
    from ekte.journal.rebuild import rebuild

    prof = profile if isinstance(profile, Profile) else load_profile(profile, overrides or [])
    return rebuild(Path(workdir) if workdir else default_workdir(), prof, force=force, actor=cli_actor())


def profile_warnings(path: str | Path) -> list[str]:
    """What in a valid profile could still hurt: patterns that could backtrack catastrophically
    (and which engine ekte runs them with), an Alfresco ``name`` that names no document uniquely."""
    from ekte.connectors.alfresco_bulk import name_warning
    from ekte.patterns import lint
    return lint(d := load_profile(str(path)).model_dump(mode="json")) + name_warning(d.get("connectors") or {})


def history(doc_id: str, *, profile: str | Profile | None = None, workdir: str | Path | None = None,
            overrides: list[str] | None = None) -> dict:
    """One document's audit trail (also of a deleted one): ``{"id", "events": [{seq, time, actor, stage, event,
    field, old, new, detail}], "deleted"?: tombstone}``."""
    from ekte.evidence.trail import history as _history

    from ekte.api_station import _reading

    with _reading(profile, overrides, workdir) as p:  # read-only on a full disk, too (fresh40 F9)
        return _history(p.j, doc_id)



from ekte.api_station import (_defined_only, retention_deleted, review_list, review_show, serve, stats,  # noqa: E402
                               users_add, users_list, users_remove, users_token)
from ekte.api_journal import forget_owed, retention_delete  # noqa: E402

from ekte.logs import routed  # noqa: E402 - a library's warnings.warn during a call: the ekte logger's (fresh39 F5)

for _name in ("ingest", "export", "import_xdomea", "mail", "analyze", "evaluate", "train", "watch", "verify"):
    globals()[_name] = routed(globals()[_name])
