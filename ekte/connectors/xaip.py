"""XAIP (BSI TR-03125 TR-ESOR, XAIP v1.3.0): archival information packages
for a long-term preservation system.

One XAIP per document, or per Vorgang (``group_by = "submission"`` or
``"aktenzeichen"``, as for xdomea), written as ``<path>/XAIP_<AOID>.xml``:

* ``packageHeader`` — ``AOID`` (a UUID derived from the SHA-256 of the
  document(s): the same package gets the same name), one ``versionManifest``
  ``V001`` with the retention period (the document's date plus its type's
  ``retention_years``, counted as ``ekte retention due`` counts), the
  submission (client ``ekte``, time) and one ``packageInfoUnit`` per
  document pointing at everything that belongs to it;
* ``metaDataSection`` — ekte's metadata record as XML
  (``urn:ekte:xaip:1``), and as exact bytes with their SHA-256: the
  document's ``metadata.json`` and its TR-RESISCAN transfer note;
* ``dataObjectsSection`` — the archival PDF and the original, base64 with
  their SHA-256 — the original only when ekte found nothing active in it
  (fresh41 F1: no active content goes to the archive).  A PDF from which the
  sanitizer removed something (``archival.sanitized``) or an office document
  with macros is not packed: a metadata object ``MD-<n>-ORIG`` (``ekte:Original``)
  records its SHA-256, size and media type, what was removed or found, and
  that the original stays, untouched, as evidence in ekte's archive folder;

what is packed is what was archived: the original is hashed against
``metadata.json``'s ``sha256`` and the transfer note against its recorded
SHA-256 (``read_transfer_note``) from the very bytes that are packed — a
changed one is ``export_failed`` ("… does not match its recorded SHA-256
(ekte verify names what broke)"), never a package with a fresh checksum over
forged bytes (``document.pdf`` and ``metadata.json`` are checked for every
connector before the export, in the shared delivery path);
* ``credentialsSection`` — the seal of metadata.json (CMS,
  ``dss:Base64Signature``) and its RFC 3161 time stamp
  (``dss:Timestamp/dss:RFC3161TimeStampToken``), where present.  The seal
  and time stamp of the PDF travel inside the PDF.

With ``schema_dir`` naming the folder of ``tr-esor-xaip-v1.3.xsd`` every
package is validated before it is written.  Written atomically (temporary
name, fsync, rename); an existing package is "already exported"."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from ekte import __version__, fsutil
from ekte.connectors.base import Connector, ExportError, ExportResult
from ekte.connectors.common import (RECORD_KEYS, doc_uuid, group_key, read_transfer_note, record, schema_error,
                                   xml_text)
from ekte.errors import ConfigError
from ekte.stages.archive import ARCHIVE_PDF, METADATA

XAIP = "http://www.bsi.bund.de/tr-esor/xaip"
DS = "http://www.w3.org/2000/09/xmldsig#"
DSS = "urn:oasis:names:tc:dss:1.0:core:schema"
EKTE = "urn:ekte:xaip:1"
SHA256_URI = "http://www.w3.org/2001/04/xmlenc#sha256"
XSD = "tr-esor-xaip-v1.3.xsd"


@lru_cache(maxsize=4)
def load_schema(schema_dir: str) -> etree.XMLSchema:
    path = Path(schema_dir).expanduser() / XSD
    if not path.is_file():
        raise ConfigError(f"connectors.xaip.schema_dir: no {XSD} in {schema_dir}")
    return etree.XMLSchema(etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)))


def _x(parent, tag: str, text: Any = None, ns: str = XAIP, **attrs: str):
    el = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        try:
            el.text = xml_text(text)
        except ValueError:  # (xml_text leaves nothing lxml refuses: a guard that names the element)
            raise ExportError(f"the XAIP element {tag} could not be written (a character XML does not allow)") from None
    return el


def _checksum(parent, data: bytes) -> None:
    cs = _x(parent, "checkSum")
    _x(cs, "checkSumAlgorithm", SHA256_URI)
    _x(cs, "checkSum", fsutil.sha256_bytes(data).upper())


def _retention(doc, profile) -> str:
    from ekte.evidence.retention import entry

    e = entry(doc.metadata_dict(), profile)
    return e["ends"] if e else "9999-12-31"


def _record_xml(parent, rec: dict[str, Any]) -> None:
    root = etree.SubElement(_x(parent, "xmlMetaData"), f"{{{EKTE}}}Metadaten", nsmap={"ekte": EKTE})
    for key in RECORD_KEYS:
        if rec.get(key) is not None and key != "transfer_note":  # the note itself is in the package
            _x(root, key, rec[key], ns=EKTE)
    felder = _x(root, "Felder", ns=EKTE)
    for k, v in sorted(rec.get("fields", {}).items()):
        _x(felder, "Feld", v, ns=EKTE, name=k)


def active_in_original(doc, orig: Path) -> tuple[dict[str, int], list[str]]:
    """What makes the original unfit for the archive: the active content the
    sanitizer removed from it (what → count) and the macro containers of an
    office document; both empty when nothing active was found."""
    from ekte.stages.office import macros

    removed = dict((doc.archival.get("sanitized") or {}).get("removed") or {})
    return removed, macros(orig, doc.media_type or "")


def _withheld_original(meta_sec, n: int, doc, orig: Path, removed: dict[str, int], found: list[str]) -> str:
    """The metadata object that stands for an original not packed: its SHA-256, size, type, why."""
    mid = f"MD-{n}-ORIG"
    md = _x(meta_sec, "metaDataObject", metaDataID=mid, relatedObjects=f"DO-{n}-PDF",
            category="Original (nicht übernommen: aktive Inhalte)", type=EKTE)
    el = etree.SubElement(_x(md, "xmlMetaData"), f"{{{EKTE}}}Original", nsmap={"ekte": EKTE})
    _x(el, "sha256", doc.sha256, ns=EKTE)
    _x(el, "groesse", orig.stat().st_size, ns=EKTE)
    _x(el, "mimeType", doc.media_type or "application/octet-stream", ns=EKTE)
    for what, count in sorted(removed.items()):
        _x(el, "entfernt", what, ns=EKTE, anzahl=str(count))
    for container in found:
        _x(el, "makros", container, ns=EKTE)
    _x(el, "hinweis", "Das Original enthält aktive Inhalte und ist nicht im Paket; die Archivfassung ist "
                      "bereinigt. Das Original liegt unverändert als Beweismittel im Archivordner von ekte.", ns=EKTE)
    return mid


class XaipConnector(Connector):
    name = "xaip"
    settings: dict[str, Any] = {"path": "", "schema_dir": "", "client_id": "ekte", "group_by": "document",
                                "include_original": True}

    @classmethod
    def check(cls, config: dict[str, Any]) -> None:
        if config["group_by"] not in ("submission", "aktenzeichen", "document"):
            raise ConfigError("connectors.xaip.group_by: one of submission, aktenzeichen, document")

    def __init__(self, config, workdir, profile):
        super().__init__(config, workdir, profile)
        self.schema = load_schema(str(self.config["schema_dir"])) if self.config["schema_dir"] else None

    def group_key(self, doc) -> str | None:
        return group_key(doc, self.config["group_by"])

    def export(self, doc, archive_dir: Path) -> ExportResult:
        return self.export_group([(doc, Path(archive_dir))])

    def _document(self, root, n: int, doc, adir: Path) -> tuple[list[str], str]:
        """Add one document's metadata, data and credentials; returns its object ids and retention end."""
        rec = record(doc, self.profile, ARCHIVE_PDF)
        meta_sec, data_sec, cred_sec = (root.find(f"{{{XAIP}}}{s}") for s in
                                        ("metaDataSection", "dataObjectsSection", "credentialsSection"))
        ids = [f"DO-{n}-PDF"]
        files = [(f"DO-{n}-PDF", adir / ARCHIVE_PDF, "application/pdf")]
        orig = adir / (doc.archival.get("original") or "")
        withheld: tuple[dict[str, int], list[str]] | None = None
        if self.config["include_original"] and orig.is_file() and orig.name != ARCHIVE_PDF:
            removed, found = active_in_original(doc, orig)
            if removed or found:
                withheld = (removed, found)
            else:
                files.append((f"DO-{n}-ORIG", orig, doc.media_type or "application/octet-stream"))
                ids.append(f"DO-{n}-ORIG")
        related = " ".join(ids)
        if withheld is not None:
            ids.append(_withheld_original(meta_sec, n, doc, orig, *withheld))
        md = _x(meta_sec, "metaDataObject", metaDataID=f"MD-{n}-EKTE", relatedObjects=related,
                category="ekte-Metadaten", type=EKTE)
        _record_xml(md, rec)
        ids.append(f"MD-{n}-EKTE")
        meta = (adir / METADATA).read_bytes() if (adir / METADATA).is_file() else None
        note = read_transfer_note(doc, adir)  # checked against its recorded SHA-256; None: born-digital
        for mid, data, mime, cat in ((f"MD-{n}-JSON", meta, "application/json", "ekte metadata.json"),
                                     (f"MD-{n}-TV", note, "application/xml", "Transfervermerk (TR-RESISCAN)")):
            if data is not None:
                md = _x(meta_sec, "metaDataObject", metaDataID=mid, relatedObjects=related, category=cat)
                _x(md, "binaryMetaData", base64.b64encode(data).decode("ascii"), MimeType=mime)
                _checksum(md, data)
                ids.append(mid)
        for oid, path, mime in files:
            data = path.read_bytes()
            if oid.endswith("-ORIG") and fsutil.sha256_bytes(data) != doc.sha256:  # what is packed is what was checked
                raise ExportError("the original in the archive folder does not match its recorded SHA-256 "
                                  "(ekte verify names what broke)")
            do = _x(data_sec, "dataObject", dataObjectID=oid)
            _x(do, "binaryData", base64.b64encode(data).decode("ascii"), MimeType=mime)
            _checksum(do, data)
        for cid, suffix in ((f"CR-{n}-SEAL", ".p7s"), (f"CR-{n}-TSP", ".tsr")):
            p = adir / (METADATA + suffix)
            if p.is_file() and f"MD-{n}-JSON" in ids:
                so = _x(_x(cred_sec, "credential", credentialID=cid, relatedObjects=f"MD-{n}-JSON"),
                        "SignatureObject", ns=DSS)
                if suffix == ".p7s":
                    _x(so, "Base64Signature", base64.b64encode(p.read_bytes()).decode("ascii"), ns=DSS,
                       Type="urn:ietf:rfc:3369")
                else:
                    from asn1crypto import tsp

                    token = tsp.TimeStampResp.load(p.read_bytes())["time_stamp_token"].dump()
                    _x(_x(so, "Timestamp", ns=DSS), "RFC3161TimeStampToken",
                       base64.b64encode(token).decode("ascii"), ns=DSS)
                ids.append(cid)
        return ids, _retention(doc, self.profile)

    def build(self, docs: list[tuple[Any, Path]], aoid: str) -> etree._Element:
        root = etree.Element(f"{{{XAIP}}}XAIP", nsmap={"xaip": XAIP, "ds": DS, "dss": DSS}, XAIPVersion="1.3.0")
        header = _x(root, "packageHeader", packageID=f"P-{aoid}")
        _x(header, "AOID", aoid)
        lead = record(docs[0][0], self.profile)
        _x(header, "packageInfo", lead.get("doctype_title") or lead.get("doctype") or "Dokument")
        vm = _x(header, "versionManifest", VersionID="V001")
        _x(vm, "versionInfo", f"ekte {__version__}")
        retention = _x(_x(vm, "preservationInfo"), "retentionPeriod")
        sub = _x(vm, "submissionInfo")
        _x(sub, "clientID", self.config["client_id"])
        _x(sub, "submissionTime", datetime.now(timezone.utc).isoformat(timespec="seconds"))
        for s in ("metaDataSection", "dataObjectsSection", "credentialsSection"):
            _x(root, s)
        ends = []
        for n, (doc, adir) in enumerate(docs, 1):
            ids, end = self._document(root, n, doc, Path(adir))
            unit = _x(vm, "packageInfoUnit", packageUnitID=f"U-{n}")
            _x(unit, "unitType", "Dokument")
            _x(unit, "textInfo", f"ekte {doc.id}")
            for i in ids:
                _x(unit, "protectedObjectPointer", i)
            ends.append(end)
        retention.text = max(ends)
        cred = root.find(f"{{{XAIP}}}credentialsSection")
        if not len(cred):
            root.remove(cred)
        return root

    def export_group(self, docs: list[tuple[Any, Path]]) -> ExportResult:
        lead = docs[0][0]
        members = ",".join(sorted(d.sha256 for d, _ in docs))
        aoid = doc_uuid(lead, "xaip" + (f":{members}" if len(docs) > 1 else ""))
        target = self.prepare_root() / f"XAIP_{aoid}.xml"
        if target.is_file() and target.stat().st_size > 0:
            with open(target, "rb") as f:
                f.seek(max(0, target.stat().st_size - 64))
                if b"</xaip:XAIP>" in f.read():
                    return ExportResult(str(target), already=True)
        try:
            root = self.build(docs, aoid)
        except OSError as e:
            raise ExportError(f"cannot read the archive folder: {e.strerror or e}") from None
        if self.schema is not None and not self.schema.validate(root):
            raise ExportError(f"XAIP does not validate: {schema_error(self.schema.error_log)}")
        try:
            with self.writer(target) as out:  # the export folder's mode and group
                out.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        except OSError as e:
            raise ExportError(f"cannot write the XAIP: {e.strerror or e}", transient=True) from None
        return ExportResult(str(target), note="validated" if self.schema is not None else "not validated (no schema_dir)")
