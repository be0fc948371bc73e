"""What makes a field value *sure* (>= extract.auto_threshold): checked
evidence on the page (:mod:`ekte.stages.extract.checks`), and the OCR word
confidence a scan's values must carry (real Tesseract through OCRmyPDF)."""

from pathlib import Path

import pytest

from ekte.model import Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.extract import checks
from ekte.stages.layout import Word, with_confidence, words_from_text

AUTO = 0.9


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def _doc(text: str) -> Document:
    d = Document(sha256="a" * 64, source="x", size=1, media_type="application/pdf", received="2026-03-01T10:00:00+01:00")
    d.page_texts = [text]
    return d


def fields(text: str, profile, doc: Document | None = None):
    return ex.extract(doc or _doc(text), profile, [ex.LabelExtractor()])


def test_exact_labels_with_valid_values_are_sure(profile):
    f = fields("Aktenzeichen: 63-BA-2025/0412\nFamilienname: Weber\nVorname: Jana\nGeburtsdatum: 07.08.1990\n"
               "PLZ: 12345\nBankverbindung\nIBAN: DE89 3704 0044 0532 0130 00\nMusterstadt, den 2. Februar 2025\n"
               "Unterschrift\nAnlagen: keine\n", profile)
    for name in ("aktenzeichen", "nachname", "vorname", "geburtsdatum", "plz", "iban", "antragsdatum"):
        assert f[name].confidence >= AUTO, name


@pytest.mark.parametrize("text, field", [
    ("Farnilienname: Müller", "nachname"),                     # a fuzzy label (OCR) is a guess
    ("Kassenzeichen: 5.0123.456789.1", "aktenzeichen"),        # a payment reference, not a file number
    ("Unser Zeichen: WB-17", "aktenzeichen"),                  # the writer's own reference
    ("Aktenzeichen: BA 06.09.2025 4170/25", "aktenzeichen"),   # a date from the next cell ran into it
    ("Flurstück: 405, 746", "flurstueck"),                     # the value is not all the label says
    ("Geburtsdatum: 31.02.1990", "geburtsdatum"),              # no such date
    ("Antragsteller(in): Anna Maria Weber", "nachname"),       # which words are the surname?
])
def test_values_without_all_their_evidence_stay_below_the_threshold(profile, text, field):
    f = fields(text, profile)
    if field in f:
        assert f[field].confidence < AUTO


def test_a_label_inside_running_text_is_no_sure_label(profile):
    text = "Garage auf dem Grundstück (Gemarkung Au, Flur 26, Flurstück 2\n88/27) wird beantragt."
    f = fields(text, profile)
    assert "flurstueck" not in f or f["flurstueck"].confidence < AUTO
    # a date right after its label, ended by the sentence going on, is whole
    f = fields("Ich, Paul Lange, geboren am 01.02.1980, wohnhaft in Köln", profile)
    assert f["geburtsdatum"].value == "01.02.1980" and f["geburtsdatum"].confidence >= AUTO


def test_competing_values_and_other_persons_sections(profile):
    # the same label twice with different values, no section deciding: neither is sure
    f = fields("Telefon: 0171 1234567\nBemerkung: keine\nTelefon: 0228 7654321", profile)
    assert f["telefon"].confidence < AUTO
    # the applicant's section decides against the representative's
    text = ("Angaben zur antragstellenden Person\nFamilienname: Weber\nVorname: Jana\n"
            "Bevollmächtigte/r\nFamilienname: Roth\nVorname: Kai")
    f = fields(text, profile)
    assert (f["nachname"].value, f["vorname"].value) == ("Weber", "Jana")
    assert f["nachname"].confidence >= AUTO
    # an e-mail outside any section on a page with another person's section: whose is it?
    f = fields("Bevollmächtigte/r\nFamilienname: Roth\n\n\n\nE-Mail: k.roth@example.org", profile)
    if "email" in f:
        assert f["email"].confidence < AUTO


