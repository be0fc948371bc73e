"""An unsealed metadata.json's journal-known facts (fresh38 F1, F8, F16, F12): arrival time, incoming file name,
size, media type, document type, the set of fields and each field's method are compared with the journal and its
audit trail by `ekte verify` and by the export's check before a DMS gets the document — real `ekte` processes on a
real archive."""

import json
import shutil
from pathlib import Path

import pytest

from helpers import SAMPLES, ingest_json, run_ekte

BORN = SAMPLES / "inbox" / "tierhaltung-006-pdf.pdf"
SCAN = SAMPLES / "inbox" / "scan-ifsg_belehrung-001-png.png"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("facts")
    inbox = tmp / "in"
    inbox.mkdir()
    shutil.copy(BORN, inbox)
    shutil.copy(SCAN, inbox)
    out = ingest_json(inbox, "-w", tmp / "wd", "-j", "1", check=0)
    ids = {Path(d["source"]).name: d["id"] for d in out["documents"]}
    return tmp / "wd", ids[BORN.name], ids[SCAN.name]


@pytest.fixture
def wd(base, tmp_path):
    w = tmp_path / "wd"
    shutil.copytree(base[0], w)
    return w


def _meta_path(wd: Path, doc_id: str) -> Path:
    return wd / "archive" / doc_id[:2] / doc_id / "metadata.json"


def _forge(m: dict, what: str) -> None:
    f, note = m["fields"], m["archival"].get("transfer_note") or {}
    if what.startswith("received"):
        m["received"] = "2026-01-01T08:00:00+00:00"
        if what == "received+provenance":  # posing as an import that keeps the sender's date
            m["provenance"] = {"source_plugin": "xdomea"}
    elif what in ("source", "media_type"):
        m[what] = {"source": "in/other.pdf", "media_type": "image/tiff"}[what]
    elif what == "size":
        m["size"] += 1
    elif what == "doctype":
        m["doctype"] = "waffen_antrag"
    elif what == "field-removed":
        del f["nachname"]
    elif what == "method":
        f["nachname"]["method"] = "manual"
    elif what == "note-check":
        note["checks"]["aufloesung"] = "bestanden"
    elif what == "note-sample":
        note["sample_check"] = "bestanden"


FORGED = ["received", "received+provenance", "source", "media_type", "size", "doctype", "field-removed", "method", "note-check", "note-sample"]


def _verify(wd: Path, *ids: str) -> tuple[int, dict]:
    p = run_ekte("verify", *ids, "-w", wd, "--json", "-j", "1")
    return p.returncode, json.loads(p.stdout)


def test_an_untouched_archive_holds(base):
    assert _verify(base[0])[0] == 0


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
@pytest.mark.parametrize("what", FORGED)
def test_forged_fact_found_by_verify_and_refused_by_the_export(base, wd, what):
    doc = base[2] if what.startswith("note") else base[1]
    path = _meta_path(wd, doc)
    m = json.loads(path.read_text("utf-8"))
    _forge(m, what)
    path.write_text(json.dumps(m, ensure_ascii=False, indent=2), "utf-8")
    code, res = _verify(wd)
    assert code == 1 and res["documents"][0]["id"] == doc, res
    before = {p for p in (wd / "export").rglob("*") if p.is_file()}
    p = run_ekte("export", doc, "--force", "-c", "xdomea", "-w", wd, "--json")
    assert p.returncode == 1, (what, p.stdout, p.stderr)
    assert json.loads(p.stdout)["documents"][0]["status"] == "export_failed"
    assert {p for p in (wd / "export").rglob("*") if p.is_file()} == before  # nothing handed to the DMS


def test_folder_in_the_wrong_place_is_flagged(base, wd):
    doc = base[1]
    wrong = wd / "archive" / "zz"
    wrong.mkdir()
    (wd / "archive" / doc[:2] / doc).rename(wrong / doc)
    code, res = _verify(wd, doc)
    msgs = [p["message"] for d in res["documents"] for p in d["problems"]]
    assert code == 1 and any("not at its place" in m for m in msgs), res


