"""What the Zulassungsbehörde, the Bauaufsicht, the Waffenbehörde and the
Veterinäramt receive: one builder per type, for any layout style."""

from __future__ import annotations

import datetime as dt

from .doc import Block, Doc, Item, authority, finish, form_no, person_rows, address_items
from .letters import agent_letter, client_phrase, mention
from .world import Rng, fmt_date, person
from . import world as W


def _sepa(r: Rng, keeper, bank_iban, comb: bool, label: str) -> Block:
    bank, iban = bank_iban
    other = person(r) if r.chance(0.35) else None
    holder = other.full if other else keeper.full
    shown = iban if comb else W.iban_shown(r, iban)
    return Block(label, [[Item(r.pick(("Kontoinhaber/in", "Name des Kontoinhabers", "Zahlungspflichtige/r (Kontoinhaber)")),
                               holder, {}, "Wer ist Kontoinhaber/in?")],
                         [Item("IBAN", shown, {"iban": iban}, "Ihre IBAN:", 2, comb=22 if comb else 0)],
                         [Item(r.pick(("Kreditinstitut", "Bank", "Geldinstitut (Name)")), bank, {}, "Bei welcher Bank?")]],
                 note="Ich ermächtige den Landkreis, Zahlungen von meinem Konto mittels Lastschrift einzuziehen.")


def kfz(r: Rng, style: str) -> Doc:
    keeper = person(r)
    make, vin = W.fin(r)
    plate, evb, iban = W.plate(r), W.evb(r), W.iban(r)
    doc = Doc("kfz_zulassung", r.pick(("Antrag auf Zulassung eines Fahrzeugs", "Zulassungsantrag für Kraftfahrzeuge",
                                         "Antrag auf Neuzulassung / Umschreibung", "Fahrzeugzulassung – Antrag")),
              r.pick(("nach § 6 Fahrzeug-Zulassungsverordnung (FZV)", "Zulassungsbehörde – Halterdaten", "")),
              authority(r, "Straßenverkehrsamt", "Zulassungsbehörde"), form_no(r, "36"), caps=r.chance(0.3))
    agent = person(r) if r.chance(0.4) else None
    doc.blocks.append(Block(r.pick(("Antragsteller/in (künftige/r Halter/in)", "Angaben zur Halterin / zum Halter",
                                    "Halter des Fahrzeugs")), person_rows(r, keeper, True), role="Halter/in"))
    veh = [[Item("Hersteller / Marke", make, {}, "Welche Marke?"),
            Item(r.pick(("Fahrzeug-Identifizierungsnummer (FIN)", "FIN", "Fahrzeug-Ident.-Nr.")), vin, {"fin": vin},
                 "Wie lautet die Fahrzeug-Identifizierungsnummer?", 1.6)],
           [Item("HSN / TSN", f"{r.digits(4)} / {r.pick('ABCDEFGHK')}{r.digits(2)}", {}, "Schlüsselnummern (2.1/2.2):"),
            Item("Tag der Erstzulassung", fmt_date(W.TODAY - dt.timedelta(days=r.randint(30, 4000)), "num"), {},
                 "Wann war die Erstzulassung?")]]
    doc.blocks.append(Block("Fahrzeug", veh, note="laut Zulassungsbescheinigung Teil II"))
    rows = [[Item(r.pick(("Wunschkennzeichen (reserviert)", "reserviertes Kennzeichen", "Kennzeichen")), plate,
                  {"kennzeichen": plate}, "Welches Kennzeichen haben Sie reserviert?")]]
    if r.chance(0.4):
        rows[0].append(Item("bisheriges Kennzeichen", W.plate(r), {}, "Bisheriges Kennzeichen (bei Umschreibung):"))
    rows.append([Item("Art", r.pick(("Neuzulassung", "Umschreibung", "Wiederzulassung")), {},
                      choices=("Neuzulassung", "Umschreibung", "Wiederzulassung"))])
    doc.blocks.append(Block("Kennzeichen und Zulassungsart", rows))
    doc.blocks.append(Block("Versicherungsnachweis", [[
        Item(r.pick(("eVB-Nummer", "Versicherungsbestätigung (eVB)", "eVB-Nr.")), evb, {"evb": evb},
             "Nummer der elektronischen Versicherungsbestätigung (eVB):"),
        Item("Versicherer", r.pick(("Rodachtaler Versicherung AG", "HUK-Nord VVaG", "Allgemeine Kraftfahrt AG")), {},
             "Bei welcher Versicherung?")]]))
    doc.blocks.append(_sepa(r, keeper, iban, r.chance(0.4), "SEPA-Lastschriftmandat Kraftfahrzeugsteuer"))
    if agent:
        doc.blocks.append(Block("Bevollmächtigte/r", person_rows(r, agent, False, birth=False, contact=0.8),
                                role="Bevollmächtigte/r", note="Vollmacht liegt bei."))
    if style == "letter":
        return _kfz_letter(r, doc, keeper, make, vin, plate, evb)
    return finish(doc, r, agent or keeper, (agent or keeper).ort)


