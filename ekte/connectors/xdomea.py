"""xdomea ``FVDaten.SGOAblegen.0605``: hand new records to the DMS for filing.

ekte acts as a *Fachverfahren*.  Each export is one ZIP container holding
the message and the primary files; one Vorgang per container, its
Dokumente the document and (when a group is exported together, see
``export_group``) the further documents of the same Vorgang.

Names and identities, by the rules of the xdomea specification that no
schema checks (``xdomea-examples/v4.0.0/README.md``: spec p. 10, §2.4,
§3.3.13, §5.1.30, §5.1.44):

* **4.0.0**: container ``<ProzessID>_0605_<LfdNr>.zip`` with the message
  ``<ProzessID>_0605_<LfdNr>.xml``.  The ProzessID stands for the Vorgang
  (every message about one Vorgang shares it); ``LfdNr`` counts the 0605
  messages of that Prozess (1, 2, …); every message has a fresh
  ``nachrichtenUUID`` of its own.
* **3.1.0**: container ``<ProzessID>_FVDaten.SGOAblegen.0605.zip`` with
  ``<ProzessID>_FVDaten.SGOAblegen.0605.xml``.  A 3.x message has no UUID
  of its own and a Prozess holds one message per type, so every message
  is a Prozess of its own.
* Vorgang and Dokument keep their UUIDs in every message (a document
  delivered by xdomea keeps the UUIDs it came with); every primary file is
  named ``<UUID>.pdf`` (the rule allows ``<UUID>.<ext>`` or
  ``<UUID>_<Betreff>.<ext>``; a Betreff may name a person) after a UUID of
  its own, never the Dokument's (a Dokument may have several versions,
  each its own file).
* A scanned document's TR-RESISCAN transfer note (``transfervermerk.xml``
  of its archive folder) travels as the Dokument's ``Anlage``: a Dokument
  of its own (UUID derived from the Dokument's, Betreff "Transfervermerk
  (TR-RESISCAN)", Typ "Transfervermerk") whose Version has one Format,
  code 030 (XML) version 1.0, with the note as primary file
  ``<UUID>_Transfervermerk.xml`` after a UUID of its own (in 4.0.0 with
  its SHA-256).  Not a second Format of the scan's Version: a Format is
  the same content in another file format, the note is another document
  about the scan.  Born-digital documents have no Anlage; an imported one
  carries the notes it came with again (:mod:`ekte.xdomea_notes`).
* ``Format/Version`` is the PDF/A part and conformance the archival PDF
  declares (``PDF/A-2b``, ``PDF/A-3b``), or its PDF version.

Sent again: a message for the same Vorgang with the same documents is the
same message; documents that went in an earlier message are not sent
again.  The ledger (``<workdir>/state/xdomea.sqlite``) records each message
— Prozess, number, nachrichtenUUID, members — *before* its container is
written (with a Vorgang's first message its metadata, which later messages
repeat: ``xdomea_vorgang``): a repeated export reports "already exported"
(also after the DMS took the container away), a retry after a crash writes
the recorded message again.  It also records which document each imported
UUID was sent on for: one met again for another document gets ekte's own.

Versions: 4.0.0 (default; with ``Primaerdokument/Hash``) and 3.1.0.  Each
message is validated before it is written when ``schema_dir`` names the
official schemas (the folder holding ``3.1.0/``/``4.0.0/`` or the version
folder itself); otherwise the journal records it was not validated.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from ekte import fsutil, xdomea_notes
from ekte.connectors.base import Connector, ExportError, ExportResult
from ekte.connectors.common import EKTE_NS, doc_uuid, group_key, read_transfer_note, record, schema_error
from ekte.connectors.ledger import CLAIMS_DDL, Ledger
from ekte.connectors.xdomea_message import (MESSAGE, MESSAGE_CODE, MESSAGE_XSD, NOTE_TYP, XML_FORMAT,
                                            build_message)
from ekte.connectors.xdomea_vorgang import VORGANG_DDL, fixed, metadata
from ekte.connectors.xdomea_vorgang import given as _given
from ekte.errors import ConfigError
from ekte.evidence.resiscan import NOTE
from ekte.stages.archive import ARCHIVE_PDF
from ekte.xdomea_notes import sent_name

VERSIONS = ("4.0.0", "3.1.0")
LEDGER_DDL = """
CREATE TABLE IF NOT EXISTS messages (
    root TEXT NOT NULL,          -- the export folder
    version TEXT NOT NULL,
    vorgang TEXT NOT NULL,       -- the Vorgang's UUID
    prozess_id TEXT NOT NULL,
    lfd_nr INTEGER NOT NULL,     -- running number of the 0605 messages of the Vorgang
    nachricht_uuid TEXT NOT NULL,
    members TEXT NOT NULL,       -- the documents' SHA-256, sorted, comma-separated
    container TEXT NOT NULL,
    state TEXT NOT NULL,         -- 'writing' (recorded before the write) | 'written' | 'withdrawn' (deleted)
    time TEXT NOT NULL,
    PRIMARY KEY (root, version, vorgang, lfd_nr)
);
"""


def container_name(version: str, prozess_id: str, lfd_nr: int = 1, ext: str = ".zip") -> str:
    """The container (or, with ``ext=".xml"``, message) name by the rule of *version*."""
    if version.startswith("4"):
        return f"{prozess_id}_{MESSAGE_CODE}_{lfd_nr}{ext}"
    return f"{prozess_id}_{MESSAGE}{ext}"


def prozess_id(version: str, vorgang: str, lfd_nr: int) -> str:
    """4.0.0: one Prozess per Vorgang; 3.x: one per message."""
    key = f"xdomea-prozess:{vorgang}" + ("" if version.startswith("4") else f":{lfd_nr}")
    return str(uuid.uuid5(EKTE_NS, key))


def file_uuid(sha256: str) -> str:
    """The UUID of a primary file: its own, from the file's content."""
    return str(uuid.uuid5(EKTE_NS, f"xdomea-primaerdokument:{sha256}"))


