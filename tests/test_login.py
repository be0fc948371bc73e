"""fresh38 F3 / F13: the login an audit entry names comes from the process's real uid, not from ``$LOGNAME``
(any user can set it); root may say who it is (sudo's ``$SUDO_USER``, a shared root login's ``$LOGNAME``); a
manual ``ekte export`` names its login, not "system"."""

from __future__ import annotations

import shutil
import sqlite3

from helpers import SAMPLES, ingest_json, run_ekte

from ekte.login import cli_actor


def _env(monkeypatch, **env):
    for k in ("LOGNAME", "USER", "SUDO_USER"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)


def test_a_user_cannot_name_a_colleague(monkeypatch):
    _env(monkeypatch, LOGNAME="k.meier", USER="k.meier")
    monkeypatch.setattr("os.getuid", lambda: 65534)  # an unprivileged account of this machine (nobody)
    assert cli_actor() == "nobody"


def test_root_says_who_it_is_by_sudo_or_its_login(monkeypatch):
    monkeypatch.setattr("os.getuid", lambda: 0)
    _env(monkeypatch, SUDO_USER="nobody", LOGNAME="root")
    assert cli_actor() == "nobody"
    _env(monkeypatch, SUDO_USER="no-such-account-x", LOGNAME="r.leiter")
    assert cli_actor() == "r.leiter"  # a sudo user that is no account of this machine is not taken
    _env(monkeypatch, LOGNAME="root", USER="bad\nname")
    assert cli_actor() == "root"


def test_a_manual_export_names_its_login_the_ingest_stays_system(tmp_path):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir()
    shutil.copy(SAMPLES / "inbox" / "tierhaltung-006-pdf.pdf", inbox)
    doc = ingest_json(inbox, "-w", wd, "-j", "1", "-c", "folder")["documents"][0]
    run_ekte("export", doc["id"], "-c", "folder", "--force", "-w", wd, env={"LOGNAME": "admin.x"}, check=0)
    db = sqlite3.connect(f"file:{wd / 'journal.sqlite'}?mode=ro", uri=True)
    try:
        actors = {r[0]: r[1] for r in db.execute("SELECT actor, stage FROM events WHERE doc_id=?", (doc["id"],))}
    finally:
        db.close()
    assert "ekte export (admin.x)" in actors and "system: ekte export" not in actors, actors
    assert "system: ekte ingest" in actors, actors
