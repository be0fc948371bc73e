"""The audit trail (issue 16): every event with its actor and old → new
values, hash-chained per working directory; `ekte history`; `ekte verify`
finds a deleted, edited or reordered journal event and a forged field value
with the document named, and — through the heads recorded in metadata.json —
a journal rewritten with every link recomputed; two processes writing at once keep one chain;
`ekte retention delete` with its audit entry; the sample check; an older
journal migrated.  Real `ekte` processes throughout."""

import getpass
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

import journal_tamper as jt
from helpers import SAMPLES, ekte_cmd, ingest_json, run_ekte

BORN = ["bauantrag-002-pdf.pdf", "eingliederungshilfe-008-pdf.pdf", "ifsg_belehrung-003-pdf.pdf",
        "kfz_zulassung-001-pdf.pdf", "masern_meldung-004-pdf.pdf", "sportstaetten_foerderung-007-pdf.pdf"]
SCAN = SAMPLES / "inbox" / "scan-ifsg_belehrung-001-png.png"


def _inbox(path: Path, names: list[str]) -> Path:
    path.mkdir(parents=True)
    for n in names:
        shutil.copy(SAMPLES / "inbox" / n, path)
    return path


def _verify(wd: Path, *args) -> tuple[int, dict]:
    p = run_ekte("verify", "-w", wd, "--json", "-j", "1", *args)
    assert p.stdout.strip().startswith("{"), p.stderr
    return p.returncode, json.loads(p.stdout)


