"""Training the type model (``ekte train``), fresh29 F5/F6.

* The vocabulary (word and character n-grams) comes from the BASE data
  only: the training folder of ``ekte train DIR``, else the base set shipped
  with ekte (``ekte/models/classifier_base.json.gz``, generated documents,
  ``make type-base``).  Documents clerks reviewed are ADDED to the base data
  and weigh only n-grams the base knows, so the model file keeps no words of
  theirs (names, addresses) — and a few reviews never make a model of two
  types that pushes every other type into review.
* Guard: a model retrained with reviews is saved only when, together with
  the rules as ingest uses it, it classifies the held-out check set (the
  base set's ``check`` part: layouts never trained on) at least as well as
  the model in use (or the rules alone).
* Saved atomically, 0600, in a 0700 ``models/``; the sibling ``.json``
  names the reviewed documents it learned from (their ids) so that
  ``retention delete`` can mark it for retraining.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ekte.errors import ConfigError
from ekte.stages.classify import MODEL_FORMAT, ModelClassifier, RulesClassifier, build_estimator, classify, normalize

if TYPE_CHECKING:  # pragma: no cover
    from ekte.profile import Profile

BASE_FILE = Path(__file__).resolve().parent / "models" / "classifier_base.json.gz"
RETRAIN_SUFFIX = ".retrain"
#: fewer training documents of a type than this: ``ekte train`` warns (fresh31 H6), with the check set's figures
MIN_PER_TYPE = 5


def base_set(profile: "Profile", part: str = "train") -> tuple[list[str], list[str]]:
    """The shipped base texts and labels of *part* ("train"/"check"), of the profile's types."""
    data = json.loads(gzip.decompress(BASE_FILE.read_bytes()).decode("utf-8"))
    pairs = [(text, t) for t, text in data[part] if t in profile.doctypes]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def fill(texts: list[str], labels: list[str], profile: "Profile") -> tuple[list[str], list[str], list[str]]:
    """fresh30 G14: the profile's types that training data *labels* has none of get the documents of
    ekte's base set — a folder for some types never makes a model that sends every other type to
    review.  A type neither has is refused (naming it).  Returns texts, labels and the types filled."""
    missing = sorted(t for t in profile.doctypes if t not in set(labels))
    if not missing:
        return texts, labels, []
    bt, bl = base_set(profile)
    lacking = sorted(set(missing) - set(bl))
    if lacking:
        raise ConfigError(f"no training documents for the document type(s) {', '.join(lacking)}: neither a folder in "
                          "the training data nor in ekte's base set; add a folder for each type of the profile")
    pairs = [(x, t) for x, t in zip(bt, bl) if t in missing]
    return texts + [x for x, _t in pairs], labels + [t for _x, t in pairs], missing


def fit(texts: list[str], labels: list[str], vocab_texts: list[str]) -> Any:
    """The estimator: features fitted on *vocab_texts* only, the classifier on all."""
    from sklearn.pipeline import Pipeline

    est = build_estimator(min(Counter(labels).values()))
    features, clf = est.named_steps["features"], est.named_steps["clf"]
    features.fit([normalize(t) for t in vocab_texts])
    clf.fit(features.transform([normalize(t) for t in texts]), labels)
    return Pipeline([("features", features), ("clf", clf)])


class _Fitted(ModelClassifier):
    def __init__(self, est: Any, meta: dict[str, Any]) -> None:
        super().__init__(Path("<new>"))
        self._fitted = (est, meta)

    def _load(self) -> tuple[Any, dict[str, Any]] | None:
        return self._fitted


def check_score(model: ModelClassifier | None, profile: "Profile", texts: list[str], labels: list[str]) -> int:
    """Documents of the check set classified right and sure, minus wrong and sure (as ingest decides)."""
    from ekte.model import Document

    clfs = [RulesClassifier()] + ([model] if model is not None else [])
    score = 0
    for text, label in zip(texts, labels):
        d = Document(sha256="0" * 64, source="check", size=0, media_type="text/plain", received="")
        d.page_texts = [text]
        c = classify(d, profile, clfs)
        if c.confidence >= profile.classify.threshold:
            score += 1 if c.doctype == label else -1
    return score


def _save(est: Any, meta: dict[str, Any], path: Path) -> None:
    import io

    import joblib

    from ekte import fsutil, workdirs

    fsutil.make_dirs(path.parent, 0o700)
    if path.parent.name == "models":  # <workdir>/models (made 0755 by ekte before fresh29 F6); not a --out folder
        workdirs.private(path.parent, 0o700)
    buf = io.BytesIO()
    joblib.dump({"meta": meta, "estimator": est}, buf)
    fsutil.write_bytes(path, buf.getvalue(), 0o600)
    fsutil.write_json(path.with_suffix(".json"), meta, 0o600)
    path.with_suffix(RETRAIN_SUFFIX).unlink(missing_ok=True)