def _kfz_letter(r: Rng, doc: Doc, keeper, make, vin, plate, evb) -> Doc:
    doc.blocks = [b for b in doc.blocks if b.role != "Halter/in"]
    doc.caps = False
    body = [f"namens und im Auftrag unserer Kundschaft beantragen wir die {r.pick(('Zulassung', 'Neuzulassung'))} "
            f"des nachstehenden Fahrzeugs auf {client_phrase(r, doc, keeper)}.",
            f"Es handelt sich um einen {make}, FIN {vin}; reserviert ist das Kennzeichen {plate}. Die eVB-Nummer "
            f"lautet {evb}. Die Angaben zum Fahrzeug und das SEPA-Mandat finden Sie in der Anlage.",
            "Eine Vollmacht der Halterin/des Halters liegt bei. Für Rückfragen erreichen Sie {writer} unter der "
            "oben genannten Rufnummer.", "Mit freundlichen Grüßen"]
    for it in (Item("", vin, {"fin": vin}), Item("", plate, {"kennzeichen": plate}), Item("", evb, {"evb": evb})):
        doc.inline.append(it)
    agent_letter(r, doc, r.pick(("autohaus", "zulassungsdienst")), "Zulassungsstelle",
                 [f"Zulassungsauftrag – {keeper.full}", f"Fahrzeug {make}"], body,
                 ["Vollmacht", "Zulassungsbescheinigung Teil II", "SEPA-Lastschriftmandat"])
    return doc


