"""Access to the clerk's station (fresh24 #4, #9), over real HTTP (``ekte serve`` in a subprocess): a new
password ends the sessions of the old one; failed logins are throttled per user name and client, with a
German 429 page and a log line without the name; the users page says exactly why a user was not added; the quarantine page names the real reason of a text file
named .pdf."""

from __future__ import annotations

import html
import re
import sqlite3

import httpx
import pytest

from helpers import run_ekte
from serve_helpers import PASSWORDS, csrf_of, login, start_server, stop
from ekte.serve.throttle import BASE, FREE, MAX_DELAY, WINDOW, LoginThrottle


@pytest.fixture(scope="module")
def st(tmp_path_factory):
    base = tmp_path_factory.mktemp("access")
    wd = base / "work"
    wd.mkdir()
    for name, (role, pw) in {**PASSWORDS, "bernd": ("clerk", "bernd-geheim-1")}.items():
        (base / f"{name}.pw").write_text(pw + "\n")
        run_ekte("users", "add", name, "--role", role, "-w", wd, "--password-file", base / f"{name}.pw", check=0)
    (base / "inbox").mkdir()
    (base / "inbox" / "brief.pdf").write_text("Sehr geehrte Damen und Herren,\nhallo.\n")  # text named .pdf
    run_ekte("ingest", base / "inbox", "-w", wd)  # it goes to quarantine (exit code: a document failed)
    log = base / "serve.log"
    server, url = start_server(wd, "-v", log=log)
    try:
        yield {"wd": wd, "url": url, "base": base, "log": log}
    finally:
        assert stop(server) == 0


def _try(url: str, name: str, password: str, via: str | None = None) -> httpx.Response:
    """One login; *via*: the client address a reverse proxy (here: a trusted one) names in X-Forwarded-For."""
    with httpx.Client(base_url=url, timeout=60, headers={"X-Forwarded-For": via} if via else {}) as c:
        page = c.get("/login")
        return c.post("/login", data={"username": name, "password": password, "csrf": csrf_of(page.text),
                                      "next": "/"})


def test_new_password_ends_old_sessions(st):
    anna, other = login(st["url"], "anna"), login(st["url"], "anna")
    assert anna.get("/review").status_code == 200
    pw = st["base"] / "anna-neu.pw"
    pw.write_text("Neu-anna-geheim-2\n")
    run_ekte("users", "add", "anna", "--role", "clerk", "--replace", "-w", st["wd"], "--password-file", pw, check=0)
    for c in (anna, other):  # both old sessions are over: back to the login form
        r = c.get("/review")
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert _try(st["url"], "anna", "Neu-anna-geheim-2").status_code == 303
    # a role change alone (same password) keeps working as before: the session follows the new role
    chef = login(st["url"], "chef")
    assert chef.get("/users").status_code == 200


def test_failed_logins_are_throttled_without_the_name_in_the_log(st):
    for _ in range(FREE - 1):
        r = _try(st["url"], "bernd", "falsch-falsch")
        assert r.status_code == 401
    assert _try(st["url"], "bernd", "falsch-falsch").status_code == 429  # the 5th failure within 15 minutes
    r = _try(st["url"], "bernd", "bernd-geheim-1")  # even the right password waits now
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "Zu viele fehlgeschlagene Anmeldungen" in html.unescape(r.text)
    assert _try(st["url"], "BERND", "bernd-geheim-1").status_code == 429  # the name as typed in any case
    assert _try(st["url"], "vera", PASSWORDS["vera"][1]).status_code == 303  # other names are not affected
    log = st["log"].read_text()
    assert "refused for" in log
    assert "bernd" not in log.lower()


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_throttle_is_per_user_and_address_and_shared_by_every_server(st):
    """ux7: behind a proxy, a stranger's wrong passwords lock out the stranger's address, not the user at
    another; the count is in the journal, so a second ekte serve on the working directory refuses too."""
    for _ in range(FREE):
        _try(st["url"], "vera", "falsch-falsch", via="10.0.0.5")
    assert _try(st["url"], "vera", PASSWORDS["vera"][1], via="10.0.0.5").status_code == 429
    assert _try(st["url"], "vera", PASSWORDS["vera"][1], via="10.0.0.6").status_code == 303  # vera at her desk
    rows = sqlite3.connect(st["wd"] / "journal.sqlite").execute("SELECT key, times FROM login_failures").fetchall()
    assert rows and not [r for r in rows if "vera" in r[0] or "10.0.0" in r[0]]  # hashed, not in clear
    second, url2 = start_server(st["wd"], log=st["base"] / "serve2.log")
    try:
        assert _try(url2, "vera", PASSWORDS["vera"][1], via="10.0.0.5").status_code == 429
        for _ in range(FREE):  # and the other way round: failures at the second server count at the first
            _try(url2, "niemand", "falsch-falsch")
        assert _try(st["url"], "niemand", "falsch-falsch").status_code == 429
    finally:
        assert stop(second) == 0


