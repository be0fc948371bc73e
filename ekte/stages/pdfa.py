"""PDF/A-2b for PDFs whose every page has text (born digital), without OCR.

pikepdf's PDF/A writer first (``pikepdf.pdfa.save``: it adds the metadata
and output intent, repairs what it can and validates what it wrote; no
process, the content untouched), but only where it can succeed: a font
that is not embedded cannot be embedded by it, so such files go straight
to Ghostscript, whose pdfwrite embeds fonts.  Ghostscript's output is then
written once more by pikepdf's writer (which validates it: the one
validation) and must carry the same text on every page as the input.

Ghostscript spends most of a small document starting up (0.08 of 0.11 CPU
seconds here), so a worker keeps one Ghostscript running (interactive,
``-dSAFER``, reading and writing only below the documents' scratch folder)
and hands it one document after the other; if it fails or hangs it is
ended and the document converted by a Ghostscript of its own."""

from __future__ import annotations

import atexit
import contextlib
import select
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ekte.stages.pdfa_save import (BEYOND_VALIDATOR, conforms, save_validated,  # noqa: F401 - also used from here
                                   unchecked_note, validate_written)


class RouteFailed(Exception):
    """This route cannot make a valid PDF/A of the file (the next route is
    tried).  ekte's own, so that the born-digital routes never import
    OCRmyPDF (a third of a second of every worker's start, issue 12); named
    and numbered as OCRmyPDF's errors of the same meaning, as the attempts
    record them."""

    exit_code = 15


class PdfaConversionFailedError(RouteFailed):
    """No valid PDF/A-2b with the text unchanged by this route."""


class MissingDependencyError(RouteFailed):
    """The program this route needs is not installed."""

    exit_code = 3


