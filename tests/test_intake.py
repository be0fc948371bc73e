from pathlib import Path

import pytest

from ekte.errors import DocumentError
from ekte.stages import intake


def test_sniff_by_content_not_extension(tmp_path, inbox):
    pdf = next(inbox.glob("*-pdf.pdf"))
    disguised = tmp_path / "photo.jpg"
    disguised.write_bytes(pdf.read_bytes())
    assert intake.inspect(disguised).media_type == intake.PDF
    tif = next(inbox.glob("*.tif"))
    as_pdf = tmp_path / "scan.pdf"
    as_pdf.write_bytes(tif.read_bytes())
    assert intake.inspect(as_pdf).media_type == intake.TIFF
    assert intake.inspect(next(inbox.glob("*.png"))).media_type == intake.PNG
    assert intake.inspect(next(inbox.glob("*.jpg"))).media_type == intake.JPEG
    txt = tmp_path / "x.pdf"
    txt.write_text("hello, not a pdf")
    assert intake.inspect(txt).media_type is None


def test_sha256_identity(tmp_path):
    import hashlib

    f = tmp_path / "a.bin"
    f.write_bytes(b"%PDF-1.4 abc" * 100000)
    c = intake.inspect(f)
    assert c.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()
    assert c.size == f.stat().st_size


def test_walk_ignores_system_and_temp_files(tmp_path):
    from ekte.profile import IntakeSettings

    ign = IntakeSettings().ignore
    for name in ["a.pdf", "sub/b.tif", ".DS_Store", "Thumbs.db", "~$draft.pdf", "upload.part", ".hidden.pdf",
                 "@eaDir/thumb.jpg", ".git/x.pdf", "sub/c.PDF"]:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"%PDF-1.4")
    found = sorted(str(p.relative_to(tmp_path)) for p in intake.walk([tmp_path], ign))
    assert found == ["a.pdf", "sub/b.tif", "sub/c.PDF"]


def test_walk_excludes_workdir_inside_input(tmp_path):
    (tmp_path / "ekte-data" / "archive").mkdir(parents=True)
    (tmp_path / "ekte-data" / "archive" / "d.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "in.pdf").write_bytes(b"%PDF-1.4")
    found = [p.name for p in intake.walk([tmp_path], [], exclude=[tmp_path / "ekte-data"])]
    assert found == ["in.pdf"]


def test_image_wrapped_losslessly(tmp_path, inbox):
    import pikepdf
    from PIL import Image

    png = next(inbox.glob("*.png"))
    out = tmp_path / "w.pdf"
    n, _notes = intake.image_to_pdf(png, out, 300, 250)
    assert n == 1
    with pikepdf.open(out) as pdf:
        (name, raw), = pdf.pages[0].get_images().items()
        pim = pikepdf.PdfImage(raw).as_pil_image()
    with Image.open(png) as orig:
        assert pim.size == orig.size
        assert pim.convert("L").tobytes() == orig.convert("L").tobytes()


def test_multipage_tiff(tmp_path):
    from PIL import Image

    frames = [Image.new("L", (600, 800), 255) for _ in range(3)]
    t = tmp_path / "m.tif"
    frames[0].save(t, save_all=True, append_images=frames[1:], dpi=(300, 300))
    n, _ = intake.image_to_pdf(t, tmp_path / "m.pdf", 300, 250)
    assert n == 3


def test_odd_images_are_wrapped(tmp_path):
    import pikepdf
    from PIL import Image

    for mode, color in [("RGBA", (255, 0, 0, 128)), ("LA", (10, 200)), ("P", 3), ("I;16", 1000)]:
        p = tmp_path / f"a-{mode.replace(';', '')}.png"
        Image.new(mode, (300, 200), color).save(p)
        out = tmp_path / (p.stem + ".pdf")
        n, notes = intake.image_to_pdf(p, out, 300, 250)
        with pikepdf.open(out) as pdf:
            assert n == len(pdf.pages) == 1, mode
    # no resolution in the file: the default dpi is assumed and said so
    p = tmp_path / "nodpi.jpg"
    Image.new("L", (600, 300), 255).save(p)
    n, notes = intake.image_to_pdf(p, tmp_path / "nodpi.pdf", 300, 250)
    with pikepdf.open(tmp_path / "nodpi.pdf") as pdf:
        assert round(float(pdf.pages[0].mediabox[2])) == 144  # 600 px at 300 dpi = 2 in
    assert any("assumed 300 dpi" in x for x in notes)


def test_bad_pdfs_are_classified(tmp_path, shared):
    cases = {
        shared / "realdocs/ocrmypdf/invalid.pdf": "broken_pdf",
        shared / "realdocs/pypdf/r4-aes-user-password.pdf": "encrypted",
        shared / "realdocs/ocrmypdf/hugemono.pdf": "decompression_bomb",
    }
    for src, code in cases.items():
        with pytest.raises(DocumentError) as ei:
            intake.open_pdf_checked(src, tmp_path / "w.pdf", 250)
        assert ei.value.code == code, src
    # owner password only: readable, the working copy is decrypted, the original untouched
    src = shared / "realdocs/pypdf/r2-owner-password.pdf"
    before = src.read_bytes()
    n, notes = intake.open_pdf_checked(src, tmp_path / "w.pdf", 250)
    assert n >= 1 and notes and src.read_bytes() == before
