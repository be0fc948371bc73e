"""Integrity protection: an electronic seal (PAdES, pyHanko) and RFC 3161
time stamps from a configured time-stamping authority.

* The archival PDF is sealed in an incremental update after the PDF/A
  conversion (so the PDF/A revision underneath is untouched): a PAdES
  signature (``ETSI.CAdES.detached``; B-T with a signature time stamp when
  a TSA is configured), or, with a TSA but no seal, a document time stamp
  (``ETSI.RFC3161``).
* ``metadata.json`` — which holds the SHA-256 of every other file of the
  archive folder — gets a detached CMS signature ``metadata.json.p7s``
  (seal) and/or a time-stamp response ``metadata.json.tsr`` (TSA); both
  can be checked with OpenSSL alone (``openssl cms -verify``,
  ``openssl ts -verify``).

pyHanko is used rather than hand-written CMS code: it writes and validates
PAdES signatures and document time stamps (byte ranges, incremental
updates, the difference analysis that proves an update added nothing but
the signature) and speaks RFC 3161."""

from __future__ import annotations

import functools
import hashlib
import io
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ekte.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from ekte.profile import Profile

log = logging.getLogger("ekte.seal")

P7S = ".p7s"
TSR = ".tsr"
#: room for the CMS in the PDF (hex-encoded twice that); avoids a test request to the TSA
PDF_SIG_BYTES = 24576


class EvidenceError(Exception):
    """Sealing or time-stamping failed; ``tsa`` tells whether the TSA did."""

    def __init__(self, message: str, tsa: bool = False):
        super().__init__(message)
        self.tsa = tsa


def _read_secret(settings: Any, key: str, section: str) -> str | None:
    from ekte.connectors.common import secret

    return secret(settings.model_dump(), key, section, section=section)


@functools.lru_cache(maxsize=4)
def _signer_cached(cert_file: str, chain_file: str, key_pem: str, password: str | None):
    from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder, load_private_key_from_pemder_data
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        key = load_private_key_from_pemder_data(key_pem.encode("ascii"),
                                                passphrase=password.encode("utf-8") if password else None)
        cert = load_cert_from_pemder(cert_file)
        chain = list(load_certs_from_pemder([chain_file])) if chain_file else []
    except (OSError, ValueError, TypeError) as e:
        raise ConfigError(f"seal: cannot load the key or certificate ({type(e).__name__})") from None
    return signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                cert_registry=SimpleCertificateStore.from_certs([cert] + chain))


def signer(profile: "Profile"):
    """The seal signer of the profile, or None when sealing is off."""
    s = profile.seal
    if not s.enabled:
        return None
    if not s.cert_file:
        raise ConfigError("seal.cert_file: the seal certificate (PEM) is needed when seal.enabled = true")
    key = _read_secret(s, "key", "seal")
    if not key:
        raise ConfigError("seal: set key_file (a file only you can read) or key_env (an environment variable)")
    return _signer_cached(s.cert_file, s.chain_file, key, _read_secret(s, "key_password", "seal"))


def check_setup(profile: "Profile") -> None:
    """At start-up, before the first document: the seal's key and
    certificate load, belong together and the certificate is valid today;
    the time-stamping authority's settings (its password) are complete.
    Raises :class:`ConfigError` naming the setting.  The TSA itself is not
    asked here (one that is down is handled per document)."""
    sig = signer(profile)
    timestamper(profile)
    if sig is None:  # (no seal: cryptography not imported — ≈ 50 ms CPU of every run's start, issue 12)
        return
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.load_der_x509_certificate(sig.signing_cert.dump())
    try:
        key = serialization.load_der_private_key(sig.signing_key.dump(), None)
    except (ValueError, TypeError):
        raise ConfigError("seal: the private key cannot be read") from None
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.DER, spki) != \
            cert.public_key().public_bytes(serialization.Encoding.DER, spki):
        raise ConfigError("seal: the private key does not belong to the certificate in seal.cert_file")
    now = dt.datetime.now(dt.timezone.utc)
    if now > cert.not_valid_after_utc:
        raise ConfigError(f"seal.cert_file: the seal certificate expired on {cert.not_valid_after_utc.date()}")
    if now < cert.not_valid_before_utc:
        raise ConfigError(f"seal.cert_file: the seal certificate is valid only from {cert.not_valid_before_utc.date()}")


def timestamper(profile: "Profile"):
    """An RFC 3161 client for the profile's TSA, or None."""
    t = profile.timestamp
    if not t.url:
        return None
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    auth = None
    if t.username:
        pw = _read_secret(t, "password", "timestamp") or ""
        auth = (t.username, pw)
    return RequestsHTTPTimeStamper(t.url, timeout=t.timeout, auth=auth)


def _tsa_time(token: Any) -> str:
    return token["content"]["encap_content_info"]["content"].parsed["gen_time"].native.isoformat()


