"""An upright scan is not turned upside down on weak evidence (ekte.stages.geometry):
a family5 form (block capitals, printed at the generator's seed 1) scanned by family3's
scanner, whose widest line read at 0 as it lies and at 21 turned at the probe's 100 dpi —
taken for upside down and read as garbage before.  Real Tesseract."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from helpers import make_family_set

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scan_pdf(tmp_path_factory) -> Path:
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("_family3_scan", ROOT / "samples" / "family3" / "scan.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # stdlib, numpy, PIL, pikepdf, pdfium, img2pdf only
    tmp = tmp_path_factory.mktemp("orient")
    make_family_set("family5", tmp, "--per-type", "2", "--seed", "1", "--types", "tierhaltung")
    truth = json.loads((tmp / "truth.json").read_text("utf-8"))
    key = next(k for k, t in truth.items() if t["layout"] == "druckbuchstaben")
    out = tmp / "form.scan.pdf"
    # the bytes bench/scan_twins_make.py wrote for f5-017 of `family5/make.py --per-type 2 --seed 1`
    out.write_bytes(mod.scan((tmp / f"{key}.pdf").read_bytes(), random.Random("1-f5-017-scan")))
    return out


def test_a_line_that_reads_badly_both_ways_does_not_settle_upside_down(scan_pdf):
    from ekte.stages import geometry

    found = geometry.probe(scan_pdf, [1], 100)[1]
    assert found["lines_confidence"] and max(found["lines_confidence"]) < geometry.UPSIDE_DOWN_READ
    assert found["orientation"] == 0 and not found["orientation_settled"]  # the OCR pass checks


def test_the_page_is_read_upright(scan_pdf, tmp_path):
    from ekte.profile import load_profile
    from ekte.stages.ocr import OcrParams, make_archival_pdf

    res = make_archival_pdf(scan_pdf, tmp_path / "out.pdf", OcrParams.from_profile(load_profile()), jobs=1)
    assert "Tierhaltung" in res["page_texts"][0]


@pytest.fixture(scope="module")
def upside_down_pdf(tmp_path_factory) -> Path:
    """A family3 check-box form (seed 1) its scanner turned by 180°, whose three probed lines do
    not tell (30 as it lies, 12 turned): read upside down by the OCR pass's safety net before,
    so neither ``ocr.refine`` nor ``ocr.stamps`` read it."""
    import json

    tmp = tmp_path_factory.mktemp("upside")
    make_family_set("family3", tmp, "--per-type", "2", "--seed", "1", "--scans", "--types", "sportstaetten_foerderung")
    truth = json.loads((tmp / "truth.json").read_text("utf-8"))
    return tmp / f"{next(k for k, t in truth.items() if t['layout'] == 'ankreuz')}.pdf"


def test_where_three_lines_do_not_tell_orientation_detection_settles_upside_down(upside_down_pdf):
    from ekte.stages import geometry

    found = geometry.probe(upside_down_pdf, [1], 100)[1]
    a, b = found["lines_confidence"]  # the lines were read both ways and did not tell
    assert abs(b - a) < geometry.UPSIDE_DOWN_MARGIN
    assert found["orientation"] == 180 and found["orientation_settled"]
