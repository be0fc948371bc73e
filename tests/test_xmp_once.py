"""ekte's XMP written once (issue 12): on the born-digital routes the worker
writes it into the PDF/A it saves and validates, after classification and
extraction; the archive copies that file as it is when the properties are
still the ones to write, and writes them itself when they changed (an
assigned Aktenzeichen, a plugin's change).  Real files, real Ghostscript,
pikepdf's validator on every result."""

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from helpers import run_ekte
from ekte.model import Document
from ekte.pipeline import workers
from ekte.pipeline.tasks import WorkerSetup, WorkTask
from ekte.profile import load_profile
from ekte.stages import archive, intake, pdfa, xmp
from ekte.stages.ocr import OcrParams
from ekte.stages.pdfa import validate_written

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples" / "inbox").glob("*-pdf.pdf"))  # fonts not embedded: Ghostscript's route
GS_PDFA = ["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dPDFA=2",
           "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB", "-dEmbedAllFonts=true"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """The sample PDFs as delivered, and two of them with their fonts embedded (pikepdf's route)."""
    d = tmp_path_factory.mktemp("xmp") / "in"
    d.mkdir()
    for f in SAMPLES:
        shutil.copy(f, d / f.name)
    for f in SAMPLES[:2]:
        subprocess.run(GS_PDFA + [f"-sOutputFile={d / ('emb-' + f.name)}", str(f)], check=True, capture_output=True)
    return d


def _xmp_of(path: Path) -> tuple[dict, str]:
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        return {k: meta.get(k) for k in ("dc:title", "dc:identifier", "pdf:Keywords", "dc:source")}, \
            str(pdf.docinfo.get("/Keywords"))


def test_ingest_writes_the_pdf_once_unless_the_xmp_changed(tmp_path, inputs, monkeypatch):
    from ekte import api

    rewritten: list[str] = []
    real = archive.write_xmp
    monkeypatch.setattr(archive, "write_xmp", lambda src, dst, doc, *a, **k: rewritten.append(doc.id) or
                        real(src, dst, doc, *a, **k))
    r = api.ingest([inputs], workdir=tmp_path / "wd", jobs=2)
    docs = list(r.documents)
    assert len(docs) == len(SAMPLES) + 2 and all(d.status.value == "archived" for d in docs)
    routes, assigned = set(), set()
    for d in docs:
        folder = Path(d.archive_path)
        meta = json.loads((folder / "metadata.json").read_text("utf-8"))
        routes.add(meta["archival"]["route"])
        if meta["fields"]["aktenzeichen"]["method"] == "assigned":
            assigned.add(d.id)
        assert meta["archival"]["xmp"] == "written" and xmp.WRITTEN not in d.extra
        rep = validate_written(folder / "document.pdf", "2b")
        assert rep.passed, str(rep)
        got, docinfo_keywords = _xmp_of(folder / "document.pdf")
        az = meta["fields"]["aktenzeichen"]["value"]
        assert got["dc:identifier"] == f"urn:ekte:{d.id}" and got["dc:source"] == f"urn:sha256:{d.sha256}"
        assert got["pdf:Keywords"].split("; ")[0] == meta["doctype"] and got["pdf:Keywords"].endswith(az)
        assert docinfo_keywords == got["pdf:Keywords"] and got["dc:title"]
    assert routes == {"pikepdf-pdfa", "ghostscript-pdfa-verified"}
    # only a document whose Aktenzeichen was assigned after the worker had its PDF written again
    assert assigned and sorted(rewritten) == sorted(assigned)
    run_ekte("verify", "-w", tmp_path / "wd", check=0)


def _run(tmp_path: Path, src: Path, name: str) -> tuple[Document, Path]:
    profile = load_profile(None)
    ctx = workers.build_context(WorkerSetup(profile, (), str(tmp_path), OcrParams.from_profile(profile)))
    cand = intake.inspect(src)
    doc = Document(sha256=cand.sha256, source=str(src), size=cand.size, media_type=cand.media_type or "")
    res = workers.run_task(ctx, WorkTask(name, doc, str(src), scratch=str(tmp_path / name)))
    assert res.ok, res.error
    return res.document, Path(res.archival)


@pytest.mark.parametrize("embedded", [True, False])
def test_a_save_that_fails_with_the_xmp_does_the_document_as_before(tmp_path, inputs, monkeypatch, embedded):
    def fail(self, values):  # noqa: ANN001, ANN202 - as a save that did not pass validation
        self.close()
        return False

    monkeypatch.setattr(pdfa.PendingSave, "save", fail)
    src = inputs / (("emb-" if embedded else "") + SAMPLES[0].name)
    doc, out = _run(tmp_path, src, "t1")
    assert doc.archival["route"] == ("pikepdf-pdfa" if embedded else "ghostscript-pdfa-verified")
    assert xmp.WRITTEN not in doc.extra and validate_written(out, "2b").passed
    assert [e.event for e in doc.history].count("classified") == 1  # understood once, on the fresh document
    assert [a["route"] for a in doc.archival["attempts"]] == (["pikepdf-pdfa"] if embedded else
                                                             ["pikepdf-pdfa", "ghostscript-pdfa-verified"])
    assert not list(out.parent.glob("*.gs.pdf"))


def test_the_archive_copies_the_workers_pdf_or_writes_changed_values(tmp_path, inputs):
    profile = load_profile(None)
    src = inputs / ("emb-" + SAMPLES[0].name)
    doc, out = _run(tmp_path, src, "t2")
    assert doc.extra[xmp.WRITTEN] == xmp.values(doc, profile) and doc.archival["route"] == "pikepdf-pdfa"
    same = archive.write_archive(tmp_path / "wd", doc, src, out, profile)
    assert hashlib.sha256((same / "document.pdf").read_bytes()).digest() == hashlib.sha256(out.read_bytes()).digest()

    doc2, out2 = _run(tmp_path, src, "t3")
    doc2.fields["aktenzeichen"].value = "Az. <neu> & „geändert“"  # e.g. by a before_archive plugin
    other = archive.write_archive(tmp_path / "wd2", doc2, src, out2, profile)
    got, docinfo_keywords = _xmp_of(other / "document.pdf")
    assert got["pdf:Keywords"].endswith("Az. <neu> & „geändert“") and docinfo_keywords == got["pdf:Keywords"]
    assert validate_written(other / "document.pdf", "2b").passed and xmp.WRITTEN not in doc2.extra


def test_metadata_json_has_every_field_and_event_attribute():
    """metadata.json's fields and history are built without dataclasses.asdict (issue 12): still every
    attribute of the dataclasses, with the same values (an attribute added later is not left out)."""
    import dataclasses

    from ekte.model import Field

    doc = Document(sha256="cd" * 32, source="x.pdf", size=1, media_type="application/pdf")
    doc.fields["iban"] = Field("DE02 1203 0000 0000 2020 51", 0.9, 1, (3, 30), "label", True, "DE02120300000000202051")
    doc.fields["az"] = Field("1/2", 1.0)
    doc.log("intake", "received", "x")
    meta = doc.metadata_dict()
    for name, f in doc.fields.items():
        want = dataclasses.asdict(f)
        want["span"] = list(f.span) if f.span else None
        assert meta["fields"][name] == want
    assert meta["history"] == [dataclasses.asdict(e) for e in doc.history] and meta["history"][0]["detail"] == "x"
