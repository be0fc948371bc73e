"""The station's quarantine over real HTTP (``ekte serve``, uvicorn in a
subprocess): a retry shows its real outcome to the clerk, in German —
back in quarantine with its reason, in the review queue, or stopped by a
full disk (the working directory's scratch space on a real tmpfs) —, in
the API and in the history; one download of the original for the page and
the API, never through a link placed in the quarantine."""

from __future__ import annotations

import html
import os
import sqlite3
from pathlib import Path

import httpx
import pytest

from helpers import SAMPLES, fill_until_full, mount_tmpfs, umount_tmpfs
from serve_helpers import csrf_of, login, make_workdir, reject_and_retry, start_server, stop, token, wait_for

BROKEN = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF broken"


@pytest.fixture(scope="module")
def st(tmp_path_factory):
    base = tmp_path_factory.mktemp("quarantine")
    wd = base / "work"
    (base / "files").mkdir()
    (base / "files" / "kaputt.pdf").write_bytes(BROKEN)
    make_workdir(wd, sorted(SAMPLES.glob("inbox/*-pdf.pdf"))[:2] + [base / "files" / "kaputt.pdf"])
    scratch = wd / "tmp"  # every process's scratch space: on a small file system of its own
    scratch.mkdir(exist_ok=True)
    mount_tmpfs(scratch, "8m")
    server, url = start_server(wd)
    try:
        yield {"wd": wd, "url": url, "base": base, "scratch": scratch}
    finally:
        assert stop(server) == 0
        umount_tmpfs(scratch)


