"""Checking evidence: detached seals and time stamps of metadata.json, the
seal or document time stamp inside an archival PDF, and PDF/A validity of
a sealed copy.  Each function returns a list of problems (empty: holds),
one sentence each, never a document's content.

Trust comes from the profile: ``seal.trust_file`` (else the last
certificate of ``seal.chain_file``) for seals, ``timestamp.ca_file`` for
time stamps.  Validation never goes to the network (no OCSP/CRL fetching:
revocation is checked only from what the evidence carries)."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ekte.evidence.codes import Problem as P

if TYPE_CHECKING:  # pragma: no cover
    from ekte.profile import Profile

# pyHanko logs hash values and certificate details of failed checks; the findings say what broke
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


@functools.lru_cache(maxsize=8)
def _certs(path: str) -> tuple:
    from pyhanko.keys import load_certs_from_pemder

    return tuple(load_certs_from_pemder([path])) if path and Path(path).is_file() else ()


def trust_roots(profile: "Profile", kind: str) -> tuple:
    """The trust anchors for *kind* ("seal" or "timestamp")."""
    if kind == "timestamp":
        return _certs(profile.timestamp.ca_file)
    s = profile.seal
    if s.trust_file:
        return _certs(s.trust_file)
    chain = _certs(s.chain_file)
    return chain[-1:] if chain else _certs(s.cert_file)


def _context(roots: tuple):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail")


def detached_signature(data: bytes, p7s: bytes, profile: "Profile") -> list[str]:
    """A CMS signature (``metadata.json.p7s``) over *data*."""
    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

    roots = trust_roots(profile, "seal")
    if not roots:
        return [P("trust_not_configured",
            "seal present but no trust anchor configured (seal.trust_file or seal.chain_file)")]
    try:
        ci = cms.ContentInfo.load(p7s)
        st = asyncio.run(async_validate_detached_cms(data, ci["content"], signer_validation_context=_context(roots)))
    except Exception as e:  # noqa: BLE001 - a damaged signature is a finding, not a crash
        return [P("unreadable", f"seal cannot be read ({type(e).__name__})")]
    if not st.intact or not st.valid:
        return [P("seal_broken", "seal does not match the file (changed after sealing)")]
    if not st.trusted:
        return [P("untrusted", "seal is intact but its certificate is not trusted (seal.trust_file)")]
    return []


def timestamp_response(data: bytes, tsr: bytes, profile: "Profile") -> tuple[list[str], str | None]:
    """An RFC 3161 time-stamp response (``metadata.json.tsr``) over *data*;
    returns the problems and the time stamped."""
    from asn1crypto import tsp
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko.sign.validation.status import TimestampSignatureStatus

    roots = trust_roots(profile, "timestamp")
    if not roots:
        return [P("trust_not_configured",
            "time stamp present but no TSA certificate configured (timestamp.ca_file)")], None
    try:
        resp = tsp.TimeStampResp.load(tsr)
        token = resp["time_stamp_token"]
        kw = asyncio.run(validate_tst_signed_data(token["content"], _context(roots),
                                                  lambda alg: hashlib.new(alg, data).digest()))
        st = TimestampSignatureStatus(**kw)
    except Exception as e:  # noqa: BLE001
        return [P("unreadable", f"time stamp cannot be read ({type(e).__name__})")], None
    when = st.timestamp.isoformat() if st.timestamp else None
    if not st.intact or not st.valid:
        return [P("timestamp_broken", "time stamp does not match the file (changed after time-stamping)")], when
    if not st.trusted:
        return [P("untrusted", "time stamp is intact but the TSA is not trusted (timestamp.ca_file)")], when
    return [], when


def pdf_signatures(path: Path, archival: dict[str, Any], profile: "Profile") -> list[str]:
    """The seal (PAdES) or document time stamp inside the archival PDF:
    intact, trusted, covering the whole file, and nothing but itself added
    after the sealed revision."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

    problems: list[str] = []
    sealed = bool(archival.get("seal"))
    want_dts = archival.get("timestamp", {}).get("pdf") == "document-timestamp"
    roots_s, roots_t = trust_roots(profile, "seal"), trust_roots(profile, "timestamp")
    try:
        with open(path, "rb") as f:
            r = PdfFileReader(f)
            sigs = r.embedded_signatures
            if len(sigs) != 1:
                return [P("seal_broken", f"the archival PDF holds {len(sigs)} signatures, expected 1")]
            s = sigs[0]
            if sealed:
                if not roots_s:
                    return [P("trust_not_configured",
                        "seal present but no trust anchor configured (seal.trust_file or seal.chain_file)")]
                st = validate_pdf_signature(s, signer_validation_context=_context(roots_s),
                                            ts_validation_context=_context(roots_t) if roots_t else None)
                ok_ts = archival.get("timestamp", {}).get("pdf") != "signature-timestamp" or \
                    (st.timestamp_validity is not None and st.timestamp_validity.intact and st.timestamp_validity.valid)
                if not (st.intact and st.valid):
                    problems.append(P("seal_broken", "the PDF seal is broken (the document changed after sealing)"))
                elif not st.trusted:
                    problems.append(P("untrusted", "the PDF seal is intact but its certificate is not trusted"))
                if not ok_ts:
                    problems.append(P("timestamp_broken", "the PDF seal's time stamp is missing or broken"))
            elif want_dts:
                if not roots_t:
                    return [P("trust_not_configured",
                        "time stamp present but no TSA certificate configured (timestamp.ca_file)")]
                st = validate_pdf_timestamp(s, validation_context=_context(roots_t))
                if not (st.intact and st.valid):
                    problems.append(P("timestamp_broken",
                        "the PDF time stamp is broken (the document changed after time-stamping)"))
                elif not st.trusted:
                    problems.append(P("untrusted", "the PDF time stamp is intact but the TSA is not trusted"))
            if st.coverage != SignatureCoverageLevel.ENTIRE_FILE:
                problems.append(P("seal_broken",
                    "the PDF was changed after it was sealed (an update follows the signature)"))
    except Exception as e:  # noqa: BLE001
        return [P("unreadable", f"the PDF signature cannot be read ({type(e).__name__})")]
    return problems


