"""A working directory whose archive holds documents but whose journal.sqlite
is gone is refused as a lost journal, as a 0-byte one is (exit 75, with the
hint to ``ekte journal rebuild``) — not taken as a new directory (fresh36 F2:
ingest archived everything again and rewrote the archive folders) and not
verified as whole (F3: "28 of 28 documents hold", exit 0).  Real subprocesses."""

import json
import shutil

import pytest

from helpers import NO_FIELD_REVIEW, SAMPLES, run_ekte


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_missing_journal_beside_an_archive_is_refused_until_rebuilt(tmp_path):
    wd = tmp_path / "wd"
    src = SAMPLES / "inbox" / "bauantrag-002-pdf.pdf"
    doc = json.loads(run_ekte("ingest", src, "-w", wd, "--json", *NO_FIELD_REVIEW).stdout)["documents"][0]
    meta = wd / doc["archive"] / "metadata.json"
    before = (meta.stat().st_mtime_ns, meta.read_bytes())
    for f in wd.glob("journal.sqlite*"):
        f.unlink()

    p = run_ekte("verify", "-w", wd, "--json")
    assert p.returncode == 75 and json.loads(p.stdout)["error"]["code"] == "journal_damaged", p.stdout
    p = run_ekte("verify", "-w", wd)
    assert p.returncode == 75 and "hold" not in p.stdout and "journal" in p.stderr and "missing" in p.stderr
    for cmd in (("status",), ("retention", "due"), ("journal", "check")):
        p = run_ekte(*cmd, "-w", wd)
        assert p.returncode == 75 and "ekte journal rebuild" in p.stderr, (cmd, p.stderr)
        assert "ekte ingest or ekte watch make one" not in p.stderr

    shutil.copy(src, tmp_path / "again.pdf")
    p = run_ekte("ingest", tmp_path / "again.pdf", "-w", wd, "--json")
    assert p.returncode == 75, p.stdout[-2000:]
    out = json.loads(p.stdout)
    assert out["error"]["code"] == "journal_damaged" and out["pending"] and not out["documents"]
    assert not list(wd.glob("journal.sqlite*"))  # no new, empty journal made
    assert (meta.stat().st_mtime_ns, meta.read_bytes()) == before  # the archive folder untouched

    run_ekte("journal", "rebuild", "-w", wd, check=0)
    assert json.loads(run_ekte("verify", "-w", wd, "--json", check=0).stdout)["summary"]["ok"] == 1
