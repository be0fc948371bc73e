"""What a registry clerk and her supervisor read (fresh35 F7, F10, F14): a deleted document named as deleted by
review show, a stale correction's actor by name, the HTML report's file names, no log line at a rejection, periods
of the statistics as a German reader writes them, an HTML file under a .pdf name called a web page, and the
station's systemd unit.  Real ``ekte`` subprocesses on a real working directory."""

import shutil
from pathlib import Path

import pytest

from helpers import SAMPLES, ingest_json, run_ekte

ROOT = Path(__file__).resolve().parents[1]
DE = {"EKTE_LANG": "de"}


@pytest.fixture(scope="module")
def wd(tmp_path_factory) -> tuple[Path, dict]:
    """Three born-digital PDFs waiting for review, an empty file and a web page named .pdf in quarantine."""
    base = tmp_path_factory.mktemp("clerk")
    (base / "in").mkdir()
    for f in sorted(SAMPLES.glob("inbox/*-pdf.pdf"))[:3]:
        shutil.copy(f, base / "in")
    (base / "in" / "leer.pdf").write_bytes(b"")
    (base / "in" / "webseite.pdf").write_text("<!DOCTYPE html>\n<html><head><title>Antrag</title></head>"
                                             "<body><p>Hallo</p></body></html>\n", "utf-8")
    out = ingest_json(base / "in", "-w", base / "wd", "-o", "classify.threshold=0.999", "--report",
                      base / "rep.html")
    docs = {Path(d["source"]).name: d for d in out["documents"]}
    assert [d["status"] for n, d in sorted(docs.items()) if n.endswith("-pdf.pdf")] == ["review"] * 3, out
    return base, docs


def _review_ids(docs: dict) -> list[str]:
    return [d["id"] for n, d in sorted(docs.items()) if n.endswith("-pdf.pdf")]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_review_show_of_a_deleted_document_says_when_and_why(wd):
    """fresh35 F7: "Es gibt kein Dokument mit der Nummer 4058." while history showed its tombstone."""
    base, docs = wd
    doc = _review_ids(docs)[2]
    run_ekte("retention", "delete", doc, "-w", base / "wd", "--reason", "retention_ended", "--force", check=0)
    p = run_ekte("review", "show", doc[:6], "-w", base / "wd", env=DE)
    assert p.returncode == 2 and p.stdout == "", p.stdout + p.stderr
    line = p.stderr.strip()
    assert line.startswith(f"Fehler: Dokument {doc} wurde am ") and " gelöscht (Aufbewahrungsfrist abgelaufen); ekte history " \
        in line and "Es gibt kein Dokument" not in line, line
    assert "T" not in line.split(" am ")[1].split(" gelöscht")[0], line  # a local time, not the ISO form
    p = run_ekte("review", "show", doc[:6], "-w", base / "wd", "--lang", "en")
    assert p.stderr.startswith(f"error: document {doc} was deleted on "), p.stderr


def _version(base: Path, doc: str) -> int:
    import json

    return json.loads(run_ekte("review", "show", doc, "-w", base / "wd", "--json", check=0).stdout)["version"]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_stale_correction_names_the_system_as_history_does(wd):
    """fresh35 F10: "… wurde inzwischen von system: ekte watch geändert" — the journal's raw actor."""
    base, docs = wd
    name, doc = next((n, d["id"]) for n, d in sorted(docs.items()) if n.endswith("-pdf.pdf"))
    seen = _version(base, doc)
    ingest_json(base / "in" / name, "-w", base / "wd", "-o", "classify.threshold=0.999")  # the same file again
    assert _version(base, doc) > seen
    p = run_ekte("review", "correct", doc, "-w", base / "wd", "--set", "plz=12345", "--expected-version", seen, env=DE)
    assert p.returncode != 0 and p.stderr.startswith(f"Fehler: Dokument {doc} wurde inzwischen von System (ekte "
                                                     "ingest) geändert"), p.stderr
    assert "system:" not in p.stderr, p.stderr


def test_a_rejection_prints_no_log_line_at_default_verbosity(wd):
    """fresh35 F10: "09:12:55 WARNING ekte: doc 1999… quarantined: rejected" beside "Dokument … abgelehnt."."""
    base, docs = wd
    doc = _review_ids(docs)[1]
    p = run_ekte("review", "reject", doc, "-w", base / "wd", "-r", "unreadable", "--note", "Probe", env=DE)
    assert p.returncode == 0 and p.stdout.strip() == f"Dokument {doc} abgelehnt.", p.stdout + p.stderr
    assert p.stderr == "", p.stderr
    p = run_ekte("history", doc, "-w", base / "wd", "--json", check=0)  # the rejection is recorded all the same
    assert any(e["event"] == "quarantined" and e["detail"] == "rejected" for e in __import__("json").loads(p.stdout)["events"]), p.stdout


