"""`ekte status` and status.json as monitoring reads them (fresh40 F2, F4,
F5): a clean stop is not "running" in status.json; a daemon that cannot
start on a full working directory shows as ended on an error (or the full
disk as a problem when nothing could be written); a stalled daemon is named
stalled.  A real daemon; real tmpfs where a full disk is needed."""

import datetime as dt
import json
import os
import signal

import pytest

from helpers import fill_until_full, mount_tmpfs, run_ekte, umount_tmpfs
from test_watch import _status, _stop, _wait, _watch


def test_status_json_says_not_running_after_a_clean_stop(tmp_path):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    proc = _watch(inbox, wd)
    _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
    code, _err = _stop(proc)
    assert code == 0
    st = _status(wd)  # the file the README tells monitoring to read
    assert st["running"] is False and [d["running"] for d in st["daemons"]] == [False], st
    assert [d["ended"] for d in st["daemons"]] == ["stopped"]
    assert json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)["running"] is False


def test_a_stalled_daemon_is_named_in_status(tmp_path):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    proc = _watch(inbox, wd)
    try:
        _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
        os.killpg(proc.pid, signal.SIGSTOP)  # hung: alive, writes nothing
        [own] = (wd / "status.d").glob("*.json")
        d = json.loads(own.read_text())
        since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=90)).isoformat(timespec="seconds")
        own.write_text(json.dumps({**d, "updated": since}))  # its last status 90 s ago (not waited for)
        st = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)
        assert [p["code"] for p in st["problems"]] == ["daemon_stalled"], st["problems"]
        text = run_ekte("status", "-w", wd, check=1).stdout
        assert f"stalled since {since}" in text and "[green]" not in text, text
        assert "watch daemon running" not in text, text
    finally:
        os.killpg(proc.pid, signal.SIGCONT)
        _stop(proc)


@pytest.mark.slow  # 28 s at load 6 (two daemon starts, a failed one, five status calls)
def test_a_daemon_that_cannot_start_on_a_full_disk_shows_in_status(tmp_path):
    inbox, mnt = tmp_path / "in", tmp_path / "mnt"
    inbox.mkdir(mode=0o750)
    mnt.mkdir()
    mount_tmpfs(mnt, "2m")
    try:
        wd = mnt / "wd"
        proc = _watch(inbox, wd)
        _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
        assert _stop(proc)[0] == 0
        fill_until_full(mnt)
        p = run_ekte("watch", inbox, "-w", wd, "--stable-seconds", "1", check=74)
        assert "the journal of" in p.stderr  # SQLite says "disk is full" or "disk I/O error" on a full tmpfs
        p = run_ekte("status", "-w", wd, "--json")
        assert p.returncode in (1, 74), p  # 74: SQLite cannot open the journal read-only on a full disk either
        st = json.loads(p.stdout)
        [d] = st["daemons"]
        assert d["ended"] == "failed" and d["cause"]["code"] in ("disk_full", "io_error"), d
        assert d["pid"] != proc.pid  # the daemon that failed, not the one stopped before
        assert "daemon_failed" in [p["code"] for p in st["problems"]], st["problems"]
        assert "disk_full" in [p["cause"] for p in st["problems"]], st["problems"]  # the disk named either way
        text = run_ekte("status", "-w", wd).stdout
        assert "not running: ended on an error at" in text and "stopped at" not in text, text

        fresh = mnt / "fresh"  # nothing of a daemon there, and no room to write its cause: the disk says so
        other = tmp_path / "in2"
        other.mkdir(mode=0o750)
        run_ekte("watch", other, "-w", fresh, "--stable-seconds", "1", check=74)
        st = json.loads(run_ekte("status", "-w", fresh, "--json").stdout) if fresh.is_dir() else None
        if st is not None:
            assert "disk_full" in [p["cause"] for p in st["problems"]], st
            assert "no space left" in run_ekte("status", "-w", fresh).stdout
    finally:
        umount_tmpfs(mnt)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_a_missing_dms_folder_is_named_in_status_and_the_log_says_the_daemon_retries(tmp_path):
    """fresh40 F10: the hot folder missing (share not mounted) read "(the export failed: connector …)", and
    the daemon's log told the operator to run the command again though it retries by itself."""
    import shutil
    from pathlib import Path

    from test_watch import _messages

    inbox, wd, exp = tmp_path / "in", tmp_path / "wd", tmp_path / "dms"
    inbox.mkdir(mode=0o750)
    samples = Path(__file__).resolve().parents[1] / "samples" / "inbox"
    proc = _watch(inbox, wd, "-o", f"connectors.folder.path={exp}")
    try:
        _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
        shutil.copyfile(samples / "bauantrag-002-pdf.pdf", inbox / "bauantrag-002-pdf.pdf")
        _wait(lambda: _status(wd).get("export_failed") == 1 and _status(wd).get("problems"), proc=proc,
              what="the problem", wd=wd)
        st = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)
        [problem] = st["problems"]
        assert (problem["code"], problem["cause"]) == ("export_failed", "folder_missing"), problem
        assert "the export folder does not exist (share not mounted?)" in run_ekte("status", "-w", wd, check=1).stdout
    finally:
        _code, err = _stop(proc)
    said = [m for m in _messages(err) if "export to folder failed: " in m]
    assert said and not [m for m in said if "run the command again" in m], said


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_the_daemon_log_on_a_full_dms_says_it_retries_not_run_again(tmp_path):
    import shutil
    from pathlib import Path

    from test_watch import _messages

    inbox, wd, exp = tmp_path / "in", tmp_path / "wd", tmp_path / "dms"
    inbox.mkdir(mode=0o750)
    exp.mkdir()
    mount_tmpfs(exp, "1m")
    try:
        fill_until_full(exp)
        samples = Path(__file__).resolve().parents[1] / "samples" / "inbox"
        proc = _watch(inbox, wd, "-o", f"connectors.folder.path={exp}")
        try:
            _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
            shutil.copyfile(samples / "bauantrag-002-pdf.pdf", inbox / "bauantrag-002-pdf.pdf")
            _wait(lambda: _status(wd).get("export_failed") == 1, proc=proc, what="not exported", wd=wd)
        finally:
            _code, err = _stop(proc)
    finally:
        umount_tmpfs(exp)
    said = [m for m in _messages(err) if "export to folder failed: " in m]
    assert said and "no space left" in said[0], _messages(err)
    assert not [m for m in said if "run the command again" in m], said
    assert "the export is tried again at the next rescan" in said[0]
    import sqlite3  # the audit trail (what `ekte history` and the station show) says the same, not "run again"
    db = sqlite3.connect(wd / "journal.sqlite")
    trail = [d for (d,) in db.execute("SELECT detail FROM events WHERE event = 'export-failed'")]
    db.close()
    assert trail and all("next rescan" in d and "run the command again" not in d for d in trail), trail


