"""``ekte retention``: a deletion leaves nothing personal behind in the
working directory (the daemon's done copy, every connector's files, the
HTTP intake's records) and names what it keeps; content deleted before
comes back only through a clerk's review; quarantine entries fall due;
``retention due`` never cuts an id.  Real ingest, real daemon, real files."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from helpers import SAMPLES, ekte_cmd, fault_env, ingest_json, run_ekte

BORN = ["bauantrag-002-pdf.pdf", "kfz_zulassung-001-pdf.pdf"]
CONNECTORS = ["-c", "folder", "-c", "komxwork", "-c", "xdomea", "-c", "alfresco-bulk"]


def _inbox(path: Path, names: list[str]) -> Path:
    path.mkdir(parents=True)
    for n in names:
        shutil.copy(SAMPLES / "inbox" / n, path)
    return path


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _delete(wd: Path, doc_id: str, *extra: str, check: int = 0) -> dict:
    p = run_ekte("retention", "delete", doc_id, "-w", wd, "--reason", "retention_ended", "--json", *extra, check=check)
    return json.loads(p.stdout)["documents"][0]


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_every_copy_inside_the_workdir_goes_and_the_outside_one_is_named(tmp_path):
    wd, hot = tmp_path / "wd", tmp_path / "dms-hotfolder"
    hot.mkdir()
    out = ingest_json(_inbox(tmp_path / "in", BORN), "-w", wd, "-j", "1", *CONNECTORS)
    victim, other = (d["id"] for d in out["documents"])
    before = _files(wd / "export")
    # the victim's files are the ones that name it or its uuid (independent of the connectors' own listing)
    uuids = {Path(loc).stem.split("_")[0] for d in out["documents"] if d["id"] == victim
             for c, loc in d["exports"].items() if c in ("komxwork", "xdomea")}
    mine = {f for f in before if victim in f or any(u in f for u in uuids)}
    assert len(mine) == 8, sorted(before)  # folder 2, komxwork 3, xdomea 1, alfresco pair 2
    r = _delete(wd, victim, "--force")
    assert r["deleted"] and r["kept"] == []
    assert {x for x in r["removed"] if x.startswith("export/")} >= {f"export/{m}" for m in mine if "folder/" not in m}
    assert _files(wd / "export") == before - mine  # the other document's exports are all there
    assert any(other in f for f in _files(wd / "export"))
    # the same content once more: not silently archived and exported again — a clerk decides
    again = ingest_json(_inbox(tmp_path / "again", BORN[:1]), "-w", wd, "-j", "1", *CONNECTORS)["documents"][0]
    assert again["id"] == victim and again["status"] == "review", again
    assert any("was deleted on" in w and "deleted before its retention ended" in w for w in again["warnings"])
    assert _files(wd / "export") == before - mine
    item = json.loads((wd / "review" / f"{victim}.json").read_text())
    assert item["id"] == victim and "was deleted on" in item["fields"][0]
    # the clerk keeps it: every connector writes it again (xdomea's ledger forgot the removed package)
    run_ekte("review", "accept", victim, "-w", wd, *CONNECTORS, check=0)
    docs_only = lambda files: {f for f in files if "folder/" not in f and "/_ekte/" not in f}  # noqa: E731
    assert docs_only(_files(wd / "export")) == docs_only(before)  # (a new komXwork batch manifest lists it)
    # a hot folder outside the working directory keeps its own: named as kept, not removed
    wd2 = tmp_path / "wd2"
    d = ingest_json(_inbox(tmp_path / "in2", BORN[1:]), "-w", wd2, "-j", "1", "-c", "komxwork",
                    "-o", f"connectors.komxwork.path={hot}")["documents"][0]
    outside = _files(hot)
    r = _delete(wd2, d["id"], "--force")
    assert r["deleted"] and _files(hot) == outside
    assert [k for k in r["kept"] if str(hot) in k and "outside the working directory" in k], r
    p = run_ekte("retention", "delete", d["id"], "-w", wd2, "--reason", "retention_ended", "--force")
    assert p.returncode == 1  # deleted already: refused, nothing to do


def _watch(inbox: Path, wd: Path) -> subprocess.Popen:
    return subprocess.Popen(ekte_cmd() + ["watch", str(inbox), "-w", str(wd), "--stable-seconds", "1", "-o",
                                          "ocr.jobs=1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def _wait(pred, proc: subprocess.Popen, what: str, timeout: float = 180) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if pred():
            return
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _state(wd: Path, doc_id: str) -> str | None:
    db = sqlite3.connect(f"file:{wd / 'journal.sqlite'}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT state FROM documents WHERE id=?", (doc_id,)).fetchone()
    finally:
        db.close()
    return row[0] if row else None


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_the_daemons_done_copy_goes_and_the_content_coming_back_goes_to_review(tmp_path):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    src = SAMPLES / "inbox" / BORN[0]
    personal = "Becker, Sabine - Antrag Bergstraße 98.pdf"
    doc_id = hashlib.sha256(src.read_bytes()).hexdigest()[:16]  # a document's id: its SHA-256's first 16 digits
    proc = _watch(inbox, wd)
    try:
        shutil.copy(src, inbox / personal)
        done = wd / "done" / personal
        _wait(lambda: done.exists() and _state(wd, doc_id) == "exported", proc, "the done copy")
        hist = json.loads(run_ekte("history", doc_id, "-w", wd, "--json", check=0).stdout)
        assert [e for e in hist["events"] if (e["stage"], e["event"]) == ("watch", "done")
                and e["detail"] == f"path: done/{personal}"]
        r = _delete(wd, doc_id, "--force")  # while the daemon runs, as a clerk would
        assert r["deleted"] and f"done/{personal}" in r["removed"] and not done.exists(), r
        assert not any(personal.encode() in p.read_bytes() for p in wd.rglob("*") if p.is_file()
                       and p.name.startswith("journal.sqlite"))  # its place is emptied from the trail too
        shutil.copy(src, inbox / "wieder.pdf")  # the same bytes again, under another name
        _wait(lambda: _state(wd, doc_id) == "review", proc, "the content coming back")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(60)
    item = json.loads((wd / "review" / f"{doc_id}.json").read_text())
    meta = json.loads(next((wd / "archive").glob(f"*/{doc_id}/metadata.json")).read_text())
    assert any("was deleted on" in w for w in meta["warnings"]), meta["warnings"]
    assert item["id"] == doc_id and not (wd / "export" / "folder" / doc_id).exists()
    assert item["fields"][0].startswith("this content was deleted on ")  # the first reason the clerk reads
    shown = " ".join(run_ekte("review", "show", doc_id, "-w", wd, "--lang", "de", check=0).stdout.split())
    assert "Dieser Inhalt wurde am" in shown and "vor Ende der Aufbewahrungsfrist gelöscht" in shown, shown


def test_a_copy_in_the_done_folder_is_found_by_its_bytes(tmp_path):
    """A done copy the journal does not name (moved before the event was
    recorded, or after ``ekte journal rebuild``) is found by size and SHA-256;
    a file of another content under a similar name stays."""
    wd = tmp_path / "wd"
    d = ingest_json(_inbox(tmp_path / "in", BORN[:1]), "-w", wd, "-j", "1")["documents"][0]
    (wd / "done" / "Akte Schmidt").mkdir(parents=True)
    shutil.copy(SAMPLES / "inbox" / BORN[0], wd / "done" / "Akte Schmidt" / "JS Schmidt.pdf")
    shutil.copy(SAMPLES / "inbox" / BORN[1], wd / "done" / "Akte Schmidt" / "other.pdf")
    r = _delete(wd, d["id"], "--force")
    assert "done/Akte Schmidt/JS Schmidt.pdf" in r["removed"], r
    assert (wd / "done" / "Akte Schmidt" / "other.pdf").exists()
    assert "done/Akte Schmidt" not in r["removed"]  # not empty: it stays


def test_a_done_folder_left_empty_goes_with_the_copy(tmp_path):
    """fresh27 N1: the daemon keeps an inbox's sub-folders in the done folder, named after a person
    ("Akte Schmidt-Özdemir, Hannelore"); the copy went, the empty folder with the name stayed."""
    wd = tmp_path / "wd"
    d = ingest_json(_inbox(tmp_path / "in", BORN[:1]), "-w", wd, "-j", "1")["documents"][0]
    folder = wd / "done" / "Akte Schmidt-Özdemir, Hannelore" / "2026"
    folder.mkdir(parents=True)
    shutil.copy(SAMPLES / "inbox" / BORN[0], folder / "HS Schmidt-Özdemir.pdf")
    r = _delete(wd, d["id"], "--force")
    assert "done/Akte Schmidt-Özdemir, Hannelore/2026/HS Schmidt-Özdemir.pdf" in r["removed"], r
    assert {"done/Akte Schmidt-Özdemir, Hannelore/2026", "done/Akte Schmidt-Özdemir, Hannelore"} <= set(r["removed"])
    assert (wd / "done").is_dir() and not any((wd / "done").iterdir())  # the done folder itself stays


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_quarantine_falls_due_and_due_never_cuts_the_id(tmp_path):
    wd = tmp_path / "wd"
    inbox = _inbox(tmp_path / "in", BORN[:1])
    (inbox / "kaputt.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    docs = ingest_json(inbox, "-w", wd, "-j", "1")["documents"]
    q = next(d for d in docs if d["status"] == "quarantined")["id"]
    due = json.loads(run_ekte("retention", "due", "-w", wd, "--json", check=0).stdout)["documents"]
    assert q not in {e["id"] for e in due}  # not due today
    later = json.loads(run_ekte("retention", "due", "-w", wd, "--json", "--as-of", "2100-01-01", check=0).stdout)
    entry = next(e for e in later["documents"] if e["id"] == q)
    # the profile's shortest period by default, counted from the day it was quarantined
    assert entry["basis"] == "quarantined" and entry["years"] >= 1 and entry["doctype"].startswith("quarantined")
    short = run_ekte("retention", "due", "-w", wd, "--json", "--as-of", "2100-01-01", "-o",
                     "retention.quarantine_years=1", check=0)
    one = next(e for e in json.loads(short.stdout)["documents"] if e["id"] == q)
    assert one["years"] == 1 and one["ends"] == f"{int(entry['date'][:4]) + 1}-12-31"
    table = run_ekte("retention", "due", "-w", wd, "--as-of", "2100-01-01", check=0,
                     env={**os.environ, "COLUMNS": "80"}).stdout
    assert all(e["id"] in table for e in later["documents"]), table  # whole ids in 80 columns
    _backdate(wd / "quarantine" / q / "reason.json", "2000-01-01")  # quarantined long ago (--as-of only plans)
    r = _delete(wd, q)  # due: no --force needed
    assert r["deleted"] and not r["forced"] and f"quarantine/{q}" in r["removed"]


def _backdate(reason: Path, day: str) -> None:
    """A quarantine entry as if made on *day* (a deletion is judged as of today only: fresh38 F7)."""
    r = json.loads(reason.read_text("utf-8"))
    reason.write_text(json.dumps({**r, "time": f"{day}T10:00:00+00:00"}), "utf-8")


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_the_komxwork_batch_manifest_forgets_it_and_refusals_are_codes(tmp_path):
    """mend9: the batch manifest (``_ekte/stapel-*.xml``) named a deleted document (its uuid and hash) for good;
    ``--json`` refusals were free sentences where ``ingest --json`` gives ``{"code", "message"}``."""
    wd = tmp_path / "wd"
    out = ingest_json(_inbox(tmp_path / "in", BORN), "-w", wd, "-j", "1", "-c", "komxwork")
    (victim, vloc), (other, oloc) = ((d["id"], d["exports"]["komxwork"]) for d in out["documents"])
    manifest = next((wd / "export" / "komxwork" / "_ekte").glob("stapel-*.xml"))
    vuuid, ouuid = Path(vloc).stem, Path(oloc).stem
    vsha = hashlib.sha256(Path(vloc).read_bytes()).hexdigest()
    assert vuuid in manifest.read_text() and vsha in manifest.read_text()
    r = _delete(wd, victim, check=1)  # not due
    assert r["error"]["code"] == "retention_not_ended" and "--force" in r["error"]["message"], r
    r = _delete(wd, victim, "--force")
    assert r["deleted"] and r["changed"] == [str(manifest.relative_to(wd))], r
    text = manifest.read_text()
    assert vuuid not in text and vsha not in text and ouuid in text and 'anzahl="1"' in text, text
    db = sqlite3.connect(wd / "state" / "komxwork.sqlite")
    assert db.execute("SELECT count(*) FROM entries WHERE dokument_id=?", (vuuid,)).fetchone()[0] == 0
    db.close()
    r = _delete(wd, other, "--force")  # the last one of its batch: the manifest goes
    assert r["deleted"] and str(manifest.relative_to(wd)) in r["removed"] and not manifest.exists(), r
    # refusals: a stable code and one line, as the other commands' JSON errors
    for given, code in ((victim, "deleted_already"), (victim[:6], "deleted_already"), ("zz", "invalid_id"),
                        ("abcd0123", "not_found")):
        e = _delete(wd, given, check=1)["error"]
        assert e["code"] == code and "\n" not in e["message"] and e["message"], (given, e)
    p = run_ekte("retention", "delete", "abcd0123", "-w", wd, "--reason", "retention_ended", "--lang", "en")
    assert p.returncode == 1 and "refused abcd0123: no document with id abcd0123" in p.stdout, p.stdout


def test_the_original_ingest_move_moved_goes_too(tmp_path):
    """mend9: ``ingest --move`` did not record where the original went, so ``retention delete`` could not remove
    it (outside the done folders, not found by its bytes); recorded now (``intake``/``moved``), removed wherever
    it lies while it holds the bytes, and the inbox's sub-folder it leaves empty goes with it."""
    wd, moved = tmp_path / "wd", tmp_path / "erledigt"
    inbox = tmp_path / "in"
    _inbox(inbox / "Akte Meier, Hans", BORN[:1])
    shutil.copy(SAMPLES / "inbox" / BORN[1], inbox)
    docs = ingest_json(inbox, "-w", wd, "-j", "1", "--move", moved)["documents"]
    victim = next(d["id"] for d in docs if d["source"].endswith(BORN[0]))
    original = moved / "Akte Meier, Hans" / BORN[0]
    assert original.is_file() and (moved / BORN[1]).is_file() and not any(inbox.rglob("*.pdf"))
    hist = json.loads(run_ekte("history", victim, "-w", wd, "--json", check=0).stdout)
    assert [e for e in hist["events"] if (e["stage"], e["event"]) == ("intake", "moved") and str(original) in e["detail"]]
    r = _delete(wd, victim, "--force")
    assert r["deleted"] and str(original) in r["removed"] and not original.exists(), r
    assert str(original.parent) in r["removed"] and not original.parent.exists()  # the folder with the name too
    assert moved.is_dir() and (moved / BORN[1]).is_file()  # the --move folder and the other original stay
    assert not [k for k in r["kept"] if "erledigt" in k], r


