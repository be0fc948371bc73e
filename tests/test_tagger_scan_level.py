"""The token tagger reads a slightly skewed scan in the levelled rows the rules read (issue 10 item 2 on scans;
ekte/stages/extract/tagger.py ``page_rows``, ekte/stages/extract/level.py).

The page is test_scan_level's box form (captions above their values, two columns), drawn turned by 0.8 degrees
and read by the real Tesseract through ekte's OCR: unlevelled, the right column's caption falls into a row of
its own and each value's caption is no longer the row above it — the tagger, asked for every field, read no
name.  Its features are built from the same levelled rows as the rules' candidates, for training (``sequences``)
and tagging (``fallback``) alike."""

from __future__ import annotations

import os

import pytest
from helpers import ocr_drawn_words, scanned_document
from test_scan_level import _page

from ekte.model import Classification
from ekte.profile import load_profile
from ekte.stages.extract import level
from ekte.stages.extract import tagger as tg

os.environ["OMP_THREAD_LIMIT"] = "1"


@pytest.fixture(scope="module")
def profile():
    return load_profile()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, profile):
    """The skewed page through ekte's OCR: (page text, page words)."""
    return ocr_drawn_words(tmp_path_factory, "tagger-level", _page, profile)


def _doc(scanned):
    d = scanned_document(*scanned)
    d.classification = Classification("waffen_antrag", 0.9)
    return d


def _row(toks, word: str) -> int:
    return next(r for w, _f, r in toks if w.text == word)


def test_the_taggers_rows_are_levelled(scanned, profile):
    (toks,) = tg.doc_tokens(_doc(scanned), profile)
    assert _row(toks, "Geburtsname)") == _row(toks, "Vorname(n)")
    assert _row(toks, "Brandstetter") == _row(toks, "Lukas")
    assert [w.text for w, _f, _r in toks if w.text == "Brandstetter"]  # (the words are OCR's, only the boxes move)


def test_the_tagger_reads_the_names_under_their_captions(scanned, profile, monkeypatch):
    tagger = tg.Tagger(tg.SHIPPED_TAGGER)
    got = tg.fallback(_doc(scanned), profile, tagger, ())  # (every field asked: the rules' values left aside)
    assert got["nachname"].value == "Brandstetter" and got["vorname"].value == "Lukas"
    assert got["plz"].value == "12345" and got["ort"].value == "Musterstadt"
    assert all(f.confidence < profile.extract.auto_threshold and f.method == "model" for f in got.values())
    monkeypatch.setattr(level, "levelled", lambda text, words: words)  # the rows as OCR's boxes lie
    without = tg.fallback(_doc(scanned), profile, tagger, ())
    assert "nachname" not in without or without["nachname"].value != "Brandstetter"
