"""What a fresh-clone tester found as a clerk and as IT staff (task ux6),
each through the real CLI (a subprocess) or the real station (uvicorn):
station messages in German, history in words, the stats CSV for German
Excel and its corrections table, the old value of a correction, ``-j``
refused below 0, ekte's own start-up log line, a re-submission's first
receipt, ``export --all ID`` refused and German dates, the generator's
docstring, and the quarantine page's file names."""

from __future__ import annotations

import re
import subprocess
import sys

from helpers import ROOT, SAMPLES, run_ekte


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
