"""fresh40 F7: a clerk accepts a document in the station while the DMS share is unmounted — the page says the
export is still pending and will be tried again, not only "angenommen" (a real station, a real folder connector
whose folder is a file)."""

import httpx

from serve_helpers import csrf_of, login, make_workdir, start_server, stop, token
import pytest


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_an_accept_whose_export_fails_says_the_export_is_still_pending(tmp_path, born_digital):
    wd = tmp_path / "work"
    make_workdir(wd, sorted(born_digital[0].glob("*.pdf"))[:2])
    dms = tmp_path / "dms"
    dms.write_text("the share is not mounted")
    server, url = start_server(wd, "-c", "folder", "-o", f"connectors.folder.path={dms}", "-o", "export.retries=0")
    try:
        items = httpx.get(url + "/api/v1/review?limit=10", headers=token(wd, "anna", "review")).json()["items"]
        doc = items[0]["id"]
        c = login(url, "anna")
        page = c.get(f"/review/{doc}")
        r = c.post(f"/review/{doc}/accept", data={"csrf": csrf_of(page.text), "doctype": items[0]["doctype"]})
        assert r.status_code == 303, r.text[:1000]
        shown = c.get(r.headers["location"]).text
        assert "angenommen" in shown and "Der Export ins DMS steht noch aus" in shown, shown[:3000]
        state = httpx.get(url + f"/api/v1/history/{doc}", headers=token(wd, "anna", "history")).json()["state"]
        assert state == "archived", state  # accepted, not exported: a later run or the daemon delivers it
    finally:
        assert stop(server) == 0