def _rows(st, sql: str, *args) -> list:
    db = sqlite3.connect(f"file:{st['wd'] / 'journal.sqlite'}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def _in(st, state: str) -> list[str]:
    return [r[0] for r in _rows(st, "SELECT id FROM documents WHERE state=? ORDER BY id", state)]


def _outcome(st, doc: str) -> dict:
    h = token(st["wd"], "chef", "quarantine")
    got: dict = {}

    def done() -> bool:
        r = httpx.get(st["url"] + f"/api/v1/quarantine/{doc}/retry", headers=h, timeout=30)
        got.update(r.json())
        return r.status_code == 200 and not got["running"]

    wait_for(done, 240, f"the retry of {doc}")
    return got


def _page_text(c: httpx.Client) -> str:
    return html.unescape(c.get("/quarantine").text)


def test_retry_back_in_quarantine_with_its_reason(st):
    doc = _in(st, "quarantined")[0]
    admin = login(st["url"], "chef")
    r = admin.post(f"/quarantine/{doc}/retry", data={"csrf": csrf_of(admin.get("/quarantine").text)})
    assert r.status_code == 303
    got = _outcome(st, doc)
    assert (got["outcome"], got["code"], got["state"], got["exit_code"]) == ("quarantined", "broken_pdf",
                                                                              "quarantined", 1), got
    want = f"Dokument {doc} wurde erneut verarbeitet und ist wieder in der Quarantäne: Das PDF ist beschädigt"
    assert got["text"].startswith(want) and want in _page_text(admin)
    events = _rows(st, "SELECT event, actor, detail FROM events WHERE doc_id=? AND stage='quarantine'", doc)
    assert [e[:2] for e in events[-2:]] == [("retry", "chef"), ("retry-finished", "system: ekte serve")]
    assert "\"exit\": 1" in events[-1][2] and "broken_pdf" in events[-1][2]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_retry_into_the_review_queue(st):
    doc = _in(st, "review")[0]
    h = token(st["wd"], "anna", "review")
    r = httpx.post(st["url"] + f"/api/v1/review/{doc}/reject", json={"reason": "unreadable"}, headers=h)
    assert r.json()["state"] == "quarantined"
    adm = token(st["wd"], "chef", "quarantine")
    r = httpx.post(st["url"] + f"/api/v1/quarantine/{doc[:6]}/retry", headers=adm)  # a prefix: the whole id back
    assert r.status_code == 202 and r.json() == {"id": doc, "retry": "started",
                                                 "location": f"/api/v1/quarantine/{doc}/retry"}, r.json()
    got = _outcome(st, doc)
    assert (got["outcome"], got["state"]) == ("review", "review"), got
    assert got["text"] == f"Dokument {doc} wurde erneut verarbeitet und liegt jetzt im Prüfkorb."
    en = httpx.get(st["url"] + f"/api/v1/quarantine/{doc}/retry", headers={**adm, "Accept-Language": "en"}).json()
    assert en["text"] == f"Document {doc} was processed again and waits in the review queue."


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_retry_on_a_full_disk_names_the_cause(st):
    doc = _in(st, "review")[0]
    h = token(st["wd"], "anna", "review")
    assert httpx.post(st["url"] + f"/api/v1/review/{doc}/reject", json={"reason": "unreadable"},
                      headers=h).json()["state"] == "quarantined"
    live = [d for d in st["scratch"].iterdir() if d.is_dir()]  # the station's own scratch folder: kept by others
    assert len(live) == 1
    filler = fill_until_full(live[0])
    try:
        admin = login(st["url"], "chef")
        admin.post(f"/quarantine/{doc}/retry", data={"csrf": csrf_of(admin.get("/quarantine").text)})
        got = _outcome(st, doc)
    finally:
        filler.unlink()
    # the retry's copy goes to the station's scratch in the working directory (fresh35 F12): on this full disk
    # the retry fails before its ingest starts (no exit code), the cause named alike
    assert (got["outcome"], got["code"], got["exit_code"], got["state"]) == ("failed", "disk_full", None,
                                                                              "quarantined"), got
    want = (f"Die erneute Verarbeitung von Dokument {doc} wurde abgebrochen: auf dem Speicher des Servers ist kein "
            "Platz mehr frei. Es bleibt in der Quarantäne")
    assert got["text"].startswith(want) and want in _page_text(admin)
    assert str(st["wd"]) not in got["text"]
    assert _in(st, "quarantined").count(doc) == 1 and not list(live[0].glob("retry-*"))  # no copy left
    events = [e[0] for e in _rows(st, "SELECT event FROM events WHERE doc_id=? AND stage='quarantine'", doc)]
    assert events[-2:] == ["retry", "retry-finished"]
    adm = token(st["wd"], "chef", "quarantine")  # room again: the next retry goes through
    assert httpx.post(st["url"] + f"/api/v1/quarantine/{doc}/retry", headers=adm).status_code == 202
    assert _outcome(st, doc)["outcome"] == "review"


def test_one_download_of_the_original(st):
    doc = next(d for d in _in(st, "quarantined") if (st["wd"] / "quarantine" / d / "reason.json").is_file())
    original = next(p for p in (st["wd"] / "quarantine" / doc).glob("original*"))
    admin = login(st["url"], "chef")
    adm = token(st["wd"], "chef", "quarantine")
    page = admin.get(f"/quarantine/{doc}/original")
    api = httpx.get(st["url"] + f"/api/v1/quarantine/{doc}/original", headers=adm)
    for r in (page, api):
        assert r.status_code == 200 and r.content == original.read_bytes()
        assert f'filename="{doc}{original.suffix or ".bin"}"' in r.headers["content-disposition"]
    data = original.read_bytes()
    original.unlink()
    try:
        os.symlink("/etc/passwd", original)  # a link placed in the quarantine is never followed
        for gone in ("link", "missing"):
            page = admin.get(f"/quarantine/{doc}/original")
            api = httpx.get(st["url"] + f"/api/v1/quarantine/{doc}/original", headers=adm)
            assert page.status_code == api.status_code == 404, gone
            assert "Die Quarantäne enthält kein Original dieses Dokuments." in html.unescape(page.text)
            assert api.json()["detail"] == "Die Quarantäne enthält kein Original dieses Dokuments."
            assert "root:" not in page.text + api.text
            original.unlink(missing_ok=True)
    finally:
        Path(original).unlink(missing_ok=True)
        original.write_bytes(data)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_retry_that_exports_closes_the_entry_and_a_rebuild_keeps_it_exported(tmp_path):
    """fresh29 F8, F3: after a retry that archived and exported the document its quarantine entry stayed
    (another copy of the original outside the archive), and ``ekte journal rebuild`` put the exported document
    back into quarantine; the retry's history event said "archiviert (Export offen)" of an exported one."""
    import shutil

    from helpers import run_ekte

    wd = tmp_path / "work"
    make_workdir(wd, [SAMPLES / "inbox" / "waffen_antrag-005-pdf.pdf"])  # in the Prüfkorb (threshold 0.99)
    doc = _rows({"wd": wd}, "SELECT id FROM documents")[0][0]
    server, url = start_server(wd, "-o", "classify.threshold=0.5")  # the retry archives and exports it
    try:
        h = token(wd, "anna", "review")
        r = httpx.post(url + f"/api/v1/review/{doc}/reject", json={"reason": "unreadable"}, headers=h)
        assert r.json()["state"] == "quarantined" and (wd / "quarantine" / doc / "reason.json").is_file()
        assert httpx.post(url + f"/api/v1/quarantine/{doc}/retry",
                          headers=token(wd, "chef", "quarantine")).status_code == 202
        got = _outcome({"wd": wd, "url": url}, doc)
    finally:
        assert stop(server) == 0
    assert (got["outcome"], got["state"]) == ("archived", "exported"), got
    st = {"wd": wd}
    assert _rows(st, "SELECT state FROM documents WHERE id=?", doc) == [("exported",)]
    assert not (wd / "quarantine" / doc).exists()  # the archive holds the original: no second copy
    events = _rows(st, "SELECT event, detail FROM events WHERE doc_id=? AND stage='quarantine'", doc)
    assert [e[0] for e in events][-3:] == ["retry", "closed", "retry-finished"], events
    assert '"code": "rejected"' in events[-2][1] and '"state": "exported"' in events[-1][1], events
    shown = run_ekte("history", doc, "-w", wd, check=0, env={"EKTE_LANG": "de", "COLUMNS": "250"}).stdout
    assert "Quarantäne-Eintrag geschlossen" in shown and "Export offen" not in shown, shown
    copy = tmp_path / "copy"  # the rebuilt journal: exported content is no quarantine
    shutil.copytree(wd, copy)
    run_ekte("journal", "rebuild", "-w", copy, "--force", check=0)
    rebuilt = _rows({"wd": copy}, "SELECT state FROM documents WHERE id=?", doc)
    assert rebuilt in ([("archived",)], [("exported",)]), rebuilt


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_station_stopped_during_a_retry_records_its_end_and_leaves_no_copy(tmp_path, monkeypatch):
    """fresh35 F12: ``ekte serve`` stopped while a retry ran left the copy of the original in /tmp/ekte-retry-*
    (outside the working directory: no retention delete reaches it) and no ``retry-finished`` in the history.
    Now the copy lives in the station's scratch inside the working directory, and the shutdown waits for the
    retry's end to be recorded."""
    outside = tmp_path / "systmp"  # the server's TMPDIR: nothing of the retry may land there
    outside.mkdir()
    monkeypatch.setenv("TMPDIR", str(outside))
    wd = tmp_path / "work"
    make_workdir(wd, [SAMPLES / "inbox" / "tierhaltung-006-pdf.pdf"])
    doc = _rows({"wd": wd}, "SELECT id FROM documents")[0][0]
    server, url = start_server(wd)
    try:
        reject_and_retry(url, wd, doc)
        copies = list((wd / "tmp").rglob("tierhaltung-006-pdf.pdf"))  # the copy: inside the working directory
    finally:
        assert stop(server) == 0
    assert copies and not list(outside.rglob("tierhaltung-006-pdf.pdf")), copies
    assert not list((wd / "tmp").rglob("tierhaltung-006-pdf.pdf"))
    events = _rows({"wd": wd}, "SELECT event, detail FROM events WHERE doc_id=? AND stage='quarantine'", doc)
    assert [e[0] for e in events][-2:] == ["retry", "retry-finished"], events
