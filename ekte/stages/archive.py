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
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ekte import fsutil
from ekte.stages.intake import extension_for

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


def _xmp_values(doc: "Document", profile: "Profile") -> dict[str, object]:
    dtid = doc.doctype or profile.classify.default_doctype
    dtype = profile.doctypes.get(dtid)
    keywords = [dtid]
    if dtype and dtype.aktenplan:
        keywords.append(dtype.aktenplan)
    az = doc.fields.get("aktenzeichen")
    if az:
        keywords.append(az.value)
    return {
        "dc:title": profile.doctype_title(dtid) or dtid,
        "dc:identifier": f"urn:ekte:{doc.id}",
        "dc:date": [dt.datetime.fromisoformat(doc.received).date().isoformat()],
        "pdf:Keywords": "; ".join(keywords),
    }


RESERVED = {ARCHIVE_PDF, METADATA, TEXT}


def write_xmp(src: Path, dst: Path, doc: "Document", profile: "Profile", pdfa: bool | str) -> bool:
    """Write *src* with ekte's XMP (and the files to embed) to *dst*.  For
    PDF/A (*pdfa* True = "2b", or a flavour such as "3b") the result is
    validated (pikepdf.pdfa.save validates what it wrote); returns whether
    the written file is (still) valid PDF/A."""
    import pikepdf
    import pikepdf.pdfa

    with pikepdf.open(src) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            for k, v in _xmp_values(doc, profile).items():
                meta[k] = v
        for e in doc.extra.get("embed") or []:
            if e["name"] in pdf.attachments:
                continue
            pdf.attachments[e["name"]] = pikepdf.AttachedFileSpec(
                pdf, e["data"], mime_type=e.get("mime", "application/octet-stream"),
                description=e.get("description", ""), relationship=pikepdf.Name("/" + e.get("relationship", "Data")),
                filename=e["name"])
        if pdfa:
            rep = pikepdf.pdfa.save(pdf, dst, "2b" if pdfa is True else pdfa)
            return bool(rep.passed)
        pdf.save(dst)
        return False


def write_archive(workdir: Path, doc: "Document", original: Path, archival: Path, profile: "Profile") -> Path:
    """Write the archive folder of *doc*; returns its path.  Updates
    ``doc.archival`` with the archival copy's hash and format."""
    final = archive_dir(workdir, doc.id)
    with fsutil.staged_dir(final) as tmp:
        shutil.copyfile(original, tmp / original_name(doc))
        if fsutil.sha256_file(tmp / original_name(doc)) != doc.sha256:
            raise OSError("original copy does not match its hash")
        fmt = doc.archival.get("format")
        target = tmp / ARCHIVE_PDF
        if fmt == "original":
            shutil.copyfile(archival, target)  # kept unchanged, by definition
        else:
            ok = False
            embeds = bool(doc.extra.get("embed"))
            flavour = "3b" if fmt in ("PDF/A-2B", "PDF/A-3B") and (embeds or fmt == "PDF/A-3B") else \
                "2b" if fmt == "PDF/A-2B" else False
            try:
                ok = write_xmp(archival, target, doc, profile, pdfa=flavour)
            except Exception as e:  # noqa: BLE001 - the OCR output stays usable
                log.warning("doc %s: writing XMP failed (%s); archival copy kept without it", doc.id, type(e).__name__)
            if flavour == "3b" and ok:
                doc.archival["format"] = fmt = "PDF/A-3B"
                doc.archival["embedded"] = sorted(e["name"] for e in doc.extra.get("embed") or []) or \
                    doc.archival.get("embedded", [])
            if flavour and not ok:
                shutil.copyfile(archival, target)
                doc.archival["xmp"] = "not written: the result did not validate as PDF/A-2b"
                doc.log("archive", "xmp-skipped", "PDF/A validation failed after XMP edit")
            else:
                doc.archival["xmp"] = "written"
        doc.archival["sha256"] = fsutil.sha256_file(target)
        doc.archival["file"] = ARCHIVE_PDF
        doc.archival["original"] = original_name(doc)
        (tmp / TEXT).write_text(doc.text, encoding="utf-8")
        for name, data in (doc.extra.get("archive_files") or {}).items():
            if name in RESERVED or name.startswith("original.") or Path(name).name != name or name.startswith("."):
                raise ValueError(f"a plugin asked to archive a file under a reserved or unsafe name: {name!r}")
            (tmp / name).write_bytes(data)
        if not doc.extra.get("archive_files") and Path(archival).parent.is_dir():
            # re-archiving (review accepted): keep the files delivered before
            for name in doc.archival.get("beside", []):
                old = Path(archival).parent / name
                if old.is_file() and name not in RESERVED:
                    shutil.copyfile(old, tmp / name)
        if doc.extra.get("archive_files"):
            doc.archival["beside"] = sorted(doc.extra["archive_files"])
        doc.archive_path = str(final)
        doc.log("archive", "archived", f"format={fmt}")
        fsutil.write_json(tmp / METADATA, doc.metadata_dict())
    return final
