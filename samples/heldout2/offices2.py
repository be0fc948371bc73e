"""What the Gesundheitsamt, the Sportförderung and the Eingliederungshilfe
receive: one builder per type, for any layout style."""

from __future__ import annotations

import datetime as dt

from .doc import Block, Doc, Item, authority, finish, form_no, person_rows, address_items, contact_items
from .letters import agent_letter, client_phrase, mention, private_letter
from .world import Rng, fmt_date, person
from . import world as W


def _employer(r: Rng) -> tuple[str, list[list[Item]]]:
    name = r.pick(("Landgasthof Zur Linde", "Bäckerei Trautwein GmbH", "Metzgerei Ochs", "Kita-Küche Rodachtal gGmbH",
                   "Eiscafé Dolomiti", "Pflegeheim St. Anna", "Imbiss am Markt"))
    p = person(r)
    return name, [[Item(r.pick(("Arbeitgeber / Betrieb", "Name des Betriebes", "Beschäftigungsstelle")), name, {},
                        "Bei welchem Betrieb arbeiten Sie?", 2)]] + address_items(r, p, False, style=0) + [
        [Item(r.pick(("Telefon Betrieb", "Tel. Arbeitgeber")), p.telefon, {}, "Telefon des Betriebes:")]]


def ifsg(r: Rng, style: str) -> Doc:
    p = person(r, age=(16, 66))
    doc = Doc("ifsg_belehrung", r.pick(("Bescheinigung gemäß § 43 Abs. 1 Infektionsschutzgesetz",
                                        "Erstbelehrung nach § 43 IfSG – Anmeldung",
                                        "Belehrung für Beschäftigte im Lebensmittelbereich")),
              r.pick(("Tätigkeiten mit Lebensmitteln (§ 42 IfSG)", "Gesundheitsamt", "")),
              authority(r, "Gesundheitsamt", "Infektionsschutz und Hygiene"), form_no(r, "53"), caps=r.chance(0.3))
    doc.blocks.append(Block(r.pick(("Belehrte Person", "Angaben zur Person, die belehrt wird", "Teilnehmer/in")),
                            person_rows(r, p, True, place=False, contact=0.5), role="Belehrte Person"))
    emp, rows = _employer(r)
    doc.blocks.append(Block("Tätigkeit", [[Item("Vorgesehene Tätigkeit", r.pick(("Küchenhilfe", "Verkauf Backwaren",
                                                                                  "Service", "Hauswirtschaft")),
                                                 {}, "Welche Tätigkeit üben Sie aus?")]] + rows, role="Arbeitgeber"))
    doc.blocks.append(Block("Belehrung", [[
        Item("Belehrt am", fmt_date(W.recent(r, 60), r.pick(("num", "short"))), {}, "Datum der Belehrung:", hand=False),
        Item("Belehrt durch", r.pick(("Fr. Dr. Kessler", "Hr. Brandl", "Gesundheitsamt, Team Hygiene")), {},
             "Belehrende Person:", hand=False)]],
        note="Die belehrte Person hat erklärt, dass ihr keine Tatsachen für ein Tätigkeitsverbot bekannt sind."))
    if style == "letter":
        doc.blocks = doc.blocks[1:]
        doc.caps = False
        body = [f"wir bitten um einen Termin zur Erstbelehrung nach § 43 IfSG für unsere neue Mitarbeiterin bzw. "
                f"unseren neuen Mitarbeiter {client_phrase(r, doc, p)}.",
                "Die Tätigkeit im Lebensmittelbereich soll zum nächsten Monatsersten beginnen. Die Gebühr "
                "übernimmt der Betrieb.", "Mit freundlichen Grüßen"]
        agent_letter(r, doc, "bistro", "Gesundheitsamt", ["Anmeldung zur Belehrung nach § 43 IfSG"], body, [])
        return doc
    return finish(doc, r, p, p.ort, office=0.4)


