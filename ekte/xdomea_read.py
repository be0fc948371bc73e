"""Reading an xdomea message (0503 Aussonderung, 0605 SGOAblegen; 3.x and
4.0.0) for ``ekte import-xdomea``: one :class:`Entry` per Dokument with
what ekte takes from it, and for every object (Akte, Vorgang, Dokument)
what was mapped onto ekte's data, what is only kept (in the provenance,
and written again by the xdomea connector), and what was dropped and why.

Mapping (the message's values are taken as given, nothing is guessed):

==========================================  =====================================
message                                     ekte
==========================================  =====================================
Akte (else Vorgang) ``Kennzeichen``          field ``aktenzeichen``
Dokument ``Kennzeichen``                     record ``dokument_kennzeichen``
Akte (else Vorgang) Aktenplaneinheit         record ``aktenplan``
Vorgang (else Akte) Aufbewahrungsdauer       record ``retention_years``
Dokument ``Betreff``                         record ``betreff``
Dokument ``DatumDesSchreibens``              record ``document_date``
``Posteingangsdatum`` (else the date of      the received date (and field
the writing: a document made in-house)       ``eingangsdatum``)
Felder ``ekte.doctype``/``ekte.confidence``  document type and its confidence
other Felder named like an ekte field        that field
the Vorgang                                  one group: exported as one Vorgang
==========================================  =====================================
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ekte import xdomea_notes
from ekte.errors import DocumentError
from ekte.profile import FIELD_NAMES

PDF_CODES = {"018", "044"}
TEXT_CODES = {"045"}
#: children that are objects of their own (read as such, not as metadata of their parent)
NESTED = {"Akteninhalt", "DokumentOderDokumentMitSchriftstueck", "Dokument", "Vorgang", "Teilvorgang",
          "Teilakte", "Akte", "Anlage"}
#: why an element that is not read is dropped, where more can be said than "no place for it"
DROPPED_BECAUSE = {
    "Kontextobjekt": "a marker of the Aussonderung (is the object itself handed over); nothing to keep",
    "Verweis": "references to other objects are not kept",
    "Kontakt": "contacts are not kept", "WeitererKontakt": "contacts are not kept",
    "InternerGeschaeftsgang": "the internal routing is not kept",
}
HISTORY_KEYS = {"Akteur": "akteur", "DatumUhrzeit": "datum_uhrzeit", "Aktion": "aktion",
                "MetadatumName": "metadatum_name", "MetadatumAlterWert": "alter_wert",
                "MetadatumNeuerWert": "neuer_wert", "Bemerkung": "bemerkung"}


def local(el: etree._Element) -> str:
    return etree.QName(el).localname


def children(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if el is None else [c for c in el if isinstance(c.tag, str) and local(c) == name]


def find(el: etree._Element | None, *path: str) -> etree._Element | None:
    for n in path:
        el = next(iter(children(el, n)), None)
    return el


def key(el: etree._Element) -> str:
    """A stable key of an element (lxml's proxy objects, and so their ids, come and go)."""
    return el.getroottree().getpath(el)


def peek(el: etree._Element | None, *path: str) -> str | None:
    """The text at *path* below *el*, without noting it as read."""
    f = find(el, *path)
    return (f.text or "").strip() or None if f is not None and not len(f) else None


class Obj:
    """One xdomea object being read (Akte, Vorgang, Dokument, or a part of
    one): notes what of it was mapped onto ekte's data or kept."""

    def __init__(self, kind: str, el: etree._Element, consumed: set[str]):
        self.kind, self.el, self.consumed = kind, el, consumed
        self.mapped: list[dict[str, str]] = []
        self.kept: list[str] = []

    def _take(self, el: etree._Element) -> None:
        for e in el.iter():
            self.consumed.add(key(e))

    def get(self, *path: str, to: str | None = None) -> str | None:
        """The text at *path*, noted as mapped onto *to* (or as kept)."""
        text = peek(self.el, *path)
        if text is None:
            return None
        self._take(find(self.el, *path))
        if to:
            self.map("/".join(path), to)
        else:
            self.kept.append("/".join((self.kind,) + path))
        return text

    def map(self, path: str, to: str) -> None:
        """Note that what was read at *path* is mapped onto *to* (once)."""
        full = f"{self.kind}/{path}"
        if full in self.kept:
            self.kept.remove(full)
        if not any(m["from"] == full and m["to"] == to for m in self.mapped):
            self.mapped.append({"from": full, "to": to})

    def code(self, *path: str) -> str | None:
        return self.get(*path, "code")

    def history(self) -> list[dict[str, str]]:
        out = []
        for h in children(self.el, "HistorienProtokollInformation"):
            out.append({HISTORY_KEYS[local(c)]: (c.text or "").strip() for c in h
                        if isinstance(c.tag, str) and local(c) in HISTORY_KEYS})
            self._take(h)
        if out:
            self.kept.append(f"{self.kind}/HistorienProtokollInformation")
        return out

    def common(self) -> dict[str, Any]:
        """What Akte, Vorgang and Dokument share: identity, AllgemeineMetadaten,
        retention, Laufzeit, Typ, history."""
        dauer = "Aussonderungsmetadaten" if find(self.el, "Aussonderungsmetadaten") is not None \
            else "ArchivspezifischeMetadaten"
        years = self.get(dauer, "Aufbewahrungsdauer", "AnzahlJahre")
        unlimited = self.get(dauer, "Aufbewahrungsdauer", "Unbefristet") in ("1", "true")
        out = {
            "uuid": self.get("Identifikation", "xdomeaUUID") or self.get("Identifikation", "ID"),
            "betreff": self.get("AllgemeineMetadaten", "Betreff"),
            "kennzeichen": self.get("AllgemeineMetadaten", "Kennzeichen"),
            "federfuehrung": self.get("AllgemeineMetadaten", "Federfuehrung"),
            "bemerkung": self.get("AllgemeineMetadaten", "Bemerkung"),
            "geheimhaltung": self.code("AllgemeineMetadaten", "Geheimhaltung", "Geheimhaltungsgrad")
            or self.code("AllgemeineMetadaten", "Vertraulichkeitsstufe"),
            "medium": self.code("AllgemeineMetadaten", "Medium"),
            "aktenplan": {k: v for k, v in (
                ("kennzeichen", self.get("AllgemeineMetadaten", "Aktenplaneinheit", "Kennzeichen")),
                ("inhaltsangabe", self.get("AllgemeineMetadaten", "Aktenplaneinheit", "Inhaltsangabe"))) if v},
            "aufbewahrung": {"jahre": int(years)} if years and years.isdigit() else
            ({"unbefristet": True} if unlimited else {}),
            "laufzeit": {k: v for k, v in (("beginn", self.get("Laufzeit", "Beginn")),
                                           ("ende", self.get("Laufzeit", "Ende"))) if v},
            "typ": self.get("Typ"),
            "history": self.history(),
        }
        return {k: v for k, v in out.items() if v not in (None, "", {}, [])}

    def dropped(self, why: dict[str, str]) -> list[dict[str, str]]:
        """The leaves of this object's own metadata that nothing read."""
        out: list[dict[str, str]] = []

        def walk(el: etree._Element, path: str) -> None:
            for c in el:
                if not isinstance(c.tag, str):
                    continue
                name, p = local(c), f"{path}/{local(c)}"
                if key(c) in why:
                    out.append({"element": p, "why": why[key(c)]})
                elif name in DROPPED_BECAUSE and key(c) not in self.consumed:
                    out.append({"element": p, "why": DROPPED_BECAUSE[name]})
                elif name in NESTED:
                    continue
                elif len(c):
                    walk(c, p)
                elif key(c) not in self.consumed and (c.text or "").strip():
                    if name == "name" and any(key(s) in self.consumed for s in children(el, "code")):
                        continue  # the code list's name of a code that is kept
                    out.append({"element": p, "why": "ekte has no place for it"})

        walk(self.el, self.kind)
        return out

    def report(self, why: dict[str, str]) -> dict[str, Any]:
        return {"object": self.kind, "mapped": self.mapped, "kept": self.kept, "dropped": self.dropped(why)}


@dataclass
class Entry:
    """One primary document named by the message, with what ekte takes from it."""

    member: str
    uuid: str = ""
    expected_sha256: str | None = None
    format_code: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    doctype: str | None = None
    confidence: float | None = None
    received: str | None = None
    record: dict[str, Any] = field(default_factory=dict)
    xdomea: dict[str, Any] = field(default_factory=dict)
    vorgang_uuid: str | None = None
    index: int = 0
    report: dict[str, Any] = field(default_factory=dict)


def received_iso(date: str) -> str | None:
    """An xs:date (or dateTime) → an ISO timestamp at local midnight."""
    try:
        d = _dt.date.fromisoformat(date[:10])
    except ValueError:
        return None
    return _dt.datetime(d.year, d.month, d.day).astimezone().isoformat(timespec="seconds")


class Message:
    """A parsed message: ``name`` (type), ``version``, ``header``,
    ``entries`` (one per Dokument with a file), ``objects`` (the report of
    every Akte, Vorgang and Dokument)."""

    def __init__(self, xml: bytes):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
        try:
            root = etree.fromstring(xml, parser)
        except etree.XMLSyntaxError as e:
            raise DocumentError("bad_message", f"the message XML is not well-formed ({e.msg})") from None
        if root.getroottree().docinfo.internalDTD is not None:  # unresolved entities: their element's text is lost
            raise DocumentError("bad_message", "the message declares a DTD (entities); xdomea messages never do")
        self.name, ns = local(root), etree.QName(root).namespace or ""
        if not ns.startswith("urn:xoev-de:xdomea:schema:") or not self.name.endswith((".0503", ".0605")):
            raise DocumentError("bad_message", f"not an xdomea 0503 or 0605 message: {self.name}")
        self.version = ns.rsplit(":", 1)[1]
        self.header = _header(root, ns)
        #: every file name the message names (any version, format or Anlage): the rest of a container is unreferenced
        self.files = {(el.text or "").strip() for el in root.iter(f"{{{ns}}}Dateiname")}
        self.consumed: set[str] = set()
        self.why: dict[str, str] = {}
        self._objs: dict[str, tuple[Obj, dict[str, Any]]] = {}
        notes = self._transfer_notes(root, ns)
        docs = [(dok, None if key(dok.getparent()) in notes else self._entry(dok))
                for dok in root.iter(f"{{{ns}}}Dokument")]
        self.entries = [e for _, e in docs if e is not None]
        reports = {k: o.report(self.why) | {"uuid": meta.get("uuid")} for k, (o, meta) in self._objs.items()}
        self.objects = list(reports.values())
        for dok, e in docs:
            if e is not None:
                e.report = reports[key(dok)]
                e.xdomea.update({"transfervermerke": self.notes[key(dok)]} if key(dok) in self.notes else {})

    def _transfer_notes(self, root: etree._Element, ns: str) -> set[str]:
        """The Anlagen with a TR-RESISCAN transfer note: kept with their Dokument (:mod:`ekte.xdomea_notes`)."""
        notes, self.notes = set(), {}
        for an in filter(xdomea_notes.is_note, root.iter(f"{{{ns}}}Anlage")):
            notes.add(key(an))
            self.notes.setdefault(key(an.getparent()), []).append(xdomea_notes.describe(an))
            self.why[key(an)] = xdomea_notes.NOTE_WHY  # what became of it: xdomea_notes.reported
        return notes

    def obj(self, el: etree._Element) -> tuple[Obj, dict[str, Any]]:
        """The object of *el* and its metadata, read once however many Dokumente it holds."""
        if key(el) not in self._objs:
            kind = {"Teilvorgang": "Vorgang", "Teilakte": "Akte"}.get(local(el), local(el))
            o = Obj(kind, el, self.consumed)
            meta = o.common()
            if kind == "Vorgang" and o.get("Aktenbetreff"):
                meta["aktenbetreff"] = peek(el, "Aktenbetreff")
            self._objs[key(el)] = (o, meta)
        return self._objs[key(el)]

    def _entry(self, dok: etree._Element) -> Entry | None:
        """The Entry of one Dokument (None when it names no file)."""
        d, meta = self.obj(dok)
        versions = children(dok, "Version")

        def vnum(v: etree._Element) -> float:
            try:
                return float(peek(v, "Nummer") or 0)
            except ValueError:
                return 0.0

        ver = max(versions, key=vnum) if versions else None
        formats = children(ver, "Format")
        fmt = next((f for f in formats if peek(f, "Name", "code") in PDF_CODES), formats[0] if formats else None)
        for v in versions:
            if v is not ver:
                self.why[key(v)] = "older version: only the newest version's file is imported"
        for f in formats:
            if f is not fmt:
                self.why[key(f)] = "another format of the same version: one is imported (the PDF one where there is one)"
        if fmt is None or not peek(fmt, "Primaerdokument", "Dateiname"):
            return None
        e = Entry(member="")
        e.index = int(peek(dok, "Identifikation", "NummerImUebergeordnetenContainer") or 0) if \
            (peek(dok, "Identifikation", "NummerImUebergeordnetenContainer") or "").isdigit() else 0
        d.get("Identifikation", "NummerImUebergeordnetenContainer", to="the order within the Vorgang")
        Obj("Dokument/Version", ver, self.consumed).get("Nummer")
        _file(e, Obj("Dokument/Version/Format", fmt, self.consumed), d)
        vorgang = next((a for a in dok.iterancestors() if local(a) in ("Vorgang", "Teilvorgang")), None)
        akte = next((a for a in dok.iterancestors() if local(a) in ("Akte", "Teilakte")), None)
        _dokument(e, d, meta, self.obj(vorgang) if vorgang is not None else None,
                  self.obj(akte) if akte is not None else None)
        return e


def _header(root: etree._Element, ns: str) -> dict[str, Any]:
    q = lambda *n: "/".join(f"{{{ns}}}{x}" for x in n)  # noqa: E731
    if root.find(q("nachrichtenkopf")) is not None:
        ident = q("nachrichtenkopf", "identifikation.nachricht")
        h = {"prozess_id": root.findtext(q("nachrichtenkopf", "ProzessID")),
             "nachricht_uuid": root.findtext(f"{ident}/nachrichtenUUID"),
             "erstellt": root.findtext(f"{ident}/erstellungszeitpunkt"),
             "absender": root.findtext(q("nachrichtenkopf", "autor", "NameInstitution", "Name"))}
    else:
        h = {"prozess_id": root.findtext(q("Kopf", "ProzessID")),
             "erstellt": root.findtext(q("Kopf", "Erstellungszeitpunkt")),
             "absender": root.findtext(q("Kopf", "Absender", "Institution", "Name"))}
    return {k: v.strip() for k, v in h.items() if v and v.strip()}


def _file(e: Entry, f: Obj, d: Obj) -> None:
    """The primary file of the chosen format."""
    e.member = f.get("Primaerdokument", "Dateiname", to="the primary file") or ""
    e.format_code = f.code("Name") or ""
    f.get("Version")
    if (f.code("Primaerdokument", "Hash", "Algorithmus") or "").upper() in ("SHA-256", "SHA256"):
        e.expected_sha256 = (f.get("Primaerdokument", "Hash", "Wert", to="checked against the file") or "").lower() or None
    e.xdomea["primaerdokument"] = {k: v for k, v in (
        ("datei", e.member), ("datei_original", f.get("Primaerdokument", "DateinameOriginal")),
        ("ersteller", f.get("Primaerdokument", "Ersteller")), ("datum_uhrzeit", f.get("Primaerdokument", "DatumUhrzeit")),
        ("geaendert", f.get("Primaerdokument", "ZeitpunktLetzteAenderung")), ("format", e.format_code)) if v}
    d.mapped += f.mapped
    d.kept += f.kept


def _felder(e: Entry, d: Obj) -> None:
    """AnwendungsspezifischeErweiterung/Feld: ekte's own and ekte's fields."""
    for ext in children(d.el, "AnwendungsspezifischeErweiterung"):
        for feld in children(ext, "Feld"):
            k, v = peek(feld, "Name"), peek(feld, "Wert")
            if not k or v is None:
                continue
            path = f"AnwendungsspezifischeErweiterung/Feld[{k}]"
            if k == "ekte.doctype":
                e.doctype, to = v, "document type"
            elif k == "ekte.confidence":
                try:
                    e.confidence, to = max(0.0, min(1.0, float(v))), "classification confidence"
                except ValueError:
                    continue
            elif k == "ekte.leika":
                e.record["leika"], to = v, "record.leika"
            elif k in FIELD_NAMES:
                e.fields[k], to = v, f"fields.{k}"
            else:
                e.xdomea.setdefault("felder", {})[k] = v
                to = ""
            d._take(feld)
            if to:
                d.map(path, to)
            else:
                d.kept.append(f"Dokument/{path}")
        for leaf in children(ext, "Kennung") + children(ext, "Name"):
            d._take(leaf)  # the extension's own name: nothing to keep


def _dokument(e: Entry, d: Obj, meta: dict[str, Any], vorgang: tuple[Obj, dict] | None,
              akte: tuple[Obj, dict] | None) -> None:
    """What the Dokument and its Vorgang and Akte give the entry."""
    vo, vmeta = vorgang or (None, {})
    ak, ameta = akte or (None, {})
    meta["posteingangsdatum"] = d.get("Posteingangsdatum", to="received")
    written = meta["datum_des_schreibens"] = d.get("DatumDesSchreibens", to="record.document_date")
    meta["bearbeiter"] = d.get("Bearbeiter")
    e.uuid = meta.get("uuid") or ""
    e.vorgang_uuid = vmeta.get("uuid")
    e.received = received_iso(meta["posteingangsdatum"] or written or "")
    if not meta["posteingangsdatum"] and e.received:
        d.map("DatumDesSchreibens", "received (no Posteingangsdatum: taken as made in-house)")
    _felder(e, d)
    src, smeta = (ak, ameta) if ameta.get("kennzeichen") else (vo, vmeta)
    if smeta.get("kennzeichen"):
        e.fields["aktenzeichen"] = smeta["kennzeichen"]
        src.map("AllgemeineMetadaten/Kennzeichen", "fields.aktenzeichen")
    if e.received:
        e.fields.setdefault("eingangsdatum", _dt.date.fromisoformat(e.received[:10]).strftime("%d.%m.%Y"))
    src, smeta = (ak, ameta) if (ameta.get("aktenplan") or {}).get("kennzeichen") else (vo, vmeta)
    if (smeta.get("aktenplan") or {}).get("kennzeichen"):
        e.record["aktenplan"] = smeta["aktenplan"]["kennzeichen"]
        src.map("AllgemeineMetadaten/Aktenplaneinheit/Kennzeichen", "record.aktenplan")
    src, smeta = (vo, vmeta) if (vmeta.get("aufbewahrung") or {}).get("jahre") else (ak, ameta)
    if (smeta.get("aufbewahrung") or {}).get("jahre") is not None:
        e.record["retention_years"] = smeta["aufbewahrung"]["jahre"]
        meta_el = "Aussonderungsmetadaten" if find(src.el, "Aussonderungsmetadaten") is not None \
            else "ArchivspezifischeMetadaten"
        src.map(f"{meta_el}/Aufbewahrungsdauer/AnzahlJahre", "record.retention_years")
    for key, el in (("betreff", "Betreff"), ("kennzeichen", "Kennzeichen")):
        if meta.get(key):
            e.record["dokument_kennzeichen" if key == "kennzeichen" else key] = meta[key]
            d.map(f"AllgemeineMetadaten/{el}", f"record.{'dokument_kennzeichen' if key == 'kennzeichen' else key}")
    if written:
        e.record["document_date"] = written
    if e.vorgang_uuid:
        vo.map("Identifikation", "one group: its documents are exported as one Vorgang")
    e.xdomea.update(dokument={k: v for k, v in meta.items() if v not in (None, "", {}, [])},
                    vorgang=vmeta, akte=ameta)
