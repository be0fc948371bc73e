"""Extraction on layouts ekte's generator does not draw (issue 10, born11): a child's
form with a parent's section, characters one per box, labels wrapped with a remark,
a value set in a taller box than its label.  Values invented; each case is a layout
pattern, not a wording."""

import pytest

from ekte.model import Classification, Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.extract.lexicon import lexicon, section_of
from ekte.stages.extract.spelling import unboxed
from ekte.stages.layout import Word


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def _doc(text: str, doctype: str | None = None, words: list[Word] | None = None) -> Document:
    d = Document(sha256="b" * 64, source="x", size=1, media_type="application/pdf", received="2026-03-01T10:00:00+01:00")
    d.page_texts = [text]
    if words:
        d.extra["page_words"] = [[tuple(w) for w in words]]
    if doctype:
        d.classification = Classification(doctype, 0.9)
    return d


def fields(text, profile, doctype=None, words=None):
    got = ex.extract(_doc(text, doctype, words), profile, [ex.LabelExtractor()])
    return {k: v for k, v in got.items() if v.method != "intake"}


@pytest.mark.parametrize("raw,want", [
    ("D E 0 9 1 9 5 5 5 7 5 0 0 7 4 9 4 1 2 5 1 1", "DE09195557500749412511"),
    ("DE7 0 5 6 7 6 5 6 2 6 4 9 0 8 2 38 3 5 1", "DE70567656264908238351"),  # two boxes read as one word
    ("0 8 8 3 8 Altenhain", "08838 Altenhain"),
    ("DE58 8710 3796 4697 3004 93", "DE58 8710 3796 4697 3004 93"),  # grouped by four: stays
    ("Am Hang 1 a", "Am Hang 1 a"), ("Weg 1 a Nr 2", "Weg 1 a Nr 2"),  # too short, or words: stays
])
def test_characters_one_per_box_are_joined(raw, want):
    assert unboxed(raw) == want


@pytest.mark.parametrize("heading,role", [
    ("Sorgeberechtigte Person", "representative"), ("Angaben zur Mutter / zum Vater", "representative"),
    ("Daten des Kindes", "subject"), ("Angaben zum Vater", "representative"),
    ("Angaben zur Kindertageseinrichtung", "other"), ("Angaben zur Person", "applicant"),
    ("Angaben zum Halter", "applicant"), ("Tag der Geburt des Kindes", None), ("Meldende Person", "unknown"),  # a section, whose not said
])
def test_a_heading_no_list_names_by_the_words_that_say_whose(profile, heading, role):
    assert section_of(heading, lexicon(profile)) == role


CHILD_FORM = """Nachweis über Masernschutz

Betroffene Person (Kind)
Nachname          Vornamen          Tag der Geburt
Yilmaz            Thea              14. Februar 2021
Postleitzahl      Wohnort           Straße, Hausnummer
08838             Altenhain         Holunderstieg 12a

Sorgeberechtigte Person
Familienname      Vorname           Geburtsdatum
Lüttich           Tanja             03.05.1988
Postleitzahl      Wohnort           Straße / Hausnummer
51289             Morgenroth        Rosenweg 7
"""


def test_child_form_with_a_parents_section_takes_the_childs_values(profile):
    got = fields(CHILD_FORM, profile, "masern_meldung")
    assert {k: got[k].value for k in ("vorname", "nachname", "geburtsdatum", "plz", "ort", "strasse")} == {
        "vorname": "Thea", "nachname": "Yilmaz", "geburtsdatum": "14.02.2021", "plz": "08838", "ort": "Altenhain",
        "strasse": "Holunderstieg 12a"}
    # the parent's section first on the page: still the child's values
    child, parent = CHILD_FORM.split("\n\n")[1], CHILD_FORM.split("\n\n")[2]
    got = fields(f"Nachweis über Masernschutz\n\n{parent}\n{child}", profile, "masern_meldung")
    assert (got["vorname"].value, got["geburtsdatum"].value, got["ort"].value) == ("Thea", "14.02.2021", "Altenhain")


