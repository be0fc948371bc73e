"""Classification: rules (fuzzy), eval targets on generated sets, the
review queue end to end, and the trained model."""

import json
import shutil
from pathlib import Path

import pytest

from helpers import ingest_json, run_ekte
from ekte.model import Document
from ekte.profile import load_profile
from ekte.stages.classify import RulesClassifier, classify


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def _doc(text):
    d = Document(sha256="b" * 64, source="x", size=1, media_type="application/pdf")
    d.page_texts = [text]
    return d


def test_rules_survive_ocr_errors(profile):
    clean = "Antrag auf Erteilung einer Waffenbesitzkarte nach dem Waffengesetz. Sachkunde nachgewiesen."
    garbled = "Antrag auf Ertei1ung einer Waffenbesitzkarie nach dern Waffengesctz. Sachkunde nachgewiesen."
    for text in (clean, garbled):
        c = classify(_doc(text), profile, [RulesClassifier()])
        assert c.doctype == "waffen_antrag", text
        assert len(c.candidates) == 3
    assert classify(_doc(garbled), profile, [RulesClassifier()]).confidence < \
        classify(_doc(clean), profile, [RulesClassifier()]).confidence


def test_weak_evidence_has_low_confidence(profile):
    c = classify(_doc("Sehr geehrte Damen und Herren, anbei die Unterlagen zum Verein."), profile, [RulesClassifier()])
    assert c.confidence < profile.classify.threshold


def test_regex_rules_from_profile(tmp_path):
    p = tmp_path / "p.toml"
    p.write_text('[profile]\nname = "p"\nextends = "landkreis"\n[doctypes.tierhaltung.patterns]\n"reg\\\\.-?nr\\\\.\\\\s*\\\\d{3}" = 30\n')
    prof = load_profile(str(p))
    c = classify(_doc("Reg.-Nr. 276 0815 4711"), prof, [RulesClassifier()])
    assert c.doctype == "tierhaltung"
    bad = tmp_path / "bad.toml"
    bad.write_text('[profile]\nname = "b"\nextends = "landkreis"\n[doctypes.tierhaltung.patterns]\n"(unclosed" = 1\n'
                   '[doctypes.bauantrag]\nfields = ["vorname", "lieblingsfarbe"]\n')
    out = run_ekte("profiles", "check", bad).stdout
    assert "doctypes.tierhaltung.patterns" in out and "invalid regular expression" in out
    assert "doctypes.bauantrag.fields" in out and "lieblingsfarbe" in out


def test_eval_born_digital_meets_targets(born_digital_mixed):
    d, _truth = born_digital_mixed
    out = run_ekte("eval", d, "--truth", str(d) + ".truth.json", "--json", check=0)
    r = json.loads(out.stdout)
    assert r["documents"] == len(json.loads(Path(str(d) + ".truth.json").read_text()))
    assert r["accuracy"] >= 0.98
    assert r["wrong_above_threshold"] == []
    assert r["fields"]["f1"] >= 0.95
    assert set(r["confusion"]) >= {"bauantrag", "sonstiges"}
    assert r["per_field"]["iban"]["support"] > 0


@pytest.fixture(scope="module")
def born_digital_mixed(tmp_path_factory):
    import generate

    d = tmp_path_factory.mktemp("mixed") / "set"
    generate.generate(d, per_type=4, formats=["pdf"], seed=31, doctypes=generate.ALL_TYPES)
    return d, None


