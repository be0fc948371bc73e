"""fresh38 F5, F17: ``ekte verify`` of a deleted document says when, by whom and why it was deleted (not "no
document with id", exit 2); verify prints the audit chain's head and ``--expect-head`` checks a noted one."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from helpers import SAMPLES, ingest_json, run_ekte

DOC = "bauantrag-002-pdf.pdf"


def _archived(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(SAMPLES / "inbox" / DOC, tmp_path / "in")
    wd = tmp_path / "wd"
    doc_id = ingest_json(tmp_path / "in", "-w", wd, "-j", "1", "-c", "folder")["documents"][0]["id"]
    return wd, doc_id


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_verify_of_a_deleted_document_says_when_and_by_whom(tmp_path):
    wd, doc_id = _archived(tmp_path)
    run_ekte("retention", "delete", doc_id, "-w", wd, "--reason", "retention_ended", "--force", "--json")
    p = run_ekte("verify", doc_id[:8], "-w", wd, check=None)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"{doc_id}: deleted on " in p.stdout and "before its retention ended" in p.stdout, p.stdout
    assert "(reason: retention period ended)" in p.stdout and "no document" not in p.stdout + p.stderr, p.stdout
    j = json.loads(run_ekte("verify", doc_id, "-w", wd, "--json", check=None).stdout)
    (d,) = j["deleted"]
    assert d["id"] == doc_id and d["code"] == "deleted" and d["reason"] == "retention_ended", d
    assert d["forced"] is True and d["chained"] is True and d["sha256"].startswith(doc_id), d
    assert j["summary"]["documents"] == 0 and not j["documents"], j


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_export_of_a_deleted_document_is_refused_with_code_deleted(tmp_path):
    wd, doc_id = _archived(tmp_path)
    run_ekte("retention", "delete", doc_id, "-w", wd, "--reason", "retention_ended", "--force", "--json")
    p = run_ekte("export", doc_id[:8], "-w", wd, check=None)
    assert p.returncode == 1 and f"document {doc_id} was deleted on " in p.stderr, p.stdout + p.stderr
    assert "no document" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    p = run_ekte("export", doc_id, "-w", wd, "--json", check=None)
    assert p.returncode == 1 and json.loads(p.stdout)["error"]["code"] == "deleted", p.stdout


def _head(wd):
    out = run_ekte("verify", "-w", wd).stdout
    line = next(x for x in out.splitlines() if x.startswith("Prüfkette/audit chain: entry "))
    return line.split("--expect-head ")[1].split(" ")[0]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_verify_prints_the_chain_head_and_expect_head_checks_it(tmp_path):
    wd, doc_id = _archived(tmp_path)
    before = tmp_path / "before"
    shutil.copytree(wd, before, symlinks=True)  # a copy of the working directory as it was
    run_ekte("retention", "delete", doc_id, "-w", wd, "--reason", "retention_ended", "--force", "--json")
    head = _head(wd)
    seq, h = head.split(":")
    assert int(seq) > 1 and len(h) == 16, head
    p = run_ekte("verify", "-w", wd, "--expect-head", head, check=None)
    assert p.returncode == 0 and "BROKEN" not in p.stdout, p.stdout + p.stderr
    # the older copy (restored from a backup: the deletion undone) does not hold the noted head
    p = run_ekte("verify", "-w", before, "--expect-head", head, check=None)
    broken = [x for x in p.stdout.splitlines() if "BROKEN" in x]
    assert p.returncode == 1 and len(broken) == 1 and "an older copy" in broken[0], p.stdout
    j = json.loads(run_ekte("verify", "-w", before, "--expect-head", head, "--json", check=None).stdout)
    assert j["summary"]["expected_head"]["code"] == "head_not_in_chain", j["summary"]
    # a chain rewritten from that entry on: another hash there
    db = sqlite3.connect(wd / "journal.sqlite")
    db.execute("UPDATE events SET hash=? WHERE seq=?", ("f" * 64, int(seq)))
    db.commit()
    db.close()
    p = run_ekte("verify", "-w", wd, "--expect-head", head, check=None)
    assert p.returncode == 1 and "has another hash than the one noted" in p.stdout, p.stdout
    p = run_ekte("verify", "-w", wd, "--expect-head", "12:abc", check=None)
    assert p.returncode == 2 and "SEQ:HASH" in p.stderr, p.stderr
