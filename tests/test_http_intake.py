"""The HTTP intake API (issue 15) over real HTTP: ``ekte serve`` (uvicorn)
in a subprocess, a system account with an ``intake`` token, uploads
processed by the station's own pipeline; ``ekte watch`` on the same
working directory; SIGKILL after ``202`` and the spool taken up again; a
full disk under the spool (a real tmpfs) answered with 507, nothing kept."""

from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import time
from pathlib import Path

import httpx
import pikepdf
import pytest

from helpers import SAMPLES, fault_env, fill_until_full, mount_tmpfs, run_ekte, umount_tmpfs
from serve_helpers import start_server, start_watch, stop, token, wait_for


FINAL = {"exported", "review", "quarantined", "archived", "rejected"}
LIMIT = ["-o", "serve.max_upload_mb=1", "-o", "ocr.jobs=1"]


def add_users(wd: Path) -> None:
    wd.mkdir(parents=True, exist_ok=True)
    for name, role in (("robot", "intake"), ("anna", "clerk"), ("chef", "admin")):
        pw = wd.parent / f"{name}.pw"
        pw.write_text(f"{name}-geheim-1\n")
        run_ekte("users", "add", name, "--role", role, "-w", wd, "--password-file", pw, check=0)


@pytest.fixture(scope="module")
def api(tmp_path_factory, born_digital):
    base = tmp_path_factory.mktemp("httpapi")
    wd = base / "work"
    add_users(wd)
    server, url = start_server(wd, *LIMIT)
    pdfs, truth = born_digital
    st = {"wd": wd, "url": url, "base": base, "server": server, "log": base / "serve.log", "truth": truth,
          "pdfs": {t["file"]: pdfs / t["file"] for t in truth.values()}, "bot": token(wd, "robot", "intake")}
    yield st
    assert stop(st["server"]) == 0


def pdf(st, i: int) -> tuple[Path, dict]:
    rec = sorted(st["truth"].values(), key=lambda t: t["file"])[i]
    return st["pdfs"][rec["file"]], rec


def post(st, data: bytes, name: str = "antrag.pdf", meta: dict | None = None, headers: dict | None = None,
         auth: bool = True) -> httpx.Response:
    files = {"file": (name, data, "application/pdf")}
    form = {"metadata": json.dumps(meta)} if meta is not None else None
    h = {**(st["bot"] if auth else {}), **(headers or {})}
    return httpx.post(st["url"] + "/api/v1/documents", files=files, data=form, headers=h, timeout=60)


def settle(st, doc_id: str, timeout: float = 240, headers: dict | None = None) -> dict:
    """The document's status once settled, asked by its sender (*headers*: another account's token)."""
    got: dict = {}

    def done() -> bool:
        got.update(httpx.get(st["url"] + f"/api/v1/documents/{doc_id}", headers=headers or st["bot"],
                             timeout=30).json())
        return got.get("state") in FINAL - {"archived"} or (got.get("state") == "archived" and got.get("error"))

    wait_for(done, timeout, f"document {doc_id} to settle")
    return got


