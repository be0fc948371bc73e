"""Where scans lose the values born-digital text has (issue 10 on scans), and
how right values are by the lowest Tesseract word confidence of their words.

    python bench/scan_gap.py DUMP.json DIR [--truth FILE] [--run] [--hands]

``--run`` analyses DIR (``ekte.api.analyze``: OCR, classify, extract) and
writes DUMP.json (per document: texts, fields with page and span, layout
words with their confidence); without it an earlier DUMP.json is read.
For the confidence table, run it with the extractor's "read" check off
(``MIN_WORD_CONF`` and ``MIN_CODE_CONF`` in ekte/stages/extract/checks.py
set to 0 for that run: the extraction runs in the worker processes, so
the constants must be changed in the file), so that it shows every value
that passes the other checks.  Then it prints

* the causes, for each truth value the born-digital version of a document
  got right and its scan did not (``samples/heldout/make.py --born --scans``
  writes both as ``<id>`` and ``<id>.scan``): not in the OCR text at all,
  misread (a window of the OCR text >= 75 % like it), its words there but
  apart, in the OCR text but the extractor missed it or took another value;
  split by what the value was written in (a received stamp for
  ``eingangsdatum``; with ``--hands`` a handwriting-like font, from the born
  PDF's fonts via ``pdffonts``; else print);
* per lowest-word-confidence bucket, the values at or above the threshold
  (0.9) with every other check passed, and how many are right.

Use it on the development family and the generator only — never on
family3 or heldout2 documents (they are measured in aggregate with
``ekte eval``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples" / "heldout"))
CODES = ("evb", "fin", "kennzeichen")


def dump(folder: Path, out: Path) -> None:
    from ekte import api

    docs = api.analyze([folder], jobs=1, workdir=out.with_suffix(".wd"))
    res = {}
    for d in docs:
        name = Path(d.source).name
        key = name.split(".")[0] + (".scan" if ".scan." in name else "")
        res[key] = {"texts": d.page_texts,
                    "fields": {k: [f.value, f.confidence, f.method, f.page, f.span] for k, f in d.fields.items()},
                    "words": [[(w.text, w.conf, w.start, w.end) for w in pg] for pg in d.extra.get("page_words") or []]}
    out.write_text(json.dumps(res, ensure_ascii=False), "utf-8")


def _norm(v: object) -> str:
    from ekte.evaluate import norm_value

    return norm_value(v)


def _hand_fonts(folder: Path) -> dict[str, bool]:
    from ocr_refine_bench import handwritten

    return {pdf.stem: handwritten(pdf) for pdf in folder.glob("*.pdf") if ".scan" not in pdf.name}


def _ocr_cause(field: str, value: str, text: str) -> str:
    from check import on_page, squash

    if on_page(field, value, text):
        return "in OCR text"
    target, flat = squash(value), squash(text)
    best = max((SequenceMatcher(None, target, flat[i:i + len(target)]).ratio()
                for i in range(max(1, len(flat) - len(target) + 1))), default=0.0)
    tokens = [squash(x) for x in re.split(r"[\s,]+", value) if x]
    if len(tokens) > 1 and all(t in flat for t in tokens):
        return "words there, apart"
    return "misread" if best >= 0.75 else "not in OCR text"


def causes(d: dict, truth: dict, hands: dict[str, bool]) -> Counter:
    table: Counter = Counter()
    for key, t in truth.items():
        born, scan = d.get(key[:-5]), d.get(key)
        if not key.endswith(".scan") or not born or not scan:
            continue
        for f, v in t["fields"].items():
            bv, sv = born["fields"].get(f), scan["fields"].get(f)
            if not (bv and _norm(bv[0]) == _norm(v)) or (sv and _norm(sv[0]) == _norm(v)):
                continue
            cause = _ocr_cause(f, str(v), "\n".join(scan["texts"]))
            if cause == "in OCR text":
                cause += ", another value taken" if sv else ", extractor missed it"
            written = "stamp" if f == "eingangsdatum" else "hand" if hands.get(key[:-5]) else "print"
            table[(cause, written)] += 1
    return table


def confidences(d: dict, truth: dict) -> list[tuple[float, str, bool]]:
    """(lowest word confidence, field, right) of every scanned value at or above 0.9."""
    rows = []
    for key, doc in d.items():
        t = truth.get(key)
        if t is None or not any(w[1] is not None for pg in doc["words"] for w in pg):  # not OCRed
            continue
        for f, (v, c, method, page, span) in ((f, x[:5]) for f, x in doc["fields"].items()):
            if method in ("intake", "assigned") or c < 0.9 or not span or not page:
                continue
            confs = [-1.0 if w[1] is None else w[1] for w in doc["words"][page - 1] if w[2] < span[1] and w[3] > span[0]]
            if confs:
                rows.append((min(confs), f, _norm(v) == _norm(t["fields"].get(f, ""))))
    return rows


def report(rows: list[tuple[float, str, bool]]) -> None:
    for label, sel in (("text fields", [r for r in rows if r[1] not in CODES]),
                       ("codes (eVB, FIN, plate)", [r for r in rows if r[1] in CODES])):
        print(f"{label}: {len(sel)} values at >= 0.9 with the other checks passed")
        for lo in (0, 50, 70, 80, 85, 88, 90, 92, 95):
            s = [r for r in sel if r[0] >= lo]
            if s:
                print(f"  word confidence >= {lo}: {len(s)} values, {sum(r[2] for r in s)} right ({sum(r[2] for r in s) / len(s):.3f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dump", type=Path)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--truth", type=Path)
    ap.add_argument("--run", action="store_true")
    ap.add_argument("--hands", action="store_true")
    a = ap.parse_args()
    if a.run:
        dump(a.folder, a.dump)
    d = json.loads(a.dump.read_text("utf-8"))
    truth = json.loads((a.truth or a.folder / "truth.json").read_text("utf-8"))
    table = causes(d, truth, _hand_fonts(a.folder) if a.hands else {})
    if table:
        print(f"values right born-digital, not on the scan: {sum(table.values())}")
        for (cause, written), n in sorted(table.items(), key=lambda x: -x[1]):
            print(f"  {n:4d}  {cause}  [{written}]")
    report(confidences(d, truth))


if __name__ == "__main__":
    main()
