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
