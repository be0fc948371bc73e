""""Being worked on" in the clerk's station (task ux7, fresh24 #1): who has a
document open is shown on the list and the page, over real HTTP (``ekte
serve`` in a subprocess), kept in the journal (shared by every server
process), ends when the clerk decides or leaves or after 15 minutes without
activity — and never locks anybody out, not even while another process
holds the journal's write lock."""

from __future__ import annotations

import html
import re
import sqlite3
import time

import pytest

from serve_helpers import born_pdfs, csrf_of, login, queue_ids, running_station


@pytest.fixture(scope="module")
def st(tmp_path_factory):
    with running_station(tmp_path_factory.mktemp("presence"), born_pdfs()[:3]) as s:
        yield s


def _visit(page: str) -> str:
    m = re.search(r'id="presence" hidden data-url="[^"]+" data-visit="([0-9a-f]+)"', page)
    assert m, "no presence hook on the review page"
    return m[1]


def test_second_clerk_sees_who_has_it_open_and_may_still_act(st):
    a, b, c = queue_ids(st["wd"])
    anna, chef = login(st["url"], "anna"), login(st["url"], "chef")
    page = anna.get(f"/review/{a}").text
    assert "bearbeitet" not in page  # nobody else has it open
    visit = _visit(page)
    other = html.unescape(chef.get(f"/review/{a}").text)
    m = re.search(r"Wird gerade von anna bearbeitet \(seit (\d\d:\d\d)\)\.", other)
    assert m, other[:3000]
    assert "trotzdem ansehen und bearbeiten" in other and 'id="accept"' in other  # a notice, not a lock
    listing = html.unescape(chef.get("/review").text)
    assert f"wird gerade von anna bearbeitet (seit {m[1]})" in listing
    assert "wird gerade von chef" not in listing  # one's own mark is not shown to oneself
    assert "wird gerade von chef bearbeitet" in html.unescape(anna.get("/review").text)
    api = chef.get("/api/v1/review").json()["items"]
    assert [o["user"] for i in api if i["id"] == a for o in i["open_by"]] == ["anna"]
    assert chef.get(f"/api/v1/review/{a}").json()["open_by"][0]["user"] == "anna"
    # "next document" passes over the one anna has open
    assert f'href="/review/{a}" id="next"' not in chef.get(f"/review/{b}").text
    # (a stale save stays refused with 409: tests/test_serve_concurrency.py)
    # leaving the page ends the mark — only a "left" of the visit now shown
    anna.get(f"/review/{a}")  # a reload: a new visit
    stale = anna.post(f"/review/{a}/presence", data={"state": "left", "visit": visit, "csrf": csrf_of(page)})
    assert stale.status_code == 204
    assert "von anna bearbeitet" in html.unescape(chef.get(f"/review/{a}").text)
    now = _visit(anna.get(f"/review/{a}").text)
    here = anna.post(f"/review/{a}/presence", data={"state": "here", "visit": now, "csrf": csrf_of(page)})
    assert here.status_code == 200 and [o["user"] for o in here.json()["open_by"]] == ["chef"]
    assert here.json()["notice"].startswith("Wird gerade von chef bearbeitet (seit ")  # for the page's script
    assert anna.post(f"/review/{a}/presence", data={"state": "left", "visit": now}).status_code == 403  # CSRF
    anna.post(f"/review/{a}/presence", data={"state": "left", "visit": now, "csrf": csrf_of(page)})
    assert "bearbeitet" not in chef.get(f"/review/{a}").text
    # chef may act on what anna has open, and deciding ends his mark: he puts c back; anna no longer sees chef on it
    anna.get(f"/review/{c}")
    chef.get(f"/review/{c}")
    assert "von chef bearbeitet" in html.unescape(anna.get(f"/review/{c}").text)
    page = chef.get(f"/review/{c}").text
    assert chef.post(f"/review/{c}/defer", data={"csrf": csrf_of(page), "hours": "1"}).status_code == 303
    assert "von chef bearbeitet" not in html.unescape(anna.get(f"/review/{c}").text)
    rows = sqlite3.connect(st["wd"] / "journal.sqlite").execute("SELECT doc_id, user FROM review_open").fetchall()
    assert (c, "chef") not in rows and (c, "anna") in rows  # in the journal, not in the server's memory


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_review_show_and_list_say_who_has_it_open(st):
    """ekte review show/list (mend8 #1): who has a document open in the station and since when, as the station
    says it — in the terminal (wide and narrow) and in --json; the command itself makes no mark."""
    import json

    from helpers import run_ekte

    a, b = queue_ids(st["wd"])[:2]
    sqlite3.connect(st["wd"] / "journal.sqlite", isolation_level=None).execute("DELETE FROM review_open")  # clean
    anna = login(st["url"], "anna")
    anna.get(f"/review/{a}")
    show = run_ekte("review", "show", a[:8], "-w", st["wd"], "--lang", "de", check=0).stdout
    m = re.search(r"Wird gerade von anna bearbeitet \(seit (\d\d:\d\d)\)\.", show)
    assert m, show
    assert "bearbeitet" not in run_ekte("review", "show", b, "-w", st["wd"], "--lang", "de", check=0).stdout
    d = json.loads(run_ekte("review", "show", a, "-w", st["wd"], "--json", check=0).stdout)
    assert [o["user"] for o in d["open_by"]] == ["anna"] and d["open_by"][0]["since"].endswith("+00:00")
    for columns in ("160", "60"):
        listing = run_ekte("review", "list", "-w", st["wd"], "--lang", "de", env={"COLUMNS": columns}, check=0).stdout
        assert f"wird gerade von anna bearbeitet (seit {m[1]})" in " ".join(listing.split()), listing
        assert listing.count("bearbeitet") == 1
    items = json.loads(run_ekte("review", "list", "-w", st["wd"], "--json", check=0).stdout)
    assert {i["id"]: [o["user"] for o in i["open_by"]] for i in items}[a] == ["anna"]
    assert all(i["open_by"] == [] for i in items if i["id"] != a)
    en = run_ekte("review", "show", a, "-w", st["wd"], "--lang", "en", check=0).stdout
    assert f"Being worked on by anna (since {m[1]})." in en
    rows = sqlite3.connect(st["wd"] / "journal.sqlite").execute("SELECT user FROM review_open WHERE doc_id=?",
                                                                 (a,)).fetchall()
    assert rows == [("anna",)]  # reading on the command line marks nothing
    anna.post(f"/review/{a}/presence", data={"state": "left", "visit": _visit(anna.get(f"/review/{a}").text),
                                             "csrf": csrf_of(anna.get(f"/review/{a}").text)})


