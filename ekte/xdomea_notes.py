"""A scan's TR-RESISCAN transfer note that an xdomea message carries as an
``Anlage`` (Typ ``Transfervermerk``) of its Dokument — as ekte's xdomea
connector sends a scan's note.

``ekte import-xdomea`` does not make the note a document of its own: it is
evidence about the sender's scan.  It keeps the note with the Dokument it
belongs to — in the document's provenance (``provenance.xdomea.
transfervermerke``: the Anlage's UUID, the file's original name, time and
SHA-256, and the note's XML) — and the xdomea connector sends it again as
that Dokument's Anlage, byte for byte (so its Hash stays the sender's).
Never as active content of the PDF: an archival PDF's embedded copy is
removed by the sanitizer like any embedded file.

A note is kept only when its file is in the container, not larger than
:data:`MAX_NOTE`, matches the message's SHA-256 (4.0.0), is UTF-8 and
well-formed XML with a Transfervermerk root and no DOCTYPE, at most
:data:`MAX_NOTES` per Dokument, each file once; otherwise the entry records why it is not (``error``) and
nothing is sent for it.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from ekte import fsutil
from ekte.errors import DocumentError

NOTE_TYP = "Transfervermerk"
MAX_NOTE = 1 << 20
#: transfer notes kept for one Dokument (a scan has one; its re-scan perhaps a second)
MAX_NOTES = 2
#: an xs:dateTime (the form a message may carry again)
_DATETIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def is_datetime(value: Any) -> bool:
    return isinstance(value, str) and bool(_DATETIME.match(value))


def _text(el: etree._Element | None, *path: str) -> str | None:
    for name in path:
        el = None if el is None else next((c for c in el if isinstance(c.tag, str)
                                           and etree.QName(c).localname == name), None)
    return (el.text or "").strip() or None if el is not None else None


def is_note(anlage: etree._Element) -> bool:
    return _text(_body(anlage), "Typ") == NOTE_TYP


def _body(anlage: etree._Element) -> etree._Element:
    """4.0.0 wraps the Anlage's Dokument, 3.x extends one."""
    inner = next((c for c in anlage if isinstance(c.tag, str) and etree.QName(c).localname == "Dokument"), None)
    return anlage if inner is None else inner


#: a note's Anlage in the migration report before it was read (:func:`reported` says then what became of it)
NOTE_WHY = "a TR-RESISCAN transfer note: no document of its own; kept, sent again as Anlage"


def reported(report: dict[str, Any], notes: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A Dokument's migration report once its *notes* were read (:func:`take`): each kept note under ``kept``
    (``Dokument/Anlage/<file>``), each one not kept under ``dropped`` with the reason; before, every note's
    Anlage stood under ``dropped`` as "kept"."""
    if not notes:
        return report
    dropped = [d for d in report.get("dropped", []) if d.get("why") != NOTE_WHY]
    kept = list(report.get("kept", []))
    for n in notes:
        where = f"Dokument/Anlage/{n.get('datei') or '?'}"
        if "xml" in n:
            kept.append(where)
        else:
            dropped.append({"element": where, "why": f"a TR-RESISCAN transfer note, {n.get('error') or 'not kept'}"})
    return {**report, "kept": kept, "dropped": dropped}


def describe(anlage: etree._Element) -> dict[str, Any]:
    """What the message says of a note's Anlage (values as given, untrusted)."""
    el = _body(anlage)
    pd = ("Version", "Format", "Primaerdokument")
    algo = (_text(el, *pd, "Hash", "Algorithmus", "code") or "").upper()
    out = {"uuid": _text(el, "Identifikation", "xdomeaUUID") or _text(el, "Identifikation", "ID"),
           "datei": _text(el, *pd, "Dateiname"), "datei_original": _text(el, *pd, "DateinameOriginal"),
           "datum_uhrzeit": _text(el, *pd, "DatumUhrzeit"),
           "hash": (_text(el, *pd, "Hash", "Wert") or "").lower() if algo in ("SHA-256", "SHA256") else None}
    return {k: v for k, v in out.items() if v}


def take(pkg: Any, notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each described note with its XML (``xml``, ``sha256``) read from the
    container *pkg* and checked, or with the ``error`` that kept it out."""
    out, seen = [], set()
    for i, n in enumerate(notes):
        n = dict(n)
        datei = n.get("datei") or ""
        if i >= MAX_NOTES or datei in seen:  # review43 F2: 64 Anlagen naming one 1 MiB file were 64 MiB kept
            n["error"] = "not kept: more than one note of this document names that file" if datei in seen else \
                f"not kept: more than {MAX_NOTES} transfer notes for one document"
            out.append(n)
            continue
        seen.add(datei)
        try:
            data = pkg.read(datei, limit=MAX_NOTE)
            sha = fsutil.sha256_bytes(data)
            if n.get("hash") and n["hash"] != sha:
                raise DocumentError("hash_mismatch", "the note's SHA-256 does not match the message")
            text = data.decode("utf-8")
            _check_xml(data)
        except DocumentError as e:
            n["error"] = e.message
        except (UnicodeDecodeError, etree.XMLSyntaxError, ValueError):
            n["error"] = "the note is not well-formed UTF-8 XML"
        else:
            n.update(sha256=sha, xml=text)
        out.append(n)
    return out


def _check_xml(data: bytes) -> None:
    """Well-formed XML (nothing resolved, loaded or fetched) whose root is a transfer note, without a DOCTYPE:
    the note is sent on byte for byte, so a receiver that expands entities must not get one from ekte
    (review43 F3).  Raises XMLSyntaxError or DocumentError."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    if root.getroottree().docinfo.doctype:
        raise DocumentError("bad_xml", "the note carries a DOCTYPE: not kept")
    if "transfervermerk" not in etree.QName(root).localname.lower():
        raise DocumentError("bad_xml", "the note's root element is no Transfervermerk: not kept")


def carried(given: dict[str, Any]) -> list[tuple[dict[str, Any], bytes]]:
    """The notes an imported document came with, ready to send again:
    (what the message said, the note's bytes) — those whose bytes still
    match their recorded SHA-256."""
    out = []
    for n in given.get("transfervermerke") or []:
        if not isinstance(n, dict) or not isinstance(n.get("xml"), str):
            continue
        data = n["xml"].encode("utf-8")
        if fsutil.sha256_bytes(data) == n.get("sha256"):
            out.append((n, data))
    return out


def sent_name(original: str | None, ext: str) -> str | None:
    """``DateinameOriginal``: the original file's name with the extension of
    the file sent (a TIFF scan or a text file goes as a PDF: ``x.tif`` → ``x.pdf``)."""
    if not original:
        return None
    # a path's last segment (not at a \xNN escape), control characters escaped (untrusted, review43 F5)
    original = "".join(c if c.isprintable() else f"\\x{ord(c):02x}"
                       for c in re.split(r"/|\\(?!x[0-9a-fA-F]{2})", original)[-1]).strip()
    stem, dot, _suffix = original.rpartition(".")
    return None if original in ("", ".", "..") else (stem if dot and stem else original) + ext
