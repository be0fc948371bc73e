"""A value's region read again (``ocr.regions``, issue 10 on scans, branch scans34).

Tesseract's page pass reads a value's characters wrongly where nothing after
it can prove them back: a signature date's year ("10.07.20U", "24.7.202"), a
PLZ with a digit lost ("8676"), an IBAN with its check digits wrong.  Where a
page's reading has a label of a date, a PLZ or an IBAN (or a word shaped like
one of them) whose value fails its type's check, or no value after the label
on its line, that value's region is cut out of the same page image, enlarged
(``SCALE``) and read again by Tesseract as one line (mode 7) with the
characters of the value's type only (digits and dots for dates, digits for
a PLZ, capitals and digits for an IBAN).  The reading replaces the value in
the page's hOCR only when it passes its type's check (a real date, five
digits, an IBAN's mod 97) — so the text layer, the page text and the word
boxes carry it (not where the received-stamp step put a valid value of the
kind over the region already: the date would be there twice).  A re-read date or PLZ carries a confidence below the
extractor's "sure" bar (:data:`CEILING`): the check proves its shape, not its
digits, so it goes to review; an IBAN is proven by its check digits.  At most
:data:`MAX_PER_PAGE` regions a page are read (the cost stays small), each within
:data:`READ_MS` and all within what is left of the page's OCR timeout
(``ocr.tesseract_timeout``, counted from the page's start): the region reads
never go past it.  A page's ``regions_reread`` (metadata) counts the values
put in; -1 says the step failed on the page (one warning line), which then keeps
its reading.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from ekte.stages.ocr_refine import OcrWord, hocr_words

log = logging.getLogger("ekte.ocr")

#: regions read a page at most (invalid values first, then labels without a value)
MAX_PER_PAGE = 6
#: the region's enlargement before it is read (a 300-dpi page's line at ~600 dpi)
SCALE = 2
#: a region read's time limit (ms); all of a page's reads together stay within the page's OCR timeout
READ_MS = 5000
#: a re-read date's or PLZ's confidence: below the extractor's MIN_WORD_CONF (85), never sure
CEILING = 84.0

_DATE_LABEL = re.compile(r"(?:.*datum|geb(?:urts(?:tag|datum))?\.?|geboren|dat\.|den|am|vom)", re.I)
_PLZ_LABEL = re.compile(r"(?:plz|postleitzahl)(?:[,/].*)?", re.I)
_IBAN_LABEL = re.compile(r"(?:.*\()?iban\)?", re.I)
_WEAK = re.compile(r"den|am|vom", re.I)
#: a word shaped like a date, as OCR misreads one ("10.07.20U", "24.7.202", "27.ok.2026", "5.u8.")
_DATE_SHAPE = re.compile(r"\d{1,2}[.,][0-9A-Za-z]{1,2}[.,][0-9A-Za-z]{2,5}")
#: a date with a 2-digit year passes extraction's check: not read again
_DATE_SHORT = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2}")
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
#: an IBAN's first group as OCR may misread it ("DEO8", "DE65")
_IBAN_START = re.compile(r"D[EB][0-9OoIl]{2}[0-9A-Z]*")
#: a PLZ with a digit lost or one too many ("8676"), as in "Lindenweg 4a, 8676 Musterstadt"
_PLZ_SHAPE = re.compile(r"(?=(?:\D*\d){3})[0-9OSlICB]{4,6}")
#: the first word of a value of each kind as the page pass may misread it (not a recogniser's run of words)
_FIRST = {"date": re.compile(r"\d[0-9A-Za-z.,]{0,11}"), "plz": re.compile(r"[0-9OSlICB]{3,6},?"),
          "iban": re.compile(r"[A-Z]{2}[0-9A-Za-z]{2,}|\d{2,6}")}
_TOWN = re.compile(r"[A-ZÄÖÜ][a-zäöüß]{2,}.*")
WHITELIST = {"date": "0123456789.", "plz": "0123456789", "iban": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"}


@dataclass(frozen=True)
class Target:
    """A region to read again: its kind, the words it replaces (indexes, may be
    empty), the word it goes after (a label's, when nothing follows it), its box."""

    kind: str
    replace: tuple[int, ...]
    after: int
    box: tuple[int, int, int, int]


def _bare(text: str) -> str:
    return text.strip().rstrip(":*").strip()


def valid(kind: str, text: str) -> str | None:
    """The value of *kind* in *text* when it passes its type's check, else None."""
    t = text.replace(" ", "")
    if kind == "date":
        m = _DATE.fullmatch(t.rstrip("."))
        if not m:
            return None
        d, mo, y = map(int, m.groups())
        try:
            dt.date(y, mo, d)
        except ValueError:
            return None
        return f"{d:02d}.{mo:02d}.{y}" if 1900 <= y <= 2099 else None
    if kind == "plz":
        return t if re.fullmatch(r"\d{5}", t) else None
    from stdnum import iban

    return t if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", t) and iban.is_valid(t) else None


def _passes(kind: str, text: str) -> bool:
    """Whether a value as the page pass read it needs no second reading."""
    text = text.rstrip(",;:)")
    return valid(kind, text) is not None or (kind == "date" and _DATE_SHORT.fullmatch(text.rstrip(".")) is not None)


def _lines(words: list[OcrWord]) -> list[list[int]]:
    out: list[list[int]] = []
    for i, w in enumerate(words):
        if out and words[out[-1][-1]].line == w.line:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _union(words: list[OcrWord], idx: list[int]) -> tuple[int, int, int, int]:
    return (min(words[i].box[0] for i in idx), min(words[i].box[1] for i in idx),
            max(words[i].box[2] for i in idx), max(words[i].box[3] for i in idx))


def _value_words(kind: str, words: list[OcrWord], line: list[int], k: int) -> list[int]:
    """The words of the value of *kind* that begins at *line*[k] (near each other)."""
    out = [line[k]]
    most = {"date": 3, "plz": 1, "iban": 8}[kind]
    for i in line[k + 1:]:
        prev, w = words[out[-1]], words[i]
        h = max(1, prev.box[3] - prev.box[1])
        if len(out) >= most or w.box[0] - prev.box[2] > 1.5 * h or not re.search(r"\d", w.text):
            break
        if kind == "iban" and not re.fullmatch(r"[0-9A-Za-z]{1,6}", w.text):
            break
        if kind == "date" and not re.fullmatch(r"[0-9A-Za-z.,]{1,5}", w.text):
            break
        out.append(i)
    return out


def _after_label(kind: str, words: list[OcrWord], line: list[int], k: int, page_w: int) -> Target | None:
    """The value after the label word *line*[k]: a target when it fails its check or is missing."""
    rest = line[k + 1:k + 5]
    start = next((j for j, i in enumerate(rest) if re.search(r"\d", words[i].text)), None)
    if start is not None:
        vals = _value_words(kind, words, line, line.index(rest[start]))
        text = "".join(words[i].text for i in vals)
        if not _FIRST[kind].fullmatch(words[vals[0]].text) or _passes(kind, text) or sum(c.isdigit() for c in text) < 3:
            return None  # (a value that passes, or a number that is no value's: "1", an item's "2.4")
        left, top, right, bottom = _union(words, vals)
        return Target(kind, tuple(vals), vals[0], (left, top, right, bottom))
    if len(line) > k + 1 or _WEAK.fullmatch(_bare(words[line[k]].text)):
        return None  # words follow the label, none of them a value's; running text's "am" at a line's end
    left, top, right, bottom = words[line[k]].box
    h = bottom - top
    width = {"date": 9, "plz": 5, "iban": 22}[kind] * h
    return Target(kind, (), line[k], (right + h // 3, top, min(page_w, right + h // 3 + width), bottom))


def _shaped(words: list[OcrWord], line: list[int], k: int) -> str | None:
    """The kind a word is shaped like when it fails that kind's check (no label needed): a date,
    an IBAN's first group, a PLZ misread ("8676", "85C05") between an address's comma and its town."""
    t = words[line[k]].text.strip()
    if _DATE_SHAPE.fullmatch(t) and not _passes("date", t) and sum(c.isdigit() for c in t) >= 4:
        return "date"
    if _IBAN_START.fullmatch(t):
        return "iban"
    if (0 < k < len(line) - 1 and _PLZ_SHAPE.fullmatch(t) and not _passes("plz", t) and words[line[k - 1]].text.endswith(",")
            and _TOWN.fullmatch(words[line[k + 1]].text)):
        return "plz"
    return None


def targets(words: list[OcrWord], page_w: int) -> list[Target]:
    """The regions of a page to read again: values of a date, PLZ or IBAN that fail their
    check (after a label, or shaped like one), then labels with nothing after them."""
    found: list[Target] = []
    for line in _lines(words):
        taken: set[int] = set()
        for k, i in enumerate(line):
            if i in taken:
                continue
            bare = _bare(words[i].text)
            kind = ("date" if _DATE_LABEL.fullmatch(bare) else "plz" if _PLZ_LABEL.fullmatch(bare)
                    else "iban" if _IBAN_LABEL.fullmatch(bare) else None)
            t = _after_label(kind, words, line, k, page_w) if kind else None
            if t is None and (shape := _shaped(words, line, k)):
                vals = _value_words(shape, words, line, k)
                if not _passes(shape, "".join(words[j].text for j in vals)):
                    t = Target(shape, tuple(vals), vals[0], _union(words, vals))
            if t is not None and not taken.intersection(t.replace):
                found.append(t)
                taken.update(t.replace)
    found = [t for t in found if not _placed(words, t)]
    found.sort(key=lambda t: not t.replace)  # a value that fails its check before a missing one
    return found[:MAX_PER_PAGE]


def _placed(words: list[OcrWord], t: Target) -> bool:
    """Whether the received-stamp step (``ocr.stamps``, its lines' ids ``stamp_…``) put a value of *t*'s kind that
    passes its check over *t*'s region already: read again, the text layer would carry the date twice."""
    def overlap(a: tuple[int, ...], b: tuple[int, ...]) -> float:
        w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
        smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
        return w * h / smaller if w > 0 and h > 0 and smaller > 0 else 0.0

    return any(str(w.line[0]).startswith("stamp_") and valid(t.kind, w.text.rstrip(",;:)")) is not None
               and overlap(w.box, t.box) > 0.5 for w in words)


def _crop(image: Any, box: tuple[int, int, int, int]) -> tuple[Any, tuple[int, int]]:
    """The region, a third of its height around it, in grey, enlarged :data:`SCALE` times; its origin."""
    from PIL import Image

    left, top, right, bottom = box
    pad = max(3, (bottom - top) // 3)
    x0, y0 = max(0, left - pad), max(0, top - pad)
    cut = image.crop((x0, y0, min(image.width, right + pad), min(image.height, bottom + pad))).convert("L")
    return cut.resize((cut.width * SCALE, cut.height * SCALE), Image.BICUBIC), (x0, y0)


def _tesseract(api: Any, crop: Any, kind: str, dpi: float, limit_ms: int = READ_MS
               ) -> tuple[str, float, list[tuple[int, ...]]]:
    """The enlarged region read as one line with *kind*'s characters, within *limit_ms*: (text, lowest word
    confidence, word boxes in the crop).  The handle is the page pass's (one per language): its character
    whitelist is reset after the read, so the next page reads letters again."""
    from tesserocr import RIL

    from ekte.stages.tess_engine import set_image

    api.SetVariable("tessedit_char_whitelist", WHITELIST[kind])
    try:
        set_image(api, crop)
        api.SetSourceResolution(int(dpi * SCALE))
        if not api.Recognize(limit_ms):
            return "", 0.0, []
        text = api.GetUTF8Text() or ""
        confs = api.AllWordConfidences() or [0]
        boxes = [(b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"])
                 for _im, b, _id, _p in (api.GetComponentImages(RIL.WORD, True) or [])]
    finally:
        api.SetVariable("tessedit_char_whitelist", "")
    return text.strip(), float(min(confs)), boxes


def _recogniser(crop: Any) -> tuple[str, float]:
    """The region read by ``ocr.refine``'s recogniser (:mod:`ekte.stages.ocr_rec`): (text, 0-100)."""
    import numpy as np

    from ekte.stages import ocr_rec

    (text, score), = ocr_rec.recognise([np.asarray(crop.convert("RGB"))])
    return text.strip(), score * 100


def read(api: Any, image: Any, t: Target, dpi: float, second: bool = False, limit_ms: int = READ_MS
         ) -> tuple[str, float, tuple[int, int, int, int]] | None:
    """The region of *t* read again (:func:`_tesseract`; then, with *second*, by the refining
    recogniser): (value, confidence, box on the page) of the first reading that passes the kind's check."""
    crop, (x0, y0) = _crop(image, t.box)
    text, conf, boxes = _tesseract(api, crop, t.kind, dpi, limit_ms)
    value = valid(t.kind, text)
    if value is not None and boxes:
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        return value, conf, (x0 + box[0] // SCALE, y0 + box[1] // SCALE, x0 + box[2] // SCALE, y0 + box[3] // SCALE)
    if second and t.replace:  # (a value's own words only: a region beside a label may hold anything)
        text, conf = _recogniser(crop)
        value = valid(t.kind, text)
        if value is not None:
            return value, conf, t.box
    return None


def _word(n: int, value: str, conf: float, box: tuple[int, int, int, int]) -> str:
    return (f"<span class='ocrx_word' id='region_{n}' title='bbox {' '.join(map(str, box))}; "
            f"x_wconf {int(conf)}'>{html.escape(value, quote=False)}</span>")


def reread_hocr(hocr: str, image: Any, lang: str, second: bool = False,
                deadline: float | None = None) -> tuple[str, int]:
    """The page's hOCR with the values of its regions (:func:`targets`) that read
    valid again put in (*second*: also by the refining recogniser); (hOCR, values put in).
    *deadline* (``time.monotonic()``): the end of the page's OCR budget — each read gets at most
    :data:`READ_MS` and never past it; the regions not read by then stay as the page pass read them."""
    from tesserocr import PSM

    from ekte.stages.tess_engine import _Handle

    words, spans = hocr_words(hocr)
    todo = targets(words, image.width)
    if not todo:
        return hocr, 0
    dpi = float((image.info.get("dpi") or (300, 300))[0]) or 300.0
    edits: list[tuple[int, int, str]] = []  # (from, to, new text) in the hOCR
    with _Handle(lang, int(PSM.SINGLE_LINE)) as api:
        for n, t in enumerate(todo):
            left = READ_MS if deadline is None else min(READ_MS, int(1000 * (deadline - time.monotonic())))
            if left < 50:
                log.debug("region re-reading: the page's OCR time is spent, %d region(s) not read", len(todo) - n)
                break
            got = read(api, image, t, dpi, second, left)
            if got is None:
                continue
            value, conf, box = got
            conf = conf if t.kind == "iban" else min(conf, CEILING)  # an IBAN's check digits prove it
            if t.replace:
                edits.append((spans[t.replace[0]][0], spans[t.replace[-1]][1], _word(n, value, conf, box)))
            else:
                end = spans[t.after][1]
                edits.append((end, end, " " + _word(n, value, conf, box)))
    out, last = [], 0
    for a, b, new in sorted(edits):
        out += [hocr[last:a], new]
        last = b
    return "".join(out) + hocr[last:], len(edits)


def region_page(hocr: str, image: Any, lang: str, second: bool = False,
                deadline: float | None = None) -> tuple[str, int]:
    """:func:`reread_hocr` for the OCR engine: a failure leaves the page as it
    was read (-1: it failed, one warning line)."""
    try:
        return reread_hocr(hocr, image, lang, second, deadline)
    except Exception as e:  # noqa: BLE001 - the page keeps its reading
        log.warning("region re-reading skipped for a page: %s", type(e).__name__)
        return hocr, -1