def test_the_html_report_names_each_document_by_its_file(wd):
    """fresh35 F10: the rows named documents by id only ("Quarantäne · leere Datei" — which of her files?)."""
    import re

    base, docs = wd
    html = (base / "rep.html").read_text("utf-8")
    assert "<th>Datei</th>" in html, html[:3000]
    rows = {m[1]: m[2] for m in re.finditer(r"<tr class=\"[a-z_]*\"><td>([0-9a-f]{16})</td><td>([^<]*)</td>", html)}
    assert rows == {d["id"]: n for n, d in docs.items()}, rows
    assert str(base / "in") not in html  # the name only, never the folder


def test_weeks_and_months_of_the_statistics_read_as_in_german(wd):
    """fresh35 F10: "Monat 2026-12", "Woche … 2026-W49" in the German table and CSV whose days read 01.12.2026."""
    import datetime as dt
    import re

    base, _docs = wd
    y, w, _ = dt.date.today().isocalendar()  # (the documents were received just now)
    month, week = dt.date.today().strftime("%m/%Y"), f"KW {w}/{y}"
    p = run_ekte("stats", "-w", base / "wd", "--by", "month,week", env=DE, check=0)
    assert re.search(rf"│ {re.escape(month)} +│ {week} +│", p.stdout), p.stdout
    assert "-W" not in p.stdout, p.stdout
    p = run_ekte("stats", "-w", base / "wd", "--by", "week", "--format", "csv", env=DE, check=0)
    assert p.stdout.splitlines()[1].startswith(f"{week};"), p.stdout
    p = run_ekte("stats", "-w", base / "wd", "--by", "week", "--format", "csv", "--lang", "en", check=0)
    assert p.stdout.splitlines()[1].startswith(f"{y}-W{w:02d},"), p.stdout  # the machine form stays ISO


def test_a_web_page_named_pdf_is_called_a_web_page(wd):
    """fresh35 F10: an HTML file under a .pdf name was quarantined as "neither a PDF, … nor plain text"."""
    base, docs = wd
    page = docs["webseite.pdf"]
    assert page["status"] == "quarantined" and page["error"]["code"] == "unsupported_type", page
    assert page["error"]["message"].startswith("The file is a web page (HTML), not a PDF: save the page as PDF")
    p = run_ekte("review", "show", page["id"], "-w", base / "wd", env=DE, check=0)
    shown = " ".join(p.stdout.split())  # (rich wraps at the terminal's width)
    assert "Quarantäne: Die Datei ist eine Webseite (HTML), kein PDF: Speichern Sie die Seite als PDF" in shown, shown
    assert docs["leer.pdf"]["error"]["code"] == "empty"  # the other checks unchanged


def test_the_station_unit_runs_as_the_watch_unit_does(wd):
    """fresh35 F14: packaging/ had units for the daemon and Dask only.  packaging/ekte-serve.service, hardened as
    ekte-watch.service; its command line (with /etc/ekte/ekte-watch.env's variables, as systemd expands them)
    starts the station on the working directory, and a SIGTERM (systemctl stop) ends it with exit 0."""
    import configparser
    import signal
    import socket
    import subprocess
    import time
    import urllib.request

    from dask_cluster import unit_command
    from helpers import ekte_cmd

    def service(name: str) -> dict:
        cp = configparser.ConfigParser(strict=False, interpolation=None)
        cp.optionxform = str
        cp.read(ROOT / "packaging" / name)
        return dict(cp["Service"])

    serve, watch = service("ekte-serve.service"), service("ekte-watch.service")
    for key in ("User", "Group", "EnvironmentFile", "WorkingDirectory", "Restart", "UMask", "NoNewPrivileges",
                "ProtectSystem", "PrivateTmp", "KillSignal"):
        assert serve.get(key) == watch.get(key), key
    base, _docs = wd
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {}
    for line in (ROOT / "packaging" / "ekte-watch.env").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            k, _, v = line.partition("=")
            env[k] = v
    env.update(EKTE_HOME=str(base / "wd"), EKTE_SERVE_ARGS=f"--port {port}")
    cmd = unit_command("ekte-serve.service", env)
    assert cmd[:2] == ["/opt/ekte/.venv/bin/ekte", "serve"] and "--host" in cmd and "127.0.0.1" in cmd, cmd
    proc = subprocess.Popen(ekte_cmd() + cmd[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    assert r.status == 200 and "Anmelden" in r.read().decode()
                    break
            except OSError:
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.5)
        else:
            raise AssertionError("the station did not answer")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]


