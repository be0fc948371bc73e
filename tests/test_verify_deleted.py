"""fresh38 F5, F17: ``ekte verify`` of a deleted document says when, by whom and why it was deleted (not "no
document with id", exit 2); verify prints the audit chain's head and ``--expect-head`` checks a noted one."""

from __future__ import annotations

import json
import shutil

from helpers import SAMPLES, ingest_json, run_ekte

DOC = "bauantrag-002-pdf.pdf"


def _archived(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(SAMPLES / "inbox" / DOC, tmp_path / "in")
    wd = tmp_path / "wd"
    doc_id = ingest_json(tmp_path / "in", "-w", wd, "-j", "1", "-c", "folder")["documents"][0]["id"]
    return wd, doc_id


def test_verify_of_a_deleted_document_says_when_and_by_whom(tmp_path):
    wd, doc_id = _archived(tmp_path)
    run_ekte("retention", "delete", doc_id, "-w", wd, "--reason", "Frist abgelaufen", "--force", "--json")
    p = run_ekte("verify", doc_id[:8], "-w", wd, check=None)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"{doc_id}: deleted on " in p.stdout and "before its retention ended" in p.stdout, p.stdout
    assert "(reason: Frist abgelaufen)" in p.stdout and "no document" not in p.stdout + p.stderr, p.stdout
    j = json.loads(run_ekte("verify", doc_id, "-w", wd, "--json", check=None).stdout)
    (d,) = j["deleted"]
    assert d["id"] == doc_id and d["code"] == "deleted" and d["reason"] == "Frist abgelaufen", d
    assert d["forced"] is True and d["chained"] is True and d["sha256"].startswith(doc_id), d
    assert j["summary"]["documents"] == 0 and not j["documents"], j


def test_export_of_a_deleted_document_is_refused_with_code_deleted(tmp_path):
    wd, doc_id = _archived(tmp_path)
    run_ekte("retention", "delete", doc_id, "-w", wd, "--reason", "Frist abgelaufen", "--force", "--json")
    p = run_ekte("export", doc_id[:8], "-w", wd, check=None)
    assert p.returncode == 1 and f"document {doc_id} was deleted on " in p.stderr, p.stdout + p.stderr
    assert "no document" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    p = run_ekte("export", doc_id, "-w", wd, "--json", check=None)
    assert p.returncode == 1 and json.loads(p.stdout)["error"]["code"] == "deleted", p.stdout
