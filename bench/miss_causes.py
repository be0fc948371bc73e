"""Why extraction misses or gets wrong a truth value, by cause, over several
families at once (issue 10: what fails on several independent families is
what likely fails on an unseen one)::

    python bench/miss_causes.py DIR [DIR ...] [--list]

Each DIR holds a family's documents and its truth.json (the analysed
documents are cached in DIR/.docs.pickle, see bench/misses.py).  Every wrong,
missing or extra value gets one cause:

* ``not in text``     the truth value is not on the page text at all (OCR, or written another way);
* ``normalised``      a candidate equals the truth up to spaces/case/punctuation, the value differs;
* ``outscored``       a candidate with the right value exists, another one won;
* ``other person``    ... and the winner or the right one belongs to another person (role);
* ``below minimum``   the right candidate was the best one but under ``extract.min_confidence``;
* ``cut/debris``      a candidate contains the truth or lies in it (label words, a neighbour's value);
* ``label known``     no candidate; a label of the field stands just before the value (layout);
* ``label unknown``   no candidate; the words before the value are no label of the field;
* ``extra``           a value the truth does not have.

Prints the table cause × family and, with ``--list``, one line per value:
family, doctype, field, truth, got, confidence, cause, the text before the value.
Development sets only -- never samples/heldout2.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.misses import docs_of  # noqa: E402 - the analysed documents, cached
from samples.heldout.check import on_page  # noqa: E402 - how a truth value may be written (dev tool)

CAUSES = ("not in text", "normalised", "outscored", "other person", "below minimum", "cut/debris",
          "label known", "label unknown", "extra")


def loose(s: str) -> str:
    return re.sub(r"[\W_]+", "", str(s)).casefold()


def before(text: str, value: str, width: int = 45) -> str:
    """The text just before the truth value on the page (its label, if any); '' if not found."""
    flat, idx = [], []
    for i, ch in enumerate(text):
        if not ch.isspace():
            flat.append(ch.casefold())
            idx.append(i)
    k = "".join(flat).find(re.sub(r"\s+", "", value).casefold())
    if k < 0:
        return ""
    a = idx[k]
    return re.sub(r"\s+", " ", text[max(0, a - width):a]).strip()


def cause_of(name: str, tv: str, got, cands: list, text: str, lex_words: set[str], min_conf: float) -> str:
    from ekte.evaluate import norm_value

    if not on_page(name, tv, text):
        return "not in text"
    mine = [(c, p) for c, p in cands if c.field == name]
    right = [(c, p) for c, p in mine if norm_value(c.value) == norm_value(tv)]
    if right:
        best = max(right, key=lambda x: x[1])
        if got is None:
            return "below minimum"
        won = max(mine, key=lambda x: x[1])[0]
        if (won.role or "applicant") != (best[0].role or "applicant") or best[0].rank >= 8:
            return "other person"
        return "outscored"
    if any(loose(c.value) == loose(tv) for c, _ in mine) or (got is not None and loose(got.value) == loose(tv)):
        return "normalised"
    if any(loose(tv) and (loose(tv) in loose(c.value) or (loose(c.value) and loose(c.value) in loose(tv)))
           for c, _ in mine):
        return "cut/debris"
    words = set(re.findall(r"\w+", before(text, tv).casefold()))
    return "label known" if words & lex_words else "label unknown"


def label_words(lex, field: str) -> set[str]:
    """The words of the field's labels (and of its pseudo-fields) in the lexicon, lower case."""
    keys = {field} | {"vorname": {"name"}, "nachname": {"name"}, "strasse": {"anschrift"},
                      "plz": {"plz_ort", "anschrift"}, "ort": {"plz_ort", "anschrift"}}.get(field, set())
    out = set()
    for k in keys:
        for variant in getattr(lex, "labels", {}).get(k, []):
            out |= {w for w in re.findall(r"\w+", str(variant).casefold()) if len(w) > 2}
    return out


def main(argv: list[str] | None = None) -> int:
    import ekte.stages.extract as ex
    from ekte.evaluate import norm_value
    from ekte.pipeline import Pipeline
    from ekte.profile import load_profile

    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", type=Path, nargs="+")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args(argv)
    prof = load_profile()
    labels = {k: list(v) for k, v in prof.extract.labels.items()}
    labels["aktenzeichen"] = list(prof.extract.aktenzeichen_labels)
    lex = type("Lex", (), {"labels": labels})()
    table: dict[str, Counter] = {}
    lines = []
    with tempfile.TemporaryDirectory(prefix="ekte-causes-") as w:
        p = Pipeline(prof, w, archives=False)
        extractor = ex.LabelExtractor()
        extractor.configure(prof, Path(w))
        for d_ in a.dirs:
            fam = d_.name
            truth = json.loads((d_ / "truth.json").read_text("utf-8"))
            tab = table.setdefault(fam, Counter())
            for d in [copy.deepcopy(x) for x in docs_of(d_)]:
                p.understand(d)
                rec = truth.get(Path(d.source).stem)
                if rec is None:
                    continue
                model = extractor.model
                cands = [(c, model.proba(f) if model else f["prior"]) for c, f in ex.featurized(d, prof)]
                cands = [(c, q) for c, q, _ in ex.capped(cands, prof.extract.auto_threshold, ex.facts_of(d, prof))]
                text = "\n\f".join(d.page_texts)
                for name, tv in rec["fields"].items():
                    f = d.fields.get(name)
                    got = None if f is None or f.method in ("intake", "assigned") else f
                    if got is not None and norm_value(got.value) == norm_value(tv):
                        continue
                    cause = cause_of(name, str(tv), got, cands, text, label_words(lex, name),
                                     prof.extract.min_confidence)
                    tab[cause] += 1
                    lines.append(f"{fam:9} {d.doctype or '-':14} {name:13} truth {str(tv)!r:28} got "
                                 f"{'-' if got is None else repr(got.value):28} "
                                 f"{'' if got is None else f'{got.confidence:.2f}':5} {cause:13} "
                                 f"| {before(text, str(tv))[-45:]}")
                for name, f in d.fields.items():
                    if name not in rec["fields"] and f.method not in ("intake", "assigned"):
                        tab["extra"] += 1
                        lines.append(f"{fam:9} {d.doctype or '-':14} {name:13} truth {'-':28} got "
                                     f"{f.value!r:28} {f.confidence:.2f} extra")
    if a.list:
        print("\n".join(sorted(lines, key=lambda s: (s.split()[0], s))))
    fams = list(table)
    print(f"{'cause':14}" + "".join(f"{f:>10}" for f in fams) + "  families")
    for c in CAUSES:
        row = [table[f][c] for f in fams]
        print(f"{c:14}" + "".join(f"{n:>10}" for n in row) + f"  {sum(1 for n in row if n)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
