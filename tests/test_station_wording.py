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


def test_a_huge_page_number_or_offset_is_no_internal_error(station):
    """fresh32 F5: /review?page=99999999999999999999999 and the API's offset of that size were HTTP 500
    (SQLite's integers end at 2**63).  Now the last page, and 422 with a message for the API."""
    wd, url = station
    huge = "99999999999999999999999"
    page = login(url, "anna").get(f"/review?page={huge}")
    assert page.status_code == 200 and _count(page.text) == 3 and "Seite 1 von 1" in page.text, page.text[-2000:]
    assert login(url, "chef").get(f"/quarantine?page={huge}").status_code == 200
    h = token(wd, "chef")
    for path in ("/api/v1/review", "/api/v1/quarantine"):
        r = httpx.get(f"{url}{path}?offset={huge}", headers=h)
        assert r.status_code == 422 and "offset" in r.json()["detail"], (path, r.text)
        assert httpx.get(f"{url}{path}?offset=0", headers=h).status_code == 200
