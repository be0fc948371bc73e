"""Faults of the environment and of operation (issue 11): a full disk under
the journal and archive and under each file connector (a real tmpfs), a
read-only working directory, a damaged journal and its rebuild, file
modes whatever the umask, logs without names at -vv, exit codes that
monitoring can trust, worker crashes, and SIGTERM whatever a worker does.
Every run: a clean exit code, no traceback, the --json object printed."""

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import time
from pathlib import Path

import pytest

from helpers import NO_FIELD_REVIEW, ekte_cmd, fault_env, mount_tmpfs, umount_tmpfs
from helpers import run_ekte as _run_ekte
from hostile_corpus import text_pdf

NUMBERED = ["-o", "extract.aktenzeichen_patterns=[]", "-o", "extract.aktenzeichen_labels=[]"]


def run_ekte(cmd, *args, **kw):  # field review off: these tests are about the environment, not extraction
    return _run_ekte(cmd, *args, *(NO_FIELD_REVIEW if cmd == "ingest" else ()), **kw)


@pytest.fixture
def tiny_fs(tmp_path):
    """A small tmpfs (real ENOSPC); resize() gives it room again, readonly() freezes it."""
    mnt = tmp_path / "fs"
    mnt.mkdir()

    class FS:
        path = mnt

        @staticmethod
        def mount(size: str) -> None:
            mount_tmpfs(mnt, size)

        @staticmethod
        def remount(opts: str) -> None:
            subprocess.run(["mount", "-o", f"remount,{opts}", str(mnt)], check=True)

    yield FS
    umount_tmpfs(mnt)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    d = tmp_path_factory.mktemp("docs")
    filler = "Begründung: " + " ".join(f"Absatz{i:04d}" for i in range(600))
    return [text_pdf(d / f"antrag-{i}.pdf", f"Antrag auf Baugenehmigung Nr {i}\nBauantrag Gemarkung Musterdorf "
                                             f"Flur {i}\n{filler}") for i in range(8)]


def _inbox(tmp_path, pdfs, n=8, name="in"):
    d = tmp_path / name
    d.mkdir(mode=0o750)
    for p in pdfs[:n]:
        shutil.copy(p, d / p.name)
    return d


def _clean(p, code):
    assert p.returncode == code, f"exit {p.returncode} != {code}\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}"
    assert "Traceback" not in p.stderr, p.stderr[-3000:]


def _no_half_written(root: Path) -> None:
    leftovers = [p for p in root.rglob("*") if p.name.startswith(".ekte-tmp")]
    assert leftovers == [], leftovers
    for meta_dir in (root / "archive").glob("*/*") if (root / "archive").is_dir() else []:
        assert (meta_dir / "metadata.json").is_file() and (meta_dir / "document.pdf").is_file(), meta_dir


def _tracebacks_only_in_debug(err: str) -> None:
    """At -vv a debug record may carry its traceback (the details asked for); nothing else may."""
    lines = err.splitlines()
    record = ""
    for line in lines:
        if line[:2].isdigit() and line[2:3] == ":":  # a log record's first line (text format)
            record = line
        elif line.startswith("Traceback"):
            assert " DEBUG " in record, err[-3000:]


