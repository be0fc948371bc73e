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


def _set(lines: list[tuple[float, float, list[tuple[str, float]]]]) -> tuple[str, list[Word]]:
    """A born-digital page: (baseline y, font size, [(text, x)]) per line, in points."""
    text, words = "", []
    for y, size, ws in lines:
        for k, (t, x) in enumerate(ws):
            start = len(text)
            text += t + ("\n" if k == len(ws) - 1 else " ")
            words.append(Word(t, x, y - 0.8 * size, x + 0.5 * size * len(t), y + 0.25 * size, start, start + len(t)))
    return text, words


def _caption_form(under: bool) -> tuple[str, list[Word]]:
    """Two persons' fields in rows of two: the caption (6.5 pt) under the value (11 pt) written on the line,
    or (*under* False) above it as in a boxed form."""
    pairs = [(("Obermaier", "(Familienname)"), ("Korbinian", "Vornamen")),
             (("Kirchplatz 4", "Straße, Hausnummer"), ("94032 Passau", "PLZ, Ort")),
             (("17.08.1990", "Geburtsdatum"), ("0851 123456", "Telefon"))]
    lines = [(40.0, 13, [("Antrag auf Erteilung", 40)]), (70.0, 10, [("Angaben zur Person", 40)])]
    y = 95.0
    for (v1, c1), (v2, c2) in pairs:
        if under:
            lines += [(y, 11, [(v1, 42), (v2, 300)]), (y + 13.6, 6.5, [(c1, 40), (c2, 298)])]
            y += 36.8
        else:
            lines += [(y, 6.5, [(c1, 40), (c2, 298)]), (y + 17.0, 11, [(v1, 45), (v2, 303)])]
            y += 31.2
    return _set(lines)


@pytest.mark.parametrize("under", [True, False])
def test_a_caption_under_its_line_labels_the_value_above_it(profile, under):
    text, words = _caption_form(under)
    got = fields(text, profile, "waffen_antrag", words)
    assert {k: got.get(k) for k in ("nachname", "vorname", "strasse", "plz", "ort", "geburtsdatum", "telefon")} == {
        "nachname": "Obermaier", "vorname": "Korbinian", "strasse": "Kirchplatz 4", "plz": "94032", "ort": "Passau",
        "geburtsdatum": "17.08.1990", "telefon": "0851 123456"}


@pytest.mark.parametrize("raw,want", [("Kiel, 08.10.26", "08.10.2026"), ("Oberbrunnthal, 8.10.2026", "08.10.2026"),
                                      ("O8.10.26", "08.10.2026"), ("l2.03.2026", "12.03.2026")])
def test_a_towns_last_letter_before_the_date_is_no_digit(raw, want):
    from ekte.stages.extract.dates import parse_date
    assert parse_date(raw) == want  # not "01.08.2010" from "l, 08.10"


@pytest.mark.parametrize("raw,want", [("Weiherweg 22 1/2", "Weiherweg 22 1/2"), ("Pfarrgasse 74½", "Pfarrgasse 74½"),
                                      ("Hauptstr. 12/14", "Hauptstr. 12/14"), ("Am Berg 3 1/20", "Am Berg 3")])
def test_a_half_house_number_is_kept(raw, want):
    from ekte.stages.extract.values import parse_address
    assert parse_address(raw + ", 84489 Burgkirchen")["strasse"] == want


def test_another_number_in_the_right_column_is_no_value_of_a_label_on_the_left(profile):
    """A two-column page: "Vornamen" with its value below, "Kundennummer" of the right column in its row."""
    text, words = _set([(40.0, 13, [("Anfrage", 40)]), (70.0, 10, [("Absender/in", 40), ("Bezug", 320)]),
                        (90.0, 8, [("Vornamen", 40), ("Kundennummer", 320)]),
                        (102.0, 10, [("Notburga", 40), ("KD-4471125", 320)]),
                        (116.0, 8, [("Familienname", 40)]), (128.0, 10, [("Lechner", 40)])])
    got = fields(text, profile, "sonstiges", words)
    assert (got.get("vorname"), got.get("nachname")) == ("Notburga", "Lechner")


CARERS_LETTER = """Ines Irlbeck
Pfarrgasse 7
63136 Pfaffenhausen

Landratsamt Hinterzell
Postfach 11 20
98377 Hinterzell

Antrag auf Eingliederungshilfe

Sehr geehrte Damen und Herren,
hiermit stelle ich folgenden Antrag:

Leistungsberechtigte Person
Familienname: Kastner
Vorname: Bettina
Anschrift: Hauptstr. 51, 01321 Bad Kirnau

Gesetzliche/r Betreuer/in
Familienname: Irlbeck
Vorname: Ines
Anschrift: Pfarrgasse 7, 63136 Pfaffenhausen

Mit freundlichen Grüßen
Ines Irlbeck
"""


