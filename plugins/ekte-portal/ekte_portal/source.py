"""Portal submissions as an ekte intake source.

A package is a folder or a ZIP file holding

* ``metadata.json`` — FIT-Connect submission metadata 1.0.0: the
  ``contentStructure`` (the structured data's SHA-512 and schema, every
  attachment with ``attachmentId``, ``purpose`` form/attachment/report,
  ``mimeType``, ``filename`` and SHA-512) and ``publicServiceType`` (the
  service, ideally a LeiKa key ``urn:de:fim:leika:leistung:<14 digits>``);
* ``data.json`` or ``data.xml`` — the structured form data;
* the attachments, named by ``filename`` (a plain name) or
  ``<attachmentId>.<ext>``.

What the plugin does: checks the metadata (against the official JSON
schema when ``[plugins.portal] metadata_schema`` names it; always the
structure it relies on) and every hash — a mismatch sends the whole
package to quarantine; maps data fields to ekte's fields through the
profile (``[plugins.portal.fields]``: ekte field → dotted path in the
data, or an XPath for XML) with no OCR guessing; takes the document type
from the LeiKa key (the profile's ``doctypes.*.leika``) or
``[plugins.portal.services]``; gives every part the same group so that
connectors that group (xdomea) hand the form and the attachments over as
one Vorgang; embeds the structured data in the form's archival PDF (PDF/A-3,
relationship Data) and keeps it beside it as ``data.json``/``data.xml``.

Untrusted input: member names must be plain names, member count, sizes
and compression ratio are limited, XML with a DTD is refused (no entity
tricks), JSON is size-limited before parsing; JSON or XML nested too deeply
for the parser (a RecursionError, lxml's depth limit) is ``bad_message``
"nested too deeply", as is anything nested where the metadata wants a
plain value — a hostile package, not an ekte fault (``internal_error``).
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from ekte.errors import ConfigError, DocumentError
from ekte.plugins import plugin_settings
from ekte.package import Package, plain_name
from ekte.sources import Rejected, Staged

LEIKA_URN = re.compile(r"^urn:de:fim:leika:leistung:(\d{14})$")
DEFAULT_FIELDS = {
    "vorname": "antragsteller.vorname",
    "nachname": "antragsteller.nachname",
    "geburtsdatum": "antragsteller.geburtsdatum",
    "strasse": "antragsteller.anschrift.strasse",
    "plz": "antragsteller.anschrift.plz",
    "ort": "antragsteller.anschrift.ort",
    "email": "antragsteller.kontakt.email",
    "antragsdatum": "antragsdatum",
    "iban": "zahlung.iban",
    "kennzeichen": "angaben.kennzeichen",
    "fin": "angaben.fin",
    "evb": "angaben.evb",
    "gemarkung": "angaben.gemarkung",
    "flur": "angaben.flur",
    "flurstueck": "angaben.flurstueck",
}
SETTINGS = {"metadata_schema": "", "fields": {}, "services": {}, "max_members": 200, "max_ratio": 100,
            "max_metadata_kb": 512}
EXT = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "image/tiff": ".tif",
       "application/json": ".json", "application/xml": ".xml", "text/xml": ".xml"}


SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _json(raw: bytes, what: str) -> Any:
    try:
        return json.loads(raw)
    except RecursionError:
        raise DocumentError("bad_message", f"{what} is nested too deeply (refused)") from None
    except ValueError:
        raise DocumentError("bad_message", f"{what} is not valid JSON") from None


def _text(v: Any) -> str | None:
    """A plain value of the metadata for the provenance: a string or nothing."""
    return v if isinstance(v, str) else None


def _dig(data: Any, path: str) -> Any:
    cur = data
    for part in path.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return None
    return cur


class PortalSource:
    name = "portal"

    def __init__(self) -> None:
        self.config: dict[str, Any] = dict(SETTINGS)
        self.profile = None
        self.validator = None

    def configure(self, profile, workdir) -> None:
        self.config = plugin_settings(profile, "portal", SETTINGS)
        self.fields = dict(self.config["fields"] or DEFAULT_FIELDS)
        from ekte.profile import FIELD_NAMES

        bad = [k for k in self.fields if k not in FIELD_NAMES]
        if bad:
            raise ConfigError(f"plugins.portal.fields: unknown ekte field(s): {', '.join(bad)}")
        self.profile = profile
        self.max_bytes = int(profile.intake.max_file_mb * 1024 * 1024)
        if self.config["metadata_schema"]:
            import jsonschema

            p = Path(self.config["metadata_schema"]).expanduser()
            try:
                schema = json.loads(p.read_text("utf-8"))
            except (OSError, ValueError) as e:
                raise ConfigError(f"plugins.portal.metadata_schema: cannot read {p} ({type(e).__name__})") from None
            cls = jsonschema.validators.validator_for(schema)
            self.validator = cls(schema, format_checker=cls.FORMAT_CHECKER)

    # -- claims: cheap
    def claims(self, path: Path) -> bool:
        if path.is_dir():
            return (path / "metadata.json").is_file() and any(
                (path / n).is_file() for n in ("data.json", "data.xml")) or self._is_fit(path / "metadata.json")
        if path.suffix.lower() == ".zip" and path.is_file():
            try:
                with zipfile.ZipFile(path) as z:
                    return "metadata.json" in z.namelist()
            except (zipfile.BadZipFile, OSError):
                return False
        return False

    @staticmethod
    def _is_fit(p: Path) -> bool:
        try:
            return p.is_file() and p.stat().st_size < (1 << 20) and "contentStructure" in p.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return False

    # -- expand
    def expand(self, path: Path, staging: Path) -> list[Staged | Rejected]:
        try:
            return self._expand(path, staging)
        except DocumentError as e:
            return [Rejected(str(path), e.code, e.message, self._copy_for_quarantine(path, staging))]
        except RecursionError:  # whatever nested structure of the package a step walked (fresh41 F5)
            return [Rejected(str(path), "bad_message", "the package's metadata or structured data is nested "
                                                       "too deeply (refused)", self._copy_for_quarantine(path, staging))]

    def _copy_for_quarantine(self, path: Path, staging: Path) -> Path | None:
        if path.is_file():
            return path
        try:  # a folder: its files as one ZIP, so the clerk gets everything
            out = staging / "package.zip"
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                for p in sorted(path.iterdir()):
                    if p.is_file() and not p.is_symlink():
                        z.write(p, p.name)
            return out
        except OSError:
            return None

    def _metadata(self, pkg: Package) -> dict[str, Any]:
        meta = _json(pkg.read("metadata.json", int(self.config["max_metadata_kb"]) * 1024), "metadata.json")
        if self.validator is not None:
            errors = sorted(self.validator.iter_errors(meta), key=lambda e: list(e.absolute_path))
            if errors:
                where = "/".join(str(x) for x in errors[0].absolute_path) or "(top)"
                raise DocumentError("bad_message", f"metadata.json does not match the FIT-Connect schema at {where}")
        cs = meta.get("contentStructure") if isinstance(meta, dict) else None
        if not isinstance(cs, dict) or not isinstance(cs.get("attachments"), list):
            raise DocumentError("bad_message", "metadata.json has no contentStructure.attachments")
        data = cs.get("data")
        if data and not (isinstance(data, dict) and all(isinstance(data.get(k) or {}, dict)
                                                         for k in ("submissionSchema", "hash"))):
            raise DocumentError("bad_message", "contentStructure.data in metadata.json is not an object")
        for a in cs["attachments"]:
            h = a.get("hash") if isinstance(a, dict) else None
            if not isinstance(h, dict) or h.get("type") != "sha512" or not re.fullmatch(r"[0-9a-f]{128}", str(h.get("content"))):
                raise DocumentError("bad_message", "an attachment in metadata.json lacks a SHA-512 hash")
            if not isinstance(a.get("attachmentId"), str) or not SAFE_ID.fullmatch(a["attachmentId"]) or \
                    a.get("purpose") not in ("form", "attachment", "report"):
                raise DocumentError("bad_message", "an attachment in metadata.json lacks attachmentId or purpose")
        return meta

    def _doctype(self, meta: dict[str, Any], data: Any) -> str | None:
        pst = meta.get("publicServiceType")
        ident = _text(pst.get("identifier") if isinstance(pst, dict) else None) or ""
        services = self.config["services"]
        m = LEIKA_URN.match(ident)
        if m:
            for name, dt in self.profile.doctypes.items():
                if dt.leika and dt.leika == m.group(1):
                    return name
            if m.group(1) in services:
                return services[m.group(1)]
        if ident in services:
            return services[ident]
        return None

    def _parse_data(self, name: str, raw: bytes) -> Any:
        if name.endswith(".json"):
            return _json(raw, "the structured data")
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        try:
            root = etree.fromstring(raw, parser)
        except etree.XMLSyntaxError as e:
            deep = "depth" in str(e).lower()  # libxml2 without huge_tree: "Excessive depth in document: 256 …"
            raise DocumentError("bad_message", "the structured data is nested too deeply (refused)" if deep else
                                "the structured data is not well-formed XML") from None
        if root.getroottree().docinfo.internalDTD is not None or b"<!ENTITY" in raw:
            raise DocumentError("unsafe_package", "the structured data declares a DTD or entities (refused)")
        return root

    def _value(self, data: Any, path: str) -> str | None:
        if isinstance(data, (dict, list)):
            v = _dig(data, path)
        else:  # XML: the path is an XPath
            try:
                found = data.xpath(path)
            except Exception:  # noqa: BLE001 - a bad XPath in the profile
                raise ConfigError(f"plugins.portal.fields: invalid XPath {path!r}") from None
            v = found[0] if found else None
            v = v.text if hasattr(v, "text") else v
        if v is None or isinstance(v, (dict, list)):
            return None
        return str(v).strip() or None

    def _expand(self, path: Path, staging: Path) -> list[Staged | Rejected]:
        pkg = Package(path, self.max_bytes, max_members=int(self.config["max_members"]),
                      max_ratio=int(self.config["max_ratio"]))
        meta = self._metadata(pkg)
        cs = meta["contentStructure"]
        data, data_name, data_raw = None, None, None
        if cs.get("data"):
            want = _text((cs["data"].get("submissionSchema") or {}).get("mimeType")) or "application/json"
            data_name = "data.xml" if "xml" in want else "data.json"
            data_raw = pkg.read(data_name)
            expected = (cs["data"].get("hash") or {}).get("content")
            if hashlib.sha512(data_raw).hexdigest() != expected:
                raise DocumentError("hash_mismatch", "the structured data does not match its SHA-512 in metadata.json")
            data = self._parse_data(data_name, data_raw)
        # every attachment and its hash first: a package is taken whole or not at all
        parts: list[tuple[dict[str, Any], str, bytes]] = []
        for a in cs["attachments"]:
            name = a.get("filename") if plain_name(str(a.get("filename") or "")) and pkg.has(a.get("filename")) else None
            if name is None:
                cands = [n for n in pkg.names if Path(n).stem == a["attachmentId"]]
                name = cands[0] if cands else f"{a['attachmentId']}{EXT.get(a.get('mimeType'), '')}"
            blob = pkg.read(name)
            if hashlib.sha512(blob).hexdigest() != a["hash"]["content"]:
                raise DocumentError("hash_mismatch", "an attachment does not match its SHA-512 in metadata.json")
            parts.append((a, name, blob))
        parts.sort(key=lambda p: {"form": 0, "attachment": 1, "report": 2}[p[0]["purpose"]])
        doctype = self._doctype(meta, data)
        fields = {}
        if data is not None:
            for k, p in self.fields.items():
                v = self._value(data, p)
                if v:
                    fields[k] = v
        sub_id = path.stem if path.is_file() else path.name
        service = meta.get("publicServiceType") if isinstance(meta.get("publicServiceType"), dict) else {}
        out: list[Staged | Rejected] = []
        for i, (a, name, blob) in enumerate(parts):
            target = staging / f"{i:03d}-{a['attachmentId']}{Path(name).suffix.lower() or '.bin'}"
            target.write_bytes(blob)
            prov = {
                "system": "portal", "submission": sub_id, "service": _text(service.get("identifier")),
                "service_name": _text(service.get("name")), "attachment_id": a["attachmentId"],
                "purpose": a["purpose"], "filename": _text(a.get("filename")), "sha512": a["hash"]["content"],
                "metadata_validated": self.validator is not None,
                "group": {"id": sub_id, "size": len(parts), "index": i, "role": a["purpose"]},
            }
            given: dict[str, Any] = {"doctype": doctype, "fields": fields, "provenance": prov,
                                     "source": f"{path}!/{name}"}
            if a["purpose"] == "form" and data_raw is not None:
                prov["data"] = {"file": data_name, "sha512": hashlib.sha512(data_raw).hexdigest(),
                                "schema": _text((cs["data"].get("submissionSchema") or {}).get("schemaUri"))}
                mime = "application/xml" if data_name.endswith(".xml") else "application/json"
                given["embed"] = [{"name": data_name, "data": data_raw, "mime": mime,
                                   "description": "Fachdaten des Online-Antrags", "relationship": "Data"}]
                given["archive_files"] = {data_name: data_raw}
            out.append(Staged(target, given))
        return out