@pytest.mark.parametrize("args, de, en", [
    (("--since", "31.02.2026"), "Fehler: --since/--until: „31.02.2026“ ist kein gültiges Datum: bitte wie 31.01.2026 "
     "oder 2026-01-31 schreiben.", "error: --since/--until want a date like 2026-01-31 or 31.01.2026, not '31.02.2026'"),
    (("--by", "foo"), "Fehler: --by foo: unbekannt (möglich: day, week, month, type, channel, outcome).",
     "error: --by foo: unknown (choose from day, week, month, type, channel, outcome)"),
    (("--format", "xls"), "Fehler: --format xls: table, csv oder json wählen", "error: --format xls: choose table, "
     "csv or json"),
    (("--since", "2026-12-05", "--until", "01.12.2026"), "Fehler: Der Zeitraum endet (01.12.2026) vor seinem Beginn "
     "(05.12.2026): --since und --until vertauschen.", "error: the period ends (2026-12-01) before it begins "
     "(2026-12-05): swap --since and --until"),
])
def test_stats_refuses_its_options_in_the_clerk_s_language(wd, args, de, en):
    """fresh35 F2: `ekte stats`'s option errors were English in a command whose output is German."""
    base, _docs = wd
    p = run_ekte("stats", "-w", base / "wd", *args, env=DE)
    assert p.returncode == 2 and p.stderr.strip() == de and p.stdout == "", p.stdout + p.stderr
    p = run_ekte("stats", "-w", base / "wd", *args, env={"EKTE_LANG": "en"})  # English: the wording scripts grep
    assert p.returncode == 2 and p.stderr.strip() == en, p.stderr


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_users_without_a_users_file_refuse_in_german(tmp_path, wd):
    """fresh35 F2: `users remove`/`list`/`token` where nobody was added said "error: no station users in …"."""
    base, _docs = wd
    w = tmp_path / "w"
    shutil.copytree(base / "wd", w, ignore=shutil.ignore_patterns("users.json*"))
    for args in (("remove", "niemand"), ("list",), ("token", "niemand")):
        p = run_ekte("users", *args, "-w", w, env=DE)
        assert p.returncode == 2 and p.stderr.strip() == (
            f"Fehler: In {w} gibt es keine Benutzer der Prüfstation (--workdir oder $EKTE_HOME prüfen; ekte users "
            "add legt den ersten an)."), p.stderr
    (tmp_path / "pw").write_text("Geheim-Passwort-99\n", "utf-8")
    run_ekte("users", "add", "anna", "-w", w, "--password-file", tmp_path / "pw", check=0)
    p = run_ekte("users", "token", "niemand", "-w", w, env=DE)
    assert p.returncode == 2 and p.stderr.strip() == "Fehler: Es gibt keinen Benutzer „niemand“.", p.stderr
    p = run_ekte("users", "token", "niemand", "-w", w, env={"EKTE_LANG": "en"})
    assert p.stderr.strip() == "error: no user 'niemand'", p.stderr


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_busy_journal_is_named_in_german(wd):
    """fresh35 F2: a review command on a journal another process held for more than 30 s: "error: the journal of
    wd7: another ekte process held the journal …" — English among German refusals.  (Waits the 30 s.)"""
    import sqlite3

    base, docs = wd
    doc = docs["leer.pdf"]["id"]  # any document: defer refuses only after it has the journal
    db = sqlite3.connect(base / "wd" / "journal.sqlite", isolation_level=None, timeout=10)
    db.execute("BEGIN EXCLUSIVE")
    try:
        p = run_ekte("review", "defer", doc, "-w", base / "wd", "--hours", "1", env=DE, timeout=120)
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert p.returncode == 74 and p.stderr.strip().splitlines() == [
        "Warte auf das Journal, das ein anderer ekte-Prozess hält (bis zu 30 s) …",  # after 2 s (lows37)
        f"Fehler: Das Journal von {base / 'wd'} war länger als 30 s von einem anderen ekte-Prozess belegt; es wurde "
        "nichts geändert — führen Sie den Befehl gleich noch einmal aus."], p.stderr
