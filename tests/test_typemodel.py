"""The type model learned from reviews (fresh29 F5, F6): clerks' reviews are
added to the base data, never a model of the reviews alone; a retrained model
that classifies the held-out check set worse is not saved; the model file is
private and keeps no words of reviewed documents; deleting a reviewed
document marks the model for retraining."""

import json
import os
import re
import shutil
import stat

import joblib
import pytest

from helpers import SAMPLES, ingest_json, run_ekte, training_folder
from ekte import typemodel, workdirs
from ekte.profile import load_profile
from ekte.stages.classify import ModelClassifier, default_model_path
from ekte.stages.extract.train import reviewed_documents

INBOX = SAMPLES / "inbox"
FILES = ["bauantrag-002-pdf.pdf", "eingliederungshilfe-008-pdf.pdf", "tierhaltung-006-pdf.pdf",
         "waffen_antrag-005-pdf.pdf"]


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """A working directory where a clerk accepted two documents of two types (all went to review)."""
    tmp = tmp_path_factory.mktemp("tm")
    inbox = tmp / "in"
    inbox.mkdir()
    for f in FILES:
        shutil.copy(INBOX / f, inbox / f)
    wd = tmp / "wd"
    docs = {d["source"].rsplit("/", 1)[-1]: d for d in
            ingest_json(inbox, "-w", wd, "-o", "classify.threshold=1", check=1)["documents"]}
    assert all(d["status"] == "review" for d in docs.values())
    for f in FILES[:2]:
        run_ekte("review", "accept", docs[f]["id"], "-w", wd, "--set", "nachname=Schwarz", check=0)
    # (the type model's matter: the token tagger's fit, ~24 CPU s, is tests/test_tagger_reviews.py's)
    p = run_ekte("train", "--from-reviews", "-w", wd, "-o", "extract.tagger=false", check=0)
    return wd, docs, p


def _sure(wd, name):
    c = json.loads(run_ekte("classify", "--json", "-w", wd, INBOX / name, check=None).stdout)["documents"][0]
    return c["doctype"], c["confidence"]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_reviews_are_added_to_the_base_data_and_other_types_stay_sure(reviewed):
    wd, _docs, p = reviewed
    n = len(typemodel.base_set(load_profile())[0])
    assert "model saved to" in p.stdout and f"{n} of them ekte's base set" in " ".join(p.stdout.split()), p.stdout
    meta = json.loads((wd / "models" / "landkreis.classifier.json").read_text())
    assert meta["base"] == "ekte" and len(meta["classes"]) == 9 and meta["documents"] == n + 2
    assert len(meta["reviews"]) == 2 and meta["check"]["new"] >= meta["check"]["current"]
    prof = load_profile()
    for name in FILES[2:]:  # types no clerk reviewed: still right and above the threshold (main: 0.49)
        doctype, conf = _sure(wd, name)
        assert doctype == name.split("-")[0] and conf >= prof.classify.threshold, (name, conf)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_model_file_is_private_and_keeps_no_words_of_reviewed_documents(reviewed):
    wd, _docs, _p = reviewed
    model = wd / "models" / "landkreis.classifier.joblib"
    assert stat.S_IMODE(os.stat(wd / "models").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(model).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(model.with_suffix(".json")).st_mode) == 0o600
    features = joblib.load(model)["estimator"].named_steps["features"]
    vocab = set(features.transformer_list[0][1].vocabulary_)
    base = " ".join(typemodel.base_set(load_profile())[0]).lower()
    words = set()
    for d, _t in reviewed_documents(wd, with_fields=False):
        words |= set(re.findall(r"\w[\w\-§]+", d.text.lower()))
    own = {w for w in words if w not in base}  # names, streets … of the reviewed documents only
    assert own, "the reviewed documents have words the base set has not"
    assert not own & vocab


@pytest.mark.slow  # one of the slowest of `make test` (CI runs it in test-slow)
def test_a_worse_model_is_not_saved(tmp_path):
    """The guard: reviews that teach the wrong types make a model that classifies the
    check set worse than the rules alone — it is not written, and says why."""
    prof = load_profile()
    texts, labels = typemodel.base_set(prof, "check")
    wrong = {t: labels[(i + 3) % len(labels)] for i, t in enumerate(sorted(set(labels)))}
    revs = [(f"{i:016x}", x, wrong[t]) for i, (x, t) in enumerate(zip(texts, labels))] * 3
    path = default_model_path(prof, tmp_path)
    meta = typemodel.train([], [], prof, path, base=True, reviewed=revs)
    assert meta.get("refused") and meta["check"]["new"] < meta["check"]["current"]
    assert not path.exists() and not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())
    assert typemodel.refusal(meta).startswith("the type model was not saved")
    # a sound one is saved and then is the model in use
    good = typemodel.train([], [], prof, path, base=True, reviewed=revs[:1])
    assert not good.get("refused") and ModelClassifier(path).info()["documents"] == len(typemodel.base_set(prof)[0]) + 1


