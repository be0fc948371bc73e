"""``ekte journal rebuild`` of a journal it can read takes over what the archive cannot tell (fresh38 F2, F10):
a document whose archive folder is gone is named as lost (exit 1, an entry in the new journal), never dropped
silently; a deletion whose ``deleted/<id>.json`` was removed is kept (and ``journal check`` names the missing
record).  Real ingest, real files, real journal."""

from __future__ import annotations

import getpass
import json
import shutil
import sqlite3

import pytest

from helpers import SAMPLES, ingest_json, run_ekte

NAMES = ["waffen_antrag-005-pdf.pdf", "tierhaltung-006-pdf.pdf"]


def _archived(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for n in NAMES:
        shutil.copy(SAMPLES / "inbox" / n, inbox)
    wd = tmp_path / "wd"
    docs = ingest_json(inbox, "-w", wd, "-j", "1", check=0)["documents"]
    by_type = {d["doctype"]: d["id"] for d in docs}
    return wd, [by_type["waffen_antrag"], by_type["tierhaltung"]]


def test_a_document_whose_folder_is_gone_is_named_as_lost(tmp_path):
    wd, (gone, kept) = _archived(tmp_path)
    shutil.rmtree(next((wd / "archive").glob(f"*/{gone}")))
    check = run_ekte("journal", "check", "-w", wd, check=1).stdout
    assert gone in check and "restore it from a backup" in check, check
    p = run_ekte("journal", "rebuild", "--force", "-w", wd, "--json", check=1)
    r = json.loads(p.stdout)
    assert [d["id"] for d in r["lost"]] == [gone] and r["lost"][0]["doctype"] == "waffen_antrag", r
    assert any(k.startswith("journal.sqlite.replaced-") for k in r["kept"]) and (wd / r["kept"][0]).is_file()
    db = sqlite3.connect(wd / "journal.sqlite")
    assert db.execute("SELECT COUNT(*) FROM events WHERE doc_id=? AND stage='journal' AND event='lost'",
                      (gone,)).fetchone()[0] == 1
    # F13: who ran the rebuild is named, not "system"
    assert {r[0] for r in db.execute("SELECT actor FROM events WHERE event IN ('rebuilt', 'lost')")} == \
        {getpass.getuser()}
    db.close()
    text = run_ekte("journal", "rebuild", "--force", "-w", wd, check=1).stdout  # the old journal now names it
    assert f"lost {gone}" in text and "restore it from a backup" in text, text
    assert kept not in text
    with sqlite3.connect(wd / "journal.sqlite") as db:  # one entry, not one per rebuild (the old one taken over)
        assert db.execute("SELECT COUNT(*) FROM events WHERE doc_id=? AND stage='journal' AND event='lost'",
                          (gone,)).fetchone()[0] == 1


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_a_deletion_whose_record_was_removed_survives_the_rebuild(tmp_path):
    wd, (victim, _other) = _archived(tmp_path)
    run_ekte("retention", "delete", victim, "-w", wd, "--reason", "retention_ended", "--force", check=0)
    (wd / "deleted" / f"{victim}.json").unlink()
    check = run_ekte("journal", "check", "-w", wd, check=1).stdout
    assert victim in check and f"deleted/{victim}.json" in check, check
    r = json.loads(run_ekte("journal", "rebuild", "--force", "-w", wd, "--json", check=0).stdout)
    assert r["tombstones_from_old_journal"] == [victim] and "lost" not in r, r
    h = json.loads(run_ekte("history", victim, "-w", wd, "--json", check=0).stdout)
    assert h["deleted"]["reason"] == "retention_ended" and h["deleted"]["forced"], h
    assert json.loads((wd / "deleted" / f"{victim}.json").read_text())["doc_id"] == victim
    run_ekte("journal", "check", "-w", wd, check=0)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_a_forced_rebuild_carries_the_clerks_trail_over(tmp_path):
    """fresh38 F2, second half: who corrected, accepted, rejected and why — the old journal's entries come first
    in the new one, with their time and actor, marked as taken over, chained anew; verify and check hold."""
    from ekte.journal import Journal
    from ekte.pipeline.queue import history as station_history

    inbox = tmp_path / "in"
    inbox.mkdir()
    for n in NAMES:
        shutil.copy(SAMPLES / "inbox" / n, inbox)
    wd = tmp_path / "wd"
    docs = ingest_json(inbox, "-w", wd, "-j", "1", "-o", "classify.threshold=0.999")["documents"]
    ids = {d["doctype"]: d["id"] for d in docs}
    accepted, rejected = ids["waffen_antrag"], ids["tierhaltung"]
    run_ekte("review", "accept", accepted, "-w", wd, "--set", "nachname=Falsch", check=0)
    run_ekte("review", "reject", rejected, "-w", wd, "-r", "not_ours", "--note", "falsche Stelle", check=0)
    before = json.loads(run_ekte("history", accepted, "-w", wd, "--json", check=0).stdout)["events"]
    for _ in range(2):  # a second rebuild takes over the first one's trail again
        r = json.loads(run_ekte("journal", "rebuild", "--force", "-w", wd, "--json", check=0).stdout)
        assert r["events_from_old_journal"] >= len(before), r
    after = json.loads(run_ekte("history", accepted, "-w", wd, "--json", check=0).stdout)["events"]
    key = ("time", "actor", "stage", "event", "field", "old", "new")
    assert [tuple(e[k] for k in key) for e in after[:len(before)]] == [tuple(e[k] for k in key) for e in before]
    assert all(e.get("taken_over") for e in after[:len(before)]), after
    corrected = [e for e in after if e["event"] == "field-corrected"]
    assert [(e["actor"], e["old"], e["new"]) for e in corrected] == [(getpass.getuser(), "Lange", "Falsch")]
    assert not after[-1].get("taken_over") and after[-1]["actor"] == "journal rebuild"  # the rebuild's own entries
    j = Journal(wd / "journal.sqlite")
    try:
        st = [e for e in station_history(j, rejected) if e["event"] == "rejected"]
    finally:
        j.close()
    assert len(st) == 1 and st[0]["taken_over"] and "falsche Stelle" in st[0]["detail"], st
    text = run_ekte("history", rejected, "-w", wd, "--lang", "en", check=0, env={"COLUMNS": "400"}).stdout
    assert "taken over from the old journal" in text, text
    assert json.loads(run_ekte("verify", "-w", wd, "--json", check=0).stdout)["summary"]["broken"] == 0
    run_ekte("journal", "check", "-w", wd, check=0)


def test_the_count_of_events_taken_over_leaves_out_rows_without_their_key_columns(tmp_path):
    """What ``carry`` reports as taken over is what it wrote into the new journal, not the rows it read (a
    damaged table's row without its document, time, stage or event is skipped)."""
    from ekte.journal import Journal
    from ekte.journal.rebuild_old import carry

    rows = [("d1", "2026-01-01T10:00:00+00:00", "intake", "received", "", "system", None, None, None, False),
            (None, "2026-01-01T10:00:01+00:00", "intake", "received", "", "system", None, None, None, False),
            ("d2", None, "intake", "received", "", "system", None, None, None, False),
            ("d3", "2026-01-01T10:00:02+00:00", "", "received", "", "system", None, None, None, False),
            ("d4", "2026-01-01T10:00:03+00:00", "review", "accepted", "", "anna", None, None, None, False)]
    j = Journal(tmp_path / "journal.sqlite")
    try:
        report: dict = {}
        carry(j, {"events": rows}, "journal.sqlite.old", report)
        written = j.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        j.close()
    assert written == 2 and report["events_from_old_journal"] == 2, (written, report)
