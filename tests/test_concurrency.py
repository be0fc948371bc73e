"""Many ekte processes on one working directory, all real: the daemon
running while a clerk works the review queue and scripts export and
ingest; four ingests started at once (two on the same folder); kill -9 of
the daemon and of a reviewing process in the middle of their work.  Each
time: every document archived once and exported once (the export folders
and the journal, not only exit codes), running numbers without gaps."""

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pytest

from helpers import ekte_cmd, fault_env, run_ekte

#: no Aktenzeichen is found in any document, so every one draws a running number
NUMBERED = ["-o", "extract.aktenzeichen_patterns=[]", "-o", "extract.aktenzeichen_labels=[]"]
# no review for fields: these documents are all to be archived and exported at once
NO_FIELD_REVIEW = ["-o", "extract.auto_threshold=0"]


def _popen(*args, env=None):
    return subprocess.Popen(ekte_cmd() + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True, env=dict(os.environ, **(env or {})))


def _watch(inbox, wd, *extra, env=None):
    return _popen("watch", inbox, "-w", wd, "--stable-seconds", "1", "--log-format", "json", *extra, env=env)


def _status(wd):
    try:
        return json.loads((wd / "status.json").read_text())
    except (OSError, ValueError):
        return {}


def _wait(pred, what, timeout=240, proc=None):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if pred():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"{what}: process ended ({proc.returncode}): {proc.stderr.read().decode()[-3000:]}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(proc, timeout=90):
    os.killpg(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0 and b"Traceback" not in err, err.decode()[-3000:]


def _db(wd):
    return sqlite3.connect(wd / "journal.sqlite")


def _grouped(wd) -> bool:
    """A document is in an export group (the journal may not be there yet)."""
    try:
        with contextlib.closing(_db(wd)) as db:
            return db.execute("SELECT COUNT(*) FROM group_members").fetchone()[0] >= 1
    except sqlite3.Error:
        return False


def _states(wd):
    with _db(wd) as db:
        return dict(db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state"))


def _check_exactly_once(wd: Path, n: int, connector: str = "folder") -> None:
    """n documents: one archive folder each, one export folder each, one
    'exported' event each, the journal says exported, no claim left."""
    archive = sorted(p.name for p in (wd / "archive").glob("*/*") if p.is_dir() and not p.name.startswith("."))
    export = sorted(p.name for p in (wd / "export" / connector).iterdir() if not p.name.startswith("."))
    db = _db(wd)
    assert len(archive) == n and archive == export
    assert _states(wd) == {"exported": n}
    per_doc = dict(db.execute("SELECT doc_id, COUNT(*) FROM events WHERE stage='export' AND event='exported' "
                              "AND (detail = ? OR detail LIKE ? || ' %') GROUP BY doc_id", (connector, connector)))
    assert per_doc == {i: 1 for i in archive}, per_doc
    assert db.execute("SELECT COUNT(*) FROM exports WHERE connector=?", (connector,)).fetchone()[0] == n
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0
    assert [p for p in wd.rglob("*") if ".ekte-tmp-" in p.name] == []


def _check_numbers(wd: Path, expect_all: int | None = None) -> None:
    """The assigned Aktenzeichen: per counter 1..n, unique, nothing pending."""
    seqs = defaultdict(list)
    for meta in (wd / "archive").glob("*/*/metadata.json"):
        f = json.loads(meta.read_text())["fields"].get("aktenzeichen")
        if f and f["method"] == "assigned":
            head, seq = f["value"].rsplit("/", 1)
            seqs[head].append(int(seq))
    assert seqs
    for head, got in seqs.items():
        assert sorted(got) == list(range(1, len(got) + 1)), (head, sorted(got))
    if expect_all is not None:
        assert sum(len(v) for v in seqs.values()) == expect_all
    with _db(wd) as db:
        assert db.execute("SELECT COUNT(*) FROM counters WHERE holder IS NOT NULL").fetchone()[0] == 0


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    import generate

    d = tmp_path_factory.mktemp("concurrency") / "born"
    generate.generate(d, per_type=4, formats=["pdf"], seed=71)  # 32 documents
    return sorted(d.glob("*.pdf"))


@pytest.mark.slow  # in CI (make test-slow), not in make test
def test_daemon_clerk_and_scripts_on_one_workdir(tmp_path, docs):
    inbox, other, wd = tmp_path / "in", tmp_path / "other", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    other.mkdir()
    for d in docs[20:30]:
        shutil.copy(d, other / d.name)
    # every document the daemon takes waits for review (a threshold nothing reaches)
    daemon = _watch(inbox, wd, "-o", "classify.threshold=0.999", "--rescan-minutes", "0.05")
    try:
        _wait(lambda: _status(wd), "daemon start", proc=daemon)
        for d in docs[:8]:
            shutil.copy(d, inbox / d.name)
        _wait(lambda: _status(wd).get("review", 0) >= 2, "2 for review", proc=daemon)
        for d in docs[8:14]:  # more work for the daemon while the others run
            shutil.copy(d, inbox / d.name)
        script = _popen("ingest", "--json", other, "-w", wd, *NO_FIELD_REVIEW)
        items = json.loads(run_ekte("review", "list", "-w", wd, "--json", check=0).stdout)
        assert items
        for it in items:
            p = run_ekte("review", "accept", it["id"], "-w", wd, "--lang", "en", check=0)
            assert "accepted and exported" in p.stdout
        p = run_ekte("export", "--all", "-w", wd, "--json")
        assert p.returncode in (0, 1) and json.loads(p.stdout)["documents"], p.stderr[-2000:]
        st = json.loads(run_ekte("status", "-w", wd, "--json", check=0).stdout)
        assert st["running"] is True and any(x["command"] == "ekte watch" for x in st["processes"])
        out, err = script.communicate(timeout=600)
        assert script.returncode == 0, err.decode()[-3000:]
        assert [d["status"] for d in json.loads(out)["documents"]] == ["archived"] * 10
        _wait(lambda: not any(inbox.iterdir()) and _status(wd).get("in_flight") == 0, "inbox done", proc=daemon)
        while items := json.loads(run_ekte("review", "list", "-w", wd, "--json", check=0).stdout):
            for it in items:
                run_ekte("review", "accept", it["id"], "-w", wd, check=0)
    finally:
        _stop(daemon)
    _check_exactly_once(wd, 24)
    assert len(list((wd / "done").glob("*.pdf"))) == 14


@pytest.mark.slow
def test_four_processes_at_once_on_200_documents(tmp_path):
    import generate

    src = tmp_path / "src"
    generate.generate(src, per_type=25, formats=["pdf"], seed=81)
    files = sorted(src.glob("*.pdf"))
    assert len(files) == 200
    folders = {"a": files[:100], "b": files[100:150], "c": files[150:]}
    for name, fs in folders.items():
        (tmp_path / name).mkdir()
        for f in fs:
            shutil.copy(f, tmp_path / name / f.name)
    wd = tmp_path / "wd"
    # (threshold 0: no document waits for review, so every one is exported here)
    procs = [_popen("ingest", "--json", "-j", "1", tmp_path / name, "-w", wd, "-o", "classify.threshold=0", *NUMBERED,
                    *NO_FIELD_REVIEW)
             for name in "aabc"]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=1500)
        assert out.strip(), f"exit {p.returncode}, no JSON: {err.decode()[-3000:]}"
        docs = json.loads(out)["documents"]
        odd = [(d["id"], d["status"], d["error"]) for d in docs if d["status"] not in ("archived", "duplicate")]
        assert p.returncode == 0 and not odd and b"Traceback" not in err, (odd, err.decode()[-3000:])
        outs.append({d["id"]: d["status"] for d in docs})
    # the two runs over the same folder shared the work: each document archived by one, a duplicate for the other
    assert set(outs[0]) == set(outs[1]) and len(outs[0]) == 100
    for i in outs[0]:
        assert sorted([outs[0][i], outs[1][i]]) == ["archived", "duplicate"], i
    assert sum(s == "archived" for s in outs[0].values()) > 0 and sum(s == "archived" for s in outs[1].values()) > 0
    _check_exactly_once(wd, 200)
    _check_numbers(wd, expect_all=200)


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_kill_9_of_the_daemon_mid_work_then_restart(tmp_path, docs):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    # each document pauses 2 s in before_archive: claimed, its number reserved, not yet archived
    daemon = _watch(inbox, wd, "--plugin", "ekte_faults", *NUMBERED, *NO_FIELD_REVIEW,
                    env=fault_env({"EKTE_FAULTS": "before_archive:sleep::2"}))
    _wait(lambda: _status(wd), "daemon start", proc=daemon)
    for d in docs[:10]:
        shutil.copy(d, inbox / d.name)
    _wait(lambda: _states(wd).get("exported", 0) >= 2, "2 exported", proc=daemon)
    with _db(wd) as db:
        _wait(lambda: db.execute("SELECT COUNT(*) FROM counters WHERE holder IS NOT NULL").fetchone()[0] >= 1,
              "a number reserved", proc=daemon)
    os.killpg(daemon.pid, signal.SIGKILL)
    daemon.wait()
    with _db(wd) as db:
        held = [r[0][4:20] for r in db.execute("SELECT key FROM claims WHERE key LIKE 'doc:%'")]
    assert held and _states(wd).get("exported", 0) < 10
    assert json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)["running"] is False
    daemon = _watch(inbox, wd, *NUMBERED, *NO_FIELD_REVIEW)
    try:
        _wait(lambda: not any(inbox.iterdir()) and _status(wd).get("in_flight") == 0 and _states(wd) == {"exported": 10},
              "all 10", proc=daemon)
    finally:
        _stop(daemon)
    _check_exactly_once(wd, 10)
    _check_numbers(wd, expect_all=10)
    with _db(wd) as db:
        taken = {r[0] for r in db.execute("SELECT doc_id FROM events WHERE stage='claim' "
                                          "AND event IN ('taken-over', 'released')")}
    assert set(held) <= taken


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_kill_9_of_a_reviewing_process(tmp_path, docs):
    wd, inbox, first = tmp_path / "wd", tmp_path / "in", tmp_path / "first"
    inbox.mkdir(mode=0o750)
    first.mkdir()
    for d in docs[:3]:
        shutil.copy(d, first / d.name)
    plug = ["--plugin", "ekte_faults", "-c", "faulty"]
    p = run_ekte("ingest", "--json", first, "-w", wd, "-o", "classify.threshold=0.999", *plug, env=fault_env())
    ids = [d["id"] for d in json.loads(p.stdout)["documents"]]
    assert p.returncode == 1 and _states(wd) == {"review": 3}
    daemon = _watch(inbox, wd, "--rescan-minutes", "0.03", *plug, env=fault_env())
    try:
        _wait(lambda: _status(wd), "daemon start", proc=daemon)
        # the clerk's process hangs in a slow DMS export after accepting: killed there
        clerk = _popen("review", "accept", ids[0], "-w", wd, *plug, env=fault_env({"EKTE_FAULT_EXPORT_SLEEP": "120"}))
        with _db(wd) as db:
            _wait(lambda: db.execute("SELECT state FROM documents WHERE id=?", (ids[0],)).fetchone()[0] == "archived",
                  "accepted", proc=clerk)
        time.sleep(0.5)
        os.killpg(clerk.pid, signal.SIGKILL)
        clerk.wait()
        assert not (wd / "export" / "faulty" / ids[0]).exists()
        # the daemon takes the dead clerk's claim over and delivers the accepted document
        _wait(lambda: _states(wd).get("exported", 0) == 1, "delivered by the daemon", proc=daemon)
        again = run_ekte("review", "accept", ids[0], "-w", wd, "--lang", "en", *plug, env=fault_env())
        assert again.returncode == 2 and "not waiting for review (state: exported)" in again.stderr
        for i in ids[1:]:
            assert "accepted and exported" in run_ekte("review", "accept", i, "-w", wd, "--lang", "en", *plug,
                                                       env=fault_env(), check=0).stdout
    finally:
        _stop(daemon)
    _check_exactly_once(wd, 3, "faulty")
    with _db(wd) as db:
        assert db.execute("SELECT COUNT(*) FROM events WHERE doc_id=? AND stage='claim' "
                          "AND event IN ('taken-over', 'released')", (ids[0],)).fetchone()[0]


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_two_daemons_on_two_inboxes_and_a_third_refused(tmp_path, docs):
    in1, in2, wd = tmp_path / "in1", tmp_path / "in2", tmp_path / "wd"
    for d in (in1, in2, in1 / "sub"):
        d.mkdir(mode=0o750)
    a, b = _watch(in1, wd), _watch(in2, wd)
    try:
        _wait(lambda: len(_status(wd).get("daemons", [])) == 2, "both daemons", proc=a)
        shutil.copy(docs[0], in1 / docs[0].name)
        shutil.copy(docs[1], in2 / docs[1].name)
        _wait(lambda: _status(wd).get("done") == 2, "one document each", proc=b)
        st = json.loads(run_ekte("status", "-w", wd, "--json", check=0).stdout)
        assert st["running"] and sorted(d["pid"] for d in st["daemons"] if d["running"]) == sorted([a.pid, b.pid])
        assert sorted(st["watching"]) == sorted([str(in1.resolve()), str(in2.resolve())])
        text = run_ekte("status", "-w", wd, check=0).stdout
        assert text.count("watch daemon running") == 2
        # the same inbox again (even with another working directory), or a folder inside it: refused, one line
        for folder, words in ((in1, "is already watched by another ekte daemon"),
                              (in1 / "sub", "which another ekte daemon watches")):
            p = run_ekte("watch", folder, "-w", tmp_path / "wd2", timeout=120)
            assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, p.stderr
            assert words in p.stderr and f"(pid {a.pid} on " in p.stderr and ", since 20" in p.stderr, p.stderr
    finally:
        _stop(a)
        _stop(b)
    _check_exactly_once(wd, 2)
    st = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)  # no daemon runs: exit 1 (issue 11)
    assert st["running"] is False and len(st["daemons"]) == 2


