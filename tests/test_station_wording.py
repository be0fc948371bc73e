"""fresh31's station leftovers, over real HTTP (``ekte serve`` in a subprocess): a page past the last one of the
review queue and an unknown type filter, and the JSON API's messages in the reader's language."""

from __future__ import annotations

import re

import httpx
import pytest

from serve_helpers import born_pdfs, login, make_workdir, start_server, stop, token


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    wd = tmp_path_factory.mktemp("wording") / "work"
    make_workdir(wd, born_pdfs()[:3])
    server, url = start_server(wd)
    yield wd, url
    assert stop(server) == 0


def _count(html: str) -> int:
    return int(re.search(r"<small>\((\d+)\)</small>", html).group(1))


def test_a_page_past_the_last_and_an_unknown_type_are_not_an_empty_queue(station):
    """/review?page=999 said "Prüfkorb (3)" and "Im Prüfkorb liegt nichts." together; ?type=nosuch filtered
    everything away.  Now the last page, and all types (as other values it does not know)."""
    wd, url = station
    clerk = login(url, "anna")
    whole = clerk.get("/review").text
    assert _count(whole) == 3 and "Im Prüfkorb liegt nichts" not in whole
    for query in ("?page=999", "?type=nosuch", "?type=nosuch&page=2"):
        page = clerk.get("/review" + query)
        assert page.status_code == 200 and _count(page.text) == 3, query
        assert "Im Prüfkorb liegt nichts" not in page.text and "Seite 1 von 1" in page.text, (query, page.text[-3000:])


def test_api_messages_follow_accept_language_beside_the_stable_detail(station):
    """README: the API's messages follow Accept-Language (German default) — they were English only."""
    wd, url = station
    h = token(wd, "chef")
    r = httpx.get(url + "/api/v1/review/zz", headers=h)
    assert r.status_code == 400 and r.json() == {
        "detail": "'zz' is not a document id (at least 4 hexadecimal digits)",
        "message": "„zz“ ist keine Dokumentnummer (sie hat mindestens 4 Hexadezimalziffern)."}
    r = httpx.get(url + "/api/v1/review/00000000", headers={**h, "Accept-Language": "en"})
    assert r.status_code == 404 and r.json()["message"] == "There is no document with the id 00000000."
    r = httpx.get(url + "/api/v1/nosuch", headers=h)
    assert r.status_code == 404 and r.json()["message"] == "Diese Seite oder dieses Dokument gibt es nicht."
    r = httpx.get(url + "/api/v1/review")
    assert r.status_code == 401 and r.json() == {"detail": "login required", "message": "Bitte melden Sie sich an."}
    r = httpx.get(url + "/api/v1/review", headers={"Authorization": "Bearer ekte_00000000_" + "x" * 32})
    assert r.status_code == 401 and r.json()["message"] == "Das Zugangstoken ist nicht gültig."


def test_a_request_without_its_body_names_the_body(station):
    """fresh31: POST …/release without a body said "Die Anfrage passt nicht: : erforderlich." (no field name)."""
    wd, url = station
    r = httpx.post(url + "/api/v1/quarantine/00000000/release", headers=token(wd, "chef"))
    assert r.status_code == 422 and r.json()["detail"] == "Die Anfrage passt nicht: body: erforderlich.", r.text
