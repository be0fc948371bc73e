"""Extraction on printed layouts ekte's generator does not draw (issue 10, recall10): a
case-management print-out with numbered items and dot leaders, a portal's summary with
numbered items and values in a cell of their own, gendered pairs as headings, and a letter
whose sender stands in its footer below the closing.  Values invented; each case is a
layout pattern, not a wording."""

import pytest

from ekte.model import Classification, Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.extract.lexicon import lexicon, norm_word, section_of
from ekte.stages.layout import Word


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def fields(text, profile, doctype=None):
    d = Document(sha256="c" * 64, source="x", size=1, media_type="application/pdf", received="2026-03-01T10:00:00+01:00")
    d.page_texts = [text]
    if doctype:
        d.classification = Classification(doctype, 0.9)
    got = ex.extract(d, profile, [ex.LabelExtractor()])
    return {k: str(v.value).casefold() for k, v in got.items() if v.method != "intake"}


@pytest.mark.parametrize("word,key,ends", [
    ("VORNAME..........................:", "vorname", True), ("Ort, Datum", "ort,", False),
    ("NAME......", "name", True), ("Nr.", "nr.", False), ("......:", "", True), ("geb.", "geb.", False),
])
def test_a_dot_leader_is_no_part_of_its_label(word, key, ends):
    from ekte.stages.extract.lexicon import ends_label

    assert norm_word(word.split()[0]) == key
    assert ends_label(word) is ends


PRINTOUT = """LANDKREIS MUSTERLAND                               FV-MUSTER 2000
ANZEIGE UEBER DAS HALTEN EINES HUNDES
A  TIERHALTERIN / TIERHALTER
01 VORNAME..................................: ANNA
02 NAME.....................................: WEBERLING
03 ANSCHRIFT................................: LINDENWEG 4A, 12345 MUSTERSTADT
04 TEL. (TAGSUEBER)..........................: 0421 123456
B  STANDORT DER TIERHALTUNG
05 STANDORT (STRASSE, NR.)..................: FAEHRWEG 145
06 PLZ / ORT DES STANDORTES.................: 58623 BREDENBEK
"""


def test_a_printout_with_numbered_items_and_dot_leaders(profile):
    got = fields(PRINTOUT, profile, "tierhaltung")
    assert got.get("vorname") == "anna" and got.get("nachname") == "weberling"
    assert got.get("strasse") == "lindenweg 4a" and got.get("plz") == "12345"
    assert got.get("ort") == "musterstadt" and got.get("telefon") == "0421 123456"


PORTAL = """Serviceportal Musterland - Bauantrag
2 Bauherrin / Bauherr
2.1 Vor- und Familienname      Jana Weberling
2.2 Straße und Hausnummer      Lindenweg 4a
2.3 Postleitzahl und Ort       12345 Musterstadt
2.4 Telefon                    0421 123456
2.6 Ort                        Musterstadt
3 Personensorgeberechtigte/r
3.1 Name, Vorname              Weberling, Jan
"""


def test_numbered_items_of_a_portal_summary(profile):
    got = fields(PORTAL, profile, "bauantrag")
    assert got.get("telefon") == "0421 123456"  # a weak label after its item's number, its value in the next cell
    assert got.get("ort") == "musterstadt"  # not the heading under it
    assert got.get("vorname") == "jana" and got.get("nachname") == "weberling"


@pytest.mark.parametrize("heading,role", [
    ("Bauherrin / Bauherr", "applicant"), ("2 Bauherrin / Bauherr", "applicant"),
    ("TIERHALTERIN / TIERHALTER", "applicant"), ("Tierhalter / Tierhalterin", "applicant"),
])
def test_a_gendered_pair_of_a_known_heading(profile, heading, role):
    assert section_of(heading, lexicon(profile)) == role


def _letter(signer: str, body: str) -> str:
    return f"""                                                   Aktenzeichen
Landkreis Musterland                               40.52-9929/2026
Gesundheitsamt
                                                   Datum
Postfach 11 22                                     20.01.2026
29998 Musterstadt


Antrag auf Belehrung

Sehr geehrte Damen und Herren,
hiermit beantrage ich das im Betreff genannte Verfahren.
{body}
Mit freundlichen Grüßen
{signer}





{signer} · Lindenweg 4a · 12345 Altenhain
Telefon 0421 123456 · E-Mail post@example.org
"""


OWN = """Angaben zur Person, die belehrt wird:
Familienname:  Weberling
Vorname:       Jana
"""


def test_a_letters_footer_is_its_writers_and_the_window_its_recipient(profile):
    got = fields(_letter("Jana Weberling", OWN), profile, "ifsg_belehrung")
    assert got.get("strasse") == "lindenweg 4a" and got.get("plz") == "12345" and got.get("ort") == "altenhain"
    assert got.get("telefon") == "0421 123456"


