"""fresh39 F6: a `review` row of `ingest --json` says why — the type below `classify.threshold`, or the needed
fields unsure (their names, no value) — also when an earlier run sent it there; and `review/<id>.json` names the
archive folder as the row does (absolute, whatever folder ekte ran in)."""

import json

from helpers import SAMPLES, ingest_json

SAMPLE = SAMPLES / "inbox" / "bauantrag-002-pdf.pdf"


def test_a_review_row_says_why_and_its_entry_names_the_same_folder(tmp_path):
    wd = tmp_path / "wd"
    rows = [ingest_json(SAMPLE, "-w", wd, "-o", "extract.auto_threshold=0.999", "--no-progress")["documents"][0]
            for _run in range(2)]
    for row in rows:  # the second: done before, still waiting for a clerk
        assert row["status"] == "review" and row["review"]["type_unsure"] is False, row
        assert {"vorname", "nachname"} <= set(row["review"]["fields"]), row["review"]
        assert all(r.startswith(tuple(f + ": " for f in row["review"]["fields"])) for r in row["review"]["reasons"])
        assert not any(v in json.dumps(row["review"]) for v in row["fields"].values()), row  # names, no value
    assert rows[1]["done_before"]["state"] == "review" and rows[1]["review"] == rows[0]["review"]
    entry = json.loads((wd / "review" / f"{rows[0]['id']}.json").read_text("utf-8"))
    assert entry["archive"] == rows[0]["archive"] and entry["archive"].startswith("/"), entry["archive"]

    row = ingest_json(SAMPLE, "-w", tmp_path / "wd2", "-o", "classify.threshold=0.99", "--no-progress")["documents"][0]
    assert row["status"] == "review" and row["review"]["type_unsure"] is True, row
    assert row["review"]["reasons"][0].startswith("type: confidence 0.") and row["review"]["reasons"][0].endswith(
        " < 0.99"), row["review"]


def test_rows_not_in_review_have_no_review_key(tmp_path):
    row = ingest_json(SAMPLE, "-w", tmp_path / "wd", "--no-progress")["documents"][0]
    assert row["status"] == "archived" and "review" not in row, row
