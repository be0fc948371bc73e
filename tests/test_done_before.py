"""A re-run over documents this working directory already finished (a
migration resumed after kill -9, a script run twice) reports each with the
state the journal has and its fields from the archive — under
``done_before`` — with the counts of before.  Real ``ekte ingest`` runs."""

import json

from helpers import NO_FIELD_REVIEW, run_ekte
import pytest


def _run(*args):
    out = json.loads(run_ekte("ingest", "--json", "--no-progress", *args, *NO_FIELD_REVIEW).stdout)
    return out, {d["source"]: d for d in out["documents"]}


def test_documents_finished_before_keep_their_state_and_fields(tmp_path):
    import generate

    inbox, wd = tmp_path / "in", tmp_path / "wd"
    generate.generate(inbox, per_type=1, formats=["pdf"], seed=83)
    first, docs1 = _run(inbox, "-w", wd)
    again, docs2 = _run(inbox, "-w", wd)
    assert sorted(docs1) == sorted(docs2) and docs1
    assert again["summary"]["by_status"] == {**first["summary"]["by_status"],
                                             "archived": 0, "duplicate": first["summary"]["by_status"]["archived"]}
    states = {"archived": "exported", "review": "review"}
    for src, d in docs2.items():
        before = docs1[src]
        assert "done_before" not in before
        assert d["done_before"]["state"] == states[before["status"]], d
        assert d["done_before"]["run"] and d["done_before"]["updated"]
        assert d["fields"] == before["fields"] and d["doctype"] == before["doctype"]
    assert any(d["fields"] for d in docs2.values())  # not vacuous: fields were extracted and come back


def test_a_resumed_run_tells_documents_done_before_from_duplicates(tmp_path):
    """fresh33 F2: a re-run's text summary and --report counted every document an earlier run had exported as a
    duplicate ("exportiert 0 · Dublette 23"); the same content twice in one run is the only duplicate here."""
    import re
    import shutil
    from pathlib import Path

    samples = Path(__file__).resolve().parents[1] / "samples" / "inbox"
    a, b = samples / "bauantrag-002-pdf.pdf", sorted(p for p in samples.glob("*-pdf.pdf") if "bauantrag" not in p.name)[0]
    first, inbox, wd = tmp_path / "first", tmp_path / "in", tmp_path / "wd"
    first.mkdir(), inbox.mkdir()
    shutil.copy(a, first / a.name)
    run_ekte("ingest", "--no-progress", first, "-w", wd, *NO_FIELD_REVIEW, check=0)
    for name, src in (("a.pdf", a), ("b.pdf", b), ("b copy.pdf", b)):
        shutil.copy(src, inbox / name)
    rep = tmp_path / "rep.html"
    p = run_ekte("ingest", "--no-progress", inbox, "-w", wd, "--report", rep, *NO_FIELD_REVIEW, check=0)
    assert "1 archived (1 exported), 1 done before (an earlier run or another process), 1 duplicate," in \
        " ".join(p.stdout.split()), p.stdout
    html = rep.read_text("utf-8")
    rows = dict(re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", html))
    assert rows["exportiert"] == "1" and rows["Dublette"] == "1" and rows["bereits erledigt (früherer Lauf)"] == "1", rows
    assert "gleicher Inhalt wie" in html
    again = json.loads(run_ekte("ingest", "--json", "--no-progress", inbox, "-w", wd, *NO_FIELD_REVIEW).stdout)
    assert again["summary"]["done_before"] == {"duplicate": 2} and again["summary"]["by_status"]["duplicate"] == 3


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_a_document_in_review_reported_again_is_not_this_run_s_review(tmp_path):
    """fresh33 F8: a second run (or a concurrent process) reports a document the first sent to review as `review`
    with done_before — one rule for both, in README — and its summary no longer counts it as its own review too."""
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "samples" / "inbox" / "kfz_zulassung-001-pdf.pdf"
    wd, args = tmp_path / "wd", ("-o", "classify.threshold=0.999", *NO_FIELD_REVIEW)
    first = json.loads(run_ekte("ingest", "--json", sample, "-w", wd, *args).stdout)
    assert first["documents"][0]["status"] == "review" and "done_before" not in first["summary"]
    again = json.loads(run_ekte("ingest", "--json", sample, "-w", wd, *args).stdout)
    doc = again["documents"][0]
    assert doc["status"] == "review" and doc["done_before"]["state"] == "review", doc
    assert again["summary"]["done_before"] == {"review": 1}
    p = run_ekte("ingest", "--no-progress", sample, "-w", wd, *args)
    assert p.returncode == 1  # still waiting for a clerk
    text = " ".join(p.stdout.split())
    assert "0 archived, 1 done before (an earlier run or another process; 1 still waiting for review), 0 duplicates" \
        in text, text
