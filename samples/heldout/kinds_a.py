"""Held-out cases, part 1: vehicle registration, building permit, IfSG
instruction and measles notification.  Whose values are the truth is written
down per type in README.md; each builder shows distractor persons, places and
dates beside the truth."""

from __future__ import annotations

import datetime as dt

from .cases import Ctx, address_of, finish, org_head
from .parts import Block, Case, Item, Letter, sentence
from .world import (ARCHITECTS, FIRMS, KITAS, KIDS, PARCELS, TOWNS, date_between, evb, fin, iban, kennzeichen,
                   show_date, show_iban, slug, street, plz)

BANKS = ["Sparkasse Musterland", "Raiffeisenbank Fuchsau eG", "Volksbank Altenhain", "Kreissparkasse Tannhausen"]


def bank_items(ctx: Ctx, value: str, holder: str = "") -> list[Item]:
    rng = ctx.rng
    items = [Item(rng.choice(["Kontoinhaber/in", "Kontoinhaberin / Kontoinhaber", "Name des Kontoinhabers"]),
                  holder, "holder", wide=True)] if holder else []
    items.append(Item(rng.choice(["IBAN", "IBAN (22 Stellen)", "Bankverbindung (IBAN)"]), show_iban(rng, value), "iban",
                      wide=True))
    if rng.random() < 0.6:
        items.append(Item("BIC", "".join(rng.choice("ABCDEFGHKLMNPRSTUVWXYZ") for _ in range(6)) + "21XXX", "bic"))
    items.append(Item(rng.choice(["Kreditinstitut", "Name der Bank"]), rng.choice(BANKS), "bank", wide=True))
    return items


# ---------------------------------------------------------------- Kfz
def kfz(ctx: Ctx) -> Case:
    rng = ctx.rng
    p = ctx.person(born=(1950, 2006))
    f, e, k, ib = fin(rng), evb(rng), kennzeichen(rng), iban(rng)
    ctx.put(fin=f, evb=e, kennzeichen=k, iban=ib)
    kind = rng.choice(["Neuzulassung", "Umschreibung", "Wiederzulassung"])
    title = rng.choice(["Antrag auf Zulassung eines Fahrzeugs", "Zulassungsantrag", "Antrag auf Neuzulassung / Umschreibung",
                        "Fahrzeugzulassung - Antrag", "Antrag auf Zuteilung eines Kennzeichens und Zulassung"])
    sub = rng.choice(["nach § 6 Fahrzeug-Zulassungsverordnung (FZV)", "Zulassungsstelle", ""])
    office, holder = "Straßenverkehrsamt - Zulassungsstelle", ""
    if rng.random() < 0.4:
        holder = ctx.person(home=p, surname=p.nachname).full
    kw = dict(title=title, subtitle=sub, office=office, signer=p.full, place=p.ort)
    if ctx.mode == "form":
        blocks = [ctx.block(p, rng.choice(["Angaben zur Halterin / zum Halter", "Halter/in",
                                           "Antragsteller/in (künftige/r Halter/in)"]), birthplace=rng.random() < 0.5)]
        first = date_between(rng, dt.date(2008, 1, 1), dt.date(2024, 12, 31))
        car = [Item(rng.choice(["Fahrzeug-Identifizierungsnummer", "FIN (Feld E der Zulassungsbescheinigung Teil I)",
                                "Fahrgestellnummer"]), f, "fin", wide=True),
               Item("Hersteller / Typ", rng.choice(["VW Golf", "Opel Corsa", "Skoda Octavia", "Ford Transit"]), "make"),
               Item("Datum der Erstzulassung", show_date(rng, first), "first_reg"),
               Item(rng.choice(["Wunschkennzeichen (reserviert)", "Reserviertes Kennzeichen", "Zuzuteilendes Kennzeichen"]),
                    k, "plate"),
               Item(rng.choice(["eVB-Nummer (Versicherungsbestätigung)", "Versicherungsbestätigung (eVB)", "eVB-Nr."]),
                    e, "evb")]
        blocks.append(Block("Angaben zum Fahrzeug", car,
                            checks=[(x, x == kind) for x in ["Neuzulassung", "Umschreibung", "Wiederzulassung"]]))
        blocks.append(Block("SEPA-Lastschriftmandat für die Kraftfahrzeugsteuer", bank_items(ctx, ib, holder),
                            note="Kontoinhaber/in nur angeben, falls abweichend vom Halter"))
        if rng.random() < 0.45:
            rep = ctx.person()
            blocks.append(ctx.block(rep, "Bevollmächtigte/r", truth=False, birth=rng.random() < 0.5,
                                    note="(nur ausfüllen, wenn eine Vollmacht vorliegt)"))
        return finish(ctx, blocks=blocks, **kw)
    tax = sentence("Die Kraftfahrzeugsteuer soll vom Konto ", (show_iban(rng, ib),),
                   f" ({holder}) abgebucht werden." if holder else " abgebucht werden.")
    if ctx.mode == "prose":
        segs = ctx.intro(p) + sentence(" beantrage die ", (kind,), " des Fahrzeugs mit der FIN ", (f,), ".")
        more = sentence("Versicherungsbestätigung (eVB): ", (e,), ". Reserviertes Kennzeichen: ", (k,), ".")
        return finish(ctx, prose=[segs, more, tax], **kw)
    body = [sentence(f"hiermit beantrage ich die {kind} meines Fahrzeugs mit der Fahrzeug-Identifizierungsnummer ",
                     (f,), ". Das Kennzeichen ", (k,), " habe ich online reserviert, die eVB-Nummer lautet ", (e,), "."),
            tax]
    if rng.random() < 0.5:
        body.insert(1, ctx.birth_line(p))
    body.append(sentence("Die Zulassungsbescheinigung Teil II und meinen Personalausweis lege ich in Kopie bei."))
    return finish(ctx, letter=Letter(ctx.head(p), p.full, body), **kw)