def test_a_letter_head_whose_writer_the_letter_names_as_the_carer_is_the_carers(profile):
    got = fields(CARERS_LETTER, profile, "eingliederungshilfe")
    assert (got.get("nachname"), got.get("vorname")) == ("Kastner", "Bettina")
    assert got.get("plz") in (None, "01321") and got.get("strasse") in (None, "Hauptstr. 51")


@pytest.mark.parametrize("stamp", ["Zugegangen am 06.05.2026", "Empfangen\n06.05.2026", "Tag des Eingangs: 06.05.2026",
                                   "Zugang am 6. Mai 2026"])
def test_received_stamps_in_other_wordings(profile, stamp):
    got = fields(f"Antrag auf Eingliederungshilfe\n\nName: Kastner\n\nHinterzell, 02.05.2026\n\n{stamp}\n", profile,
                 "eingliederungshilfe")
    assert got.get("eingangsdatum") == "06.05.2026" and got.get("antragsdatum") == "02.05.2026"


def test_a_date_received_in_a_sentence_is_no_stamp(profile):
    got = fields("Widerspruch\n\nIhren Bescheid habe ich am 03.05.2026 empfangen.\n", profile, "sonstiges")
    assert "eingangsdatum" not in got


def test_numbered_boxes_in_a_row_the_next_boxs_number_is_no_value(profile):
    """GewA-1 style: "13 Gemarkung  14 Flur-Nr.  15 Flurstück-Nr." over the three values."""
    text, words = _set([(40.0, 13, [("Bauantrag", 40)]), (70.0, 10, [("Weitere", 40), ("Angaben", 80)]),
                        (90.0, 6.5, [("13", 42), ("Gemarkung", 50), ("14", 212), ("Flur-Nr.", 220), ("15", 382),
                                     ("Flurstück-Nr.", 390)]),
                        (107.0, 10.5, [("Kirnau", 48), ("13", 218), ("1681", 388)])])
    got = fields(text, profile, "bauantrag", words)
    assert (got.get("gemarkung"), got.get("flur"), got.get("flurstueck")) == ("Kirnau", "13", "1681")


def test_captions_beside_a_headings_words_label_the_values_above_them(profile):
    """"Baugrundstück (Straße, Hausnummer)" -- a section's word -- opens the caption row under the line."""
    text, words = _set([(40.0, 13, [("Bauantrag", 40)]), (70.0, 10, [("Bauherr/in", 40)]),
                        (95.0, 11, [("Gruber", 42)]), (108.6, 6.5, [("Familienname", 40)]),
                        (140.0, 11, [("Pfarrgasse 3", 45), ("Oberbrunnthal", 215), ("47", 386)]),
                        (153.6, 6.5, [("Baugrundstück (Straße, Hausnummer)", 42), ("Gemarkung", 213), ("Flur-Nr.", 383)])])
    got = fields(text, profile, "bauantrag", words)
    assert (got.get("gemarkung"), got.get("flur")) == ("Oberbrunnthal", "47")


def test_a_numbered_items_answer_below_begins_under_its_text(profile):
    text = ("Bauantrag\n\nBauherr/in\nName: Gruber\n\nAngaben zum Grundstück\n"
            "12. Bitte geben Sie an: Gemarkung\n    Antwort: Kirnau\n"
            "13. Bitte geben Sie an: Flur-Nr.\n    Antwort: 24\n")
    got = fields(text, profile, "bauantrag")
    assert (got.get("gemarkung"), got.get("flur")) == ("Kirnau", "24")


def test_a_label_above_its_value_under_a_row_of_boxed_digits_keeps_its_value_below(profile):
    """A box form: the birth date's digits one per box to the right, then "Anschrift (…)" set small with its
    value below -- the digits above are no caption's value (they stand elsewhere and one per box)."""
    text, words = _set([(40.0, 13, [("Meldung", 60)]), (158.4, 10, [("Angaben", 61), ("zum", 98), ("Kind", 116)]),
                        (171.5, 7, [("Rufname", 60), ("Nachname", 186), ("Tag der Geburt", 328)]),
                        (179.5, 6, [("Tag", 330), ("Monat", 359), ("Jahr", 389)]),
                        (185.6, 11, [("Anton", 62), ("Weber", 188)]),
                        (193.5, 11, [("2", 333), ("3", 344), ("1", 362), ("2", 374), ("2", 392), ("0", 403), ("1", 415),
                                     ("8", 427)]),
                        (208.3, 7, [("Anschrift", 60), ("(Straße,", 86), ("Hausnummer,", 108), ("PLZ,", 146), ("Ort)", 161)]),
                        (222.4, 11, [("Straße", 62), ("des", 90), ("Friedens", 106), ("145,", 142), ("56611", 162),
                                     ("Düsterbrook", 190)])])
    got = fields(text, profile, "masern_meldung", words)
    assert (got.get("strasse"), got.get("plz"), got.get("ort")) == ("Straße des Friedens 145", "56611", "Düsterbrook")


