"""Rules found on the development family samples/family10 (issue 10): a citizen's letter in prose ("ich wohne in
der Lindenallee 5, 88212 Ravensburg. Ich möchte …": the article is not the street's, the town ends at the
sentence), a club's address in brackets after its name, the telephone in "erreichen Sie mich tagsüber unter …"."""

from __future__ import annotations

from extract_pages import fields, page, profile  # noqa: F401 (profile: a fixture)

LETTER = ("Landkreis Uelzen-Harz\nBürgerbüro\nAlbrecht-Thaer-Straße 101\n29525 Uelzen\nRavensburg, den 3. Mai 2026\n"
          "Antrag: Die Wiederzulassung meines Fahrzeugs\nSehr geehrte Damen und Herren,\n"
          "mein Name ist Marcel Hänsel, geboren am 04.03.1979 und ich wohne in der Lindenallee 5,\n"
          "88212 Ravensburg OT Eschach. Ich möchte die Wiederzulassung meines Fahrzeugs beantragen.\n"
          "Für Rückfragen erreichen Sie mich tagsüber unter 0172 5260356.\nMit freundlichen Grüßen\n")


def test_street_after_in_der_and_town_to_the_full_stop(profile):
    got = fields(LETTER, profile, "kfz_zulassung")
    assert (got.get("strasse"), got.get("plz"), got.get("ort")) == ("Lindenallee 5", "88212", "Ravensburg OT Eschach")
    assert got.get("telefon") == "0172 5260356"


def test_we_live_without_article_and_a_town_with_a_bracket(profile):
    text = LETTER.replace("ich wohne in der Lindenallee 5,\n88212 Ravensburg OT Eschach.",
                          "wir wohnen Am Anger 3 a,\n15230 Frankfurt (Oder).")
    got = fields(text, profile, "kfz_zulassung")
    assert (got.get("strasse"), got.get("plz"), got.get("ort")) == ("Am Anger 3 a", "15230", "Frankfurt (Oder)")


def test_a_clubs_address_in_brackets(profile):
    text = ("Sehr geehrte Damen und Herren,\nals 1. Vorsitzende des Kanu-Club Eberswalde e.V. (Waldbadstraße 29, 02625 "
            "Bautzen)\nwende ich, Ronny Ebert, mich an Sie: wir bitten um einen Zuschuss.\nMit freundlichen Grüßen\n")
    got = fields(text, profile, "sportstaetten_foerderung")
    assert (got.get("strasse"), got.get("plz"), got.get("ort")) == ("Waldbadstraße 29", "02625", "Bautzen")


def test_a_portal_printouts_submission_time(profile):
    for line in ("Eingereicht: 2026-05-23T16:46:11", "Zeitpunkt der Übermittlung: 2026-05-23, 16:46 Uhr"):
        text = (f"Antragsportal Niedersachsen Ausdruck vom 2026-05-29\nIhre Angaben im Überblick\nAntrags-ID: 2026970052\n"
                f"{line}\nEmpfangende Behörde: Landkreis Barnim-Oder\n1. Angaben zur antragstellenden Person\n")
        assert fields(text, profile, "waffen_antrag").get("antragsdatum") == "23.05.2026", line


def test_trilingual_numbered_labels(profile):
    text, words = page([
        (40, 12, [("Landratsamt Bautzen-Oberlausitz", 15)]),
        (80, 12, [("Antrag auf Eingliederungshilfe / Application for integration assistance", 15)]),
        (110, 9, [("1 Angaben zur Person / Personal details / Données personnelles", 17)]),
        (130, 9, [("1.1", 16), ("Familienname / Surname / Nom", 28), ("NITZSCHE", 128)]),
        (150, 9, [("1.2", 16), ("Vorname(n) / First name(s) / Prénom(s)", 28), ("BJÖRN", 128)]),
        (170, 9, [("2.2", 16), ("Straße, Hausnummer / Street, number / Rue, numéro", 28), ("Am Feldrain 11a", 128)]),
        (190, 9, [("2.3", 16), ("PLZ, Wohnort / Postcode, town / Code postal,", 28), ("02625 Bautzen", 128)]),
        (200, 9, [("ville", 28)])])
    got = fields(text, profile, "eingliederungshilfe", words)
    assert (got.get("nachname"), got.get("vorname")) == ("NITZSCHE", "BJÖRN")
    assert (got.get("strasse"), got.get("plz"), got.get("ort")) == ("Am Feldrain 11a", "02625", "Bautzen")


