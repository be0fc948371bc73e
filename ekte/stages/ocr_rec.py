"""RapidOCR's PP-OCRv6 text recogniser run by onnxruntime alone (issue 12:
memory), for :mod:`ekte.stages.ocr_refine`.

The ``rapidocr`` wheel ships the ONNX model; this module opens that one
file and does what RapidOCR's ``TextRecognizer`` does around it — the
crop resized to 48 pixels high (OpenCV's bilinear ``resize``, done here
in numpy), scaled to [-1, 1], padded to the batch's width (at least
320), greedy CTC decoding with the character list stored in the model,
the score the mean of the kept characters' probabilities — without
importing RapidOCR (its configuration stack, OpenCV) or opening its
detection model.  ``tests/test_ocr_rec.py`` compares its text and score
with RapidOCR's own on rendered crops.

What it keeps in a worker: onnxruntime's library and one session per
process (no memory arena, no memory pattern, one thread, extended graph
optimisation: the session holds ~27 MB instead of ~44 MB with every
optimisation, which prepacks a second copy of the weights).  What a read
needs on top is the model's output — 18,710 characters per column, one
column per 8 pixels of width — so crops go in batches of similar width
whose padded widths add up to at most :data:`BATCH_PIXELS`.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any, Iterable, Sequence

from ekte import procmem

#: the recognition model inside the ``rapidocr`` wheel
REC_MODEL = "PP-OCRv6_rec_small.onnx"
#: RapidOCR's ``Rec.rec_img_shape``: 3 channels, 48 high, padded to at least 320 wide
HEIGHT, MIN_WIDTH = 48, 320
#: a batch's crops together at most this wide (after resizing; one crop alone may be wider);
#: what a read holds for a moment grows with it: ~16 MB at 320, 32 at 640, 47 at 960, 69 at 1,920
BATCH_PIXELS = 960
#: from the first read on, the process's allocations of at least this many bytes get their own
#: mapping, given back when freed (glibc otherwise raises its threshold to the size of the largest
#: buffer freed and serves the next ones from a heap that only grows: one process, 9 family3
#: pages, peak above the resting size 91-119 MB -> 46-48 MB)
MMAP_FROM = 1 << 20
#: whether a page's session stays loaded for the next page (:func:`release`); a worker sets it
#: after each task: False after a task that did no OCR — a scan among born-digital documents, whose
#: worker is replaced after it anyway (issue 12: what the page does after the recogniser — the
#: stamp search, the text layer, the PDF/A — then runs ~27 MB lower); True in a run of scans, where
#: loading it again would cost ~0.25 s a page
keep = True
#: ocr_refine reads a run of words wider than this (at 48 high) in pieces split between words
MAX_WIDTH = 960
#: and at most this many crops (RapidOCR's ``rec_batch_num``)
BATCH_MAX = 6


def model_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("rapidocr")  # located, not imported
    if spec is None or spec.origin is None:
        raise ImportError("rapidocr is not installed")
    return Path(spec.origin).parent / "models" / REC_MODEL


def available() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("onnxruntime") is not None and model_path().is_file()
    except ImportError:
        return False


@functools.lru_cache(maxsize=1)
def session() -> tuple[Any, list[str]]:
    """(the inference session, its characters with CTC's blank first and
    the space last): loaded once per process."""
    import onnxruntime as ort

    path = model_path()
    if not path.is_file():  # pragma: no cover - a broken install
        raise RuntimeError(f"RapidOCR's recognition model is missing: {path}")
    opts = ort.SessionOptions()
    opts.enable_cpu_mem_arena = False
    opts.enable_mem_pattern = False
    opts.intra_op_num_threads = 1  # the worker processes are the parallelism
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    opts.log_severity_level = 3
    sess = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
    procmem.mmap_from(MMAP_FROM)
    chars = sess.get_modelmeta().custom_metadata_map["character"].splitlines()
    return sess, ["blank", *chars, " "]


def release() -> None:
    """Drop the session after a page unless :data:`keep` (its memory given back to the system)."""
    if keep or session.cache_info().currsize == 0:
        return
    session.cache_clear()
    procmem.trim()


def trim() -> None:
    """The heap's freed pages given back after a page (:func:`ekte.procmem.trim`)."""
    procmem.trim()


