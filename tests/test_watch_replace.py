"""A real `ekte watch` daemon whose input is replaced while it is read: a
scanner re-using ``scan0001.pdf`` renames new content over a file ekte has
hashed but not yet copied.  The pause comes from the fault plugin
(``before_ocr`` runs after the file was hashed and before the worker copies
it), so the race happens every time, not by luck of timing."""

import hashlib
import json
import os
import shutil
import sqlite3

import pytest

from helpers import NO_FIELD_REVIEW, fault_env
from test_watch import _status, _stop, _wait, _watch


def _sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _states(wd):
    if not (wd / "journal.sqlite").exists():
        return {}
    db = sqlite3.connect(wd / "journal.sqlite")
    try:
        return dict(db.execute("SELECT sha256, state FROM documents").fetchall())
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    import generate

    d = tmp_path_factory.mktemp("replacedocs") / "born"
    generate.generate(d, per_type=1, formats=["pdf"], seed=71)
    return sorted(d.glob("*.pdf"))[:2]


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_a_file_renamed_over_the_input_while_it_is_read_is_a_new_arrival(tmp_path, two):
    inbox, wd, staging = tmp_path / "in", tmp_path / "wd", tmp_path / "staging"
    inbox.mkdir(mode=0o750)
    staging.mkdir()
    old, new = two
    sha_old, sha_new = _sha(old), _sha(new)
    daemon = _watch(inbox, wd, "--plugin", "ekte_faults", "-j", "1", *NO_FIELD_REVIEW,
                    env=fault_env({"EKTE_FAULTS": "before_ocr:sleep:scan0001:4"}))
    try:
        _wait(lambda: (wd / "status.json").exists(), proc=daemon, what="start")
        shutil.copy(old, inbox / "scan0001.pdf")
        # hashed and claimed: the worker now sleeps 4 s in before_ocr, before it copies the file
        _wait(lambda: sha_old in _states(wd), proc=daemon, what="the first scan claimed", wd=wd)
        shutil.copy(new, staging / "scan0001.pdf")
        os.rename(staging / "scan0001.pdf", inbox / "scan0001.pdf")  # the scanner re-uses the name
        _wait(lambda: _states(wd).get(sha_new) == "exported" and not any(inbox.iterdir())
              and _status(wd).get("in_flight") == 0, timeout=180, proc=daemon, what="the new scan exported", wd=wd)
    finally:
        _stop(daemon)
    states = _states(wd)
    # the new content: read again under its own id, archived, exported, and out of the inbox into done
    assert states[sha_new] == "exported"
    assert [_sha(p) for p in (wd / "done").rglob("*") if p.is_file()] == [sha_new]
    assert (wd / "archive").rglob(f"{sha_new[:16]}*")
    # the old content was never copied: its quarantine entry names it and keeps no other document's bytes
    assert states[sha_old] == "quarantined"
    entry = wd / "quarantine" / sha_old[:16]
    reason = json.loads((entry / "reason.json").read_text())
    assert reason["code"] == "changed_during_read" and reason["sha256"] == sha_old
    kept = [p for p in entry.rglob("*") if p.is_file() and p.name != "reason.json"]
    assert all(_sha(p) == sha_old for p in kept), [p.name for p in kept]
    assert not any(_sha(p) == sha_new for p in (wd / "quarantine").rglob("*") if p.is_file())
