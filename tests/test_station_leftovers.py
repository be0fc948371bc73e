"""Low-severity station defects of earlier reviews (lows36), over real HTTP (``ekte serve`` in a subprocess): a
journal held busy by another process, a form sent after the session ended, a type change's dropped fields."""

from __future__ import annotations

import html
import re
import sqlite3
import time

import httpx
import pytest

from serve_helpers import born_pdfs, csrf_of, login, make_workdir, queue_ids, start_server, stop, token


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    base = tmp_path_factory.mktemp("leftovers")
    wd = base / "work"
    make_workdir(wd, born_pdfs()[:4])
    server, url = start_server(wd, log=base / "serve.log")
    yield {"wd": wd, "url": url, "log": base / "serve.log"}
    assert stop(server) == 0


def _state(wd, doc_id: str) -> str:
    db = sqlite3.connect(f"file:{wd / 'journal.sqlite'}?mode=ro", uri=True)
    try:
        return db.execute("SELECT state FROM documents WHERE id=?", (doc_id,)).fetchone()[0]
    finally:
        db.close()


@pytest.mark.slow  # the journal's busy timeout is 30 s
def test_an_accept_that_meets_a_busy_journal_is_503_in_words_not_an_internal_error(station):
    """An accept while another process held the journal (BEGIN EXCLUSIVE) past the 30 s busy timeout was 500
    "internal error" with ``internal error (OperationalError)`` in the log; the command line calls it journal_busy
    (exit 74).  Now 503 with that sentence in the reader's language and ``code`` for scripts."""
    wd, url = station["wd"], station["url"]
    doc = queue_ids(wd)[0]
    h = {**token(wd, "anna", "review"), "Accept-Language": "de"}
    db = sqlite3.connect(wd / "journal.sqlite", isolation_level=None, timeout=10)
    db.execute("BEGIN EXCLUSIVE")
    try:
        t0 = time.monotonic()
        r = httpx.post(f"{url}/api/v1/review/{doc}/accept", json={}, headers=h, timeout=120)
        took = time.monotonic() - t0
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert took >= 25, took  # it waited for the journal as the command line does
    assert r.status_code == 503 and r.headers.get("retry-after"), (r.status_code, r.text)
    assert r.headers.get("x-content-type-options") == "nosniff"  # the station's headers, as on every answer
    body = r.json()
    assert body["code"] == "journal_busy" and "30 s" in body["detail"], body
    assert body["message"] == ("Das Journal ist belegt: ein anderer ekte-Prozess hat es länger als 30 s gehalten. "
                               "Bitte gleich noch einmal versuchen."), body
    assert _state(wd, doc) == "review"
    log = station["log"].read_text()
    assert "internal error" not in log and "journal busy" in log, log[-2000:]
    assert "/review/{doc_id}/accept 503" in log  # the access log's line, as for every request


def test_a_busy_journal_is_a_german_503_page_and_a_bug_met_meanwhile_stays_an_internal_error(tmp_path, caplog):
    """The page's 503 (not only the API's): German, Retry-After, the station's headers.  And a bug raised while a
    "database is locked" was being handled (its context) was a 503 "try again" too, with no internal-error line."""
    from starlette.testclient import TestClient

    from ekte.profile import load_profile
    from ekte.serve.app import create_app
    from ekte.serve.station import Station

    wd = tmp_path / "work"
    make_workdir(wd, born_pdfs()[:1])
    st = Station(load_profile(None), wd).open()
    try:
        app = create_app(st)

        @app.get("/locked")
        def locked():
            raise sqlite3.OperationalError("database is locked")

        @app.get("/bug")
        def bug():
            try:
                raise sqlite3.OperationalError("database is locked")
            except sqlite3.OperationalError:
                return {}["Müller"]

        c = TestClient(app, raise_server_exceptions=False)
        r = c.get("/locked", headers={"Accept-Language": "de"})
        assert r.status_code == 503 and r.headers["retry-after"] == "10", r.status_code
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["content-type"].startswith("text/html")
        assert ("Das Journal ist belegt: ein anderer ekte-Prozess hat es länger als 30 s gehalten. Bitte gleich "
                "noch einmal versuchen.") in html.unescape(r.text), r.text[:1000]
        caplog.clear()
        with caplog.at_level("INFO", logger="ekte.serve"):
            r = c.get("/bug", headers={"Accept-Language": "de"})
        assert r.status_code == 500 and "retry-after" not in r.headers, r.status_code
        assert "internal error (KeyError) in GET /bug" in caplog.text and "journal busy" not in caplog.text
        assert "Müller" not in caplog.text and "Müller" not in r.text
    finally:
        st.close()


