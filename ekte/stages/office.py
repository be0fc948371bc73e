"""Office documents: recognise them by their content and convert them to
PDF with LibreOffice headless, so that they take the normal PDF/A route.

Recognised (by content, never by the name): OOXML (``.docx``/``.docm``,
``.xlsx``/``.xlsm``: a ZIP whose ``[Content_Types].xml`` names the main
part), ODF (``.odt``, ``.ods``: a ZIP whose ``mimetype`` entry says so),
RTF (``{\\rtf``) and plain text (UTF-8, UTF-16 with a byte-order mark, or
Windows-1252 without control characters; markup — a file that starts with
``<`` — is not plain text).  Plain text has no magic number, so here alone
the name has a say: it must end in ``.txt``, ``.text``, ``.csv``, ``.tsv``,
``.log``, ``.asc`` or have no extension (a "PDF" that holds text is not a
text document but a broken PDF: ``unsupported_type``).

Conversion: one ``soffice --headless --convert-to pdf`` per document, with
a fresh user profile per conversion (``-env:UserInstallation``) holding
only ekte's settings — macro security "very high" and macro execution
disabled, untrusted referer links blocked, Calc links never updated — so
concurrent conversions never share a profile and nothing persists.
LibreOffice exports PDF/A-2b directly (its ``/OpenAction`` and
``/DocChecksum`` are removed); the result then goes through the
born-digital route of :mod:`ekte.stages.ocr` (validated PDF/A-2b).  A
conversion over ``intake.office.timeout`` is killed with every process it
started (its own process group).  Macros (``vbaProject.bin``, ODF ``Basic/`` or ``Scripts/``) are
never run; their presence is recorded as a warning.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ekte.errors import DocumentError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCM = "application/vnd.ms-word.document.macroEnabled.12"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
RTF = "application/rtf"
TEXT = "text/plain"

EXTENSIONS = {DOCX: ".docx", DOCM: ".docm", XLSX: ".xlsx", XLSM: ".xlsm", ODT: ".odt", ODS: ".ods",
              RTF: ".rtf", TEXT: ".txt"}
TYPES = tuple(EXTENSIONS)
SPREADSHEETS = (XLSX, XLSM, ODS)

# the main part of an OOXML package → media type
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.ms-word.document.macroEnabled.main+xml": DOCM,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": XLSM,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": XLSX,
}
_ODF = {ODT: ODT, ODS: ODS, "application/vnd.oasis.opendocument.text-template": ODT,
        "application/vnd.oasis.opendocument.spreadsheet-template": ODS}
TEXT_SNIFF_BYTES = 1 << 20  # how much of a file decides whether it is plain text
TEXT_SUFFIXES = ("", ".txt", ".text", ".csv", ".tsv", ".log", ".asc")


class OfficeSettings(BaseModel):
    """``[intake.office]`` of a profile."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    enabled: bool = True
    timeout: float = Field(default=180, gt=0, description="seconds per conversion")
    soffice: str = Field(default="soffice", description="the LibreOffice program (name on PATH or a path)")


# -- recognising --------------------------------------------------------------------------------

def sniff(path: Path, head: bytes, f: Any = None) -> str | None:
    """The office media type of *path* (whose first bytes are *head*), or
    None; read from the open binary file *f* when given (intake passes the
    descriptor it hashed: the name is never opened again)."""
    if head.startswith(b"PK\x03\x04"):
        if f is not None:
            f.seek(0)
        return sniff_zip(path if f is None else f)
    if head.startswith(b"{\\rtf"):
        return RTF
    if Path(path).suffix.lower() not in TEXT_SUFFIXES:
        return None  # text has no magic number: a name that claims another type is not taken as text
    return TEXT if head and is_text(_read(path, TEXT_SNIFF_BYTES, f)) else None


def _read(path: Path, n: int, f: Any = None) -> bytes:
    try:
        if f is not None:
            f.seek(0)
            return f.read(n)
        with open(path, "rb") as g:
            return g.read(n)
    except OSError:
        return b""


def sniff_zip(path: Any) -> str | None:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                with z.open("mimetype") as f:
                    return _ODF.get(f.read(100).decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                with z.open("[Content_Types].xml") as f:
                    types = f.read(1 << 20).decode("utf-8", "replace")
                for ct in re.findall(r'ContentType\s*=\s*"([^"]+)"', types):
                    if ct in _OOXML_MAIN:
                        return _OOXML_MAIN[ct]
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError, NotImplementedError):
        return None
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def decode_text(data: bytes) -> str | None:
    """*data* as text (UTF-8 / UTF-16 with BOM / Windows-1252), or None when
    it is not plain text (binary, control characters, markup)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            if e.start >= len(data) - 3 and len(data) >= TEXT_SNIFF_BYTES:
                text = data[:e.start].decode("utf-8-sig")  # a character cut at the end of the sample
            else:
                try:
                    text = data.decode("cp1252")
                except UnicodeDecodeError:
                    return None
    if not text.strip() or _CONTROL.search(text) or text.lstrip().startswith("<"):
        return None
    return text


def is_text(data: bytes) -> bool:
    return decode_text(data) is not None


def macros(path: Path, media_type: str) -> list[str]:
    """The macro containers in an office document (never run, only named)."""
    if media_type not in (DOCX, DOCM, XLSX, XLSM, ODT, ODS):
        return []
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError):
        return []
    found = sorted({n for n in names if n.lower().endswith("vbaproject.bin")} |
                   {n.split("/")[0] + "/" for n in names if n.startswith(("Basic/", "Scripts/")) and "/" in n})
    return found


def _encrypted_odf(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            if "META-INF/manifest.xml" not in z.namelist():
                return False
            with z.open("META-INF/manifest.xml") as f:
                return b"encryption-data" in f.read(4 << 20)
    except (zipfile.BadZipFile, OSError):
        return False


# -- converting ---------------------------------------------------------------------------------

_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
{items}
</oor:items>
"""
#: (path, property, type, value) written into every conversion's fresh profile
SETTINGS = [
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "int", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "boolean", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "boolean", "true"),
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "int", "1"),  # never update external links
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "boolean", "false"),
]