def test_rewritten_tombstone_found_and_history_shows_the_chained_deletion(base, wd):
    import os
    import sqlite3

    doc = base[1]
    env = {**os.environ, "LOGNAME": "r.leiter", "USER": "r.leiter"}
    p = run_ekte("retention", "delete", doc, "-w", wd, "--reason", "consent_withdrawn", "--force", "--json", env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert _verify(wd)[0] == 0
    db = sqlite3.connect(wd / "journal.sqlite")
    with db:
        db.execute("UPDATE tombstones SET reason='Aufbewahrungsfrist abgelaufen', forced=0, actor='k.meier'")
    db.close()
    rec = wd / "deleted" / f"{doc}.json"
    r = json.loads(rec.read_text())
    rec.write_text(json.dumps({**r, "reason": "Aufbewahrungsfrist abgelaufen", "forced": False, "actor": "k.meier"}))
    code, res = _verify(wd)
    msgs = [m["message"] for d in res["documents"] if d["id"] == doc for m in d["problems"] if m["check"] == "tombstone"]
    assert code == 1 and len(msgs) == 2 and all("who, why, forced" in m for m in msgs), res
    h = json.loads(run_ekte("history", doc, "-w", wd, "--json", check=0).stdout)["deleted"]
    assert (h["actor"], h["reason"], h["forced"]) == ("r.leiter", "consent_withdrawn", 1) and h["differs"], h


def test_summary_counts_evidence_and_names_a_rebuilt_trail(base, wd):
    p = run_ekte("verify", "-w", wd, "-j", "1", check=0)
    text = " ".join(p.stdout.split())
    assert "sealed 0 of 2, time-stamped 0 of 2" in text and "seal," not in text and "rebuild" not in text, text
    for f in wd.glob("journal.sqlite*"):
        f.unlink()
    run_ekte("journal", "rebuild", "-w", wd, check=0)
    text = " ".join(run_ekte("verify", "-w", wd, "-j", "1", check=0).stdout.split())
    assert "audit trail since rebuild" in text and "2 documents archived before it" in text, text
    assert "not provable from this journal" in text


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
@pytest.mark.parametrize("what", ["received", "source", "note-check"])
def test_forged_fact_refuses_a_review_accept(tmp_path, what):
    """Re-archiving (``review accept``) checks metadata.json's journal-known facts as verify and the export do:
    a forged arrival time, file name or transfer-note result is refused before anything is written (exit 1),
    never re-archived under a fresh hash."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(SCAN, inbox)
    wd = tmp_path / "wd"
    (d,) = ingest_json(inbox, "-w", wd, "-j", "1", "-o", "classify.threshold=0.999")["documents"]
    path = _meta_path(wd, d["id"])
    m = json.loads(path.read_text("utf-8"))
    _forge(m, what)
    path.write_text(json.dumps(m, ensure_ascii=False, indent=2), "utf-8")
    forged = path.read_bytes()
    p = run_ekte("review", "accept", d["id"], "-w", wd, "--lang", "en", "-o", "classify.threshold=0.999")
    assert p.returncode == 1 and "damaged" in (p.stdout + p.stderr), p.stdout + p.stderr
    assert path.read_bytes() == forged
    assert [i["id"] for i in json.loads(run_ekte("review", "list", "-w", wd, "--json", check=0).stdout)] == [d["id"]]


def test_the_export_and_re_archive_checks_read_the_trail_once(base):
    """The fact check and the field check share one read of the document's audit trail (they read the same
    rows), before an export and before a re-archiving alike (forged facts and fields: the tests above)."""
    from ekte.evidence import intact
    from ekte.journal import Journal

    wd, doc = base[0], base[1]
    folder = _meta_path(wd, doc).parent
    j = Journal(wd / "journal.sqlite")
    reads = []
    history = j.history
    j.history = lambda doc_id: reads.append(doc_id) or history(doc_id)  # type: ignore[method-assign]
    try:
        assert intact.export_problems(j, doc, folder, None) == [] and reads == [doc]
        assert intact.folder_problems(j, doc, folder) == [] and reads == [doc, doc]
    finally:
        j.close()
