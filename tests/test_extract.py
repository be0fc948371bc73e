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
