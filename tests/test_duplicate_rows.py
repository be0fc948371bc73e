"""fresh39 F4: a `duplicate` row of `ingest --json` carries its archived original's type, fields, pages, archive
folder and exports — a copy in the same run as the original and a copy in a re-run alike — so a migration's copy
report reads one JSON; the original is read once per run, however many copies it has."""

import json
import shutil

from helpers import SAMPLES, ingest_json

from ekte.journal import Journal
from ekte.model import Document
from ekte.pipeline.known import Originals


def test_every_copy_reports_its_original(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i in range(1, 5):
        shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", inbox / f"c{i}.pdf")
    shutil.copy(SAMPLES / "inbox" / "masern_meldung-004-pdf.pdf", inbox / "b.pdf")
    wd = tmp_path / "wd"
    runs = [ingest_json(inbox, "-w", wd, "-j", "1", "--no-progress")["documents"] for _run in range(2)]
    first = {d["id"]: d for d in runs[0] if d["status"] == "archived"}
    assert len(first) == 2, runs[0]
    copies = [d for docs in runs for d in docs if d["status"] == "duplicate"]
    assert len(copies) == 3 + 5, [(d["source"], d["status"]) for docs in runs for d in docs]
    for d in copies:
        orig = first[d["duplicate_of"]]
        meta = json.loads((wd / "archive" / orig["id"][:2] / orig["id"] / "metadata.json").read_text("utf-8"))
        assert d["fields"] == {k: f["value"] for k, f in meta["fields"].items()} and d["fields"], d
        assert (d["doctype"], d["pages"], d["archive"], d["exports"]) == \
            (orig["doctype"], orig["pages"], orig["archive"], orig["exports"]), (d, orig)
        assert d["archive"].startswith("/") and d["exports"], d

    j = Journal(wd / "journal.sqlite", readonly=True)
    row = j.get(next(iter(first.values()))["sha256"])
    seen = Originals()
    docs = [Document(sha256=row["sha256"], source=f"c{i}.pdf", size=0, media_type="") for i in range(3)]
    for doc in docs:
        seen.fill(doc, row, j)
    assert seen.reads == 1 and all(d.fields == docs[0].fields and d.fields for d in docs)
    docs[0].fields.clear()  # one copy's values are its own
    assert docs[1].fields
