"""ekte on Dask distributed, with real processes: a `dask scheduler` and
`dask worker` processes on 127.0.0.1 started from the project's
environment, `ekte ingest / import-xdomea / watch --scheduler …` as
subprocesses.  A mixed batch is archived exactly once and the same as on
one machine; a worker killed with -9 mid-batch costs nothing; a killed
coordinator is resumed by the next run; a worker with another ekte is
refused; the embedded LocalCluster leaves no process behind."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from dask_cluster import DaskCluster, exactly_once, unit_command, unit_env
from helpers import NO_FIELD_REVIEW, ROOT, SAMPLES, SHARED, ekte_cmd, fault_env, ingest_json, run_ekte

pytestmark = pytest.mark.slow  # real Dask processes and real OCR


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = DaskCluster(tmp_path_factory.mktemp("dask"), dashboard=True)
    try:
        c.worker("w1")
        c.worker("w2")
        c.wait_workers(["w1", "w2"])
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Born-digital PDFs, scanned PDFs and a PNG scan: 7 documents, 3 of them OCRed."""
    import generate

    tmp = tmp_path_factory.mktemp("mixed")
    d = tmp / "in"
    generate.generate(tmp / "born", per_type=1, formats=["pdf"], seed=21,
                      doctypes=["kfz_zulassung", "bauantrag", "tierhaltung", "waffen_antrag"])
    generate.generate(tmp / "scans", per_type=1, formats=["scanpdf"], seed=22,
                      doctypes=["masern_meldung", "sportstaetten_foerderung"])
    d.mkdir()
    for f in [*(tmp / "born").iterdir(), *(tmp / "scans").iterdir()]:
        shutil.copy(f, d / f.name)
    shutil.copy(SAMPLES / "inbox" / "scan-ifsg_belehrung-001-png.png", d / "scan-ifsg_belehrung-001-png.png")
    return d


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """A trained classifier in a working directory's models/ (it must travel to the workers)."""
    import generate

    tmp = tmp_path_factory.mktemp("train")
    truth = generate.generate(tmp / "gen", per_type=3, formats=["pdf"], seed=23)
    for ident, rec in truth.items():
        (tmp / "texts" / rec["type"]).mkdir(parents=True, exist_ok=True)
        (tmp / "texts" / rec["type"] / f"{ident}.txt").write_text(rec["text"], "utf-8")
    (tmp / "wd").mkdir()  # train makes no working directory
    run_ekte("train", tmp / "texts", "-w", tmp / "wd", check=0)
    assert list((tmp / "wd" / "models").glob("*.joblib"))
    return tmp / "wd" / "models"


def archived(wd: Path) -> dict[str, dict]:
    """Per document id: what must be the same wherever it was computed —
    the text, the type and its scores, the fields (not the Aktenzeichen
    the coordinator assigns in the order documents finish)."""
    out = {}
    for a in (wd / "archive").glob("*/*"):
        m = json.loads((a / "metadata.json").read_text("utf-8"))
        out[a.name] = {
            "text": hashlib.sha256((a / "text.txt").read_bytes()).hexdigest(),
            "pages": m["pages"], "doctype": m["doctype"], "confidence": m["confidence"],
            "classification": m["classification"],
            "fields": {k: v["value"] for k, v in m["fields"].items() if v["method"] != "assigned"},
        }
    return out


def test_mixed_batch_archived_once_and_the_same_as_on_one_machine(cluster, mixed, models, tmp_path):
    wl, wdk = tmp_path / "local", tmp_path / "dask"
    for wd in (wl, wdk):
        shutil.copytree(models, wd / "models")
    local = ingest_json(mixed, "-w", wl, "-j", "2", check=0)
    dist = ingest_json(mixed, "-w", wdk, "--scheduler", cluster.address, check=0)
    assert [d["status"] for d in dist["documents"]] == ["archived"] * 7
    exactly_once(wdk, 7)
    a, b = archived(wl), archived(wdk)
    assert a == b and len(a) == 7
    # the trained model reached the workers (they have no working directory of their own)
    assert all("model" in x["classification"]["method"] for x in b.values())
    assert sum(1 for x in b.values() if x["pages"]) == 7
    s = dist["summary"]
    assert set(s["workers"]) == {"w1", "w2"}, s["workers"]
    assert sum(w["documents"] for w in s["workers"].values()) == 7
    assert sum(w["pages"] for w in s["workers"].values()) == s["pages"] == local["summary"]["pages"]
    assert all(w["seconds"] > 0 for w in s["workers"].values())
    assert "workers" not in local["summary"]


