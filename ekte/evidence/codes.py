"""Stable codes for what ``ekte verify`` and ``ekte journal check`` find (fresh38 F14c): scripts read the
``code`` (and the ``file`` a problem names) instead of parsing the English sentence, which may change.  The
codes are listed in README ("Evidence").  Each check sets the code where it writes the sentence
(:class:`Problem`: a sentence that carries its code; :func:`prefixed` keeps it when a file name is put before
it), so a sentence reworded or added keeps or gets its code there.  The pattern tables below are only the
fallback for a sentence that carries none (a plugin's, or an older process's): it is matched, else ``other``."""

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


class Problem(str):
    """A problem's sentence with its stable code (``.code``); everywhere else an ordinary ``str``."""

    code: str

    def __new__(cls, code: str, text: str) -> "Problem":
        self = super().__new__(cls, text)
        self.code = code
        return self

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:  # through verify's worker processes intact
        return Problem, (self.code, str(self))


def prefixed(prefix: str, p: str) -> str:
    """*p* with *prefix* before it (``"document.pdf: "``), its code kept."""
    return Problem(p.code, prefix + p) if isinstance(p, Problem) else prefix + p


def code_of(message: str, table: list[tuple[str, str]] | None = None) -> str:
    """The code *message* carries (:class:`Problem`), else the first pattern of *table* (default
    :data:`VERIFY`) it matches, else ``other``."""
    if isinstance(message, Problem):
        return message.code
    return next((code for rx, code in (VERIFY if table is None else table) if re.search(rx, message)), "other")


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
        out.append({"id": doc_id, "code": s.code if isinstance(s, Problem) else code_of(rest, JOURNAL), "message": s})
    return out
