"""The token tagger learns from the review queue (issue 10 item 2; ekte/stages/extract/tagger_train.py):
``ekte train --from-reviews`` fits it on ekte's base data plus the documents clerks accepted (every field of
their type as accepted is the truth), guarded by the check part of the base data as the field model is, the
replaced one kept for ``ekte train --restore``; the model keeps no value of a reviewed document.  Values invented."""

import json
import os
import stat
from pathlib import Path

import pytest

from helpers import ingest_json, run_ekte
from ekte.model import Classification, Document, Field
from ekte.profile import load_profile
from ekte.stages.extract import tagger as tg
from ekte.stages.extract import tagger_train as tt

PEOPLE = [("Brandt", "Ole"), ("Sommer", "Ida"), ("Kruse", "Finn"), ("Adler", "Mia"), ("Hoffmann", "Lene")]


def _text_doc(name: str, first: str, fields: dict[str, tuple[str, str]]) -> Document:
    d = Document(sha256="d" * 64, source="x", size=1, media_type="application/pdf", received="2026-09-01T10:00:00+01:00")
    d.page_texts = [f"Meldung zur Tierhaltung\n\nKennung des Halters: {name}\nGerufen: {first}\nWohnung: Birkenweg 2\n"]
    d.classification = Classification("tierhaltung", 0.9)
    d.fields = {k: Field(v, 1.0, 1, None, m) for k, (v, m) in fields.items()}
    return d


def _reviewed() -> list[Document]:
    return [_text_doc(n, v, {"nachname": (n, "manual"), "vorname": (v, "label"), "strasse": ("Birkenweg 2", "label"),
                             "eingangsdatum": ("01.09.2026", "intake"),
                             "aktenzeichen": ("39.1-00001/2026", "assigned")}) for n, v in PEOPLE[:4]]


def test_the_truth_is_every_field_of_the_type_as_the_clerk_accepted_it():
    """A value the clerk typed or left as it was is the truth, one that stands on no page (the intake date, an
    assigned Aktenzeichen) and a field of another type are not; the tokens are labelled with it."""
    prof = load_profile(overrides=['doctypes.tierhaltung.fields=["nachname","vorname","eingangsdatum","aktenzeichen"]'])
    d = _reviewed()[0]
    d.fields["iban"] = Field("DE02120300000000202051", 0.5, 1, None, "pattern")
    assert tt.review_truth(d, prof) == {"nachname": "Brandt", "vorname": "Ole"}
    ((_x, y),) = tg.sequences(d, prof, tt.review_truth(d, prof))
    words = [t[0].text for t in tg.doc_tokens(d, prof)[0]]
    assert sorted((w, lab) for w, lab in zip(words, y) if lab != "O") == [("Brandt", "B-nachname"), ("Ole", "B-vorname")]


def test_a_reviewed_document_adds_no_value_and_no_word_of_its_own():
    """Attributes the base data lacks are kept only when they stand in at least 3 reviewed documents and name no
    word of a field value: the form's wording ("Gerufen:") stays, names and addresses go."""
    prof = load_profile()
    _train, _check, base = tt.base_data()
    docs = _reviewed()
    per_doc = [tg.sequences(d, prof, tt.review_truth(d, prof)) for d in docs]
    got = {a for x, _y in tt.public(per_doc, base, docs) for tok in x for a in tok}
    raw = {a for seqs in per_doc for x, _y in seqs for tok in x for a in tok}
    assert "w=gerufen:" in raw - base and "w=gerufen:" in got  # the form's own label, in every document
    for n, v in PEOPLE[:4]:
        named = {a for a in raw - base if a.partition("=")[2] in (n.casefold(), v.casefold())}
        assert named and not named & got, (n, named & got)  # (a name the generated base data has is not theirs)
    assert not {a for a in got - base if a.partition("=")[2] == "birkenweg"}  # a value's word (the address)
    # one document alone: none of its own attributes is kept
    one = {a for x, _y in tt.public(per_doc[:1], base, docs[:1]) for tok in x for a in tok}
    assert one <= base and one


def test_the_check_counts_right_and_wrong_values():
    _train, check, _base = tt.base_data()
    shipped = tt.check_score(tg.Tagger(tg.SHIPPED_TAGGER), check)
    assert tt.check_score(None, check) == {"fields": shipped["fields"], "right": 0, "wrong": 0, "score": 0,
                                           "docs": [0] * len(check)}
    assert shipped["fields"] > 200 and shipped["right"] > 4 * shipped["wrong"] > 0, shipped
    assert sum(shipped["docs"]) == shipped["score"] and len(shipped["docs"]) == len(check)
    # a check without the per-document counts (a tagger saved before them): the 1 % rule alone
    assert not tt.worse({"fields": 246, "new": 133, "current": 135}) and tt.worse({"fields": 246, "new": 132,
                                                                                     "current": 135})


