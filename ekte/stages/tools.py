"""The programs OCR and PDF/A need — Tesseract (with its language data)
and Ghostscript — and OCRmyPDF: checked once at start (without importing
OCRmyPDF: the coordinator never runs it) and their versions, recorded with
every document; in an OCR worker, OCRmyPDF's own version probes of them
answered once per process (:func:`cache_tool_probes`)."""

from __future__ import annotations

import os
from typing import Any

from ekte.errors import MissingDependency


#: the versions found in this process (:func:`remember`: from the coordinator's :func:`check_dependencies`, which a
#: worker is started with — no program run again in the fork server or a worker, issue 12)
_known: dict[str, dict[str, str]] = {}
_PATTERNS = {"tesseract": r"tesseract\s(.+)", "ghostscript": r"(\d+(\.\d+)*)"}


def tool_versions() -> dict[str, str]:
    """The versions of OCRmyPDF, Tesseract and Ghostscript, as OCRmyPDF
    reports them (its package's version; each program's ``--version``
    through :class:`packaging.version.Version`), without importing OCRmyPDF:
    a born-digital worker never needs it (issue 12).  Once per process."""
    import subprocess

    if "v" in _known:
        return _known["v"]
    out = {"ocrmypdf": _ocrmypdf_version()}
    for name, cmd in (("tesseract", "tesseract"), ("ghostscript", "gs")):
        try:
            text = subprocess.run([cmd, "--version"], capture_output=True, text=True, timeout=60, check=True,
                                  stdin=subprocess.DEVNULL).stdout
        except (OSError, subprocess.SubprocessError):
            out[name] = "missing"
            continue
        out[name] = _parsed(name, text)
    return remember(out)


def known() -> dict[str, str]:
    """The versions this process found so far (none: {})."""
    return _known.get("v", {})


def remember(versions: dict[str, str]) -> dict[str, str]:
    """*versions* (as :func:`tool_versions` gives them; none: nothing changes) are this process's from now on."""
    if versions:
        _known["v"] = dict(versions)
    return known()


def _ocrmypdf_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ocrmypdf")
    except PackageNotFoundError:
        return "missing"


def _parsed(name: str, text: str) -> str:
    """A program's version from its ``--version`` output, as OCRmyPDF reports it."""
    import re

    from packaging.version import InvalidVersion, Version

    found = next((m.group(1) for m in (re.match(_PATTERNS[name], ln.strip()) for ln in text.splitlines()) if m), None)
    try:
        return str(Version(found)) if found else "missing"
    except InvalidVersion:
        return found or "missing"


def gs_version() -> str:
    """The Ghostscript version, from the environment the forkserver set up
    (one ``gs --version`` per process otherwise)."""
    v = os.environ.get("EKTE_GS_VERSION")
    if not v:
        v = tool_versions().get("ghostscript", "")
        os.environ["EKTE_GS_VERSION"] = v
    return v


def _program_output(procs: dict[str, Any], name: str) -> str | None:
    p = procs.get(name)
    if p is None:
        return None
    out = p.communicate(timeout=60)[0]
    return out if p.returncode == 0 else None


def check_dependencies(language: str) -> dict[str, str]:
    """Fail early and clearly when Tesseract, its language data or
    Ghostscript is missing.  The three programs are asked at once, without
    importing OCRmyPDF (the coordinator never runs it: that import would
    cost it a third of a second of start-up); the Ghostscript version goes
    into the environment the workers inherit (:func:`gs_version`)."""
    import re
    import subprocess

    cmds = {"tesseract": ["tesseract", "--version"], "langs": ["tesseract", "--list-langs"],
            "ghostscript": ["gs", "--version"]}
    procs: dict[str, Any] = {}
    for name, cmd in cmds.items():
        try:
            procs[name] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                           stdin=subprocess.DEVNULL)
        except OSError:
            pass
    out = {name: _program_output(procs, name) for name in cmds}
    found = {k: re.search(r"(\d+(\.\d+)*)", out[k] or "") for k in ("tesseract", "ghostscript")}
    if found["tesseract"] is None:
        raise MissingDependency("tesseract is not installed (Debian: apt-get install tesseract-ocr)")
    if found["ghostscript"] is None:
        raise MissingDependency("ghostscript is not installed (Debian: apt-get install ghostscript)")
    v = {k: m.group(1) for k, m in found.items() if m is not None}
    os.environ.setdefault("EKTE_GS_VERSION", v["ghostscript"])
    remember({"ocrmypdf": _ocrmypdf_version(), **{k: _parsed(k, out[k] or "") for k in ("tesseract", "ghostscript")}})
    have = {line.strip() for line in (out["langs"] or "").splitlines()[1:]}
    for lang in language.split("+"):
        if lang not in have:
            raise MissingDependency(
                f"Tesseract language data '{lang}' is missing (Debian: apt-get install tesseract-ocr-{lang})"
            )
    return v


#: OCRmyPDF's tool probes answered in this process (:func:`cache_tool_probes`)
_probe_cache: dict[tuple, Any] = {}


def cache_tool_probes() -> None:
    """OCRmyPDF asks ``tesseract --version``, ``gs --version`` … on every
    call (nine programs started per document); a process asks once."""
    from ocrmypdf._exec import _probe

    if getattr(_probe.ToolProbe.version, "_ekte_cached", False):
        return
    original = _probe.ToolProbe.version

    def version(self: Any) -> Any:
        key = (self.program, self.version_arg, self.version_regex)
        if key not in _probe_cache:
            _probe_cache[key] = original(self)
        return _probe_cache[key]

    version._ekte_cached = True  # type: ignore[attr-defined]
    _probe.ToolProbe.version = version  # type: ignore[method-assign]
