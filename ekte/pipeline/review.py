"""The review queue: documents whose type (or a needed field) was uncertain
wait, archived but not exported, until a clerk decides.

Plain functions over an open session, safe to call from any process at
any time (the daemon may be running), each under the document's claim
and in short journal transactions:

* :func:`review_accept` — confirm or correct type and fields; the document
  is re-archived with the decision and exported at once by the accepting
  process;
* :func:`review_correct` — store checked corrections without deciding yet;
* :func:`review_reject` — not ours / unreadable: the profile's disposition
  (``[review.reject.<reason>]``: keep, quarantine or export as a type);
* :func:`review_defer` — put back ("come back later") until a time.

Every action names its *actor* (the user of ``review`` or ``serve``) and
writes old → new values into the journal (see :mod:`ekte.pipeline.queue`).
A typed value is checked first (:mod:`ekte.pipeline.manual`); a corrected (or confirmed)
field is stored with method ``manual`` — the training data of
``ekte train --from-reviews`` (accepted reviews: event review/accepted)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ekte import fsutil
from ekte.errors import ConfigError
from ekte.evidence.intact import require_intact
from ekte.journal import ARCHIVED, REJECTED, REVIEW, audit
from ekte.journal.claims import doc_key
from ekte.model import Classification, Document, ErrorInfo, Field
from ekte.pipeline import delivery, steps
from ekte.pipeline.manual import FieldInvalid, check_value
from ekte.pipeline.queue import Conflict, history, metadata, resolve, review_item, utc_iso
from ekte.stages import archive as archive_stage

#: how long an action waits for another process that works on the same document
CLAIM_WAIT = 30.0
SYSTEM = "system"

__all__ = ["review_list", "review_accept", "review_correct", "review_reject", "review_defer", "resolve_doctype",
           "FieldInvalid", "Invalid", "SampleMissing", "SampleDiffers", "SampleFailed", "Stale", "SAMPLE_RESULTS",
           "review_version", "sample_failed", "UndefinedFields", "defined_only"]


class Invalid(ConfigError):
    """Typed values that were refused (all of them, each with its reason)."""

    def __init__(self, errors: list[FieldInvalid]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class UndefinedFields(ConfigError):
    """Values for fields the document's type does not define (:func:`defined_only`)."""

    def __init__(self, title: str, key: str, unknown: list[str], known: list[str]):
        super().__init__(f"fields not defined for the document type '{title}' ({key}): {', '.join(unknown)} "
                         f"(its fields: {', '.join(known)})")
        self.title, self.unknown = title, unknown


def defined_only(session: Any, doc_id: str, doctype: str | None, sets: dict[str, str]) -> None:
    """*sets* only of fields the type the document is accepted as defines (*doctype*, else its own), else
    :class:`UndefinedFields`; an empty value (removing one) is not refused.  The station's form offers no
    other field; the command line, ``ekte.api`` and the JSON API may name any — :func:`review_accept` and
    :func:`review_correct` check it on every path."""
    if not any((v or "").strip() for v in sets.values()):
        return
    row = resolve(session.j, doc_id)
    key = resolve_doctype(session.profile, doctype) if doctype else row["doctype"]
    spec = session.profile.doctypes.get(key or "")
    known = list(spec.fields) if spec else []
    unknown = [k for k, v in sets.items() if (v or "").strip() and known and k not in known and k != "aktenzeichen"]
    if unknown:
        raise UndefinedFields(spec.title, str(key), unknown, known)


class SampleMissing(ConfigError):
    """A scan chosen for the sample check was accepted without its result."""


class SampleDiffers(Conflict):
    """The sample check found that the scan differs from the paper (recorded; not accepted)."""

    def __init__(self, message: str, doc_id: str = ""):
        super().__init__(message)
        self.doc_id = doc_id


class SampleFailed(SampleDiffers):
    """Accepting a scan whose sample check failed before: that result is final for this scan."""


class Stale(Conflict):
    """The clerk's form is older than the document's last change (by *by*): nothing was saved."""

    def __init__(self, doc_id: str, by: str):
        super().__init__(f"document {doc_id} was changed meanwhile by {by}: load it again")
        self.doc_id, self.by = doc_id, by


def review_version(j: Any, doc_id: str) -> int:
    """The version of a document's review state: its last journal event's number.  A form
    carries the version it was rendered with; an action given it refuses a newer state."""
    events = j.events_of(doc_id)
    return int(events[-1]["seq"]) if events else 0


def _fresh(j: Any, doc_id: str, expected: int | None) -> None:
    """Refuse (:class:`Stale`) when the document changed after version *expected* (None: no check)."""
    if expected is None or review_version(j, doc_id) == expected:
        return
    later = [e["actor"] for e in history(j, doc_id) if e["seq"] > expected]
    raise Stale(doc_id, ", ".join(dict.fromkeys(later)) or SYSTEM)


