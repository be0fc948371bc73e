"""RapidOCR's recogniser run by onnxruntime alone (ekte.stages.ocr_rec)
against RapidOCR's own ``TextRecognizer`` and OpenCV's ``resize``, on real
rendered crops: printed and handwriting-like values at 300 dpi, cut out
with a margin as ocr_refine cuts Tesseract's unsure words."""

from __future__ import annotations

import os
import random

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ekte.stages import ocr_rec

os.environ["OMP_THREAD_LIMIT"] = "1"
FONTS = {"sans": ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", 40),
         "mono": ("/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf", 36),
         "hand": ("/usr/share/fonts/truetype/breip/Breip.ttf", 58)}  # Debian fonts-breip (Makefile APT_PKGS)
VALUES = [("hand", "12.03.1987"), ("hand", "Jürgensen"), ("sans", "Straße 5"), ("hand", "DE89 3704 0044 0532 0130 00"),
          ("mono", "01 FAMILIENNAME.......: WEBER"), ("sans", "Müller-Lüdenscheidt, Köln"), ("hand", "04665 423674"),
          ("sans", "GZ.: III 32 - 361/26"), ("hand", "Ute"), ("mono", "x")]

pytestmark = pytest.mark.skipif(not ocr_rec.available(), reason="rapidocr / onnxruntime not installed (requirements.lock)")


@pytest.fixture(scope="module")
def crops():
    return render()


def render() -> list:
    """Each value rendered on a grey page strip, slightly blurred (a scan),
    and cut out around its box like ocr_refine._crop: RGB arrays."""
    out = []
    for k, (font, text) in enumerate(VALUES):
        try:
            f = ImageFont.truetype(FONTS[font][0], FONTS[font][1])
        except OSError:
            pytest.skip("fonts-liberation2 / fonts-breip not installed (make venv installs them)")
        im = Image.new("RGB", (2400, 200), (236, 236, 236))
        d = ImageDraw.Draw(im)
        d.text((60, 50), text, font=f, fill=(20, 30, 110) if font == "hand" else (20, 20, 20))
        im = im.filter(ImageFilter.GaussianBlur(0.7))
        left, top, right, bottom = d.textbbox((60, 50), text, font=f)
        pad = max(2, (bottom - top) // 4) + k % 3  # crops of slightly different proportions
        out.append(np.asarray(im.crop((left - pad, top - pad, right + pad, bottom + pad))))
    return out


def _rapidocr():
    from rapidocr import RapidOCR

    engine = RapidOCR(params={"Global.log_level": "error", "Global.use_det": False, "Global.use_cls": False,
                              "Rec.model_path": str(ocr_rec.model_path()),
                              "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                              "EngineConfig.onnxruntime.inter_op_num_threads": 1})
    return engine._load_rec_model()


def _theirs(rec, crops):
    from rapidocr.ch_ppocr_rec import TextRecInput

    out = rec(TextRecInput(img=list(crops)))
    return [(t, float(s)) for t, s in zip(out.txts, out.scores)]


def test_the_resize_is_opencvs_bit_for_bit(crops):
    cv2 = pytest.importorskip("cv2")
    rnd = random.Random(7)
    for c in crops:
        h, w = c.shape[:2]
        own = int(np.ceil(48 * w / h))
        for width, height in ((own, 48), (rnd.randint(3, 900), 48), (rnd.randint(3, 400), rnd.randint(5, 90))):
            assert np.array_equal(ocr_rec.resize(c, width, height), cv2.resize(c, (width, height))), (c.shape, width)


def test_text_and_score_are_rapidocrs_crop_by_crop(crops):
    rec = _rapidocr()
    mine = [ocr_rec.recognise([c])[0] for c in crops]
    theirs = [_theirs(rec, [c])[0] for c in crops]
    assert [t for t, _s in mine] == [t for t, _s in theirs]
    assert max(abs(a - b) for (_t, a), (_u, b) in zip(mine, theirs)) < 1e-3
    # and they are read: the rendered values come back (the recogniser writes no umlauts of its own)
    assert mine[0][0] == "12.03.1987" and mine[0][1] > 0.9
    assert mine[4][0].replace(" ", "").endswith("FAMILIENNAME.......:WEBER")


def test_batched_alike_the_reads_are_rapidocrs(crops, monkeypatch):
    """RapidOCR pads six crops of similar width to the widest; with the same
    batches (no pixel budget) the results are its own."""
    monkeypatch.setattr(ocr_rec, "BATCH_PIXELS", 10**9)
    theirs = _theirs(_rapidocr(), crops)
    mine = ocr_rec.recognise(crops)
    assert [t for t, _s in mine] == [t for t, _s in theirs]
    assert max(abs(a - b) for (_t, a), (_u, b) in zip(mine, theirs)) < 1e-3


def test_batches_keep_to_the_pixel_budget():
    ratios = [1.2, 30.0, 8.0, 2.0, 7.9, 60.0, 9.0, 3.0]
    got = ocr_rec.batches(ratios)
    assert sorted(i for b in got for i in b) == list(range(len(ratios)))
    flat = [i for b in got for i in b]
    assert [ratios[i] for i in flat] == sorted(ratios)  # similar widths together
    for b in got:
        width = max(ocr_rec.MIN_WIDTH, int(48 * max(ratios[i] for i in b)))
        assert len(b) == 1 or width * len(b) <= ocr_rec.BATCH_PIXELS
        assert len(b) <= ocr_rec.BATCH_MAX
    assert [5] in got  # 2,880 px alone


def test_decode_merges_repeats_and_drops_blanks():
    chars = ["blank", "a", "b", " "]
    p = np.full((2, 6, 4), 0.01, dtype=np.float32)
    for t, (c, v) in enumerate([(1, 0.9), (1, 0.8), (0, 0.99), (1, 0.7), (3, 0.6), (2, 0.5)]):
        p[0, t, c] = v
    p[1, :, 0] = 0.97  # nothing but blanks
    (text, score), (empty, zero) = ocr_rec.decode(p, chars)
    assert text == "aa b" and score == pytest.approx((0.9 + 0.7 + 0.6 + 0.5) / 4, abs=1e-5)
    assert empty == "" and zero == 0.0


def test_the_model_is_loaded_once_per_process(crops, monkeypatch):
    import onnxruntime

    made = []
    real = onnxruntime.InferenceSession

    def counting(*a, **k):
        made.append(a)
        return real(*a, **k)

    ocr_rec.session.cache_clear()
    monkeypatch.setattr(onnxruntime, "InferenceSession", counting)
    ocr_rec.recognise(crops[:2])
    ocr_rec.recognise(crops[2:4])
    assert len(made) == 1
    sess, chars = ocr_rec.session()
    assert chars[0] == "blank" and chars[-1] == " " and "ß" in chars and len(chars) == 18710
    opts = sess.get_session_options()
    assert opts.intra_op_num_threads == 1 and not opts.enable_cpu_mem_arena and not opts.enable_mem_pattern


def test_the_session_is_released_after_a_page_only_when_not_kept(crops, monkeypatch):
    """A worker whose last task did no OCR (a scan among born-digital documents) drops
    the session after the page (issue 12: memory); in a run of scans it stays.  The
    reads are the same either way."""
    first = ocr_rec.recognise(crops[:3])
    monkeypatch.setattr(ocr_rec, "keep", True)
    ocr_rec.release()
    assert ocr_rec.session.cache_info().currsize == 1
    monkeypatch.setattr(ocr_rec, "keep", False)
    ocr_rec.release()
    assert ocr_rec.session.cache_info().currsize == 0
    assert ocr_rec.recognise(crops[:3]) == first
