"""Helpers shared by the project's tests and the plugins' tests."""

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"
FAULT_PLUGINS = ROOT / "tests" / "plugins"  # ekte_faults: fault injection at every processor point
#: field review off (documents whose needed fields are missing or unsure would wait for a clerk): for tests
#: of something else that ingest minimal text PDFs and expect them archived and exported
NO_FIELD_REVIEW = ("-o", "extract.auto_threshold=0")


def fault_env(extra: dict | None = None) -> dict:
    """Environment for an ekte subprocess that loads ``--plugin ekte_faults``."""
    path = os.pathsep.join(filter(None, [str(FAULT_PLUGINS), os.environ.get("PYTHONPATH", "")]))
    return {"PYTHONPATH": path, **(extra or {})}


def ekte_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("ekte")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ekte"]


def run_ekte(*args, check=None, env=None, timeout=600, **kw) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(ekte_cmd() + [str(a) for a in args], capture_output=True, text=True, env=e,
                       timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    if check is not None and p.returncode != check:
        raise AssertionError(f"exit {p.returncode} != {check}\nstdout:\n{p.stdout[-3000:]}\nstderr:\n{p.stderr[-3000:]}")
    return p


def ingest_json(*args, check=None) -> dict:
    p = run_ekte("ingest", "--json", *args, check=check)
    try:
        return json.loads(p.stdout)
    except ValueError:
        raise AssertionError(f"no JSON on stdout (exit {p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}")


def mount_tmpfs(path: Path, size: str) -> None:
    """A small tmpfs at *path* (a real ENOSPC when full); the test is skipped
    where mounting is not permitted.  Undo with ``umount_tmpfs``."""
    import pytest

    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if p.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here ({p.stderr.decode().strip()})")


def umount_tmpfs(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill_until_full(folder: Path) -> Path:
    """Write ``folder/filler`` until its file system says ENOSPC; returns it (unlink it to make room)."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError as e:
            assert e.errno == errno.ENOSPC
    return filler


def training_folder(folder: Path, types: tuple[str, ...]) -> Path:
    """`ekte train DIR`'s layout from the bundled inbox's truth: DIR/<type>/<key>.txt for the given types."""
    truth = json.loads((SAMPLES / "inbox.truth.json").read_text("utf-8"))
    for k, t in truth.items():
        if t["type"] in types:
            (folder / t["type"]).mkdir(parents=True, exist_ok=True)
            (folder / t["type"] / f"{k}.txt").write_text(t["text"], "utf-8")
    return folder


def ocr_drawn_page(png: Path, profile) -> tuple[str, list]:
    """A page drawn as a 300 dpi PNG through ekte's real OCR (image → PDF → OCR, one worker): (its text, its words
    as ekte's OCR gives them)."""
    from ekte.stages import intake
    from ekte.stages.ocr import OcrParams, make_archival_pdf

    work, out = png.with_name(png.stem + "-work.pdf"), png.with_name(png.stem + "-out.pdf")
    intake.image_to_pdf(png, work, 300, 250)
    res = make_archival_pdf(work, out, OcrParams.from_profile(profile), jobs=1)
    return res["page_texts"][0], res["page_words"][0]


def scanned_document(text: str, words: list):
    """A one-page scanned document holding *text* and its OCR *words* (for extraction)."""
    from ekte.model import Document

    d = Document(sha256="e" * 64, source="scan.png", size=1, media_type="image/png",
                 received="2026-11-01T10:00:00+01:00")
    d.page_texts, d.extra["page_words"], d.ocr = [text], [[tuple(w) for w in words]], {"ocr_pages": [1]}
    return d


def make_family_set(family: str, out: Path, *args: str) -> None:
    """``samples/<family>/make.py OUT ARGS…`` (a generator family's documents and truth.json in *out*); skipped
    where a font the family needs is missing (its exit 3)."""
    import pytest

    r = subprocess.run([sys.executable, str(ROOT / "samples" / family / "make.py"), str(out), *args],
                       capture_output=True, text=True, timeout=300)
    if r.returncode == 3:
        pytest.skip(f"a font {family} needs is missing (make venv installs it)")
    assert r.returncode == 0, r.stderr


def ocr_drawn_words(tmp_path_factory, name: str, draw, profile) -> tuple[str, list]:
    """A page drawn by *draw(path)* through ekte's real OCR: (its text, its words as layout.Word)."""
    from ekte.stages.layout import Word

    png = tmp_path_factory.mktemp(name) / "p.png"
    draw(png)
    text, words = ocr_drawn_page(png, profile)
    return text, [Word(*w) for w in words]


def label_fields(doc, profile, without: tuple[str, object] | None = None) -> dict:
    """The label extractor's fields of *doc* (not those intake delivered); with *without* = (a name in
    ekte.stages.extract, its stand-in) that step replaced for the call — the fields as they were without it."""
    from ekte.stages import extract as ex

    saved = getattr(ex, without[0]) if without else None
    if without:
        setattr(ex, without[0], without[1])
    try:
        return {k: f for k, f in ex.extract(doc, profile, [ex.LabelExtractor()]).items() if f.method != "intake"}
    finally:
        if without:
            setattr(ex, without[0], saved)