def sample_failed(j: Any, doc_id: str) -> dict[str, Any] | None:
    """The recorded failed sample check of a scan (final: it is not accepted), else None."""
    failed = [e for e in history(j, doc_id) if e["event"] == "sample-check" and e["new"] == SAMPLE_RESULTS["differs"]]
    return failed[-1] if failed else None


def review_file(session: Any, doc_id: str) -> Path:
    return session.workdir / "review" / f"{doc_id}.json"


def rejected_file(session: Any, doc_id: str) -> Path:
    """The mark of a document a clerk rejected and kept (read by ``ekte journal rebuild``)."""
    return session.workdir / "review" / "rejected" / f"{doc_id}.json"


def detail(actor: str | None, **kw: Any) -> str:
    """An audit detail: who, and what (old → new)."""
    return json.dumps({"by": actor or SYSTEM, **{k: v for k, v in kw.items() if v is not None}}, ensure_ascii=False)


def resolve_doctype(profile: Any, text: str) -> str:
    """A document type by its id or its title (or an alias), case-insensitive."""
    want = (text or "").strip().casefold()
    for k, d in profile.doctypes.items():
        if want in (k.casefold(), d.title.casefold(), *(a.casefold() for a in d.aliases)):
            return k
    known = ", ".join(f"{d.title} ({k})" for k, d in profile.doctypes.items())
    raise ConfigError(f"unknown document type '{text}' (known: {known})")


def review_list(session: Any) -> list[dict[str, Any]]:
    """The documents waiting for review with their top candidates, oldest first."""
    from ekte.pipeline.queue import queue

    _total, rows = queue(session.j, limit=None)
    out = []
    for r in rows:
        item = review_item(session.workdir, r["id"]) or {"id": r["id"], "sha256": r["sha256"]}
        adir = session.j.archive_dir(r)
        item.update(archive=str(adir) if adir else item.get("archive"), source=r["source"], received=r["first_seen"],
                    pages=r["pages"], deferred=r["deferred"], doctype=r["doctype"], confidence=r["confidence"])
        out.append(item)
    return out


class _Claimed:
    """The document's claim for one action (waiting for another process)."""

    def __init__(self, session: Any, doc_id: str):
        self.session, self.row = session, resolve(session.j, doc_id)

    def __enter__(self) -> Any:
        j = self.session.j
        holder = j.wait_claim(doc_key(self.row["sha256"]), CLAIM_WAIT)
        if holder is not None:
            raise Conflict(f"document {self.row['id']} is being worked on by another ekte process "
                              f"({holder.describe()})")
        return j.get(self.row["sha256"])

    def __exit__(self, *exc: Any) -> None:
        self.session.j.release(doc_key(self.row["sha256"]))


def _waiting(session: Any, row: Any, *, intact: bool = True) -> None:
    """The document waits for review — and, with *intact*, its archive folder still holds what was archived
    (:func:`ekte.evidence.intact.require_intact`: a decision never re-archives a damaged or forged folder)."""
    if row["state"] != REVIEW:
        raise Conflict(f"document {row['id']} is not waiting for review (state: {row['state']})")
    adir = session.j.archive_dir(row) if intact else None
    if adir is not None and adir.is_dir():
        require_intact(session.j, row["id"], adir)


def _checked(sets: dict[str, str]) -> dict[str, str]:
    ok, bad = {}, []
    for k, v in sets.items():
        try:
            ok[k] = check_value(k, v)
        except FieldInvalid as e:
            bad.append(e)
    if bad:
        raise Invalid(bad)
    return ok


def _write_item(session: Any, doc_id: str, update: dict[str, Any]) -> dict[str, Any]:
    item = review_item(session.workdir, doc_id)
    item.update(update)
    fsutil.write_json(review_file(session, doc_id), item)
    return item


def review_correct(session: Any, doc_id: str, sets: dict[str, str], *, actor: str | None = None,
                   expected: int | None = None) -> dict[str, Any]:
    """Check and store corrections for a document still waiting (applied
    when it is accepted).  Returns the id and the stored corrections.
    *expected*: the :func:`review_version` the clerk's form showed — a
    document changed since is refused (:class:`Stale`), nothing stored."""
    with _Claimed(session, doc_id) as row:
        _waiting(session, row)
        _fresh(session.j, row["id"], expected)
        defined_only(session, row["id"], None, sets)
        values = _checked(sets)
        item = review_item(session.workdir, row["id"])
        corr = dict(item.get("corrections") or {})
        events, read = [], metadata(session.j, row).get("fields") or {}
        for k, v in values.items():  # the old value: an earlier correction's, else the one ekte read
            old = (corr.get(k) or {}).get("value") or (read.get(k) or {}).get("value")
            corr[k] = {"value": v, "by": actor or SYSTEM, "time": utc_iso()}
            events.append(detail(actor, field=k, old=old, new=v))
        _write_item(session, row["id"], {"corrections": corr})
        with session.j.tx():
            for d in events:
                session.j.event(row["id"], "review", "correction-noted", d)
        return {"id": row["id"], "corrections": corr}