def test_a_label_wrapped_with_a_remark_takes_the_value_right_of_it(profile):
    text = ("Familienname:   Quast\nVornamen:       Karl\nGeburtsdatum    26.12.2018\n(TT.MM.JJJJ):\n"
            "Wohnort:        Neustadt")
    got = fields(text, profile, "masern_meldung")
    assert got["geburtsdatum"].value == "26.12.2018"


def _line(words: list[tuple[str, float]], y: float, h: float, text: list[str]) -> list[Word]:
    """Words at x positions on one line of height *h*, appended to the page text."""
    pos = sum(len(t) + 1 for t in text)
    out = []
    for s, x in words:
        out.append(Word(s, x, y - h / 2, x + 5.0 * len(s), y + h / 2, pos, pos + len(s)))
        pos += len(s) + 1
    text.append(" ".join(s for s, _ in words))
    return out


def test_a_boxed_iban_in_a_taller_row_below_its_label(profile):
    text: list[str] = []
    ws = _line([("Kontoinhaber/in", 60.0)], 460.0, 7.5, text)
    ws += _line([("Jörg", 60.0), ("Vogelsang", 90.0)], 478.0, 11.0, text)
    ws += _line([("IBAN", 60.0)], 496.0, 7.5, text)
    # one character per box, each box 27 points high: the label's line and the boxes' are far apart by centre
    ws += _line([(c, 67.0 + 12.0 * i) for i, c in enumerate("DE70567656264908238351")], 519.0, 27.0, text)
    ws += _line([("Name", 60.0), ("der", 85.0), ("Bank", 105.0)], 546.0, 7.5, text)
    got = fields("\n".join(text), profile, "eingliederungshilfe", ws)
    assert got["iban"].value == "DE70567656264908238351"


@pytest.mark.parametrize("text", [
    "Familienname:   Quast\nGeburts-        26.12.2018\ndatum:\nWohnort:        Neustadt",  # hyphen, value right
    "Familienname:   Quast\nGeburts-\ndatum\n26.12.2018\nWohnort:        Neustadt",  # hyphen, value below
])
def test_a_label_word_broken_over_two_lines(profile, text):
    assert fields(text, profile, "kfz_zulassung")["geburtsdatum"].value == "26.12.2018"


def test_a_label_broken_without_hyphen_in_a_narrow_column(profile):
    text = ("Fahrzeug-Identifizieru        Wohnort: Neustadt\nngsnummer:                    PLZ: 12345\n"
            "ZFAM5NR4LVUK2CB62\nFamilienname:   Quast")
    got = fields(text, profile, "kfz_zulassung")
    assert (got["fin"].value, got["plz"].value) == ("ZFAM5NR4LVUK2CB62", "12345")


def test_a_remark_line_under_a_label_is_part_of_it(profile):
    text = "Aktenzeichen        Antrag auf Erteilung\n(falls bekannt)\nAB 5 - 52.20 - 3136/25\nFamilienname:   Quast"
    assert fields(text, profile, "waffen_antrag")["aktenzeichen"].value == "AB 5 - 52.20 - 3136/25"


BOX_FORM = """Persönliche Daten
Familienname        Geburtsname        Vorname(n)
Yilmaz              Krämer             Mareike
Staatsangehörigkeit Geb.-Datum         Straße
deutsch             25.12.1986         Birkenallee
Hausnummer          PLZ                Wohnort
103c                77751              Düsterbrook

Bevollmächtigte/r Vollmacht bitte beifügen
Familienname        Geburtsname        Vorname(n)
Rohde               Sauerbrey          Wolfgang
Straße              Hausnr.            Postleitzahl
Holunderstieg       37                 71449
Gemeinde / Ort
Rabenstein
"""


def test_a_box_form_street_and_number_in_cells_of_their_own_and_a_heading_with_a_remark(profile):
    got = fields(BOX_FORM, profile, "waffen_antrag")
    assert {k: got[k].value for k in ("nachname", "vorname", "strasse", "plz", "ort")} == {
        "nachname": "Yilmaz", "vorname": "Mareike", "strasse": "Birkenallee 103c", "plz": "77751", "ort": "Düsterbrook"}