def masern(r: Rng, style: str) -> Doc:
    parent = person(r, age=(24, 48))
    child = person(r, age=(1, 6), child=True, surname=parent.nachname if r.chance(0.8) else None, town=parent.ort)
    child.strasse, child.street, child.number, child.plz = parent.strasse, parent.street, parent.number, parent.plz
    doc = Doc("masern_meldung", r.pick(("Meldung nach § 20 Abs. 9 IfSG – Masernschutz",
                                        "Nachweis über Masernschutz / Immunität gegen Masern",
                                        "Benachrichtigung des Gesundheitsamtes (Masernschutzgesetz)")),
              r.pick(("fehlender oder unvollständiger Nachweis", "Gemeinschaftseinrichtung", "")),
              authority(r, "Gesundheitsamt", "Impfwesen"), form_no(r, "53"), caps=r.chance(0.2))
    doc.blocks.append(Block(r.pick(("Angaben zum Kind", "Betreute Person", "Kind / Schüler/in")),
                            person_rows(r, child, True, place=False, contact=0.0, ask_who="sein"), role="Kind"))
    pr = [[Item(r.pick(("Name der Sorgeberechtigten", "Erziehungsberechtigte/r", "Mutter/Vater (Name)")),
                parent.full, {}, "Wer ist sorgeberechtigt?", 2)]]
    pr.append(contact_items(r, parent, True, r.chance(0.6)))
    doc.blocks.append(Block("Sorgeberechtigte", pr, role="Sorgeberechtigte/r"))
    kita = person(r, town=parent.ort)
    doc.blocks.append(Block("Einrichtung", [[Item("Name der Einrichtung", r.pick((
        f"Kita Regenbogen {parent.ort}", f"Kinderhaus St. Martin {parent.ort}", "Waldkindergarten Moosbach",
        f"Grundschule {parent.ort}")), {}, "In welcher Einrichtung?", 2)]] + address_items(r, kita, False, style=0) + [
        [Item("Leitung", kita.full, {}, "Leitung der Einrichtung:"),
         Item("Telefon", kita.telefon, {}, "Telefon der Einrichtung:")],
        [Item("Betreut seit", fmt_date(W.TODAY - dt.timedelta(days=r.randint(20, 600)), "num"), {}, "Seit wann betreut?")]],
        role="Einrichtung"))
    doc.blocks.append(Block("Grund der Meldung", [[Item("Grund", r.pick(("kein Nachweis vorgelegt", "Nachweis unvollständig",
                                                                         "Zweifel an der Echtheit")), {},
                                                        choices=("kein Nachweis vorgelegt", "Nachweis unvollständig",
                                                                 "Zweifel an der Echtheit"))]]))
    if style == "letter":
        doc.blocks = [b for b in doc.blocks if b.role not in ("Kind", "Einrichtung")]
        doc.caps = False
        body = [f"gemäß § 20 Abs. 9 Satz 4 IfSG melden wir, dass für {client_phrase(r, doc, child)}, "
                "bis heute kein ausreichender Nachweis über einen Masernschutz vorgelegt wurde.",
                "Die Kontaktdaten der Sorgeberechtigten finden Sie in der Anlage.", "Mit freundlichen Grüßen"]
        agent_letter(r, doc, "kita", "Gesundheitsamt – Masernschutz", ["Meldung nach § 20 Abs. 9 IfSG"], body,
                     ["Kontaktdaten der Sorgeberechtigten"])
        return doc
    return finish(doc, r, parent, parent.ort, office=0.4)


def sport(r: Rng, style: str) -> Doc:
    chair = person(r, age=(30, 75))
    town = r.pick(tuple(t for t in W.TOWNS if t not in W.OUT_OF_COUNTY))
    club = W.club(r, town)
    seat = person(r, town=town)
    cost_t, cost = W.amount(r, 40000, 400000, 500)
    grant_t, grant = W.amount(r, 2000, 60000, 250)
    bank, iban = W.iban(r)
    doc = Doc("sportstaetten_foerderung", r.pick(("Antrag auf Förderung von Sportstätten",
                                                  "Antrag auf Zuschuss zum vereinseigenen Sportstättenbau",
                                                  "Sportförderung: Antrag auf Investitionszuschuss")),
              r.pick(("nach der Sportförderrichtlinie des Landkreises", "Kreissportförderung", "")),
              authority(r, "Amt für Schulen, Kultur und Sport", "Sportförderung"), form_no(r, "52"))
    t_club = {"verein": club}
    rows = [[Item(r.pick(("Name des Vereins", "Antragsteller (Verein)", "Verein")), club, t_club,
                  "Wie heißt der antragstellende Verein?", 2)]]
    rows += address_items(r, seat, True, style=r.pick((0, 1, 3)))
    rows.append(contact_items(r, seat, True, True))
    rows.append([Item("Vereinsregister", f"VR {r.digits(3)}, AG Wiesenau", {}, "Registernummer:")])
    doc.blocks.append(Block(r.pick(("Antragsteller", "Angaben zum Verein", "1. Verein")), rows, role="Verein"))
    doc.blocks.append(Block(r.pick(("vertreten durch (1. Vorsitzende/r)", "Vertretungsberechtigte Person nach § 26 BGB")),
                            person_rows(r, chair, True, birth=False, contact=0.0)[:1] +
                            [[Item("Privatanschrift", f"{chair.strasse}, {chair.plz} {chair.ort}", {},
                                   "Privatanschrift:")]], role="Vorsitzende/r"))
    treas = person(r)
    doc.blocks.append(Block("Maßnahme und Finanzierung", [
        [Item("Maßnahme", r.pick(("Sanierung Kunstrasenplatz", "Neubau Vereinsheim mit Umkleiden",
                                  "Erneuerung der Flutlichtanlage (LED)", "Barrierefreier Umbau der Sporthalle")), {},
              "Welche Maßnahme?", 2)],
        [Item("Gesamtkosten", cost, {}, "Gesamtkosten der Maßnahme:"),
         Item("Eigenmittel", W.amount(r, 5000, 30000, 500)[1], {}, "Eigenmittel:")],
        [Item(r.pick(("beantragter Zuschuss", "Höhe der beantragten Förderung", "Zuschuss (beantragt)")), grant,
              {"betrag_eur": grant_t}, "Welchen Zuschuss beantragen Sie?")],
        [Item("Kassenwart/in", treas.full, {}, "Kassenwart/in:"), Item("Tel.", treas.telefon, {}, "Telefon:")],
        [Item("IBAN des Vereins", W.iban_shown(r, iban), {"iban": iban}, "IBAN des Vereins:", 2),
         Item("Kreditinstitut", bank, {}, "Bank:")]]))
    if style == "letter":
        doc.blocks = doc.blocks[2:]
        mention(doc, club, verein=club)
        private_letter(r, doc, seat, "Sportförderung", [f"Antrag auf Sportstättenförderung – {club}"], [
            f"der {mention(doc, club, verein=club)} beantragt hiermit einen Zuschuss des Landkreises zur geplanten "
            f"Maßnahme in Höhe von {mention(doc, grant, betrag_eur=grant_t)}.",
            "Kostenaufstellung, Finanzierungsplan und Vorstandsbeschluss liegen bei.", "Mit sportlichen Grüßen"])
        doc.letter.letterhead[0] = club
        doc.letter.return_line = f"{club} · {seat.strasse} · {seat.plz} {seat.ort}"
        doc.inline = [it for it in doc.inline if "vorname" not in it.truth]
        doc.letter.signer = [chair.full, "1. Vorsitzende" if chair.female else "1. Vorsitzender"]
        mention(doc, chair.full, vorname=chair.vorname, nachname=chair.nachname)
        return doc
    return finish(doc, r, chair, town, office=0.4)


