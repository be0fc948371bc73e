"""Label rules found on the development family samples/family7 (issue 10): questions with a required
star or a bracketed hint after the question mark, a star alone after a label, bilingual labels
("Vorname(n) / First name(s):"), a caption's format hint with its star ("Geburtsdatum (TT.MM.JJJJ)*"),
two close values under two captions of a person table, and "Telefon (Halter/in):" under that table."""

from __future__ import annotations

import pytest

from ekte.stages.layout import Word
from extract_pages import MM, fields, page, profile  # noqa: F401 (profile: a fixture)


QUESTIONS = """Anmeldung zur Erstbelehrung nach § 43 Infektionsschutzgesetz

Angaben zur Person – Teilnehmer/in
Wie lautet Ihr Familienname? *
   Förtsch
Wie lauten Ihre Vornamen? *
   Nadja
Wann sind Sie geboren?
   1. Dezember 1980
Wo wohnen Sie? (Straße und Hausnummer) *
   Brunnenweg 6
Postleitzahl und Wohnort *
   36145 Hofbieber
"""


def test_questions_and_labels_with_a_required_star_label_the_answer_below(profile):
    got = fields(QUESTIONS, profile, "ifsg_belehrung")
    assert {k: got.get(k) for k in ("nachname", "vorname", "geburtsdatum", "strasse", "plz", "ort")} == {
        "nachname": "Förtsch", "vorname": "Nadja", "geburtsdatum": "01.12.1980", "strasse": "Brunnenweg 6",
        "plz": "36145", "ort": "Hofbieber"}


def test_a_question_with_something_else_after_its_mark_is_no_question(profile):
    from ekte.stages.extract.questions import asks

    def ws(s):
        return [Word(t, 0, 0, 1, 1, 0, 0) for t in s.split()]
    assert asks(ws("Wo wohnen Sie? (Straße und Hausnummer) *")) and asks(ws("Wie lautet Ihr Familienname? *"))
    assert not asks(ws("Haben Sie Fragen? Dann rufen Sie an")) and not asks(ws("Familienname *"))


BILINGUAL = [(40, 13, [("Belehrung nach § 43 IfSG", 15)]), (70, 10, [("Teilnehmer/in", 15)]),
             (90, 9, [("Familienname / Surname:", 15), ("Nüßlein", 80)]),
             (106, 9, [("Vorname(n) / First name(s):", 15), ("Dörte", 80)]),
             (122, 9, [("Geburtsdatum / Date of birth:", 15), ("04. Nov. 1954", 80)]),
             (138, 9, [("Anschrift / Address:", 15), ("Am Sonnenhang 69", 80)]), (153, 9, [("59929 Brilon-Wald", 80)])]


def test_bilingual_labels_the_english_after_the_slash_is_no_value(profile):
    got = fields(*page(BILINGUAL)[:1], profile, "ifsg_belehrung", page(BILINGUAL)[1])
    assert {k: got.get(k) for k in ("nachname", "vorname", "geburtsdatum", "strasse", "plz", "ort")} == {
        "nachname": "Nüßlein", "vorname": "Dörte", "geburtsdatum": "04.11.1954", "strasse": "Am Sonnenhang 69",
        "plz": "59929", "ort": "Brilon-Wald"}


def test_only_a_known_english_label_after_the_slash_is_skipped():
    from ekte.stages.extract.leaders import after_label

    def ws(s):
        return [Word(t, 0, 0, 1, 1, 0, 0) for t in s.split()]
    row = ws("Vorname(n) / First name(s): Dörte")
    assert after_label(row, 1, [False, False, False, True, False]) == (4, True)
    row = ws("Name / Firma Weber GmbH")  # German after the slash: the value's business, not skipped
    assert after_label(row, 1, [False] * 5)[0] == 1


def _captions(date_caption: str) -> list:
    return [(40, 13, [("Belehrung nach § 43 IfSG", 15)]), (70, 10, [("1. Teilnehmer/in", 15)]),
            (95, 11, [("Mölter", 16), ("Katharina", 106)]), (108.6, 6.5, [("Familienname*", 15), ("Vorname(n)*", 105)]),
            (130, 11, [("20.07.1960", 16), ("Mellrichstadt", 106)]), (143.6, 6.5, [(date_caption, 15), ("Geburtsort", 105)]),
            (165, 11, [("Alte Poststraße 24a", 16), ("33184", 111), ("Altenbeken", 136)]),
            (178.6, 6.5, [("Straße, Hausnummer*", 15), ("PLZ*", 110), ("Ort*", 135)])]


def test_a_captions_format_hint_with_its_star_is_part_of_the_caption(profile):
    text, words = page(_captions("Geburtsdatum (TT.MM.JJJJ)*"))
    got = fields(text, profile, "ifsg_belehrung", words)
    assert (got.get("geburtsdatum"), got.get("nachname"), got.get("plz"), got.get("ort")) == (
        "20.07.1960", "Mölter", "33184", "Altenbeken")


