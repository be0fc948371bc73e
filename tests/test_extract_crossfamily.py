"""Extraction losses found on several independent form families at once (issue 10, bench/miss_causes.py):
a received stamp set into a born-digital PDF over a value, a street whose name begins with "Straße",
a field the document's type does not carry.  Small real PDFs (fpdf2), read as the worker reads them
(pdfium text and word boxes); values invented."""

from pathlib import Path

import pytest
from fpdf import FPDF

from ekte.model import Candidate, Classification, Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages import pdftext


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def _pdf(path: Path, lines: list, stamp: tuple[float, float, list[str]] | None = None) -> Path:
    """A one-page form, one line per entry (a pair: label and value in cells of their own, a gap
    between); *stamp* (x, y, lines) drawn last, turned, in a larger font."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    for line in lines:
        if isinstance(line, tuple):
            pdf.cell(55, 8, line[0])
            pdf.cell(0, 8, line[1], new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    if stamp:
        x, y, words = stamp
        with pdf.rotation(angle=8, x=x + 20, y=y):
            pdf.set_font("Helvetica", "B", 15)
            pdf.set_text_color(20, 40, 200)
            for k, s in enumerate(words):
                pdf.text(x, y + 7 * k, s)
    pdf.output(str(path))
    return path


def _fields(path: Path, profile, doctype: str, rivals: tuple[tuple[str, float], ...] = (),
            confidence: float = 0.9) -> dict[str, str]:
    texts, _rows, words = pdftext.read_pages(path)
    d = Document(sha256="c" * 64, source=str(path), size=1, media_type="application/pdf",
                 received="2026-11-01T10:00:00+01:00")
    d.page_texts = texts
    d.extra["page_words"] = [[tuple(w) for w in ws] for ws in words]
    d.classification = Classification(doctype, confidence, [Candidate(doctype, 0.9)] + [Candidate(t, s) for t, s in rivals])
    got = ex.extract(d, profile, [ex.LabelExtractor()])
    return {k: v.value for k, v in got.items() if v.method != "intake"}


FORM = ["Landkreis Musterland - Veterinaeramt", "Anzeige der Tierhaltung", "Angaben zur Tierhalterin / zum Tierhalter",
        "Familienname: Zimmermann-Ahrens", "Vorname: Jana", "Strasse, Hausnummer: Bachgasse 89a",
        "PLZ, Ort: 48437 Hinterzell", "Tierart: Schafe"]


def test_a_received_stamp_printed_over_a_value_is_not_part_of_it(profile, tmp_path):
    """The stamp's words lie on the address line (drawn apart in the page's text): the values are read
    as without the stamp ("Bachgasse FEB. 89a" was the street before), the stamp's date still gives the
    received date."""
    pdf = _pdf(tmp_path / "stamped.pdf", FORM, stamp=(52, 50, ["EINGEGANGEN", "28. AUG. 2026"]))
    got = _fields(pdf, profile, "tierhaltung")
    assert got["nachname"] == "Zimmermann-Ahrens"
    assert got["vorname"] == "Jana"
    assert got["eingangsdatum"] == "28.08.2026"
    plain = _fields(_pdf(tmp_path / "plain.pdf", FORM), profile, "tierhaltung")
    assert {k: plain[k] for k in ("nachname", "strasse", "plz", "ort")} == {
        k: got[k] for k in ("nachname", "strasse", "plz", "ort")}


def test_a_street_named_strasse_der_is_a_value_not_a_label(profile, tmp_path):
    """"Anschrift: Straße der Einheit 39b, 04961 Treuen" (many East German streets): "Straße" here begins
    the street's name, it is not the label "Straße" cutting the address off."""
    lines = ["Antrag auf Leistungen der Eingliederungshilfe", "Angaben zur betroffenen Person:",
             ("Name, Vorname:", "Pfuetzner, Hans"), ("Anschrift:", "Straße der Einheit 39b, 04961 Treuen"),
             ("Leistung:", "Assistenz im Wohnen")]
    got = _fields(_pdf(tmp_path / "street.pdf", lines), profile, "eingliederungshilfe")
    assert (got.get("strasse"), got.get("plz"), got.get("ort")) == ("Straße der Einheit 39b", "04961", "Treuen")
    lines[3] = ("Straße:", "Straße des Friedens 4")
    got = _fields(_pdf(tmp_path / "street2.pdf", lines), profile, "eingliederungshilfe")
    assert got.get("strasse") == "Straße des Friedens 4"


