"""Whose value it is (issue 10): a person's or a vehicle's value is *sure* (>= extract.auto_threshold)
only on positive evidence that it is the application's -- its section or its label says so, or the form
has one person.  Someone else's values (a previous holder, a parent, an employer, a representative, a
club's chair's date of birth, a previous vehicle's plate) are never sure as the applicant's.  Values
invented; each case is a pattern of real forms, not a layout of a generator."""

import pytest

from ekte.model import Classification, Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.extract.lexicon import lexicon, section_of
from ekte.stages.extract.patterns import stamp_candidates, stamp_date_candidates
from ekte.stages.extract.values import parse_date

AUTO = 0.9


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def fields(text: str, profile, doctype: str | None = None):
    d = Document(sha256="c" * 64, source="x", size=1, media_type="application/pdf", received="2026-03-01T10:00:00+01:00")
    d.page_texts = [text]
    if doctype:
        d.classification = Classification(doctype, 0.9)
    got = ex.extract(d, profile, [ex.LabelExtractor()])
    return {k: v for k, v in got.items() if v.method != "intake"}


@pytest.mark.parametrize("raw,want", [
    ("21. FEB, 2026", "21.02.2026"), ("3. März, 2026", "03.03.2026"), ("21. Feb., 2026", "21.02.2026"),
])
def test_a_month_name_with_a_comma_before_the_year(raw, want):
    assert parse_date(raw) == want
    assert parse_date("am 3. Mai, 12 Uhr") is None  # a comma and two digits: a time, not a year


def test_a_received_stamp_with_a_comma_before_the_year():
    assert [c.value for c in stamp_candidates(1, "Eingegangen\n21. FEB, 2026\n")] == ["21.02.2026"]
    assert [c.value for c in stamp_date_candidates(1, "Landkreis\n21. FEB, 2026\nFD 43\n")] == ["21.02.2026"]


@pytest.mark.parametrize("heading,role", [
    ("Angaben zum bisherigen Halter", "other"), ("Vorbesitzer/in", "other"), ("Halter/in bisher", "other"),
    ("Angaben zum Vorfahrzeug", "other"), ("Mitantragsteller/in", "other"), ("Wohnungsgeber/in", "other"),
    ("Angaben zur Halterin / zum Halter", "applicant"),
    # numbered without a dot, or with a colon; a known heading and a remark after a comma
    ("2 Leistungsberechtigte Person", "applicant"), ("A ANGABEN ZUR HALTERIN / ZUM HALTER", "applicant"),
    ("Abschnitt 3: Bevollmächtigte/r", "representative"), ("Angaben zur Person, die belehrt wird", "applicant"),
    ("Dieser Antrag", None),
    # a short heading of its own, by the word that says whose; not a label, not a sentence's end
    ("Eltern", "representative"), ("Mutter / Vater", "representative"), ("Personensorgeberechtigte", "representative"),
    ("Verfahrensbevollmächtigte/r", "representative"), ("Vormund", "representative"), ("Ehepartner/in", "other"),
    ("Gesetzliche Betreuerin / gesetzlicher Betreuer", "representative"),
    ("Name der Mutter", None), ("Grundschule am Weiher betreut.", None), ("Fachdienst Schule, Kultur und Sport", None),
    ("Kindertagesstätte", None), ("Kind", "subject"),
    # "falls abweichend": someone besides the applicant -- unless it is the applicant's own heading
    ("Halter/in (falls abweichend vom Antragsteller)", "other"), ("Bauherr/in (falls abweichend)", "other"),
    ("Antragsteller/in (falls abweichend vom Halter)", "applicant"),
])
def test_headings_of_someone_before_or_beside_the_applicant(profile, heading, role):
    assert section_of(heading, lexicon(profile)) == role


KFZ = "Antrag auf Zulassung eines Fahrzeugs\nFamilienname: Weber\nVorname: Jana\nGeburtsdatum: 07.08.1990\n"


@pytest.mark.parametrize("line", ["Bisheriges Kennzeichen: MU-AB 123", "Früheres amtliches Kennzeichen: MU-AB 123",
                                  "Kennzeichen (alt): MU-AB 123", "Kennzeichen (bisher): MU-AB 123"])
def test_a_previous_vehicles_plate_is_never_the_applications(profile, line):
    got = fields(KFZ + line + "\n", profile, "kfz_zulassung")
    assert "kennzeichen" not in got or got["kennzeichen"].confidence <= 0.5

def test_the_reserved_plate_beside_a_previous_vehicles(profile):
    got = fields(KFZ + "Kennzeichen des Vorfahrzeugs: MU-AB 123\nReserviertes Kennzeichen: MU-XY 987\n", profile,
                 "kfz_zulassung")
    # the reserved plate is the application's, and the previous one no rival of it
    assert got["kennzeichen"].value == "MU-XY 987" and got["kennzeichen"].confidence >= AUTO


def test_an_address_under_a_name_labelled_as_someone_elses_is_theirs(profile):
    text = ("Angaben zum Antragsteller\nFamilienname: Weber\nVorname: Jana\nGeburtsdatum: 07.08.1990\n"
            "Name, Vorname des Vorbesitzers: Berger, Klaus\nStraße: Ringweg 9\nPLZ: 54321\nOrt: Anderswo\n")
    got = fields(text, profile, "tierhaltung")
    assert got["nachname"].value == "Weber"
    for name in ("strasse", "plz", "ort"):
        assert name not in got or got[name].confidence < AUTO, name


