"""The station and its HTTP intake against fresh42's findings, over real HTTP (``ekte serve`` in a subprocess):
a non-ASCII CSRF value is a wrong token (403), not an internal error (F7); an intake account reads only what it
submitted, by the whole id (F9); statistics refuse a year out of range (F8); ``reference`` takes no control or
bidi characters (F5); the JSON API asks who is asking before it reads the body (F1); a body of many parts is
refused at the first surplus part (F4); a logout ends the session for every copy of its cookie (F2)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from helpers import run_ekte
from serve_helpers import PASSWORDS, csrf_of, login, start_server, stop, token

BOTS = ("portal", "fachverfahren")


@pytest.fixture(scope="module")
def st(tmp_path_factory):
    base = tmp_path_factory.mktemp("hardening")
    wd = base / "work"
    wd.mkdir()
    users = {**PASSWORDS, **{b: ("intake", f"{b}-geheim-1") for b in BOTS}}
    for name, (role, pw) in users.items():
        (base / f"{name}.pw").write_text(pw + "\n")
        run_ekte("users", "add", name, "--role", role, "-w", wd, "--password-file", base / f"{name}.pw", check=0)
    log = base / "serve.log"
    server, url = start_server(wd, "-v", log=log)
    try:
        yield {"wd": wd, "url": url, "base": base, "log": log,
               **{b: token(wd, b, "intake") for b in BOTS}}
    finally:
        assert stop(server) == 0


def _pdf(text: str) -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
            + f"4 0 obj<</Length {len(body)}>>stream\n".encode() + body + b"\nendstream endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _submit(st, bot: str, data: bytes, meta: dict | None = None) -> httpx.Response:
    form = {"metadata": json.dumps(meta)} if meta is not None else None
    return httpx.post(st["url"] + "/api/v1/documents", files={"file": ("antrag.pdf", data, "application/pdf")},
                      data=form, headers=st[bot], timeout=60)


def test_a_non_ascii_csrf_value_is_a_wrong_token_not_an_internal_error(st):
    with httpx.Client(base_url=st["url"], timeout=60) as c:  # anonymous, on the login form
        c.get("/login")
        r = c.post("/login", data={"username": "anna", "password": "x", "csrf": "ü"})
        assert r.status_code == 403, r.text[:300]
    anna = login(st["url"], "anna")
    r = anna.post("/logout", data={"csrf": "ü\u202e"})
    assert r.status_code == 403
    r = anna.post("/api/v1/review/0123456789abcdef/defer", json={}, headers={"X-CSRF-Token": "ü".encode()})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"], r.text
    assert anna.get("/review").status_code == 200  # still logged in: nothing happened
    assert "internal error" not in st["log"].read_text()


def test_an_intake_account_reads_only_what_it_submitted_by_the_whole_id(st):
    r = _submit(st, "portal", _pdf("Antrag Weber"), {"reference": "P-1"})
    assert r.status_code == 202, r.text
    doc = r.json()["id"]
    url = st["url"] + "/api/v1/documents/"
    mine = httpx.get(url + doc, headers=st["portal"], timeout=30)
    assert mine.status_code == 200 and mine.json()["reference"] == "P-1"
    theirs = httpx.get(url + doc, headers=st["fachverfahren"], timeout=30)
    never = httpx.get(url + "0123456789abcdef", headers=st["fachverfahren"], timeout=30)
    assert theirs.status_code == never.status_code == 404  # not told apart from an id never submitted
    assert theirs.json()["detail"] == never.json()["detail"]
    for short in (doc[:4], doc[:12], doc[:15]):  # no prefixes on the intake API, not even for its own sender
        assert httpx.get(url + short, headers=st["portal"], timeout=30).status_code == 404
    # whoever sends the same bytes may ask about them too (it has them), and sees the same id
    again = _submit(st, "fachverfahren", _pdf("Antrag Weber"))
    assert again.status_code == 200 and again.json()["id"] == doc
    seen = httpx.get(url + doc, headers=st["fachverfahren"], timeout=30)
    assert seen.status_code == 200 and seen.json()["reference"] is None  # the first sender's reference is its own
    assert httpx.get(url + doc, headers=st["portal"], timeout=30).status_code == 200


def test_statistics_refuse_a_year_out_of_range(st):
    vera = login(st["url"], "vera")
    for q in ("since=0001-01-01", "until=9999-12-31", "since=01.01.0001"):
        r = vera.get("/api/v1/stats?" + q)
        assert r.status_code == 400, (q, r.status_code, r.text[:300])
        assert vera.get("/stats?" + q).status_code == 400
    assert vera.get("/api/v1/stats?since=1900-01-01&until=2999-12-31").status_code == 200
    for opt in (["--since", "0001-01-01"], ["--until", "9999-12-31"]):
        p = run_ekte("stats", "-w", st["wd"], *opt, check=2)
        assert len(p.stderr.strip().splitlines()) == 1 and "internal" not in p.stderr, p.stderr
    assert "internal error" not in st["log"].read_text()


@pytest.mark.parametrize("reference", ["a\r\nSet-Cookie: x=1", "a\x00b", "Akte \u202eFDP.exe", "a\x85b"])
def test_reference_takes_no_control_or_bidi_characters(st, reference):
    r = _submit(st, "portal", _pdf(f"Referenz {len(reference)}"), {"reference": reference})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "metadata.reference", r.text
    assert not list((st["wd"] / "api" / "incoming").iterdir())


def test_the_json_api_asks_who_is_asking_before_it_reads_the_body(st):
    url = st["url"] + "/api/v1/review/0123456789abcdef/defer"
    anon = httpx.post(url, content=b'{"until": "x"}', headers={"Content-Type": "text/plain"}, timeout=30)
    assert anon.status_code == 401, anon.text
    assert httpx.post(url, content=b"{not json", headers={"Content-Type": "application/json"},
                      timeout=30).status_code == 401
    anna = login(st["url"], "anna")
    no_csrf = anna.post(url, content=b'{"until": "x"}', headers={"Content-Type": "text/plain"})
    assert no_csrf.status_code == 403, no_csrf.text
    # with the token: the body is read and refused as before
    bad = anna.post(url, json={"until": "x"}, headers={"X-CSRF-Token": _csrf(anna)})
    assert bad.status_code == 422


def _csrf(client: httpx.Client) -> str:
    return csrf_of(client.get("/review").text)


def test_many_parts_are_refused_at_the_first_surplus_part(st):
    boundary = "b0undary"
    junk = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="junk{i}"\r\n\r\n\r\n' for i in range(5000))
    body = (junk + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n").encode() + _pdf("viele Teile") + f"\r\n--{boundary}--\r\n".encode()
    r = httpx.post(st["url"] + "/api/v1/documents", content=body, timeout=60,
                   headers={**st["portal"], "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413 and "parts" in r.json()["detail"], r.text
    assert not list((st["wd"] / "api" / "incoming").iterdir())


def test_logout_ends_every_copy_of_the_session(st, tmp_path: Path):
    anna = login(st["url"], "anna")
    copy = httpx.Client(base_url=st["url"], follow_redirects=False, timeout=60, cookies=dict(anna.cookies))
    assert copy.get("/review").status_code == 200
    assert anna.post("/logout", data={"csrf": _csrf(anna)}).status_code == 303
    r = copy.get("/review")  # the copy kept before the logout
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert copy.get("/api/v1/me").status_code == 401
    other = login(st["url"], "anna")  # another session of the same user is not touched
    assert other.get("/review").status_code == 200
