"""komXwork-style hot folder: ``<uuid>.pdf`` + ``<uuid>.xml`` (+ ``<uuid>.ready``).

Many DMS used by German counties import from a watched folder, one file
plus an XML index per document.  The format ekte writes:

* ``<uuid>.pdf`` — the archival PDF (PDF/A where it could be made);
* ``<uuid>.xml`` — the index, root ``Index`` in the namespace
  ``urn:ekte:hotfolder:1``, one element per metadata value, then
  ``Felder/Feld[@name]`` with every extracted field;
* ``<uuid>.ready`` — an empty marker, written last (suffix configurable;
  ``ready_suffix = ""`` makes the index itself the last file written);
* ``index.xsd`` — the schema of the index for the configured element
  names; every index is validated against it before it is written;
* ``stapel-<time>-<batch>.xml`` — one manifest per batch (run), root
  ``Stapel``, listing every document of the batch with its hashes.

Every file is written under a hidden temporary name (``.ekte-tmp-…``),
fsynced and renamed, so an importer never sees a partial file.  The UUID
is derived from the document's SHA-256: exporting again writes the same
names, and while the files are still there it reports "already exported".

The element names are configurable per profile (``elements``: element →
record key), since every importer wants its own; the XSD follows them.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lxml import etree
from lxml.builder import ElementMaker

from ekte import fsutil
from ekte.connectors.base import Connector, ExportError, ExportResult
from ekte.connectors.common import RECORD_KEYS, record, schema_error
from ekte.errors import ConfigError
from ekte.stages.archive import ARCHIVE_PDF

NS = "urn:ekte:hotfolder:1"
XS = "http://www.w3.org/2001/XMLSchema"

#: element name → record key, in document order (the default index format)
DEFAULT_ELEMENTS: dict[str, str] = {
    "DokumentID": "uuid",
    "EkteID": "id",
    "Dokumenttyp": "doctype",
    "Dokumenttypbezeichnung": "doctype_title",
    "Betreff": "betreff",
    "Aktenzeichen": "aktenzeichen",
    "Aktenplan": "aktenplan",
    "LeiKa": "leika",
    "Eingangsdatum": "received_date",
    "Dokumentdatum": "document_date",
    "Aufbewahrungsjahre": "retention_years",
    "Antragsteller": "applicant",
    "Datei": "file",
    "Seiten": "pages",
    "SHA256": "sha256",
    "SHA256Original": "original_sha256",
    "Klassifikationssicherheit": "confidence",
    "Archivformat": "archival_format",
}
#: record keys that every index must carry
REQUIRED = ("uuid", "file", "sha256", "doctype")

_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _xsd_type(key: str) -> str:
    t = RECORD_KEYS[key]
    return {"string": "xs:string", "date": "xs:date", "dateTime": "xs:dateTime", "integer": "xs:nonNegativeInteger",
            "decimal": "xs:decimal", "sha256": "e:SHA256"}[t]


def schema_for(elements: dict[str, str]) -> bytes:
    """The XSD of the index and the manifest for an element mapping."""
    E = ElementMaker(namespace=XS, nsmap={"xs": XS, "e": NS})  # noqa: N806
    seq = [E.element(name=name, type=_xsd_type(key), **({} if key in REQUIRED else {"minOccurs": "0"}))
           for name, key in elements.items()]
    felder = E.element(
        E.complexType(E.sequence(E.element(
            E.complexType(E.simpleContent(E.extension(E.attribute(name="name", type="xs:NCName", use="required"),
                                                      base="xs:string"))),
            name="Feld", minOccurs="0", maxOccurs="unbounded"))),
        name="Felder", minOccurs="0")
    entry = E.element(
        E.complexType(
            E.attribute(name="dokumentID", type="xs:string", use="required"),
            E.attribute(name="datei", type="xs:string", use="required"),
            E.attribute(name="index", type="xs:string", use="required"),
            E.attribute(name="sha256", type="e:SHA256", use="required"),
        ),
        name="Eintrag", maxOccurs="unbounded")
    schema = E.schema(
        E.simpleType(E.restriction(E.pattern(value="[0-9a-f]{64}"), base="xs:string"), name="SHA256"),
        E.element(E.complexType(E.sequence(*seq, felder),
                                E.attribute(name="version", type="xs:string", use="required")), name="Index"),
        E.element(E.complexType(E.sequence(entry),
                                E.attribute(name="id", type="xs:string", use="required"),
                                E.attribute(name="erstellt", type="xs:dateTime", use="required"),
                                E.attribute(name="anzahl", type="xs:positiveInteger", use="required")), name="Stapel"),
        targetNamespace=NS, elementFormDefault="qualified", version="1",
    )
    return etree.tostring(schema, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def shipped_schema_path() -> Path:
    return Path(__file__).with_name("schemas") / "hotfolder-index-1.xsd"


class KomxworkConnector(Connector):
    name = "komxwork"
    settings: dict[str, Any] = {"path": "", "ready_suffix": ".ready", "elements": {}, "manifest": True}

    def __init__(self, config, workdir, profile):
        super().__init__(config, workdir, profile)
        els = dict(self.config["elements"] or DEFAULT_ELEMENTS)
        for name, key in els.items():
            if not _NCNAME.match(name):
                raise ConfigError(f"connectors.komxwork.elements: '{name}' is not a valid XML element name")
            if key not in RECORD_KEYS:
                raise ConfigError(f"connectors.komxwork.elements.{name}: unknown key '{key}' "
                                  f"(known: {', '.join(RECORD_KEYS)})")
        missing = [k for k in REQUIRED if k not in els.values()]
        if missing:
            raise ConfigError(f"connectors.komxwork.elements: the index needs {', '.join(missing)}")
        if "Felder" in els:
            raise ConfigError("connectors.komxwork.elements: 'Felder' is reserved for the extracted fields")
        sfx = str(self.config["ready_suffix"])
        if sfx and (not sfx.startswith(".") or "/" in sfx or sfx in (".pdf", ".xml")):
            raise ConfigError("connectors.komxwork.ready_suffix: a suffix such as '.ready' (or empty)")
        self.elements = els
        self.xsd_bytes = schema_for(els)
        self.schema = etree.XMLSchema(etree.fromstring(self.xsd_bytes))
        self.batch: list[dict[str, str]] = []
        self.batch_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        self._prepared = False

    def _prepare(self) -> Path:
        root = self.root()
        if not self._prepared:
            root.mkdir(parents=True, exist_ok=True)
            fsutil.clean_stale_tmp(root)
            xsd = root / "index.xsd"
            if not xsd.is_file() or xsd.read_bytes() != self.xsd_bytes:
                fsutil.write_bytes(xsd, self.xsd_bytes)
            self._prepared = True
        return root

    def index_xml(self, rec: dict[str, Any]) -> bytes:
        E = ElementMaker(namespace=NS, nsmap={None: NS})  # noqa: N806
        root = E.Index(version="1")
        for name, key in self.elements.items():
            v = rec.get(key)
            if v is None:
                continue
            etree.SubElement(root, f"{{{NS}}}{name}").text = str(v)
        if rec.get("fields"):
            felder = etree.SubElement(root, f"{{{NS}}}Felder")
            for k, v in sorted(rec["fields"].items()):
                f = etree.SubElement(felder, f"{{{NS}}}Feld", name=k)
                f.text = str(v)
        if not self.schema.validate(root):
            raise ExportError(f"index does not validate against index.xsd: {schema_error(self.schema.error_log)}")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def export(self, doc, archive_dir: Path) -> ExportResult:
        try:
            root = self._prepare()
        except OSError as e:
            raise ExportError(f"hot folder not usable: {e.strerror or e}", transient=True) from None
        rec = record(doc, self.profile)
        u = rec["uuid"]
        rec["file"] = f"{u}.pdf"
        pdf, idx = root / f"{u}.pdf", root / f"{u}.xml"
        sfx = str(self.config["ready_suffix"])
        trigger = root / f"{u}{sfx}" if sfx else idx
        if trigger.exists() and pdf.is_file() and fsutil.sha256_file(pdf) == rec["sha256"]:
            return ExportResult(str(pdf), already=True)
        data = self.index_xml(rec)
        src = Path(archive_dir) / ARCHIVE_PDF
        try:
            fsutil.copy_file(src, pdf)
            fsutil.write_bytes(idx, data)
            if sfx:
                fsutil.write_bytes(trigger, b"")
        except OSError as e:
            raise ExportError(f"cannot write to the hot folder: {e.strerror or e}", transient=True) from None
        self.batch.append({"dokumentID": u, "datei": pdf.name, "index": idx.name, "sha256": rec["sha256"]})
        return ExportResult(str(pdf))

    def manifest_xml(self) -> bytes:
        E = ElementMaker(namespace=NS, nsmap={None: NS})  # noqa: N806
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        root = E.Stapel(*[E.Eintrag(**e) for e in self.batch], id=self.batch_id, erstellt=created,
                        anzahl=str(len(self.batch)))
        self.schema.assertValid(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def close(self) -> None:
        if self.batch and self.config["manifest"]:
            fsutil.write_bytes(self.root() / f"stapel-{self.batch_id}.xml", self.manifest_xml())
        self.batch = []
