"""fresh32 F8, wording leftovers, in real runs: a wrong number or language on a clerk's command line is a
German usage error (no pydantic English, no silent English), the history's export note is German, and
``ingest --json`` gives the archive folder as an absolute path like the exports.  (The damaged journal's
German line and train --from-reviews naming the path: tests/test_hostile_env.py.)"""

import json
import os
import shutil
from pathlib import Path

import pytest

from helpers import SAMPLES, run_ekte

DE, EN = {"EKTE_LANG": "de"}, {"EKTE_LANG": "en"}


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_a_wrong_number_or_language_is_a_usage_error_in_the_clerks_language(tmp_path):
    p = run_ekte("review", "defer", "405896aa", "--hours", "abc", "-w", tmp_path, env=DE)
    assert p.returncode == 2 and "Ungültiger Wert für '--hours': eine Zahl wird erwartet (z. B. 24 oder 1.5)." in \
        _flat(p.stderr) and "Input should" not in p.stderr, p.stderr
    for args in (("review", "list"), ("stats",)):
        p = run_ekte(*args, "--lang", "fr", "-w", tmp_path, env=DE)
        assert p.returncode == 2 and "Ungültiger Wert für '--lang': „fr“ gibt es nicht (möglich: de, en)." in \
            _flat(p.stderr), p.stderr
        p = run_ekte(*args, "--lang", "fr", "-w", tmp_path, env=EN)
        assert p.returncode == 2 and "Invalid value for '--lang': 'fr' is not supported (supported: de, en)" in \
            _flat(p.stderr), p.stderr

    # `--set -w DIR` took -w as the value, then refused DIR as an extra argument; now the form is named
    for cmd in ("accept", "correct"):
        p = run_ekte("review", cmd, "405896aa", "--set", "-w", "ekte-data", env=DE)
        assert p.returncode == 2 and "Ungültiger Wert für '--set': „-w“ hat nicht die Form FELD=WERT (z. B. --set " \
            "plz=12345)." in _flat(p.stderr) and "Unerwartete" not in p.stderr, p.stderr
    p = run_ekte("review", "accept", "405896aa", "--set", "-w", "ekte-data", env=EN)
    assert p.returncode == 2 and "'-w' is not of the form FIELD=VALUE" in _flat(p.stderr), p.stderr


def test_history_says_the_export_note_in_german_and_ingest_json_paths_are_absolute(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", inbox)
    p = run_ekte("ingest", "in", "-w", "wd", "-c", "xdomea", "--json", cwd=tmp_path, check=0)  # relative paths
    (d,) = json.loads(p.stdout)["documents"]
    assert d["archive"] == str(tmp_path / "wd" / "archive" / d["id"][:2] / d["id"]), d["archive"]
    assert os.path.isabs(d["exports"]["xdomea"]) and Path(d["exports"]["xdomea"]).is_file(), d["exports"]
    wide = {"COLUMNS": "400"}  # (a table cell in one piece)
    text = _flat(run_ekte("history", d["id"], "-w", tmp_path / "wd", env={**DE, **wide}, check=0).stdout)
    assert "xdomea: nicht gegen das XML-Schema geprüft (kein schema_dir eingestellt)" in text, text
    assert "not validated" not in text
    text = _flat(run_ekte("history", d["id"], "-w", tmp_path / "wd", "--lang", "en", env=wide, check=0).stdout)
    assert "xdomea: not validated (no schema_dir set)" in text, text


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_history_and_stats_refuse_in_the_clerks_language(tmp_path):
    """fresh35 F2: ``history`` and ``stats`` refused in English where ``review show`` says it in German (an
    unknown id, not an id, a damaged journal)."""
    import shutil

    from helpers import SAMPLES, run_ekte

    wd = tmp_path / "wd"
    run_ekte("ingest", SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", "-w", wd, check=0)
    de = {"EKTE_LANG": "de"}
    p = run_ekte("history", "ffff", "-w", wd, env=de)
    assert p.returncode == 2 and p.stderr.strip() == "Fehler: Es gibt kein Dokument mit der Nummer ffff.", p.stderr
    p = run_ekte("history", "zz", "-w", wd, env=de)
    assert p.returncode == 2 and p.stderr.startswith("Fehler: „zz“ ist keine Dokumentnummer"), p.stderr
    assert "error: no document with id ffff" in run_ekte("history", "ffff", "-w", wd, "--lang", "en").stderr
    bad = tmp_path / "bad"
    shutil.copytree(wd, bad)
    with open(bad / "journal.sqlite", "r+b") as f:
        f.seek(4096 * 3)
        f.write(b"\xff" * 8192)
    for cmd in (["stats"], ["history", "0000"]):
        p = run_ekte(*cmd, "-w", bad, env=de)
        assert p.returncode == 75 and p.stderr.startswith(f"Fehler: {bad}: das Journal ist beschädigt"), p.stderr


def test_users_refusals_in_the_clerks_language(tmp_path):
    """fresh35 F2: ``users remove`` of nobody and an unreadable --password-file refused in English, while
    ``users add``'s own refusals are German."""
    import subprocess

    from helpers import ekte_cmd

    wd = tmp_path / "wd"
    subprocess.run(ekte_cmd() + ["users", "add", "anna", "-w", str(wd)], input="ein-langes-passwort\n", text=True,
                   capture_output=True, check=True)
    de = {"EKTE_LANG": "de"}
    p = run_ekte("users", "remove", "niemand", "-w", wd, env=de)
    assert p.returncode == 2 and p.stderr.strip() == "Fehler: Es gibt keinen Benutzer „niemand“.", p.stderr
    assert run_ekte("users", "remove", "niemand", "-w", wd, env={"EKTE_LANG": "en"}).stderr.strip() == \
        "error: no user 'niemand'"
    p = run_ekte("users", "add", "erik", "--password-file", tmp_path / "nope.txt", "-w", wd, env=de)
    assert p.returncode == 2 and p.stderr.startswith(f"Fehler: {tmp_path / 'nope.txt'} lässt sich nicht lesen: "), \
        p.stderr