def protect_pdf(path: Path, profile: "Profile") -> dict[str, Any]:
    """Seal and/or time-stamp the PDF at *path* in place (incremental
    update).  Returns what metadata.json records: ``{"seal": …,
    "timestamp": …}`` (keys only for what was applied or failed)."""
    sig, ts = signer(profile), timestamper(profile)
    if sig is None and ts is None:
        return {}
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import TimestampRequestError

    data = Path(path).read_bytes()
    out: dict[str, Any] = {}

    def run(with_ts: bool) -> bytes:
        w = IncrementalPdfFileWriter(io.BytesIO(data))
        if sig is not None:
            meta = signers.PdfSignatureMetadata(
                field_name=profile.seal.field_name, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
                reason=profile.seal.reason or None, location=profile.seal.location or None)
            res = _pdfa_signer(signers)(meta, signer=sig, timestamper=ts if with_ts else None).sign_pdf(
                w, bytes_reserved=PDF_SIG_BYTES)
        else:
            res = signers.PdfTimeStamper(ts).timestamp_pdf(w, "sha256", bytes_reserved=PDF_SIG_BYTES)
        return res.getvalue()

    try:
        try:
            sealed = run(ts is not None)
            if ts is not None:
                out["timestamp"] = {"pdf": "signature-timestamp" if sig is not None else "document-timestamp"}
        except (TimestampRequestError, OSError) as e:
            if sig is None:
                raise EvidenceError(f"time-stamping authority failed ({type(e).__name__})", tsa=True) from None
            out["timestamp"] = {"pdf": "failed", "error": f"time-stamping authority failed ({type(e).__name__})"}
            sealed = run(False)
    except EvidenceError:
        raise
    except Exception as e:  # noqa: BLE001 - pyHanko refuses some PDFs; the caller decides
        raise EvidenceError(f"the archival PDF could not be sealed ({type(e).__name__})") from None
    from ekte import fsutil

    fsutil.write_bytes(Path(path), sealed)
    if sig is not None:
        out["seal"] = {"pdf": "PAdES-B-T" if out.get("timestamp", {}).get("pdf") == "signature-timestamp" else "PAdES-B-B",
                       "field": profile.seal.field_name, "certificate": sig.signing_cert.subject.human_friendly,
                       "certificate_sha256": hashlib.sha256(sig.signing_cert.dump()).hexdigest()}
    return out


@functools.cache
def _pdfa_signer(signers: Any) -> type:
    """pyHanko's ``PdfSigner``, but without the ISO 32002 extension it declares for an ECDSA key on a NIST curve
    (P-256/384/521): declaring it raises the catalog's ``/Version`` to 2.0, and a PDF 2.0 is no PDF/A-2/3
    (ISO 19005-2 6.1.2: 1.0–1.7).  PAdES with ECDSA in a PDF 1.7 is what ETSI EN 319 142-1 describes; the
    ESIC extension stays.  Ed25519/Ed448 keep pyHanko's handling (PDF 2.0): the check after sealing
    (:func:`ekte.evidence.archiving.protect_pdf`) then refuses the copy."""

    class PdfASigner(signers.PdfSigner):
        def register_extensions(self, pdf_out: Any, *, md_algorithm: str) -> None:
            try:
                algo = self.signer.get_signature_mechanism_for_digest(md_algorithm).signature_algo
            except Exception:  # noqa: BLE001 - as pyHanko: no introspection, its own handling
                algo = None
            if algo == "ecdsa" and not md_algorithm.startswith(("sha3_", "shake")):
                signers.pdf_signer._ensure_esic_ext(pdf_out)
                return
            super().register_extensions(pdf_out, md_algorithm=md_algorithm)

    return PdfASigner


def protect_file(path: Path, profile: "Profile") -> dict[str, Any]:
    """Detached evidence for the file at *path*: ``<path>.p7s`` (CMS
    signature by the seal) and ``<path>.tsr`` (RFC 3161 time-stamp
    response).  Returns what was written, by kind."""
    import asyncio  # (here: ≈ 35 ms CPU a run without seal or time stamp need not pay)

    from asn1crypto import tsp

    from ekte import fsutil

    sig, ts = signer(profile), timestamper(profile)
    data = Path(path).read_bytes()
    out: dict[str, Any] = {}
    if sig is not None:
        try:
            ci = asyncio.run(sig.async_sign_general_data(data, "sha256", detached=True))
        except Exception as e:  # noqa: BLE001
            raise EvidenceError(f"metadata.json could not be sealed ({type(e).__name__})") from None
        fsutil.write_bytes(Path(str(path) + P7S), ci.dump())
        out["signature"] = Path(path).name + P7S
    if ts is not None:
        try:
            token = asyncio.run(ts.async_timestamp(hashlib.sha256(data).digest(), "sha256"))
            when = _tsa_time(token)
        except Exception as e:  # noqa: BLE001 - network, HTTP status, a malformed answer
            raise EvidenceError(f"time-stamping authority failed ({type(e).__name__})", tsa=True) from None
        resp = tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})
        fsutil.write_bytes(Path(str(path) + TSR), resp.dump())
        out["timestamp"] = Path(path).name + TSR
        out["timestamp_time"] = when
    return out
