"""Why a scan's field values are missed or wrong (issue 10 on scans): every
truth value the scan did not get right, sorted into

* (a) in the OCR text exactly (the forms of ``samples/heldout/check.py``),
* (b) in it with small OCR errors (edit distance <= 2 to a stretch of the
  text, white space and case ignored, for values of 8 characters or more;
  <= 1 for 4 to 7 — a PLZ is 2 edits from many numbers on a page),
* (c) absent or garbled,

and for (a) and (b) what the born-digital twin of the same document did
(right / missed too / another value) and, where the twin got it, the
scan's line of the value beside the twin's: its label read differently
("label misread"), the value on another line than its label ("line
split"), the same line ("same line: extraction").

    python bench/scan_causes.py --twins DIR --seed S [--per-type N]   # generate.py twins
    python bench/scan_gap.py DUMP.json DIR --run      # OCR once (born + scans)
    python bench/scan_causes.py DUMP.json DIR [--lines] [--field F]

DIR from ``samples/heldout/make.py --born --scans`` or ``--twins`` (every
layout of ``samples/generate.py``, each document born-digital and as a
300 dpi scan PDF of the same page: ``<id>`` and ``<id>.scan`` side by side).  Development sets only — never family3 or
heldout2 documents.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples" / "heldout"))


def _norm(v: object) -> str:
    from ekte.evaluate import norm_value

    return norm_value(v)


def near(target: str, text: str) -> tuple[int, int]:
    """(least edit distance of *target* to any stretch of *text*, end of that
    stretch) — Sellers' approximate substring match."""
    prev = [0] * (len(text) + 1)
    for i, ch in enumerate(target, 1):
        cur = [i] + [0] * len(text)
        for j, tc in enumerate(text, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ch != tc))
        prev = cur
    best = min(range(len(prev)), key=prev.__getitem__)
    return prev[best], best


def _line_of(text: str, value: str) -> str | None:
    """The line of *text* that holds *value* (white space and case ignored)."""
    from check import squash

    sv = squash(value)
    for ln in text.splitlines():
        if sv and sv in squash(ln):
            return ln.strip()
    return None


def _label_part(line: str, value: str) -> str:
    """What stands before the value on its line (the label, as read)."""
    from check import squash

    flat = squash(line)
    k = flat.find(squash(value))
    return re.sub(r"[^a-zäöüß]", "", flat[:k]) if k > 0 else ""


def _born_label(born: dict, field: str) -> tuple[str, str, bool]:
    """(the twin's line of the value, the label it stood under or after, label on the same line)."""
    v = born["fields"][field]
    page, span = v[3], v[4]
    if not page or not span:
        return "", "", False
    text = born["texts"][page - 1]
    a = text.rfind("\n", 0, span[0]) + 1
    b = text.find("\n", span[0])
    line = text[a:b if b >= 0 else None]
    before = text[a:span[0]].strip(" :")
    if re.search(r"[A-Za-zÄÖÜäöüß]{2}", before):
        return line, before, True
    prev = text[:max(0, a - 1)].rsplit("\n", 1)[-1].strip(" :")
    return line, prev, False


def why(field: str, value: str, born: dict, scan: dict) -> str:
    """For a value in the scan's text: the twin's outcome and the scan-side reason."""
    from check import squash

    bv = born["fields"].get(field) if born else None
    if not born:
        return "no twin"
    if not (bv and _norm(bv[0]) == _norm(value)):
        return "twin missed it too" if not bv else "twin took another too"
    if bv[2] not in ("label", "layout"):
        bline = _born_label(born, field)[0]
        sl = _line_of("\n".join(scan["texts"]), value)
        if sl is None:
            return f"no label ({bv[2]}): value split over lines"
        return f"no label ({bv[2]}): " + ("same line" if squash(sl) == squash(bline) else "line differs")
    bline, label, same = _born_label(born, field)
    stext = squash("\n".join(scan["texts"]))
    lab = squash(label)
    if not lab:
        return "label: none found"
    if lab not in stext:
        d = near(lab, stext)[0] if len(lab) >= 4 else 99
        return "label misread (<= 2 edits)" if d <= 2 else "label lost (garbled)"
    sl = _line_of("\n".join(scan["texts"]), value)
    if same:
        return "label intact, same line" if sl and lab in squash(sl) else "label intact, not on the value's line"
    return "label intact (above)"


