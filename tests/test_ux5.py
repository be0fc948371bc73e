"""What a tester found trying ekte as a new user (task ux5): the real CLI
as a subprocess and the real station (uvicorn) on one working directory.
Each test fails without its fix: a rejected document broke ``ekte verify``;
one file named twice was its own duplicate; bad dates and hours were HTTP
500; ``ekte export`` hid a connector that could not write; a missing input
of classify was an internal error; Ctrl-C while ekte loaded printed no
JSON; a text file named .pdf and ``--move`` onto a file were misreported."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time

import httpx
import pytest

from helpers import ekte_cmd, run_ekte
from serve_helpers import born_pdfs, csrf_of, login, queue_ids, running_station, token


@pytest.fixture(scope="module")
def st(tmp_path_factory):
    with running_station(tmp_path_factory.mktemp("ux5"), born_pdfs()[:4]) as s:  # every document waits for review
        yield s


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_verify_passes_after_rejections_and_export_says_why_not(st):
    wd = st["wd"]
    keep, out = queue_ids(st["wd"])[:2]
    run_ekte("review", "reject", keep, "-w", wd, "--reason", "not_ours", check=0)  # stays archived: rejected
    run_ekte("review", "reject", out, "-w", wd, "--reason", "unreadable", check=0)  # archived, then quarantined
    v = run_ekte("verify", "-w", wd)
    assert v.returncode == 0, v.stdout + v.stderr
    assert "journal does not know" not in v.stdout
    assert run_ekte("journal", "check", "-w", wd).returncode == 0
    e = run_ekte("export", keep, "-w", wd)
    assert e.returncode == 2 and f"not exportable: {keep} (a clerk rejected it in review)" in e.stderr
    e = run_ekte("export", out[:8], "-w", wd, "--json")
    assert e.returncode == 2 and "it is in the quarantine" in e.stderr


def test_export_that_cannot_write_is_74_with_the_error_as_ingest(st):
    wd = st["wd"]
    run_ekte("review", "accept", queue_ids(st["wd"])[0], "-w", wd, check=0)  # exported: one to export again
    p = run_ekte("export", "--all", "--force", "-c", "folder", "-o", "connectors.folder.path=/sys/power", "--json",
                 "-w", wd)
    data = json.loads(p.stdout)
    assert p.returncode == 74 and data["error"]["code"] == "permission_denied", p.stdout[-800:] + p.stderr
    assert "error: the export folder of connector 'folder': permission denied" in p.stderr
    # an export folder that is a dangling link / lies below a file: said in words, not "FileNotFoundError"
    # (a configured export folder is never made: missing, it is a transient failure naming connectors.folder.path)
    (wd.parent / "gone-link").symlink_to(wd.parent / "gone")
    (wd.parent / "a-file").write_text("x")
    for path, words in ((wd.parent / "gone-link" / "x", "does not exist"),
                        (wd.parent / "a-file" / "x", "a part of its path is a file")):
        p = run_ekte("export", "--all", "--force", "-c", "folder", "-o", f"connectors.folder.path={path}", "-w", wd,
                     "-o", "export.retries=0", "--json")
        msgs = {d["error"]["message"] for d in json.loads(p.stdout)["documents"] if d["error"]}
        assert p.returncode == 1 and msgs, p.stdout[-1500:]
        for msg in msgs:
            assert msg.startswith(f"folder: export folder {path} ") and words in msg, msg
            assert "create it or fix connectors.folder.path" in msg, msg


def test_station_and_api_refuse_bad_dates_and_hours_with_a_message(st):
    wd, url = st["wd"], st["url"]
    chef = login(url, "chef", lang="de")
    for bad in ("01.13.2026", "abc", "2026-13-01", "2026-02-31"):
        r = chef.get("/stats", params={"since": bad})
        assert r.status_code == 400 and f"„{bad}“ ist kein gültiges Datum" in r.text, (bad, r.status_code)
    ok = chef.get("/stats", params={"since": "01.11.2026", "until": "30.11.2026"})
    assert ok.status_code == 200 and "2026-11-01" in ok.text
    h = token(wd, "chef", "stats")
    r = httpx.get(url + "/api/v1/stats", params={"since": "abc"}, headers=h)
    assert r.status_code == 400 and "„abc“ ist kein gültiges Datum" in r.json()["detail"]  # the station speaks German
    r = httpx.get(url + "/api/v1/stats", params={"since": "01.11.2026"}, headers=h)
    assert r.status_code == 200 and r.json()["since"] == "2026-11-01"
    doc = queue_ids(st["wd"])[-1]
    anna = login(url, "anna", lang="de")
    for hours in ("abc", "-5", "0", "99999"):
        page = anna.get(f"/review/{doc}")
        r = anna.post(f"/review/{doc}/defer", data={"csrf": csrf_of(page.text), "hours": hours})
        assert r.status_code == 400 and "ist keine Stundenzahl" in r.text, (hours, r.status_code)
    page = anna.get(f"/review/{doc}")
    assert anna.post(f"/review/{doc}/defer", data={"csrf": csrf_of(page.text), "hours": "1,5"}).status_code == 303
    r = httpx.post(url + f"/api/v1/review/{doc}/defer", json={"until": "2020-01-01T00:00:00"},
                   headers=token(wd, "anna", "review"))
    assert r.status_code == 400 and "in the future" in r.json()["detail"]
    p = run_ekte("review", "defer", doc, "--lang", "en", "-w", wd, "--hours", "-5")
    assert p.returncode == 2 and "in the future" in p.stderr


def test_one_file_named_twice_is_one_input(tmp_path):
    (tmp_path / "twice2").mkdir()
    shutil.copy(born_pdfs()[5], tmp_path / "twice2" / "a.pdf")
    p = run_ekte("ingest", "twice2", "twice2/a.pdf", "--move", "done", "-w", "w", "--json", "-o", "ocr.jobs=1",
                 "-o", "extract.auto_threshold=0", cwd=tmp_path)
    docs = json.loads(p.stdout)["documents"]
    assert [d["status"] for d in docs] == ["archived"], p.stdout
    assert (tmp_path / "done" / "a.pdf").is_file() and not (tmp_path / "twice2" / "a.pdf").exists()
    assert len(list((tmp_path / "w" / "archive").glob("*/*"))) == 1


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_missing_inputs_misnamed_text_and_move_onto_a_file(tmp_path):
    for args in (["classify", "nonexist.pdf"], ["eval", "nodir", "--truth", "t.json"], ["ingest", "nonexist.pdf"]):
        (tmp_path / "t.json").write_text("{}")
        p = run_ekte(*args, "-w", "w", cwd=tmp_path)
        assert p.returncode == 2 and "input not found: no" in p.stderr and "internal error" not in p.stderr, args
    (tmp_path / "brief.pdf").write_text("Sehr geehrte Damen und Herren,\nanbei mein Antrag.\n")
    (tmp_path / "notadir").write_text("")
    p = run_ekte("ingest", "brief.pdf", "-w", "w", "--move", "notadir", cwd=tmp_path)
    assert p.returncode == 2 and "--move notadir: that is a file, not a folder" in p.stderr
    out = json.loads(run_ekte("ingest", "brief.pdf", "-w", "w", "--json", cwd=tmp_path, check=1).stdout)
    assert "plain text but its name ends in .pdf: text files are taken by a .txt name" in \
        out["documents"][0]["error"]["message"]


def test_ctrl_c_while_ekte_loads_still_gives_the_json(tmp_path):
    src = born_pdfs()[:2]
    p = subprocess.Popen(ekte_cmd() + ["ingest", *map(str, src), "-w", str(tmp_path / "w"), "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.4)  # loading Python and ekte's modules (seconds on a busy machine)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130 and "Traceback" not in err, err[-2000:]
    data = json.loads(out)
    assert data["summary"]["interrupted"] is True
    assert data["summary"]["total"] + len(data.get("pending", [])) >= 1
