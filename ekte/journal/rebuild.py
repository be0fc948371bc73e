"""``ekte journal check`` and ``ekte journal rebuild``.

The archive is the truth: every archive folder holds ``metadata.json``
(identity, source, type, fields, the Aktenzeichen and how it was
assigned), the review queue names what waits for a clerk, and every
quarantine folder holds ``reason.json``.  :func:`check` compares the
journal with them (and SQLite's own integrity check); :func:`rebuild`
writes a new journal from them:

* a document with an archive folder → ``archived`` (``review`` when it
  waits in ``review/``, ``rejected`` when a clerk rejected and kept it —
  ``review/rejected/<id>.json`` —, ``quarantined`` when a clerk's
  rejection sent it to the quarantine); which connectors have it is not in the archive:
  every place the old journal names (:func:`_carry_exports`, as far as it
  can be read) is taken over — ``ekte retention delete`` removes or names
  each —, and the next ``ekte export --all`` (or the daemon, or the next run that
  sees the file) asks each connector again — they recognise what they
  have and answer "already exported";
* a quarantine folder without an archive → ``quarantined`` (``released``
  when an administrator closed it: ``released.json``);
* e-mail messages (``mail_messages``, schema 3) from the archived parts'
  provenance: ``done`` when every part of the message is archived, else
  ``failed`` (a message all of whose parts were quarantined is not known
  again: its documents are, by their SHA-256);
* the running numbers: every assigned Aktenzeichen is read back with the
  profile's template, each counter continues after its highest number;
* the audit trail: per document a ``journal/rebuilt`` event and, for each
  field of ``metadata.json``, a ``journal/field-set`` entry by "journal
  rebuild" with its value — taken over, so ``ekte verify`` compares later
  changes with them (a value changed *before* the rebuild cannot be told
  from a true one).

The old journal is kept beside it (``journal.sqlite.damaged-<time>``, a readable one rebuilt with
``--force``: ``journal.sqlite.replaced-<time>``); what it knew of documents the archive no longer
holds, and its tombstones, are taken over (:mod:`ekte.journal.rebuild_old`);
the new one is built under a temporary name and put in place in one
rename.  Rebuilding needs the working directory to itself (no other ekte
process may have it open)."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import sqlite3
import string
from pathlib import Path
from typing import Any, Iterator

from ekte.errors import ConfigError, EnvironmentFailure, environment_failure
from ekte.evidence.codes import Problem
from ekte.journal import deletions, rebuild_old
from ekte.workdirs import JOURNAL_FILE, check_journal_file, require

SUFFIXES = ("", "-wal", "-shm")
#: the states of a document that has an archive folder
ARCHIVED = ("archived", "exported", "review", "rejected")


def _json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _rejected_out(workdir: Path, doc_id: str) -> bool:
    """Archived, then sent to the quarantine by a clerk's rejection."""
    return ((_json(workdir / "quarantine" / doc_id / "reason.json") or {}).get("code")) == "rejected"


def _archived_state(workdir: Path, doc_id: str) -> str:
    if (workdir / "review" / f"{doc_id}.json").is_file():
        return "review"
    if (workdir / "review" / "rejected" / f"{doc_id}.json").is_file():
        return "rejected"
    return "quarantined" if _rejected_out(workdir, doc_id) else "archived"


def _archives(workdir: Path) -> Iterator[tuple[Path, dict[str, Any] | None]]:
    for d in sorted((workdir / "archive").glob("*/*")):
        if d.is_dir() and not d.name.startswith("."):
            try:
                yield d, json.loads((d / "metadata.json").read_text("utf-8"))
            except (OSError, ValueError):
                yield d, None


def _open(workdir: Path) -> tuple[sqlite3.Connection | None, str | None]:
    """The journal read-only, or the reason it cannot be read."""
    try:
        check_journal_file(workdir)
        db = sqlite3.connect(f"file:{workdir / JOURNAL_FILE}?mode=ro", uri=True, timeout=30)
        db.row_factory = sqlite3.Row
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            db.close()
            return None, f"SQLite integrity check: {result}"
        db.execute("SELECT sha256, id, state, archive_path FROM documents LIMIT 1").fetchall()
        return db, None
    except (sqlite3.DatabaseError, EnvironmentFailure) as e:
        return None, getattr(e, "message", None) or str(e)


