"""The ``FVDaten.SGOAblegen.0605`` message (xdomea 4.0.0 and 3.1.0): one
Vorgang with its Dokumente, built from plain dicts.

*head*: ``prozess_id``, ``nachricht_uuid`` (4.0.0), ``created``,
``sender``, ``recipient``, ``ersteller``, ``receipt``.

*vorgang*: ``uuid``, ``betreff``, ``kennzeichen``, ``federfuehrung``,
``bemerkung``, ``aktenplan``, ``aktenplan_inhalt``, ``retention_years``,
``retention_unlimited``, ``aktenbetreff``, ``typ``, ``laufzeit``
(``beginn``/``ende``), ``history``, ``fachverfahren_id``.

*docs*: per Dokument ``rec`` (the connector record), ``uuid``, ``file``
(the primary file's name), ``format`` (``code``, ``version``), ``betreff``,
``kennzeichen``, ``bemerkung``, ``typ``, ``history`` and, for a scanned
document, ``notes`` (TR-RESISCAN transfer notes — its own, and those an
imported document came with: ``uuid`` of the Anlage, ``file``, ``format``,
``original``, ``created``, ``sha256``), each written as an ``Anlage`` of the
Dokument.

``history`` entries: ``akteur``, ``datum_uhrzeit``, ``aktion`` and
optionally ``metadatum_name``, ``alter_wert``, ``neuer_wert``,
``bemerkung`` (xdomea's HistorienProtokollInformation).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ekte import __version__
from ekte.connectors.base import ExportError
from ekte.connectors.common import xml_text

MESSAGE = "FVDaten.SGOAblegen.0605"
MESSAGE_CODE = "0605"
MESSAGE_XSD = "xdomea-Nachrichten-FachverfahrensdatenAustauschen.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LIST_NACHRICHTENTYP = "urn:xoev-de:xdomea:codeliste:nachrichtentyp"
LIST_MEDIUM = "urn:xoev-de:xdomea:codeliste:medium"
LIST_DATEIFORMAT = "urn:xoev-de:xdomea:codeliste:dateiformat"
LIST_HASH = "urn:xoev-de:kosit:codeliste:xta.serviceprofile.kryptographische-algorithmen"
#: the Anlage that carries a scanned document's transfer note
NOTE_BETREFF = "Transfervermerk (TR-RESISCAN)"
NOTE_TYP = "Transfervermerk"
#: Dateiformat code of an XML file (code lists 1.0 and 2.0)
XML_FORMAT = {"code": "030", "version": "1.0"}
#: ekte's own values in the AnwendungsspezifischeErweiterung (Feld "ekte.<key>")
EKTE_FELDER = ("id", "doctype", "leika", "confidence", "original_sha256", "pages")


def ns(version: str) -> str:
    return f"urn:xoev-de:xdomea:schema:{version}"


class _B:
    """A tiny builder for elements in the xdomea namespace (prefix ``xdomea``)."""

    def __init__(self, version: str):
        self.v4 = version.startswith("4")
        self.ns = ns(version)

    def __call__(self, parent, name: str, text: Any = None, qualified: bool = True, **attrs: str):
        tag = f"{{{self.ns}}}{name}" if qualified else name
        el = etree.SubElement(parent, tag, **attrs) if parent is not None else etree.Element(
            tag, nsmap={"xdomea": self.ns, "xsi": XSI}, **attrs)
        if text is not None:
            try:
                el.text = xml_text(text)
            except ValueError:  # (xml_text leaves nothing lxml refuses: a guard that names the element)
                raise ExportError(f"the xdomea element {name} could not be written (a character XML does not "
                                  f"allow)") from None
        return el

    def opt(self, parent, name: str, text: Any):
        return self(parent, name, text) if text not in (None, "") else None

    def code(self, parent, name: str, code: str, list_uri: str, list_version: str, qualified: bool = True):
        el = self(parent, name, qualified=qualified, listURI=list_uri, listVersionID=list_version)
        etree.SubElement(el, "code").text = code
        return el


def build_message(version: str, head: dict[str, Any], vorgang: dict[str, Any],
                  docs: list[dict[str, Any]]) -> etree._Element:
    b = _B(version)
    root = b(None, MESSAGE)
    root.set(f"{{{XSI}}}schemaLocation", f"{b.ns} {MESSAGE_XSD}")
    _head(b, root, version, head)
    sgo = b(root, "SchriftgutobjektZumAblegen")
    b(sgo, "FachverfahrenObjektID", vorgang["fachverfahren_id"])
    el = b(b(sgo, "Schriftgutobjekt"), "Vorgang")
    b(b(el, "Identifikation"), "xdomeaUUID" if b.v4 else "ID", vorgang["uuid"])
    am = _allgemeine(b, el, vorgang)
    if vorgang.get("aktenplan"):
        ape = b(am, "Aktenplaneinheit")
        b(ape, "Kennzeichen", vorgang["aktenplan"])
        b.opt(ape, "Inhaltsangabe", vorgang.get("aktenplan_inhalt"))
    if vorgang.get("retention_years") is not None or vorgang.get("retention_unlimited"):
        dauer = b(b(el, "Aussonderungsmetadaten" if b.v4 else "ArchivspezifischeMetadaten"), "Aufbewahrungsdauer")
        if vorgang.get("retention_unlimited"):
            b(dauer, "Unbefristet", "1")
        else:
            b(dauer, "AnzahlJahre", vorgang["retention_years"])
    b.opt(el, "Aktenbetreff", vorgang.get("aktenbetreff"))
    b.opt(el, "Typ", vorgang.get("typ"))
    laufzeit = vorgang.get("laufzeit") or {}
    if laufzeit.get("beginn") or laufzeit.get("ende"):
        lz = b(el, "Laufzeit")
        b.opt(lz, "Beginn", laufzeit.get("beginn"))
        b.opt(lz, "Ende", laufzeit.get("ende"))
    _history(b, el, vorgang.get("history"))
    for n, entry in enumerate(docs, 1):
        _dokument(b, el, n, entry, head)
    return root


def _head(b: _B, root, version: str, head: dict[str, Any]) -> None:
    if b.v4:
        for k, v in (("produkt", "ekte"), ("produkthersteller", "ekte project"), ("produktversion", __version__),
                     ("standard", "xdomea"), ("version", version)):
            root.set(k, v)
        kopf = b(root, "nachrichtenkopf")
        ident = b(kopf, "identifikation.nachricht")
        b(ident, "nachrichtenUUID", head["nachricht_uuid"], qualified=False)
        b.code(ident, "nachrichtentyp", MESSAGE_CODE, LIST_NACHRICHTENTYP, "3.0", qualified=False)
        b(ident, "erstellungszeitpunkt", head["created"], qualified=False)
        b(b(b(kopf, "leser"), "NameInstitution"), "Name", head["recipient"])
        b(b(b(kopf, "autor"), "NameInstitution"), "Name", head["sender"])
        b(kopf, "ProzessID", head["prozess_id"])
        parent = root
    else:
        kopf = parent = b(root, "Kopf")
        b(kopf, "ProzessID", head["prozess_id"])
        b.code(kopf, "Nachrichtentyp", MESSAGE_CODE, LIST_NACHRICHTENTYP, "2.0")
        b(kopf, "Erstellungszeitpunkt", head["created"])
        b(b(b(kopf, "Absender"), "Institution"), "Name", head["sender"])
        b(b(b(kopf, "Empfaenger"), "Institution"), "Name", head["recipient"])
        sys_ = b(kopf, "SendendesSystem")
        b(sys_, "Produktname", "ekte")
        b(sys_, "Version", __version__)
    b(parent, "Empfangsbestaetigung", "1" if head["receipt"] else "0")
    b(parent, "Importbestaetigung", "1")
    b(parent, "Erstellerkennung", head["ersteller"])
    b(parent, "Stapel", "0")


def _dokument(b: _B, vorgang_el, n: int, entry: dict[str, Any], head: dict[str, Any]) -> None:
    rec = entry["rec"]
    dok = b(b(vorgang_el, "DokumentOderDokumentMitSchriftstueck") if b.v4 else vorgang_el, "Dokument")
    ident = b(dok, "Identifikation")
    b(ident, "xdomeaUUID" if b.v4 else "ID", entry["uuid"])
    b(ident, "NummerImUebergeordnetenContainer", n)
    _allgemeine(b, dok, entry)
    b.opt(dok, "Posteingangsdatum", rec.get("received_date"))
    b.opt(dok, "DatumDesSchreibens", rec.get("document_date"))
    b(dok, "Typ", entry.get("typ") or rec.get("doctype_title") or rec.get("doctype") or "Eingang")
    _history(b, dok, entry.get("history"))
    notes = entry.get("notes") or []
    if b.v4:  # 4.0.0: Anlage and extension before Version; 3.1.0: after it
        _anlagen(b, dok, notes, head)
        _fachdaten(b, dok, rec)
    _version(b, dok, {"file": entry["file"], "format": entry["format"], "original": entry.get("original"),
                      "created": entry.get("created") or rec.get("received"), "sha256": rec["sha256"]}, head)
    if not b.v4:
        _anlagen(b, dok, notes, head)
        _fachdaten(b, dok, rec)


def _version(b: _B, dok, f: dict[str, Any], head: dict[str, Any]) -> None:
    """Version 1 of a Dokument with one Format and its primary file."""
    ver = b(dok, "Version")
    b(ver, "Nummer", "1")
    fmt = b(ver, "Format")
    b.code(fmt, "Name", f["format"]["code"], LIST_DATEIFORMAT, "2.0" if b.v4 else "1.0")
    b(fmt, "Version", f["format"]["version"])
    pd = b(fmt, "Primaerdokument")
    b(pd, "Dateiname", f["file"])
    b.opt(pd, "DateinameOriginal", f.get("original"))
    b(pd, "Ersteller", head["ersteller"])
    b(pd, "DatumUhrzeit", f.get("created") or head["created"])
    if b.v4:
        h = b(pd, "Hash")
        b(h, "Wert", f["sha256"])
        b.code(h, "Algorithmus", "SHA-256", LIST_HASH, "1.0.0")


def _anlagen(b: _B, dok, notes: list[dict[str, Any]], head: dict[str, Any]) -> None:
    """The TR-RESISCAN transfer notes of a scanned Dokument as its Anlagen
    (an AnlageDokument: 4.0.0 wraps a Dokument, 3.1.0 extends one), each
    with a Version whose Format is the note's XML file."""
    for n, note in enumerate(notes, 1):
        an = b(dok, "Anlage")
        el = b(an, "Dokument") if b.v4 else an
        ident = b(el, "Identifikation")
        b(ident, "xdomeaUUID" if b.v4 else "ID", note["uuid"])
        b(ident, "NummerImUebergeordnetenContainer", n)
        _allgemeine(b, el, {"betreff": NOTE_BETREFF})
        b(el, "Typ", NOTE_TYP)
        _version(b, el, note, head)
        b(an, "Nummer", str(n))


