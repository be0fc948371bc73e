"""Scans of printed forms (issue 10 on scans): the dot leader between a label and its value as
Tesseract reads it ("VORNAMEN. 2.0 ee, Wenzel", "NACHNAME....... ee es Lüdemann"), item numbers
misread or glued to the label, PLZ/Ort or a house number OCR put in a cell of their own, a lone
colon, a received stamp whose lines OCR read in another order.  Constructed pages carry the word
boxes and confidences Tesseract gave on family3's scans; one test renders a form, degrades it as a
scanner does and reads it with the real Tesseract (through ekte's OCR)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ekte.model import Document
from ekte.profile import load_profile
from ekte.stages import extract as ex
from ekte.stages.extract import leaders, patterns
from ekte.stages.layout import Word

MONO = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf"


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def _scan(rows: list[list[tuple[float, str, float | None]]]) -> Document:
    """A scanned page: each row a list of (x, word, confidence) -- None: a text layer's word (born
    digital); words 18 px high, 12 px per character, rows 40 px apart."""
    words, lines, pos = [], [], 0
    for r, row in enumerate(rows):
        parts = []
        for x, w, conf in row:
            if parts:
                pos += 1
            words.append((w, x, 200 + 40 * r, x + 12 * len(w), 218 + 40 * r, pos, pos + len(w), conf))
            pos += len(w)
            parts.append(w)
        lines.append(" ".join(parts))
        pos += 1
    d = Document(sha256="c" * 64, source="scan.pdf", size=1, media_type="application/pdf",
                 received="2026-11-01T10:00:00+01:00")
    d.page_texts = ["\n".join(lines)]
    d.extra["page_words"] = [words]
    d.ocr = {"ocr_pages": [1]} if any(w[7] is not None for w in words) else {}
    return d


def _row(x: float, *words: tuple[str, float | None], gap: float = 8) -> list[tuple[float, str, float | None]]:
    out = []
    for text, conf in words:
        out.append((x, text, conf))
        x += 12 * len(text) + gap
    return out


def _fields(doc: Document, profile) -> dict:
    return {k: f for k, f in ex.extract(doc, profile, [ex.LabelExtractor()]).items() if f.method != "intake"}


HEAD = _row(100, ("ANTRAG", 96), ("AUF", 96), ("AUSSTELLUNG", 95), ("EINES", 93), ("FISCHEREISCHEINS", 91))


def test_a_leader_read_as_words_is_passed(profile):
    doc = _scan([HEAD,
                 _row(100, ("01", 93), ("NACHNAME.......", 87), ("ee", 27), ("es", 27), ("Lüdemann", 96)),
                 _row(100, ("02-", 68)) + _row(160, ("VORNAMEN.", 56)) + _row(300, ("2.0", 25), ("ee,", 0),
                                                                               ("Wenzel", 95)),
                 _row(100, ("83", 80), ("ANSCHRIFT...", 27), ("2.0.2000.", 11), ("000", 14), ("sans", 17),
                      ("Wiesenstieg", 91), ("12,", 96), ("87456", 93), ("Hohenwarft", 91)),
                 _row(100, ("BI", 57), ("TELEFON", 45), ("nn", 31)) + [(400, ":", 88)] + _row(460, ("04184", 94),
                                                                                            ("81247", 95))])
    got = _fields(doc, profile)
    assert {k: got[k].value for k in ("nachname", "vorname", "strasse", "plz", "ort", "telefon")} == {
        "nachname": "Lüdemann", "vorname": "Wenzel", "strasse": "Wiesenstieg 12", "plz": "87456",
        "ort": "Hohenwarft", "telefon": "04184 81247"}


def test_a_label_with_its_item_number_and_leader_glued_on(profile):
    doc = _scan([HEAD,
                 _row(100, ("09.VORNAMEN:", 5), ("Hanne", 89)),
                 _row(100, ("OB2STRASSE", 30), ("2.0", 0), ("u", 28), ("ae", 35), ("Fahrweg", 91), ("147", 92)),
                 _row(100, ("12", 93), ("IBAN", 91), ("(DE...)", 0), ("0.2.2000", 0), ("sen", 16), ("al", 26),
                      ("DE89370A00440532013000", 84))])
    got = _fields(doc, profile)
    assert got["vorname"].value == "Hanne"
    assert got["strasse"].value == "Fahrweg 147"
    # a German IBAN is digits only: "A" read for "4", repaired because the check digits then hold
    assert got["iban"].value == "DE89370400440532013000" and got["iban"].confidence < profile.extract.auto_threshold


def test_values_that_only_look_like_a_leader_stay(profile):
    # a number of its own, a date read with little confidence, a particle of a name: values, not dots
    doc = _scan([HEAD,
                 _row(100, ("Flur:", 95), ("7", 45)) + _row(400, ("Flurstück:", 95), ("123", 96)),
                 _row(100, ("Geburtsdatum:", 95), ("14.03.1985", 40)),
                 _row(100, ("02", 96), ("NAME", 90), ("en.", 30), ("de", 27), ("Vries", 90))])
    got = _fields(doc, profile)
    assert got["flur"].value == "7" and got["flurstueck"].value == "123"
    assert got["geburtsdatum"].value == "14.03.1985"
    assert got["nachname"].value == "de Vries"


def test_a_text_layer_is_never_read_as_a_leader(profile):
    # born digital (no word confidences): the same words are text, nothing is skipped
    doc = _scan([[(x, w, None) for x, w, _c in HEAD],
                 _row(100, ("01", None), ("VORNAMEN.", None), ("2.0", None), ("ee,", None), ("Wenzel", None))])
    assert _fields(doc, profile).get("vorname") is None or _fields(doc, profile)["vorname"].value != "Wenzel"
    w = Word("ee", 0, 0, 10, 10, 0, 2, None)
    assert not leaders.junk(w) and leaders.junk(w._replace(conf=20.0)) and leaders.junk(w._replace(text=":"))


def test_a_value_after_a_leader_is_sure_only_when_read_well(profile):
    rows = [HEAD, _row(100, ("01", 93), ("ANSCHRIFT.", 38), (",...:..u", 0), ("0.2.0.0", 0), ("Eschenallee", 93),
                       ("150b,", 93), ("18800", 93), ("Ahrensfehn", 93))]
    got = _fields(_scan(rows), profile)
    assert (got["strasse"].value, got["plz"].value, got["ort"].value) == ("Eschenallee 150b", "18800", "Ahrensfehn")
    rows[1] = [w if w[1] != "18800" else (w[0], w[1], 70.0) for w in rows[1]]  # one digit may be misread
    assert _fields(_scan(rows), profile)["plz"].confidence < profile.extract.auto_threshold


def test_an_address_continued_in_the_next_cell(profile):
    doc = _scan([HEAD,
                 _row(100, ("2.4", 96), ("Anschrift", 96)) + _row(400, ("Im", 92), ("Krummen", 92), ("Ort", 96),
                                                                  ("149", 93), ("c", 90), (":", 83))
                 + _row(760, ("65009", 93), ("Süderhastedt", 92)),
                 _row(100, ("Lage", 96)) + _row(400, ("Up’n", 88), ("Diek", 91), ("7", 93))])
    got = _fields(doc, profile)
    assert (got["strasse"].value, got["plz"].value, got["ort"].value) == ("Im Krummen Ort 149c", "65009", "Süderhastedt")
    doc = _scan([HEAD, _row(100, ("Straße", 96)) + _row(400, ("Up’n", 88), ("Diek", 91)) + _row(700, ("6", 95))])
    assert _fields(doc, profile)["strasse"].value == "Up'n Diek 6"  # Tesseract's apostrophe is the typed one


def test_a_lone_colon_between_label_and_value(profile):
    doc = _scan([[(340, "AZ.", 87.0), (424, ":", 1.0), (433, "GA-MS", 75.0), (500, "2110/26", 96.0)], HEAD])
    assert _fields(doc, profile)["aktenzeichen"].value == "GA-MS 2110/26"


@pytest.mark.parametrize("text", [
    "Eingegangen am _ Landkreis M. \n22. Sept. 2026 ",  # the stamp's lines read in another order
    "Posteingang Landkreis M. \n22.09.2026",
    "oSteingang Landkreis M. \n22.09.2026",  # its first letters misread
    "Landkreis Musterland - Einga \n22. Sept. 2026 ",  # cut at the stamp's edge
])
def test_received_stamps_as_ocr_reads_them(text):
    got = patterns.stamp_candidates(1, "Antrag auf Erteilung\n" + text + "\nSeite 1")
    assert [c.value for c in got if c.source == "stamp"] == ["22.09.2026"]


def test_a_sentence_about_the_authority_is_no_stamp():
    text = "Eingang der Unterlagen beim Landkreis bitte bestätigen\n12.03.2026 Musterstadt"
    assert not [c for c in patterns.stamp_candidates(1, text) if c.source == "stamp"]


def _form_image(path) -> None:
    """A printed form in a typewriter font at 300 dpi, blurred, toned and noisy as a scanner gives it."""
    try:
        font = ImageFont.truetype(MONO, 36)
    except OSError:
        pytest.skip("Liberation Mono not installed (make venv installs the fonts)")
    rows = ["ANTRAG AUF AUSSTELLUNG EINES FISCHEREISCHEINS", "",
            "01 NAME, VORNAME.....................: Weber, Jana",
            "02 GEBURTSDATUM......................: 14.03.1985",
            "03 ANSCHRIFT.........................: Lindenweg 12, 12345 Musterstadt",
            "04 TELEFON...........................: 0421 123456"]
    img = Image.new("L", (2480, 1000), 255)
    d = ImageDraw.Draw(img)
    for k, t in enumerate(rows):
        d.text((150, 100 + 110 * k), t, font=font, fill=0)
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    a = np.asarray(img, dtype=np.float32) * 0.93 + 10 + np.random.default_rng(1).normal(0, 9, (1000, 2480))
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L").save(path, dpi=(300, 300))


@pytest.mark.slow
def test_a_scanned_printed_form_with_real_tesseract(tmp_path, profile):
    """Tesseract reads the leaders as words of dots, digits and small letters (on this page
    "VORNAME. ..:...:2...:....,..2..2: Weber, Jana", "ANSCHRIFT... 2... 0.5002 2, Lindenweg"):
    the values after them are found."""
    from ekte.stages import intake
    from ekte.stages.ocr import OcrParams, make_archival_pdf

    _form_image(tmp_path / "form.png")
    intake.image_to_pdf(tmp_path / "form.png", tmp_path / "work.pdf", 300, 250)
    res = make_archival_pdf(tmp_path / "work.pdf", tmp_path / "out.pdf", OcrParams.from_profile(profile), jobs=1)
    doc = Document(sha256="d" * 64, source="form.png", size=1, media_type="image/png",
                   received="2026-11-01T10:00:00+01:00")
    doc.page_texts, doc.extra["page_words"], doc.ocr = res["page_texts"], res["page_words"], {"ocr_pages": [1]}
    assert any(leaders.junk(Word(*w)) for w in res["page_words"][0])  # the leaders are read as words
    got = _fields(doc, profile)
    assert {k: got[k].value for k in ("vorname", "nachname", "strasse", "plz", "ort") if k in got} == {
        "vorname": "Jana", "nachname": "Weber", "strasse": "Lindenweg 12", "plz": "12345", "ort": "Musterstadt"}


def test_words_read_twice_are_read_once(profile):
    """A frame taken for a received stamp is read again on its own (ocr.stamps): its words come twice,
    one box on the other; the better reading stays, the row reads as printed."""
    from ekte.stages.layout import read_once

    once = [(359, "Vorgangsnummer", 89.0), (425, "(Az.):", 91.0), (446, "60", 87.0), (457, "41", 87.0),
            (468, "72", 92.0), (480, "-", 92.0), (484, "4229/26", 85.0)]
    again = [(x + 1, w, 96.0) for x, w, _c in once]
    doc = _scan([once + again, HEAD])
    words = [Word(*w) for w in doc.extra["page_words"][0]]
    words = [w._replace(y0=w.y0 - 2, y1=w.y1 - 2) if i >= len(once) else w for i, w in enumerate(words)]
    kept = read_once(words)
    assert [w.text for w in kept[:7]] == [w for _x, w, _c in once] and all(w.conf == 96.0 for w in kept[:7])
    assert _fields(doc, profile)["aktenzeichen"].value == "60 41 72 - 4229/26"
    # a text layer's words, and two different words one over the other (a stamp over a form's text), stay
    born = [w._replace(conf=None) for w in words]
    assert len(read_once(born)) == len(born)
    over = [words[0], words[0]._replace(text="EINGEGANGEN", conf=95.0)]
    assert len(read_once(over)) == 2