def egh(r: Rng, style: str) -> Doc:
    ben = person(r, age=(3, 70))
    carer = person(r, age=(30, 70)) if r.chance(0.6) else None
    bank, iban = W.iban(r)
    doc = Doc("eingliederungshilfe", r.pick(("Antrag auf Leistungen der Eingliederungshilfe",
                                             "Antrag auf Eingliederungshilfe für Menschen mit Behinderungen",
                                             "Erstantrag Eingliederungshilfe (SGB IX, Teil 2)")),
              r.pick(("nach dem Neunten Buch Sozialgesetzbuch", "Träger der Eingliederungshilfe", "")),
              authority(r, "Sozialamt", "Eingliederungshilfe"), form_no(r, "50"), caps=r.chance(0.2))
    doc.blocks.append(Block(r.pick(("Leistungsberechtigte Person", "Angaben zur antragstellenden Person",
                                    "Person, für die Leistungen beantragt werden")),
                            person_rows(r, ben, True, contact=0.5), role="Leistungsberechtigte/r"))
    if carer:
        doc.blocks.append(Block(r.pick(("Gesetzliche Betreuung / Bevollmächtigte/r", "Vertreten durch")),
                                person_rows(r, carer, False, birth=False, contact=0.9), role="Betreuer/in"))
    other = person(r) if r.chance(0.35) else None
    doc.blocks.append(Block("Bankverbindung für Zahlungen", [
        [Item("Kontoinhaber/in", (other or ben).full, {}, "Kontoinhaber/in:")],
        [Item("IBAN", W.iban_shown(r, iban), {"iban": iban}, "IBAN:", 2, comb=22 if r.chance(0.3) else 0)],
        [Item("Geldinstitut", bank, {}, "Geldinstitut:")]]))
    doc.blocks.append(Block("Beantragte Leistung", [
        [Item("Leistung", r.pick(("Assistenzleistungen", "Schulbegleitung", "Heilpädagogische Leistungen",
                                  "Werkstatt für behinderte Menschen")), {},
              choices=("Assistenzleistungen", "Schulbegleitung", "Heilpädagogische Leistungen",
                       "Werkstatt für behinderte Menschen"))],
        [Item("Leistung ab", fmt_date(W.TODAY + dt.timedelta(days=r.randint(10, 90)), "num"), {}, "Ab wann?")]]))
    if style == "letter" and carer:
        doc.blocks = doc.blocks[2:]
        doc.caps = False
        body = [f"als gerichtlich bestellte Betreuerin bzw. Betreuer von {client_phrase(r, doc, ben)}, beantrage ich "
                "Leistungen der Eingliederungshilfe nach Teil 2 SGB IX.",
                "Der Betreuerausweis liegt in Kopie bei. Die Bankverbindung für Zahlungen ergibt sich aus der Anlage.",
                "Mit freundlichen Grüßen"]
        agent_letter(r, doc, "betreuung", "Sozialamt – Eingliederungshilfe", ["Antrag auf Eingliederungshilfe",
                                                                             f"für {ben.full}"], body,
                     ["Betreuerausweis (Kopie)", "Schweigepflichtentbindung"])
        return doc
    signer = carer or ben
    return finish(doc, r, signer, signer.ort, office=0.45)