TWO_COLUMNS = """Halter/in                          SEPA-Lastschriftmandat für die Kraftfahrzeugsteuer
Rufname:       Anna-Lena           Bankverbindung (IBAN):  DE89 3704 0044 0532 0130 00
Name:          Grünwald            BIC:                    COBADEFFXXX
PLZ:           42551               Bevollmächtigte/r
Wohnort:       Birkenfelde         Vornamen:               Chiara
Telefon:       02556/2679167       Name:                   Maaß
Angaben zum Fahrzeug               Postleitzahl:           55331
Fahrgestellnummer: ZFAHPN1YH2AR4KRPK  Wohnort:             Altenhain
                                   Telefonnummer:          02897 3434409
"""


def test_a_heading_of_the_right_column_in_a_row_of_the_left_one(profile):
    ex_ = ex.LabelExtractor()
    cands = ex.candidates(_doc(TWO_COLUMNS, "kfz_zulassung"), profile)
    roles = {(c.field, c.value): c.role for c in cands if c.source == "right"}
    assert roles[("plz", "42551")] == "applicant" and roles[("plz", "55331")] == "representative"
    # the left column's "Angaben zum Fahrzeug" does not reach into the right column
    assert roles[("telefon", "02897 3434409")] == "representative"
    got = {k: v.value for k, v in ex.extract(_doc(TWO_COLUMNS, "kfz_zulassung"), profile, [ex_]).items()}
    assert (got["plz"], got["ort"], got["telefon"]) == ("42551", "Birkenfelde", "02556/2679167")


def test_labels_in_the_cells_of_a_table_row_are_one_each(profile):
    text = ("Familienname            Vorname(n)\nvon der Heide           Jana Maria\nGeburtsdatum            Geburtsort\n"
            "07.08.1990              Bad Soden")
    got = fields(text, profile, "waffen_antrag")
    assert (got["nachname"].value, got["vorname"].value, got["geburtsdatum"].value) == \
        ("von der Heide", "Jana Maria", "07.08.1990")


def test_the_next_label_under_a_value_is_not_part_of_a_label(profile):
    text = "Vorname:       Geburtsdatum:\nJana           07.08.1990\nAnschrift:\nLindenweg 4a\n12345 Musterstadt"
    got = fields(text, profile, "waffen_antrag")
    assert (got["vorname"].value, got["strasse"].value, got["plz"].value, got["ort"].value) == \
        ("Jana", "Lindenweg 4a", "12345", "Musterstadt")


def test_street_and_house_number_in_two_cells_of_a_table_row(profile):
    text = ("Vorname     Name\nMareike     Demir\nStraße                                  Hausnr.\n"
            "Brunnenweg                              104-106\nPostleitzahl                            Wohnort\n"
            "95088                                   Altenhain\n\nGrundstückseigentümer/in\nVorname     Name\n"
            "Finn        Schreiber\nStraße                                  Hausnummer\n"
            "Weidenring                              100\n")
    got = fields(text, profile, "bauantrag")
    # "Straße" alone is a weak label; with its house number's label beside it, the pair is not
    assert got["strasse"].value == "Brunnenweg 104-106" and got["strasse"].confidence >= 0.8


def test_labels_with_a_remark_line_under_each_other_beside_their_values(profile):
    text = ("Wunschkennzeichen      QL-Y 7702H\n(reserviert):\nVersicherungsbestätigung  NF1FRCW\n(eVB):\n"
            "Familienname:          Quast")
    got = fields(text, profile, "kfz_zulassung")
    assert (got["kennzeichen"].value, got["evb"].value) == ("QL-Y 7702H", "NF1FRCW")