def journal_rows(wd: Path, sql: str, *args) -> list:
    db = sqlite3.connect(f"file:{wd / 'journal.sqlite'}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def test_upload_accepted_processed_and_exported(api):
    path, rec = pdf(api, 0)
    from ekte.pipeline.manual import CHECKS

    name = sorted(k for k in rec["fields"] if k != "aktenzeichen" and k not in CHECKS)[0]  # free text, not checked
    meta = {"doctype": rec["type"], "reference": "RPA-4711", "aktenzeichen": "AZ-API-1",
            "fields": {name: {"value": "vom Bot", "confidence": 0.9}}}
    r = post(api, path.read_bytes(), name="Antrag Mustermann.pdf", meta=meta)
    assert r.status_code == 202, r.text
    body = r.json()
    assert r.headers["location"] == f"/api/v1/documents/{body['id']}" == body["location"]
    assert body["state"] == "received" and body["id"] == body["sha256"][:16]
    got = settle(api, body["id"])
    assert got["state"] == "exported", got
    assert got["doctype"] == rec["type"] and got["confidence"] == 1.0 and got["reference"] == "RPA-4711"
    assert got["fields"]["aktenzeichen"]["value"] == "AZ-API-1"
    assert got["fields"][name]["value"] == "vom Bot"
    assert got["fields"][name]["confidence"] == 0.9 and got["fields"][name]["method"] == "intake"
    assert got["exports"] and got["error"] is None
    # the channel is counted, the provenance kept, the spool emptied
    ch = journal_rows(api["wd"], "SELECT detail FROM events WHERE doc_id=? AND stage='intake' AND event='channel'",
                      body["id"])
    assert ch == [("api",)]
    meta_json = next((api["wd"] / "archive").glob(f"*/{body['id']}/metadata.json"))
    prov = json.loads(meta_json.read_text("utf-8"))["provenance"]
    assert prov["reference"] == "RPA-4711" and prov["submitted_by"] == "robot" and prov["system"] == "api"
    assert not (api["wd"] / "api" / "spool" / body["id"]).exists()
    stats = httpx.get(api["url"] + "/api/v1/stats?by=channel", headers=token(api["wd"], "chef", "stats")).json()
    assert {r["channel"]: r["count"] for r in stats["rows"]} == {"api": 1}  # the only document so far
    # nothing of the upload in the server's log
    text = api["log"].read_text("utf-8", "replace")
    assert "Mustermann" not in text and "RPA-4711" not in text and "vom Bot" not in text


def test_without_doctype_it_is_classified(api):
    path, rec = pdf(api, 3)
    r = post(api, path.read_bytes())
    assert r.status_code == 202, r.text
    got = settle(api, r.json()["id"])
    # the station runs with classify.threshold=0.99: a classified document waits for review
    assert got["state"] == "review" and got["doctype"] == rec["type"], got


def _letter(path: Path, lines: list[str]) -> None:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", "", 11)
    for line in lines:
        doc.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    doc.output(str(path))


def test_a_given_doctype_settles_the_type_only(api):
    """fresh30 G13: a sender that gives only the type delivers no values: what ekte read
    itself is checked as any document's — a needed field missing, a date after receipt →
    review, not exported unchecked — while the type stays the sender's."""
    path = api["base"] / "belehrung.pdf"
    _letter(path, ["Landkreis Musterland - Gesundheitsamt", "Belehrung gemaess Paragraph 43 Infektionsschutzgesetz",
                   "Die Belehrung wurde muendlich und schriftlich erteilt.", "Antragsdatum: 07.01.2099"])
    r = post(api, path.read_bytes(), meta={"doctype": "ifsg_belehrung", "reference": "RPA-G13"})
    assert r.status_code == 202, r.text
    got = settle(api, r.json()["id"])
    assert got["state"] == "review" and not got["exports"], got  # main: exported unchecked
    assert got["doctype"] == "ifsg_belehrung" and got["confidence"] == 1.0
    reasons = json.loads((api["wd"] / "review" / f"{got['id']}.json").read_text("utf-8"))["fields"]
    assert "vorname: not found" in reasons and "nachname: not found" in reasons, reasons
    assert any(x.startswith("antragsdatum: date not possible") for x in reasons), reasons


def test_idempotent_by_bytes_and_by_key(api):
    a, _ = pdf(api, 5)
    b, _ = pdf(api, 6)
    first = post(api, a.read_bytes(), headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 202, first.text
    doc = first.json()["id"]
    again = post(api, a.read_bytes())  # same bytes, no key
    assert again.status_code == 200 and again.json()["id"] == doc
    assert again.headers["location"] == f"/api/v1/documents/{doc}"
    same_key = post(api, a.read_bytes(), headers={"Idempotency-Key": "k-1"})
    assert same_key.status_code == 200 and same_key.json()["id"] == doc
    # the caller's own retry is not a duplicate (ekte had the bytes only from this API): as GET says it
    assert [x.json()["duplicate"] for x in (first, again, same_key)] == [False, False, False]
    # the status by the whole id only: a prefix is 404 on the intake API (fresh42 F9: prefixes enumerated it)
    whole = httpx.get(api["url"] + f"/api/v1/documents/{doc}", headers=api["bot"], timeout=30)
    assert whole.status_code == 200 and whole.json()["id"] == doc and whole.json()["duplicate"] is False
    assert httpx.get(api["url"] + f"/api/v1/documents/{doc[:6]}", headers=api["bot"], timeout=30).status_code == 404
    other = post(api, b.read_bytes(), headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 409 and other.json()["id"] == doc
    # the key belongs to its user: another user's k-1 is a new key
    admin = {"Authorization": token(api["wd"], "chef", "intake")["Authorization"], "Idempotency-Key": "k-1"}
    theirs = httpx.post(api["url"] + "/api/v1/documents", files={"file": ("b.pdf", b.read_bytes())}, headers=admin)
    assert theirs.status_code == 202 and theirs.json()["id"] != doc
    settle(api, doc)
    settle(api, theirs.json()["id"], headers={"Authorization": admin["Authorization"]})  # only its sender may ask
    assert post(api, a.read_bytes()).status_code == 200  # still the same document once settled
    assert len(journal_rows(api["wd"], "SELECT id FROM documents WHERE id=?", doc)) == 1


def test_same_bytes_at_once_are_one_document(api):
    from concurrent.futures import ThreadPoolExecutor

    data = pdf(api, 7)[0].read_bytes()
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda i: post(api, data, headers={"Idempotency-Key": f"race-{i % 2}"}), range(4)))
    assert sorted(r.status_code for r in answers) == [200, 200, 200, 202]
    assert len({r.json()["id"] for r in answers}) == 1
    settle(api, answers[0].json()["id"])


def test_hostile_input(api):
    # not a document: quarantined with its reason
    r = post(api, b"\x7fELF\x02\x01\x01" + os.urandom(4000), name="tool.pdf")
    assert r.status_code == 202
    got = settle(api, r.json()["id"])
    assert got["state"] == "quarantined" and got["error"]["code"] == "unsupported_type", got
    assert (api["wd"] / "quarantine" / got["id"]).is_dir()
    # a PDF with JavaScript: archived without it
    src, rec = pdf(api, 8)
    hostile = api["base"] / "js.pdf"
    with pikepdf.open(src) as p:
        js = p.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
        p.Root.OpenAction = js
        p.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=pikepdf.Array(
            [pikepdf.String("x"), js])))
        p.save(hostile)
    r = post(api, hostile.read_bytes(), meta={"doctype": rec["type"]})
    assert r.status_code == 202
    got = settle(api, r.json()["id"])
    assert got["state"] == "exported", got
    folder = next((api["wd"] / "archive").glob(f"*/{got['id']}"))
    archived = [f for f in folder.glob("*.pdf") if not f.name.startswith("original")]
    assert archived
    for f in archived:
        with pikepdf.open(f) as p:
            assert "/OpenAction" not in p.Root and "/JavaScript" not in p.Root.get("/Names", {}), f.name
            assert b"app.alert" not in f.read_bytes()
    exported = list((api["wd"] / "export").glob(f"*/{got['id']}/*.pdf"))
    assert exported and all(b"app.alert" not in f.read_bytes() for f in exported)
    # the original is kept as it arrived (the proof of what was received), beside the clean archival PDF
    assert b"app.alert" in next(folder.glob("original*")).read_bytes()


