"""Errors with stable codes.  A :class:`DocumentError` quarantines one
document; the run goes on.  Exit codes of the CLI live here too."""

from __future__ import annotations

import errno
import sqlite3
from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    OK = 0  # every document archived and exported (or a known duplicate)
    DOCUMENTS_NEED_ATTENTION = 1  # some quarantined or waiting for review
    USAGE = 2  # bad arguments or configuration (profile, overrides)
    MISSING_DEPENDENCY = 3  # tesseract / ghostscript / language data missing
    ALL_FAILED = 4  # not one document could be archived
    INTERNAL = 70  # a bug in ekte or a plugin (EX_SOFTWARE); the message says how to get details
    ENVIRONMENT = 74  # disk full, permission denied, read-only or failing storage (EX_IOERR); a re-run after the fix completes
    JOURNAL_DAMAGED = 75  # the journal cannot be read: ekte journal check / ekte journal rebuild
    INTERRUPTED = 130  # Ctrl-C or SIGTERM; a re-run finishes the rest


# Quarantine reason codes (stable; scripts may depend on them).
REASONS = {
    "empty": "The file is empty (zero bytes).",
    "unsupported_type": "The file is neither a PDF, a TIFF, JPEG or PNG image, an office document "
                        "(DOCX, XLSX, ODT, ODS, RTF) nor plain text.",
    "broken_pdf": "The PDF is damaged and cannot be read.",
    "encrypted": "The PDF is protected by a password.",
    "decompression_bomb": "An image in the file is too large to process safely.",
    "broken_image": "The image file is damaged and cannot be read.",
    "too_large": "The file exceeds the configured size limit.",
    "too_many_pages": "The file has more pages than the configured limit (intake.max_pages).",
    "ocr_failed": "Text recognition failed.",
    "ocr_timeout": "Text recognition took longer than the configured limit.",
    "changed_during_read": "The file changed while it was being read.",
    "unreadable": "The file cannot be read (permissions or I/O error).",
    "symlink": "The file is a symbolic link; ekte does not follow links in an inbox.",
    "active_content": "The PDF carries active content (scripts, actions, embedded files) that could not be removed.",
    "internal_error": "An unexpected error occurred while processing the file.",
    "hash_mismatch": "The file does not match the hash its delivery metadata states.",
    "missing_file": "The delivery metadata names a file that is not in the package.",
    "unsafe_package": "The package is unsafe to unpack (path traversal, absurd size or compression ratio).",
    "bad_message": "The delivery metadata cannot be read or is not a supported message.",
    "rejected": "A clerk rejected the document in the review queue.",
    "office_failed": "LibreOffice could not convert the office document.",
    "office_timeout": "Converting the office document took longer than the configured limit.",
    "bad_mail": "The e-mail message cannot be read.",
}


class EkteError(Exception):
    """Base class of ekte's own errors.  ``exit_code``: the code the command
    line exits with for it (a script can do the same)."""

    exit_code: int = ExitCode.INTERNAL


class ConfigError(EkteError):
    """A profile, an override or an argument is invalid (exit code 2)."""

    exit_code = ExitCode.USAGE


class MissingDependency(EkteError):
    """An external program is missing (exit code 3)."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class DocumentError(EkteError):
    """One document cannot be processed; it goes to quarantine (a run with
    one exits 1)."""

    exit_code = ExitCode.DOCUMENTS_NEED_ATTENTION

    def __init__(self, code: str, message: str | None = None, stage: str = ""):
        self.code = code
        self.message = message or REASONS.get(code, code)
        self.stage = stage
        super().__init__(f"{code}: {self.message}")

    def __reduce__(self):  # survives pickling across worker processes
        return (DocumentError, (self.code, self.message, self.stage))


class EnvironmentFailure(EkteError):
    """The machine, not a document, failed: the disk is full, a folder is
    not writable, storage fails, the journal is damaged.  The run stops
    (nothing half-written), says so in one line and exits with
    :attr:`exit_code`; running it again after the fix completes it."""

    CAUSES = {
        "disk_full": "no space left",
        "permission_denied": "permission denied",
        "read_only": "read-only file system",
        "io_error": "I/O error",
        "journal_damaged": "the journal is damaged",
        "journal_busy": "another ekte process held the journal for longer than 30 s",
    }

    #: what the API call had done when it stopped (fresh33 F1): the ``IngestResult`` of ``ingest``,
    #: ``import_xdomea``, ``mail`` and ``export`` (documents settled before, ``pending``), the dict of ``status``
    result: Any = None

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)

    @property  # type: ignore[override]
    def exit_code(self) -> int:  # type: ignore[override]
        return ExitCode.JOURNAL_DAMAGED if self.code == "journal_damaged" else ExitCode.ENVIRONMENT

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def raise_failure(result: Any) -> Any:
    """*result* (an ``IngestResult``), unless the run stopped on the environment: then its failure, raised with
    the result on it (``e.result``) — the API's rule: errors are exceptions (as sqlite-utils' or OCRmyPDF's).
    Its ``documents`` are sealed: a read-only sequence from here on."""
    getattr(getattr(result, "documents", None), "seal", lambda: None)()
    if result.failure is not None:
        result.failure.result = result
        raise result.failure
    return result


_ERRNO = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EROFS: "read_only",
          errno.EACCES: "permission_denied", errno.EPERM: "permission_denied", errno.EIO: "io_error"}
_SQLITE = (("disk is full", "disk_full"), ("disk i/o error", "io_error"), ("readonly database", "read_only"),
           ("unable to open database", "permission_denied"), ("not a database", "journal_damaged"),
           ("malformed", "journal_damaged"), ("file is encrypted", "journal_damaged"),
           ("database is locked", "journal_busy"))


#: the end of an environment failure's message (a command run once; the watch daemon retries by itself)
RUN_AGAIN = "nothing was half-written — fix it and run the command again to complete the rest"


def environment_failure(exc: BaseException | None, where: str = "the working directory") -> EnvironmentFailure | None:
    """The environment failure *exc* stands for (also behind a wrapping
    exception's context), or None when it is something else."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, EnvironmentFailure):
            return exc
        code = None
        detail = ""
        if isinstance(exc, OSError) and exc.errno in _ERRNO:
            code, detail = _ERRNO[exc.errno], exc.strerror or ""
        elif isinstance(exc, sqlite3.DatabaseError):
            text = str(exc).lower()
            code = next((c for k, c in _SQLITE if k in text), None)
            detail = str(exc)
            if code is not None and code != "journal_damaged":
                where = "the journal of " + where
        if code is not None:
            if code == "journal_damaged":
                return EnvironmentFailure(code, f"{where}: the journal is damaged ({detail}); "
                                                "run ekte journal check, then ekte journal rebuild")
            return EnvironmentFailure(code, f"{where}: {EnvironmentFailure.CAUSES[code]} ({detail}); {RUN_AGAIN}")
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None
