"""fresh32 F6: files whose names intake.ignore skips (dot-files, ``~$*``, ``*.part`` …) are never skipped
without a word: one named on the command line gets a warning line, ingest's summary and ``--json`` count
them all (``summary.skipped``, ``skipped``), and ``ekte status`` counts those a watch daemon leaves in its
inbox.  An ignored folder (``.git``, ``@eaDir``) is skipped whole, uncounted.  Real runs."""

import json
import shutil
from pathlib import Path

from helpers import SAMPLES, run_ekte
from test_watch import _status, _stop, _wait, _watch

import pytest

SAMPLE = SAMPLES / "inbox" / "bauantrag-002-pdf.pdf"


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "in"
    (inbox / "a").mkdir(parents=True)
    (inbox / "sub").mkdir()
    (inbox / ".git").mkdir()
    shutil.copy(SAMPLE, inbox / "gut.pdf")
    for name in ("a/..\\..\\y.pdf", "..\\..\\evil.pdf", "sub/..strange...pdf", ".git/z.pdf"):
        shutil.copy(SAMPLE, inbox / name)
    return inbox


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_ingest_warns_of_a_named_ignored_file_and_counts_the_skipped(tmp_path):
    inbox = _inbox(tmp_path)
    wd = tmp_path / "wd"
    named = inbox / "a" / "..\\..\\y.pdf"
    p = run_ekte("ingest", inbox / "gut.pdf", named, "-w", wd, check=0)
    warn = [x for x in p.stderr.splitlines() if "skipped" in x]
    assert warn == [f"warning: skipped: ignored name {named} (its name matches intake.ignore; rename it to ingest it)"], \
        p.stderr
    assert "1 document," in p.stdout and "1 file skipped: names in intake.ignore (left where they are)" in p.stdout
    p = run_ekte("ingest", named, "-w", wd, "--json", check=0)
    out = json.loads(p.stdout)
    assert out["summary"]["total"] == 0 and out["summary"]["skipped"] == 1, out["summary"]
    assert out["skipped"] == [{"path": str(named), "reason": "ignored_name"}]
    assert "skipped: ignored name" in p.stderr
    # a folder: its ignored files counted (no warning line each), an ignored folder's files not
    p = run_ekte("ingest", inbox, "-w", wd, "--json", check=0)
    out = json.loads(p.stdout)
    assert out["summary"]["skipped"] == 3, out["summary"]
    assert sorted(Path(x["path"]).name for x in out["skipped"]) == ["..\\..\\evil.pdf", "..\\..\\y.pdf",
                                                                    "..strange...pdf"]
    assert "skipped: ignored name" not in p.stderr, p.stderr
    # fresh34 F3: named AND inside a named folder: one warning, counted once, no "nothing to ingest" log line
    p = run_ekte("ingest", inbox, named, "-w", wd, "--json", check=0)
    out = json.loads(p.stdout)
    assert out["summary"]["skipped"] == 3 and str(named) in [x["path"] for x in out["skipped"]], out
    assert p.stderr.count("skipped: ignored name") == 1, p.stderr
    p = run_ekte("ingest", named, "-w", wd, check=0)
    assert "nothing to ingest" not in p.stderr and p.stderr.count("skipped: ignored name") == 1, p.stderr
    assert named.is_file()  # left where it is
    p = run_ekte("ingest", inbox / "sub", "-w", wd, check=0)
    assert p.stdout.strip() == "nothing to ingest: 1 file skipped (names in intake.ignore)", p.stdout


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_watch_status_counts_the_files_it_leaves_in_the_inbox(tmp_path):
    inbox = _inbox(tmp_path)
    wd = tmp_path / "wd"
    proc = _watch(inbox, wd, "--done", tmp_path / "done")
    try:
        _wait(lambda: _status(wd).get("done", 0) == 1, proc=proc, what="the good file done", wd=wd)
        st = json.loads(run_ekte("status", "-w", wd, "--json").stdout)
        assert st["skipped"] == 3 and st["daemons"], st
        text = run_ekte("status", "-w", wd).stdout
        assert "skipped 3 (names in intake.ignore, left in the inbox)" in " ".join(text.split()), text
    finally:
        _code, err = _stop(proc)
    assert sorted(p.name for p in inbox.rglob("*") if p.is_file()) == ["..\\..\\evil.pdf", "..\\..\\y.pdf",
                                                                      "..strange...pdf", "z.pdf"]
    assert "ignored name" not in err  # counted, not a log line per file