WAFFEN = ["Antrag auf Erteilung einer Waffenbesitzkarte nach dem Waffengesetz",
          "Angaben zur antragstellenden Person", "Familienname: Brandt", "Vorname: Ute",
          "Mitglied seit 2019 im Schuetzenverein Hubertus Lohmarhausen e.V."]


def test_a_field_no_type_in_reach_carries_is_left_out(profile, tmp_path):
    """A Waffen application names the applicant's shooting club: no value of a type without a club
    ("Verein" was reported, unsure, as an extra).  When a type that has one is a close rival, it stays."""
    pdf = _pdf(tmp_path / "waffen.pdf", WAFFEN)
    got = _fields(pdf, profile, "waffen_antrag", rivals=(("sonstiges", 0.1),))
    assert got["nachname"] == "Brandt" and "verein" not in got
    close = _fields(pdf, profile, "waffen_antrag", rivals=(("sportstaetten_foerderung", 0.6),))
    assert close.get("verein") == "Schuetzenverein Hubertus Lohmarhausen e.V."


def test_a_type_not_sure_keeps_the_fields_another_type_carries(profile, tmp_path):
    """A type below ``classify.threshold`` goes to review, where the clerk may change it without extraction
    running again: the fields its type does not carry stay (unsure) for the type the clerk may choose."""
    pdf = _pdf(tmp_path / "waffen.pdf", WAFFEN)
    below = profile.classify.threshold - 0.05
    got = _fields(pdf, profile, "waffen_antrag", rivals=(("sonstiges", 0.1),), confidence=below)
    assert got.get("verein") == "Schuetzenverein Hubertus Lohmarhausen e.V."
    sure = _fields(pdf, profile, "waffen_antrag", rivals=(("sonstiges", 0.1),), confidence=profile.classify.threshold)
    assert "verein" not in sure and sure["nachname"] == got["nachname"] == "Brandt"


def test_a_co_builders_section_is_someone_else(profile, tmp_path):
    """"Mitbauherr/in" (a building permit's second builder) heads someone else's values: the applicant
    is the Bauherr/in of the first section, however alike the two sections are."""
    lines = ["Antrag auf Baugenehmigung", "1 Bauherr/in", ("Familienname:", "Tröger"), ("Vorname:", "Sven"),
             ("Anschrift:", "Am Anger 93, 06227 Mittweida"), "2 Mitbauherr/in (Ehegatte/Ehegattin)",
             ("Familienname:", "Tröger"), ("Vorname:", "Falk"), ("Anschrift:", "Am Anger 93, 06227 Mittweida")]
    pdf = _pdf(tmp_path / "bau.pdf", lines)
    texts, _rows, words = pdftext.read_pages(pdf)
    d = Document(sha256="c" * 64, source=str(pdf), size=1, media_type="application/pdf",
                 received="2026-11-01T10:00:00+01:00")
    d.page_texts, d.extra["page_words"] = texts, [[tuple(w) for w in ws] for ws in words]
    d.classification = Classification("bauantrag", 0.9)
    falk = [c for c in ex.candidates(d, profile) if c.field == "vorname" and c.value == "Falk"]
    assert falk and all(c.role == "other" for c in falk)
    assert _fields(pdf, profile, "bauantrag")["vorname"] == "Sven"


