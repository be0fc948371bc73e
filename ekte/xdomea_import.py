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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ekte import fsutil
from ekte.errors import REASONS, DocumentError
from ekte.package import Package
from ekte.profile import FIELD_NAMES
from ekte.sources import Rejected, Staged

log = logging.getLogger(__name__)

MAX_RATIO = 200  # uncompressed : compressed, beyond which a member is a bomb
PDF_CODES = {"018", "044"}
TEXT_CODES = {"045"}


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


def parse_message(xml: bytes) -> tuple[str, str, list[Entry]]:
    """→ (message type, version, entries)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as e:
        raise DocumentError("bad_message", f"the message XML is not well-formed ({e.msg})") from None
    name = _local(root)
    ns = etree.QName(root).namespace or ""
    if not ns.startswith("urn:xoev-de:xdomea:schema:") or not name.endswith((".0503", ".0605")):
        raise DocumentError("bad_message", f"not an xdomea 0503 or 0605 message: {name}")
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


def find_message(pkg: Package) -> tuple[str, bytes]:
    """The 0503/0605 message of a container: (member name, bytes)."""
    for n in [n for n in pkg.names if n.lower().endswith(".xml")]:
        data = pkg.read(n)
        head = data[:4096]
        if b"xdomea" in head and (b".0503" in head or b".0605" in head):
            return n, data
    raise DocumentError("bad_message", "no xdomea 0503/0605 message in the container")


class XdomeaSource:
    """The containers given to ``ekte import-xdomea``, as an intake source:
    every primary file becomes a staged document with the message's
    metadata; the pipeline quarantines what is rejected."""

    name = "xdomea"

    def configure(self, profile: Any, workdir: Path) -> None:
        self.max_bytes = int(profile.intake.max_file_mb * 1024 * 1024)

    def claims(self, path: Path) -> bool:
        return True  # only used for the containers named on the command line

    def expand(self, path: Path, staging: Path) -> list[Staged | Rejected]:
        from ekte.textpdf import text_to_pdf

        pkg = Package(path, self.max_bytes, max_ratio=MAX_RATIO)  # DocumentError: the container is quarantined
        msg_name, xml = find_message(pkg)
        mtype, version, entries = parse_message(xml)
        log.info("xdomea import: %s %s with %d documents", mtype, version, len(entries))
        out: list[Staged | Rejected] = []
        for e in entries:
            src = f"{path}!/{e.member}"
            try:
                data = pkg.read(e.member)
            except DocumentError as err:
                out.append(Rejected(src, err.code, err.message))
                continue
            sha = fsutil.sha256_bytes(data)
            if e.expected_sha256 and e.expected_sha256 != sha:
                bad = staging / f"rejected-{len(out)}"
                bad.write_bytes(data)
                out.append(Rejected(src, "hash_mismatch", REASONS["hash_mismatch"], bad))
                continue
            target = staging / Path(e.member).name
            prov = dict(e.provenance, container=path.name, container_message=msg_name, primary_sha256=sha)
            if e.format_code in TEXT_CODES or (e.member.lower().endswith(".txt") and not data.startswith(b"%PDF")):
                target = target.with_suffix(".pdf")
                text_to_pdf(data.decode("utf-8", errors="replace"), target)
                prov["converted"] = "text typeset into PDF"
            else:
                target.write_bytes(data)
            out.append(Staged(target, {"doctype": e.doctype, "fields": e.fields, "source": src, "provenance": prov}))
        return out


def import_containers(pipeline: Any, containers: list[Path], progress: Any = None) -> Any:
    """Ingest the documents of xdomea containers with *pipeline* (open)."""
    source = XdomeaSource()
    source.configure(pipeline.profile, pipeline.workdir)
    return pipeline.ingest([Path(c) for c in containers], progress=progress, command="import-xdomea", source=source)
