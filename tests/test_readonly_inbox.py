"""A watch daemon on a read-only inbox (a bind mount in its own mount namespace): a broken file is
quarantined once — each rescan tries to remove it again, it is not read, quarantined and counted once more
(fresh32 F12: "failed 2" for one file, a warning per rescan).  A real daemon."""

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from helpers import ekte_cmd, run_ekte
from test_watch import _status, _stop, _wait
from test_watch_status import _log, _namespaces


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_broken_file_in_a_read_only_inbox_is_quarantined_and_counted_once(tmp_path):
    if shutil.which("unshare") is None or not _namespaces():
        pytest.skip("no user and mount namespaces here (unshare -Urm)")
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    # no PDF under a PDF's name: taken at once (a cut PDF now waits out the give-up time as one still arriving)
    (inbox / "kaputt.pdf").write_bytes(b"Antrag, als Text gespeichert\n" * 40)
    script = f'mount --bind "{inbox}" "{inbox}" && mount -o remount,ro,bind "{inbox}" && exec "$@"'
    proc = subprocess.Popen(["unshare", "-Urm", "sh", "-c", script, "sh", *ekte_cmd(), "watch", str(inbox),
                             "-w", str(wd), "--done", str(tmp_path / "done"), "--stable-seconds", "0.5",
                             "--rescan-minutes", "0.02", "-j", "1", "--log-format", "json", "-vv"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        _wait(lambda: _status(wd).get("failed", 0) >= 1, proc=proc, what="quarantined", wd=wd)
        time.sleep(5)  # four rescans (1.2 s apart)
        st = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)
        assert (st["failed"], st["done"]) == (1, 0), st
        assert len([e for e in st["last_errors"] if e["code"] != "not_cleared"]) == 1, st
        assert [p["code"] for p in st["problems"]] == ["not_cleared"], st
        quarantined = [m for m in _log(proc, wd, "warning") if "quarantined" in m]
        assert len(quarantined) == 1, quarantined
    finally:
        _stop(proc)
    assert [p.name for p in inbox.iterdir()] == ["kaputt.pdf"]  # the original untouched
    assert len([d for d in (wd / "quarantine").iterdir() if d.is_dir() and d.name != "packages"]) == 1


def test_ingest_move_from_a_read_only_inbox_names_each_file_left_and_why(tmp_path):
    """fresh32 F4: text mode said "could not be moved (see the warnings)" and printed no warning."""
    if shutil.which("unshare") is None or not _namespaces():
        pytest.skip("no user and mount namespaces here (unshare -Urm)")
    inbox, wd, done = tmp_path / "in", tmp_path / "wd", tmp_path / "done"
    inbox.mkdir()
    pdfs = sorted((Path(__file__).resolve().parents[1] / "samples" / "inbox").glob("*-pdf.pdf"))
    for f in pdfs[:2]:
        shutil.copyfile(f, inbox / f.name)
    script = f'mount --bind "{inbox}" "{inbox}" && mount -o remount,ro,bind "{inbox}" && exec "$@"'
    p = subprocess.run(["unshare", "-Urm", "sh", "-c", script, "sh", *ekte_cmd(), "ingest", str(inbox), "--move",
                        str(done), "-w", str(wd)], capture_output=True, text=True, timeout=300,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 1 and "Traceback" not in p.stderr, p.stderr[-2000:]
    warnings = [x for x in p.stderr.splitlines() if x.startswith("warning:")]
    assert len(warnings) == 2, p.stderr[-2000:]
    for f, line in zip(pdfs[:2], sorted(warnings)):
        assert f.name in line and "could not be moved (the inbox: Read-only file system)" in line, line
    assert "2 original(s) could not be moved (see the warnings)" in p.stderr
    assert sorted(x.name for x in inbox.iterdir()) == sorted(f.name for f in pdfs[:2])
