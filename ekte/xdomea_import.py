"""Read xdomea containers (0503 Aussonderung, 0605 SGOAblegen; xdomea 3.x
and 4.0.0) and ingest their documents with the metadata they carry.

A container is a ZIP holding one message XML and the primary files (or a
folder with the same content).  For every ``Dokument`` the newest
``Version`` is taken, and of its ``Format``s the PDF one when there is
one.  What the message says is taken as given — document type (ekte's
own ``ekte.doctype`` field, when the container came from ekte), the
Aktenzeichen (``Kennzeichen`` of the document or its Vorgang) and every
field in ``AnwendungsspezifischeErweiterung`` whose name is an ekte field
— so nothing is guessed that the sending system knew.  OCR happens only
where a file has no text layer (the normal born-digital route).

Safety: the XML is parsed without entities or network; a primary file
name must name a plain member of the container; members are limited in
size and in compression ratio; a file whose 4.0.0 ``Hash`` does not match
goes to quarantine.  Plain-text primaries are typeset into a PDF first;
their own SHA-256 is kept in the provenance.
"""

from __future__ import annotations

import logging
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ekte import fsutil
from ekte.errors import REASONS, DocumentError
from ekte.model import Document, ErrorInfo, Status
from ekte.profile import FIELD_NAMES

log = logging.getLogger(__name__)

MAX_RATIO = 200  # uncompressed : compressed, beyond which a member is a bomb
PDF_CODES = {"018", "044"}
TEXT_CODES = {"045"}


class PackageError(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or REASONS.get(code, code))
        self.code = code


@dataclass
class Entry:
    """One primary document named by the message."""

    member: str
    uuid: str = ""
    expected_sha256: str | None = None
    format_code: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    doctype: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _child(el: etree._Element, *names: str) -> etree._Element | None:
    cur = el
    for n in names:
        cur = next((c for c in cur if isinstance(c.tag, str) and _local(c) == n), None)
        if cur is None:
            return None
    return cur


def _text(el: etree._Element | None, *names: str) -> str | None:
    if el is None:
        return None
    c = _child(el, *names) if names else el
    if c is None:
        return None
    t = "".join(c.itertext()).strip() if len(c) == 0 else (c.text or "").strip()
    return t or None


