"""Running text and printed e-mails (issue 10, recall on unseen layouts):
the writer's own sentence in its variants, the person a sentence is about,
the e-mail header and the signature block -- values invented."""

import pytest

from ekte.model import Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.extract.prose import prose_candidates

AUTO = 0.9


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def fields(text, profile):
    d = Document(sha256="a" * 64, source="x", size=1, media_type="application/pdf", received="2026-03-01T10:00:00+01:00")
    d.page_texts = [text]
    return {k: v for k, v in ex.extract(d, profile, [ex.LabelExtractor()]).items() if v.method != "intake"}


def found(text):
    return {(c.field, c.value, c.label) for c in prose_candidates(1, text)}


def test_the_writers_sentence_capitalised_with_geb_and_anschrift(profile):
    text = "Antrag nach dem Waffengesetz\nIch, Paul Lange, geb. am 01.02.1980, Anschrift: Am Ring 12-14, 12345 " \
           "Neudorf (Tal),\nbeantrage die Erteilung einer Waffenbesitzkarte."
    f = fields(text, profile)
    want = {"vorname": "Paul", "nachname": "Lange", "geburtsdatum": "01.02.1980", "strasse": "Am Ring 12-14",
            "plz": "12345", "ort": "Neudorf (Tal)"}
    assert {k: f[k].value for k in want} == want
    assert all(f[k].confidence >= AUTO for k in want)


def test_a_street_broken_over_two_lines():
    text = "ich, Paul Lange, wohnhaft in Hauptstraße\n87-89, 61247 Altenhain, beantrage"
    assert {("strasse", "Hauptstraße 87-89", "prose"), ("plz", "61247", "prose")} <= found(text)


def test_a_former_address_or_an_institutions_address_is_not_where_one_lives():
    assert not {c.field for c in prose_candidates(1, "Meine bisherige Anschrift lautete Weidenring 8, 18219 Ort.")} \
        & {"strasse", "plz"}
    assert not {c.field for c in prose_candidates(1, "Anschrift Fliederweg 78, 99659 Hohenlinden")} & {"strasse"}


def test_the_person_a_sentence_is_about():
    text = "Erklärung nach § 43 IfSG\nFrau Dörte Eggers, geboren am 22.05.2006, hat an der Belehrung teilgenommen."
    assert {("vorname", "Dörte", "prose"), ("nachname", "Eggers", "prose"), ("geburtsdatum", "22.05.2006", "prose")} \
        <= found(text)
    # written for someone else (a child, a person under care): found, but no anchor of its own
    kid = "hiermit melden wir:\nFür das Kind Jonas Grünwald, geboren am 5.7.2024, liegt kein Nachweis vor."
    assert {("vorname", "Jonas", ""), ("nachname", "Grünwald", "")} <= found(kid)
    two = text + "\nHerr Ole Krämer, geb. am 01.01.1970, ebenfalls."
    assert ("nachname", "Eggers", "") in found(two)
    assert ("geburtsdatum", "22.05.2006", "") in found(two)  # two birth dates: whose is whose is not plain


def test_i_was_born_on():
    assert ("geburtsdatum", "01.02.1983", "prose") in found("Ich bin am 01.02.1983 geboren.")


def test_a_printed_email_header_and_signature(profile):
    text = ("Kreisverwaltung - Poststelle\nVon: Tanja Kowalczyk <tk@example.com>\nGesendet: Dienstag, 24. Februar "
            "2026 13:19\nAn: poststelle@kreis.example\nBetreff: Antrag\nSehr geehrte Damen und Herren,\nich "
            "beantrage die Anmeldung.\nViele Grüße\nTanja Kowalczyk\nStraße des Friedens 40\n60481 Fuchsau\n"
            "Tel. 0150 56204204\n")
    f = fields(text, profile)
    want = {"vorname": "Tanja", "nachname": "Kowalczyk", "email": "tk@example.com", "antragsdatum": "24.02.2026",
            "strasse": "Straße des Friedens 40", "plz": "60481", "ort": "Fuchsau", "telefon": "0150 56204204"}
    assert {k: f[k].value for k in want if k in f} == want
    # found by where it stands, not by a label: a clerk confirms them
    assert all(f[k].confidence < AUTO for k in ("vorname", "strasse", "antragsdatum"))


