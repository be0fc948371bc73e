"""Classify: decide the document type, with a confidence.

The pipeline asks every registered classifier (hook ``ekte_classifiers``)
and keeps the decision of the one with the highest ``priority`` that
answered; a trained model (issue 3) plugs in the same way."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import TYPE_CHECKING, Protocol

from ekte.model import Candidate, Classification

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile


class Classifier(Protocol):
    name: str
    priority: int

    def classify(self, doc: "Document", profile: "Profile") -> Classification | None: ...


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("$", "§")  # OCR reads § as $
    return re.sub(r"\s+", " ", text).lower()


def _kw_regex(kw: str) -> re.Pattern[str]:
    k = normalize(kw)
    body = r"\s*".join(re.escape(part) for part in k.split(" "))
    return re.compile(r"(?<![\w])" + body + r"(?![\w])" if k[-1:].isalnum() else r"(?<![\w])" + body)


class RulesClassifier:
    """Weighted keywords and aliases from the profile; matches in the title
    region of page 1 count ``title_boost`` times."""

    name = "rules"
    priority = 10

    def __init__(self) -> None:
        self._cache: dict[int, dict[str, list[tuple[re.Pattern[str], float]]]] = {}

    def _rules(self, profile: "Profile") -> dict[str, list[tuple[re.Pattern[str], float]]]:
        key = id(profile)
        if key not in self._cache:
            rules: dict[str, list[tuple[re.Pattern[str], float]]] = {}
            for dt_id, dt in profile.doctypes.items():
                pats = [(_kw_regex(k), w) for k, w in dt.keywords.items() if k.strip()]
                pats += [(_kw_regex(a), 4.0) for a in dt.aliases + [dt.title] if a.strip()]
                rules[dt_id] = pats
            self._cache = {key: rules}
        return self._cache[key]

    def scores(self, text: str, profile: "Profile") -> dict[str, float]:
        full = normalize(text)
        title = full[: profile.classify.title_chars]
        boost = profile.classify.title_boost
        out: dict[str, float] = {}
        for dt, pats in self._rules(profile).items():
            s = 0.0
            for rx, w in pats:
                if rx.search(full):
                    s += w * (boost if rx.search(title) else 1.0)
            out[dt] = s
        return out

    def classify(self, doc: "Document", profile: "Profile") -> Classification | None:
        scores = self.scores(doc.text, profile)
        default = profile.classify.default_doctype
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        total = sum(v for _k, v in ranked)
        if not ranked or ranked[0][1] <= 0:
            return Classification(default, 0.0, [Candidate(default, 0.0)], self.name)
        best_dt, best = ranked[0]
        share = best / total
        strength = 1 - math.exp(-best / 6)
        conf = share * strength
        cands = [Candidate(dt, v / total) for dt, v in ranked[:3] if v > 0]
        return Classification(best_dt, conf, cands, self.name)


def classify(doc: "Document", profile: "Profile", classifiers: list[Classifier]) -> Classification:
    best: tuple[int, Classification] | None = None
    for c in classifiers:
        r = c.classify(doc, profile)
        if r is not None and (best is None or c.priority > best[0]):
            best = (c.priority, r)
    if best is None:
        d = profile.classify.default_doctype
        return Classification(d, 0.0, [Candidate(d, 0.0)], "none")
    return best[1]
