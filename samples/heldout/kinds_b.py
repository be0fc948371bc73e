"""Held-out cases, part 2: weapons permit, animal keeping, sports grant and
integration assistance (see README.md for whose values are the truth)."""

from __future__ import annotations

import datetime as dt

from .cases import Ctx, address_of, finish, org_head
from .kinds_a import bank_items
from .parts import Block, Case, Item, Letter, address_items, name_items, sentence
from .world import CLUBS, amount, date_between, iban, show_date, show_iban, slug


# ---------------------------------------------------------------- Waffen
def waffen(ctx: Ctx) -> Case:
    rng = ctx.rng
    p = ctx.person(born=(1950, 2005))
    kind = rng.choice(["Waffenbesitzkarte", "Kleiner Waffenschein", "Waffenbesitzkarte für Sportschützen",
                       "Eintragung einer Waffe"])
    exam = date_between(rng, dt.date(2010, 1, 1), ctx.date)
    title = rng.choice(["Antrag nach dem Waffengesetz", f"Antrag auf Erteilung einer {kind}" if "Eintragung" not in kind
                        else "Antrag auf Eintragung einer Schusswaffe", "Waffenrechtlicher Erlaubnisantrag"])
    kw = dict(title=title, subtitle=rng.choice(["Waffenbehörde", "nach §§ 10 ff. WaffG", ""]),
              office="Ordnungsamt - Waffenbehörde", signer=p.full, place=p.ort)
    if ctx.mode == "form":
        b = ctx.block(p, rng.choice(["Antragsteller/in", "Angaben zur Person", "Persönliche Daten"]),
                      birthplace=rng.random() < 0.7)
        b.items.insert(3, Item("Staatsangehörigkeit", rng.choice(["deutsch", "deutsch", "österreichisch"]), "nat"))
        blocks = [b, Block("Art der Erlaubnis", [
            Item(rng.choice(["Bedürfnis", "Begründung des Bedürfnisses"]),
                 rng.choice(["Sportschütze, Mitglied seit 2016", "Jäger (Jahresjagdschein)", "Sammler"]), "need", wide=True),
            Item("Sachkundeprüfung abgelegt am", show_date(rng, exam), "exam")],
            checks=[(x, x == kind) for x in ["Waffenbesitzkarte", "Kleiner Waffenschein", "Eintragung einer Waffe"]])]
        if rng.random() < 0.3:
            blocks.append(ctx.block(ctx.person(), "Bevollmächtigte/r", truth=False, birth=False,
                                    note="Vollmacht bitte beifügen"))
        return finish(ctx, blocks=blocks, **kw)
    exam_s = show_date(rng, exam)
    need = f" die Erteilung: {kind}. Die Sachkundeprüfung habe ich am "
    if ctx.mode == "prose":
        return finish(ctx, prose=[ctx.intro(p) + sentence(" beantrage" + need, (exam_s,), " abgelegt.")], **kw)
    body = [sentence("hiermit beantrage ich" + need, (exam_s,), " abgelegt."), ctx.birth_line(p),
            sentence("Ein Führungszeugnis habe ich beim Bürgeramt beantragt.")]
    return finish(ctx, letter=Letter(ctx.head(p), p.full, body), **kw)


# ---------------------------------------------------------------- Tierhaltung
def tier(ctx: Ctx) -> Case:
    rng = ctx.rng
    p = ctx.person(born=(1950, 2004))
    site = ctx.person()
    animal, n = rng.choice(["Schafe", "Ziegen", "Legehennen", "Pferde", "Hunde (Zucht)", "Bienenvölker"]), rng.randint(2, 60)
    start = date_between(rng, ctx.date - dt.timedelta(days=90), ctx.date + dt.timedelta(days=60))
    reg = f"276 {rng.randint(1, 16):02d} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    title = rng.choice(["Anzeige der Tierhaltung", "Anmeldung einer Tierhaltung nach § 26 ViehVerkV",
                        "Antrag auf Erlaubnis nach § 11 Tierschutzgesetz", "Anzeige / Antrag Tierhaltung"])
    kw = dict(title=title, subtitle=rng.choice(["Veterinäramt", "Lebensmittelüberwachung und Veterinärwesen", ""]),
              office="Veterinäramt", signer=p.full, place=p.ort)
    if ctx.mode == "form":
        blocks = [ctx.block(p, rng.choice(["Tierhalter/in", "Angaben zur Tierhalterin / zum Tierhalter", "Anzeigende Person"]),
                            birth=rng.random() < 0.5)]
        blocks.append(Block("Standort der Tierhaltung", [
            Item(rng.choice(["Anschrift des Standortes", "Haltungsort (Straße, Nr., PLZ, Ort)"]), address_of(site),
                 "site", wide=True),
            Item("Registriernummer (falls vorhanden)", reg, "reg", wide=True),
            Item("Tierart", animal, "animal"), Item("Anzahl der Tiere", str(n), "count"),
            Item(rng.choice(["Beginn der Tierhaltung", "Tierhaltung ab"]), show_date(rng, start), "start")],
            checks=[("Beginn", True), ("Änderung", False), ("Aufgabe", False)]))
        return finish(ctx, blocks=blocks, **kw)
    what = sentence(f" zeige hiermit die Haltung von {n} {animal} ab dem ", (show_date(rng, start),),
                    " am Standort ", (address_of(site),), " an.")
    if ctx.mode == "prose":
        return finish(ctx, prose=[ctx.intro(p, birth=rng.random() < 0.5) + what], **kw)
    body = [sentence(f"hiermit zeige ich die Haltung von {n} {animal} ab dem ", (show_date(rng, start),),
                     " an. Die Tiere stehen auf der Weide ", (address_of(site),), "."),
            sentence("Eine Registriernummer habe ich noch nicht. Bitte teilen Sie mir mit, welche Unterlagen noch fehlen.")]
    return finish(ctx, letter=Letter(ctx.head(p), p.full, body), **kw)


