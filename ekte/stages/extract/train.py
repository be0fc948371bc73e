"""Training the field scorer: every candidate of a labelled document is an
example (right when its value equals the truth's), fitted by a logistic
regression with an L2 pull towards a prior model (the shipped one when a
county trains on its own few corrections, so they adjust it rather than
replace it).

Labelled documents come from a truth file (``ekte train DIR --truth``,
the format of ``ekte eval``) or from the review queue: documents a clerk
accepted, whose fields typed by the clerk (method ``manual``) are the truth
and whose archived PDF gives the words (``ekte train --from-reviews``)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ekte.stages.extract.scoring import FieldModel, vnorm

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile

log = logging.getLogger("ekte.train")


def examples(doc: "Document", profile: "Profile", truth: dict[str, str],
             only: Iterable[str] | None = None) -> list[tuple[dict[str, float], int]]:
    """(features, 1 if right) for every candidate of *doc*; with *only*, just those fields."""
    from ekte.stages.extract import featurized

    keep = set(only) if only is not None else None
    out = []
    for c, f in featurized(doc, profile):
        if keep is not None and c.field not in keep:
            continue
        want = truth.get(c.field)
        out.append((f, int(want is not None and vnorm(want) == vnorm(c.value))))
    return out


def prior_pull(prior: FieldModel) -> float:
    """The L2 pull towards *prior* when reviews adjust it: as strong as a tenth of the candidate values
    it was trained on (the shipped model: 2748 → 274.8), so that one reviewed value weighs like ten of
    those, and a handful of reviews adjust the model instead of replacing it (fresh30 G4)."""
    return max(4.0, float(prior.meta.get("examples") or 0) / 10)


def fit(data: list[tuple[dict[str, float], int]], prior: FieldModel | None = None, l2: float = 1.0,
        meta: dict[str, Any] | None = None) -> FieldModel:
    """Logistic regression (L-BFGS) with the penalty ``l2/2·‖w − w_prior‖²``."""
    import numpy as np
    from scipy.optimize import minimize

    names = sorted({k for f, _ in data for k in f} | set(prior.weights if prior else ()))
    idx = {k: i for i, k in enumerate(names)}
    X = np.zeros((len(data), len(names)))
    for r, (f, _) in enumerate(data):
        for k, v in f.items():
            X[r, idx[k]] = v
    y = np.array([lab for _, lab in data], dtype=float)
    w0 = np.array([prior.weights.get(k, 0.0) if prior else 0.0 for k in names] + [prior.bias if prior else 0.0])
    Xb = np.hstack([X, np.ones((len(data), 1))])

    def loss(w: "np.ndarray") -> tuple[float, "np.ndarray"]:
        z = Xb @ w
        p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
        d = w - w0
        if prior is None:
            d[-1] = 0.0  # from scratch the bias is free; with a prior it is pulled as the weights are (fresh30 G4:
            # a free bias fitted to a handful of reviews fell from -1.0 to -7.6 and every value below min_confidence)
        nll = float(np.sum(np.logaddexp(0, z) - y * z)) + 0.5 * l2 * float(d @ d)
        return nll, Xb.T @ (p - y) + l2 * d

    res = minimize(loss, w0.copy(), jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    w = res.x
    weights = {k: round(float(w[i]), 5) for k, i in idx.items() if abs(w[i]) > 1e-6}
    m = dict(meta or {})
    m.update(examples=len(data), positives=int(y.sum()), l2=l2, prior=bool(prior))
    return FieldModel(weights, round(float(w[-1]), 5), m)


CHECK_FILE = Path(__file__).resolve().parents[2] / "models" / "extractor_check.json.gz"


def check_score(model: FieldModel | None, auto: float) -> dict[str, int]:
    """How *model* decides the check set (``samples/field_check.py``: documents never trained on):
    per document and field its top value, ``right``/``wrong`` when at or above *auto*; ``score`` =
    right minus wrong, as the type model's guard counts (ekte.typemodel).  A right value tied with a wrong one at
    the top counts wrong: a model sure of every candidate (trained on documents whose candidates were all right)
    scored 341 against the shipped model's 281 when the tie went to the right one."""
    import gzip

    data = json.loads(gzip.decompress(CHECK_FILE.read_bytes()).decode("utf-8"))
    right = wrong = 0
    for _field, cands in data["groups"]:
        scored = [(_proba(model, f), lab) for f, lab in cands]
        p = max(s for s, _lab in scored)
        lab = min(lab for s, lab in scored if s == p)  # a tie is not decided by the answer: a wrong one tied counts
        if p >= auto:
            right, wrong = right + lab, wrong + (1 - lab)
    return {"fields": len(data["groups"]), "right": right, "wrong": wrong, "score": right - wrong}