def test_an_offices_mailbox_at_a_sentences_end_is_not_the_applicants(profile):
    text = ("Landkreis Barnim-Oder – Anzeige der Haltung von Tieren\nDatenschutzinformation (Art. 13 DSGVO)\n"
            "Verantwortlich ist der Landkreis Barnim-Oder, Am Markt 1, 16225 Eberswalde. Die behördliche\n"
            "Datenschutzbeauftragte erreichen Sie unter datenschutz@kreis-bo.example. Ihre Daten werden nur zur\n"
            "Bearbeitung Ihres Antrags verarbeitet.\n")
    assert "email" not in fields(text, profile, "tierhaltung")
    own = text + "E-Mail: olaf.seidel@post.example\n"
    assert fields(own, profile, "tierhaltung").get("email") == "olaf.seidel@post.example"


def test_a_portals_requests_and_a_question_wrapping_in_its_cell(profile):
    text, words = page([
        (40, 10, [("Ihre Angaben im Überblick", 15)]),
        (70, 8, [("Feld", 16), ("Ihre Eingabe", 96)]),
        (90, 9, [("Nachname (wie im Ausweis)", 16), ("Köhler-Wendt", 96)]),
        (110, 9, [("Bitte geben Sie Ihren Rufnamen an", 16), ("Zofia", 96)]),
        (130, 9, [("In welcher Gemarkung liegt das", 16), ("Hahnenklee", 96)]),
        (142, 9, [("Baugrundstück?", 16)]),
        (162, 9, [("Flur", 16), ("5", 96)])])
    got = fields(text, profile, "bauantrag", words)
    assert (got.get("vorname"), got.get("gemarkung")) == ("Zofia", "Hahnenklee")
    text, words = page([(90, 9, [("Bitte geben Sie Ihre eVB-Nummer an", 16), ("QR3KFUP", 96)])])
    assert fields(text, profile, "kfz_zulassung", words).get("evb") == "QR3KFUP"


def test_az_without_colon_before_a_file_number_with_letters_and_a_hyphen(profile):
    for az in ("BA-50/94639/2026", "WA 40/38863/2026"):
        text = f"Serviceportal Brandenburg\nIhre Angaben im Überblick\nAz. {az}\nVorgangsnummer: OZG-824383-83\n"
        assert fields(text, profile, "waffen_antrag").get("aktenzeichen") == az


def test_a_parent_writing_for_the_child_names_the_child(profile):
    """"ich, <parent>, bin die sorgeberechtigte Person von <child>, geboren am …": the child is the person, not the
    writer (main named the parent: family10's letters and e-mails of a parent)."""
    for acting in ("bin die sorgeberechtigte Person von", "bin der Vater von", "bin die Mutter von"):
        text = ("Landkreis Uelzen-Harz\nGesundheitsamt\nUelzen, den 3. Mai 2026\nMeldung nach dem Masernschutzgesetz\n"
                f"Sehr geehrte Damen und Herren,\nich, Yvonne Kretzschmar, {acting} Doreen Kretzschmar, geboren am\n"
                "3. Juni 2014. Wir wohnen Am Anger 3, 15230 Frankfurt (Oder).\nMit freundlichen Grüßen\n")
        got = fields(text, profile, "masern_meldung")
        assert (got.get("vorname"), got.get("nachname"), got.get("geburtsdatum")) == ("Doreen", "Kretzschmar",
                                                                                       "03.06.2014"), (acting, got)


def test_a_file_number_wrapping_in_an_e_mails_subject(profile):
    """"Betreff: … (Ihr Az. 18 SO" / "73492/26)": the bracket holds the whole file number (main: missed); an
    unbracketed one ending its line is not joined with the next line's number."""
    text = ("Von: Petra Wünsche <p.wuensche@post.example>\nGesendet: Dienstag, 3. Februar 2026 14:22\n"
            "An: gesundheitsamt@lra.example\nBetreff: Belehrung nach § 43 Infektionsschutzgesetz (Ihr Az. 18 SO\n"
            "73492/26)\nSehr geehrte Damen und Herren,\nhiermit beantrage ich die Belehrung.\n")
    assert fields(text, profile, "ifsg_belehrung").get("aktenzeichen") == "18 SO 73492/26"
    loose = text.replace("(Ihr Az. 18 SO\n73492/26)", "– Ihr Az. 18 SO\n73492/26 Termin")
    assert fields(loose, profile, "ifsg_belehrung").get("aktenzeichen") != "18 SO 73492/26"
