"""A real `ekte watch` subprocess on temporary folders: files copied in,
written slowly, renamed in, 200 at once, polling mode, SIGTERM mid-batch,
kill -9 and restart — each checked for exactly-once results."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from helpers import SAMPLES, ekte_cmd, run_ekte


def _watch(inbox, wd, *extra, env=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.Popen(ekte_cmd() + ["watch", str(inbox), "-w", str(wd), "--stable-seconds", "1",
                                          "--log-format", "json", *map(str, extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=e)


def _status(wd):
    f = wd / "status.json"
    return json.loads(f.read_text()) if f.exists() else {}


def _wait(pred, timeout=120, proc=None, what="", wd=None):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if pred():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"watch exited early ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; status: {_status(wd) if wd else '-'}")


def _stop(proc, sig=signal.SIGTERM, timeout=60):
    os.killpg(proc.pid, sig)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    err = err.decode()
    if sig != signal.SIGKILL:  # a stop is no error (watchdog's inotify thread logged one at every stop)
        assert not [x for x in err.splitlines() if '"logger": "watchdog' in x and '"level": "error"' in x], err[-2000:]
    return proc.returncode, err


def _messages(err: str) -> list[str]:
    """The messages of the daemon's JSON log lines."""
    return [json.loads(x)["message"] for x in err.splitlines() if x.startswith("{")]


