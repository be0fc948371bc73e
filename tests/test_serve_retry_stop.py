"""The station's end while a quarantine retry runs, and a stop signal's name (lows36): the retry's process is killed
after the shutdown's wait (or at once on a second Ctrl-C) and its end recorded as interrupted, never as crashed;
``review accept`` stopped by SIGTERM says SIGTERM, not Ctrl-C.  Real processes and signals."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from helpers import SAMPLES
from serve_helpers import accept_signalled, make_workdir, queue_ids, reject_and_retry, start_server

from ekte.serve import retries

#: a run stuck where it cannot stop, with a process of its own beside it (ingest's workers): both ignore SIGTERM
STUBBORN = ("import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
            "print('up', c.pid, flush=True); time.sleep(120)")


def _stubborn_retry() -> retries.Retry:
    """A retry whose process ignores SIGTERM (a run stuck where it cannot stop); its end sets ``done`` as the
    station's waiting thread does."""
    r = retries.Retry("00000000", "chef", "now")
    r.proc = subprocess.Popen([sys.executable, "-c", STUBBORN], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)  # as the station starts it
    up, child = r.proc.stdout.readline().split()
    assert up == "up"
    r.child = int(child)  # type: ignore[attr-defined]

    def wait() -> None:
        r.exit_code = r.proc.wait()
        r.done.set()

    threading.Thread(target=wait, daemon=True).start()
    return r


def test_a_retry_still_running_after_the_wait_is_killed():
    r = _stubborn_retry()
    t0 = time.monotonic()
    retries.stop_all([r], wait=1.0)
    assert r.done.is_set() and r.proc.returncode == -signal.SIGKILL and r.killed
    assert 1.0 <= time.monotonic() - t0 < 5
    assert _gone(r.child)  # the whole group killed: the station ended no retry's helper processes before
    r2 = _stubborn_retry()
    hurry = threading.Event()
    hurry.set()  # a second Ctrl-C: no waiting
    t0 = time.monotonic()
    retries.stop_all([r2], hurry, wait=30.0)
    assert r2.proc.returncode == -signal.SIGKILL and time.monotonic() - t0 < 5


def test_a_retry_stopped_by_a_signal_is_interrupted_not_crashed():
    row = {"state": "received", "error_code": None, "error_message": None}
    for code, killed in ((-signal.SIGTERM, False), (-signal.SIGINT, False), (-signal.SIGKILL, True), (130, False)):
        r = retries.Retry("00000000", "chef", "now", exit_code=code, killed=killed)
        retries.settle(r, {}, row)
        assert r.outcome == "interrupted", (code, killed, r.outcome)
    r = retries.Retry("00000000", "chef", "now", exit_code=-signal.SIGSEGV)
    retries.settle(r, {}, row)
    assert r.outcome == "crashed"
    # a retry that ended by itself between the station's check and its kill: its own outcome, not interrupted
    r = retries.Retry("00000000", "chef", "now", exit_code=0, killed=True)
    retries.settle(r, {"documents": [{"status": "exported"}]}, {**row, "state": "exported"})
    assert r.outcome == "archived", r.outcome


def _gone(pid: int) -> bool:
    for _ in range(50):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":  # killed, not yet reaped by its parent (dead too)
            return True
        time.sleep(0.1)
    return False


def _events(wd: Path, doc: str) -> list[tuple[str, str]]:
    db = sqlite3.connect(f"file:{wd / 'journal.sqlite'}?mode=ro", uri=True)
    try:
        return db.execute("SELECT event, detail FROM events WHERE doc_id=? AND stage='quarantine' ORDER BY rowid",
                          (doc,)).fetchall()
    finally:
        db.close()


