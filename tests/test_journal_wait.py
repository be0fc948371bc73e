"""A command waiting for the journal another ekte process holds says so
(lows37): up to 30 s passed without a word before the "journal busy"
refusal.  After 2 s of waiting one line on stderr — in German for the
clerk's commands (unless --lang en), English for the others — never on
``--json``'s stdout.  Real processes: a second one holds the journal's
write lock (``BEGIN IMMEDIATE``, as a busy daemon's transaction does, see
test_station_presence) until the command has said it waits."""

import json
import os
import subprocess
import sys

import pytest

from helpers import ekte_cmd

#: holds the write lock of the journal argv[1] until its stdin is closed
HOLD = ("import sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('BEGIN IMMEDIATE')\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
        "db.execute('ROLLBACK')\n")
GERMAN = "Warte auf das Journal, das ein anderer ekte-Prozess hält (bis zu 30 s) …"
ENGLISH = "waiting for the journal, held by another ekte process (up to 30 s) …"


@pytest.fixture
def wd(tmp_path):
    from ekte.journal import Journal

    Journal(tmp_path / "wd" / "journal.sqlite").close()
    return tmp_path / "wd"


def _while_held(wd, *args):
    """(exit code, stdout, stderr) of ekte *args* started while another process holds the journal; the lock is
    given back once the command's stderr has a line about the journal (or it ended)."""
    env = {k: v for k, v in os.environ.items() if k not in ("EKTE_LANG", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "C.UTF-8"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(wd / "journal.sqlite")], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        p = subprocess.Popen([*ekte_cmd(), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, text=True, env=env)
        err = []
        for line in p.stderr:  # (EOF when the command ends: it never said it, and gave up after 30 s)
            err.append(line)
            if "journal" in line.lower():
                break
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    out, rest = p.communicate(timeout=300)
    return p.returncode, out, "".join(err) + rest


def test_a_clerks_command_says_in_german_that_it_waits_for_the_journal(wd):
    code, out, err = _while_held(wd, "review", "list", "-w", wd)
    assert code == 0, err[-2000:]
    assert err.splitlines().count(GERMAN) == 1 and "busy" not in err and "belegt" not in err, err
    assert "Prüfkorb (0)" in out


def test_with_json_the_line_is_on_stderr_only_and_in_the_language_asked_for(wd):
    code, out, err = _while_held(wd, "review", "list", "-w", wd, "--json", "--lang", "en")
    assert code == 0, err[-2000:]
    assert json.loads(out) == [] and "journal" not in out
    assert err.splitlines().count(ENGLISH) == 1, err


def test_another_command_says_it_in_english(wd):
    code, out, err = _while_held(wd, "export", "--all", "-w", wd, "--json")
    assert code == 0, err[-2000:]
    assert json.loads(out)["documents"] == []
    assert err.splitlines().count(ENGLISH) == 1 and GERMAN not in err, err


def test_without_a_notice_the_journal_waits_as_before(tmp_path):
    """The library (the daemon, the station, scripts) sets no notice: BEGIN IMMEDIATE waits SQLite's 30 s in one,
    and the busy timeout is unchanged after a write."""
    from ekte import lockwait
    from ekte.journal import Journal

    j = Journal(tmp_path / "journal.sqlite")
    try:
        lockwait.tell_with(None)
        j.event("d1", "intake", "received")
        assert j.db.execute("PRAGMA busy_timeout").fetchone()[0] == lockwait.BUSY_MS
        said = []
        lockwait.tell_with(lambda: said.append(1))
        j.event("d1", "intake", "received")  # no wait: nothing said, the timeout back at 30 s
        assert said == [] and j.db.execute("PRAGMA busy_timeout").fetchone()[0] == lockwait.BUSY_MS
    finally:
        lockwait.tell_with(None)
        j.close()
