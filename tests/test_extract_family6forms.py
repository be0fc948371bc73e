"""Extraction on layouts of real German forms that samples/family6 draws (issue 10): a cloze-text
declaration (values written in gaps of a sentence, the caption small under each gap), captions that
spell out what the value is made of, an e-mail printed with the message it answers, a writer acting
for someone else, a club's deputy chair.  Word boxes as a born-digital page gives them (one box per
word); values invented."""

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


#: "Ich, ___ (Vorname Name), geboren am ___ (Geburtsdatum), wohnhaft in ___ (Straße, Hausnummer), ___ (PLZ, Ort)"
CLOZE = [(40.0, 13, [("Anmeldung zur Belehrung nach dem Infektionsschutzgesetz", 40)]),
         (80.0, 10.5, [("Ich,", 40), ("Carola Naumann", 70), (", geboren am", 160), ("08.09.1960", 250), (", wohnhaft in", 320),
                       ("Waldsiedlung 105", 400)]),
         (90.0, 6.5, [("(Vorname Name)", 66), ("(Geburtsdatum)", 246), ("(Straße, Hausnummer)", 396)]),
         (106.0, 10.5, [("01423 Treuen", 48), (", telefonisch erreichbar unter", 130), ("03427 29928", 300)]),
         (116.0, 6.5, [("(PLZ, Ort)", 44), ("(Telefon)", 296)]),
         (140.0, 10.5, [("melde mich hiermit zur Belehrung an.", 40)])]


def test_a_cloze_texts_gaps_are_read_by_the_captions_under_them(profile):
    """Each gap's value is the one cell over its caption, not the sentence's words around it ("in Waldsiedlung")."""
    text, words = _page(CLOZE)
    got = fields(text, profile, "ifsg_belehrung", words)
    assert {k: got.get(k) for k in ("vorname", "nachname", "strasse", "plz", "ort", "telefon")} == {
        "vorname": "Carola", "nachname": "Naumann", "strasse": "Waldsiedlung 105", "plz": "01423", "ort": "Treuen",
        "telefon": "03427 29928"}


def test_a_caption_that_spells_out_its_parts_is_one_label(profile):
    """"(Anschrift: Straße, Hausnr., PLZ, Ort)" under "Lindenallee 13, 03344 Zwönitzau"; a tick line
    "Anrede: ☒ Herr" above the name is a label with its value beside it, not a label above the name."""
    text, words = _page([(40.0, 13, [("Anzeige einer Tierhaltung", 40)]), (66.0, 9.5, [("1 Tierhalter/in", 42)]),
                         (84.0, 8.5, [("Anrede:", 40), ("Frau", 82), ("Herr", 120), ("divers", 160)]),
                         (104.0, 10.5, [("Tröger, Gunter", 42)]), (114.0, 6.5, [("(Familienname, Vorname)", 40)]),
                         (138.0, 10.5, [("Lindenallee 13, 03344 Zwönitzau", 42)]),
                         (148.0, 6.5, [("(Anschrift: Straße, Hausnr., PLZ, Ort)", 40)])])
    got = fields(text, profile, "tierhaltung", words)
    assert {k: got.get(k) for k in ("vorname", "nachname", "strasse", "plz", "ort")} == {
        "vorname": "Gunter", "nachname": "Tröger", "strasse": "Lindenallee 13", "plz": "03344", "ort": "Zwönitzau"}


#: "Ich, <carer>, …, handelnd als gesetzliche/r Vertreter/in (Betreuer/in) für <person>, …" (also test_extract_tagger)
CARER = [(40.0, 13, [("Antrag auf Eingliederungshilfe nach SGB IX", 40)]),
         (80.0, 10.5, [("Ich,", 40), ("Enrico Kowalczyk", 70), (", wohnhaft in", 170), ("Talstr. 6", 250)]),
         (90.0, 6.5, [("(Vor- und Familienname)", 66), ("(Straße, Hausnummer)", 246)]),
         (106.0, 10.5, [(", handelnd als gesetzliche/r Vertreter/in (Betreuer/in) für", 40)]),
         (132.0, 10.5, [("Sven Hänsel-Krause", 44), (", geboren am", 160), ("22.02.1984", 250)]),
         (142.0, 6.5, [("(Vorname Name)", 40), ("(Geburtsdatum)", 246)]),
         (160.0, 10.5, [("beantrage für diese Person Leistungen der Eingliederungshilfe.", 40)])]


def test_a_writer_acting_for_someone_gives_their_own_values_first(profile):
    """"Ich, <carer>, …, handelnd als gesetzliche/r Vertreter/in (Betreuer/in) für <person>, …": the person's."""
    text, words = _page(CARER)
    got = fields(text, profile, "eingliederungshilfe", words)
    assert (got.get("vorname"), got.get("geburtsdatum")) == ("Sven", "22.02.1984")
    assert got.get("nachname") != "Kowalczyk"
    assert fields(text, profile, "eingliederungshilfe", words, sure=True).get("strasse") is None  # the carer's