def unsealed_prefix(path: Path, archival: dict[str, Any]) -> bytes | None:
    """The archival PDF as it was before sealing (the PDF/A revision)."""
    before = archival.get("unsealed") or {}
    if not before.get("size"):
        return None
    with open(path, "rb") as f:
        return f.read(int(before["size"]))


def sealed_pdfa(path: Path, flavour: str) -> list[str]:
    """PDF/A check of a sealed copy.  pikepdf's validator does not judge
    signatures (/AcroForm is 'unsupported' to it), so the signature
    structures (and PAdES' /ESIC developer extension, an ISO 32000-1
    extensions dictionary entry) are taken out in memory and the rest of
    the final revision
    is checked; the signature itself is checked against the PDF/A rules
    that concern it (one signer, the signer's certificate included, the
    widget printable and not hidden, /Perms only DocMDP/UR3)."""
    import pikepdf
    import pikepdf.pdfa

    from asn1crypto import cms

    from ekte.stages.pdfa import BEYOND_VALIDATOR

    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        form = pdf.Root.get("/AcroForm")
        fields = [f for f in (form.get("/Fields") or []) if f.get("/FT") == pikepdf.Name.Sig] if form else []
        for f in fields:
            flags = int(f.get("/F", 0))
            if f.get("/Subtype") == pikepdf.Name.Widget and (not flags & 4 or flags & (1 | 2 | 32)):
                problems.append(P("pdfa_invalid", "signature widget is hidden or not printable (PDF/A 6.3.2)"))
            sd = cms.ContentInfo.load(bytes(f.V.Contents))["content"]
            if len(sd["signer_infos"]) != 1:
                problems.append(P("pdfa_invalid", "signature has more than one signer (PDF/A 6.4.3)"))
            if not len(sd["certificates"] or []):
                problems.append(P("pdfa_invalid", "signature does not include the signer's certificate (PDF/A 6.4.3)"))
        perms = pdf.Root.get("/Perms")
        if perms is not None and set(perms.keys()) - {"/DocMDP", "/UR3"}:
            problems.append(P("pdfa_invalid", "/Perms holds keys other than DocMDP and UR3 (PDF/A 6.4.3)"))
        gone = {f.objgen for f in fields}
        if form is not None:
            del pdf.Root["/AcroForm"]
        ext = pdf.Root.get("/Extensions")
        if ext is not None and "/ESIC" in ext:  # PAdES' declaration (ETSI EN 319 142-1), ISO 32000-1 7.12
            del ext["/ESIC"]
            if not len(ext.keys()):
                del pdf.Root["/Extensions"]
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if annots is not None and gone:
                page.obj.Annots = pikepdf.Array([a for a in annots if a.objgen not in gone])
        rep = pikepdf.pdfa.check(pdf, flavour)
        problems += [P("pdfa_invalid",
            f"PDF/A-{flavour}: {f.rule}: {f.message}") for f in rep.findings  # (pdfa.conforms)
                     if not (f.kind == "unsupported" and f.rule in BEYOND_VALIDATOR)]
    return problems
