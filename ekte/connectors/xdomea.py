"""xdomea ``FVDaten.SGOAblegen.0605``: hand new records to the DMS for filing.

ekte acts as a *Fachverfahren*.  Each export is one ZIP container named
after xdomea's convention ``<ProzessID>_FVDaten.SGOAblegen.0605.zip``
holding the message ``<ProzessID>_FVDaten.SGOAblegen.0605.xml`` and the
primary files ``<uuid>_<name>.pdf``.  One Vorgang per container; its
Dokumente are the document and (when a group is exported together, see
``export_group``) the further documents of the same application.

Versions: 4.0.0 (default; ``Primaerdokument/Hash`` carries the SHA-256)
and 3.1.0.  Every message is validated before it is written when
``schema_dir`` names the official schemas (the folder holding
``3.1.0/``/``4.0.0/`` or the version folder itself); otherwise the
journal records that it was not validated.
"""

from __future__ import annotations

import zipfile
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from ekte import __version__, fsutil
from ekte.connectors.base import Connector, ExportError, ExportResult
from ekte.connectors.common import doc_uuid, record, safe_name, schema_error
from ekte.errors import ConfigError
from ekte.stages.archive import ARCHIVE_PDF

VERSIONS = ("4.0.0", "3.1.0")
MESSAGE = "FVDaten.SGOAblegen.0605"
MESSAGE_XSD = "xdomea-Nachrichten-FachverfahrensdatenAustauschen.xsd"
LIST_NACHRICHTENTYP = "urn:xoev-de:xdomea:codeliste:nachrichtentyp"
LIST_MEDIUM = "urn:xoev-de:xdomea:codeliste:medium"
LIST_DATEIFORMAT = "urn:xoev-de:xdomea:codeliste:dateiformat"
LIST_HASH = "urn:xoev-de:kosit:codeliste:xta.serviceprofile.kryptographische-algorithmen"


def ns(version: str) -> str:
    return f"urn:xoev-de:xdomea:schema:{version}"


def container_name(prozess_id: str) -> str:
    return f"{prozess_id}_{MESSAGE}.zip"


@lru_cache(maxsize=8)
def load_schema(schema_dir: str, version: str) -> etree.XMLSchema:
    """The compiled 0605 message schema from *schema_dir* (the folder with
    the version folders, or a version folder itself)."""
    base = Path(schema_dir).expanduser()
    for cand in (base / version / MESSAGE_XSD, base / MESSAGE_XSD):
        if cand.is_file():
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            return etree.XMLSchema(etree.parse(str(cand), parser))
    raise ConfigError(f"connectors.xdomea.schema_dir: no {version}/{MESSAGE_XSD} in {base}")


class _B:
    """A tiny builder for elements in the xdomea namespace."""

    def __init__(self, version: str):
        self.v = version
        self.ns = ns(version)

    def __call__(self, parent, name: str, text: Any = None, qualified: bool = True, **attrs: str):
        tag = f"{{{self.ns}}}{name}" if qualified else name
        el = etree.SubElement(parent, tag, **attrs) if parent is not None else etree.Element(
            tag, nsmap={"xdomea": self.ns}, **attrs)
        if text is not None:
            el.text = str(text)
        return el

    def code(self, parent, name: str, code: str, list_uri: str, list_version: str, qualified: bool = True):
        el = self(parent, name, qualified=qualified, listURI=list_uri, listVersionID=list_version)
        etree.SubElement(el, "code").text = code
        return el