def test_a_rebuilt_journal_has_the_tombstone_index(tmp_path):
    """mend9: ``tombstone_by_sha`` (every intake: deleted before?) scanned the tombstones; schema 6 has an index,
    and ``ekte journal rebuild`` makes a journal of the current schema (7) with it."""
    wd = tmp_path / "wd"
    ingest_json(_inbox(tmp_path / "in", BORN[:1]), "-w", wd, "-j", "1")
    run_ekte("journal", "rebuild", "-w", wd, "--force", check=0)
    db = sqlite3.connect(wd / "journal.sqlite")
    try:
        plan = " ".join(r[-1] for r in db.execute("EXPLAIN QUERY PLAN SELECT * FROM tombstones WHERE sha256=? "
                                                  "ORDER BY deleted DESC LIMIT 1", ("0" * 64,)))
        version = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    finally:
        db.close()
    assert "USING INDEX tombstones_sha256" in plan and version == "7", (plan, version)


def test_the_komxwork_manifest_is_found_with_a_relative_workdir(tmp_path):
    """mend10: with a relative working directory (the default ``./ekte-data``) the ledger recorded the hot folder
    and the manifest relative to the current directory, and ``retention delete`` looked for
    ``<root>/_ekte/<that relative path>``: ``"changed": []``, the manifest still named the deleted document.
    Recorded absolute now; the rows older versions wrote (relative to the then current directory) are found too."""
    _inbox(tmp_path / "in", ["kfz_zulassung-001-pdf.pdf", "tierhaltung-006-pdf.pdf"])
    p = run_ekte("ingest", "--json", "in", "-w", "wd", "-j", "1", "-c", "komxwork", cwd=tmp_path, check=0)
    (victim, vloc), (other, oloc) = ((d["id"], d["exports"]["komxwork"]) for d in json.loads(p.stdout)["documents"])
    manifest = next((tmp_path / "wd" / "export" / "komxwork" / "_ekte").glob("stapel-*.xml"))
    assert manifest.read_text().count("<Eintrag") == 2

    def delete(doc_id: str) -> dict:
        p = run_ekte("retention", "delete", doc_id, "-w", "wd", "--reason", "retention_ended", "--force", "--json", cwd=tmp_path,
                     check=0)
        return json.loads(p.stdout)["documents"][0]

    r = delete(victim)
    assert r["deleted"] and r["changed"] == [str(manifest.relative_to(tmp_path / "wd"))] and r["kept"] == [], r
    text = manifest.read_text()
    assert text.count("<Eintrag") == 1 and Path(vloc).stem not in text and Path(oloc).stem in text, text
    # a ledger row as versions before mend10 wrote it: root and manifest relative to the then current directory
    db = sqlite3.connect(tmp_path / "wd" / "state" / "komxwork.sqlite")
    (root, recorded), = db.execute("SELECT root, manifest FROM entries").fetchall()
    assert Path(root).is_absolute() and Path(recorded) == manifest, (root, recorded)
    with db:
        db.execute("UPDATE entries SET root=?, manifest=?", ("wd/export/komxwork",
                                                              f"wd/export/komxwork/_ekte/{manifest.name}"))
    db.close()
    r = delete(other)
    assert r["deleted"] and str(manifest.relative_to(tmp_path / "wd")) in r["removed"] and not manifest.exists(), r