def _scanned(text: str, conf: float) -> Document:
    d = _doc(text)
    d.extra["page_words"] = [[w._replace(conf=conf) for w in words_from_text(text)]]
    d.ocr = {"ocr_pages": [1]}
    return d


def test_a_scanned_value_is_sure_only_when_every_word_was_read_well(profile):
    text = "Familienname: Weber\nGeburtsdatum: 07.08.1990\nBankverbindung des Antragstellers\n" \
           "IBAN: DE89 3704 0044 0532 0130 00\nUnterschrift\nAnlagen: keine"
    well = fields(text, profile, _scanned(text, 96.0))
    badly = fields(text, profile, _scanned(text, 71.0))
    assert well["nachname"].confidence >= AUTO and well["geburtsdatum"].confidence >= AUTO
    assert badly["nachname"].confidence < AUTO and badly["geburtsdatum"].confidence < AUTO
    assert badly["iban"].confidence >= AUTO  # its check digits catch a misread character
    unknown = fields(text, profile, _scanned(text, -1.0))  # read without a word confidence
    assert unknown["nachname"].confidence < AUTO


def test_the_threshold_is_the_profiles(profile):
    strict = profile.model_copy(update={"extract": profile.extract.model_copy(update={"auto_threshold": 0.95})})
    f = fields("Farnilienname: Müller", strict)
    assert f["nachname"].confidence < 0.95
    assert checks.BELOW > 0


def test_word_confidence_carried_onto_the_layout_words():
    words = [Word("Familienname:", 0, 0, 60, 10, 0, 13), Word("Weber", 70, 0, 95, 10, 14, 19)]
    got = with_confidence(words, [("Familienname:", 95), ("Weber", 62)])
    assert [w.conf for w in got] == [95.0, 62.0]
    # a page word made of two OCR words takes the lower confidence
    got = with_confidence([Word("12345Musterstadt", 0, 0, 9, 9, 0, 16)], [("12345", 96), ("Musterstadt", 80)])
    assert got[0].conf == 80.0
    # characters that do not line up: unknown (-1), the rest kept
    got = with_confidence(words, [("Familienname:", 95), ("Wcber", 62)])
    assert got[0].conf == 95.0 and got[1].conf == -1.0


@pytest.mark.slow
def test_a_real_scan_carries_tesseracts_word_confidence(tmp_path):
    """OCRmyPDF with ekte's Tesseract engine: the OCRed page's words carry
    Tesseract's per-word confidence (a clean 300 dpi sample reads >= 90 for
    most words); a born-digital page's words carry none."""
    from ekte.stages import intake
    from ekte.stages.ocr import OcrParams, make_archival_pdf

    params = OcrParams.from_profile(load_profile())
    src = next((Path(__file__).resolve().parents[1] / "samples" / "inbox").glob("scan-*-tif.tif"))
    work = tmp_path / "work.pdf"
    intake.image_to_pdf(src, work, 300, 250)
    res = make_archival_pdf(work, tmp_path / "out.pdf", params, jobs=1)
    words = res["page_words"][0]
    confs = [w.conf for w in words]
    assert words and all(c is not None for c in confs)
    assert sum(c >= 90 for c in confs) > 0.6 * len(confs)
    assert all(c == -1 or 0 <= c <= 100 for c in confs)
    assert "words" not in str(res.get("geometry"))  # the word list is not a page fact of the archive
    born = next((Path(__file__).resolve().parents[1] / "samples" / "inbox").glob("kfz*-pdf.pdf"))
    res = make_archival_pdf(born, tmp_path / "born.pdf", params, jobs=1)
    assert all(w.conf is None for w in res["page_words"][0])


def test_running_text_anchors_unless_written_for_someone_else(profile):
    own = "Sehr geehrte Damen und Herren,\nich, Paul Lange, geboren am 01.02.1980, wohnhaft in Ringweg 5, 12345 Musterstadt,\n" \
          "beantrage hiermit die Erlaubnis."
    f = fields(own, profile)
    for name in ("vorname", "nachname", "geburtsdatum", "strasse", "plz", "ort"):
        assert f[name].confidence >= AUTO, name
    other = own.replace("beantrage hiermit", "beantrage für meine Mutter")
    f = fields(other, profile)
    assert f["nachname"].value == "Lange" and f["nachname"].confidence < AUTO
    # three name words: which is the surname is not plain
    f = fields(own.replace("Paul Lange", "Paul Otto Lange"), profile)
    assert f["nachname"].confidence < AUTO