def test_a_busy_journal_never_holds_up_the_review_page(st):
    a = queue_ids(st["wd"])[0]
    anna = login(st["url"], "anna")
    db = sqlite3.connect(st["wd"] / "journal.sqlite", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")  # another process (the daemon) holds the write lock
    try:
        t0 = time.monotonic()
        r = anna.get(f"/review/{a}")
        took = time.monotonic() - t0
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert r.status_code == 200 and 'id="accept"' in r.text
    assert took < 15, took  # the mark waits at most 1.5 s for the lock, then the page is shown without it


def test_marks_expire_without_activity(tmp_path):
    from ekte.journal import Journal
    from ekte.serve.presence import EXPIRES, Presence
    from ekte.serve.shared import SharedState

    Journal(tmp_path / "journal.sqlite").db.close()  # schema 5: the table review_open
    now = [1_000_000.0]
    p = Presence(SharedState(tmp_path / "journal.sqlite"), clock=lambda: now[0])
    v = p.opened("d1", "anna")
    assert p.others(["d1"], "bernd")["d1"][0]["user"] == "anna" and p.others(["d1"], "anna") == {}
    now[0] += EXPIRES - 1
    assert p.active("d1", "anna", v) and not p.active("d1", "anna", "old-visit")
    now[0] += EXPIRES - 1
    assert p.others(["d1"], "bernd")["d1"][0]["since"].endswith("13:46:40+00:00")  # since the first showing
    now[0] += EXPIRES + 1
    assert p.others(["d1"], "bernd") == {} and not p.active("d1", "anna", v)
    assert p.first_free(["d1", "d2"], "bernd") == "d1"
    p.opened("d1", "anna")
    assert p.first_free(["d1", "d2"], "bernd") == "d2" and p.first_free(["d1"], "bernd") == "d1"


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_a_document_that_left_the_queue_is_worked_on_by_nobody(st):
    """fresh35 F8: a clerk opened a document and closed the browser; it was accepted; ``review show`` still said
    "Wird gerade von … bearbeitet" (and --json open_by) of the exported document."""
    import json

    from helpers import run_ekte

    doc = queue_ids(st["wd"])[-1]
    login(st["url"], "anna").get(f"/review/{doc}")  # and never left the page
    assert "anna" in run_ekte("review", "show", doc, "-w", st["wd"], "--lang", "de", check=0).stdout
    run_ekte("review", "accept", doc, "-w", st["wd"], check=0)
    show = run_ekte("review", "show", doc, "-w", st["wd"], "--lang", "de", check=0).stdout
    assert "exportiert" in show and "bearbeitet" not in show, show
    assert json.loads(run_ekte("review", "show", doc, "-w", st["wd"], "--json", check=0).stdout)["open_by"] == []
