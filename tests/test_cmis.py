"""CMIS 1.1 Browser Binding: the test server (tests/cmis_server.py) checked
against the recorded traffic of a real server and against cmislib 0.7.0;
ekte's connector against the server, including its failures."""

import hashlib
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from cmislib import CmisClient
from cmislib.browser.binding import BrowserBinding
from cmislib.exceptions import ObjectNotFoundException, PermissionDeniedException, UpdateConflictException

from cmis_server import CmisServer, Repo
from helpers import SHARED, ingest_json, run_ekte

CAPTURES = SHARED / "cmis-captures" / "browser-binding"
PW_ENV = {"EKTE_CMIS_PW": "s3cret"}


def capture_json(name: str):
    text = (CAPTURES / name).read_text("utf-8", errors="replace")
    return json.loads(text[text.index("\n\n") + 2:] if text.startswith("HTTP/") else text[text.index("{"):])


def cmis_args(url: str, wd: Path, *extra: str) -> list:
    return ["-w", wd, "-c", "cmis", "-o", f"connectors.cmis.url={url}", "-o", "connectors.cmis.username=ekte",
            "-o", "connectors.cmis.password_env=EKTE_CMIS_PW", "-o", "export.retry_delay=0.3", *extra]


def ingest(src, *args, check):
    p = run_ekte("ingest", "--json", src, *args, env=PW_ENV)
    if p.returncode != check:
        raise AssertionError(f"exit {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}")
    return json.loads(p.stdout)


@pytest.fixture
def docs(born_digital, tmp_path):
    src, _ = born_digital
    d = tmp_path / "in"
    d.mkdir()
    for f in sorted(src.glob("*.pdf"))[:5]:
        (d / f.name).write_bytes(f.read_bytes())
    return d


def client(srv, password="s3cret"):
    return CmisClient(srv.url, "ekte", password, binding=BrowserBinding())


#: keys php-cmis-client added to the captures by hand (PROVENANCE.md: "Edits by php-cmis-client")
HAND_MADE = {"myCustomKey", "exampleExtension", "propertiesExtension"}
#: keys the recorded getObject answer carries that only a change log or a renditions service
#: fill (the repository says capabilityChanges/capabilityRenditions "none")
NOT_OFFERED = {"changeEventInfo", "renditions"}


def same_shape(real, ours, where: str = "") -> int:
    """Every field of *real* is in *ours*, with a value of the same JSON
    type (null matches anything); property maps are compared for the CMIS
    properties (``cmis:*``), whose type and cardinality must agree.
    Returns how many fields were compared."""
    if isinstance(real, dict):
        assert isinstance(ours, dict), f"{where}: an object expected"
        n = 0
        for k, v in real.items():
            if k in HAND_MADE or k in NOT_OFFERED:
                continue
            if where.endswith(("properties", "propertyDefinitions", "succinctProperties")) and not k.startswith("cmis:"):
                continue  # a property of the recorded server's own sample types
            assert k in ours, f"{where}.{k} missing"
            if isinstance(v, dict) and {"type", "cardinality"} <= set(v) and isinstance(ours[k], dict):
                assert (ours[k]["type"], ours[k]["cardinality"]) == (v["type"], v["cardinality"]), f"{where}.{k}"
            if isinstance(v, dict) and "propertyType" in v:
                assert (ours[k]["propertyType"], ours[k]["cardinality"]) == (v["propertyType"], v["cardinality"]), k
            n += 1 + (same_shape(v, ours[k], f"{where}.{k}") if v is not None and ours[k] is not None else 0)
        return n
    if isinstance(real, list):
        assert isinstance(ours, list), f"{where}: a list expected"
        model = next((x for x in real if x not in ({}, None)), None)
        return sum(same_shape(model, x, f"{where}[]") for x in ours) if model is not None else 0
    assert type(ours) is type(real) or {type(ours), type(real)} <= {int, float}, f"{where}: {real!r} vs {ours!r}"
    return 0


def _get(srv, url, **params):
    import httpx

    r = httpx.get(url, params=params, auth=("ekte", "s3cret"))
    assert r.status_code == 200, r.text
    return r.json()