def _proba(model: FieldModel | None, f: dict[str, float]) -> float:
    p = model.proba(f) if model else f.get("prior", 0.0)
    return min(p, 0.3) if f.get("invalid") else p  # as the extractor keeps a value that does not validate


def refusal(meta: dict[str, Any]) -> str:
    """The one line that says why a retrained field model was not saved."""
    c = meta["check"]
    return (f"the field model was not saved: it decides the check set worse than the model in use (score "
            f"{c['new']} against {c['current']} on {c['fields']} fields of held-out documents: right and sure minus "
            "wrong and sure; at most 1 % less is taken); the model in use stays (ekte train --force saves it all the same)")


def worse(check: dict[str, int]) -> bool:
    """The guard: the new model decides the check set worse than the one in use, by more than 1 % of the fields
    (a county's own documents may move it away from generated ones a little)."""
    return check["new"] < check["current"] - check["fields"] // 100


def restore_model(path: Path) -> dict[str, Any]:
    """``ekte train --restore``: the field model in use before the last training is the one in use again, and
    the replaced one its previous (:mod:`ekte.previous`).  Returns its metadata."""
    from ekte.previous import previous_path, swap

    prev = previous_path(path)
    (blob,), kept = swap([Path(path)], [prev])
    meta = (json.loads(blob).get("meta") or {}) if blob else {}
    return dict({k: v for k, v in meta.items() if k != "forced"}, path=str(path), restored=True,
                previous=str(prev) if kept else None)


def save_model(model: FieldModel, path: Path, profile: "Profile", stamp: bool = True) -> dict[str, Any]:
    """Save atomically; *stamp*: with the time of training (not for the
    shipped model, which must come out the same byte for byte)."""
    model.meta.update(format=1, profile=profile.name)
    if stamp:
        model.meta["trained"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    model.save(Path(path))
    return dict(model.meta, path=str(path))


# -- the review queue as training data ----------------------------------------------

def reviewed_documents(workdir: Path, with_fields: bool = True) -> list[tuple["Document", dict[str, str]]]:
    """Documents a clerk accepted from the review queue, with the fields they
    typed (method ``manual``) as truth and the words of their archived PDF
    (*with_fields*: only those with such fields; else every one, for the type model).
    Reads the journal and the archive only (the watcher may be running)."""
    from ekte.journal import Journal
    from ekte.model import document_from_metadata
    from ekte.stages.archive import ARCHIVE_PDF, METADATA
    from ekte.stages.layout import page_words
    from ekte.stages.ocr import page_texts

    jpath = Path(workdir) / "journal.sqlite"
    if not jpath.is_file():
        return []
    j = Journal(jpath)
    try:
        ids = [r[0] for r in j.db.execute(
            "SELECT DISTINCT doc_id FROM events WHERE stage='review' AND event='accepted' ORDER BY doc_id")]
        rows = [(r["id"], j.archive_dir(r)) for r in (j.get_by_id(i) for i in ids) if r is not None]
    finally:
        j.close()
    out = []
    for doc_id, adir in rows:
        if adir is None:
            continue
        try:
            meta = json.loads((adir / METADATA).read_text("utf-8"))
            pdf = adir / ARCHIVE_PDF
            doc = document_from_metadata(meta)
            doc.page_texts = page_texts(pdf)
            doc.extra["page_words"] = page_words(pdf)
        except (OSError, ValueError, KeyError):
            log.warning("document %s: archive unreadable, not used for training", doc_id)
            continue
        truth = {k: f["value"] for k, f in (meta.get("fields") or {}).items() if f.get("method") == "manual"}
        if truth or not with_fields:
            out.append((doc, truth))
    return out