def check(workdir: Path) -> dict[str, Any]:
    """The journal against the archive: ``{"ok", "damaged", "findings", "counts"}``."""
    workdir = Path(workdir)
    require(workdir)
    db, damage = _open(workdir)
    out: dict[str, Any] = {"workdir": str(workdir), "ok": False, "damaged": damage, "findings": [], "counts": {}}
    if db is None:
        return out
    try:
        rows = {r["id"]: r for r in db.execute("SELECT sha256, id, state, archive_path FROM documents")}
        out["counts"] = {r[0]: r[1] for r in db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state")}
        try:
            tombstoned = {r[0] for r in db.execute("SELECT doc_id FROM tombstones")}
        except sqlite3.OperationalError:  # a journal from before the audit trail (schema < 4)
            tombstoned = set()
    finally:
        db.close()
    seen = set()
    for d, meta in _archives(workdir):
        seen.add(d.name)
        row = rows.get(d.name)
        if meta is None:
            out["findings"].append(Problem("metadata_unreadable", f"{d.name}: archive folder without a readable "
                                                                  "metadata.json"))
        elif row is None:
            out["findings"].append(Problem("journal_unknown", f"{d.name}: archived, but the journal does not know it"))
        elif row["state"] not in ARCHIVED and not (row["state"] == "quarantined" and _rejected_out(workdir, d.name)):
            out["findings"].append(Problem("state_differs", f"{d.name}: archived, but the journal says {row['state']}"))
    for doc_id, row in rows.items():
        if row["state"] in ARCHIVED and doc_id not in seen:
            out["findings"].append(Problem(
                "folder_missing", f"{doc_id}: the journal says {row['state']}, but its archive folder is missing: "
                                  "restore it from a backup (a rebuild drops the document, naming it as lost)"))
    out["findings"] += deletions.begun(workdir, tombstoned) + deletions.unrecorded(workdir, tombstoned)
    out["ok"] = not out["findings"]
    return out


def _number(az: str, tmpl: str, values: dict[str, str]) -> int | None:
    """The running number in an assigned Aktenzeichen, read with the template."""
    rx = ""
    for literal, name, spec, _conv in string.Formatter().parse(tmpl):
        rx += re.escape(literal)
        if name == "seq":
            rx += r"(?P<seq>\d+)"
        elif name is not None:
            rx += re.escape(format(values.get(name, ""), spec or "")) if name in values else ".*?"
    m = re.fullmatch(rx, az)
    if m is None:  # another template then: the last group of digits
        m = re.search(r"(?P<seq>\d+)(?!.*\d)", az)
    return int(m.group("seq")) if m else None


def _numbers(meta: dict[str, Any], profile: Any) -> tuple[str, str, str, int] | None:
    """(key, Aktenzeichen, counter, number) of an assigned Aktenzeichen."""
    az = (meta.get("fields") or {}).get("aktenzeichen") or {}
    if az.get("method") != "assigned" or not az.get("value"):
        return None
    doctype = meta.get("doctype") or ""
    dtype = profile.doctypes.get(doctype)
    aktenplan = dtype.aktenplan if dtype and dtype.aktenplan else doctype
    year = (meta.get("received") or "")[:4]
    gid = ((meta.get("provenance") or {}).get("group") or {}).get("id")
    seq = _number(az["value"], profile.extract.aktenzeichen_template or "",
                  {"aktenplan": aktenplan, "year": year, "doctype": doctype})
    if seq is None:
        return None
    return (f"group:{gid}" if gid else meta["sha256"]), az["value"], f"aktenzeichen:{aktenplan}:{year}", seq


def _mail_part(messages: dict[tuple[str, str], dict[str, Any]], meta: dict[str, Any]) -> None:
    """Count an archived part of an e-mail message (its provenance names the message)."""
    import hashlib

    prov = meta.get("provenance") or {}
    if prov.get("system") != "mail" or not prov.get("mailbox") or not prov.get("message_sha256"):
        return  # only messages taken from a mailbox are recorded in mail_messages (not .eml files)
    mid = prov.get("message_id") or ""
    key = (prov["message_sha256"], hashlib.sha256(mid.encode("utf-8", "replace")).hexdigest() if mid else "")
    m = messages.setdefault(key, {"account": prov.get("mailbox"), "size": 0, "archived": 0, "received": []})
    m["size"] = max(m["size"], int((prov.get("group") or {}).get("size") or 1))
    m["archived"] += 1
    m["received"] += [meta["received"]] if meta.get("received") else []


def _fill_mail(db: sqlite3.Connection, messages: dict[tuple[str, str], dict[str, Any]], now: str) -> dict[str, int]:
    from ekte.journal.mail import DONE, FAILED, mail_key

    out: dict[str, int] = {}
    for (sha, mid_hash), m in sorted(messages.items()):
        state = DONE if m["archived"] >= m["size"] else FAILED
        db.execute("INSERT OR IGNORE INTO mail_messages(key, sha256, msgid_hash, account, state, detail, first_seen, "
                   "updated) VALUES (?,?,?,?,?,?,?,?)",
                   (mail_key(sha, mid_hash), sha, mid_hash, m["account"], state,
                    json.dumps({"documents": m["archived"], "rebuilt": True}), min(m["received"], default=now), now))
        out[state] = out.get(state, 0) + 1
    return out


def _exclusive(workdir: Path) -> int:
    fd = os.open(workdir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise ConfigError(f"other ekte processes are using {workdir}; stop them (the daemon too) before "
                          "rebuilding its journal") from None
    return fd


#: who set the field values a rebuilt journal takes over from metadata.json
REBUILD_ACTOR = "journal rebuild"


def _taken_over(j: Any, db: sqlite3.Connection, meta: dict[str, Any]) -> None:
    """The field values of *meta* as audit entries (``journal/field-set`` by "journal rebuild"): ``ekte verify``
    compares metadata.json with them from now on, so a value changed after the rebuild is found again.  (One
    changed before it cannot be told from a true one: the trail that knew it is what was lost.)"""
    for k, f in sorted((meta.get("fields") or {}).items()):
        value = f.get("value") if isinstance(f, dict) else f
        j._event(db, meta["id"], "journal", "field-set", {"by": REBUILD_ACTOR, "field": k, "new": value})


def _put_back(j: Any, db: sqlite3.Connection, workdir: Path, doc_id: str) -> None:
    """A clerk's put-back (``review/<id>.json``'s ``deferred``) as the journal's ``review/deferred`` event the
    queue reads: a rebuilt journal does not bring a put-back document back to the top (fresh30 G6)."""
    try:
        item = json.loads((workdir / "review" / f"{doc_id}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return
    back = item.get("deferred") if isinstance(item, dict) else None
    last = db.execute("SELECT detail FROM events WHERE doc_id=? AND stage='review' AND event='deferred' "
                      "ORDER BY seq DESC LIMIT 1", (doc_id,)).fetchone()
    if isinstance(back, dict) and last and f'"until": {json.dumps(back.get("until"))}' in (last[0] or ""):
        return  # taken over from the old journal (rebuild_old.carry) already
    if isinstance(back, dict) and isinstance(back.get("until"), str):
        j._event(db, doc_id, "review", "deferred", {"by": back.get("by") or REBUILD_ACTOR, "until": back["until"],
                                                     **({"note": back["note"]} if back.get("note") else {})})


def _fill(j: Any, workdir: Path, profile: Any, report: dict[str, Any]) -> None:
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    counters: dict[str, int] = {}
    messages: dict[tuple[str, str], dict[str, Any]] = {}
    with j.tx() as db:
        for d, meta in _archives(workdir):
            if meta is None or not meta.get("sha256"):
                report["skipped"].append(f"{d.name}: no readable metadata.json")
                continue
            state = _archived_state(workdir, meta["id"])
            db.execute("INSERT OR REPLACE INTO documents(sha256, id, source, media_type, state, doctype, confidence, "
                       "pages, archive_path, first_seen, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                       (meta["sha256"], meta["id"], meta.get("source") or "", meta.get("media_type"), state,
                        meta.get("doctype"), meta.get("confidence"), meta.get("pages"),
                        str(d.relative_to(workdir)), meta.get("received") or now, now))
            j._event(db, meta["id"], "journal", "rebuilt", f"from metadata.json: {state}")
            _taken_over(j, db, meta)
            if state == "review":
                _put_back(j, db, workdir, meta["id"])
            report["states"][state] = report["states"].get(state, 0) + 1
            _mail_part(messages, meta)
            n = _numbers(meta, profile)
            if n is not None:
                key, az, counter, seq = n
                db.execute("INSERT OR IGNORE INTO assigned(sha256, aktenzeichen, time, counter, state) "
                           "VALUES (?,?,?,?, 'used')", (key, az, now, counter))
                counters[counter] = max(counters.get(counter, 0), seq)
        for r in sorted((workdir / "quarantine").glob("*/reason.json")):
            try:
                q = json.loads(r.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            if not q.get("sha256") or db.execute("SELECT 1 FROM documents WHERE sha256=?", (q["sha256"],)).fetchone():
                continue
            state = "released" if (r.parent / "released.json").is_file() else "quarantined"
            db.execute("INSERT INTO documents(sha256, id, source, state, error_code, error_message, first_seen, "
                       "updated) VALUES (?,?,?,?,?,?,?,?)",
                       (q["sha256"], q.get("id") or q["sha256"][:16], q.get("source") or "", state, q.get("code"),
                        q.get("message"), q.get("time") or now, now))
            report["states"][state] = report["states"].get(state, 0) + 1
        report["mail_messages"] = _fill_mail(db, messages, now)
        deletions.restore(j, db, workdir, report)  # the tombstones (fresh29 F7: deleted content came back silently)
        for name, value in counters.items():
            db.execute("INSERT INTO counters(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET "
                       "value=max(value, excluded.value)", (name, value))
    report["counters"] = dict(sorted(counters.items()))


def _carry_exports(workdir: Path, j: Any, report: dict[str, Any]) -> None:
    """Every place the old journal says a rebuilt document was exported to (fresh30 G1: the archive does not
    say, and ``ekte retention delete`` must remove or name each).  Best effort: a damaged journal's table
    that cannot be read leaves them to the connectors' answers on the next export."""
    path = workdir / JOURNAL_FILE
    rows: list[Any] = []
    try:
        old = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) if path.exists() else None
        if old is not None:
            try:
                rows = old.execute("SELECT doc_id, connector, location, time FROM exports ORDER BY rowid").fetchall()
            finally:
                old.close()
    except sqlite3.DatabaseError:
        rows = []
    with j.tx() as db:
        known = {r[0] for r in db.execute("SELECT id FROM documents WHERE archive_path IS NOT NULL")}
        carried = [r for r in rows if r[0] in known and all(isinstance(v, str) for v in r)]
        db.executemany("INSERT OR REPLACE INTO exports VALUES (?,?,?,?)", carried)
    report["exports"] = len(carried)


def rebuild(workdir: Path, profile: Any, *, force: bool = False, actor: str | None = None) -> dict[str, Any]:
    """A new journal from the archive; the old one kept beside it.  *actor*: who ran it (the
    ``journal/rebuilt`` and ``journal/lost`` entries name them: fresh38 F13)."""
    from ekte.journal import Journal

    workdir = Path(workdir)
    if not workdir.is_dir() or not (workdir / "archive").is_dir():
        raise ConfigError(f"{workdir} is not an ekte working directory (no archive folder)")
    fd = _exclusive(workdir)
    try:
        db, damage = _open(workdir) if (workdir / JOURNAL_FILE).exists() else (None, "missing")
        if db is not None:
            db.close()
            if not force:
                raise ConfigError(f"the journal of {workdir} is not damaged (ekte journal check); "
                                  "rebuild it anyway with --force")
        report: dict[str, Any] = {"workdir": str(workdir), "was": damage or "readable", "states": {}, "skipped": []}
        old_facts = rebuild_old.read(workdir)
        stamp = ("damaged-" if damage else "replaced-") + dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        tmp = workdir / f".{JOURNAL_FILE}.rebuild"
        for s in SUFFIXES:
            Path(f"{tmp}{s}").unlink(missing_ok=True)
        j = Journal(tmp)
        j.actor = actor or j.actor
        try:
            rebuild_old.carry(j, old_facts, f"{JOURNAL_FILE}.{stamp}", report)  # the old trail first, chained anew
            _fill(j, workdir, profile, report)
            _carry_exports(workdir, j, report)
            rebuild_old.merge(j, workdir, old_facts, report)  # lost documents named, old tombstones kept
            j.db.execute("PRAGMA journal_mode=DELETE")  # one file to put in place (WAL again when opened)
        finally:
            j.close()
        for s in SUFFIXES:
            old = workdir / f"{JOURNAL_FILE}{s}"
            if old.exists():
                os.rename(old, workdir / f"{JOURNAL_FILE}.{stamp}{s}")
                report.setdefault("kept", []).append(f"{JOURNAL_FILE}.{stamp}{s}")
        os.rename(tmp, workdir / JOURNAL_FILE)
        return report
    except sqlite3.Error as e:
        raise environment_failure(e, str(workdir)) or e
    finally:
        os.close(fd)