def bau(r: Rng, style: str) -> Doc:
    owner = person(r)
    architect = person(r)
    gem = r.pick(tuple(t for t in W.TOWNS if t not in W.OUT_OF_COUNTY)).split(" ")[0]
    flur, fst = str(r.randint(1, 24)), W.flurstueck(r)
    doc = Doc("bauantrag", r.pick(("Bauantrag", "Antrag auf Baugenehmigung", "Bauantrag / Antrag auf Vorbescheid",
                                   "Antrag auf Erteilung einer Baugenehmigung")),
              r.pick(("nach Art. 64 BayBO", "im vereinfachten Genehmigungsverfahren", "Bauvorlagen nach BauVorlV", "")),
              authority(r, "Fachbereich Bauen und Umwelt", "Untere Bauaufsichtsbehörde"), form_no(r, "63"),
              caps=r.chance(0.25))
    doc.blocks.append(Block(r.pick(("Bauherrschaft", "Bauherr/Bauherrin", "Angaben zum Bauherrn")),
                            person_rows(r, owner, True, birth=False), role="Bauherr/in"))
    site = W.person(r, town=gem if gem in W.TOWNS else None)
    doc.blocks.append(Block("Baugrundstück", address_items(r, site, False, style=0) + [[
        Item("Gemarkung", gem, {"gemarkung": gem}, "In welcher Gemarkung liegt das Grundstück?"),
        Item("Flur", flur, {"flur": flur}, "Flur-Nr.:", 0.4),
        Item(r.pick(("Flurstück(e)", "Flst.-Nr.", "Flurstücksnummer(n)")), fst, {"flurstueck": fst},
             "Flurstücksnummer(n):")]], note="Lage des Vorhabens"))
    doc.blocks.append(Block("Vorhaben", [[Item("Bezeichnung des Vorhabens", r.pick((
        "Neubau eines Einfamilienhauses mit Doppelgarage", "Anbau eines Wintergartens", "Errichtung einer Lagerhalle",
        "Umnutzung einer Scheune zu Wohnzwecken", "Dachgeschossausbau mit Gauben")), {}, "Was soll gebaut werden?", 3)]]))
    doc.blocks.append(Block(r.pick(("Entwurfsverfasser/in", "Bauvorlageberechtigte/r")),
                            person_rows(r, architect, False, birth=False, contact=1.0) +
                            [[Item("Kammer-Nr.", f"{r.digits(5)}-{r.pick('AB')}", {}, "Mitgliedsnummer der Kammer:")]],
                            role="Entwurfsverfasser/in"))
    if style == "letter":
        doc.blocks = [b for b in doc.blocks if b.role != "Bauherr/in"]
        doc.caps = False
        body = [f"namens und in Vollmacht der Bauherrschaft, {client_phrase(r, doc, owner, birth=False)}, reichen wir "
                f"den Bauantrag für das Vorhaben auf dem Grundstück Gemarkung {mention(doc, gem, gemarkung=gem)}, "
                f"Flur {mention(doc, flur, flur=flur)}, Flurstück {mention(doc, fst, flurstueck=fst)} ein.",
                "Die Bauvorlagen (Lageplan, Bauzeichnungen, Baubeschreibung, Standsicherheitsnachweis) sind "
                "beigefügt. Für Rückfragen steht {writer} gern zur Verfügung.", "Mit freundlichen Grüßen"]
        agent_letter(r, doc, "architekt", "Bauaufsicht", ["Bauantrag", f"Bauvorhaben {gem}, Fl.-Nr. {fst}"], body,
                     ["Bauantragsformular", "Lageplan 1:1000", "Bauzeichnungen", "Vollmacht der Bauherrschaft"])
        return doc
    return finish(doc, r, owner, owner.ort, office=0.45)


def waffen(r: Rng, style: str) -> Doc:
    ap = person(r, age=(21, 80))
    doc = Doc("waffen_antrag", r.pick(("Antrag auf Erteilung einer Waffenbesitzkarte", "Antrag nach dem Waffengesetz",
                                       "Antrag auf Eintragung in die Waffenbesitzkarte", "Antrag auf einen Kleinen Waffenschein")),
              r.pick(("gem. §§ 4, 10 WaffG", "Waffenbehörde", "")), authority(r, "Sachgebiet Öffentliche Sicherheit",
                                                                               "Waffen- und Jagdrecht"),
              form_no(r, "32"), caps=r.chance(0.3))
    doc.blocks.append(Block(r.pick(("Antragsteller/in", "Persönliche Angaben", "Angaben zur Person")),
                            person_rows(r, ap, True, contact=0.7), role="Antragsteller/in"))
    doc.blocks.append(Block("Bedürfnis und Sachkunde", [
        [Item("Bedürfnis", r.pick(("Sportschütze", "Jäger", "Sammler", "Erbe")), {},
              choices=("Sportschütze", "Jäger", "Sammler", "Erbe"))],
        [Item("Sachkundeprüfung abgelegt am", fmt_date(W.TODAY - dt.timedelta(days=r.randint(200, 5000)), "num"), {},
              "Wann haben Sie die Sachkundeprüfung abgelegt?"),
         Item("Jagdschein-Nr.", f"{r.digits(3)}/{r.randint(2000, 2025)}" if r.chance(0.5) else "", {}, "ggf. Jagdschein-Nr.:")],
        [Item("Waffe (Art, Kaliber)", r.pick(("Repetierbüchse .308 Win.", "Pistole 9 mm Luger", "Flinte 12/70",
                                              "Kleinkaliberbüchse .22 lfB")), {}, "Welche Waffe?", 2)]]))
    if style == "letter":
        doc.blocks = doc.blocks[1:]
        doc.caps = False
        body = [f"hiermit zeigen wir an, dass wir {client_phrase(r, doc, ap)}, anwaltlich vertreten. Eine auf uns "
                "lautende Vollmacht fügen wir bei.",
                "Namens und im Auftrag unseres Mandanten beantragen wir die Erteilung einer Waffenbesitzkarte "
                "nach § 10 Abs. 1 WaffG. Das Bedürfnis ergibt sich aus der beigefügten Bescheinigung des Schützenverbandes.",
                "Wir bitten, den weiteren Schriftverkehr ausschließlich über unsere Kanzlei zu führen.",
                "Mit freundlichen Grüßen"]
        agent_letter(r, doc, "kanzlei", "Waffenbehörde", [f"{ap.nachname}, {ap.vorname} – Antrag nach dem WaffG"],
                     body, ["Vollmacht", "Bedürfnisbescheinigung"], az_chance=0.5)
        return doc
    if r.chance(0.3):
        rep = person(r)
        doc.blocks.append(Block("Bevollmächtigte/r", person_rows(r, rep, False, birth=False), role="Bevollmächtigte/r"))
    return finish(doc, r, ap, ap.ort)