def _journal(wd):
    db = sqlite3.connect(wd / "journal.sqlite")
    try:
        return dict(db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state").fetchall())
    finally:
        db.close()


def _exactly_once(wd, n):
    """n documents archived once; each exported once or waiting for review."""
    arch = [p for p in (wd / "archive").glob("*/*") if p.is_dir()]
    exp = list((wd / "export" / "folder").iterdir())
    j = _journal(wd)
    assert len(arch) == n, len(arch)
    assert j.get("exported", 0) + j.get("review", 0) == n, j
    assert len(exp) == j.get("exported", 0)
    assert len(list((wd / "review").glob("*.json"))) == j.get("review", 0)
    assert not (wd / "quarantine").exists() or list((wd / "quarantine").iterdir()) == []
    assert [p for p in wd.rglob("*") if ".ekte-tmp-" in p.name] == []


@pytest.fixture
def inbox(tmp_path):
    d = tmp_path / "in"
    d.mkdir(mode=0o750)
    return d


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    import generate

    d = tmp_path_factory.mktemp("watchdocs") / "born"
    generate.generate(d, per_type=25, formats=["pdf"], seed=61)  # 200 documents
    return sorted(d.glob("*.pdf"))


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_copy_slow_write_rename_and_exactly_once(inbox, tmp_path, docs):
    wd = tmp_path / "wd"
    proc = _watch(inbox, wd)
    try:
        _wait(lambda: (wd / "status.json").exists(), proc=proc, what="start")
        shutil.copy(docs[0], inbox / docs[0].name)  # copied in
        staging = tmp_path / "staging"
        staging.mkdir()
        shutil.copy(docs[1], staging / "renamed.pdf")
        os.rename(staging / "renamed.pdf", inbox / "renamed.pdf")  # renamed into the folder
        # written slowly, in chunks, over several seconds, with pauses longer than the stability delay
        data = docs[2].read_bytes()
        slow = inbox / "slow.pdf"
        with open(slow, "wb") as f:
            for i in range(0, len(data), len(data) // 4 + 1):
                f.write(data[i:i + len(data) // 4 + 1])
                f.flush()
                time.sleep(1.6)
                # while it is open for writing and incomplete, it must not have been taken
                assert slow.exists()
        sub = inbox / "sub"
        sub.mkdir()
        shutil.copy(docs[3], sub / "nested.pdf")
        (inbox / ".DS_Store").write_bytes(b"junk")
        (inbox / "upload.pdf.part").write_bytes(data[:100])
        _wait(lambda: _status(wd).get("done", 0) + _status(wd).get("review", 0) >= 4, proc=proc, what="4 documents")
        time.sleep(1.5)
        st = _status(wd)
        assert st["done"] + st["review"] == 4 and st["failed"] == 0 and st["mode"] == "inotify"
    finally:
        code, err = _stop(proc)
    assert code == 0, err[-2000:]
    _exactly_once(wd, 4)
    # the slowly written file was archived whole
    ids = {json.loads((p / "metadata.json").read_text())["sha256"] for p in (wd / "archive").glob("*/*")}
    import hashlib

    assert hashlib.sha256(data).hexdigest() in ids
    # inputs moved to the done folder, ignored files left alone
    assert sorted(p.name for p in (wd / "done").rglob("*.pdf")) == sorted([docs[0].name, "renamed.pdf", "slow.pdf", "nested.pdf"])
    assert sorted(p.name for p in inbox.rglob("*") if p.is_file()) == [".DS_Store", "upload.pdf.part"]
    # logs: JSON lines, no file names
    lines = [json.loads(x) for x in err.splitlines() if x.startswith("{")]
    assert lines and not any(docs[0].stem in x["message"] for x in lines)


@pytest.mark.slow  # in CI (make test-slow), not in make test
def test_200_files_at_once_polling_and_sigterm_then_restart(inbox, tmp_path, docs):
    wd = tmp_path / "wd"
    proc = _watch(inbox, wd, "--polling", "--grace", "0")
    try:
        _wait(lambda: (wd / "status.json").exists(), proc=proc, what="start")
        assert _status(wd)["mode"] == "polling"
        for d in docs:
            shutil.copy(d, inbox / d.name)
        _wait(lambda: _status(wd).get("done", 0) >= 20, timeout=180, proc=proc, what="20 done")
    finally:
        code, err = _stop(proc)  # SIGTERM mid-batch
    assert code == 0, err[-2000:]
    done_first = _status(wd)["done"]
    assert 20 <= done_first < 200
    # restart: the rest is taken from the start-up rescan
    proc = _watch(inbox, wd, "--polling")
    try:
        _wait(lambda: not any(inbox.iterdir()) and _status(wd).get("in_flight") == 0, timeout=400, proc=proc,
              what="empty inbox", wd=wd)
    finally:
        code, _ = _stop(proc)
    assert code == 0
    _exactly_once(wd, 200)
    assert len(list((wd / "done").glob("*.pdf"))) == 200


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_kill_9_and_restart(inbox, tmp_path, docs):
    wd = tmp_path / "wd"
    proc = _watch(inbox, wd)
    _wait(lambda: (wd / "status.json").exists(), proc=proc, what="start")
    for d in docs[:40]:
        shutil.copy(d, inbox / d.name)
    _wait(lambda: _status(wd).get("done", 0) >= 5, timeout=120, proc=proc, what="5 done")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    p = run_ekte("status", "-w", wd, "--json", check=1)  # the daemon died: exit 1 (issue 11)
    assert json.loads(p.stdout)["running"] is False
    proc = _watch(inbox, wd)
    try:
        _wait(lambda: not any(inbox.iterdir()) and _status(wd).get("in_flight") == 0, timeout=240, proc=proc,
              what="all 40", wd=wd)
    finally:
        code, _ = _stop(proc)
    assert code == 0
    _exactly_once(wd, 40)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_bad_input_goes_to_quarantine_and_leaves_inbox(inbox, tmp_path, shared):
    wd = tmp_path / "wd"
    proc = _watch(inbox, wd)
    try:
        _wait(lambda: (wd / "status.json").exists(), proc=proc, what="start")
        shutil.copy(shared / "realdocs/pypdf/r4-aes-user-password.pdf", inbox / "secret.pdf")
        (inbox / "note.pdf").write_text("kein Dokument")  # text, but named as a PDF: not a document
        _wait(lambda: _status(wd).get("failed", 0) >= 2, proc=proc, what="2 failed")
        st = json.loads(run_ekte("status", "-w", wd, "--json", check=0).stdout)
        assert st["running"] is True
        assert sorted(e["code"] for e in st["last_errors"]) == ["encrypted", "unsupported_type"]
    finally:
        _stop(proc)
    assert list(inbox.iterdir()) == []
    reasons = sorted(json.loads(p.read_text())["code"] for p in (wd / "quarantine").glob("*/reason.json"))
    assert reasons == ["encrypted", "unsupported_type"]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_unsafe_setups_are_refused(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir(mode=0o750)
    p = run_ekte("watch", inbox, "-w", inbox / "ekte-data")
    assert p.returncode == 2 and "inside the watched folder" in p.stderr
    p = run_ekte("watch", inbox, "-w", tmp_path / "wd", "--done", inbox / "done")
    assert p.returncode == 2 and "done folder" in p.stderr
    # fresh29 F4: a relative --done is relative to the current folder (as -w and ingest --move), not to the
    # working directory — so this one is inside the watched folder too, and refused
    p = run_ekte("watch", "in", "-w", "wd", "--done", "in/done", cwd=tmp_path, timeout=60)
    assert p.returncode == 2 and f"done folder {inbox / 'done'} lies inside" in p.stderr, p.stderr
    assert not (tmp_path / "wd" / "in").exists()
    (inbox / "sub").mkdir()
    p = run_ekte("watch", inbox, inbox / "sub", "-w", tmp_path / "wd")
    assert p.returncode == 2 and "overlap" in p.stderr
    world = tmp_path / "world"
    world.mkdir()
    world.chmod(0o777)
    p = run_ekte("watch", world, "-w", tmp_path / "wd")
    assert p.returncode == 2 and "writable by everyone" in p.stderr


def test_network_filesystem_detection():
    from ekte.watch import NETWORK_FS, filesystem_type

    assert filesystem_type(Path("/proc")) == "proc"
    assert filesystem_type(Path("/")) not in NETWORK_FS


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_delete_after_export_when_profile_says_so(inbox, tmp_path, docs):
    wd = tmp_path / "wd"
    proc = _watch(inbox, wd, "-o", "watch.after_export=delete")
    try:
        _wait(lambda: (wd / "status.json").exists(), proc=proc, what="start")
        for d in docs[:3]:
            shutil.copy(d, inbox / d.name)
        _wait(lambda: not any(inbox.iterdir()) and _status(wd).get("in_flight") == 0, proc=proc, what="3 done", wd=wd)
    finally:
        code, _ = _stop(proc)
    assert code == 0
    _exactly_once(wd, 3)
    assert not (wd / "done").exists() or list((wd / "done").iterdir()) == []


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_failed_export_stays_in_inbox_and_is_delivered_later(inbox, tmp_path, docs):
    """The DMS hot folder is unavailable: the document is archived, its file
    stays in the inbox, and a later rescan delivers it once the folder is back."""
    wd = tmp_path / "wd"
    hot = tmp_path / "hot"
    hot.write_text("the share is not mounted")
    proc = _watch(inbox, wd, "-c", "komxwork", "-o", f"connectors.komxwork.path={hot}", "-o", "export.retries=0",
                  "--rescan-minutes", "0.05", "-v")
    try:
        _wait(lambda: (wd / "status.json").exists(), proc=proc, what="start")
        shutil.copy(docs[0], inbox / docs[0].name)
        _wait(lambda: _status(wd).get("export_failed", 0) >= 1, proc=proc, what="export failure", wd=wd)
        assert (inbox / docs[0].name).exists()
        assert _journal(wd) == {"archived": 1}
        hot.unlink()
        hot.mkdir()  # mounted again (ekte makes no configured export folder)
        _wait(lambda: len(list(hot.glob("*.ready"))) == 1 if hot.is_dir() else False, timeout=60, proc=proc,
              what="delivery after rescan", wd=wd)
        _wait(lambda: not (inbox / docs[0].name).exists(), proc=proc, what="inbox cleared", wd=wd)
    except AssertionError as e:  # with what the daemon said (CI failed here twice; its log names why)
        raise AssertionError(f"{e}\n" + "\n".join(_messages(_stop(proc)[1])[-40:])) from None
    finally:
        code = proc.returncode if proc.returncode is not None else _stop(proc)[0]
    assert code == 0
    assert _journal(wd) == {"exported": 1}
    assert len([p for p in (wd / "archive").glob("*/*") if p.is_dir()]) == 1
    assert len(list(hot.glob("*.pdf"))) == 1
    st = _status(wd)  # counted as exported, once (it said "0 exported … 1 not exported" after the retry delivered)
    assert (st["done"], st["export_failed"], st["duplicates"]) == (1, 0, 0), st


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_operator_stops_are_no_failed_attempts(inbox, tmp_path, docs):
    """systemd stops the daemon (SIGTERM) while a slow document is in flight,
    more often than ``ocr.max_attempts``: each stop abandons it without
    counting an attempt, and the next start completes it (finding 7: the
    third stop used to quarantine a healthy document as ``ocr_timeout``)."""
    from helpers import fault_env

    wd = tmp_path / "wd"
    shutil.copy(docs[0], inbox / docs[0].name)
    slow = fault_env({"EKTE_FAULTS": "before_ocr:sleep::60"})
    for _stop_no in range(3):  # ocr.max_attempts = 3
        proc = _watch(inbox, wd, "--plugin", "ekte_faults", "--grace", "0.5", "-j", "1", env=slow)
        try:
            _wait(lambda: _status(wd).get("in_flight", 0) >= 1, proc=proc, what="in flight", wd=wd)
            proc.send_signal(signal.SIGTERM)  # to the daemon only, as systemd's KillMode=mixed does
            _out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                _stop(proc, signal.SIGKILL)
        code, err = proc.returncode, err.decode()
        assert code == 0, err[-2000:]
        db = sqlite3.connect(wd / "journal.sqlite")
        assert db.execute("SELECT state, attempts FROM documents").fetchall() == [("received", 0)]
        db.close()
        assert "abandoned (not counted as a failed attempt)" in err
        assert [m for m in _messages(err) if m.startswith("stopped")] == [
            "stopped: 0 taken in since the start: 0 exported, 0 waiting for review, 0 failed; 1 document(s) abandoned (not counted as a failed attempt), "
            "the next start completes them"]  # one line on the stop, the abandoned one in it
    proc = _watch(inbox, wd, "--plugin", "ekte_faults", env=fault_env())
    try:
        _wait(lambda: _status(wd).get("done", 0) + _status(wd).get("review", 0) >= 1, proc=proc, what="done", wd=wd)
    finally:
        code, err = _stop(proc)
    assert code == 0 and "quarantined" not in err, err[-2000:]
    _exactly_once(wd, 1)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_stop_says_so_idle_or_busy(inbox, tmp_path):
    """mend9: an idle daemon stopped by SIGTERM said nothing of the stop; one line now, as a busy one's."""
    wd = tmp_path / "wd"
    proc = _watch(inbox, wd)
    try:
        _wait(lambda: (wd / "status.json").exists(), proc=proc, what="start")
    finally:
        code, err = _stop(proc)
    assert code == 0 and [m for m in _messages(err) if m.startswith("stopped")] == [
        "stopped: 0 taken in since the start: 0 exported, 0 waiting for review, 0 failed"], err[-2000:]
    _stop_line_after(inbox, wd, "bauantrag-002-pdf.pdf", "done",
                     "stopped: 1 taken in since the start: 1 exported, 0 waiting for review, 0 failed")
    _stop_line_after(inbox, wd, "kfz_zulassung-001-pdf.pdf", "review",  # fresh33 F4: all to review said "0 done"
                     "stopped: 1 taken in since the start: 0 exported, 1 waiting for review, 0 failed",
                     "-o", "classify.threshold=0.999")


def _stop_line_after(inbox, wd, sample: str, state: str, line: str, *args: str) -> None:
    """A daemon started, *sample* dropped in and waited for until *state*, then stopped: its one stop line."""
    proc = _watch(inbox, wd, *args)
    try:
        _wait(lambda: (wd / "status.json").exists() and "stopped" not in _status(wd), proc=proc, what="start")
        shutil.copy(SAMPLES / "inbox" / sample, inbox)
        _wait(lambda: _status(wd).get(state, 0) >= 1, proc=proc, what=state, wd=wd)
    finally:
        code, err = _stop(proc)
    assert code == 0 and [m for m in _messages(err) if m.startswith("stopped")] == [line], err[-2000:]


def _catches_sigterm(pid: int) -> bool:
    with open(f"/proc/{pid}/status") as f:
        caught = next(int(x.split()[1], 16) for x in f if x.startswith("SigCgt:"))
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def _signal_at_first_catch(proc, folder) -> bool:
    """SIGTERM to the process alone (systemd's KillMode=mixed) the moment it catches it; whether it had
    *folder* open then (the daemon locks its inbox just before it runs: not while ekte loads)."""
    t0 = time.monotonic()
    while not _catches_sigterm(proc.pid):
        assert proc.poll() is None and time.monotonic() - t0 < 60, "never caught SIGTERM"
        time.sleep(0.002)
    fds = Path(f"/proc/{proc.pid}/fd")
    held = any(os.path.realpath(f) == os.path.realpath(folder) for f in fds.iterdir())
    proc.send_signal(signal.SIGTERM)
    return held


def test_a_stop_while_the_daemon_loads_is_a_stop(inbox, tmp_path):
    """systemd stopped `ekte watch` in its first second (imports, loading the profile): the process died by
    the signal, exit 143 and no line. Now the daemon takes it up once it runs: one "stopped" line, exit 0."""
    wd = tmp_path / "wd"
    proc = _watch(inbox, wd)
    locked = _signal_at_first_catch(proc, inbox)
    out, err = proc.communicate(timeout=120)
    err = err.decode()
    assert not locked  # the signal came while ekte loaded, before the daemon took its inbox
    assert proc.returncode == 0 and "Traceback" not in err, err[-2000:]
    assert [m for m in _messages(err) if m.startswith("stopped")] == ["stopped: 0 taken in since the start: 0 exported, 0 waiting for review, 0 failed"]


def test_a_sigterm_while_another_command_loads_still_ends_it(tmp_path):
    """Only the daemon takes an early SIGTERM up as a stop: `ekte status` ends by it (no run to stop) — as on
    Ctrl-C, 130 and one line (fresh31 H1; it was 143 and nothing)."""
    proc = subprocess.Popen(ekte_cmd() + ["status", "-w", str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    _signal_at_first_catch(proc, tmp_path)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()[-2000:]
    assert err.decode().strip() == "error: interrupted (SIGTERM), as by Ctrl-C; run the command again"