def test_a_signature_of_someone_writing_for_another_is_not_the_applicants():
    text = "Für das Kind Thea Krämer, geboren am 05.12.2019, melden wir.\nMit freundlichem Gruß\nWiebke Kunz\n" \
           "Am Teich 3\n12345 Ort\n"
    roles = {c.field: c.role for c in prose_candidates(1, text) if c.source == "header"}
    assert roles and set(roles.values()) == {"other"}


# -- the layout: labels wrapped over two lines, an Ort on the line below, file numbers to their end -----------

def _words(lines):
    """Words with boxes from (x, y, text) triples (10 pt, 5 pt per character)."""
    from ekte.stages.layout import Word

    out, pos = [], 0
    for x, y, text in lines:
        for t in text.split(" "):
            out.append(Word(t, x, y, x + 5 * len(t), y + 10, pos, pos + len(t)))
            x += 5 * len(t) + 4
            pos += len(t) + 1
    return out


def test_a_label_wrapped_over_two_lines_finds_its_value():
    from ekte.stages.extract.candidates import joined_labels
    from ekte.stages.layout import rows

    ws = _words([(20, 100, "Vor- und"), (160, 104, "Eckhard Birkholz"), (20, 112, "Familienname:"),
                 (20, 130, "Straße und"), (20, 142, "Hausnummer:"), (160, 142, "Kastanienhof 74"),
                 (20, 160, "Höhe des beantragten"), (160, 160, "16.500,00 EUR"), (20, 172, "Zuschusses:")])
    got = [" | ".join(" ".join(w.text for w in c) for c in r.cells) for r in joined_labels(rows(ws))]
    assert got == ["Vor- und Familienname: | Eckhard Birkholz", "Straße und Hausnummer: | Kastanienhof 74",
                   "Höhe des beantragten Zuschusses: | 16.500,00 EUR"]
    # a value line is never taken for a label's first line
    ws = _words([(20, 100, "Lindenweg 4a,"), (20, 112, "12345 Musterstadt")])
    assert len(joined_labels(rows(ws))) == 2


def test_an_address_whose_ort_is_on_the_next_line(profile):
    from ekte.stages.layout import rows

    ws = _words([(20, 100, "Wohnanschrift"), (160, 100, "Querstraße 47, 41285"), (160, 112, "Rabenstein (Musterland)"),
                 (20, 130, "Vereinsregister"), (160, 130, "VR 3498")])
    from ekte.stages.extract.candidates import layout_candidates
    from ekte.stages.extract.lexicon import lexicon

    cands = layout_candidates(1, rows(ws), ws, lexicon(profile), profile.extract.label_similarity, ex.VALIDATORS)
    got = {c.field: c.value for c in cands}
    assert (got["strasse"], got["plz"], got["ort"]) == ("Querstraße 47", "41285", "Rabenstein (Musterland)")


def test_a_file_number_goes_on_to_the_end_of_its_token():
    import re

    from ekte.stages.extract.patterns import shape_candidates

    rx = [re.compile(r"\b\d{2,3}(?:\.\d{1,3})*-\d{2,6}/\d{4}\b")]
    got = {c.value for c in shape_candidates(1, "Gz.\n632-7877/2025/Bau\nAz. 32.1-1234/2026.", rx)
           if c.field == "aktenzeichen"}
    assert got == {"632-7877/2025/Bau", "32.1-1234/2026"}


