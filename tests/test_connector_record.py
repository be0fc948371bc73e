"""What every connector sends from a document's record (ekte.connectors.common.record): text fit for XML
whatever the sender named the file (fresh37 F9), the receipt date (F1); and the xdomea Vorgang whose
metadata its first message fixes (F15)."""

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import mail_files as mf
from helpers import NO_FIELD_REVIEW, ingest_json, run_ekte
from test_connectors import _letter
from xdomea_rules import XSD_DIR, check_folder

NS4 = "urn:xoev-de:xdomea:schema:4.0.0"
HF = "urn:ekte:hotfolder:1"
SCHEMA = ("-o", f"connectors.xdomea.schema_dir={XSD_DIR}")
#: the hot-folder index with the file name the sender gave (source_name) mapped
KOMX = ["-c", "komxwork", *(x for k, v in (("Quelle", "source_name"), ("uuid", "uuid"), ("file", "file"),
                                           ("sha256", "sha256"), ("doctype", "doctype"))
                               for x in ("-o", f"connectors.komxwork.elements.{k}={v}"))]


def q(*names: str) -> str:
    return "/".join(f"{{{NS4}}}{n}" for n in names)


def _message(container: Path) -> etree._Element:
    with zipfile.ZipFile(container) as z:
        return etree.fromstring(z.read(next(n for n in z.namelist() if n.endswith(".xml"))))