@pytest.mark.parametrize("line,field", [
    ("PLZ/Ort der Mutter: 12345 Musterstadt", "plz"), ("Telefon (Arbeitgeber): 0421 123456", "telefon"),
    ("E-Mail (Bevollmächtigte/r): j.kurz@example.org", "email"), ("Geburtsdatum des Vaters: 01.01.1970", "geburtsdatum"),
])
def test_a_label_whose_remark_names_someone_else(profile, line, field):
    got = fields("Antrag\nFamilienname: Weber\nVorname: Jana\n" + line + "\n", profile, "waffen_antrag")
    # never sure as the applicant's; and the e-mail address is not taken from its shape instead
    assert field not in got or got[field].confidence <= 0.5, field


def test_a_fuzzy_label_takes_whose_from_its_own_words(profile):
    text = ("Angaben zum Kind\nFamilienname: Weber\nVorname: Mia\nGeburtsdatum: 03.04.2021\n"
            "Geburtsdatum des Vaterz: 01.01.1970\n")  # read as "Geburtsdatum des Kindes", one letter off
    got = fields(text, profile, "masern_meldung")
    assert got["geburtsdatum"].value == "03.04.2021" and got["geburtsdatum"].confidence >= AUTO


def test_a_date_of_birth_the_type_does_not_carry_is_sure_only_in_the_applicants_section(profile):
    club = ("Antrag auf Sportförderung\nAntragstellender Verein\nName des Vereins: TuS Beispiel 1900 e.V.\n"
            "Vorsitzende/r\nFamilienname: Weber\nVorname: Jana\nGeburtsdatum: 07.08.1970\n")
    got = fields(club, profile, "sportstaetten_foerderung")
    assert got["nachname"].value == "Weber"
    assert got["geburtsdatum"].confidence < AUTO  # the chair's, not the club's
    own = "Bauantrag\nAngaben zum Bauherrn\nFamilienname: Weber\nVorname: Jana\nGeburtsdatum: 07.08.1970\n"
    assert fields(own, profile, "bauantrag")["geburtsdatum"].confidence >= AUTO


def test_a_date_of_birth_outside_any_section_needs_the_persons_name_before_it(profile):
    assert fields("Antrag auf Erlaubnis\nGeburtsdatum: 07.08.1990\n", profile, "waffen_antrag")[
        "geburtsdatum"].confidence < AUTO  # whose?
    got = fields("Antrag auf Erlaubnis\nFamilienname: Weber\nVorname: Jana\nGeburtsdatum: 07.08.1990\n", profile,
                 "waffen_antrag")
    assert got["geburtsdatum"].confidence >= AUTO
    # a name in running text before it is one too ("Frau Jana Weber, geb. am …")
    letter = ("Erstbelehrung nach dem Infektionsschutzgesetz\nFrau Jana Weber, geb. am 7. März 1989, wurde am "
              "11. Juni 2025 belehrt.\nUnterschrift Antragsteller/in bzw. Vertreter/in\n")
    got = fields(letter, profile, "ifsg_belehrung")["geburtsdatum"]
    assert got.value == "07.03.1989" and got.confidence >= AUTO


CHILD = ("Meldung nach § 20 Abs. 9 IfSG\nAngaben zum Kind:\nFamilienname: Weber\nVorname(n): Mia\n"
         "Geb.-Datum: 03.04.2021\nEltern\nName, Vorname: Weber, Anna\nStraße: Lindenweg 4\nPLZ: 12345\n"
         "Telefon: 0421 123456\nE-Mail: anna.weber@example.org\n")


def test_a_childs_form_takes_the_childs_values_and_its_parents_contact(profile):
    got = fields(CHILD, profile, "masern_meldung")
    assert (got["vorname"].value, got["nachname"].value) == ("Mia", "Weber") and got["vorname"].confidence >= AUTO
    # the parent's address is not the child's; the parent's telephone and e-mail are how the child is reached
    assert "strasse" not in got or got["strasse"].confidence < AUTO
    assert got["telefon"].value == "0421 123456" and got["telefon"].confidence > 0.5  # not capped as someone else's
    assert got["email"].value == "anna.weber@example.org" and got["email"].confidence >= AUTO
    # on an adult's form the same section is someone else's, contact and all
    adult = CHILD.replace("Angaben zum Kind:", "Angaben zur Person:")
    got = fields(adult, profile, "waffen_antrag")
    assert "email" not in got or got["email"].confidence <= 0.5


def test_a_letter_written_for_someone_else_does_not_give_the_writers_contact(profile):
    letter = ("Kita Pusteblume\nSchäferweg 6\n11572 Rabenstein\nTelefon 0589 450262\n\nSehr geehrte Damen und Herren,\n"
              "hiermit melden wir: Für das Kind Emil Weber, geboren am 19.3.2019, wurde kein Nachweis vorgelegt.\n"
              "Erziehungsberechtigt: Herr Hans Weber, erreichbar unter 08742 3477900.\n"
              "Mit freundlichem Gruß\nMarlene Ruppert\nLeitung der Einrichtung\n")
    got = fields(letter, profile, "masern_meldung")
    assert got.get("telefon") is None or got["telefon"].value != "0589 450262"


def test_a_persons_heading_that_says_not_whose_ends_the_applicants_section(profile):
    text = ("Antrag auf Erlaubnis\nAngaben zum Antragsteller\nFamilienname: Weber\nVorname: Jana\n"
            "Geburtsdatum: 07.08.1990\nAngaben zur Begleitperson\nStraße: Ringweg 9\nPLZ: 54321\nOrt: Anderswo\n")
    got = fields(text, profile, "waffen_antrag")
    assert got["nachname"].value == "Weber" and got["nachname"].confidence >= AUTO
    for name in ("strasse", "plz", "ort"):  # no one's: not the applicant's for sure
        assert name not in got or got[name].confidence < AUTO, name
