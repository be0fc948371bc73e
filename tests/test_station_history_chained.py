"""The station's /history page of a deleted document shows the chained deletion entry's values (who, when, why),
as ``ekte history``'s headline does — not a tombstone row rewritten afterwards (fresh38 F15, round two)."""

from __future__ import annotations

import html
import json
import sqlite3

import pytest

from helpers import run_ekte
from serve_helpers import PASSWORDS, born_pdfs, csrf_of, make_workdir


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_history_page_shows_the_chained_deletion(tmp_path):
    from starlette.testclient import TestClient

    from ekte.profile import load_profile
    from ekte.serve.app import create_app
    from ekte.serve.station import Station

    wd = tmp_path / "work"
    make_workdir(wd, born_pdfs()[:1])
    doc_id = json.loads(run_ekte("review", "list", "-w", wd, "--json", check=0).stdout)[0]["id"]
    run_ekte("retention", "delete", doc_id, "-w", wd, "--reason", "retention_ended", "--force", "--json")
    db = sqlite3.connect(wd / "journal.sqlite")  # the tombstone row is a plain copy: rewritten
    db.execute("UPDATE tombstones SET reason='umgeschrieben' WHERE doc_id=?", (doc_id,))
    db.commit()
    db.close()
    st = Station(load_profile(None), wd).open()
    try:
        c = TestClient(create_app(st), follow_redirects=False)
        page = c.get("/login?lang=de")
        r = c.post("/login", data={"username": "anna", "password": PASSWORDS["anna"][1], "csrf": csrf_of(page.text),
                                   "next": "/"})
        assert r.status_code == 303, r.text[:500]
        text = html.unescape(c.get(f"/history/{doc_id}").text)
        assert "gelöscht am" in text and "Aufbewahrungsfrist abgelaufen" in text and "umgeschrieben" not in text, text[-3000:]
    finally:
        st.close()
