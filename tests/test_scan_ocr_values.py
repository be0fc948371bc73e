"""Values as a scan's OCR misreads them, where the value's type proves the repair (issue 10
on scans; causes found on several development families at once by bench/scan_miss_causes.py).
The lines are Tesseract's text of family4/5/6 scans (seed 5, values invented by the
generators), laid out as hOCR word boxes so extraction takes a scan's path."""

import pytest

from ekte.model import Document
from ekte.profile import load_profile
from ekte.stages import extract as ex


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def _scan(lines: list[str], conf: float = 91.0) -> Document:
    """A scanned page: one word box per word, 12 px per character, lines 40 px apart."""
    words, pos = [], 0
    for r, line in enumerate(lines + ["Seite 1 von 1"]):
        x, y = 100, 200 + 40 * r if r < len(lines) else 3300
        for w in line.split():
            words.append((w, x, y, x + 12 * len(w), y + 18, pos, pos + len(w), conf))
            x, pos = x + 12 * len(w) + 12, pos + len(w) + 1
    d = Document(sha256="c" * 64, source="scan.pdf", size=1, media_type="application/pdf",
                 received="2026-12-01T10:00:00+01:00")
    d.page_texts = ["\n".join(lines + ["Seite 1 von 1"])]
    d.extra["page_words"] = [words]
    d.ocr = {"ocr_pages": [1]}
    return d


def _got(doc: Document, profile) -> dict:
    return {k: f for k, f in ex.extract(doc, profile, [ex.LabelExtractor()]).items() if f.method != "intake"}


@pytest.mark.parametrize("line, iban", [
    # family6: the check digits' 0 read as O; family5: a speck read as a dot between two groups
    ("Bankverbindung: IBAN DEO8 4380 6214 7843 2931 21, Kontoinhaber/in Ingo Naumann", "DE08438062147843293121"),
    ("IBAN DE87 4339 9516.8915 4186 71", "DE87433995168915418671"),
])
def test_an_iban_misread_is_repaired_where_mod_97_proves_it_and_never_sure(profile, line, iban):
    got = _got(_scan(["Antrag auf Leistungen", "Angaben zur Person", line]), profile)
    assert got["iban"].value == iban
    assert got["iban"].confidence < profile.extract.auto_threshold


def test_an_iban_that_mod_97_refuses_is_not_repaired():
    from ekte.stages.extract import values as V

    assert not V.v_iban("IBAN DE87 4339 9516.8915 4186 72").ok  # the last digit wrong: no checksum, no repair


@pytest.mark.parametrize("line, date", [
    ("Eing, > Eing- 15.02.2026 15, 02.2026", "15.02.2026"),  # family6: the stamp's dot read as , and -
    ("Fing 01.09.2026", "01.09.2026"),  # family4: E read as F
    ("Ne Eingsaangen: 15.05.2026", "15.05.2026"),  # family5: two letters of the keyword misread
    ("Landkreis MusterlanddrEingang\n16.05.2026", "16.05.2026"),  # family3: glued to the word before
])
def test_a_received_stamps_misread_keyword_still_gives_the_date_never_sure(profile, line, date):
    got = _got(_scan(["Antrag auf Leistungen", "Vorname Petra", *line.split("\n")]), profile)
    assert got["eingangsdatum"].value == date
    assert got["eingangsdatum"].confidence < profile.extract.auto_threshold


def test_words_like_the_keyword_in_running_text_give_no_received_date():
    from ekte.stages.extract.patterns import stamp_candidates

    assert not stamp_candidates(1, "Wir fingen am 01.09.2026 an. Eingliederung-\nshilfe 12.03.2026")


@pytest.mark.parametrize("line, date", [
    ("Betreff: Belehrung gemäß 8 43 Abs. 1 IfSG 29. MRZ. 2025 0", "29.03.2025"),  # heldout: read into a form line
    ("ostei Großweiling, 14.7.202 22. JUL. 2026 Ingang", "22.07.2026"),  # family4: keyword split around it
])
def test_a_stamps_dated_line_read_into_the_forms_text_gives_the_received_date_never_sure(profile, line, date):
    got = _got(_scan(["Antrag auf Leistungen", "Vorname Petra", line]), profile)
    assert got["eingangsdatum"].value == date
    assert got["eingangsdatum"].confidence < profile.extract.auto_threshold


def test_an_iban_in_a_comb_of_boxes_read_digit_by_digit_with_c_for_0(profile):
    """heldout seed 55's scan: one digit a box, spaced, a boxed 0 read as C."""
    got = _got(_scan(["Antrag auf Leistungen", "Bankverbindung (IBAN)",
                      "DE 9 7 7 C8 3 1 4 C 9 5 9 9 1 C2 C 4 8 9", "BIC", "TNDFXHZIXXX"]), profile)
    assert got["iban"].value == "DE97708314095991020489"
    assert got["iban"].confidence < profile.extract.auto_threshold
