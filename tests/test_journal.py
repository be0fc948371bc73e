"""The journal with real processes: claims busy while their owner lives,
taken over when it was killed or its lease ran out; running numbers unique
and gap-free while several processes draw them (one of them killed while
holding one); export groups; the schema migration."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ekte.journal import SCHEMA_VERSION, Journal, NewerSchema
from helpers import ROOT

SHA = "ab" * 32
FIXTURE = ROOT / "tests" / "data" / "schema1-workdir"


def _child(code: str, *args, env=None) -> subprocess.Popen:
    prog = "import sys, time, os\nfrom pathlib import Path\nfrom ekte.journal import Journal, ClaimLost\n" + code
    return subprocess.Popen([sys.executable, "-c", prog, *map(str, args)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, cwd=ROOT)


def _line(p: subprocess.Popen) -> str:
    line = p.stdout.readline().strip()
    assert line, f"child ended early ({p.poll()})"
    return line


HOLD = """
j = Journal(Path(sys.argv[1])); j.register("holder")
print(j.claim_intake(sys.argv[2], sys.argv[2][:16], "src", None, 1).outcome, flush=True)
go = Path(sys.argv[1]).parent / "go"
while not go.exists(): time.sleep(0.05)
try:
    j.set_state(sys.argv[2], "archived"); print("kept", flush=True)
except ClaimLost:
    print("lost", flush=True)
"""


def test_claim_is_busy_while_its_owner_lives_and_taken_over_after_kill_9(tmp_path):
    jp = tmp_path / "journal.sqlite"
    child = _child(HOLD, jp, SHA)
    try:
        assert _line(child) == "claimed"
        me = Journal(jp)
        me.register("test")
        c = me.claim_intake(SHA, SHA[:16], "src", None, 1)
        assert c.outcome == "busy" and c.holder.pid == child.pid and c.holder.command == "holder"
        assert f"pid {child.pid}" in c.holder.describe()
        child.send_signal(signal.SIGKILL)
        child.wait()
        c = me.claim_intake(SHA, SHA[:16], "src", None, 1)
        assert c.outcome == "claimed" and c.taken_over
        assert [e["event"] for e in me.events_of(SHA[:16])][-2:] == ["taken-over", "received"]
        me.set_state(SHA, "archived")  # the new owner may
        me.unregister()
        assert me.claims() == []
    finally:
        child.kill()


def test_a_lease_that_ran_out_is_taken_over_and_the_old_owner_cannot_write(tmp_path):
    jp = tmp_path / "journal.sqlite"
    child = _child(HOLD, jp, SHA, env={"EKTE_LEASE_SECONDS": "1"})
    try:
        assert _line(child) == "claimed"
        child.send_signal(signal.SIGSTOP)  # alive, but no heartbeat any more
        me = Journal(jp)
        me.register("test")
        assert me.claim_intake(SHA, SHA[:16], "src", None, 1).outcome == "busy"
        time.sleep(1.5)
        assert me.claim_intake(SHA, SHA[:16], "src", None, 1).outcome == "claimed"
        (tmp_path / "go").touch()
        child.send_signal(signal.SIGCONT)
        assert _line(child) == "lost"
        assert me.get(SHA)["state"] == "received"
    finally:
        child.send_signal(signal.SIGCONT)
        child.kill()


DRAW = """
j = Journal(Path(sys.argv[1])); j.register("drawer")
name, n = sys.argv[2], int(sys.argv[3])
print("ready", flush=True)
for i in range(n):
    sha = f"{name}{i:04d}".ljust(64, "0")
    assert j.claim_intake(sha, sha[:16], "s", None, 1).outcome == "claimed"
    key = j.reserve_number(sha, "aktenzeichen:X:2026", lambda s: f"X-2026/{s:05d}")
    if name == "hang":
        print("holding", key, flush=True); time.sleep(600)
    if i % 4 == 1:
        j.release_number(sha)  # this document failed before its archive was recorded
        continue
    j.set_state(sha, "archived", number=sha)