def _axis(n_out: int, n_in: int, clamp: bool) -> tuple[Any, Any, Any, Any]:
    """OpenCV's bilinear sampling along one axis: the two source indexes of
    each output pixel and their weights in 1/2048 (float32 positions as
    OpenCV computes them; columns clamped at the edges, rows not)."""
    import numpy as np

    f = ((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5).astype(np.float32)
    i = np.floor(f).astype(np.int64)
    f = (f - i).astype(np.float32)
    if clamp:
        f[i < 0], i[i < 0] = 0, 0
        top = i >= n_in - 1
        f[top], i[top] = 0, n_in - 1
    w0 = np.rint((np.float32(1) - f) * np.float32(2048)).astype(np.int32)
    w1 = np.rint(f * np.float32(2048)).astype(np.int32)
    return np.clip(i, 0, n_in - 1), np.clip(i + 1, 0, n_in - 1), w0, w1


def resize(img: Any, width: int, height: int) -> Any:
    """*img* (H×W×3 uint8) resized as ``cv2.resize(img, (width, height))``
    does it (bilinear, pixel centres aligned, OpenCV's fixed-point
    arithmetic: bit for bit the same, checked by the tests)."""
    import numpy as np

    h, w = img.shape[:2]
    x0, x1, a0, a1 = _axis(width, w, True)
    y0, y1, b0, b1 = _axis(height, h, False)
    src = img.astype(np.int32)  # 255 × 2048 × 2048 / 16 fits
    rows = src[:, x0] * a0[None, :, None] + src[:, x1] * a1[None, :, None]
    top, bottom = rows[y0] >> 4, rows[y1] >> 4
    out = (((top * b0[:, None, None]) >> 16) + ((bottom * b1[:, None, None]) >> 16) + 2) >> 2
    return np.clip(out, 0, 255).astype(np.uint8)


def normalised(img: Any, width: int) -> Any:
    """RapidOCR's ``resize_norm_img``: 48 high, its own width (at most
    *width*), [-1, 1], zero-padded to *width*; channels first."""
    import numpy as np

    h, w = img.shape[:2]
    own = min(width, int(math.ceil(HEIGHT * w / float(h))))
    out = np.zeros((3, HEIGHT, width), dtype=np.float32)
    small = resize(img, own, HEIGHT).astype(np.float32).transpose(2, 0, 1) / 255
    out[:, :, :own] = (small - 0.5) / 0.5
    return out


def decode(preds: Any, chars: Sequence[str]) -> list[tuple[str, float]]:
    """Greedy CTC (RapidOCR's ``CTCLabelDecode``): per column the likeliest
    character, repeats merged, blanks dropped; the score is the mean of the
    kept columns' probabilities (0 when none is kept)."""
    import numpy as np

    out = []
    for idx, prob in zip(preds.argmax(axis=2), preds.max(axis=2)):
        keep = np.ones(len(idx), dtype=bool)
        keep[1:] = idx[1:] != idx[:-1]
        keep &= idx != 0
        conf = [round(c, 5) for c in prob[keep].tolist()] or [0]
        out.append(("".join(chars[i] for i in idx[keep]), float(np.mean(conf).round(5))))
    return out


def batches(ratios: Sequence[float]) -> list[list[int]]:
    """Indexes of crops in batches of similar width (by width/height),
    each batch's padded width × its size at most :data:`BATCH_PIXELS`."""
    order = sorted(range(len(ratios)), key=lambda i: ratios[i])
    out: list[list[int]] = []
    for i in order:
        width = max(MIN_WIDTH, int(HEIGHT * ratios[i]))
        if out and len(out[-1]) < BATCH_MAX and width * (len(out[-1]) + 1) <= BATCH_PIXELS:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def recognise(crops: Iterable[Any]) -> list[tuple[str, float]]:
    """(text, score 0-1) of each crop (H×W×3 uint8 arrays)."""
    import numpy as np

    crops = list(crops)
    if not crops:
        return []
    sess, chars = session()
    name = sess.get_inputs()[0].name
    ratios = [c.shape[1] / float(c.shape[0]) for c in crops]
    res: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    for batch in batches(ratios):
        width = int(HEIGHT * max(MIN_WIDTH / HEIGHT, max(ratios[i] for i in batch)))
        preds = sess.run(None, {name: np.stack([normalised(crops[i], width) for i in batch])})[0]
        for i, r in zip(batch, decode(preds, chars)):
            res[i] = r
        del preds
    return res
