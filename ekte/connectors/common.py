"""What every DMS connector needs: one flat record of a document's
metadata, stable identifiers, secrets, and name templates.

The *record* is the single mapping from ekte's data model to what a DMS
index holds; each connector maps record keys to its own names, so a new
connector never digs in ``Document`` itself.
"""

from __future__ import annotations

import os
import re
import stat
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ekte.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile

#: Namespace of ekte's name-based UUIDs (uuid5): the same document always
#: gets the same UUID, so an export repeated after a crash or an outage
#: carries the same name and a DMS can recognise it.
EKTE_NS = uuid.UUID("6f0a3b7e-2c1d-5e8f-9a4b-1c2d3e4f5a6b")

#: Record keys, in index order, with their XML Schema type (used by the
#: hot-folder XSD generator and by typed CMIS properties).
RECORD_KEYS: dict[str, str] = {
    "id": "string",
    "uuid": "string",
    "doctype": "string",
    "doctype_title": "string",
    "betreff": "string",
    "aktenzeichen": "string",
    "dokument_kennzeichen": "string",
    "aktenplan": "string",
    "leika": "string",
    "received_date": "date",
    "received": "dateTime",
    "document_date": "date",
    "retention_years": "integer",
    "applicant": "string",
    "sha256": "sha256",
    "original_sha256": "sha256",
    "pages": "integer",
    "confidence": "decimal",
    "source_name": "string",
    "media_type": "string",
    "archival_format": "string",
    "file": "string",
    "transfer_note": "string",
}


#: record keys a source may deliver with a document (``provenance.record``,
#: see ekte.sources); they win over what ekte derives from the profile
DELIVERED_KEYS = ("betreff", "dokument_kennzeichen", "aktenplan", "leika", "document_date", "retention_years")


def doc_uuid(doc: "Document", purpose: str = "document") -> str:
    """A stable UUID for *doc* (and a purpose such as 'message')."""
    return str(uuid.uuid5(EKTE_NS, f"{purpose}:{doc.sha256}"))


def group_key(doc: "Document", how: str) -> str | None:
    """The export group of a connector with ``group_by`` = *how*: the portal
    submission / e-mail message, the Aktenzeichen, or none (``document``)."""
    if how == "submission":
        g = (doc.extra.get("provenance") or {}).get("group") or {}
        return f"submission:{g['id']}" if g.get("id") else None
    if how == "aktenzeichen" and doc.fields.get("aktenzeichen"):
        return f"az:{doc.fields['aktenzeichen'].value}"
    return None


#: characters XML 1.0 does not allow in text (C0 but tab, newline and carriage return; lone surrogates;
#: U+FFFE, U+FFFF): lxml refuses them, so a sender's file name with an ESC would stop every export
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    if 0xDC80 <= c <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape): as intake shows it
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def xml_text(value: Any) -> str:
    """*value* as text any XML document may hold: what XML 1.0 forbids is
    written out as the terminal shows it (``\\x1b``, ``\\ud800``), the rest
    unchanged.  Every text ekte puts into a connector's XML goes through it
    (:func:`record` for every value it holds)."""
    return _NOT_XML.sub(_escape, str(value))


#: how a field's value was set that is not a guess of ekte's: a clerk's, or delivered with the
#: document (a portal's, an xdomea import's) — or the intake time itself when there is no stamp
_SET_NOT_GUESSED = ("manual", "intake")


def receipt_date(doc: "Document", profile: "Profile") -> str | None:
    """The date the document was received (``yyyy-mm-dd``): field
    ``eingangsdatum`` (a received stamp) when it can be trusted — at or
    above ``extract.auto_threshold``, set by a clerk or delivered —, else
    the day of the intake.  Every connector's receipt-date slot carries it."""
    f = doc.fields.get("eingangsdatum")
    if f is not None and (f.method in _SET_NOT_GUESSED or f.confidence >= profile.extract.auto_threshold):
        day = _iso_date(f.value)
        if day:
            return day
    return (doc.received or "")[:10] or None


