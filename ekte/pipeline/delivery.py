"""Delivery: hand archived documents to the connectors — retries with
back-off, the outcome recorded per document, and connector groups (an
xdomea Vorgang) kept in the journal and exported once and whole by
whichever process completes them (see :mod:`ekte.journal.groups`).

A document is exported under its claim (the caller holds it); a group is
exported under the group's claim."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Callable

from ekte.connectors.base import Connector, ExportError, ExportResult
from ekte.errors import RUN_AGAIN, environment_failure
from ekte.journal import EXPORTED
from ekte.journal.groups import group_key
from ekte.model import Document, ErrorInfo, Status, document_from_metadata
from ekte.stages import archive as archive_stage

log = logging.getLogger("ekte")


def load_archived(session: Any, sha256: str) -> tuple[Document, Path]:
    """An archived document as its ``metadata.json`` describes it."""
    row = session.j.get(sha256)
    adir = session.j.archive_dir(row) if row is not None else None
    if adir is None:
        raise OSError(2, "the document has no archive folder")
    doc = document_from_metadata(json.loads((adir / archive_stage.METADATA).read_text("utf-8")))
    doc.archive_path = str(adir)
    return doc, adir


def export(session: Any, doc: Document, adir: Path, *, force: bool = False, release: bool = False,
           batch: Any = None) -> bool:
    """Hand an archived document to every connector of the session.

    A connector the journal names already is not asked again unless
    *force* (then the connector itself says whether it has the document).
    A connector that groups documents gets this one through its group
    (exported when complete, or flushed).  A failing connector does not
    stop the others: the document stays archived with ``export_failed``
    and a later run, the daemon or ``ekte export`` tries again.  The
    outcome is recorded in one transaction (with *release*, the claim is
    given back in it).  Returns True when every connector has it.  With
    *batch* (:class:`ekte.fsbatch.Batch`), the connectors' staged folders
    join it and the outcome is not recorded here: the caller records it
    (:func:`settle`) after :meth:`~ekte.fsbatch.Batch.publish`; the
    connectors whose folders wait are in ``doc.extra["unpublished"]``."""
    from ekte.fsbatch import deferring

    j = session.j
    have = j.exports_of(doc.id)
    doc.extra["export_failed"] = {}
    doc.extra["owed"] = owed = j.owed(doc.id, have)  # (settle takes it: one look at the journal per export)
    for c in session.connectors_for(owed):  # (and, without -c, those that failed for it before)
        down = session.connectors_down.get(c.name)
        if down is not None and not (c.name in have and not force):
            _export_failed(session, doc, c.name, down.message)  # its folder is full / not writable: not asked again
            continue
        if c.name in have and not force:
            doc.exports[c.name] = have[c.name]
            doc.extra.setdefault("export_results", {})[c.name] = "already-exported"
            doc.extra.setdefault("journal_known", []).append(c.name)  # not asked: the journal answered
            _pending(doc, events=[("export", "already-exported", c.name)])
            continue
        if (damage := damaged(session, doc, adir)) is not None:
            _export_failed(session, doc, c.name, damage)  # nothing handed to the DMS
            continue
        key = c.group_key(doc)
        if key is not None:
            _join_group(session, c, key, doc)
            continue
        staged = batch.added if batch is not None else 0
        c.forced = force  # (a connector's own record of what it handed over counts only without --force)
        with deferring(batch if vars(type(c)).get("publish_per_batch") is True else None):  # opted in only
            _deliver(session, c, [doc], lambda c=c: c.export(doc, adir))
        if batch is not None and batch.added > staged:
            doc.extra.setdefault("unpublished", []).append(c.name)
    if doc.extra.get("unpublished"):
        return False  # recorded after the batch's folders are published
    return settle(session, doc, release=release)


def unpublished(session: Any, doc: Document, message: str) -> None:
    """The batch holding *doc*'s staged export folders was not published: those exports failed."""
    names = doc.extra.pop("unpublished", [])
    pending = doc.extra.get("pending") or {"exports": []}
    pending["exports"] = [(c, loc) for c, loc in pending["exports"] if c not in names]
    for name in names:
        doc.exports.pop(name, None)
        _export_failed(session, doc, name, message)


def damaged(session: Any, doc: Document, adir: Path) -> str | None:
    """Why the archive folder must not go to a DMS (None: it may) — :func:`ekte.evidence.intact.export_problems`,
    once per document and export (the result is kept on the document for every connector and its group)."""
    from ekte.evidence.intact import export_problems

    key = f"{adir}:{doc.archival.get('sha256')}"
    if key not in doc.extra.get("integrity", {}):
        found = export_problems(session.j, doc.id, adir, doc.archival.get("sha256"))
        doc.extra["integrity"] = {key: "; ".join(found) + " — not handed to the DMS (ekte verify names what broke)"
                                  if found else None}
    return doc.extra["integrity"][key]