def test_a_folder_that_is_no_working_directory_is_said_as_every_command_says_it(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for args in (("status",), ("status", "--json"), ("stats",)):
        p = run_ekte(*args, "-w", empty, check=2)
        assert "holds no ekte journal" in p.stderr + p.stdout, (args, p)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_documents_a_stopped_daemon_left_not_exported_stay_a_problem(tmp_path):
    import shutil
    from pathlib import Path

    inbox, wd, exp = tmp_path / "in", tmp_path / "wd", tmp_path / "dms"
    inbox.mkdir(mode=0o750)
    samples = Path(__file__).resolve().parents[1] / "samples" / "inbox"
    proc = _watch(inbox, wd, "-o", f"connectors.folder.path={exp}")  # the share not mounted
    _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
    shutil.copyfile(samples / "bauantrag-002-pdf.pdf", inbox / "bauantrag-002-pdf.pdf")
    _wait(lambda: _status(wd).get("export_failed") == 1, proc=proc, what="not exported", wd=wd)
    assert _stop(proc)[0] == 0
    st = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)
    assert [p["code"] for p in st["problems"]] == ["export_failed"], st["problems"]
    exp.mkdir()  # mounted again; `ekte export` delivers them: no longer a problem (review40 R5: it stayed one)
    run_ekte("export", "--all", "-w", wd, "-o", f"connectors.folder.path={exp}", check=0)
    st = json.loads(run_ekte("status", "-w", wd, "--json").stdout)
    assert "export_failed" not in [p["code"] for p in st["problems"]], st["problems"]


def test_a_daemon_that_failed_at_its_first_start_is_shown_without_empty_parts():
    """review40 R6: "(pid 4242, None, since None)" for a daemon that never ran far enough to have a mode."""
    from ekte.render import out
    from ekte.render_status import status

    d = {"pid": 4242, "ended": "failed", "cause": {"time": "2026-12-02T03:00:00+00:00", "message": "disk full"},
         "watching": ["/in"]}
    with out.capture() as cap:
        status({"daemons": [d], "workdir": "/wd"})
    text = cap.get()
    assert "(pid 4242): /in" in text and "None" not in text, text