def test_server_answers_in_the_recorded_shapes():
    """Every field the recorded OpenCMIS InMemory answers have, the test server has too."""
    repo = Repo()
    with CmisServer(repo) as srv:
        r = client(srv).getDefaultRepository()
        folder = r.getRootFolder().createFolder("Eingang")
        doc = folder.createDocument("x.pdf", contentFile=io.BytesIO(b"%PDF"), contentType="application/pdf")
        root_url = f"{srv.url}/A1/root"
        answers = {
            "getRepositoryInfos-response.log": _get(srv, srv.url),
            "getRepositoryInfo-response.log": _get(srv, f"{srv.url}/A1", cmisselector="repositoryInfo"),
            "getTypeDefinition-response.log": _get(srv, f"{srv.url}/A1", cmisselector="typeDefinition",
                                                   typeId="cmis:folder"),
            "getObject-response.log": _get(srv, root_url, objectId=doc.getObjectId(), cmisselector="object", filter="*",
                                           includeAllowableActions="true", includeRelationships="none",
                                           includePolicyIds="true", includeACL="true"),
            "getAllowableActions-response.log": _get(srv, root_url, objectId=doc.getObjectId(),
                                                     cmisselector="allowableActions"),
            "getChildren-response.log": _get(srv, root_url, objectId=folder.getObjectId(), cmisselector="children",
                                             filter="*", includeAllowableActions="true", includePathSegment="true"),
            "getObjectParents-response.log": _get(srv, root_url, objectId=doc.getObjectId(), cmisselector="parents",
                                                  filter="*", includeAllowableActions="false",
                                                  includeRelativePathSegment="true"),
            "doQuery-response.log": _get(srv, f"{srv.url}/A1", cmisselector="query", includeAllowableActions="true",
                                         statement=f"SELECT * from cmis:document WHERE IN_FOLDER('{folder.getObjectId()}')"),
        }
        created = repo.to_json(doc.getObjectId())  # what createDocument answered (201, checked by cmislib)
    for name, ours in answers.items():
        original = CAPTURES.parent / "browser-binding-original" / name
        real = capture_json(original if original.is_file() else CAPTURES / name)
        if name.startswith("getRepositoryInfo"):
            real, ours = real["A1"], ours["A1"]
        assert same_shape(real, ours, name) > 10, name
    assert same_shape(capture_json(CAPTURES / "createDocument-response.log"), created, "createDocument") > 20
    # exactly the recorded allowable actions, and the recorded permission mapping
    assert set(answers["getAllowableActions-response.log"]) == set(capture_json(CAPTURES / "getAllowableActions-response.log"))
    assert len(answers["getAllowableActions-response.log"]) == 29
    real_acl = capture_json(CAPTURES / "getRepositoryInfo-response.log")["A1"]["aclCapabilities"]
    ours_acl = answers["getRepositoryInfo-response.log"]["A1"]["aclCapabilities"]
    assert sorted(m["key"] for m in ours_acl["permissionMapping"]) == sorted(m["key"] for m in real_acl["permissionMapping"])
    # the folder type defines every CMIS property the recorded one does
    real_td = capture_json(CAPTURES.parent / "browser-binding-original" / "getTypeDefinition-response.log")
    assert set(real_td["propertyDefinitions"]) <= set(answers["getTypeDefinition-response.log"]["propertyDefinitions"])
    (child,) = answers["getChildren-response.log"]["objects"]
    assert child["pathSegment"] == "x.pdf" and "cmis:contentStreamId" in child["object"]["properties"]
    # datetimes are epoch milliseconds in both
    real = capture_json(CAPTURES / "createDocument-response.log")
    assert isinstance(real["properties"]["cmis:creationDate"]["value"], int)
    assert isinstance(created["properties"]["cmis:creationDate"]["value"], int)


def test_the_shape_check_finds_a_missing_field():
    real = capture_json(CAPTURES / "getRepositoryInfo-response.log")["A1"]
    ours = json.loads(json.dumps(real))
    assert same_shape(real, ours) > 20
    for cut in (lambda o: o.pop("thinClientURI"), lambda o: o["aclCapabilities"]["permissionMapping"][0].pop("key"),
                lambda o: o["capabilities"].update(capabilityQuery=1)):
        broken = json.loads(json.dumps(real))
        cut(broken)
        with pytest.raises(AssertionError):
            same_shape(real, broken)


