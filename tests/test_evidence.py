"""Evidence: TR-RESISCAN transfer notes, seals and RFC 3161 time stamps
(a real TSA: OpenSSL behind HTTP), `ekte verify` against tampering, XAIP
schema validity, retention listing.  Results are checked with independent
verifiers: OpenSSL (`ts -verify`, `cms -verify`), pyHanko's validation,
pikepdf's PDF/A validator, the official TR-ESOR XAIP schema."""

import hashlib
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest
from lxml import etree

from helpers import SAMPLES, SHARED, ingest_json, run_ekte
from pki import make_pki
from tsa_server import TsaServer

SCAN = SAMPLES / "inbox" / "scan-ifsg_belehrung-001-png.png"
BORN = SAMPLES / "inbox" / "tierhaltung-006-pdf.pdf"
XAIP_XSD = SHARED / "schemas" / "tr-esor" / "xsd" / "tr-esor-xaip-v1.3.xsd"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tsa(pki, tmp_path_factory):
    with TsaServer(pki, tmp_path_factory.mktemp("tsa")) as server:
        yield server


def seal_opts(pki, tsa=None, seal=True):
    o = []
    if seal:
        o += ["-o", "seal.enabled=true", "-o", f"seal.cert_file={pki.seal_cert}", "-o", f"seal.key_file={pki.seal_key}",
              "-o", f"seal.chain_file={pki.ca_cert}"]
    if tsa is not None:
        o += ["-o", f"timestamp.url={tsa.url}", "-o", f"timestamp.ca_file={pki.ca_cert}"]
    return o


def archive_of(out, name):
    d = next(x for x in out["documents"] if x["source"].endswith(name))
    return d["id"], Path(d["archive"])


@pytest.fixture(scope="module")
def sealed(pki, tsa, tmp_path_factory):
    """One scan and one born-digital PDF archived with seal and time stamps."""
    tmp = tmp_path_factory.mktemp("sealed")
    inbox = tmp / "in"
    inbox.mkdir()
    shutil.copy(SCAN, inbox)
    shutil.copy(BORN, inbox)
    out = ingest_json(inbox, "-w", tmp / "wd", "-o", "resiscan.sample_every=1", *seal_opts(pki, tsa), check=1)
    # the scan was chosen for the sample check (every 1st): it waits for review until its result is given
    scan = next(d["id"] for d in out["documents"] if d["source"].endswith(SCAN.name))
    run_ekte("review", "accept", scan, "-w", tmp / "wd", "--sample", "matches", *seal_opts(pki, tsa), check=0)
    return tmp / "wd", out


def verify(wd, *args, pki=None, tsa=None):
    extra = seal_opts(pki, tsa) + ["-o", f"timestamp.ca_file={pki.ca_cert}"] if pki else []
    p = run_ekte("verify", "-w", wd, "--json", "-j", "1", *extra, *args)
    return p.returncode, json.loads(p.stdout) if p.stdout.strip().startswith("{") else p


# -- transfer notes ---------------------------------------------------------------