def test_bad_requests(api):
    url = api["url"] + "/api/v1/documents"
    assert post(api, b"", name="leer.pdf").status_code == 422
    assert httpx.post(url, data={"metadata": "{}"}, files={"x": ("a", b"a")}, headers=api["bot"]).status_code == 422
    assert httpx.post(url, content=b"%PDF-1.4", headers=api["bot"]).status_code == 415
    mail = b"From: a@example.org\r\nSubject: Antrag\r\nMIME-Version: 1.0\r\n\r\nHallo\r\n"
    for name, ctype in (("antrag.eml", "application/octet-stream"), ("antrag", "message/rfc822")):  # fresh25 #4
        r = httpx.post(url, files={"file": (name, mail, ctype)}, headers=api["bot"])
        assert r.status_code == 415 and "attachment" in r.json()["detail"], r.text
    path, _ = pdf(api, 1)
    assert post(api, path.read_bytes(), meta={"doctype": "gibt-es-nicht"}).status_code == 422
    assert post(api, path.read_bytes(), meta={"unbekannt": 1}).status_code == 422
    assert post(api, path.read_bytes(), meta={"channel": "Bad Channel!"}).status_code == 422
    assert httpx.get(api["url"] + "/api/v1/documents/0123456789abcdef", headers=api["bot"]).status_code == 404
    assert httpx.get(api["url"] + "/api/v1/documents/..%2F..%2Fusers", headers=api["bot"]).status_code == 404
    assert not list((api["wd"] / "api" / "incoming").iterdir())