def classify(d: dict, truth: dict, only: str | None) -> tuple[Counter, list]:
    from check import on_page, squash

    table: Counter = Counter()
    rows = []
    for key, t in sorted(truth.items()):
        scan = d.get(key)
        if not key.endswith(".scan") or not scan:
            continue
        born = d.get(key[:-5])
        text = "\n".join(scan["texts"])
        for f, v in t["fields"].items():
            if only and f != only:
                continue
            sv = scan["fields"].get(f)
            if sv and _norm(sv[0]) == _norm(v):
                continue
            outcome = "wrong" if sv else "missed"
            if on_page(f, str(v), text):
                kind, sub = "a exact", why(f, str(v), born, scan)
            else:
                sq = squash(str(v))
                dist = near(sq, squash(text))[0] if len(sq) >= 4 else 99
                close = dist <= (2 if len(sq) >= 8 else 1)
                kind = "b <=2 edits" if close else "c absent"
                sub = ""
                if close:
                    bv = born["fields"].get(f) if born else None
                    sub = ("twin right: value misread" if bv and _norm(bv[0]) == _norm(v)
                           else "twin missed it too" if not bv else "twin took another too")
            table[(kind, sub, f, outcome)] += 1
            rows.append((key, f, str(v), outcome, sv[0] if sv else None, kind, sub,
                         _line_of(text, str(v)) or "", _line_of("\n".join(born["texts"]), str(v)) if born else ""))
    return table, rows


def _print(table: Counter, rows: list, lines: bool) -> None:
    by_kind: Counter = Counter()
    by_sub: Counter = Counter()
    per_field: dict = defaultdict(Counter)
    for (kind, sub, f, outcome), n in table.items():
        by_kind[kind] += n
        by_sub[(kind, sub, outcome)] += n
        per_field[f][kind] += n
    print(f"values the scans did not get right: {sum(table.values())}")
    for k, n in sorted(by_kind.items()):
        print(f"  {k}: {n}")
    print("by the twin's outcome / the reason on the scan:")
    for (k, s, o), n in sorted(by_sub.items()):
        print(f"  {n:4d}  {k:12s} {o:7s} {s}")
    print("per field (a exact / b <=2 edits / c absent):")
    for f, c in sorted(per_field.items(), key=lambda x: -sum(x[1].values())):
        print(f"  {f:22s} {c['a exact']:3d} {c['b <=2 edits']:3d} {c['c absent']:3d}")
    if lines:
        for r in rows:
            if r[5] != "c absent":
                print(f"{r[0]} {r[1]} truth={r[2]!r} got={r[4]!r} [{r[5]} / {r[6]}]\n   scan: {r[7]!r}\n   born: {r[8]!r}")


def twins(out: Path, seed: int, per_type: int) -> None:
    """Born-digital documents of every generate.py layout, and each one's scan."""
    import random

    from samples import generate as g

    born = g.generate(out, per_type=per_type, seed=seed, layouts=list(g.ALL_LAYOUTS))
    rng = random.Random(seed + 1)
    truth = {}
    for ident, t in born.items():
        pdf = out / t["file"]
        g.save_scan(g.simulate_scan(pdf.read_bytes(), rng), "scanpdf", out / f"{ident}.scan.pdf", 300)
        truth[ident] = truth[ident + ".scan"] = {"type": t["type"], "fields": t["fields"], "layout": t["layout"]}
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), "utf-8")
    g.truth_path(out).unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dump", type=Path, nargs="?")
    ap.add_argument("folder", type=Path, nargs="?")
    ap.add_argument("--twins", type=Path, help="write generate.py twins into this folder")
    ap.add_argument("--seed", type=int, default=71)
    ap.add_argument("--per-type", type=int, default=2)
    ap.add_argument("--truth", type=Path)
    ap.add_argument("--field")
    ap.add_argument("--lines", action="store_true", help="print the scan's and the twin's line of each value")
    a = ap.parse_args()
    if a.twins:
        return twins(a.twins, a.seed, a.per_type)
    d = json.loads(a.dump.read_text("utf-8"))
    truth = json.loads((a.truth or a.folder / "truth.json").read_text("utf-8"))
    _print(*classify(d, truth, a.field), a.lines)


if __name__ == "__main__":
    main()