MAIL = """Schubert, Hans-Jürgen
Von: Schubert, Hans-Jürgen <schubert73@netz.example>
Gesendet: Freitag, 26. Juni 2026 15:03
An: Poststelle <poststelle@lra-elstertal.example>
Betreff: AW: Anzeige eines Umzugs – Az. LRA-6214/26
Sehr geehrte Damen und Herren,
ich zeige meinen Umzug an.
Mit freundlichen Grüßen
Hans-Jürgen Schubert
Obere Hauptstraße 67b, 01094 Bad Lausnitz
-----Ursprüngliche Nachricht-----
Von: Schulze, Ute <schulze@lra-elstertal.example>
Gesendet: Sonntag, 7. Juni 2026 10:23
Betreff: Ihre Anfrage
Sehr geehrter Herr Schubert,
bitte senden Sie uns die fehlenden Angaben zu.
Mit freundlichen Grüßen
i. A. Schulze
Landratsamt Elstertal
Tel. 03412 968-6482
"""


def test_a_printed_email_with_the_message_it_answers(profile):
    """The sender as a mail client writes it ("Nachname, Vorname"), the file number in the subject, the
    signature's address on one line; the quoted message's clerk (and her "i. A.") is someone else."""
    got = fields(MAIL, profile, "sonstiges")
    assert {k: got.get(k) for k in ("vorname", "nachname", "email", "aktenzeichen", "strasse", "plz", "ort")} == {
        "vorname": "Hans-Jürgen", "nachname": "Schubert", "email": "schubert73@netz.example", "aktenzeichen": "LRA-6214/26",
        "strasse": "Obere Hauptstraße 67b", "plz": "01094", "ort": "Bad Lausnitz"}
    assert got.get("telefon") != "03412 968-6482"
    assert fields(MAIL, profile, "sonstiges", sure=True).get("telefon") is None


@pytest.mark.parametrize("subject,want", [("Antrag – Ihr Az. KS 52.1-3430/2026", "KS 52.1-3430/2026"),
                                          ("Anmeldung einer Tierhaltung - Ihr Az. 39.1.2 - 2025 - 85226", "39.1.2 - 2025 - 85226"),
                                          ("Antrag (Aktenzeichen BA-2911/26)", "BA-2911/26")])
def test_a_file_number_in_a_subject_is_taken_whole(profile, subject, want):
    text = f"Von: Jens Böhme <j.boehme@mail.example>\nBetreff: {subject}\nSehr geehrte Damen und Herren,\nanbei mein Antrag.\n"
    assert fields(text, profile, "sonstiges").get("aktenzeichen") == want


def test_a_carers_mail_about_the_person_concerned(profile):
    """An e-mail giving "Angaben zur betroffenen Person": the sender writes for someone else; for
    Eingliederungshilfe that person is the one the values are about."""
    text = ("Von: Queck, Ingo <queck83@netz.example>\nGesendet: Mittwoch, 11. Februar 2026 17:23\n"
            "Betreff: Antrag auf Leistungen zur Teilhabe (SGB IX)\nSehr geehrte Damen und Herren,\n"
            "hiermit beantrage ich Leistungen der Eingliederungshilfe.\nAngaben zur betroffenen Person:\n"
            "Name: Böhme, Carola\nGeburtsdatum: 23.03.1969\nAnschrift: Markt 18b, 07361 Kirchberg\n"
            "Mit freundlichen Grüßen\nIngo Queck\nKarl-Liebknecht-Str. 69b, 09307 Oelsnitz\n")
    got = fields(text, profile, "eingliederungshilfe")
    assert {k: got.get(k) for k in ("vorname", "nachname", "strasse", "plz")} == {
        "vorname": "Carola", "nachname": "Böhme", "strasse": "Markt 18b", "plz": "07361"}
    assert got.get("email") != "queck83@netz.example"


def test_a_clubs_deputy_chair_is_not_the_applicant(profile):
    text, words = _page([(40.0, 13, [("Antrag auf Zuwendung – Sportstättenförderung", 40)]),
                         (70.0, 9.5, [("1 Antragsteller (Verein)", 42)]),
                         (90.0, 10, [("Name des Vereins:", 40), ("Kegelsportverein Elsterberg", 200)]),
                         (110.0, 9.5, [("2 stellv. Vorsitzende/r", 42)]),
                         (130.0, 10, [("Familienname:", 40), ("Pfützner", 200)]), (146.0, 10, [("Vorname:", 40), ("Peggy", 200)])])
    assert fields(text, profile, "sportstaetten_foerderung", words).get("verein") == "Kegelsportverein Elsterberg"
    got = fields(text, profile, "sportstaetten_foerderung", words, sure=True)
    assert got.get("nachname") is None and got.get("vorname") is None
