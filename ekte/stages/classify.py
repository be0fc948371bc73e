"""Classify: decide the document type, with a confidence.

Every registered classifier (hook ``ekte_classifiers``) returns a
probability distribution over the profile's document types (or None when
it has nothing to say); the stage averages the distributions by each
classifier's weight.  The confidence is the top probability; below
``classify.threshold`` the document goes to the review queue.

Built-ins:

* :class:`RulesClassifier` — weighted keywords, aliases and the title
  (exact, or fuzzy with rapidfuzz so that OCR errors do not hide them),
  weighted regular expressions; matches in the title region of page 1
  count ``title_boost`` times.  Weak evidence leaves probability mass
  unassigned, so a document with few hits gets a low confidence.
* :class:`ModelClassifier` — a scikit-learn model trained by
  ``ekte train`` (TF-IDF on words and on character n-grams, logistic
  regression with calibrated probabilities; trained in ekte.typemodel),
  used when its file exists.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ekte import patterns
from ekte.model import Candidate, Classification

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile

log = logging.getLogger("ekte.classify")

MODEL_FORMAT = 1


class Classifier(Protocol):
    name: str

    def weight(self, profile: "Profile") -> float: ...

    def classify(self, doc: "Document", profile: "Profile") -> Classification | None: ...


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("$", "§")  # OCR reads § as $
    return _SPACES.sub(" ", text).lower()


_SPACES = re.compile(r"\s+")


def _kw_regex(kw: str) -> re.Pattern[str]:
    k = normalize(kw).strip()
    body = r"\s*".join(re.escape(part) for part in k.split(" "))
    pre = r"(?<![\w])" if k[:1].isalnum() else ""
    post = r"(?![\w])" if k[-1:].isalnum() else ""
    return re.compile(pre + body + post)


class _Keyword:
    """A keyword's pattern (:func:`_kw_regex`), compiled when a text first
    holds the keyword's first word (the quick no of :meth:`RulesClassifier.scores`):
    a worker's first document compiled all ≈ 180 of the default profile's,
    where it needs ≈ 15 (issue 12: ≈ 40 ms of CPU at every worker's start).
    The same pattern as compiled at once, so the same matches."""

    __slots__ = ("keyword", "rx")

    def __init__(self, keyword: str) -> None:
        self.keyword, self.rx = keyword, None

    def search(self, text: str) -> "re.Match[str] | None":
        if self.rx is None:
            self.rx = _kw_regex(self.keyword)
        return self.rx.search(text)


def _grams(word: str) -> list[str]:
    return [word[i:i + 3] for i in range(0, len(word) - 2, 3)]


def _may_align(plain: str, grams: list[str], trigrams: set[str], n: int, slack: float) -> bool:
    """Whether a keyword of the disjoint *grams* can align with a text of *n* characters (its *trigrams*) at
    ``classify.fuzzy_similarity`` (*slack* = 2 × (1 − it/100)); False only where it provably cannot.  A window of
    a longer text holds at most len(plain) characters, so the alignment's indel distance d ≤ slack × len(plain);
    each unmatched character of either breaks at most one disjoint trigram, so at least len(grams) − d of them
    stand in the window, and in the text.  (One of them at least: the caller's quick no before.)"""
    need = len(grams) - int(slack * len(plain) + 1e-6)
    # (a text as short as the keyword or shorter: the alignment runs the other way too -- no claim then)
    return need <= 1 or n <= len(plain) or sum(g in trigrams for g in grams) >= need


class RulesClassifier:
    name = "rules"

    def __init__(self) -> None:
        self._cache: tuple[int, dict[str, list[tuple[Any, str, float, str, list[str]]]]] | None = None

    def weight(self, profile: "Profile") -> float:
        return 1.0

    def _rules(self, profile: "Profile") -> dict[str, list[tuple[Any, str, float, str, list[str]]]]:
        if self._cache is None or self._cache[0] != id(profile):
            rules: dict[str, list[tuple[Any, str, float]]] = {}
            for dt_id, dt in profile.doctypes.items():
                pats = [(_Keyword(k), normalize(k).strip(), w) for k, w in dt.keywords.items() if k.strip()]
                pats += [(_Keyword(a), normalize(a).strip(), 4.0) for a in dict.fromkeys(dt.aliases + [dt.title]) if a.strip()]
                # the profile's own patterns in bounded time (RE2, else a per-search time limit)
                pats += [(patterns.compile(rx, re.IGNORECASE), "", w) for rx, w in dt.patterns.items()]
                # with each keyword its first word and trigrams (the quick no's of scores())
                rules[dt_id] = [(rx, plain, w, plain.split(" ", 1)[0], _grams(plain)) for rx, plain, w in pats]
            self._cache = (id(profile), rules)
        return self._cache[1]

    def scores(self, text: str, profile: "Profile") -> dict[str, float]:
        from rapidfuzz import fuzz

        c = profile.classify
        full = normalize(text)
        title = full[: c.title_chars]
        # the text's trigrams once (a keyword's are all of three characters: in the set iff in the text)
        trigrams = {full[i:i + 3] for i in range(len(full) - 2)}
        slack = 2 * (1 - c.fuzzy_similarity / 100)  # (see _may_align)
        out: dict[str, float] = {}
        for dt, pats in self._rules(profile).items():
            s = 0.0
            for rx, plain, w, first, grams in pats:
                m = rx.search(full) if not plain or first in full else None
                if m:
                    s += w * (c.title_boost if m.start() < c.title_chars and rx.search(title) else 1.0)
                elif plain and len(plain) >= c.fuzzy_min_length and not trigrams.isdisjoint(grams) and \
                        _may_align(plain, grams, trigrams, len(full), slack):
                    # OCR garbles letters: a close match still counts, a little less (a close
                    # match keeps enough of the keyword's disjoint trigrams: a quick no first)
                    al = fuzz.partial_ratio_alignment(plain, full, score_cutoff=c.fuzzy_similarity)
                    if al is not None:
                        boost = c.title_boost if al.dest_start < c.title_chars else 1.0
                        s += 0.8 * w * boost
            out[dt] = s
        return out

    def classify(self, doc: "Document", profile: "Profile") -> Classification | None:
        scores = self.scores(doc.text, profile)
        substance = min(1.0, sum(map(str.isalnum, doc.text)) / 300)
        return distribution_to_classification(rules_distribution(scores, profile, substance), self.name)


def rules_distribution(scores: dict[str, float], profile: "Profile", substance: float = 1.0,
                       unknown_mass: float = 8.0) -> dict[str, float]:
    """Turn rule scores into probabilities.  ``unknown_mass`` is evidence
    for "none of them": a document with few, weak hits gets a low
    confidence, and that mass stays unassigned.  The catch-all type
    ("sonstiges") gets its probability from its own keywords (a complaint,
    an invoice, an inquiry), never from what the others lack: it only wins
    a document nothing else claims (with a sliver in proportion to how much
    text there is, *substance*, 0..1), and then with a confidence far below
    any threshold, so the document goes to review."""
    default = profile.classify.default_doctype
    total = sum(scores.values()) + unknown_mass
    probs = {dt: s / total for dt, s in scores.items()}
    probs[default] = probs.get(default, 0.0) + LEFTOVER * substance * unknown_mass / total
    return probs


#: the share of the unassigned mass the catch-all type gets (a tie-breaker, not evidence)
LEFTOVER = 0.05


def distribution_to_classification(probs: dict[str, float], method: str) -> Classification:
    ranked = sorted(probs.items(), key=lambda kv: (-kv[1], kv[0]))
    best, p = ranked[0]
    return Classification(best, p, [Candidate(dt, v) for dt, v in ranked[:3]], method,
                          distribution=dict(ranked))


# -- the trained model ------------------------------------------------------------------

def default_model_path(profile: "Profile", workdir: Path) -> Path:
    if profile.classify.model_path:
        return Path(profile.classify.model_path)
    return Path(workdir) / "models" / f"{profile.name}.classifier.joblib"


def build_estimator(n_per_class: int) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                  token_pattern=r"(?u)\b\w[\w\-§]+\b")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1,
                                  max_features=200_000)),
    ])
    linear = LogisticRegression(C=20.0, max_iter=3000)
    if n_per_class >= 3:
        clf: Any = CalibratedClassifierCV(linear, method="sigmoid", cv=min(5, n_per_class), ensemble=False)
    else:
        clf = linear  # too few examples to calibrate; logistic probabilities as they are
    return Pipeline([("features", features), ("clf", clf)])


