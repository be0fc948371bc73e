"""Pages as the unit of scheduling: a long scan OCRed in page ranges by
several real worker processes, assembled into one PDF/A-2b and settled
once — the same texts, type, fields and page count as without ranges; a
range whose worker is killed (-9) is done again; a range over its time
limit quarantines the whole document with one reason; the coordinator
killed (-9) mid-document, then a re-run → the document once."""

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pikepdf
import pytest

from helpers import ekte_cmd, ingest_json
from ekte.pipeline.executor import LocalExecutor
from ekte.pipeline.tasks import PART
from ekte.stages import pages

#: small generated scans (150 dpi: OCR in about a second a page on this machine)
DPI = 150


def _long_scan(tmp: Path, n: int) -> Path:
    """One scanned application of *n* pages: a generated Kfz application
    (its fields on the first pages), then pages of further applications."""
    import generate

    d = tmp / "gen"
    generate.generate(d, per_type=max(1, n), formats=["scanpdf"], seed=23, dpi=DPI, doctypes=["kfz_zulassung"])
    whole = pikepdf.new()
    srcs = [pikepdf.open(p) for p in sorted(d.glob("*.pdf"))]
    for src in srcs:
        whole.pages.extend(src.pages[: n - len(whole.pages)])
        if len(whole.pages) >= n:
            break
    out = tmp / "in" / f"akte-{n}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    whole.save(out)
    for src in srcs:
        src.close()
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, born_digital):
    """A folder with a 12-page scan and a one-page born-digital PDF (two
    files: two workers)."""
    import shutil

    tmp = tmp_path_factory.mktemp("pages")
    scan = _long_scan(tmp, 12)
    shutil.copy(sorted(born_digital[0].glob("*.pdf"))[0], scan.parent / "brief.pdf")
    return scan.parent


def _archived(wd: Path, doc: dict) -> dict:
    meta = json.loads((Path(doc["archive"]) / "metadata.json").read_text("utf-8"))
    meta["text"] = (Path(doc["archive"]) / "text.txt").read_text("utf-8")
    return meta


def _journal(wd: Path, doc_id: str) -> tuple[list, list]:
    db = sqlite3.connect(wd / "journal.sqlite")
    rows = db.execute("SELECT state, attempts FROM documents WHERE id = ?", (doc_id,)).fetchall()
    evs = db.execute("SELECT stage FROM events WHERE doc_id = ? AND event = 'archived'", (doc_id,)).fetchall()
    return rows, evs


def test_ranges_are_even_and_cover_every_page():
    assert pages.ranges(25, 8) == [(1, 7), (8, 13), (14, 19), (20, 25)]
    assert pages.ranges(12, 4) == [(1, 4), (5, 8), (9, 12)]
    assert pages.ranges(9, 8) == [(1, 5), (6, 9)]
    for n in range(1, 40):
        for size in (1, 3, 8):
            r = pages.ranges(n, size)
            assert [p for a, b in r for p in range(a, b + 1)] == list(range(1, n + 1))
            assert max(b - a + 1 for a, b in r) <= size


@pytest.mark.slow  # two ingests of 12 OCRed pages: about a minute here
def test_split_over_two_workers_same_as_unsplit_and_journalled_once(inputs, tmp_path):
    whole = ingest_json(inputs, "-w", tmp_path / "whole", "-j", "2", "-o", "ocr.split_pages=0")
    split = ingest_json(inputs, "-w", tmp_path / "split", "-j", "2", "-o", "ocr.split_pages=4")
    by = {k: {Path(d["source"]).name: d for d in out["documents"]} for k, out in (("w", whole), ("s", split))}
    a, b = by["w"]["akte-12.pdf"], by["s"]["akte-12.pdf"]
    assert a["status"] == b["status"] and a["status"] in ("archived", "review")
    assert (a["doctype"], a["pages"], a["fields"]) == (b["doctype"], b["pages"], b["fields"])
    assert a["pages"] == 12 and a["fields"]
    ma, mb = _archived(tmp_path / "whole", a), _archived(tmp_path / "split", b)
    assert mb["text"] == ma["text"] and len(ma["text"]) > 2000
    assert mb["ocr"]["route"] == pages.ROUTE and ma["ocr"]["route"] != pages.ROUTE
    assert mb["ocr"]["ocr_pages"] == list(range(1, 13)) == ma["ocr"]["ocr_pages"]
    assert [g["page"] for g in mb["ocr"]["geometry"]["pages"]] == list(range(1, 13))
    # PDF/A as unsplit (a scan's archive embeds its transfer note: PDF/A-3b)
    assert mb["archival"]["format"] == ma["archival"]["format"] and mb["archival"]["format"].startswith("PDF/A-")
    flavour = mb["archival"]["format"][-2:].lower()
    assert pikepdf.pdfa.validate_written(Path(b["archive"]) / "document.pdf", flavour).passed
    assert [e for e in mb["history"] if e.get("event") == "page-ranges"]  # the audit trail says how
    rows, evs = _journal(tmp_path / "split", b["id"])
    assert len(rows) == 1 and rows[0][0] in ("exported", "review") and len(evs) == 1
    assert list((tmp_path / "split" / "tmp").rglob("*.pages")) == []  # the ranges' files are gone


