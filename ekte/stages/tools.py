"""The programs OCR and PDF/A need — Tesseract (with its language data)
and Ghostscript — and OCRmyPDF: checked once at start (without importing
OCRmyPDF: the coordinator never runs it) and their versions, recorded with
every document."""

from __future__ import annotations

import functools
import os
from typing import Any

from ekte.errors import MissingDependency


@functools.lru_cache(maxsize=1)
def tool_versions() -> dict[str, str]:
    """The versions of OCRmyPDF, Tesseract and Ghostscript, as OCRmyPDF
    reports them (its package's version; each program's ``--version``
    through :class:`packaging.version.Version`), without importing OCRmyPDF:
    a born-digital worker never needs it (issue 12)."""
    import re
    import subprocess
    from importlib.metadata import PackageNotFoundError, version

    from packaging.version import InvalidVersion, Version

    try:
        out = {"ocrmypdf": version("ocrmypdf")}
    except PackageNotFoundError:
        out = {"ocrmypdf": "missing"}
    for name, cmd, pattern in (("tesseract", "tesseract", r"tesseract\s(.+)"), ("ghostscript", "gs", r"(\d+(\.\d+)*)")):
        try:
            text = subprocess.run([cmd, "--version"], capture_output=True, text=True, timeout=60, check=True,
                                  stdin=subprocess.DEVNULL).stdout
        except (OSError, subprocess.SubprocessError):
            out[name] = "missing"
            continue
        found = next((m.group(1) for m in (re.match(pattern, ln.strip()) for ln in text.splitlines()) if m), None)
        try:
            out[name] = str(Version(found)) if found else "missing"
        except InvalidVersion:
            out[name] = found or "missing"
    return out


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
    have = {line.strip() for line in (out["langs"] or "").splitlines()[1:]}
    for lang in language.split("+"):
        if lang not in have:
            raise MissingDependency(
                f"Tesseract language data '{lang}' is missing (Debian: apt-get install tesseract-ocr-{lang})"
            )
    return v
