"""TR-RESISCAN transfer notes (BSI TR-03138 "Transfervermerk").

A document counts as *scanned* when it arrived as an image (TIFF, JPEG,
PNG) or as a PDF some of whose pages needed OCR (``doc.ocr["ocr_pages"]``).
For each one the archive stage writes ``transfervermerk.xml`` (namespace
``urn:ekte:transfervermerk:1``, schema ``schemas/transfervermerk-1.xsd``
shipped with ekte): the process as the profile's ``[resiscan]`` section
describes it, the scan product as ekte measured it (file, SHA-256, pages,
resolution, colour depth, compression), how the archival copy was made,
the quality checks (the one done at the scan station, ekte's automatic
checks, the sample-check flag) and the integrity measures.  The note is
embedded in the archival PDF as a PDF/A-3 associated file (relationship
``Supplement``) and named in its XMP (``dc:relation``)."""

from __future__ import annotations

import functools
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile

NS = "urn:ekte:transfervermerk:1"
NOTE = "transfervermerk.xml"
MIME = "application/xml"
DESCRIPTION = "Transfervermerk nach BSI TR-03138 (TR-RESISCAN)"
XMP_RELATION = "urn:ekte:transfervermerk:" + NOTE
_NS_UUID = uuid.UUID("0c6f1e52-8d8b-5f3c-9a55-2b8e4f7d1c39")

#: PIL image modes → colour depth as a clerk reads it
_MODES = {"1": "1 bit (schwarz/weiß)", "L": "8 bit Graustufen", "P": "8 bit Farbpalette", "RGB": "24 bit Farbe",
          "RGBA": "32 bit Farbe mit Alphakanal", "CMYK": "32 bit CMYK", "I;16": "16 bit Graustufen",
          "LA": "8 bit Graustufen mit Alphakanal", "I": "32 bit Graustufen"}
_PDF_FILTERS = {"/CCITTFaxDecode": "CCITT Fax (verlustfrei)", "/JBIG2Decode": "JBIG2", "/DCTDecode": "JPEG",
                "/JPXDecode": "JPEG 2000", "/FlateDecode": "Flate (verlustfrei)", "/RunLengthDecode": "RLE",
                "/LZWDecode": "LZW (verlustfrei)"}
_TIFF = {"group4": "CCITT G4 (verlustfrei)", "group3": "CCITT G3 (verlustfrei)", "tiff_lzw": "LZW (verlustfrei)",
         "tiff_adobe_deflate": "Deflate (verlustfrei)", "tiff_deflate": "Deflate (verlustfrei)",
         "jpeg": "JPEG", "raw": "unkomprimiert", "packbits": "PackBits (verlustfrei)"}


@functools.lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    path = Path(__file__).with_name("schemas") / "transfervermerk-1.xsd"
    return etree.XMLSchema(etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)))


def schema_path() -> Path:
    return Path(__file__).with_name("schemas") / "transfervermerk-1.xsd"


