"""fresh30 G1, G2, G3, G7: every place a document was exported to is remembered (schema 7) and removed or
named by ``ekte retention delete``; an original moved under a file name that is not UTF-8 is recorded and
removed, and ``--json`` stays valid UTF-8; a failed re-export leaves the recorded state as it was."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from helpers import SAMPLES, ekte_cmd, ingest_json, run_ekte

DOC = "tierhaltung-006-pdf.pdf"
#: a Latin-1 file name ("Bär_Müller.pdf"): not UTF-8
LATIN1 = os.fsdecode(b"B\xe4r_M\xfcller.pdf")


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()


def _delete(wd: Path, doc_id: str) -> dict:
    p = subprocess.run([*ekte_cmd(), "retention", "delete", doc_id, "-w", str(wd), "--reason", "retention_ended", "--force",
                        "--json"], capture_output=True, timeout=600, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr[-2000:]
    return json.loads(p.stdout.decode("utf-8"))["documents"][0]  # strict UTF-8: valid JSON text (G3)


def _as_schema_6(wd: Path) -> None:
    """The journal as the release before schema 7 left it: ``exports`` keyed by (document, connector)."""
    db = sqlite3.connect(wd / "journal.sqlite")
    with db:
        db.execute("ALTER TABLE exports RENAME TO e7")
        db.execute("CREATE TABLE exports (doc_id TEXT NOT NULL, connector TEXT NOT NULL, location TEXT NOT NULL, "
                   "time TEXT NOT NULL, PRIMARY KEY (doc_id, connector))")
        db.execute("INSERT INTO exports SELECT * FROM e7")
        db.execute("DROP TABLE e7")
        db.execute("UPDATE meta SET value='6' WHERE key='schema_version'")
    db.close()


def _state(wd: Path, doc_id: str) -> tuple[str, str | None]:
    db = sqlite3.connect(wd / "journal.sqlite")
    try:
        return tuple(db.execute("SELECT state, error_code FROM documents WHERE id=?", (doc_id,)).fetchone())
    finally:
        db.close()


def _exported(tmp_path: Path) -> tuple[Path, dict, set[str]]:
    wd = tmp_path / "wd"
    (tmp_path / "in").mkdir()
    shutil.copy(SAMPLES / "inbox" / DOC, tmp_path / "in")
    doc = ingest_json(tmp_path / "in", "-w", wd, "-j", "1", "-c", "folder", "-c", "xdomea")["documents"][0]
    first = _files(wd / "export")
    assert doc["status"] == "archived" and any(doc["id"] in f for f in first) and any("xdomea/" in f for f in first)
    assert _state(wd, doc["id"]) == ("exported", None)
    return wd, doc, first


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_failed_re_export_leaves_the_exported_state(tmp_path):
    """G7: a re-export (--force) that fails (here the folder's place is a file) leaves the exported document
    exported; the failure is reported (exit 1) and in its events."""
    wd, doc, _ = _exported(tmp_path)
    (tmp_path / "afile").write_text("x")
    p = run_ekte("export", doc["id"], "-c", "folder", "--force", "-w", wd, "--json",
                 "-o", f"connectors.folder.path={tmp_path / 'afile' / 'sub'}")
    assert p.returncode == 1 and json.loads(p.stdout)["documents"][0]["status"] == "export_failed", p.stdout
    assert _state(wd, doc["id"]) == ("exported", None)
    status = json.loads(run_ekte("status", "-w", wd, "--json").stdout)
    assert status["journal"] == {"exported": 1}, status
    hist = json.loads(run_ekte("history", doc["id"], "-w", wd, "--json", check=0).stdout)
    assert [e for e in hist["events"] if e["event"] == "export-failed"], hist["events"]


def test_every_place_a_forced_export_wrote_is_removed_or_named(tmp_path):
    """G1: a second export by the same connector (export --force to another folder, another xdomea version)
    no longer overwrites the first place in the journal: retention delete removes the copies inside the
    working directory and names the ones outside — also in a journal upgraded from schema 6."""
    wd, doc, first = _exported(tmp_path)
    second, x31 = tmp_path / "second", tmp_path / "x31"
    second.mkdir()
    x31.mkdir()
    _as_schema_6(wd)  # a working directory of the previous release: upgraded by the next command, rows kept
    run_ekte("export", doc["id"], "-c", "folder", "--force", "-w", wd, "-o", f"connectors.folder.path={second}",
             check=0)
    run_ekte("export", doc["id"], "-c", "xdomea", "--force", "-w", wd, "-o", "connectors.xdomea.version=3.1.0",
             "-o", f"connectors.xdomea.path={x31}", check=0)
    assert _files(second) and _files(x31) and _files(wd / "export") == first
    assert _state(wd, doc["id"]) == ("exported", None)
    r = _delete(wd, doc["id"])
    assert r["deleted"], r
    assert not [f for f in _files(wd / "export") if doc["id"] in f or f.startswith("xdomea/")], _files(wd / "export")
    assert all(any(f"export/{f}" == x or f"export/{f}".startswith(x + "/") for x in r["removed"]) for f in first), r
    kept = " ".join(r["kept"])
    assert str(second) in kept and str(x31) in kept, r  # outside: named, never silently
    assert _files(second) and _files(x31)


def test_an_original_moved_under_a_latin1_name_is_recorded_and_removed(tmp_path):
    wd, moved, inbox = tmp_path / "wd", tmp_path / "erledigt", tmp_path / "in"
    inbox.mkdir()
    shutil.copy(SAMPLES / "inbox" / DOC, inbox / LATIN1)
    p = run_ekte("ingest", inbox, "-w", wd, "--move", moved, "--json", "-j", "1")
    assert p.returncode == 0 and "not recorded" not in p.stderr, p.stderr[-2000:]
    doc = json.loads(p.stdout)["documents"][0]
    original = moved / LATIN1
    assert original.is_file()
    hist = json.loads(run_ekte("history", doc["id"], "-w", wd, "--json", check=0).stdout)
    assert [e for e in hist["events"] if (e["stage"], e["event"]) == ("intake", "moved")
            and "M\\xfcller" in e["detail"]], hist["events"]
    r = _delete(wd, doc["id"])
    assert r["deleted"] and not original.exists(), r
    assert [x for x in r["removed"] if x.endswith("B\\xe4r_M\\xfcller.pdf")], r  # shown with \xNN


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_the_daemons_done_copy_under_a_latin1_name_is_recorded(tmp_path):
    wd, inbox = tmp_path / "wd", tmp_path / "in"
    inbox.mkdir()
    log = open(tmp_path / "watch.log", "wb")
    proc = subprocess.Popen([*ekte_cmd(), "watch", str(inbox), "-w", str(wd), "--stable-seconds", "1"],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        shutil.copy(SAMPLES / "inbox" / DOC, inbox / LATIN1)
        deadline = time.monotonic() + 180
        while not (wd / "done" / LATIN1).exists():
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "watch.log").read_bytes()[-2000:]
            time.sleep(0.5)
        time.sleep(1)
    finally:
        proc.terminate()
        proc.wait(60)
        log.close()
    db = sqlite3.connect(wd / "journal.sqlite")
    try:
        rows = db.execute("SELECT doc_id, detail FROM events WHERE stage='watch' AND event='done'").fetchall()
        doc_id = db.execute("SELECT id FROM documents").fetchone()[0]
    finally:
        db.close()
    r = _delete(wd, doc_id)  # G3: valid UTF-8 JSON
    assert b"not recorded" not in (tmp_path / "watch.log").read_bytes()
    assert len(rows) == 1 and json.loads(rows[0][1])["path"] == "done/B\\xe4r_M\\xfcller.pdf", rows
    assert r["deleted"] and not (wd / "done" / LATIN1).exists() and "done/B\\xe4r_M\\xfcller.pdf" in r["removed"], r


def test_a_rebuilt_journal_keeps_every_export_place(tmp_path):
    """G1 after ``ekte journal rebuild``: the archive does not say where a document went; the places the old
    journal names are taken over, so retention delete still removes the copy inside the working directory
    and names the second place (before, the rebuilt journal knew none: both stayed, named nowhere)."""
    wd, doc, first = _exported(tmp_path)
    second = tmp_path / "second"
    second.mkdir()
    run_ekte("export", doc["id"], "-c", "folder", "--force", "-w", wd, "-o", f"connectors.folder.path={second}",
             check=0)
    p = run_ekte("journal", "rebuild", "-w", wd, "--force", check=0)
    r = _delete(wd, doc["id"])
    assert r["deleted"] and f"export/folder/{doc['id']}" in r["removed"], r
    assert not [f for f in _files(wd / "export") if doc["id"] in f or f.startswith("xdomea/")], _files(wd / "export")
    assert [k for k in r["kept"] if str(second) in k], r
    assert "export places taken over from the old journal: 3" in p.stdout, p.stdout
