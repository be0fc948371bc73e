"""Archive: the local archive under the working directory.

One folder per document, ``<workdir>/archive/<id[:2]>/<id>/``, written as
a whole (temp folder + fsync + rename):

* ``document.pdf`` — the archival copy (PDF/A-2b where possible) with
  standard XMP: dc:title, dc:identifier, dc:date, pdf:Keywords
* ``original.<ext>`` — the original bytes, unchanged
* ``text.txt`` — the full text, pages separated by form feeds
* ``metadata.json`` — schema-versioned metadata (``ekte.metadata/1``)
* files a plugin delivered with the document (``doc.extra["archive_files"]``,
  e.g. a portal's structured data ``data.json``), which are also embedded
  in the archival PDF when listed in ``doc.extra["embed"]`` — then it is
  PDF/A-3b with the file as an associated file (relationship ``Data``)
* ``transfervermerk.xml`` — the TR-RESISCAN transfer note of a scanned
  document, also embedded in the archival PDF (PDF/A-3b, relationship
  ``Supplement``) and named in its XMP (``ekte/evidence/resiscan.py``)
* ``metadata.json.p7s`` / ``metadata.json.tsr`` — its seal and time stamp,
  when ``[seal]`` / ``[timestamp]`` are configured; the archival PDF is then
  sealed / time-stamped too (``ekte/evidence/seal.py``)

``metadata.json`` records the SHA-256 of every other file
(``archival.files``) and the head of the journal's audit chain when it was
written (``archival.audit``, ``ekte/evidence/anchor.py``); ``ekte verify``
checks them (``ekte/evidence/verify.py``).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ekte import fsutil
from ekte.evidence import archiving, resiscan
from ekte.stages.intake import extension_for
from ekte.stages import xmp
from ekte.stages.pdfa import conforms, save_validated

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile

log = logging.getLogger("ekte.archive")

ARCHIVE_PDF = "document.pdf"
METADATA = "metadata.json"
TEXT = "text.txt"


def archive_dir(workdir: Path, doc_id: str) -> Path:
    return Path(workdir) / "archive" / doc_id[:2] / doc_id


def original_name(doc: "Document") -> str:
    return "original" + extension_for(doc.media_type)


def _xmp_values(doc: "Document", profile: "Profile", note: bytes | None = None) -> dict[str, object]:
    return xmp.values(doc, profile, note)


RESERVED = {ARCHIVE_PDF, METADATA, TEXT, *archiving.EVIDENCE_FILES}


def write_xmp(src: Path, dst: Path, doc: "Document", profile: "Profile", pdfa: bool | str,
              note: bytes | None = None, trusted: bool = False) -> bool:
    """Write *src* with ekte's XMP (and the files to embed, the transfer
    *note* among them) to *dst*.  For PDF/A (*pdfa* True = "2b", or a
    flavour such as "3b") the result is validated (pikepdf.pdfa.save
    validates what it wrote) unless *trusted*: *src* was validated as
    PDF/A-2b by the worker and nothing but ekte's XMP changes, so it is
    written with the flavour's pinned save settings, neither prepared nor
    validated again (prepare cost the coordinator 2–3 ms per document).
    Returns whether the written file is (still) valid PDF/A."""
    import pikepdf

    embeds = list(doc.extra.get("embed") or []) + ([archiving.embed_entry(note)] if note is not None else [])
    values = _xmp_values(doc, profile, note)
    with pikepdf.open(src) as pdf:
        # trusted: XMP and DocInfo agreed when the worker validated it, so only the DocInfo entries of
        # the properties set here are brought in line (pikepdf's editor reads back and converts all
        # eight mapped properties: 0.25 of write_xmp's 2.0 ms CPU per document, issue 12)
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=not trusted) as meta:
            for k, v in values.items():
                meta[k] = v
        if trusted:
            _docinfo_of(pdf, meta, values)
        for e in embeds:
            if e["name"] in pdf.attachments:
                if pdf.attachments[e["name"]].get_file().read_bytes() == e["data"]:
                    continue
                del pdf.attachments[e["name"]]  # archived again with a changed file (a sample check's result)
            pdf.attachments[e["name"]] = pikepdf.AttachedFileSpec(
                pdf, e["data"], mime_type=e.get("mime", "application/octet-stream"),
                description=e.get("description", ""), relationship=pikepdf.Name("/" + e.get("relationship", "Data")),
                filename=e["name"])
        if not pdfa:
            pdf.save(dst)
            return False
        flavour = "2b" if pdfa is True else pdfa
        if trusted:  # validated in the worker; only ekte's XMP (and the DocInfo agreeing with it) changed here
            # (see _trusted): no pikepdf.pdfa.prepare again — the worker's prepare already declared the
            # flavour, and every property set here is of a schema PDF/A predefines (test_archive_xmp)
            pdf.save(dst, **pdfa_save_kwargs(flavour))  # dst is in a staged folder
            return True
        return conforms(save_validated(pdf, dst, flavour))


def pdfa_save_kwargs(flavour: str) -> dict[str, object]:
    """``pikepdf.pdfa.resolve_save_kwargs(flavour)``: PDF/A-2b's pinned save
    settings held here (a test compares them with pikepdf's), so that the
    coordinator writes a trusted copy without importing pikepdf's PDF/A
    validator (≈ 0.2 s of CPU per run, issue 12); other flavours ask pikepdf."""
    import pikepdf

    if flavour != "2b":
        import pikepdf.pdfa

        return pikepdf.pdfa.resolve_save_kwargs(flavour)
    return {"compress_streams": True, "recompress_flate": False, "linearize": False, "progress": None,
            "deterministic_id": False, "static_id": False, "min_version": "",
            "object_stream_mode": pikepdf.ObjectStreamMode.generate, "force_version": "", "preserve_pdfa": True,
            "encryption": None, "qdf": False, "normalize_content": False,
            "stream_decode_level": pikepdf.StreamDecodeLevel.generalized, "fix_metadata_version": False}


#: XMP prefixes of the properties DocInfo has an entry for (pikepdf's DOCINFO_MAPPING)
_XMP_NS = {"dc": "http://purl.org/dc/elements/1.1/", "pdf": "http://ns.adobe.com/pdf/1.3/",
           "xmp": "http://ns.adobe.com/xap/1.0/"}


def _docinfo_of(pdf: object, meta: object, values: dict[str, object]) -> None:
    """The DocInfo entries of the XMP properties in *values* set as pikepdf's
    metadata editor sets them when it synchronises (its mapping, converters
    and encoding), each from the property as written to the XMP."""
    from pikepdf import Name
    from pikepdf.models import PdfMetadata
    from pikepdf.models.metadata._docinfo import DocinfoStore

    clark = {f"{{{_XMP_NS[k.split(':')[0]]}}}{k.split(':', 1)[1]}" for k in values
             if ":" in k and k.split(":")[0] in _XMP_NS}
    store = DocinfoStore(pdf)
    for ns, element, name, converter in PdfMetadata.DOCINFO_MAPPING:
        if f"{{{ns}}}{element}" not in clark:
            continue
        try:
            value = meta[f"{{{ns}}}{element}"]  # type: ignore[index]
        except KeyError:
            value = None
        value = converter.docinfo_from_xmp(value) if converter and value is not None else value
        if value is None:
            store.delete(Name(name))
        else:
            store.set(Name(name), value)


def write_archive(workdir: Path, doc: "Document", original: Path, archival: Path, profile: "Profile",
                  journal: object = None) -> Path:
    """Write the archive folder of *doc*; returns its path.  Updates
    ``doc.archival`` with the archival copy's hash and format.  Each file
    is hashed once, as it is written (the original's hash checked as it is
    copied); the audit chain's head is read through *journal* when given."""
    final = archive_dir(workdir, doc.id)
    again = _same_dir(Path(archival).parent, final)  # review accepted: archived once before
    note = archiving.transfer_note(doc, profile, Path(original), final if again else None)
    with fsutil.staged_dir(final) as tmp:
        src = archiving.unsealed_input(Path(archival), doc, tmp / ".unsealed.pdf") if again else Path(archival)
        archiving.reset(doc)
        if fsutil.copy_hashed(Path(original), tmp / original_name(doc)) != doc.sha256:
            _original_differs(doc, Path(original), again)
        _write_pdf(src, tmp / ARCHIVE_PDF, doc, profile, note)
        (tmp / ".unsealed.pdf").unlink(missing_ok=True)
        if note is not None:
            (tmp / resiscan.NOTE).write_bytes(note)
            doc.archival["transfer_note"] = {**resiscan.summary(note),
                                             "embedded": resiscan.NOTE in doc.archival.get("embedded", [])}
            for check, result in doc.archival["transfer_note"]["checks"].items():
                if result == "nicht bestanden":
                    doc.warnings.append(f"transfer note: the automatic check '{check}' failed")
            if doc.archival["transfer_note"]["sample_check"] == "offen":
                doc.log("archive", "sample-check", "selected for a visual comparison")
        unchanged = archiving.protect_pdf(tmp / ARCHIVE_PDF, doc, profile)  # its hash when not sealed
        doc.archival["sha256"] = unchanged or fsutil.sha256_file(tmp / ARCHIVE_PDF)
        doc.archival["file"] = ARCHIVE_PDF
        doc.archival["original"] = original_name(doc)
        text = doc.text.encode("utf-8")
        (tmp / TEXT).write_bytes(text)
        _write_beside(tmp, Path(archival), doc)
        doc.archive_path = str(final)
        doc.log("archive", "archived", f"format={doc.archival.get('format')}")
        known = {original_name(doc): doc.sha256, ARCHIVE_PDF: doc.archival["sha256"], TEXT: fsutil.sha256_bytes(text)}
        archiving.finish(tmp, doc, profile, METADATA, workdir, journal, known)
    return final


def _same_dir(a: Path, b: Path) -> bool:
    """*a* and *b* are the same existing folder (two stats; resolving both paths cost ≈ 12 lstats a document)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # (either is not there: a new document's archive folder)
        return False


def _original_differs(doc: "Document", original: Path, again: bool) -> None:
    """The original read for archiving is not the one the document is (its SHA-256 differs): archived before
    (a clerk's decision), the archive is damaged — the clear refusal of :mod:`ekte.evidence.intact`."""
    if again:
        from ekte.evidence.intact import ArchiveDamaged

        raise ArchiveDamaged(doc.id, [f"{original.name} was changed or damaged (SHA-256 differs from {METADATA})"])
    raise OSError("original copy does not match its hash")


def _write_pdf(archival: Path, target: Path, doc: "Document", profile: "Profile", note: bytes | None) -> None:
    """The archival copy with XMP and embedded files (PDF/A-3b when files are embedded)."""
    fmt = doc.archival.get("format")
    written = doc.extra.pop(xmp.WRITTEN, None)  # the XMP a worker wrote into the PDF/A it validated
    if fmt == "original":
        shutil.copyfile(archival, target)  # kept unchanged, by definition
        return
    if fmt == "PDF/A-2B" and written is not None and note is None and _trusted(doc) \
            and written == _xmp_values(doc, profile):
        shutil.copyfile(archival, target)  # its XMP is already the one to write (issue 12: not written twice)
        doc.archival["xmp"] = "written"
        return
    ok = False
    embeds = bool(doc.extra.get("embed")) or note is not None
    flavour = "3b" if fmt in ("PDF/A-2B", "PDF/A-3B") and (embeds or fmt == "PDF/A-3B") else \
        "2b" if fmt == "PDF/A-2B" else False
    try:
        ok = write_xmp(archival, target, doc, profile, pdfa=flavour, note=note,
                       trusted=flavour == "2b" and _trusted(doc))
    except Exception as e:  # noqa: BLE001 - the OCR output stays usable
        log.warning("doc %s: writing XMP failed (%s); archival copy kept without it", doc.id, type(e).__name__)
    if flavour == "3b" and ok:
        doc.archival["format"] = "PDF/A-3B"
        names = [e["name"] for e in doc.extra.get("embed") or []] + ([resiscan.NOTE] if note is not None else [])
        doc.archival["embedded"] = sorted(set(names) | set(doc.archival.get("embedded", [])))
    if flavour and not ok:
        shutil.copyfile(archival, target)
        doc.archival["xmp"] = "not written: the result did not validate as PDF/A-2b"
        doc.log("archive", "xmp-skipped", "PDF/A validation failed after XMP edit")
    elif not flavour and not target.exists():
        shutil.copyfile(archival, target)
        doc.archival["xmp"] = "not written"
    else:
        doc.archival["xmp"] = "written"


#: worker routes whose output pikepdf validated as PDF/A-2b (ekte.stages.ocr): the
#: only validation such a file needs, since archiving changes its XMP only
WORKER_VALIDATED = frozenset({"pikepdf-pdfa", "ghostscript-pdfa-verified"})


def _trusted(doc: "Document") -> bool:
    """The archival copy was validated in the worker and gets no file
    embedded here (an embedded file makes it PDF/A-3b: validated again)."""
    return doc.archival.get("route") in WORKER_VALIDATED and not doc.extra.get("embed")


def _write_beside(tmp: Path, archival: Path, doc: "Document") -> None:
    """Files a plugin delivered with the document (or, archiving again, those delivered before)."""
    for name, data in (doc.extra.get("archive_files") or {}).items():
        if name in RESERVED or name.startswith("original.") or Path(name).name != name or name.startswith("."):
            raise ValueError(f"a plugin asked to archive a file under a reserved or unsafe name: {name!r}")
        (tmp / name).write_bytes(data)
    if not doc.extra.get("archive_files") and Path(archival).parent.is_dir():
        for name in doc.archival.get("beside", []):
            old = Path(archival).parent / name
            if old.is_file() and name not in RESERVED:
                shutil.copyfile(old, tmp / name)
    if doc.extra.get("archive_files"):
        doc.archival["beside"] = sorted(doc.extra["archive_files"])