@pytest.mark.parametrize("text,field,want", [
    ("Tel.-Nr. für Rückfragen: 0173 74192651", "telefon", "0173 74192651"),
    ("Telefon (Geschäftsstelle): 08375/7070861", "telefon", "08375/7070861"),
    ("Zuzuteilendes Kennzeichen: KS-NF 9578", "kennzeichen", "KS-NF 9578"),
    ("Höhe des beantragten Zuschusses: 16.500,00 EUR", "betrag_eur", "16.500,00"),
    ("Gz.: SF 2025/103", "aktenzeichen", "SF 2025/103"),
    ("Anschrift (Straße, Hausnummer, PLZ, Ort) Querstraße 15, 79939 Sankt Ottilien am Forst", "ort",
     "Sankt Ottilien am Forst"),
])
def test_label_wordings_of_real_forms(profile, text, field, want):
    assert fields(text, profile)[field].value == want


def test_street_and_house_number_in_fields_of_their_own(profile):
    f = fields("Angaben zur Person\nZuname: Weber\nVorname: Jana\nStraße: Birkenallee\nHausnr.: 137a\n"
               "Postleitzahl: 65667\nOrt: Birkenfelde", profile)
    assert f["strasse"].value == "Birkenallee 137a"
    assert "hausnummer" not in f


def test_a_row_of_two_headings_decides_both_columns(profile):
    from ekte.stages.extract.candidates import find_sections
    from ekte.stages.extract.lexicon import lexicon
    from ekte.stages.layout import rows

    ws = _words([(60, 100, "Angaben zur Person"), (315, 100, "Bevollmächtigte/r"),
                 (60, 120, "Name:"), (135, 120, "Weber"), (315, 120, "Name:"), (390, 120, "Lüttich")])
    got = {(s.role, s.x0) for s in find_sections(rows(ws), lexicon(profile))}
    assert got == {("applicant", 60), ("representative", 315)}


def test_a_date_stamp_without_its_keyword_is_a_received_date_to_confirm(profile):
    f = fields("Antrag\nName: Weber\nSeite 1\n08. APR. 2025\n", profile)
    assert f["eingangsdatum"].value == "08.04.2025" and f["eingangsdatum"].confidence < AUTO
    assert "eingangsdatum" not in {c.field for c in prose_candidates(1, "am 08. April 2025 gestellt")}


def test_a_label_over_three_lines_with_the_address_beside_it(profile):
    from ekte.stages.extract.candidates import joined_labels, layout_candidates
    from ekte.stages.extract.lexicon import lexicon
    from ekte.stages.layout import rows

    ws = _words([(60, 192, "Anschrift (Straße,"), (200, 192, "Am Hohen Tor 35, 44372"), (60, 204, "Hausnummer, PLZ,"),
                 (200, 206, "Wendelsbrück"), (60, 216, "Ort):"), (60, 240, "Telefon:"), (200, 240, "07251 894703")])
    got = [" | ".join(" ".join(w.text for w in c) for c in r.cells) for r in joined_labels(rows(ws))]
    assert got[0] == "Anschrift (Straße, Hausnummer, PLZ, Ort): | Am Hohen Tor 35, 44372"
    cands = layout_candidates(1, rows(ws), ws, lexicon(profile), profile.extract.label_similarity, ex.VALIDATORS)
    got = {c.field: c.value for c in cands}
    assert (got["strasse"], got["plz"], got["ort"]) == ("Am Hohen Tor 35", "44372", "Wendelsbrück")


@pytest.mark.parametrize("heading,role", [
    ("Gesetzliche Betreuung / Bevollmächtigte Person", "representative"),  # longer than any one heading
    ("Gesetzliche Betreuung", "representative"),
    ("ANGABEN ZUR PERSON", "applicant"),
])
def test_section_headings_of_real_forms(profile, heading, role):
    from ekte.stages.extract.lexicon import lexicon, section_of

    assert section_of(heading, lexicon(profile)) == role


