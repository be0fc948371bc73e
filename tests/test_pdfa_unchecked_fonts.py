"""Born-digital PDFs whose font program pikepdf's PDF/A validator cannot read (fresh30 G9): fpdf2 with
an OpenType/CFF font writes a CFF FontMatrix of 1/2048, which the validator reports as "unsupported"
(not checked) with no violation, and an /OpenAction destination ([page /FitH null]) it does not check
either.  Such a file was archived -- and exported -- as the non-PDF/A original; it is PDF/A-2b now, its
record saying what the validator did not check, and ``ekte verify`` holds it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import ingest_json, run_ekte

COURIER = Path("/usr/share/fonts/opentype/courier-prime/Courier Prime.otf")


def _cff_pdf(path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_font("cp", "", str(COURIER))
    pdf.add_page()
    pdf.set_font("cp", size=12)
    for line in ("Antrag auf Erlaubnis zur Tierhaltung", "Name: Kessler", "Vorname: Jana", "Lindenweg 4, 12345 Musterstadt"):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


@pytest.mark.skipif(not COURIER.is_file(), reason="fonts-courier-prime not installed")
def test_a_font_program_the_validator_cannot_read_is_still_archived_as_pdfa(tmp_path):
    import pikepdf
    import pikepdf.pdfa

    src = tmp_path / "in" / "cff.pdf"
    src.parent.mkdir()
    _cff_pdf(src)
    with pikepdf.open(src) as pdf:  # the premise: what pikepdf's own save refuses
        assert isinstance(pdf.Root.get("/OpenAction"), pikepdf.Array)
        with pytest.raises(pikepdf.pdfa.PdfaError) as e:
            pikepdf.pdfa.save(pdf, tmp_path / "x.pdf", "2b")
        assert e.value.report.verdict == "not_checked" and not e.value.report.violations
    before = src.read_bytes()
    wd = tmp_path / "wd"
    (doc,) = ingest_json(src.parent, "-w", wd, "-j", "1", check=None)["documents"]
    meta = json.loads((wd / "archive" / doc["id"][:2] / doc["id"] / "metadata.json").read_text("utf-8"))
    arch = meta["archival"]
    assert arch["format"] == "PDF/A-2B", arch
    (ok,) = [a for a in arch["attempts"] if a["result"] == "ok"]
    assert "FontMatrix" in ok["note"]
    assert src.read_bytes() == before  # the original untouched
    archived = wd / "archive" / doc["id"][:2] / doc["id"] / "document.pdf"
    with pikepdf.open(archived) as pdf:
        assert "/OpenAction" not in pdf.Root
        rep = pikepdf.pdfa.check(pdf, "2b")
        assert not rep.violations and {f.rule for f in rep.unsupported} == {"pikepdf:font-program"}
    assert run_ekte("verify", "-w", wd, check=0).returncode == 0


def test_anything_else_the_validator_cannot_check_still_fails():
    from pikepdf.pdfa._report import Finding, Report

    from ekte.stages.pdfa import conforms

    rep = Report("2b")
    rep.findings.append(Finding("pikepdf:font-program", "x", "CFF FontMatrix not supported", "unsupported"))
    assert conforms(rep)
    rep.findings.append(Finding("pikepdf:schema-Catalog", "x", "/Foo is not supported", "unsupported"))
    assert not conforms(rep)
    rep2 = Report("2b")
    rep2.findings.append(Finding("pikepdf:font-program", "x", "CFF FontMatrix not supported", "unsupported"))
    rep2.findings.append(Finding("pikepdf:fonts", "x", "widths differ", "violation"))
    assert not conforms(rep2)