def build_message(version: str, group: list[dict[str, Any]], *, prozess_id: str, created: str,
                  sender: str, recipient: str, ersteller: str, receipt: bool) -> etree._Element:
    """The 0605 message for one Vorgang.  *group* holds one entry per
    document: its record (``rec``) and primary file name (``file``)."""
    b = _B(version)
    v4 = version.startswith("4")
    root = b(None, MESSAGE)
    if v4:
        root.set("produkt", "ekte")
        root.set("produkthersteller", "ekte project")
        root.set("produktversion", __version__)
        root.set("standard", "xdomea")
        root.set("version", version)
        kopf = b(root, "nachrichtenkopf")
        ident = b(kopf, "identifikation.nachricht")
        b(ident, "nachrichtenUUID", prozess_id, qualified=False)
        b.code(ident, "nachrichtentyp", "0605", LIST_NACHRICHTENTYP, "3.0", qualified=False)
        b(ident, "erstellungszeitpunkt", created, qualified=False)
        b(b(b(kopf, "leser"), "NameInstitution"), "Name", recipient)
        b(b(b(kopf, "autor"), "NameInstitution"), "Name", sender)
        b(kopf, "ProzessID", prozess_id)
        head = root
    else:
        kopf = head = b(root, "Kopf")
        b(kopf, "ProzessID", prozess_id)
        b.code(kopf, "Nachrichtentyp", "0605", LIST_NACHRICHTENTYP, "2.0")
        b(kopf, "Erstellungszeitpunkt", created)
        b(b(b(kopf, "Absender"), "Institution"), "Name", sender)
        b(b(b(kopf, "Empfaenger"), "Institution"), "Name", recipient)
        sys_ = b(kopf, "SendendesSystem")
        b(sys_, "Produktname", "ekte")
        b(sys_, "Version", __version__)
    b(head, "Empfangsbestaetigung", "1" if receipt else "0")
    b(head, "Importbestaetigung", "1")
    b(head, "Erstellerkennung", ersteller)
    b(head, "Stapel", "0")

    lead = group[0]["rec"]
    sgo = b(root, "SchriftgutobjektZumAblegen")
    b(sgo, "FachverfahrenObjektID", lead["id"])
    vorgang = b(b(sgo, "Schriftgutobjekt"), "Vorgang")
    b(b(vorgang, "Identifikation"), "xdomeaUUID" if v4 else "ID", group[0]["vorgang_uuid"])
    am = _allgemeine(b, vorgang, lead)
    if lead.get("aktenplan"):
        b(b(am, "Aktenplaneinheit"), "Kennzeichen", lead["aktenplan"])
    if lead.get("retention_years") is not None:
        meta = "Aussonderungsmetadaten" if v4 else "ArchivspezifischeMetadaten"
        b(b(b(vorgang, meta), "Aufbewahrungsdauer"), "AnzahlJahre", lead["retention_years"])
    if lead.get("doctype_title"):
        b(vorgang, "Typ", lead["doctype_title"])
    for n, entry in enumerate(group, 1):
        rec = entry["rec"]
        parent = b(vorgang, "DokumentOderDokumentMitSchriftstueck") if v4 else vorgang
        dok = b(parent, "Dokument")
        ident = b(dok, "Identifikation")
        b(ident, "xdomeaUUID" if v4 else "ID", rec["uuid"])
        b(ident, "NummerImUebergeordnetenContainer", n)
        _allgemeine(b, dok, rec)
        if rec.get("received_date"):
            b(dok, "Posteingangsdatum", rec["received_date"])
        if rec.get("document_date"):
            b(dok, "DatumDesSchreibens", rec["document_date"])
        b(dok, "Typ", rec.get("doctype_title") or rec.get("doctype") or "Eingang")
        if v4:  # 4.0.0: before Version; 3.1.0: after it
            _fachdaten(b, dok, rec)
        ver = b(dok, "Version")
        b(ver, "Nummer", "1")
        fmt = b(ver, "Format")
        pdfa = str(rec.get("archival_format", "")).upper().startswith("PDF/A")
        b.code(fmt, "Name", "044" if pdfa else "018", LIST_DATEIFORMAT, "2.0" if v4 else "1.0")
        b(fmt, "Version", "PDF/A-2b" if pdfa else "PDF")
        pd = b(fmt, "Primaerdokument")
        b(pd, "Dateiname", entry["file"])
        if rec.get("source_name"):
            b(pd, "DateinameOriginal", rec["source_name"])
        b(pd, "Ersteller", ersteller)
        b(pd, "DatumUhrzeit", rec.get("received") or created)
        if v4:
            h = b(pd, "Hash")
            b(h, "Wert", rec["sha256"])
            b.code(h, "Algorithmus", "SHA-256", LIST_HASH, "1.0.0")
        if not v4:
            _fachdaten(b, dok, rec)
    return root


def _allgemeine(b: _B, parent, rec: dict[str, Any]):
    """AllgemeineMetadaten of a Vorgang or Dokument: Betreff, Aktenzeichen, Medium (electronic)."""
    am = b(parent, "AllgemeineMetadaten")
    b(am, "Betreff", rec.get("betreff") or rec.get("doctype_title") or rec["id"])
    if rec.get("aktenzeichen"):
        b(am, "Kennzeichen", rec["aktenzeichen"])
    b.code(am, "Medium", "001", LIST_MEDIUM, "1.0")
    return am


