"""Letters: firms, lawyers, architects, carers and clubs writing on behalf of
someone (with a power of attorney), and private people writing themselves.
They carry their values in running text, a reference line and a letterhead."""

from __future__ import annotations

from .doc import Doc, Item, Letter
from .world import Person, Rng, fmt_date, truth_date, recent, aktenzeichen, their_reference, phone
from . import world as W

AGENTS = {
    "autohaus": ("Autohaus {n} GmbH", "Zulassungsservice", "Verkauf · Service · Zulassung"),
    "kanzlei": ("Rechtsanwälte {n} & Partner mbB", "Fachanwälte für Verwaltungsrecht", ""),
    "architekt": ("Architekturbüro {n}", "Dipl.-Ing. (FH) Freie Architekten", "Mitglied der Architektenkammer"),
    "betreuung": ("Betreuungsverein {t} e.V.", "Rechtliche Betreuungen", ""),
    "agrar": ("Agrarservice {n} GbR", "Beratung für Tierhalter", ""),
    "kita": ("Kindertagesstätte „Sonnenblume“ {t}", "Träger: Gemeinde {t}", ""),
    "bistro": ("Landgasthof {n}", "Inh. {n}", "Catering & Feiern"),
    "zulassungsdienst": ("Zulassungsdienst {n}", "Kfz-Anmeldungen schnell & zuverlässig", ""),
}


def agent(r: Rng, kind: str) -> dict:
    """A firm or office that writes for a client: its own name, address and
    contacts are never the truth."""
    n, t = r.pick(W.SURNAMES), r.pick(tuple(W.TOWNS))
    name, line2, line3 = (s.format(n=n, t=t) for s in AGENTS[kind])
    st, no = W.street(r)
    writer = W.person(r, town=t)
    return {"name": name, "lines": [name, line2] + ([line3] if line3 else []),
            "street": f"{st} {no}", "plz": W.TOWNS[t], "ort": t, "phone": phone(r, False),
            "email": f"{r.pick(('info', 'kontakt', 'buero', 'post'))}@{n.lower().replace(' ', '')}-{kind}.de",
            "writer": writer, "ref": their_reference(r, writer.vorname[0] + writer.nachname[0])}


def recipient(r: Rng, office: str) -> list[str]:
    head = r.pick((f"Landratsamt {W.COUNTY}", f"Kreisverwaltung {W.COUNTY}", f"Landkreis {W.COUNTY}"))
    return [head, office, r.pick(("Postfach 11 40", "Am Kreishaus 1", "Rodacher Straße 12")),
            f"{W.TOWNS['Wiesenau']} Wiesenau"]


def refs(r: Rng, doc: Doc, az_chance: float, our: str = "", private: bool = False) -> tuple[list[Item], object]:
    """The reference line: "Ihr Zeichen" (the county's file number: truth),
    "Unser Zeichen" (the sender's: never), the letter's date (antragsdatum)."""
    d = recent(r, 20)
    style = r.pick(("num", "long", "num", "abbr", "short"))
    az = aktenzeichen(r, doc.doctype) if r.chance(az_chance) else ""
    items = []
    if az or not private:
        items.append(Item(r.pick(("Ihr Zeichen", "Ihr Az.", "Ihr Zeichen/Ihre Nachricht vom")), az,
                          {"aktenzeichen": az} if az else {}, hand=False))
    if our:
        items.append(Item(r.pick(("Unser Zeichen", "Unser Az.", "Unsere Akte")), our, hand=False))
    items.append(Item("Datum", fmt_date(d, style), {"antragsdatum": truth_date(d)}, hand=False))
    return items, d


def agent_letter(r: Rng, doc: Doc, kind: str, office: str, subject: list[str], body: list[str],
                 enclosures: list[str], az_chance: float = 0.35) -> dict:
    """Fill *doc* with a letter from an agent; returns the agent (body text
    may mention its writer).  Body paragraphs use {writer} and {firm}."""
    a = agent(r, kind)
    items, d = refs(r, doc, az_chance, our=a["ref"])
    letterhead = a["lines"] + [f"{a['street']} · {a['plz']} {a['ort']}", f"Tel. {a['phone']} · {a['email']}"]
    w = a["writer"]
    doc.letter = Letter(letterhead, f"{a['name']} · {a['street']} · {a['plz']} {a['ort']}", recipient(r, office),
                        items, subject, [p.format(writer=w.full, firm=a["name"]) for p in body],
                        [w.full, r.pick(("Rechtsanwältin" if w.female else "Rechtsanwalt", "Sachbearbeitung",
                                         "Geschäftsführung", "i. A."))] if kind == "kanzlei" else
                        [w.full, r.pick(("Geschäftsführung", "Sachbearbeitung", "i. A.", ""))],
                        enclosures, date=d)
    return a


def private_letter(r: Rng, doc: Doc, p: Person, office: str, subject: list[str], body: list[str],
                   truth: bool = True, az_chance: float = 0.3, enclosures: list[str] = ()) -> None:
    """A letter a person writes themselves: their address in the letterhead."""
    t = (lambda **kw: kw) if truth else (lambda **kw: {})
    items, d = refs(r, doc, az_chance, private=True)
    head = [p.full, p.strasse, f"{p.plz} {p.ort}"]
    doc.inline += [Item("", p.full, t(vorname=p.vorname, nachname=p.nachname), hand=False),
                   Item("", p.strasse, t(strasse=p.strasse), hand=False),
                   Item("", f"{p.plz} {p.ort}", t(plz=p.plz, ort=p.ort), hand=False)]
    if r.chance(0.5):
        head.append(f"Tel. {p.telefon}")
        doc.inline.append(Item("", p.telefon, t(telefon=p.telefon), hand=False))
    doc.letter = Letter(head, f"{p.full}, {p.strasse}, {p.plz} {p.ort}", recipient(r, office), items, subject,
                        body, [p.full], list(enclosures), company=False, date=d)


def mention(doc: Doc, text: str, **truth: str) -> str:
    """A value written into running text; returns the text for the paragraph."""
    doc.inline.append(Item("", text, dict(truth), hand=False))
    return text


def client_phrase(r: Rng, doc: Doc, p: Person, *, birth: bool = True, address: bool = True) -> str:
    """"Frau Jana Weber, geb. 03.04.1988, wohnhaft Lindenweg 4, 96231 Wiesenau"
    with every piece registered as truth."""
    s = f"{p.title} {mention(doc, p.full, vorname=p.vorname, nachname=p.nachname)}"
    if birth:
        s += f", geb. {mention(doc, fmt_date(p.geboren, r.pick(('num', 'long'))), geburtsdatum=truth_date(p.geboren))}"
    if address:
        s += (f", {r.pick(('wohnhaft', 'wohnhaft in', 'whft.'))} {mention(doc, p.strasse, strasse=p.strasse)}, "
              f"{mention(doc, f'{p.plz} {p.ort}', plz=p.plz, ort=p.ort)}")
    return s