class ModelClassifier:
    """Loads the trained model lazily; answers None when there is none.
    The model file is trusted like the rest of the working directory
    (joblib files must never come from untrusted sources)."""

    name = "model"

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else None
        self._loaded: tuple[Path, Any, dict[str, Any]] | None = None
        self._missing: Path | None = None

    def weight(self, profile: "Profile") -> float:
        return profile.classify.model_weight

    def configure(self, profile: "Profile", workdir: Path) -> None:
        """Called by the pipeline: where the model for this profile lives."""
        if self.path is None:
            self.path = default_model_path(profile, workdir)

    def _load(self) -> tuple[Any, dict[str, Any]] | None:
        if self.path is None or not self.path.is_file():
            return None
        if self._loaded and self._loaded[0] == self.path:
            return self._loaded[1], self._loaded[2]
        import joblib
        import sklearn

        blob = joblib.load(self.path)
        meta = blob.get("meta", {})
        if meta.get("format") != MODEL_FORMAT or meta.get("sklearn", "").split(".")[:2] != sklearn.__version__.split(".")[:2]:
            log.warning("classifier model %s was made by another version (format %s, scikit-learn %s); ignored",
                        self.path.name, meta.get("format"), meta.get("sklearn"))
            return None
        self._loaded = (self.path, blob["estimator"], meta)
        return blob["estimator"], meta

    def info(self) -> dict[str, Any] | None:
        r = self._load()
        return r[1] if r else None

    def classify(self, doc: "Document", profile: "Profile") -> Classification | None:
        r = self._load()
        if r is None:
            return None
        est, meta = r
        if meta.get("profile") != profile.name and set(meta.get("classes", [])) - set(profile.doctypes):
            return None
        probs = est.predict_proba([normalize(doc.text)])[0]
        dist = {c: float(p) for c, p in zip(est.classes_, probs)}
        return distribution_to_classification(dist, self.name)


# -- the stage -----------------------------------------------------------------------------

def classify(doc: "Document", profile: "Profile", classifiers: list[Any]) -> Classification:
    """Average the distributions of every classifier that answered."""
    answers: list[tuple[float, Classification]] = []
    for c in classifiers:
        r = c.classify(doc, profile)
        if r is not None:
            answers.append((max(0.0, float(c.weight(profile))), r))
    if not answers:
        d = profile.classify.default_doctype
        return Classification(d, 0.0, [Candidate(d, 0.0)], "none")
    if len(answers) == 1:
        return answers[0][1]
    total_w = sum(w for w, _ in answers) or 1.0
    combined: dict[str, float] = {}
    for w, r in answers:
        dist = r.distribution or {x.doctype: x.score for x in r.candidates}
        for dt, p in dist.items():
            combined[dt] = combined.get(dt, 0.0) + w / total_w * p
    out = distribution_to_classification(combined, "+".join(r.method for _, r in answers))
    return out

