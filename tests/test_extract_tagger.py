"""The learned token tagger as a fallback for fields the rules leave empty (issue 10 item 2,
``extract.tagger``; ekte/stages/extract/tagger.py): the shipped model fills them, never sure, and
never replaces a value the rules found; ``ekte train DIR --truth`` trains a working directory's own.
Values invented."""

from pathlib import Path

import pytest

from ekte.learn import _tagger_model
from ekte.model import Classification, Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.extract.tagger import SHIPPED_TAGGER, doc_tokens, labels


def _doc(text: str, doctype: str) -> Document:
    d = Document(sha256="c" * 64, source="x", size=1, media_type="application/pdf", received="2026-09-01T10:00:00+01:00")
    d.page_texts = [text]
    d.classification = Classification(doctype, 0.9)
    return d


def _fields(text: str, doctype: str, tagger: bool, workdir: Path | None = None) -> dict:
    prof = load_profile(overrides=[f"extract.tagger={'true' if tagger else 'false'}"])
    le = ex.LabelExtractor()
    if workdir is not None:
        le.configure(prof, workdir)
    got = ex.extract(_doc(text, doctype), prof, [le])
    return {k: v for k, v in got.items() if v.method != "intake"}


# the address after "Wohnhaft:" on two lines: no rule reads it
WOHNHAFT = ("Antrag auf Erteilung einer Waffenbesitzkarte\n\nAngaben zur antragstellenden Person\nFamilienname: Weber\n"
            "Vorname: Jana\nGeburtstag: 12.03.1980\nWohnhaft: Lindenweg 4\n12345 Musterstadt\n\nMusterstadt, 03.02.2026\n")
# captions under the values, columns apart: neither names nor address found by the rules
CAPTIONS = ("Antrag auf Erteilung einer Waffenbesitzkarte\n\n1. Antragsteller\n"
            "Weber                Jana                 12.03.1980\n(Name)                (Vorname)            (geb. am)\n"
            "Lindenweg 4           12345 Musterstadt\n(Straße)              (PLZ, Wohnort)\n")


def test_shipped_model_is_there():
    assert SHIPPED_TAGGER.is_file() and SHIPPED_TAGGER.stat().st_size > 10_000


def test_tagger_fills_only_the_fields_the_rules_leave_empty():
    off, on = _fields(WOHNHAFT, "waffen_antrag", False), _fields(WOHNHAFT, "waffen_antrag", True)
    assert not {"strasse", "plz", "ort"} & set(off)
    assert {k: on[k].value for k in ("strasse", "plz", "ort")} == {
        "strasse": "Lindenweg 4", "plz": "12345", "ort": "Musterstadt"}
    assert all(on[k].method == "model" and on[k].page == 1 and on[k].span for k in ("strasse", "plz", "ort"))
    for k, f in off.items():  # the rules' values as they were
        assert (on[k].value, on[k].confidence, on[k].method) == (f.value, f.confidence, f.method)


def test_tagger_values_are_never_sure():
    prof = load_profile()
    on = _fields(CAPTIONS, "waffen_antrag", True)
    tagged = [f for f in on.values() if f.method == "model"]
    assert tagged and all(f.confidence < prof.extract.auto_threshold for f in tagged)
    assert "strasse" not in _fields(CAPTIONS, "waffen_antrag", False)


def test_ekte_train_fits_the_working_directorys_tagger(tmp_path):
    prof = load_profile(overrides=["extract.tagger=true"])
    text = "Meldung\n\nKennung des Halters: Brandt\nGerufen: Ole\nWohnung: Birkenweg 2\n"
    labelled = [(_doc(text.replace("Brandt", n).replace("Ole", v), "tierhaltung"), {"nachname": n, "vorname": v})
                for n, v in (("Brandt", "Ole"), ("Sommer", "Ida"), ("Kruse", "Finn"), ("Adler", "Mia"))]
    toks = doc_tokens(labelled[0][0], prof)[0]
    assert [t[0].text for t, lab in zip(toks, labels(toks, labelled[0][1])) if lab != "O"] == ["Brandt", "Ole"]
    meta = _tagger_model(labelled, prof, tmp_path)
    assert meta is not None and Path(meta["path"]) == tmp_path / "models" / f"{prof.name}.tagger.crfsuite"
    got = _fields(text.replace("Brandt", "Hoffmann"), "tierhaltung", True, tmp_path)
    assert got["nachname"].value == "Hoffmann" and got["nachname"].method == "model"