@pytest.mark.slow  # in CI (make test-slow), not in make test
def test_eval_noisy_scans(tmp_path):
    import generate

    d = tmp_path / "scans"
    generate.generate(d, per_type=1, formats=["scanpdf"], seed=41, noise=1.5, doctypes=generate.ALL_TYPES)
    out = run_ekte("eval", d, "--truth", str(d) + ".truth.json", "--json", check=0)
    r = json.loads(out.stdout)
    assert r["documents"] == 9
    assert r["wrong_above_threshold"] == []
    assert r["accuracy"] >= 8 / 9
    assert r["fields"]["f1"] >= 0.9


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_review_queue_end_to_end(tmp_path, born_digital):
    src, truth = born_digital
    f = sorted(src.glob("bauantrag-*.pdf"))[0]
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(f, inbox / f.name)
    wd = tmp_path / "wd"
    # a threshold no document reaches: it must wait for review, not be exported
    out = ingest_json(inbox, "-w", wd, "-o", "classify.threshold=0.999", check=1)
    d = out["documents"][0]
    assert d["status"] == "review" and d["exports"] == {}
    assert not (wd / "export" / "folder" / d["id"]).exists()
    (again,) = ingest_json(inbox, "-w", wd, "-o", "classify.threshold=0.999", check=1)["documents"]
    # seen again while it waits: reported as the first run did (type, pages), not as a duplicate of itself
    assert (again["status"], again["doctype"], again["pages"], again["duplicate_of"]) == ("review", d["doctype"], d["pages"], None)
    lst = json.loads(run_ekte("review", "list", "-w", wd, "--json", check=0).stdout)
    assert [x["id"] for x in lst] == [d["id"]]
    assert len(lst[0]["candidates"]) == 3 and lst[0]["candidates"][0]["doctype"] == "bauantrag"
    # why it waits, for a script as for a clerk: the type below its threshold
    shown = json.loads(run_ekte("review", "show", d["id"], "-w", wd, "--json", check=0).stdout)
    assert shown["type_unsure"] is True and shown["threshold"] == 0.999
    assert "Typ unsicher" in run_ekte("review", "show", d["id"], "-w", wd, "--lang", "de", check=0).stdout
    # accept with a correction of type and one field
    p = run_ekte("review", "accept", d["id"], "-w", wd, "--doctype", "bauantrag", "--set", "gemarkung=Wiesenau",
                 "--lang", "de", check=0)
    assert f"Dokument {d['id']} (Bauantrag) angenommen und exportiert" in p.stdout
    exp = wd / "export" / "folder" / d["id"]
    meta = json.loads((exp / f"{d['id']}.json").read_text())
    assert meta["doctype"] == "bauantrag" and meta["confidence"] == 1.0
    assert meta["classification"]["method"] == "manual"
    assert meta["fields"]["gemarkung"]["value"] == "Wiesenau" and meta["fields"]["gemarkung"]["method"] == "manual"
    assert any(h["stage"] == "review" for h in meta["history"])
    assert json.loads(run_ekte("review", "list", "-w", wd, "--json", check=0).stdout) == []
    p = run_ekte("review", "accept", d["id"], "-w", wd, "--lang", "en")
    assert p.returncode == 2 and "not waiting for review" in p.stderr
    # the archive was rewritten with the new type, still valid PDF/A
    import pikepdf.pdfa

    a = Path(meta["archival"]["file"])
    assert pikepdf.pdfa.validate_written(wd / "archive" / d["id"][:2] / d["id"] / "document.pdf", "2b").passed
    # a re-run: duplicate, nothing new
    out = ingest_json(inbox, "-w", wd, check=0)
    assert out["documents"][0]["status"] == "duplicate"


def test_aktenzeichen_assigned_from_profile(tmp_path, born_digital):
    src, truth = born_digital
    without = [f for f in sorted(src.glob("*.pdf")) if "aktenzeichen" not in truth[f.stem]["fields"]][:2]
    assert without, "the generator makes some documents without an Aktenzeichen"
    inbox = tmp_path / "in"
    inbox.mkdir()
    for f in without:
        shutil.copy(f, inbox / f.name)
    out = ingest_json(inbox, "-w", tmp_path / "wd", "-p", "stadt", check=0)
    prof = load_profile("stadt")
    import re

    for d in out["documents"]:
        plan = prof.doctypes[d["doctype"]].aktenplan
        assert re.fullmatch(rf"STB-{re.escape(plan)}/\d{{4}}-\d{{4}}", d["fields"]["aktenzeichen"]), d["fields"]
        meta = json.loads((Path(d["archive"]) / "metadata.json").read_text())
        assert meta["fields"]["aktenzeichen"]["method"] == "assigned"
        # the stadt profile exports below the working directory
        assert Path(d["exports"]["folder"]).parent == tmp_path / "wd" / "dms-eingang"
    assert len({d["fields"]["aktenzeichen"] for d in out["documents"]}) == len(without)


