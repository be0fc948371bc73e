"""A re-run over documents this working directory already finished (a
migration resumed after kill -9, a script run twice) reports each with the
state the journal has and its fields from the archive — under
``done_before`` — with the counts of before.  Real ``ekte ingest`` runs."""

import json

from helpers import NO_FIELD_REVIEW, run_ekte


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