def test_a_control_character_in_the_file_name_is_written_out_not_refused(tmp_path):
    """README's hostile name (an ESC sequence): the document goes to xdomea (valid against the official
    schema) and to the hot folder with the name as the terminal shows it."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "Antrag\x1b[31m\x01.pdf").write_bytes(mf.pdf("sportstaetten_foerderung-007-pdf.pdf"))
    wd = tmp_path / "wd"
    r = ingest_json(inbox, "-w", wd, "-c", "xdomea", *KOMX, *SCHEMA, *NO_FIELD_REVIEW, check=0)
    (d,) = r["documents"]
    assert d["status"] == "archived" and d["error"] is None, d
    shown = "Antrag\\x1b[31m\\x01.pdf"
    check_folder(wd / "export" / "xdomea")  # the official schema and the naming rules
    (c,) = (wd / "export" / "xdomea").glob("*.zip")
    assert _message(c).findtext(".//" + q("Primaerdokument", "DateinameOriginal")) == shown
    (idx,) = (wd / "export" / "komxwork").glob("*.xml")
    assert etree.parse(str(idx)).findtext(f"{{{HF}}}Quelle") == shown


def test_an_element_that_cannot_be_written_is_named_without_its_value(monkeypatch):
    """The guard behind xml_text: were a value to slip through, the error names the element, not the value."""
    from ekte.connectors import xdomea_message
    from ekte.connectors.base import ExportError
    from ekte.connectors.common import xml_text

    assert xml_text("M\udcfcller\x1b\ud800\ufffe.pdf") == "M\\xfcller\\x1b\\ud800\\ufffe.pdf"
    assert xml_text("Tab\tund\nZeile, Grüße") == "Tab\tund\nZeile, Grüße"  # what XML allows stays
    monkeypatch.setattr(xdomea_message, "xml_text", str)
    b = xdomea_message._B("4.0.0")
    with pytest.raises(ExportError) as e:
        b(b(None, "Primaerdokument"), "DateinameOriginal", "Müller\x1b.pdf")
    assert "DateinameOriginal" in str(e.value) and "Müller" not in str(e.value)


def _vorgang(container: Path) -> tuple:
    v = _message(container).find(".//" + q("Vorgang"))
    return (v.findtext(q("Identifikation", "xdomeaUUID")), v.findtext(q("AllgemeineMetadaten", "Betreff")),
            v.findtext(q("AllgemeineMetadaten", "Aktenplaneinheit", "Kennzeichen")), v.findtext(q("Typ")),
            v.findtext(q("Aussonderungsmetadaten", "Aufbewahrungsdauer", "AnzahlJahre")),
            _message(container).findtext(".//" + q("FachverfahrenObjektID")))


def test_the_first_message_of_a_vorgang_fixes_its_metadata(tmp_path):
    """An e-mail with a building application and a measles report: one Vorgang (group_by submission); its
    documents go to the DMS one at a time. The Vorgang stays what its first message said (Bauantrag, its
    file-plan unit, 30 years) in every later one; a ledger from before keeps working."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    m = mf.message("Unterlagen", attachments=[("bauantrag.pdf", mf.pdf("bauantrag-002-pdf.pdf"), "application/pdf"),
                                              ("masern.pdf", mf.pdf("masern_meldung-004-pdf.pdf"), "application/pdf")])
    (inbox / "mail.eml").write_bytes(bytes(m))
    wd = tmp_path / "wd"
    r = ingest_json(inbox, "-w", wd, "-c", "folder", "-o", "classify.threshold=0", *NO_FIELD_REVIEW, check=0)
    ids = {d["source"].split("!/")[1]: d["id"] for d in r["documents"]}
    types = {d["source"].split("!/")[1]: d["doctype"] for d in r["documents"]}
    assert types["bauantrag.pdf"] != types["masern.pdf"]
    out = wd / "export" / "xdomea"

    def send(name: str, *force: str) -> Path:
        p = run_ekte("export", ids[name], *force, "-w", wd, "-c", "xdomea", *SCHEMA, "--json", check=0)
        (d,) = json.loads(p.stdout)["documents"]
        assert d["export_results"] == {"xdomea": "exported"}
        return Path(d["exports"]["xdomea"])

    first, second = send("bauantrag.pdf"), send("masern.pdf")
    assert first.name.endswith("_0605_1.zip") and second.name.endswith("_0605_2.zip")
    head = _vorgang(first)
    assert head[1].startswith("Bauantrag") and head[3] == "Bauantrag" and head[4] == "30", head
    assert _vorgang(second) == head  # not re-filed, renamed or cut to the measles report's 10 years
    # a ledger from before the Vorgang's metadata were recorded: the next message records its own
    db = sqlite3.connect(wd / "state" / "xdomea.sqlite")
    with db:
        db.execute("DROP TABLE vorgaenge")
    db.close()
    third = send("nachricht.txt")
    assert third.name.endswith("_0605_3.zip")
    db = sqlite3.connect(wd / "state" / "xdomea.sqlite")
    ((vorgang, meta),) = db.execute("SELECT vorgang, meta FROM vorgaenge").fetchall()
    db.close()
    meta = json.loads(meta)
    assert vorgang == head[0] and _vorgang(third) == (vorgang, meta["betreff"], meta["aktenplan"], meta["typ"],
                                                      str(meta["retention_years"]), meta["fachverfahren_id"])
    assert meta["fachverfahren_id"] == ids["nachricht.txt"]  # recorded at that send, from its own document
    check_folder(out)


