"""Alfresco Bulk Filesystem Import layout, for migrations.

``<root>/<folder template>/<name>.pdf`` plus the shadow file
``<name>.pdf.metadata.properties.xml`` (Java XML properties: ``type``,
``aspects`` and one entry per property), which Alfresco's bulk import
tool reads ("in-place" or streaming import of a prepared tree).  A name
another document's shadow file claims is never reused: `` (2)``, `` (3)`` …"""

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

    @classmethod
    def check(cls, config: dict[str, Any]) -> None:
        for prop, key in config["properties"].items():
            k = key.split(".", 1)[1] if key.startswith("fields.") else key
            if not key.startswith("fields.") and k not in RECORD_KEYS:
                raise ConfigError(f"connectors.alfresco-bulk.properties.{prop}: unknown key '{key}'")

    def written_places(self) -> list[tuple[Path, int]]:
        """The levels of the folder template (an empty value leaves a level out: fewer), not the tree below."""
        return [(self.root(), len(str(self.config["folder"]).split("/")))]

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
            pdf, free = self._place(folder, safe_name(expand(self.config["name"], rec).replace("/", "_")), rec)
        except OSError as e:
            raise ExportError(f"export folder not usable: {e.strerror or e}", transient=True) from None
        shadow = Path(f"{pdf}{SHADOW}")
        if not free and pdf.is_file() and fsutil.sha256_file(pdf) == rec["sha256"]:
            return ExportResult(str(pdf), already=True)
        try:
            self.write_bytes(shadow, self.shadow_xml(rec))
            self.copy_file(Path(archive_dir) / ARCHIVE_PDF, pdf)
        except OSError as e:
            raise ExportError(f"cannot write the bulk-import tree: {e.strerror or e}", transient=True) from None
        return ExportResult(str(pdf))

    def _place(self, folder: Path, stem: str, rec: dict[str, Any]) -> tuple[Path, bool]:
        """The file of this document: ``<stem>.pdf``, or — when another
        document has that name (its shadow file says whose it is, fresh37
        F19) — ``<stem> (2).pdf``, ``<stem> (3).pdf`` … as CMIS does.  The
        first name whose shadow file names this document is its own earlier
        export (returned with False); else the first free one (True)."""
        for n in range(1, 1000):
            pdf = folder / (f"{stem}.pdf" if n == 1 else f"{stem} ({n}).pdf")
            shadow = Path(f"{pdf}{SHADOW}")
            self.check_below(pdf, shadow)
            owner = _owner(shadow)
            if owner == rec["id"]:
                return pdf, False
            if owner is None and not pdf.exists() and not shadow.exists():
                return pdf, True
        raise ExportError("alfresco-bulk: no free file name after 999 attempts (name template without {id}?)")


def _owner(shadow: Path) -> str | None:
    """The ekte ID a shadow file names (``<comment>ekte ID</comment>``), or
    None (none there, unreadable, or not ekte's)."""
    import os

    try:
        fd = os.open(shadow, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with open(fd, "rb") as f:
        data = f.read(1 << 20)
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError:
        return None
    text = (root.findtext("comment") or "").strip()
    return text[5:] if text.startswith("ekte ") else None


#: placeholders that name one document (a template with none gives several documents one name)
UNIQUE = ("{id}", "{uuid}", "{sha256}", "{original_sha256}")


def name_warning(connectors: dict[str, Any]) -> list[str]:
    """``ekte profiles check``: a ``name`` template without a unique part."""
    name = (connectors.get("alfresco-bulk") or {}).get("name")
    if not isinstance(name, str) or any(u in name for u in UNIQUE):
        return []
    return [f"connectors.alfresco-bulk.name: '{name}' holds none of {', '.join(UNIQUE)}: documents with the same "
            "values get numbered names (' (2)', ' (3)' …) in the order they are exported; add {id}"]