def test_an_iban_found_by_its_shape_is_sure_only_as_the_payees_account(profile):
    from ekte.stages.extract.patterns import iban_context

    iban = "DE89 3704 0044 0532 0130 00"  # valid check digits
    body = "Sehr geehrte Damen und Herren,\nich beantrage den Zuschuss.\n{}\nMit freundlichen Grüßen\nJana Weber\n"
    for line, whose in [(f"Die Zuwendung bitte auf das Vereinskonto {iban}", "payee"),
                        (f"Die Kfz-Steuer soll vom Konto {iban} abgebucht werden.", "payee"),
                        (f"Kontoinhaber: Jana Weber, {iban}", "payee"),
                        (f"Landkreis Musterland · Kreiskasse {iban}", "authority"),
                        (f"Unsere Nummer {iban} zur Kenntnis.", "")]:
        text = body.format(line)
        assert iban_context(text, text.index(iban), text.index(iban) + len(iban)) == whose, line
    # in a footer (the page's last line), whatever it says: the authority's
    foot = body.format("Danke.") + f"Bankverbindung {iban}"
    assert iban_context(foot, foot.index(iban), len(foot)) == "authority"
    f = fields(body.format(f"Unsere Nummer {iban} zur Kenntnis."), profile)
    assert f["iban"].confidence < AUTO
    f = fields(body.format(f"Die Zuwendung bitte auf das Vereinskonto {iban}"), profile)
    assert f["iban"].confidence >= AUTO


def test_an_address_without_a_heading_needs_a_name_above_it(profile):
    head = "Antrag auf Erteilung\n\n"
    person = "Name: Weber\nVorname: Jana\nStraße: Lindenweg 4\nPLZ: 12345\nOrt: Musterstadt\n"
    f = fields(head + person, profile)
    assert all(f[k].confidence >= AUTO for k in ("strasse", "plz", "ort"))
    # an address block alone (an employer's, a school's, whoever's): found, not sure
    alone = head + "Straße: Lindenweg 4\nPLZ: 12345\nOrt: Musterstadt\n" + "\n" * 40 + "Name: Weber\n"
    f = fields(alone, profile)
    assert f["strasse"].value == "Lindenweg 4" and f["strasse"].confidence < AUTO


def _typed(text: str, doctype: str, received: str = "2026-03-01T10:00:00+01:00") -> Document:
    from ekte.model import Classification

    d = _doc(text)
    d.received = received
    d.classification = Classification(doctype, 0.99)
    return d


TAIL = "\nMit freundlichen Grüßen\nUnterschrift\nAnlagen: keine\n"


def test_a_labelled_iban_is_sure_only_as_the_applicants_or_payees_account(profile):
    iban = "DE89 3704 0044 0532 0130 00"
    head = "Antrag auf Förderung\nName: Weber\nVorname: Jana\n"
    # "IBAN:" says it is an account, not whose (the fee account printed on the form, the authority's)
    bare = head + f"Gebühr: 30 EUR\nIBAN: {iban}" + TAIL
    assert fields(bare, profile, _typed(bare, "eingliederungshilfe"))["iban"].confidence < AUTO
    for says in ("Bankverbindung des Vereins", "Der Zuschuss ist zu überweisen auf", "Kontoinhaber/in: Jana Weber"):
        text = head + f"{says}\nIBAN: {iban}" + TAIL
        assert fields(text, profile, _typed(text, "eingliederungshilfe"))["iban"].confidence >= AUTO, says
    # a type without an account of its own (a building permit): whatever the text says, the IBAN is not its field
    text = head + f"Bankverbindung\nIBAN: {iban}" + TAIL
    assert "iban" not in fields(text, profile, _typed(text, "bauantrag"))  # left out, not reported unsure
    # … unless a type that has one is a close rival: then reported, never sure
    from ekte.model import Candidate

    rival = _typed(text, "bauantrag")
    rival.classification.candidates = [Candidate("bauantrag", 0.5), Candidate("eingliederungshilfe", 0.4)]
    assert fields(text, profile, rival)["iban"].confidence < AUTO
    assert fields(text, profile, _typed(text, "eingliederungshilfe"))["iban"].confidence >= AUTO