@pytest.mark.parametrize("lang,line", [("de", "Sie waren abgemeldet — Ihre Eingaben wurden nicht gespeichert."),
                                       ("en", "You had been logged out — what you typed was not saved.")])
def test_a_form_sent_after_the_session_ended_leads_back_to_its_page_and_says_the_values_are_lost(station, lang, line):
    """A form POSTed after the session ended redirected to /login?next=/review/ID/accept; after the login a GET
    of that address was a 405 page and the typed values were lost without a word.  Now back to the document's
    page, and the login page and that page say the values were not saved."""
    wd, url = station["wd"], station["url"]
    doc = queue_ids(wd)[-1]
    c = login(url, "anna", lang)
    form = c.get(f"/review/{doc}")
    assert form.status_code == 200
    c.post("/logout", data={"csrf": csrf_of(form.text)})  # the session ends (another tab, or it ran out)
    r = c.post(f"/review/{doc}/accept", data={"csrf": csrf_of(form.text), "f_nachname": "Getippt"})
    assert r.status_code == 303, r.text[:300]
    where = httpx.URL(r.headers["location"])
    assert where.path == "/login" and where.params["next"] == f"/review/{doc}", where
    page = c.get(str(where))
    assert page.status_code == 200 and line in page.text and 'name="unsaved" value="1"' in page.text
    wrong = c.post("/login", data={"username": "anna", "password": "falsch", "csrf": csrf_of(page.text),
                                   "next": where.params["next"], "unsaved": "1"})
    assert wrong.status_code == 401 and 'name="unsaved" value="1"' in wrong.text  # kept through a mistyped password
    sent = c.post("/login", data={"username": "anna", "password": "anna-geheim-1", "csrf": csrf_of(wrong.text),
                                  "next": where.params["next"], "unsaved": "1"})
    assert sent.status_code == 303 and sent.headers["location"] == f"/review/{doc}", sent.headers
    back = c.get(sent.headers["location"])
    assert back.status_code == 200 and line in back.text and 'id="accept"' in back.text
    assert line not in c.get(f"/review/{doc}").text  # said once
    assert _state(wd, doc) == "review"
    # a page's GET keeps its own address, and a POST-only address outside the review its nearest page
    fresh = httpx.Client(base_url=url, follow_redirects=False)
    assert fresh.get(f"/review/{doc}").headers["location"] == f"/login?next=/review/{doc}"
    q = httpx.URL(fresh.post(f"/quarantine/{doc}/retry", data={}).headers["location"])
    assert q.params["next"] == "/quarantine" and q.params["unsaved"] == "1", q


def _kfz(wd) -> tuple[str, dict]:
    import json

    from helpers import run_ekte

    kfz = next(i for i in json.loads(run_ekte("review", "list", "-w", wd, "--json", check=0).stdout)
               if i["doctype"] == "kfz_zulassung")["id"]
    return kfz, json.loads(run_ekte("review", "show", kfz, "-w", wd, "--json", check=0).stdout)["fields"]


