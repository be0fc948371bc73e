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

from helpers import ekte_cmd, ingest_json


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


def _start(inbox: Path, wd: Path, marker: str = "") -> subprocess.Popen:
    env = dict(os.environ, EKTE_TEST_MARKER=marker or "none")
    return subprocess.Popen(ekte_cmd() + ["ingest", str(inbox), "-w", str(wd), "-j", "1", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=env)


def _procs_with_marker(marker: str) -> list[str]:
    """Processes whose environment carries the marker (workers, Tesseract, gs)."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if f"EKTE_TEST_MARKER={marker}".encode() in (d / "environ").read_bytes().split(b"\0"):
                found.append((d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return found


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
        note = ["transfervermerk.xml"] if meta["archival"].get("transfer_note") else []  # scans: TR-RESISCAN note
        assert sorted(x.name for x in a.iterdir()) == sorted(["document.pdf", "metadata.json", "text.txt",
                                                               meta["archival"]["original"], *note])
    leftovers = [p for p in wd.rglob("*") if ".ekte-tmp-" in p.name]
    assert leftovers == []
    db = sqlite3.connect(wd / "journal.sqlite")
    states = db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state").fetchall()
    assert states == [("exported", n_docs)]
    assert db.execute("SELECT COUNT(*) FROM exports").fetchone()[0] == n_docs


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
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


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
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
    # every input is either listed with its outcome or as pending (left for the re-run), never both
    done = {Path(d["source"]).name for d in partial["documents"]}
    pending = {Path(p).name for p in partial["pending"]}
    assert pending and not done & pending, partial
    assert done | pending == {p.name for p in mixed_inbox.iterdir()}
    assert partial["summary"]["pending"] == len(partial["pending"])
    assert "not processed yet" in err.decode()
    ingest_json(mixed_inbox, "-w", wd, check=0)
    _check_exactly_once(wd, 10)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_second_process_on_same_workdir_shares_it(mixed_inbox, tmp_path):
    # (until issue 9 a second process was refused with "another ekte process"; now they share the work)
    wd = tmp_path / "wd"
    proc = _start(mixed_inbox, wd)
    _wait_for(lambda: (wd / "journal.sqlite").exists(), proc)
    out = ingest_json(mixed_inbox, "-w", wd, check=0)
    first, _err = proc.communicate(timeout=600)
    assert proc.returncode == 0
    mine = {d["id"]: d["status"] for d in out["documents"]}
    theirs = {d["id"]: d["status"] for d in json.loads(first)["documents"]}
    assert set(mine) == set(theirs) and len(mine) == 10
    assert all(sorted([mine[i], theirs[i]]) == ["archived", "duplicate"] for i in mine)
    _check_exactly_once(wd, 10)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_document_timeout_quarantines_and_run_goes_on(tmp_path, inbox, born_digital):
    from PIL import Image

    d = tmp_path / "in"
    d.mkdir()
    # six scanned pages in one task (-j 1: not in page ranges): far more than 2 s of OCR
    # (a page takes 1-2 s of CPU here; one page alone may finish within 2 s on a quiet machine)
    with Image.open(next(inbox.glob("scan-*-jpg.jpg"))) as im:
        pages = [im.convert("L")] * 6
        pages[0].save(d / "scan-long.tif", save_all=True, append_images=pages[1:], dpi=(300, 300))
    scan = d / "scan-long.tif"
    bd = next(born_digital[0].glob("*.pdf"))
    shutil.copy(bd, d / bd.name)
    marker = f"timeout-{os.getpid()}-{time.time()}"
    p = subprocess.run(ekte_cmd() + ["ingest", "--json", str(d), "-w", str(tmp_path / "wd"), "-j", "1",
                                     "-o", "ocr.document_timeout=2"],
                       capture_output=True, text=True, env=dict(os.environ, EKTE_TEST_MARKER=marker))
    assert p.returncode == 1, p.stderr
    out = json.loads(p.stdout)
    st = {Path(x["source"]).name: x for x in out["documents"]}
    assert st[scan.name]["status"] == "quarantined"
    assert st[scan.name]["error"]["code"] == "ocr_timeout"
    assert st[bd.name]["status"] == "archived"
    assert json.loads((tmp_path / "wd" / "quarantine" / st[scan.name]["id"] / "reason.json").read_text())["code"] == "ocr_timeout"
    # no worker or Tesseract left running for it
    assert _procs_with_marker(marker) == []


@pytest.mark.slow  # in CI (make test-slow), not in make test
def test_workers_end_when_main_process_is_killed(tmp_path, inbox):
    from PIL import Image

    # one long document (4 scanned pages, over 20 s of OCR with one job)
    mixed_inbox = tmp_path / "long"
    mixed_inbox.mkdir()
    with Image.open(next(inbox.glob("scan-*-jpg.jpg"))) as im:
        pages = [im.convert("L")] * 4
        pages[0].save(mixed_inbox / "long.tif", save_all=True, append_images=pages[1:], dpi=(300, 300))
    wd = tmp_path / "wd"
    marker = f"orphan-{os.getpid()}-{time.time()}"
    proc = _start(mixed_inbox, wd, marker)
    # wait until a scan is being OCRed (Tesseract or its worker running)
    def ocr_running() -> bool:
        procs = _procs_with_marker(marker)
        # the tesseract program (ocr.engine "tesseract"), or a worker besides the forkserver
        # (ocr.engine "tesserocr": Tesseract runs inside the worker)
        return (any(c.startswith("tesseract") and "--list-langs" not in c and "--version" not in c for c in procs)
                or sum("multiprocessing.forkserver" in c for c in procs) >= 2)

    assert _wait_for(ocr_running, proc)
    assert len(_procs_with_marker(marker)) >= 3  # main, forkserver, worker, ...
    assert _exported(wd) == 0
    os.kill(proc.pid, signal.SIGKILL)  # only the main process, not its group
    proc.wait(10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = _procs_with_marker(marker)
        if not left:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"processes outlived the killed main process: {left}")
    ingest_json(mixed_inbox, "-w", wd, check=0)
    _check_exactly_once(wd, 1)


def test_a_staged_export_a_finished_run_left_is_removed_by_the_next(tmp_path):
    """A run that ended on its clean path (its owner deregistered) can still leave a staged export folder
    (a SIGTERM between mkdtemp and the try around it): the next run removes it when its writer is gone --
    and leaves one of a live writer alone (seen once in make test: test_interrupt_exits_130_and_rerun_finishes)."""
    import os

    from ekte import owner
    from ekte.fsutil import TMP_PREFIX
    from helpers import SAMPLES, ingest_json

    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", inbox)
    wd = tmp_path / "wd"
    ingest_json(inbox, "-w", wd, "-o", "extract.auto_threshold=0", check=0)
    me = owner.current()
    dead = f"{owner.host_hash(owner.host_name())}-{owner.boot_id()}-{os.getpid()}-1"  # this pid, another start
    assert owner.token_alive_here(dead) is False and owner.token_alive_here(me.token) is True
    left = wd / "export" / "folder" / f"{TMP_PREFIX}{dead}-abcd1234"
    live = wd / "export" / "folder" / f"{TMP_PREFIX}{me.token}-efgh5678"
    for d in (left, live):
        d.mkdir()
        (d / "x.pdf").write_bytes(b"%PDF-")
    ingest_json(inbox, "-w", wd, "-o", "extract.auto_threshold=0", check=0)
    assert not left.exists() and live.is_dir()
