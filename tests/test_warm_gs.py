"""The worker's warm Ghostscript (``pdfa._convert_warm``) where working directories really are:
not below /tmp, which Ghostscript permits anyway.  Its permission was "ROOT/" — that folder's own
files only — so below /var/lib/ekte or ./ekte-data every conversion failed, the document was
archived as its original (not PDF/A), and the next conversion hung until its time limit."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from helpers import ROOT, SAMPLES
from ekte.stages import pdfa


@pytest.fixture
def outside_tmp():
    d = Path(tempfile.mkdtemp(prefix=".warm-gs-", dir=ROOT))  # the checkout: not below /tmp
    try:
        yield d
    finally:
        pdfa._stop_warm()
        shutil.rmtree(d, ignore_errors=True)


def test_the_warm_ghostscript_writes_into_a_scratch_sub_folder_outside_tmp(outside_tmp):
    assert not str(outside_tmp.resolve()).startswith("/tmp/")
    job = outside_tmp / "scratch" / "doc1"
    job.mkdir(parents=True)
    inp = job / "in.pdf"
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", inp)
    assert pdfa._convert_warm(shutil.which("gs"), inp, job / "mid.gs.pdf", 60)
    assert (job / "mid.gs.pdf").read_bytes().startswith(b"%PDF")


def test_after_a_failed_job_the_next_one_does_not_wait_for_its_time_limit(outside_tmp):
    job = outside_tmp / "scratch" / "doc1"
    job.mkdir(parents=True)
    with pytest.raises(subprocess.CalledProcessError):  # a job that fails inside Ghostscript: no such input
        pdfa._convert_warm(shutil.which("gs"), job / "missing.pdf", job / "mid.gs.pdf", 60)
    inp = job / "in.pdf"
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", inp)
    t0 = time.monotonic()
    assert pdfa._convert_warm(shutil.which("gs"), inp, job / "mid2.gs.pdf", 60)
    assert time.monotonic() - t0 < 30  # (it waited the 60 s before)


def test_a_scan_s_ocr_ends_the_idle_warm_ghostscript_first(outside_tmp, monkeypatch):
    """Issue 12: a worker about to OCR does not keep its warm Ghostscript idle
    through the pass (the run's peak); the next conversion starts one again."""
    from ekte.stages import ocr

    job = outside_tmp / "scratch" / "doc1"
    job.mkdir(parents=True)
    inp = job / "in.pdf"
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", inp)
    assert pdfa._convert_warm(shutil.which("gs"), inp, job / "mid.gs.pdf", 60)
    proc = pdfa._warm["proc"]
    assert proc.poll() is None

    class Stop(Exception):
        pass

    def stop(*_a, **_k):
        raise Stop
    monkeypatch.setattr(ocr, "_probe", stop)  # the OCR pass itself is not what is tested here
    with pytest.raises(Stop):
        ocr._scans(inp, job / "out.pdf", ocr.OcrParams(), 1, ocr.Pages([], [], [], 1), None, {})
    assert proc.poll() is not None and "proc" not in pdfa._warm
    assert pdfa._convert_warm(shutil.which("gs"), inp, job / "mid2.gs.pdf", 60) and pdfa._warm["proc"].poll() is None
