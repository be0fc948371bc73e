"""The held-out generator (samples/heldout) writes only truth that is on the
page: every truth value is found in the born-digital PDF's text (pypdfium2),
in one of the written forms a German document uses for it.  Those forms are
listed in heldout/check.py on their own, not taken from the generator's
formatting code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import heldout.make as make  # samples/ is on sys.path (conftest)
from heldout.check import on_page, pdf_text, readability

ROOT = Path(__file__).resolve().parent.parent
TYPE_FIELDS = {  # what each type's truth must carry besides the person and the date
    "kfz_zulassung": {"fin", "evb", "kennzeichen", "iban"},
    "bauantrag": {"gemarkung", "flur", "flurstueck"},
    "sportstaetten_foerderung": {"verein", "betrag_eur", "iban"},
    "eingliederungshilfe": {"iban"},
}


@pytest.fixture(scope="module")
def born(tmp_path_factory):
    out = tmp_path_factory.mktemp("heldout")
    truth = make.generate(out, per_type=3, seed=5, born=True, scans=False)
    return out, truth


def test_every_truth_value_is_on_the_page(born):
    out, truth = born
    assert len(truth) == 3 * len(make.TYPES)
    problems = []
    for ident, rec in truth.items():
        text = pdf_text(out / f"{ident}.pdf")
        for field, value in rec["fields"].items():
            if not on_page(field, value, text):
                problems.append(f"{ident} ({rec['type']}, {rec['layout']}): {field}={value!r}")
    assert not problems, "\n".join(problems)


def test_nothing_is_drawn_off_the_page(born):
    """A scan shows only the page: text beyond its edge would be truth no scan has."""
    out, truth = born
    for ident in truth:
        doc = pdfium.PdfDocument(str(out / f"{ident}.pdf"))
        try:
            for page in doc:
                w, h = page.get_size()
                tp = page.get_textpage()
                for i in range(tp.count_chars()):
                    left, bottom, right, top = tp.get_charbox(i)
                    assert -1 <= left and right <= w + 1 and -1 <= bottom and top <= h + 1, (ident, tp.get_text_range(i, 1))
                    assert right < w - 10, (ident, "touches the right edge", tp.get_text_range(max(0, i - 20), 21))
        finally:
            doc.close()


def test_check_finds_every_value_in_born_pdfs_and_not_elsewhere(born):
    out, truth = born
    assert readability(out)["found"] == 1.0
    assert not on_page("vorname", "Ute", "Vorname(n): Utensilien") and on_page("vorname", "Ute", "Vorname(n): Ute")
    assert on_page("eingangsdatum", "30.03.2026", "EINGEGANGEN 30. MRZ. 2026")
    assert not on_page("eingangsdatum", "30.03.2026", "EINGEGANGEN 30. APR. 2026")
    assert on_page("strasse", "Weidenring 141 a", "Straße Weidenring Hausnummer 141 a")


def test_truth_is_complete_and_typed(born):
    _, truth = born
    names = set(make.BUILDERS)
    layouts = set()
    for rec in truth.values():
        f = rec["fields"]
        assert rec["type"] in names
        layouts.add(rec["layout"])
        assert {"vorname", "nachname", "antragsdatum"} <= set(f), rec
        assert TYPE_FIELDS.get(rec["type"], set()) <= set(f), rec
        for k in ("geburtsdatum", "antragsdatum", "eingangsdatum"):
            assert k not in f or re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", f[k]), (k, f[k])
        assert "iban" not in f or re.fullmatch(r"DE\d{20}", f["iban"])
        assert "plz" not in f or re.fullmatch(r"\d{5}", f["plz"])
        assert "betrag_eur" not in f or re.fullmatch(r"\d{1,3}(\.\d{3})*,\d{2}", f["betrag_eur"])
        if "eingangsdatum" in f:  # received after it was written
            d1, d2 = ([int(x) for x in reversed(f[k].split("."))] for k in ("antragsdatum", "eingangsdatum"))
            assert d1 < d2
    assert layouts == set(make.LAYOUTS)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_deterministic_per_seed(tmp_path):
    a = make.generate(tmp_path / "a", per_type=1, seed=9, born=True, scans=False)
    b = make.generate(tmp_path / "b", per_type=1, seed=9, born=True, scans=False)
    c = make.generate(tmp_path / "c", per_type=1, seed=10, born=True, scans=False)
    assert a == b and a != c
    for ident in a:
        assert (tmp_path / "a" / f"{ident}.pdf").read_bytes() == (tmp_path / "b" / f"{ident}.pdf").read_bytes()


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_scans_are_images_with_the_same_truth(tmp_path):
    truth = make.generate(tmp_path, per_type=1, seed=2, born=True, scans=True, types=["bauantrag", "sonstiges"])
    scans = {k: v for k, v in truth.items() if k.endswith(".scan")}
    assert len(scans) == 2
    for ident, rec in scans.items():
        assert rec["fields"] == truth[ident.removesuffix(".scan")]["fields"]
        (path,) = tmp_path.glob(f"{ident}.*")
        assert path.suffix in (".pdf", ".tif", ".png") and rec["format"] == "scan-" + path.suffix[1:]
        if path.suffix == ".pdf":
            assert pdf_text(path).strip() == ""  # no text layer: OCR has to read it


def test_command_line_and_ekte_eval_read_the_truth(tmp_path):
    out = tmp_path / "set"
    r = subprocess.run([sys.executable, str(ROOT / "samples/heldout/make.py"), str(out), "--per-type", "1",
                        "--born", "--seed", "4"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    truth = json.loads((out / "truth.json").read_text("utf-8"))
    assert sorted(p.stem for p in out.glob("*.pdf")) == sorted(truth)
    from ekte import api

    report = api.evaluate(out, truth, workdir=tmp_path / "work")
    assert report["documents"] == len(truth) and not report["missing"] and not report["errors"]
    assert report["per_field"] and set(report["per_field"]) <= set(api_fields())
    from heldout.reliability import measure

    rel = measure(out, tmp_path / "work", 1)
    assert set(rel["per_layout"]) <= set(make.LAYOUTS) and rel["confidence"]
    values = sum(v["values"] for v in rel["confidence"].values())
    right = sum(v["values"] * v["right"] for v in rel["confidence"].values())
    assert abs(right / values - report["fields"]["precision"]) < 0.01  # the same comparison as ekte eval


def api_fields() -> tuple[str, ...]:
    from ekte.profile import FIELD_NAMES

    return FIELD_NAMES


def test_bad_arguments_give_one_line_errors(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "samples/heldout/make.py"), str(tmp_path), "--types", "nope"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "nope" in r.stderr