def test_both_query_forms_and_succinct():
    """``q`` (cmislib) and ``statement`` (OpenCMIS), by GET and POST; with
    succinct=true the same values as {id: value}."""
    import httpx

    repo = Repo()
    with CmisServer(repo) as srv:
        folder = client(srv).getDefaultRepository().getRootFolder().createFolder("Eingang")
        folder.createDocument("a.pdf", contentFile=io.BytesIO(b"%PDF a"), contentType="application/pdf")
        stmt = "SELECT cmis:objectId, cmis:name FROM cmis:document WHERE cmis:name = 'a.pdf'"
        url, auth = f"{srv.url}/A1", ("ekte", "s3cret")
        answers = [httpx.post(url, data={"cmisaction": "query", key: stmt, **extra}, auth=auth)
                   for key in ("q", "statement") for extra in ({}, {"succinct": "true"})]
        answers += [httpx.get(url, params={"cmisselector": "query", key: stmt, **extra}, auth=auth)
                    for key in ("q", "statement") for extra in ({}, {"succinct": "true"})]
        assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
        full = [a.json()["results"] for a in answers if "succinct" not in str(a.request.url) + a.request.content.decode()]
        succ = [a.json()["results"] for a in answers if "succinct" in str(a.request.url) + a.request.content.decode()]
        assert len(full) == len(succ) == 4
        for res in full:
            (hit,) = res
            assert set(hit["properties"]) == {"cmis:objectId", "cmis:name"}  # only the selected columns
            assert hit["properties"]["cmis:name"]["value"] == "a.pdf"
        for res in succ:
            (hit,) = res
            assert hit == {"succinctProperties": {"cmis:objectId": full[0][0]["properties"]["cmis:objectId"]["value"],
                                                  "cmis:name": "a.pdf"}}
        # an object by path, succinct and not
        obj = _get(srv, f"{srv.url}/A1/root/Eingang/a.pdf", cmisselector="object", succinct="true")
        assert obj["succinctProperties"]["cmis:contentStreamLength"] == 6 and "properties" not in obj
        assert httpx.post(url, data={"cmisaction": "query"}, auth=auth).status_code == 400


VALUES = ["O'Brien/2026", "C:\\akten\\1", "100% sicher", "a_b", "ab", "a%b", "x\\'y", "''"]


def test_cmis_ql_escaping_of_the_connector_against_the_server(tmp_path):
    """Values with quotes, backslashes, percent signs and underscores:
    found exactly by the connector's equality query and by LIKE patterns
    quoted with cmis_literal(like=True); SQL's doubled quote and unknown
    escapes are refused like a real server refuses them."""
    import httpx

    from ekte.connectors.cmis import CmisConnector, cmis_literal
    from ekte.profile import load_profile

    repo = Repo()
    with CmisServer(repo) as srv:
        folder = client(srv).getDefaultRepository().getRootFolder().createFolder("Eingang")
        oid = {}
        for n, v in enumerate(VALUES):
            d = folder.createDocument(f"d{n}.pdf", properties={"cmis:secondaryObjectTypeIds": ["ekte:metadata"],
                                                               "ekte:sha256": f"{n:064d}", "ekte:id": str(n),
                                                               "ekte:aktenzeichen": v},
                                      contentFile=io.BytesIO(b"%PDF"), contentType="application/pdf")
            oid[v] = d.getObjectId()
        prof = load_profile(None, [f"connectors.cmis.url={srv.url}", "connectors.cmis.username=ekte",
                                   "connectors.cmis.password_env=EKTE_CMIS_PW"])
        import os

        os.environ["EKTE_CMIS_PW"] = "s3cret"
        con = CmisConnector(dict(prof.connectors["cmis"]), tmp_path, prof)
        try:
            for v in VALUES:
                hits = con.query(f"ekte:aktenzeichen = {cmis_literal(v)}")
                assert [con._prop(h, "cmis:objectId") for h in hits] == [oid[v]], v
            for prefix, want in (("a_", {"a_b"}), ("a%", {"a%b"}), ("100%", {"100% sicher"}), ("O'", {"O'Brien/2026"}),
                                 ("C:\\", {"C:\\akten\\1"}), ("x\\'", {"x\\'y"})):
                pattern = cmis_literal(prefix, like=True)[:-1] + "%'"
                hits = con.query(f"ekte:aktenzeichen LIKE {pattern}")
                assert {v for v in VALUES if oid[v] in {con._prop(h, "cmis:objectId") for h in hits}} == want, prefix
            # unescaped wildcards are wildcards
            hits = con.query("ekte:aktenzeichen LIKE 'a_b'")
            assert {con._prop(h, "cmis:objectId") for h in hits} == {oid["a_b"], oid["a%b"]}
            assert con.find(f"{3:064d}")["succinctProperties"]["cmis:objectId"] == oid["a_b"]
        finally:
            con.close()
        url, auth = f"{srv.url}/A1", ("ekte", "s3cret")
        for bad in ("'O''Brien/2026'", "'100\\% sicher'", "'a\\b'", "'unterminated"):
            r = httpx.post(url, data={"cmisaction": "query", "statement":
                                      f"SELECT * FROM ekte:metadata WHERE ekte:aktenzeichen = {bad}"}, auth=auth)
            assert r.status_code == 400 and r.json()["exception"] == "invalidArgument", bad