def test_throttle_delay_grows_and_ends(tmp_path):
    from ekte.journal import Journal
    from ekte.serve.shared import SharedState

    Journal(tmp_path / "journal.sqlite").db.close()  # schema 5: the table login_failures
    now = [1000.0]
    t = LoginThrottle(SharedState(tmp_path / "journal.sqlite"), clock=lambda: now[0])
    assert [t.failed("anna", "1.2.3.4") for _ in range(FREE - 1)] == [0] * (FREE - 1)
    assert t.wait("anna", "1.2.3.4") == 0
    assert t.failed("anna", "1.2.3.4") == BASE
    assert t.wait("anna", "1.2.3.4") == BASE and t.wait("anna", "5.6.7.8") == 0 and t.wait("bernd", "1.2.3.4") == 0
    now[0] += BASE
    assert t.wait("anna", "1.2.3.4") == 0
    assert t.failed("anna", "1.2.3.4") == 2 * BASE  # growing
    now[0] += 2 * BASE
    for _ in range(20):
        t.failed("anna", "1.2.3.4")
    assert t.wait("anna", "1.2.3.4") == MAX_DELAY
    now[0] += MAX_DELAY
    t.succeeded("anna", "1.2.3.4")
    assert t.wait("anna", "1.2.3.4") == 0
    for _ in range(FREE - 1):
        t.failed("anna", "1.2.3.4")
    now[0] += WINDOW
    assert t.failed("anna", "1.2.3.4") == 0  # old failures are forgotten after the window


def test_quarantine_names_a_text_file_named_pdf(st):
    reason = next((st["wd"] / "quarantine").glob("*/reason.json")).read_text()
    assert "plain text but its name ends in .pdf" in reason
    page = html.unescape(login(st["url"], "chef").get("/quarantine").text)
    assert "Die Datei enthält reinen Text, ihr Name endet aber auf .pdf" in page and "in .txt um" in page
    assert "weder ein PDF" not in page
    # words, not ids (ux7): the reason code as words before the text; roles on the users page; the history
    assert re.search(r'<td data-code="unsupported_type"><strong>Dateityp nicht unterstützt:</strong> Die Datei', page)
    assert ">unsupported_type<" not in page and 'class="code"' not in page
    users = html.unescape(login(st["url"], "chef").get("/users").text)
    assert "<td>Sachbearbeitung (Prüfkorb)</td>" in users and '<option value="viewer">nur Statistik</option>' in users
    assert not re.search(r">(viewer|clerk|admin|intake)<", users)
    doc = next((st["wd"] / "quarantine").glob("*/reason.json")).parent.name
    hist = html.unescape(login(st["url"], "chef").get(f"/history/{doc}").text)
    assert "Dateityp nicht unterstützt" in hist and "unsupported_type" not in hist and "· ·" not in hist
    en = html.unescape(login(st["url"], "chef", lang="en").get("/quarantine").text)
    assert "holds plain text, but its name ends in .pdf" in en and "Rename it to .txt" in en


def test_users_page_says_why_a_user_was_not_added(st):
    chef = login(st["url"], "chef")

    def add(name: str, role: str = "clerk", password: str = "lang-genug-1") -> str:
        r = chef.post("/users", data={"name": name, "role": role, "password": password,
                                      "csrf": csrf_of(chef.get("/users").text)})
        assert r.status_code == 303
        return html.unescape(chef.get("/users").text)

    page = add("vera")
    assert "„vera“ gibt es bereits" in page and "ekte users add vera --role … --replace" in page
    assert "„Hans Müller“ ist kein gültiger Benutzername" in add("Hans Müller")
    assert "mindestens 8 Zeichen" in add("paul", password="kurz")
    assert ("Wählen Sie eine der Rollen „nur Statistik“, „Sachbearbeitung (Prüfkorb)“, „Administration“, "
            "„Eingangskonto (Schnittstelle)“") in add("paul", role="boss")
    assert "paul" not in run_ekte("users", "list", "-w", st["wd"], check=0).stdout
    assert "Benutzer angelegt." in add("paul") and "paul" in run_ekte("users", "list", "-w", st["wd"], check=0).stdout


def test_statistics_refuse_a_swapped_period_and_an_unknown_grouping_in_words(st):
    """fresh24 #10 (ux7): "bis" before "von" was an empty month, an unknown grouping a generic failure."""
    chef = login(st["url"], "chef")
    r = chef.get("/stats?since=01.11.2026&until=01.10.2026")
    assert r.status_code == 400
    assert "„bis“ (01.10.2026) liegt vor „von“ (01.11.2026)" in html.unescape(r.text)
    r = chef.get("/stats?by=day,foo")
    assert r.status_code == 400 and "Nach „foo“ kann nicht gruppiert werden" in html.unescape(r.text)
    assert "day (Tag)" in html.unescape(r.text)
    assert chef.get("/stats.csv?since=2026-11-02&until=2026-11-01").status_code == 400
    assert chef.get("/stats?since=01.11.2026&until=01.11.2026").status_code == 200  # one day is a period
    p = run_ekte("stats", "-w", st["wd"], "--since", "01.12.2026", "--until", "01.11.2026")
    assert p.returncode == 2 and "--since und --until vertauschen" in p.stderr, p.stderr  # German (fresh35 F2)
