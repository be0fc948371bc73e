"""komXwork-style hot folder: ``<uuid>.pdf`` + ``<uuid>.xml`` (+ ``<uuid>.ready``,
+ ``<uuid>.transfervermerk`` for a scan).

Many DMS used by German counties import from a watched folder, one file
plus an XML index per document.  What ekte writes, by exact name:

* ``<hot folder>/<uuid>.pdf`` — the archival PDF (PDF/A where it could be made);
* ``<hot folder>/<uuid>.xml`` — the index, root ``Index`` in the namespace
  ``urn:ekte:hotfolder:1``, one element per metadata value, then
  ``Transfervermerk`` (a scan's note, see below), then
  ``Felder/Feld[@name]`` with every extracted field;
* ``<hot folder>/<uuid>.transfervermerk`` — a scanned document's
  TR-RESISCAN transfer note (``transfervermerk.xml`` of its archive
  folder, byte for byte), referenced by the index's ``Transfervermerk``
  element (the file name, with its ``sha256``).  It is XML, but not named
  ``*.xml``: only indexes end in ``.xml``, so an importer that takes every
  ``*.xml`` never mistakes it for one, while one that collects the files of
  a document by their base name (``<uuid>.*``) takes it along.  Not in the
  meta folder: it belongs to the document and goes where the document
  goes.  Born-digital documents have none;
* ``<hot folder>/<uuid>.ready`` — an empty marker, written last (suffix
  configurable; ``ready_suffix = ""`` makes the index itself the last file
  written);
* ``<meta folder>/index.xsd`` — the schema of the index for the configured
  element names; every index is validated against it before it is written;
* ``<meta folder>/stapel-<batch>.xml`` — one manifest per batch, root
  ``Stapel``, listing every document of the batch with its hashes;
  ``<batch>`` is the UTC time of the batch's first document,
  ``YYYYMMDDTHHMMSSffffffZ``.  A batch is what one run of ekte hands
  over, at most ``batch_minutes`` (default 60) long: the export that
  finds its batch older closes it (writes its manifest), so the watch
  daemon's manifests appear while it runs; ``0`` makes a run one batch.

The meta folder (``meta_folder``, default ``_ekte`` below the hot folder;
an absolute path puts it elsewhere, ``""`` beside the documents, only with a ``ready_suffix``) keeps the
schema and the manifests away from an importer that takes every ``*.xml``
of the hot folder.

Every file is written under a hidden temporary name (``.ekte-tmp-…``),
fsynced, given the export mode and the hot folder's group, and renamed, so
an importer never sees a partial file.  ``<uuid>.pdf`` is never replaced
(linked into place, :func:`ekte.connectors.below.publish_noreplace`): when
another working directory put its archival copy of the same original there
first, that one stays and this export is "already exported" (fresh43 F3:
before, the second replaced the bytes the first one's manifest lists).  The UUID is derived from the
document's SHA-256: exporting again writes the same names; it reports
"already exported" while the files are there, and — unless forced — when
the ledger records the document handed over (the importer took it).

Manifests survive a crash: each document handed over is recorded in the
connector's ledger (``<workdir>/state/komxwork.sqlite``) before the
pipeline hears of it; a manifest lists the batch's recorded documents.
The manifest of a batch whose process was killed is written by the next
ekte process that closes this connector, under the killed batch's name.

The element names are configurable per profile (``elements``: element →
record key), since every importer wants its own; the XSD follows them.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lxml import etree
from lxml.builder import ElementMaker

from ekte import fsutil
from ekte.connectors.base import Connector, ExportError, ExportResult, inside
from ekte.connectors.common import RECORD_KEYS, read_transfer_note, record, schema_error
from ekte.connectors.komxwork_schema import (NOTE_ELEMENT, NS, REQUIRED, schema_for,  # noqa: F401 (once here)
                                             shipped_schema_path)
from ekte.connectors.ledger import Ledger, owner, owner_alive
from ekte.errors import ConfigError
from ekte.stages.archive import ARCHIVE_PDF

log = logging.getLogger(__name__)

SCHEMA_NAME = "index.xsd"
#: a scanned document's transfer note beside it: ``<uuid>.transfervermerk`` (XML, but not ``*.xml``)
NOTE_SUFFIX = ".transfervermerk"
LEDGER_DDL = """
CREATE TABLE IF NOT EXISTS entries (
    root TEXT NOT NULL,          -- the hot folder
    dokument_id TEXT NOT NULL,
    datei TEXT NOT NULL,
    idx TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    batch TEXT NOT NULL,
    owner TEXT NOT NULL,         -- host:pid:start of the process that exported it
    time TEXT NOT NULL,
    manifest TEXT,               -- the manifest that lists it, once written
    PRIMARY KEY (root, dokument_id, batch)
);
"""

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

_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
#: a foreign <uuid>.pdf without its marker older than this is a killed run's, not one being written (seconds)
ABANDONED_AFTER = 600


class KomxworkConnector(Connector):
    name = "komxwork"
    settings: dict[str, Any] = {"path": "", "ready_suffix": ".ready", "elements": {}, "manifest": True,
                                "meta_folder": "_ekte", "batch_minutes": 60}

    @classmethod
    def export_files(cls, location: Path) -> list[Path]:
        """``<uuid>.pdf`` and its index, marker and transfer note: every file named after the uuid."""
        pdf = Path(location)
        return [pdf, *sorted(p for p in pdf.parent.glob(f"{pdf.stem}.*") if p != pdf)] if pdf.parent.is_dir() \
            else [pdf]

    @classmethod
    def forget(cls, workdir: Path, sha256: str, location: Path) -> dict[str, list[Any]] | None:
        """Its batch manifests no longer list it (:mod:`ekte.connectors.komxwork_forget`)."""
        from ekte.connectors.komxwork_forget import forget

        return forget(Path(workdir), Path(location))

    @classmethod
    def check(cls, config: dict[str, Any]) -> None:
        els = dict(config["elements"] or DEFAULT_ELEMENTS)
        for name, key in els.items():
            if not _NCNAME.match(name):
                raise ConfigError(f"connectors.komxwork.elements: '{name}' is not a valid XML element name")
            if key not in RECORD_KEYS:
                raise ConfigError(f"connectors.komxwork.elements.{name}: unknown key '{key}' "
                                  f"(known: {', '.join(RECORD_KEYS)})")
        missing = [k for k in REQUIRED if k not in els.values()]
        if missing:
            raise ConfigError(f"connectors.komxwork.elements: the index needs {', '.join(missing)}")
        for reserved, what in (("Felder", "the extracted fields"), (NOTE_ELEMENT, "the transfer note's reference")):
            if reserved in els:
                raise ConfigError(f"connectors.komxwork.elements: '{reserved}' is reserved for {what}")
        sfx = str(config["ready_suffix"])
        if sfx and (not sfx.startswith(".") or "/" in sfx or sfx in (".pdf", ".xml", NOTE_SUFFIX)):
            raise ConfigError("connectors.komxwork.ready_suffix: a suffix such as '.ready' (or empty)")
        meta = str(config["meta_folder"] or "")
        if meta and not Path(meta).is_absolute() and (".." in Path(meta).parts or meta.startswith(".")):
            raise ConfigError("connectors.komxwork.meta_folder: a plain subfolder name such as '_ekte', "
                              "an absolute path, or \"\" (beside the documents)")
        if not meta and not sfx:  # fresh43 F6: stapel-*.xml and index.xsd would lie beside the indexes
            raise ConfigError("connectors.komxwork: meta_folder \"\" needs a ready_suffix such as '.ready' "
                              "(with neither, an importer that takes every *.xml would take the manifests)")
        try:
            minutes = float(config["batch_minutes"])
        except (TypeError, ValueError):
            minutes = -1.0
        if not 0 <= minutes < float("inf"):
            raise ConfigError("connectors.komxwork.batch_minutes: minutes (0: one batch per run)")

    def __init__(self, config, workdir, profile):
        super().__init__(config, workdir, profile)
        els = dict(self.config["elements"] or DEFAULT_ELEMENTS)
        self.batch_seconds = float(self.config["batch_minutes"]) * 60
        self.elements = els
        self.xsd_bytes = schema_for(els)
        self.schema = etree.XMLSchema(etree.fromstring(self.xsd_bytes))
        self.batch_id: str | None = None  # set by the batch's first document
        self.batch_start = 0.0
        self.ledger = Ledger(self.workdir, "komxwork", LEDGER_DDL)
        self.me = owner()
        self._prepared = False

    def written_places(self) -> list[tuple[Path, int]]:
        """The hot folder and the folder of the schema and manifests (flat both)."""
        return [(self.root(), 0)] + ([(self.meta_dir(), 0)] if self.meta_dir() != self.root() else [])

    def prepared_meta(self) -> Path:
        """The meta folder, by the export folder's rule: below the hot folder or inside the working directory
        ekte's own (made); an absolute path elsewhere must exist (:meth:`require_dir`)."""
        meta = self.meta_dir()
        if Path(str(self.config["meta_folder"] or "")).is_absolute() and not inside(meta, self.workdir):
            self.require_dir(meta, "meta_folder", "meta folder")
        return meta

    def meta_dir(self) -> Path:
        """Where ``index.xsd`` and the manifests go."""
        meta = str(self.config["meta_folder"] or "")
        return self.root() / meta if meta else self.root()

    def _prepare(self) -> Path:
        root = self.prepare_root()
        if not self._prepared:
            xsd = self.prepared_meta() / SCHEMA_NAME
            self.check_below(xsd)
            if not xsd.is_file() or xsd.read_bytes() != self.xsd_bytes:
                self.write_bytes(xsd, self.xsd_bytes)
            self._prepared = True
        return root

    def index_xml(self, rec: dict[str, Any], note_sha256: str | None = None) -> bytes:
        """The index of *rec*; with *note_sha256*, the reference to the
        transfer note ``rec["transfer_note"]`` (its name in the hot folder)."""
        E = ElementMaker(namespace=NS, nsmap={None: NS})  # noqa: N806
        root = E.Index(version="1")
        for name, key in self.elements.items():
            v = rec.get(key)
            if v is None:
                continue
            etree.SubElement(root, f"{{{NS}}}{name}").text = str(v)
        if note_sha256:
            etree.SubElement(root, f"{{{NS}}}{NOTE_ELEMENT}", sha256=note_sha256).text = rec["transfer_note"]
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
        pdf, idx, note = root / f"{u}.pdf", root / f"{u}.xml", root / f"{u}{NOTE_SUFFIX}"
        note_data = read_transfer_note(doc, Path(archive_dir))  # None: born-digital, no note
        note_sha = fsutil.sha256_bytes(note_data) if note_data is not None else None
        rec["transfer_note"] = note.name if note_sha else None  # its name here, not its archive path
        sfx = str(self.config["ready_suffix"])
        trigger = root / f"{u}{sfx}" if sfx else idx
        entry = {"dokument_id": u, "datei": pdf.name, "idx": idx.name, "sha256": rec["sha256"]}
        self.check_below(pdf, idx, note, trigger)
        already = trigger.exists() and pdf.is_file() and fsutil.sha256_file(pdf) == rec["sha256"] and \
            (note_sha is None or (note.is_file() and fsutil.sha256_file(note) == note_sha))
        if not already and not self.forced and self._delivered(entry):
            # handed over before (the ledger says so) and taken by the DMS since: not again unless --force
            return ExportResult(str(pdf), already=True)
        if not already and (other := self._other_copy(pdf, trigger, rec)) is not None:
            return other
        data = b"" if already else self.index_xml(rec, note_sha)
        try:
            if not already:
                try:  # never replaced: another working directory may be writing the same document (fresh43 F3)
                    self.copy_file(Path(archive_dir) / ARCHIVE_PDF, pdf, replace=False)
                except FileExistsError:
                    if (other := self._other_copy(pdf, trigger, rec)) is not None:
                        return other
                if note_data is not None:  # before the index and the marker, like the PDF
                    self.write_bytes(note, note_data)
                self.write_bytes(idx, data)
                if sfx:
                    self.write_bytes(trigger, b"")
            # there from an earlier export: one that a killed run wrote but did not record gets into this batch
            self._record(entry, only_if_new=already)
            self._close_batch_if_old()
        except OSError as e:
            raise ExportError(f"cannot write to the hot folder: {e.strerror or e}", transient=True) from None
        except sqlite3.Error as e:
            raise ExportError(f"cannot record the export for the batch manifest ({e})", transient=True) from None
        return ExportResult(str(pdf), already=already)

    def _other_copy(self, pdf: Path, trigger: Path, rec: dict[str, Any]) -> ExportResult | None:
        """``<uuid>.pdf`` there with other bytes: another archival copy of the same original, handed over
        by another working directory (the uuid is the original's).  Left alone: "already exported" once its
        last file is there (not in this batch's manifest: not this copy's bytes); while it is being written,
        a transient failure (asked again); without its marker for ABANDONED_AFTER: an error, replaced by --force."""
        try:
            if fsutil.sha256_file(pdf) == rec["sha256"]:
                return None  # this document's own bytes (a killed run's): its other files are written
        except FileNotFoundError:
            return None
        if trigger.exists():
            return ExportResult(str(pdf), already=True,
                                note="another archival copy of the same original is in the hot folder")
        if time.time() - pdf.stat().st_mtime < ABANDONED_AFTER:
            raise ExportError("another export is writing this document into the hot folder (no "
                              f"{trigger.suffix or '.xml'} yet); tried again later", transient=True)
        if not self.forced:  # a run killed before its marker (review43 F1): said once, not retried for ever
            raise ExportError(f"an abandoned {pdf.name} of other bytes without its {trigger.suffix or '.xml'} is in "
                              "the hot folder: remove it, or export again with --force (which replaces it)")
        pdf.unlink(missing_ok=True)  # (its index and note are replaced as they are written)
        return None

    def _delivered(self, entry: dict[str, str]) -> bool:
        """Does the ledger record this document (uuid and hash) as handed
        over to this hot folder?  (fresh37 F2: after ``journal rebuild`` the
        journal no longer says so, the files are gone to the DMS.)"""
        try:
            with self.ledger.tx() as db:
                return db.execute("SELECT 1 FROM entries WHERE root IN (?,?) AND dokument_id=? AND sha256=?",
                                  (self._root_key(), str(self.root()), entry["dokument_id"],
                                   entry["sha256"])).fetchone() is not None
        except sqlite3.Error as e:
            raise ExportError(f"cannot read the connector's ledger ({e})", transient=True) from None

    # -- the batch manifest
    def _record(self, entry: dict[str, str], only_if_new: bool = False) -> None:
        """Note a handed-over document for this batch's manifest (durably,
        before the pipeline records the export)."""
        root = self._root_key()
        if self.batch_id is None:
            self.batch_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            self.batch_start = time.monotonic()
        with self.ledger.tx() as db:
            if only_if_new and db.execute("SELECT 1 FROM entries WHERE root IN (?,?) AND dokument_id=?",
                                          (root, str(self.root()), entry["dokument_id"])).fetchone():
                return
            # without manifests the entry is kept all the same (what was handed over), marked as in none ("")
            db.execute("INSERT OR IGNORE INTO entries VALUES (?,?,?,?,?,?,?,?,?)",
                       (root, entry["dokument_id"], entry["datei"], entry["idx"], entry["sha256"], self.batch_id,
                        self.me, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        None if self.config["manifest"] else ""))

    def _root_key(self) -> str:
        """The hot folder as the ledger records it: absolute, so that
        ``retention delete`` finds it from any current directory."""
        return str(self.root().resolve())

    def _close_batch_if_old(self) -> None:
        """Write this batch's manifest once the batch is ``batch_minutes``
        old; the next document starts a new batch.  A manifest that cannot
        be written now is written at the next try (the ledger keeps it)."""
        if not (self.config["manifest"] and self.batch_seconds and self.batch_id) or \
                time.monotonic() - self.batch_start < self.batch_seconds:
            return
        try:
            self.write_manifests()
        except (OSError, sqlite3.Error, ExportError) as e:
            log.warning("hot folder: batch manifest not written yet (%s)", getattr(e, "strerror", None) or e)
            return
        self.batch_id = None

    def manifest_xml(self, batch_id: str, entries: list[dict[str, str]]) -> bytes:
        E = ElementMaker(namespace=NS, nsmap={None: NS})  # noqa: N806
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        items = [E.Eintrag(dokumentID=e["dokument_id"], datei=e["datei"], index=e["idx"], sha256=e["sha256"])
                 for e in entries]
        root = E.Stapel(*items, id=batch_id, erstellt=created, anzahl=str(len(entries)))
        self.schema.assertValid(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def write_manifests(self) -> list[Path]:
        """Write the manifest of this batch and of every batch whose process
        died before it wrote its own (a live process's batch is left to
        it).  Returns the manifests written."""
        if not self.config["manifest"] or not self.ledger.exists():
            return []
        roots = (self._root_key(), str(self.root()))  # (before 2026-12 the root as given: maybe relative)
        written: list[Path] = []
        with self.ledger.tx() as db:
            batches: dict[str, list[dict[str, str]]] = {}
            for r in db.execute("SELECT * FROM entries WHERE root IN (?,?) AND manifest IS NULL "
                                "ORDER BY time, dokument_id", roots):
                mine = r["batch"] == self.batch_id and r["owner"] == self.me
                if mine or (r["owner"] != self.me and not owner_alive(r["owner"])):
                    batches.setdefault(r["batch"], []).append(dict(r))
            for batch_id, entries in sorted(batches.items()):
                name = f"stapel-{batch_id}.xml"
                self.prepare_root()
                self.write_bytes(self.prepared_meta() / name, self.manifest_xml(batch_id, entries))
                # absolute (before 2026-11 the name alone, before 2026-12 maybe relative to the then cwd)
                db.execute("UPDATE entries SET manifest=? WHERE root IN (?,?) AND batch=? AND manifest IS NULL",
                           (str((self.meta_dir() / name).resolve()), *roots, batch_id))
                written.append(self.meta_dir() / name)
        return written

    def close(self) -> None:
        try:
            self.write_manifests()
        except (OSError, sqlite3.Error, ExportError) as e:
            log.warning("hot folder: batch manifest not written (%s); the next run writes it",
                        getattr(e, "strerror", None) or e)
        finally:
            self.ledger.close()