def note_entry(data: bytes, dokument_uuid: str) -> dict[str, Any]:
    """The Anlage entry for a scanned document's transfer note (*data*):
    one UUID per Dokument for the Anlage; its file ``<UUID>_Transfervermerk.xml``
    after a UUID of the note's content."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    sha = fsutil.sha256_bytes(data)
    return {"uuid": str(uuid.uuid5(EKTE_NS, f"xdomea-transfervermerk:{dokument_uuid}")),
            "file": f"{file_uuid(sha)}_{NOTE_TYP}.xml", "format": XML_FORMAT, "original": NOTE,
            "created": root.findtext("{*}Erstellt"), "sha256": sha}


def carried_entry(n: dict[str, Any], data: bytes, dokument_uuid: str, free) -> dict[str, Any]:
    """The Anlage entry for a transfer note an imported document came with
    (*n*: what its message said): its Anlage UUID kept, a file of its own."""
    try:
        anlage = str(uuid.UUID(n.get("uuid") or ""))
    except ValueError:
        anlage = ""
    if not anlage or anlage == dokument_uuid or not free(anlage):
        anlage = str(uuid.uuid5(EKTE_NS, f"xdomea-transfervermerk:{dokument_uuid}:{n['sha256']}"))
    created = n.get("datum_uhrzeit")
    return {"uuid": anlage, "file": f"{file_uuid(n['sha256'])}_{NOTE_TYP}.xml", "format": XML_FORMAT,
            "original": sent_name(n.get("datei_original"), ".xml") or NOTE,
            "created": created if xdomea_notes.is_datetime(created) else None, "sha256": n["sha256"]}


@lru_cache(maxsize=8)
def load_schema(schema_dir: str, version: str) -> etree.XMLSchema:
    """The compiled 0605 message schema from *schema_dir* (the folder with
    the version folders, or a version folder itself)."""
    base = Path(schema_dir).expanduser()
    for cand in (base / version / MESSAGE_XSD, base / MESSAGE_XSD):
        if cand.is_file():
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            return etree.XMLSchema(etree.parse(str(cand), parser))
    raise ConfigError(f"connectors.xdomea.schema_dir: no {version}/{MESSAGE_XSD} in {base}")


def pdf_format(path: Path) -> dict[str, str]:
    """Code and version for ``Format``: 044 with the PDF/A part and
    conformance the file declares in its XMP (``PDF/A-3b``), else 018
    with the PDF version of its header."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            part, conf = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
            version = pdf.pdf_version
    except (pikepdf.PdfError, OSError):
        return {"code": "018", "version": "PDF"}
    if part and conf:
        return {"code": "044", "version": f"PDF/A-{part}{str(conf).lower()}"}
    return {"code": "018", "version": version}


