"""Post that belongs to none of the eight types (`sonstiges`): private
letters (complaint, change of address, objection to a fee notice, request for
a call back), a firm's invoice, and forms of other offices (school transport,
exemption from the organic waste bin, access to environmental information)."""

from __future__ import annotations

import datetime as dt

from .doc import Block, Doc, Item, authority, finish, form_no, person_rows, address_items
from .letters import agent_letter, mention, private_letter
from .world import Rng, fmt_date, person
from . import world as W


def _complaint(r: Rng, doc: Doc, p) -> None:
    road = f"K {r.randint(2, 48)}"
    private_letter(r, doc, p, "Tiefbauamt / Kreisstraßen", [f"Zustand der Kreisstraße {road}"], [
        f"seit Wochen befinden sich auf der {road} zwischen {r.pick(tuple(W.TOWNS))} und {r.pick(tuple(W.TOWNS))} "
        "tiefe Schlaglöcher. Gestern ist mir dort beinahe ein Radfahrer ins Auto gefallen.",
        "Ich bitte Sie dringend, die Stellen auszubessern, und um eine kurze Rückmeldung, wann das geschieht.",
        "Mit freundlichen Grüßen"])


def _moved(r: Rng, doc: Doc, p) -> None:
    old = person(r)
    private_letter(r, doc, p, "Abfallwirtschaft", ["Mitteilung meiner neuen Anschrift"], [
        f"ich bin umgezogen. Meine bisherige Anschrift lautete {old.strasse}, {old.plz} {old.ort}. "
        "Bitte senden Sie künftige Bescheide an die oben stehende neue Anschrift.",
        "Das Kundenkonto für die Abfallgebühren bitte ich entsprechend zu ändern.", "Vielen Dank und freundliche Grüße"])


def _objection(r: Rng, doc: Doc, p) -> None:
    kz = W.kassenzeichen(r)
    fee = W.amount(r, 60, 900, 10)[1]
    private_letter(r, doc, p, "Kreiskasse", ["Widerspruch gegen den Gebührenbescheid", f"Kassenzeichen {kz}"], [
        f"gegen den Gebührenbescheid vom {fmt_date(W.recent(r, 60), 'num')} über {fee} lege ich hiermit Widerspruch ein.",
        "Die Abfallbehälter waren im berechneten Zeitraum abgemeldet; die Abmeldebestätigung lege ich bei.",
        "Mit freundlichen Grüßen"], az_chance=0.55, enclosures=["Abmeldebestätigung"])


def _callback(r: Rng, doc: Doc, p) -> None:
    private_letter(r, doc, p, "Bürgerbüro", ["Bitte um Rückruf"], [
        "ich habe mehrfach versucht, Sie telefonisch zu erreichen, leider ohne Erfolg. Es geht um meine Anfrage "
        "wegen der Beglaubigung von Zeugniskopien.",
        "Bitte rufen Sie mich zurück; vormittags bin ich gut erreichbar.", "Freundliche Grüße"], az_chance=0.4)


def _invoice(r: Rng, doc: Doc) -> None:
    body = [f"für die im {W.MONTHS[W.TODAY.month - 2]} ausgeführten Arbeiten (Wartung der Heizungsanlage im Kreishaus) "
            f"berechnen wir {W.amount(r, 300, 4000, 10)[1]} zuzüglich Umsatzsteuer.",
            f"Zahlbar innerhalb von 14 Tagen ohne Abzug. Rechnungs-Nr. {r.digits(6)}.", "Mit freundlichen Grüßen"]
    agent_letter(r, doc, "autohaus" if r.chance(0.3) else "agrar", "Hochbau / Gebäudemanagement",
                 ["Rechnung", "Wartungsarbeiten Kreishaus"], body, [], az_chance=0.4)


def _school(r: Rng, style: str) -> Doc:
    p = person(r, age=(28, 55))
    kid = person(r, age=(7, 16), child=True, surname=p.nachname, town=p.ort)
    doc = Doc("sonstiges", r.pick(("Antrag auf Erstattung der Schülerbeförderungskosten",
                                   "Antrag Schülerbeförderung – Ausgabe einer Schülerfahrkarte")),
              "Schuljahr 2025/26", authority(r, "Amt für Schulen", "Schülerbeförderung"), form_no(r, "40"),
              caps=r.chance(0.3))
    doc.blocks.append(Block("Antragsteller/in (Erziehungsberechtigte/r)", person_rows(r, p, True, birth=False),
                            role="Erziehungsberechtigte/r"))
    doc.blocks.append(Block("Schüler/in", [[Item("Name, Vorname", f"{kid.nachname}, {kid.vorname}", {},
                                                 "Name des Kindes:"),
                                            Item("Geburtsdatum", fmt_date(kid.geboren, "num"), {}, "Geburtsdatum des Kindes:")],
                                           [Item("Schule", f"Mittelschule {r.pick(tuple(W.TOWNS))}", {}, "Besuchte Schule:"),
                                            Item("Klasse", f"{r.randint(5, 10)}{r.pick('abc')}", {}, "Klasse:", 0.4)]],
                            role="Schüler/in"))
    return finish(doc, r, p, p.ort, office=0.3)


def _biotonne(r: Rng, style: str) -> Doc:
    p = person(r)
    doc = Doc("sonstiges", "Antrag auf Befreiung von der Biotonne", "wegen Eigenkompostierung",
              authority(r, "Abfallwirtschaft", "Gebühren und Behälter"), form_no(r, "70"), caps=r.chance(0.3))
    doc.blocks.append(Block("Grundstückseigentümer/in", person_rows(r, p, True, birth=False, contact=0.7),
                            role="Eigentümer/in"))
    site = person(r, town=p.ort)
    doc.blocks.append(Block("Veranlagtes Grundstück", address_items(r, site, False, style=0) + [
        [Item("Kompostfläche (m²)", str(r.randint(4, 40)), {}, "Wie groß ist die Kompostfläche?"),
         Item("Personen im Haushalt", str(r.randint(1, 6)), {}, "Wie viele Personen?")]]))
    return finish(doc, r, p, p.ort, office=0.3)


def _uig(r: Rng, style: str) -> Doc:
    p = person(r)
    doc = Doc("sonstiges", "Antrag auf Zugang zu Umweltinformationen", "nach dem Umweltinformationsgesetz",
              authority(r, "Umweltamt", "Immissionsschutz"), form_no(r, "60"), caps=r.chance(0.2))
    doc.blocks.append(Block("Antragsteller/in", person_rows(r, p, True, birth=False, contact=0.8), role="Antragsteller/in"))
    doc.blocks.append(Block("Gewünschte Information", [[Item("Gegenstand", r.pick((
        "Messberichte Lärm Biogasanlage Kleinmoosach", "Genehmigungsunterlagen Windpark Hohenfurth",
        "Gewässeruntersuchung Rodach 2025")), {}, "Welche Informationen wünschen Sie?", 3)],
        [Item("Form", r.pick(("Auskunft", "Akteneinsicht", "Kopien")), {}, choices=("Auskunft", "Akteneinsicht", "Kopien"))]]))
    return finish(doc, r, p, p.ort, office=0.3)


def sonstiges(r: Rng, style: str) -> Doc:
    if style == "letter":
        doc = Doc("sonstiges", "")
        kind = r.randrange(5)
        if kind == 4:
            _invoice(r, doc)
        else:
            (_complaint, _moved, _objection, _callback)[kind](r, doc, person(r))
        return doc
    return r.pick((_school, _biotonne, _uig))(r, style)