def test_cmislib_creates_and_reads_back_on_the_test_server():
    repo = Repo()
    with CmisServer(repo) as srv:
        r = client(srv).getDefaultRepository()
        assert r.getRepositoryInfo()["cmisVersionSupported"] == "1.1"
        f = r.getRootFolder().createFolder("Eingang")
        sub = f.createFolder("BSP-1")
        d = sub.createDocument("a.pdf", contentFile=io.BytesIO(b"%PDF-1.7 a"), contentType="application/pdf")
        back = r.getObjectByPath("/Eingang/BSP-1/a.pdf")
        assert back.getObjectId() == d.getObjectId()
        assert back.getContentStream().read() == b"%PDF-1.7 a"
        assert back.getProperties()["cmis:contentStreamLength"] == 10
        assert [c.getName() for c in sub.getChildren()] == ["a.pdf"]
        with pytest.raises(UpdateConflictException, match="nameConstraintViolation"):
            sub.createDocument("a.pdf", contentFile=io.BytesIO(b"x"), contentType="application/pdf")
        with pytest.raises(ObjectNotFoundException):
            r.getObjectByPath("/Eingang/nope")
        # typed properties: a string where an integer belongs is refused
        with pytest.raises(Exception, match="invalidArgument"):
            sub.createDocument("b.pdf", properties={"cmis:secondaryObjectTypeIds": ["ekte:metadata"],
                                                    "ekte:sha256": "00", "ekte:id": "x", "ekte:pages": "two"},
                               contentFile=io.BytesIO(b"x"), contentType="application/pdf")
        # secondary-type properties only when the type is applied; required ones enforced
        with pytest.raises(Exception, match="constraint"):
            sub.createDocument("c.pdf", properties={"ekte:sha256": "00"}, contentFile=io.BytesIO(b"x"))
        with pytest.raises(Exception, match="required property ekte:id"):
            sub.createDocument("c.pdf", properties={"cmis:secondaryObjectTypeIds": ["ekte:metadata"],
                                                    "ekte:sha256": "00"}, contentFile=io.BytesIO(b"x"))
        assert len(repo.documents()) == 1
    with CmisServer(Repo()) as srv, pytest.raises(PermissionDeniedException):
        client(srv, "wrong").getDefaultRepository()


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_export_to_cmis_and_read_back_with_cmislib(docs, tmp_path):
    repo = Repo()
    wd = tmp_path / "wd"
    with CmisServer(repo) as srv:
        res = ingest(docs, *cmis_args(srv.url, wd), check=0)
        assert len(repo.documents()) == 5
        r = client(srv).getDefaultRepository()
        for d in res["documents"]:
            hits = list(r.query(f"SELECT * FROM ekte:metadata WHERE ekte:sha256 = "
                                f"'{hashlib.sha256(Path(d['archive'], 'document.pdf').read_bytes()).hexdigest()}'"))
            assert len(hits) == 1
            loc = d["exports"]["cmis"]
            oid, path = loc.split(" ", 1)
            assert oid == f"cmis:{hits[0].getObjectId()}"
            obj = r.getObjectByPath(path)
            props = obj.getProperties()
            assert obj.getContentStream().read() == Path(d["archive"], "document.pdf").read_bytes()
            assert props["ekte:id"] == d["id"] and props["ekte:doctype"] == d["doctype"]
            assert props["ekte:pages"] == d["pages"] and props["ekte:aktenzeichen"] == d["fields"]["aktenzeichen"]
            assert props["cmis:secondaryObjectTypeIds"] == ["ekte:metadata"]
            assert path.startswith("/Eingang/BSP-") and d["fields"]["aktenzeichen"].replace("/", "_") in path
        # again, forced past the journal: the connector finds every one by its hash
        p = run_ekte("export", "--all", "--force", *cmis_args(srv.url, wd), "--json", env=PW_ENV, check=0)
        assert {d["export_results"]["cmis"] for d in json.loads(p.stdout)["documents"]} == {"already-exported"}
        assert len(repo.documents()) == 5
        # one object, one place in the journal (the "already there" answer named it again without its path)
        db = sqlite3.connect(wd / "journal.sqlite")
        places = sorted(r[0] for r in db.execute("SELECT location FROM exports WHERE connector='cmis'"))
        db.close()
        assert places == sorted(d["exports"]["cmis"] for d in res["documents"]), places


