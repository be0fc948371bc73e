"""Label rules found on the development family samples/family9 (issue 10): values in single-character boxes
under small captions (a Kammformular: names with a hyphen, short names, dates with printed dots, a street and
its number in boxes of their own, a town with an empty box between its words, a file number), "Unser Zeichen"
on the authority's own form, the authority's clerk's telephone and e-mail in its letter head."""

from __future__ import annotations

from extract_pages import fields, page, profile  # noqa: F401 (profile: a fixture)


def head() -> list:
    return [(40, 12, [("Kreisverwaltung Westerwald-Lahn", 15)]), (80, 13, [("Antrag auf Erstbelehrung", 15)]),
            (120, 10, [("A Angaben zur antragstellenden Person", 15)])]


def comb_page() -> list:
    return head() + [
        (150, 6, [("Familienname", 15), ("Vorname(n)", 105)]),
        (165, 10, [("S t u m p f - R e u t e r", 16), ("I l s e", 106)]),
        (190, 6, [("Geburtsdatum (TT.MM.JJJJ)", 15)]),
        (205, 10, [("2 4 . 0 2 . 1 9 8 7", 16)]),
        (230, 6, [("Straße", 15), ("Hausnummer", 130)]),
        (245, 10, [("R a i f f e i s e n r i n g", 16), ("9 2 - 3", 131)]),
        (270, 6, [("Postleitzahl", 15), ("Wohnort", 45)]),
        (285, 10, [("5 6 4 1 0", 16), ("B a d", 46), ("E m s", 60)])]


def test_values_in_single_character_boxes(profile):
    text, words = page(comb_page())
    got = fields(text, profile, "ifsg_belehrung", words)
    assert (got.get("nachname"), got.get("vorname")) == ("Stumpf-Reuter", "Ilse")
    assert got.get("geburtsdatum") == "24.02.1987"
    assert (got.get("strasse"), got.get("plz"), got.get("ort")) == ("Raiffeisenring 92-3", "56410", "Bad Ems")


def test_file_number_in_boxes_under_its_caption(profile):
    rows = [(30, 6, [("Aktenzeichen (wird vom Amt ausgefüllt)", 120)]), (45, 10, [("I I / 5 5 - 6 8 1 3 / 2 6", 121)])]
    text, words = page(rows + comb_page())
    assert fields(text, profile, "ifsg_belehrung", words).get("aktenzeichen") == "II/55-6813/26"


def authority_form(extra: list) -> list:
    return [(40, 14, [("Landratsamt Saale-Orla-Holzland", 15), ("Auskunft erteilt:", 140)]),
            (52, 9, [("Teilhabe und Soziales", 15), ("Frau Demir", 140)]),
            (64, 8, [("Telefon 03647 824282", 140)]), (76, 8, [("Zimmer 2.82", 140)]),
            (88, 8, [("E-Mail: demir@lra-soh.example", 140)]), *extra,
            (150, 12, [("Antrag auf Leistungen der Eingliederungshilfe", 15)]),
            (180, 10, [("Leistungsberechtigte Person", 15)]),
            (200, 9, [("Familienname:", 15), ("Wendling", 70)]), (215, 9, [("Vorname:", 15), ("Swantje", 70)]),
            (230, 9, [("Straße, Hausnummer:", 15), ("Raiffeisenring 48b", 70)]),
            (245, 9, [("PLZ, Ort:", 15), ("56470 Bad Marienberg", 70)])]


def test_unser_zeichen_on_the_authoritys_own_form(profile):
    text, words = page(authority_form([(105, 6.5, [("Unser Zeichen", 140)]), (115, 9, [("II/62-4347/26", 140)])]))
    assert fields(text, profile, "eingliederungshilfe", words).get("aktenzeichen") == "II/62-4347/26"


def test_unser_zeichen_of_someone_else_is_no_file_number(profile):
    """A citizen's (or a law firm's) letter: "Unser Zeichen" is the writer's own reference."""
    rows = [(40, 10, [("Swantje Wendling · Raiffeisenring 48b · 56470 Bad Marienberg", 15)]),
            (60, 10, [("Landratsamt Saale-Orla-Holzland", 15), ("Unser Zeichen: WE-2026-17", 130)]),
            (150, 12, [("Antrag auf Leistungen der Eingliederungshilfe", 15)]),
            (200, 9, [("Familienname:", 15), ("Wendling", 70)])]
    text, words = page(rows)
    assert "aktenzeichen" not in fields(text, profile, "eingliederungshilfe", words)


