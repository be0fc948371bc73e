"""`ekte status` after a daemon ended: a clean stop and a kill -9 are told
apart (the README's monitoring contract), and the figures of a daemon that
no longer runs are marked as the last known ones.  A real daemon."""

import json
import os
import shutil
import signal
from pathlib import Path

from helpers import run_ekte
from test_watch import _status, _stop, _wait, _watch


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
