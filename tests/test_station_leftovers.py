"""Low-severity station defects of earlier reviews (lows36), over real HTTP (``ekte serve`` in a subprocess): a
journal held busy by another process, a form sent after the session ended, a type change's dropped fields."""

from __future__ import annotations

import sqlite3
import time

import httpx
import pytest

from serve_helpers import born_pdfs, make_workdir, queue_ids, start_server, stop, token


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
    body = r.json()
    assert body["code"] == "journal_busy" and "30 s" in body["detail"], body
    assert body["message"] == ("Das Journal ist belegt: ein anderer ekte-Prozess hat es länger als 30 s gehalten. "
                               "Bitte gleich noch einmal versuchen."), body
    assert _state(wd, doc) == "review"
    log = station["log"].read_text()
    assert "internal error" not in log and "journal busy" in log, log[-2000:]

