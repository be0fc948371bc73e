"""A vehicle's FIN and eVB broken over the lines of a letter, on a scan (ekte.stages.extract.prose;
issue 10 on scans, branch scan42).

The born-digital twin's text ends a line with "\\n", an OCRed page's text with " \\n" ("… Identifizierungsnummer
VF7KM4NH1 \\n2TNS7EM5."): the sentence patterns that join a code's two parts took only the first.  A letter is
drawn at 300 dpi with both codes broken at the line's end and read by the real Tesseract through ekte's OCR."""

from __future__ import annotations

import os

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ekte.model import Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.extract import prose
from ekte.stages.layout import Word

os.environ["OMP_THREAD_LIMIT"] = "1"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = [
    "Antrag auf Umschreibung eines Fahrzeugs",
    "Sehr geehrte Damen und Herren,",
    "hiermit beantrage ich die Umschreibung meines Fahrzeugs mit der Fahrzeug-Identifizierungsnummer VF7KM4NH1",
    "2TNS7EM5. Das Kennzeichen habe ich online reserviert, die eVB-Nummer lautet KR",
    "7WX3P. Mit freundlichen Grüßen",
]
FIN, EVB = "VF7KM4NH12TNS7EM5", "KR7WX3P"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """The letter through ekte's OCR: (page text, page words)."""
    from ekte.stages import intake
    from ekte.stages.ocr import OcrParams, make_archival_pdf

    try:
        font = ImageFont.truetype(SANS, 34)
    except OSError:
        pytest.skip("fonts-dejavu not installed")
    tmp = tmp_path_factory.mktemp("wrapped")
    im = Image.new("L", (2480, 900), 245)
    d = ImageDraw.Draw(im)
    for k, line in enumerate(LINES):
        d.text((200, 120 + 90 * k), line, font=font, fill=20)
    im.filter(ImageFilter.GaussianBlur(0.6)).save(tmp / "p.png", dpi=(300, 300))
    intake.image_to_pdf(tmp / "p.png", tmp / "work.pdf", 300, 250)
    res = make_archival_pdf(tmp / "work.pdf", tmp / "out.pdf", OcrParams.from_profile(load_profile()), jobs=1)
    return res["page_texts"][0], [Word(*w) for w in res["page_words"][0]]


def test_ocr_ends_its_lines_with_a_space(scanned):
    text, _ = scanned
    assert "VF7KM4NH1 \n2TNS7EM5" in text and "lautet KR \n7WX3P" in text


def test_both_codes_are_joined_over_the_line_break(scanned):
    text, words = scanned
    d = Document(sha256="e" * 64, source="scan.png", size=1, media_type="image/png",
                 received="2026-11-01T10:00:00+01:00")
    d.page_texts, d.extra["page_words"], d.ocr = [text], [[tuple(w) for w in words]], {"ocr_pages": [1]}
    got = ex.extract(d, load_profile(), [ex.LabelExtractor()])
    assert got["fin"].value == FIN
    assert got["evb"].value == EVB


def test_a_code_cut_short_is_still_none():
    """Joined over " \\n" too, the parts must make the code's whole length."""
    cands = [c for c in prose.running_values(1, "mit der FIN VF7KM4NH1 \n2TNS7. Die eVB-Nummer lautet KR \n7WX.") if c]
    assert not any(c.field in ("fin", "evb") and c.ok for c in cands)
