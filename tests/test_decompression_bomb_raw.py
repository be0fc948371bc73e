"""bomb42: the compressed data qpdf decodes before ekte's bomb check could run
— an object stream (decoded whole while pikepdf opens the file) — is bounded
from the raw file first, and a file that reading cannot follow is opened in a
child with bounded memory; a JBIG2 stream's own bitmap sizes (its segment
headers) are held to its image's.  Real files, built as an attacker would."""

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pikepdf
import pytest

from ekte.errors import DocumentError
from ekte.stages import intake_bomb, intake_objstm, workpdf

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "inbox" / "waffen_antrag-005-pdf.pdf"
MB = 1 << 20


def objstm_pdf(out: Path, pad_mb: int, startxref: bool = True) -> Path:
    """A one-page PDF whose catalog, page tree and page lie in an object stream followed by *pad_mb* MiB of
    spaces (Flate level 9: ~1 KB per MiB), its cross-reference a stream — written by hand, as a bomb would be."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>"]
    heads, body = [], b""
    for num, o in enumerate(objs, 1):
        heads.append(b"%d %d" % (num, len(body)))
        body += o + b"\n"
    head = b" ".join(heads) + b"\n"
    co = zlib.compressobj(9)
    z = co.compress(head + body) + b"".join(co.compress(b" " * MB) for _ in range(pad_mb)) + co.flush()
    f = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    at5 = len(f)
    f += b"5 0 obj\n<< /Type /ObjStm /N 3 /First %d /Length %d /Filter /FlateDecode >>\nstream\n" % (len(head), len(z))
    f += z + b"\nendstream\nendobj\n"
    at4 = len(f)
    f += b"4 0 obj\n<< /Length 23 >>\nstream\n0 0 1 rg 9 9 99 99 re f\nendstream\nendobj\n"
    at6 = len(f)
    rows = struct.pack(">BIH", 0, 0, 65535) + b"".join(struct.pack(">BIH", 2, 5, i) for i in range(3))
    rows += struct.pack(">BIH", 1, at4, 0) + struct.pack(">BIH", 1, at5, 0) + struct.pack(">BIH", 1, at6, 0)
    x = zlib.compress(rows)
    f += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d /Filter /FlateDecode >>\nstream\n" % len(x)
    f += x + b"\nendstream\nendobj\n" + (b"startxref\n%d\n%%%%EOF\n" % at6 if startxref else b"%%EOF\n")
    out.write_bytes(bytes(f))
    return out


def _checked_in_child(path: Path, tmp_path: Path) -> tuple[str, int, int]:
    """open_pdf_checked in a process of its own: (outcome, its peak RSS in MB, its children's peak in MB).  Its own
    peak is VmHWM, not ru_maxrss: Linux carries the forking process's high-water mark over exec into ru_maxrss, so
    after a test that grew pytest to 313 MB the child "peaked" at 313 MB (make test failed so)."""
    code = ("import resource, sys\nfrom pathlib import Path\nfrom ekte.errors import DocumentError\n"
            "from ekte.stages import workpdf\ntry:\n"
            "    workpdf.open_pdf_checked(Path(sys.argv[1]), Path(sys.argv[2]), 250, 256)\n    print('ok')\n"
            "except DocumentError as e:\n    print(e.code)\n"
            "hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
            "print(hwm // 1024, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
    r = subprocess.run([sys.executable, "-c", code, str(path), str(tmp_path / "work.pdf")], capture_output=True,
                       text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    outcome, peak, children = r.stdout.split()
    return outcome, int(peak), int(children)


def test_an_object_stream_bomb_is_refused_before_qpdf_opens_it(tmp_path):
    """300 MiB in the catalog's object stream (300 KB file): pikepdf.open alone took 540 MB (1.3 GB with a
    300 MiB string object in it); now refused from the raw file, the process staying near its own size."""
    f = objstm_pdf(tmp_path / "objstm.pdf", 300)
    assert f.stat().st_size < 400 * 1024
    outcome, peak, _children = _checked_in_child(f, tmp_path)
    assert outcome == "decompression_bomb"
    assert peak < 150, peak  # MB


def test_a_small_object_stream_is_a_document(tmp_path):
    f = objstm_pdf(tmp_path / "small.pdf", 1)
    found, encrypted, _size = intake_objstm.streams(f)  # read without the child: the xref stream, the object stream
    assert len(found) == 2 and not encrypted
    assert workpdf.open_pdf_checked(f, tmp_path / "w.pdf", 250, 256)[0] == 1


def test_a_bomb_the_raw_reading_cannot_follow_is_opened_in_a_bounded_child(tmp_path):
    """No startxref: qpdf repairs the file to open it (and decoded the object stream in the worker while ekte
    only asked whether it needed repair); the child that does that now runs out of its memory instead."""
    f = objstm_pdf(tmp_path / "norefs.pdf", 300, startxref=False)
    with pytest.raises(intake_objstm.Unsure):
        intake_objstm.streams(f)
    outcome, peak, children = _checked_in_child(f, tmp_path)
    assert outcome == "decompression_bomb"
    assert peak < 150, peak
    assert children < 256 * workpdf.BUDGET_FACTOR + 256 + 200, children  # its bound (MB) and what pikepdf takes


def test_the_child_tells_ordinary_repairable_and_broken_files_apart(tmp_path):
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(SAMPLE.read_bytes()[:-40])
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\n" + os.urandom(4000))
    assert [workpdf.probe(p, 256) for p in (SAMPLE, cut, junk)] == ["ok", "repair", "broken"]
    with pytest.raises(DocumentError) as e:
        workpdf.open_pdf_checked(cut, tmp_path / "w.pdf", 250, 256)
    assert e.value.code == "broken_pdf" and e.value.message == workpdf.NEEDS_REPAIR


@pytest.mark.parametrize("rel", ["ocrmypdf/jbig2.pdf", "ocrmypdf/multipage.pdf", "ocrmypdf/skew.pdf"])
def test_real_files_with_cross_reference_streams_are_read_without_the_child(shared, rel):
    found, _enc, _size = intake_objstm.streams(shared / "realdocs" / rel)
    assert found
    assert intake_objstm.opens_bounded(shared / "realdocs" / rel, 1)  # the raw reading said it: no child (review42 R8)
    intake_objstm.precheck(shared / "realdocs" / rel, 1)


def test_an_encrypted_file_with_object_streams_passes(tmp_path):
    """Owner password only (ekte processes such PDFs): its object streams are encrypted; their raw size bounds them."""
    with pikepdf.open(SAMPLE) as p:
        p.save(tmp_path / "enc.pdf", object_stream_mode=pikepdf.ObjectStreamMode.generate,
               encryption=pikepdf.Encryption(owner="geheim", user="", R=6))
    assert intake_objstm.streams(tmp_path / "enc.pdf")[1] is True
    assert workpdf.open_pdf_checked(tmp_path / "enc.pdf", tmp_path / "w.pdf", 250, 256)[0] == 1


def _segment(num: int, typ: int, data: bytes, page: int = 1) -> bytes:
    return struct.pack(">IBBBI", num, typ, 0, page, len(data)) + data


def _page_info(w: int, h: int) -> bytes:
    return struct.pack(">IIIIBH", w, h, 0, 0, 0, 0)


def _region(w: int, h: int) -> bytes:
    return struct.pack(">IIIIB", w, h, 0, 0, 0) + b"\0" * 8  # region info, then a generic region's flags and AT pixels


def jbig2_pdf(out: Path, data: bytes, globals_: bytes | None = None, flate: bool = False) -> Path:
    """A sample with a 100 × 100 JBIG2 image drawn on its first page (review41's mkjb.py)."""
    p = pikepdf.open(SAMPLE)
    img = pikepdf.Stream(p, zlib.compress(data) if flate else data)
    img.Type, img.Subtype, img.Width, img.Height = pikepdf.Name.XObject, pikepdf.Name.Image, 100, 100
    img.ColorSpace, img.BitsPerComponent = pikepdf.Name.DeviceGray, 1
    img.Filter = pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.JBIG2Decode]) if flate else \
        pikepdf.Name.JBIG2Decode
    if globals_ is not None:
        parms = pikepdf.Dictionary(JBIG2Globals=pikepdf.Stream(p, globals_))
        img.DecodeParms = pikepdf.Array([pikepdf.Dictionary(), parms]) if flate else parms
    page = p.pages[0]
    page.Resources.XObject = page.Resources.get("/XObject", pikepdf.Dictionary())
    page.Resources.XObject.Jb = img
    page.contents_add(pikepdf.Stream(p, b"q 100 0 0 100 10 10 cm /Jb Do Q"))
    p.save(out, compress_streams=False)
    return out