def test_the_guard_refuses_only_a_tagger_worse_beyond_the_noise_of_retraining():
    """The old guard refused any drop of more than 1 % of the check fields; a retraining on the same data moves
    the score by about that much either way (tagrev40: ±4 of 135), so it refused useful taggers.  Now a drop of
    1–5 % is refused only when the new tagger is worse on significantly more check documents than it is better
    on (one-sided sign test, p < 0.05); more than 5 % always; 1 % or less never."""
    noise = {"fields": 246, "new": 131, "current": 135, "worse_docs": 4, "better_docs": 3}
    assert not tt.worse(noise)  # the old guard refused this one: 131 < 135 - 2
    assert tt.worse(dict(noise, worse_docs=7, better_docs=0))  # the same drop, every changed document worse
    assert tt.worse(dict(noise, new=135 - 13))  # more than 5 % of the fields: refused, whatever the documents
    assert not tt.worse(dict(noise, new=133, worse_docs=9, better_docs=0))  # within 1 %: taken
    assert tt.sign_p(0, 0) == 1.0 and tt.sign_p(5, 0) == 1 / 32 and tt.sign_p(4, 3) == 0.5
    new, cur = {"fields": 10, "score": 3, "docs": [2, 0, 1, 0]}, {"fields": 10, "score": 4, "docs": [1, 1, 1, 1]}
    assert tt.compare(new, cur) == {"fields": 10, "new": 3, "current": 4, "worse_docs": 2, "better_docs": 1}
    line = tt.refusal({"check": dict(noise, worse_docs=7, better_docs=0)})
    assert "worse on 7 of its documents, better on 0" in line and "--force" in line and "\n" not in line


def test_a_worse_tagger_needs_force_and_restore_brings_the_previous_back(tmp_path):
    """Trained on the reviews alone (no base data) the tagger tags the check set far worse than the shipped one:
    not saved (one line says why) unless forced; a second training keeps the first as previous (0600) and
    `ekte train --restore` makes it the one in use again."""
    prof = load_profile()
    wd = tmp_path / "wd"
    wd.mkdir()
    model, previous = wd / "models" / "landkreis.tagger.crfsuite", wd / "models" / "landkreis.tagger.previous.crfsuite"
    seqs = tt.reviewed_sequences(_reviewed(), prof, tt.base_data()[2])
    meta = tt.save(seqs, prof, wd, {"reviews": 4}, guard=True)
    c = meta["check"]
    assert meta["refused"] and tt.worse(c) and c["worse_docs"] > 5 * c["better_docs"], meta
    assert c["current"] == tt.check_score(tg.Tagger(tg.SHIPPED_TAGGER), tt.base_data()[1])["score"]
    line = tt.refusal(meta)
    assert line.startswith("the token tagger was not saved: it tags the check set worse") and "\n" not in line
    assert "--force" in line and not model.exists()
    forced = tt.save(seqs, prof, wd, {"reviews": 4}, guard=True, force=True)
    assert forced["forced"] and json.loads(model.with_suffix(".json").read_text())["forced"] and not previous.exists()
    first = model.read_bytes()
    assert stat.S_IMODE(os.stat(model).st_mode) == 0o600
    tt.save(seqs[:2], prof, wd, {"reviews": 2}, guard=True, force=True)
    assert previous.read_bytes() == first and model.read_bytes() != first
    assert stat.S_IMODE(os.stat(previous).st_mode) == 0o600
    r = json.loads(run_ekte("train", "--restore", "-w", wd, "--json", check=0).stdout)
    assert r["restored"] == ["tagger"] and r["tagger"]["previous"] == str(previous), r
    assert model.read_bytes() == first and json.loads(model.with_suffix(".json").read_text())["reviews"] == 4
    p = run_ekte("train", "--restore", "-w", wd, env={"COLUMNS": "400"}, check=0)  # a second restore undoes it
    assert f"the token tagger {model}" in p.stdout and model.read_bytes() != first and previous.read_bytes() == first


@pytest.mark.slow
def test_the_shipped_tagger_is_the_base_datas():
    """``ekte train --from-reviews`` trains on the base data as the shipped model was: the same bytes."""
    assert tt.fit(tt.base_data()[0]) == tg.SHIPPED_TAGGER.read_bytes()


