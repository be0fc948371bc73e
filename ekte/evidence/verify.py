"""``ekte verify``: check that the archive still holds what was archived.

Per document (``archive/<id[:2]>/<id>/``) a list of checks runs; each
returns problems (one sentence each, naming the file or the evidence, never
a document's content).  The checks, in order:

``files``
    metadata.json readable and about this document; the original, the
    archival PDF and every file listed in ``archival.files`` re-hashed
    against it; files nobody recorded.
``metadata-evidence``
    ``metadata.json.p7s`` (seal) and ``metadata.json.tsr`` (RFC 3161): they
    cover metadata.json and, through the hashes in it, every other file.
``pdf``
    the archival PDF's XMP names this document and its original
    (``dc:identifier``, ``dc:source``, keywords); the transfer note embedded
    in it is the one beside it and names the original's hash; the note is
    valid against ekte's schema.
``seal``
    the unsealed revision of the archival PDF matches its recorded hash;
    the seal or document time stamp inside the PDF (pyHanko: intact,
    trusted, covering the whole file) — by default only when metadata.json
    has no seal of its own (a sealed metadata.json already covers the PDF's
    hash), always with ``--deep``.
``pdfa`` (``--deep`` only)
    PDF/A validity of the archival copy (pikepdf's validator; for sealed
    copies see :func:`ekte.evidence.checks.sealed_pdfa`).
``journal``
    the journal knows the document with the same SHA-256, type and pages,
    and every document it holds as archived has its folder.

``audit-chain``
    the journal's hash chain (an event deleted, edited or moved; walked once
    per run, its findings given to the documents they name), every field
    value of metadata.json explained by the audit trail (ekte/evidence/trail.py),
    and the chain's head recorded in metadata.json (a journal rewritten as a
    whole; ekte/evidence/anchor.py).

More checks are added with :func:`register_check`; a check gets a
:class:`Ctx` and returns a list of problem sentences.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ekte import fsutil
from ekte.evidence import checks as ev
from ekte.evidence import codes, facts, report, resiscan, tombs
from ekte.evidence.codes import Problem as P
from ekte.evidence.codes import prefixed
from ekte.evidence.inventory import archive_folders, journal_rows, never_archived
from ekte.stages.pdfa import conforms, validate_written

if TYPE_CHECKING:  # pragma: no cover
    from ekte.profile import Profile

METADATA, PDF = "metadata.json", "document.pdf"
EVIDENCE = {METADATA, METADATA + ".p7s", METADATA + ".tsr"}
REQUIRABLE = ("seal", "timestamp", "transfer-note")


@dataclass
class Ctx:
    """What a check sees of one document."""

    doc_id: str
    folder: Path
    profile: "Profile"
    meta: dict[str, Any] | None = None
    journal_row: dict[str, Any] | None = None
    deep: bool = False
    require: frozenset[str] = frozenset()
    has_journal: bool = True
    hashes: dict[str, str] = field(default_factory=dict)
    chain: list[str] = field(default_factory=list)  # the audit chain's findings about this document
    anchor: dict[str, Any] | None = None  # the recorded head of the chain, compared (ekte/evidence/anchor.py)

    def sha256(self, name: str) -> str | None:
        """The SHA-256 of a file of the folder (once per run), None if missing."""
        if name not in self.hashes:
            p = self.folder / name
            self.hashes[name] = fsutil.sha256_file(p) if p.is_file() else ""
        return self.hashes[name] or None

    @property
    def archival(self) -> dict[str, Any]:
        return (self.meta or {}).get("archival") or {}


@dataclass
class DocResult:
    id: str
    folder: str
    problems: list[tuple[str, str]] = field(default_factory=list)
    anchor: dict[str, Any] | None = None
    evidence: tuple[bool, bool] = (False, False)  # (sealed, time-stamped): ekte/evidence/report.py

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "folder": self.folder, "ok": self.ok,
                "problems": [codes.problem(c, m) for c, m in self.problems]}  # + code, file (fresh38 F14c)


@dataclass
class VerifyResult:
    documents: list[DocResult]
    seconds: float
    checks: list[str]
    chain: dict[str, Any] = field(default_factory=dict)
    #: ids asked for that were never archived (quarantined, …): id → (state, reason code); nothing to verify
    not_archived: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: the journal's last rebuild: time, documents archived before it (ekte/evidence/report.py)
    rebuilt: dict[str, Any] | None = None
    #: ids asked for that were deleted (tombstones): id → when, who, why … (ekte/evidence/tombs.py); exit 0
    deleted: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: --expect-head's answer (ekte/evidence/report.py); a head not in the chain: exit 1
    expected_head: dict[str, Any] | None = None

    @property
    def broken(self) -> list[DocResult]:
        return [d for d in self.documents if not d.ok]

    @property
    def exit_code(self) -> int:
        return 1 if self.broken or (self.expected_head and not self.expected_head["holds"]) else 0

    def to_json(self) -> dict[str, Any]:
        n = len(self.documents)
        return {"version": 1, "documents": [d.to_dict() for d in self.broken],
                "summary": {"documents": n, "ok": n - len(self.broken), "broken": len(self.broken),
                            "checks": self.checks, "seconds": round(self.seconds, 3), "audit_chain": self.chain,
                            "evidence": {"sealed": sum(d.evidence[0] for d in self.documents),
                                         "timestamped": sum(d.evidence[1] for d in self.documents)},
                            **({"expected_head": self.expected_head} if self.expected_head else {}),
                            **({"rebuilt": self.rebuilt} if self.rebuilt else {}),
                            "documents_per_s": round(n / self.seconds, 1) if self.seconds else None},
                "not_archived": [{"id": i, "state": st, "reason": r} for i, (st, r) in self.not_archived.items()],
                "deleted": [{"id": i, **t} for i, t in self.deleted.items()]}


def check_files(c: Ctx) -> list[str]:
    m = c.meta
    if m is None:
        return [P("metadata_unreadable", f"{METADATA} is missing or not valid JSON")]
    out = []
    if m.get("schema") != "ekte.metadata/1" or m.get("id") != c.doc_id:
        out.append(P("metadata_not_this_document", f"{METADATA} is not this document's (schema or id differ)"))
    sha = str(m.get("sha256") or "")
    if sha[:16] != c.doc_id:
        out.append(P("metadata_not_this_document",
            f"{METADATA}: its SHA-256 of the original does not match the document id"))
    a = c.archival
    original = a.get("original") or next((p.name for p in c.folder.glob("original.*")), "original")
    expected = dict(a.get("files") or {})
    expected.setdefault(original, sha)
    expected.setdefault(PDF, a.get("sha256") or m.get("archive_sha256"))
    if expected[original] != sha or expected[PDF] != m.get("archive_sha256"):
        out.append(P("metadata_inconsistent",
            f"{METADATA} contradicts itself about the hashes of the original or the archival copy"))
    for name, want in sorted(expected.items()):
        got = c.sha256(name)
        if got is None:
            out.append(P("file_missing", f"{name} is missing"))
        elif got != want:
            out.append(P("file_changed", f"{name} was changed or damaged (SHA-256 differs from {METADATA})"))
    if a.get("files"):
        extra = sorted(p.name for p in c.folder.iterdir() if p.name not in expected and p.name not in EVIDENCE)
        out += [P("file_unrecorded", f"{n}: a file {METADATA} does not record") for n in extra]
    return out


def check_metadata_evidence(c: Ctx) -> list[str]:
    if c.meta is None:
        return []
    claims = c.archival.get("metadata_evidence") or {}
    out = []
    data = (c.folder / METADATA).read_bytes()
    for kind, suffix in (("signature", ".p7s"), ("timestamp", ".tsr")):
        p = c.folder / (METADATA + suffix)
        if not p.is_file():
            if kind in claims:
                out.append(P("evidence_file_missing", f"{p.name} is missing ({METADATA} says it was made)"))
            elif {"signature": "seal", "timestamp": "timestamp"}[kind] in c.require:
                out.append(P("evidence_missing",
                    f"no {'seal' if kind == 'signature' else 'time stamp'} over {METADATA} (required)"))
            continue
        if kind == "signature":
            out += [prefixed(f"{p.name}: ", x) for x in ev.detached_signature(data, p.read_bytes(), c.profile)]
        else:
            out += [prefixed(f"{p.name}: ", x) for x in ev.timestamp_response(data, p.read_bytes(), c.profile)[0]]
    return out


def _xmp_problems(c: Ctx, pdf: Any) -> list[str]:
    m = c.meta or {}
    meta = pdf.open_metadata()
    out = []
    if meta.get("dc:identifier") != f"urn:ekte:{c.doc_id}":
        out.append(P("xmp_differs", f"{PDF}: its XMP names another document"))
    if meta.get("dc:source") not in (None, f"urn:sha256:{m.get('sha256')}"):
        out.append(P("xmp_differs", f"{PDF}: its XMP names another original than {METADATA}"))
    words = set(str(meta.get("pdf:Keywords") or "").split("; "))
    az = ((m.get("fields") or {}).get("aktenzeichen") or {}).get("value")
    if (m.get("doctype") and m["doctype"] not in words) or (az and az not in words):
        out.append(P("xmp_differs", f"{PDF}: document type or Aktenzeichen in {METADATA} differ from the PDF's XMP"))
    return out


def check_pdf(c: Ctx) -> list[str]:
    import pikepdf

    a, out = c.archival, []
    note = a.get("transfer_note")
    if c.meta is None or not (c.folder / PDF).is_file() or (a.get("xmp") != "written" and not note):
        return []
    try:
        with pikepdf.open(c.folder / PDF) as pdf:
            if a.get("xmp") == "written":
                out += _xmp_problems(c, pdf)
            spec = pdf.attachments.get(resiscan.NOTE) if note and note.get("embedded") else None
            embedded = spec.get_file().read_bytes() if spec is not None else None
    except Exception as e:  # noqa: BLE001
        return [P("unreadable", f"{PDF} cannot be read ({type(e).__name__})")]
    if note:
        beside = c.folder / resiscan.NOTE
        data = beside.read_bytes() if beside.is_file() else b""
        if note.get("embedded") and embedded != data:
            out.append(P("transfer_note_differs", f"the transfer note embedded in {PDF} differs from {resiscan.NOTE}"))
        if data and (err := resiscan.validate(data)):
            out.append(P("transfer_note_invalid", f"{resiscan.NOTE} is not valid against its schema ({err})"))
        elif data and f">{c.meta.get('sha256')}<".encode() not in data:
            out.append(P("transfer_note_differs", f"{resiscan.NOTE} names another original (its hash differs)"))
        elif data:
            out += facts.note_problems(note, data)
    elif "transfer-note" in c.require and resiscan.is_scanned(_doc_stub(c.meta)):
        out.append(P("evidence_missing", "scanned document without a transfer note (required)"))
    return out


def _doc_stub(meta: dict[str, Any]):
    from ekte.model import Document

    d = Document(sha256=meta.get("sha256") or "", source="", size=0, media_type=meta.get("media_type") or "")
    d.ocr = dict(meta.get("ocr") or {})
    return d


def check_seal(c: Ctx) -> list[str]:
    a = c.archival
    if c.meta is None:
        return []
    in_pdf = a.get("seal") or (a.get("timestamp") or {}).get("pdf") in ("document-timestamp", "signature-timestamp")
    if not in_pdf:
        return [P("evidence_missing", "the archival PDF is not sealed (required)")] if "seal" in c.require else []
    path = c.folder / PDF
    if not path.is_file():
        return []
    before = ev.unsealed_prefix(path, a)
    out = [] if before is None or fsutil.sha256_bytes(before) == (a.get("unsealed") or {}).get("sha256") else \
        [P("unsealed_revision_changed", f"{PDF}: the revision under the seal differs from the one recorded")]
    protected = bool((a.get("metadata_evidence") or {}) and (c.folder / (METADATA + ".p7s")).is_file())
    if c.deep or not protected:
        # with a sealed metadata.json the PDF's hash is already covered (files + metadata-evidence):
        # its own seal is validated by --deep, or when metadata.json has no seal
        out += [prefixed(f"{PDF}: ", x) for x in ev.pdf_signatures(path, a, c.profile)]
    return out


def check_pdfa(c: Ctx) -> list[str]:
    import io

    fmt = str(c.archival.get("format") or "")
    if c.meta is None or not fmt.startswith("PDF/A-") or not (c.folder / PDF).is_file():
        return []
    flavour = fmt[-2:].lower()
    before = ev.unsealed_prefix(c.folder / PDF, c.archival)
    if before is None:
        rep = validate_written(c.folder / PDF, flavour)
        return [] if conforms(rep) else [P("pdfa_invalid", f"{PDF} is not valid {fmt}: {len(rep.findings)} finding(s)")]
    rep = validate_written(io.BytesIO(before), flavour)
    out = [] if conforms(rep) else [P("pdfa_invalid", f"{PDF}: the revision under the seal is not valid {fmt}")]
    return out + [prefixed(f"{PDF} (sealed): ", x) for x in ev.sealed_pdfa(c.folder / PDF, flavour)]


def check_journal(c: Ctx) -> list[str]:
    row, m = c.journal_row, c.meta
    if not c.has_journal:
        return []
    if row is None:
        return [P("journal_unknown", "the journal does not know this document")] if m is not None else []
    out = facts.place_problems(c.doc_id, c.folder, c.folder.parents[2], row)
    return out + (facts.row_problems(m, row, c.folder, trail.events(c.folder.parents[2], c.doc_id))
                  if m is not None else [])


#: (name, check, deep only) in the order they run
CHECKS: list[tuple[str, Callable[[Ctx], list[str]], bool]] = [
    ("files", check_files, False), ("metadata-evidence", check_metadata_evidence, False), ("pdf", check_pdf, False),
    ("seal", check_seal, False), ("pdfa", check_pdfa, True), ("journal", check_journal, False),
]


def register_check(name: str, fn: Callable[[Ctx], list[str]], deep: bool = False) -> None:
    """Add a check (e.g. the journal's audit chain) that runs for every document."""
    CHECKS[:] = [c for c in CHECKS if c[0] != name] + [(name, fn, deep)]


def verify_one(doc_id: str, folder: Path, profile: "Profile", row: dict | None, deep: bool,
               require: frozenset[str], has_journal: bool = True, chain: list[str] | None = None) -> DocResult:
    res = DocResult(doc_id, str(folder))
    if not folder.is_dir():
        res.problems.append(("files", P("folder_missing", "the archive folder is missing")))
        return res
    try:
        meta = json.loads((folder / METADATA).read_text("utf-8"))
        meta = meta if isinstance(meta, dict) else None
    except (OSError, ValueError):
        meta = None
    ctx = Ctx(doc_id, folder, profile, meta, row, deep, require, has_journal, chain=list(chain or []))
    for name, fn, deep_only in CHECKS:
        if deep_only and not deep:
            continue
        try:
            res.problems += [(name, p) for p in fn(ctx)]
        except Exception as e:  # noqa: BLE001 - a check that cannot run is a finding, never a crash
            res.problems.append((name, P("check_failed", f"the check could not run ({type(e).__name__})")))
    res.anchor, res.evidence = ctx.anchor, report.evidence_of(meta)
    return res


def _batch(args: tuple) -> list[DocResult]:
    items, profile, deep, require, has_journal = args
    return [verify_one(i, Path(f), profile, row, deep, require, has_journal, ch) for i, f, row, ch in items]


def verify(workdir: Path, profile: "Profile", ids: list[str] | None = None, *, deep: bool = False,
           require: list[str] | None = None, jobs: int = 1, batch: int = 64,
           expect_head: str | None = None) -> VerifyResult:
    """Check the archive of *workdir* (every document, or *ids*); *expect_head*: a chain head noted earlier."""
    t0 = time.monotonic()
    expected = report.expect_head(workdir, expect_head) if expect_head else None
    rows = journal_rows(workdir)
    has_journal, rows = rows is not None, rows or {}
    folders = archive_folders(workdir)
    place = lambda i: folders.get(i, Path(workdir) / "archive" / i[:2] / i)  # noqa: E731 - not the journal's path: the workdir may have moved
    unarchived = never_archived(workdir, [i for i in ids or [] if i[:16] not in rows and not place(i[:16]).is_dir()])
    gone = tombs.deleted(workdir, [i[:16] for i in ids or [] if i[:16] not in rows and not place(i[:16]).is_dir()
                                   and i[:16] not in unarchived])  # (fresh38 F5: "no document with id")
    if ids:  # (fresh35 F3: a quarantined one was "BROKEN: the archive folder is missing")
        todo = [(i[:16], place(i[:16])) for i in ids if i[:16] not in unarchived and i[:16] not in gone]
    else:  # every folder, and every document the journal holds as archived
        todo = sorted((i, place(i)) for i in set(rows) | set(folders))
    req = frozenset(require or ())
    bad = req - set(REQUIRABLE)
    if bad:
        from ekte.errors import ConfigError

        raise ConfigError(f"--require: unknown {', '.join(sorted(bad))} (known: {', '.join(REQUIRABLE)})")
    found, chain = trail.chain_problems(workdir) or ({}, {})
    items = [(i, str(f), rows.get(i), found.pop(i, None)) for i, f in todo]
    chunks = [(items[k:k + batch], profile, deep, req, has_journal) for k in range(0, len(items), batch)]
    if jobs <= 1 or len(chunks) <= 1:
        results = [r for ch in chunks for r in _batch(ch)]
    else:
        import multiprocessing

        with ProcessPoolExecutor(min(jobs, len(chunks)), mp_context=multiprocessing.get_context("forkserver")) as ex:
            results = [r for part in ex.map(_batch, chunks) for r in part]
    if not ids:  # what the chain found about documents without an archive folder (quarantined, deleted)
        results += [DocResult(i, "", [("audit-chain", m) for m in ms]) for i, ms in sorted(found.items())]
    if not ids:  # a deletion's tombstone and deleted/<id>.json against its chained entry (fresh38 F15)
        results += [DocResult(i, "", [("tombstone", m) for m in ms]) for i, ms in tombs.problems(workdir).items()]
    if chain and any(n == "audit-chain" for n, _f, _d in CHECKS):
        chain["anchors"] = anchor.localize(results, workdir, ids)
    names = [n for n, _f, d in CHECKS if deep or not d]
    return VerifyResult(results, time.monotonic() - t0, names, chain, unarchived,
                        report.rebuilt(workdir, {r.id for r in results if r.folder}), gone, expected)


def default_jobs() -> int:
    return os.cpu_count() or 1


from ekte.evidence import anchor, trail  # noqa: E402 - registered here so that worker processes have it too

register_check("audit-chain", trail.check_audit)