def _allgemeine(b: _B, parent, meta: dict[str, Any]):
    """AllgemeineMetadaten of a Vorgang or Dokument."""
    am = b(parent, "AllgemeineMetadaten")
    rec = meta.get("rec") or {}
    b(am, "Betreff", meta.get("betreff") or rec.get("betreff") or rec.get("doctype_title") or rec.get("id") or "-")
    b.opt(am, "Kennzeichen", meta.get("kennzeichen"))
    b.opt(am, "Federfuehrung", meta.get("federfuehrung"))
    b.opt(am, "Bemerkung", meta.get("bemerkung"))
    b.code(am, "Medium", "001", LIST_MEDIUM, "1.0")
    return am


def _history(b: _B, parent, history: list[dict[str, Any]] | None) -> None:
    for h in history or []:
        if not (h.get("akteur") and h.get("datum_uhrzeit") and h.get("aktion")):
            continue  # all three are required by the schema
        el = b(parent, "HistorienProtokollInformation")
        b.opt(el, "MetadatumName", h.get("metadatum_name"))
        b.opt(el, "MetadatumAlterWert", h.get("alter_wert"))
        b.opt(el, "MetadatumNeuerWert", h.get("neuer_wert"))
        b(el, "Akteur", h["akteur"])
        b(el, "DatumUhrzeit", h["datum_uhrzeit"])
        b.opt(el, "Bemerkung", h.get("bemerkung"))
        b(el, "Aktion", h["aktion"])


def _fachdaten(b: _B, dok, rec: dict[str, Any]) -> None:
    """ekte's metadata and the extracted fields as Feld elements."""
    ext = b(dok, "AnwendungsspezifischeErweiterung")
    b(ext, "Kennung", "urn:ekte:metadaten:1")
    b(ext, "Name", "ekte")
    for key in EKTE_FELDER:
        if rec.get(key) is not None:
            f = b(ext, "Feld")
            b(f, "Name", f"ekte.{key}")
            b(f, "Wert", rec[key])
    for key, val in sorted(rec.get("fields", {}).items()):
        f = b(ext, "Feld")
        b(f, "Name", key)
        b(f, "Wert", val)
