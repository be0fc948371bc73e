"""The facts of ``metadata.json`` the journal knows too, compared with it
(checks ``journal`` of ``ekte verify`` and the export's check before a DMS
gets the document, :mod:`ekte.evidence.intact`): the original's SHA-256,
the document type, the pages, the arrival time (``received``: the intake's
``first_seen``, or within :data:`SLACK` of a chained intake entry, or a chained
``received-from`` entry's time), the
incoming file's name (``source``), its media type, and
its size (the original's bytes, whose hash ``files`` checks).  Without a
seal over ``metadata.json`` a forger can change what the journal does not
know (free warnings, OCR details, confidence); README's Evidence section
says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ekte.evidence.codes import Problem as P

METADATA = "metadata.json"
#: the columns of the journal's ``documents`` these checks read
COLUMNS = "id, sha256, state, doctype, pages, archive_path, source, media_type, first_seen"


def row_problems(meta: dict[str, Any], row: dict[str, Any], folder: Path, events: Any = ()) -> list[str]:
    """What *meta* says differently from the journal's *row* of the document (empty: they agree); *events*:
    the document's audit events (``event``, ``detail``), for the intake channel."""
    out = []
    if row.get("sha256") != meta.get("sha256"):
        out.append(P("journal_differs", f"{METADATA} and the journal disagree about the original's SHA-256"))
    if row.get("doctype") and row["doctype"] != meta.get("doctype"):
        out.append(P("journal_differs",
            f"{METADATA} says document type {meta.get('doctype')!r}, the journal {row['doctype']!r}"))
    if row.get("pages") is not None and str(row["pages"]) != str(meta.get("pages")):
        out.append(P("journal_differs", f"{METADATA} and the journal disagree about the number of pages"))
    events = list(events)
    if row.get("first_seen") and not _received_ok(meta, row["first_seen"], events):
        out.append(P("journal_differs", f"{METADATA} and the journal disagree about when the document was received"))
    for key, what in (("source", "the incoming file's name"), ("media_type", "the media type")):
        if key in row and row[key] is not None and row[key] != meta.get(key):
            out.append(P("journal_differs", f"{METADATA} and the journal disagree about {what}"))
    size = _original_size(meta, folder)
    if size is not None and size != meta.get("size"):
        out.append(P("journal_differs", f"{METADATA} records another size than the original's"))
    return out


#: how far ``received`` (when the run made the document, just before claiming it) may lie from a chained
#: ``intake/received`` entry (the claim's time): seconds under load; a re-run after a crash claims again
SLACK = dt.timedelta(minutes=10)


def _received_ok(meta: dict[str, Any], first_seen: str, events: list[Any]) -> bool:
    """metadata.json's ``received`` is the journal's ``first_seen``, or near a chained intake entry of this
    document, or the time a chained ``received-from`` entry chose (``--received-from mtime``: the file's
    modification time, its new value), or the sender's arrival time of an import (:func:`_given_received`)."""
    got = meta.get("received")
    if got == first_seen or _given_received(meta, events):
        return True
    t = _time(got)
    if t is None:
        return False
    if any(t == _time(_new(r)) for r in events if r["event"] == "received-from"):
        return True
    return any(abs(t - e) <= SLACK for e in
               (_time(r["time"]) for r in events if r["event"] == "received") if e is not None)


def _new(r: Any) -> Any:
    """An event's new value (None: none, or a journal from before the column)."""
    try:
        return r["new"]
    except (KeyError, IndexError):
        return None


def _time(s: Any) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(str(s))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def _given_received(meta: dict[str, Any], events: Any) -> bool:
    """Delivered by another system (an xdomea import: the arrival time is the sender's, not the journal's intake
    time): by the chained ``intake/channel`` entry — a file or a scan from an inbox has no other arrival time;
    without that entry (a journal from before it), by metadata.json's provenance."""
    channel = next((e["detail"] for e in reversed(events) if e["event"] == "channel"), None)
    if channel is not None:
        return channel not in ("file", "scan")
    prov = meta.get("provenance")
    return bool(prov.get("source_plugin")) if isinstance(prov, dict) else False


def _original_size(meta: dict[str, Any], folder: Path) -> int | None:
    name = ((meta.get("archival") or {}).get("original")) or next((p.name for p in folder.glob("original.*")), None)
    p = folder / str(name) if name else None
    try:
        return p.stat().st_size if p is not None and p.is_file() else None
    except OSError:
        return None


def place_problems(doc_id: str, folder: Path, workdir: Path, row: dict[str, Any] | None) -> list[str]:
    """An archive folder not where the journal (or, without it, the id) puts it: ``archive/<id[:2]>/<id>``."""
    want = Path(workdir) / "archive" / doc_id[:2] / doc_id
    recorded = (row or {}).get("archive_path")
    out = []
    if Path(folder).resolve() != want.resolve() and Path(folder).is_dir():
        out.append(P("folder_misplaced", f"the archive folder is not at its place (archive/{doc_id[:2]}/{doc_id})"))
    if recorded and Path(recorded).as_posix() != f"archive/{doc_id[:2]}/{doc_id}":
        out.append(P("folder_misplaced", "the journal records another place for the archive folder"))
    return out


def note_problems(note: dict[str, Any], data: bytes) -> list[str]:
    """The transfer note's results as metadata.json copies them (``archival.transfer_note``: ``checks``,
    ``sample_check``) against the note itself (*data*, ``transfervermerk.xml``, whose hash check ``files``
    holds): a result rewritten in metadata.json alone is a forgery."""
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return []  # (the schema check names it)
    ns = {"t": root.nsmap.get(None) or ""}
    checks = {e.get("name"): e.get("ergebnis") for e in root.iterfind(".//t:AutomatischePruefung", ns)}
    sample = next((e.get("status") for e in root.iterfind(".//t:Stichprobe", ns)), None)
    out = []
    if "checks" in note and (note.get("checks") or {}) != checks:
        out.append(P("transfer_note_differs",
            "the transfer note's automatic check results in metadata.json differ from transfervermerk.xml"))
    if "sample_check" in note and note.get("sample_check") != sample:
        out.append(P("transfer_note_differs",
            "the transfer note's sample check in metadata.json differs from transfervermerk.xml"))
    return out
