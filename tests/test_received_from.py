"""``--received-from mtime`` (fresh39 F3): migrating an old archive, a document without a received stamp keeps
its file's modification time as its arrival date — recorded as such (method ``file_date``, a journal event) —,
a stamp found on the document still wins, and without the option the day of the intake stays."""

import json
import os
import shutil
import sqlite3
from datetime import datetime

import pytest

from helpers import SAMPLES, ingest_json, run_ekte


def _meta(wd, doc_id):
    return json.loads((wd / "archive" / doc_id[:2] / doc_id / "metadata.json").read_text("utf-8"))


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
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
    shown = " ".join(run_ekte("history", docs["a.pdf"]["id"], "-w", tmp_path / "wd", check=0,
                              env={"COLUMNS": "250"}).stdout.split())
    assert "→ 10.01.2026 09:30" in shown and "2026-01-10T" not in shown, shown  # as a clerk reads a date

    plain = ingest_json(inbox / "a.pdf", "-w", tmp_path / "wd2", "--no-progress")  # the default: the intake's day
    m = _meta(tmp_path / "wd2", plain["documents"][0]["id"])
    assert m["fields"]["eingangsdatum"]["method"] == "intake"
    assert not m["received"].startswith("2026-01-10") and not any(h["event"] == "received-from" for h in m["history"])


def test_a_file_date_passes_the_export_check_and_verify_and_a_forged_one_does_not(tmp_path):
    """The journal records the chosen time (the ``received-from`` entry's new value): the export's check and
    `ekte verify` accept metadata.json's ``received`` = that time, and still flag any other."""
    inbox, hot, wd = tmp_path / "alt", tmp_path / "hot", tmp_path / "wd"
    inbox.mkdir()
    hot.mkdir()
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", inbox / "a.pdf")
    t = datetime.fromisoformat("2024-03-05 11:00:00").timestamp()
    os.utime(inbox / "a.pdf", (t, t))
    p = run_ekte("ingest", "--json", inbox, "-w", wd, "--received-from", "mtime", "-c", "folder", "-o",
                 f'connectors.folder.path="{hot}"', "-o", "extract.auto_threshold=0", "--no-progress")
    doc = json.loads(p.stdout)["documents"][0]
    assert p.returncode == 0 and doc["status"] == "archived", (p.returncode, doc["status"], doc.get("error"))
    assert [f for f in hot.rglob("*") if f.is_file()], "nothing in the export"
    m = _meta(wd, doc["id"])
    assert m["received"].startswith("2024-03-05T11:00:00"), m["received"]
    with sqlite3.connect(wd / "journal.sqlite") as db:
        assert db.execute("SELECT state FROM documents").fetchall() == [("exported",)]
        (new,) = db.execute("SELECT new FROM events WHERE event='received-from'").fetchone()
    assert new == m["received"]
    run_ekte("verify", "-w", wd, "-j", "1", check=0)

    m["received"] = "2024-03-04T11:00:00+00:00"  # forged: neither the intake's time nor the file's
    path = wd / "archive" / doc["id"][:2] / doc["id"] / "metadata.json"
    path.write_text(json.dumps(m, ensure_ascii=False), "utf-8")
    p = run_ekte("verify", "-w", wd, "-j", "1")
    assert p.returncode != 0 and "disagree about when the document was received" in " ".join(p.stdout.split()), p.stdout


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_a_retaken_quarantined_document_keeps_its_first_arrival_date_not_its_copys(tmp_path):
    """A quarantined document taken up again from a copy (the station's retry copies the original; here the
    same bytes under a .txt name): the copy's time is no arrival date — the first intake's file date stays."""
    first, again, wd = tmp_path / "first", tmp_path / "again", tmp_path / "wd"
    first.mkdir(), again.mkdir()
    text = "Antrag auf Erteilung einer Baugenehmigung\nAktenzeichen BA-2024-0815\n"
    (first / "antrag.pdf").write_text(text, "utf-8")  # plain text named .pdf: quarantined
    t = datetime.fromisoformat("2023-02-01 10:00:00").timestamp()
    os.utime(first / "antrag.pdf", (t, t))
    args = ("-w", wd, "--received-from", "mtime", "-o", "extract.auto_threshold=0", "--no-progress")
    assert ingest_json(first, *args)["documents"][0]["status"] == "quarantined"
    (again / "antrag.txt").write_text(text, "utf-8")
    t = datetime.fromisoformat("2025-06-01 10:00:00").timestamp()
    os.utime(again / "antrag.txt", (t, t))
    doc = ingest_json(again, *args)["documents"][0]
    assert doc["status"] in ("archived", "review"), doc
    m = _meta(wd, doc["id"])
    assert m["received"].startswith("2023-02-01T10:00:00"), m["received"]
    assert m["fields"]["eingangsdatum"]["method"] == "file_date", m["fields"]["eingangsdatum"]
    with sqlite3.connect(wd / "journal.sqlite") as db:
        news = [n for (n,) in db.execute("SELECT new FROM events WHERE event='received-from'")]
    assert len(news) == 1 and news[0].startswith("2023-02-01"), news
    run_ekte("verify", "-w", wd, "-j", "1", check=0)


def test_a_default_file_date_before_1990_is_no_arrival_date(tmp_path):
    """A FAT/ZIP default time (1980-01-01) or 0 is no receipt date: the day of the intake, with a warning that
    names no file."""
    inbox = tmp_path / "alt"
    inbox.mkdir()
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", inbox / "geheim-a.pdf")
    shutil.copy(SAMPLES / "inbox" / "tierhaltung-006-pdf.pdf", inbox / "geheim-b.pdf")
    os.utime(inbox / "geheim-a.pdf", (0, 0))
    t = datetime.fromisoformat("1980-01-01 00:00:00").timestamp()
    os.utime(inbox / "geheim-b.pdf", (t, t))
    p = run_ekte("ingest", "--json", inbox, "-w", tmp_path / "wd", "--received-from", "mtime", "--no-progress",
                 "-o", "extract.auto_threshold=0")
    docs = json.loads(p.stdout)["documents"]
    assert len(docs) == 2
    for d in docs:
        m = _meta(tmp_path / "wd", d["id"])
        assert m["received"][:4] not in ("1970", "1980", "1969"), m["received"]
        assert m["fields"]["eingangsdatum"]["method"] == "intake", m["fields"]["eingangsdatum"]
        assert any("before 1990" in w for w in m["warnings"]), m["warnings"]
    assert "before 1990" in p.stderr and "geheim" not in p.stderr, p.stderr[-2000:]
    with sqlite3.connect(tmp_path / "wd" / "journal.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM events WHERE event='received-from'").fetchone() == (0,)