def _join_group(session: Any, c: Connector, key: str, doc: Document) -> None:
    """A member of an open group already waits there (whoever put it there
    exports the group); a new one joins — and completes it, perhaps."""
    j = session.j
    gid = j.open_group_of(c.name, doc.sha256)
    if gid is not None and doc.sha256 not in session.waiting and j.archived_elsewhere(doc.sha256):
        session.adopted[doc.sha256] = doc  # another run's: whose report it is is decided at the end (disown)
    session.waiting[doc.sha256] = doc
    _awaits(doc, c.name, True)  # its result is this run's to report when the group goes (also when --force re-exports)
    if gid is None:
        grp = (doc.extra.get("provenance") or {}).get("group") or {}
        size = int(grp["size"]) if grp.get("size") else None
        gid = j.group_add(c.name, key, doc.sha256, doc.id, size, int(grp.get("index") or 0))
        _pending(doc, events=[("export", "grouped", f"{c.name}: waits for its group")])
    g = j.group(gid)
    if g is not None and g.complete:
        deliver_group(session, c, gid)


def folder_problem(c: Connector, e: BaseException | None) -> str:
    """What is wrong with a connector's export folder, in words ("" when *e* is no such problem)."""
    if not isinstance(e, (FileNotFoundError, NotADirectoryError)):
        return ""
    root = c.root() if hasattr(c, "root") else None
    where = f"the export folder of connector '{c.name}'" + (f" ({root})" if root is not None else "")
    if isinstance(e, FileNotFoundError):
        return f"{where} does not exist and cannot be made (a link to a missing place, or removed while exporting)"
    return f"{where} cannot be made: a part of its path is a file, not a folder"


def _deliver(session: Any, c: Connector, docs: list[Document], call: Callable[[], ExportResult]) -> bool:
    """One connector call for *docs* (a document, or a group exported
    together): transient errors are retried with back-off; the outcome is
    recorded for each document.  A connector's crash (any other exception)
    is a failure of that connector only.  True when it succeeded."""
    export_cfg = session.profile.export
    delay, attempt = export_cfg.retry_delay, 0
    while True:
        try:
            r = call()
        except ExportError as e:
            env = environment_failure(e.__context__, f"the export folder of connector '{c.name}'")
            if env is not None:  # a full or unwritable export folder: no retries, the connector is down for the run
                session.connectors_down[c.name] = env
                message = env.message
            elif e.transient and attempt < export_cfg.retries:  # (a share that is down may be back in a moment)
                attempt += 1
                log.info("doc %s: export to %s failed (%s); retry %d in %.1f s",
                         ",".join(d.id for d in docs), c.name, e, attempt, delay)
                for d in docs:
                    session.j.event(d.id, "export", "retry", f"{c.name}: {e}")
                if getattr(session, "batch", None) is not None:
                    session.batch.flush_now()  # the documents of the batch so far are not held up by the wait
                time.sleep(delay)
                delay = min(60.0, delay * 2 if delay else 0)
                continue
            else:
                message = folder_problem(c, e.__context__) or str(e)
        except Exception as e:  # noqa: BLE001 - a connector's bug must not stop the run
            env = environment_failure(e, f"the export folder of connector '{c.name}'")
            if env is not None:
                session.connectors_down[c.name] = env
                message = env.message
            else:
                log.debug("connector %s crashed", c.name, exc_info=True)
                message = folder_problem(c, e) or f"{type(e).__name__} in connector {c.name}"
        else:
            for d in docs:
                _exported(session, d, c.name, r)
            return True
        for d in docs:
            _export_failed(session, d, c.name, message)
        return False


def _awaits(doc: Document, cname: str, waits: bool) -> None:
    """Whether *doc* waits in this run for *cname*'s group (then it stays in ``session.waiting``)."""
    names = [n for n in doc.extra.get("awaits", []) if n != cname]
    doc.extra["awaits"] = names + [cname] if waits else names


def _pending(doc: Document, exports: list[tuple[str, str]] = (), events: list[tuple[str, str, str]] = ()) -> None:
    """What :func:`settle` records (in one transaction)."""
    p = doc.extra.setdefault("pending", {"exports": [], "events": []})
    p["exports"].extend(exports)
    p["events"].extend(events)


def _exported(session: Any, doc: Document, cname: str, r: ExportResult) -> None:
    what = "already-exported" if r.already else "exported"
    location = _known_place(session, doc.id, cname, r.location) if r.already else r.location
    doc.exports[cname] = location
    doc.extra.setdefault("export_results", {})[cname] = what
    _awaits(doc, cname, False)
    _pending(doc, [(cname, location)], [("export", what, f"{cname} {r.note}".strip())])


def _known_place(session: Any, doc_id: str, cname: str, location: str) -> str:
    """The place recorded for *cname* that names the object an "already there" answer names (CMIS finds it by
    its hash and answers ``cmis:<id>``; its export recorded ``cmis:<id> <folder>/<name>``): one object, one
    row in the journal's exports (it was recorded twice)."""
    for c, loc in session.j.export_places(doc_id):
        if c == cname and (loc == location or loc.startswith(location + " ")):
            return loc
    return location


