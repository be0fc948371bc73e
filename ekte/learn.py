"""`ekte train`: the document-type model and the field model from labelled
documents.

* ``DIR`` with one sub-folder per document type (PDFs, images, .txt): the
  type model only (no field truth); the profile's types without a folder
  get ekte's base set (fresh30 G14);
* ``DIR --truth FILE`` (the format of ``ekte eval``: ``{id: {"type",
  "fields"}}``): both models;
* ``--from-reviews``: documents clerks accepted from the review queue of
  the working directory — their confirmed type, and the fields they typed
  (method ``manual``) — adjust both models.  The field model then starts
  from the model in use and moves only as far as the corrections say
  (an L2 pull towards it, the bias included), so a handful of corrections cannot
  undo it; and it is saved only when it decides the field check set about as
  well as the model in use (fresh30 G4).
  The reviewed documents are ADDED to the type model's base data (the
  training folder DIR, else the base set shipped with ekte) and a model
  that classifies the held-out check set worse is not saved (ekte.typemodel).
  With ``extract.tagger`` on, the token tagger too: from ekte's base data plus
  every accepted document, each field of its type as accepted being the truth
  (ekte.stages.extract.tagger_train), guarded and kept as the field model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ekte.errors import ConfigError
from ekte.model import Classification, Document
from ekte.profile import Profile


NOT_AMONG_CANDIDATES = ("the field model is unchanged — none of the values (corrected by clerks or in the truth) "
                        "is among the values ekte finds on those pages: no label wording it knows stands next to "
                        "them; add the form's wordings to the profile's [extract.labels] and ingest again")

def _typed_folders(root: Path) -> tuple[list[str], list[str], list[tuple[Path, str]]]:
    texts: list[str] = []
    labels: list[str] = []
    to_read: list[tuple[Path, str]] = []
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for f in sorted(sub.rglob("*")):
            if not f.is_file() or f.name.startswith("."):
                continue
            if f.suffix.lower() == ".txt":
                texts.append(f.read_text("utf-8", errors="replace"))
                labels.append(sub.name)
            else:
                to_read.append((f, sub.name))
    return texts, labels, to_read


def _with_truth(docs: list[Document], truth: dict[str, Any]) -> list[tuple[Document, dict[str, str]]]:
    out = []
    for d in docs:
        t = truth.get(Path(d.source).stem)
        if t is None or d.error or not d.page_texts:
            continue
        d.classification = Classification(t["type"], 1.0, [], "truth")
        out.append((d, {k: str(v) for k, v in (t.get("fields") or {}).items()}))
    return out


def _from_folder(root: Path, truth: dict[str, Any] | None, analyze: Any
                 ) -> tuple[list[str], list[str], list[tuple[Document, dict[str, str]]]]:
    """Texts and types of DIR/<doctype>/…, or the documents of DIR with their truth."""
    if not root.is_dir():
        raise ConfigError(f"training folder not found: {root}")
    if truth is not None:
        return [], [], _with_truth(analyze([root]), truth)
    texts, labels, to_read = _typed_folders(root)
    label_of = {str(p): lab for p, lab in to_read}
    for d in analyze([p for p, _ in to_read]) if to_read else []:
        if not d.error and d.page_texts:
            texts.append(d.text)
            labels.append(label_of[d.source])
    return texts, labels, []


def _field_model(result: dict[str, Any], labelled: list[tuple[Document, dict[str, str]]],
                 reviewed: list[tuple[Document, dict[str, str]]], profile: Profile, workdir: Path,
                 force: bool = False) -> None:
    """Fit the field model from *labelled* documents and *reviewed* fields; with reviews only it starts from the
    model in use.  With reviews, or when it would replace a trained field model, it is saved only when it decides
    the check set about as well as the model in use (fresh30 G4), unless *force*; the one replaced is kept."""
    from ekte import previous
    from ekte.stages.extract import LabelExtractor
    from ekte.stages.extract import default_model_path as field_model_path
    from ekte.stages.extract.train import check_score, examples, fit, prior_pull, refusal, save_model, worse

    data = [e for d, t in labelled for e in examples(d, profile, t)]
    data += [e for d, t in reviewed for e in examples(d, profile, t, only=t)]
    if not (labelled or reviewed):
        return
    if not any(right for _f, right in data):
        result["unchanged"] = NOT_AMONG_CANDIDATES  # nothing to learn from (fresh25 #5): the model left as it was
        return
    path = field_model_path(profile, workdir)
    current = LabelExtractor()
    current.configure(profile, workdir)
    prior = current.model if reviewed and not labelled else None
    model = fit(data, prior, l2=prior_pull(prior) if prior else 1.0,
                meta={"documents": len(labelled), "reviews": len(reviewed)})
    if reviewed or path.is_file():  # the guard, as the type model's: not worse than the model in use
        new, old = (check_score(m, profile.extract.auto_threshold) for m in (model, current.model))
        model.meta["check"] = {"fields": new["fields"], "new": new["score"], "current": old["score"]}
        if worse(model.meta["check"]):
            if not force:
                result["field_refused"] = refusal(model.meta)
                return
            model.meta["forced"] = True
    previous.keep([path], [previous.previous_path(path)])
    result["extractor"] = save_model(model, path, profile)


def _tagger_model(labelled: list[tuple[Document, dict[str, str]]], profile: Profile, workdir: Path,
                  accepted: list[Document] = (), force: bool = False) -> dict[str, Any] | None:
    """The token tagger (``extract.tagger``), saved as the working directory's own (``models/<profile>.tagger.crfsuite``):
    with reviews fitted on ekte's base data, the labelled documents and the documents clerks accepted
    (:mod:`ekte.stages.extract.tagger_train`), else on the labelled documents' words alone (None when no truth value
    stands on their pages).  Guarded and kept as the field model (``refused``: not saved)."""
    from ekte.stages.extract import tagger_train
    from ekte.stages.extract.tagger import sequences

    seqs = [q for d, t in labelled for q in sequences(d, profile, t)]
    if accepted:
        base, _check, attrs = tagger_train.base_data()
        seqs = base + seqs + tagger_train.reviewed_sequences(list(accepted), profile, attrs)
    elif not any(lab != "O" for _x, ys in seqs for lab in ys):
        return None
    meta = {"documents": len(labelled), "reviews": len(accepted), "base": bool(accepted)}
    return tagger_train.save(seqs, profile, workdir, meta, guard=bool(accepted), force=force)


def _restore(profile: Profile, workdir: Path, out: Path | None) -> dict[str, Any]:
    """``ekte train --restore``: the type model and the field model in use before the last training that
    replaced them, whichever were kept (``<name>.previous…``)."""
    from ekte import typemodel
    from ekte.previous import previous_path
    from ekte.stages.classify import default_model_path
    from ekte.stages.extract import default_model_path as field_model_path
    from ekte.stages.extract import tagger_train
    from ekte.stages.extract.train import restore_model

    paths = {"classifier": Path(out) if out else default_model_path(profile, workdir),
             "extractor": field_model_path(profile, workdir), "tagger": tagger_train.model_path(profile, workdir)}
    if not any(previous_path(p).is_file() for p in paths.values()):
        raise ConfigError(f"no previous model to go back to: neither {previous_path(paths['classifier'])} nor "
                          f"{previous_path(paths['extractor'])} nor {previous_path(paths['tagger'])} exists (ekte "
                          "train keeps the model in use there when a new one replaces it)")
    restore = {"classifier": typemodel.restore, "extractor": restore_model, "tagger": tagger_train.restore}
    r = {k: restore[k](p) if previous_path(p).is_file() else None for k, p in paths.items()}
    return dict(r, restored=[k for k in paths if r[k]])


def train(directory: Path | None, profile: Profile, workdir: Path, *, truth: dict[str, Any] | None = None,
          from_reviews: bool = False, out: Path | None = None, analyze: Any = None, force: bool = False,
          restore: bool = False) -> dict[str, Any]:
    """Fit and save the models; returns {"classifier": meta | None, "extractor": meta | None}.
    *analyze* OCRs files as ingest would (``api.analyze`` bound to the profile).  *force*: save a model
    that scores below the one in use; *restore*: go back to the models in use before (F11)."""
    from ekte import typemodel
    from ekte.stages.classify import default_model_path
    from ekte.stages.extract.train import reviewed_documents

    if restore:
        if directory is not None or from_reviews or truth is not None:
            raise ConfigError("--restore goes back to the previous models; it takes no DIR, --truth or "
                              "--from-reviews")
        return _restore(profile, workdir, out)
    if directory is None and not from_reviews:
        raise ConfigError("say what to learn from: DIR, DIR --truth FILE, or --from-reviews")
    texts: list[str] = []
    labels: list[str] = []
    labelled: list[tuple[Document, dict[str, str]]] = []
    accepted: list[tuple[Document, dict[str, str]]] = []
    reviewed: list[tuple[Document, dict[str, str]]] = []
    if directory is not None:
        texts, labels, labelled = _from_folder(Path(directory), truth, analyze)
    if from_reviews:
        accepted = reviewed_documents(workdir, with_fields=False)
        reviewed = [(d, t) for d, t in accepted if t]
        if not accepted:
            raise ConfigError(f"no accepted reviews in {workdir}")
    for d, _t in labelled:
        texts.append(d.text)
        labels.append(d.doctype or "")
    if not texts and directory is not None:
        raise ConfigError(f"no training documents found below {directory} (expected one folder per document type, "
                          "or --truth)")
    result: dict[str, Any] = {"classifier": None, "extractor": None}
    if len(set(labels)) >= 2 or from_reviews or (labels and not labelled):  # a type folder: the rest filled (G14)
        path = Path(out) if out else default_model_path(profile, workdir)
        revs = [(d.id, d.text, d.doctype or "") for d, _t in accepted] if from_reviews else []
        meta = typemodel.train(texts, labels, profile, path, base=directory is None, reviewed=revs, force=force)
        result["classifier"] = dict(meta, path=str(path))
    elif not labelled:
        raise ConfigError("training needs documents of at least two document types")
    _field_model(result, labelled, reviewed, profile, workdir, force)
    _tagger(result, labelled, [d for d, _t in accepted], profile, workdir, force)
    refused = result["classifier"] is not None and result["classifier"].get("refused")
    if result["extractor"] is None and not result.get("tagger") and (refused or result["classifier"] is None):
        why = [typemodel.refusal(result["classifier"])] if refused else []
        why += [NOT_AMONG_CANDIDATES] if result.get("unchanged") else []
        why += [result[k] for k in ("field_refused", "tagger_refused") if result.get(k)]
        raise ConfigError("nothing learned: " + "; ".join(why or ["no field corrections in the reviews"]))
    _forget_unreplaced(result, profile, workdir, out)
    return result


def _tagger(result: dict[str, Any], labelled: list[tuple[Document, dict[str, str]]], accepted: list[Document],
            profile: Profile, workdir: Path, force: bool) -> None:
    """The token tagger's part of *result*: ``tagger`` (its metadata, when saved) or ``tagger_refused`` (why not)."""
    from ekte.stages.extract.tagger_train import refusal

    if not (profile.extract.tagger and (labelled or accepted)):
        return
    meta = _tagger_model(labelled, profile, workdir, accepted, force)
    if meta is not None and meta.get("refused"):
        result["tagger_refused"] = refusal(meta)
    else:
        result["tagger"] = meta


def _forget_unreplaced(result: dict[str, Any], profile: Profile, workdir: Path, out: Path | None) -> None:
    """The model this training did not replace loses its previous copy (kept by an earlier training), so that
    ``--restore`` goes back exactly one training: the models it replaced, no other."""
    from ekte import previous, typemodel
    from ekte.stages.classify import default_model_path
    from ekte.stages.extract import default_model_path as field_model_path
    from ekte.stages.extract import tagger_train

    cls = result["classifier"]
    if cls is None or cls.get("refused"):
        path = Path(out) if out else default_model_path(profile, workdir)
        typemodel.forget_previous(path)
    if result["extractor"] is None:
        previous.forget([previous.previous_path(field_model_path(profile, workdir))])
    if not result.get("tagger"):
        previous.forget(tagger_train.files(previous.previous_path(tagger_train.model_path(profile, workdir))))