def _letter(path: Path, body: list[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    for line in body:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def _caption_form(path: Path, name: str, first: str) -> None:
    """A layout ekte has not seen: the name above its caption, no label before it."""
    _letter(path, ["Landkreis Musterland", "Antrag auf Erteilung einer Waffenbesitzkarte nach dem Waffengesetz",
                   "Die Sachkunde habe ich nachgewiesen; Waffe und Munition werden sicher aufbewahrt.",
                   "Personalien des Inhabers", f"{first} {name}", "(Ruf- und Zuname)", "Musterstadt, den 02.03.2026"])


def _fields(wd: Path, pdf: Path) -> dict:
    c = json.loads(run_ekte("classify", "--json", "-w", wd, pdf, check=None).stdout)["documents"][0]
    return c["fields"]


@pytest.mark.slow  # ingest, eight review calls and a training with ekte's base data: about a minute and a half
def test_clerks_corrections_teach_the_tagger_a_new_layout(tmp_path):
    """Documents of a layout neither the rules nor the shipped tagger read go to review; a clerk types the names
    (`ekte review correct`, then accept); `ekte train --from-reviews` fits the tagger with them, and a new
    document of that layout gets its names (unsure: still for review) — which it did not before."""
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir()
    for i, (n, v) in enumerate(PEOPLE[:4]):
        _caption_form(inbox / f"antrag{i}.pdf", n, v)
    probe = tmp_path / "probe.pdf"
    _caption_form(probe, *PEOPLE[4])
    docs = ingest_json(inbox, "-w", wd, check=1)["documents"]
    assert len(docs) == 4 and all(d["status"] == "review" and "nachname" not in d["fields"] for d in docs), docs
    assert not {"vorname", "nachname"} & set(_fields(wd, probe))  # before: neither the rules nor the tagger
    for d in docs:
        n, v = PEOPLE[int(Path(d["source"]).stem[-1])]
        run_ekte("review", "correct", d["id"], "-w", wd, "--set", f"nachname={n}", "--set", f"vorname={v}", check=0)
        run_ekte("review", "accept", d["id"], "-w", wd, "--doctype", "waffen_antrag", check=0)
    p = run_ekte("train", "--from-reviews", "-w", wd, env={"COLUMNS": "400"}, check=0)
    model = wd / "models" / "landkreis.tagger.crfsuite"
    assert f"token tagger saved to {model} (0 labelled documents, 4 reviews, " in " ".join(p.stdout.split()), p.stdout
    meta = json.loads(model.with_suffix(".json").read_text())
    assert meta["base"] and meta["reviews"] == 4 and not tt.worse(meta["check"]), meta
    after = _fields(wd, probe)
    assert (after["nachname"]["value"], after["vorname"]["value"]) == ("Hoffmann", "Lene"), after
    assert after["nachname"]["method"] == "model" and after["nachname"]["confidence"] < 0.9
    # the model file keeps no value of the reviewed documents
    import pycrfsuite

    t = pycrfsuite.Tagger()
    t.open(str(model))
    own = {a for a, _lab in t.info().state_features} - tt.base_data()[2]
    values = {x.casefold() for pair in PEOPLE[:4] for x in pair}
    assert own and not {a for a in own if a.partition("=")[2] in values}, own  # (its own: the form's words)


def test_an_unreadable_base_data_file_is_one_line_not_a_traceback(tmp_path):
    from ekte.errors import ConfigError

    (tmp_path / "base.json.xz").write_bytes(b"not lzma")
    with pytest.raises(ConfigError, match="base data for the token tagger cannot be read.*extract.tagger=false"):
        tt.base_data(tmp_path / "base.json.xz")


def test_no_digit_and_nothing_of_one_person_reaches_the_model_from_reviews():
    """review40 R2: a value written on the page otherwise than it is stored (a date "1.12.1980" for 01.12.1980,
    an IBAN in groups) passed the value check, and three documents of ONE person passed the count — a birth date
    stood in the model.  Now nothing with a digit is taken from reviews, and the count is of persons."""
    prof = load_profile()
    _train, _check, base = tt.base_data()

    def doc(i: int, name: str) -> Document:
        d = Document(sha256=str(i) * 64, source="x", size=1, media_type="application/pdf",
                     received="2026-09-01T10:00:00+01:00")
        d.page_texts = [f"Antrag Nummer {i}\n\nName: {name}\nGeboren am: 1.12.1980\nIBAN: DE02 1203 0000 0000 2020 51\n"
                        "Kennwort: Zaunkoenigweg\n"]
        d.classification = Classification("tierhaltung", 0.9)
        d.fields = {"nachname": Field(name, 1.0, 1, None, "manual"), "geburtsdatum": Field("01.12.1980", 1.0, 1, None, "label"),
                    "iban": Field("DE02120300000000202051", 1.0, 1, None, "label")}
        return d

    one = [doc(i, "Zehetmair-Kern") for i in range(3)]  # an application and two follow-ups of one person
    per = [tg.sequences(d, prof, tt.review_truth(d, prof)) for d in one]
    raw = {a for seqs in per for x, _y in seqs for tok in x for a in tok} - base
    assert "w=1.12.1980" in raw and "w=zaunkoenigweg" in raw
    assert not ({a for x, _y in tt.public(per, base, one) for tok in x for a in tok} - base)
    three = [doc(i, n) for i, n in enumerate(("Zehetmair-Kern", "Obermaier", "Quandt"))]  # three persons
    per = [tg.sequences(d, prof, tt.review_truth(d, prof)) for d in three]
    got = {a for x, _y in tt.public(per, base, three) for tok in x for a in tok} - base
    assert "w=zaunkoenigweg" in got  # a word all three share and no value names: the form's
    assert not {a for a in got if any(c.isdigit() for c in a.partition("=")[2])}, got