@pytest.mark.slow  # one of the slowest of `make test` (CI runs it in test-slow)
def test_deleting_a_reviewed_document_marks_the_model_for_retraining(reviewed, tmp_path):
    wd0, docs, _p = reviewed
    wd = tmp_path / "wd"
    shutil.copytree(wd0, wd, symlinks=True)
    # a model written world-readable by an older ekte is made private when ekte opens the directory
    os.chmod(wd / "models", 0o755)
    os.chmod(wd / "models" / "landkreis.classifier.joblib", 0o644)
    workdirs.prepare(wd, ())
    assert stat.S_IMODE(os.stat(wd / "models").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(wd / "models" / "landkreis.classifier.joblib").st_mode) == 0o600
    victim = docs[FILES[0]]["id"]
    (r,) = json.loads(run_ekte("retention", "delete", victim, "-w", wd, "--reason", "retention_ended", "--force", "--json",
                               check=0).stdout)["documents"]
    assert any("marked for retraining" in k for k in r["kept"]), r
    mark = wd / "models" / "landkreis.classifier.retrain"
    assert mark.read_text().strip() == victim and stat.S_IMODE(os.stat(mark).st_mode) == 0o600
    p = run_ekte("train", "--from-reviews", "-w", wd, "-o", "extract.tagger=false", check=0)  # (the type model's matter)
    assert not mark.exists(), p.stdout
    assert victim not in json.loads((wd / "models" / "landkreis.classifier.json").read_text())["reviews"]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_training_on_few_documents_per_type_warns_with_the_check_set_and_the_way_back(tmp_path):
    """fresh31 H6: `ekte train` on one document per type said nothing, and the next ingest sent every
    document to review; now a warning on stderr (and "few" in --json) with the check set's score and
    which files to delete to go back."""
    training_folder(tmp_path / "tr", ("bauantrag", "kfz_zulassung"))
    wd = tmp_path / "wd"
    wd.mkdir()
    p = run_ekte("train", tmp_path / "tr", "-w", wd, "--json", check=0)
    few = json.loads(p.stdout)["classifier"]["few"]
    assert few["types"] == ["bauantrag", "kfz_zulassung"] and few["check"]["documents"] == 45, few
    model = wd / "models" / "landkreis.classifier.joblib"
    assert f"delete {model} and {model.with_suffix('.json')}" in few["message"]
    p = run_ekte("train", tmp_path / "tr", "-w", wd, check=0)
    (line,) = [x for x in p.stderr.splitlines() if x.startswith("warning:")]
    assert "few training documents for bauantrag (2), kfz_zulassung (2): fewer than 5 per type" in line, p.stderr
    assert "on ekte's check set (45 held-out documents" in line


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_weaker_model_does_not_replace_the_one_in_use_unless_forced_and_restore_goes_back(tmp_path):
    """fresh32 F11: `ekte train` on one document per type replaced the model in use with a weaker one, and the
    way back led to no trained model; now it is refused (exit 2, one line) unless --force, the replaced model
    is kept as <name>.previous.joblib, and `ekte train --restore` makes it the model in use again."""
    training_folder(tmp_path / "tr2", ("bauantrag", "kfz_zulassung"))
    training_folder(tmp_path / "tr1", ("bauantrag", "kfz_zulassung"))
    for d in (tmp_path / "tr1").iterdir():
        for f in sorted(d.iterdir())[1:]:
            f.unlink()
    wd = tmp_path / "wd"
    wd.mkdir()
    model = wd / "models" / "landkreis.classifier.joblib"
    previous = wd / "models" / "landkreis.classifier.previous.joblib"
    run_ekte("train", tmp_path / "tr2", "-w", wd, check=0)
    before = model.read_bytes()
    p = run_ekte("train", tmp_path / "tr1", "-w", wd)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert re.search(r"^error: nothing learned: the type model was not saved: it classifies the check set worse "
                     r"than the model in use \(score (\d+) against (\d+) on 45 .*--force saves it", p.stderr), p.stderr
    assert model.read_bytes() == before and not previous.exists()
    p = run_ekte("train", tmp_path / "tr1", "-w", wd, "--force", check=0)
    assert "(--force); ekte train --restore goes back" in p.stderr and "go back to the model in use before: ekte " \
        "train --restore" in " ".join(p.stderr.split()), p.stderr
    assert previous.read_bytes() == before and stat.S_IMODE(os.stat(previous).st_mode) == 0o600
    assert json.loads(model.with_suffix(".json").read_text())["per_class"]["bauantrag"] == 1
    r = json.loads(run_ekte("train", "--restore", "-w", wd, "--json", check=0).stdout)["classifier"]
    assert r["restored"] and r["per_class"]["bauantrag"] == 2 and r["previous"] == str(previous), r
    assert model.read_bytes() == before and ModelClassifier(model).info()["per_class"]["bauantrag"] == 2
    assert json.loads(previous.with_suffix(".json").read_text())["per_class"]["bauantrag"] == 1
    p = run_ekte("train", "--restore", "-w", tmp_path)
    assert p.returncode == 2 and p.stderr.startswith("error: no previous model to go back to: neither "), p.stderr


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_restore_undoes_only_the_last_training(tmp_path):
    """A training that replaces the type model but not the field model removes the field model's previous copy
    (kept by an earlier training): `ekte train --restore` then leaves the field model as it is, not two
    trainings back."""
    from ekte.stages.extract import SHIPPED_MODEL

    training_folder(tmp_path / "tr", ("bauantrag", "kfz_zulassung"))
    wd = tmp_path / "wd"
    (wd / "models").mkdir(parents=True)
    field, field_prev = wd / "models" / "landkreis.extractor.json", wd / "models" / "landkreis.extractor.previous.json"
    shutil.copy(SHIPPED_MODEL, field)  # the field model an earlier training saved, its predecessor kept beside it
    old = json.loads(field.read_text())
    field_prev.write_text(json.dumps(dict(old, meta=dict(old.get("meta") or {}, generation=1))))
    in_use = field.read_bytes()
    p = run_ekte("train", tmp_path / "tr", "-w", wd, check=0)
    assert "model saved to" in p.stdout and (wd / "models" / "landkreis.classifier.joblib").is_file(), p.stdout
    assert not field_prev.exists() and field.read_bytes() == in_use
    p = run_ekte("train", "--restore", "-w", wd)  # nothing the last training replaced was kept (no type model before)
    assert p.returncode == 2 and p.stderr.startswith("error: no previous model to go back to"), p.stderr
    assert field.read_bytes() == in_use


