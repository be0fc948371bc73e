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
* fresh32 F11: a model that replaces one in use scores at least as well on
  the check set (else refused, unless ``force``), and the replaced one is kept
  beside it (``<name>.previous.joblib``/``.json``, its ``.retrain`` mark too):
  ``ekte train --restore`` swaps the two back.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ekte import previous
from ekte.errors import ConfigError
from ekte.previous import previous_path
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


def _files(path: Path) -> list[Path]:
    """A model's files: the model, its metadata, its retraining mark."""
    return [path, path.with_suffix(".json"), path.with_suffix(RETRAIN_SUFFIX)]


def _save(est: Any, meta: dict[str, Any], path: Path) -> None:
    """Save atomically; a model already there is kept first as ``previous_path`` (its files copied, each
    atomically), so that a crash leaves either the old model in use or the new one, never none."""
    import io

    import joblib

    from ekte import fsutil, workdirs

    fsutil.make_dirs(path.parent, 0o700)
    if path.parent.name == "models":  # <workdir>/models (made 0755 by ekte before fresh29 F6); not a --out folder
        workdirs.private(path.parent, 0o700)
    previous.keep(_files(path), _files(previous_path(path)))
    buf = io.BytesIO()
    joblib.dump({"meta": meta, "estimator": est}, buf)
    fsutil.write_bytes(path, buf.getvalue(), 0o600)
    fsutil.write_json(path.with_suffix(".json"), meta, 0o600)
    path.with_suffix(RETRAIN_SUFFIX).unlink(missing_ok=True)


def restore(path: Path) -> dict[str, Any]:
    """``ekte train --restore``: the previous model (kept when ``ekte train`` replaced it) becomes the model in
    use and the one in use becomes the previous one (so a second restore undoes the first).  The model in use
    is written first: a crash in between leaves the restored model in use.  Returns its metadata."""
    prev, path = previous_path(path), Path(path)
    if not prev.is_file():
        raise ConfigError(f"no previous type model to go back to: {prev} does not exist (ekte train keeps the "
                          "model in use there when a new one replaces it)")
    new, kept = previous.swap(_files(path), _files(prev))
    meta = {k: v for k, v in (json.loads(new[1]) if new[1] else {}).items() if k not in ("few", "forced")}
    return dict(meta, path=str(path), restored=True, previous=str(prev) if kept else None)


def forget_previous(path: Path) -> None:
    """A training that left the type model at *path* as it was: its previous copy is removed (see
    :func:`ekte.previous.forget`)."""
    previous.forget(_files(previous_path(path)))


def train(texts: list[str], labels: list[str], profile: "Profile", path: Path, *, base: bool,
          reviewed: list[tuple[str, str, str]] = (), force: bool = False) -> dict[str, Any]:
    """Fit and save a type model from *texts*/*labels* (the base data: a training folder) plus
    *reviewed* (doc id, text, type); with *base* the shipped base set is the base data.
    Returns its metadata, with ``refused`` (and nothing saved) when the guard says no: a model
    retrained with reviews, or one that would replace a trained model in use, that scores below it
    (with reviews: below the rules alone when none is in use) on the check set — unless *force*."""
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
    few = sorted(t for t, n in counts.items() if n < MIN_PER_TYPE and t not in filled) if not base else []
    current = ModelClassifier(path)
    in_use = current.info() is not None
    check = _check(_Fitted(est, meta), current if in_use else None, profile) if reviewed or in_use or few else None
    if few:
        meta["few"] = few_documents(path, few, counts, check, in_use)
    if check and (reviewed or in_use):
        meta["check"] = check
        if check["new"] < check["current"]:
            if not force:
                return dict(meta, refused=True)
            meta["forced"] = True
    _save(est, meta, Path(path))
    return meta


def _check(model: ModelClassifier, current: ModelClassifier | None, profile: "Profile") -> dict[str, int] | None:
    """The new model's and the model in use's (None: the rules alone) scores on the check set."""
    ct, cl = base_set(profile, "check")
    if not ct:
        return None
    return {"documents": len(ct), "new": check_score(model, profile, ct, cl),
            "current": check_score(current, profile, ct, cl)}


def few_documents(path: Path, few: list[str], counts: Counter, check: dict[str, int] | None,
                  in_use: bool) -> dict[str, Any]:
    """The warning of a type model trained on few documents of some types (fresh31 H6: one per type made a
    model unsure of every new document — the next ingest sent all of them to review); the way back: the
    model in use before (fresh32 F11), else no trained model."""
    score = (f"; on ekte's check set ({check['documents']} held-out documents, right and sure minus wrong and "
             f"sure) it scores {check['new']}, the model in use {check['current']}") if check else ""
    back = ("or go back to the model in use before: ekte train --restore" if in_use else
            f"or delete {path} and {Path(path).with_suffix('.json')} (ingest then classifies without a trained "
            "type model)")
    return {"types": few, "check": check,
            "message": f"few training documents for {', '.join(f'{t} ({counts[t]})' for t in few)}: fewer than "
                       f"{MIN_PER_TYPE} per type make a model that is unsure of documents it has not seen, and ingest "
                       f"sends those to review{score}. Add documents and train again, {back}"}


def refusal(meta: dict[str, Any]) -> str:
    """The one line that says why a retrained type model was not saved."""
    c = meta["check"]
    return (f"the type model was not saved: it classifies the check set worse than the model in use "
            f"(score {c['new']} against {c['current']} on {c['documents']} held-out documents: right and sure "
            "minus wrong and sure); the model in use stays (ekte train --force saves it all the same)")


def mark_for_retraining(workdir: Path, doc_id: str) -> list[str]:
    """After ``retention delete``: the type models that learned from *doc_id* get a
    ``.retrain`` mark (``ekte train --from-reviews`` clears it); returns their file names."""
    marked = []
    for meta_path in sorted((Path(workdir) / "models").glob("*.classifier*.json")):  # the previous one too
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if doc_id in (meta.get("reviews") or []):
            from ekte import fsutil

            fsutil.write_text(meta_path.with_suffix(RETRAIN_SUFFIX), doc_id + "\n", 0o600)
            marked.append(meta_path.with_suffix(".joblib").name)
    return marked