def test_name_conflict_gets_a_free_name(docs, tmp_path):
    repo = Repo()
    wd = tmp_path / "wd"
    one = tmp_path / "one"
    one.mkdir()
    f = sorted(docs.iterdir())[0]
    (one / f.name).write_bytes(f.read_bytes())
    with CmisServer(repo) as srv:
        # somebody filed another document under the name ekte will want
        args = cmis_args(srv.url, wd, "-o", "connectors.cmis.folder=/Eingang", "-o", "connectors.cmis.name=antrag.pdf")
        client(srv).getDefaultRepository().getRootFolder().createFolder("Eingang").createDocument(
            "antrag.pdf", contentFile=io.BytesIO(b"other"), contentType="application/pdf")
        res = ingest(one, *args, check=0)
        assert res["documents"][0]["exports"]["cmis"].endswith("/Eingang/antrag (2).pdf")
        assert sorted(o["props"]["cmis:name"] for o in repo.documents()) == ["antrag (2).pdf", "antrag.pdf"]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_auth_failure_and_missing_repository_are_not_retried(docs, tmp_path):
    repo = Repo(password="other")
    with CmisServer(repo) as srv:
        res = ingest(docs, *cmis_args(srv.url, tmp_path / "wd"), check=1)
        assert {d["status"] for d in res["documents"]} == {"export_failed"}
        assert all("401" in d["error"]["message"] for d in res["documents"])
        db = sqlite3.connect(tmp_path / "wd" / "journal.sqlite")
        assert db.execute("SELECT COUNT(*) FROM events WHERE event='retry'").fetchone()[0] == 0
    assert not repo.documents()
    with CmisServer(Repo()) as srv:
        res = ingest(docs, *cmis_args(srv.url, tmp_path / "wd2", "-o", "connectors.cmis.repository=B7"), check=1)
        assert all("B7" in d["error"]["message"] for d in res["documents"])


