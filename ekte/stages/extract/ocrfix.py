"""OCR words repaired for extraction (issue 10 on scans): what Tesseract does to a printed label's
letters and gaps, undone before the label rules read a scanned page.

Counted on the development families' scans against their born-digital twins
(``bench/scan_miss_causes.py``): a label or a received stamp's keyword is lost when OCR

* splits one word ("E ing. 25. Okt. 2026", "geb . am", "GEB. -DATUM", "Zuge gangen am") —
  joined when the two pieces stand close on one line and together, not alone, are the
  first word of a label of the lexicon or a received stamp's keyword;
* reads the gap between two words as a dot or comma ("Straße.und Hausnummer", "Tag.der Geburt",
  "Name.des Betriebes") — split when the two words are the first two of a label;
* splits a date's year ("26.11.9 5", a comb of boxes) — joined when the two make a whole date;
* reads an abbreviation's dot as a colon ("Talstr:48b", "ST: AEGIDIEN") — the dot put back.

Only OCR words (those with a confidence) are touched, and only where the lexicon knows the
result: the label lexicon is read, never changed.  The page text is changed in the same place
*without changing its length* (a joined word's gap moves behind it, a glued dot becomes the space),
so every character span found in it still points into the text OCR wrote — the text layer of the
archived PDF/A is never changed; these repairs exist only for extraction.  A repaired label is no
proof of its value: the words of its line after it and, in its column, of the lines above (a caption
under its line) and below get a confidence below ``checks.MIN_WORD_CONF`` (:data:`REPAIRED_CONF`); a
repaired value's own words get it too — so no value found after a repair is sure on the strength of the
repair (review decides).  Linear in the page's words; no pattern of unbounded cost.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ekte.stages.extract.dates import parse_date
from ekte.stages.extract.lexicon import norm_word
from ekte.stages.layout import Word, rows

if TYPE_CHECKING:  # pragma: no cover
    from ekte.stages.extract.lexicon import Lexicon

#: the confidence a word after a repaired label gets at most: below ``checks.MIN_WORD_CONF`` (85), above
#: the dot-leader bar of :mod:`.leaders` (70)
REPAIRED_CONF = 84.0
#: received stamps' keywords (``patterns._STAMP``'s words): a split one is joined like a label's first word
STAMP_WORDS = frozenset({"eing.", "eingang", "eingegangen", "posteingang", "zugegangen", "empfangen", "erhalten",
                         "eingangsdatum", "eingangsstempel", "eing.-dat.", "eing.-datum"})
#: how far right of a repaired word its value may stand on the rows above and below, in the word's height
_COLUMN = 15
#: the most a word of a split label's pieces may stand from the other, in the pieces' height
_JOIN_GAP = 0.6
#: a word glued to the next by a dot or comma OCR read in the gap: "Straße.und", "Tag.der", "Name,des"
_GLUED = re.compile(r"([^\W\d_]{2,})[.,]([^\W\d_]{2,}[^\W\d_.,:]{0,30}[.:]?)")


def repaired(text: str, words: list[Word], lex: "Lexicon") -> tuple[str, list[Word]]:
    """The page *text* and its *words* with OCR's split and glued label words repaired; the text
    keeps its length.  A text layer's words (no confidence) come back unchanged."""
    if not words or all(w.conf is None for w in words):
        return text, words
    known = _known_words(lex)
    chars = list(text)
    out: list[Word] = []
    fixed: list[Word] = []  # repaired label words
    changed, i = False, 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        after_stamp = bool(out) and norm_word(out[-1].text) in STAMP_WORDS  # "Zugegangen a m": its "am"
        label = None if nxt is None else _joined(w, nxt, text, known | {"am"} if after_stamp else known)
        joined = label or (None if nxt is None else _date_joined(w, nxt, text))
        if joined is not None:
            _put(chars, w.start, nxt.end, joined.text)
            out.append(joined)
            fixed += [joined] if label else []  # a label: its neighbours below sure; a value: itself (below)
            changed = True
            i += 2
            continue
        split = _split(w, lex)
        parts = split or _colon_dot(w, lex)
        if parts:
            for p in parts:
                _put(chars, p.start, p.end, p.text)
            if len(parts) == 2 and parts[1].start > parts[0].end:
                chars[parts[0].end] = " "  # the glued dot or comma: the gap it was read in
            out += parts
            fixed += parts if split else []
            changed = True
        else:
            out.append(w)
        i += 1
    if not changed:
        return text, words
    return "".join(chars), _below_sure(out, fixed)


def _known_words(lex: "Lexicon") -> frozenset[str]:
    return frozenset(lex.first) | STAMP_WORDS


def _joined(a: Word, b: Word, text: str, known: frozenset[str]) -> Word | None:
    """*a* and *b* as one word when they are the pieces of a label's first word OCR split (on one
    line; a received stamp's keyword, turned, also over two: "Zuge" / "gangen am")."""
    between = text[a.end:b.start]
    if b.text != "." and not any(ch.isalpha() for ch in b.text):
        return None  # a dot leader after its label ("Vorname ........:"): the label rules know it
    if a.conf is None or b.conf is None or between.strip() or b.start < a.end:
        return None
    h = min(a.h, b.h)
    word = a.text + b.text
    if "\n" in between:
        if between.count("\n") > 1 or norm_word(word) not in STAMP_WORDS or not (
                abs(b.cy - a.cy) <= 1.6 * h and a.x0 - 2 * h <= b.x0 <= a.x1 + 2 * h):
            return None
    elif abs(a.cy - b.cy) > 0.75 * h or not 0 <= b.x0 - a.x1 <= _JOIN_GAP * h:  # (a turned stamp: 0.75)
        return None
    if norm_word(word) not in known or norm_word(b.text) in known:
        return None
    if norm_word(a.text) in known and b.text[:1] not in "-.":  # "GEB." + "-DATUM": a piece no word on its own
        return None
    return Word(word, a.x0, min(a.y0, b.y0), b.x1, max(a.y1, b.y1), a.start, a.start + len(word),
                min(a.conf, b.conf))