def test_an_email_message_under_another_name_is_refused_too(api):
    """One submission is one document: an e-mail (a Vorgang of body and
    attachments) is refused with 415 by what its bytes are, also under a
    document's name and type; nothing is kept."""
    import mail_files as mf

    raw = mf.raw(mf.message("Antrag", attachments=[("antrag.pdf", mf.pdf(), "application/pdf")]))
    for name, ctype in (("antrag.pdf", "application/pdf"), ("scan", "application/octet-stream")):
        r = httpx.post(api["url"] + "/api/v1/documents", files={"file": (name, raw, ctype)}, headers=api["bot"],
                       timeout=60)
        assert r.status_code == 415 and "intake.mail mailbox" in r.json()["detail"], r.text
    assert not list((api["wd"] / "api" / "incoming").iterdir())
    # a letter typed as plain text that begins like a header is a document as before
    r = post(api, b"From: Jana Weber\nBetreff: Antrag\n\nSehr geehrte Damen und Herren,\n", name="brief.txt")
    assert r.status_code == 202


def test_auth_failures(api):
    path, _ = pdf(api, 2)
    data = path.read_bytes()
    assert post(api, data, auth=False).status_code == 401
    assert post(api, data, headers={"Authorization": "Bearer ekte_00000000_" + "x" * 32}).status_code == 401
    assert post(api, data, headers=token(api["wd"], "anna", "review")).status_code == 403
    assert post(api, data, headers=token(api["wd"], "chef", "review")).status_code == 403  # scope, not role
    r = post(api, data)
    assert r.status_code == 202
    assert httpx.get(api["url"] + r.headers["location"], headers=token(api["wd"], "anna", "review")).status_code == 403
    # an intake account cannot use the clerk's API
    assert httpx.get(api["url"] + "/api/v1/review", headers=api["bot"]).status_code == 403
    settle(api, r.json()["id"])


