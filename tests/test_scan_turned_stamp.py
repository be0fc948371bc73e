"""An upright form with a received stamp turned 90 degrees at its margin stays upright
(ekte.stages.tess_geometry.geometry): the page's orientation is that of most of its text,
not of Tesseract's first block.  The page is family8's f8-006 of
`samples/family8/make.py OUT --per-type 2 --seed 40 --scans` (an "Eingliederungshilfe" comb
form; the stamp "EINGANG 20.03.26" turned at the left margin is Tesseract's first block),
made here byte for byte as that command makes it: before, it got orientation 270 and
``/Rotate 90``, every word box turned, and extraction found no value on it but the stamp's date.
Real OCRmyPDF + Tesseract; that a truly turned page is still found turned within the OCR pass
is tests/test_ocr.py::test_orientation_found_within_the_ocr_pass_when_the_probe_is_unsure."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from helpers import make_family_set

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scan_pdf(tmp_path_factory) -> Path:
    import importlib.util

    tmp = tmp_path_factory.mktemp("turnedstamp")
    # the type's first document (j = 0) is drawn from the same generator as in the whole set
    make_family_set("family8", tmp, "--per-type", "1", "--seed", "40", "--born", "--types", "eingliederungshilfe")
    spec = importlib.util.spec_from_file_location("_family8_scan", ROOT / "samples" / "family8" / "scan.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # stdlib, PIL, img2pdf only
    out = tmp / "form.scan.pdf"
    # the scanner's generator as family_make seeds it for f8-006 of the whole seed-40 set
    out.write_bytes(mod.scan((tmp / "f8-001.pdf").read_bytes(), random.Random("f8-scan-40-f8-006")))
    return out


@pytest.fixture(scope="module")
def ocred(scan_pdf, tmp_path_factory):
    from ekte.profile import load_profile
    from ekte.stages import intake
    from ekte.stages.ocr import OcrParams, make_archival_pdf

    tmp = tmp_path_factory.mktemp("turnedstamp-ocr")
    intake.open_pdf_checked(scan_pdf, tmp / "work.pdf", 250)
    out = tmp / "out.pdf"
    return make_archival_pdf(tmp / "work.pdf", out, OcrParams.from_profile(load_profile()), jobs=1), out


def test_the_form_is_not_turned_by_its_stamp(ocred):
    import pikepdf

    res, out = ocred
    (page,) = res["geometry"]["pages"]
    assert page["orientation"] == 0 and not page["turned"], page
    assert abs(page["skew_degrees"]) < 1.0, page
    with pikepdf.open(out) as pdf:
        assert int(pdf.pages[0].obj.get("/Rotate", 0)) == 0


def test_the_forms_values_are_found(ocred):
    from ekte.model import Document
    from ekte.profile import load_profile
    from ekte.stages import extract as ex

    res, _ = ocred
    doc = Document(sha256="f" * 64, source="scan.pdf", size=1, media_type="application/pdf",
                   received="2026-12-01T10:00:00+01:00")
    doc.page_texts = res["page_texts"]
    doc.extra["page_words"] = res["page_words"]
    doc.ocr = {"ocr_pages": res["ocr_pages"]}
    got = {k: f.value for k, f in ex.extract(doc, load_profile(), [ex.LabelExtractor()]).items()}
    # the generator's invented values (samples/family8 truth of f8-006)
    assert got.get("aktenzeichen") == "BA-2266/2026", got
    assert got.get("plz") == "92318", got
    assert got.get("antragsdatum") == "12.03.2026", got


def test_a_page_without_text_is_upright():
    from PIL import Image
    from tesserocr import PSM

    from ekte.stages import tess_engine, tess_geometry

    with tess_engine._Handle("deu", int(PSM.AUTO_OSD)) as api:
        tess_engine.set_image(api, Image.new("L", (1200, 1600), 255))
        api.Recognize(0)
        assert tess_geometry.geometry(api) == (0, 0.0, True)