def test_a_childs_box_form_street_value_starting_like_a_label_and_a_date_in_boxes(profile):
    text = ("Angaben zum Kind\nRufname        Name           Straße / Nr.\nElias          Eggers         Straße des Friedens 103\n"
            "Postleitzahl, Wohnort                                   Geb.-Datum\n"
            "                                                        Tag    Monat  Jahr\n"
            "14101 Bad Quellenau\n"
            "                                                        1 3    0 4    2 0 2 3\n"
            "Erziehungsberechtigte/r\nRufname        Zuname         Straße / Nr.\nEckhard        Vogelsang      Am Hang 5\n")
    got = fields(text, profile, "masern_meldung")
    assert {k: got[k].value for k in ("vorname", "nachname", "strasse", "geburtsdatum")} == {
        "vorname": "Elias", "nachname": "Eggers", "strasse": "Straße des Friedens 103", "geburtsdatum": "13.04.2023"}


def test_an_iban_wrapped_in_a_narrow_column_is_joined_when_its_check_digits_add_up(profile):
    text = ("Vorname:     Jörg               Name des Kontoinhabers:  Jörg Vogelsang\n"
            "Name:        Vogelsang          IBAN:                    DE58 8710 3796 4697\n"
            "Straße:      Querstraße 63a                              3004 93\n"
            "PLZ:         12345              BIC:                     WVGVYZ21XXX\n")
    got = fields(text, profile, "kfz_zulassung")
    assert got["iban"].value == "DE58871037964697300493"
    # groups that do not complete the IBAN stay where they are
    other = text.replace("3004 93", "1234 56")
    assert fields(other, profile, "kfz_zulassung").get("iban") is None or \
        fields(other, profile, "kfz_zulassung")["iban"].confidence <= 0.3


def test_a_labels_word_ending_a_sentence_is_no_label(profile):
    text = ("Hiermit beantrage ich die Baugenehmigung. Das Grundstück liegt in der angegebenen\n"
            "Gemarkung. Die Bauvorlagen liegen diesem Antrag bei.\nNachname\nNeumann\nGemarkung\nAltdorf\nFlur\n37")
    cands = ex.candidates(_doc(text, "bauantrag"), profile)
    assert [c.value for c in cands if c.field == "gemarkung" and c.source in ("right", "below")] == ["Altdorf"]


# -- born12: which number is the file number, values broken over lines ----------------------

_WBK = "Antrag auf Erteilung einer Waffenbesitzkarte\n\n{}\nName: Weber\nVorname: Jana\n"


@pytest.mark.parametrize("line", [
    "Kassenzeichen: 5.0123.456789.1", "Kassenzeichen: ZUL-2026-00871",  # a payment reference, even in the county's shape
    "Unser Zeichen: K 7 - 55.01 - 12/26",  # the writer's own reference
    "Antragsnummer: 32.1-1234/2026", "Antragsnummer: ANT-2026-004711", "Vorgangsnummer: 63-BA-2026/0412",  # a portal's
    "Registriernummer (falls vorhanden): 09 123 456 7890", "Bearbeitungsnummer: B-2026/0815",
    "Vorgangsnummer\n12.8.5-116/2026", "Az.: BL 3 - 64.97 - 2068/25      Kassenzeichen: 26.5.6-803/2026",  # below, beside
])
def test_another_offices_number_is_never_the_aktenzeichen(profile, line):
    got = fields(_WBK.format(line), profile)
    assert "aktenzeichen" not in got or got["aktenzeichen"].value == "BL 3 - 64.97 - 2068/25"


@pytest.mark.parametrize("line,az", [
    ("Az. 32.3 - W - 7111/26", "32.3 - W - 7111/26"),  # "Az." without colon, a file number after it
    ("Az. S 55 - 1111/2025", "S 55 - 1111/2025"),
    ("Geschäftszeichen\n32.3 - W - 7111/26 03.06.26", "32.3 - W - 7111/26"),  # the letter's date beside it
])
def test_file_number_under_its_own_label(profile, line, az):
    assert fields(_WBK.format(line), profile)["aktenzeichen"].value == az