def test_daemon_given_the_same_content_twice_at_once(tmp_path, docs):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    daemon = _watch(inbox, wd)
    try:
        _wait(lambda: _status(wd), "daemon start", proc=daemon)
        staging = tmp_path / "staging"
        staging.mkdir()
        for name in ("a.pdf", "b.pdf"):
            shutil.copy(docs[5], staging / name)
        for name in ("a.pdf", "b.pdf"):
            os.rename(staging / name, inbox / name)
        _wait(lambda: not any(inbox.iterdir()) and _status(wd).get("in_flight") == 0
              and _status(wd).get("done", 0) + _status(wd).get("duplicates", 0) == 2, "both settled", proc=daemon)
        st = _status(wd)
        assert (st["done"], st["duplicates"]) == (1, 1)
    finally:
        _stop(daemon)
    _check_exactly_once(wd, 1)
    assert sorted(p.name for p in (wd / "done").iterdir()) == ["a.pdf", "b.pdf"]


def test_a_group_is_exported_once_and_whole_when_two_processes_share_it(tmp_path):
    """Two ingests at once over the same portal submissions: whichever
    process takes which part, each submission becomes one xdomea Vorgang
    with all its parts, exported once, with one Aktenzeichen."""
    import zipfile

    import portal

    out = tmp_path / "portal"
    truth = portal.generate_packages(out, count=3, seed=7)
    wd = tmp_path / "wd"
    procs = [_popen("ingest", "--json", "-j", "1", out, "-w", wd, "-c", "folder", "-c", "xdomea") for _ in range(2)]
    outs = []
    for p in procs:
        o, err = p.communicate(timeout=900)
        assert p.returncode == 0 and b"Traceback" not in err, err.decode()[-3000:]
        outs.append(json.loads(o)["documents"])
    n = sum(1 + len(t["attachments"]) for t in truth.values())
    archived = [d for docs in outs for d in docs if d["status"] == "archived"]
    assert len(archived) == n and len({d["id"] for d in archived}) == n
    assert {len(docs) for docs in outs} == {n}
    _check_exactly_once(wd, n)  # the folder connector: every part once
    containers = sorted((wd / "export" / "xdomea").rglob("*.zip"))
    assert len(containers) == len(truth)  # one Vorgang per submission, none twice, none split
    members = []
    for c in containers:
        with zipfile.ZipFile(c) as z:
            members.append(len([m for m in z.namelist() if m.lower().endswith(".pdf")]))
    assert sorted(members) == sorted(1 + len(t["attachments"]) for t in truth.values())
    az = defaultdict(set)
    for meta in (wd / "archive").glob("*/*/metadata.json"):
        m = json.loads(meta.read_text())
        az[m["provenance"]["submission"]].add(m["fields"]["aktenzeichen"]["value"])
    assert all(len(v) == 1 for v in az.values()) and len(az) == len(truth)
    with _db(wd) as db:
        assert db.execute("SELECT COUNT(*) FROM export_groups WHERE state='open'").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM exports WHERE connector='xdomea'").fetchone()[0] == n


