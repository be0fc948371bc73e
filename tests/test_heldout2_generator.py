"""The third held-out family (samples/heldout2): every truth value is on the
page as the truth rules write it, the output is deterministic per seed, and
scans are 300 dpi image-only PDFs of the same pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ekte.profile import FIELD_NAMES

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
sys.path.insert(0, str(SAMPLES))

from heldout2 import make  # noqa: E402
from heldout2.render import BUILDERS, STYLES, render  # noqa: E402
from heldout2.scan import scan  # noqa: E402
from heldout2.world import fmt_date, rng_for  # noqa: E402

DATE_STYLES = ("num", "short", "yy", "shortyy", "long", "abbr", "iso", "roman", "stamp", "spaced")
DATES = {"geburtsdatum", "antragsdatum", "eingangsdatum"}


def norm(s: str) -> str:
    return re.sub(r"\s+", "", s).casefold()


def page_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


@pytest.fixture(scope="module")
def born(tmp_path_factory):
    out = tmp_path_factory.mktemp("heldout2")
    truth = make.generate(out, per_type=2, seed=11)
    return out, truth


def test_plan_covers_every_type_and_layout():
    p = make.plan(6, seed=3)
    assert {t for t, _, _ in p} == set(BUILDERS) and len(p) == 6 * len(BUILDERS)
    for doctype in BUILDERS:
        assert {s for t, _, s in p if t == doctype} == set(STYLES), doctype
    assert [t for t, _, _ in p[:9]] != list(BUILDERS), "ids are not in type order"


def test_truth_format_and_every_value_on_the_page(born):
    out, truth = born
    assert json.loads((out / "truth.json").read_text(encoding="utf-8")) == truth
    assert len(truth) == 2 * len(BUILDERS)
    for doc_id, t in truth.items():
        assert t["type"] in BUILDERS and set(t["fields"]) <= set(FIELD_NAMES), doc_id
        text = norm(page_text((out / f"{doc_id}.pdf").read_bytes()))
        for name, value in t["fields"].items():
            assert value and value == value.strip(), (doc_id, name)
            if name in DATES:
                d = dt.datetime.strptime(value, "%d.%m.%Y").date()
                assert any(norm(fmt_date(d, s)) in text for s in DATE_STYLES), (doc_id, name, value)
            elif name == "betrag_eur":                             # "12.500,00" may be shown as "12.500,- €"
                assert norm(value.split(",")[0]) in text, (doc_id, value)
            elif name == "iban":
                assert re.fullmatch(r"DE\d{20}", value) and norm(value) in text, (doc_id, value)
            elif name == "strasse" and norm(value) not in text:   # street and number in boxes of their own
                street, number = re.fullmatch(r"(.*\D)\s+(\d.*)", value).groups()
                assert norm(street) in text and norm(number) in text, (doc_id, value)
            else:
                assert norm(value) in text, (doc_id, name, value)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_each_shown_text_and_truth_of_many_documents():
    """Wider than the files: 9 types x 6 layouts, the texts that
    carry a truth value are on the page, and a split value (street and house
    number in two boxes) joins to the truth."""
    for seed in (1,):
        for doctype in BUILDERS:
            for i, style in enumerate(STYLES):
                d = render(doctype, style, rng_for(seed, doctype, i))
                text = norm(page_text(d.pdf))
                for name, shown in d.shown.items():
                    for s in shown:
                        assert norm(s) in text, (seed, doctype, style, name, s)
                    if name == "betrag_eur":
                        assert norm(d.truth[name]).split(",")[0] in norm(shown[0]), (seed, doctype, style)
                    elif name not in DATES:
                        assert norm(d.truth[name]) in norm("".join(shown)) or \
                            norm(d.truth[name]) in text, (seed, doctype, style, name)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_same_seed_same_bytes_other_seed_other_documents(born, tmp_path):
    out, truth = born
    again = make.generate(tmp_path / "again", per_type=2, seed=11)
    assert again == truth
    for doc_id in truth:
        assert (out / f"{doc_id}.pdf").read_bytes() == (tmp_path / "again" / f"{doc_id}.pdf").read_bytes()
    other = make.generate(tmp_path / "other", per_type=2, seed=12)
    assert [v["fields"] for v in other.values()] != [v["fields"] for v in truth.values()]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_scan_is_deterministic_image_only_300_dpi():
    d = render("kfz_zulassung", "numbered", rng_for(5, "kfz_zulassung", 0))
    a = scan(d.pdf, rng_for(5, "scan"))
    b = scan(d.pdf, rng_for(5, "scan"))
    assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest()
    pdf = pdfium.PdfDocument(a)
    try:
        assert len(pdf) == len(pdfium.PdfDocument(d.pdf))
        page = pdf[0]
        assert page.get_textpage().get_text_range().strip() == ""          # no text layer: OCR must read it
        w, h = page.get_size()
        assert 590 <= min(w, h) <= 610 and 835 <= max(w, h) <= 860          # A4 plus the skew margin, in pt
        images = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
        assert len(images) == 1
        px_w, _ = images[0].get_px_size()
        assert abs(px_w / (w / 72) - 300) < 2                                # 300 dpi
    finally:
        pdf.close()
