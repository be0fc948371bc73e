"""Errors with stable codes.  A :class:`DocumentError` quarantines one
document; the run goes on.  Exit codes of the CLI live here too."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every document archived and exported (or a known duplicate)
    DOCUMENTS_NEED_ATTENTION = 1  # some quarantined or waiting for review
    USAGE = 2  # bad arguments or configuration (profile, overrides)
    MISSING_DEPENDENCY = 3  # tesseract / ghostscript / language data missing
    ALL_FAILED = 4  # not one document could be archived
    INTERNAL = 70  # a bug in ekte or a plugin (EX_SOFTWARE); the message says how to get details
    INTERRUPTED = 130  # Ctrl-C or SIGTERM; a re-run finishes the rest


# Quarantine reason codes (stable; scripts may depend on them).
REASONS = {
    "empty": "The file is empty (zero bytes).",
    "unsupported_type": "The file is neither a PDF nor a TIFF, JPEG or PNG image.",
    "broken_pdf": "The PDF is damaged and cannot be read.",
    "encrypted": "The PDF is protected by a password.",
    "decompression_bomb": "An image in the file is too large to process safely.",
    "broken_image": "The image file is damaged and cannot be read.",
    "too_large": "The file exceeds the configured size limit.",
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
}


class EkteError(Exception):
    """Base class of ekte's own errors."""


class ConfigError(EkteError):
    """A profile or an override is invalid (exit code 2)."""


class MissingDependency(EkteError):
    """An external program is missing (exit code 3)."""


class DocumentError(EkteError):
    """One document cannot be processed; it goes to quarantine."""

    def __init__(self, code: str, message: str | None = None, stage: str = ""):
        self.code = code
        self.message = message or REASONS.get(code, code)
        self.stage = stage
        super().__init__(f"{code}: {self.message}")

    def __reduce__(self):  # survives pickling across worker processes
        return (DocumentError, (self.code, self.message, self.stage))
