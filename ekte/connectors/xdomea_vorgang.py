"""The Vorgang of the xdomea connector's messages: its metadata, fixed when it is first sent.

A Vorgang (one per submission — an e-mail, a portal application —, per
Aktenzeichen or per document) goes to the DMS in one 0605 message or in
several (documents that come later: a review decision, a letter with the
same Aktenzeichen).  Each message repeats the Vorgang; a DMS applies what it
says to the Vorgang it already filed.  So the Vorgang's metadata — Betreff,
Kennzeichen, Aktenplaneinheit, Typ, Aufbewahrungsdauer, … — are taken once,
from what it was delivered with (an xdomea import) or else from the first
message's lead document, recorded in the connector's ledger (table
``vorgaenge`` of ``<workdir>/state/xdomea.sqlite``) in the transaction that
records that first message, and every later message repeats them unchanged:
a later document of another type never re-files the Vorgang, renames it or
cuts its retention.

Until a message of the Vorgang has gone out (one whose write failed, e.g.
on a full disk, did not) the metadata are taken afresh at each attempt.
A ledger from before this table: a Vorgang sent then has no recorded
metadata; its next message records its own (its lead document's), and
from then on they stay.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

VORGANG_DDL = """
CREATE TABLE IF NOT EXISTS vorgaenge (
    vorgang TEXT PRIMARY KEY,    -- the Vorgang's UUID
    meta TEXT NOT NULL,          -- its metadata as sent in its first message (JSON)
    time TEXT NOT NULL
);
"""


def given(doc: Any) -> dict[str, Any]:
    """What an xdomea import delivered with the document (provenance)."""
    prov = doc.extra.get("provenance") or {}
    return prov.get("xdomea") or {} if prov.get("system") == "xdomea" else {}


def metadata(vorgang: str, lead: Any, rec: dict[str, Any]) -> dict[str, Any]:
    """The Vorgang's metadata: what it was delivered with, else the lead document's (*rec*: its record)."""
    g_all = given(lead)
    g, akte = g_all.get("vorgang") or {}, g_all.get("akte") or {}
    dauer = g.get("aufbewahrung") or akte.get("aufbewahrung") or {}
    return {
        "uuid": vorgang, "fachverfahren_id": rec["id"],
        "betreff": g.get("betreff") or rec.get("betreff"),
        "kennzeichen": g.get("kennzeichen") or rec.get("aktenzeichen"),
        "federfuehrung": g.get("federfuehrung"), "bemerkung": g.get("bemerkung"),
        "aktenplan": rec.get("aktenplan"),
        "aktenplan_inhalt": (akte.get("aktenplan") or g.get("aktenplan") or {}).get("inhaltsangabe"),
        "retention_years": rec.get("retention_years"), "retention_unlimited": bool(dauer.get("unbefristet")),
        "aktenbetreff": akte.get("betreff") or g.get("aktenbetreff"),
        "typ": g.get("typ") or rec.get("doctype_title"),
        "laufzeit": g.get("laufzeit"), "history": g.get("history"),
    }


def fixed(db: Any, vorgang: str, fresh: dict[str, Any]) -> dict[str, Any]:
    """The metadata recorded for *vorgang* (in the ledger transaction *db*)
    once a message of it went out; before that (none recorded, or only a
    message that was never written — its write failed): *fresh*, recorded
    and returned."""
    row = db.execute("SELECT meta FROM vorgaenge WHERE vorgang=?", (vorgang,)).fetchone()
    if row is not None and _sent(db, vorgang):
        return json.loads(row[0])
    db.execute("INSERT OR REPLACE INTO vorgaenge VALUES (?,?,?)",
               (vorgang, json.dumps(fresh, ensure_ascii=False), datetime.now(timezone.utc).isoformat()))
    return fresh


def _sent(db: Any, vorgang: str) -> bool:
    """A message of *vorgang* went out: recorded as written, or its container is there (a crash between
    writing it and recording that)."""
    rows = db.execute("SELECT root, container, state FROM messages WHERE vorgang=?", (vorgang,)).fetchall()
    return any(r[2] == "written" or (r[2] == "writing" and (Path(r[0]) / r[1]).is_file()) for r in rows)