def _same_prefix(data: bytes, doc_id: str) -> bytes:
    """*data* (a PDF) with a comment after its end so that its id starts with *doc_id*'s first 4 hex digits
    and differs in the fifth (ids are the SHA-256's first 16)."""
    base = hashlib.sha256(data + b"\n%")
    for n in range(1 << 24):
        h = base.copy()
        h.update(b"%d\n" % n)
        x = h.hexdigest()
        if x[:4] == doc_id[:4] and x[4] != doc_id[4]:
            return data + b"\n%" + b"%d\n" % n
    raise AssertionError("no such suffix")


@pytest.mark.slow  # one of the slowest of `make test` (CI runs it in test-slow)
def test_the_station_shows_a_deleted_trail_and_a_prefix_takes_the_live_document(tmp_path):
    """mend11: the station answered 404 for a deleted document's history (``ekte history`` shows its redacted
    trail), and ``GET /api/v1/documents/<prefix>`` took the deleted document where every other route and the
    CLI take the live one.  One rule now: live documents first, a deleted one only when none fits."""
    import httpx
    from serve_helpers import THRESHOLD, login, make_workdir, start_server, stop, token

    wd = tmp_path / "work"
    make_workdir(wd, [SAMPLES / "inbox" / BORN[0]])
    gone = json.loads(run_ekte("review", "list", "-w", wd, "--json", check=0).stdout)[0]["id"]
    fields = json.loads(run_ekte("review", "show", gone, "-w", wd, "--json", check=0).stdout)["fields"]
    today = {time.strftime("%d.%m.%Y"), time.strftime("%Y-%m-%d")}  # the day of receipt is every document's
    values = [str(f["value"]) for f in fields.values() if len(str(f.get("value") or "")) > 4
              and str(f["value"]) not in today]
    assert values and _delete(wd, gone, "--force")["deleted"]
    later = tmp_path / "later"  # another document, ingested by the CLI, whose id starts as the deleted one's
    later.mkdir()
    (later / "b.pdf").write_bytes(_same_prefix((SAMPLES / "inbox" / BORN[1]).read_bytes(), gone))
    live = ingest_json(later, "-w", wd, "-j", "1", *THRESHOLD)["documents"][0]["id"]
    assert live[:4] == gone[:4] and live[:5] != gone[:5]
    server, url = start_server(wd)
    try:
        api = token(wd, "chef")
        for given in (gone, gone[:5]):  # the deleted document's redacted trail, by id and by prefix
            h = httpx.get(url + f"/api/v1/history/{given}", headers=api)
            assert h.status_code == 200 and h.json()["id"] == gone and h.json()["state"] == "deleted", h.text
            assert h.json()["deleted"][:4].isdigit() and h.json()["events"][-1]["event"] == "deleted"
            assert not [v for v in values if v in h.text], h.text
        clerk = login(url, "anna")
        page = clerk.get(f"/history/{gone}")
        assert page.status_code == 200 and "gelöscht am" in page.text and gone in page.text, page.text[-2000:]
        assert not [v for v in values if v in page.text]
        assert clerk.get(f"/history?id={gone[:5]}").headers["location"] == f"/history/{gone}"
        # the shared prefix: the live document, on every route (as ekte history / review show take it)
        p4 = gone[:4]
        got = httpx.get(url + f"/api/v1/documents/{p4}", headers=api)  # was 200 "deleted"
        assert got.status_code == 404 and "submitted through the API" in got.text, got.text
        assert httpx.get(url + f"/api/v1/history/{p4}", headers=api).json()["id"] == live
        assert httpx.get(url + f"/api/v1/review/{p4}", headers=api).json()["id"] == live
        assert clerk.get(f"/review/{p4}").headers["location"] == f"/review/{live}"
        assert json.loads(run_ekte("history", p4, "-w", wd, "--json", check=0).stdout)["id"] == live
    finally:
        assert stop(server) == 0


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_the_audit_trail_tells_a_forced_deletion_from_a_due_one(tmp_path):
    """fresh29: `history` and the station said "nach Ablauf der Aufbewahrungsfrist gelöscht" of a deletion
    with --force before the period ended — a false line in the audit trail an auditor reads."""
    wd = tmp_path / "wd"
    early = ingest_json(_inbox(tmp_path / "in", BORN[:1]), "-w", wd, "-j", "1")["documents"][0]["id"]
    due = ingest_json(_inbox(tmp_path / "in2", ["tierhaltung-006-pdf.pdf"]), "-w", wd, "-j", "1", "-o",
                      "extract.auto_threshold=1")["documents"][0]["id"]
    run_ekte("review", "accept", due, "-w", wd, "--set", "antragsdatum=14.03.2012", check=0)  # a clerk's date: due
    assert _delete(wd, early, "--force")["forced"]
    assert not _delete(wd, due)["forced"]
    de = {"EKTE_LANG": "de", "COLUMNS": "200"}
    forced = run_ekte("history", early, "-w", wd, check=0, env=de).stdout
    assert "vor Ende der Aufbewahrungsfrist gelöscht" in forced and "nach Ablauf" not in forced, forced
    after = run_ekte("history", due, "-w", wd, check=0, env=de).stdout
    assert "nach Ablauf der Aufbewahrungsfrist gelöscht" in after and "vor Ende" not in after, after
    shown = run_ekte("review", "show", early, "-w", wd, check=None, env=de).stdout
    assert "nach Ablauf" not in shown, shown
    ends = json.loads(run_ekte("history", early, "-w", wd, "--json", check=0).stdout)["deleted"]["retention_ends"]
    assert ends and int(ends[:4]) > int(time.strftime("%Y")), ends  # fresh29: null; when it would have ended


