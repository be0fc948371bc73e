"""A working directory written by the release before (journal schema 1,
absolute paths, a flock; tests/data/schema1-workdir) opens and works:
status, the review queue, export, and the same files again."""

import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
import signal
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT, SAMPLES, ekte_cmd, run_ekte
from ekte.journal import SCHEMA_VERSION

FIXTURE = ROOT / "tests" / "data" / "schema1-workdir"
FILES = ["kfz_zulassung-001-pdf.pdf", "bauantrag-002-pdf.pdf", "waffen_antrag-005-pdf.pdf",
         "masern_meldung-004-pdf.pdf", "tierhaltung-006-pdf.pdf"]
REVIEW, FAILED = "ed5103adf50061a5", "82b66a719e9eccd0"


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_schema_1_workdir_opens_and_works(tmp_path):
    wd = tmp_path / "moved" / "wd"  # not where it was written: its journal names /tmp/fx/wd
    shutil.copytree(FIXTURE, wd)
    st = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)  # no daemon runs: exit 1 (issue 11)
    assert st["journal"] == {"exported": 3, "review": 1, "archived": 1, "quarantined": 1} and st["running"] is False
    items = json.loads(run_ekte("review", "list", "-w", wd, "--json", check=0).stdout)
    assert [i["id"] for i in items] == [REVIEW] and Path(items[0]["archive"]).is_dir()
    db = sqlite3.connect(wd / "journal.sqlite")
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    p = run_ekte("review", "accept", REVIEW, "-w", wd, "--lang", "en", check=0)
    assert "accepted and exported" in p.stdout
    out = json.loads(run_ekte("export", "--all", "-w", wd, "--json", check=0).stdout)
    res = {d["id"]: d["export_results"]["folder"] for d in out["documents"]}
    assert res.pop(FAILED) == "exported"  # the export that failed under the old release
    assert set(res.values()) == {"already-exported"} and len(res) == 4
    inbox = tmp_path / "in"
    inbox.mkdir()
    for f in FILES:
        shutil.copy(SAMPLES / "inbox" / f, inbox / f)
    (inbox / "notes.pdf").write_text("Dies ist kein PDF.\n")
    p = run_ekte("ingest", "--json", inbox, "-w", wd)
    assert p.returncode == 1, p.stderr[-2000:]
    st = {Path(d["source"]).name: d["status"] for d in json.loads(p.stdout)["documents"]}
    assert st == {**{f: "duplicate" for f in FILES}, "notes.pdf": "quarantined"}
    assert dict(db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state")) == {"exported": 5, "quarantined": 1}
    assert sorted(p.name for p in (wd / "export" / "folder").iterdir()) == sorted(
        r[0] for r in db.execute("SELECT id FROM documents WHERE state='exported'"))
    assert db.execute("SELECT aktenzeichen, state FROM assigned").fetchall() == [("BSP-32.40-2026/00001", "used")]


def test_a_process_of_the_older_release_keeps_this_one_out(tmp_path):
    wd = tmp_path / "wd"
    shutil.copytree(FIXTURE, wd)
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                               "fd = os.open(sys.argv[1], os.O_RDWR)\nfcntl.flock(fd, fcntl.LOCK_EX)\n"
                               "print('locked', flush=True)\ntime.sleep(60)", str(wd / ".lock")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        p = run_ekte("review", "list", "-w", wd)
        assert p.returncode == 2 and "older release" in p.stderr
        # and the journal was not migrated under the old process
        assert sqlite3.connect(wd / "journal.sqlite").execute(
            "SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "1"
    finally:
        holder.kill()
        holder.wait()
    # a process of this release holds it shared: an older release started beside it would be refused
    inbox = tmp_path / "in"
    inbox.mkdir(mode=0o750)
    daemon = subprocess.Popen(ekte_cmd() + ["watch", str(inbox), "-w", str(wd)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (wd / "status.json").exists():
            assert daemon.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        fd = os.open(wd / ".lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        assert daemon.wait(60) == 0
