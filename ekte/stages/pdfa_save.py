"""Writing a PDF/A with pikepdf and validating what was written (:mod:`ekte.stages.pdfa`'s one
validation): pikepdf's ``pdfa.save`` and ``validate_written`` without stray warnings, and what ekte
accepts of its verdict -- a pass, or no violation with only font programs it cannot read
(:func:`conforms`)."""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def _no_collection() -> Any:
    """pikepdf's PDF/A validator records *any* warning raised while it parses a
    content stream as a finding ("content stream: unclosed <socket…>"): an
    unrelated object in a reference cycle (a socket, a file) finalized by the
    garbage collector at that moment made a valid PDF/A fail (seen in the
    test suite; in a station or a Dask worker it could fail a verify).  No
    cyclic collection runs while it validates; garbage waits until after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


#: what pikepdf's validator says it cannot check (findings of kind "unsupported") and a file may still be
#: PDF/A with: the inside of an embedded font program it cannot read (a CFF FontMatrix other than 1/1000,
#: as fpdf2 and many OpenType fonts write) -- its widths against the font's are then not compared.
#: Anything else it cannot check, and every violation, fails as before.
BEYOND_VALIDATOR = frozenset({"pikepdf:font-program"})


def conforms(rep: Any) -> bool:
    """Passed, or no violation and only font programs the validator cannot read (G9 of fresh30: 2 of 9
    born-digital family3 files were archived as non-PDF/A originals for this alone)."""
    return bool(rep.passed) or (not rep.violations and all(f.rule in BEYOND_VALIDATOR for f in rep.unsupported))


def unchecked_note(rep: Any) -> str | None:
    """What the validator could not check in a file that :func:`conforms` (for the archival record)."""
    if rep is None or rep.passed:
        return None
    return "validated, but not checked: " + "; ".join(sorted({f.message for f in rep.unsupported}))[:300]


def _drop_open_view(pdf: Any) -> None:
    """An ``/OpenAction`` that only opens a page (a destination: ``[page /FitH null]``, fpdf2 writes one by
    default; actions are removed by sanitize) is allowed by PDF/A but not checked by pikepdf's validator:
    the archival copy opens at its first page instead."""
    import pikepdf

    if isinstance(pdf.Root.get("/OpenAction"), pikepdf.Array):
        del pdf.Root["/OpenAction"]


def save_validated(pdf: Any, out: Any, flavour: str) -> Any:
    """``pikepdf.pdfa.save`` (write as PDF/A *flavour*, validate what was written) without stray warnings;
    a file the validator found no violation in, but could not check a font program of (:func:`conforms`),
    is written too (pikepdf's own save writes only a "pass"): its report says what was not checked."""
    import pikepdf.pdfa

    _drop_open_view(pdf)
    with _no_collection():
        try:
            return pikepdf.pdfa.save(pdf, out, flavour)
        except pikepdf.pdfa.PdfaError as e:
            if not conforms(e.report):
                raise
            return _save_unchecked(pdf, out, flavour, e.report.save_kwargs)


def _save_unchecked(pdf: Any, out: Any, flavour: str, kw: dict[str, Any]) -> Any:
    """*pdf* (prepared by pikepdf.pdfa.save already) written with the same settings and validated once more;
    a path only atomically (:func:`ekte.fsutil.write_bytes`) with verified bytes, a stream likewise."""
    import io

    import pikepdf.pdfa

    from ekte import fsutil

    buf = io.BytesIO()
    pdf.save(buf, **kw)
    rep = pikepdf.pdfa.validate_written(io.BytesIO(buf.getvalue()), flavour)
    if not conforms(rep):
        raise pikepdf.pdfa.PdfaError(rep)
    if hasattr(out, "write"):
        out.write(buf.getvalue())
        return rep
    fsutil.write_bytes(Path(out), buf.getvalue())  # (a temporary name the leftover clean-up knows)
    return rep


def validate_written(path: Any, flavour: str) -> Any:
    """``pikepdf.pdfa.validate_written`` without stray warnings (see :func:`_no_collection`)."""
    import pikepdf.pdfa

    with _no_collection():
        return pikepdf.pdfa.validate_written(path, flavour)