def test_no_truth_on_the_pages_trains_no_tagger(tmp_path):
    prof = load_profile(overrides=["extract.tagger=true"])
    assert _tagger_model([(_doc("Meldung\n\nText ohne Werte\n", "tierhaltung"), {"nachname": "Brandt"})],
                         prof, tmp_path) is None
    assert not (tmp_path / "models").exists()


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_ekte_train_with_the_setting_saves_the_tagger(tmp_path):
    """ekte train DIR --truth -o extract.tagger=true: the working directory's tagger beside the field model."""
    import generate
    from helpers import run_ekte

    tr, wd = tmp_path / "train", tmp_path / "wd"
    generate.generate(tr, per_type=1, formats=["pdf"], seed=83, doctypes=generate.ALL_TYPES)
    wd.mkdir()  # train makes no working directory
    p = run_ekte("train", tr, "--truth", str(tr) + ".truth.json", "-w", wd, "-o", "extract.tagger=true", check=0)
    assert "token tagger saved to" in p.stdout
    assert (wd / "models" / "landkreis.tagger.crfsuite").stat().st_size > 1000
    off = run_ekte("train", tr, "--truth", str(tr) + ".truth.json", "-w", tmp_path / "wd", "--force",
                   "-o", "extract.tagger=false", check=0)
    assert "token tagger" not in off.stdout


def test_the_tagger_never_takes_a_value_the_rules_gave_someone_else():
    """"Ich, <carer>, …, handelnd als Betreuer für <person>": the rules leave the person's family name empty
    rather than take the carer's; the tagger, which knows no roles, took the carer's (found with the setting
    on in tests/test_extract_family6forms.py) — a value the rules rank as another person's is barred."""
    from test_extract_family6forms import CARER, _page

    text, words = _page(CARER)
    prof = load_profile(overrides=["extract.tagger=true"])
    d = _doc(text, "eingliederungshilfe")
    d.extra["page_words"] = [[tuple(w) for w in words]]
    got = ex.extract(d, prof, [ex.LabelExtractor()])
    assert got["vorname"].value == "Sven" and got["geburtsdatum"].value == "22.02.1984"
    assert "nachname" not in got or got["nachname"].value != "Kowalczyk"


def test_the_tagger_fills_no_field_whose_absence_the_pipeline_acts_on(tmp_path):
    """A document without an Aktenzeichen gets one from the profile's numbering; the tagger read one out of filler
    text ("Absatz0598 Absatz0599", as tests/test_hostile_env.py's pages) and so stopped it.  It gives no
    Aktenzeichen (the rules take one only under a label that means the county's own), and no received date (none:
    the intake date) — even with the document's type asking them."""
    from hostile_corpus import text_pdf

    from ekte.stages.layout import page_words
    from ekte.stages.ocr import page_texts

    filler = "Begründung: " + " ".join(f"Absatz{i:04d}" for i in range(600))
    pdf = text_pdf(tmp_path / "a.pdf", f"Antrag auf Baugenehmigung Nr 3\nBauantrag Gemarkung Musterdorf Flur 3\n{filler}")
    d = _doc("", "bauantrag")
    d.page_texts, d.extra["page_words"] = page_texts(pdf), page_words(pdf)
    got = ex.extract(d, load_profile(overrides=["extract.tagger=true"]), [ex.LabelExtractor()])
    assert "aktenzeichen" not in got and got["eingangsdatum"].method == "intake"
    # the tagger itself reads both (asked with no rules' values): it gives neither, even a type asking them
    from ekte.stages.extract.tagger import Tagger, fallback

    prof = load_profile(overrides=['doctypes.waffen_antrag.fields=["nachname","strasse","eingangsdatum","aktenzeichen"]'])
    text = WOHNHAFT.replace("Musterstadt, 03.02.2026", "Eingang 03.02.2026\nAktenzeichen: 32.1-4711/2026")
    got = fallback(_doc(text, "waffen_antrag"), prof, Tagger(SHIPPED_TAGGER), set())
    assert got["strasse"].value == "Lindenweg 4" and not {"eingangsdatum", "aktenzeichen"} & set(got)


def test_the_place_of_a_signature_line_is_no_address_to_learn():
    """A letter signed at home names the Ort twice: the address's is labelled, the signature line's place
    ("Musterstadt, 03.02.2026", "…, den 3. Februar 2026") is not — learnt, it took the Ort from signature lines
    (branch tag41-model); its row carries the feature ``pdate=True``, the address's ``pdate=False``."""
    prof = load_profile()
    for sig in ("Musterstadt, 03.02.2026", "Musterstadt, den 3. Februar 2026"):
        toks = doc_tokens(_doc(WOHNHAFT.replace("Musterstadt, 03.02.2026", sig), "waffen_antrag"), prof)[0]
        labs = labels(toks, {"ort": "Musterstadt", "plz": "12345", "antragsdatum": "2026-02-03"})
        got = [(t[0].text, t[2], lab) for t, lab in zip(toks, labs) if lab != "O"]
        address_row = next(r for w, _f, r in toks if w.text == "12345")
        assert [(w, lab) for w, r, lab in got if r == address_row] == [("12345", "B-plz"), ("Musterstadt", "B-ort")]
        assert not [lab for w, r, lab in got if w.startswith("Musterstadt") and r != address_row]
        assert [("pdate=True" in f) for w, f, r in toks if w.text.startswith("Musterstadt")] == [False, True]
