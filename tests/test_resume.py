"""Kill a real `ekte ingest` mid-run (kill -9, SIGINT, SIGTERM), run it
again, and check that every document is archived and exported exactly once
and nothing half-written is left anywhere."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ekte_cmd, ingest_json


@pytest.fixture
def mixed_inbox(tmp_path, born_digital, inbox):
    d = tmp_path / "in"
    d.mkdir()
    src, _truth = born_digital
    for p in sorted(src.glob("*.pdf"))[:8]:
        shutil.copy(p, d / p.name)
    for p in sorted(inbox.glob("scan-*"))[:2]:
        shutil.copy(p, d / p.name)
    return d


def _exported(wd: Path) -> int:
    root = wd / "export" / "folder"
    return len([p for p in root.iterdir() if not p.name.startswith(".")]) if root.is_dir() else 0


def _start(inbox: Path, wd: Path) -> subprocess.Popen:
    return subprocess.Popen(ekte_cmd() + ["ingest", str(inbox), "-w", str(wd), "-j", "1", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)


def _wait_for(pred, proc, timeout=240):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if pred():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def _check_exactly_once(wd: Path, n_docs: int):
    archive = [p for p in (wd / "archive").glob("*/*") if p.is_dir()]
    export = [p for p in (wd / "export" / "folder").iterdir()]
    assert len(archive) == n_docs, sorted(p.name for p in archive)
    assert len(export) == n_docs, sorted(p.name for p in export)
    assert {p.name for p in archive} == {p.name for p in export}
    for a in archive:
        meta = json.loads((a / "metadata.json").read_text("utf-8"))
        assert meta["id"] == a.name
        assert sorted(x.name for x in a.iterdir()) == sorted(["document.pdf", "metadata.json", "text.txt", meta["archival"]["original"]])
    leftovers = [p for p in wd.rglob("*") if ".ekte-tmp-" in p.name]
    assert leftovers == []
    db = sqlite3.connect(wd / "journal.sqlite")
    states = db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state").fetchall()
    assert states == [("exported", n_docs)]
    assert db.execute("SELECT COUNT(*) FROM exports").fetchone()[0] == n_docs


@pytest.mark.parametrize("after", [1, 5])
def test_kill_9_then_rerun_exactly_once(mixed_inbox, tmp_path, after):
    wd = tmp_path / "wd"
    proc = _start(mixed_inbox, wd)
    still_running = _wait_for(lambda: _exported(wd) >= after, proc)
    assert still_running, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert _exported(wd) < 10
    out = ingest_json(mixed_inbox, "-w", wd, "-j", "2")
    statuses = [d["status"] for d in out["documents"]]
    assert set(statuses) <= {"archived", "duplicate"}, statuses
    assert len(statuses) == 10
    _check_exactly_once(wd, 10)
    # and a third run changes nothing
    out = ingest_json(mixed_inbox, "-w", wd, check=0)
    assert {d["status"] for d in out["documents"]} == {"duplicate"}
    _check_exactly_once(wd, 10)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_exits_130_and_rerun_finishes(mixed_inbox, tmp_path, sig):
    wd = tmp_path / "wd"
    proc = _start(mixed_inbox, wd)
    assert _wait_for(lambda: _exported(wd) >= 2, proc)
    os.killpg(proc.pid, sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()[-2000:]
    partial = json.loads(out)
    assert partial["summary"]["interrupted"] is True
    ingest_json(mixed_inbox, "-w", wd, check=0)
    _check_exactly_once(wd, 10)


def test_second_process_on_same_workdir_is_refused(mixed_inbox, tmp_path):
    wd = tmp_path / "wd"
    proc = _start(mixed_inbox, wd)
    try:
        _wait_for(lambda: (wd / "journal.sqlite").exists(), proc)
        p = subprocess.run(ekte_cmd() + ["ingest", str(mixed_inbox), "-w", str(wd)], capture_output=True, text=True)
        assert p.returncode == 2 and "another ekte process" in p.stderr
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
