"""``ekte status --json`` has the same keys whether a watch daemon has used
the working directory or not (fresh36 F8: without one, ``problems`` and
``daemons`` were missing — a monitoring script's KeyError on the first day).
A real ingest and a real daemon."""

import json

from helpers import run_ekte
from test_watch import _status, _stop, _wait, _watch

import pytest


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_status_json_has_the_same_keys_with_and_without_a_daemon(tmp_path):
    wd, inbox = tmp_path / "wd", tmp_path / "in"
    inbox.mkdir()
    (tmp_path / "notiz.txt").write_text("Bauantrag für das Grundstück Hauptstraße 12\n", "utf-8")
    run_ekte("ingest", tmp_path / "notiz.txt", "-w", wd)
    none = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)
    assert none["problems"] == [] and none["daemons"] == [] and none["last_errors"] == [] and none["queue"] == 0
    assert none["journal"] and none["processes"] == []
    assert "no watch daemon has run" in run_ekte("status", "-w", wd, check=1).stdout

    proc = _watch(inbox, wd)
    try:
        _wait(lambda: _status(wd).get("running"), proc=proc, what="start")
        running = json.loads(run_ekte("status", "-w", wd, "--json").stdout)
    finally:
        assert _stop(proc)[0] == 0
    stopped = json.loads(run_ekte("status", "-w", wd, "--json", check=1).stdout)
    assert set(none) == set(running) == set(stopped), (set(none) ^ set(running), set(none) ^ set(stopped))