def _history(wd: Path, doc_id: str) -> dict:
    return json.loads(run_ekte("history", doc_id, "-w", wd, "--json", check=0).stdout)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Three born-digital documents archived and exported; one more waits for
    review and is accepted by the OS user with a corrected field."""
    tmp = tmp_path_factory.mktemp("audit")
    wd = tmp / "wd"
    out = ingest_json(_inbox(tmp / "in", BORN[:3]), "-w", wd, "-j", "1", check=0)
    ids = [d["id"] for d in out["documents"]]
    out = ingest_json(_inbox(tmp / "in2", BORN[3:4]), "-w", wd, "-j", "1", "-o", "classify.threshold=0.999")
    rid = out["documents"][0]["id"]
    assert out["documents"][0]["status"] == "review"
    run_ekte("review", "accept", rid[:8], "-w", wd, "--set", "plz=12345", check=0)
    return wd, ids, rid


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_history_names_actor_and_old_new(archive):
    wd, ids, rid = archive
    h = _history(wd, ids[0][:6])
    assert h["id"] == ids[0]
    events = [(e["stage"], e["event"]) for e in h["events"]]
    assert events[0] == ("intake", "received") and ("classify", "classified") in events
    assert ("archive", "archived") in events and ("export", "exported") in events
    sets = [e for e in h["events"] if e["event"] == "field-set"]
    assert sets and all(e["old"] is None and e["new"] and e["field"] for e in sets)
    assert {e["actor"] for e in h["events"]} == {"system: ekte ingest"}
    meta = json.loads(next((wd / "archive").glob(f"*/{ids[0]}/metadata.json")).read_text())
    assert {e["field"]: e["new"] for e in sets} == {k: f["value"] for k, f in meta["fields"].items()}
    r = _history(wd, rid)
    corr = [e for e in r["events"] if e["event"] == "field-corrected"]
    assert len(corr) == 1 and corr[0]["field"] == "plz" and corr[0]["new"] == "12345"
    assert corr[0]["actor"] == getpass.getuser()
    acc = next(e for e in r["events"] if e["event"] == "accepted")
    assert acc["actor"] == getpass.getuser() and acc["new"] == acc["old"]  # type confirmed
    assert any(e["actor"] == "system: ekte review accept" and e["event"] == "exported" for e in r["events"])
    text = run_ekte("history", rid, "-w", wd, env={"COLUMNS": "200"}, check=0).stdout  # German for the clerk
    assert "Feld korrigiert" in text and "→ 12345" in text and getpass.getuser() in text
    text = run_ekte("history", rid, "-w", wd, "--lang", "en", env={"COLUMNS": "200"}, check=0).stdout
    assert "field corrected" in text and "→ 12345" in text
    code, res = _verify(wd)
    assert code == 0 and res["summary"]["audit_chain"]["events"] > 40, res


def _tamper(wd: Path, what: str, victim: str) -> None:
    db = sqlite3.connect(wd / "journal.sqlite")
    if what == "delete":
        db.execute("DELETE FROM events WHERE seq = (SELECT MIN(seq) FROM events WHERE doc_id=? AND event='field-set')",
                   (victim,))
    elif what == "edit":
        db.execute("UPDATE events SET detail='ocr failed' WHERE doc_id=? AND event='done'", (victim,))
    elif what == "reorder":
        a, b = [r[0] for r in db.execute("SELECT seq FROM events WHERE doc_id=? ORDER BY seq LIMIT 2", (victim,))]
        db.execute("UPDATE events SET seq=-1 WHERE seq=?", (a,))
        db.execute("UPDATE events SET seq=? WHERE seq=?", (a, b))
        db.execute("UPDATE events SET seq=? WHERE seq=-1", (b,))
    elif what == "delete-newest":
        db.execute("DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)")
    db.commit()
    db.close()
    if what == "forge":
        meta = next((wd / "archive").glob(f"*/{victim}/metadata.json"))
        m = json.loads(meta.read_text())
        name = next(iter(m["fields"]))
        m["fields"][name]["value"] += "X"
        meta.write_text(json.dumps(m))


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
@pytest.mark.parametrize("what", ["delete", "edit", "reorder", "forge", "delete-newest"])
def test_verify_finds_tampered_trail(archive, tmp_path, what):
    wd0, ids, rid = archive
    wd = tmp_path / "wd"
    shutil.copytree(wd0, wd)
    victim = rid if what == "delete-newest" else ids[1]  # the accepted document wrote the newest events
    _tamper(wd, what, victim)
    code, res = _verify(wd)
    assert code == 1
    broken = {d["id"]: [p["message"] for p in d["problems"] if p["check"] == "audit-chain"] for d in res["documents"]}
    assert broken.get(victim), (what, res)
    assert run_ekte("verify", "-w", wd, "-j", "1").stdout.count(f"BROKEN {victim}") >= 1


def _heads(wd: Path) -> dict[str, dict]:
    return {m.parent.name: json.loads(m.read_text())["archival"]["audit"]
            for m in (wd / "archive").glob("*/*/metadata.json")}


REWRITES = {  # (what, SQL on the victim's events): each keeps the chain consistent (every link recomputed)
    "detail": ("ocr", "done", "UPDATE events SET detail='route=ocr pages=9' WHERE doc_id=? AND stage='ocr' "
                              "AND event='done'"),
    "actor": ("archive", "archived", "UPDATE events SET actor='mallory' WHERE doc_id=? AND event='archived'"),
    "deleted": ("export", "exported", "DELETE FROM events WHERE doc_id=? AND event='exported'"),
    "own": ("classify", "review", "UPDATE events SET detail='confidence 0.999' WHERE doc_id=? AND event='review'"),
}


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_heads_recorded_in_metadata(archive):
    """Every metadata.json holds the chain's head when it was written; an
    untouched archive agrees with all of them."""
    wd, ids, rid = archive
    heads = _heads(wd)
    assert set(heads) == {*ids, rid}
    db = sqlite3.connect(wd / "journal.sqlite")
    for doc, h in heads.items():
        assert db.execute("SELECT hash FROM events WHERE seq=?", (h["seq"],)).fetchone()[0] == h["head"]
        assert h["doc_events"] == db.execute("SELECT COUNT(*) FROM events WHERE doc_id=? AND seq<=?",
                                             (doc, h["seq"])).fetchone()[0] > 0
    db.close()
    first = [e for e in _history(wd, rid)["events"] if e["event"] == "archived"]
    assert len(first) == 2 and heads[rid]["seq"] > max(heads[i]["seq"] for i in ids)  # re-written at review accept
    code, res = _verify(wd)
    assert code == 0 and res["summary"]["audit_chain"]["anchors"] == {
        "compared": 4, "agree": 4, "before_rebuild": 0, "without": 0}, res["summary"]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
@pytest.mark.parametrize("what", sorted(REWRITES))
def test_journal_rewritten_with_links_recomputed(archive, tmp_path, what):
    """The chain alone cannot see it (every link recomputed); the heads in
    metadata.json (no seal here) name the document whose events changed."""
    wd0, ids, rid = archive
    wd = tmp_path / "wd"
    shutil.copytree(wd0, wd)
    heads = _heads(wd)
    if what == "own":  # an event before the document's own (later) head
        victim = rid
    else:  # the first of the three archived: later documents' heads cover its events
        victim = min(ids, key=lambda i: heads[i]["seq"])
    stage, event, sql = REWRITES[what]
    assert jt.seq_of(wd, victim, stage, event) <= max(h["seq"] for h in heads.values())  # covered by a head
    assert jt.rewrite(wd, sql, victim) >= 1
    from ekte.journal.audit import check_chain

    db = sqlite3.connect(wd / "journal.sqlite")
    assert check_chain(db)[0] == {}  # consistent in itself
    db.close()
    code, res = _verify(wd)
    assert code == 1, res
    broken = {d["id"]: [p["message"] for p in d["problems"]] for d in res["documents"]}
    assert victim in broken and all("rewritten" in m for m in broken[victim]), broken
    anchors = res["summary"]["audit_chain"]["anchors"]
    assert anchors["compared"] == 4 and anchors["agree"] < 4
    hi = max(g["up_to"] for g in anchors["rewritten"])
    # the holders of heads at or after the rewrite are not blamed: their own events agree and are vouched for;
    # who is named is a document no agreeing head of its own vouches for there (the victim; with it, a document
    # archived at the same moment, when the workers wrote both metadata.json at one head)
    assert all(heads[d]["seq"] < hi for d in broken if d != victim), (broken, heads)  # "own": by its own digest
    text = run_ekte("verify", "-w", wd, "-j", "1").stdout
    assert f"BROKEN {victim}" in text and "rewritten" in text


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_heads_after_a_rebuild_are_not_comparable(archive, tmp_path):
    """`ekte journal rebuild` starts a new chain: the heads recorded before
    are counted, not reported; a document archived after it is compared."""
    wd0, _ids, _rid = archive
    wd = tmp_path / "wd"
    shutil.copytree(wd0, wd)
    run_ekte("journal", "rebuild", "-w", wd, "--force", check=0)
    code, res = _verify(wd)
    assert not [p for d in res["documents"] for p in d["problems"] if "rewritten" in p["message"]], res
    assert res["summary"]["audit_chain"]["anchors"]["before_rebuild"] == 4
    ingest_json(_inbox(tmp_path / "in", BORN[4:5]), "-w", wd, "-j", "1", check=0)
    code, res = _verify(wd)
    anchors = res["summary"]["audit_chain"]["anchors"]
    assert anchors["before_rebuild"] == 4 and anchors["compared"] == 1 and anchors["agree"] == 1, anchors


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_concurrent_writers_keep_one_chain(tmp_path):
    """Two ingest processes at once on one working directory: one valid chain."""
    wd = tmp_path / "wd"
    a, b = _inbox(tmp_path / "a", BORN[:3]), _inbox(tmp_path / "b", BORN[3:])
    procs = [subprocess.Popen(ekte_cmd() + ["ingest", str(x), "-w", str(wd), "-j", "1", "--no-progress"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
             for x in (a, b)]
    for p in procs:
        assert p.wait(timeout=600) == 0, p.stderr.read()
    db = sqlite3.connect(wd / "journal.sqlite")
    actors = {r[0] for r in db.execute("SELECT DISTINCT actor FROM events")}
    n = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    db.close()
    assert actors == {"system: ekte ingest"}
    code, res = _verify(wd)
    assert code == 0 and res["summary"]["documents"] == 6 and res["summary"]["audit_chain"]["events"] == n, res


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_retention_delete(archive, tmp_path):
    wd0, ids, _rid = archive
    wd = tmp_path / "wd"
    shutil.copytree(wd0, wd)
    victim = ids[0]
    meta = json.loads(next((wd / "archive").glob(f"*/{victim}/metadata.json")).read_text())
    p = run_ekte("retention", "delete", victim, "-w", wd, "--reason", "retention_ended", "--lang", "en")
    assert p.returncode == 1 and "has not ended" in p.stdout  # not due today
    p = run_ekte("retention", "delete", victim, "-w", wd)
    assert p.returncode == 2 and "--reason" in p.stderr and "Traceback" not in p.stderr
    p = run_ekte("retention", "delete", victim, "-w", wd, "--reason", "retention_ended", "--as-of", "2100-01-01")
    assert p.returncode == 2 and "after today" in p.stderr  # a planning date never deletes (fresh38 F7)
    p = run_ekte("retention", "delete", victim[:6], "-w", wd, "--reason", "retention_ended", "--force",
                 "--json", check=0)
    r = json.loads(p.stdout)["documents"][0]
    assert r["deleted"] and r["forced"] and any(x.startswith("archive/") for x in r["removed"])
    assert not list((wd / "archive").glob(f"*/{victim}")) and not (wd / "export" / "folder" / victim).exists()
    h = _history(wd, victim)
    last = h["events"][-1]
    assert (last["stage"], last["event"], last["actor"]) == ("retention", "deleted", getpass.getuser())
    assert "retention_ended" in last["detail"] and meta["sha256"] in last["detail"]
    assert h["deleted"]["reason"] == "retention_ended" and h["deleted"]["sha256"] == meta["sha256"]
    assert all(e["redacted"] and e["new"] is None for e in h["events"][:-1])
    # no field value of the deleted document is left in the journal file
    data = (wd / "journal.sqlite").read_bytes() + ((wd / "journal.sqlite-wal").read_bytes()
                                                   if (wd / "journal.sqlite-wal").exists() else b"")
    others = b"".join(m.read_bytes() for m in (wd / "archive").glob("*/*/metadata.json"))
    own = [f["value"].encode() for f in meta["fields"].values() if len(f["value"]) > 4]
    own = [v for v in own if v not in others]  # (the day of receipt is every document's)
    assert own and not [v for v in own if v in data]
    code, res = _verify(wd)
    assert code == 0, res  # the chain still holds after the deletion
    p = run_ekte("retention", "delete", ids[1], "-w", wd, "--reason", "retention_ended", "--force", "--json", check=0)
    assert json.loads(p.stdout)["documents"][0]["forced"] is True


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_sample_check_recorded(tmp_path):
    wd = tmp_path / "wd"
    out = ingest_json(_scan_inbox(tmp_path), "-w", wd, "-j", "1", "-o", "resiscan.sample_every=1")
    d = out["documents"][0]
    assert d["status"] == "review"
    item = json.loads((wd / "review" / f"{d['id']}.json").read_text())
    assert item["sample_check"] is True and "Stichprobe" in item["fields"][0]
    p = run_ekte("review", "accept", d["id"], "-w", wd)
    assert p.returncode == 2 and "--sample" in p.stderr
    run_ekte("review", "accept", d["id"], "-w", wd, "--sample", "matches", check=0)
    results = [e["new"] for e in _history(wd, d["id"])["events"] if e["event"] == "sample-check"]
    assert results == ["bestanden"]
    note = next((wd / "archive").glob(f"*/{d['id']}/transfervermerk.xml")).read_text()
    assert 'status="bestanden"' in note
    code, res = _verify(wd, "--deep")
    assert code == 0, res  # the note embedded in the PDF is the updated one
    # the same scan in another working directory: found to differ — final, a later "matches" is refused
    wd2 = tmp_path / "wd2"
    (tmp_path / "again").mkdir()
    d = ingest_json(_scan_inbox(tmp_path / "again"), "-w", wd2, "-j", "1", "-o", "resiscan.sample_every=1")[
        "documents"][0]
    p = run_ekte("review", "accept", d["id"], "-w", wd2, "--sample", "differs", "--lang", "en")
    assert p.returncode == 2 and "differs from the paper" in p.stderr
    p = run_ekte("review", "accept", d["id"], "-w", wd2, "--sample", "matches", "--lang", "en")
    assert p.returncode == 2 and "scan the paper again" in p.stderr
    p = run_ekte("review", "accept", d["id"], "-w", wd2, "--sample", "matches", "--lang", "de")
    assert p.returncode == 2 and "das Ergebnis steht fest" in p.stderr and "scannen Sie das Papier erneut" in p.stderr
    assert [e["new"] for e in _history(wd2, d["id"])["events"] if e["event"] == "sample-check"] == ["nicht bestanden"]
    assert 'status="bestanden"' not in next((wd2 / "archive").glob(f"*/{d['id']}/transfervermerk.xml")).read_text()


def _scan_inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "scan"
    inbox.mkdir()
    shutil.copy(SCAN, inbox)
    return inbox


def test_older_journal_is_chained_on_migration(tmp_path):
    """A schema-3 journal with the station's JSON details: columns filled, every event chained."""
    from ekte.journal import Journal, schema

    wd = tmp_path / "wd"
    wd.mkdir()
    db = sqlite3.connect(wd / "journal.sqlite", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    saved = schema.MIGRATIONS[:]
    try:
        schema.MIGRATIONS[:] = [m for m in saved if m[0] <= 3]
        schema.migrate(db)
    finally:
        schema.MIGRATIONS[:] = saved
    db.executemany("INSERT INTO events(doc_id, time, stage, event, detail) VALUES (?,?,?,?,?)", [
        ("abcd000000000001", "2026-11-01T10:00:00+00:00", "archive", "archived", "PDF/A-2B"),
        ("abcd000000000001", "2026-11-02T10:00:00+00:00", "review", "field-corrected",
         json.dumps({"by": "anna", "field": "plz", "old": "1234", "new": "12345"})),
    ])
    db.execute("COMMIT")
    db.close()
    j = Journal(wd / "journal.sqlite")
    assert j.migrated == [4, 5, 6, 7]
    rows = j.history("abcd000000000001")
    assert (rows[1]["actor"], rows[1]["field"], rows[1]["old"], rows[1]["new"]) == ("anna", "plz", "1234", "12345")
    assert rows[0]["actor"] == "system" and all(r["hash"] for r in rows)
    from ekte.journal.audit import check_chain

    problems, summary = check_chain(j.db)
    assert problems == {} and summary["events"] == 2
    assert j.db.execute("SELECT value FROM meta WHERE key='audit_since'").fetchone()[0] == str(rows[-1]["seq"])
    j.event("abcd000000000001", "review", "deferred", {"by": "ben", "until": "2026-12-01"})
    assert check_chain(j.db)[0] == {}
    j.db.execute("UPDATE events SET old='999' WHERE field='plz'")
    assert "abcd000000000001" in check_chain(j.db)[0]
    j.close()


def test_deleted_event_of_a_document_sharing_its_head(tmp_path):
    """CI's order (stop 31): A and B archived at once record the same head
    (18); A's export event, its only one after that head, is deleted and
    the links recomputed, so C's head (35) differs.  No event of A is left
    between 18 and 35 — A is named all the same (its head lies in the
    span), B too (its events there are not vouched for), C is not."""
    from ekte.evidence.anchor import localize
    from ekte.evidence.verify import DocResult

    db = sqlite3.connect(tmp_path / "journal.sqlite")
    db.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, doc_id TEXT)")
    owner = {**{s: "A" for s in range(1, 18)}, 18: "C", **{s: "B" for s in range(20, 35)}, 35: "C"}
    db.executemany("INSERT INTO events VALUES (?, ?)", sorted(owner.items()))  # 19 (A's export) is gone
    db.commit()
    db.close()
    results = [DocResult(d, d, anchor={"state": "compared", "seq": seq, "same": same, "own": True})
               for d, seq, same in (("A", 18, True), ("B", 18, True), ("C", 35, False))]
    summary = localize(results, tmp_path, None)
    assert summary["rewritten"] == [{"after": 18, "up_to": 35}], summary
    named = {r.id for r in results if r.problems}
    assert named == {"A", "B"}, [(r.id, r.problems) for r in results]



