"""Rules found on the development family samples/family11 (issue 10): a form's instruction column between label and
entry ("Nr. | Angabe | Erläuterung | Eintrag": "siehe Merkblatt", "wie im Personalausweis", "PLZ Ort, Straße
Hausnummer"), a label's remark that wraps in its cell ("Wohnort (ggf." / "Ortsteil)", "Familienname, ggf." /
"Geburtsname", "Telefon (tagsüber, für" / "Rückfragen)"), and a power of attorney's "Vollmachtgeber/in" as the
applicant's section. Pages drawn word by word (tests/extract_pages.py); values invented."""

from __future__ import annotations

from extract_pages import fields, page, profile  # noqa: F401 (profile: a fixture)

HEAD = [(40, 11, [("Kreisverwaltung Eifel-Mosel", 20)]), (60, 13, [("Anzeige einer Tierhaltung", 20)])]


def test_an_instruction_column_between_label_and_entry(profile):
    """Main took "wie im Personalausweis; ggf. mit" as the name (and "siehe Merkblatt" as a sure Gemarkung), and the
    labels inside "PLZ Ort, Straße Hausnummer" cut the address off."""
    text, words = page(HEAD + [
        (90, 10, [("Nr.", 20), ("Angabe", 30), ("Erläuterung", 90), ("Eintrag", 200)]),
        (110, 10, [("1", 20), ("Familienname", 30), ("wie im Personalausweis; ggf. mit", 90), ("von Bülow", 220)]),
        (130, 10, [("2", 20), ("Vorname(n)", 30), ("alle Vornamen", 90), ("Wiebke", 230)]),
        (150, 10, [("3", 20), ("Geburtsdatum", 30), ("TT.MM.JJJJ", 90), ("05.07.1979", 225)]),
        (170, 10, [("4", 20), ("Anschrift", 30), ("PLZ Ort, Straße Hausnummer", 90),
                   ("54550 Daun, Hauptstr. 129 c", 190)]),
        (190, 10, [("5", 20), ("Telefon", 30), ("freiwillige Angabe", 90), ("04801 61 32 32", 215)]),
    ])
    got = fields(text, profile, "tierhaltung", words)
    assert (got.get("nachname"), got.get("vorname")) == ("von Bülow", "Wiebke"), got
    assert (got.get("plz"), got.get("ort"), got.get("strasse")) == ("54550", "Daun", "Hauptstr. 129c"), got
    assert got.get("telefon") == "04801 61 32 32", got


def test_a_labels_remark_wrapping_in_its_cell(profile):
    """A narrow label column whose remarks wrap: main read "ggf.", "(ggf.", "Ortsteil)" as the values and missed the
    telephone after "Telefon (tagsüber, für"."""
    text, words = page(HEAD + [
        (90, 10, [("Familienname, ggf.", 20), ("Obermaier", 80)]),
        (102, 10, [("Geburtsname", 20)]),
        (120, 10, [("Vorname(n)", 20), ("Ilse", 80)]),
        (140, 10, [("Straße, Hausnummer", 20), ("Osterdeich 50 c", 80)]),
        (160, 10, [("Postleitzahl", 20), ("84524", 80), ("Wohnort (ggf.", 110), ("Neuötting", 150)]),
        (172, 10, [("Ortsteil)", 116)]),
        (190, 10, [("Telefon (tagsüber, für", 20), ("+49 2237 336489", 80), ("E-Mail", 150)]),
        (202, 10, [("Rückfragen)", 20)]),
    ])
    got = fields(text, profile, "tierhaltung", words)
    assert (got.get("nachname"), got.get("vorname")) == ("Obermaier", "Ilse"), got
    assert (got.get("plz"), got.get("ort")) == ("84524", "Neuötting"), got
    assert got.get("telefon") == "+49 2237 336489", got


def test_the_principal_of_a_power_of_attorney_is_the_applicant(profile):
    """"A Bevollmächtigte Person" then "B Vollmachtgeber/in (Antragsteller/in)" with the same labels: B's values
    (main: none, "Vollmacht" named B's heading a representative's)."""
    rows = []
    y = 90
    for head, (name, street, plz_ort) in (("A Bevollmächtigte Person", ("von Bülow, Gregor", "Trierer Str. 1-3",
                                                                           "32825 Blomberg")),
                                          ("B Vollmachtgeber/in (Antragsteller/in)", ("Dreesen, Bernd",
                                                                                       "Detmolder Straße 54",
                                                                                       "32756 Detmold"))):
        rows += [(y, 11, [(head, 20)]), (y + 16, 10, [("Name, Vorname", 20), (name, 70)]),
                 (y + 30, 10, [("Straße, Hausnummer", 20), (street, 70)]), (y + 44, 10, [("PLZ, Ort", 20), (plz_ort, 70)])]
        y += 70
    text, words = page(HEAD + rows)
    got = fields(text, profile, "tierhaltung", words)
    assert (got.get("nachname"), got.get("vorname"), got.get("strasse"), got.get("plz"), got.get("ort")) == (
        "Dreesen", "Bernd", "Detmolder Straße 54", "32756", "Detmold"), got
