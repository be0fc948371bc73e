"""fresh43 F1/F2: what the CMIS connector's form posts carry, read as an OpenCMIS server (Alfresco) reads
them — the test server's parse_form checked against the recorded OpenCMIS request first —, and two working
directories exporting the same original at the same moment (real processes, the real test server)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cmis_server import CmisServer, Repo, parse_form
from helpers import SHARED
from test_cmis import PW_ENV, cmis_args, ingest

CAPTURE = SHARED / "cmis-captures" / "browser-binding" / "createDocument-request.log"


def _capture() -> tuple[str, bytes]:
    head, body = CAPTURE.read_bytes().split(b"\n\n", 1)
    ctype = next(line.split(":", 1)[1].strip() for line in head.decode().splitlines()
                 if line.lower().startswith("content-type:"))
    return ctype, body.lstrip(b"\r\n")


def test_the_servers_reading_of_forms_is_checked_against_the_recorded_request():
    """The recorded OpenCMIS createDocument (charset on every text part, a plain filename) reads as sent;
    the same parts without their charset read as ISO-8859-1, as OpenCMIS reads them, unless ``_charset_``
    says otherwise."""
    ctype, body = _capture()
    fields, content = parse_form(ctype, body)
    assert fields["propertyValue[0]"] == ["SampleDocument"] and fields["cmisaction"] == ["createDocument"]
    assert content[2] == "data.txt" and content[1] == "text/plain" and len(content[0]) == 32768
    umlaut = body.replace(b"SampleDocument", "Größe – ß".encode())
    assert parse_form(ctype, umlaut)[0]["propertyValue[0]"] == ["Größe – ß"]
    bare = umlaut.replace(b"Content-Type: text/plain; charset=utf-8\n", b"")
    assert parse_form(ctype, bare)[0]["propertyValue[0]"] == ["Größe – ß".encode().decode("latin-1")]
    boundary = ctype.split("boundary=")[1].encode()
    told = bare.replace(b"--" + boundary + b"\n", b"--" + boundary + b"\nContent-Disposition: form-data; "
                        b"name=\"_charset_\"\n\nutf-8\n--" + boundary + b"\n", 1)
    assert parse_form(ctype, told)[0]["propertyValue[0]"] == ["Größe – ß"]


def _inbox_of_one(born_digital, tmp_path) -> Path:
    """An inbox holding a copy of the first generated born-digital PDF."""
    src, _ = born_digital
    one = tmp_path / "one"
    one.mkdir()
    f = sorted(src.glob("*.pdf"))[0]
    (one / f.name).write_bytes(f.read_bytes())
    return one


def test_umlauts_and_dashes_reach_the_dms_unchanged(born_digital, tmp_path):
    """F1: Betreff (cmis:description), the name and the content's file name with "–", umlauts and ß arrive
    as written (before: ISO-8859-1 mojibake on an OpenCMIS server)."""
    one = _inbox_of_one(born_digital, tmp_path)
    repo = Repo()
    with CmisServer(repo) as srv:
        res = ingest(one, *cmis_args(srv.url, tmp_path / "wd", "-o", "connectors.cmis.folder=/Eingang/Größe",
                                     "-o", "connectors.cmis.name=Prüfung_ß_{id}.pdf"), check=0)
    doc = res["documents"][0]
    [obj] = repo.documents()
    betreff = obj["props"]["cmis:description"]
    assert set(betreff) & set("–äöüÄÖÜß§") and not set(betreff) & set("ÃÂâ\x80\x93"), betreff
    assert obj["props"]["cmis:name"] == f"Prüfung_ß_{doc['id']}.pdf"
    assert obj["props"]["cmis:contentStreamFileName"] == obj["props"]["cmis:name"]
    assert doc["exports"]["cmis"].endswith(f"/Eingang/Größe/Prüfung_ß_{doc['id']}.pdf")
    assert any(o["props"]["cmis:name"] == "Größe" for o in repo.objects.values())


def _ekte(src: Path, *args) -> subprocess.Popen:
    import os

    return subprocess.Popen([sys.executable, "-m", "ekte", "ingest", "--json", str(src), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **PW_ENV})


@pytest.mark.slow  # two ingests at once
def test_two_working_directories_at_once_store_one_object(born_digital, tmp_path):
    """F2: both query before either creates (the server holds each create until both are in); the loser's
    create is refused (409, the name is taken) and it finds the winner's object: already exported, no
    "… (2).pdf"."""
    one = _inbox_of_one(born_digital, tmp_path)
    repo = Repo()
    repo.faults = [{"action": "createDocument", "barrier": 2, "times": 2, "wait": 300}]
    with CmisServer(repo) as srv:
        # (a create held longer than the client's timeout would be retried: time enough for a loaded machine)
        procs = [_ekte(one, *cmis_args(srv.url, tmp_path / f"wd{n}", "-o", "connectors.cmis.timeout=400"))
                 for n in (1, 2)]
        outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-2000:] for o in outs]
    docs = [json.loads(o[0])["documents"][0] for o in outs]
    assert sorted(d["export_results"]["cmis"] for d in docs) == ["already-exported", "exported"]
    assert [o["props"]["cmis:name"] for o in repo.documents()] == [docs[0]["exports"]["cmis"].rsplit("/", 1)[-1]
                                                                  if docs[0]["export_results"]["cmis"] == "exported"
                                                                  else docs[1]["exports"]["cmis"].rsplit("/", 1)[-1]]
    # the loser's create was refused (and maybe one of the folders both made at once: also handled)
    assert sum(1 for e in repo.log if e[1] == "error:nameConstraintViolation") >= 1
