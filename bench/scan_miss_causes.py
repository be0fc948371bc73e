"""What the scan/OCR path loses, by cause, over several families at once (issue 10 on
scans: a cause present in several independent families is what likely fails on an
unseen one)::

    python bench/scan_miss_causes.py DIR [DIR ...] [--list]

Each DIR holds born-digital documents ``<id>.pdf`` and their scans ``<id>.scan.*``
with one truth.json (``samples/family3/make.py OUT --born --scans``,
``samples/heldout/make.py OUT --born --scans``, or ``samples/familyN/make.py OUT
--born`` + ``bench/scan_twins_make.py OUT``); analysed once (``DIR/.docs.pickle``,
``bench/misses.py``), classified and extracted with the code as it is now.  Only truth
values the born-digital twin got right and the scan did not are counted, each with one
cause:

* not in the OCR text, and what the closest stretch of it shows (value-typed misreads):
  ``ocr: umlaut``, ``ocr: digit/letter`` (0/O, 1/l/I, 5/S, 8/B ...), ``ocr: dot/dash``
  (a date's dot, a file number's slash dropped or changed), ``ocr: other char`` (≤ 2
  edits otherwise), ``ocr: garbled/absent`` (more than that — not read);
* in the OCR text: ``label misread`` (the twin's label garbled or ≤ 2 edits off),
  ``line split`` (label and value on other lines than in the twin), ``confidence only``
  (the right candidate was best but below the minimum), ``outscored``, ``rows merged /
  debris`` (a candidate holds the value and words of a neighbour), ``no candidate``.

Prints the table cause × family, then the same values grouped as issue 10's scan round asks
(``GROUPS``: label misread / value misread / words merged, split or out of order / layout lost /
not read) × what the value is written in (a received stamp for ``eingangsdatum``, a
handwriting-like font from the born PDF's fonts, else print); ``--list`` one line per value.
Development sets only -- never samples/heldout2.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "samples" / "heldout"))

CAUSES = ("ocr: umlaut", "ocr: digit/letter", "ocr: dot/dash", "ocr: other char", "ocr: garbled/absent",
          "label misread", "line split", "confidence only", "outscored", "rows merged / debris", "no candidate")
_CONFUSED = {frozenset(p) for p in ("0o", "0d", "1l", "1i", "1|", "5s", "8b", "2z", "6g", "9g", "il", "l|", "7t")}
_UMLAUT = {"ä": "a", "ö": "o", "ü": "u", "ß": "s"}
#: the causes grouped by what the scan path did to the value
GROUPS = {"label misread": "label misread (label not found)",
          "ocr: umlaut": "value misread (characters)", "ocr: digit/letter": "value misread (characters)",
          "ocr: dot/dash": "value misread (characters)", "ocr: other char": "value misread (characters)",
          "line split": "merged / split / out of order", "rows merged / debris": "merged / split / out of order",
          "no candidate": "layout lost (label and value apart)", "outscored": "outscored / below minimum",
          "confidence only": "outscored / below minimum", "ocr: garbled/absent": "not read (garbled or absent)"}
WRITTEN = ("print", "hand", "stamp")


def stretch(value: str, text: str) -> str:
    """The stretch of *text* closest to *value* (white space removed, case folded)."""
    from scan_causes import near

    _, end = near(value, text)
    head = text[max(0, end - 2 * len(value) - 2):end]
    _, k = near(value[::-1], head[::-1])
    return head[len(head) - k:]


def misread_kind(value: str, seen: str) -> str:
    """What changed between the truth value and the OCR's closest stretch of text."""
    ops = [o for o in difflib.SequenceMatcher(None, value, seen, autojunk=False).get_opcodes() if o[0] != "equal"]
    edits = sum(max(i2 - i1, j2 - j1) for _, i1, i2, j1, j2 in ops)
    if edits > (2 if len(value) >= 8 else 1):
        return "ocr: garbled/absent"
    kinds = set()
    for _, i1, i2, j1, j2 in ops:
        a, b = value[i1:i2], seen[j1:j2]
        if any(ch in _UMLAUT for ch in a):
            kinds.add("ocr: umlaut")
        elif (len(a) == len(b) == 1 and frozenset(a + b) in _CONFUSED) or (a.isdigit() != b.isdigit() and a and b):
            kinds.add("ocr: digit/letter")
        elif any(ch in ".-/,:" for ch in a + b) and not any(ch.isalnum() for ch in a + b):
            kinds.add("ocr: dot/dash")
        else:
            kinds.add("ocr: other char")
    return min(kinds, key=CAUSES.index) if kinds else "ocr: other char"


def closest(field: str, tv: str, flat: str) -> tuple[str, str]:
    """(the misread's kind, the OCR's stretch) for the written form of *tv* closest to the text."""
    from check import DATES, date_forms, squash

    forms = sorted(date_forms(tv))[:4] if field in DATES else [squash(tv)]
    best = None
    for form in forms:
        seen = stretch(form, flat)
        d = difflib.SequenceMatcher(None, form, seen, autojunk=False).ratio()
        if best is None or d > best[0]:
            best = (d, form, seen)
    return misread_kind(best[1], best[2]), best[2]


