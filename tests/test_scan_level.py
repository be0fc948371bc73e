"""A slightly skewed scan's rows levelled for extraction (ekte.stages.extract.level; issue 10 on
scans, branch scan42).

A 300-dpi box form — captions above their values, two columns side by side, as family5's "Absender/in"
block — is drawn turned by 0.8 degrees (below ``ocr.deskew_threshold``, so the scan is archived as it
lies) and read by the real Tesseract through ekte's OCR (OCRmyPDF).  Across the page the right column's
caption lies lower than the left one's by more than half a line: without levelling, the left caption's
value below it is behind the right caption (read as the next label) and is lost."""

from __future__ import annotations

import os

import pytest
from helpers import label_fields, ocr_drawn_words, scanned_document
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ekte.model import Document
from ekte.profile import load_profile
from ekte.stages.extract import level
from ekte.stages.layout import Word, rows

os.environ["OMP_THREAD_LIMIT"] = "1"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#: (x in px, caption, value) per row of boxes
BOXES = [
    [(200, "Name (ggf. Geburtsname)", "Brandstetter"), (1900, "Vorname(n)", "Lukas")],
    [(200, "Straße, Haus-Nr.", "Lindenweg 12"), (1200, "PLZ", "12345"), (1900, "Ort", "Musterstadt")],
]
TURN = 0.8  # degrees, counter-clockwise: the right side higher


def _page(path) -> None:
    try:
        small, big = ImageFont.truetype(SANS, 30), ImageFont.truetype(SANS, 42)
    except OSError:
        pytest.skip("fonts-dejavu not installed")
    im = Image.new("L", (2480, 1300), 245)
    d = ImageDraw.Draw(im)
    d.text((200, 120), "Mitteilung einer Adressänderung", font=big, fill=20)
    d.text((200, 200), "Bitte füllen Sie das Formular vollständig aus und senden Sie es an uns zurück.", font=small,
           fill=20)
    d.text((200, 260), "Absender/in", font=big, fill=20)
    d.text((200, 1000), "Mit Ihrer Unterschrift bestätigen Sie, dass alle Angaben richtig und vollständig sind.",
           font=small, fill=20)
    for k, row in enumerate(BOXES):
        y = 380 + 260 * k
        for x, cap, val in row:
            d.text((x, y), cap, font=small, fill=20)
            d.text((x, y + 70), val, font=big, fill=20)
    im = im.rotate(TURN, resample=Image.BICUBIC, fillcolor=245)
    im.filter(ImageFilter.GaussianBlur(0.6)).save(path, dpi=(300, 300))


@pytest.fixture(scope="module")
def profile():
    return load_profile()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, profile):
    """The page through ekte's OCR: (page text, page words)."""
    return ocr_drawn_words(tmp_path_factory, "level", _page, profile)


_doc = scanned_document


def _fields(doc: Document, profile, levelling: bool = True) -> dict:
    return label_fields(doc, profile, None if levelling else ("levelled", lambda text, words: words))


def _row_of(rws, word: str) -> int:
    return next(r for r, row in enumerate(rws) if any(w.text == word for w in row.words))


def test_the_scan_lies_skewed_and_the_captions_fall_apart(scanned):
    """The page is archived as it lies (not levelled by OCR) and its captions are read in two rows."""
    text, words = scanned
    assert "Geburtsname)" in text and "Vorname(n)" in text
    rws = rows(words)
    assert _row_of(rws, "Geburtsname)") != _row_of(rws, "Vorname(n)")
    s = level.skew(text, words)
    assert 0.006 < -s < 0.02  # the right side higher: the lines climb (y down) by 0.8 degrees, measured
    lv = rows(level.levelled(text, words))
    assert _row_of(lv, "Geburtsname)") == _row_of(lv, "Vorname(n)")
    assert _row_of(lv, "Brandstetter") == _row_of(lv, "Lukas")


def test_levelled_rows_find_the_value_below_its_caption(scanned, profile):
    without = _fields(_doc(*scanned), profile, levelling=False)
    got = _fields(_doc(*scanned), profile)
    assert "nachname" not in without or without["nachname"].value != "Brandstetter"
    assert got["nachname"].value == "Brandstetter"
    assert got["vorname"].value == "Lukas"
    assert got["plz"].value == "12345" and got["ort"].value == "Musterstadt"


def test_the_boxes_move_and_nothing_else(scanned):
    text, words = scanned
    lv = level.levelled(text, words)
    assert [(w.text, w.x0, w.x1, w.start, w.end, w.conf) for w in lv] == \
        [(w.text, w.x0, w.x1, w.start, w.end, w.conf) for w in words]
    assert all(abs((a.y1 - a.y0) - (b.y1 - b.y0)) < 0.15 for a, b in zip(lv, words))


def test_a_text_layer_and_a_level_page_are_left_as_they_are():
    text = "Name Vorname\nWeber Jana\nStraße PLZ Ort"
    ws = [Word("Name", 50, 100, 90, 110, 0, 4), Word("Vorname", 400, 108, 460, 118, 5, 12),
          Word("Weber", 50, 130, 100, 142, 13, 18), Word("Jana", 400, 138, 440, 150, 19, 23),
          Word("Straße", 50, 160, 100, 170, 24, 30), Word("PLZ", 300, 164, 330, 174, 31, 34),
          Word("Ort", 400, 168, 430, 178, 35, 38)]
    assert level.levelled(text, ws) == ws  # no confidence: a text layer, as the born PDF drew it
    line = [0, 0, 1, 1, 2, 2, 2]
    flat = [w._replace(conf=95.0, y0=100.0 + 30 * n, y1=110.0 + 30 * n) for w, n in zip(ws, line)]
    assert level.skew(text, flat) == 0.0 and level.levelled(text, flat) == flat
