"""A second recogniser for the words Tesseract was unsure of (issue 10 on scans).

Tesseract's printed-text models lose most values written in handwriting-like
fonts (filled-in forms).  RapidOCR's PP-OCRv6 recogniser (the ``rapidocr``
wheel ships its ONNX models; :mod:`ekte.stages.ocr_rec` runs the
recognition model with onnxruntime alone, so nothing is fetched at run
time and neither RapidOCR's pipeline nor OpenCV is loaded) reads many of
them.  It does not run on whole pages: only each run of consecutive words
of one Tesseract line below a word confidence (``below``) is cut out of the
page image and recognised again — the cheap hybrid.  A run's new text
replaces it when the recogniser is at least ``min_score`` sure and writes
Latin script; it carries the recogniser's score scaled below the
extractor's "sure" bar (``CEILING``), so the word-confidence check still
means something: a value read by the recogniser goes to review.

The recogniser reads ``ö``, ``ß``, ``Ä``, ``Ö`` rarely (it writes ``o``,
``B``): where its text equals Tesseract's with the umlauts folded, the
Tesseract text is kept; a ``B`` between small letters becomes ``ß``; and
where it runs words together, Tesseract's word boundaries come back
(:func:`spaced`).  Used by :func:`ekte.stages.tess_engine.ocr_image` when
``ocr.refine`` is on; measured by ``bench/ocr_refine_bench.py``.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Iterable

from ekte.stages import ocr_rec

#: words below this Tesseract confidence are read again (the extractor's MIN_WORD_CONF)
BELOW = 85.0
#: ... and replaced when the recogniser is at least this sure (0-1)
MIN_SCORE = 0.8
#: unsure runs of a line at most this many sure words apart are read as one
GAP = 0
#: a replaced word's confidence is the recogniser's score times this: below the extractor's
#: MIN_WORD_CONF (85), so its values are never "sure" — the score does not separate its misreads
#: (dev family seed 41 with the score as it is: values at or above 0.9 right 100 % -> 91 %)
CEILING = 84.0
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": "B"})
_ESZETT = re.compile(r"(?<=[a-zäöü])B(?=[a-zäöü]|\b)")
#: what a German document's text is written in: a read with any other character (the
#: recogniser knows Chinese; a checkbox or a smudge may come back as one) is not taken
_LATIN = re.compile(r"[\x20-\x7e\xa0-\u024f\u2010-\u2022\u20ac]+")


@dataclass(frozen=True)
class OcrWord:
    """A word of Tesseract's result: text, confidence 0-100, pixel box, line."""

    text: str
    conf: float
    box: tuple[int, int, int, int]  # left, top, right, bottom
    line: tuple[Any, ...]  # the line's id (hOCR) or box (tesserocr): words of one line share it


def available() -> bool:
    return ocr_rec.available()


def runs(words: list[OcrWord], below: float, gap: int = 0) -> list[list[int]]:
    """Indexes of each run of words of one line below *below*; runs of a
    line at most *gap* sure words apart are one run (with those words)."""
    out: list[list[int]] = []
    for i, w in enumerate(words):
        if w.conf >= below or not w.text.strip():
            continue
        if out and words[out[-1][-1]].line == w.line and i - out[-1][-1] - 1 <= gap:
            out[-1].extend(range(out[-1][-1] + 1, i + 1))
        else:
            out.append([i])
    return out