@pytest.mark.parametrize("case", ["page", "region", "globals", "flate"])
def test_a_jbig2_stream_declaring_a_larger_bitmap_than_its_image_is_refused(tmp_path, case):
    """review41 R4: a 2 KB stream declaring a 100,000² page for a 100 × 100 image took Ghostscript to 1.25 GB."""
    end = _segment(2, 49, b"")  # end of page
    data = {"page": _segment(0, 48, _page_info(100_000, 100_000)) + end,
            "region": _segment(0, 48, _page_info(100, 100)) + _segment(1, 38, _region(100_000, 100_000)) + end,
            "globals": _segment(1, 48, _page_info(100, 100)) + end,
            "flate": _segment(0, 48, _page_info(100_000, 100_000)) + end}[case]
    globals_ = _segment(0, 48, _page_info(50_000, 50_000), page=0) if case == "globals" else None
    f = jbig2_pdf(tmp_path / f"{case}.pdf", data, globals_, flate=case == "flate")
    with pytest.raises(DocumentError) as e:
        workpdf.open_pdf_checked(f, tmp_path / "w.pdf", 250, 256)
    assert e.value.code == "decompression_bomb" and "JBIG2" in e.value.message and "\n" not in e.value.message
    ok = jbig2_pdf(tmp_path / "ok.pdf", _segment(0, 48, _page_info(100, 100)) + _segment(1, 38, _region(100, 100))
                   + end, _segment(0, 0, b"\0" * 20, page=0) if case == "globals" else None, flate=case == "flate")
    assert workpdf.open_pdf_checked(ok, tmp_path / "w.pdf", 250, 256)[0] == 1  # its own size: an image


@pytest.mark.parametrize("rel", ["ocrmypdf/jbig2.pdf", "ocrmypdf/linn.pdf", "pypdf/Seige_of_Vicksburg_Sample_OCR.pdf"])
def test_real_jbig2_images_pass(shared, rel):
    """Real JBIG2 (one with a symbol dictionary in its globals): page and regions as large as the image."""
    with pikepdf.open(shared / "realdocs" / rel) as pdf:
        jb = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Filter") == "/JBIG2Decode"]
        assert jb
        intake_bomb.check(pdf, 256, 250)
        px = max(int(o.Width) * int(o.Height) for o in jb)
        intake_bomb.check(pdf, 256, px / 1e6)  # as large as the image: within a limit of just its size
        with pytest.raises(DocumentError):
            intake_bomb.check(pdf, 256, (px - 1) / 1e6)