def test_oversize_is_refused_without_reading_it(api):
    big = b"%PDF-1.4\n" + os.urandom(int(1.5 * 1024 * 1024))
    r = post(api, big, name="gross.pdf")
    assert r.status_code == 413
    # without a Content-Length (chunked): refused as the limit is passed
    boundary = "xyzzy"

    def chunks():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"g.pdf\"\r\n"
               "Content-Type: application/pdf\r\n\r\n").encode()
        for i in range(0, len(big), 65536):
            yield big[i:i + 65536]
        yield f"\r\n--{boundary}--\r\n".encode()

    try:
        r = httpx.post(api["url"] + "/api/v1/documents", content=chunks(), timeout=60,
                       headers={**api["bot"], "Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert r.status_code == 413
    except httpx.HTTPError:
        pass  # the server may close the connection while the client still sends: refused either way
    wait_for(lambda: not list((api["wd"] / "api" / "incoming").iterdir()), 10, "the partial upload to go")
    assert not list((api["wd"] / "api" / "spool").iterdir()) or all(
        (d / "document").stat().st_size < 1024 * 1024 for d in (api["wd"] / "api" / "spool").iterdir())


def test_openapi_schema(api):
    spec = httpx.get(api["url"] + "/api/v1/openapi.json").json()
    post_op = spec["paths"]["/api/v1/documents"]["post"]
    schema = post_op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["file"]["format"] == "binary"
    assert any(p["name"] == "Idempotency-Key" for p in post_op["parameters"])
    assert {"202", "200", "409", "413"} <= set(post_op["responses"])
    assert "get" in spec["paths"]["/api/v1/documents/{doc_id}"]


def test_a_deleted_document_says_so_and_comes_back_only_through_review(api):
    """After ``ekte retention delete``: GET answers ``deleted`` (when, and a
    reason code — nothing personal), so a polling loop ends; the submission
    record and the Idempotency-Key are gone with the document; the same
    bytes sent again are a new submission that goes to a clerk's review."""
    path, rec = pdf(api, 11)
    # the sender's values (not checked): with the type alone, ekte's own values are (fresh30 G13)
    from ekte.profile import load_profile

    prof = load_profile()
    needed = prof.doctypes[rec["type"]].required or prof.extract.required
    given = {k: rec["fields"][k] for k in needed if k in rec["fields"] and k != "aktenzeichen"}
    r = post(api, path.read_bytes(), meta={"doctype": rec["type"], "reference": "RPA-DEL-1", "fields": given},
             headers={"Idempotency-Key": "del-1"})
    assert r.status_code == 202, r.text
    doc = r.json()["id"]
    assert settle(api, doc)["state"] == "exported"
    keys = list((api["wd"] / "api" / "keys").glob("*.json"))
    p = run_ekte("retention", "delete", doc, "-w", api["wd"], "--reason", "retention_ended", "--force", "--json",
                 check=0)
    removed = json.loads(p.stdout)["documents"][0]["removed"]
    assert f"api/docs/{doc}.json" in removed and not (api["wd"] / "api" / "docs" / f"{doc}.json").exists()
    assert [k for k in keys if not k.exists()] and any(x.startswith("api/keys/") for x in removed)
    got = httpx.get(api["url"] + f"/api/v1/documents/{doc}", headers=api["bot"], timeout=30)
    assert got.status_code == 200 and got.json()["state"] == "deleted", got.text
    body = got.json()
    assert body["reason_code"] == "deleted_early" and body["deleted"][:4].isdigit()
    assert "RPA-DEL-1" not in got.text and "Frist" not in got.text  # nothing the caller or the clerk wrote
    by_prefix = httpx.get(api["url"] + f"/api/v1/documents/{doc[:6]}", headers=api["bot"], timeout=30)
    assert by_prefix.status_code == 404, by_prefix.text  # the whole id only on the intake API (fresh42 F9)
    again = post(api, path.read_bytes(), headers={"Idempotency-Key": "del-1"})
    assert again.status_code == 202 and again.json()["id"] == doc and again.json()["state"] == "received"
    back = settle(api, doc)
    assert back["state"] == "review", back  # not silently archived and exported again: a clerk decides


def test_watch_on_the_same_workdir_processes_it_once(api):
    """The same bytes dropped into the daemon's inbox and uploaded at once:
    one document, archived and exported once."""
    path, rec = pdf(api, 10)
    inbox = api["base"] / "inbox"
    watch = start_watch(inbox, api["wd"])
    try:
        (inbox / "antrag.pdf").write_bytes(path.read_bytes())
        r = post(api, path.read_bytes(), meta={"doctype": rec["type"]})
        assert r.status_code in (200, 202), r.text
        doc = r.json()["id"]
        got = settle(api, doc)
        wait_for(lambda: not (inbox / "antrag.pdf").exists(), 240, "the daemon to take the inbox file")
        time.sleep(2)
    finally:
        assert stop(watch) == 0
    assert got["state"] in ("exported", "review")
    assert len(journal_rows(api["wd"], "SELECT id FROM documents WHERE id=?", doc)) == 1
    archived = journal_rows(api["wd"], "SELECT count(*) FROM events WHERE doc_id=? AND stage='archive' "
                            "AND event='archived'", doc)[0][0]
    assert archived == 1
    assert len(journal_rows(api["wd"], "SELECT connector FROM exports WHERE doc_id=?", doc)) <= 1
    assert not (api["wd"] / "api" / "spool" / doc).exists()


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_spool_taken_up_after_sigkill(tmp_path, born_digital, monkeypatch):
    wd = tmp_path / "work"
    add_users(wd)
    # the first server's worker is slow (30 s after OCR), so the kill comes while the document is in flight
    for k, v in fault_env({"EKTE_FAULTS": "after_ocr:sleep::30"}).items():
        monkeypatch.setenv(k, v)
    server, url = start_server(wd, *LIMIT, "--plugin", "ekte_faults", log=tmp_path / "serve1.log")
    monkeypatch.delenv("EKTE_FAULTS")
    bot = token(wd, "robot", "intake")
    pdfs, truth = born_digital
    rec = sorted(truth.values(), key=lambda t: t["file"])[12]
    r = httpx.post(url + "/api/v1/documents", files={"file": ("a.pdf", (pdfs / rec["file"]).read_bytes())},
                   data={"metadata": json.dumps({"doctype": rec["type"]})}, headers=bot)
    assert r.status_code == 202
    time.sleep(3)  # in the worker by now
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    doc = r.json()["id"]
    state = journal_rows(wd, "SELECT state FROM documents WHERE id=?", doc)
    assert (wd / "api" / "spool" / doc / "document").is_file() and state in ([], [("received",)])
    server, url = start_server(wd, *LIMIT, log=tmp_path / "serve2.log")
    try:
        st = {"url": url, "bot": bot}
        again = httpx.post(url + "/api/v1/documents", headers=bot,
                           files={"file": ("a.pdf", (pdfs / rec["file"]).read_bytes())})
        assert again.status_code == 200 and again.json()["id"] == doc
        got = settle(st, doc)
        assert got["state"] == "exported", got
        assert not (wd / "api" / "spool" / doc).exists()
        assert len(journal_rows(wd, "SELECT id FROM documents WHERE id=?", doc)) == 1
    finally:
        assert stop(server) == 0


@pytest.fixture
def spool_fs(tmp_path):
    """The spool (``<workdir>/api``) on a small tmpfs of its own: a real ENOSPC."""
    wd = tmp_path / "work"
    add_users(wd)
    mnt = wd / "api"
    mnt.mkdir()
    mount_tmpfs(mnt, "2m")
    yield wd
    umount_tmpfs(mnt)


def _spool_files(wd: Path) -> list[str]:
    return sorted(str(p.relative_to(wd / "api")) for p in (wd / "api").rglob("*")
                  if p.is_file() and p.name not in ("filler", ".lock"))


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_full_disk_answers_507_and_keeps_nothing(spool_fs):
    wd = spool_fs
    server, url = start_server(wd, *LIMIT, log=wd.parent / "serve.log")
    try:
        bot = token(wd, "robot", "intake")
        data = (SAMPLES / "inbox" / "scan-ifsg_belehrung-001-png.png").read_bytes()  # more than the write buffer
        small = b"Antrag auf Erteilung einer Erlaubnis zur Tierhaltung.\n" * 20  # below it: fails at the flush
        assert len(data) > 16384 and len(small) < 4096
        filler = fill_until_full(wd / "api")
        for body in (data, small):  # refused while it streams in / when it is flushed at the end
            r = httpx.post(url + "/api/v1/documents", files={"file": ("antrag-müller.png", body)},
                           headers={**bot, "Idempotency-Key": "k-1"}, timeout=60)
            assert r.status_code == 507, r.text
            detail = r.json()["detail"]
            assert "no space left" in detail and "\n" not in detail
            assert str(wd) not in detail and "müller" not in detail and "/" not in detail
            assert _spool_files(wd) == []  # nothing half-written: no upload, no spool entry, record or key
        filler.unlink()
        r = httpx.post(url + "/api/v1/documents", files={"file": ("antrag-müller.png", data)},
                       headers={**bot, "Idempotency-Key": "k-1"}, timeout=60)
        assert r.status_code == 202, r.text
        assert settle({"url": url, "bot": bot}, r.json()["id"])["state"] in FINAL
    finally:
        assert stop(server) == 0
    log = (wd.parent / "serve.log").read_text()
    assert "Traceback" not in log and "müller" not in log and "disk_full" in log


def test_spool_takes_back_what_it_wrote_when_the_last_write_fails(spool_fs):
    """The upload fits, its status record and key fit, the spool entry does
    not: the record and the key are removed again (a real ENOSPC)."""
    from ekte.pipeline.spool import Spool

    wd = spool_fs
    spool = Spool(wd)
    filler = fill_until_full(wd / "api")
    os.truncate(filler, filler.stat().st_size // 4096 * 4096 - 65536)
    fs = os.statvfs(wd / "api")
    room = fs.f_bavail * fs.f_frsize
    up = spool.upload()
    up.write(os.urandom(room - 2 * 4096))  # leaves a page for the record and one for the key
    sha = up.close()
    with pytest.raises(OSError) as e:
        spool.accept(up, sha, {"source": "api:x"}, {"received": "now", "user": "robot"}, user="robot", key="k-9",
                     known=lambda s: False)
    assert e.value.errno == errno.ENOSPC
    assert _spool_files(wd) == []
    filler.unlink()
    up = spool.upload()
    up.write(b"%PDF-1.4 small")
    sha = up.close()
    got = spool.accept(up, sha, {}, {"received": "now"}, user="robot", key="k-9", known=lambda s: False)
    key = spool.key_file("robot", "k-9").name
    assert got.created and _spool_files(wd) == sorted([f"docs/{got.id}.json", f"keys/{key}", f"spool/{got.id}/document",
                                                       f"spool/{got.id}/meta.json"])
