"""`ekte status` after a daemon ended: a clean stop and a kill -9 are told
apart (the README's monitoring contract), and the figures of a daemon that
no longer runs are marked as the last known ones.  A real daemon."""

import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from helpers import run_ekte
from test_watch import _status, _stop, _wait, _watch


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_status_tells_a_clean_stop_from_a_killed_daemon(tmp_path):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    proc = _watch(inbox, wd)
    _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
    code, _err = _stop(proc)  # SIGTERM
    assert code == 0
    st = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)
    assert [d["ended"] for d in st["daemons"]] == ["stopped"] and st["last_known"]
    text = run_ekte("status", "-w", wd, check=1).stdout
    assert "not running: stopped at" in text and "died" not in text
    assert "last known figures" in text

    proc = _watch(inbox, wd)
    _wait(lambda: _status(wd).get("running") and not _status(wd).get("stopping"), proc=proc, what="restart")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    st = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)
    assert [d["ended"] for d in st["daemons"]] == ["died"]
    text = run_ekte("status", "-w", wd, check=1).stdout
    assert "died without being stopped" in text and "last known figures (as of" in text


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_file_sent_again_while_its_first_copy_waits_for_review_counts_as_a_duplicate(tmp_path):
    """The daemon's counters agree with the journal: the same bytes under a
    second name are not a second document for the review queue."""
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    sample = Path(__file__).resolve().parents[1] / "samples" / "inbox" / "bauantrag-002-pdf.pdf"
    proc = _watch(inbox, wd, "-o", "classify.threshold=1")  # every type to review
    try:
        _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
        shutil.copyfile(sample, inbox / "first.pdf")
        _wait(lambda: _status(wd).get("review", 0) == 1, proc=proc, what="the first copy in review")
        shutil.copyfile(sample, inbox / "again.pdf")
        _wait(lambda: _status(wd).get("duplicates", 0) == 1, proc=proc, what="the second copy counted")
        st = _status(wd)
        assert (st["review"], st["duplicates"], st["done"]) == (1, 1, 0), st
    finally:
        _code, err = _stop(proc)
    assert "the same content was taken in before" in err  # the log says why the file went to done
    assert len(list((wd / "review").glob("*.json"))) == 1  # the queue has the document once


def _namespaces() -> bool:
    import subprocess

    return subprocess.run(["unshare", "-Urm", "true"], capture_output=True).returncode == 0


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_full_done_folder_is_a_problem_in_status_not_duplicates(tmp_path):
    """fresh30 G11: the done folder on a full file system (a 64 KiB tmpfs in the daemon's own mount
    namespace, filled): the inputs stay in the inbox and each rescan takes them again — they are not
    counted as duplicates, `ekte status` names the problem (and exits 1), and once there is room again the
    next rescan moves them and the problem is gone."""
    inbox, wd, done, proc = _watch_full_done(tmp_path, "0.03")
    samples = Path(__file__).resolve().parents[1] / "samples" / "inbox"
    try:
        _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
        for name in ("bauantrag-002-pdf.pdf", "ifsg_belehrung-003-pdf.pdf"):
            shutil.copyfile(samples / name, inbox / name)
        _wait(lambda: _status(wd).get("done", 0) == 2 and _status(wd).get("problems"), proc=proc, what="the problem", wd=wd)
        taken = len([m for m in _log(proc, wd) if "could not be cleared" in m])
        _wait(lambda: len([m for m in _log(proc, wd) if "could not be cleared" in m]) >= taken + 2, proc=proc,
              what="a rescan taking them again")
        # fresh31 H3: one warning per file, the rescans' retries at -vv only (was a WARNING every second: the
        # daemon's own reading of the file, inotify's opened/closed_no_write, took it again and again)
        assert len([m for m in _log(proc, wd, "warning") if "could not be cleared" in m]) == 2
        st = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)
        assert (st["done"], st["duplicates"], st["failed"], st["not_cleared"]) == (2, 0, 0, 2), st
        (problem,) = st["problems"]
        assert problem["code"] == "not_cleared" and problem["cause"] == "disk_full" and problem["files"] == 2
        assert sorted(e["code"] for e in st["last_errors"]) == ["not_cleared", "not_cleared"]
        text = run_ekte("status", "-w", wd, check=1).stdout
        assert ("problem: 2 input(s) could not be moved out of the inbox (no space left in the done folder); they "
                "stay there and are tried again at each rescan (since ") in text, text
        assert sorted(p.name for p in inbox.iterdir()) == ["bauantrag-002-pdf.pdf", "ifsg_belehrung-003-pdf.pdf"]
        os.unlink(f"/proc/{proc.pid}/root{done}/fill")  # room again (seen through the daemon's mount namespace)
        _wait(lambda: not any(inbox.iterdir()) and not _status(wd).get("problems"), proc=proc, what="moved", wd=wd)
        st = json.loads(run_ekte("status", "-w", wd, "--json", check=0).stdout)
        assert (st["done"], st["duplicates"], st["not_cleared"], st["problems"]) == (2, 0, 0, []), st
    finally:
        _stop(proc)