def _one_error_line(p, code_word):
    lines = [x for x in p.stderr.splitlines() if x.startswith("error:")]
    assert len(lines) == 1 and code_word in lines[0], p.stderr[-2000:]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_disk_full_under_journal_and_archive_then_the_rerun_completes(tmp_path, tiny_fs, pdfs):
    tiny_fs.mount("700k")
    inbox, wd = _inbox(tmp_path, pdfs), tiny_fs.path / "wd"
    p = run_ekte("ingest", "--json", inbox, "-w", wd, "-o", "ocr.jobs=1")
    _clean(p, 74)
    res = json.loads(p.stdout)
    assert res["error"]["code"] == "disk_full" and "no space left" in res["error"]["message"]
    _one_error_line(p, "no space left")
    done = [d for d in res["documents"] if d["status"] == "archived"]
    assert 0 < len(done) < 8 or not done, res["summary"]
    assert all(d["status"] in ("archived", "export_failed") for d in res["documents"]), res["documents"]
    _no_half_written(wd)
    tiny_fs.remount("size=64m")
    p = run_ekte("ingest", "--json", inbox, "-w", wd, "-o", "ocr.jobs=1")
    _clean(p, 0)
    db = sqlite3.connect(wd / "journal.sqlite")
    assert dict(db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state")) == {"exported": 8}
    assert len(list((wd / "archive").glob("*/*"))) == 8 and len(list((wd / "export" / "folder").iterdir())) == 8
    _no_half_written(wd)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
@pytest.mark.parametrize("connector,count", [("folder", lambda d: len([x for x in d.iterdir() if x.is_dir()])),
                                             ("komxwork", lambda d: len(list(d.glob("*.ready")))),
                                             ("xdomea", lambda d: len(list(d.glob("*.zip")))),
                                             ("alfresco-bulk", lambda d: len(list(d.rglob("*.pdf"))))])
def test_disk_full_under_a_file_connector(tmp_path, tiny_fs, pdfs, connector, count):
    tiny_fs.mount("48k")
    inbox, wd, out = _inbox(tmp_path, pdfs), tmp_path / "wd", tiny_fs.path / "out"
    out.mkdir()  # (the admin's export folder on the share)
    args = ["-w", wd, "-c", connector, "-o", f"connectors.{connector}.path={out}", "-o", "ocr.jobs=1"]
    p = run_ekte("ingest", "--json", inbox, *args)
    _clean(p, 74)
    res = json.loads(p.stdout)
    assert res["error"]["code"] == "disk_full" and connector in res["error"]["message"]
    failed = [d for d in res["documents"] if d["status"] == "export_failed"]
    assert failed and all(d["status"] in ("archived", "export_failed") for d in res["documents"])
    assert all("no space left" in d["error"]["message"] for d in failed)
    _no_half_written(out)
    assert len(list((wd / "archive").glob("*/*"))) == 8  # the archive went on
    tiny_fs.remount("size=64m")
    p = run_ekte("export", "--all", "--json", "-w", wd, "-c", connector, "-o", f"connectors.{connector}.path={out}")
    _clean(p, 0)
    assert count(out) == 8
    _no_half_written(out)
    db = sqlite3.connect(wd / "journal.sqlite")
    assert dict(db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state")) == {"exported": 8}


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_read_only_working_directory(tmp_path, tiny_fs, pdfs):
    tiny_fs.mount("32m")
    inbox, wd = _inbox(tmp_path, pdfs, 2), tiny_fs.path / "wd"
    _clean(run_ekte("ingest", inbox, "-w", wd), 0)
    shutil.copy(pdfs[2], inbox / "new.pdf")
    tiny_fs.remount("ro")
    p = run_ekte("ingest", "--json", inbox, "-w", wd)
    _clean(p, 74)
    assert json.loads(p.stdout)["error"]["code"] == "read_only"
    _one_error_line(p, "read-only")
    tiny_fs.remount("rw")
    _clean(run_ekte("ingest", inbox, "-w", wd), 0)


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_damaged_journal_check_and_rebuild(tmp_path, pdfs):
    inbox, wd = _inbox(tmp_path, pdfs, 4), tmp_path / "wd"
    first = json.loads(run_ekte("ingest", "--json", inbox, "-w", wd, *NUMBERED, check=0).stdout)
    numbers = {d["fields"]["aktenzeichen"] for d in first["documents"]}
    assert len(numbers) == 4
    journal = wd / "journal.sqlite"
    for empty in (True, False):
        for f in wd.glob("journal.sqlite*"):
            f.unlink()
        journal.write_bytes(b"" if empty else os.urandom(8192))
        for args in (("ingest", "--json", inbox), ("status",), ("review", "list"), ("export", "--all"),
                     ("journal", "check")):
            p = run_ekte(*args, "-w", wd)
            _clean(p, 75)
            assert "journal" in p.stderr and "damaged" in (p.stderr + p.stdout)
        p = run_ekte("ingest", "--json", inbox, "-w", wd)
        assert json.loads(p.stdout)["error"]["code"] == "journal_damaged"
    p = run_ekte("journal", "rebuild", "--json", "-w", wd, *NUMBERED)
    _clean(p, 0)
    rep = json.loads(p.stdout)
    assert rep["states"] == {"archived": 4} and list(rep["counters"].values()) == [4]
    assert any(k.startswith("journal.sqlite.damaged-") for k in rep["kept"])
    _clean(run_ekte("journal", "check", "-w", wd), 0)
    _clean(run_ekte("journal", "rebuild", "-w", wd), 2)  # not damaged: refused without --force
    shutil.copy(pdfs[5], inbox / "new.pdf")
    p = run_ekte("ingest", "--json", inbox, "-w", wd, *NUMBERED)
    _clean(p, 0)
    docs = json.loads(p.stdout)["documents"]
    new = next(d for d in docs if d["source"].endswith("new.pdf"))
    assert new["status"] == "archived" and new["fields"]["aktenzeichen"] not in numbers  # numbers go on, none twice
    db = sqlite3.connect(wd / "journal.sqlite")
    assert dict(db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state")) == {"exported": 5}


def test_modes_whatever_the_umask(tmp_path, pdfs):
    inbox, wd = _inbox(tmp_path, pdfs, 2), tmp_path / "wd"
    (inbox / "bad.pdf").write_bytes(b"not a pdf")
    subprocess.run(ekte_cmd() + ["ingest", str(inbox), "-w", str(wd), "-o", "classify.threshold=0.999"],
                   preexec_fn=lambda: os.umask(0), capture_output=True, timeout=600)
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)  # noqa: E731
    assert mode(wd) == 0o711
    for f in wd.glob("journal.sqlite*"):
        assert mode(f) == 0o600, f
    for sub in ("archive", "quarantine", "review", "tmp"):
        for p in [wd / sub, *(wd / sub).rglob("*")]:
            assert mode(p) == (0o700 if p.is_dir() else 0o600), p
    assert list((wd / "quarantine").iterdir()) and list((wd / "review").iterdir())


@pytest.mark.slow  # in CI (make test-slow), not in make test
def test_logs_name_no_file_and_no_content_at_vv(tmp_path, pdfs):
    secret = "Quastenberg"
    inbox = tmp_path / f"Familie {secret}"
    inbox.mkdir(mode=0o750)
    text_pdf(inbox / f"Antrag {secret} Hans.pdf", f"Antrag auf Baugenehmigung\nName: Hans {secret}\nBauantrag")
    (inbox / f"Kaputt {secret}.pdf").write_bytes(b"%PDF-1.4 broken")
    for fmt in ("text", "json"):
        wd = tmp_path / f"wd-{fmt}"
        p = run_ekte("ingest", inbox, "-w", wd, "-vv", "--log-format", fmt)
        assert p.returncode == 1, p.stderr[-3000:]
        _tracebacks_only_in_debug(p.stderr) if fmt == "text" else None
        assert fmt == "text" or "Traceback" not in p.stderr
        assert "DEBUG" in p.stderr or '"debug"' in p.stderr
        assert secret not in p.stderr and "Antrag " not in p.stderr, p.stderr
        p = run_ekte("export", "--all", "-w", wd, "-vv", "--log-format", fmt, "--force")
        assert secret not in p.stderr, p.stderr
        if fmt == "json":
            assert all(json.loads(x) for x in p.stderr.splitlines() if x.strip())
        watched, wd2 = tmp_path / f"watch-{fmt}", tmp_path / f"wdw-{fmt}"
        watched.mkdir(mode=0o750)
        proc = subprocess.Popen(ekte_cmd() + ["watch", str(watched), "-w", str(wd2), *NO_FIELD_REVIEW, "--stable-seconds", "0.5",
                                              "-vv", "--log-format", fmt], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            time.sleep(3)
            shutil.copytree(inbox, watched / inbox.name)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and (json.loads((wd2 / "status.json").read_text()).get("done", 0)
                                                   if (wd2 / "status.json").exists() else 0) < 1:
                time.sleep(0.5)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            _out, err = proc.communicate(timeout=120)
        err = err.decode()
        assert proc.returncode == 0
        _tracebacks_only_in_debug(err) if fmt == "text" else None
        assert fmt == "text" or "Traceback" not in err
        assert "watchdog" in err or "inotify" in err  # third-party debug lines are there, redacted
        assert secret not in err and "Antrag " not in err, err


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_exit_codes_monitoring_can_trust(tmp_path, pdfs):
    inbox, wd = _inbox(tmp_path, pdfs, 2), tmp_path / "wd"
    for args in (("status",), ("review", "list"), ("review", "accept", "abc"), ("export", "--all"),
                 ("journal", "check")):
        _clean(run_ekte(*args, "-w", wd), 2)
        assert not wd.exists()  # only ingest and watch make a working directory
    empty = tmp_path / "empty"
    empty.mkdir()
    p = run_ekte("ingest", empty, "-w", wd)
    _clean(p, 0)
    assert "nothing to ingest" in p.stdout
    _clean(run_ekte("status", "-w", wd), 1)  # no daemon runs
    review = ["-o", "classify.threshold=0.999"]
    _clean(run_ekte("ingest", inbox, "-w", wd, *review), 1)
    done = tmp_path / "done"
    p = run_ekte("ingest", "--json", inbox, "-w", wd, "--move", done, *review)
    _clean(p, 1)  # still waiting for review: reported so, never moved
    assert {d["status"] for d in json.loads(p.stdout)["documents"]} == {"review"}
    assert len(list(inbox.iterdir())) == 2 and not done.exists()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the move target folder should be")
    wd2 = tmp_path / "wd2"
    p = run_ekte("ingest", "--json", inbox, "-w", wd2, "--move", blocked)
    _clean(p, 2)  # a file is no move target: refused before anything is done
    assert "not a folder" in p.stderr and not wd2.exists()
    p = run_ekte("ingest", "--json", inbox, "-w", wd2, "--move", blocked / "sub")
    _clean(p, 1)  # archived and exported, but the originals could not be moved (their folder cannot be made)
    res = json.loads(p.stdout)
    assert res["summary"]["not_moved"] == 2 and len(list(inbox.iterdir())) == 2
    _clean(run_ekte("ingest", inbox, "-w", wd2, "--move", tmp_path / "moved"), 0)
    assert len(list(inbox.iterdir())) == 0


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_a_workdir_that_is_a_file_or_under_proc_is_a_usage_error(tmp_path, pdfs):
    """fresh29 F2: these ended as "internal error" (exit 70, "report it")."""
    inbox, blocked = _inbox(tmp_path, pdfs, 1), tmp_path / "a-file"
    blocked.write_text("not a folder")
    for wd, env in ((blocked, {}), (blocked / "sub", {}), (Path("/proc/ekte-nowhere"), {}), (None, {"EKTE_HOME": str(blocked)})):
        args = ("ingest", inbox, "-w", wd) if wd is not None else ("ingest", inbox)
        p = run_ekte(*args, env=env)
        _clean(p, 2)
        _one_error_line(p, "cannot be used")
        assert "internal error" not in p.stderr
    p = run_ekte("watch", inbox, env={"EKTE_HOME": str(blocked)}, timeout=60)
    _clean(p, 2)
    _one_error_line(p, "is a file, not a folder")
    assert blocked.read_text() == "not a folder"


def _damage_station_table(wd):
    """Overwrite the pages of the journal's station table (login_failures), which status and stats do not
    read, after the run ended (the journal checkpointed: its -wal/-shm files removed)."""
    for f in wd.glob("journal.sqlite-*"):
        f.unlink()
    journal = wd / "journal.sqlite"
    db = sqlite3.connect(journal)
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name='login_failures'").fetchone()[0]
    page = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    with open(journal, "r+b") as f:
        f.seek((root - 1) * page)
        f.write(b"\xee" * page)


def test_status_and_stats_notice_a_damaged_journal(tmp_path, pdfs):
    """fresh29 F12: pages of the journal overwritten where `status`/`stats` do not read: they answered as if
    nothing were wrong (README: `ekte status` exits 75 when the journal is damaged — a monitoring check)."""
    wd = tmp_path / "wd"
    _clean(run_ekte("ingest", _inbox(tmp_path, pdfs, 2), "-w", wd), 0)
    _damage_station_table(wd)  # a table neither status nor stats reads
    for args, head, said in ((("status",), "error:", "the journal is damaged"),  # the IT colleague's check
                             (("stats",), "Fehler:", "das Journal ist beschädigt")):  # the supervisor's (fresh35 F2)
        p = run_ekte(*args, "-w", wd)
        _clean(p, 75)
        lines = [x for x in p.stderr.splitlines() if x.startswith(head)]
        assert len(lines) == 1 and said in lines[0], p.stderr[-2000:]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_every_reader_of_a_damaged_journal_exits_75_naming_it(tmp_path, pdfs):
    """fresh31 H4: `review list` answered with the queue (exit 0) from the pages still readable while status,
    stats and accept said 75; history/review show/export named "the working directory", not its path."""
    wd = tmp_path / "wd"
    p = run_ekte("ingest", "--json", _inbox(tmp_path, pdfs, 2), "-w", wd, "-o", "classify.threshold=0.999")
    _clean(p, 1)
    doc = json.loads(p.stdout)["documents"][0]["id"]
    _damage_station_table(wd)
    for args in (("review", "list"), ("review", "show", doc), ("history", doc),
                 ("verify",), ("export", "--all"), ("review", "accept", doc),
                 ("retention", "due", "--as-of", "2200-01-01"),  # fresh32 F7: rc 0 and the list
                 ("train", "--from-reviews"),  # fresh32 F8: "the working directory", not its path
                 ("serve", "--port", str(_free_port()))):  # fresh32 F1: started and answered from the damaged file
        p = run_ekte(*args, "-w", wd, timeout=60)
        _clean(p, 75)
        if args[0] in ("review", "history", "retention"):  # fresh32 F8, fresh35 F2, fresh38 F11: German
            lines = [x for x in p.stderr.splitlines() if x.startswith(("Fehler:", "error:"))]
            assert len(lines) == 1 and lines[0].startswith(f"Fehler: {wd}: das Journal ist beschädigt ("), p.stderr
            assert lines[0].endswith("); ekte journal check ausführen, dann ekte journal rebuild."), p.stderr
            assert "error:" not in run_ekte(*args, "-w", wd, "--lang", "de").stderr
            _one_error_line(run_ekte(*args, "-w", wd, "--lang", "en"), f"{wd}: the journal is damaged")
        else:
            _one_error_line(p, f"{wd}: the journal is damaged")
        assert p.stdout.strip() == "", (args, p.stdout[-500:])
    # fresh32 F9: with --json every reader says it on stdout too (review list, history, verify, stats printed
    # nothing there while status, export and ingest printed the error as JSON)
    for args in (("review", "list"), ("review", "show", doc), ("history", doc), ("verify",), ("stats",),
                 ("status",), ("export", "--all")):
        p = run_ekte(*args, "--json", "-w", wd, *(("--lang", "en") if args[0] in ("review", "history", "stats") else ()))
        _clean(p, 75)
        _one_error_line(p, f"{wd}: the journal is damaged")
        error = json.loads(p.stdout)["error"]
        assert error["code"] == "journal_damaged" and f"{wd}: the journal is damaged" in error["message"], args


def test_a_journal_emptied_beside_an_archive_is_refused_by_every_reader(tmp_path, pdfs):
    """A journal of 0 bytes beside an archive that holds documents is a lost one: status refused it, but
    verify (which checks with workdirs.check_journal_intact) ended on "internal error" (70)."""
    wd = tmp_path / "wd"
    _clean(run_ekte("ingest", _inbox(tmp_path, pdfs, 1), "-w", wd), 0)
    for f in wd.glob("journal.sqlite-*"):
        f.unlink()
    (wd / "journal.sqlite").write_bytes(b"")
    for args in (("verify",), ("retention", "due", "--as-of", "2200-01-01"), ("status",)):
        p = run_ekte(*args, "-w", wd)
        _clean(p, 75)
        _one_error_line(p, f"{wd}: the journal is empty (0 bytes) although the archive holds documents")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_crashing_worker_is_tried_again_then_quarantined(tmp_path, pdfs):
    inbox, wd = _inbox(tmp_path, pdfs, 3), tmp_path / "wd"
    os.rename(inbox / pdfs[0].name, inbox / "crashme.pdf")
    p = run_ekte("ingest", "--json", inbox, "-w", wd, "--plugin", "ekte_faults",
                 env=fault_env({"EKTE_FAULTS": "after_classify:exit:crashme"}))
    _clean(p, 1)
    docs = {Path(d["source"]).name: d for d in json.loads(p.stdout)["documents"]}
    bad = docs["crashme.pdf"]
    assert bad["status"] == "quarantined" and bad["error"]["code"] == "ocr_failed"
    assert "(3 attempts)" in bad["error"]["message"]
    assert {d["status"] for n, d in docs.items() if n != "crashme.pdf"} == {"archived"}
    db = sqlite3.connect(wd / "journal.sqlite")
    assert db.execute("SELECT attempts FROM documents WHERE id=?", (bad["id"],)).fetchone()[0] == 0  # set back
    events = [r[0] for r in db.execute("SELECT event FROM events WHERE doc_id=?", (bad["id"],))]
    assert events.count("quarantined") == 1


def test_a_worker_that_died_in_earlier_runs_sets_the_document_aside_as_ocr_failed(tmp_path, pdfs):
    """A document whose workers died ``ocr.max_attempts`` times over earlier runs (counted by the
    coordinator with ``Journal.count_attempt``, as at each crash) is set aside at its next
    admission as ``ocr_failed`` saying so — not ``ocr_timeout`` (finding 7): nothing timed out."""
    import hashlib

    from ekte.journal import Journal

    inbox, wd = _inbox(tmp_path, pdfs, 1), tmp_path / "wd"
    proc = subprocess.Popen(ekte_cmd() + ["ingest", str(inbox), "-w", str(wd), "--plugin", "ekte_faults"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            start_new_session=True, env={**os.environ, **fault_env({"EKTE_FAULTS": "before_ocr:sleep::60"})})
    t0 = time.monotonic()
    while time.monotonic() - t0 < 120:
        if (wd / "journal.sqlite").exists():
            db = sqlite3.connect(wd / "journal.sqlite")
            try:
                if db.execute("SELECT COUNT(*) FROM documents WHERE state='received'").fetchone()[0]:
                    break
            except sqlite3.OperationalError:
                pass
            finally:
                db.close()
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGTERM)  # the run is interrupted: the document stays received
    assert proc.wait(60) == 130
    sha = hashlib.sha256(pdfs[0].read_bytes()).hexdigest()
    j = Journal(wd / "journal.sqlite")
    try:
        assert [j.count_attempt(sha) for _ in range(3)] == [1, 2, 3]
    finally:
        j.close()
    p = run_ekte("ingest", "--json", inbox, "-w", wd)
    _clean(p, 1)
    (doc,) = json.loads(p.stdout)["documents"]
    assert doc["status"] == "quarantined" and doc["error"]["code"] == "ocr_failed", doc
    assert "died 3 times" in doc["error"]["message"]


def _watch(inbox, wd, profile, *extra):
    return subprocess.Popen(ekte_cmd() + ["watch", str(inbox), "-w", str(wd), *NO_FIELD_REVIEW, "--stable-seconds", "0.5",
                                          "-p", str(profile), "--log-format", "json", *map(str, extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_watcher_with_a_pathological_pattern_honours_sigterm(tmp_path):
    """A profile pattern that backtracks catastrophically ((a+)+$ on 40 "a"
    and a "!"): the daemon's loop goes on (status written), SIGTERM ends it
    within --grace (exit 0), and the document never stalls every start:
    after ocr.max_attempts it is set aside (or, with bounded patterns, it
    is simply classified)."""
    prof = tmp_path / "patho.toml"
    prof.write_text('[profile]\nname = "patho"\ntitle = "x"\nextends = "landkreis"\n'
                    '[doctypes.bauantrag.patterns]\n"(a+)+$" = 2.0\n')
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    text_pdf(inbox / "patho.pdf", "Bauantrag\n" + "a" * 40 + "!")
    final = None
    for start in range(4):
        proc = _watch(inbox, wd, prof, "--grace", "2")
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                st = json.loads((wd / "status.json").read_text()) if (wd / "status.json").exists() else {}
                if st.get("in_flight") or st.get("done") or st.get("failed") or st.get("review"):
                    break
                time.sleep(0.3)
            time.sleep(2)
            st = json.loads((wd / "status.json").read_text())
            assert time.time() - time.mktime(time.strptime(st["updated"][:19], "%Y-%m-%dT%H:%M:%S")) < 10
        finally:
            t0 = time.monotonic()
            os.killpg(proc.pid, signal.SIGTERM)
            _out, err = proc.communicate(timeout=60)
        took = time.monotonic() - t0
        assert proc.returncode == 0 and b"Traceback" not in err, err[-2000:]
        assert took < 2 + 10, took
        db = sqlite3.connect(wd / "journal.sqlite")
        final = db.execute("SELECT state, error_code FROM documents").fetchone()
        db.close()
        if final and final[0] != "received":
            break
    assert final is not None and final[0] in ("quarantined", "exported", "review"), final
    if final[0] == "quarantined":
        assert final[1] == "ocr_timeout"


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_rebuild_keeps_the_clerks_decisions(tmp_path, pdfs):
    """Rejected and kept, rejected into the quarantine, released: the same
    states after a rebuild, and nothing rejected becomes exportable."""
    from ekte.profile import load_profile
    from ekte.serve.station import Station

    inbox, wd = _inbox(tmp_path, pdfs, 3), tmp_path / "wd"
    (inbox / "kaputt.pdf").write_bytes(b"%PDF-1.4 broken")
    _clean(run_ekte("ingest", inbox, "-w", wd, "-o", "classify.threshold=0.999"), 1)
    waiting = [d["id"] for d in json.loads(run_ekte("review", "list", "--json", "-w", wd, check=0).stdout)]
    assert len(waiting) == 3
    _clean(run_ekte("review", "reject", waiting[0], "--reason", "not_ours", "-w", wd), 0)
    _clean(run_ekte("review", "reject", waiting[1], "--reason", "unreadable", "-w", wd), 0)
    db = sqlite3.connect(wd / "journal.sqlite")
    broken = db.execute("SELECT id FROM documents WHERE error_code='broken_pdf'").fetchone()[0]
    db.close()
    station = Station(load_profile("landkreis"), wd).open()
    try:
        station.release(broken, "an den Absender zurück", "admin")
    finally:
        station.close()
    db = sqlite3.connect(wd / "journal.sqlite")
    before = dict(db.execute("SELECT id, state FROM documents"))
    db.close()
    assert sorted(before.values()) == ["quarantined", "rejected", "released", "review"]
    for f in wd.glob("journal.sqlite*"):
        f.unlink()
    (wd / "journal.sqlite").write_bytes(os.urandom(8192))
    _clean(run_ekte("journal", "rebuild", "-w", wd), 0)
    db = sqlite3.connect(wd / "journal.sqlite")
    assert dict(db.execute("SELECT id, state FROM documents")) == before
    db.close()
    _clean(run_ekte("journal", "check", "-w", wd), 0)
    run_ekte("export", "--all", "-w", wd, "--force")
    db = sqlite3.connect(wd / "journal.sqlite")
    assert dict(db.execute("SELECT id, state FROM documents")) == before  # nothing rejected was exported
    assert not db.execute("SELECT 1 FROM events WHERE doc_id IN (?, ?) AND event='exported'",
                          waiting[:2]).fetchone()


@pytest.mark.slow  # in CI (make test-slow), not in make test
def test_disk_full_while_taking_mail_then_the_rerun_completes(tmp_path, tiny_fs, pdfs):
    """``ekte mail`` (a real IMAP server) on a working directory that fills
    up: exit 74 with the JSON of what was done, nothing half-written; the
    next run after the fix takes every message once."""
    import mail_files as mf
    from imap_server import PASSWORD, Dovecot

    server = Dovecot().start()
    try:
        for i, pdf in enumerate(pdfs):
            server.append(mf.raw(mf.message(f"Antrag {i}", f"Guten Tag,\nanbei Antrag Nummer {i}.\n",
                                            attachments=[(f"antrag-{i}.pdf", pdf.read_bytes(), "application/pdf")])))
        tiny_fs.mount("700k")
        wd = tiny_fs.path / "wd"
        args = ["mail", "--json", "-w", wd, "-o", "intake.mail.host=127.0.0.1", "-o", f"intake.mail.port={server.port}",
                "-o", "intake.mail.security=plain", "-o", "intake.mail.username=poststelle",
                "-o", "intake.mail.password_env=EKTE_TEST_IMAP_PASSWORD", "-o", "ocr.jobs=1"]
        env = {"EKTE_TEST_IMAP_PASSWORD": PASSWORD}
        p = run_ekte(*args, env=env)
        _clean(p, 74)
        assert json.loads(p.stdout)["error"]["code"] == "disk_full"
        _one_error_line(p, "no space left")
        _no_half_written(wd)
        tiny_fs.remount("size=64m")
        p = run_ekte(*args, env=env)
        assert p.returncode in (0, 1) and "Traceback" not in p.stderr, p.stderr[-3000:]
        db = sqlite3.connect(wd / "journal.sqlite")
        assert dict(db.execute("SELECT state, COUNT(*) FROM mail_messages GROUP BY state")) == {"done": 8}
        assert db.execute("SELECT COUNT(*) FROM documents WHERE state NOT IN ('exported', 'review')").fetchone()[0] == 0
        db.close()
    finally:
        server.stop()