def test_transfer_note_round_trip(sealed):
    from ekte.evidence import resiscan

    wd, out = sealed
    doc_id, adir = archive_of(out, SCAN.name)
    note = (adir / "transfervermerk.xml").read_bytes()
    # schema-valid: ekte's check and a schema compiled straight from the shipped file
    assert resiscan.validate(note) is None
    xsd = etree.XMLSchema(etree.parse(str(resiscan.schema_path())))
    root = etree.fromstring(note)
    assert xsd.validate(root), xsd.error_log
    ns = {"tv": resiscan.NS}
    assert root.findtext("tv:Scanprodukt/tv:Hashwert", namespaces=ns) == hashlib.sha256(SCAN.read_bytes()).hexdigest()
    assert root.findtext("tv:Scanprodukt/tv:Aufloesung", namespaces=ns) == "200"  # the sample PNG says 200 dpi
    assert root.find("tv:Qualitaetssicherung/tv:Stichprobe", ns).get("status") == "bestanden"  # sample_every = 1, then accepted with --sample matches
    # embedded: the same bytes come out of the sealed archival PDF, as an associated file (Supplement)
    assert resiscan.from_pdf(adir / "document.pdf") == note
    with pikepdf.open(adir / "document.pdf") as pdf:
        af = [f for f in pdf.Root.AF]
        assert [str(f.AFRelationship) for f in af] == ["/Supplement"]
        meta = pdf.open_metadata()
        assert resiscan.XMP_RELATION in meta["dc:relation"]
        assert meta["dc:source"] == f"urn:sha256:{hashlib.sha256(SCAN.read_bytes()).hexdigest()}"
        assert meta["pdfaid:part"] == "3"
    m = json.loads((adir / "metadata.json").read_text())
    assert m["archival"]["transfer_note"]["sample_check"] == "bestanden"
    assert m["archival"]["format"] == "PDF/A-3B"
    # a born-digital PDF is no scan: no note
    _bid, bdir = archive_of(out, BORN.name)
    assert not (bdir / "transfervermerk.xml").exists()
    assert "transfer_note" not in json.loads((bdir / "metadata.json").read_text())["archival"]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_unsealed_scan_is_valid_pdfa3(tmp_path):
    out = ingest_json(SCAN, "-w", tmp_path / "wd", check=0)
    _id, adir = archive_of(out, SCAN.name)
    rep = pikepdf.pdfa.validate_written(adir / "document.pdf", "3b")
    assert rep.passed, rep.findings
    assert (adir / "transfervermerk.xml").is_file()


# -- seals and time stamps --------------------------------------------------------------

def test_sealed_copy_checked_by_independent_verifiers(sealed, pki):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext
    from pyhanko.keys import load_cert_from_pemder

    from ekte.evidence import checks

    wd, out = sealed
    for name in (SCAN.name, BORN.name):
        _id, adir = archive_of(out, name)
        m = json.loads((adir / "metadata.json").read_text())
        assert m["archival"]["seal"]["pdf"] == "PAdES-B-T"
        # OpenSSL: the time stamp and the seal over metadata.json
        p = subprocess.run(["openssl", "ts", "-verify", "-data", adir / "metadata.json", "-in",
                            adir / "metadata.json.tsr", "-CAfile", pki.ca_cert], capture_output=True, text=True)
        assert p.returncode == 0 and "Verification: OK" in p.stdout, p.stderr
        p = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", adir / "metadata.json.p7s",
                            "-content", adir / "metadata.json", "-CAfile", pki.ca_cert, "-purpose", "any",
                            "-out", "/dev/null"], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        # pyHanko: the PAdES seal is intact, trusted, covers the file, and its update added nothing else
        vc = ValidationContext(trust_roots=[load_cert_from_pemder(str(pki.ca_cert))], allow_fetching=False)
        with open(adir / "document.pdf", "rb") as f:
            sig = PdfFileReader(f).embedded_signatures[0]
            st = validate_pdf_signature(sig, signer_validation_context=vc, ts_validation_context=vc)
        assert st.intact and st.valid and st.trusted
        assert st.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert st.timestamp_validity is not None and st.timestamp_validity.trusted
        # PDF/A: the revision under the seal passes pikepdf's validator; the final revision too,
        # apart from the signature structures, which are checked against PDF/A's signature rules
        before = checks.unsealed_prefix(adir / "document.pdf", m["archival"])
        assert hashlib.sha256(before).hexdigest() == m["archival"]["unsealed"]["sha256"]
        flavour = m["archival"]["format"][-2:].lower()
        import io

        assert pikepdf.pdfa.validate_written(io.BytesIO(before), flavour).passed
        assert checks.sealed_pdfa(adir / "document.pdf", flavour) == []
    code, res = verify(wd, "--deep", pki=pki)
    assert code == 0, res