def _fachdaten(b: _B, dok, rec: dict[str, Any]) -> None:
    """ekte's metadata and the extracted fields as Feld elements."""
    ext = b(dok, "AnwendungsspezifischeErweiterung")
    b(ext, "Kennung", "urn:ekte:metadaten:1")
    b(ext, "Name", "ekte")
    for key in ("id", "doctype", "leika", "confidence", "original_sha256", "pages"):
        if rec.get(key) is not None:
            f = b(ext, "Feld")
            b(f, "Name", f"ekte.{key}")
            b(f, "Wert", rec[key])
    for key, val in sorted(rec.get("fields", {}).items()):
        f = b(ext, "Feld")
        b(f, "Name", key)
        b(f, "Wert", val)



class XdomeaConnector(Connector):
    name = "xdomea"
    settings: dict[str, Any] = {
        "path": "",
        "version": "4.0.0",
        "schema_dir": "",
        "sender": "",
        "recipient": "DMS",
        "ersteller": "ekte",
        "receipt": False,
        # one Vorgang per: "submission" (documents delivered together, e.g. a portal
        # application with its attachments), "aktenzeichen", or "document"
        "group_by": "submission",
    }

    def __init__(self, config, workdir, profile):
        super().__init__(config, workdir, profile)
        if self.config["version"] not in VERSIONS:
            raise ConfigError(f"connectors.xdomea.version: one of {', '.join(VERSIONS)}")
        if self.config["group_by"] not in ("submission", "aktenzeichen", "document"):
            raise ConfigError("connectors.xdomea.group_by: one of submission, aktenzeichen, document")
        self.schema = load_schema(str(self.config["schema_dir"]), self.config["version"]) \
            if self.config["schema_dir"] else None

    def group_key(self, doc) -> str | None:
        how = self.config["group_by"]
        if how == "submission":
            g = (doc.extra.get("provenance") or {}).get("group") or {}
            return f"submission:{g['id']}" if g.get("id") else None
        if how == "aktenzeichen" and doc.fields.get("aktenzeichen"):
            return f"az:{doc.fields['aktenzeichen'].value}"
        return None

    def export(self, doc, archive_dir: Path) -> ExportResult:
        return self.export_group([(doc, Path(archive_dir))])

    def export_group(self, docs: list[tuple[Any, Path]]) -> ExportResult:
        """One container with one Vorgang holding all *docs* (the first
        one leads: its Betreff and Aktenzeichen name the Vorgang)."""
        lead = docs[0][0]
        members = ",".join(sorted(d.sha256 for d, _ in docs))
        prozess_id = doc_uuid(lead, f"xdomea-{self.config['version']}-message" +
                              (f":{members}" if len(docs) > 1 else ""))
        target = self.root() / container_name(prozess_id)
        if target.is_file():
            try:
                with zipfile.ZipFile(target) as z:
                    if z.testzip() is None:
                        return ExportResult(str(target), already=True)
            except zipfile.BadZipFile:
                pass  # damaged: written again
        group, files = [], []
        for doc, adir in docs:
            rec = record(doc, self.profile)
            label = safe_name(rec.get("doctype") or "dokument", 40)
            name = f"{rec['uuid']}_{label}.pdf"
            rec["file"] = name
            group.append({"rec": rec, "file": name, "vorgang_uuid": doc_uuid(lead, "xdomea-vorgang")})
            files.append((name, adir / ARCHIVE_PDF))
        created = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
        root = build_message(
            self.config["version"], group, prozess_id=prozess_id, created=created,
            sender=self.config["sender"] or self.profile.profile.title or self.profile.profile.name,
            recipient=self.config["recipient"], ersteller=self.config["ersteller"], receipt=bool(self.config["receipt"]),
        )
        if self.schema is not None and not self.schema.validate(root):
            raise ExportError(f"xdomea message does not validate: {schema_error(self.schema.error_log)}")
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        try:
            with fsutil.atomic_writer(target) as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr(f"{prozess_id}_{MESSAGE}.xml", xml)
                for name, path in files:
                    z.write(path, name)
        except OSError as e:
            raise ExportError(f"cannot write the xdomea container: {e.strerror or e}", transient=True) from None
        return ExportResult(str(target), note="validated" if self.schema is not None else "not validated (no schema_dir)")