def _font_embedded(font: "object") -> bool:
    import pikepdf

    if font.get("/Subtype") == pikepdf.Name.Type3:
        return True
    if font.get("/Subtype") == pikepdf.Name.Type0:
        return all(_font_embedded(d) for d in font.get("/DescendantFonts", []))
    fd = font.get("/FontDescriptor")
    return fd is not None and any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def fonts_embedded(pdf: "object", limit: int = 2000) -> bool:
    """Whether every font the pages (and their form XObjects) use is embedded."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack = [page.obj.get("/Resources") for page in pdf.pages]
    while stack and len(seen) < limit:
        res = stack.pop()
        if not isinstance(res, pikepdf.Dictionary):
            continue
        for font in (res.get("/Font") or {}).values():
            og = font.objgen
            if og != (0, 0) and og in seen:
                continue
            seen.add(og)
            if not _font_embedded(font):
                return False
        for xobj in (res.get("/XObject") or {}).values():
            og = xobj.objgen
            if xobj.get("/Subtype") == pikepdf.Name.Form and og not in seen:
                seen.add(og)
                stack.append(xobj.get("/Resources"))
    return True


#: advance widths of CFF glyphs pikepdf's validator computed, by everything the
#: width depends on (charstring bytes, subroutines, nominal and default width)
_CFF_WIDTHS: dict[tuple, float] = {}
_CFF_WIDTHS_MAX = 200_000


def _charstring_key(program: Any, gid: int) -> tuple | None:
    import hashlib

    cs = program._charstrings[program._charset[gid]]
    code, private = getattr(cs, "bytecode", None), getattr(cs, "private", None)
    if code is None or private is None:
        return None
    subrs = program.__dict__.setdefault("_ekte_subrs", {})
    if id(private) not in subrs:
        h = hashlib.sha256()
        for sub in (*getattr(private, "Subrs", []), b"|", *(cs.globalSubrs or [])):
            h.update(sub if isinstance(sub, bytes) else (getattr(sub, "bytecode", None) or b"?%d" % id(sub)))
        subrs[id(private)] = h.digest()
    return (code, subrs[id(private)], getattr(private, "nominalWidthX", 0), getattr(private, "defaultWidthX", 0))


def remember_cff_widths() -> None:
    """pikepdf's PDF/A validator checks every glyph width a document uses
    against its font program, running the glyph's CFF charstring in
    fontTools: more than half of what validating a small born-digital PDF
    costs.  Documents of one source embed the same glyphs again and again,
    so the width is kept per process by the exact inputs it follows from
    (the charstring's bytes, the font's subroutines, its nominal and default
    widths): a glyph seen before is not run again; anything else is
    computed by pikepdf as before."""
    from pikepdf.pdfa import _fontprogram as fp

    original = fp.CFFProgram.advance_1000
    if getattr(original, "_ekte", False):
        return

    def advance_1000(self: Any, gid: int) -> float | None:
        if not self.has_gid(gid) or gid in self._widths:
            return original(self, gid)
        key = _charstring_key(self, gid)
        if key is not None and key in _CFF_WIDTHS:
            self._widths[gid] = _CFF_WIDTHS[key]
            return self._widths[gid]
        width = original(self, gid)
        if key is not None and width is not None and len(_CFF_WIDTHS) < _CFF_WIDTHS_MAX:
            _CFF_WIDTHS[key] = width
        return width

    advance_1000._ekte = True  # type: ignore[attr-defined]
    fp.CFFProgram.advance_1000 = advance_1000  # type: ignore[method-assign]
    _remember_valid_dictionaries()


#: (schema set, role, the object's shallow encoding as canonical JSON) found valid
_VALID: set[tuple] = set()


def _remember_valid_dictionaries() -> None:
    """The validator checks every dictionary's shallow encoding against its
    role's JSON schema (jsonschema; a third of what is left).  Whether an
    encoding is valid follows from the schema, the role and the encoding
    alone, so an encoding found valid before is not checked again; any
    other (and every one that fails, with its findings) is checked by
    pikepdf as before.  Values the role's schema constrains by their kind
    alone (a stream's ``/Length``, the trailer's ``/ID``, dates) do not
    count in the key (:mod:`ekte.stages.pdfa_memo`)."""
    from pikepdf.pdfa import _schemas

    from ekte.stages import pdfa_memo

    original = _schemas.SchemaSet.check
    if getattr(original, "_ekte", False):
        return

    def check(self: Any, role: str, shallow: Any, ctx: Any, where: str) -> bool:
        try:
            key = (id(self), role, pdfa_memo.key(self, role, shallow))
        except (TypeError, ValueError):
            return original(self, role, shallow, ctx, where)
        if key in _VALID:
            return True
        ok = original(self, role, shallow, ctx, where)
        if ok and len(_VALID) < _CFF_WIDTHS_MAX:
            _VALID.add(key)
        return ok

    check._ekte = True  # type: ignore[attr-defined]
    _schemas.SchemaSet.check = check  # type: ignore[method-assign]


def open_checked(path: Path) -> Any:
    """*path* opened by pikepdf, or None when pikepdf cannot open it (the
    routes then find out for themselves)."""
    import pikepdf

    try:
        return pikepdf.open(path)
    except Exception:  # noqa: BLE001 - broken, encrypted, …: each route reports it
        return None


def pikepdf_pdfa(inp: Path, out: Path, pdf: Any = None, embedded: bool | None = None) -> str | None:
    """PDF/A-2b by pikepdf alone; refuses (before any work) a file with a
    font that is not embedded.  *pdf*: *inp* opened already (it is
    written from, so it changes); *embedded*: what :func:`fonts_embedded`
    found for it already."""
    import pikepdf

    if embedded is False:
        raise PdfaConversionFailedError("fonts not embedded")
    remember_cff_widths()
    with contextlib.nullcontext(pdf) if pdf is not None else pikepdf.open(inp) as doc:
        if embedded is None and not fonts_embedded(doc):
            raise PdfaConversionFailedError("fonts not embedded")
        rep = save_validated(doc, out, "2b")
    if not conforms(rep):
        out.unlink(missing_ok=True)
        raise PdfaConversionFailedError("pikepdf PDF/A validation did not pass")
    return unchecked_note(rep)


class PendingSave:
    """pikepdf's save of the working PDF (pikepdf's route) or of Ghostscript's
    output, left until the document is understood (issue 12): the worker
    then writes ekte's XMP properties into the same save that pikepdf's
    PDF/A writer validates, and the archive need not write the PDF again.
    Owns *pdf* (*inp*, opened once) and, when *temporary*, *inp*."""

    def __init__(self, inp: Path, out: Path, pdf: Any, after: Any = None, temporary: bool = False) -> None:
        self.inp, self.out, self.pdf, self.after, self.temporary = inp, out, pdf, after, temporary
        self.note: str | None = None  # what the validator could not check (:func:`unchecked_note`)

    def save(self, values: dict[str, object]) -> bool:
        """Write the PDF/A-2b with the XMP *values*; False (nothing at *out*)
        when it did not pass validation or could not be written."""
        try:
            # the DocInfo entries are set from the XMP by pikepdf's prepare (its declaration of PDF/A): not
            # here as well (the editor's synchronisation was half of this edit's CPU)
            with self.pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                for k, v in values.items():
                    meta[k] = v
            self.note = pikepdf_pdfa(self.inp, self.out, self.pdf, True)
        except Exception:  # noqa: BLE001 - the caller does the document the way it did before
            self.out.unlink(missing_ok=True)
            return False
        finally:
            self.close()
        if self.after is not None:
            self.after()
        return True

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()
            self.pdf = None
        if self.temporary:  # (Ghostscript's output)
            self.inp.unlink(missing_ok=True)


_GS_ARGS = ["-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dPDFA=2", "-dPDFACompatibilityPolicy=1",
            "-sColorConversionStrategy=RGB", "-dEmbedAllFonts=true", "-dCompatibilityLevel=1.7"]
_warm: dict[str, Any] = {}


def _ps_string(s: str) -> str:
    return "(" + s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _stop_warm() -> None:
    p = _warm.pop("proc", None)
    _warm.pop("root", None)
    if p is not None and p.poll() is None:
        p.kill()
        p.wait()


atexit.register(_stop_warm)


def stop_warm() -> None:
    """End this process's warm Ghostscript now: a worker about to OCR a scan
    (issue 12: the idle interpreter, ~20-25 MB, was part of the run's peak,
    which is a scan's OCR); the next conversion starts it again."""
    _stop_warm()


def _warm_gs(gs: str, root: Path) -> Any:
    """The process's Ghostscript, allowed to read and write below *root*."""
    p = _warm.get("proc")
    if p is not None and p.poll() is None and _warm.get("root") == str(root):
        return p
    _stop_warm()
    # "DIR/*", not "DIR/": a trailing separator permits that folder's own files only, not its sub-folders
    # (the scratch folder's) - unnoticed below /tmp, which Ghostscript permits anyway
    p = subprocess.Popen([gs, "-q", "-dNOPROMPT", *_GS_ARGS, f"--permit-file-read={root}/*",
                          f"--permit-file-write={root}/*", "-sOutputFile=/dev/null"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    _warm.update(proc=p, root=str(root))
    return p


def _convert_warm(gs: str, inp: Path, mid: Path, timeout: float) -> bool:
    """Convert with the warm Ghostscript; False when it could not (then it is ended)."""
    root = inp.resolve().parent.parent
    if not str(mid.resolve()).startswith(str(root) + "/"):
        return False
    try:
        p = _warm_gs(gs, root)
        # the output file is finished when the next one is set (/dev/null)
        # save ... restore: what the job left in Ghostscript's memory is given back (issue 12)
        p.stdin.write((f"save {{ << /OutputFile {_ps_string(str(mid.resolve()))} >> setpagedevice "
                       f"{_ps_string(str(inp.resolve()))} run << /OutputFile (/dev/null) >> setpagedevice }} "
                       "stopped { (EKTE-ERR) = } { (EKTE-OK) = } ifelse flush restore\n").encode())
        p.stdin.flush()
        while True:
            if not select.select([p.stdout], [], [], timeout)[0]:
                raise TimeoutError
            line = p.stdout.readline()
            if not line:
                raise EOFError
            if line.startswith(b"EKTE-"):
                break
    except (OSError, EOFError, TimeoutError, ValueError):
        _stop_warm()
        return False
    if line.strip() != b"EKTE-OK":
        _stop_warm()  # a failed job can leave the interpreter unable to restore: the next one would hang
        raise subprocess.CalledProcessError(1, "gs")
    return True


def _ghostscript(inp: Path, out: Path, pages: int) -> Path:
    """Ghostscript's pdfwrite (embeds missing fonts) of *inp*: the file it wrote beside *out*."""
    gs = shutil.which("gs")
    if not gs:
        raise MissingDependencyError("ghostscript")
    mid = out.with_suffix(".gs.pdf")
    timeout = max(60, 30 * pages)
    remember_cff_widths()
    try:
        if not _convert_warm(gs, inp, mid, timeout):
            subprocess.run([gs, "-q", "-dBATCH", *_GS_ARGS, f"-sOutputFile={mid}", "--", str(inp)],
                           check=True, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except BaseException:
        mid.unlink(missing_ok=True)
        raise
    return mid


def ghostscript_pending(inp: Path, out: Path, pages: int) -> PendingSave:
    """Ghostscript's output, its save by pikepdf's writer left to the :class:`PendingSave`."""
    import pikepdf

    mid = _ghostscript(inp, out, pages)
    try:
        return PendingSave(mid, out, pikepdf.open(mid), temporary=True)
    except BaseException:
        mid.unlink(missing_ok=True)
        raise


def ghostscript_pdfa(inp: Path, out: Path, pages: int) -> str | None:
    """Ghostscript's pdfwrite (embeds missing fonts), then pikepdf's writer
    (metadata, and the validation).  The caller compares the text."""
    import pikepdf

    mid = _ghostscript(inp, out, pages)
    try:
        with pikepdf.open(mid) as pdf:
            rep = save_validated(pdf, out, "2b")
        if not conforms(rep):
            out.unlink(missing_ok=True)
            raise PdfaConversionFailedError("Ghostscript's output did not pass PDF/A validation")
    finally:
        mid.unlink(missing_ok=True)
    return unchecked_note(rep)