def test_a_caption_with_a_remark_in_brackets_labels_the_value_above(profile):
    text, words = _set([(40.0, 13, [("Zulassungsantrag", 40)]), (70.0, 10, [("Fahrzeug", 40)]),
                        (95.0, 11, [("WDB56ULVF5W1V3HVJ", 42), ("HZ-H 468", 300)]),
                        (108.6, 6.5, [("FIN", 40), ("Wunschkennzeichen", 298), ("(reserviert)", 356)])])
    got = fields(text, profile, "kfz_zulassung", words)
    assert (got.get("fin"), got.get("kennzeichen")) == ("WDB56ULVF5W1V3HVJ", "HZ-H 468")


def test_a_value_below_stops_at_the_other_columns_gutter(profile):
    """A two-column page: "PLZ / Gemeinde" alone in its row, its value beside the right column's "Bezug"."""
    text, words = _set([(40.0, 13, [("Meldung", 40)]), (70.0, 10, [("Betroffenes Kind", 42)]),
                        (90.0, 8, [("Familienname", 42)]), (102.0, 11.6, [("Lechner", 42)]),
                        (241.4, 8, [("PLZ", 42), ("/", 58), ("Gemeinde", 62)]),
                        (252.8, 11.6, [("83076", 42), ("Neuhaus", 78), ("am", 125), ("Rennweg", 144), ("Bezug", 312)])])
    got = fields(text, profile, "masern_meldung", words)
    assert (got.get("nachname"), got.get("plz"), got.get("ort")) == ("Lechner", "83076", "Neuhaus am Rennweg")



def test_a_heading_that_is_a_label_too_is_no_caption_of_the_title_above(profile):
    """A scanned check-box form whose handwriting was not read: the title over the section heading
    "Antragsteller (Verein)" is no club's name written on a line."""
    text, words = _set([(40.0, 13, [("Antrag auf Förderung von Sportstätten", 36)]),
                        (58.0, 9, [("Antragsteller", 38), ("(Verein)", 96)]), (76.0, 5.5, [("Name des Vereins", 36)])])
    assert "verein" not in fields(text, profile, "sportstaetten_foerderung", words)


@pytest.mark.parametrize("nachname,vorname", [("Yılmaz", "Zeynep"), ("Dvořák", "Renée"), ("Şahin", "Łukasz")])
def test_names_in_latin_letters_from_elsewhere_can_be_sure(profile, nachname, vorname):
    text = f"Anmeldung\n\nAngaben zur Person\nFamilienname: {nachname}\nVorname: {vorname}\nGeburtsdatum: 02.03.1961\n"
    got = ex.extract(_doc(text, "waffen_antrag", None), profile, [ex.LabelExtractor()])
    assert (got["nachname"].value, got["vorname"].value) == (nachname, vorname)
    assert min(got["nachname"].confidence, got["vorname"].confidence) >= profile.extract.auto_threshold


@pytest.mark.parametrize("heading,role", [("Angaben zur teilnehmenden Person", "applicant"), ("Absender/in", "applicant"),
                                          ("Zu belehrende Person", "applicant"), ("Betroffenes Kind", "subject")])
def test_headings_of_real_forms_name_whose_section(profile, heading, role):
    from ekte.stages.extract.lexicon import lexicon, section_of
    assert section_of(heading, lexicon(profile)) == role


def test_name_beside_its_own_first_name_label_is_the_family_name_for_sure(profile):
    text = "Meldeschein\n\nAngaben zur Person\nName: Eichhorn\nVorname: Uwe\nGeburtsdatum: 27.04.1968\n"
    got = ex.extract(_doc(text, "waffen_antrag", None), profile, [ex.LabelExtractor()])
    assert got["nachname"].value == "Eichhorn" and got["nachname"].confidence >= profile.extract.auto_threshold
    alone = ex.extract(_doc("Antrag\n\nAngaben zur Person\nName: Eichhorn\nGeburtsdatum: 27.04.1968\n", "waffen_antrag",
                            None), profile, [ex.LabelExtractor()])
    assert alone["nachname"].confidence < profile.extract.auto_threshold  # without it "Name" may be the whole name
