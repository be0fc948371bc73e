"""Extraction: validators and repair, labels (also garbled by OCR),
running text, AcroForm values."""

import pikepdf
import pytest

from ekte.model import Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.intake import read_form_fields


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def _doc(text: str, form=None) -> Document:
    d = Document(sha256="a" * 64, source="x", size=1, media_type="application/pdf", received="2026-03-01T10:00:00+01:00")
    d.page_texts = [text]
    if form:
        d.extra["form_fields"] = form
    return d


def run(text, profile, form=None):
    return ex.extract(_doc(text, form), profile, [ex.FormExtractor(), ex.LabelExtractor()])


def test_dates():
    assert ex.parse_date("02.02.2025") == "02.02.2025"
    assert ex.parse_date("am 2. Februar 2025") == "02.02.2025"
    assert ex.parse_date("2.3.25") == "02.03.2025"
    assert ex.parse_date("31.02.2025") is None  # not a real date
    v, repaired, *_ = ex.parse_date_ex("O2.l1.2O25")
    assert v == "02.11.2025" and repaired


def test_iban_checksum_and_repair():
    good = "DE89370400440532013000"
    assert ex.v_iban("DE89 3704 0044 0532 0130 00").value == good
    p = ex.v_iban("DE89 37O4 0044 O532 Ol30 00")  # OCR: O for 0, l for 1
    assert p.value == good and p.repaired and p.ok
    bad = ex.v_iban("DE12 3704 0044 0532 0130 00")  # wrong check digits
    assert bad.ok is False and bad.value == "DE12370400440532013000"


def test_fin_plate_plz():
    p = ex.v_fin("WVWZZZ1JZOW386752")  # O is not in the FIN alphabet
    assert p.value == "WVWZZZ1JZ0W386752" and p.repaired and p.ok
    assert ex.v_fin("WVWZZZ1JZ0W3867").ok is False  # too short
    assert ex.v_kennzeichen("MU-AB 1234").value == "MU-AB 1234"
    p = ex.v_kennzeichen("M-X 5O7")
    assert p.value == "M-X 507" and p.repaired
    assert ex.v_kennzeichen("MU-AB 0123").ok is False  # no leading zero on plates
    p = ex.v_plz("8O1O3 Talheim")
    assert p.value == "80103" and p.repaired


def test_labels_exact_fuzzy_and_pseudo(profile):
    text = "\n".join([
        "Aktenzeichen: 63-BA-2025/0412",
        "Farnilienname: Müller",          # OCR: rn for m
        "Vornarne Jürgen",
        "Geburtsdatum 24.03.1972",
        "Straße, Hausnummer: Lindenweg 12a",
        "PLZ/Ort: 01234 Musterhausen",
        "IBAN: DE89 3704 0044 0532 0130 00",
        "Gemarkung: Talheim-Nord",
        "Flur: 7",
        "Flurstück: 195/6",
        "Talheim, den 2. Februar 2025",
    ])
    f = run(text, profile)
    vals = {k: v.value for k, v in f.items()}
    assert vals["aktenzeichen"] == "63-BA-2025/0412"
    assert vals["nachname"] == "Müller" and vals["vorname"] == "Jürgen"
    assert f["nachname"].confidence < f["aktenzeichen"].confidence  # fuzzy label: less sure
    assert vals["geburtsdatum"] == "24.03.1972"
    assert vals["strasse"] == "Lindenweg 12a"
    assert (vals["plz"], vals["ort"]) == ("01234", "Musterhausen")
    assert vals["iban"] == "DE89370400440532013000"
    assert (vals["gemarkung"], vals["flur"], vals["flurstueck"]) == ("Talheim-Nord", "7", "195/6")
    assert vals["antragsdatum"] == "02.02.2025"
    assert f["eingangsdatum"].method == "intake" and vals["eingangsdatum"] == "01.03.2026"
    # where it was found
    page_text = text
    s, e = f["strasse"].span
    assert page_text[s:e].strip() == "Lindenweg 12a" and f["strasse"].page == 1


def test_name_forms(profile):
    assert {k: v.value for k, v in run("Name, Vorname: Weber, Anna", profile).items() if k in ("vorname", "nachname")} == \
        {"vorname": "Anna", "nachname": "Weber"}
    assert {k: v.value for k, v in run("Antragsteller(in): Anna Maria Weber", profile).items() if k in ("vorname", "nachname")} == \
        {"vorname": "Anna Maria", "nachname": "Weber"}


