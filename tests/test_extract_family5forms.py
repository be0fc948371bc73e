"""Extraction on layouts of real German forms that samples/family5 draws (issue 10): tables of persons
with the captions in a header row and one row per person, a portal's printed summary, a lawyer's
cover letter, received stamps and numbers family4 did not have.  Word boxes as a born-digital page
gives them (one box per word); values invented."""

import pytest

from ekte.model import Classification, Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.layout import Word


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def _page(lines: list[tuple[float, float, list[tuple[str, float]]]]) -> tuple[str, list[Word]]:
    """(baseline y, font size, [(cell text, x)]) per line, in points: a box per word, a cell's words
    a space apart, the page text one line per row."""
    text, words = "", []
    for y, size, cells in lines:
        for k, (cell, x) in enumerate(cells):
            for j, t in enumerate(cell.split()):
                start = len(text)
                text += t + ("\n" if k == len(cells) - 1 and j == len(cell.split()) - 1 else " ")
                words.append(Word(t, x, y - 0.8 * size, x + 0.5 * size * len(t), y + 0.25 * size, start, start + len(t)))
                x += 0.5 * size * (len(t) + 1)
    return text, words


def fields(text, profile, doctype, words=None, sure=False):
    d = Document(sha256="f" * 64, source="x", size=1, media_type="application/pdf", received="2026-11-01T10:00:00+01:00")
    d.page_texts = [text]
    if words:
        d.extra["page_words"] = [[tuple(w) for w in words]]
    d.classification = Classification(doctype, 0.9)
    got = ex.extract(d, profile, [ex.LabelExtractor()])
    return {k: v.value for k, v in got.items() if v.method != "intake" and (not sure or v.confidence >= 0.9)}


def _table(role_column: bool) -> tuple[str, list[Word]]:
    caps = ["Familienname", "Vorname(n)", "Geburtsdatum", "Geburtsort"]
    xs = [40.0, 150.0, 260.0, 370.0]
    rows = [["Hensen", "Gerd", "12.03.1961", "Lohmarhausen"], ["Hensen", "Doris", "02.11.1964", "Izmir"]]
    if role_column:
        caps, xs = ["Person"] + caps, [40.0] + [x + 90 for x in xs]
        rows = [["Antragsteller/in"] + rows[0], ["Ehegatte/-in"] + rows[1]]
    lines = [(40.0, 13, [("Antrag auf Erteilung einer Waffenbesitzkarte", 40)]), (70.0, 10, [("Angaben zu den Personen", 40)]),
             (90.0, 7.5, list(zip(caps, xs)))]
    lines += [(112.0 + 23 * k, 10, list(zip(r, xs))) for k, r in enumerate(rows)]
    adr = [("Straße, Haus-Nr.", 40.0 + 90 * role_column), ("PLZ", 200.0 + 90 * role_column), ("Gemeinde", 260.0 + 90 * role_column)]
    lines += [(180.0, 7.5, ([("Person", 40.0)] if role_column else []) + adr),
              (202.0, 10, ([("Antragsteller/in", 40.0)] if role_column else []) + list(zip(["Kirchplatz 61", "40032", "Mertesheim"], [x for _, x in adr]))),
              (225.0, 10, ([("Ehegatte/-in", 40.0)] if role_column else []) + list(zip(["Deichweg 3", "51234", "Siefenbach"], [x for _, x in adr])))]
    return _page(lines)


@pytest.mark.parametrize("role_column", [True, False])
def test_a_table_of_persons_gives_the_first_rows_values(profile, role_column):
    """Captions in a grey header row, the applicant's values in the row below, the spouse's under them."""
    got = fields(*_table(role_column)[:1], profile, "waffen_antrag", _table(role_column)[1])
    assert {k: got.get(k) for k in ("nachname", "vorname", "geburtsdatum", "strasse", "plz", "ort")} == {
        "nachname": "Hensen", "vorname": "Gerd", "geburtsdatum": "12.03.1961", "strasse": "Kirchplatz 61",
        "plz": "40032", "ort": "Mertesheim"}


def test_the_second_row_of_the_same_role_is_someone_elses(profile):
    """A club's board: "1. Vorsitzende/r" over "2. Vorsitzende/r" -- the first is who represents the club;
    the club's seat ("Sitz") alone is its town."""
    xs = [40.0, 160.0, 260.0, 360.0]
    text, words = _page([(40.0, 13, [("Antrag auf Förderung des Sportstättenbaus", 40)]),
                         (70.0, 7.5, [("Name des Vereins", 40.0), ("Straße, Haus-Nr.", 200.0), ("PLZ", 330.0), ("Sitz", 400.0)]),
                         (92.0, 10, [("TuS Kempershof 1904 e.V.", 40.0), ("In der Kaul 100", 200.0), ("53201", 330.0), ("Kempershof", 400.0)]),
                         (120.0, 10, [("Vertretungsberechtigter Vorstand", 40)]),
                         (140.0, 7.5, list(zip(["Funktion", "Name", "Vorname", "Telefon"], xs))),
                         (162.0, 10, list(zip(["1. Vorsitzende/r", "Hensen", "Aylin", ""], xs))[:3]),
                         (185.0, 10, list(zip(["2. Vorsitzende/r", "Claßen", "Torsten", "0228 123456"], xs)))])
    got = fields(text, profile, "sportstaetten_foerderung", words)
    assert (got.get("nachname"), got.get("vorname"), got.get("ort")) == ("Hensen", "Aylin", "Kempershof")