# ---------------------------------------------------------------- Sport
def sport(ctx: Ctx) -> Case:
    rng = ctx.rng
    club, seat, chair, treasurer = rng.choice(CLUBS), ctx.person(), ctx.person(born=(1950, 1995)), ctx.person()
    ib = iban(rng)
    total_t, total = amount(rng, 20000, 400000, 500)
    want_t, want = amount(rng, 2000, 19500, 500)
    own_t, own = amount(rng, 1000, 15000, 250)
    measure = rng.choice(["Sanierung des Kunstrasenplatzes", "Neubau eines Vereinsheims mit Umkleiden",
                          "Erneuerung der Flutlichtanlage", "Barrierefreier Umbau der Sporthalle"])
    ctx.put(verein=club, vorname=chair.vorname, nachname=chair.nachname, strasse=seat.strasse, plz=seat.plz,
            ort=seat.ort, betrag_eur=want_t, iban=ib)
    title = rng.choice(["Antrag auf Förderung von Sportstätten", "Antrag auf Zuwendung aus der Sportförderung",
                        "Zuschussantrag Sportstättenbau", "Antrag auf Gewährung eines Zuschusses zum Sportstättenbau"])
    kw = dict(title=title, subtitle=rng.choice(["Sportförderrichtlinie des Landkreises", "Kreissportförderung", ""]),
              office="Fachdienst Schule, Kultur und Sport", signer=chair.full, place=seat.ort)
    money = [("Gesamtkosten der Maßnahme", total), ("Eigenmittel des Vereins", own),
             (rng.choice(["Beantragte Zuwendung", "Beantragter Zuschuss", "Höhe des beantragten Zuschusses"]), want)]
    if ctx.mode == "form":
        cb = Block(rng.choice(["Antragsteller (Verein)", "Angaben zum Verein", "Zuwendungsempfänger"]), [
            Item(rng.choice(["Name des Vereins", "Vereinsname", "Verein"]), club, "club", wide=True)], person=True)
        cb.items += address_items(rng, seat, ctx.style)
        cb.items.append(Item("Vereinsregister", f"VR {rng.randint(100, 4999)}", "vr"))
        if rng.random() < 0.6:
            cb.items.append(Item(rng.choice(["Telefon (Geschäftsstelle)", "Telefon"]), seat.telefon, "phone"))
            ctx.put(telefon=seat.telefon)
        chair_b = Block(rng.choice(["Vertretungsberechtigte Person (1. Vorsitzende/r)", "1. Vorsitzende/r",
                                    "Vertreten durch"]), name_items(rng, chair, ctx.style, chair.vorname), person=True)
        if rng.random() < 0.4:
            chair_b.items += address_items(rng, chair, ctx.style)
        treas = Block(rng.choice(["Ansprechpartner/in (Kassenwart/in)", "Kassenwart/in", "Ansprechpartner/in"]),
                      name_items(rng, treasurer, ctx.style, treasurer.vorname)
                      + [Item(ctx.style.phone_label, treasurer.telefon, "phone")], person=True)
        blocks = [cb, chair_b, treas,
                  Block("Maßnahme und Finanzierung", [Item("Bezeichnung der Maßnahme", measure, "measure", wide=True)]
                        + [Item(a, b, "money") for a, b in money]),
                  Block("Bankverbindung des Vereins", bank_items(ctx, ib, club if rng.random() < 0.6 else ""))]
        return finish(ctx, blocks=blocks, **kw)
    segs = sentence("Der ", (club,), ", ", (address_of(seat),), ", vertreten durch ",
                    (chair.full,), ", beantragt für die Maßnahme „", (measure,), "“ einen Zuschuss in Höhe von ",
                    (want,), ". Die Gesamtkosten betragen ", (total,), ", der Eigenanteil ", (own,), ".")
    pay = sentence("Die Zuwendung bitten wir auf das Vereinskonto ", (show_iban(rng, ib),), " zu überweisen.")
    if ctx.mode == "prose":
        return finish(ctx, prose=[segs, pay], **kw)
    mail = f"vorstand@{slug(club)}.example"
    phone = seat.telefon if rng.random() < 0.6 else ""
    shown_mail = mail if rng.random() < 0.4 else ""
    ctx.put(telefon=phone, email=mail if shown_mail or ctx.layout == "mail" else "")
    body = [sentence("namens und im Auftrag des ", (club,), " beantrage ich für die Maßnahme „", (measure,),
                     "“ einen Zuschuss in Höhe von ", (want,), ". Die Gesamtkosten betragen ", (total,),
                     ", der Eigenanteil ", (own,), "."), pay,
            sentence(f"Ansprechpartner für Rückfragen ist unser Kassenwart {treasurer.full}, Tel. {treasurer.telefon}.")]
    head = org_head(club, seat, phone, shown_mail)
    return finish(ctx, letter=Letter(head, chair.full, body, signer_role="1. Vorsitzende/r", email=mail), **kw)