def test_another_persons_address_is_never_sure(profile):
    me = "Belehrung\nBeschäftigte Person\nFamilienname: Weber\nVorname: Jana\nStraße: Lindenweg 4\nPLZ: 12345\n" \
         "Ort: Musterstadt\n"
    # an employer's block under its heading (and a remark in brackets after a heading) is someone else's
    for heading in ("Angaben zum Arbeitgeber", "Angaben zum Betrieb", "Arbeitgeber (falls vorhanden)"):
        text = me + f"{heading}\nFirma: Gasthaus Linde\nStraße: Ringweg 9\nPLZ: 54321\nOrt: Kreisstadt\n" \
                    "Telefon: 0228 765432" + TAIL
        f = fields(text, profile)
        assert f["strasse"].value == "Lindenweg 4", heading
        assert "telefon" not in f or f["telefon"].confidence < AUTO, heading
    # a property's address in the applicant's section: the label names whose it is
    text = "Bauherrschaft\nName: Weber\nVorname: Jana\nAnschrift des Baugrundstücks: Kastanienhof 13, 71800 Au" + TAIL
    f = fields(text, profile)
    assert "strasse" not in f or f["strasse"].confidence < AUTO
    # the property's location beside the applicant's address: the label says it is no person's
    text = "Antrag\nName: Weber\nVorname: Jana\nAnschrift: Am Hohen Tor 13, 80118 Au\n" \
           "Lage (Straße, Hausnummer, PLZ, Ort): Gartenstraße 85c, 13664 Wendelsbrück" + TAIL
    f = fields(text, profile)
    assert (f["strasse"].value, f["plz"].value, f["ort"].value) == ("Am Hohen Tor 13", "80118", "Au")
    scored = [(c, 0.99) for c, _ in ex.featurized(_doc(text), profile)]
    miss = {c.value: m for c, _, m in checks.capped(scored, AUTO) if c.field == "strasse"}
    assert miss["Am Hohen Tor 13"] == [] and "person" in miss["Gartenstraße 85c"]  # no rival, no other person
    # no heading: the address under a second person's labelled name is not the applicant's
    text = "Antrag\nName: Weber\nVorname: Jana\n\nName des Bevollmächtigten: Kai Roth\nStraße: Ringweg 9\nPLZ: 54321" + TAIL
    f = fields(text, profile)
    assert f["strasse"].confidence < AUTO


def test_a_date_of_birth_is_sure_only_as_the_only_one(profile):
    text = "Antrag\nName: Weber\nVorname: Jana\nGeburtsdatum: 07.08.1990\nEs betrifft meinen Sohn Tim, " \
           "geboren am 03.04.2015, der …" + TAIL
    assert fields(text, profile)["geburtsdatum"].confidence < AUTO
    alone = "Antrag\nName: Weber\nVorname: Jana\nGeburtsdatum: 07.08.1990" + TAIL
    assert fields(alone, profile)["geburtsdatum"].confidence >= AUTO


def test_a_town_in_capitals_gets_a_towns_spelling_and_is_not_sure(profile):
    from ekte.stages.extract.spelling import town_case

    assert town_case("FRANKFURT AM MAIN") == "Frankfurt am Main" and town_case("BAD SODEN (TAUNUS)") == "Bad Soden (Taunus)"
    assert town_case("Schwarzach (Tal)") == "Schwarzach (Tal)"  # any other spelling stays as written
    f = fields("Antrag\nName: Weber\nVorname: Jana\nPLZ: 12345\nOrt: MUSTERSTADT" + TAIL, profile)
    assert f["ort"].value == "Musterstadt" and f["ort"].confidence < AUTO and f["plz"].confidence >= AUTO
    f = fields("Antrag\nName: Weber\nVorname: Jana\nPLZ: 12345\nOrt: Musterstadt" + TAIL, profile)
    assert f["ort"].value == "Musterstadt" and f["ort"].confidence >= AUTO