def test_whose_signature_it_is():
    block = "\nMit freundlichen Grüßen\nJörg Lüttich\nRingstr. 101\n11815 Oberwiesenbach\n"
    roles = lambda t: {c.role for c in prose_candidates(1, t) if c.source == "header"}  # noqa: E731
    assert roles("ich beantrage die Genehmigung." + block) == {"applicant"}
    assert roles("namens und im Auftrag des Kanu-Club e.V. beantrage ich einen Zuschuss." + block) == {"chair"}
    # the writer authorised someone else: still the writer's own signature
    assert roles("Herrn Weber habe ich bevollmächtigt." + block) == {"applicant"}
    assert roles("als Betreuerin von Frau Demir beantrage ich." + block) == {"other"}


def test_values_named_in_a_sentence_are_candidates_to_confirm(profile):
    text = ("ich beantrage die Baugenehmigung für das Grundstück Am Ring 3, 12345 Neudorf (Gemarkung Altenhain, "
            "Flur 11, Flurstück 649, 156).\nWir beantragen einen Zuschuss in Höhe von 2.000,00 € für die Anlage.\n"
            "Das Fahrzeug mit der FIN WVWZZZ1JZXW000001 soll das Kennzeichen MUL-H 665E bekommen.")
    f = fields(text, profile)
    want = {"gemarkung": "Altenhain", "flur": "11", "flurstueck": "649, 156", "betrag_eur": "2.000,00",
            "fin": "WVWZZZ1JZXW000001", "kennzeichen": "MUL-H 665E"}
    assert {k: f[k].value for k in want if k in f} == want
    assert all(f[k].confidence < AUTO for k in want)


def test_a_value_wrapped_onto_the_next_line_of_its_cell(profile):
    from ekte.stages.extract.candidates import layout_candidates
    from ekte.stages.extract.lexicon import lexicon
    from ekte.stages.layout import rows

    ws = _words([(60, 100, "Anschrift:"), (136, 100, "Kastanienhof 57, 27236 Sankt"), (136, 112, "Ottilien am Forst"),
                 (60, 130, "Name des Vereins:"), (160, 130, "Schwimmverein Bad"), (160, 142, "Quellenau 1921 e.V."),
                 (60, 160, "Ort:"), (160, 160, "Neudorf"), (60, 172, "Telefon:"), (160, 172, "0123 4567")])
    cands = layout_candidates(1, rows(ws), ws, lexicon(profile), profile.extract.label_similarity, ex.VALIDATORS)
    got = {(c.field, c.value) for c in cands}
    assert {("ort", "Sankt Ottilien am Forst"), ("verein", "Schwimmverein Bad Quellenau 1921 e.V."),
            ("ort", "Neudorf")} <= got  # the next line with a label of its own is no continuation


def test_a_table_of_persons_side_by_side_the_values_column_decides(profile):
    from ekte.stages.extract.candidates import layout_candidates
    from ekte.stages.extract.lexicon import lexicon
    from ekte.stages.layout import rows

    ws = _words([(60, 100, "Angaben"), (200, 100, "Angaben zur Person"), (380, 100, "Bevollmächtigte/r"),
                 (60, 120, "Rufnummer"), (380, 120, "0159 66134336"), (60, 140, "Ort"), (200, 140, "Morgenroth"),
                 (380, 140, "Neustadt")])
    cands = layout_candidates(1, rows(ws), ws, lexicon(profile), profile.extract.label_similarity, ex.VALIDATORS)
    roles = {(c.field, c.value): c.role for c in cands}
    assert roles[("telefon", "0159 66134336")] == "representative"
    assert roles[("ort", "Morgenroth")] == "applicant"


def test_a_remark_after_the_label_leaves_the_value_below_it(profile):
    f = fields("Vom Amt auszufüllen\nAktenzeichen (bitte stets angeben)\nS 55 - 7107/2025\nAntrag\n", profile)
    assert f["aktenzeichen"].value == "S 55 - 7107/2025"


