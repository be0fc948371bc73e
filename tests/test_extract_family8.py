"""Label rules found on the development family samples/family8 (issue 10): the authority's e-mail address
in a form's footer, a thing's label with a remark and no colon ("eVB-Nummer der Kfz-Haftpflicht",
"Amtl. Kennzeichen (Wunschkennzeichen)"), and a question in a grid cell of its own with its answer right
of it ("Wie heißen Sie mit Familiennamen? | Pfaffinger")."""

from __future__ import annotations

from extract_pages import fields, page, profile  # noqa: F401 (profile: a fixture)


def head() -> list:
    return [(40, 12, [("Landratsamt Oberwaldnaab", 15)]), (80, 13, [("Antrag auf Zulassung eines Fahrzeugs", 15)]),
            (130, 10, [("Angaben zur antragstellenden Person", 15)]),
            (150, 9, [("Familienname:", 15), ("Zollner", 60)]), (165, 9, [("Vorname(n):", 15), ("Ludwig", 60)])]


FOOTER = [(790, 7, [("Landratsamt Oberwaldnaab · Postfach 13 40 · 92633 Weiden · Telefon 0961 39-0 · "
                     "poststelle@lra.example", 15)]),
          (802, 7, [("Bankverbindung: Sparkasse Oberpfalz Nord · IBAN DE11 7535 0000 0000 1234 56", 15)])]


def test_authority_email_in_footer_is_no_applicants(profile):
    text, words = page(head() + FOOTER)
    got = fields(text, profile, "kfz_zulassung", words)
    assert got.get("nachname") == "Zollner"
    assert "email" not in got


def test_applicants_email_still_found(profile):
    text, words = page(head() + [(180, 9, [("E-Mail:", 15), ("ludwig.zollner@post.example", 60)])] + FOOTER)
    assert fields(text, profile, "kfz_zulassung", words).get("email") == "ludwig.zollner@post.example"


def test_thing_label_with_remark_over_its_value(profile):
    """A caption above its value: "eVB-Nummer der Kfz-Haftpflicht" / "GMZ84QN"."""
    text, words = page(head() + [(200, 7, [("eVB-Nummer der Kfz-Haftpflicht", 15)]), (214, 11, [("GMZ84QN", 15)]),
                                 (240, 7, [("Fahrzeug-Ident.-Nr. (FIN)", 15)]), (254, 11, [("WDK8EFPX30PLK4SYM", 15)])])
    got = fields(text, profile, "kfz_zulassung", words)
    assert got.get("evb") == "GMZ84QN"
    assert got.get("fin") == "WDK8EFPX30PLK4SYM"


def test_abbreviated_thing_label_with_bracketed_remark(profile):
    """ "Amtl. Kennzeichen (Wunschkennzeichen)" beside its value, no colon."""
    text, words = page(head() + [(200, 9, [("Amtl. Kennzeichen (Wunschkennzeichen)", 15), ("TIR-RT 5012", 95)])])
    assert fields(text, profile, "kfz_zulassung", words).get("kennzeichen") == "TIR-RT 5012"


def test_question_in_grid_cell_answer_right(profile):
    rows = [(40, 12, [("Landratsamt Jura-Altmühl", 15)]), (80, 13, [("Anzeige einer Tierhaltung", 15)]),
            (130, 10, [("1. Antragsteller/in", 15)]),
            (150, 8, [("Wie heißen Sie mit Familiennamen?", 17), ("Aigner", 88)]),
            (173, 8, [("Wie lautet Ihr Vorname?", 17), ("Florian", 88)]),
            (196, 8, [("In welcher Straße wohnen Sie?", 17), ("Hopfengartenstraße 79", 88)]),
            (219, 8, [("Postleitzahl?", 17), ("92318", 88)]),
            (242, 8, [("In welchem Ort wohnen Sie?", 17), ("Neumarkt i.d.OPf.", 88)])]
    text, words = page(rows)
    got = fields(text, profile, "tierhaltung", words)
    assert (got.get("nachname"), got.get("vorname")) == ("Aigner", "Florian")
    assert (got.get("strasse"), got.get("plz"), got.get("ort")) == ("Hopfengartenstraße 79", "92318", "Neumarkt i.d.OPf.")


def test_question_with_its_answer_below_keeps_it(profile):
    """A stamp's word right of a question ("… geboren?   Zugegangen") is no answer: its date is no birth date."""
    rows = [(40, 12, [("Landratsamt Jura-Altmühl", 15)]), (80, 13, [("Anzeige einer Tierhaltung", 15)]),
            (150, 9, [("1. Wie heißen Sie mit Familiennamen?", 15)]), (163, 9, [("Antwort: Aigner", 20)]),
            (190, 9, [("2. Wann sind Sie geboren?", 15), ("Zugegangen", 150)]), (203, 9, [("Antwort: 29. Juli 1962", 20)]),
            (190 - 12, 9, [("am 06.05.2026", 150)])]
    text, words = page(rows)
    got = fields(text, profile, "waffen_antrag", words)
    assert got.get("geburtsdatum") in (None, "29.07.1962")  # never the stamp's date


def test_bilingual_label_over_its_value_beside_another_cell(profile):
    """ "Vorname / First name" over its value, a file number's caption far right on the same line."""
    rows = [(40, 12, [("Landratsamt Jura-Altmühl", 15)]), (80, 13, [("Anmeldung zur Belehrung nach § 43 IfSG", 15)]),
            (140, 7, [("Familienname / Surname", 15), ("Aktenzeichen", 130)]),
            (154, 11, [("Ostermeier", 15), ("GA 53.6-7806", 130)]),
            (174, 7, [("Vorname / First name", 15), ("Kassenzeichen", 130)]),
            (188, 11, [("Kathrin", 15), ("6.7319.528458", 130)])]
    text, words = page(rows)
    got = fields(text, profile, "ifsg_belehrung", words)
    assert (got.get("nachname"), got.get("vorname")) == ("Ostermeier", "Kathrin")
