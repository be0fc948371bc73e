"""Alfresco Bulk Filesystem Import layout, for migrations.

``<root>/<folder template>/<name>.pdf`` plus the shadow file
``<name>.pdf.metadata.properties.xml`` (Java XML properties: ``type``,
``aspects`` and one entry per property), which Alfresco's bulk import
tool reads ("in-place" or streaming import of a prepared tree)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from ekte import fsutil
from ekte.connectors.base import Connector, ExportError, ExportResult
from ekte.connectors.common import RECORD_KEYS, expand, record, safe_name
from ekte.errors import ConfigError
from ekte.stages.archive import ARCHIVE_PDF

SHADOW = ".metadata.properties.xml"
DOCTYPE = '<!DOCTYPE properties SYSTEM "http://java.sun.com/dtd/properties.dtd">'


class AlfrescoBulkConnector(Connector):
    name = "alfresco-bulk"
    settings: dict[str, Any] = {
        "path": "",
        "folder": "{aktenplan}/{doctype}",
        "name": "{doctype}_{id}",
        "type": "cm:content",
        "aspects": ["cm:titled"],
        # Alfresco property → record key (or "fields.<name>")
        "properties": {"cm:title": "betreff", "cm:description": "doctype_title"},
    }

    def __init__(self, config, workdir, profile):
        super().__init__(config, workdir, profile)
        for prop, key in self.config["properties"].items():
            k = key.split(".", 1)[1] if key.startswith("fields.") else key
            if not key.startswith("fields.") and k not in RECORD_KEYS:
                raise ConfigError(f"connectors.alfresco-bulk.properties.{prop}: unknown key '{key}'")

    @classmethod
    def export_files(cls, location: Path) -> list[Path]:
        """The pair: the content file and its shadow metadata file (which names the person)."""
        return [Path(location), Path(f"{location}{SHADOW}")]

    def shadow_xml(self, rec: dict[str, Any]) -> bytes:
        root = etree.Element("properties")
        etree.SubElement(root, "comment").text = f"ekte {rec['id']}"
        etree.SubElement(root, "entry", key="type").text = str(self.config["type"])
        if self.config["aspects"]:
            etree.SubElement(root, "entry", key="aspects").text = ",".join(self.config["aspects"])
        for prop, key in self.config["properties"].items():
            v = rec["fields"].get(key[7:]) if key.startswith("fields.") else rec.get(key)
            if v is not None:
                etree.SubElement(root, "entry", key=prop).text = str(v)
        body = etree.tostring(root, encoding="UTF-8", pretty_print=True).decode("utf-8")
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{DOCTYPE}\n{body}'.encode("utf-8")

    def export(self, doc, archive_dir: Path) -> ExportResult:
        rec = record(doc, self.profile)
        try:
            folder = self.prepare_root() / expand(self.config["folder"], rec)
        except OSError as e:
            raise ExportError(f"export folder not usable: {e.strerror or e}", transient=True) from None
        name = safe_name(expand(self.config["name"], rec).replace("/", "_")) + ".pdf"
        pdf, shadow = folder / name, folder / (name + SHADOW)
        if pdf.is_file() and shadow.is_file() and fsutil.sha256_file(pdf) == rec["sha256"]:
            return ExportResult(str(pdf), already=True)
        try:
            self.write_bytes(shadow, self.shadow_xml(rec))
            self.copy_file(Path(archive_dir) / ARCHIVE_PDF, pdf)
        except OSError as e:
            raise ExportError(f"cannot write the bulk-import tree: {e.strerror or e}", transient=True) from None
        return ExportResult(str(pdf))
