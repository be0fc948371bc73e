"""Which truth values extraction misses, and where they stand on the page --
the working list for recall (issue 10).  Every document of DIR is analysed
once (``ekte.api.analyze``; cached in ``DIR/.docs.pickle``), then classified
and extracted with the current code and compared like ``ekte eval``::

    python bench/misses.py DIR [--field F] [--context N] [--summary]

Prints per field: right / wrong / missing, and for each wrong or missing value
the line of the page text around the truth value (or "NOT IN TEXT": an OCR
loss, not an extraction loss).  Development sets only (samples/heldout,
samples/generate.py) -- never the validation or the final test family.
"""

from __future__ import annotations

import argparse
import copy
import json
import pickle
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from samples.heldout.check import on_page  # noqa: E402 - how a truth value may be written (dev tool)


def docs_of(d: Path) -> list:
    cache = d / ".docs.pickle"  # the analysed documents (OCR done once)
    if cache.is_file():
        return pickle.loads(cache.read_bytes())
    from ekte import api

    with tempfile.TemporaryDirectory(prefix="ekte-misses-") as w:
        docs = [x for x in api.analyze([d], workdir=w) if not x.error]
    cache.write_bytes(pickle.dumps(docs))
    return docs


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s).lower()


def where(text: str, value: str, width: int) -> str:
    """The text around *value* (white space and case ignored), else NOT IN TEXT."""
    flat, idx = [], []
    for i, ch in enumerate(text):
        if not ch.isspace():
            flat.append(ch.lower())
            idx.append(i)
    k = "".join(flat).find(squash(value))
    if k < 0:
        return "NOT IN TEXT"
    a, b = idx[k], idx[k + len(squash(value)) - 1] + 1
    return text[max(0, a - width):a].replace("\n", "⏎") + "【" + text[a:b] + "】" + text[b:b + width].replace("\n", "⏎")


def main(argv: list[str] | None = None) -> int:
    import ekte.stages.extract as ex
    from ekte.evaluate import norm_value
    from ekte.pipeline import Pipeline
    from ekte.profile import load_profile

    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--field")
    ap.add_argument("--context", type=int, default=50)
    ap.add_argument("--summary", action="store_true")
    ap.add_argument("--sure", action="store_true", help="list only the wrong values at or above the threshold")
    a = ap.parse_args(argv)
    tf = a.dir / "truth.json" if (a.dir / "truth.json").is_file() else a.dir.parent / f"{a.dir.name}.truth.json"
    truth = json.loads(tf.read_text("utf-8"))  # samples/heldout: DIR/truth.json; samples/generate.py: DIR.truth.json
    prof = load_profile()
    docs = [copy.deepcopy(x) for x in docs_of(a.dir)]
    counts: dict[str, Counter] = {}
    sure: Counter = Counter()
    scored: list[tuple[float, bool]] = []  # (confidence, right) of every value found: the reliability table
    review = 0
    lost: Counter = Counter()  # wrong or missing: the value not on the page text (OCR) / on it (extraction)
    with tempfile.TemporaryDirectory(prefix="ekte-misses-") as w:
        p = Pipeline(prof, w, archives=False)
        for d in docs:
            p.understand(d)
            review += bool(ex.review_reasons(d, prof))
            rec = truth.get(Path(d.source).stem)
            if rec is None:
                continue
            text = "\n\f".join(d.page_texts)
            for name, tv in rec["fields"].items():
                f = d.fields.get(name)
                got = None if f is None or f.method in ("intake", "assigned") else f
                c = counts.setdefault(name, Counter())
                if got is not None:
                    scored.append((got.confidence, norm_value(got.value) == norm_value(tv)))
                if got is not None and got.confidence >= prof.extract.auto_threshold:
                    sure[norm_value(got.value) == norm_value(tv)] += 1
                if got is not None and norm_value(got.value) == norm_value(tv):
                    c["right"] += 1
                    continue
                kind = "missing" if got is None else "wrong"
                c[kind] += 1
                lost["ocr" if not on_page(name, str(tv), text) else "extract"] += 1
                if a.summary or (a.field and a.field != name) or (a.sure and (
                        got is None or got.confidence < prof.extract.auto_threshold)):
                    continue
                gv = "" if got is None else f" got {got.value!r} {got.confidence:.2f}"
                print(f"{Path(d.source).stem} {rec.get('layout', '?'):8} {d.doctype:14} {name:13} {kind:7} "
                      f"truth {tv!r}{gv}\n    {where(text, str(tv), a.context)}")
            for name, f in d.fields.items():
                if name not in rec["fields"] and f.method not in ("intake", "assigned"):
                    counts.setdefault(name, Counter())["extra"] += 1
                    sure[False] += f.confidence >= prof.extract.auto_threshold
                    scored.append((f.confidence, False))
                    if not a.summary and (not a.field or a.field == name) and (
                            not a.sure or f.confidence >= prof.extract.auto_threshold):
                        print(f"{Path(d.source).stem} {rec.get('layout', '?'):8} {name:13} extra   "
                              f"got {f.value!r} {f.confidence:.2f}")
    tot = Counter()
    for name, c in sorted(counts.items()):
        tot.update(c)
        print(f"{name:14} right {c['right']:3}  wrong {c['wrong']:3}  missing {c['missing']:3}  extra {c['extra']:3}")
    print(f"{'TOTAL':14} right {tot['right']:3}  wrong {tot['wrong']:3}  missing {tot['missing']:3}  extra {tot['extra']:3}")
    p_, r_ = tot["right"] / max(1, tot["right"] + tot["wrong"] + tot["extra"]), \
        tot["right"] / max(1, tot["right"] + tot["wrong"] + tot["missing"])
    found = tot["right"] + tot["wrong"] + tot["extra"]
    print(f"P {p_:.3f}  R {r_:.3f}  F1 {2 * p_ * r_ / max(1e-9, p_ + r_):.3f}  sure {sure[True] + sure[False]} "
          f"= {(sure[True] + sure[False]) / max(1, found):.1%} ({sure[True]} right, {sure[False]} wrong)  "
          f"review {review}/{len(docs)}  not found: {lost['ocr']} not in the text (OCR), "
          f"{lost['extract']} in it (extraction)")
    print("reliability: " + "  ".join(_bucket(scored, lo, hi) for lo, hi in
                                      ((0.9, 1.01), (0.8, 0.9), (0.5, 0.8), (0.0, 0.5))))
    return 0


def _bucket(scored: list[tuple[float, bool]], lo: float, hi: float) -> str:
    """"[lo, hi): n values, share right" of one confidence bucket."""
    inb = [ok for c, ok in scored if lo <= c < hi]
    return f"[{lo:.1f},{min(hi, 1.0):.1f}) {len(inb)} {sum(inb) / max(1, len(inb)):.1%}"


if __name__ == "__main__":
    sys.exit(main())