def review_accept(session: Any, doc_id: str, doctype: str | None = None, sets: dict[str, str] | None = None, *,
                  actor: str | None = None, sample: str | None = None, expected: int | None = None) -> Document:
    """Confirm (or correct) a document waiting for review; export it now.
    A scan chosen for a sample check needs its result (*sample*:
    ``matches`` / ``differs``), recorded in the audit trail; one that
    differs from the paper is not accepted (reject it and scan again) —
    final for that scan (:class:`SampleFailed` on any later accept).
    *expected*: as for :func:`review_correct`."""
    with _Claimed(session, doc_id) as row:
        if row["state"] == ARCHIVED and review_file(session, row["id"]).exists():
            doc, adir = delivery.load_archived(session, row["sha256"])  # accepted before; its export was cut short
        else:
            _waiting(session, row)
            _fresh(session.j, row["id"], expected)
            new_type = resolve_doctype(session.profile, doctype) if doctype else None
            defined_only(session, row["id"], new_type, _with_saved(session, row, sets))  # of the accepted type
            values = _checked(sets or {})
            _sample_check(session, row, sample, actor)
            doc, adir = _accept(session, row, new_type, values, actor, sample)
        delivery.export(session, doc, adir)
        delivery.flush_groups(session)
        review_file(session, row["id"]).unlink(missing_ok=True)
        return doc


def _with_saved(session: Any, row: Any, sets: dict[str, str] | None) -> dict[str, str]:
    """The values an accept applies: the saved corrections, overridden by *sets* (an empty one clears a saved one).
    All are checked against the type accepted as — a saved correction of a field that type does not define is
    refused (:class:`UndefinedFields`), not exported as that type's field nor silently dropped."""
    saved = (review_item(session.workdir, row["id"]) or {}).get("corrections") or {}
    return {**{k: str((c or {}).get("value") or "") for k, c in saved.items()}, **(sets or {})}


def _load(session: Any, row: Any) -> tuple[Document, Path]:
    """The archived document with its page texts (re-archiving keeps text.txt)."""
    doc, adir = delivery.load_archived(session, row["sha256"])
    try:
        doc.page_texts = (adir / archive_stage.TEXT).read_text("utf-8").split("\f")
    except OSError:
        pass
    return doc, adir


SAMPLE_RESULTS = {"matches": "bestanden", "differs": "nicht bestanden"}


def _sample_check(session: Any, row: Any, sample: str | None, actor: str | None) -> None:
    """A sample check's result: required where one was asked for; recorded; a scan that differs stops here."""
    if sample_failed(session.j, row["id"]):
        raise SampleFailed(f"document {row['id']}: the sample check found that the scan differs from the paper; "
                           "it is not accepted — reject it and scan the paper again", row["id"])
    if sample is not None and sample not in SAMPLE_RESULTS:
        raise ConfigError(f"--sample: 'matches' or 'differs', not {sample!r}")
    if not review_item(session.workdir, row["id"]).get("sample_check"):
        if sample is not None:
            raise ConfigError(f"document {row['id']} was not chosen for a sample check")
        return
    if sample is None:
        raise SampleMissing(f"document {row['id']} was chosen for a sample check (Stichprobe): compare the scan with "
                            "the paper and give the result (--sample matches|differs)")
    session.j.event(row["id"], "review", "sample-check", detail(actor, new=SAMPLE_RESULTS[sample]))
    if sample == "differs":
        raise SampleDiffers(f"document {row['id']}: the scan differs from the paper (recorded); it is not accepted — "
                            "reject it and scan the paper again", row["id"])