def test_running_text_and_stamp(profile):
    text = ("Eingegangen am 05.02.2026\nSehr geehrte Damen und Herren,\nich, Paul Lange, geboren am 01.02.1980, wohnhaft in "
            "Eichenallee 85, 55494 Oberfeld, beantrage ...\nKennzeichen: BSP-X 12")
    vals = {k: v.value for k, v in run(text, profile).items()}
    assert vals["eingangsdatum"] == "05.02.2026"
    assert (vals["vorname"], vals["nachname"], vals["geburtsdatum"]) == ("Paul", "Lange", "01.02.1980")
    assert (vals["strasse"], vals["plz"], vals["ort"]) == ("Eichenallee 85", "55494", "Oberfeld")
    assert vals["kennzeichen"] == "BSP-X 12"


def test_invalid_value_kept_with_low_confidence(profile):
    f = run("IBAN: DE12 3704 0044 0532 0130 00\nGeburtsdatum: 31.02.1980", profile)
    assert f["iban"].confidence <= 0.3 and f["iban"].value == "DE12370400440532013000"
    assert f["geburtsdatum"].confidence <= 0.3


def _fillable_pdf(path, values: dict[str, str]):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    fields = []
    for i, (name, value) in enumerate(values.items()):
        w = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx,
            T=pikepdf.String(name), V=pikepdf.String(value), Rect=[100, 700 - 30 * i, 400, 720 - 30 * i],
            P=page.obj, F=4))
        fields.append(w)
    page.obj.Annots = pdf.make_indirect(pikepdf.Array(fields))
    pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(fields), NeedAppearances=True))
    pdf.save(path)


def test_acroform_values_win(tmp_path, profile):
    p = tmp_path / "form.pdf"
    _fillable_pdf(p, {"Familienname": "Schäfer", "Vorname": "Özlem", "IBAN": "DE89 3704 0044 0532 0130 00",
                      "antrag.geburtsdatum": "7.3.1990", "Unbekannt": "x"})
    form = read_form_fields(p)
    assert form["Familienname"] == "Schäfer" and form["antrag.geburtsdatum"] == "7.3.1990"
    # the page text says something else (an OCR guess): the form wins
    f = run("Familienname: Schafer", profile, form)
    assert f["nachname"].value == "Schäfer" and f["nachname"].method == "form"
    assert f["vorname"].value == "Özlem" and f["iban"].value == "DE89370400440532013000"
    assert f["geburtsdatum"].value == "07.03.1990"


def test_classify_command_reads_form_fields(tmp_path):
    import json

    from helpers import run_ekte

    p = tmp_path / "form.pdf"
    _fillable_pdf(p, {"Familienname": "Schäfer", "Vorname": "Özlem", "Gemarkung": "Wiesenau"})
    # give the page some text so that it counts as born digital
    with pikepdf.open(p, allow_overwriting_input=True) as pdf:
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        pdf.pages[0].obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        pdf.pages[0].obj.Contents = pdf.make_stream(b"BT /F1 14 Tf 50 780 Td (Bauantrag - Antrag auf Baugenehmigung) Tj ET")
        pdf.save(p)
    out = run_ekte("classify", "--json", p)
    d = json.loads(out.stdout)["documents"][0]
    assert d["doctype"] == "bauantrag"
    assert d["fields"]["nachname"] == {**d["fields"]["nachname"], "value": "Schäfer", "method": "form"}
    assert d["fields"]["gemarkung"]["value"] == "Wiesenau"


# -- issue 10: the patterns that went wrong on unseen layouts (values invented) -----------------

def vals(text, profile, doctype=None):
    d = _doc(text)
    if doctype:
        from ekte.model import Classification

        d.classification = Classification(doctype, 0.9)
    return {k: v.value for k, v in ex.extract(d, profile, [ex.LabelExtractor()]).items() if v.method != "intake"}


@pytest.mark.parametrize("text,want", [
    ("Vorname(n): Ute\nFamilienname: Brandt", {"vorname": "Ute", "nachname": "Brandt"}),
    ("Straße / Nr.: Ringweg 5\nPLZ / Ort: 12345 Musterstadt", {"strasse": "Ringweg 5", "plz": "12345", "ort": "Musterstadt"}),
    ("Name, Vorname: Weber, Jana", {"nachname": "Weber", "vorname": "Jana"}),
    ("Familienname, Vorname(n): Ost, Karl Heinz", {"nachname": "Ost", "vorname": "Karl Heinz"}),
    ("Familienname   Weber          Vornamen   Jana", {"nachname": "Weber", "vorname": "Jana"}),
    ("Familienname: Weber Vornamen: Jana", {"nachname": "Weber", "vorname": "Jana"}),
    ("Anschrift: Lindenweg 4a, 12345 Musterstadt", {"strasse": "Lindenweg 4a", "plz": "12345", "ort": "Musterstadt"}),
    ("Wohnanschrift: Am Hang 12 - 3, 01234 Neudorf am See", {"strasse": "Am Hang 12-3", "plz": "01234", "ort": "Neudorf am See"}),
    ("Vor- und Nachname: Dr. Eva Maria Lenz", {"vorname": "Eva Maria", "nachname": "Lenz"}),
])
def test_label_variants_take_the_value_not_the_label(profile, text, want):
    got = vals(text, profile)
    assert {k: got.get(k) for k in want} == want


