"""`ingest --report` at a place it cannot be written (fresh36 F5): a folder
or a missing folder is refused before the run (exit 2, nothing done); a
write that fails after the run is one line, exit 74, with the run's JSON
printed — never an internal error after the documents were archived."""

import json
import shutil

from helpers import SAMPLES, run_ekte

DOC = SAMPLES / "inbox" / "kfz_zulassung-001-pdf.pdf"


def _inbox(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(DOC, inbox)
    return inbox


def test_a_folder_or_a_missing_folder_is_refused_before_the_run(tmp_path):
    inbox = _inbox(tmp_path)
    for report, words in ((tmp_path, "is a folder"), (tmp_path / "nope" / "r.html", "does not exist")):
        p = run_ekte("ingest", inbox, "-w", tmp_path / "wd", "--report", report, "--json", env={"COLUMNS": "400"})
        assert p.returncode == 2, (p.returncode, p.stderr)
        assert words in p.stderr and "Traceback" not in p.stderr and "internal error" not in p.stderr
        assert not (tmp_path / "wd" / "archive").exists()  # nothing done


def test_a_report_that_cannot_be_written_after_the_run(tmp_path):
    inbox = _inbox(tmp_path)
    p = run_ekte("ingest", inbox, "-w", tmp_path / "wd", "-j", "1", "--report", "/proc/ekte-report.html", "--json")
    assert "internal error" not in p.stderr and "Traceback" not in p.stderr, p.stderr
    if p.returncode == 2:  # not root: /proc is not writable, refused before the run
        assert "cannot be written" in p.stderr and not (tmp_path / "wd" / "archive").exists()
        return
    assert p.returncode == 74, (p.returncode, p.stderr)
    assert "the report was not written" in p.stderr and p.stderr.count("\n") == 1, p.stderr
    out = json.loads(p.stdout)  # what was done is shown, and why the exit code is 74
    assert [d["status"] for d in out["documents"]] == ["archived"], out
    assert out["error"]["code"] == "report_not_written", out
