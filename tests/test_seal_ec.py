"""Sealing with an elliptic-curve key (fresh38 F9): pyHanko declares ISO 32002 for ECDSA on a NIST curve and
raises the catalog to PDF 2.0 — no PDF/A.  The sealed copy must stay PDF ≤ 1.7 and valid PDF/A; a seal that
makes it something else (Ed25519: PDF 2.0) is quarantined `seal_failed`, never a green ingest.  Keys made by
`openssl`, real ingest, pikepdf and `ekte verify --deep` as judges."""

import json
import shutil
import subprocess

import pikepdf
import pytest

from helpers import SAMPLES, ingest_json, run_ekte

SCAN = SAMPLES / "inbox" / "scan-ifsg_belehrung-001-png.png"
BORN = SAMPLES / "inbox" / "tierhaltung-006-pdf.pdf"


def _key(tmp, kind: str) -> list[str]:
    key, cert = tmp / f"{kind}.key", tmp / f"{kind}.pem"
    new = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if kind == "ec" else ["-newkey", kind]
    subprocess.run(["openssl", "req", "-x509", *new, "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "30",
                    "-subj", "/CN=Landkreis Siegel/O=Landkreis", "-addext", "keyUsage=digitalSignature,nonRepudiation"],
                   check=True, capture_output=True)
    key.chmod(0o600)
    return ["-o", "seal.enabled=true", "-o", f"seal.cert_file={cert}", "-o", f"seal.key_file={key}",
            "-o", f"seal.trust_file={cert}"]


def _inbox(tmp):
    inbox = tmp / "in"
    inbox.mkdir()
    shutil.copy(SCAN, inbox)
    shutil.copy(BORN, inbox)
    return inbox


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_ec_sealed_copies_stay_pdfa(tmp_path):
    opts = _key(tmp_path, "ec")
    out = ingest_json(_inbox(tmp_path), "-w", tmp_path / "wd", "-j", "1", *opts, check=0)
    assert {d["status"] for d in out["documents"]} <= {"exported", "archived"}, out["documents"]
    for d in out["documents"]:
        meta = json.loads((tmp_path / "wd" / "archive" / d["id"][:2] / d["id"] / "metadata.json").read_text())
        assert meta["archival"].get("seal"), meta["archival"]
        with pikepdf.open(tmp_path / "wd" / "archive" / d["id"][:2] / d["id"] / "document.pdf") as pdf:
            version = str(pdf.Root.get("/Version", pdf.pdf_version)).lstrip("/")
            assert version <= "1.7" and pdf.pdf_version <= "1.7", version
    p = run_ekte("verify", "-w", tmp_path / "wd", "--deep", "--json", "-j", "1", *opts)
    assert p.returncode == 0, p.stdout


def test_a_seal_that_breaks_pdfa_is_seal_failed(tmp_path):
    """pyHanko's own PdfSigner with the EC key (what ekte did before) makes a PDF 2.0: the check ingest runs on
    the final sealed revision refuses it as seal_failed, one line."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from ekte.errors import DocumentError
    from ekte.evidence.archiving import _still_pdfa
    from ekte.model import Document

    _key(tmp_path, "ec")
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(BORN, inbox)
    d = ingest_json(inbox, "-w", tmp_path / "wd", "-j", "1", check=0)["documents"][0]
    pdf = tmp_path / "wd" / "archive" / d["id"][:2] / d["id"] / "document.pdf"
    meta = json.loads((pdf.parent / "metadata.json").read_text())
    sig = signers.SimpleSigner.load(str(tmp_path / "ec.key"), str(tmp_path / "ec.pem"))
    with pdf.open("rb") as f:
        w = IncrementalPdfFileWriter(f)
        out = signers.PdfSigner(signers.PdfSignatureMetadata(field_name="Siegel", subfilter=fields.SigSeedSubFilter.PADES),
                                signer=sig).sign_pdf(w)
    sealed = tmp_path / "sealed.pdf"
    sealed.write_bytes(out.getvalue())
    doc = Document(sha256=meta["sha256"], source="", size=0, media_type="application/pdf")
    doc.archival = dict(meta["archival"])
    with pytest.raises(DocumentError) as e:
        _still_pdfa(sealed, doc)
    assert e.value.code == "seal_failed" and "PDF/A" in str(e.value) and "2.0" in str(e.value), str(e.value)
    _still_pdfa(pdf, doc)  # the unsealed PDF/A copy itself passes the same check