def _iso_date(value: str | None) -> str | None:
    """``dd.mm.yyyy`` or ISO → ``yyyy-mm-dd``; None when not a date."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value.strip())
    if m:
        d, mo, y = (int(x) for x in m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}"
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    return "-".join(m.groups()) if m else None


def record(doc: "Document", profile: "Profile", file_name: str = "") -> dict[str, Any]:
    """The flat metadata record of an archived document.  Keys with no
    value are left out; every text is fit for XML (:func:`xml_text`).
    ``received_date`` is the receipt date (:func:`receipt_date`),
    ``received`` the time of the intake."""
    dt = profile.doctypes.get(doc.doctype or "") if doc.doctype else None
    fields = {k: f.value for k, f in doc.fields.items()}
    applicant = " ".join(x for x in (fields.get("vorname"), fields.get("nachname")) if x) or None
    title = (dt.title if dt else None) or doc.doctype
    betreff = title if not applicant else f"{title} – {fields.get('nachname')}, {fields.get('vorname') or ''}".rstrip(", ")
    received_date = receipt_date(doc, profile)
    r: dict[str, Any] = {
        "id": doc.id,
        "uuid": doc_uuid(doc),
        "doctype": doc.doctype,
        "doctype_title": title,
        "betreff": betreff,
        "aktenzeichen": fields.get("aktenzeichen"),
        "aktenplan": dt.aktenplan if dt else None,
        "leika": getattr(dt, "leika", None) if dt else None,
        "received_date": received_date,
        "received": doc.received,
        "document_date": _iso_date(fields.get("antragsdatum")) or received_date,
        "retention_years": dt.retention_years if dt else None,
        "applicant": applicant,
        "sha256": doc.archival.get("sha256"),
        "original_sha256": doc.sha256,
        "pages": doc.pages or None,
        "confidence": None if doc.confidence is None else round(doc.confidence, 4),
        "source_name": Path(doc.source).name if doc.source else None,
        "media_type": doc.media_type or None,
        "archival_format": doc.archival.get("format"),
        "file": file_name or None,
        # the TR-RESISCAN transfer note of a scanned document (its path in the archive)
        "transfer_note": str(Path(doc.archive_path) / doc.archival["transfer_note"]["file"])
        if doc.archive_path and (doc.archival.get("transfer_note") or {}).get("file") else None,
    }
    delivered = ((doc.extra.get("provenance") or {}).get("record")) or {}
    for k in DELIVERED_KEYS:
        if delivered.get(k) not in (None, ""):
            r[k] = delivered[k]
    out = {k: xml_text(v) if isinstance(v, str) else v for k, v in r.items() if v not in (None, "")}
    out["fields"] = {k: xml_text(v) for k, v in fields.items() if v not in (None, "")}
    return out


def read_transfer_note(doc: "Document", archive_dir: Path) -> bytes | None:
    """The TR-RESISCAN transfer note of a scanned document, read from its
    archive folder and checked against the SHA-256 ``metadata.json``
    records; None for a document without one (born-digital).  A scan
    whose note is missing or changed is not exported without it."""
    from ekte import fsutil
    from ekte.connectors.base import ExportError

    info = doc.archival.get("transfer_note") or {}
    if not info.get("file"):
        return None
    try:
        data = (Path(archive_dir) / Path(info["file"]).name).read_bytes()
    except OSError:
        raise ExportError("the transfer note of this scanned document is missing from its archive folder "
                          "(ekte verify names what broke)") from None
    if info.get("sha256") and fsutil.sha256_bytes(data) != info["sha256"]:
        raise ExportError("the transfer note in the archive folder does not match its recorded SHA-256 "
                          "(ekte verify names what broke)")
    return data


def schema_error(log: Any) -> str:
    """A validation error without the offending value (it may be personal
    data): where it is and what kind of error it is."""
    e = log.last_error if log else None
    if e is None:
        return "invalid"
    path = re.sub(r"\{[^}]*\}", "", e.path or "")
    return f"{path or 'line ' + str(e.line)}: {e.type_name}"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "_"


def expand(template: str, rec: dict[str, Any]) -> str:
    """Fill ``{key}`` placeholders from a record (and its fields); a
    missing value becomes ``_``.  The result is safe as a relative path:
    every segment is cleaned of separators and dot-dot."""
    flat = {**rec.get("fields", {}), **{k: v for k, v in rec.items() if k != "fields"}}
    # a value never adds a level (Aktenzeichen often hold a slash)
    values = _Blank({k: str(v).replace("/", "_") for k, v in flat.items()})
    raw = template.format_map(values)
    parts = []
    for seg in raw.split("/"):
        seg = re.sub(r"[\x00-\x1f\\:*?\"<>|]", "_", seg).strip()
        if seg in ("", ".", ".."):
            continue
        parts.append(seg)
    return "/".join(parts)


def safe_name(text: str, limit: int = 80) -> str:
    """A file-name-safe short form of *text* (no personal data is added)."""
    s = re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("._")
    return s[:limit] or "dokument"


def secret(config: dict[str, Any], key: str, connector: str, *, section: str | None = None) -> str | None:
    """A secret named *key* from ``<key>_env`` (an environment variable) or
    ``<key>_file`` (a file only its owner may read).  Never from the
    profile itself.  *section* names the profile table in messages
    (default ``connectors.<connector>``)."""
    where = section or f"connectors.{connector}"
    if config.get(key):
        raise ConfigError(
            f"{where}.{key}: secrets are not read from profiles; "
            f"set {key}_env (an environment variable) or {key}_file (a file only you can read)")
    env = config.get(f"{key}_env")
    if env:
        val = os.environ.get(str(env))
        if val is None:
            raise ConfigError(f"{where}.{key}_env: environment variable {env} is not set")
        return val
    path = config.get(f"{key}_file")
    if path:
        p = Path(str(path)).expanduser()
        try:
            st = p.stat()
        except OSError:
            raise ConfigError(f"{where}.{key}_file: cannot read {p}") from None
        if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(
                f"{where}.{key}_file: {p} is readable by others (mode {stat.filemode(st.st_mode)}); "
                f"chmod 600 it first")
        if st.st_uid != os.getuid():
            raise ConfigError(f"{where}.{key}_file: {p} belongs to another user")
        return p.read_text("utf-8").strip()
    return None