def _quarantined_once(inbox: Path, wd: Path) -> dict:
    """The inbox's one document quarantined by the fault plugin (refused before OCR: the same every time —
    a 0.01 s document timeout let a quick document through now and then)."""
    p = run_ekte("ingest", "--json", inbox, "-w", wd, "-j", "1", "--plugin", "ekte_faults", check=1,
                 env=fault_env({"EKTE_FAULTS": "before_ocr:refuse"}))
    first = json.loads(p.stdout)["documents"][0]
    assert first["status"] == "quarantined" and first["error"]["code"] == "fault_refused", first
    return first


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_content_archived_after_its_quarantine_is_due_by_its_own_period(tmp_path):
    """fresh29 F13: a document quarantined (ocr_timeout) and archived by a later run kept its quarantine entry;
    ``retention due`` listed it as a due quarantine and ``retention delete`` without --force deleted the archived
    record decades early.  The entry is closed when the content is archived (an audit event), and retention judges
    an entry by the journal: content it knows as archived is never a due quarantine (an entry left over — by a
    crash before its removal, an older release — included)."""
    wd, inbox = tmp_path / "wd", _inbox(tmp_path / "in", ["waffen_antrag-005-pdf.pdf"])
    first = _quarantined_once(inbox, wd)
    doc = first["id"]
    shutil.copytree(wd / "quarantine" / doc, tmp_path / "left-over")
    year = int(time.strftime("%Y"))
    _backdate(tmp_path / "left-over" / "reason.json", f"{year - 3}-06-01")  # an entry's period over
    again = ingest_json(inbox, "-w", wd, "-j", "1")["documents"][0]
    assert (again["id"], again["status"]) == (doc, "archived"), again
    assert not (wd / "quarantine" / doc).exists() and not list((wd / "quarantine").iterdir())
    hist = json.loads(run_ekte("history", doc, "-w", wd, "--json", check=0).stdout)["events"]
    closed = [e for e in hist if (e["stage"], e["event"]) == ("quarantine", "closed")]
    assert len(closed) == 1 and "fault_refused" in closed[0]["detail"], hist
    short = ("-o", "retention.quarantine_years=1")
    for entry in ("closed", "left over"):
        due = json.loads(run_ekte("retention", "due", "-w", wd, "--json", *short, check=0).stdout)["documents"]
        assert doc not in {e["id"] for e in due}, (entry, due)  # its own period (30 years) has not ended
        r = _delete(wd, doc, *short, check=1)
        assert not r["deleted"] and r["error"]["code"] == "retention_not_ended", (entry, r)
        assert (wd / "archive" / doc[:2] / doc / "metadata.json").is_file()
        shutil.copytree(tmp_path / "left-over", wd / "quarantine" / doc, dirs_exist_ok=True)  # same bytes, left
    later = json.loads(run_ekte("retention", "due", "-w", wd, "--json", "--as-of", "2200-01-01", check=0).stdout)
    assert [e["basis"] for e in later["documents"] if e["id"] == doc] == ["document_date"], later  # listed once


