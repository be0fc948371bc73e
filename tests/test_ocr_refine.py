"""The second recogniser for Tesseract's unsure words (ekte.stages.ocr_refine):
a form strip at 300 dpi with printed labels and values in a handwriting-like
font, OCRed by the real OCRmyPDF + Tesseract with and without the
refinement, and RapidOCR's recogniser from its wheel, without the network."""

from __future__ import annotations

import os
import socket
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from ekte.stages import ocr_rec, ocr_refine
from ekte.stages.ocr_refine import OcrWord

os.environ["OMP_THREAD_LIMIT"] = "1"
SANS = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
HAND = "/usr/share/fonts/truetype/breip/Breip.ttf"  # Debian fonts-breip (Makefile APT_PKGS)
ROWS = [("Geburtsdatum:", "12.03.1987"), ("IBAN:", "DE89 3704 0044 0532 0130 00"), ("Telefon:", "04665 423674")]

pytestmark = pytest.mark.skipif(not ocr_refine.available(), reason="rapidocr is not installed (requirements.lock)")


def _strip(path: Path) -> Path:
    try:
        label, hand = ImageFont.truetype(SANS, 42), ImageFont.truetype(HAND, 58)
    except OSError:
        pytest.skip("fonts-liberation2 / fonts-breip not installed (make venv installs them)")
    im = Image.new("RGB", (2480, 700), (236, 236, 236))
    d = ImageDraw.Draw(im)
    for k, (lab, value) in enumerate(ROWS):
        d.text((150, 120 + 170 * k), lab, font=label, fill=(20, 20, 20))
        d.text((700, 112 + 170 * k), value, font=hand, fill=(20, 30, 110))
    im.save(path, dpi=(300, 300))
    return path


@pytest.fixture(scope="module")
def ocred(tmp_path_factory):
    """(words without, words with the refinement) of the strip, through OCRmyPDF."""
    from ekte.profile import load_profile
    from ekte.stages import intake
    from ekte.stages.ocr import OcrParams, make_archival_pdf

    tmp = tmp_path_factory.mktemp("refine")
    work = tmp / "work.pdf"
    intake.image_to_pdf(_strip(tmp / "strip.png"), work, 300, 250)
    params = OcrParams.from_profile(load_profile())
    out = {}
    for refine in (False, True):
        res = make_archival_pdf(work, tmp / f"out-{refine}.pdf", replace(params, refine=refine), jobs=1)
        out[refine] = (res["page_texts"][0], res["page_words"][0])
    return out


def test_the_handwritten_values_are_read_again_and_carry_the_recognisers_confidence(ocred):
    text, words = ocred[True]
    flat = "".join(text.split())
    assert "12.03.1987" in flat and "04665423674" in flat
    assert "DE8937040044053201300" in flat  # (its last digit comes back as a "C")
    date = [w for w in words if w.text == "12.03.1987"]
    # the recogniser's score, scaled below the extractor's "sure" bar: never taken without review
    from ekte.stages.extract.checks import MIN_WORD_CONF

    assert date and 0.8 * ocr_refine.CEILING <= date[0].conf <= ocr_refine.CEILING < MIN_WORD_CONF
    # the printed labels Tesseract was sure of are its own, confidence and all
    before = {w.text: w.conf for w in ocred[False][1]}
    for w in words:
        if w.text in ("Geburtsdatum:", "IBAN:", "Telefon:"):
            assert w.conf == before[w.text] >= 85


def test_without_the_refinement_tesseract_loses_them(ocred):
    text, words = ocred[False]
    flat = "".join(text.split())
    assert sum("".join(v.split()) in flat for _l, v in ROWS) <= 1
    assert min(w.conf for w in words) < ocr_refine.BELOW  # what the refinement looks for


def test_runs_are_unsure_words_of_one_line():
    line1, line2 = ("1",), ("2",)
    ws = [OcrWord("Name:", 96, (0, 0, 10, 10), line1), OcrWord("Mü", 30, (12, 0, 20, 10), line1),
          OcrWord("ller", 40, (21, 0, 30, 10), line1), OcrWord("Tel.:", 95, (40, 0, 50, 10), line1),
          OcrWord("0466", 20, (52, 0, 60, 10), line1), OcrWord("Jana", 50, (0, 20, 10, 30), line2)]
    assert ocr_refine.runs(ws, 85) == [[1, 2], [4], [5]]
    assert ocr_refine.runs(ws, 85, gap=1) == [[1, 2, 3, 4], [5]]  # one sure word between: one run
    assert ocr_refine.runs(ws, 25) == [[4]]


def test_tesseracts_umlauts_stay_where_only_they_differ():
    assert ocr_refine.merge("Müller", "Muller") == "Müller"
    assert ocr_refine.merge("Köln", "Koln") == "Köln"
    assert ocr_refine.merge("Mo1ler", "Möller") == "Möller"
    assert ocr_refine.merge("Stral3e 5", "StraBe 5") == "Straße 5"  # a B between small letters is an ß
    assert ocr_refine.merge("x", "DE89 BIC") == "DE89 BIC"
    # Tesseract's word boundaries where the recogniser ran words together
    assert ocr_refine.merge("Seite I von 1", "Seite1von1") == "Seite 1 von 1"
    assert ocr_refine.merge("AB > - 12.0 - \\z3y/25", "AB3-12.10-1234/25") == "AB 3 - 12.10 - 1234/25"
    assert ocr_refine.merge("Ts PyuIM wI", "Jana Weber") == "Jana Weber"
    assert ocr_refine.latin("Müller-Lüdenscheidt, 12.03.1987 € §") and not ocr_refine.latin("vor \u25a1")
    assert not ocr_refine.latin("\u3001")


def test_the_recogniser_runs_from_the_wheel_without_the_network(tmp_path, monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("RapidOCR tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    ocr_rec.session.cache_clear()
    im = Image.open(_strip(tmp_path / "s.png"))
    (text, score), = ocr_refine.recognise([ocr_refine._crop(im, (690, 100, 1300, 190))])
    assert text.replace(" ", "") == "12.03.1987" and score > 0.8


def test_a_run_wider_than_the_recogniser_reads_at_once_is_read_in_pieces_between_its_words():
    line = ("1",)
    # 50 px high: at the recogniser's 48 px, 960 px are 1,000 px of the page
    ws = [OcrWord("Familienname", 40, (0, 0, 450, 50), line), OcrWord("........", 40, (460, 0, 900, 50), line),
          OcrWord("Weber", 40, (910, 0, 1200, 50), line), OcrWord("Jana", 40, (1210, 0, 1400, 50), line),
          OcrWord("x", 40, (0, 100, 3000, 150), ("2",))]
    groups = ocr_refine.runs(ws, 85)
    assert groups == [[0, 1, 2, 3], [4]]
    assert ocr_refine.pieces(ws, groups) == [[0, 1], [2, 3], [4]]  # one word wider than that stays whole
    assert ocr_refine.pieces(ws, groups, 4000) == groups