def tier(r: Rng, style: str) -> Doc:
    keeper = person(r)
    site = W.person(r)
    doc = Doc("tierhaltung", r.pick(("Anzeige der Tierhaltung", "Antrag auf Erlaubnis nach § 11 Tierschutzgesetz",
                                     "Registrierung einer Tierhaltung (ViehVerkV)", "Anzeige Haltung eines gefährlichen Hundes")),
              r.pick(("Veterinäramt", "Lebensmittelüberwachung und Veterinärwesen", "")),
              authority(r, "Veterinäramt", "Tiergesundheit"), form_no(r, "39"), caps=r.chance(0.25))
    doc.blocks.append(Block(r.pick(("Tierhalter/in", "Angaben zur Halterin / zum Halter", "Halter der Tiere")),
                            person_rows(r, keeper, True, birth=r.chance(0.6), contact=0.7), role="Tierhalter/in"))
    doc.blocks.append(Block("Standort der Tierhaltung", address_items(r, site, False, style=r.pick((0, 3))) + [[
        Item("Tierart", r.pick(("Schafe", "Ziegen", "Legehennen", "Bienen (Völker)", "Pferde", "Hund (Rasse: Kangal)")),
             {}, "Welche Tiere halten Sie?"),
        Item("Anzahl", str(r.randint(1, 60)), {}, "Wie viele?", 0.4),
        Item("Beginn der Haltung", fmt_date(W.TODAY - dt.timedelta(days=r.randint(5, 300)), "num"), {},
             "Seit wann?")], [
        Item("Registriernummer (falls vorhanden)", f"DE 09 {r.digits(3)} {r.digits(4)} {r.digits(3)}" if r.chance(0.5)
             else "", {}, "Registriernummer nach ViehVerkV:", 2)]], note="nur ausfüllen, wenn abweichend vom Wohnort"))
    if style == "letter":
        doc.blocks = doc.blocks[1:]
        doc.caps = False
        body = [f"für unseren Mandanten {client_phrase(r, doc, keeper, birth=False)} zeigen wir die Haltung der "
                "unten genannten Tiere an und bitten um Registrierung.",
                "Die Angaben zum Standort entnehmen Sie bitte der beigefügten Anlage. Eine Vollmacht liegt bei.",
                "Mit freundlichen Grüßen"]
        agent_letter(r, doc, "agrar", "Veterinäramt", ["Anzeige einer Tierhaltung", keeper.full], body,
                     ["Vollmacht", "Lageplan Standort"])
        return doc
    return finish(doc, r, keeper, keeper.ort)
