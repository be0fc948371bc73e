"""Office documents: recognised by content, converted by a real LibreOffice
to PDF/A-2b with their text, the original kept; macros never run; a
conversion over its time limit is killed with everything it started."""

import json
import os
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

import office_files as of
from helpers import NO_FIELD_REVIEW
from helpers import ingest_json as _ingest_json
from ekte.stages import intake, office

TEXTS = {
    "antrag.docx": ["Antrag auf Baugenehmigung", "Bauherr Jürgen Müller", "Gemarkung Musterdorf"],
    "zuschuss.xlsx": ["Zuschuss Sportverein", "1234,50"],
    "masern.odt": ["Masernschutz Nachweis", "Immunität bestätigt"],
    "liste.ods": ["Łukasz Özdemir", "Musterstadt"],
    "waffen.rtf": ["Waffenbesitzkarte", "Schützenverein Straße"],
    "belehrung.txt": ["Belehrung nach § 43 IfSG", "Tätigkeitsverbot – Lebensmittel ĞŞ"],
}
TYPES = {"antrag.docx": office.DOCX, "zuschuss.xlsx": office.XLSX, "masern.odt": office.ODT, "liste.ods": office.ODS,
         "waffen.rtf": office.RTF, "belehrung.txt": office.TEXT}


def ingest_json(*args, check=None) -> dict:  # field review off: minimal documents, tested for intake, not extraction
    return _ingest_json(*args, *NO_FIELD_REVIEW, check=check)


def make_all(d: Path) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    of.docx(d / "antrag.docx", TEXTS["antrag.docx"])
    of.xlsx(d / "zuschuss.xlsx", [TEXTS["zuschuss.xlsx"]])
    of.odt(d / "masern.odt", TEXTS["masern.odt"])
    of.ods(d / "liste.ods", [TEXTS["liste.ods"]])
    of.rtf(d / "waffen.rtf", TEXTS["waffen.rtf"])
    (d / "belehrung.txt").write_text("\n".join(TEXTS["belehrung.txt"]) + "\n", "utf-8")
    return d


def pdf_text(path: Path) -> str:
    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def norm(t: str) -> str:
    return " ".join(t.split())