def _accept(session: Any, row: Any, new_type: str | None, values: dict[str, str],
            actor: str | None, sample: str | None = None) -> tuple[Document, Path]:
    doc, adir = _load(session, row)
    if sample is not None:  # the transfer note records it (ekte/evidence/archiving.py)
        doc.extra["sample_check"] = SAMPLE_RESULTS[sample]
    stored = review_item(session.workdir, row["id"]).get("corrections") or {}
    who = {k: (actor if k in values else c.get("by") or actor) for k, c in stored.items()}  # each clerk's own change
    values = {**{k: c["value"] for k, c in stored.items()}, **values}
    new_type = new_type or doc.doctype
    if new_type not in session.profile.doctypes:
        new_type = resolve_doctype(session.profile, new_type or "")
    old = doc.classification
    doc.classification = Classification(new_type, 1.0, old.candidates if old else [], "manual",
                                        old.distribution if old else {})
    events = [("review", "accepted", detail(actor, doctype=new_type, old=old.doctype if old else None, new=new_type,
                                            confidence=round(old.confidence, 3) if old else None))]
    for k, v in values.items():
        before = doc.fields.get(k)
        if before is not None and before.value == v:
            if before.method != "manual":  # confirmed by a person: checked, and truth for train --from-reviews
                doc.fields[k] = Field(v, 1.0, before.page, before.span, "manual")
                events.append(("review", "field-confirmed", detail(who.get(k, actor), field=k)))
            continue
        if v:
            doc.fields[k] = Field(v, 1.0, before.page if before else None, None, "manual")
        else:
            doc.fields.pop(k, None)
        events.append(("review", "field-corrected", detail(who.get(k, actor), field=k,
                                                           old=before.value if before else None, new=v)))
    if old is None or new_type != old.doctype:  # a type change: the fields it does not carry are no value of it
        from ekte.stages.extract import not_carried_by  # (here: the coordinator imports extraction late, issue 12)

        for k in not_carried_by(session.profile, new_type, list(doc.fields)):
            events.append(("review", "field-dropped", detail(actor, field=k, old=audit.as_text(doc.fields.pop(k).value))))
    for ev in events:
        doc.log(*ev)
    original = next(adir.glob("original.*"))
    from ekte import stopsignal

    with stopsignal.held():  # the folder rewritten and the journal's record: both or neither on Ctrl-C (review38 R2)
        adir = steps.archive(session, doc, original, adir / archive_stage.ARCHIVE_PDF, processors=False, events=events)
    return doc, adir


def review_reject(session: Any, doc_id: str, reason: str, note: str = "", *,
                  actor: str | None = None) -> Document:
    """Reject a document waiting for review for *reason* (a key of the
    profile's ``[review.reject]``); its disposition decides what follows."""
    reasons = session.profile.review.reject
    if reason not in reasons:
        raise ConfigError(f"unknown reason '{reason}' (known: {', '.join(reasons)})")
    r = reasons[reason]
    if r.disposition == "export":
        target = r.doctype or session.profile.classify.default_doctype
        with _Claimed(session, doc_id) as row:
            _waiting(session, row)
            defined_only(session, row["id"], target, _with_saved(session, row, {}))  # before the event: as accept
            session.j.event(row["id"], "review", "rejected", detail(actor, reason=reason, disposition=r.disposition,
                                                                    note=note or None))
        return review_accept(session, doc_id, target, {}, actor=actor)
    with _Claimed(session, doc_id) as row:
        _waiting(session, row)
        doc, adir = delivery.load_archived(session, row["sha256"])
        ev = ("review", "rejected", detail(actor, reason=reason, disposition=r.disposition, note=note or None))
        doc.log(*ev)
        if r.disposition == "keep":  # on disk too: ekte journal rebuild must not make it exportable again
            rejected_file(session, row["id"]).parent.mkdir(mode=0o700, exist_ok=True)
            fsutil.write_json(rejected_file(session, row["id"]), {"id": row["id"], "sha256": row["sha256"],
                                                                  "reason": reason, "by": actor or SYSTEM})
            session.j.set_state(row["sha256"], REJECTED, event=ev)
            doc.status = None
        else:
            session.j.event(row["id"], *ev)
            original = next(adir.glob("original.*"), None)
            steps.quarantine(session, doc, ErrorInfo("rejected", f"{r.title}" + (f": {note}" if note else ""),
                                                     "review"), original)
        review_file(session, row["id"]).unlink(missing_ok=True)
        return doc


def review_defer(session: Any, doc_id: str, until: dt.datetime | None = None, note: str = "", *,
                 actor: str | None = None) -> dict[str, str]:
    """Put a document back: it stays in the queue, after the others and
    marked, until *until* (default: the profile's ``review.defer_hours``).
    Returns its id and the time (UTC, ISO)."""
    now = dt.datetime.now(dt.timezone.utc)
    when = (until or now + dt.timedelta(hours=session.profile.review.defer_hours)).astimezone(dt.timezone.utc)
    if when <= now:  # a time without a zone is local time
        raise ConfigError(f"a document is put back until a time in the future, not {utc_iso(when)} (UTC)")
    iso = utc_iso(when)
    with _Claimed(session, doc_id) as row:
        _waiting(session, row, intact=False)
        _write_item(session, row["id"], {"deferred": {"until": iso, "by": actor or SYSTEM, "note": note}})
        session.j.event(row["id"], "review", "deferred", detail(actor, until=iso, note=note or None))
    return {"id": row["id"], "until": iso}