def _retry_processes(wd: Path) -> list[int]:
    found = []
    for p in Path("/proc").iterdir():
        try:
            cmd = (p / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"ingest" in cmd and any(str(wd).encode() == c for c in cmd):
            found.append(int(p.name))
    return found


#: a plugin that makes the retry's ``ekte ingest`` ignore SIGTERM and hang (a run stuck where it cannot stop)
STUBBORN_PLUGIN = """import os, signal, sys, time
if sys.argv[1:2] == ["ingest"]:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    open(os.environ["EKTE_TEST_STUCK"], "w").close()
    time.sleep(120)
"""


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_second_ctrl_c_while_serve_waits_for_a_retry_still_records_its_end(tmp_path, monkeypatch):
    """A second Ctrl-C during serve's wait for the retry skipped the station's close (KeyboardInterrupt there):
    no retry-finished, claims not given back.  Now it kills the retry at once (not after the 30 s wait: the retry
    ignores SIGTERM) and the close goes on."""
    wd = tmp_path / "work"
    make_workdir(wd, [SAMPLES / "inbox" / "tierhaltung-006-pdf.pdf"])
    doc = queue_ids(wd)[0]
    (tmp_path / "plug").mkdir()
    (tmp_path / "plug" / "stubborn_retry.py").write_text(STUBBORN_PLUGIN)
    stuck = tmp_path / "stuck"
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path / "plug"), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("EKTE_TEST_STUCK", str(stuck))
    server, url = start_server(wd, "--plugin", "stubborn_retry")
    try:
        reject_and_retry(url, wd, doc)
        for _ in range(300):
            if stuck.exists():
                break
            time.sleep(0.1)
        assert stuck.exists() and _retry_processes(wd)
        t0 = time.monotonic()
        os.killpg(server.pid, signal.SIGINT)  # as a terminal's Ctrl-C (the retry runs in a session of its own)
        time.sleep(0.3)
        os.killpg(server.pid, signal.SIGINT)
        assert server.wait(60) == 0
        assert time.monotonic() - t0 < 15  # SHUTDOWN_WAIT (30 s) had the second Ctrl-C been lost
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    log = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log[-2000:]
    assert "still running at the station's end: killed" in log
    finished = [json.loads(d) if d.startswith("{") else d for e, d in _events(wd, doc) if e == "retry-finished"]
    assert finished and "interrupted" in str(finished[-1]) and "crashed" not in str(finished[-1]), finished
    assert not _retry_processes(wd)
    assert not sqlite3.connect(wd / "journal.sqlite").execute("SELECT COUNT(*) FROM processes").fetchone()[0]


SLOW_START = """import os, signal, sys, threading, time
from pathlib import Path
import ekte.serve.web as web
from ekte.profile import load_profile
from ekte.serve import app
real = web.warm
web.warm = lambda: (real(), os.kill(os.getpid(), signal.SIGTERM), time.sleep(1))
print("returned", app.serve(load_profile(None), Path(sys.argv[1]), port=int(sys.argv[2])), flush=True)
"""


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_stop_signal_during_the_start_up_ends_the_station(tmp_path):
    """A SIGTERM while the station started (its handler already in place, uvicorn's not yet) only set a flag
    that uvicorn never read: the station ran until a second signal."""
    from serve_helpers import free_port

    wd = tmp_path / "work"
    make_workdir(wd, [SAMPLES / "inbox" / "tierhaltung-006-pdf.pdf"])
    p = subprocess.run([sys.executable, "-c", SLOW_START, str(wd), str(free_port())], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0 and p.stdout == "returned 0\n", (p.stdout, p.stderr[-2000:])
    assert "Uvicorn running" not in p.stderr and "Traceback" not in p.stderr
    assert not sqlite3.connect(wd / "journal.sqlite").execute("SELECT COUNT(*) FROM processes").fetchone()[0]


TWO_SIGNALS = """import os, signal, sys, threading, time, http.client
import uvicorn
from ekte.serve import app

async def slow(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    import asyncio
    await asyncio.sleep(20)
    await send({"type": "http.response.body", "body": b"x"})

port = int(sys.argv[1])
def client():
    time.sleep(1)
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/")
    threading.Thread(target=lambda: c.getresponse(), daemon=True).start()
    time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGINT)  # uvicorn waits for the request to finish ...
    time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGINT)  # ... the second Ctrl-C cuts that short
threading.Thread(target=client, daemon=True).start()
hurry = threading.Event()
signal.signal(signal.SIGINT, lambda _n, _f: hurry.set())
t0 = time.monotonic()
app._run(uvicorn.Config(slow, port=port, log_config=None), hurry)
print("hurry", hurry.is_set(), round(time.monotonic() - t0), flush=True)
"""


def test_a_second_ctrl_c_during_uvicorns_shutdown_is_kept():
    """uvicorn takes a second Ctrl-C during its graceful shutdown and raises both again when done: the station
    cleared its flag after the server, so the retries got their 30 s anyway."""
    from serve_helpers import free_port

    p = subprocess.run([sys.executable, "-c", TWO_SIGNALS, str(free_port())], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0 and p.stdout.split()[:2] == ["hurry", "True"], (p.stdout, p.stderr[-2000:])
    assert int(p.stdout.split()[2]) < 10


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_sigterm_during_accept_is_named_sigterm(tmp_path):
    """``review accept`` stopped by SIGTERM said "abgebrochen (Strg-C)"."""
    wd = tmp_path / "work"
    make_workdir(wd, [SAMPLES / "inbox" / "tierhaltung-006-pdf.pdf"])
    doc = queue_ids(wd)[0]
    code, err = accept_signalled(wd, doc, lambda p: p.send_signal(signal.SIGTERM))
    assert code == 130 and err.strip().splitlines() == [
        "Warte auf das Journal, das ein anderer ekte-Prozess hält (bis zu 30 s) …",
        f"Fehler: abgebrochen (SIGTERM): Dokument {doc} wurde nicht angenommen; nichts geändert, es wartet weiter "
        "auf Prüfung"], (code, err)
