"""A resumed run's summary counts this run's work in ``pages`` and
``by_doctype`` (the text table) — documents done before are in ``total``,
``by_status`` and ``done_before`` only (fresh36 F6: a done-before document
waiting for review was in the table and the pages, an exported one not).
Real ekte subprocesses."""

import json

import pytest

from helpers import run_ekte


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_done_before_documents_are_not_this_runs_pages_or_types(tmp_path):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Notiz eins: bitte Rückruf wegen Termin\n", "utf-8")  # waits for review
    first = json.loads(run_ekte("ingest", inbox, "-w", wd, "--json").stdout)["summary"]
    assert first["by_status"]["review"] == 1 and first["pages"] == 1
    (inbox / "b.txt").write_text("Notiz zwei: Unterlagen kommen nächste Woche\n", "utf-8")
    p = run_ekte("ingest", inbox, "-w", wd, "--json")
    s = json.loads(p.stdout)["summary"]
    assert s["total"] == 2 and s["done_before"] == {"review": 1} and s["by_status"]["review"] == 2
    assert s["pages"] == 1, s  # b.txt's page only
    assert sum(n for counts in s["by_doctype"].values() for n in counts.values()) == 1, s["by_doctype"]
    text = run_ekte("ingest", inbox, "-w", wd).stdout
    assert "2 documents, 0 pages" in text and "2 done before" in text, text