def write_profile(folder: Path) -> Path:
    """A fresh LibreOffice user profile with ekte's settings only."""
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    items = "\n".join(f'<item oor:path="{p}"><prop oor:name="{n}" oor:op="fuse"><value>{v}</value></prop></item>'
                      for p, n, _t, v in SETTINGS)
    (user / "registrymodifications.xcu").write_text(_REGISTRY.format(items=items), "utf-8")
    return folder


def _pdf_filter(media_type: str) -> str:
    name = "calc_pdf_Export" if media_type in SPREADSHEETS else "writer_pdf_Export"
    opts = {"SelectPdfVersion": {"type": "long", "value": "2"},  # PDF/A-2b
            "ExportFormFields": {"type": "boolean", "value": "false"},
            "ExportLinksRelativeFsys": {"type": "boolean", "value": "false"}}
    return f"pdf:{name}:{json.dumps(opts, separators=(',', ':'))}"


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill LibreOffice and everything it started (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    proc.wait()


def soffice_path(settings: OfficeSettings) -> str:
    found = shutil.which(settings.soffice)
    if not found:
        raise DocumentError("office_failed", "LibreOffice is not installed (Debian: apt-get install "
                                             "libreoffice-writer-nogui libreoffice-calc-nogui).", "intake")
    return found


def _input_file(src: Path, media_type: str, work: Path) -> tuple[Path, list[str]]:
    """The file LibreOffice reads, and the import filter: plain text is
    transcoded to UTF-8 first (LibreOffice would guess the encoding)."""
    if media_type != TEXT:
        target = work / ("document" + EXTENSIONS[media_type])
        shutil.copyfile(src, target)
        return target, []
    text = decode_text(src.read_bytes())
    if text is None:
        raise DocumentError("unsupported_type", "The text file cannot be decoded.", "intake")
    target = work / "document.txt"
    target.write_text(text.replace("\r\n", "\n").replace("\r", "\n"), "utf-8")
    return target, ["--infilter=Text (encoded):UTF8,LF,Liberation Mono,de-DE"]


def convert(src: Path, dst: Path, media_type: str, settings: OfficeSettings, scratch: Path) -> list[str]:
    """Convert the office document *src* to the PDF *dst*; returns notes
    for the document's history.  Raises DocumentError on failure."""
    if media_type in (ODT, ODS) and _encrypted_odf(src):
        raise DocumentError("encrypted", "The office document is protected by a password.", "intake")
    work = Path(os.path.abspath(scratch / "office"))  # soffice runs in it: --outdir relative to it would miss
    shutil.rmtree(work, ignore_errors=True)
    (work / "out").mkdir(parents=True)
    (work / "tmp").mkdir()
    profile = write_profile(work / "profile")
    inp, infilter = _input_file(src, media_type, work)
    cmd = [soffice_path(settings), "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
           "--nolockcheck", f"-env:UserInstallation={profile.resolve().as_uri()}", *infilter,
           "--convert-to", _pdf_filter(media_type), "--outdir", str(work / "out"), str(inp)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(profile), "TMPDIR": str(work / "tmp"),
           "LANG": "C.UTF-8", "SAL_USE_VCLPLUGIN": "svp"}
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env, cwd=str(work), start_new_session=True)
    try:
        proc.wait(timeout=settings.timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise DocumentError("office_timeout", stage="intake") from None
    except BaseException:
        _kill_group(proc)
        raise
    out = work / "out" / (inp.stem + ".pdf")
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise DocumentError("office_failed", stage="intake")
    _clean_pdf(out, dst)
    shutil.rmtree(work, ignore_errors=True)
    return [f"converted from {EXTENSIONS[media_type]} by LibreOffice (PDF/A-2b export)"]


def _clean_pdf(src: Path, dst: Path) -> None:
    """LibreOffice's PDF without what PDF/A validation cannot check and the
    archive does not want: the ``/OpenAction`` (an action) and the trailer's
    ``/DocChecksum``."""
    import pikepdf

    try:
        with pikepdf.open(src) as pdf:
            for holder, key in ((pdf.Root, "/OpenAction"), (pdf.Root, "/AA"), (pdf.trailer, "/DocChecksum")):
                if key in holder:
                    del holder[key]
            pdf.save(dst)
    except pikepdf.PdfError:
        raise DocumentError("office_failed", "LibreOffice wrote a PDF that cannot be read.", "intake") from None


def convert_document(doc: Any, src: Path, dst: Path, settings: OfficeSettings, scratch: Path) -> list[str]:
    """:func:`convert` for a document in a worker: macros are named in its
    warnings (never run)."""
    if not settings.enabled:
        raise DocumentError("unsupported_type", "Office documents are not accepted (intake.office.enabled "
                                                "= false).", "intake")
    found = macros(src, doc.media_type)
    if found:
        doc.warnings.append(f"the office document contains macros ({', '.join(found)}); they were not run")
    return convert(src, dst, doc.media_type, settings, scratch)
