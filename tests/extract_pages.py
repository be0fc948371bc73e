"""Born-digital test pages drawn word by word, and the fields the label rules read from them (the
development-family rule tests: test_extract_family7, test_extract_family8)."""

from __future__ import annotations

import pytest

from ekte.model import Classification, Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.layout import Word

MM = 72 / 25.4


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def fields(text: str, profile, doctype: str, words: list[Word] | None = None) -> dict:
    d = Document(sha256="f" * 64, source="x", size=1, media_type="application/pdf", received="2026-09-01T10:00:00+01:00")
    d.page_texts = [text]
    if words:
        d.extra["page_words"] = [[tuple(w) for w in words]]
    d.classification = Classification(doctype, 0.9)
    got = ex.extract(d, profile, [ex.LabelExtractor()])
    return {k: v.value for k, v in got.items() if v.method != "intake"}


def page(lines: list[tuple[float, float, list[tuple[str, float]]]]) -> tuple[str, list[Word]]:
    """A born-digital page: (baseline y in pt, font size, [(text, x in mm)]) per line; each text's words
    set at half the font size per character."""
    text, words = "", []
    for y, size, cells in lines:
        ws = []
        for t, x in cells:
            x *= MM
            for part in t.split(" "):
                ws.append((part, x))
                x += 0.5 * size * (len(part) + 1)
        for k, (t, x) in enumerate(ws):
            start = len(text)
            text += t + ("\n" if k == len(ws) - 1 else " ")
            words.append(Word(t, x, y - 0.8 * size, x + 0.5 * size * len(t), y + 0.25 * size, start, start + len(t)))
    return text, words