def in_text_cause(field: str, tv: str, born: dict, scan: dict, cands: list, min_conf: float) -> str:
    from miss_causes import cause_of
    from scan_causes import why

    w = why(field, tv, born, scan)
    if w.startswith("label misread") or w.startswith("label lost"):
        return "label misread"
    c = cause_of(field, tv, scan["got"], cands, "\n".join(scan["texts"]), set(), min_conf)
    if c == "below minimum":
        return "confidence only"
    if c in ("outscored", "other person"):
        return "outscored"
    if c in ("cut/debris", "normalised"):
        return "rows merged / debris"
    if "not on the value's line" in w or "line differs" in w or "split over lines" in w:
        return "line split"
    return "no candidate"


def analysed(folder: Path, prof) -> dict:  # noqa: ANN001
    """key -> {texts, fields, got per field, cands} of every document, extracted with the code as it is."""
    import ekte.stages.extract as ex
    from misses import docs_of
    from scan_twins import dump

    from ekte.pipeline import Pipeline

    out = {}
    with tempfile.TemporaryDirectory(prefix="ekte-scancauses-") as w:
        p = Pipeline(prof, w, archives=False)
        extractor = ex.LabelExtractor()
        extractor.configure(prof, Path(w))
        for d in [copy.deepcopy(x) for x in docs_of(folder) if not x.error]:
            p.understand(d)
            cands = [(c, extractor.model.proba(f) if extractor.model else f["prior"]) for c, f in ex.featurized(d, prof)]
            cands = [(c, q) for c, q, _ in ex.capped(cands, prof.extract.auto_threshold, ex.facts_of(d, prof))]
            key = Path(d.source).stem
            out[key] = dict(dump([d])[key], cands=cands, doc=d)
    return out


def classify(folder: Path, prof, lines: list, written: Counter | None = None) -> Counter:  # noqa: ANN001
    from check import on_page, squash
    from ocr_refine_bench import handwritten

    from ekte.evaluate import norm_value

    truth = json.loads((folder / "truth.json").read_text("utf-8"))
    docs = analysed(folder, prof)
    hands: dict[str, bool] = {}

    def hand(key: str) -> bool:
        if key not in hands:
            hands[key] = (folder / f"{key}.pdf").is_file() and handwritten(folder / f"{key}.pdf")
        return hands[key]

    tab: Counter = Counter()
    for key, rec in sorted(truth.items()):
        scan, born = docs.get(key), docs.get(key[:-5])
        if not key.endswith(".scan") or not scan or not born:
            continue
        text = "\n".join(scan["texts"])
        for field, tv in rec["fields"].items():
            tv = str(tv)
            bv, sv = born["fields"].get(field), scan["fields"].get(field)
            if not bv or norm_value(bv[0]) != norm_value(tv) or (sv and norm_value(sv[0]) == norm_value(tv)):
                continue
            f = scan["doc"].fields.get(field)
            scan["got"] = None if f is None or f.method in ("intake", "assigned") else f
            if on_page(field, tv, text):
                cause = in_text_cause(field, tv, born, scan, scan["cands"], prof.extract.min_confidence)
                seen = ""
            else:
                cause, seen = closest(field, tv, squash(text))
            tab[cause] += 1
            kind = "stamp" if field == "eingangsdatum" else "hand" if hand(key[:-5]) else "print"
            if written is not None:
                written[(GROUPS[cause], kind)] += 1
            lines.append(f"{folder.name:9} {key:14} {field:14} truth {tv!r:30} got {sv[0] if sv else '-'!r:30} "
                         f"{cause:20} {kind:5} | {seen}")
    return tab


def main(argv: list[str] | None = None) -> int:
    from ekte.profile import load_profile

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", type=Path, nargs="+")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args(argv)
    prof = load_profile()
    lines: list = []
    written: Counter = Counter()
    table = {d.name: classify(d, prof, lines, written) for d in a.dirs}
    if a.list:
        print("\n".join(lines))
    fams = list(table)
    print(f"{'cause':22}" + "".join(f"{f:>9}" for f in fams) + "  families")
    for c in CAUSES:
        row = [table[f][c] for f in fams]
        print(f"{c:22}" + "".join(f"{n:>9}" for n in row) + f"  {sum(1 for n in row if n)}")
    print(f"{'total':22}" + "".join(f"{sum(table[f].values()):>9}" for f in fams))
    print(f"\n{'group':38}" + "".join(f"{w:>7}" for w in WRITTEN) + "    all")
    for g in dict.fromkeys(GROUPS.values()):
        row = [written[(g, w)] for w in WRITTEN]
        print(f"{g:38}" + "".join(f"{n:>7}" for n in row) + f"{sum(row):>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