GUARDIAN = OWN + """Gesetzliche Betreuerin / gesetzlicher Betreuer:
Familienname:  Kottmann
Vorname:       Maren
"""


def test_a_footer_of_someone_writing_for_the_person_is_not_the_persons(profile):
    lab = ex.LabelExtractor()
    d = Document(sha256="c" * 64, source="x", size=1, media_type="application/pdf", received="2026-03-01T10:00:00+01:00")
    d.page_texts = [_letter("Maren Kottmann", GUARDIAN)]
    d.classification = Classification("ifsg_belehrung", 0.9)
    got = ex.extract(d, profile, [lab])
    assert got["nachname"].value == "Weberling"
    tel = got.get("telefon")  # the guardian's: never sure as the person's
    assert tel is None or tel.confidence < profile.extract.auto_threshold
    assert got.get("plz") is None or got["plz"].value != "29998"  # the window is the recipient's


@pytest.mark.parametrize("line,az", [
    ("Vorgangsnummer (Az.): 50.3 EGH 00349", "50.3 EGH 00349"),  # another number's label said to be the file number
    ("4.1 Az. (falls bekannt)      32.2 WK 9230/2026", "32.2 WK 9230/2026"),  # a remark, the value in the next cell
])
def test_a_file_number_under_a_label_with_a_remark(profile, line, az):
    got = fields(f"Antrag auf Erteilung einer Erlaubnis\n{line}\n", profile, "waffen_antrag")
    assert got.get("aktenzeichen") == az.casefold()


def test_a_portals_submission_number_and_date(profile):
    text = ("Serviceportal Musterland - Bauantrag\nAntrags-ID: MUS-2026-878898    Eingereicht am: 17.9.2026, 17:13 Uhr\n"
            "2 Bauherrin / Bauherr\n2.1 Vor- und Familienname      Jana Weberling\n")
    got = fields(text, profile, "bauantrag")
    assert "aktenzeichen" not in got  # a portal's submission number is no file number
    assert got.get("antragsdatum") == "17.09.2026"


def _page(rows: list[list[tuple[str, float]]]) -> tuple[str, list[Word]]:
    """A page in a proportional font: each row's words at their x, 10 high (6 points a letter, 3.5 a digit or dot)."""
    text, words = "", []
    for r, row in enumerate(rows):
        for k, (t, x) in enumerate(row):
            start = len(text)
            text += t + ("\n" if k == len(row) - 1 else " ")
            words.append(Word(t, x, 20.0 * r, x + sum(3.5 if ch.isdigit() or ch == "." else 6.0 for ch in t), 20.0 * r + 10, start, start + len(t)))
    return text, words


def _born(text: str, words: list[Word], doctype: str) -> Document:
    d = Document(sha256="c" * 64, source="x", size=1, media_type="application/pdf", received="2026-03-01T10:00:00+01:00")
    d.page_texts, d.extra["page_words"] = [text], [[tuple(w) for w in words]]
    d.classification = Classification(doctype, 0.9)
    return d


def test_the_next_items_number_is_no_value_below_a_label(profile):
    text, words = _page([
        [("Bezug", 50)],
        [("6.1", 50), ("Vorgangsnummer", 64), ("(Az.)", 152), ("(falls", 183), ("bekannt)", 223), ("StVA-2026-55039", 340)],
        [("6.2", 50), ("Kassenzeichen", 64), ("(falls", 146), ("bekannt)", 186), ("8125.493595", 340)],
    ])
    got = ex.extract(_born(text, words, "kfz_zulassung"), profile, [ex.LabelExtractor()])
    assert got["aktenzeichen"].value == "StVA-2026-55039"  # not "6.2", the next item's number below the label


@pytest.mark.parametrize("text,want", [
    ("Vorname: Ingo\nName: de Vries\n", ("ingo", "de vries")),  # a family name with its particle
    ("Vorname: Lasse\nName: von der Heide\n", ("lasse", "von der heide")),
])
def test_a_family_name_with_its_particle(profile, text, want):
    got = fields("Antrag auf Eingliederungshilfe\nLeistungsberechtigte Person\n" + text, profile, "eingliederungshilfe")
    assert (got.get("vorname"), got.get("nachname")) == want


def test_a_site_is_no_ones_address(profile):
    from ekte.stages.extract.lexicon import words_role

    assert section_of("B  STANDORT DER TIERHALTUNG", lexicon(profile)) == "neutral"
    assert words_role(["DES", "STANDORTES..........:"]) == "place"  # "PLZ / ORT DES STANDORTES": the site's