def test_document_timestamp_without_seal(pki, tsa, tmp_path):
    """TSA only: a PAdES document time stamp, checked with `openssl ts -verify` over the signed byte range."""
    out = ingest_json(BORN, "-w", tmp_path / "wd", *seal_opts(pki, tsa, seal=False), check=0)
    _id, adir = archive_of(out, BORN.name)
    data = (adir / "document.pdf").read_bytes()
    with pikepdf.open(adir / "document.pdf") as pdf:
        v = pdf.Root.AcroForm.Fields[0].V
        assert str(v.SubFilter) == "/ETSI.RFC3161"
        a, b, c, d = (int(x) for x in v.ByteRange)
        token = bytes(v.Contents)
    (tmp_path / "tok").write_bytes(token)
    digest = hashlib.sha256(data[a:a + b] + data[c:c + d]).hexdigest()
    p = subprocess.run(["openssl", "ts", "-verify", "-digest", digest, "-in", tmp_path / "tok", "-token_in",
                        "-CAfile", pki.ca_cert], capture_output=True, text=True)
    assert p.returncode == 0 and "Verification: OK" in p.stdout, p.stderr
    code, res = verify(tmp_path / "wd", pki=pki, tsa=tsa)
    assert code == 0, res


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_tsa_down(pki, tsa, tmp_path):
    tsa.mode = "error"
    try:
        out = ingest_json(BORN, "-w", tmp_path / "a", *seal_opts(pki, tsa), check=0)
        d = out["documents"][0]
        assert d["status"] == "archived" and any("no time stamp" in w for w in d["warnings"])
        _id, adir = archive_of(out, BORN.name)
        assert not (adir / "metadata.json.tsr").exists() and (adir / "metadata.json.p7s").exists()
        assert verify(tmp_path / "a", pki=pki)[0] == 0
        assert verify(tmp_path / "a", "--require", "timestamp", pki=pki)[0] == 1
        out = ingest_json(BORN, "-w", tmp_path / "b", *seal_opts(pki, tsa), "-o", "timestamp.required=true", check=1)
        assert out["documents"][0]["error"]["code"] == "timestamp_failed"
    finally:
        tsa.mode = "ok"


def test_seal_key_must_be_private(pki, tmp_path):
    key = tmp_path / "seal.key"
    shutil.copy(pki.seal_key, key)
    key.chmod(0o644)
    p = run_ekte("ingest", BORN, "-w", tmp_path / "wd", "-o", "seal.enabled=true", "-o", f"seal.cert_file={pki.seal_cert}",
                 "-o", f"seal.key_file={key}")
    assert p.returncode == 2 and "chmod 600" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize("command", ["ingest", "watch"])
def test_bad_seal_setup_fails_at_start_up(pki, tmp_path, command):
    """A key that belongs to another certificate is refused when the session
    opens, before the first document (not as seal_failed per document)."""
    wrong = ["-o", "seal.enabled=true", "-o", f"seal.cert_file={pki.seal_cert}", "-o", f"seal.key_file={pki.tsa_key}"]
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(BORN, inbox)
    p = run_ekte(command, inbox, "-w", tmp_path / "wd", *wrong, timeout=60)
    assert p.returncode == 2, p.stderr
    assert "does not belong to the certificate" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "wd" / "journal.sqlite").exists()  # nothing was taken in
    assert (inbox / BORN.name).exists()


# -- ekte verify finds tampering ----------------------------------------------------------

def _flip(path, offset=200):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


