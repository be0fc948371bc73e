"""``ekte import-xdomea``: ingest the documents of xdomea containers (0503
Aussonderung, 0605 SGOAblegen; xdomea 3.x and 4.0.0) with the metadata
they carry, for migrations.

A container is a ZIP holding one message XML and the primary files (or a
folder with the same content).  For every ``Dokument`` the newest
``Version`` is taken, and of its ``Format``s the PDF one when there is
one.  What the message says is taken as given (see :mod:`ekte.xdomea_read`
for the mapping): document type and confidence, Aktenzeichen, Aktenplan,
retention, Betreff, dates, fields — so nothing is guessed that the sending
system knew; the rest of the message's metadata (Federführung, Laufzeit,
Bemerkung, history, UUIDs …) is kept in the provenance and written again
by the xdomea connector.  The Dokumente of one Vorgang form one group: the
xdomea connector exports them as one Vorgang again.  OCR happens only
where a file has no text layer (the normal born-digital route).

A migration report per container (what was taken, mapped, kept, dropped
and why; each document's id and outcome) is written to
``<workdir>/reports/import-xdomea-<time>/<n>-<container>.json`` and is
part of the ``--json`` output (``migration``).

Safety: the XML is parsed without entities or network; a primary file
name must name a plain member of the container; members are limited in
size and in compression ratio; a file whose 4.0.0 ``Hash`` does not match
goes to quarantine.  Plain-text primaries are typeset into a PDF first;
their own SHA-256 is kept in the provenance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ekte import fsutil, xdomea_notes
from ekte.errors import REASONS, DocumentError
from ekte.package import Package
from ekte.pipeline import IngestResult
from ekte.sources import Rejected, Staged
from ekte.xdomea_read import TEXT_CODES, Entry, Message

log = logging.getLogger(__name__)

MAX_RATIO = 200  # uncompressed : compressed, beyond which a member is a bomb


def find_message(pkg: Package) -> tuple[str, bytes]:
    """The 0503/0605 message of a container: (member name, bytes)."""
    for n in [n for n in pkg.names if n.lower().endswith(".xml")]:
        data = pkg.read(n)
        head = data[:4096]
        if b"xdomea" in head and (b".0503" in head or b".0605" in head):
            return n, data
    raise DocumentError("bad_message", "no xdomea 0503/0605 message in the container")


def _given(e: Entry, msg: Message, path: Path, msg_name: str, sha: str) -> dict[str, Any]:
    """The metadata a staged document is delivered with."""
    prov = {
        "system": "xdomea", "message": msg.name, "version": msg.version, "container": path.name,
        "container_message": msg_name, "prozess_id": msg.header.get("prozess_id"),
        "nachricht_uuid": msg.header.get("nachricht_uuid"), "dokument_uuid": e.uuid, "vorgang_uuid": e.vorgang_uuid,
        "primary_file": e.member, "primary_sha256": sha, "format": e.format_code,
        # delivered record values (see ekte.connectors.common.DELIVERED_KEYS) and the rest of the metadata
        "record": e.record, "xdomea": e.xdomea,
    }
    return {"doctype": e.doctype, "confidence": e.confidence, "received": e.received, "fields": dict(e.fields),
            "source": f"{path}!/{e.member}", "provenance": {k: v for k, v in prov.items() if v is not None}}


class XdomeaSource:
    """The containers given to ``ekte import-xdomea``, as an intake source:
    every primary file becomes a staged document with the message's
    metadata; the pipeline quarantines what is rejected.  ``reports``
    holds the migration report of every container expanded."""

    name = "xdomea"

    def __init__(self) -> None:
        self.reports: dict[str, dict[str, Any]] = {}

    def configure(self, profile: Any, workdir: Path) -> None:
        self.max_bytes = int(profile.intake.max_file_mb * 1024 * 1024)

    def claims(self, path: Path) -> bool:
        return True  # only used for the containers named on the command line

    def expand(self, path: Path, staging: Path) -> list[Staged | Rejected]:
        report: dict[str, Any] = {"container": str(path), "documents": []}
        self.reports[str(path)] = report
        try:
            pkg = Package(path, self.max_bytes, max_ratio=MAX_RATIO)
            msg_name, xml = find_message(pkg)
            msg = Message(xml)
        except DocumentError as e:
            report["error"] = {"code": e.code, "message": e.message}
            raise  # the pipeline quarantines the container
        log.info("xdomea import: %s %s with %d documents", msg.name, msg.version, len(msg.entries))
        report.update(message=msg.name, version=msg.version, message_file=msg_name,
                      prozess_id=msg.header.get("prozess_id"), nachricht_uuid=msg.header.get("nachricht_uuid"),
                      objects=[o for o in msg.objects if o["object"] != "Dokument"])
        out: list[Staged | Rejected] = []
        for e in msg.entries:
            item = self._stage(e, msg, pkg, path, msg_name, staging, len(out))
            report["documents"].append({"source": f"{path}!/{e.member}", "dokument_uuid": e.uuid,
                                        "primary_file": e.member,
                                        **xdomea_notes.reported(e.report, e.xdomea.get("transfervermerke")),
                                        **({"taken": False, "error": {"code": item.code, "message": item.message}}
                                           if isinstance(item, Rejected) else {"taken": True})})
            out.append(item)
        _groups([s for s in out if isinstance(s, Staged)])
        _unreferenced(report, pkg, msg, msg_name)
        return out

    def _stage(self, e: Entry, msg: Message, pkg: Package, path: Path, msg_name: str, staging: Path,
               n: int) -> Staged | Rejected:
        from ekte.textpdf import text_to_pdf

        src = f"{path}!/{e.member}"
        try:
            data = pkg.read(e.member)
        except DocumentError as err:
            return Rejected(src, err.code, err.message)
        sha = fsutil.sha256_bytes(data)
        if e.expected_sha256 and e.expected_sha256 != sha:
            bad = staging / f"rejected-{n}"
            bad.write_bytes(data)
            return Rejected(src, "hash_mismatch", REASONS["hash_mismatch"], bad)
        if e.xdomea.get("transfervermerke"):  # a scan's note: kept with it, sent again as its Anlage
            e.xdomea["transfervermerke"] = xdomea_notes.take(pkg, e.xdomea["transfervermerke"])
        given = _given(e, msg, path, msg_name, sha)
        target = staging / Path(e.member).name
        if e.format_code in TEXT_CODES or (e.member.lower().endswith(".txt") and not data.startswith(b"%PDF")):
            target = target.with_suffix(".pdf")
            text_to_pdf(data.decode("utf-8", errors="replace"), target)
            given["provenance"]["converted"] = "text typeset into PDF"
        else:
            target.write_bytes(data)
        given["provenance"]["_index"] = e.index
        return Staged(target, given)


UNREFERENCED = "not named by the message (no Dokument's file): not imported"


def _unreferenced(report: dict[str, Any], pkg: Package, msg: Message, msg_name: str) -> None:
    """Files of the container the message does not name: listed as dropped
    in the report (and one warning line), so a migration loses nothing silently."""
    extra = [n for n in pkg.names if n != msg_name and n not in msg.files]
    report["dropped_files"] = [{"file": n, "why": UNREFERENCED} for n in extra]
    if extra:
        log.warning("xdomea import: %d file(s) in a container are not named by its message and were not imported "
                    "(listed in the migration report under dropped_files)", len(extra))


def _groups(staged: list[Staged]) -> None:
    """The documents of one Vorgang: one group (exported as one Vorgang)."""
    by_vorgang: dict[str, list[Staged]] = {}
    for s in staged:
        v = s.given["provenance"].get("vorgang_uuid")
        if v:
            by_vorgang.setdefault(v, []).append(s)
    for s in staged:
        prov = s.given["provenance"]
        index = prov.pop("_index", 0)
        v = prov.get("vorgang_uuid")
        if v:
            members = by_vorgang[v]
            prov["group"] = {"id": f"xdomea-vorgang:{v}", "size": len(members),
                             "index": index or members.index(s) + 1, "role": "dokument"}


@dataclass
class ImportResult(IngestResult):
    """An ingest result with the migration report of every container."""

    migration: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self, *, lazy: bool = False) -> dict[str, Any]:
        return {**super().to_json(lazy=lazy), "migration": self.migration}


def write_reports(source: XdomeaSource, result: IngestResult, workdir: Path) -> list[dict[str, Any]]:
    """Complete each container's report with its documents' outcome and
    write it below ``<workdir>/reports/``."""
    by_source = {d.source: d for d in result.documents}
    folder = Path(workdir) / "reports" / f"import-xdomea-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}"
    out = []
    for n, (container, rep) in enumerate(source.reports.items(), 1):
        for d in rep["documents"]:
            doc = by_source.get(d["source"])
            if doc is not None:
                d["id"] = doc.id
                d["status"] = doc.status.value if doc.status else None
                if doc.duplicate_of:
                    d["duplicate_of"] = doc.duplicate_of
        if "error" in rep:
            doc = by_source.get(container)
            rep["status"] = doc.status.value if doc is not None and doc.status else "quarantined"
        path = folder / f"{n:02d}-{Path(container).name}.json"
        rep["report"] = str(path)
        fsutil.write_json(path, rep)
        out.append(rep)
    return out


def import_containers(pipeline: Any, containers: list[Path], progress: Any = None) -> ImportResult:
    """Ingest the documents of xdomea containers with *pipeline* (open)."""
    source = XdomeaSource()
    source.configure(pipeline.profile, pipeline.workdir)
    result = pipeline.ingest([Path(c) for c in containers], progress=progress, command="import-xdomea",
                             source=source)
    out = ImportResult(**{f: getattr(result, f) for f in ("documents", "seconds", "interrupted", "workdir", "extra")})
    try:
        out.migration = write_reports(source, result, pipeline.workdir)
    except OSError as e:
        log.error("the migration reports could not be written (%s)", e.strerror or e)
    return out
