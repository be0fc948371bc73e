"""Received stamps (Eingangsstempel) read again on their own (issue 10 on scans).

A received stamp is a framed block of a few lines, printed in colour and
put on the page by hand: turned a few degrees against the page, often over
text or lines.  Tesseract reads the page level, so a turned stamp's lines
come back garbled or not at all, and the received date is lost.

Here the page image the OCR engine already has is searched for stamp
frames: connected ink whose rotated bounding rectangle is of stamp size
(:data:`MIN_MM`..:data:`MAX_MM`), thin (a frame, not a filled block), with
ink all along the four sides of that rectangle, and turned at least
:data:`MIN_ANGLE` degrees against the page's text (a frame turned with the
page is a form's box, which Tesseract reads with the page).  Each such frame's inside is cut
out, turned level by the frame's own angle and read again by Tesseract as
one block (``--psm 6``).  On a colour page the stamp's ink is separated
first: the channel in which the coloured ink is dark and black text under
it is as dark as the ink is not — the saturation — becomes the image read.
The words read are added to the page's hOCR as a block of their own at the
frame's place, where the extractor's received-stamp pattern finds them;
a value they give is checked like every other date (not after intake, not
before the document's own date).  Used by
:func:`ekte.stages.tess_engine.ocr_image` when ``ocr.stamps`` is on;
measured by ``bench/scan_stamp.py``.
"""

from __future__ import annotations

import html
import logging
import math
from dataclasses import dataclass
from typing import Any

from ekte.stages.gridlines import STRIP

#: a frame's sides, millimetres: (shorter, longer) at least / at most
MIN_MM = (6.0, 20.0)
MAX_MM = (45.0, 110.0)
#: at least this many degrees turned against the page
MIN_ANGLE = 1.0
#: the share of points along the four sides that must be ink
MIN_SIDES = 0.85
#: a level line this share of the page width long is a form's, taken out before the search
LEVEL_LINE = 0.12
#: at most this many stamps per page are read
MAX_STAMPS = 3

log = logging.getLogger("ekte.ocr")


@dataclass(frozen=True)
class Stamp:
    """A stamp frame: centre (x, y) and size (w, h) in pixels, the turn in
    degrees (counter-clockwise in the image as OpenCV measures it), and the
    frame line's width in pixels."""

    cx: float
    cy: float
    w: float
    h: float
    angle: float
    line: float


def _sides_inked(mask: Any, rect: tuple[Any, ...], line: float) -> float:
    """The share of points along the middle 80 % of the rectangle's four
    sides that have ink within *line* pixels."""
    import cv2
    import numpy as np

    pts = cv2.boxPoints(rect)
    hits = total = 0
    r = max(1, int(round(line)))
    hgt, wid = mask.shape
    for k in range(4):
        a, b = pts[k], pts[(k + 1) % 4]
        for t in np.linspace(0.1, 0.9, 24):
            x, y = (a + (b - a) * t).astype(int)
            total += 1
            if 0 <= x < wid and 0 <= y < hgt and mask[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1].any():
                hits += 1
    return hits / max(1, total)


def _level_angle(rect: tuple[Any, ...]) -> tuple[float, float, float]:
    """(long side, short side, turn in degrees within ±45) of an OpenCV rotated rectangle."""
    (_c, (w, h), a) = rect
    if w < h:
        w, h, a = h, w, a - 90
    a = (a + 90) % 180 - 90
    if a > 45:
        a -= 90
    elif a < -45:
        a += 90
    return w, h, a


def _fit(xs: Any, ys: Any, angle: float) -> tuple[float, float, float, float, float]:
    """The frame in a component's pixels (*xs*, *ys*) near *angle* degrees:
    (centre x, centre y, width, height, angle) from the turn at which the
    frame's four sides stand out most in the row and column counts, the
    outermost strong rows and columns being its sides (text the frame
    touches, merged into the component, adds little to any row)."""
    import numpy as np

    best: tuple[float, Any, Any, float] | None = None
    for a in np.arange(angle - 1.5, angle + 1.51, 0.25):
        t = math.radians(a)
        u = xs * math.cos(t) + ys * math.sin(t)
        v = -xs * math.sin(t) + ys * math.cos(t)
        hu = np.bincount((u - u.min()).astype(int))
        hv = np.bincount((v - v.min()).astype(int))
        score = float((hu.astype(float) ** 2).sum() + (hv.astype(float) ** 2).sum())
        if best is None or score > best[0]:
            best = (score, (u, hu), (v, hv), a)
    assert best is not None
    (_s, (u, hu), (v, hv), a) = best
    su, sv = np.nonzero(hu >= 0.4 * hu.max())[0], np.nonzero(hv >= 0.4 * hv.max())[0]
    u0, u1, v0, v1 = u.min() + su.min(), u.min() + su.max() + 1, v.min() + sv.min(), v.min() + sv.max() + 1
    cu, cv, t = (u0 + u1) / 2, (v0 + v1) / 2, math.radians(a)
    return cu * math.cos(t) - cv * math.sin(t), cu * math.sin(t) + cv * math.cos(t), u1 - u0, v1 - v0, a