# ---------------------------------------------------------------- Bau
def bau(ctx: Ctx) -> Case:
    rng = ctx.rng
    p = ctx.person(born=(1950, 1998))
    g, fl = rng.choice(PARCELS), str(rng.randint(1, 42))
    fs = f"{rng.randint(1, 899)}/{rng.randint(1, 30)}" if rng.random() < 0.7 else str(rng.randint(1, 899))
    if rng.random() < 0.2:
        fs += f", {rng.randint(1, 899)}"
    ctx.put(gemarkung=g, flur=fl, flurstueck=fs)
    site = f"{street(rng)}, {plz(rng)} {rng.choice(TOWNS)}"
    what = rng.choice(["Neubau eines Einfamilienhauses mit Carport", "Anbau eines Wintergartens",
                       "Errichtung einer Doppelgarage", "Umbau und Nutzungsänderung einer Scheune zu Wohnzwecken"])
    title = rng.choice(["Bauantrag", "Antrag auf Baugenehmigung", "Antrag auf Erteilung einer Baugenehmigung",
                        "Bauvorlage - Antrag nach § 64 LBO"])
    kw = dict(title=title, subtitle=rng.choice(["Bauaufsichtsbehörde", "Untere Bauaufsicht", ""]),
              office="Fachdienst Bauaufsicht", signer=p.full, place=p.ort)
    arch = ctx.person(born=(1955, 1990))
    if ctx.mode == "form":
        blocks = [ctx.block(p, rng.choice(["Bauherrin / Bauherr", "Bauherrschaft", "Antragsteller/in (Bauherr/in)"]),
                            birth=rng.random() < 0.3)]
        blocks.append(Block("Baugrundstück", [
            Item(rng.choice(["Lage (Straße, Hausnummer, PLZ, Ort)", "Anschrift des Baugrundstücks"]), site, "site", wide=True),
            Item("Gemarkung", g, "gemarkung"), Item("Flur", fl, "flur"), Item(rng.choice(["Flurstück(e)", "Flurstück"]), fs,
                                                                           "flurstueck")]))
        blocks.append(Block("Bauvorhaben", [Item(rng.choice(["Bezeichnung des Vorhabens", "Vorhaben"]), what, "what", wide=True)],
                            checks=[(x, rng.random() < 0.4) for x in ["Neubau", "Umbau", "Nutzungsänderung"]]))
        ab = ctx.block(arch, rng.choice(["Entwurfsverfasser/in", "Entwurfsverfasserin / Entwurfsverfasser"]), truth=False,
                       birth=False, contact=0.9)
        ab.items.insert(0, Item("Büro", rng.choice(ARCHITECTS), "office", wide=True))
        ab.items.append(Item("Mitgliedsnummer Architektenkammer", f"{rng.randint(10000, 99999)}", "chamber"))
        blocks.append(ab)
        return finish(ctx, blocks=blocks, **kw)
    parcel = sentence(" auf dem Grundstück ", (site,), " (Gemarkung ", (g,), ", Flur ", (fl,), ", Flurstück ", (fs,), ")")
    if ctx.mode == "prose":
        segs = ctx.intro(p, birth=False) + sentence(" beantrage die Baugenehmigung für folgendes Vorhaben: ", (what,))
        return finish(ctx, prose=[segs + parcel + sentence(".")], **kw)
    body = [sentence(f"hiermit beantrage ich die Baugenehmigung für das Vorhaben „{what}“") + parcel + sentence("."),
            sentence(f"Die Bauvorlagen wurden von {arch.salutation} {arch.full}, {address_of(arch)}, erstellt. "
                     f"{'Sie' if arch.female else 'Er'} ist zur Vertretung in diesem Verfahren bevollmächtigt.")]
    return finish(ctx, letter=Letter(ctx.head(p), p.full, body), **kw)