@pytest.mark.parametrize("label,az", [
    ("Geschäftszeichen", "AB 3 - 12.10 - 1234/25"), ("Gz.", "S 55 - 1111/2025"),
    ("Ihr Zeichen", "632-1234/2025/Bau"), ("Aktenzeichen", "K 7 - 55.01 - 12/26"), ("Az.", "41.2.3-77/2026"),
])
def test_aktenzeichen_is_the_whole_token_sequence(profile, label, az):
    assert vals(f"{label}: {az}\nBetreff: Antrag", profile)["aktenzeichen"] == az
    # and in a window letter's info block, the next cell
    assert vals(f"Musterstadt             {label}       {az}", profile)["aktenzeichen"] == az


@pytest.mark.parametrize("stamp,want", [
    ("EINGEGANGEN 06. JAN. 2026", "06.01.2026"), ("EINGEGANGEN\n30. MRZ. 2026", "30.03.2026"),
    ("Eing. 3.2.26", "03.02.2026"), ("Eingang: 1. Dezember 2025", "01.12.2025"), ("Posteingang\n07.04.2026", "07.04.2026"),
])
def test_received_stamps(profile, stamp, want):
    assert vals(f"Antrag auf Baugenehmigung\n{stamp}\nBauherr: Jana Weber", profile)["eingangsdatum"] == want


def test_a_stamp_word_in_an_address_is_no_stamp(profile):
    got = vals("Landkreis Musterland\nBürgerservice / Posteingang\nKreishausstraße 1\nMusterstadt, den 02.03.2026", profile)
    assert "eingangsdatum" not in got and got["antragsdatum"] == "02.03.2026"


@pytest.mark.parametrize("s,want", [
    ("06. JAN. 2026", "06.01.2026"), ("30. MRZ. 2026", "30.03.2026"), ("3. Mrz. 2026", "03.03.2026"),
    ("12. März 2026", "12.03.2026"), ("1.10.85", "01.10.1985"), ("3.2.26", "03.02.2026"), ("2026-02-03", "03.02.2026"),
    ("7 Sept. 1999", "07.09.1999"), ("31.04.2026", None), ("am 5. Mai 2025 eingereicht", "05.05.2025"),
])
def test_german_dates(s, want):
    assert ex.parse_date(s) == want


def test_address_parser():
    assert ex.parse_address("Lindenweg 4a, 12345 Musterstadt") == {"strasse": "Lindenweg 4a", "plz": "12345", "ort": "Musterstadt"}
    assert ex.parse_address("12345 Musterstadt") == {"plz": "12345", "ort": "Musterstadt"}
    assert ex.parse_address("Am Markt 3 · D-54321 Bergweiler") == {"strasse": "Am Markt 3", "plz": "54321", "ort": "Bergweiler"}
    assert ex.parse_address("Rosenstraße 10/12") == {"strasse": "Rosenstraße 10/12"}
    # an Ort keeps its suffix as written; a remark in brackets is no part of it
    assert ex.parse_address("35857 Rabenstein (Musterland)")["ort"] == "Rabenstein (Musterland)"
    assert ex.parse_address("Am Ring 1, 12345 Schwarzach (Tal), Tel. 1")["ort"] == "Schwarzach (Tal)"
    assert ex.parse_address("12345 Musterstadt (bitte angeben)")["ort"] == "Musterstadt"


def test_names_without_label_debris():
    assert ex.v_name("(n): Ute").value == "Ute"
    assert ex.v_name("Herrn Paul Lange").value == "Paul Lange"
    assert ex.v_name("Ute 12").ok is False
    assert ex.split_name("Weber, Jana") == ("Jana", "Weber")
    assert ex.split_name("Weber Jana", last_first=True) == ("Jana", "Weber")
    assert ex.v_aktenzeichen("AB 3 - 12.10 - 1234/25 vom 02.01.2026").value == "AB 3 - 12.10 - 1234/25"
    assert ex.v_aktenzeichen("bitte angeben") is None  # words without a digit: no file number at all


SEVERAL = """Antrag auf Erteilung einer Waffenbesitzkarte
Angaben zur antragstellenden Person
Familienname: Brandt
Vorname: Ute
Anschrift: Ringweg 5, 12345 Musterstadt
Bevollmächtigte/r
Familienname: Roth
Vorname: Kai
Anschrift: Talweg 9, 54321 Bergweiler
Bankverbindung
Kontoinhaber/in: Max Roth
IBAN: DE89 3704 0044 0532 0130 00"""