def train(texts: list[str], labels: list[str], profile: "Profile", path: Path, *, base: bool,
          reviewed: list[tuple[str, str, str]] = ()) -> dict[str, Any]:
    """Fit and save a type model from *texts*/*labels* (the base data: a training folder) plus
    *reviewed* (doc id, text, type); with *base* the shipped base set is the base data.
    Returns its metadata, with ``refused`` (and nothing saved) when the guard says no."""
    import sklearn

    from ekte import __version__

    filled: list[str] = []
    if base:
        texts, labels = base_set(profile)
        if not texts:
            raise ConfigError(f"the profile {profile.name} has none of the document types of ekte's base set "
                              "for the type model; train it from a folder: ekte train DIR --from-reviews")
    unknown = sorted(set(labels) - set(profile.doctypes))
    if unknown:
        raise ConfigError(f"training folders name unknown document types: {', '.join(unknown)}")
    if not base:
        texts, labels, filled = fill(texts, labels, profile)
    if len(set(labels)) < 2:
        raise ConfigError("training needs documents of at least two document types")
    all_labels = labels + [t for _i, _x, t in reviewed]
    counts = Counter(all_labels)
    est = fit(texts + [x for _i, x, _t in reviewed], all_labels, texts)
    meta = {"format": MODEL_FORMAT, "ekte": __version__, "sklearn": sklearn.__version__, "profile": profile.name,
            "classes": sorted(counts), "documents": len(all_labels), "per_class": dict(sorted(counts.items())),
            "base": "ekte" if base else "folder", "base_documents": len(texts), "from_base_set": filled,
            "reviews": sorted(i for i, _x, _t in reviewed),
            "trained": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    few = sorted(t for t, n in counts.items() if n < MIN_PER_TYPE and t not in filled)
    if few and not base:
        meta["few"] = few_documents(_Fitted(est, meta), profile, path, few, counts)
    if reviewed:
        ct, cl = base_set(profile, "check")
        current = ModelClassifier(path)
        new, old = check_score(_Fitted(est, meta), profile, ct, cl), check_score(
            current if current.info() else None, profile, ct, cl)
        meta["check"] = {"documents": len(ct), "new": new, "current": old}
        if new < old:
            return dict(meta, refused=True)
    _save(est, meta, Path(path))
    return meta


def few_documents(model: ModelClassifier, profile: "Profile", path: Path, few: list[str],
                  counts: Counter) -> dict[str, Any]:
    """The warning of a type model trained on few documents of some types (fresh31 H6: one per type made a
    model unsure of every new document — the next ingest sent all of them to review)."""
    ct, cl = base_set(profile, "check")
    current = ModelClassifier(path)
    new, old = check_score(model, profile, ct, cl), check_score(current if current.info() else None, profile, ct, cl)
    check = (f"; on ekte's check set ({len(ct)} held-out documents, right and sure minus wrong and sure) it scores "
             f"{new}, the model in use {old}") if ct else ""
    back = f"{path} and {Path(path).with_suffix('.json')}"
    return {"types": few, "check": {"documents": len(ct), "new": new, "current": old} if ct else None,
            "message": f"few training documents for {', '.join(f'{t} ({counts[t]})' for t in few)}: fewer than "
                       f"{MIN_PER_TYPE} per type make a model that is unsure of documents it has not seen, and ingest "
                       f"sends those to review{check}. Add documents and train again, or delete {back} (ingest then "
                       "classifies without a trained type model)"}


def refusal(meta: dict[str, Any]) -> str:
    """The one line that says why a retrained type model was not saved."""
    c = meta["check"]
    return (f"the type model was not saved: it classifies the check set worse than the model in use "
            f"(score {c['new']} against {c['current']} on {c['documents']} held-out documents: right and sure "
            "minus wrong and sure); the model in use stays")


def mark_for_retraining(workdir: Path, doc_id: str) -> list[str]:
    """After ``retention delete``: the type models that learned from *doc_id* get a
    ``.retrain`` mark (``ekte train --from-reviews`` clears it); returns their file names."""
    marked = []
    for meta_path in sorted((Path(workdir) / "models").glob("*.classifier.json")):
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if doc_id in (meta.get("reviews") or []):
            from ekte import fsutil

            fsutil.write_text(meta_path.with_suffix(RETRAIN_SUFFIX), doc_id + "\n", 0o600)
            marked.append(meta_path.with_suffix(".joblib").name)
    return marked