def _export_failed(session: Any, doc: Document, cname: str, message: str) -> None:
    if getattr(session, "retries_exports", False):  # the watch daemon: no "run the command again" (fresh40 F10)
        message = message.replace(RUN_AGAIN, "the export is tried again at the next rescan")  # log, trail, station
    doc.extra.setdefault("export_failed", {})[cname] = message
    doc.extra.setdefault("export_results", {})[cname] = "failed"
    _awaits(doc, cname, False)
    _pending(doc, events=[("export", "export-failed", f"{cname}: {message}")])
    log.warning("doc %s: export to %s failed: %s", doc.id, cname, message)


def settle(session: Any, doc: Document, *, release: bool = False) -> bool:
    """Record the document's exports, events and state (exported, or
    archived: with ``export_failed``, or waiting for its group) in one
    transaction, and set its status.  True when exported."""
    pending = doc.extra.pop("pending", None) or {"exports": [], "events": []}
    failed, owed = dict(doc.extra.get("export_failed") or {}), doc.extra.pop("owed", None)
    if owed is None:  # (not from this run's export: a member of a group this run released, settled again)
        owed = session.j.owed(doc.id)
    asked = {c.name for c in session.connectors_for(owed)} | {c for c, _ in pending["exports"]} | set(failed)
    for cname, why in owed.items():  # a connector not asked this time (-c named others) is still owed the document
        if cname not in asked:
            how = "`ekte export` without -c asks it again" if cname not in session.gone_owed() else \
                f"not in the profile: `ekte export -c {cname}` asks it, `ekte journal forget-owed {cname}` drops it"
            failed[cname] = f"not delivered yet ({how}; last failure: {why})"
    doc.extra["export_failed"] = failed  # (the daemon's status names these connectors)
    error = "; ".join(f"{k}: {v}" for k, v in failed.items()) or None
    state = session.j.record_outcome(doc.sha256, doc.id, pending["exports"], pending["events"],
                                     connectors=sorted(asked | set(failed)), error=error,
                                     release=doc.sha256 if release else None,
                                     damaged=any((doc.extra.get("integrity") or {}).values()))
    if error:
        doc.status, doc.error = Status.EXPORT_FAILED, ErrorInfo("export_failed", error, "export")
        return False
    doc.status, doc.error = Status.ARCHIVED, None
    if state == EXPORTED and not doc.extra.get("awaits"):  # (exported before, re-exported in a group: --force)
        session.waiting.pop(doc.sha256, None)
        log.info("doc %s archived and exported (%s)", doc.id, doc.doctype)
        return True
    return False  # waiting for its group


def deliver_group(session: Any, c: Connector, gid: int) -> None:
    """Export group *gid* as one, unless another process is doing so or
    did; the members' outcomes are recorded (and shown on the documents of
    this run still waiting for it)."""
    j = session.j
    if j.claim(group_key(gid)) is not None:
        return
    try:
        g = j.group(gid)
        if g is None or g.state != "open" or not g.members:
            return
        items = []
        for m in g.members:
            doc = session.waiting.get(m["sha256"])
            doc, adir = (doc, Path(doc.archive_path)) if doc is not None and doc.archive_path \
                else load_archived(session, m["sha256"])
            items.append((doc, adir))
        ok = _group_intact(session, c, items) and _deliver(session, c, [d for d, _ in items],
                                                           lambda: c.export_group(items))
        for d, _ in items:  # recorded before the group is closed: a member of a closed group is exported
            settle(session, d)
        if ok:
            j.close_group(gid)
        else:
            session.failed_groups.add(gid)
    finally:
        j.release(group_key(gid))


def _group_intact(session: Any, c: Connector, items: list[tuple[Document, Path]]) -> bool:
    """Every member's archive folder may go to the DMS; else none goes (a Vorgang is exported whole)."""
    bad = {d.id: m for d, adir in items if (m := damaged(session, d, adir)) is not None}
    for d, _adir in items if bad else ():
        _export_failed(session, d, c.name, bad.get(d.id) or f"its group was not exported: the archive folder of "
                       f"{', '.join(sorted(bad))} is damaged (ekte verify names what broke)")
    return not bad


def disown(session: Any) -> None:
    """At the end of a run: a document this run resumed while it waited in
    another run's group is that run's to report — unless that run ended
    without finishing (its process was killed), then this one reports it.
    Reported here, it is a duplicate (two processes on one input tree
    report each document archived once)."""
    for sha, doc in session.adopted.items():
        if session.j.reported_elsewhere(sha):
            doc.status, doc.duplicate_of, doc.error = Status.DUPLICATE, doc.id, None
    session.adopted.clear()


def flush_groups(session: Any) -> None:
    """Export every group this process may flush: its own (the end of a
    run, an idle daemon) and those left by processes that died."""
    by_name = {c.name: c for c in session.all_connectors()}
    for gid in session.j.flushable_groups(list(by_name)):
        if gid in session.failed_groups:
            continue
        g = session.j.group(gid)
        if g is not None:
            deliver_group(session, by_name[g.connector], gid)
