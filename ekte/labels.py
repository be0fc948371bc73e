"""The default label lexicon and section headings of extraction (German
forms); profiles add to them (``extract.labels``, ``extract.sections``)."""

from __future__ import annotations

#: label variants per field; "name" (a full name), "anschrift" (street,
#: PLZ and Ort on one line), "plz_ort" and "other" (labels of values ekte does
#: not extract: they only end the value before them) are pseudo-fields
DEFAULT_LABELS: dict[str, list[str]] = {
    "nachname": ["Familienname", "Nachname", "Zuname", "Familien-/Nachname", "Name des Kindes", "Nachname des Kindes",
                 "Familienname des Kindes"],
    "vorname": ["Vorname", "Vornamen", "Vorname(n)", "Rufname", "Vorname des Kindes", "Vorname(n) des Kindes"],
    "geburtsdatum": ["Geburtsdatum", "Geb.-Datum", "geboren am", "Geburtstag", "Geb. am", "Geb.-Dat.", "Tag der Geburt",
                     "Geburtsdatum des Kindes", "geb.", "Datum der Geburt"],
    "strasse": ["Straße, Hausnummer", "Straße und Hausnummer", "Straße, Hausnr.", "Straße/Hausnr.", "Straße / Hausnr.",
                "Straße / Nr.", "Straße/Nr.", "Straße, Nr.", "Straße Nr.", "Straße und Hausnr.", "Str., Hausnr.", "Straße",
                "Straße / Hausnummer", "Straße/Hausnummer", "Straße u. Hausnr."],
    "plz": ["PLZ", "Postleitzahl"],
    "ort": ["Ort", "Wohnort", "Gemeinde / Ort"],
    "telefon": ["Telefon", "Tel.", "Telefonnummer", "Rufnummer", "Mobil", "Tel.-Nr.", "Telefon (tagsüber)", "Mobilnummer",
                "Telefon / Mobil", "Tel. (tagsüber)", "Handy", "Tel.-Nr. für Rückfragen", "Telefon für Rückfragen",
                "Telefonnummer für Rückfragen", "Rückfragen unter", "Telefon (Geschäftsstelle)", "Telefon (privat)",
                "Telefonisch erreichbar unter"],
    "email": ["E-Mail", "E-Mail-Adresse", "Email", "E-Mail (freiwillig)", "Mail"],
    "iban": ["IBAN", "IBAN des Vereins", "IBAN (Kfz-Steuer)", "Bankverbindung (IBAN)", "Kontonummer (IBAN)",
             "IBAN für die Kfz-Steuer", "Bankverbindung IBAN"],
    "kennzeichen": ["Gewünschtes Kennzeichen", "Amtliches Kennzeichen", "Kennzeichen", "Wunschkennzeichen",
                    "Reserviertes Kennzeichen", "Kfz-Kennzeichen", "Zuzuteilendes Kennzeichen", "Zugeteiltes Kennzeichen",
                    "Bisheriges Kennzeichen"],
    "fin": ["Fahrzeug-Identifizierungsnummer (FIN)", "Fahrzeug-Identifizierungsnummer", "FIN", "Fahrgestellnummer",
            "Fahrzeugidentnummer", "FIN / Fahrgestellnummer", "Fahrzeug-Ident.-Nr."],
    "evb": ["eVB-Nummer", "eVB", "Versicherungsbestätigungsnummer", "eVB-Nr.", "Versicherungsbestätigung (eVB)"],
    "gemarkung": ["Gemarkung"],
    "flur": ["Flur"],
    "flurstueck": ["Flurstück", "Flurstücke", "Flurstücksnummer", "Flurstück-Nr.", "Flurstück(e)"],
    "verein": ["Verein", "Name des Vereins", "Antragstellender Verein", "Sportverein", "Vereinsname",
               "Antragsteller (Verein)", "Zuwendungsempfänger"],
    "betrag_eur": ["Beantragter Zuschuss", "Beantragte Zuwendung", "Betrag", "Fördersumme", "Zuschuss",
                   "Beantragter Betrag", "Höhe der beantragten Zuwendung", "Beantragte Förderung",
                   "Höhe des beantragten Zuschusses", "Höhe der Zuwendung", "Beantragte Summe", "Zuwendungsbetrag"],
    "antragsdatum": ["Antragsdatum", "Datum des Antrags", "Datum", "Ort, Datum", "Ort und Datum", "Datum der Antragstellung"],
    "eingangsdatum": ["Eingegangen am", "Eingang", "Eingangsdatum", "Posteingang", "Eingegangen", "Eing.", "Eingangsstempel"],
    # pseudo-fields: a full name ("Vorname Nachname" or "Nachname, Vorname"), a whole address, PLZ with Ort
    "name": ["Name, Vorname", "Nachname, Vorname", "Familienname, Vorname", "Familienname, Vorname(n)", "Name, Vorname(n)",
             "Vor- und Nachname", "Vor- und Zuname", "Vor- und Familienname", "Antragsteller(in)", "Antragstellerin",
             "Antragsteller", "Antragsteller/in", "Vertreten durch", "Name", "Name des Antragstellers",
             "Name der antragstellenden Person", "Vorsitzende(r)", "Vorsitzende/r", "Kontoinhaber(in)", "Kontoinhaber",
             "Kontoinhaber/in", "Name des Kontoinhabers", "Bevollmächtigte(r)", "Bevollmächtigte/r",
             "Name, Vorname des Kindes", "Name des Bevollmächtigten", "Ansprechpartner(in)", "Ansprechpartner/in",
             "Vertretungsberechtigte Person", "Vertretungsberechtigte/r", "Vorsitzende", "Vorsitzender",
             "Vorname, Name", "Vorname und Name", "Vorname Nachname", "Name und Vorname", "Name, Vorname(n)",
             "Bauherr", "Bauherrin", "Bauherr/in", "Bauherr(in)", "Halter/in", "Fahrzeughalter/in", "Tierhalter/in"],
    "anschrift": ["Anschrift", "Wohnanschrift", "Adresse", "Hausanschrift", "Postanschrift", "Meldeanschrift", "Anschrift (Hauptwohnsitz)", "Wohnsitz",
                  "Straße, Hausnummer, PLZ, Ort", "Anschrift des Kindes", "Anschrift des Vereins",
                  "Anschrift (Straße, Hausnummer, PLZ, Ort)", "Anschrift (Straße, Hausnr., PLZ, Ort)"],
    "plz_ort": ["PLZ, Ort", "PLZ/Ort", "PLZ und Ort", "PLZ Ort", "Postleitzahl, Ort", "Postleitzahl und Ort", "PLZ / Ort",
                "PLZ, Wohnort", "PLZ/Wohnort", "Postleitzahl/Ort", "PLZ / Wohnort"],
    "other": ["Geburtsort", "Geburtsname", "Staatsangehörigkeit", "Geschlecht", "Familienstand", "Beruf", "Unterschrift",
              "Bauvorhaben", "Tierart", "Anzahl der Tiere", "Art der Waffe", "Einrichtung", "Fahrzeugart", "Hersteller",
              "Kreditinstitut", "BIC", "Vereinsregister", "Registernummer", "Steuernummer", "Betreff"],
}
PSEUDO_FIELDS = ("name", "anschrift", "plz_ort", "other")

