"""fresh29 F7 / F11: what ``ekte retention delete`` deleted survives ``ekte journal rebuild`` (a record per
deletion outside the journal), and a komXwork hot folder given relative to the shell's folder is found again."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from helpers import SAMPLES, ingest_json, run_ekte

DOC = "bauantrag-002-pdf.pdf"


def _inbox(path: Path, name: str = DOC) -> Path:
    path.mkdir(parents=True)
    shutil.copy(SAMPLES / "inbox" / name, path)
    return path


def _delete(wd: Path, doc_id: str, check: int | None = 0) -> dict:
    p = run_ekte("retention", "delete", doc_id, "-w", wd, "--reason", "retention_ended", "--force", "--json",
                 check=check)
    return json.loads(p.stdout)["documents"][0]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_rebuilt_journal_keeps_the_deletion_and_the_content_does_not_come_back_silently(tmp_path):
    wd, pre = tmp_path / "wd", tmp_path / "pre"
    doc_id = ingest_json(_inbox(tmp_path / "in"), "-w", wd, "-j", "1", "-c", "folder")["documents"][0]["id"]
    shutil.copytree(wd, pre, symlinks=True)  # the directory as it was before the deletion
    assert _delete(wd, doc_id)["deleted"]
    record = wd / "deleted" / f"{doc_id}.json"
    rec = json.loads(record.read_text())
    assert stat.S_IMODE(record.stat().st_mode) == 0o600 and stat.S_IMODE(record.parent.stat().st_mode) == 0o700
    assert rec["doc_id"] == doc_id and rec["forced"] is True and rec["reason"] == "retention_ended"
    assert not {"fields", "source", "text"} & rec.keys(), rec  # what the tombstone holds, no content
    run_ekte("journal", "rebuild", "--force", "-w", wd, check=0)
    h = json.loads(run_ekte("history", doc_id, "-w", wd, "--json", check=0).stdout)
    assert h["deleted"]["deleted"] == rec["deleted"] and h["deleted"]["reason"] == "retention_ended", h
    assert h["deleted"]["forced"] is True, h  # a boolean as in deleted/<id>.json, not sqlite's 1 (fresh38 F14 g)
    *before, last = h["events"]  # the old trail taken over, emptied as the deletion left it; its entry once
    assert (last["stage"], last["event"], last["actor"], last.get("taken_over")) == \
        ("retention", "deleted", rec["actor"], True), h
    assert before and all(e["redacted"] and e["taken_over"] and not (e["new"] or e["old"]) for e in before), before
    assert run_ekte("journal", "check", "-w", wd).returncode == 0
    # the same content again: to review with the warning, not archived and exported again silently
    again = ingest_json(_inbox(tmp_path / "again"), "-w", wd, "-j", "1", "-c", "folder")["documents"][0]
    assert again["status"] == "review" and any("was deleted on" in w for w in again["warnings"]), again
    assert not (wd / "export" / "folder" / doc_id).exists()
    # came back and waits for review: a rebuild keeps both the tombstone and the document
    out = run_ekte("journal", "rebuild", "--force", "-w", wd, check=0).stdout
    assert "unfinished" not in out and "review 1" in out, out
    db = sqlite3.connect(f"file:{wd / 'journal.sqlite'}?mode=ro", uri=True)
    try:
        assert db.execute("SELECT deleted FROM tombstones WHERE doc_id=?", (doc_id,)).fetchone() == (rec["deleted"],)
    finally:
        db.close()

    # ekte stopped between the record and the journal's tombstone (nothing removed yet): never forgotten
    (pre / "deleted").mkdir(mode=0o700)
    shutil.copy(record, pre / "deleted" / record.name)
    chk = run_ekte("journal", "check", "-w", pre)
    assert chk.returncode == 1 and f"{doc_id}: its deletion was begun" in chk.stdout, chk.stdout
    out = run_ekte("journal", "rebuild", "--force", "-w", pre, check=0).stdout
    assert f"unfinished deletion {doc_id}" in out and "archived 1" in out, out
    r = _delete(pre, doc_id)  # completes it
    assert r["deleted"] and f"archive/{doc_id[:2]}/{doc_id}" in r["removed"], r
    assert run_ekte("journal", "check", "-w", pre).returncode == 0


def test_a_hot_folder_given_relative_is_deleted_from_and_an_old_relative_record_is_found(tmp_path):
    """fresh29 F11: with ``-w wd -o connectors.komxwork.path=hot`` the journal recorded "wd/hot/<uuid>.pdf"
    (relative to the shell's folder) and ``retention delete`` looked for wd/wd/hot/…: the PDF, index and .ready
    marker (names, addresses) stayed, named nowhere.  Recorded absolute now; old relative records are found."""
    _inbox(tmp_path / "in")
    _inbox(tmp_path / "in2", "kfz_zulassung-001-pdf.pdf")
    hot = ("-c", "komxwork", "-o", "connectors.komxwork.path=hot")
    (tmp_path / "wd" / "hot").mkdir(parents=True)  # (a configured export folder is not made by ekte)

    def ingest(inbox: str) -> tuple[str, str]:
        p = run_ekte("ingest", "--json", inbox, "-w", "wd", "-j", "1", "-v", *hot, cwd=tmp_path, check=None)
        d = json.loads(p.stdout)["documents"][0]
        # (fresh29 F4) the resolved folder of a relative connectors.*.path is logged once
        assert p.stderr.count(f"connector komxwork exports to {tmp_path / 'wd' / 'hot'}\n") == 1, p.stderr
        return d["id"], d["exports"]["komxwork"]

    def delete(doc_id: str, cwd: Path, wd: str) -> dict:
        p = run_ekte("retention", "delete", doc_id, "-w", wd, "--reason", "retention_ended", "--force", "--json", *hot[2:], cwd=cwd,
                     check=0)
        return json.loads(p.stdout)["documents"][0]

    first, loc = ingest("in")
    assert Path(loc).is_absolute() and Path(loc).parent == tmp_path / "wd" / "hot", loc
    mine = {f.name for f in (tmp_path / "wd" / "hot").iterdir() if f.stem == Path(loc).stem}
    assert len(mine) == 3, mine  # pdf, index, .ready
    r = delete(first, tmp_path, "wd")
    assert {f"hot/{m}" for m in mine} <= set(r["removed"]) and r["kept"] == [], r
    assert not any(f.stem == Path(loc).stem for f in (tmp_path / "wd" / "hot").iterdir())
    # a record as older versions wrote it (relative to the shell's folder), deleted from another folder
    second, loc2 = ingest("in2")
    db = sqlite3.connect(tmp_path / "wd" / "journal.sqlite")
    with db:
        db.execute("UPDATE exports SET location=? WHERE doc_id=?", (f"wd/hot/{Path(loc2).name}", second))
    db.close()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = delete(second, elsewhere, str(tmp_path / "wd"))
    assert f"hot/{Path(loc2).name}" in r["removed"] and r["kept"] == [], r
    assert not any(f.stem == Path(loc2).stem for f in (tmp_path / "wd" / "hot").iterdir())


def test_an_archive_folder_received_in_the_second_of_its_deletion_is_the_one_from_before(tmp_path):
    """Times are kept to the second: a document archived and deleted in the same second (a quick machine)
    had its archive folder taken for content that came in again after the deletion, and a rebuild restored
    the tombstone over a document that was never removed (the final test run of stop 27)."""
    from ekte.journal.deletions import unfinished

    meta = tmp_path / "archive" / "ab" / "abcd" / "metadata.json"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"received": "2026-11-30T17:46:33+00:00"}))
    assert unfinished(tmp_path, {"doc_id": "abcd", "deleted": "2026-11-30T17:46:33+00:00"})
    assert unfinished(tmp_path, {"doc_id": "abcd", "deleted": "2026-11-30T17:46:34+00:00"})
    assert not unfinished(tmp_path, {"doc_id": "abcd", "deleted": "2026-11-30T17:46:32+00:00"})
