"""`ekte ingest`: an input replaced (renamed over) while it is read is read
once more in the same run — the old content quarantined as
``changed_during_read`` without a copy (its bytes are gone), the new
content archived under its own id.  The fault plugin pauses the worker
before it copies the file, so the race happens every time."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time

import pytest

from helpers import NO_FIELD_REVIEW, ekte_cmd, fault_env


def _sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _claimed(wd, sha):
    try:
        with sqlite3.connect(wd / "journal.sqlite") as db:
            return db.execute("SELECT 1 FROM documents WHERE sha256=?", (sha,)).fetchone() is not None
    except sqlite3.Error:
        return False


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_an_input_replaced_while_it_is_read_is_read_again_in_the_run(tmp_path):
    import generate

    gen, inbox, wd, staging = tmp_path / "gen", tmp_path / "in", tmp_path / "wd", tmp_path / "staging"
    generate.generate(gen, per_type=1, formats=["pdf"], seed=89)
    old, new = sorted(gen.glob("*.pdf"))[:2]
    inbox.mkdir()
    staging.mkdir()
    shutil.copy(old, inbox / "scan0001.pdf")
    env = dict(os.environ, **fault_env({"EKTE_FAULTS": "before_ocr:sleep:scan0001:4"}))
    proc = subprocess.Popen(ekte_cmd() + ["ingest", "--json", "--no-progress", str(inbox), "-w", str(wd), "-j", "1",
                                          "--plugin", "ekte_faults", *NO_FIELD_REVIEW],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL)
    try:
        t0 = time.monotonic()
        while not _claimed(wd, _sha(old)):
            assert proc.poll() is None and time.monotonic() - t0 < 120, "the first content was never claimed"
            time.sleep(0.1)
        shutil.copy(new, staging / "scan0001.pdf")
        os.rename(staging / "scan0001.pdf", inbox / "scan0001.pdf")  # replaced while the worker pauses
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    docs = {d["sha256"]: d for d in json.loads(out)["documents"]}
    assert set(docs) == {_sha(old), _sha(new)}, err.decode()[-2000:]
    gone, arrived = docs[_sha(old)], docs[_sha(new)]
    assert gone["status"] == "quarantined" and gone["error"]["code"] == "changed_during_read"
    assert arrived["status"] == "archived" and arrived["source"] == gone["source"] == str(inbox / "scan0001.pdf")
    kept = [p for p in (wd / "quarantine" / gone["id"]).iterdir() if p.name != "reason.json"]
    assert kept == []  # no copy: the bytes its sha256 names are gone
    assert (inbox / "scan0001.pdf").read_bytes() == new.read_bytes()  # the input is untouched