def _watch_full_done(tmp_path, rescan_minutes: str):
    """A watch daemon (-vv, JSON log) whose done folder is a full 64 KiB tmpfs in its own mount namespace."""
    import pytest
    import subprocess
    from helpers import ekte_cmd

    if shutil.which("unshare") is None or not _namespaces():
        pytest.skip("no user and mount namespaces here (unshare -Urm) for a small tmpfs")
    inbox, wd, done = tmp_path / "in", tmp_path / "wd", tmp_path / "done"
    inbox.mkdir(mode=0o750)
    done.mkdir(mode=0o700)
    script = (f'mount -t tmpfs -o size=64k,mode=0700 tmpfs "{done}" && '
              f'(dd if=/dev/zero of="{done}/fill" bs=4k 2>/dev/null; true) && exec "$@"')
    proc = subprocess.Popen(["unshare", "-Urm", "sh", "-c", script, "sh", *ekte_cmd(), "watch", str(inbox), "-w", str(wd),
                             "--done", str(done), "--stable-seconds", "0.5", "--rescan-minutes", rescan_minutes,
                             "--log-format", "json", "-vv"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    return inbox, wd, done, proc


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_file_that_cannot_be_cleared_waits_for_the_next_rescan(tmp_path):
    """fresh31 H3: between rescans the file is not taken again (the daemon's own reading of it — inotify's
    opened / closed_no_write — made it a new sighting: taken, read and refused every second for 6-8 s)."""
    import time

    inbox, wd, _done, proc = _watch_full_done(tmp_path, "10")
    try:
        _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
        shutil.copyfile(Path(__file__).resolve().parents[1] / "samples" / "inbox" / "bauantrag-002-pdf.pdf",
                        inbox / "a.pdf")
        _wait(lambda: _status(wd).get("problems"), proc=proc, what="the problem", wd=wd)
        time.sleep(6)
        assert len([m for m in _log(proc, wd) if "could not be cleared" in m]) == 1  # also none at -vv
        assert _status(wd)["duplicates"] == 0
    finally:
        _stop(proc)


_LOG: dict = {}


def _log(proc, wd, level: str | None = None) -> list[str]:
    """The daemon's log messages so far (stderr read without blocking), of *level* only if given."""
    import fcntl

    fd = proc.stderr.fileno()
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
    buf = _LOG.setdefault(proc.pid, [b""])
    try:
        while chunk := os.read(fd, 65536):
            buf[0] += chunk
    except BlockingIOError:
        pass
    records = [json.loads(x) for x in buf[0].decode(errors="replace").splitlines() if x.startswith("{")]
    return [r["message"] for r in records if level is None or r.get("level") == level]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_read_only_export_folder_is_a_problem_in_status_until_exported(tmp_path):
    """fresh31 H7: the DMS hot folder read-only (a bind mount in the daemon's own namespace): the document
    is archived but not exported — `ekte status` names it as a problem and exits 1 (was 0, "problems": []);
    once the folder is writable again the next rescan exports it and the problem is gone."""
    import pytest
    import subprocess

    if shutil.which("unshare") is None or shutil.which("nsenter") is None or not _namespaces():
        pytest.skip("no user and mount namespaces here (unshare -Urm)")
    inbox, wd, exp = tmp_path / "in", tmp_path / "wd", tmp_path / "exp"
    inbox.mkdir(mode=0o750)
    exp.mkdir()
    samples = Path(__file__).resolve().parents[1] / "samples" / "inbox"
    from helpers import ekte_cmd

    script = f'mount --bind "{exp}" "{exp}" && mount -o remount,ro,bind "{exp}" && exec "$@"'
    proc = subprocess.Popen(["unshare", "-Urm", "sh", "-c", script, "sh", *ekte_cmd(), "watch", str(inbox), "-w", str(wd),
                             "--stable-seconds", "0.5", "--rescan-minutes", "0.03", "-o",
                             f"connectors.folder.path={exp}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
        shutil.copyfile(samples / "bauantrag-002-pdf.pdf", inbox / "bauantrag-002-pdf.pdf")
        _wait(lambda: _status(wd).get("export_failed") == 1 and _status(wd).get("problems"), proc=proc,
              what="the problem", wd=wd)
        st = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)
        (problem,) = st["problems"]
        assert (problem["code"], problem["cause"], problem["documents"], problem["connectors"]) == \
            ("export_failed", "read_only", 1, ["folder"]), st
        text = run_ekte("status", "-w", wd, check=1).stdout
        assert ("problem: 1 document(s) could not be exported (read-only file system: connector 'folder'); they "
                "stay archived") in text, text
        # the folder writable again (its read-only mount undone in the daemon's namespace)
        subprocess.run(["nsenter", "-t", str(proc.pid), "-U", "-m", "umount", str(exp)], check=True)
        _wait(lambda: _status(wd).get("export_failed") == 0 and not _status(wd).get("problems"), proc=proc,
              what="exported", wd=wd)
        assert run_ekte("status", "-w", wd, "--json", check=0).returncode == 0
        assert any(exp.rglob("*.pdf"))
    finally:
        _stop(proc)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_daemon_that_ended_on_a_full_disk_is_not_reported_as_killed(tmp_path):
    """fresh31: the working directory filled up, the daemon exited 74 — and `ekte status` said "died without
    being stopped (killed or crashed)", no cause.  Now "ended on an error" with the cause (written over room the
    daemon took at its start: the disk is full by then).  A 700 KiB tmpfs in the daemon's own mount namespace;
    `ekte status` runs there too."""
    import pytest
    import subprocess
    from helpers import ekte_cmd

    if shutil.which("unshare") is None or not _namespaces():
        pytest.skip("no user and mount namespaces here (unshare -Urm) for a small tmpfs")
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    wd.mkdir()
    samples = Path(__file__).resolve().parents[1] / "samples" / "inbox"
    ek = " ".join(f'"{a}"' for a in ekte_cmd())
    script = (f'mount -t tmpfs -o size=700k tmpfs "{wd}" && (sleep 6; cp "{samples}"/*-pdf.pdf "{inbox}/") & '
              f'{ek} watch "{inbox}" -w "{wd}" --stable-seconds 1 -j 1 2>"{tmp_path}/log"; echo $? >"{tmp_path}/rc"; '
              f'{ek} status -w "{wd}" --json >"{tmp_path}/st.json"; {ek} status -w "{wd}" >"{tmp_path}/st.txt"')
    subprocess.run(["unshare", "-Urm", "sh", "-c", script], timeout=300, stdin=subprocess.DEVNULL)
    assert (tmp_path / "rc").read_text().strip() == "74", (tmp_path / "log").read_text()[-2000:]
    (d,) = json.loads((tmp_path / "st.json").read_text())["daemons"]
    assert d["ended"] == "failed" and d["cause"]["code"] == "disk_full" and not d.get("stopped"), d
    assert f"{wd}: no space left" in d["cause"]["message"]
    st = json.loads((tmp_path / "st.json").read_text())  # fresh32 F10: where monitoring reads it
    (problem,) = st["problems"]
    assert problem["code"] == "daemon_failed" and problem["cause"] == "disk_full", st["problems"]
    assert f"{wd}: no space left" in problem["message"]
    assert "disk_full" in [e["code"] for e in st["last_errors"]], st["last_errors"]
    text = (tmp_path / "st.txt").read_text()
    assert "not running: ended on an error at " in text and "died" not in text, text


def test_an_export_the_rescan_retry_delivers_is_counted_at_once_and_its_input_is_no_duplicate():
    """A document counted as not exported, then exported by the rescan's retry (not by its input taken again):
    the daemon's counts say exported at once (the stop line said "0 exported … 1 not exported" when the daemon
    stopped before the input was taken again), and the input taken again to be cleared is not a duplicate."""
    from ekte.model import Document, ErrorInfo, Status
    from ekte.watch.status import Stats

    stats = Stats()
    doc = Document(sha256="ab" * 32, source="a.pdf", size=1, media_type="application/pdf")
    doc.status, doc.error = Status.EXPORT_FAILED, ErrorInfo("export_failed", "connector komxwork", "export")
    stats.record(doc)
    assert (stats.done, stats.export_failed) == (0, 1)
    stats.exported_later(Document(sha256=doc.sha256, source="a.pdf", size=1, media_type="application/pdf",
                                  status=Status.ARCHIVED))
    assert (stats.done, stats.export_failed, stats.export_problem()) == (1, 0, None)
    again = Document(sha256=doc.sha256, source="a.pdf", size=1, media_type="application/pdf", status=Status.DUPLICATE)
    again.extra["done_before"] = {"state": "exported"}
    stats.record(again)  # its input, taken again at the next rescan and cleared
    assert (stats.done, stats.duplicates, stats.export_failed) == (1, 0, 0)
    stats.record(again)  # a real copy sent later is a duplicate again
    assert stats.duplicates == 1