# ---------------------------------------------------------------- IfSG
def ifsg(ctx: Ctx) -> Case:
    rng = ctx.rng
    p = ctx.person(born=(1960, 2008))
    firm = rng.choice(FIRMS)
    firm_addr = ctx.person()
    job = rng.choice(["Küchenhilfe", "Servicekraft", "Koch / Köchin", "Verkauf Backwaren", "Hauswirtschaft"])
    taught = ctx.date - dt.timedelta(days=rng.randint(0, 60))
    title = rng.choice(["Belehrung gemäß § 43 Abs. 1 IfSG", "Bescheinigung über die Belehrung nach § 43 IfSG",
                        "Erstbelehrung nach dem Infektionsschutzgesetz", "Erklärung nach § 43 Abs. 1 Nr. 2 IfSG"])
    kw = dict(title=title, subtitle=rng.choice(["Gesundheitsamt", "Tätigkeiten mit Lebensmitteln", ""]),
              office="Gesundheitsamt", signer=p.full, place=p.ort)
    if ctx.mode == "form":
        blocks = [ctx.block(p, rng.choice(["Angaben zur belehrten Person", "Persönliche Angaben", "Beschäftigte Person"]))]
        blocks.append(Block(rng.choice(["Arbeitgeber / Betrieb", "Angaben zum Betrieb"]), [
            Item(rng.choice(["Name des Betriebes", "Arbeitgeber"]), firm, "firm", wide=True),
            Item("Anschrift", address_of(firm_addr), "firm_addr", wide=True),
            Item("Telefon", firm_addr.telefon, "firm_phone"), Item("Tätigkeit", job, "job")]))
        blocks.append(Block("Belehrung", [Item(rng.choice(["Datum der Belehrung", "Belehrt am"]), show_date(rng, taught),
                                               "taught", typed=True)],
                            checks=[("mündlich", True), ("schriftlich", rng.random() < 0.8), ("per Video", False)]))
        return finish(ctx, blocks=blocks, **kw)
    if ctx.mode == "prose":
        segs = sentence(f"{p.salutation} ") + ctx.intro(p, who="")[1:] + sentence(
            " wurde am ", (show_date(rng, taught),), " gemäß § 43 Abs. 1 Nr. 1 IfSG mündlich und schriftlich über die "
            "Tätigkeitsverbote und Verpflichtungen nach §§ 42 und 43 IfSG belehrt.")
        decl = sentence("Die belehrte Person hat erklärt, dass ihr keine Tatsachen für ein Tätigkeitsverbot bekannt sind. "
                        "Vorgesehene Tätigkeit: ", (f"{job} bei {firm}",), ".")
        return finish(ctx, prose=[segs, decl], **kw)
    body = [sentence(f"hiermit melde ich mich zur Erstbelehrung nach § 43 IfSG an. Ab dem nächsten Monat arbeite ich als "
                     f"{job} bei {firm}, {address_of(firm_addr)}."), ctx.birth_line(p),
            sentence("Bitte teilen Sie mir einen Termin mit.")]
    return finish(ctx, letter=Letter(ctx.head(p), p.full, body), **kw)


