"""A small test PKI made with `cryptography`: a root CA, a seal
certificate (an organisation's electronic seal: digitalSignature +
nonRepudiation) and a time-stamping authority certificate (extended key
usage timeStamping, critical, as RFC 3161 section 2.3 requires).  Written
as PEM files; the keys are chmod 600 as ekte's ``*_file`` settings demand."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class Pki:
    root: Path
    ca_cert: Path
    seal_cert: Path
    seal_key: Path
    tsa_cert: Path
    tsa_key: Path
    other_ca_cert: Path  # a CA that signed nothing of ours (for "untrusted" tests)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Landkreis Musterstadt (Test)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _cert(subject: str, key, issuer_name: x509.Name, issuer_key, *, ca: bool = False, eku=None,
          key_usage: dict | None = None) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc)
    b = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer_name)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    ku = dict(digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
              key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False)
    ku.update(key_usage or {})
    b = b.add_extension(x509.KeyUsage(**ku), critical=True)
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    if issuer_key is not key:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                            critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def _write(path: Path, data: bytes, private: bool = False) -> Path:
    path.write_bytes(data)
    if private:
        os.chmod(path, 0o600)
    return path


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_pki(root: Path) -> Pki:
    root.mkdir(parents=True, exist_ok=True)
    ca_key = _key()
    ca = _cert("ekte Test Root CA", ca_key, _name("ekte Test Root CA"), ca_key, ca=True,
               key_usage=dict(key_cert_sign=True, crl_sign=True))
    seal_key = _key()
    seal = _cert("Posteingang Scanstelle (Siegel)", seal_key, ca.subject, ca_key,
                 key_usage=dict(digital_signature=True, content_commitment=True))
    tsa_key = _key()
    tsa = _cert("ekte Test TSA", tsa_key, ca.subject, ca_key, eku=[ExtendedKeyUsageOID.TIME_STAMPING],
                key_usage=dict(digital_signature=True, content_commitment=True))
    other_key = _key()
    other = _cert("Some Other CA", other_key, _name("Some Other CA"), other_key, ca=True,
                  key_usage=dict(key_cert_sign=True, crl_sign=True))
    return Pki(root=root, ca_cert=_write(root / "ca.pem", _pem(ca)), seal_cert=_write(root / "seal.pem", _pem(seal)),
               seal_key=_write(root / "seal.key", _key_pem(seal_key), True),
               tsa_cert=_write(root / "tsa.pem", _pem(tsa)), tsa_key=_write(root / "tsa.key", _key_pem(tsa_key), True),
               other_ca_cert=_write(root / "other-ca.pem", _pem(other)))