def test_a_group_left_incomplete_by_a_killed_process_is_completed_whole_by_another(tmp_path):
    """The first process archives part of a submission and is killed in
    the middle of it; the second one, given the same input, takes the rest
    over and exports the submission as one Vorgang with every part."""
    import zipfile

    import portal

    out = tmp_path / "portal"
    truth = portal.generate_packages(out, count=1, seed=9)
    (sub, t), = truth.items()
    wd = tmp_path / "wd"
    args = ("ingest", "--json", "-j", "1", out, "-w", wd, "-c", "folder", "-c", "xdomea", "--plugin", "ekte_faults")
    first = _popen(*args, env=fault_env({"EKTE_FAULTS": f"before_archive:sleep:{t['attachments'][0]}:120"}))
    _wait(lambda: _grouped(wd), "a part in its group", proc=first)
    second = _popen(*args[:-2], env=fault_env())
    time.sleep(2)  # the second waits for the parts the first one holds
    assert second.poll() is None
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    o, err = second.communicate(timeout=600)
    assert second.returncode == 0, err.decode()[-3000:]
    n = 1 + len(t["attachments"])
    _check_exactly_once(wd, n)
    (container,) = (wd / "export" / "xdomea").rglob("*.zip")
    with zipfile.ZipFile(container) as z:
        assert len([m for m in z.namelist() if m.lower().endswith(".pdf")]) == n
    # every part reported by the second run: it completed the export of the first one's parts too
    assert sorted(d["status"] for d in json.loads(o)["documents"]) == ["archived"] * n
    with _db(wd) as db:
        assert db.execute("SELECT COUNT(*) FROM exports WHERE connector='xdomea'").fetchone()[0] == n
        assert db.execute("SELECT COUNT(*) FROM export_groups").fetchone()[0] == 1




