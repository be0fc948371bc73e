"""The held-out generator (samples/heldout) writes only truth that is on the
page: every truth value is found in the born-digital PDF's text (pypdfium2),
in one of the written forms a German document uses for it.  The forms are
listed here on their own, not taken from the generator."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import heldout.make as make  # samples/ is on sys.path (conftest)

ROOT = Path(__file__).resolve().parent.parent
MONTHS = [["januar", "jan."], ["februar", "feb."], ["märz", "mrz.", "mär."], ["april", "apr."], ["mai"],
          ["juni", "jun."], ["juli", "jul."], ["august", "aug."], ["september", "sep.", "sept."],
          ["oktober", "okt."], ["november", "nov."], ["dezember", "dez."]]
TYPE_FIELDS = {  # what each type's truth must carry besides the person and the date
    "kfz_zulassung": {"fin", "evb", "kennzeichen", "iban"},
    "bauantrag": {"gemarkung", "flur", "flurstueck"},
    "sportstaetten_foerderung": {"verein", "betrag_eur", "iban"},
    "eingliederungshilfe": {"iban"},
}


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s).casefold()


def date_forms(value: str) -> set[str]:
    d, m, y = (int(x) for x in value.split("."))
    forms = {f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}", f"{d:02d}.{m:02d}.{y % 100:02d}", f"{d}.{m}.{y % 100:02d}",
             f"{y}-{m:02d}-{d:02d}", f"tag{d:02d}monat{m:02d}jahr{y}"}  # the last: boxes captioned Tag/Monat/Jahr
    for name in MONTHS[m - 1]:
        forms |= {f"{d}.{name}{y}", f"{d:02d}.{name}{y}"}
    return forms


def amount_forms(value: str) -> set[str]:
    euros, cents = value.split(",")
    return {value, f"{euros.replace('.', '')},{cents}"} | ({f"{euros},-"} if cents == "00" else set())


def on_page(field: str, value: str, spaced: str, flat: str) -> bool:
    """spaced: the page text with single spaces; flat: without any whitespace."""
    if field in ("geburtsdatum", "antragsdatum", "eingangsdatum"):
        return any(f in flat for f in date_forms(value))
    if field == "betrag_eur":
        return any(f in flat for f in amount_forms(value))
    if field == "strasse":
        street, number = re.match(r"(.*?)\s+(\d.*)$", value).groups()
        return squash(value) in flat or (street.casefold() in spaced and re.search(
            rf"(?<![\w/]){' ?'.join(map(re.escape, squash(number)))}(?![\w/])", spaced) is not None)
    if len(squash(value)) >= 6:
        return squash(value) in flat
    return re.search(rf"(?<![\w/.-]){re.escape(value.casefold())}(?![\w/-])", spaced) is not None


def page_text(pdf: Path) -> str:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return "\n".join(doc[i].get_textpage().get_text_bounded() for i in range(len(doc)))
    finally:
        doc.close()


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
        text = page_text(out / f"{ident}.pdf")
        spaced, flat = re.sub(r"\s+", " ", text).casefold(), squash(text)
        for field, value in rec["fields"].items():
            if not on_page(field, value, spaced, flat):
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


def test_deterministic_per_seed(tmp_path):
    a = make.generate(tmp_path / "a", per_type=1, seed=9, born=True, scans=False)
    b = make.generate(tmp_path / "b", per_type=1, seed=9, born=True, scans=False)
    c = make.generate(tmp_path / "c", per_type=1, seed=10, born=True, scans=False)
    assert a == b and a != c
    for ident in a:
        assert (tmp_path / "a" / f"{ident}.pdf").read_bytes() == (tmp_path / "b" / f"{ident}.pdf").read_bytes()


def test_scans_are_images_with_the_same_truth(tmp_path):
    truth = make.generate(tmp_path, per_type=1, seed=2, born=True, scans=True, types=["bauantrag", "sonstiges"])
    scans = {k: v for k, v in truth.items() if k.endswith(".scan")}
    assert len(scans) == 2
    for ident, rec in scans.items():
        assert rec["fields"] == truth[ident.removesuffix(".scan")]["fields"]
        (path,) = tmp_path.glob(f"{ident}.*")
        assert path.suffix in (".pdf", ".tif", ".png") and rec["format"] == "scan-" + path.suffix[1:]
        if path.suffix == ".pdf":
            assert page_text(path).strip() == ""  # no text layer: OCR has to read it


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


def api_fields() -> tuple[str, ...]:
    from ekte.profile import FIELD_NAMES

    return FIELD_NAMES


def test_bad_arguments_give_one_line_errors(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "samples/heldout/make.py"), str(tmp_path), "--types", "nope"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "nope" in r.stderr