def test_sniffing_by_content_not_name(tmp_path):
    d = make_all(tmp_path / "in")
    for name, mt in TYPES.items():
        if mt == office.TEXT:
            continue
        renamed = tmp_path / f"renamed-{name}.bin"  # the extension says nothing
        renamed.write_bytes((d / name).read_bytes())
        assert intake.inspect(renamed).media_type == mt, name
    # text has no magic number: only a text name (or none) makes text a text document
    assert intake.inspect(d / "belehrung.txt").media_type == office.TEXT
    (tmp_path / "noext").write_bytes((d / "belehrung.txt").read_bytes())
    assert intake.inspect(tmp_path / "noext").media_type == office.TEXT
    (tmp_path / "fake.pdf").write_text("Dies ist kein PDF.\n")
    assert intake.inspect(tmp_path / "fake.pdf").media_type is None
    (tmp_path / "cp1252.txt").write_bytes("Straße und Maß\r\n".encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes("Grüße".encode("utf-16"))
    assert intake.inspect(tmp_path / "cp1252.txt").media_type == office.TEXT
    assert intake.inspect(tmp_path / "utf16.txt").media_type == office.TEXT
    # not office documents, not plain text
    with zipfile.ZipFile(tmp_path / "plain.zip", "w") as z:
        z.writestr("a.txt", "hello")
    (tmp_path / "page.html").write_text("<html><body>hi</body></html>")
    (tmp_path / "binary.dat").write_bytes(bytes(range(256)) * 4)
    data = (d / "antrag.docx").read_bytes()
    (tmp_path / "truncated.docx").write_bytes(data[: len(data) // 2])
    for name in ("plain.zip", "page.html", "binary.dat", "truncated.docx"):
        assert intake.inspect(tmp_path / name).media_type is None, name


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_office_documents_become_pdfa_with_their_text(tmp_path):
    d = make_all(tmp_path / "in")
    marker = tmp_path / "MACRO-RAN"
    of.macro_odt(d / "makro.odt", marker, "Makro Dokument Inhalt")
    of.docx(d / "makro.docm", ["Dokument mit VBA Projekt"], macro=True)
    r = ingest_json(d, "--workdir", tmp_path / "wd", "-o", "classify.threshold=0", "-j", "2", check=0)
    docs = {Path(x["source"]).name: x for x in r["documents"]}
    assert set(docs) == set(TEXTS) | {"makro.odt", "makro.docm"}
    for name, x in docs.items():
        assert x["status"] == "archived", (name, x["error"])
        adir = Path(x["archive"])
        meta = json.loads((adir / "metadata.json").read_text("utf-8"))
        assert meta["archival"]["format"] == "PDF/A-2B", name
        with pikepdf.open(adir / "document.pdf") as pdf:
            assert pdf.open_metadata().pdfa_status == "2B", name
            assert "/OpenAction" not in pdf.Root and "/JavaScript" not in pdf.Root.get("/Names", {}), name
        original = adir / ("original" + Path(name).suffix)
        assert original.read_bytes() == (d / name).read_bytes(), name  # the original beside it, unchanged
        text = norm(pdf_text(adir / "document.pdf"))
        for expected in TEXTS.get(name, []):
            assert norm(expected) in text, (name, expected, text)
    assert "Makro Dokument Inhalt" in pdf_text(Path(docs["makro.odt"]["archive"]) / "document.pdf")
    assert any("macros (Basic/)" in w and "not run" in w for w in docs["makro.odt"]["warnings"])
    assert any("word/vbaProject.bin" in w for w in docs["makro.docm"]["warnings"])
    assert not any("macros" in w for w in docs["antrag.docx"]["warnings"])
    assert not marker.exists(), "the document's macro ran during the conversion"


def test_profile_of_each_conversion_disables_macros(tmp_path):
    prof = office.write_profile(tmp_path / "p")
    xcu = (prof / "user" / "registrymodifications.xcu").read_text()
    assert '"MacroSecurityLevel" oor:op="fuse"><value>3<' in xcu
    assert '"DisableMacrosExecution" oor:op="fuse"><value>true<' in xcu


def _office_processes(tag: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if tag.encode() in cmd and b"office" in cmd:
            found.append(int(pid))
    return found


def test_conversion_over_its_time_limit_is_killed_and_quarantined(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    of.docx(d / "slow.docx", ["Ein Dokument, das zu lange braucht"])
    wd = tmp_path / "wd"
    r = ingest_json(d, "--workdir", wd, "-o", "intake.office.timeout=0.3", check=1)
    (x,) = r["documents"]
    assert x["status"] == "quarantined" and x["error"]["code"] == "office_timeout"
    reason = json.loads((wd / "quarantine" / x["id"] / "reason.json").read_text())
    assert reason["code"] == "office_timeout"
    assert _office_processes(str(wd)) == [], "a LibreOffice process outlived its conversion"


def test_office_intake_can_be_switched_off(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "note.txt").write_text("Eine Notiz\n")
    r = ingest_json(d, "--workdir", tmp_path / "wd", "-o", "intake.office.enabled=false", check=1)
    assert r["documents"][0]["error"]["code"] == "unsupported_type"


def test_password_protected_odf_is_quarantined_as_encrypted(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    p = of.odt(d / "secret.odt", ["geheim"])
    with zipfile.ZipFile(p) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files["META-INF/manifest.xml"] = files["META-INF/manifest.xml"].replace(
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data/>'
        b"</manifest:file-entry>")
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), files.pop("mimetype"))
        for n, b in files.items():
            z.writestr(n, b)
    r = ingest_json(d, "--workdir", tmp_path / "wd", check=1)
    assert r["documents"][0]["error"]["code"] == "encrypted"