def _candidates(mask: Any, mm: float) -> list[tuple[Any, Any]]:
    """The pixels (xs, ys) of each connected ink of a stamp's size and thinness."""
    import cv2
    import numpy as np

    n, labels, stats, _cent = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if max(w, h) < MIN_MM[1] * mm or min(w, h) < MIN_MM[0] * mm or max(w, h) > 1.3 * MAX_MM[1] * mm:
            continue
        if area > 0.35 * w * h:  # a filled block or dense text, not a frame
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        out.append((xs.astype(float) + x, ys.astype(float) + y))
    return out


def find(gray: Any, dpi: float, page_angle: float = 0.0) -> list[Stamp]:
    """The stamp frames on a page (a greyscale numpy array at *dpi* whose
    text lies *page_angle* degrees turned, as Tesseract measured it), the
    most sure first.  Searched at half the resolution, with the form's
    level grid lines taken out first (a stamp put on a table's border is
    otherwise one piece with the whole table)."""
    import cv2
    import numpy as np

    from ekte.stages.gridlines import line_mask

    scale = 2 if dpi >= 250 else 1
    small = cv2.resize(gray, (gray.shape[1] // scale, gray.shape[0] // scale), interpolation=cv2.INTER_AREA)
    mm = dpi / scale / 25.4
    _t, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    mask[line_mask(small, LEVEL_LINE, 1)] = 0
    found: list[tuple[float, Stamp]] = []
    for xs, ys in _candidates(mask, mm):
        rect = cv2.minAreaRect(np.column_stack([xs, ys]).astype(np.float32))
        cx, cy, long, short, angle = _fit(xs, ys, _level_angle(rect)[2])
        if long < short:
            continue
        if not (MIN_MM[1] * mm <= long <= MAX_MM[1] * mm and MIN_MM[0] * mm <= short <= MAX_MM[0] * mm):
            continue
        if abs(angle - page_angle) < MIN_ANGLE:  # turned with the page: a form's box
            continue
        line = max(1.5, min(len(xs) / (2 * (long + short)), 0.03 * short))
        sides = _sides_inked(mask, ((cx, cy), (long, short), angle), line)
        if sides >= MIN_SIDES:
            found.append((sides, Stamp(cx * scale, cy * scale, long * scale, short * scale, angle, line * scale)))
    found.sort(key=lambda f: -f[0])
    return [s for _k, s in found[:MAX_STAMPS]]


def ink(image: Any) -> Any:
    """The page as greyscale for reading a stamp: on a colour page the
    coloured ink dark and everything grey (black text, paper) light
    (255 - 2 × saturation, at least 0).  In 8 bits, strip by strip into
    one page-sized array (issue 12: a 300-dpi colour page's ink was made
    through 16-bit copies of all three planes, ~100 MB above resting, then
    through an 8-bit copy of them, ~45 MB; now ~10 MB, the same values)."""
    import numpy as np

    if image.mode == "L":
        return np.asarray(image)
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    sat = _by_strips(rgb, lambda part: np.ptp(np.asarray(part), axis=2))  # the largest channel minus the smallest
    if np.count_nonzero(sat > 80) / sat.size < 0.0005:  # a grey page kept in RGB
        return _by_strips(rgb, lambda part: np.asarray(part.convert("L")))
    return np.take(np.frombuffer(_INK, dtype=np.uint8), sat, out=sat)


def _by_strips(image: Any, fn: Any) -> Any:
    """A page-sized 8-bit array made strip by strip: *fn* of each strip of *image*."""
    import numpy as np

    out = np.empty((image.height, image.width), dtype=np.uint8)
    for y in range(0, image.height, STRIP):
        out[y:y + STRIP] = fn(image.crop((0, y, image.width, min(image.height, y + STRIP))))
    return out


#: 255 - 2 × saturation, at least 0, for every 8-bit saturation
_INK = bytes(max(0, 255 - 2 * v) for v in range(256))


def cut(gray: Any, s: Stamp) -> tuple[Any, Any]:
    """The inside of stamp *s* turned level: (image, the 2x3 transform from
    the cut-out's pixels back to the page's)."""
    import cv2
    import numpy as np

    inset = 2.5 * s.line
    w, h = int(s.w - 2 * inset), int(s.h - 2 * inset)
    m = cv2.getRotationMatrix2D((s.cx, s.cy), s.angle, 1.0)  # the page turned so the stamp is level
    m[0, 2] += w / 2 - s.cx
    m[1, 2] += h / 2 - s.cy
    level = cv2.warpAffine(gray, m, (max(1, w), max(1, h)), flags=cv2.INTER_LINEAR, borderValue=255)
    pad = int(max(8, s.h * 0.15))
    level = np.pad(level, pad, constant_values=255)
    m[0, 2] += pad
    m[1, 2] += pad
    return level, cv2.invertAffineTransform(m)


def _page_box(back: Any, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    import numpy as np

    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=float) @ back.T
    return (int(pts[:, 0].min()), int(pts[:, 1].min()), int(math.ceil(pts[:, 0].max())),
            int(math.ceil(pts[:, 1].max())))


def read(api: Any, image: Any, dpi: float, stamps: list[Stamp],
         gray: Any = None) -> list[list[tuple[str, int, tuple[int, ...]]]]:
    """Each stamp's lines as Tesseract reads them on the levelled cut-out:
    per line, its words (text, confidence, box on the page).  *api* is a
    Tesseract handle set to one block (``--psm 6``); *gray*: ``ink(image)``
    when it was made already."""
    from PIL import Image
    from tesserocr import RIL, iterate_level

    from ekte.stages.tess_engine import set_image

    gray = ink(image) if gray is None else gray
    out = []
    for s in stamps:
        level, back = cut(gray, s)
        set_image(api, Image.fromarray(level))
        api.SetSourceResolution(int(dpi))
        if not api.Recognize(5000):
            continue
        lines: dict[int, list[tuple[str, int, tuple[int, ...]]]] = {}
        it, k = api.GetIterator(), 0
        for w in iterate_level(it, RIL.WORD) if it else []:
            text = (w.GetUTF8Text(RIL.WORD) or "").strip()
            if text:
                lines.setdefault(k, []).append((text, int(w.Confidence(RIL.WORD)),
                                                _page_box(back, w.BoundingBox(RIL.WORD))))
            if w.IsAtFinalElement(RIL.TEXTLINE, RIL.WORD):
                k += 1
        out.append([lines[i] for i in sorted(lines)])
    return out


def hocr_block(stamps: list[list[tuple[str, int, tuple[int, ...]]]], n: int = 0) -> str:
    """The stamps' lines as an hOCR block each (ids ``stamp_<n>_…``)."""
    parts = []
    for k, lines in enumerate(stamps):
        if not lines:
            continue
        boxes = [w[2] for ln in lines for w in ln]
        area = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        parts.append(f"   <div class='ocr_carea' id='stamp_{n}_{k}' title='bbox {' '.join(map(str, area))}'>\n"
                     f"    <p class='ocr_par' id='stamp_{n}_{k}_par' lang='deu'>\n")
        for j, ln in enumerate(lines):
            lb = (min(w[2][0] for w in ln), min(w[2][1] for w in ln), max(w[2][2] for w in ln), max(w[2][3] for w in ln))
            parts.append(f"     <span class='ocr_line' id='stamp_{n}_{k}_{j}' title='bbox {' '.join(map(str, lb))}'>")
            for i, (text, conf, b) in enumerate(ln):
                parts.append(f"<span class='ocrx_word' id='stamp_{n}_{k}_{j}_{i}' title='bbox {' '.join(map(str, b))};"
                             f" x_wconf {conf}'>{html.escape(text, quote=False)}</span> ")
            parts.append("</span>\n")
        parts.append("    </p>\n   </div>\n")
    return "".join(parts)


def add_to_hocr(hocr: str, block: str) -> str:
    """*hocr* (a page's ``GetHOCRText``) with *block* inside its page div, at its end."""
    if not block:
        return hocr
    k = hocr.rfind("</div>")
    return hocr[:k] + block + hocr[k:] if k >= 0 else hocr + block


def stamp_page(hocr: str, im: Any, skew: float, lang: str) -> tuple[str, int]:
    """The hOCR of the page image *im* (a PIL image, as the OCR pass decoded
    it) with the lines of its received stamps added (see the module);
    (hOCR, stamps read: -1 when the search failed, the page then keeps
    Tesseract's reading as it was)."""
    from tesserocr import PSM

    from ekte.stages.ocr_stamp_words import KEYWORD, stamp_words
    from ekte.stages.tess_engine import _Handle

    try:
        dpi = float((im.info.get("dpi") or (300, 300))[0]) or 300.0
        gray = ink(im)
        stamps = find(gray, dpi, skew)
        if not stamps and not KEYWORD.search(hocr):
            return hocr, 0
        with _Handle(lang, int(PSM.SINGLE_BLOCK)) as api:
            lines = read(api, im, dpi, stamps, gray) if stamps else []
            lines += stamp_words(hocr, im, skew, api, stamps)  # stamps without a frame, by their keyword
    except Exception as e:  # noqa: BLE001 - the page keeps Tesseract's reading
        log.warning("received-stamp reading skipped for a page: %s", type(e).__name__)
        return hocr, -1
    return add_to_hocr(hocr, hocr_block(lines)), sum(1 for ln in lines if ln)