def validate(data: bytes) -> str | None:
    """None when *data* is a valid transfer note, else where it is not
    (the element and the kind of error, never a value)."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as e:
        return f"not well-formed XML (line {e.lineno})"
    s = schema()
    if s.validate(root):
        return None
    e = s.error_log.last_error
    return f"{e.path}: {e.type_name}" if e else "invalid"


def is_scanned(doc: "Document") -> bool:
    """A scan: an image, or a PDF some of whose pages needed OCR (office
    documents, text and e-mail bodies converted by LibreOffice are not)."""
    from ekte.stages.intake import JPEG, PDF, PNG, TIFF

    return doc.media_type in (TIFF, JPEG, PNG) or (doc.media_type == PDF and bool(doc.ocr.get("ocr_pages")))


def selected_for_sample(sha256: str, every: int) -> bool:
    """Every Nth scan on average, chosen by its SHA-256: stable across
    re-runs and not foreseeable at the scan station."""
    return every > 0 and int(sha256[:15], 16) % every == 0


def _image_facts(path: Path) -> tuple[int, list[dict[str, Any]]]:
    from PIL import Image

    out = []
    with Image.open(path) as im:
        count = getattr(im, "n_frames", 1)
        for i in range(min(count, 200)):
            im.seek(i)
            dpi = im.info.get("dpi")
            comp = im.info.get("compression")
            out.append({"dpi": round(float(dpi[0])) if dpi and dpi[0] else None, "depth": _MODES.get(im.mode, im.mode),
                        "compression": _TIFF.get(comp, comp) if comp else
                        {"JPEG": "JPEG", "PNG": "Deflate (verlustfrei)"}.get(im.format or "", im.format)})
    return count, out


def _pdf_facts(path: Path, pages: list[int]) -> tuple[int, list[dict[str, Any]]]:
    import pikepdf

    out = []
    with pikepdf.open(path) as pdf:
        count = len(pdf.pages)
        for n in pages[:200]:
            page = pdf.pages[n - 1]
            imgs = list(page.get_images().values())  # nested in form XObjects too (Page.images is deprecated)
            if not imgs:
                continue
            img = max(imgs, key=lambda x: int(x.get("/Width", 0)) * int(x.get("/Height", 0)))
            width_pt = float(page.mediabox[2]) - float(page.mediabox[0])
            filt = img.get("/Filter")
            filt = filt[0] if isinstance(filt, pikepdf.Array) and len(filt) else filt
            bpc, cs = int(img.get("/BitsPerComponent", 8)), str(img.get("/ColorSpace", ""))
            comps = 3 if "RGB" in cs else 4 if "CMYK" in cs else 1
            depth = "1 bit (schwarz/weiß)" if bpc == 1 else \
                f"{bpc * comps} bit " + ("Farbe" if comps > 1 else "Graustufen")
            out.append({"dpi": round(int(img.get("/Width", 0)) / (width_pt / 72)) if width_pt > 0 else None,
                        "depth": depth, "compression": _PDF_FILTERS.get(str(filt), str(filt) if filt else "unkomprimiert")})
    return count, out


def scan_facts(original: Path, media_type: str, ocr_pages: list[int]) -> dict[str, Any]:
    """Resolution (the lowest of the scanned pages), colour depths and
    compressions measured in the scan product; empty where unknown."""
    from ekte.stages.intake import PDF

    try:
        count, pages = _pdf_facts(original, ocr_pages) if media_type == PDF else _image_facts(original)
    except Exception:  # noqa: BLE001 - a fact we cannot measure is left out, never a failure
        count, pages = None, []
    dpis = [p["dpi"] for p in pages if p.get("dpi")]
    join = lambda key: ", ".join(dict.fromkeys(str(p[key]) for p in pages if p.get(key)))  # noqa: E731
    return {"pages": count, "dpi": min(dpis) if dpis else None, "depth": join("depth"),
            "compression": join("compression")}


def _checks(doc: "Document", facts: dict[str, Any], want_dpi: int) -> list[tuple[str, str, str]]:
    out = []
    n = facts.get("pages")
    if n is None:
        out.append(("seitenzahl", "nicht prüfbar", f"Seiten in der Archivkopie: {doc.pages}"))
    else:
        out.append(("seitenzahl", "bestanden" if n == doc.pages else "nicht bestanden",
                    f"Seiten im Scanprodukt: {n}, in der Archivkopie: {doc.pages}"))
    if want_dpi and facts.get("dpi"):
        ok = facts["dpi"] >= want_dpi * 0.98  # rounding of page sizes
        out.append(("aufloesung", "bestanden" if ok else "nicht bestanden",
                    f"gemessen {facts['dpi']} dpi, verlangt mindestens {want_dpi} dpi"))
    elif want_dpi:
        out.append(("aufloesung", "nicht prüfbar", "das Scanprodukt gibt seine Auflösung nicht an"))
    empty = doc.ocr.get("pages_without_text") or []
    out.append(("texterkennung", "bestanden" if not empty else "nicht bestanden",
                "auf jeder Seite Text erkannt" if not empty else
                "ohne erkannten Text (leer oder unleserlich): Seite(n) " + " ".join(map(str, empty))))
    return out


def _el(parent, tag: str, text: Any = None, **attrs: Any):
    el = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = str(text)
    return el


def _opt(parent, tag: str, text: Any, **attrs: Any) -> None:
    if text not in (None, ""):
        _el(parent, tag, text, **attrs)


def build_note(doc: "Document", profile: "Profile", original: Path, created: str) -> bytes:
    """The transfer note of a scanned document (valid against the schema)."""
    from ekte import __version__
    from ekte.stages.archive import ARCHIVE_PDF, original_name

    rs = profile.resiscan
    facts = scan_facts(original, doc.media_type, doc.ocr.get("ocr_pages") or [])
    root = etree.Element(f"{{{NS}}}Transfervermerk", nsmap={None: NS}, version="1")
    _el(root, "ID", str(uuid.uuid5(_NS_UUID, doc.sha256)))
    _el(root, "Erstellt", created)
    _el(root, "Grundlage", "BSI TR-03138 (TR-RESISCAN), Transfervermerk")
    org = _el(root, "Organisation")
    for name, value in (("Behoerde", rs.organisation), ("Scanstelle", rs.scan_station),
                        ("RolleScanpersonal", rs.operator_role), ("Verfahrensdokumentation", rs.process_documentation)):
        _opt(org, name, value)
    _el(org, "Schutzbedarf", rs.protection_need)
    sv = _el(root, "Scanvorgang")
    _el(sv, "Eingang", doc.received)
    _opt(sv, "Geraet", rs.device)
    _opt(sv, "SollAufloesung", rs.resolution_dpi or None, einheit="dpi")
    _opt(sv, "Farbtiefe", rs.colour_depth)
    _opt(sv, "Kompression", rs.compression)
    sp = _el(root, "Scanprodukt")
    _el(sp, "Dateiname", original_name(doc))
    _el(sp, "Medientyp", doc.media_type)
    _el(sp, "Groesse", doc.size)
    _el(sp, "Hashwert", doc.sha256, algorithmus="SHA-256")
    _el(sp, "Seiten", max(1, doc.pages))
    scanned = doc.ocr.get("ocr_pages") or list(range(1, doc.pages + 1))
    _el(sp, "GescannteSeiten", " ".join(map(str, scanned)))
    _opt(sp, "Aufloesung", facts["dpi"], einheit="dpi")
    _opt(sp, "Farbtiefe", facts["depth"])
    _opt(sp, "Kompression", facts["compression"])
    ak = _el(root, "Archivkopie")
    _el(ak, "Dateiname", ARCHIVE_PDF)
    _el(ak, "Umwandlung", doc.archival.get("route") or doc.ocr.get("route") or "unbekannt")
    if doc.ocr.get("engine"):
        _el(ak, "Texterkennung", programm=doc.ocr["engine"], version=doc.ocr.get("engine_version") or "",
            sprache=doc.ocr.get("language") or "")
    qs = _el(root, "Qualitaetssicherung")
    _opt(qs, "Pruefung", rs.quality_check)
    for name, result, text in _checks(doc, facts, rs.resolution_dpi):
        _el(qs, "AutomatischePruefung", text, name=name, ergebnis=result)
    sel = selected_for_sample(doc.sha256, rs.sample_every)
    _el(qs, "Stichprobe", ausgewaehlt="true" if sel else "false", intervall=rs.sample_every,
        status="offen" if sel else "nicht ausgewählt")
    ints = _el(root, "Integritaetssicherung")
    _el(ints, "Massnahme", "Hashwert SHA-256 des Scanprodukts (hier) und der Archivkopie (metadata.json)")
    if profile.seal.enabled:
        _el(ints, "Massnahme", "Elektronisches Siegel der Archivkopie (PAdES) und der Metadaten (CMS)")
    if profile.timestamp.url:
        _el(ints, "Massnahme", "Qualifizierbarer Zeitstempel nach RFC 3161 über Archivkopie und Metadaten")
    _el(root, "Software", name="ekte", version=__version__)
    schema().assertValid(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def with_sample_result(data: bytes, result: str | None) -> bytes:
    """The note with the sample check's result (``bestanden`` / ``nicht
    bestanden``) where it was open; unchanged otherwise."""
    if not result:
        return data
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    st = root.find(f".//{{{NS}}}Stichprobe")
    if st is None or st.get("status") != "offen":
        return data
    st.set("status", result)
    schema().assertValid(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def summary(data: bytes) -> dict[str, Any]:
    """What metadata.json records about a note."""
    from ekte import fsutil

    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    st = root.find(f"{{{NS}}}Qualitaetssicherung/{{{NS}}}Stichprobe")
    checks = {e.get("name"): e.get("ergebnis") for e in root.iter(f"{{{NS}}}AutomatischePruefung")}
    return {"file": NOTE, "sha256": fsutil.sha256_bytes(data), "schema": NS,
            "sample_check": st.get("status") if st is not None else None, "checks": checks}


def from_pdf(pdf_path: Path) -> bytes | None:
    """The transfer note embedded in an archival PDF, if any."""
    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        spec = pdf.attachments.get(NOTE)
        return spec.get_file().read_bytes() if spec is not None else None