def test_a_part_a_live_process_archived_is_reported_by_that_process_not_by_one_that_resumed_it(tmp_path):
    """A second process resumes a submission's part a live process archived
    (its group open) and happens to export the group (it completed it);
    the part is still the first process's to report: at the end of its run
    the second one reports it a duplicate (CI once saw one part reported
    archived by both processes, 11 for 10). A killed first process's parts
    are reported by the one that completes them
    (``test_a_group_left_incomplete_by_a_killed_process_is_completed_whole_by_another``)."""
    import portal

    from ekte.model import Status
    from ekte.pipeline import Pipeline, delivery
    from ekte.pipeline.admission import SETTLED, Admission
    from ekte.profile import load_profile
    from ekte.watch.daemon import Watcher

    out = tmp_path / "portal"
    (t,) = portal.generate_packages(out, count=1, seed=1).values()
    wd = tmp_path / "wd"
    slow = ";".join(f"before_archive:sleep:{a}:300" for a in t["attachments"])  # the form is archived, then it waits
    first = _popen("ingest", "--json", "-j", "1", out, "-w", wd, "-c", "folder", "-c", "xdomea", "--plugin", "ekte_faults",
                   env=fault_env({"EKTE_FAULTS": slow}))
    try:
        _wait(lambda: _grouped(wd), "the form in its group", proc=first)
        with _db(wd) as db:
            sha, gid = db.execute("SELECT sha256, gid FROM group_members").fetchone()
        with Pipeline(load_profile(), wd, jobs=1, connectors=["folder", "xdomea"]) as b:
            adm = Admission(b, b.j.start_run("test"))
            (pkg,) = out.iterdir()
            (staging := tmp_path / "staging").mkdir()
            (form,) = [it for it in adm.expand(pkg, staging)[0] if not any(a in str(it.path) for a in t["attachments"])]
            o = adm.admit(form)
            assert o.kind == SETTLED and o.doc.sha256 == sha and sha in b.waiting
            xdomea = next(c for c in b.connectors if c.name == "xdomea")
            delivery.deliver_group(b, xdomea, gid)  # as when this process completes the group
            assert o.doc.status == Status.ARCHIVED and "xdomea" in o.doc.exports
            (inbox := tmp_path / "inbox").mkdir()
            Watcher(b, [inbox])._idle()  # a daemon, idle (ingest: the end of its run, the same disown)
            assert o.doc.status == Status.DUPLICATE and o.doc.duplicate_of == o.doc.id  # the first process reports it
            assert not b.adopted  # and the daemon does not keep it (it kept every such document)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()


def test_a_session_opened_twice_gives_back_the_callers_umask(tmp_path):
    """ekte's private umask (0o077) lasts while a session is open; a
    session opened twice gave 0o077 back at close, and every file the
    process wrote later was private (the IMAP test server's passwd file
    then could not be read by dovecot's auth user in make test)."""
    from ekte.pipeline import Pipeline
    from ekte.profile import load_profile

    caller = os.umask(0o022)
    try:
        with Pipeline(load_profile(), tmp_path / "wd") as p:
            assert os.umask(0o077) == 0o077
            p.open("again")
        assert os.umask(0o022) == 0o022
    finally:
        os.umask(caller)
