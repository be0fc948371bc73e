"""CMIS answers that are not what the Browser Binding gives, and TLS with a
county's own CA (fresh37 F7, F12, F13): the real connector against the test
server (tests/cmis_server.py), behind a real TLS socket with a certificate
made by openssl."""

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from cmis_server import CmisServer, Repo
from helpers import run_ekte
from test_cmis import PW_ENV, cmis_args, ingest


@pytest.fixture
def docs(born_digital, tmp_path):
    src, _ = born_digital
    d = tmp_path / "in"
    d.mkdir()
    for f in sorted(src.glob("*.pdf"))[:2]:
        (d / f.name).write_bytes(f.read_bytes())
    return d


def _cmis_rows(wd: Path) -> list:
    db = sqlite3.connect(wd / "journal.sqlite")
    try:
        return db.execute("SELECT location FROM exports WHERE connector='cmis'").fetchall()
    finally:
        db.close()


def test_created_without_an_object_is_not_exported_and_retried_without_duplicates(docs, tmp_path):
    """F12: "201 {}" is a failed (transient) create — never ``cmis:None``; asked again, the hash query
    finds what the server did store, so nothing is there twice."""
    repo = Repo()
    repo.faults = [{"action": "createDocument", "status": 201, "body": b"{}", "times": 99}]
    wd = tmp_path / "wd"
    with CmisServer(repo) as srv:
        res = ingest(docs, *cmis_args(srv.url, wd, "-o", "export.retries=1", "-o", "export.retry_delay=0"), check=1)
        assert {d["status"] for d in res["documents"]} == {"export_failed"}
        assert all("without the new object" in d["error"]["message"] for d in res["documents"])
        assert _cmis_rows(wd) == [] and not repo.documents()
        # stored by the server, but answered with an empty object: the retry's hash query finds it
        repo.faults = [{"action": "createDocument", "blank": True, "times": 99}]
        p = run_ekte("export", "--all", *cmis_args(srv.url, wd), "--json", env=PW_ENV)
        out = json.loads(p.stdout)
        assert p.returncode == 0, p.stderr[-2000:]
        assert {d["export_results"]["cmis"] for d in out["documents"]} == {"already-exported"}
        assert "note: already-exported" not in p.stderr  # F3: the server said so, not the journal
    shas = [o["props"]["ekte:sha256"] for o in repo.documents()]
    assert len(shas) == len(set(shas)) == 2
    assert all(loc[0].startswith("cmis:") and "None" not in loc[0] for loc in _cmis_rows(wd))
    assert {r[0] for r in sqlite3.connect(wd / "journal.sqlite").execute("SELECT state FROM documents")} == {"exported"}


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_login_page_a_missing_type_and_an_ftp_url_are_named(docs, tmp_path):
    """F13: one line an admin can act on, not "JSONDecodeError" or a bare 404; ftp:// is a usage error."""
    repo = Repo()
    repo.faults = [{"action": "*", "status": 200, "body": b"<html><body>Anmelden</body></html>",
                   "ctype": "text/html; charset=utf-8", "times": 99}]
    with CmisServer(repo) as srv:
        res = ingest(docs, *cmis_args(srv.url, tmp_path / "wd"), check=1)
        msgs = {d["error"]["message"] for d in res["documents"]}
        assert all("HTML page (text/html)" in m and "connectors.cmis.url" in m for m in msgs), msgs
        repo.faults = []
        res = ingest(docs, *cmis_args(srv.url, tmp_path / "wd2", "-o", "connectors.cmis.secondary_type=foo:bar"),
                     check=1)
        assert all("no type foo:bar" in d["error"]["message"] for d in res["documents"])
        res = ingest(docs, *cmis_args(srv.url.replace("/cmis/browser", "/nix"), tmp_path / "wd3"), check=1)
        assert all("nothing at connectors.cmis.url (404)" in d["error"]["message"] for d in res["documents"])
    p = run_ekte("ingest", docs, *cmis_args("ftp://127.0.0.1/cmis", tmp_path / "wd4"), env=PW_ENV)
    assert p.returncode == 2 and "http:// or https://" in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "dms.crt", folder / "dms.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=dms.landkreis.test", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key,
                    "-out", cert], check=True, capture_output=True)
    return cert, key


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_https_with_the_countys_own_ca(docs, tmp_path):
    """F7: a certificate the system does not trust is named as such (not "permission denied", exit 1 with
    export_failed, not retried); with ``ca_file`` the same server is used; a missing ca_file is exit 2."""
    cert, key = _self_signed(tmp_path)
    repo = Repo()
    srv = CmisServer(repo, tls=(cert, key))
    url = srv.url
    assert url.startswith("https://")
    wd = tmp_path / "wd"
    with srv:
        res = ingest(docs, *cmis_args(url, wd), check=1)
        for d in res["documents"]:
            m = d["error"]["message"]
            assert d["status"] == "export_failed" and "permission" not in m, m
            assert f"the certificate of https://127.0.0.1:{srv.server_address[1]} is not trusted" in m, m
            assert "connectors.cmis.ca_file" in m
        db = sqlite3.connect(wd / "journal.sqlite")
        assert db.execute("SELECT COUNT(*) FROM events WHERE event='retry'").fetchone()[0] == 0
        db.close()
        p = run_ekte("export", "--all", *cmis_args(url, wd, "-o", f"connectors.cmis.ca_file={tmp_path}/nix.pem"),
                     env=PW_ENV)
        assert p.returncode == 2 and "connectors.cmis.ca_file" in p.stderr, p.stderr
        p = run_ekte("export", "--all", *cmis_args(url, wd, "-o", f"connectors.cmis.ca_file={cert}"), "--json",
                     env=PW_ENV)
        assert p.returncode == 0, p.stderr[-2000:]
        assert {d["export_results"]["cmis"] for d in json.loads(p.stdout)["documents"]} == {"exported"}
        # https:// to a plain-HTTP port
    with CmisServer(Repo()) as plain:
        res = ingest(docs, *cmis_args(plain.url.replace("http://", "https://"), tmp_path / "wd2"), check=1)
        assert all("does not speak TLS" in d["error"]["message"] for d in res["documents"])
    assert len(repo.documents()) == 2