def test_a_word_run_into_a_file_number_is_not_sure(profile):
    for text in ("Aktenzeichen: Kreisverwaltung S 55 - 7107/2025", "Aktenzeichen: AB 5 - 52.20 - am 2095/26"):
        assert fields(text, profile)["aktenzeichen"].confidence < AUTO, text
    for text in ("Aktenzeichen: AB 5 - 52.20 - 2095/26", "Aktenzeichen: 53.1 - IfSG - 2209/25"):
        assert fields(text, profile)["aktenzeichen"].confidence >= AUTO, text


def test_more_running_text():
    got = found("Ich, Ilse Yıldırım, wohnhaft 38749 Sankt Ottilien am Forst, Weidenring 81a, zeige an.")
    assert {("plz", "38749", "prose"), ("ort", "Sankt Ottilien am Forst", "prose"),
            ("strasse", "Weidenring 81a", "prose")} <= got
    got = found("Der TSV Birkenfelde 1908 e.V., An der Alten Ziegelei 130, 62522 Eichwalde-Nord, vertreten\n"
                "durch Rüdiger Dreesen, beantragt einen Zuschuss.")
    assert {("vorname", "Rüdiger", ""), ("nachname", "Dreesen", ""), ("verein", "TSV Birkenfelde 1908 e.V.", "")} <= got
    assert ("telefon", "07259 4768659", "") in found("Erziehungsberechtigt: Herr Ole Krämer, erreichbar unter "
                                                     "07259 4768659.")


def test_a_file_number_below_a_combined_letter_label(profile):
    f = fields("Kreishausplatz 1\n99998 Kreisstadt\nIhr Zeichen, Ihre Nachricht vom\n53.1 - IfSG - 2209/25\n"
               "Unser Zeichen Telefon\n", profile)
    assert f["aktenzeichen"].value == "53.1 - IfSG - 2209/25"


def test_a_carers_letter_is_about_the_person_cared_for_not_the_writer(profile):
    text = ("Volker Oldenburger\nAuf dem Kamp 120\n86014 Birkenfelde\nTelefon: 04523 / 3057651\n\nLandkreis Musterland\n"
            "Fachdienst Soziales\n"
            "Postfach 11 22\n99998 Kreisstadt\n\nAntrag auf Eingliederungshilfe\n\nSehr geehrte Damen und Herren,\n"
            "als gesetzlicher Betreuer von Frau Anna-Lena Demir, geb. 14. Nov. 1978, Anschrift: Obere Dorfstraße 59, "
            "99880 Tannhausen, beantrage ich Leistungen.\nMit freundlichen Grüßen\nVolker Oldenburger\n")
    f = fields(text, profile)
    assert (f["vorname"].value, f["nachname"].value) == ("Anna-Lena", "Demir")  # "geb." without "am" before the date
    assert f["geburtsdatum"].value == "14.11.1978"
    assert all(f[k].confidence < 0.9 for k in ("vorname", "nachname", "geburtsdatum"))  # written for someone else
    assert "telefon" not in f or f["telefon"].confidence <= 0.5  # the writer's number, in the letter's head


def test_the_ort_first_and_a_file_number_with_the_letters_date():
    from ekte.stages.extract.values import parse_address, v_aktenzeichen

    assert parse_address("31362 Morgenroth, Brunnenweg 38") == {"plz": "31362", "ort": "Morgenroth",
                                                                "strasse": "Brunnenweg 38"}
    assert "strasse" not in parse_address("12345 Musterstadt, Tel. 0228 12345")
    # "Ihr Zeichen, Ihre Nachricht vom" / "53.1 - IfSG - 8423/25, 23.3.2025"
    assert v_aktenzeichen("53.1 - IfSG - 8423/25, 23.3.2025").value == "53.1 - IfSG - 8423/25"
    assert v_aktenzeichen("36.1-Z-3756-2025, 29.4.2025").ok
