"""`ekte eval`: how well classification and extraction do against a truth
file ``{id: {"type": …, "fields": {…}}}`` (id = file name without extension).

Besides accuracy and per-field precision/recall/F1: how well the field
confidences are calibrated (a reliability table: confidence bucket → share
of values right) and every wrong value at or above the field threshold
(``extract.auto_threshold``) — with its value, for the person running the
evaluation; nothing of it goes to a log."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from ekte.model import Document


def load_truth(truth: dict | str | Path) -> dict[str, Any]:
    """A truth mapping as given, or read from its JSON file (ConfigError if it cannot be)."""
    if isinstance(truth, dict):
        return truth
    import json

    from ekte.errors import ConfigError

    try:
        t = json.loads(Path(truth).read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read truth file {truth}: {e}") from None
    if not isinstance(t, dict):
        raise ConfigError(f"truth file {truth}: expected a JSON object {{id: {{\"type\": …, \"fields\": …}}}}")
    return t


def norm_value(v: Any) -> str:
    return re.sub(r"\s+", "", str(v)).casefold()


BUCKETS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 1.0001)


def reliability(scored: list[tuple[float, bool]], threshold: float) -> dict[str, Any]:
    """Confidence bucket → values, share right; and the share right at or above *threshold*."""
    table = []
    for lo, hi in zip(BUCKETS, BUCKETS[1:]):
        inb = [ok for c, ok in scored if lo <= c < hi]
        if inb:
            table.append({"from": lo, "to": min(hi, 1.0), "values": len(inb), "right": round(sum(inb) / len(inb), 4)})
    above = [ok for c, ok in scored if c >= threshold]
    brier = sum((c - ok) ** 2 for c, ok in scored) / len(scored) if scored else None
    return {"buckets": table, "threshold": threshold, "above": len(above),
            "brier": round(brier, 5) if brier is not None else None,
            "right_above": round(sum(above) / len(above), 4) if above else None,
            "share_above": round(len(above) / len(scored), 4) if scored else None}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def _types(pairs: list[tuple[str, str, float]], threshold: float) -> dict[str, Any]:
    labels = sorted({a for a, _, _ in pairs} | {b for _, b, _ in pairs})
    confusion = {a: {b: 0 for b in labels} for a in labels}
    for a, b, _ in pairs:
        confusion[a][b] += 1
    n = len(pairs)
    per_type = {}
    for lab in sorted({a for a, _, _ in pairs}):
        tp = sum(1 for a, b, _ in pairs if a == lab and b == lab)
        fp = sum(1 for a, b, _ in pairs if a != lab and b == lab)
        fn = sum(1 for a, b, _ in pairs if a == lab and b != lab)
        per_type[lab] = dict(_prf(tp, fp, fn), support=tp + fn)
    f1s = [v["f1"] for v in per_type.values()]
    confident = [x for x in pairs if x[2] >= threshold]
    return {
        "documents": n,
        "accuracy": round(sum(a == b for a, b, _ in pairs) / n, 4) if n else 0.0,
        "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
        "threshold": threshold,
        "above_threshold": len(confident),
        "accuracy_above_threshold": round(sum(a == b for a, b, _ in confident) / len(confident), 4) if confident else 0.0,
        "review_rate": round(1 - len(confident) / n, 4) if n else 0.0,
        "per_type": per_type,
        "confusion": confusion,
    }


class _Fields:
    """Field counts, confidences and wrong confident values over all documents."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.counts: dict[str, Counter] = {}
        self.scored: list[tuple[float, bool]] = []
        self.wrong: list[dict[str, Any]] = []

    def add(self, key: str, d: Document, want: dict[str, Any]) -> None:
        got = {k: f.value for k, f in d.fields.items() if f.method not in ("intake", "assigned")}
        for name in set(got) | set(want):
            c = self.counts.setdefault(name, Counter())
            right = name in got and name in want and norm_value(got[name]) == norm_value(want[name])
            if name in got:
                fc = d.fields[name].confidence
                self.scored.append((fc, right))
                if not right and fc >= self.threshold:
                    self.wrong.append({"id": key, "field": name, "value": got[name], "truth": want.get(name),
                                       "confidence": round(fc, 4), "method": d.fields[name].method})
            c["tp" if right else "miss"] += 1
            if not right:
                c["fp"] += name in got
                c["fn"] += name in want

    def report(self) -> dict[str, Any]:
        per_field = {}
        total: Counter = Counter()
        for name, c in sorted(self.counts.items()):
            total.update(c)
            per_field[name] = dict(_prf(c["tp"], c["fp"], c["fn"]), support=c["tp"] + c["fn"])
        return {
            "fields": _prf(total["tp"], total["fp"], total["fn"]),
            "per_field": per_field,
            "field_reliability": reliability(self.scored, self.threshold),
            "wrong_values_above_threshold": sorted(self.wrong, key=lambda w: (w["id"], w["field"])),
        }


def evaluate(docs: list[Document], truth: dict[str, dict[str, Any]], threshold: float,
             field_threshold: float = 0.9) -> dict[str, Any]:
    pairs: list[tuple[str, str, float]] = []  # (true, predicted, confidence)
    fields = _Fields(field_threshold)
    errors: list[dict[str, str]] = []
    wrong_confident: list[dict[str, Any]] = []
    exported_wrong = to_review = 0
    for d in docs:
        key = Path(d.source).stem
        if key not in truth:
            continue
        t = truth[key]
        if d.error:
            errors.append({"id": key, "code": d.error.code})
            pairs.append((t["type"], "(error)", 0.0))
            continue
        pred, conf = d.doctype or "(none)", d.confidence or 0.0
        pairs.append((t["type"], pred, conf))
        in_review = d.status is not None and d.status.value == "review"
        to_review += in_review
        if pred != t["type"] and conf >= threshold:
            wrong_confident.append({"id": key, "true": t["type"], "predicted": pred, "confidence": round(conf, 4)})
            exported_wrong += not in_review
        fields.add(key, d, t.get("fields", {}))
    out = _types(pairs, threshold)
    out.update(wrong_above_threshold=wrong_confident, wrong_types_exported=exported_wrong,
               documents_to_review=to_review, **fields.report(), errors=errors,
               missing=sorted(set(truth) - {Path(d.source).stem for d in docs}))
    return out