def test_unser_zeichen_of_a_town_writing_to_the_county_is_no_file_number(profile):
    """review40 R3: a town's letter to the county (its own clerk's block) carries the town's "Unser Zeichen", not
    the county's file number (it was pre-filled as one at 0.89)."""
    rows = [(40, 14, [("Stadtverwaltung Bad Marienberg", 15), ("Auskunft erteilt:", 140)]),
            (52, 9, [("Bauamt", 15), ("Herr Kolb", 140)]), (76, 8, [("Zimmer 1.04", 140)]),
            (105, 6.5, [("Unser Zeichen", 140)]), (115, 9, [("61-BA-117/26", 140)]),
            (150, 12, [("Antrag auf Leistungen der Eingliederungshilfe", 15)]),
            (200, 9, [("Familienname:", 15), ("Wendling", 70)])]
    text, words = page(rows)
    assert "aktenzeichen" not in fields(text, profile, "eingliederungshilfe", words)


FOOTER = [(790, 6.5, [("Landratsamt Saale-Orla-Holzland", 15), ("Telefon 03647 824-0", 70), ("Sparkasse Jena", 125)]),
          (800, 6.5, [("Schloßgasse 17", 15), ("Telefax 03647 824-9999", 70), ("BIC HELADEF1JEN", 125)])]


def test_the_clerks_and_the_footers_contacts_are_the_authoritys(profile):
    text, words = page(authority_form([]) + FOOTER)
    got = fields(text, profile, "eingliederungshilfe", words)
    assert got.get("nachname") == "Wendling"
    assert "telefon" not in got and "email" not in got


def test_the_applicants_contacts_still_found_beside_the_authoritys(profile):
    rows = authority_form([]) + [(260, 9, [("Telefon:", 15), ("02661 931412", 70)]),
                                 (275, 9, [("E-Mail:", 15), ("swantje.w@mail.example", 70)])] + FOOTER
    text, words = page(rows)
    got = fields(text, profile, "eingliederungshilfe", words)
    assert (got.get("telefon"), got.get("email")) == ("02661 931412", "swantje.w@mail.example")


def test_small_caption_alone_in_its_box_labels_the_value_below(profile):
    """ "Telefon" in 5.5-point type at a box's top left, the number written in the box below it."""
    rows = head() + [(150, 5.5, [("Name", 15), ("Vorname", 80)]), (162, 10, [("Schmittgen", 16), ("Gisela", 81)]),
                     (180, 5.5, [("Straße und Hausnummer", 15), ("PLZ", 105), ("Ort", 125)]),
                     (192, 10, [("In der Au 135b", 16), ("07381", 106), ("Pößneck", 126)]),
                     (210, 5.5, [("Telefon", 15)]), (222, 10, [("01561-138495", 16)]),
                     (250, 10, [("2. Arbeitgeber/in", 15)]),
                     (270, 5.5, [("Name", 15), ("Vorname", 80)]), (282, 10, [("Dahmen", 16), ("Jens-Uwe", 81)]),
                     (300, 5.5, [("Telefon", 15)]), (312, 10, [("+49 (0)2661 931412", 16)])]
    text, words = page(rows)
    got = fields(text, profile, "ifsg_belehrung", words)
    assert got.get("nachname") == "Schmittgen"
    assert got.get("telefon") == "01561-138495"


def test_name_des_vereins_under_a_heading_that_ends_with_the_chairs_role(profile):
    """ "… vertreten durch den Vorsitzenden" ends its heading: the next line's "Name des Vereins" is a label,
    not the chair's name (family8's open case)."""
    rows = [(40, 12, [("Landratsamt Oberwaldnaab", 15)]), (80, 13, [("Antrag auf Förderung des Sportstättenbaus", 15)]),
            (120, 10, [("Antragsteller (Verein), vertreten durch den Vorsitzenden", 15)]),
            (140, 9, [("Name des Vereins", 15), ("SpVgg Weiden-Ost 1921 e.V.", 70)]),
            (155, 9, [("Name*", 15), ("Kürzinger", 70)]), (170, 9, [("Vorname*", 15), ("Quirin", 70)])]
    text, words = page(rows)
    got = fields(text, profile, "sportstaetten_foerderung", words)
    assert (got.get("vorname"), got.get("nachname")) == ("Quirin", "Kürzinger")
    assert got.get("verein") == "SpVgg Weiden-Ost 1921 e.V."
