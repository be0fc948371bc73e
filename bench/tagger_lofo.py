"""Issue 10 item 2: does a learned token tagger, used only as a FALLBACK candidate generator for fields
the rules leave empty, raise recall on a family it was not trained on?  Leave-one-family-out::

    python bench/tagger_lofo.py ROOT [--model crf|lr] [--min P] [--families f3,…] [--train-families f3,…]
                                [--scans] [--train-scans]

ROOT/<family>-s<seed>/ holds each development family's documents (``samples/<family>/make.py DIR
--per-type 3 --seed S --born``, made here when missing; seeds 1, 2 train, seed 9 tests) and their
analysed documents (``DIR/.docs.pickle``, bench/misses.py; a value the tagger gave there, method ``model``, is
dropped: the rules' values alone).  For each held-out family the tagger is trained on the other families'
(``--train-families``, default all eight: family3–9 and heldout) seeds 1–2 and run on the held-out family's
seed 9.  ``--scans``: also run on the held-out family's scans, ROOT/<family>-scan-s1 (``make.py DIR --per-type 2
--seed 1 --scans``: the same truth, 300-dpi scans and the words OCR reads from them), for the families that make
scans (:data:`SCAN_FAMILIES`); ``--train-scans``: the other families' scans are training data too.

Tokens are the words extraction reads (``extract.page_words_of``: pdfium's word boxes, overlays
removed), in rows (``layout.rows``; a skewed scan's boxes levelled first, as the rules see them:
``tagger.page_rows``); labels BIO per field from the truth values matched to token spans of one row
(the span's text, or the field's validator's value of it, equal to the truth as ``ekte eval`` compares); features: the token's shape, case, digits, lowercase word, its place in the
row and cell, the words before it in its cell, the cell to its left, the words above and below it
(overlapping in x), the last heading above.  ``--model crf`` is a linear-chain CRF (python-crfsuite,
importable from ``CRF38_PYLIB`` or the venv), ``lr`` a per-token logistic regression (scikit-learn).

Printed per held-out family (and its scans): rules-only field F1 (P/R) vs rules + tagger fallback (the tagger's
value only for a field of the document's type the rules gave none), the values added and right,
and the tagger's probability buckets vs share right.  Development families only -- never
samples/heldout2.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.misses import docs_of  # noqa: E402 - the analysed documents, cached

FAMILIES = ("family3", "family4", "family5", "family6", "heldout", "family7", "family8", "family9")
SCAN_FAMILIES = ("family3", "heldout", "family7", "family8", "family9")  # (make.py --scans)
TRAIN_SEEDS, TEST_SEED, SCAN_SEED = (1, 2), 9, 1
BUCKETS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 1.01)


def make_set(root: Path, fam: str, seed: int, scans: bool = False) -> Path:
    out = root / (f"{fam}-scan-s{seed}" if scans else f"{fam}-s{seed}")
    if not (out / "truth.json").is_file():
        subprocess.run([sys.executable, str(ROOT / "samples" / fam / "make.py"), str(out), "--per-type",
                        "2" if scans else "3", "--seed", str(seed), "--scans" if scans else "--born"], check=True,
                       stdout=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return out


def rules_only(docs: list) -> list:
    """The documents with the rules' values alone (a value the tagger gave when they were analysed dropped)."""
    for d in docs:
        d.fields = {k: f for k, f in d.fields.items() if f.method != "model"}
    return docs


# -- tokens, features and labels: ekte.stages.extract.tagger -----------------------------------

LEX = {"on": True}  # ekte's label lexicon as features (--no-lexicon: off)


def doc_pages(doc) -> list[list[tuple]]:
    from ekte.profile import load_profile
    from ekte.stages.extract.lexicon import lexicon
    from ekte.stages.extract.tagger import page_rows, page_tokens

    lex = (LEX.get("lex") or LEX.setdefault("lex", lexicon(load_profile()))) if LEX["on"] else None
    return [page_tokens(rws, lex) if rws else [] for rws in page_rows(doc)]


# -- the models --------------------------------------------------------------------------------