@pytest.mark.slow  # in CI (make test-slow), not in make test
def test_train_and_use_model(tmp_path):
    import generate

    train_dir = tmp_path / "train"
    gen = tmp_path / "gen"
    t = generate.generate(gen, per_type=6, formats=["pdf"], seed=51, doctypes=generate.ALL_TYPES)
    for k, rec in t.items():
        (train_dir / rec["type"]).mkdir(parents=True, exist_ok=True)
        if len(list((train_dir / rec["type"]).iterdir())) % 2:
            (train_dir / rec["type"] / f"{k}.txt").write_text(rec["text"])  # text files ...
        else:
            shutil.copy(gen / rec["file"], train_dir / rec["type"] / rec["file"])  # ... and PDFs
    wd = tmp_path / "wd"
    wd.mkdir()  # train makes no working directory
    p = run_ekte("train", train_dir, "-w", wd, check=0)
    model = wd / "models" / "landkreis.classifier.joblib"
    assert model.is_file(), p.stdout
    meta = json.loads(model.with_suffix(".json").read_text())
    assert meta["documents"] == 54 and set(meta["classes"]) == set(generate.ALL_TYPES) and meta["sklearn"]
    # held-out documents: the model and the rules together
    test_dir = tmp_path / "test"
    generate.generate(test_dir, per_type=2, formats=["pdf"], seed=52, doctypes=generate.ALL_TYPES)
    r = json.loads(run_ekte("eval", test_dir, "--truth", str(test_dir) + ".truth.json", "-w", wd, "--json", check=0).stdout)
    assert r["accuracy"] >= 0.98 and r["wrong_above_threshold"] == []
    c = json.loads(run_ekte("classify", "--json", "-w", wd, next(test_dir.glob("tierhaltung-*.pdf"))).stdout)
    assert c["documents"][0]["doctype"] == "tierhaltung"
    # the model only: it must stand on its own too
    r2 = json.loads(run_ekte("eval", test_dir, "--truth", str(test_dir) + ".truth.json", "-w", wd, "--json",
                             "-o", "classify.model_weight=1.0", check=0).stdout)
    assert r2["accuracy"] >= 0.95


def test_catch_all_only_on_evidence_of_its_own(profile):
    """sonstiges is archived without review only on its own keywords, never
    as the leftover of weak scores."""
    th = profile.classify.threshold
    nothing = classify(_doc("Sehr geehrte Damen und Herren, anbei sende ich Ihnen die gewünschten Unterlagen. "
                            "Mit freundlichen Grüßen " * 4), profile, [RulesClassifier()])
    assert nothing.doctype == "sonstiges" and nothing.confidence < th / 2
    # an application titled in words the rules do not know: still not confidently "sonstiges"
    odd = classify(_doc("Gesuch um Bewilligung für die Haltung von zwei Alpakas auf meinem Grundstück. "
                        "Ich bitte um wohlwollende Prüfung meines Gesuchs."), profile, [RulesClassifier()])
    assert not (odd.doctype == "sonstiges" and odd.confidence >= th)
    complaint = classify(_doc("Beschwerde über Lärm\nHiermit lege ich Beschwerde ein: seit Wochen Lärm in der Nacht. "
                              "Ich bitte um Rückruf."), profile, [RulesClassifier()])
    assert complaint.doctype == "sonstiges" and complaint.confidence >= th


def test_classify_json_says_classified_and_nothing_about_an_archival_copy(tmp_path):
    """``ekte classify`` archives nothing: its JSON says ``classified`` (or
    ``review``), never ``archived``, and no PDF/A warning of a copy it never made."""
    sample = Path(__file__).resolve().parents[1] / "samples" / "inbox" / "bauantrag-002-pdf.pdf"
    p = run_ekte("classify", "--json", sample, "-w", tmp_path / "wd", "-o", "classify.threshold=0",
                 "-o", "extract.auto_threshold=0", check=0)
    (d,) = json.loads(p.stdout)["documents"]
    assert d["status"] == "classified" and d["doctype"] == "bauantrag"
    assert not [w for w in d["warnings"] if "archival copy" in w or "PDF/A" in w]
    assert not (tmp_path / "wd").exists()