# ---------------------------------------------------------------- Eingliederungshilfe
def egh(ctx: Ctx) -> Case:
    rng = ctx.rng
    p = ctx.person(born=(1940, 2006))
    carer = ctx.person(born=(1950, 1990)) if rng.random() < 0.65 else None
    ib = iban(rng)
    ctx.put(iban=ib)
    help_ = rng.choice(["Assistenzleistungen", "Schulbegleitung", "Leistungen zur Teilhabe an Bildung",
                        "Leistungen in einer besonderen Wohnform"])
    title = rng.choice(["Antrag auf Leistungen der Eingliederungshilfe", "Antrag auf Leistungen nach Teil 2 SGB IX",
                        "Antrag auf Teilhabeleistungen (Eingliederungshilfe)", "Antrag auf Kostenübernahme - Integrationshilfe"])
    kw = dict(title=title, subtitle=rng.choice(["nach dem Neunten Buch Sozialgesetzbuch (SGB IX)", "Sozialamt", ""]),
              office="Fachdienst Soziales - Eingliederungshilfe", place=(carer or p).ort, signer=(carer or p).full)
    holder = (carer or p).full if rng.random() < 0.5 else ""
    if ctx.mode == "form":
        blocks = [ctx.block(p, rng.choice(["Antragstellende (leistungsberechtigte) Person",
                                           "Persönliche Daten der antragstellenden Person", "Angaben zur Person"]),
                            contact=0.4 if carer else 0.7)]
        if carer:
            blocks.append(ctx.block(carer, rng.choice(["Gesetzliche Betreuung / Bevollmächtigte Person",
                                                       "Bevollmächtigte/r", "Gesetzliche/r Betreuer/in"]),
                                    truth=False, birth=False, contact=0.9))
        blocks.append(Block("Beantragte Leistung", [Item("Leistung ab", show_date(rng, ctx.date + dt.timedelta(days=30)),
                                                         "from")],
                            checks=[(x, x == help_) for x in ["Assistenzleistungen", "Schulbegleitung",
                                                              "Leistungen zur Teilhabe an Bildung"]]))
        blocks.append(Block("Bankverbindung", bank_items(ctx, ib, holder)))
        return finish(ctx, blocks=blocks, **kw)
    pay = sentence("Zahlungen bitte auf das Konto ", (show_iban(rng, ib),), f" ({holder})." if holder else ".")
    if ctx.mode == "prose":
        segs = ctx.intro(p) + sentence(f" beantrage Leistungen der Eingliederungshilfe ({help_}).")
        return finish(ctx, prose=[segs, pay], **kw)
    if carer is None:
        body = [sentence(f"hiermit beantrage ich Leistungen der Eingliederungshilfe ({help_})."), ctx.birth_line(p), pay]
        return finish(ctx, letter=Letter(ctx.head(p), p.full, body), **kw)
    ward = ctx.intro(p, who="für")[1:]
    body = [sentence(f"als {'gesetzliche Betreuerin' if carer.female else 'gesetzlicher Betreuer'} von "
                     f"{'Frau' if p.female else 'Herrn'} ") + ward
            + sentence(f" beantrage ich Leistungen der Eingliederungshilfe ({help_})."),
            pay, sentence("Den Betreuerausweis füge ich in Kopie bei.")]
    return finish(ctx, letter=Letter(ctx.head(carer, truth=False), carer.full, body, signer_role="Betreuer/in"), **kw)