def test_dates_that_cannot_be_are_never_sure_and_go_to_review(profile):
    text = "Antrag\nName: Weber\nVorname: Jana\nGeburtsdatum: 07.08.1990\nEingang: 12.02.2028" + TAIL
    doc = _typed(text, "waffen_antrag", received="2026-02-13T09:00:00+01:00")  # a 2026 stamp read as 2028
    doc.fields = fields(text, profile, doc)
    assert doc.fields["eingangsdatum"].value == "12.02.2028" and doc.fields["eingangsdatum"].confidence < AUTO
    assert any(r.startswith("eingangsdatum: date not possible") for r in ex.review_reasons(doc, profile))
    ok = _typed(text.replace("2028", "2026"), "waffen_antrag", received="2026-02-13T09:00:00+01:00")
    ok.fields = fields(text.replace("2028", "2026"), profile, ok)
    assert ok.fields["eingangsdatum"].confidence >= AUTO
    assert not any(r.startswith("eingangsdatum") for r in ex.review_reasons(ok, profile))
    born = _typed(text.replace("07.08.1990", "07.08.2027"), "waffen_antrag", received="2026-02-13T09:00:00+01:00")
    assert fields(born.page_texts[0], profile, born)["geburtsdatum"].confidence < AUTO


def test_a_name_outside_the_persons_section_that_differs_is_someone_elses(profile):
    # the club's chair in the applicant's section; the treasurer below a heading ekte may not know
    text = "Angaben zur antragstellenden Person\nVorname: Chiara\nName: Grünwald\nKassenführung\n" \
           "Vorname(n): Jürgen\nNachname: Habermehl\n\n\nTelefonnummer: 05164-9358894" + TAIL
    f = fields(text, profile)
    assert "telefon" not in f or f["telefon"].confidence < AUTO
    # a club's name cut where it wraps is no club's registered name
    f = fields("Vereinsname: Turngemeinde Altenhain" + TAIL, profile)
    assert f["verein"].confidence < AUTO
    f = fields("Vereinsname: Turngemeinde Altenhain 1888 e.V." + TAIL, profile)
    assert f["verein"].confidence >= AUTO


def test_a_received_date_before_the_documents_own_date_is_not_sure(profile):
    text = "Antrag\nName: Weber\nVorname: Jana\nEingang: 27.06.2020\nMusterstadt, den 23. Juni 2025" + TAIL
    f = fields(text, profile, _typed(text, "waffen_antrag", received="2025-07-01T09:00:00+02:00"))
    assert f["eingangsdatum"].confidence < AUTO and f["antragsdatum"].confidence < AUTO  # which one is misread?
    good = text.replace("2020", "2025")
    f = fields(good, profile, _typed(good, "waffen_antrag", received="2025-07-01T09:00:00+02:00"))
    assert f["eingangsdatum"].confidence >= AUTO and f["antragsdatum"].confidence >= AUTO


def test_a_clubs_address_is_the_clubs_not_its_chairs_home(profile):
    text = ("Antrag auf Sportförderung\nAngaben zum Verein\nVereinsname: TSV Au 1908 e.V.\nAnschrift: Im Winkel 9, "
            "50686 Kreisstadt\nVertreten durch\nFamilienname: Ostendorf\nVorname: Rüdiger\n"
            "Wohnanschrift: Mühlenberg 63, 64329 Au" + TAIL)
    f = fields(text, profile, _typed(text, "sportstaetten_foerderung"))
    assert (f["nachname"].value, f["strasse"].value, f["plz"].value) == ("Ostendorf", "Im Winkel 9", "50686")