def test_deleted_export_event_of_a_document_archived_before_the_span(tmp_path):
    """CI's order (stop 32): a worker writes metadata.json before the
    coordinator records the document's events, so A's own head (2) vouches
    for none of them; B's head (18) agrees, C's (35) differs.  A's export
    event (19), its only event between 18 and 35, is deleted and the links
    recomputed: A is named by its export that the journal's ``exports``
    records but no event accounts for (B too: its events there are not
    vouched for; C is not).  D, exported with its event, and E, archived
    without an export, are not named."""
    from ekte.evidence.anchor import localize
    from ekte.evidence.verify import DocResult

    db = sqlite3.connect(tmp_path / "journal.sqlite")
    db.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, doc_id TEXT, stage TEXT, event TEXT, detail TEXT)")
    db.execute("CREATE TABLE exports (doc_id TEXT, connector TEXT, location TEXT, time TEXT)")
    rows = [(1, "D", "archive", "archived", None), (2, "D", "export", "exported", "folder x"),
            (3, "E", "archive", "archived", None)]
    rows += [(s, "A", "extract", "field-set", None) for s in range(4, 17)] + [(17, "A", "archive", "archived", None)]
    rows += [(18, "C", "intake", "received", None)] + [(s, "B", "extract", "field-set", None) for s in range(20, 34)]
    rows += [(34, "B", "archive", "archived", None), (35, "B", "export", "exported", "folder")]
    db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)", rows)  # 19, A's export event, is gone
    db.executemany("INSERT INTO exports VALUES (?, 'folder', '', '')", [("A",), ("B",), ("D",)])
    db.commit()
    db.close()
    results = [DocResult(d, d, anchor={"state": "compared", "seq": seq, "same": same, "own": True})
               for d, seq, same in (("D", 0, True), ("E", 2, True), ("A", 2, True), ("B", 18, True),
                                    ("C", 35, False))]
    summary = localize(results, tmp_path, None)
    assert summary["rewritten"] == [{"after": 18, "up_to": 35}], summary
    named = {r.id for r in results if r.problems}
    assert named == {"A", "B"}, [(r.id, r.problems) for r in results]
