"""A born-digital document's text is read once in the worker (issue 12):
the long-scan check (``pages.scan_pages``, a pdfium pass over every page)
only runs for a file with more pages than ``ocr.split_pages`` — a shorter
one cannot be split, and ``make_archival_pdf`` reads its text and word
boxes in its one pass.  Real files, real pikepdf route and validator."""

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from ekte.model import Document
from ekte.pipeline import workers
from ekte.pipeline.tasks import WorkerSetup, WorkTask
from ekte.profile import load_profile
from ekte.stages import intake, pdftext
from ekte.stages.ocr import OcrParams
from ekte.stages.pdfa import validate_written

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = sorted((ROOT / "samples" / "inbox").glob("*-pdf.pdf"))[0]
GS_PDFA = ["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dPDFA=2",
           "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB", "-dEmbedAllFonts=true"]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> Path:
    """The sample with its fonts embedded (pikepdf's route)."""
    out = tmp_path_factory.mktemp("reads") / "emb.pdf"
    subprocess.run(GS_PDFA + [f"-sOutputFile={out}", str(SAMPLE)], check=True, capture_output=True)
    return out


def _run(tmp_path: Path, src: Path, monkeypatch) -> tuple[list[str], Path, str]:
    calls: list[str] = []
    real = pdftext.read_pages
    monkeypatch.setattr(pdftext, "read_pages", lambda p, *a, **k: calls.append(Path(p).name) or real(p, *a, **k))
    profile = load_profile(None)
    ctx = workers.build_context(WorkerSetup(profile, (), str(tmp_path), OcrParams.from_profile(profile)))
    cand = intake.inspect(src)
    doc = Document(sha256=cand.sha256, source=str(src), size=cand.size, media_type=cand.media_type or "")
    res = workers.run_task(ctx, WorkTask("t", doc, str(src), scratch=str(tmp_path / "t"), split_pages=8))
    assert res.ok and not res.split, res.error
    return calls, Path(res.archival), res.document.ocr["route"]


def test_a_short_document_is_read_once(tmp_path, embedded, monkeypatch):
    calls, out, route = _run(tmp_path, embedded, monkeypatch)
    assert route == "pikepdf-pdfa" and calls == ["work.pdf"], calls
    assert validate_written(out, "2b").passed


def test_a_document_longer_than_a_range_is_still_checked_for_a_long_scan(tmp_path, embedded, monkeypatch):
    src = tmp_path / "long.pdf"
    with pikepdf.open(embedded) as one, pikepdf.new() as many:
        for _ in range(9):
            many.pages.append(one.pages[0])
        many.save(src)
    calls, out, route = _run(tmp_path, src, monkeypatch)
    # the check read it (text on every page: not a scan, not split), then the archival route once more
    assert calls == ["work.pdf", "work.pdf"] and route == "pikepdf-pdfa", (calls, route)
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 9
