"""What a fresh-clone tester found as a clerk and as IT staff (task ux6),
each through the real CLI (a subprocess) or the real station (uvicorn):
station messages in German, history in words, the stats CSV for German
Excel and its corrections table, the old value of a correction, ``-j``
refused below 0, ekte's own start-up log line, a re-submission's first
receipt, ``export --all ID`` refused and German dates, the generator's
docstring, and the quarantine page's file names."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from helpers import ROOT, SAMPLES, run_ekte
from serve_helpers import born_pdfs, make_workdir, start_server, stop


@pytest.fixture(scope="module")
def st(tmp_path_factory):
    base = tmp_path_factory.mktemp("ux6")
    wd = base / "work"
    make_workdir(wd, born_pdfs()[:3])  # every document waits for review
    server, url = start_server(wd)
    yield {"wd": wd, "url": url, "log": base / "serve.log"}
    assert stop(server) == 0


def queue(st) -> list[str]:
    return [i["id"] for i in json.loads(run_ekte("review", "list", "-w", st["wd"], "--json", check=0).stdout)]


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


def test_export_takes_one_selection_and_german_days(st):
    wd, first = st["wd"], queue(st)[0]
    for args, words in ((("--all", first), "ID and --all together"), (("--since", "2000-01-01", "--all"),
                        "--since and --all together"), ((first, "--since", "01.01.2000"), "ID and --since together")):
        p = run_ekte("export", *args, "-w", wd, "--json")
        assert p.returncode == 2 and p.stderr.count("\n") == 1 and words in p.stderr, (args, p.stderr)
        assert p.stdout == ""  # nothing exported
    ids = {}
    for day in ("01.01.2000", "2000-01-01", "31.12.2999"):
        p = run_ekte("export", "--since", day, "-w", wd, "--json")
        assert p.returncode in (0, 1), p.stderr
        ids[day] = {d["id"] for d in json.loads(p.stdout)["documents"]}
    assert ids["01.01.2000"] == ids["2000-01-01"] == set(queue(st)) and ids["31.12.2999"] == set()
    p = run_ekte("export", "--since", "31.02.2026", "-w", wd)
    assert p.returncode == 2 and "not '31.02.2026'" in p.stderr