#: a date's last digits read as a word of their own, as a comb of boxes or a wide gap leaves them: "26.11.9" "5"
_DATE_HEAD = re.compile(r"\d{1,2}\.\d{1,2}\.\d{1,3}")
_DATE_FULL = re.compile(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})")


def _date_joined(a: Word, b: Word, text: str) -> Word | None:
    """*a* and *b* as one date when *a* is a date cut in its year and *b* the year's rest, close beside it."""
    if a.conf is None or b.conf is None or text[a.end:b.start].strip() or b.start < a.end or "\n" in text[a.end:b.start]:
        return None
    if not (_DATE_HEAD.fullmatch(a.text) and b.text.isdigit() and _DATE_FULL.fullmatch(a.text + b.text)):
        return None
    if parse_date(a.text + b.text) is None:  # a real date only: a leader's "0.2.0" "050" is none
        return None
    h = min(a.h, b.h)
    if abs(a.cy - b.cy) > 0.5 * h or not 0 <= b.x0 - a.x1 <= 1.2 * h:
        return None
    word = a.text + b.text
    return Word(word, a.x0, min(a.y0, b.y0), b.x1, max(a.y1, b.y1), a.start, a.start + len(word),
                min(a.conf, b.conf, REPAIRED_CONF))


def _split(w: Word, lex: "Lexicon") -> list[Word]:
    """A word glued to the next by a dot or comma in their gap, as two words, when the two are a
    label's first two words ("Straße.und" of "Straße und Hausnummer")."""
    if w.conf is None or len(w.text) < 5:
        return []
    m = _GLUED.fullmatch(w.text)
    if not m:
        return []
    a, b = m.group(1), m.group(2)
    head = f"{norm_word(a)} {norm_word(b)}"
    if norm_word(w.text) in lex.first or not any(k == head or k.startswith(head + " ") for k in lex.labels):
        return []
    cut = w.x0 + (w.x1 - w.x0) * len(a) / len(w.text)
    gap = (w.x1 - w.x0) / len(w.text)
    return [Word(a, w.x0, w.y0, cut, w.y1, w.start, w.start + len(a), w.conf),
            Word(b, cut + gap, w.y0, w.x1, w.y1, w.start + len(a) + 1, w.end, w.conf)]


#: an abbreviation's dot read as a colon inside a value: "Talstr:48b", "ST: AEGIDIEN" (Sankt)
_COLON_DOT = re.compile(r"((?i:[^\W\d_]{1,30}str|st)):(\d{1,4}[a-zA-Z]?)?")


def _colon_dot(w: Word, lex: "Lexicon") -> list[Word]:
    """A street's or Sankt's abbreviation with its dot read as a colon, as the abbreviation (and the
    house number glued to it as a word of its own); never a label ("Str.:" is one)."""
    m = _COLON_DOT.fullmatch(w.text) if w.conf is not None else None
    if not m or norm_word(w.text) in lex.first or norm_word(m.group(1) + ".") in lex.first:
        return []
    a, conf = m.group(1) + ".", min(w.conf, REPAIRED_CONF)  # the value's own word: never sure
    if not m.group(2):
        return [w._replace(text=a, conf=conf)]
    cut = w.x0 + (w.x1 - w.x0) * len(a) / len(w.text)
    return [Word(a, w.x0, w.y0, cut, w.y1, w.start, w.start + len(a), conf),
            Word(m.group(2), cut, w.y0, w.x1, w.y1, w.start + len(a), w.end, conf)]


def _put(chars: list[str], start: int, end: int, word: str) -> None:
    """*word* written over chars[start:end], the rest of that stretch blank: the text keeps its length."""
    for k in range(start, end):
        chars[k] = word[k - start] if k - start < len(word) else " "


def _below_sure(words: list[Word], fixed: list[Word]) -> list[Word]:
    """*words* with the confidence of every word after a repaired one on its row, and of the rows above
    and below it, at most :data:`REPAIRED_CONF`: what a repair found is never sure on its strength."""
    rws = rows(words)
    low: set[int] = set()
    marks = {id(w) for w in fixed}
    for r, row in enumerate(rws):
        for k, w in enumerate(row.words):
            if id(w) in marks:  # its value after it, below it, or above it (a caption under its line)
                low.update(id(x) for x in row.words[k:])
                x0, x1 = w.x0 - 3 * w.h, w.x1 + _COLUMN * w.h  # in its column, not another column's
                for near in rws[max(0, r - 1):r] + rws[r + 1:r + 2]:
                    low.update(id(x) for x in near.words if x.x1 >= x0 and x.x0 <= x1)
    return [w._replace(conf=min(w.conf, REPAIRED_CONF)) if id(w) in low and w.conf is not None else w
            for w in words]