def test_a_contact_in_no_section_that_someone_elses_section_gives_is_theirs(profile, tmp_path):
    """A carer's letter: the letter head's telephone (in no section) is the one the carer's own section gives
    -- the carer's, not the person's the letter is about (family3, family6, heldout: an extra telephone)."""
    lines = ["Frauke Ehlers - Schafstallweg 131a - 32032 Oberwiesenbach", "Telefon 04836 347191",
             "Landkreis Musterland", "Antrag auf Leistungen der Eingliederungshilfe", "Leistungsberechtigte Person:",
             ("Familienname:", "Juergensen"), ("Vorname:", "Wenzel"), ("Anschrift:", "Deichstraße 14b, 90600 Aegidien"),
             "Gesetzliche Betreuerin / gesetzlicher Betreuer:", ("Nachname:", "Ehlers"), ("Vorname:", "Frauke"),
             ("Telefon:", "04836 347191"), "Mit freundlichen Grüßen", "Frauke Ehlers"]
    got = _fields(_pdf(tmp_path / "carer.pdf", lines), profile, "eingliederungshilfe")
    assert got["nachname"] == "Juergensen"
    assert "telefon" not in got
    del lines[11]  # the carer's section gives no telephone: nothing says the head's is not the person's
    got = _fields(_pdf(tmp_path / "carer2.pdf", lines), profile, "eingliederungshilfe")
    assert got.get("telefon") == "04836 347191"


CLUB = ["Antrag auf Zuschuss zum Sportstaettenbau", "Antragsteller (Verein)", ("Name des Vereins:", "SV Blau-Weiss Hohenwarft e.V."),
        ("Strasse, Hausnummer:", "Zum Sielhafen 130"), ("PLZ, Vereinsort:", "27782 Suederhastedt"),
        "Vertretungsberechtigte Person (1. Vorsitzende/r)", ("Nachname:", "Toenjes"), ("Vorname:", "Birte"),
        ("Anschrift:", "Up'n Diek 67, 57615 Oberwiesenbach"), ("Beantragter Zuschuss:", "63.725,50 EUR")]


def test_a_compound_of_a_clubs_address_label_is_read(profile, tmp_path):
    """"PLZ, Vereinsort" (a club's PLZ and town, as "Vereinsanschrift" is its address): the lexicon's label with
    the club compounded into its last word, the club's -- the applicant's on a club's application (family3)."""
    got = _fields(_pdf(tmp_path / "club.pdf", CLUB), profile, "sportstaetten_foerderung")
    assert (got.get("strasse"), got.get("plz"), got.get("ort")) == ("Zum Sielhafen 130", "27782", "Suederhastedt")


def test_a_clubs_address_in_a_sentence_or_under_its_grant_recipient_heading(profile, tmp_path):
    """A club's address said in running text after its legal form ("Der SV … e.V., Kastanienhof 129, 48907 Fuchsau,
    vertreten durch …"; family5, family6, heldout), and one under "Zuwendungsempfänger" (the club, not its chair
    whose private address follows; heldout)."""
    lines = ["Antrag auf Zuwendung aus der Sportfoerderung",
             "Der SV Gruen-Weiss Oberwiesenbach e.V., Kastanienhof 129, 48907 Fuchsau, vertreten durch",
             "Lieselotte Birkholz, beantragt einen Zuschuss in Hoehe von 3.000,00 EUR."]
    got = _fields(_pdf(tmp_path / "sentence.pdf", lines), profile, "sportstaetten_foerderung")
    assert (got.get("strasse"), got.get("plz"), got.get("ort")) == ("Kastanienhof 129", "48907", "Fuchsau")
    lines = ["Antrag auf Foerderung von Sportstaetten", "Zuwendungsempfänger", ("Vereinsname:", "Sportfreunde Morgenroth e.V."),
             ("Anschrift:", "Ringstr. 127c, 11554 Rabenstein"), "Vertretungsberechtigte Person (1. Vorsitzende/r)",
             ("Vorname:", "Tobias"), ("Familienname:", "Oldenburger"), ("Anschrift:", "An der Alten Ziegelei 80, 47664 Hohenlinden")]
    got = _fields(_pdf(tmp_path / "recipient.pdf", lines), profile, "sportstaetten_foerderung")
    assert (got.get("strasse"), got.get("plz"), got.get("ort"), got.get("nachname")) == (
        "Ringstr. 127c", "11554", "Rabenstein", "Oldenburger")


def test_a_blank_label_in_a_hand_built_profile_is_skipped():
    """review34 R1: the compound lexicon split every label; a blank one (a Profile built in Python, past the
    profile file's check) raised ValueError in every document's extraction."""
    from ekte.profile import load_profile
    from ekte.stages.extract.lexicon import lexicon

    prof = load_profile(None, [])
    prof.extract.labels["ort"] = list(prof.extract.labels["ort"]) + ["  "]
    assert lexicon(prof) is not None
