"""A plugin raising at every processor point (tests/plugins/ekte_faults.py):
the document is quarantined with the plugin's code and message (or
internal_error naming the plugin), the run goes on, exit code 1, the
--json output complete, no traceback — in ingest, watch and import-xdomea."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from helpers import ekte_cmd, fault_env, ingest_json, run_ekte

POINTS = ("before_ocr", "after_ocr", "after_classify", "before_archive")
#: every document without an Aktenzeichen of its own, so every one draws a number
NUMBERED = ["-o", "extract.aktenzeichen_patterns=[]", "-o", "extract.aktenzeichen_labels=[]"]


@pytest.fixture
def faulty_inbox(tmp_path, born_digital):
    d = tmp_path / "in"
    d.mkdir(mode=0o750)
    for i, p in enumerate(sorted(born_digital[0].glob("*.pdf"))[:6]):
        shutil.copy(p, d / f"doc{i}-{p.name}")
    spec = ";".join(f"{pt}:refuse:doc{i}-" for i, pt in enumerate(POINTS)) + ";after_classify:crash:doc4-"
    return d, spec


def _check(docs: list[dict], wd: Path) -> None:
    st = {Path(d["source"]).name.split("-")[0]: d for d in docs}
    for i, pt in enumerate(POINTS):
        d = st[f"doc{i}"]
        assert d["status"] == "quarantined", d
        assert d["error"] == {"code": "fault_refused", "message": f"Refused by the fault plugin at {pt}."}
        reason = json.loads((wd / "quarantine" / d["id"] / "reason.json").read_text())
        assert reason["code"] == "fault_refused" and reason["stage"] == pt
    assert st["doc4"]["status"] == "quarantined" and st["doc4"]["error"]["code"] == "internal_error"
    assert "ekte_faults" in st["doc4"]["error"]["message"] and "after_classify" in st["doc4"]["error"]["message"]
    assert st["doc5"]["status"] == "archived"
    db = sqlite3.connect(wd / "journal.sqlite")
    assert dict(db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state")) == {"quarantined": 5, "exported": 1}
    # the number drawn for the document refused at before_archive was given back: no gap, nothing pending
    counters = db.execute("SELECT value, holder FROM counters").fetchall()
    assert sum(v for v, _ in counters) == 1 and {h for _, h in counters} == {None}
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0


def test_ingest(faulty_inbox, tmp_path):
    inbox, spec = faulty_inbox
    wd = tmp_path / "wd"
    p = run_ekte("ingest", "--json", inbox, "-w", wd, "--plugin", "ekte_faults", *NUMBERED,
                 env=fault_env({"EKTE_FAULTS": spec}))
    assert p.returncode == 1, p.stderr[-3000:]
    assert "Traceback" not in p.stderr
    out = json.loads(p.stdout)
    assert out["summary"]["total"] == 6 and out["summary"]["by_status"]["quarantined"] == 5
    _check(out["documents"], wd)


def test_watch(faulty_inbox, tmp_path):
    inbox, spec = faulty_inbox
    wd = tmp_path / "wd"
    files = sorted(inbox.iterdir())
    staging = tmp_path / "staging"
    shutil.move(str(inbox), staging)
    inbox.mkdir(mode=0o750)
    env = dict(os.environ, **fault_env({"EKTE_FAULTS": spec}))
    proc = subprocess.Popen(ekte_cmd() + ["watch", str(inbox), "-w", str(wd), "--stable-seconds", "1", "--plugin",
                                          "ekte_faults", *NUMBERED], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True, env=env)
    try:
        deadline = time.monotonic() + 180
        while not (wd / "status.json").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        for f in files:
            shutil.copy(staging / f.name, inbox / f.name)
        while time.monotonic() < deadline:
            st = json.loads((wd / "status.json").read_text())
            if st["failed"] + st["done"] >= 6 and not any(inbox.iterdir()):
                break
            assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
            time.sleep(0.3)
        st = json.loads((wd / "status.json").read_text())
        assert st["failed"] == 5 and st["done"] == 1, st
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and b"Traceback" not in err, err.decode()[-3000:]
    db = sqlite3.connect(wd / "journal.sqlite")
    docs = [{"id": r[0], "source": r[1], "status": "archived" if r[2] == "exported" else r[2],
             "error": {"code": r[3], "message": r[4]} if r[3] else None}
            for r in db.execute("SELECT id, source, state, error_code, error_message FROM documents")]
    _check(docs, wd)
    assert list(inbox.iterdir()) == []  # quarantined inputs removed once their copy was verified


def test_import_xdomea(born_digital, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for p in sorted(born_digital[0].glob("*.pdf"))[:4]:
        shutil.copy(p, src / p.name)
    ingest_json(src, "-w", tmp_path / "wd1", "-c", "xdomea", check=0)
    containers = []
    for i, z in enumerate(sorted((tmp_path / "wd1" / "export" / "xdomea").rglob("*.zip"))):
        containers.append(tmp_path / f"c{i}.zip")
        shutil.copy(z, containers[-1])
    assert len(containers) == 4 and all(zipfile.is_zipfile(c) for c in containers)
    spec = "before_ocr:refuse:c0.zip;after_ocr:crash:c1.zip;before_archive:refuse:c2.zip"
    p = run_ekte("import-xdomea", "--json", *containers, "-w", tmp_path / "wd2", "--plugin", "ekte_faults",
                 env=fault_env({"EKTE_FAULTS": spec}))
    assert p.returncode == 1, p.stderr[-3000:]
    assert "Traceback" not in p.stderr
    docs = {Path(d["source"].split("!")[0]).name: d for d in json.loads(p.stdout)["documents"]}
    assert docs["c0.zip"]["error"]["code"] == "fault_refused"
    assert docs["c1.zip"]["error"]["code"] == "internal_error" and "ekte_faults" in docs["c1.zip"]["error"]["message"]
    assert docs["c2.zip"]["error"]["code"] == "fault_refused"
    assert docs["c3.zip"]["status"] == "archived"


def test_a_quarantined_document_taken_up_again_keeps_where_and_when_it_arrived(tmp_path, born_digital):
    """The station's retry ingests a copy of the quarantined original from a
    temporary folder; a re-run after a fix may see it under another path.
    Its provenance stays the first arrival's: source and received time (a
    fresh-clone tester saw the retry's temporary path and time archived)."""
    src = sorted(born_digital[0].glob("*.pdf"))[0]
    first = tmp_path / "scanner"
    first.mkdir()
    shutil.copy(src, first / "brief.pdf")
    wd = tmp_path / "wd"
    env = fault_env({"EKTE_FAULTS": "before_archive:refuse:brief"})
    p = run_ekte("ingest", "--json", first, "-w", wd, "--plugin", "ekte_faults", env=env)
    (d,) = json.loads(p.stdout)["documents"]
    assert d["status"] == "quarantined"
    with sqlite3.connect(wd / "journal.sqlite") as db:
        source, received = db.execute("SELECT source, first_seen FROM documents").fetchone()
    time.sleep(1.1)  # a later second
    again = tmp_path / "retry-copy"
    again.mkdir()
    shutil.copy(src, again / "copy.pdf")
    (d,) = ingest_json(again, "-w", wd, "-o", "extract.auto_threshold=0", "-o", "classify.threshold=0")["documents"]
    assert d["status"] == "archived", d
    meta = json.loads(next((wd / "archive").glob("*/*/metadata.json")).read_text())
    assert meta["source"] == source and source.endswith("brief.pdf")
    assert meta["received"] == received
    with sqlite3.connect(wd / "journal.sqlite") as db:
        assert db.execute("SELECT source FROM documents").fetchone()[0] == source