class Crf:
    """A linear-chain CRF over a page's tokens (ekte.stages.extract.tagger, python-crfsuite)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fit(self, seqs: list[tuple[list, list[str]]]) -> None:
        from ekte.stages.extract.tagger import train

        train(seqs, self.path)

    def predict(self, x: list) -> list[tuple[str, float]]:
        from ekte.stages.extract.tagger import Tagger

        if not hasattr(self, "_tg"):
            self._tg = Tagger(self.path)
        return self._tg.tag(x)


class Lr:
    """A logistic regression per token (scikit-learn), IO labels (B- read as the field)."""

    def fit(self, seqs: list[tuple[list, list[str]]]) -> None:
        from sklearn.feature_extraction import FeatureHasher
        from sklearn.linear_model import LogisticRegression

        self.h = FeatureHasher(2 ** 18, input_type="string", alternate_sign=False)
        X = self.h.transform(f for x, _ in seqs for f in x)
        y = [lab.split("-", 1)[-1] for _, ys in seqs for lab in ys]
        self.m = LogisticRegression(C=0.5, max_iter=300).fit(X, y)

    def predict(self, x: list) -> list[tuple[str, float]]:
        if not x:
            return []
        P = self.m.predict_proba(self.h.transform(x))
        out, prev = [], "O"
        for row in P:
            k = int(row.argmax())
            lab = self.m.classes_[k]
            out.append(("O" if lab == "O" else ("I-" if prev == lab else "B-") + lab, float(row[k])))
            prev = lab
        return out


def sequences(docs, truths) -> list[tuple[list, list[str]]]:
    from ekte.stages.extract.tagger import labels

    out = []
    for d in docs:
        t = {k: str(v) for k, v in truths[Path(d.source).stem]["fields"].items()}
        for toks in doc_pages(d):
            if toks:
                out.append(([f for _w, f, _r in toks], labels(toks, t)))
    return out


def spans(toks: list[tuple], tags: list[tuple[str, float]], page: int) -> list[tuple[str, str, float, int]]:
    """(field, text, probability = the mean of its tokens', page) of every tagged span of one row."""
    from ekte.stages.extract.tagger import spans as tagged

    return [(f, " ".join(t[0].text for t in toks[i:j]), p, page) for f, i, j, p in tagged(toks, tags)]


# -- the fallback and its measurement --------------------------------------------------------

ANY_TYPE = ("eingangsdatum", "telefon", "email")  # fields any type may carry (ekte.stages.extract.facts_of)


def parsed(field: str, text: str):
    from ekte.stages.extract.tagger import parsed as p

    return p(field, text)


GUARD = {"on": True}  # the product's guard on fields whose absence the pipeline acts on (--unguarded: off)


def fallback(doc, model, profile, min_p: float, any_type: bool = False, alone: bool = False
             ) -> list[tuple[str, str, float]]:
    """(field, value, probability) the tagger adds: its best valid span of each field of the document's
    type (*any_type*: and of received date, telephone, e-mail) the rules gave no value (an intake date is
    none; *alone*: as if the rules gave none), but for the fields the product's tagger never fills
    (``tagger.NEVER``: those whose absence the pipeline acts on; --unguarded: these too)."""
    from ekte.stages.extract.tagger import NEVER

    have = set() if alone else {k for k, f in doc.fields.items() if f.method not in ("intake", "assigned")}
    own = profile.doctypes.get(doc.doctype or "")
    allowed = (set(own.fields) if own is not None and own.fields else set(profile.extract.labels))
    allowed |= set(ANY_TYPE) if any_type else set()
    best: dict[str, tuple[str, float]] = {}
    for pno, toks in enumerate(doc_pages(doc), start=1):
        if not toks:
            continue
        for f, text, p, _page in spans(toks, model.predict([x for _w, x, _r in toks]), pno):
            if f in have or f not in allowed or p < min_p or (f in best and best[f][1] >= p):
                continue
            v = parsed(f, text.strip(" ,;:"))  # (ekte.stages.extract.tagger.fallback: the product's)
            if v is not None and v.ok and (f not in NEVER or not GUARD["on"]):
                best[f] = (v.value, p)
    return [(f, v, p) for f, (v, p) in best.items()]


def measure(docs, truth, model, profile, min_p: float, any_type: bool = False) -> dict:
    from ekte.evaluate import evaluate, norm_value
    from ekte.model import Field

    auto = profile.extract.auto_threshold
    rules = evaluate(docs, truth, profile.classify.threshold, auto)["fields"]
    out = {"rules": rules, "review": _acted_on(docs, profile)}
    for name, alone in (("after", False), ("alone", True)):
        both, added = [copy.deepcopy(d) for d in docs], []
        for d in both:
            want = truth[Path(d.source).stem]["fields"]
            if alone:
                d.fields = {k: f for k, f in d.fields.items() if f.method in ("intake", "assigned")}
            for f, v, p in fallback(d, model, profile, min_p, any_type, alone):
                d.fields[f] = Field(v, min(round(p, 3), auto - 0.01), None, None, "tagger")  # never sure
                added.append((p, f in want and norm_value(v) == norm_value(want[f]), f))
        out[name] = evaluate(both, truth, profile.classify.threshold, auto)["fields"]
        out["added" if not alone else "alone_added"] = added
        if not alone:
            out["review_after"] = _acted_on(both, profile)
    return out


def _acted_on(docs, profile) -> tuple[int, int]:
    """(documents to review, documents without an Aktenzeichen: one is assigned) -- what the pipeline does
    on the fields' absence or confidence (ekte.stages.reasons.review_reasons, pipeline.steps)."""
    from ekte.stages.reasons import review_reasons

    return (sum(bool(review_reasons(d, profile)) for d in docs),
            sum("aktenzeichen" not in d.fields for d in docs))


def with_rules(docs, dump: dict) -> list:
    """The documents with the fields another commit's rules gave them (bench/fields_dump.py)."""
    from ekte.model import Field

    out = []
    for d in docs:
        d = copy.deepcopy(d)
        d.fields = {k: Field(v, c, None, None, m) for k, (v, c, m) in dump[Path(d.source).stem]["fields"].items()}
        out.append(d)
    return out


def report(fam: str, r: dict) -> None:
    a, b, added = r["rules"], r["after"], r["added"]
    right = sum(ok for _p, ok, _f in added)
    print(f"{fam:9} rules {a['f1']:.3f} ({a['precision']:.3f}/{a['recall']:.3f}) -> +tagger {b['f1']:.3f} "
          f"({b['precision']:.3f}/{b['recall']:.3f})  added {len(added)}, right {right}, wrong {len(added) - right}")
    cells = []
    for lo, hi in zip(BUCKETS, BUCKETS[1:]):
        inb = [ok for p, ok, _f in added if lo <= p < hi]
        if inb:
            cells.append(f"[{lo:.1f},{min(hi, 1):.1f}) {sum(inb)}/{len(inb)}")
    print("          buckets (right/added): " + "; ".join(cells))
    (r0, n0), (r1, n1) = r["review"], r["review_after"]
    print(f"          to review {r0} -> {r1}; without an Aktenzeichen (assigned one) {n0} -> {n1}")
    t = r["alone"]
    print(f"          tagger alone (no rules): {t['f1']:.3f} ({t['precision']:.3f}/{t['recall']:.3f})")
    wrong = Counter(f for _p, ok, f in added if not ok)
    good = Counter(f for _p, ok, f in added if ok)
    print("          right by field: " + ", ".join(f"{k} {v}" for k, v in good.most_common())
          + " | wrong: " + ", ".join(f"{k} {v}" for k, v in wrong.most_common()))


def load(root: Path, fams: list[str], scans: bool) -> dict:
    """{(family, kind, seed): (documents, truth)}: born seeds 1, 2 and 9 of every family, and with *scans* the
    scans (seed 1) of those that make them."""
    keys = [(f, "born", s) for f in fams for s in (*TRAIN_SEEDS, TEST_SEED)]
    keys += [(f, "scans", SCAN_SEED) for f in fams if f in SCAN_FAMILIES] if scans else []
    data = {}
    for fam, kind, s in keys:
        d = make_set(root, fam, s, kind == "scans")
        truth = json.loads((d / "truth.json").read_text("utf-8"))
        data[fam, kind, s] = (rules_only([x for x in docs_of(d) if Path(x.source).stem in truth]), truth)
    return data


def main(argv: list[str] | None = None) -> int:
    from ekte.profile import load_profile

    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--model", choices=("crf", "lr"), default="crf")
    ap.add_argument("--min", type=float, default=0.5, help="the tagger's lowest span probability taken")
    ap.add_argument("--families", default=",".join(FAMILIES), help="the families held out, one at a time")
    ap.add_argument("--train-families", default=",".join(FAMILIES), help="the families trained on (but the one "
                    "held out)")
    ap.add_argument("--scans", action="store_true", help="also test on the held-out family's scans")
    ap.add_argument("--train-scans", action="store_true", help="the other families' scans are training data too")
    ap.add_argument("--any-type", action="store_true", help="also received date, telephone, e-mail")
    ap.add_argument("--unguarded", action="store_true", help="also the fields whose absence the pipeline acts on "
                    "(ekte.stages.extract.tagger.NEVER), which the product's tagger never fills")
    ap.add_argument("--no-lexicon", action="store_true", help="no features from ekte's label lexicon")
    ap.add_argument("--old-rules", action="store_true", help="the rules' values from ROOT/old-<family>-s9.json "
                    "(bench/fields_dump.py run by the last commit before the family was added)")
    a = ap.parse_args(argv)
    if os.environ.get("CRF38_PYLIB"):
        sys.path.append(os.environ["CRF38_PYLIB"])  # python-crfsuite installed apart from the venv
    profile, fams, trained = load_profile(), a.families.split(","), a.train_families.split(",")
    LEX["on"] = not a.no_lexicon
    GUARD["on"] = not a.unguarded
    data = load(a.root, sorted(set(fams) | set(trained)), a.scans or a.train_scans)
    seqs = {k: sequences(*v) for k, v in data.items() if k[0] in trained
            and (k[1:] in [("born", s) for s in TRAIN_SEEDS] or (a.train_scans and k[1] == "scans"))}
    for fam in fams:
        c0 = time.process_time()
        model = Crf(a.root / f"tagger-{fam}.crfsuite") if a.model == "crf" else Lr()
        train = [q for (f, _k, _s), v in seqs.items() if f != fam for q in v]
        model.fit(train)
        c1 = time.process_time()
        for kind, seed in (("born", TEST_SEED), ("scans", SCAN_SEED)):
            if (fam, kind, seed) not in data or (kind == "scans" and not a.scans):
                continue
            docs, truth = data[fam, kind, seed]
            if a.old_rules and kind == "born":
                docs = with_rules(docs, json.loads((a.root / f"old-{fam}-s{TEST_SEED}.json").read_text("utf-8")))
            report(fam if kind == "born" else f"{fam}/scans", measure(docs, truth, model, profile, a.min,
                                                                          a.any_type))
        print(f"          fit {c1 - c0:.0f} CPU-s ({len(train)} pages), fallback {time.process_time() - c1:.1f} "
              "CPU-s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
