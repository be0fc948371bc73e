"""The daemon's emptied inbox sub-folders (fresh40 F12): kept by default (a
scanner's target folder must stay); with ``watch.remove_emptied_after_minutes``
a folder an input was cleared from is removed once empty and unchanged that
long — never its parent, never a folder that held no taken file."""

import shutil
import time

import pytest

from test_watch import _status, _stop, _wait, _watch, inbox  # noqa: F401 - (the inbox fixture)


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    import generate

    d = tmp_path_factory.mktemp("emptied") / "born"
    generate.generate(d, per_type=1, formats=["pdf"], seed=62)
    return sorted(d.glob("*.pdf"))


def _run(inbox, wd, docs, *extra):
    (inbox / "Weber Hannah").mkdir()
    (inbox / "scan" / "Schmidt Klaus").mkdir(parents=True)
    (inbox / "leer").mkdir()
    proc = _watch(inbox, wd, "--rescan-minutes", "0.02", *extra)
    try:
        _wait(lambda: (wd / "status.json").exists(), proc=proc, what="start")
        shutil.copy(docs[0], inbox / "Weber Hannah" / "antrag.pdf")
        shutil.copy(docs[1], inbox / "scan" / "Schmidt Klaus" / "scan0001.pdf")
        _wait(lambda: _status(wd).get("done", 0) == 2 and _status(wd).get("in_flight") == 0, proc=proc,
              what="2 done", wd=wd)
        return proc
    except BaseException:
        _stop(proc)
        raise


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_emptied_folders_stay_by_default(inbox, tmp_path, docs):
    wd = tmp_path / "wd"
    proc = _run(inbox, wd, docs)
    try:
        time.sleep(3)  # two rescans at least (every 1.2 s)
    finally:
        code, _ = _stop(proc)
    assert code == 0
    assert sorted(p.relative_to(inbox).as_posix() for p in inbox.rglob("*")) == [
        "Weber Hannah", "leer", "scan", "scan/Schmidt Klaus"]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_emptied_folders_removed_when_set(inbox, tmp_path, docs):
    wd = tmp_path / "wd"
    proc = _run(inbox, wd, docs, "-o", "watch.remove_emptied_after_minutes=0.01")
    try:
        _wait(lambda: not (inbox / "Weber Hannah").exists() and not (inbox / "scan" / "Schmidt Klaus").exists(),
              timeout=30, proc=proc, what="emptied folders removed", wd=wd)
    finally:
        code, _ = _stop(proc)
    assert code == 0
    # the scanner's target folder and a folder nothing was taken from stay
    assert sorted(p.relative_to(inbox).as_posix() for p in inbox.rglob("*")) == ["leer", "scan"]
