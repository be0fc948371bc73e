"""What a fresh-clone tester found as a clerk and as IT staff (task ux6),
each through the real CLI (a subprocess) or the real station (uvicorn):
station messages in German, history in words, the stats CSV for German
Excel and its corrections table, the old value of a correction, ``-j``
refused below 0, ekte's own start-up log line, a re-submission's first
receipt, ``export --all ID`` refused and German dates, the generator's
docstring, and the quarantine page's file names."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import pytest

from helpers import ROOT, SAMPLES, run_ekte
from serve_helpers import born_pdfs, queue_ids, running_station


@pytest.fixture(scope="module")
def st(tmp_path_factory):
    with running_station(tmp_path_factory.mktemp("ux6"), born_pdfs()[:3]) as s:  # every document waits for review
        yield s


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_negative_jobs_are_refused_in_one_line_and_zero_keeps_its_meaning(tmp_path):
    pdf = sorted(SAMPLES.glob("inbox/*-pdf.pdf"))[0]
    for args in (("classify", pdf, "-j", "-1"), ("ingest", pdf, "--jobs", "-3"), ("verify", "-j", "-1")):
        p = run_ekte(*args, "-w", tmp_path / "wd")
        assert p.returncode == 2, (args, p.stdout[-500:], p.stderr)
        assert p.stderr.count("\n") == 1 and "error: --jobs " in p.stderr and "0 = as many as CPU cores" in p.stderr
    assert not (tmp_path / "wd").exists()  # refused before anything was done
    p = run_ekte("classify", pdf, "-j", "0", "-w", tmp_path / "wd", "--json")  # README: 0 = CPU cores
    assert p.returncode in (0, 1) and '"documents"' in p.stdout, p.stderr


def test_generator_docstring_names_only_options_it_has():
    import generate

    doc_opts = set(re.findall(r"--[a-z][a-z-]+", generate.__doc__))
    helptext = subprocess.run([sys.executable, str(ROOT / "samples" / "generate.py"), "--help"], capture_output=True,
                              text=True, check=True).stdout
    real = set(re.findall(r"--[a-z][a-z-]+", helptext.split("options:", 1)[1]))
    assert doc_opts and doc_opts <= real, doc_opts - real
    assert "--scans" not in doc_opts


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_export_takes_one_selection_and_german_days(st):
    wd, first = st["wd"], queue_ids(st["wd"])[0]
    for args, words in ((("--all", first), "ID and --all together"), (("--since", "2000-01-01", "--all"),
                        "--since and --all together"), ((first, "--since", "01.01.2000"), "ID and --since together")):
        p = run_ekte("export", *args, "-w", wd, "--json")
        assert p.returncode == 2 and p.stderr.count("\n") == 1 and words in p.stderr, (args, p.stderr)
        assert json.loads(p.stdout) == {"error": {"code": "usage", "message": p.stderr.strip()[len("error: "):]}}
    ids = {}
    for day in ("01.01.2000", "2000-01-01", "31.12.2999"):
        p = run_ekte("export", "--since", day, "-w", wd, "--json")
        assert p.returncode in (0, 1), p.stderr
        ids[day] = {d["id"] for d in json.loads(p.stdout)["documents"]}
    assert ids["01.01.2000"] == ids["2000-01-01"] == set(queue_ids(st["wd"])) and ids["31.12.2999"] == set()
    p = run_ekte("export", "--since", "31.02.2026", "-w", wd)
    assert p.returncode == 2 and "not '31.02.2026'" in p.stderr


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_correction_shows_the_old_value_and_stats_show_corrections(st):
    wd, doc = st["wd"], queue_ids(st["wd"])[1]
    read = json.loads(run_ekte("review", "show", doc, "-w", wd, "--json", check=0).stdout)["fields"]
    field = next(k for k in ("nachname", "vorname", "ort") if k in read)
    run_ekte("review", "correct", doc, "--set", f"{field}=Erstmann", "-w", wd, check=0)
    run_ekte("review", "correct", doc, "--set", f"{field}=Zweitmann", "-w", wd, check=0)
    events = [e for e in json.loads(run_ekte("history", doc, "-w", wd, "--json", check=0).stdout)["events"]
              if e["event"] == "correction-noted"]
    assert [(e["old"], e["new"]) for e in events] == [(read[field]["value"], "Erstmann"), ("Erstmann", "Zweitmann")]
    shown = run_ekte("review", "show", doc, "-w", wd, "--lang", "de", check=0).stdout
    assert f"{read[field]['value']} → Erstmann" in shown and "– → Erstmann" not in shown
    run_ekte("review", "accept", doc, "-w", wd, check=0)
    text = run_ekte("stats", "-w", wd, "--lang", "de", env={"COLUMNS": "160"}, check=0).stdout
    assert "Korrekturen je Feld" in text and "Korrekturquote" in text, text
    text = run_ekte("stats", "-w", wd, "--lang", "en", env={"COLUMNS": "160"}, check=0).stdout
    assert "Corrections per field" in text and "Correction rate" in text


def test_stats_csv_is_for_german_excel_unless_english_is_asked_for(st):
    wd, url = st["wd"], st["url"]
    de = run_ekte("stats", "-w", wd, "--format", "csv", "--by", "day,channel", env={"EKTE_LANG": ""}, check=0).stdout
    assert de.startswith("\ufeffTag;Kanal;Dokumente;Anteil (%)\n"), de[:80]
    rows = [r.split(";") for r in de.strip().splitlines()[1:]]
    assert rows and all(re.fullmatch(r"\d\d\.\d\d\.\d{4}", r[0]) and re.fullmatch(r"\d+,\d", r[3]) for r in rows)
    assert {r[1] for r in rows} <= {"Datei", "Scan"}
    en = run_ekte("stats", "-w", wd, "--format", "csv", "--by", "day,channel", "--lang", "en", check=0).stdout
    assert en.startswith("day,channel,count,share_percent\n")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d,(file|scan),\d+,\d+\.\d", r) for r in en.strip().splitlines()[1:])
    assert json.loads(run_ekte("stats", "-w", wd, "--json", check=0).stdout)["rows"]  # --json unchanged
    from serve_helpers import login

    chef = login(url, "chef", lang="de")
    r = chef.get("/stats.csv", params={"by": "channel"})
    assert r.status_code == 200 and r.text.startswith("\ufeffKanal;Dokumente;Anteil (%)\r\n")


def test_history_in_words_for_the_clerk_raw_in_json(st):
    wd, url, doc = st["wd"], st["url"], queue_ids(st["wd"])[0]
    text = run_ekte("history", doc, "-w", wd, env={"COLUMNS": "200", "EKTE_LANG": ""}, check=0).stdout
    for raw in ("route=", "method:", "confidence", "intake·", "system:"):
        assert raw not in text, (raw, text)
    assert "Eingangskanal" in text and "Sicherheit:" in text and "Verfahren: Regeln" in text and "Datei" in text
    assert "System (ekte ingest)" in text and "Seite(n)" in text
    raw = json.loads(run_ekte("history", doc, "-w", wd, "--json", check=0).stdout)["events"]
    assert any(e["detail"].startswith("route=") for e in raw) and any(e["detail"] == "file" for e in raw)
    from serve_helpers import login

    page = login(url, "anna", lang="de").get(f"/history/{doc}").text
    assert "route=" not in page and "method:" not in page and "Verfahren: Regeln" in page and "Datei" in page


def test_resubmission_reports_the_first_receipt_and_that_it_is_a_duplicate(st):
    import httpx

    from serve_helpers import token

    wd, url = st["wd"], st["url"]
    doc = queue_ids(st["wd"])[0]
    first = json.loads(run_ekte("review", "show", doc, "-w", wd, "--json", check=0).stdout)["received"]
    pdf = next(p for p in born_pdfs()[:3] if hashlib.sha256(p.read_bytes()).hexdigest().startswith(doc))
    auth = token(wd, "chef", "intake")
    r = httpx.post(url + "/api/v1/documents", headers=auth, files={"file": (pdf.name, pdf.read_bytes())}, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["id"] == doc and r.json()["duplicate"] is True and r.json()["received"] == first, (r.json(), first)
    got = httpx.get(url + f"/api/v1/documents/{doc}", headers=auth, timeout=60).json()
    assert got["received"] == first and got["duplicate"] is True


def test_server_start_is_logged_under_ekte_not_uvicorn_error(st):
    import httpx

    assert httpx.get(st["url"] + "/login", timeout=30).status_code == 200
    log = st["log"].read_text()
    assert "uvicorn.error" not in log, log[:600]
    assert re.search(r"INFO ekte\.serve\.server: Started server process", log), log[:600]


def test_station_error_pages_speak_the_readers_language_the_apis_detail_stays_english(st):
    from serve_helpers import login, token

    wd, url = st["wd"], st["url"]
    de, en, vera = login(url, "anna", lang="de"), login(url, "anna", lang="en"), login(url, "vera", lang="de")
    for path, status, german, english in (
            ("/history/ffff0000", 404, "Es gibt kein Dokument mit der Nummer ffff0000.", "no document with id"),
            ("/review/zz", 400, "„zz“ ist keine Dokumentnummer", "is not a document id"),
            ("/gibt-es-nicht", 404, "Diese Seite oder dieses Dokument gibt es nicht.", "Not Found")):
        r = de.get(path)
        assert r.status_code == status and german in r.text and english not in r.text, (path, r.status_code, r.text)
        assert "text/html" in r.headers["content-type"]
    r = vera.get("/quarantine")  # a viewer: statistics only
    assert r.status_code == 403 and "Ihre Rolle darf das nicht." in r.text and "forbidden" not in r.text
    r = en.get("/history/ffff0000")
    assert r.status_code == 404 and "There is no document with the id ffff0000." in r.text
    import httpx

    api = httpx.get(url + "/api/v1/history/ffff0000", headers=token(wd, "anna", "history"), timeout=60)
    assert api.status_code == 404 and api.json() == {"detail": "no document with id ffff0000",  # detail as it was,
                                                     "message": "Es gibt kein Dokument mit der Nummer ffff0000."}


def test_quarantine_page_names_the_file(st, tmp_path):
    from serve_helpers import login

    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "Antrag-kaputt.pdf").write_bytes(born_pdfs()[0].read_bytes()[:300])
    run_ekte("ingest", bad, "-w", st["wd"], "-o", "ocr.jobs=1", check=1)
    page = login(st["url"], "chef", lang="de").get("/quarantine").text
    assert re.search(r'<td class="file">Antrag-kaputt\.pdf</td>', page), page[-2000:]
    assert "<th>Datei</th>" in page