#: section headings (variants) per role: a section decides whose values are
#: whose.  "applicant" and "subject" are the document's person (which one
#: first: ``person_roles``), the others never fill its person fields.
DEFAULT_SECTIONS: dict[str, list[str]] = {
    "applicant": ["Angaben zur antragstellenden Person", "Antragstellende Person", "Angaben zum Antragsteller",
                  "Angaben zur Antragstellerin", "Antragsteller/in", "Antragstellerin / Antragsteller", "Persönliche Angaben",
                  "Angaben zur Person", "Angaben zum Halter", "Halter/in", "Fahrzeughalter/in", "Bauherr/in", "Bauherrschaft",
                  "Angaben zur Bauherrschaft", "Tierhalter/in", "Angaben zum Tierhalter", "Leistungsberechtigte Person",
                  "Angaben zur leistungsberechtigten Person", "Antragsteller", "Antragstellerin", "Angaben zum Verein",
                  "Verein", "Antragstellender Verein"],
    "chair": ["Vertretungsberechtigte Person", "Vertretungsberechtigte/r", "Vorsitzende/r", "Vorstand",
              "Angaben zur vertretungsberechtigten Person", "Vertreten durch"],
    "subject": ["Angaben zum Kind", "Angaben zur betroffenen Person", "Betroffene Person", "Angaben zur betreuten Person",
                "Person, für die der Nachweis erbracht wird", "Angaben zur zu betreuenden Person", "Kind"],
    "representative": ["Bevollmächtigte/r", "Bevollmächtigte(r)", "Bevollmächtigter", "Bevollmächtigte", "Vollmacht",
                       "Gesetzliche Vertretung", "Gesetzlicher Vertreter", "Gesetzliche Vertreterin", "Betreuer/in",
                       "Erziehungsberechtigte/r", "Erziehungsberechtigte", "Sorgeberechtigte/r", "Sorgeberechtigte",
                       "Angaben zu den Erziehungsberechtigten", "Vertreter/in", "Ansprechpartner/in", "Kontaktperson",
                       "Angaben zur bevollmächtigten Person", "Empfangsbevollmächtigte/r"],
    "account": ["Kontoinhaber", "Kontoinhaber/in", "Kontoinhaberin", "Bankverbindung", "Angaben zur Bankverbindung",
                "Abweichende/r Kontoinhaber/in"],
    "other": ["Entwurfsverfasser/in", "Entwurfsverfasser", "Angaben zum Entwurfsverfasser", "Grundstückseigentümer/in",
              "Eigentümer/in", "Arzt / Ärztin", "Angaben zur Einrichtung", "Einrichtung", "Behörde", "Empfänger"],
    "neutral": ["Angaben zum Fahrzeug", "Angaben zum Grundstück", "Angaben zum Bauvorhaben", "Angaben zur Tierhaltung",
                "Angaben zur Maßnahme", "Finanzierung", "Erklärung", "Anlagen", "Angaben zur Waffe", "Bearbeitungsvermerke"],
}