COLS = [("Funktion", 15), ("Familienname", 46), ("Vorname(n)", 75), ("Geb.-Datum", 102), ("Straße, Haus-Nr.", 123),
        ("PLZ", 158), ("Wohnort", 170)]


def _table(close: bool) -> list:
    """A person table; *close*: the PLZ's and the Wohnort's values nearer each other than a cell's gap."""
    w = 8.5 if close else 11
    xs = [x for _, x in COLS]
    rows = [["Halter/in", "Jäckel", "Detlef", "1980-12-19", "Am Sonnenhang 34", "59964", "Medebach"],
            ["Bevollmächtigte/r", "Pfeuffer", "Hannelore", "–", "Hauptstr. 42", "97640", "Oberstreu"]]
    return [(40, 13, [("Antrag auf Zulassung eines Kraftfahrzeuges", 15)]),
            (70, 10, [("Angaben zu den beteiligten Personen", 15)]), (90, 7.5, COLS),
            *[(110 + 20 * k, w, list(zip(r, xs))) for k, r in enumerate(rows)],
            (160, 9, [("Telefon (Bevollmächtigte/r):", 15), ("09715 47244", 85)]),
            (175, 9, [("Telefon (Halter/in):", 15), ("09707 39588", 85)])]


@pytest.mark.parametrize("close", [True, False])
def test_a_person_table_with_close_values_and_phones_said_whose_below_it(profile, close):
    text, words = page(_table(close))
    got = fields(text, profile, "kfz_zulassung", words)
    assert {k: got.get(k) for k in ("nachname", "vorname", "strasse", "plz", "ort", "telefon")} == {
        "nachname": "Jäckel", "vorname": "Detlef", "strasse": "Am Sonnenhang 34", "plz": "59964", "ort": "Medebach",
        "telefon": "09707 39588"}


def test_one_value_across_two_captions_still_spans_them(profile):
    """"Name   Vorname" over "Weber, Jana" (no word of it where the second caption begins): one value."""
    from ekte.stages.extract.cells import spanned
    from ekte.stages.layout import rows
    text, words = page([(90, 9, [("Name", 15), ("Vorname", 60)]), (100, 9, [("Weber-Schulze, Jana Maria Theresia", 15)])])
    rs = rows(words)
    assert spanned(rs[0], rs[1]) == {1}
    text, words = page([(90, 9, [("PLZ", 15), ("Wohnort", 40)]), (100, 9, [("59964 Medebach", 15)])])
    rs = rows(words)
    assert (len(rs[0].cells), len(rs[1].cells)) == (2, 1) and spanned(rs[0], rs[1]) == set()


def test_a_things_number_with_a_remark_before_its_colon_and_a_street_after_a_c_o_line(profile):
    """"eVB-Nummer der Versicherung:" (a remark that names no one: the label ends at the colon);
    a street's value below its question after a c/o line."""
    lines = [(40, 13, [("Antrag auf Zulassung eines Kraftfahrzeuges", 15)]), (70, 10, [("Halter/in", 15)]),
             (90, 9, [("Wo wohnen Sie? (Straße und Hausnummer) *", 15)]), (102, 10.5, [("c/o Dittmann", 22)]),
             (114, 10.5, [("Kirchgasse 46", 22)]), (130, 9, [("Postleitzahl und Wohnort *", 15)]),
             (142, 10.5, [("36145 Hofbieber", 22)]),
             (170, 9, [("eVB-Nummer der Versicherung:", 15), ("IW3JSE5", 85)])]
    text, words = page(lines)
    got = fields(text, profile, "kfz_zulassung", words)
    assert (got.get("strasse"), got.get("plz"), got.get("ort"), got.get("evb")) == (
        "Kirchgasse 46", "36145", "Hofbieber", "IW3JSE5")


@pytest.mark.parametrize("first,second,street", [
    ("Bei den Mühren 12", "20457 Hamburg", "Bei den Mühren 12"),  # a street named "Bei …": no c/o line
    ("bei Dittmann", "Kirchgasse 46", "Kirchgasse 46")])
def test_a_street_starting_with_bei_is_no_c_o_line(profile, first, second, street):
    """"bei" before a name is a c/o line (the street is the next line); a line with a house number is the
    street itself ("Bei den Mühren 12" over "20457 Hamburg")."""
    lines = [(40, 13, [("Antrag auf Zulassung eines Kraftfahrzeuges", 15)]), (70, 10, [("Halter/in", 15)]),
             (90, 9, [("Wo wohnen Sie? (Straße und Hausnummer) *", 15)]), (102, 10.5, [(first, 22)]),
             (114, 10.5, [(second, 22)])]
    text, words = page(lines)
    assert fields(text, profile, "kfz_zulassung", words).get("strasse") == street