def test_sections_decide_whose_values(profile):
    got = vals(SEVERAL, profile, "waffen_antrag")
    assert (got["nachname"], got["vorname"], got["strasse"], got["ort"]) == ("Brandt", "Ute", "Ringweg 5", "Musterstadt")
    assert "iban" not in got  # a Waffen application carries no account (its type's fields): left out, not reported
    assert vals(SEVERAL, profile, "eingliederungshilfe")["iban"] == "DE89370400440532013000"  # a type with one
    # the representative first on the page: still the applicant's values
    swapped = SEVERAL.split("\n")
    rep, app = swapped[5:9], swapped[1:5]
    text = "\n".join([swapped[0]] + rep + app + swapped[9:])
    got = vals(text, profile, "waffen_antrag")
    assert (got["nachname"], got["vorname"]) == ("Brandt", "Ute")


def test_measles_form_takes_the_child(profile):
    text = ("Masernschutz: Nachweis\nErziehungsberechtigte/r\nName, Vorname: Kern, Olaf\nGeburtsdatum: 01.02.1980\n"
            "Angaben zum Kind\nName, Vorname: Kern, Mia\nGeburtsdatum: 3.4.19")
    got = vals(text, profile, "masern_meldung")
    assert (got["vorname"], got["nachname"], got["geburtsdatum"]) == ("Mia", "Kern", "03.04.2019")


def test_sender_block_of_a_letter_not_the_authority(profile):
    text = ("Jana Weber · Lindenweg 4a · 12345 Musterstadt\n\nLandkreis Musterland\nBürgerservice\nKreishausstraße 1\n"
            "54321 Kreisstadt\n\nAntrag auf Anzeige einer Tierhaltung\nSehr geehrte Damen und Herren,")
    got = vals(text, profile, "tierhaltung")
    assert (got["vorname"], got["nachname"], got["strasse"], got["plz"], got["ort"]) == \
        ("Jana", "Weber", "Lindenweg 4a", "12345", "Musterstadt")


def test_value_below_its_label_in_a_box(profile):
    text = "Familienname          Vorname(n)          Geburtsdatum\nWeber                 Jana                07.08.1990"
    got = vals(text, profile)
    assert (got["nachname"], got["vorname"], got["geburtsdatum"]) == ("Weber", "Jana", "07.08.1990")


def test_profile_extends_the_lexicon(tmp_path):
    p = tmp_path / "p.toml"
    p.write_text('[profile]\nname = "p"\nextends = "landkreis"\n[extract.labels]\nnachname = ["Zuname des Halters"]\n'
                 '[extract.sections]\nrepresentative = ["Angaben zur Begleitperson"]\n')
    prof = load_profile(str(p))
    got = vals("Angaben zur Begleitperson\nVorname: Kai\nZuname des Halters: Roth", prof)
    assert got["nachname"] == "Roth"
    f = ex.extract(_doc("Angaben zur Begleitperson\nVorname: Kai"), prof, [ex.LabelExtractor()])
    assert f["vorname"].confidence < 0.9  # someone else's section: not taken without review


def test_review_reasons_name_the_uncertain_needed_field(profile):
    from ekte.model import Classification, Field

    d = _doc("")
    d.classification = Classification("bauantrag", 0.95)
    d.fields = {"vorname": Field("Jana", 0.97, method="label"), "nachname": Field("Weber", 0.55, method="label")}
    r = ex.review_reasons(d, profile)
    assert r == ["nachname: confidence 0.55 < 0.9"]
    d.fields["nachname"] = Field("Weber", 1.0, method="manual")
    assert ex.review_reasons(d, profile) == []
    del d.fields["vorname"]
    assert ex.review_reasons(d, profile) == ["vorname: not found"]
    d.classification = Classification("sportstaetten_foerderung", 0.95)
    assert ex.review_reasons(d, profile) == ["verein: not found"]
    # a sure Aktenzeichen files it into its case: what it lacks is no reason, an unsure one is
    d.fields["aktenzeichen"] = Field("63-BA-2025/0412", 0.97, method="label")
    assert ex.review_reasons(d, profile) == []
    d.fields["aktenzeichen"] = Field("63-BA-2025/0412", 0.7, method="label")
    assert ex.review_reasons(d, profile) == ["verein: not found", "aktenzeichen: confidence 0.70 < 0.9"]
    # auto_threshold 0: no field review at all
    assert ex.review_reasons(d, profile.model_copy(update={"extract": profile.extract.model_copy(
        update={"auto_threshold": 0.0})})) == []