def test_the_receipt_date_sent_is_the_stamp_when_sure_else_the_intake_day(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    _letter(inbox / "gestempelt.pdf", ["Bauantrag", "Antrag auf Baugenehmigung", "Aktenzeichen: BSP-63.20-2026/00042",
                                        "Bauvorhaben: Carport", "Datum: 02.01.2026", "EINGEGANGEN 06. JAN. 2026"])
    _letter(inbox / "ohne.pdf", ["Bauantrag", "Antrag auf Baugenehmigung", "Aktenzeichen: BSP-63.20-2026/00043",
                                 "Bauvorhaben: Garage"])
    wd = tmp_path / "wd"
    r = ingest_json(inbox, "-w", wd, "-c", "xdomea", "-c", "komxwork", *SCHEMA, "-o", "classify.threshold=0", check=0)
    docs = {Path(d["source"]).name: d for d in r["documents"]}
    assert {d["status"] for d in docs.values()} == {"archived"}
    assert docs["gestempelt.pdf"]["fields"]["eingangsdatum"] == "06.01.2026"
    intake = {n: json.loads((Path(d["archive"]) / "metadata.json").read_text())["received"][:10]
              for n, d in docs.items()}
    assert intake["gestempelt.pdf"] != "2026-01-06"
    want = {"gestempelt.pdf": "2026-01-06", "ohne.pdf": intake["ohne.pdf"]}
    sent = {}
    for c in (wd / "export" / "xdomea").glob("*.zip"):
        root = _message(c)
        ident = {f.findtext(q("Name")): f.findtext(q("Wert")) for f in root.iter(q("Feld"))}["ekte.id"]
        sent[ident] = root.findtext(".//" + q("Dokument", "Posteingangsdatum"))
    assert {n: sent[d["id"]] for n, d in docs.items()} == want
    index = {etree.parse(str(p)).findtext(f"{{{HF}}}EkteID"): etree.parse(str(p)).findtext(f"{{{HF}}}Eingangsdatum")
             for p in (wd / "export" / "komxwork").glob("*.xml")}
    assert {n: index[d["id"]] for n, d in docs.items()} == want


def test_only_a_trusted_received_date_is_sent():
    """record(): a sure stamp, a clerk's or a delivered date is the receipt date; a guess below
    extract.auto_threshold is not (the intake day instead)."""
    from ekte.connectors.common import record
    from ekte.model import Document, Field
    from ekte.profile import load_profile

    prof = load_profile(None)
    doc = Document(sha256="0" * 64, source="x.pdf", size=1, media_type="application/pdf",
                   received="2026-11-30T08:00:00+00:00")
    got = {}
    for label, f in {"sure": Field("06.01.2026", 0.95), "guess": Field("06.01.2026", 0.5),
                     "clerk": Field("07.01.2026", 0.5, method="manual"),
                     "delivered": Field("08.01.2026", 0.4, method="intake"), "nonsense": Field("Januar", 1.0)}.items():
        doc.fields = {"eingangsdatum": f}
        got[label] = record(doc, prof)["received_date"]
    assert got == {"sure": "2026-01-06", "guess": "2026-11-30", "clerk": "2026-01-07", "delivered": "2026-01-08",
                   "nonsense": "2026-11-30"}


def test_a_vorgang_is_fixed_only_once_a_message_of_it_went_out(tmp_path):
    """A first message whose write failed (a full disk, an invalid message) fixes nothing: the retry takes
    the metadata afresh; once a message is written — or its container is there after a crash — they stay."""
    from ekte.connectors.ledger import Ledger
    from ekte.connectors.xdomea import LEDGER_DDL
    from ekte.connectors.xdomea_vorgang import VORGANG_DDL, fixed

    ledger = Ledger(tmp_path, "xdomea", LEDGER_DDL + VORGANG_DDL)
    row = (str(tmp_path), "4.0.0", "v1", "p1", 1, "n1", "a", "p1_0605_1.zip", "writing", "t")
    with ledger.tx() as db:
        db.execute("INSERT INTO messages VALUES (?,?,?,?,?,?,?,?,?,?)", row)
        assert fixed(db, "v1", {"typ": "A"}) == {"typ": "A"}
        assert fixed(db, "v1", {"typ": "B"}) == {"typ": "B"}  # nothing went out: taken afresh
        (tmp_path / "p1_0605_1.zip").write_bytes(b"PK")  # written, the crash before the ledger said so
        assert fixed(db, "v1", {"typ": "C"}) == {"typ": "B"}
        (tmp_path / "p1_0605_1.zip").unlink()
        db.execute("UPDATE messages SET state='written'")
        assert fixed(db, "v1", {"typ": "D"}) == {"typ": "B"}
    ledger.close()