@pytest.mark.slow  # in CI (make test-slow), not in make test
def test_server_errors_and_timeouts_are_retried_without_duplicates(docs, tmp_path):
    repo = Repo()
    repo.faults = [{"action": "createDocument", "status": 500, "times": 2},
                   # answers after the client gave up, but the document is created: the retry must find it
                   {"action": "createDocument", "delay": 2.5, "times": 1}]
    with CmisServer(repo) as srv:
        res = ingest(docs, *cmis_args(srv.url, tmp_path / "wd", "-o", "connectors.cmis.timeout=1",
                                      "-o", "export.retry_delay=2", "-o", "export.retries=4"), check=0)
        assert {d["status"] for d in res["documents"]} == {"archived"}
    shas = [o["props"]["ekte:sha256"] for o in repo.documents()]
    assert len(shas) == len(set(shas)) == 5
    db = sqlite3.connect(tmp_path / "wd" / "journal.sqlite")
    details = [r[0] for r in db.execute("SELECT detail FROM events WHERE event='retry'")]
    assert sum("server error 500" in x for x in details) == 2
    assert sum("in time" in x for x in details) >= 1
    assert any("already-exported" == r[0] for r in db.execute("SELECT event FROM events WHERE stage='export'"))


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_server_dying_mid_batch_loses_and_duplicates_nothing(docs, tmp_path):
    repo = Repo()
    wd = tmp_path / "wd"
    srv = CmisServer(repo)
    srv.die_after = 2  # the third document is stored, then the server dies without answering
    port = srv.server_address[1]
    with srv:
        res = ingest(docs, *cmis_args(srv.url, wd, "-o", "export.retries=1", "-o", "connectors.cmis.timeout=2"),
                     check=1)
    statuses = sorted(d["status"] for d in res["documents"])
    assert statuses == ["archived"] * 2 + ["export_failed"] * 3
    assert len(repo.documents()) == 3
    # the server is back (same repository); the same command finishes the rest
    with CmisServer(repo, port=port) as srv2:
        res = ingest(docs, *cmis_args(srv2.url, wd), check=0)
    assert sorted(d["status"] for d in res["documents"]) == ["archived"] * 3 + ["duplicate"] * 2
    shas = [o["props"]["ekte:sha256"] for o in repo.documents()]
    assert len(shas) == len(set(shas)) == 5
    db = sqlite3.connect(wd / "journal.sqlite")
    assert {r[0] for r in db.execute("SELECT state FROM documents")} == {"exported"}
    assert db.execute("SELECT COUNT(*) FROM exports WHERE connector='cmis'").fetchone()[0] == 5


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_password_never_in_profile_or_logs(docs, tmp_path):
    repo = Repo()
    with CmisServer(repo) as srv:
        p = run_ekte("ingest", docs, "-w", tmp_path / "wd", "-c", "cmis", "-o", f"connectors.cmis.url={srv.url}",
                     "-o", "connectors.cmis.username=ekte", "-o", "connectors.cmis.password=s3cret")
        assert p.returncode == 2 and "not read from profiles" in p.stderr
        p = run_ekte("ingest", docs, *cmis_args(srv.url, tmp_path / "wd"), "-vv", "--log-format", "json",
                     env=PW_ENV)
        assert p.returncode == 0, p.stderr[-2000:]
        assert "s3cret" not in p.stderr and "s3cret" not in p.stdout
        assert not re.search(r"Authorization|czNjcmV0", p.stderr)