class _KillsARange(LocalExecutor):
    """A real LocalExecutor that kills (-9) the worker of the first page
    range it sees running for a second."""

    killed: list = []

    def poll(self, timeout):
        for w in self._slots:
            if (not self.killed and w is not None and w.task is not None and w.task.mode == PART
                    and time.monotonic() - w.started > 1.0):
                os.kill(w.proc.pid, signal.SIGKILL)
                self.killed.append(w.task.task_id)
        return super().poll(timeout)


def _pipeline(wd: Path, split: int, **ocr):
    from ekte.pipeline import Pipeline
    from ekte.profile import load_profile

    prof = load_profile()
    prof.ocr.split_pages = split
    for k, v in ocr.items():
        setattr(prof.ocr, k, v)
    return Pipeline(prof, wd, jobs=2)


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_a_range_whose_worker_is_killed_is_done_again(inputs, tmp_path, monkeypatch):
    from ekte.pipeline import session

    _KillsARange.killed = []
    monkeypatch.setattr(session, "LocalExecutor", _KillsARange)
    res = _pipeline(tmp_path / "wd", 4).ingest([inputs])
    assert _KillsARange.killed and "-p" in _KillsARange.killed[0]  # a range's worker was killed mid-OCR
    doc = {Path(d.source).name: d for d in res.documents}["akte-12.pdf"]
    assert doc.status.value in ("archived", "review"), doc.error
    assert doc.pages == 12 and doc.ocr["route"] == pages.ROUTE and not doc.ocr["pages_without_text"]
    rows, evs = _journal(tmp_path / "wd", doc.id)
    assert rows[0][1] == 1 and len(evs) == 1  # one attempt counted, archived once


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_a_range_over_its_time_limit_quarantines_the_document(inputs, tmp_path):
    res = _pipeline(tmp_path / "wd", 6, document_timeout=2).ingest([inputs])  # a range: 6 pages, > 3 s
    doc = {Path(d.source).name: d for d in res.documents}["akte-12.pdf"]
    assert doc.status.value == "quarantined"
    assert doc.error.code == "ocr_timeout" and doc.error.message.startswith("pages ")
    assert "\n" not in doc.error.message
    reason = json.loads((tmp_path / "wd" / "quarantine" / doc.id / "reason.json").read_text("utf-8"))
    assert "pages " in json.dumps(reason)
    assert list((tmp_path / "wd" / "tmp").rglob("*.pages")) == []


def _scratch_ranges(wd: Path) -> list[Path]:
    return list((wd / "tmp").glob("*/*.pages/pages-*.pdf")) if (wd / "tmp").is_dir() else []


@pytest.mark.slow  # a killed run and a re-run of 12 OCRed pages
def test_coordinator_killed_mid_split_then_rerun_once(inputs, tmp_path):
    wd = tmp_path / "wd"
    proc = subprocess.Popen(ekte_cmd() + ["ingest", str(inputs), "-w", str(wd), "-j", "2", "--json",
                                          "-o", "ocr.split_pages=4"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    t0 = time.monotonic()
    while not _scratch_ranges(wd):  # one range is OCRed, the others are not
        assert proc.poll() is None, "the run ended before a range was done"
        assert time.monotonic() - t0 < 300
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    out = ingest_json(inputs, "-w", wd, "-j", "2", "-o", "ocr.split_pages=4")
    doc = {Path(d["source"]).name: d for d in out["documents"]}["akte-12.pdf"]
    assert doc["status"] in ("archived", "review") and doc["pages"] == 12
    archive = [p for p in (wd / "archive").glob("*/*") if p.is_dir()]
    assert sorted(p.name for p in archive) == sorted(d["id"] for d in out["documents"])
    rows, evs = _journal(wd, doc["id"])
    assert len(rows) == 1 and len(evs) == 1
    time.sleep(1.5)  # the killed run's workers end themselves (they watch the coordinator)
    assert _scratch_ranges(wd) == []


@pytest.mark.slow  # a Dask LocalCluster and 12 OCRed pages
def test_dask_executor_does_the_ranges_too(inputs, tmp_path):
    """The same steps over Dask (a LocalCluster of two single-threaded
    workers): the ranges' PDFs travel as bytes, the document is archived once."""
    wd = tmp_path / "wd"
    out = ingest_json(inputs, "-w", wd, "--executor", "dask", "-j", "2", "-o", "ocr.split_pages=4")
    doc = {Path(d["source"]).name: d for d in out["documents"]}["akte-12.pdf"]
    assert doc["status"] in ("archived", "review") and doc["pages"] == 12 and doc["fields"]
    meta = _archived(wd, doc)
    assert meta["ocr"]["route"] == pages.ROUTE and len(meta["text"]) > 2000
    rows, evs = _journal(wd, doc["id"])
    assert len(rows) == 1 and len(evs) == 1
