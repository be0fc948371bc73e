"""Extraction on layouts of real German forms that ekte's development families did not draw
(issue 10, samples/family4): label wordings of registration and trade forms, questionnaires,
captions printed under the filled line, a letter's DIN 5008 reference row.  Values invented;
each case is a form pattern, not one generator's wording."""

import pytest

from ekte.model import Classification, Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.layout import Word


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def _doc(text: str, doctype: str | None, words: list[Word] | None) -> Document:
    d = Document(sha256="c" * 64, source="x", size=1, media_type="application/pdf", received="2026-09-01T10:00:00+01:00")
    d.page_texts = [text]
    if words:
        d.extra["page_words"] = [[tuple(w) for w in words]]
    if doctype:
        d.classification = Classification(doctype, 0.9)
    return d


def fields(text, profile, doctype=None, words=None):
    got = ex.extract(_doc(text, doctype, words), profile, [ex.LabelExtractor()])
    return {k: v.value for k, v in got.items() if v.method != "intake"}


REGISTRATION = """Anmeldung

Angaben zur Person
Familienname, ggf. Geburtsname: Zehetmair-Kern
Sämtliche Vornamen: Walburga Theresia
Tag der Geburt: 02.03.1961
Wohnung (Straße, Hausnr.): Pfarrgasse 7
PLZ / Gemeinde: 84489 Burgkirchen
"""


def test_label_wordings_of_real_registration_forms(profile):
    got = fields(REGISTRATION, profile, "waffen_antrag")
    assert {k: got.get(k) for k in ("nachname", "vorname", "geburtsdatum", "strasse", "plz", "ort")} == {
        "nachname": "Zehetmair-Kern", "vorname": "Walburga Theresia", "geburtsdatum": "02.03.1961",
        "strasse": "Pfarrgasse 7", "plz": "84489", "ort": "Burgkirchen"}


def test_derzeitige_anschrift_and_flur_nr(profile):
    got = fields("Bauantrag\n\nBauherr/in\nName: Gruber\nDerzeitige Anschrift: Talweg 3, 83022 Rosenheim\n\n"
                 "Baugrundstück\nGemarkung: Aising\nFlur-Nr.: 17\nFlurstück-Nr.: 233/4\n", profile, "bauantrag")
    assert (got.get("strasse"), got.get("plz"), got.get("ort"), got.get("flur")) == ("Talweg 3", "83022", "Rosenheim", "17")


QUESTIONNAIRE = """Fragebogen zur Erstbelehrung

Fragen zu Ihrer Person
1. Wie lautet Ihr Familienname?
   Antwort: Obermaier
2. Wie lauten Ihre Vornamen?
   Antwort: Korbinian Alois
3. Wann sind Sie geboren?
   Antwort: 17.08.1990
4. Wo sind Sie geboren?
   Antwort: 03.04.1999
5. Wie lautet Ihre Anschrift?
   Antwort: Kirchplatz 4, 94032 Passau
6. Unter welcher Telefonnummer sind Sie tagsüber erreichbar?
   Antwort: 0851 123456
"""


def test_a_questionnaires_questions_label_the_answers_below(profile):
    got = fields(QUESTIONNAIRE, profile, "ifsg_belehrung")
    assert {k: got.get(k) for k in ("nachname", "vorname", "geburtsdatum", "strasse", "plz", "ort", "telefon")} == {
        "nachname": "Obermaier", "vorname": "Korbinian Alois", "geburtsdatum": "17.08.1990",  # not the place's row
        "strasse": "Kirchplatz 4", "plz": "94032", "ort": "Passau", "telefon": "0851 123456"}


def test_a_question_without_a_field_labels_nothing(profile):
    got = fields("Anmeldung\n\nHaben Sie bereits eine Belehrung erhalten?\n   Antwort: 12.03.2019\n", profile,
                 "ifsg_belehrung")
    assert "geburtsdatum" not in got and "antragsdatum" not in got
