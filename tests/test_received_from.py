"""``--received-from mtime`` (fresh39 F3): migrating an old archive, a document without a received stamp keeps
its file's modification time as its arrival date — recorded as such (method ``file_date``, a journal event) —,
a stamp found on the document still wins, and without the option the day of the intake stays."""

import json
import os
import shutil
import sqlite3
from datetime import datetime

from helpers import SAMPLES, ingest_json


def _meta(wd, doc_id):
    return json.loads((wd / "archive" / doc_id[:2] / doc_id / "metadata.json").read_text("utf-8"))


def test_the_file_date_is_the_arrival_date_of_a_document_without_a_stamp(tmp_path):
    inbox = tmp_path / "alt"
    inbox.mkdir()
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", inbox / "a.pdf")  # no stamp; Antragsdatum 25.12.2025
    shutil.copy(SAMPLES / "inbox" / "scan-bauantrag-001-scanpdf.pdf", inbox / "b.pdf")  # stamped 07.04.2026
    for name, day in (("a.pdf", "2026-01-10 09:30:00"), ("b.pdf", "2026-05-02 08:00:00")):
        t = datetime.fromisoformat(day).timestamp()
        os.utime(inbox / name, (t, t))
    out = ingest_json(inbox, "-w", tmp_path / "wd", "--received-from", "mtime", "--no-progress")
    docs = {os.path.basename(d["source"]): d for d in out["documents"]}
    a, b = _meta(tmp_path / "wd", docs["a.pdf"]["id"]), _meta(tmp_path / "wd", docs["b.pdf"]["id"])
    assert a["received"].startswith("2026-01-10T09:30:00"), a["received"]
    assert (a["fields"]["eingangsdatum"]["value"], a["fields"]["eingangsdatum"]["method"]) == ("10.01.2026", "file_date")
    assert any(h["event"] == "received-from" and "file modification time 2026-01-10" in h["detail"]
               for h in a["history"]), a["history"]
    assert b["fields"]["eingangsdatum"]["value"] == "07.04.2026", b["fields"]["eingangsdatum"]  # the stamp wins
    assert b["fields"]["eingangsdatum"]["method"] not in ("file_date", "intake")
    with sqlite3.connect(tmp_path / "wd" / "journal.sqlite") as db:
        events = db.execute("SELECT doc_id, detail FROM events WHERE event='received-from'").fetchall()
    assert sorted(i for i, _d in events) == sorted(d["id"] for d in docs.values()), events

    plain = ingest_json(inbox / "a.pdf", "-w", tmp_path / "wd2", "--no-progress")  # the default: the intake's day
    m = _meta(tmp_path / "wd2", plain["documents"][0]["id"])
    assert m["fields"]["eingangsdatum"]["method"] == "intake"
    assert not m["received"].startswith("2026-01-10") and not any(h["event"] == "received-from" for h in m["history"])