PORTAL = [(40.0, 12, [("Serviceportal Kreis Lohmarhausen", 40)]), (60.0, 14, [("Zusammenfassung Ihres Antrags", 40)]),
          (90.0, 9.5, [("Übermittlung", 40)]), (108.0, 8, [("Feld", 40), ("Ihre Angabe", 250)]),
          (126.0, 8.5, [("Vorgangs-ID", 40), ("OZG-7873-3612-10", 250)]),
          (144.0, 8.5, [("Eingereicht am", 40), ("14.01.2026, 12:53 Uhr", 250)]),
          (162.0, 8.5, [("Aktenzeichen der Behörde (falls bekannt)", 40), ("52.61-7058/2026", 250)]),
          (180.0, 8.5, [("Mandatsreferenz", 40), ("MR-2021-18188", 250)]),
          (210.0, 9.5, [("Antragsteller (Verein)", 40)]), (228.0, 8, [("Feld", 40), ("Ihre Angabe", 250)]),
          (246.0, 8.5, [("Name der Organisation", 40), ("TuS Kempershof 1904 e.V.", 250)]),
          (800.0, 6.5, [("Gedruckt am 20.01.2026 · https://portal.kreis.example/antrag/TX-2026-779033 · Seite 1 von 1", 40)])]


def test_a_portals_summary(profile):
    """The portal's transaction id, a SEPA mandate's reference and a number in the printout's web address are
    no file numbers; the authority's is under its own label; the submission time is the application's date;
    the column heads "Feld | Ihre Angabe" are no club."""
    got = fields(*_page(PORTAL)[:1], profile, "sportstaetten_foerderung", _page(PORTAL)[1])
    assert (got.get("aktenzeichen"), got.get("antragsdatum"), got.get("verein")) == (
        "52.61-7058/2026", "14.01.2026", "TuS Kempershof 1904 e.V.")


def test_no_file_number_from_a_portal_id_alone(profile):
    lines = [ln for ln in PORTAL if "Aktenzeichen" not in ln[2][0][0]]
    got = fields(*_page(lines)[:1], profile, "sonstiges", _page(lines)[1])
    assert "aktenzeichen" not in got


COVER = """Rechtsanwälte Breuer & Kaya
Auf dem Driesch 28
50383 Burgwinkel
Telefon +49 5473 702078
kanzlei@breuer-recht.example

Kreis Nierstedt
Postfach 10 05
67201 Neukirchen-Hoppe

Antrag auf Belehrung nach § 43 Abs. 1 IfSG

Sehr geehrte Damen und Herren,

namens und in Vollmacht unseres Mandanten, Herrn Klaus Esser,
wohnhaft Goethestraße 12, 51234 Siefenbach,
überreichen wir anliegend den Antrag.

Mit freundlichen Grüßen
Olaf Mertens
Rechtsanwalt
"""


def test_a_lawyers_letter_head_is_not_the_applicants(profile):
    got = fields(COVER, profile, "ifsg_belehrung")
    assert got.get("telefon") != "+49 5473 702078" and got.get("email") != "kanzlei@breuer-recht.example"


@pytest.mark.parametrize("stamp,want", [("Erhalten am 01.03.2026", "01.03.2026"), ("Eing.-Dat. 16.06.26", "16.06.2026"),
                                        ("Eing.-Dat. 18. Juli 2026", "18.07.2026")])
def test_received_stamp_wordings(profile, stamp, want):
    got = fields(f"Kreisverwaltung Lohmarhausen\n{stamp}\nAnzeige der Tierhaltung\nOrt, Datum: Siefenbach, 21.02.2026\n",
                 profile, "tierhaltung")
    assert got.get("eingangsdatum") == want


def test_erhalten_in_running_text_is_no_stamp(profile):
    got = fields("Widerspruch\n\nden Bescheid habe ich erst erhalten am 03.02.2026 und widerspreche ihm.\n", profile,
                 "sonstiges")
    assert "eingangsdatum" not in got


def test_a_two_digit_year_glued_to_letters_is_no_year():
    from ekte.stages.extract.dates import parse_date
    assert parse_date("22. Juni 31F276F-3383") is None and parse_date("22.06.31F27") is None
    assert parse_date("22. Juni 26") == "22.06.2026" and parse_date("22.06.26,") == "22.06.2026"


def test_a_bracketed_area_code_stays_with_the_number(profile):
    text, words = _page([(40.0, 13, [("Anzeige der Tierhaltung", 40)]), (70.0, 10, [("Tierhalter/in", 40)]),
                         (90.0, 7.5, [("Tel. (für Rückfragen)", 40)]), (104.0, 11, [("(02804) 92494-1", 40)])])
    assert fields(text, profile, "tierhaltung", words).get("telefon") == "(02804) 92494-1"


def test_a_label_with_its_value_beside_it_is_no_caption_under_the_heading_above(profile):
    """An items table under a bold heading: the heading is not the first item's value written on a line."""
    text, words = _page([(40.0, 13, [("Zulassungsantrag nach § 6 FZV", 40)]), (70.0, 10, [("Weitere Angaben", 40)]),
                         (84.0, 8, [("Fahrzeug-Ident.-Nr. (FIN)", 42), ("W0L691C6LHMT4T3GB", 210)]),
                         (104.0, 8, [("Versicherungsbestätigung (eVB)", 42), ("FC8UG1Z", 210)])])
    got = fields(text, profile, "kfz_zulassung", words)
    assert (got.get("fin"), got.get("evb")) == ("W0L691C6LHMT4T3GB", "FC8UG1Z")