FAX_PAGE = """Bescheinigung über die Belehrung nach § 43 IfSG
Gz.:     IfSG-B 2026/09299

Angaben zur Person, die belehrt wird
Vor- und Familienname         Ilka Lüdemann
Geburtsdatum                  12.6.1988
Anschrift                     Ringstraße 57, 46432 Süderhastedt
Arbeitgeber / Betrieb (künftige Tätigkeit)
Betrieb                       Bäckerei Petersen-Ruge GmbH
"""


def test_a_label_alone_in_its_cell_is_as_good_as_one_with_a_colon(profile):
    d = Document(sha256="c" * 64, source="x", size=1, media_type="application/pdf", received="2026-03-01T10:00:00+01:00")
    d.page_texts = ["Telefax\nAn: Landkreis Musterland\nAnbei übersende ich Ihnen den Antrag vorab per Fax.\n", FAX_PAGE]
    d.classification = Classification("ifsg_belehrung", 0.9)
    got = ex.extract(d, profile, [ex.LabelExtractor()])
    for name, want in (("strasse", "Ringstraße 57"), ("plz", "46432"), ("ort", "Süderhastedt")):
        assert got[name].value == want and got[name].confidence >= profile.extract.auto_threshold, name


BOX_FORM = """Antrag auf Gewährung eines Zuschusses zum Sportstättenbau
Antragsteller (Verein)
Name des Vereins
FC Musterdorf e.V.
1. Vorsitzende/r
Anrede              Titel
Frau
Vorname             Familienname
Jana                Weberling
"""


def test_a_box_forms_salutation_and_title_are_labels_not_a_name(profile):
    got = fields(BOX_FORM, profile, "sportstaetten_foerderung")
    assert (got.get("vorname"), got.get("nachname")) == ("jana", "weberling")
    d = Document(sha256="c" * 64, source="x", size=1, media_type="application/pdf", received="2026-03-01T10:00:00+01:00")
    d.page_texts = [BOX_FORM]
    d.classification = Classification("sportstaetten_foerderung", 0.9)
    assert not [c.value for c, _ in ex.featurized(d, profile) if c.value in ("Anrede", "Titel")]  # never a value


def test_a_fuzzy_label_does_not_swallow_the_values_first_word(profile):
    from ekte.stages.extract.candidates import row_hits
    from ekte.stages.layout import rows

    text, words = _page([[("Straße,", 60), ("Hausnummer", 104), ("Am", 200), ("Hohen", 218), ("Tor", 254), ("79", 278)],
                         [("Vereinsregister", 60), ("VR", 199.9), ("4991", 216)]])  # its column, 0.1 pt to the left
    rws = rows(words)
    hits = row_hits(rws[0], lexicon(profile), profile.extract.label_similarity, rws[1])
    assert [(h.label.field, h.j) for h in hits][:1] == [("strasse", 2)]  # "Am" is the value's
    got = ex.extract(_born(text, words, "sportstaetten_foerderung"), profile, [ex.LabelExtractor()])
    assert got["strasse"].value == "Am Hohen Tor 79"


def test_a_stacked_address_past_a_line_of_the_next_column(profile):
    text, words = _page([
        [("Angaben", 60), ("zur", 108), ("Halterin", 130)],
        [("Familienname:", 60), ("Weberling", 140)],
        [("Anschrift:", 60), ("Lindenweg", 140), ("47", 196)],
        [("Anrede:", 320), ("Frau", 390)],  # the right column's line, between the two lines of the address
        [("62909", 140), ("Rabenstein", 161), ("(Musterland)", 224)],
    ])
    ys = {0: 0, 20: 14, 40: 28, 60: 36, 80: 42}  # the right column's line half a line below the street's
    words = [w._replace(y0=ys[w.y0], y1=ys[w.y0] + 10) for w in words]
    got = ex.extract(_born(text, words, "kfz_zulassung"), profile, [ex.LabelExtractor()])
    assert (got["strasse"].value, got["plz"].value, got["ort"].value) == ("Lindenweg 47", "62909", "Rabenstein (Musterland)")


def test_a_clubs_seat_is_its_address(profile):
    text = "Antragsteller (Verein)\nVereinsname:    TG Musterdorf 1888 e.V.\nHauptwohnsitz:  Im Winkel 148, 72259 Neustadt\n"
    got = fields(text, profile, "sportstaetten_foerderung")
    assert (got.get("strasse"), got.get("plz"), got.get("ort")) == ("im winkel 148", "72259", "neustadt")


def test_someone_elses_telephone_is_not_the_applications(profile):
    text = ("Angaben zur Person, die belehrt wird\nFamilienname:  Weberling\nVorname:       Jana\n"
            "Arbeitgeber / Betrieb\nBetrieb:       Bäckerei Petersen GmbH\nTelefon:       0421 999999\n"
            "E-Mail:        info@baeckerei.example\n")
    got = fields(text, profile, "ifsg_belehrung")
    assert got.get("nachname") == "weberling" and "telefon" not in got and "email" not in got