TAMPER = {
    "original": lambda a: _flip(next(a.glob("original.*"))),
    "archival-pdf": lambda a: _flip(a / "document.pdf", 1000),
    "metadata-doctype": lambda a: (a / "metadata.json").write_text(
        (a / "metadata.json").read_text().replace('"doctype": "tierhaltung"', '"doctype": "bauantrag"')),
    "timestamp": lambda a: _flip(a / "metadata.json.tsr", 100),
    "seal-deleted": lambda a: (a / "metadata.json.p7s").unlink(),
    "added-file": lambda a: (a / "extra.txt").write_text("x"),
    "folder-deleted": lambda a: shutil.rmtree(a),
}


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
@pytest.mark.parametrize("what", sorted(TAMPER))
def test_verify_finds_tampering(sealed, pki, tmp_path, what):
    wd, out = sealed
    copy = tmp_path / "wd"
    shutil.copytree(wd, copy)
    victim, adir = archive_of(out, BORN.name)
    other, _ = archive_of(out, SCAN.name)
    TAMPER[what](copy / adir.relative_to(wd))
    code, res = verify(copy, pki=pki)
    assert code == 1, res
    broken = {d["id"]: d["problems"] for d in res["documents"]}
    assert set(broken) == {victim}, broken  # the document is named, the other one holds
    assert res["summary"]["broken"] == 1 and res["summary"]["ok"] == 1
    p = run_ekte("verify", "-w", copy, "-j", "1", *seal_opts(pki), "-o", f"timestamp.ca_file={pki.ca_cert}")
    assert p.returncode == 1 and victim in p.stdout and "BROKEN" in p.stdout


def test_rewritten_journal_found_through_the_sealed_head(sealed, pki, tmp_path):
    """A journal rewritten with every link recomputed: the head in the scan's
    sealed metadata.json (written after the born-digital document's events)
    names the born-digital document; bringing that head in line breaks the seal."""
    import journal_tamper as jt
    from ekte.evidence.anchor import _state

    wd, out = sealed
    copy = tmp_path / "wd"
    shutil.copytree(wd, copy)
    victim, _ = archive_of(out, BORN.name)
    holder, hdir = archive_of(out, SCAN.name)
    assert jt.rewrite(copy, "UPDATE events SET actor='mallory' WHERE doc_id=? AND event='archived'", victim) == 1
    code, res = verify(copy, pki=pki)
    broken = {d["id"]: [p["message"] for p in d["problems"]] for d in res["documents"]}
    assert code == 1 and set(broken) == {victim} and "rewritten" in broken[victim][0], broken
    meta_path = copy / hdir.relative_to(wd) / "metadata.json"
    meta = json.loads(meta_path.read_text())
    head = meta["archival"]["audit"]
    db = sqlite3.connect(copy / "journal.sqlite")
    head["head"] = db.execute("SELECT hash FROM events WHERE seq=?", (head["seq"],)).fetchone()[0]
    head["doc_events"], head["doc_digest"] = _state(db, holder, head["seq"])
    db.close()
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    code, res = verify(copy, pki=pki)
    broken = {d["id"]: {p["check"] for p in d["problems"]} for d in res["documents"]}
    assert code == 1 and "metadata-evidence" in broken.get(holder, set()), broken


def test_verify_unsealed_metadata_edit_found_by_journal_and_xmp(tmp_path):
    out = ingest_json(BORN, "-w", tmp_path / "wd", check=0)
    doc_id, adir = archive_of(out, BORN.name)
    assert verify(tmp_path / "wd")[0] == 0
    m = adir / "metadata.json"
    m.write_text(m.read_text().replace('"doctype": "tierhaltung"', '"doctype": "bauantrag"'))
    code, res = verify(tmp_path / "wd")
    checks = {p["check"] for p in res["documents"][0]["problems"]}
    assert code == 1 and res["documents"][0]["id"] == doc_id and {"pdf", "journal"} <= checks


# -- XAIP --------------------------------------------------------------------------------

