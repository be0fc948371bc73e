"""A folder below an input that cannot be listed is reported, never left out
without a word (fresh36 F1): ``ekte ingest`` names it (``--json``:
``unreadable_folders``; text: one warning line) and exits 1; the watch
daemon's ``ekte status`` shows a problem line for it and exits 1.  Real
subprocesses; as root they run without the DAC override (``setpriv``), as the
user check did, so that mode 000 keeps them out."""

import json
import os
import shutil
import subprocess

import pytest

from helpers import SAMPLES, ekte_cmd, run_ekte
from test_watch import _stop, _wait

NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
          "--inh-caps=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []


def _locked(folder) -> None:
    folder.chmod(0)
    if NO_DAC and not shutil.which("setpriv"):
        pytest.skip("running as root and setpriv is missing: a mode-000 folder stays readable")
    if subprocess.run([*NO_DAC, "ls", str(folder)], capture_output=True).returncode == 0:
        pytest.skip("a mode-000 folder is readable here anyway (capabilities): nothing to test")


def _ekte(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*NO_DAC, *ekte_cmd(), *map(str, args)], capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, **kw)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_ingest_reports_a_folder_it_cannot_list(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    inbox = tmp_path / "in"
    (inbox / "Akte 2019").mkdir(parents=True)
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", inbox)
    shutil.copy(SAMPLES / "inbox" / "ifsg_belehrung-003-pdf.pdf", inbox / "Akte 2019")
    _locked(inbox / "Akte 2019")
    try:
        p = _ekte("ingest", "in", "-w", tmp_path / "wd", "--json", "-o", "extract.auto_threshold=0")
        assert p.returncode == 1, p.stderr[-2000:]
        out = json.loads(p.stdout)
        assert out["unreadable_folders"] == [{"path": "in/Akte 2019", "cause": "Permission denied"}]
        assert out["summary"]["unreadable_folders"] == 1 and out["summary"]["total"] == 1
        assert "in/Akte 2019 cannot be listed" in p.stderr
        assert "claims()" not in p.stderr  # the portal source's PermissionError is no plugin failure
        log = [x for x in p.stderr.splitlines() if " WARNING " in x or " ERROR " in x]
        assert log and not [x for x in log if "Akte" in x], log  # no folder name in a log record

        p = _ekte("ingest", "in", "-w", tmp_path / "wd", "--no-progress")
        assert p.returncode == 1
        warn = [x for x in p.stderr.splitlines() if x.startswith("warning: folder not read")]
        assert len(warn) == 1 and "in/Akte 2019" in warn[0] and "not taken" in warn[0], p.stderr
    finally:
        (inbox / "Akte 2019").chmod(0o755)
    full = json.loads(run_ekte("ingest", "in", "-w", tmp_path / "wd", "--json", check=0).stdout)
    assert full["summary"]["unreadable_folders"] == 0 and "unreadable_folders" not in full


def test_the_watch_daemon_shows_a_folder_it_cannot_list_as_a_problem(tmp_path):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    (inbox / "gesperrt").mkdir(parents=True)
    shutil.copy(SAMPLES / "inbox" / "ifsg_belehrung-003-pdf.pdf", inbox / "gesperrt")
    _locked(inbox / "gesperrt")
    proc = subprocess.Popen([*NO_DAC, *ekte_cmd(), "watch", str(inbox), "-w", str(wd), "--stable-seconds", "1",
                             "--log-format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        def problems():
            p = run_ekte("status", "-w", wd, "--json")
            return json.loads(p.stdout).get("problems") if p.stdout.strip() else None

        _wait(lambda: problems(), proc=proc, what="the folder problem")
        st = run_ekte("status", "-w", wd, "--json", check=1)
        [prob] = json.loads(st.stdout)["problems"]
        assert prob["code"] == "folder_unreadable" and prob["path"] == str(inbox / "gesperrt")
        text = run_ekte("status", "-w", wd, check=1).stdout
        assert "problem: folder" in text and "cannot be listed" in text
    finally:
        (inbox / "gesperrt").chmod(0o755)
        code, err = _stop(proc)
    assert code == 0
    assert "gesperrt" not in err  # the daemon's log names no folder


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_an_input_with_only_an_unlistable_folder_says_only_that(tmp_path, monkeypatch):
    """review36b R7: the only folder of the input cannot be listed — the user got "folder not read" AND "nothing to
    ingest: no files found" (stdout, and a log line on stderr), which is not true: the files were not looked at.
    Now only the folder-not-read line, exit 1 (text and --json).  A named folder that cannot be read at all is
    refused by the command line (exit 2), also without "nothing to ingest"."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in" / "Akte").mkdir(parents=True)
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", tmp_path / "in" / "Akte")
    (tmp_path / "named").mkdir()
    _locked(tmp_path / "in" / "Akte")
    _locked(tmp_path / "named")
    try:
        p = _ekte("ingest", "in", "-w", tmp_path / "wd", "--no-progress")
        assert p.returncode == 1, p.stderr[-2000:]
        assert "nothing to ingest" not in p.stdout + p.stderr, (p.stdout, p.stderr)
        assert not p.stdout.strip(), p.stdout
        warn = [x for x in p.stderr.splitlines() if x.startswith("warning: folder not read")]
        assert len(warn) == 1 and "in/Akte cannot be listed (Permission denied)" in warn[0], p.stderr
        (tmp_path / "in" / "Thumbs.db").write_bytes(b"x")  # a name intake.ignore skips: still counted
        p = _ekte("ingest", "in", "-w", tmp_path / "wd", "--no-progress")
        assert p.returncode == 1 and p.stdout.strip() == "1 file skipped (names in intake.ignore)", p.stdout
        assert "nothing to ingest" not in p.stderr and p.stderr.count("warning: folder not read") == 1, p.stderr

        p = _ekte("ingest", "in", "-w", tmp_path / "wd", "--json")
        assert p.returncode == 1, p.stderr[-2000:]
        out = json.loads(p.stdout)
        assert out["unreadable_folders"] == [{"path": "in/Akte", "cause": "Permission denied"}]
        assert out["summary"]["total"] == 0
        assert "nothing to ingest" not in p.stderr and "folder not read: in/Akte" in p.stderr, p.stderr

        p = _ekte("ingest", "named", "-w", tmp_path / "wd", "--no-progress")
        assert p.returncode == 2 and "not readable" in p.stderr, (p.returncode, p.stderr[-2000:])
        assert "nothing to ingest" not in p.stdout + p.stderr
    finally:
        (tmp_path / "in" / "Akte").chmod(0o755)
        (tmp_path / "named").chmod(0o755)