def _safe_member(name: str) -> bool:
    p = Path(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name and len(p.parts) == 1


def parse_message(xml: bytes) -> tuple[str, str, list[Entry]]:
    """→ (message type, version, entries)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as e:
        raise PackageError("bad_message", f"the message XML is not well-formed ({e.msg})") from None
    name = _local(root)
    ns = etree.QName(root).namespace or ""
    if not ns.startswith("urn:xoev-de:xdomea:schema:") or not name.endswith((".0503", ".0605")):
        raise PackageError("bad_message", f"not an xdomea 0503 or 0605 message: {name}")
    version = ns.rsplit(":", 1)[1]
    entries: list[Entry] = []
    for dok in root.iter(f"{{{ns}}}Dokument"):
        vorgang = next((a for a in dok.iterancestors() if _local(a) == "Vorgang"), None)
        versions = [v for v in dok if isinstance(v.tag, str) and _local(v) == "Version"]
        if not versions:
            continue

        def vnum(v: etree._Element) -> float:
            try:
                return float(_text(v, "Nummer") or 0)
            except ValueError:
                return 0.0

        ver = max(versions, key=vnum)
        formats = [f for f in ver if isinstance(f.tag, str) and _local(f) == "Format"]
        fmt = next((f for f in formats if _text(f, "Name", "code") in PDF_CODES), formats[0] if formats else None)
        if fmt is None:
            continue
        pd = _child(fmt, "Primaerdokument")
        if pd is None or not _text(pd, "Dateiname"):
            continue
        e = Entry(member=_text(pd, "Dateiname") or "", format_code=_text(fmt, "Name", "code") or "")
        e.uuid = _text(dok, "Identifikation", "xdomeaUUID") or _text(dok, "Identifikation", "ID") or ""
        h = _child(pd, "Hash")
        if h is not None and (_text(h, "Algorithmus", "code") or "").upper() in ("SHA-256", "SHA256"):
            e.expected_sha256 = (_text(h, "Wert") or "").lower() or None
        az = _text(dok, "AllgemeineMetadaten", "Kennzeichen") or (
            _text(vorgang, "AllgemeineMetadaten", "Kennzeichen") if vorgang is not None else None)
        if az:
            e.fields["aktenzeichen"] = az
        for ext in dok:
            if not isinstance(ext.tag, str) or _local(ext) != "AnwendungsspezifischeErweiterung":
                continue
            for feld in ext.iter(f"{{{ns}}}Feld"):
                k, v = _text(feld, "Name"), _text(feld, "Wert")
                if not k or v is None:
                    continue
                if k == "ekte.doctype":
                    e.doctype = v
                elif k in FIELD_NAMES:
                    e.fields[k] = v
        e.provenance = {
            "system": "xdomea", "message": name, "version": version,
            "dokument_uuid": e.uuid, "vorgang_uuid": _text(vorgang, "Identifikation", "xdomeaUUID")
            or _text(vorgang, "Identifikation", "ID") if vorgang is not None else None,
            "betreff": _text(dok, "AllgemeineMetadaten", "Betreff"),
            "aktenplan": _text(vorgang, "AllgemeineMetadaten", "Aktenplaneinheit", "Kennzeichen")
            if vorgang is not None else None,
            "posteingangsdatum": _text(dok, "Posteingangsdatum"),
            "datum_des_schreibens": _text(dok, "DatumDesSchreibens"),
            "typ": _text(dok, "Typ"),
            "primary_file": e.member,
            "primary_sha256": e.expected_sha256,
            "format": e.format_code,
        }
        entries.append(e)
    return name, version, entries


class Package:
    """A container as a ZIP file or an unpacked folder, read safely."""

    def __init__(self, path: Path, max_bytes: int):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.zip: zipfile.ZipFile | None = None
        if self.path.is_dir():
            self.names = sorted(p.name for p in self.path.iterdir() if p.is_file())
        else:
            try:
                self.zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as e:
                raise PackageError("bad_message", f"not a readable ZIP container ({type(e).__name__})") from None
            self.names = [i.filename for i in self.zip.infolist() if not i.is_dir()]
            for i in self.zip.infolist():
                if not _safe_member(i.filename.rstrip("/")) and not i.is_dir():
                    raise PackageError("unsafe_package", f"member with a path: refusing {i.filename!r}")
                if i.file_size > max_bytes:
                    raise PackageError("unsafe_package", "a member exceeds the size limit")
                if i.compress_size and i.file_size / i.compress_size > MAX_RATIO and i.file_size > 1 << 20:
                    raise PackageError("unsafe_package", "a member has an absurd compression ratio")

    def read(self, name: str) -> bytes:
        if not _safe_member(name) or name not in self.names:
            raise PackageError("missing_file", "the message names a file that is not in the container")
        if self.zip is not None:
            with self.zip.open(name) as f:
                data = f.read(self.max_bytes + 1)
        else:
            p = self.path / name
            if p.stat().st_size > self.max_bytes:
                raise PackageError("unsafe_package", "a file exceeds the size limit")
            data = p.read_bytes()
        if len(data) > self.max_bytes:
            raise PackageError("unsafe_package", "a member exceeds the size limit")
        return data

    def message(self) -> tuple[str, bytes]:
        xmls = [n for n in self.names if n.lower().endswith(".xml")]
        for n in xmls:
            data = self.read(n)
            head = data[:4096]
            if b"xdomea" in head and (b".0503" in head or b".0605" in head):
                return n, data
        raise PackageError("bad_message", "no xdomea 0503/0605 message in the container")


def stage(pipeline: Any, containers: list[Path], staging: Path) -> tuple[list[Path], list[Document]]:
    """Unpack the primary files of *containers* into *staging* and register
    their metadata with *pipeline*; returns (files to ingest, documents
    already settled: quarantined with the reason)."""
    from ekte.textpdf import text_to_pdf

    files: list[Path] = []
    settled: list[Document] = []
    max_bytes = int(pipeline.profile.intake.max_file_mb * 1024 * 1024)
    for n, c in enumerate(containers):
        def fail(code: str, message: str, src: str, data: bytes | None = None) -> None:
            sha = fsutil.sha256_bytes(data) if data is not None else "0" * 64
            doc = Document(sha256=sha, source=src, size=len(data or b""), media_type="")
            err = DocumentError(code, message, stage="intake")
            if data is not None and pipeline.journal.get(sha) is None:
                tmp = staging / f"bad-{len(settled)}"
                tmp.write_bytes(data)
                pipeline.journal.receive(sha, doc.id, src, None, 0)
                pipeline.quarantine(doc, err, tmp)
            doc.status, doc.error = Status.QUARANTINED, ErrorInfo(code, message, "intake")
            log.warning("xdomea import: %s quarantined (%s)", doc.id if data is not None else "container", code)
            settled.append(doc)

        try:
            pkg = Package(c, max_bytes)
            msg_name, xml = pkg.message()
            mtype, version, entries = parse_message(xml)
        except PackageError as e:
            fail(e.code, str(e), str(c))
            continue
        out = staging / f"c{n}"
        out.mkdir(parents=True, exist_ok=True)
        log.info("xdomea import: %s %s with %d documents", mtype, version, len(entries))
        for e in entries:
            src = f"{c}!/{e.member}"
            try:
                data = pkg.read(e.member)
            except PackageError as err:
                fail(err.code, str(err), src)
                continue
            sha = fsutil.sha256_bytes(data)
            if e.expected_sha256 and e.expected_sha256 != sha:
                fail("hash_mismatch", REASONS["hash_mismatch"], src, data)
                continue
            target = out / Path(e.member).name
            prov = dict(e.provenance, container=Path(c).name, container_message=msg_name, primary_sha256=sha)
            if e.format_code in TEXT_CODES or (e.member.lower().endswith(".txt") and not data.startswith(b"%PDF")):
                target = target.with_suffix(".pdf")
                text_to_pdf(data.decode("utf-8", errors="replace"), target)
                prov["converted"] = "text typeset into PDF"
            else:
                target.write_bytes(data)
            pipeline.given[str(target)] = {"doctype": e.doctype, "fields": e.fields, "source": src,
                                          "provenance": prov}
            files.append(target)
    return files, settled


def import_containers(pipeline: Any, containers: list[Path], progress: Any = None) -> Any:
    """Ingest the documents of xdomea containers with *pipeline* (open)."""
    import tempfile

    # outside the working directory: ingest never takes files from there
    staging = Path(tempfile.mkdtemp(prefix="ekte-xdomea-import-"))
    try:
        files, settled = stage(pipeline, [Path(c) for c in containers], staging)
        result = pipeline.ingest(files, progress=progress, command="import-xdomea") if files else None
        if result is None:
            from ekte.pipeline import IngestResult

            result = IngestResult(workdir=str(pipeline.workdir))
        result.documents = settled + result.documents
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)
