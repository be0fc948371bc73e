"""XAIP and active content (fresh41 F1): what goes to the archive system is
free of active content — the archival PDF is the cleaned one, and an
original from which the sanitizer removed something (or an office document
with macros) is not packed: a metadata object ``MD-<n>-ORIG`` records its
SHA-256, size, type and what was removed.  A passive original is still
packed byte for byte.  Real PDFs (pikepdf), a real DOCX, the real TR-ESOR
schema from ../shared, and qpdf to look for what is active."""

import base64
import hashlib
import json
from pathlib import Path

from lxml import etree

import office_files as of
from helpers import NO_FIELD_REVIEW, SHARED, run_ekte
from hostile_corpus import active_beyond_own, active_variants, text_pdf

X = "{http://www.bsi.bund.de/tr-esor/xaip}"
E = "{urn:ekte:xaip:1}"
XSD_DIR = SHARED / "schemas" / "tr-esor" / "xsd"
ACTIVE = ("js-openaction", "launch-embedded-exe", "aa-field-xfa")


def test_xaip_carries_no_active_original_only_its_hash_and_what_was_removed(tmp_path):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir()
    variants = active_variants(text_pdf(tmp_path / "base.pdf"), tmp_path / "active")
    for kind in ACTIVE:
        (inbox / f"{kind}.pdf").write_bytes(variants[kind].read_bytes())
    text_pdf(inbox / "passiv.pdf", "Antrag auf Wohngeld\nWohngeldantrag Musterstadt")
    of.docx(inbox / "makro.docx", ["Baubeschreibung zum Bauantrag", "Gemarkung Musterdorf"], macro=True)
    p = run_ekte("ingest", "--json", inbox, "-w", wd, "-o", "classify.threshold=0", *NO_FIELD_REVIEW, "-c", "xaip",
                 "-o", f"connectors.xaip.schema_dir={XSD_DIR}", timeout=900)
    assert p.returncode == 0, p.stderr[-3000:]
    docs = {Path(d["source"]).stem: d for d in json.loads(p.stdout)["documents"]}
    assert set(docs) == {*ACTIVE, "passiv", "makro"}
    schema = etree.XMLSchema(etree.parse(str(XSD_DIR / "tr-esor-xaip-v1.3.xsd")))
    for name, d in docs.items():
        assert d["export_results"] == {"xaip": "exported"}, (name, d)
        meta = json.loads((Path(d["archive"]) / "metadata.json").read_text())
        xaip = etree.parse(d["exports"]["xaip"])
        assert schema.validate(xaip), schema.error_log
        for i, b in enumerate(xaip.iter(f"{X}binaryData")):  # nothing active in anything packed
            data = base64.b64decode(b.text)
            assert b"MZ\x90\x00" not in data and b"vbaProject" not in data, name
            if data.startswith(b"%PDF"):
                (tmp_path / f"{name}-{i}.pdf").write_bytes(data)
                assert active_beyond_own(tmp_path / f"{name}-{i}.pdf", []) == [], name
        orig = xaip.find(f".//{X}dataObject[@dataObjectID='DO-1-ORIG']/{X}binaryData")
        withheld = xaip.find(f".//{X}metaDataObject[@metaDataID='MD-1-ORIG']")
        if name == "passiv":  # a passive original is packed as before, byte for byte
            assert withheld is None and hashlib.sha256(base64.b64decode(orig.text)).hexdigest() == meta["sha256"]
            continue
        assert orig is None, name
        assert withheld.get("relatedObjects") == "DO-1-PDF"
        assert "MD-1-ORIG" in [e.text for e in xaip.iter(f"{X}protectedObjectPointer")]
        rec = withheld.find(f"{X}xmlMetaData/{E}Original")
        assert rec.findtext(f"{E}sha256") == meta["sha256"]
        assert int(rec.findtext(f"{E}groesse")) == (Path(d["archive"]) / meta["archival"]["original"]).stat().st_size
        assert "Beweismittel im Archivordner" in rec.findtext(f"{E}hinweis")
        removed = {e.text: int(e.get("anzahl")) for e in rec.iter(f"{E}entfernt")}
        if name == "makro":
            assert [e.text for e in rec.iter(f"{E}makros")] == ["word/vbaProject.bin"]
        else:
            assert removed and removed == meta["archival"]["sanitized"]["removed"], name