def test_xaip_schema_valid_and_idempotent(sealed, pki):
    wd, out = sealed
    schema = etree.XMLSchema(etree.parse(str(XAIP_XSD)))
    p = run_ekte("export", "--all", "-w", wd, "-c", "xaip", "--json", check=0)
    res = json.loads(p.stdout)
    files = sorted((wd / "export" / "xaip").glob("XAIP_*.xml"))
    assert len(files) == 2 and all(d["export_results"]["xaip"] == "exported" for d in res["documents"])
    ns = {"x": "http://www.bsi.bund.de/tr-esor/xaip", "dss": "urn:oasis:names:tc:dss:1.0:core:schema"}
    for f in files:
        doc = etree.parse(str(f))
        assert schema.validate(doc), schema.error_log
        # every data object's checksum is the SHA-256 of its content
        for do in doc.iterfind(".//x:dataObject", ns):
            import base64

            data = base64.b64decode(do.findtext("x:binaryData", namespaces=ns))
            assert do.findtext("x:checkSum/x:checkSum", namespaces=ns) == hashlib.sha256(data).hexdigest().upper()
        assert doc.find(".//dss:RFC3161TimeStampToken", ns) is not None
        assert doc.find(".//dss:Base64Signature", ns) is not None
    scan_xaip = [f for f in files if b"Transfervermerk (TR-RESISCAN)" in f.read_bytes()]
    assert len(scan_xaip) == 1
    p = run_ekte("export", "--all", "--force", "-w", wd, "-c", "xaip", "--json", check=0)
    assert all(d["export_results"]["xaip"] == "already-exported" for d in json.loads(p.stdout)["documents"])
    assert sorted((wd / "export" / "xaip").glob("XAIP_*.xml")) == files


# -- retention ------------------------------------------------------------------------------

@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_retention_due(tmp_path):
    import datetime as dt

    from ekte.evidence.retention import period_end

    assert period_end(dt.date(2020, 3, 5), 10, "year_end") == dt.date(2030, 12, 31)
    assert period_end(dt.date(2020, 2, 29), 1, "date") == dt.date(2021, 2, 27)
    out = ingest_json(BORN, SCAN, "-w", tmp_path / "wd", check=0)
    p = run_ekte("retention", "due", "-w", tmp_path / "wd", "--json", check=0)
    assert json.loads(p.stdout)["documents"] == []
    p = run_ekte("retention", "due", "-w", tmp_path / "wd", "--json", "--as-of", "2100-01-01", check=0)
    items = {i["id"]: i for i in json.loads(p.stdout)["documents"]}
    # the German form too, as every other date option takes it (fresh25)
    german = run_ekte("retention", "due", "-w", tmp_path / "wd", "--json", "--as-of", "01.01.2100", check=0)
    assert json.loads(german.stdout)["documents"] == json.loads(p.stdout)["documents"]
    bad = run_ekte("retention", "due", "-w", tmp_path / "wd", "--as-of", "31.02.2100", check=2)
    assert "31.01.2026" in bad.stderr and "Traceback" not in bad.stderr
    assert set(items) == {d["id"] for d in out["documents"]}
    for i in items.values():
        year = int(i["date"][:4])
        assert i["years"] == 10 and i["ends"] == f"{year + 10}-12-31"
        assert i["overdue_days"] == (dt.date(2100, 1, 1) - dt.date(year + 10, 12, 31)).days
    # judged on the day the period ends: not yet due; the day after: due
    first = min(items.values(), key=lambda i: i["ends"])
    p = run_ekte("retention", "due", "-w", tmp_path / "wd", "--json", "--as-of", first["ends"], check=0)
    assert first["id"] not in {i["id"] for i in json.loads(p.stdout)["documents"]}


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_review_accept_seals_once(pki, tsa, tmp_path):
    """A sealed document waiting for review is archived again when accepted:
    its unsealed revision is taken, so the new copy carries one seal."""
    out = ingest_json(SCAN, "-w", tmp_path / "wd", "-o", "classify.threshold=0.999", *seal_opts(pki, tsa), check=1)
    doc_id, adir = archive_of(out, SCAN.name)
    assert out["documents"][0]["status"] == "review"
    note = (adir / "transfervermerk.xml").read_bytes()
    run_ekte("review", "accept", doc_id, "-w", tmp_path / "wd", *seal_opts(pki, tsa), check=0)
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(adir / "document.pdf", "rb") as f:
        assert len(PdfFileReader(f).embedded_signatures) == 1
    assert (adir / "transfervermerk.xml").read_bytes() == note  # the note describes the scan: unchanged
    m = json.loads((adir / "metadata.json").read_text())
    assert m["classification"]["method"] == "manual"
    code, res = verify(tmp_path / "wd", "--deep", pki=pki)
    assert code == 0, res
