"""What makes a worker's results reproducible: its version fingerprint.

A worker must run the same ekte (version *and* source), OCRmyPDF,
Tesseract, Ghostscript, the same libraries that turn a PDF into text and
classify it, and the same Tesseract language data as the coordinator —
otherwise the same file would yield another text, other fields, another
archival PDF depending on which host it landed on.

The fingerprint is advertised as Dask *resources* when a worker starts
(:func:`resources`): one key for the software (``ekte-<hash>``) and one per
installed language file (``tessdata-deu-<hash>``).  The coordinator asks
for its own keys with every task, so Dask never gives a task to a worker
that differs; :func:`differences` says in words why a worker was refused.

``EKTE_FINGERPRINT_EXTRA`` (documented test and operations hook): a text
added to the software part, e.g. to keep a canary worker with a locally
patched Tesseract out of production runs (``EKTE_FINGERPRINT_EXTRA=canary``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

SOFTWARE = "ekte"  # resource prefix of the software part
TESSDATA = "tessdata"  # resource prefix of one language file
LIBRARIES = ("ocrmypdf", "tesserocr", "pikepdf", "pypdfium2", "scikit-learn", "rapidfuzz", "img2pdf", "pillow")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "missing"


@functools.lru_cache(maxsize=1)
def source_hash() -> str:
    """A hash over ekte's own source files: two commits of one version differ."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def _libtesseract() -> str:
    """The Tesseract library the C API engine (tesserocr) is linked against:
    it may differ from the tesseract program's."""
    try:
        import tesserocr
    except ImportError:
        return "missing"
    return tesserocr.tesseract_version().split("\n")[0].strip()


def _plugins() -> dict[str, str]:
    out = {}
    for ep in metadata.entry_points(group="ekte"):
        out[f"plugin {ep.name}"] = f"{ep.dist.name} {ep.dist.version}" if ep.dist else ep.value
    return out


@functools.lru_cache(maxsize=1)
def software() -> dict[str, str]:
    """The software part: ekte, its libraries, the external programs, its plugins."""
    import ekte
    from ekte.stages.ocr import tool_versions

    tools = tool_versions()
    out = {"ekte": ekte.__version__, "ekte source": source_hash(),
           "python": "%d.%d" % sys.version_info[:2],
           "tesseract": tools.get("tesseract", "missing"), "ghostscript": tools.get("ghostscript", "missing")}
    out.update({lib: _version(lib) for lib in LIBRARIES})
    out["libtesseract"] = _libtesseract()
    out.update(_plugins())
    extra = os.environ.get("EKTE_FINGERPRINT_EXTRA", "")
    if extra:
        out["EKTE_FINGERPRINT_EXTRA"] = extra
    return out


def tessdata_dir() -> Path | None:
    """Where Tesseract reads its language data (as it says itself)."""
    try:
        p = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'"([^"]+)"', p.stdout + p.stderr)
    return Path(m.group(1)) if m else None


@functools.lru_cache(maxsize=1)
def languages() -> dict[str, str]:
    """Every installed language file and the hash of its content."""
    d = tessdata_dir()
    if d is None or not d.is_dir():
        return {}
    out = {}
    for f in sorted(d.glob("*.traineddata")):
        h = hashlib.sha256()
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        out[f.stem] = h.hexdigest()[:12]
    return out


def _key(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]


def resources(threads: int = 1) -> dict[str, float]:
    """The resources a worker with *threads* threads advertises."""
    out = {f"{SOFTWARE}-{_key(software())}": float(threads)}
    for lang, h in languages().items():
        out[f"{TESSDATA}-{lang}-{h}"] = float(threads)
    return out


def required(langs: list[str]) -> dict[str, float]:
    """What every task of this coordinator asks for: its software and the
    language files it uses (a worker may have more languages installed)."""
    have = languages()
    out = {f"{SOFTWARE}-{_key(software())}": 1.0}
    for lang in langs:
        if lang in have:
            out[f"{TESSDATA}-{lang}-{have[lang]}"] = 1.0
    return out


def used_languages(language: str, rotate_pages: bool) -> list[str]:
    """The language files an OCR run reads (``osd`` for the page rotation)."""
    return [x for x in language.split("+") if x] + (["osd"] if rotate_pages else [])


def describe() -> dict[str, Any]:
    """The whole fingerprint (what a refused worker is asked for)."""
    return {"software": software(), "languages": languages()}


def differences(here: dict[str, Any], there: dict[str, Any] | None, langs: list[str]) -> str:
    """Why a worker with fingerprint *there* cannot take this coordinator's
    tasks, in words: ``ekte 0.1.0+x there, 0.1.0 here; language data 'deu' differs``."""
    if not there:
        return ("it is not an ekte worker (start it with --preload ekte.distributed.worker, "
                "with ekte installed like on this host)")
    out = []
    a, b = here.get("software", {}), there.get("software", {})
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            out.append(f"{k} {b.get(k, 'missing')} there, {a.get(k, 'missing')} here")
    la, lb = here.get("languages", {}), there.get("languages", {})
    for lang in langs:
        if lang not in lb:
            out.append(f"language data '{lang}' missing there")
        elif la.get(lang) != lb.get(lang):
            out.append(f"language data '{lang}' differs ({lb[lang]} there, {la.get(lang, 'missing')} here)")
    return "; ".join(out) or "it advertises no ekte resources (started without the ekte preload?)"


if __name__ == "__main__":  # `python -m ekte.distributed.fingerprint`: this host's, to compare between hosts
    print(json.dumps(describe(), indent=2, sort_keys=True))
