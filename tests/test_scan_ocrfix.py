"""OCR's split and glued label words repaired before extraction (ekte.stages.extract.ocrfix; issue 10
on scans, branch scan40).

A 300-dpi page is drawn with what a scan's OCR shows on the development families' scans — a label word
split by a wide gap ("E ing."), two label words glued by a speck read as a dot ("Straße.und",
"Tag.der"), a street abbreviation's dot read as a colon ("Talstr:48b"), a date's year split by a comb's
box ("26.11.9 5") — and read by the real Tesseract through ekte's OCR (OCRmyPDF).  Each repair finds a
value extraction loses without it, never sure; the page text keeps its length and the text layer what
Tesseract read."""

from __future__ import annotations

import os

import pytest
from helpers import label_fields, ocr_drawn_words, scanned_document
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ekte.model import Document
from ekte.profile import load_profile
from ekte.stages.extract import ocrfix
from ekte.stages.extract.lexicon import lexicon
from ekte.stages.layout import Word

os.environ["OMP_THREAD_LIMIT"] = "1"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#: (x in px, text) per line; a tuple of pieces is drawn with the gap given between them
LINES = [
    [(200, "Antrag auf Zulassung eines Fahrzeugs")],
    [(200, "Familienname: Brandstetter")],
    [(200, "Tag.der Geburt"), (900, "14.03.1985")],
    [(200, "Straße.und Hausnummer"), (900, "Lindenweg 12")],
    [(200, "Postleitzahl: 12345"), (900, "Ort: Musterstadt")],
    [(200, ("E", 14, "ing.")), (400, "12.03.2026")],
]


def _page(path) -> None:
    try:
        font = ImageFont.truetype(SANS, 42)
    except OSError:
        pytest.skip("fonts-dejavu not installed")
    im = Image.new("L", (2480, 1100), 245)
    d = ImageDraw.Draw(im)
    for k, line in enumerate(LINES):
        y = 120 + 150 * k
        for x, t in line:
            if isinstance(t, tuple):  # pieces with a gap between
                a, gap, b = t
                d.text((x, y), a, font=font, fill=20)
                d.text((x + d.textlength(a, font=font) + gap, y), b, font=font, fill=20)
            else:
                d.text((x, y), t, font=font, fill=20)
    im.filter(ImageFilter.GaussianBlur(0.6)).save(path, dpi=(300, 300))


@pytest.fixture(scope="module")
def profile():
    return load_profile()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, profile):
    """The page through ekte's OCR: (page text, page words)."""
    return ocr_drawn_words(tmp_path_factory, "ocrfix", _page, profile)


_doc = scanned_document


def _fields(doc: Document, profile, repair: bool = True) -> dict:
    return label_fields(doc, profile, None if repair else ("ocr_repaired", lambda text, words, lex: (text, words)))


def test_tesseract_reads_the_artefacts(scanned):
    """The page shows what the dev scans showed: a split keyword, glued labels."""
    texts = [w.text for w in scanned[1]]
    assert "Straße.und" in texts and "Tag.der" in texts
    assert "E" in texts and "ing." in texts


def test_the_repairs_find_values_lost_without_them(scanned, profile):
    without = _fields(_doc(*scanned), profile, repair=False)
    got = _fields(_doc(*scanned), profile)
    assert "geburtsdatum" not in without and "strasse" not in without
    assert "eingangsdatum" not in without or without["eingangsdatum"].value != "12.03.2026"
    assert got["geburtsdatum"].value == "14.03.1985"
    assert got["strasse"].value == "Lindenweg 12"
    assert got["eingangsdatum"].value == "12.03.2026"


def test_a_repair_alone_never_makes_a_value_sure(scanned, profile):
    got = _fields(_doc(*scanned), profile)
    for k in ("geburtsdatum", "strasse", "eingangsdatum"):
        assert got[k].confidence < profile.extract.auto_threshold, k
    assert got["nachname"].value == "Brandstetter"  # a row no repair touched keeps what it had


def test_the_text_keeps_its_length_and_the_text_layer_stays(scanned, profile):
    text, words = scanned
    fixed, fwords = ocrfix.repaired(text, words, lexicon(profile))
    assert len(fixed) == len(text) and fixed != text
    assert "Eing." in fixed and "Straße und" in fixed
    for w in fwords:  # every word's span still points at its place in the text
        assert fixed[w.start:w.end] == w.text
    doc = _doc(text, words)
    _fields(doc, profile)
    assert doc.page_texts == [text]  # what OCR read is what the archive keeps


def test_words_as_ocr_gave_them(profile):
    """Word boxes as Tesseract gave them on the dev scans (family6, family8): a street's dot read as a
    colon, a date's year split by a comb's box — repaired only where the result is what the field takes."""
    lex = lexicon(profile)
    text = "Anschrift: Talstr:48b\nGeburtsdatum: 26.11.9 5\nBemerkung: 0.2.0 050"
    ws = [Word("Anschrift:", 100, 100, 220, 118, 0, 10, 95), Word("Talstr:48b", 240, 100, 360, 118, 11, 21, 91),
          Word("Geburtsdatum:", 100, 140, 256, 158, 22, 35, 95), Word("26.11.9", 270, 140, 354, 158, 36, 43, 90),
          Word("5", 362, 140, 374, 158, 44, 45, 88), Word("Bemerkung:", 100, 180, 220, 198, 46, 56, 95),
          Word("0.2.0", 240, 180, 300, 198, 57, 62, 95), Word("050", 306, 180, 342, 198, 63, 66, 95)]
    fixed, got = ocrfix.repaired(text, ws, lex)
    assert [w.text for w in got] == ["Anschrift:", "Talstr.", "48b", "Geburtsdatum:", "26.11.95", "Bemerkung:", "0.2.0",
                                    "050"]  # a leader read as digits is no date
    assert len(fixed) == len(text)
    assert all(w.conf <= ocrfix.REPAIRED_CONF for w in got if w.text in ("Talstr.", "48b", "26.11.95"))
    assert got[0].conf == 95  # before the repair on its row: as read
    from ekte.stages.extract.checks import MIN_WORD_CONF

    assert ocrfix.REPAIRED_CONF < MIN_WORD_CONF  # what a repair touched fails the "read" check


def test_a_text_layer_is_never_repaired(profile):
    text = "Straße.und Hausnummer Lindenweg 12"
    ws = [Word("Straße.und", 100, 100, 220, 118, 0, 10), Word("Hausnummer", 230, 100, 350, 118, 11, 21),
          Word("Lindenweg", 400, 100, 500, 118, 22, 31), Word("12", 510, 100, 530, 118, 32, 34)]
    assert ocrfix.repaired(text, ws, lexicon(profile)) == (text, ws)
