"""Form grid lines and box borders taken out of a page image before OCR.

Forms draw their fields as boxes and table cells.  Tesseract reads a
border that touches a word as part of it ("|Weber", "Weber]"), or a row
of character boxes ("2|9") as one garbled word, and a long rule can make
it join two cells into one line.  :func:`remove_lines` paints every long,
thin, dark horizontal or vertical stroke in the page's background grey:
runs of dark pixels at least ``min_len`` long (a fraction of the page
width: longer than any letter's stroke), widened by ``pad`` pixels on
both sides to take the anti-aliased edge too.  Letters are strokes far
shorter than that, so text stays as it was.

Off by default (``tess_engine.EngineSettings.remove_lines``): measured
on 27 dev-family scans (samples/heldout seed 41) it left the share of
truth values in the OCR text unchanged (151 of 281) and lowered field F1
on the scans from 0.535 to 0.523 — a line through a stamp or a value takes
part of its letters with it, and most values lost on those scans are in
handwriting-like fonts Tesseract does not read at all.  It does read dates
in character boxes (the test), so it stays as an opt-in step.

Only the image Tesseract reads is changed; the archived page keeps its
pixels (OCRmyPDF places the text layer over the original image).
numpy only (already present through OCRmyPDF); no OpenCV or Leptonica
bindings needed for two directions of run lengths.
"""

from __future__ import annotations

from typing import Any

#: a line is a dark run at least this share of the page width long (300 dpi A4: 62 px = 5 mm)
MIN_LEN = 0.025
#: pixels taken on both sides of a line (its anti-aliased edge and a skew of a pixel)
PAD = 2


#: rows of the page done at once by :func:`_long_runs` (rows are independent: its running sums and
#: masks then hold a strip, not the page — issue 12: a 300-dpi page's stamp search at half
#: resolution held ~20 MB of them, the peak of a worker's scan)
STRIP = 256


def _long_runs(dark: Any, n: int) -> Any:
    """Mask of the pixels in runs of True along axis 1 at least *n* long
    (strip by strip: :func:`_long_runs_strip`)."""
    import numpy as np

    out = np.empty(dark.shape, dtype=bool)
    for y in range(0, dark.shape[0], STRIP):
        out[y:y + STRIP] = _long_runs_strip(dark[y:y + STRIP], n)
    return out


def _long_runs_strip(dark: Any, n: int) -> Any:
    """:func:`_long_runs` of a few rows: the windows of *n* pixels that are
    all dark (a difference of running sums), and every pixel such a window
    covers (again a running sum)."""
    import numpy as np

    h, w = dark.shape
    kind = np.int16 if w < 32_000 else np.int32  # running sums up to the row's length
    run = np.zeros((h, w + 1), dtype=kind)
    np.cumsum(dark, axis=1, dtype=kind, out=run[:, 1:])
    full = (run[:, n:] - run[:, :-n]) == n  # full[:, i]: pixels i .. i+n-1 all dark
    cover = np.zeros((h, w + 1), dtype=kind)
    cover[:, :w - n + 1] += full
    cover[:, n:] -= full
    return np.cumsum(cover[:, :w], axis=1, dtype=kind) > 0


def _widen(mask: Any, pad: int, axis: int) -> Any:
    import numpy as np

    out = mask.copy()
    for k in range(1, pad + 1):
        for s in (k, -k):
            shifted = np.roll(mask, s, axis=axis)
            if s > 0:
                (shifted[:s] if axis == 0 else shifted[:, :s])[...] = False
            else:
                (shifted[s:] if axis == 0 else shifted[:, s:])[...] = False
            out |= shifted
    return out


def line_mask(grey: Any, min_len: float = MIN_LEN, pad: int = PAD) -> Any:
    """Boolean mask of the grid lines of a grey page (a 2-D uint8 array)."""
    import numpy as np

    cut = min(160, int(grey.mean() * 0.7))  # dark: well below the paper's grey
    dark = grey < cut
    n = max(20, int(min_len * grey.shape[1]))
    across = _widen(_long_runs(dark, n), pad, axis=0)
    down = _widen(_long_runs(np.ascontiguousarray(dark.T), n).T, pad, axis=1)
    return across | down


def remove_lines(image: Any, min_len: float = MIN_LEN, pad: int = PAD) -> Any:
    """A copy of the PIL image *image* (grey or colour) in grey with its grid
    lines painted in the paper's grey; the image itself when it has none.
    The lines are found on the page reduced by half (a quarter of the
    pixels; a 2-3 pixel line still leaves a dark pixel), then painted at
    full resolution."""
    import numpy as np
    from PIL import Image

    grey_im = image if image.mode == "L" else image.convert("L")
    grey = np.asarray(grey_im)
    half = np.asarray(grey_im.reduce(2)) if min(grey.shape) >= 400 else grey
    mask = line_mask(half, min_len, max(1, pad // 2))
    if not mask.any():
        return image
    if half is not grey:
        mask = np.repeat(np.repeat(mask, 2, axis=0), 2, axis=1)[:grey.shape[0], :grey.shape[1]]
        mask = np.pad(mask, ((0, grey.shape[0] - mask.shape[0]), (0, grey.shape[1] - mask.shape[1])))
    out = grey.copy()
    out[mask] = int(np.median(grey[::8, ::8]))  # the paper (a sample is enough)
    return Image.fromarray(out)