def _crop(image: Any, box: tuple[int, int, int, int]) -> Any:
    import numpy as np

    left, top, right, bottom = box
    pad = max(2, (bottom - top) // 4)
    w, h = image.size
    return np.asarray(image.crop((max(0, left - pad), max(0, top - pad), min(w, right + pad),
                                  min(h, bottom + pad))).convert("RGB"))


_LINE = re.compile(r"<span class='ocr_(?:line|header|caption|textfloat)' id='([^']+)'")
_WORD = re.compile(r"<span class='ocrx_word' id='[^']*' title='bbox (\d+) (\d+) (\d+) (\d+); x_wconf (\d+)'[^>]*>(.*?)</span>", re.S)
_TAG = re.compile(r"<[^>]{0,200}>")


def hocr_words(hocr: str) -> tuple[list[OcrWord], list[tuple[int, int]]]:
    """The words of Tesseract's hOCR of a page, and where each is in it."""
    lines = [(m.start(), m.group(1)) for m in _LINE.finditer(hocr)]
    words, spans, k, line = [], [], 0, ""
    for m in _WORD.finditer(hocr):
        while k < len(lines) and lines[k][0] < m.start():
            line, k = lines[k][1], k + 1
        box = tuple(int(m.group(i)) for i in range(1, 5))
        words.append(OcrWord(html.unescape(_TAG.sub("", m.group(6))), float(m.group(5)), box, (line,)))
        spans.append(m.span())
    return words, spans


def refine_hocr(hocr: str, image: Any, below: float = BELOW, min_score: float = MIN_SCORE,
                gap: int = GAP) -> tuple[str, int]:
    """Tesseract's hOCR of the page *image* (a PIL image, or its file) with
    its unsure words read again (see :func:`reread`): a replaced run becomes
    one word, the recogniser's text at the run's box with its confidence
    (``x_wconf``)."""
    from PIL import Image

    words, spans = hocr_words(hocr)
    if not runs(words, below, gap):
        return hocr, 0
    if isinstance(image, Path):
        with Image.open(image) as im:
            im.load()
            done = reread(im, words, below, min_score, gap)
    else:
        done = reread(image, words, below, min_score, gap)
    out, last = [], 0
    for group, w in done:
        a, b = spans[group[0]][0], spans[group[-1]][1]
        out += [hocr[last:a], f"<span class='ocrx_word' id='refined_{group[0]}' title='bbox "
                f"{' '.join(map(str, w.box))}; x_wconf {int(w.conf)}'>{html.escape(w.text, quote=False)}</span>"]
        last = b
    return "".join(out) + hocr[last:], len(done)


def refine_page(hocr: str, image: Any) -> tuple[str, int]:
    """:func:`refine_hocr` for the OCR engine: a failure of the second
    recogniser leaves Tesseract's result as it was (-1: it failed)."""
    try:
        return refine_hocr(hocr, image)
    except Exception as e:  # noqa: BLE001 - the page keeps Tesseract's reading
        logging.getLogger("ekte.ocr").warning("OCR refinement skipped for a page: %s", type(e).__name__)
        return hocr, -1


def latin(text: str) -> bool:
    """Whether *text* is written in the characters of German documents."""
    return _LATIN.fullmatch(text) is not None


def spaced(tess: str, new: str) -> str:
    """*new* with a space where Tesseract had a word boundary between
    characters that line up with its own (the recogniser often runs words
    together: "1von1"), and its own spaces."""
    words, mine = tess.split(), new.replace(" ", "")
    ends, n = set(), 0
    for w in words[:-1]:
        n += len(w)
        ends.add(n - 1)  # the index of a word's last character in "".join(words)
    cut, k = set(), -1
    for ch in new:  # the recogniser's own spaces
        if ch == " ":
            cut.add(k)
        else:
            k += 1
    for a, b, size in SequenceMatcher(None, "".join(words), mine, autojunk=False).get_matching_blocks():
        cut |= {b + i for i in range(size) if a + i in ends}  # a word's last character lines up
        cut |= {b + i - 1 for i in range(1, size) if a + i - 1 in ends}  # or the next one's first
        if size and a - 1 in ends and b > 0:
            cut.add(b - 1)
    return "".join(ch + (" " if i in cut and i < len(mine) - 1 else "") for i, ch in enumerate(mine))


def merge(tess: str, new: str) -> str:
    """The recogniser's text, with Tesseract's umlauts where only they
    differ, and Tesseract's word boundaries (:func:`spaced`)."""
    if new.translate(_FOLD).replace(" ", "") == tess.translate(_FOLD).replace(" ", ""):
        return tess
    return _ESZETT.sub("ß", spaced(tess, new))


def recognise(crops: Iterable[Any]) -> list[tuple[str, float]]:
    """(text, score 0-1) of each crop (:func:`ekte.stages.ocr_rec.recognise`)."""
    return ocr_rec.recognise(crops)


def _box(words: list[OcrWord], group: list[int]) -> tuple[int, int, int, int]:
    return (min(words[i].box[0] for i in group), min(words[i].box[1] for i in group),
            max(words[i].box[2] for i in group), max(words[i].box[3] for i in group))


def pieces(words: list[OcrWord], groups: list[list[int]], width: int | None = None) -> list[list[int]]:
    """*groups* with each one wider than *width* (pixels at the recogniser's
    height; default :data:`ekte.stages.ocr_rec.MAX_WIDTH`) split between its
    words into pieces read on their own: the recogniser's memory grows with
    the width it reads at once (a page-wide line: ~100 MB)."""
    width = width or ocr_rec.MAX_WIDTH
    out: list[list[int]] = []
    for g in groups:
        out.append([g[0]])
        for i in g[1:]:
            left, top, right, bottom = _box(words, out[-1] + [i])
            if ocr_rec.HEIGHT * (right - left) / max(1, bottom - top) > width:
                out.append([i])
            else:
                out[-1].append(i)
    return out


def reread(image: Any, words: list[OcrWord], below: float = BELOW, min_score: float = MIN_SCORE,
           gap: int = GAP) -> list[tuple[list[int], OcrWord]]:
    """Each unsure run of *words* read again from *image* (a PIL image of
    the page the boxes are in): (the run's word indexes, the one word that
    replaces it: the union box, the recogniser's text and confidence) where
    the recogniser is at least *min_score* sure."""
    groups = pieces(words, runs(words, below, gap))
    boxes = [_box(words, g) for g in groups]
    done = []
    for g, box, (text, score) in zip(groups, boxes, recognise(_crop(image, b) for b in boxes)):
        if score >= min_score and text.strip() and latin(text):
            old = " ".join(words[i].text for i in g)
            done.append((g, OcrWord(merge(old, text.strip()), round(score * CEILING, 1), box, words[g[0]].line)))
    return done


def refine(image: Any, words: list[OcrWord], below: float = BELOW, min_score: float = MIN_SCORE,
           gap: int = GAP) -> tuple[list[OcrWord], int]:
    """*words* with their unsure runs replaced (:func:`reread`); (the new
    words, how many runs were replaced)."""
    done = reread(image, words, below, min_score, gap)
    new: dict[int, OcrWord | None] = {}
    for g, w in done:
        new[g[0]] = w
        new.update({i: None for i in g[1:]})
    out = [new.get(i, w) for i, w in enumerate(words)]
    return [w for w in out if w is not None], len(done)