print("done", flush=True)
"""


def test_running_numbers_stay_unique_and_gap_free_across_processes(tmp_path):
    jp = tmp_path / "journal.sqlite"
    Journal(jp).close()
    hang = _child(DRAW, jp, "hang", 1)
    assert _line(hang) == "ready" and _line(hang).startswith("holding X-2026/00001")
    drawers = [_child(DRAW, jp, f"p{k}", 20) for k in range(4)]
    for d in drawers:
        assert _line(d) == "ready"
    time.sleep(1.5)
    j = Journal(jp)
    assert j.numbers("aktenzeichen:X:2026") == []  # all wait for the holder of the pending number
    hang.send_signal(signal.SIGKILL)  # dies holding it: rolled back by the next one who draws
    hang.wait()
    for d in drawers:
        assert _line(d) == "done"
        d.wait(60)
    nums = sorted(int(a.rsplit("/", 1)[1]) for a in j.numbers("aktenzeichen:X:2026"))
    assert nums == list(range(1, 4 * 15 + 1))  # 15 confirmed per process, no gap, none twice
    assert j.db.execute("SELECT value, holder FROM counters WHERE name='aktenzeichen:X:2026'").fetchone()[:] == (60, None)


def test_export_groups(tmp_path):
    j = Journal(tmp_path / "journal.sqlite")
    j.register("test")
    gid = j.group_add("xdomea", "g1", "a" * 64, "a" * 16, 2, 0)
    assert not j.group(gid).complete and j.flushable_groups(["xdomea"]) == [gid]
    assert j.group_add("xdomea", "g1", "b" * 64, "b" * 16, 2, 1) == gid and j.group(gid).complete
    assert j.open_group_of("xdomea", "b" * 64) == gid
    j.close_group(gid)
    assert j.open_group_of("xdomea", "b" * 64) is None
    assert j.group_add("xdomea", "g1", "c" * 64, "c" * 16, None, 0) != gid  # a new generation
    # a group whose owner died may be flushed by anyone
    j.db.execute("UPDATE export_groups SET owner='abcdef-0-1-1' WHERE state='open'")
    assert len(j.flushable_groups(["xdomea"])) == 1 and j.flushable_groups(["folder"]) == []


def test_schema_1_is_migrated_in_place_and_a_newer_one_refused(tmp_path):
    wd = tmp_path / "wd"
    shutil.copytree(FIXTURE, wd)
    j = Journal(wd / "journal.sqlite")
    assert j.migrated == [2, 3, 4, 5, 6, 7]
    plan = " ".join(r[-1] for r in j.db.execute("EXPLAIN QUERY PLAN SELECT * FROM tombstones WHERE sha256=? "
                                                   "ORDER BY deleted DESC LIMIT 1", ("0" * 64,)))
    assert "USING INDEX tombstones_sha256" in plan, plan  # mend9: "deleted before?" scanned the table
    assert j.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    assert j.counts() == {"exported": 3, "review": 1, "archived": 1, "quarantined": 1}
    for row in j.documents():
        if row["state"] != "quarantined":
            assert not Path(row["archive_path"]).is_absolute() and (j.archive_dir(row) / "metadata.json").is_file()
    assert j.db.execute("SELECT aktenzeichen, state FROM assigned").fetchall()[0][:] == ("BSP-32.40-2026/00001", "used")
    # schema 7 (fresh30 G1): the export rows kept; a second place of the same connector is added, not replacing
    assert j.exports_of("4fa0b2faf6ef54e2") == {"folder": "fx/wd/export/folder/4fa0b2faf6ef54e2"}
    j.record_export("4fa0b2faf6ef54e2", "folder", "/elsewhere/4fa0b2faf6ef54e2")
    assert j.export_places("4fa0b2faf6ef54e2") == [("folder", "fx/wd/export/folder/4fa0b2faf6ef54e2"),
                                                   ("folder", "/elsewhere/4fa0b2faf6ef54e2")]
    assert j.exports_of("4fa0b2faf6ef54e2") == {"folder": "/elsewhere/4fa0b2faf6ef54e2"}
    j.close()
    assert Journal(wd / "journal.sqlite").migrated == []  # once
    db = sqlite3.connect(wd / "journal.sqlite")
    db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    db.commit()
    db.close()
    with pytest.raises(NewerSchema, match="schema 99"):
        Journal(wd / "journal.sqlite")


def test_a_new_journal_waits_for_another_process_opening_it(tmp_path):
    """SQLite refuses the switch to WAL at once ("database is locked", no busy
    wait) while another connection holds the new file: two daemons started
    together on a new working directory — one ended with an internal error."""
    path = tmp_path / "journal.sqlite"
    other = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE held(x)")
    release = threading.Timer(0.4, lambda: other.execute("COMMIT"))
    release.start()
    try:
        j = Journal(path)
        assert j.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert j.start_run("ingest") > 0
        j.close()
    finally:
        release.join()
        other.close()


def test_a_journal_locked_too_long_is_one_line_with_the_environment_exit_code():
    from ekte.errors import ExitCode, environment_failure
    failure = environment_failure(sqlite3.OperationalError("database is locked"), "/srv/ekte")
    assert failure is not None and failure.code == "journal_busy"
    assert failure.exit_code == ExitCode.ENVIRONMENT
    assert "\n" not in failure.message and "another ekte process" in failure.message


def test_several_events_chained_at_once_are_the_rows_one_by_one_gives(tmp_path):
    """A document's archiving writes its events in one go (the chain's head read and written once): the rows,
    links and head are those appending them one by one gives, and the chain checks."""
    from ekte.journal import audit

    events = [("2026-12-02T02:00:00", "ocr", "done", "route=pikepdf-pdfa pages=1"),
              ("2026-12-02T02:00:01", "classify", "classified", {"new": "bauantrag", "confidence": 0.9}),
              ("2026-12-02T02:00:02", "extract", "field-set", {"field": "name", "old": None, "new": "Muster"}),
              ("2026-12-02T02:00:03", "review", "note", '{"by": "clerk", "field": "ort", "new": "Ahausen"}'),
              ("2026-12-02T02:00:04", "archive", "archived", "pdfa-2b")]
    dbs = []
    for name, batched in (("one", False), ("all", True)):
        j = Journal(tmp_path / name / "journal.sqlite")
        with j.tx() as db:
            audit.append(db, "OTHERDOC", "2026-12-02T01:00:00", "intake", "received", "", j.actor)
            if batched:
                audit.append_all(db, "DOC1", events, j.actor)
            else:
                for ev in events:
                    audit.append(db, "DOC1", *ev, j.actor)
        dbs.append(j.db)
    rows = [db.execute(f"SELECT {audit._COLS} FROM events ORDER BY seq").fetchall() for db in dbs]
    heads = [audit.head(db) for db in dbs]
    assert [tuple(r) for r in rows[1]] == [tuple(r) for r in rows[0]] and len(rows[0]) == 6
    assert heads[1] == heads[0] == {"seq": 6, "hash": rows[0][-1]["hash"]}
    assert rows[1][1]["prev_doc"] == "OTHERDOC" and rows[1][2]["prev_doc"] == "DOC1"
    problems, _info = audit.check_chain(dbs[1])
    assert not any(problems.values()), problems


def test_set_state_writes_its_events_chained_in_order(tmp_path):
    from ekte.journal import audit

    j = Journal(tmp_path / "journal.sqlite")
    with j.tx() as db:
        db.execute("INSERT INTO documents(sha256, id, source, state, first_seen, updated) VALUES (?,?,?,?,?,?)",
                   (SHA, "DOC1", "x", "processing", "t", "t"))
    j.event("DOC1", "intake", "received")
    j.set_state(SHA, "archived", guard=False, event=[("ocr", "done", "pages=1"), ("archive", "archived", "pdfa-2b")])
    rows = j.db.execute("SELECT seq, stage, event, prev_doc, hash FROM events ORDER BY seq").fetchall()
    assert [(r["stage"], r["event"]) for r in rows] == [("intake", "received"), ("ocr", "done"), ("archive", "archived")]
    assert audit.head(j.db) == {"seq": rows[-1]["seq"], "hash": rows[-1]["hash"]}
    problems, _info = audit.check_chain(j.db)
    assert not any(problems.values()), problems
    assert j.get(SHA)["state"] == "archived"