def _closed_port() -> int:
    srv = CmisServer(Repo())
    port = srv.server_address[1]
    srv.server_close()  # nothing listens there now: connection refused
    return port


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_an_unreachable_dms_pauses_the_connector_and_archiving_goes_on(docs, tmp_path):
    """Finding 10: a DMS that refuses connections used to cost every document its retries
    (2 + 4 + 8 s). After 3 connection failures in a row the connector pauses (no request, no
    retries); every document is archived, stays export_failed, and the same command delivers
    them once the DMS is back."""
    wd, port = tmp_path / "wd", _closed_port()
    url = f"http://127.0.0.1:{port}/cmis/browser"
    res = ingest(docs, *cmis_args(url, wd), check=1)
    assert [d["status"] for d in res["documents"]] == ["export_failed"] * 5
    db = sqlite3.connect(wd / "journal.sqlite")
    retries = db.execute("SELECT COUNT(*) FROM events WHERE event='retry'").fetchone()[0]
    failed = [r[0] for r in db.execute("SELECT detail FROM events WHERE event='export-failed' ORDER BY seq")]
    db.close()
    assert retries == 2  # the first document's two retries; its third failure paused the connector
    assert len(failed) == 5 and all("paused" in x for x in failed), failed
    repo = Repo()
    with CmisServer(repo, port=port) as srv:
        res = ingest(docs, *cmis_args(srv.url, wd), check=0)
    assert [d["status"] for d in res["documents"]] == ["archived"] * 5  # their export resumed
    assert len({o["props"]["ekte:sha256"] for o in repo.documents()}) == len(repo.documents()) == 5


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_the_daemon_resumes_after_the_cool_down_and_counts_right(docs, tmp_path):
    """The watch daemon with the DMS down: documents archived, not exported; the DMS comes back:
    after the cool-down the next rescan delivers them, and `ekte status` counts them done — not
    "not exported" and "duplicates" (finding 10)."""
    import os
    import signal
    import subprocess
    import time

    from helpers import ekte_cmd

    wd, inbox, port = tmp_path / "wd", tmp_path / "inbox", _closed_port()
    inbox.mkdir(mode=0o750)
    proc = subprocess.Popen(ekte_cmd() + ["watch", str(inbox), "--stable-seconds", "0.5", "--rescan-minutes", "0.05",
                                          *map(str, cmis_args(f"http://127.0.0.1:{port}/cmis/browser", wd)),
                                          "-o", "connectors.cmis.breaker_cooldown=2", "-o", "extract.auto_threshold=0",
                                          "-v", "--log-format", "json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True, env={**os.environ, **PW_ENV})

    def status() -> dict:
        p = run_ekte("status", "-w", wd, "--json")
        return json.loads(p.stdout) if p.stdout.strip().startswith("{") else {}

    def wait(pred, what):
        t0 = time.monotonic()
        while not pred():
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            assert time.monotonic() - t0 < 180, f"timed out: {what}; {status()}"
            time.sleep(0.5)

    repo = Repo()
    try:
        wait(lambda: (wd / "status.json").exists(), "start")
        for f in sorted(docs.iterdir())[:3]:
            (inbox / f.name).write_bytes(f.read_bytes())
        wait(lambda: status().get("export_failed") == 3, "3 not exported")
        with CmisServer(repo, port=port):
            wait(lambda: len(repo.documents()) == 3 and status().get("export_failed") == 0, "delivered")
            st = status()
            again = sorted(docs.iterdir())[0]
            (inbox / "again.pdf").write_bytes(again.read_bytes())  # the same content once more
            wait(lambda: status().get("duplicates") == 1, "the duplicate")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and b"Traceback" not in err, err.decode()[-2000:]
    assert (st["done"], st["export_failed"], st["duplicates"]) == (3, 0, 0), st
    assert st["journal"].get("exported") == 3, st["journal"]
    assert st["jobs"] >= 1 and "in flight 0 (with " in run_ekte("status", "-w", wd).stdout
    lines = [json.loads(x)["message"] for x in err.decode().splitlines() if x.startswith("{")]
    before = [m for m in lines if "taken in before" in m]
    assert before and all("(exported 20" in m for m in before), before  # its state and when, not its own id
    assert all(m.split()[1].rstrip(":") not in m.split("(")[1] for m in before), before


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_the_same_original_from_a_second_working_directory_is_already_exported(docs, tmp_path):
    """fresh37 F8: the same incoming document ingested in a second working directory (its PDF/A differs by
    time stamps) is found by ekte:originalSha256 — no second object "… (2).pdf" in the DMS."""
    one = tmp_path / "one"
    one.mkdir()
    f = sorted(docs.iterdir())[0]
    (one / f.name).write_bytes(f.read_bytes())
    repo = Repo()
    with CmisServer(repo) as srv:
        first = ingest(one, *cmis_args(srv.url, tmp_path / "wd1"), check=0)["documents"][0]
        second = ingest(one, *cmis_args(srv.url, tmp_path / "wd2"), check=0)["documents"][0]
    pdfs = [hashlib.sha256(Path(d["archive"], "document.pdf").read_bytes()).hexdigest() for d in (first, second)]
    assert pdfs[0] != pdfs[1]  # two archival copies of one original
    assert first["export_results"]["cmis"] == "exported"
    assert second["export_results"]["cmis"] == "already-exported"
    assert second["exports"]["cmis"] == first["exports"]["cmis"].split(" ")[0]  # the object there
    assert [o["props"]["ekte:id"] for o in repo.documents()] == [first["id"]]
    db = sqlite3.connect(tmp_path / "wd2" / "journal.sqlite")
    notes = [r[0] for r in db.execute("SELECT detail FROM events WHERE event='already-exported'")]
    db.close()
    assert any("another archival copy of the same original" in n for n in notes), notes