# ---------------------------------------------------------------- Masern
def masern(ctx: Ctx) -> Case:
    rng = ctx.rng
    parent = ctx.person(born=(1975, 2000))
    child = ctx.person(born=(2018, 2024), home=parent, surname=parent.nachname if rng.random() < 0.8 else None)
    child.vorname = rng.choice(KIDS)
    kita, head_of = rng.choice(KITAS), ctx.person(female=True)
    kita_addr = ctx.person()
    since = date_between(rng, dt.date(2024, 8, 1), ctx.date)
    title = rng.choice(["Meldung nach § 20 Abs. 9 IfSG (Masernschutz)", "Benachrichtigung des Gesundheitsamtes - Masernschutz",
                        "Masernschutz: fehlender Nachweis", "Nachweis über Masernschutz / Immunität"])
    kw = dict(title=title, subtitle=rng.choice(["Masernschutzgesetz", "Gemeinschaftseinrichtung", ""]),
              office="Gesundheitsamt - Infektionsschutz", place=kita_addr.ort)
    if ctx.mode == "form":
        blocks = [ctx.block(child, rng.choice(["Betroffene Person (Kind)", "Angaben zum Kind", "Angaben zur betreuten Person"]),
                            contact=0.0, adult=False)]
        pb = ctx.block(parent, rng.choice(["Erziehungsberechtigte/r", "Sorgeberechtigte Person", "Angaben der Eltern"]),
                       truth=False, birth=False, contact=1.0)
        blocks.append(pb)
        ctx.truth.update({k: v for k, v in [("telefon", parent.telefon), ("email", parent.email)]
                          if any(i.value == v for i in pb.items)})
        blocks.append(Block("Gemeinschaftseinrichtung", [
            Item("Name der Einrichtung", kita, "kita", wide=True),
            Item("Anschrift", address_of(kita_addr), "kita_addr", wide=True),
            Item("Leitung", head_of.full, "lead"), Item("Betreut seit", show_date(rng, since), "since")],
            checks=[("Nachweis liegt nicht vor", True), ("Zweifel an der Echtheit", False), ("Impfdokumentation", False)]))
        return finish(ctx, blocks=blocks, signer=head_of.full, **kw)
    kid = sentence("das Kind ", (f"{child.vorname} {child.nachname}",), ", geboren am ",
                   (show_date(rng, child.geburtsdatum, "ndml"),), ", wohnhaft ", (address_of(child),), ",")
    ctx.put(vorname=child.vorname, nachname=child.nachname, strasse=child.strasse, plz=child.plz, ort=child.ort,
            geburtsdatum=f"{child.geburtsdatum.day:02d}.{child.geburtsdatum.month:02d}.{child.geburtsdatum.year}")
    lead = sentence("Für ") + kid + sentence(" wurde uns bis heute kein Nachweis nach § 20 Abs. 9 IfSG vorgelegt. "
                                             "Das Kind wird seit ",
                    (show_date(rng, since),), f" in unserer Einrichtung {kita} betreut.")
    parents = sentence("Erziehungsberechtigt: ", (f"{parent.salutation} {parent.full}",), ", erreichbar unter ",
                       (parent.telefon,), ".")
    ctx.put(telefon=parent.telefon)
    if ctx.mode == "prose":
        return finish(ctx, prose=[lead, parents], signer=head_of.full, **kw)
    body = [sentence("hiermit melden wir Ihnen gemäß § 20 Abs. 9 Satz 4 IfSG:"), lead, parents]
    return finish(ctx, letter=Letter(org_head(kita, kita_addr, kita_addr.telefon), head_of.full, body,
                                     signer_role="Leitung der Einrichtung", email=f"leitung@{slug(kita)}.example"),
                  signer=head_of.full, **kw)