class XdomeaConnector(Connector):
    name = "xdomea"
    settings: dict[str, Any] = {
        "path": "",
        "version": "4.0.0",
        "schema_dir": "",
        "sender": "",
        "recipient": "DMS",
        "ersteller": "ekte",
        "receipt": False,
        # one Vorgang per: "submission" (documents delivered together, e.g. a portal
        # application with its attachments, or the Dokumente of one imported xdomea
        # Vorgang), "aktenzeichen", or "document"
        "group_by": "submission",
    }

    @classmethod
    def check(cls, config: dict[str, Any]) -> None:
        if str(config["version"]) not in VERSIONS:
            raise ConfigError(f"connectors.xdomea.version: one of {', '.join(VERSIONS)}")
        if config["group_by"] not in ("submission", "aktenzeichen", "document"):
            raise ConfigError("connectors.xdomea.group_by: one of submission, aktenzeichen, document")

    def __init__(self, config, workdir, profile):
        super().__init__(config, workdir, profile)
        self.version = str(self.config["version"])
        self.schema = load_schema(str(self.config["schema_dir"]), self.version) \
            if self.config["schema_dir"] else None
        self.ledger = Ledger(self.workdir, "xdomea", LEDGER_DDL + VORGANG_DDL + CLAIMS_DDL)

    def group_key(self, doc) -> str | None:
        return group_key(doc, self.config["group_by"])

    def vorgang_uuid(self, docs: list[Any]) -> str:
        """The Vorgang's UUID: the one its documents were delivered with
        (an imported xdomea Vorgang), else one derived from the group (or
        from the single document), stable across messages."""
        given = {(_given(d).get("vorgang") or {}).get("uuid") for d in docs}
        if len(given) == 1 and None not in given:
            return str(given.pop())
        key = self.group_key(docs[0])
        if key is None and len(docs) == 1:
            return doc_uuid(docs[0], "xdomea-vorgang")
        return str(uuid.uuid5(EKTE_NS, f"xdomea-vorgang:{key or ','.join(sorted(d.sha256 for d in docs))}"))

    def export(self, doc, archive_dir: Path) -> ExportResult:
        return self.export_group([(doc, Path(archive_dir))])

    def export_group(self, docs: list[tuple[Any, Path]]) -> ExportResult:
        """One container with one Vorgang holding all *docs* (the first
        one leads: its Betreff and Aktenzeichen name the Vorgang when it is
        first sent; later messages repeat what was recorded then)."""
        import sqlite3

        try:
            root = self.prepare_root()
            vorgang = self.vorgang_uuid([d for d, _ in docs])
            members = ",".join(sorted(d.sha256 for d, _ in docs))
            fresh = metadata(vorgang, docs[0][0], record(docs[0][0], self.profile))
            msg, already = self._claim(root, vorgang, members, fresh)
            target = root / msg["container"]
            if already:
                return ExportResult(str(target), already=True)
            note = self._write(target, msg, vorgang, docs)
            with self.ledger.tx() as db:
                db.execute("UPDATE messages SET state='written' WHERE root=? AND version=? AND vorgang=? AND lfd_nr=?",
                           (str(root), self.version, vorgang, msg["lfd_nr"]))
        except OSError as e:
            raise ExportError(f"cannot write the xdomea container: {e.strerror or e}", transient=True) from None
        except sqlite3.Error as e:
            raise ExportError(f"cannot record the xdomea message ({e})", transient=True) from None
        return ExportResult(str(target), note=note)

    @classmethod
    def forget(cls, workdir: Path, sha256: str, location: Path) -> None:
        """A removed one-document package is no longer "sent": the same
        document exported again is written again (its number is kept)."""
        if not (Path(workdir) / "state" / "xdomea.sqlite").is_file():
            return
        ledger = Ledger(Path(workdir), "xdomea", LEDGER_DDL)
        try:
            with ledger.tx() as db:
                db.execute("UPDATE messages SET state='withdrawn' WHERE container=? AND members=?",
                           (Path(location).name, sha256))
        finally:
            ledger.close()

    # -- the ledger: numbers and "sent again"
    def _claim(self, root: Path, vorgang: str, members: str, fresh: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """The message for these members of *vorgang*: one recorded before
        (→ already sent, or to be written again after a crash), else a new
        one with the next running number, recorded before it is written.
        A message to write carries the Vorgang's recorded metadata
        (``vorgang_meta``; *fresh* when it has none yet)."""
        with self.ledger.tx() as db:
            rows = [dict(r) for r in db.execute(
                "SELECT * FROM messages WHERE root=? AND version=? AND vorgang=? ORDER BY lfd_nr",
                (str(root), self.version, vorgang))]
            for r in rows:
                if r["members"] == members:
                    done = r["state"] == "written" or _complete(root / r["container"])
                    return ({**r, "vorgang_meta": fixed(db, vorgang, fresh)} if not done else r), done
            sent = [r for r in rows if r["state"] == "written"]
            if sent and set(members.split(",")) <= {m for r in sent for m in r["members"].split(",")}:
                return sent[-1], True  # each of them went in an earlier message of this Vorgang
            disk = self._on_disk(root, vorgang, {r["lfd_nr"] for r in rows})
            for found in disk:
                if _members_of(root / found["container"]) == members:
                    found["members"] = members
                    self._insert(db, root, vorgang, found, "written")
                    return found, True
            n = max([r["lfd_nr"] for r in rows] + [f["lfd_nr"] for f in disk] + [0]) + 1
            pid = prozess_id(self.version, vorgang, n)
            msg = {"lfd_nr": n, "prozess_id": pid, "nachricht_uuid": str(uuid.uuid4()),
                   "members": members, "container": container_name(self.version, pid, n)}
            self._insert(db, root, vorgang, msg, "writing")
            msg["vorgang_meta"] = fixed(db, vorgang, fresh)
            return msg, False

    def _insert(self, db: Any, root: Path, vorgang: str, msg: dict[str, Any], state: str) -> None:
        db.execute("INSERT OR REPLACE INTO messages VALUES (?,?,?,?,?,?,?,?,?,?)",
                   (str(root), self.version, vorgang, msg["prozess_id"], msg["lfd_nr"], msg["nachricht_uuid"],
                    msg["members"], msg["container"], state, datetime.now(timezone.utc).isoformat()))

    def _on_disk(self, root: Path, vorgang: str, known: set[int]) -> list[dict[str, Any]]:
        """Containers of this Vorgang in the folder that the ledger does not
        know (a crash between writing and recording, a lost ledger)."""
        found = []
        if self.version.startswith("4"):
            pid = prozess_id(self.version, vorgang, 1)
            for p in root.glob(f"{pid}_{MESSAGE_CODE}_*.zip"):
                m = re.fullmatch(rf"{re.escape(pid)}_{MESSAGE_CODE}_(\d+)\.zip", p.name)
                if m and int(m.group(1)) not in known:
                    found.append({"lfd_nr": int(m.group(1)), "prozess_id": pid, "container": p.name})
        else:  # 3.x: one Prozess per message; the numbers run until the first gap after the known ones
            top = max(known, default=0)
            for n in range(1, top + 1000):
                pid = prozess_id(self.version, vorgang, n)
                if (root / container_name(self.version, pid, n)).is_file():
                    if n not in known:
                        found.append({"lfd_nr": n, "prozess_id": pid, "container": container_name(self.version, pid, n)})
                elif n > top:
                    break
        for f in found:
            f.update(nachricht_uuid="", members="")
        return found

    # -- the container
    def _write(self, target: Path, msg: dict[str, Any], vorgang: str, docs: list[tuple[Any, Path]]) -> str:
        entries, files = [], []  # files: (name in the container, path or bytes)
        taken: set[str] = set()  # UUIDs and file names given out in this message
        for doc, adir in docs:
            entry, its_files = self._entry(doc, adir, taken, str(target.parent))
            entries.append(entry)
            files += its_files
        created = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
        head = {"prozess_id": msg["prozess_id"], "nachricht_uuid": msg["nachricht_uuid"], "created": created,
                "sender": self.config["sender"] or self.profile.profile.title or self.profile.profile.name,
                "recipient": self.config["recipient"], "ersteller": self.config["ersteller"],
                "receipt": bool(self.config["receipt"])}
        root = build_message(self.version, head, msg["vorgang_meta"], entries)
        if self.schema is not None and not self.schema.validate(root):
            raise ExportError(f"xdomea message does not validate: {schema_error(self.schema.error_log)}")
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        with self.writer(target) as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(container_name(self.version, msg["prozess_id"], msg["lfd_nr"], ".xml"), xml)
            for name, src in files:
                if isinstance(src, bytes):
                    z.writestr(name, src)
                else:
                    z.write(src, name)
        return "validated" if self.schema is not None else "not validated (no schema_dir)"

    def _entry(self, doc: Any, adir: Path, taken: set[str], root: str) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
        """One Dokument's entry of the message and its files (name in the container, path or bytes).  An imported
        UUID is sent on when free (not in the message's *taken* yet, nor sent for another document to *root*:
        review43 F4), else ekte's own.  The entry's UUIDs and file names are added to *taken*."""
        def free(u: str) -> bool:
            return u not in taken and self.ledger.claim(root, u, doc.id)
        rec = record(doc, self.profile)
        name = f"{file_uuid(rec['sha256'])}.pdf"  # the rule's <UUID>.<ext>: no name-bearing Betreff in a file name
        rec["file"] = name
        given = _given(doc)
        g, pd = given.get("dokument") or {}, given.get("primaerdokument") or {}
        dok_uuid = g["uuid"] if g.get("uuid") and free(g["uuid"]) else rec["uuid"]
        taken.add(dok_uuid)
        data = read_transfer_note(doc, adir)
        notes = [] if data is None else [(note_entry(data, dok_uuid), data)]
        taken.update(e["uuid"] for e, _ in notes)
        for n, note in xdomea_notes.carried(given):  # the notes an imported document came with
            if note not in [d for _, d in notes]:
                notes.append((carried_entry(n, note, dok_uuid, free), note))
                taken.add(notes[-1][0]["uuid"])
        for e, _ in notes:  # the same note's bytes in two Dokumente of the message: a file each
            if e["file"] in taken:
                e["file"] = f"{file_uuid(e['sha256'] + e['uuid'])}_{NOTE_TYP}.xml"
            taken.add(e["file"])
        created = pd.get("datum_uhrzeit")
        entry = {"rec": rec, "file": name, "uuid": dok_uuid, "notes": [e for e, _ in notes],
                 "original": sent_name(pd.get("datei_original") or rec.get("source_name"), ".pdf"),
                 "created": created if xdomea_notes.is_datetime(created) else None,
                 "format": pdf_format(adir / ARCHIVE_PDF), "betreff": g.get("betreff"),
                 "kennzeichen": rec.get("dokument_kennzeichen") or rec.get("aktenzeichen"),
                 "bemerkung": g.get("bemerkung"), "typ": g.get("typ"), "history": g.get("history")}
        return entry, [(name, adir / ARCHIVE_PDF)] + [(e["file"], d) for e, d in notes]

    def close(self) -> None:
        self.ledger.close()


def _complete(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None
    except (OSError, zipfile.BadZipFile):
        return False


def _members_of(path: Path) -> str:
    """The documents (original SHA-256) a container written by ekte holds."""
    try:
        with zipfile.ZipFile(path) as z:
            xml = next(z.read(n) for n in z.namelist() if n.endswith(".xml"))
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, zipfile.BadZipFile, StopIteration, etree.XMLSyntaxError):
        return ""
    shas = [f.findtext("{*}Wert") for f in root.iter("{*}Feld") if f.findtext("{*}Name") == "ekte.original_sha256"]
    return ",".join(sorted(s for s in shas if s))