def test_az_without_colon_before_words_is_no_label(profile):
    assert "aktenzeichen" not in fields(_WBK.format("Az. des Landratsamts bitte angeben"), profile)


@pytest.mark.parametrize("text,field,want", [
    ("Ich beantrage die Neuzulassung des Fahrzeugs mit der FIN WVWW5KZDBCDRV9\nS7T. Danke.", "fin", "WVWW5KZDBCDRV9S7T"),
    ("mit der Fahrzeug-Identifizierungsnummer TMB9SWJPM\nSC4X3ESR. Das Kennzeichen", "fin", "TMB9SWJPMSC4X3ESR"),
    ("Ich beantrage die Zulassung, die eVB-Nummer lautet TJR\nF6FJ. Danke.", "evb", "TJRF6FJ"),
])
def test_a_code_broken_over_the_lines_of_a_sentence(profile, text, field, want):
    assert fields(f"Antrag auf Zulassung\n\n{text}\n", profile, "kfz_zulassung")[field].value == want


@pytest.mark.parametrize("text,field", [
    ("mit der FIN WVWW5KZDBCDRV9\nS7TX9. Danke.", "fin"),  # 19 characters joined: not a FIN
    ("die eVB-Nummer lautet TJR\nFAHRZEUG ist versichert.", "evb"),
])
def test_a_broken_code_of_the_wrong_length_is_not_joined(profile, text, field):
    got = fields(f"Antrag auf Zulassung\n\n{text}\n", profile, "kfz_zulassung")
    assert field not in got or got[field].confidence < 0.9


def test_a_word_printed_over_the_value_leaves_it_unsure(profile):
    """A stamp's word ("Kreisverwaltung") set over the cell of "Familienname: Demir" comes later in the
    page's text: the value read with it is not sure (it was 'Kreisverwaltung Demir' at 0.99)."""
    text = "Anmeldung zur Sperrmüllabholung\nFamilienname: Demir\nRufname: Özlem\nKreisverwaltung"
    s = text.index
    ws = [Word("Anmeldung", 60, 100, 110, 108, 0, 9), Word("zur", 112, 100, 125, 108, 10, 13),
          Word("Sperrmüllabholung", 127, 100, 200, 108, 14, 31),
          Word("Familienname:", 59.5, 156.4, 107.2, 164.7, s("Familienname:"), s("Familienname:") + 13),
          Word("Demir", 153.0, 156.3, 170.7, 169.4, s("Demir"), s("Demir") + 5),
          Word("Rufname:", 59.5, 176.4, 95.2, 184.7, s("Rufname:"), s("Rufname:") + 8),
          Word("Özlem", 153.0, 176.3, 175.7, 184.4, s("Özlem"), s("Özlem") + 5),
          Word("Kreisverwaltung", 134.1, 158.5, 203.5, 170.0, s("Kreis"), len(text))]
    got = fields(text, profile, None, ws)
    assert "nachname" not in got or got["nachname"].value == "Demir" or got["nachname"].confidence < 0.9


def _side_by_side(h1: str, h2: str, a: tuple, b: tuple) -> str:
    rows = [("Familienname", a[0], b[0]), ("Vorname", a[1], b[1]), ("Straße und Hausnummer", a[2], b[2]),
            ("PLZ, Ort", a[3], b[3])]
    t = "Antrag auf Eingliederungshilfe\n\nAngaben zu den Personen\n" + " " * 30 + f"{h1:<30}{h2}\n"
    return t + "".join(f"{lab:<30}{x:<30}{y}\n" for lab, x, y in rows)


_WEBER = ("Weber", "Jana", "Lindenweg 4", "12345 Musterstadt")
_KRAUSE = ("Krause", "Tim", "Ringstraße 9", "54321 Anderort")


