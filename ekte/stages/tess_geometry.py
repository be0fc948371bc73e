"""A recognised page's geometry from the Tesseract API (tesserocr): orientation, skew, direction (orient42:
from most of the page's text, not its first block — a received stamp turned at the margin of an upright form had
turned the whole page)."""

from __future__ import annotations

import math
from typing import Any


def geometry(api: Any) -> tuple[int, float, bool]:
    """(clockwise orientation in degrees, skew in degrees, whether the lines
    run left to right) of the recognised page: those of most of its text
    (blocks weighted by their characters, so a stamp turned at the margin does
    not turn an upright form; the skew their weighted mean); upright without text."""
    from tesserocr import RIL

    it = api.GetIterator()
    votes: dict[tuple[int, bool], list[float]] = {}  # (orientation, ltr) -> [characters, sum of characters * skew]
    while it is not None:
        try:
            orient, direction, _order, deskew = it.Orientation()
            chars = len(it.GetUTF8Text(RIL.BLOCK).strip())
        except RuntimeError:  # a block without text (an image, a rule) has no say
            chars = 0
        if chars:
            v = votes.setdefault((int(orient) * 90 % 360, int(direction) == 0), [0, 0.0])
            v[0] += chars
            v[1] += chars * math.degrees(deskew)
        if not it.Next(RIL.BLOCK):
            break
    if not votes:
        return 0, 0.0, True
    (orient, ltr), (chars, skews) = max(votes.items(), key=lambda kv: kv[1][0])
    return orient, skews / chars, ltr
