"""Stable codes for what ``ekte verify`` and ``ekte journal check`` find (fresh38 F14c): scripts read the
``code`` (and the ``file`` a problem names) instead of parsing the English sentence, which may change.  The
codes are listed in README ("Evidence"); a sentence no rule knows gets ``other`` (a test keeps that from
happening to the sentences the checks write)."""

from __future__ import annotations

import re
from typing import Any

#: (pattern in the sentence, code), first match wins — verify's problems
VERIFY: list[tuple[str, str]] = [
    (r"the check could not run", "check_failed"),
    (r"^the archive folder is missing", "folder_missing"),
    (r"not at its place|records another place", "folder_misplaced"),
    (r"missing or not valid JSON|fields are not a mapping", "metadata_unreadable"),
    (r"is not this document's|does not match the document id", "metadata_not_this_document"),
    (r"contradicts itself", "metadata_inconsistent"),
    (r"^field \S+: metadata\.json holds a value no audit entry set", "field_unexplained"),
    (r"^field \S+: metadata\.json holds another value", "field_differs"),
    (r"^field \S+: metadata\.json names another method", "field_method_differs"),
    (r"^field \S+: the audit trail set it", "field_removed"),
    (r"\(required\)$", "evidence_missing"),
    (r"is missing \(metadata\.json says it was made\)", "evidence_file_missing"),
    (r"was changed or damaged", "file_changed"),
    (r"a file metadata\.json does not record", "file_unrecorded"),
    (r"^\S+ is missing$", "file_missing"),
    (r"no trust anchor configured|no TSA certificate configured", "trust_not_configured"),
    (r"not trusted", "untrusted"),
    (r"time stamp (does not match|is broken|is missing or broken)", "timestamp_broken"),
    (r"seal does not match|seal is broken|changed after (it was )?sealed|changed after sealing|signatures, expected 1",
     "seal_broken"),
    (r"revision under the seal differs", "unsealed_revision_changed"),
    (r"not valid PDF/A|is not valid PDF/A|PDF/A", "pdfa_invalid"),
    (r"cannot be read", "unreadable"),
    (r"not valid against its schema", "transfer_note_invalid"),
    (r"XMP", "xmp_differs"),
    (r"transfer note|transfervermerk\.xml", "transfer_note_differs"),
    (r"the journal does not know this document", "journal_unknown"),
    (r"disagree|says document type|records another size", "journal_differs"),
    (r"rewritten|not those recorded in metadata\.json", "journal_rewritten"),
    (r"edited after it was written|was emptied|not chained|chain breaks|were removed|deleted or moved|"
     r"no audit trail yet", "chain_broken"),
    (r"no chained deletion entry", "tombstone_unchained"),
    (r"differs from the chained deletion entry", "tombstone_differs"),
]

#: journal check's findings
JOURNAL: list[tuple[str, str]] = [
    (r"without a readable metadata\.json", "metadata_unreadable"),
    (r"archived, but the journal does not know it", "journal_unknown"),
    (r"archived, but the journal says", "state_differs"),
    (r"archive folder is missing", "folder_missing"),
    (r"deletion was begun", "deletion_unfinished"),
    (r"has no deleted/", "deletion_record_missing"),
]

_FILE = re.compile(r"(deleted/[0-9a-f]+\.json|(?<![\w/])[\w-]+\.(?:json\.p7s|json\.tsr|json|pdf|xml|txt|tiff?|jpe?g|png|"
                   r"docx|xlsx|odt|ods|rtf|eml|bin)\b)")
_UNRECORDED = re.compile(r"^(.+): a file metadata\.json does not record$")


def code_of(message: str, table: list[tuple[str, str]] = VERIFY) -> str:
    return next((code for rx, code in table if re.search(rx, message)), "other")


def file_of(message: str) -> str | None:
    """The file a sentence names first (an unrecorded file: its name), None if none."""
    m = _UNRECORDED.match(message) or _FILE.search(message)
    return m.group(1) if m else None


def problem(check: str, message: str) -> dict[str, Any]:
    """One of verify's problems for ``--json``: the old keys ``check`` and ``message``, ``code``, ``file``."""
    f = file_of(message)
    return {"check": check, "message": message, "code": code_of(message), **({"file": f} if f else {})}


def journal_findings(findings: list[str]) -> list[dict[str, Any]]:
    """journal check's findings (``<id>: sentence``) as ``{"id", "code", "message"}``."""
    out = []
    for s in findings:
        doc_id, _, rest = s.partition(": ")
        out.append({"id": doc_id, "code": code_of(rest, JOURNAL), "message": s})
    return out