@pytest.mark.parametrize("h1,h2,a,b", [
    ("Antragsteller/in", "Bevollmächtigte/r", _WEBER, _KRAUSE), ("Bevollmächtigte/r", "Antragsteller/in", _KRAUSE, _WEBER),
    ("Leistungsberechtigte Person", "Gesetzliche Vertretung", _WEBER, _KRAUSE),
    ("Gesetzliche/r Betreuer/in", "Antragstellende Person", _KRAUSE, _WEBER),
])
def test_persons_side_by_side_the_applicants_column(profile, h1, h2, a, b):
    """Two persons in the columns of one table: the applicant's column, wherever it stands."""
    got = fields(_side_by_side(h1, h2, a, b), profile, "eingliederungshilfe")
    want = {"nachname": "Weber", "vorname": "Jana", "strasse": "Lindenweg 4", "plz": "12345", "ort": "Musterstadt"}
    assert {k: got[k].value for k in want if k in got} == want


@pytest.mark.parametrize("head,want", [
    ("SV Grün-Weiß Oberwiesenbach e.V.\nKastanienhof 93 · 09526 Hohenlinden-Süd · Telefon 02416 1158941",
     {"strasse": "Kastanienhof 93", "plz": "09526", "ort": "Hohenlinden-Süd"}),  # a club's letter head
    ("TSV Musterhausen 1890 e.V. · Schulstraße 117 · 49374 Musterhausen",
     {"strasse": "Schulstraße 117", "plz": "49374", "ort": "Musterhausen"}),  # its return-address line
    ("Sönke von Ahlen · An der Alten Ziegelei 32 · 82756 Hohenlinden-Süd",
     {"vorname": "Sönke", "nachname": "von Ahlen", "strasse": "An der Alten Ziegelei 32", "plz": "82756"}),
])
def test_a_senders_address_on_one_line(profile, head, want):
    text = f"{head}\n\nLandkreis Musterland\nKreishausstraße 1\n12345 Kreisstadt\n\nAntrag auf Förderung\n\n" \
           "Sehr geehrte Damen und Herren,\nwir beantragen einen Zuschuss.\n"
    got = fields(text, profile)
    assert {k: got[k].value for k in want if k in got} == want


def test_the_authoritys_address_line_is_not_the_senders(profile):
    text = "Landkreis Musterland · Kreishausstraße 1 · 12345 Kreisstadt\n\nAntrag\n\nName: Weber\n"
    assert "strasse" not in fields(text, profile)


def test_short_words_of_a_large_font_stay_in_their_cell():
    """"Neustadt a. d. Weide" set large: the gaps after "a." and "d." are no cell borders."""
    from ekte.stages.layout import rows
    ws = [Word("Wohnort", 62.4, 254.5, 90.7, 262.9, 0, 7), Word("Neustadt", 228.1, 248.8, 271.1, 275.6, 8, 16),
          Word("a.", 278.4, 248.8, 286.1, 275.6, 17, 19), Word("d.", 293.5, 248.8, 300.9, 275.6, 20, 22),
          Word("Weide", 306.2, 248.8, 340.9, 275.6, 23, 28)]
    (row,) = rows(ws)
    assert [[w.text for w in c] for c in row.cells] == [["Wohnort"], ["Neustadt", "a.", "d.", "Weide"]]


def test_postleitzahl_wohnort_in_one_box_is_one_label(profile):
    text = "Anmeldung\nPostleitzahl, Wohnort\n53561 Bad Quellenau\nTelefon"
    ws = [Word("Anmeldung", 60, 100, 110, 108, 0, 9), Word("Postleitzahl,", 60.1, 220.4, 92.1, 227.6, 10, 23),
          Word("Wohnort", 93.7, 220.4, 116.8, 227.6, 24, 31), Word("53561", 62.1, 232.4, 78.9, 245.5, 32, 37),
          Word("Bad", 81.2, 232.4, 94.6, 245.5, 38, 41), Word("Quellenau", 94.6, 232.4, 124.1, 245.5, 42, 51),
          Word("Telefon", 60.1, 252.4, 90.1, 259.6, 52, 59)]
    got = fields(text, profile, None, ws)
    assert (got["plz"].value, got["ort"].value) == ("53561", "Bad Quellenau")