def test_dashboard_is_served(cluster):
    port = cluster.info["services"]["dashboard"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=30) as r:
        assert r.status == 200 and b"Dask" in r.read()


def _processing(client, name: str) -> list[str]:
    for addr, keys in client.processing().items():
        if client.scheduler_info(n_workers=-1)["workers"].get(addr, {}).get("name") == name:
            return [str(k) for k in keys]
    return []


def _exported(wd: Path) -> int:
    root = wd / "export" / "folder"
    return len(list(root.iterdir())) if root.is_dir() else 0


def _recorded(wd: Path) -> int:
    """Exports the journal holds (an export folder is published with its batch before the batch's record:
    a folder alone does not make a document done — the re-run does it again, exactly once)."""
    if not (wd / "journal.sqlite").is_file():
        return 0
    try:
        db = sqlite3.connect(f"file:{wd / 'journal.sqlite'}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM exports").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:  # (the journal's tables not made yet)
        return 0


def test_worker_killed_mid_batch_its_documents_are_done_elsewhere(mixed, tmp_path):
    c = DaskCluster(tmp_path / "cluster")
    wd = tmp_path / "wd"
    try:
        c.worker("stays")
        c.worker("dies")
        c.wait_workers(["stays", "dies"])
        proc = subprocess.Popen(ekte_cmd() + ["ingest", str(mixed), "-w", str(wd), "--scheduler", c.address, "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        client = c.client()
        try:
            t0, held = time.monotonic(), []
            while not held and time.monotonic() - t0 < 300:  # it works on a document
                held = _processing(client, "dies")
                time.sleep(0.2)
            assert held and proc.poll() is None, "the worker got no document"
            time.sleep(1.0)  # in the middle of it
            c.kill("dies")
        finally:
            client.close()
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err.decode()[-3000:]
        res = json.loads(out)
        assert [d["status"] for d in res["documents"]] == ["archived"] * 7
        exactly_once(wd, 7)
        ids = {d["id"] for d in res["documents"]}
        assert {k.split("-")[1] for k in held} <= ids  # what it held was done by the other worker
        workers = res["summary"]["workers"]
        assert workers["stays"]["documents"] >= 7 - workers.get("dies", {}).get("documents", 0)
        assert sum(w["documents"] for w in workers.values()) == 7
    finally:
        c.stop()


def test_coordinator_killed_next_run_resumes_from_the_journal(cluster, mixed, tmp_path):
    wd = tmp_path / "wd"
    proc = subprocess.Popen(ekte_cmd() + ["ingest", str(mixed), "-w", str(wd), "--scheduler", cluster.address],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    t0 = time.monotonic()
    while _recorded(wd) < 2 and proc.poll() is None and time.monotonic() - t0 < 600:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    done = _recorded(wd)
    assert 2 <= done <= _exported(wd) and done < 7
    out = ingest_json(mixed, "-w", wd, "--scheduler", cluster.address, check=0)
    assert {d["status"] for d in out["documents"]} <= {"archived", "duplicate"}
    # the recorded ones are done; a batch published but not yet recorded is done again (stop 32's pre-run: the test
    # counted export folders, and all it saw were one such batch)
    assert sum(d["status"] == "duplicate" for d in out["documents"]) >= done
    exactly_once(wd, 7)
    client = cluster.client()
    try:  # the dead coordinator's tasks are gone from the cluster
        t0 = time.monotonic()
        while any(client.processing().values()) and time.monotonic() - t0 < 120:
            time.sleep(0.5)
        assert not any(client.processing().values())
        # and its run set-up: removed by the next coordinator (which removed its own at the end)
        runs = client.run_on_scheduler(lambda dask_scheduler: [n for n in dask_scheduler.worker_plugins
                                                               if n.startswith("ekte-run-")])
        assert runs == []
    finally:
        client.close()


@pytest.fixture
def other_ekte(tmp_path):
    """An installation of ekte with another version: a copy on PYTHONPATH."""
    d = tmp_path / "other"
    shutil.copytree(ROOT / "ekte", d / "ekte", ignore=shutil.ignore_patterns("__pycache__"))
    init = d / "ekte" / "__init__.py"
    src = init.read_text()
    assert '__version__ = "0.1.0"' in src
    init.write_text(src.replace('__version__ = "0.1.0"', '__version__ = "0.1.0+other"'))
    return {"PYTHONPATH": str(d)}


def test_worker_with_another_ekte_is_refused(other_ekte, born_digital, tmp_path):
    src, _truth = born_digital
    inbox = tmp_path / "in"
    inbox.mkdir()
    for f in sorted(src.glob("*.pdf"))[:3]:
        shutil.copy(f, inbox / f.name)
    c = DaskCluster(tmp_path / "cluster")
    wd = tmp_path / "wd"
    try:
        c.worker("old", env=other_ekte)
        c.wait_workers(["old"])
        # only the other version there: nothing is done, nothing quarantined, one clear line
        p = run_ekte("ingest", inbox, "-w", wd, "--scheduler", c.address, "-o", "executor.worker_wait=8")
        assert p.returncode == 2, p.stderr[-2000:]
        last = p.stderr.strip().splitlines()[-1]
        assert "old" in last and "ekte 0.1.0+other there, 0.1.0 here" in last and "ekte source" in last, last
        db = sqlite3.connect(wd / "journal.sqlite")
        assert db.execute("SELECT COUNT(*) FROM documents WHERE state != 'received'").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0
        db.close()
        # a worker like the coordinator joins: the run goes through on it alone
        c.worker("same")
        c.wait_workers(["same"])
        out = ingest_json(inbox, "-w", wd, "--scheduler", c.address, check=0)
        s = out["summary"]
        assert set(s["workers"]) == {"same"} and s["workers"]["same"]["documents"] == 3
        assert "ekte 0.1.0+other there, 0.1.0 here" in s["refused_workers"]["old"]
        exactly_once(wd, 3)
        assert "ekte 0.1.0+other" in c.log("old")  # the worker says what it is, in its own log
    finally:
        c.stop()


def _marked(marker: str) -> list[str]:
    found = []
    for d in Path("/proc").iterdir():
        try:
            if d.name.isdigit() and f"EKTE_TEST_MARKER={marker}".encode() in (d / "environ").read_bytes().split(b"\0"):
                found.append((d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return found


def test_local_cluster_without_a_scheduler(born_digital, tmp_path):
    src, _truth = born_digital
    inbox = tmp_path / "in"
    inbox.mkdir()
    for f in sorted(src.glob("*.pdf"))[:4]:
        shutil.copy(f, inbox / f.name)
    marker = f"lc{os.getpid()}"
    p = run_ekte("ingest", "--json", "-v", inbox, "-w", tmp_path / "wd", "--executor", "dask", "-j", "2",
                 env={"EKTE_TEST_MARKER": marker}, check=0)
    s = json.loads(p.stdout)["summary"]
    assert "Dask scheduler tcp://127.0.0.1:" in p.stderr  # no dashboard named: none was asked for (its health
    assert "dashboard" not in p.stderr, p.stderr[-2000:]  # server's link was logged as one)
    assert s["by_status"]["archived"] == 4
    assert 1 <= len(s["workers"]) <= 2 and all(w.startswith("tcp://127.0.0.1:") for w in s["workers"])
    assert sum(w["documents"] for w in s["workers"].values()) == 4
    exactly_once(tmp_path / "wd", 4)
    t0 = time.monotonic()
    while _marked(marker) and time.monotonic() - t0 < 15:
        time.sleep(0.5)
    assert _marked(marker) == []  # scheduler, nannies, workers, ekte processes: all gone


def test_a_document_that_kills_its_ekte_process_on_dask_is_tried_again_then_quarantined(born_digital, tmp_path):
    """A document whose worker process dies (``os._exit`` in the fault plugin) comes back from Dask as
    crashed; the coordinator submits it again (it once resubmitted the copy that had travelled, with
    neither path nor bytes: "internal error (IsADirectoryError)", exit 70), then quarantines it."""
    src, _truth = born_digital
    inbox = tmp_path / "in"
    inbox.mkdir()
    pdfs = sorted(src.glob("*.pdf"))[:3]
    for f in pdfs[1:]:
        shutil.copy(f, inbox / f.name)
    shutil.copy(pdfs[0], inbox / "x-FAULT-before_ocr-exit.pdf")
    p = run_ekte("ingest", "--json", inbox, "-w", tmp_path / "wd", "--executor", "dask", "-j", "1",
                 "--plugin", "ekte_faults", *NO_FIELD_REVIEW, env=fault_env(), check=1)
    assert "Traceback" not in p.stderr and "internal error" not in p.stderr, p.stderr[-3000:]
    docs = {Path(d["source"]).name: d for d in json.loads(p.stdout)["documents"]}
    bad = docs.pop("x-FAULT-before_ocr-exit.pdf")
    assert bad["status"] == "quarantined" and bad["error"]["code"] == "ocr_failed", bad
    assert "(3 attempts)" in bad["error"]["message"], bad
    assert [d["status"] for d in docs.values()] == ["archived"] * 2
    assert len(list((tmp_path / "wd" / "archive").glob("*/*"))) == 2
    assert len(list((tmp_path / "wd" / "quarantine").rglob("*.pdf"))) == 1


def test_watch_with_a_scheduler(cluster, born_digital, tmp_path):
    src, _truth = born_digital
    inbox, wd = tmp_path / "inbox", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    log = open(tmp_path / "watch.log", "wb")
    proc = subprocess.Popen(ekte_cmd() + ["watch", str(inbox), "-w", str(wd), *NO_FIELD_REVIEW, "--scheduler", cluster.address,
                                          "--stable-seconds", "0.5"],
                            stdout=subprocess.DEVNULL, stderr=log, stdin=subprocess.DEVNULL)
    try:
        files = sorted(src.glob("*.pdf"))[:3]
        for f in files:
            shutil.copy(f, tmp_path / "x.tmp")
            os.rename(tmp_path / "x.tmp", inbox / f.name)
        t0 = time.monotonic()
        while _exported(wd) < 3 and time.monotonic() - t0 < 300:
            assert proc.poll() is None, (tmp_path / "watch.log").read_text()[-2000:]
            time.sleep(0.2)
        time.sleep(1.5)  # one more status write
        status = json.loads((wd / "status.json").read_text())
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(120)
    assert code == 0, (tmp_path / "watch.log").read_text()[-2000:]
    exactly_once(wd, 3)
    workers = {k for d in status["daemons"] for k in (d.get("workers") or {})}
    assert workers and workers <= {"w1", "w2"}, status
    shown = run_ekte("status", "-w", wd, check=1).stdout
    assert any(f"Dask worker {w}: " in shown for w in workers), shown


def test_watch_ends_with_one_line_when_the_scheduler_is_gone(born_digital, tmp_path):
    """The daemon loses its scheduler: exit 74 with the reason (its systemd unit restarts it; the
    journal has everything), not a traceback; what it exported stays exported once."""
    src, _truth = born_digital
    inbox, wd = tmp_path / "inbox", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    c = DaskCluster(tmp_path / "cluster")
    try:
        c.worker("w")
        c.wait_workers(["w"])
        proc = subprocess.Popen(ekte_cmd() + ["watch", str(inbox), "-w", str(wd), "--scheduler", c.address,
                                              "--stable-seconds", "0.5"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        shutil.copy(sorted(src.glob("*.pdf"))[0], inbox / "a.pdf")
        t0 = time.monotonic()
        while _recorded(wd) < 1 and time.monotonic() - t0 < 300 and proc.poll() is None:
            time.sleep(0.2)
        assert _recorded(wd) == _exported(wd) == 1
        c.kill("scheduler")
        _out, err = proc.communicate(timeout=300)
    finally:
        c.stop()
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 74 and "Traceback" not in err.decode(), err.decode()[-2000:]
    assert "Dask scheduler" in lines[-1] and "re-run resumes from the journal" in lines[-1], lines[-1]
    exactly_once(wd, 1)


def test_a_run_that_loses_its_scheduler_says_what_it_did(mixed, tmp_path):
    """kill -9 of the scheduler mid-run (finding 9): exit 74 (run it again), ``--json`` keeps the
    documents done, the summary and ``pending`` with ``"code": "scheduler_lost"``; no Dask
    traceback on stderr."""
    wd = tmp_path / "wd"
    c = DaskCluster(tmp_path / "cluster")
    try:
        c.worker("w")
        c.wait_workers(["w"])
        proc = subprocess.Popen(ekte_cmd() + ["ingest", str(mixed), "-w", str(wd), "--scheduler", c.address, "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        t0 = time.monotonic()
        while _recorded(wd) < 1 and proc.poll() is None and time.monotonic() - t0 < 600:
            time.sleep(0.05)
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]  # (it finished before the kill)
        c.kill("scheduler")
        out, err = proc.communicate(timeout=300)
    finally:
        c.stop()
    err = err.decode()
    assert proc.returncode == 74, err[-3000:]
    assert "Traceback" not in err and 'File "' not in err, err[-3000:]
    assert err.strip().splitlines()[-1].startswith("error: the Dask scheduler at "), err[-2000:]
    res = json.loads(out)
    assert res["error"]["code"] == "scheduler_lost" and "re-run resumes" in res["error"]["message"]
    done = [d for d in res["documents"] if d["status"] in ("archived", "review")]
    assert done and len(done) + len(res["pending"]) <= 7 and res["pending"], res
    assert res["summary"]["total"] == len(res["documents"]) and res["summary"]["pending"] == len(res["pending"])


def test_import_xdomea_on_the_cluster_same_as_local(cluster, tmp_path):
    example = SHARED / "xdomea-examples" / "v4.0.0"
    res = {}
    for kind, extra in (("local", []), ("dask", ["--scheduler", cluster.address])):
        p = run_ekte("import-xdomea", "--json", example, "-w", tmp_path / kind, *extra, check=1)  # for review
        res[kind] = json.loads(p.stdout)
    a, b = res["local"]["documents"], res["dask"]["documents"]
    assert [(d["id"], d["status"], d["doctype"], d["fields"]) for d in a] == \
           [(d["id"], d["status"], d["doctype"], d["fields"]) for d in b]
    assert archived(tmp_path / "local") == archived(tmp_path / "dask")
    assert set(res["dask"]["summary"]["workers"]) <= {"w1", "w2"}


def test_shared_root_passes_paths_not_bytes(cluster, born_digital, tmp_path):
    src, _truth = born_digital
    shared = tmp_path / "shared"
    (shared / "in").mkdir(parents=True)
    for f in sorted(src.glob("*.pdf"))[:4]:
        shutil.copy(f, shared / "in" / f.name)
    wd = tmp_path / "wd"
    proc = subprocess.Popen(ekte_cmd() + ["ingest", "--json", str(shared / "in"), "-w", str(wd), "--scheduler",
                                          cluster.address, "--shared-root", str(shared)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    seen = set()
    while proc.poll() is None:  # the workers write their results below the shared root
        seen |= {p.name for p in shared.glob(".ekte-work/*/*")}
        time.sleep(0.02)
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode()[-2000:]
    ids = {d["id"] for d in json.loads(out)["documents"]}
    assert len(ids) == 4 and {n.split("-")[0] for n in seen} & ids
    exactly_once(wd, 4)
    assert list(shared.glob(".ekte-work/*")) == []  # and they are removed


def test_a_scheduler_without_ekte_stops_the_run_and_quarantines_nothing(born_digital, tmp_path):
    src, _truth = born_digital
    inbox = tmp_path / "in"
    inbox.mkdir()
    for f in sorted(src.glob("*.pdf"))[:2]:
        shutil.copy(f, inbox / f.name)
    c = DaskCluster(tmp_path / "cluster", without_ekte=True)
    try:
        c.worker("w")
        c.wait_workers(["w"])
        p = run_ekte("ingest", inbox, "-w", tmp_path / "wd", "--scheduler", c.address, check=2)
        assert p.stderr.strip().splitlines()[-1] == (f"error: the Dask scheduler at {c.address} cannot import ekte "
                                                     "(install the same ekte there as on the workers)")
        db = sqlite3.connect(tmp_path / "wd" / "journal.sqlite")
        assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
        db.close()
    finally:
        c.stop()


def test_the_worker_unit_of_packaging_joins_and_works(born_digital, tmp_path):
    """packaging/ekte-dask-worker.service's command line with packaging/ekte-dask.env
    (the scheduler's address and the folder replaced, the venv's dask for /opt/ekte's) starts
    workers that join the scheduler with ekte's preload and take a run's documents."""
    env = unit_env()
    assert {"EKTE_SCHEDULER", "EKTE_WORKERS", "EKTE_WORKER_DIR", "EKTE_SCHEDULER_HOST", "EKTE_DASHBOARD",
            "EKTE_WORKER_PORTS", "EKTE_DASK_TLS"} <= set(env)
    assert env["EKTE_DASK_TLS"] == ""  # plain TCP unless TLS is set up (tests/test_dask_tls.py)
    c = DaskCluster(tmp_path / "cluster")
    env.update(EKTE_SCHEDULER=c.address, EKTE_WORKERS="2", EKTE_WORKER_DIR=str(tmp_path / "wdir"))
    cmd = unit_command("ekte-dask-worker.service", env)
    assert cmd[0] == "/opt/ekte/.venv/bin/dask" and cmd[-4:] == env["EKTE_WORKER_PORTS"].split()
    sched = unit_command("ekte-dask-scheduler.service", env)
    assert sched[:2] == ["/opt/ekte/.venv/bin/dask", "scheduler"] and sched[-1] == env["EKTE_DASHBOARD"]
    log = open(tmp_path / "unit.log", "wb")
    marker = f"unit{os.getpid()}"
    unit = subprocess.Popen([str(Path(ekte_cmd()[0]).with_name("dask")), *cmd[1:]], stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True, cwd=tmp_path,
                            env={**os.environ, "OMP_THREAD_LIMIT": env.get("OMP_THREAD_LIMIT", "1"),
                                 "EKTE_TEST_MARKER": marker})
    src, _truth = born_digital
    inbox = tmp_path / "in"
    inbox.mkdir()
    for f in sorted(src.glob("*.pdf"))[:2]:
        shutil.copy(f, inbox / f.name)
    try:
        c.procs["unithost-0"] = c.procs["unithost-1"] = unit  # (for wait_workers: one process, two workers)
        c.wait_workers(["unithost-0", "unithost-1"])
        out = ingest_json(inbox, "-w", tmp_path / "wd", "--scheduler", c.address, check=0)
        assert set(out["summary"]["workers"]) <= {"unithost-0", "unithost-1"}
        assert sum(w["documents"] for w in out["summary"]["workers"].values()) == 2
        exactly_once(tmp_path / "wd", 2)
        # systemctl stop (KillSignal=SIGTERM to the main process, KillMode=mixed): everything ends in time
        unit.send_signal(signal.SIGTERM)
        unit.wait(60)  # the unit's TimeoutStopSec
        t0 = time.monotonic()
        while _marked(marker) and time.monotonic() - t0 < 15:
            time.sleep(0.5)
        assert _marked(marker) == [], (tmp_path / "unit.log").read_text()[-2000:]
    finally:
        c.procs.pop("unithost-0", None)
        c.stop()


def test_the_worker_unit_ends_with_0_when_its_scheduler_dies(tmp_path):
    """Why packaging/ekte-dask-worker.service says Restart=always (finding 8): the unit's
    `dask worker` ends with exit 0 (not a failure to systemd) once its scheduler is killed, so
    Restart=on-failure would leave the host's workers down after a scheduler restart."""
    c = DaskCluster(tmp_path / "cluster")
    env = unit_env(EKTE_SCHEDULER=c.address, EKTE_WORKERS="1", EKTE_WORKER_DIR=str(tmp_path / "wdir"))
    cmd = unit_command("ekte-dask-worker.service", env)
    log = open(tmp_path / "unit.log", "wb")
    unit = subprocess.Popen([str(Path(ekte_cmd()[0]).with_name("dask")), *cmd[1:]],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                            cwd=tmp_path)
    try:
        c.procs["unithost"] = unit
        c.wait_workers(["unithost"])
        c.procs.pop("unithost")
        c.kill("scheduler")
        code = unit.wait(120)
    finally:
        c.procs["unithost"] = unit
        c.stop()
    assert code == 0, (tmp_path / "unit.log").read_text()[-2000:]
    service = (ROOT / "packaging" / "ekte-dask-worker.service").read_text().splitlines()
    assert "Restart=always" in service and "Restart=on-failure" not in service