def test_a_restore_cut_short_keeps_the_model_that_was_in_use(tmp_path, monkeypatch):
    """``previous.swap`` copies the model in use aside before writing the previous one over it: a crash before
    the last step leaves it in ``<previous>.restoring``; a whole swap leaves no such copy."""
    from ekte import previous
    from ekte.errors import ConfigError

    files = [tmp_path / "m.joblib", tmp_path / "m.json"]
    prev = [previous.previous_path(f) for f in files]
    for f, p in zip(files, prev):
        f.write_bytes(b"in use " + f.name.encode())
        p.write_bytes(b"before " + f.name.encode())
    replace = os.replace

    def crash(src, dst):  # the crash after the previous model was written over the one in use
        if str(src).endswith(previous.RESTORING):
            raise OSError("crash")
        replace(src, dst)

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        previous.swap(files, prev)
    assert [f.read_bytes() for f in files] == [b"before m.joblib", b"before m.json"]
    assert (tmp_path / "m.previous.joblib.restoring").read_bytes() == b"in use m.joblib"
    monkeypatch.undo()
    with pytest.raises(ConfigError, match="cut short"):  # again: refused, the copy not written over
        previous.swap(files, prev)
    assert (tmp_path / "m.previous.joblib.restoring").read_bytes() == b"in use m.joblib"
    for p in prev:  # finished by hand as the message says: the copy moved back to the previous one
        os.replace(p.with_name(p.name + previous.RESTORING), p)
    previous.swap(files, prev)  # a whole swap: back to the first model, the other one previous, no copy left
    assert [f.read_bytes() for f in files] == [b"in use m.joblib", b"in use m.json"]
    assert [p.read_bytes() for p in prev] == [b"before m.joblib", b"before m.json"]
    assert not list(tmp_path.glob("*" + previous.RESTORING))