def test_a_rejected_documents_mark_goes_with_it(tmp_path):
    """fresh29 F9: ``review/rejected/<id>.json`` (SHA-256, reason, the clerk's name) stayed after the deletion."""
    wd = tmp_path / "wd"
    doc = ingest_json(_inbox(tmp_path / "in", BORN[:1]), "-w", wd, "-j", "1", "-o",
                      "classify.threshold=0.99")["documents"][0]["id"]
    run_ekte("review", "reject", doc, "--reason", "not_ours", "-w", wd, check=0)
    mark = wd / "review" / "rejected" / f"{doc}.json"
    assert mark.is_file()
    r = _delete(wd, doc, "--force")
    assert r["deleted"] and f"review/rejected/{doc}.json" in r["removed"] and not mark.exists(), r


def test_a_quarantine_entry_holding_more_than_ekte_wrote_stays(tmp_path):
    """The closing of a quarantine entry removes only what ekte wrote there (the copy of the original,
    reason.json): a file someone put beside them keeps the entry, and no ``quarantine/closed`` is recorded."""
    wd, inbox = tmp_path / "wd", _inbox(tmp_path / "in", ["waffen_antrag-005-pdf.pdf"])
    doc = _quarantined_once(inbox, wd)["id"]
    (wd / "quarantine" / doc / "notiz.txt").write_text("Rückruf Antragsteller\n")
    assert ingest_json(inbox, "-w", wd, "-j", "1")["documents"][0]["status"] == "archived"
    assert {p.name for p in (wd / "quarantine" / doc).iterdir()} == {"notiz.txt", "reason.json", "original.pdf"}
    hist = json.loads(run_ekte("history", doc, "-w", wd, "--json", check=0).stdout)["events"]
    assert not [e for e in hist if e["event"] == "closed"], hist