def _dropped(read: dict, lang: str) -> tuple[list[str], list[str]]:
    """(titles, values) of the kfz fields the catch-all type does not carry, as the review page names them."""
    from ekte.profile import load_profile
    from ekte.serve import names
    from ekte.stages.extract import not_carried_by

    gone = not_carried_by(load_profile(), "sonstiges", list(read))
    assert {"kennzeichen", "fin"} <= set(gone), gone
    return [names.field_title(k, lang) for k in gone], [read[k]["value"] for k in gone if read[k].get("value")]


def test_a_type_change_at_accept_names_the_dropped_fields_in_the_pages_message(station):
    """A type change drops the fields the new type does not carry (``field-dropped``): the station's message said
    only "accepted".  Now it names them by the review page's titles — no values (personal data)."""
    wd, url = station["wd"], station["url"]
    kfz, read = _kfz(wd)
    titles, values = _dropped(read, "de")
    c = login(url, "anna", "de")
    page = c.get(f"/review/{kfz}").text
    form = {"csrf": csrf_of(page), "doctype": "sonstiges"}
    if 'name="sample"' in page:  # chosen for the sample check
        form["sample"] = "matches"
    version = re.search(r'name="version" value="(\d+)"', page)
    form.update({"version": version[1]} if version else {})
    r = c.post(f"/review/{kfz}/accept", data=form)
    assert r.status_code == 303, r.text[:500]
    shown = html.unescape(c.get(r.headers["location"]).text)
    said = re.search(r'<p class="flash" role="status">Dokument (\w+) angenommen\. Entfernt, da der neue Dokumenttyp '
                     r'sie nicht hat: ([^<]*)\.</p>', shown)
    assert said and said[1] == kfz and sorted(said[2].split(", ")) == sorted(titles), (said, titles)
    assert not any(v in said[0] for v in values), said[0]  # the whole message: no value
    assert _state(wd, kfz) == "exported"


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_a_type_change_at_accept_names_the_dropped_fields_on_the_command_line(tmp_path):
    from helpers import run_ekte

    wd = tmp_path / "work"
    make_workdir(wd, [p for p in born_pdfs() if p.name.startswith("kfz_zulassung")])
    kfz, read = _kfz(wd)
    titles, values = _dropped(read, "en")
    ok = run_ekte("review", "accept", kfz, "-w", wd, "-t", "sonstiges", "--lang", "en")
    assert ok.returncode == 0, ok.stderr
    line = ok.stdout.strip()
    said = re.search(r" Removed, as the new document type does not have them: (.*)\.$", line)
    assert said and sorted(said[1].split(", ")) == sorted(titles) and "Number plate" in titles, (line, titles)
    assert not any(v in line for v in values), line


def test_dropped_fields_are_named_only_for_the_accept_that_dropped_them():
    """Re-accepting a document whose export was cut short writes no new ``accepted``: the fields dropped by the
    earlier accept were named again as removed now.  An event without a field name (or a detail that is not
    JSON) raised after a good accept (500, exit 70)."""
    from types import SimpleNamespace

    from ekte.model import Event
    from ekte.serve.names import dropped_titles

    def doc(*events):
        return SimpleNamespace(history=[Event("2026-12-01T10:00:00+00:00", "review", "queued"), *events])

    accepted = Event("2026-12-01T12:00:05+00:00", "review", "accepted", "{}")
    plate = Event("2026-12-01T12:00:05+00:00", "review", "field-dropped", '{"field": "kennzeichen"}')
    assert dropped_titles(doc(accepted, plate), "en", "2026-12-01T12:00:04+00:00") == ["Number plate"]
    assert dropped_titles(doc(accepted, plate), "en", "2026-12-01T13:00:00+01:00") == ["Number plate"]  # same time
    assert dropped_titles(doc(accepted, plate), "en", "2026-12-01T12:30:00+00:00") == []  # an earlier accept's
    odd = [Event("t", "review", "field-dropped", d) for d in ("{}", "not json", '["x"]', '{"field": null}')]
    assert dropped_titles(doc(accepted, *odd, plate), "en", None) == ["Number plate"]
    assert dropped_titles(doc(plate), "en", None) == []  # no accept at all
