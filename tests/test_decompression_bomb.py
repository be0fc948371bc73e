"""fresh41 F2: a PDF whose compressed data expands far beyond its size (a
page's content stream, an unused form, an embedded file, Flate in Flate)
is quarantined as ``decompression_bomb`` before anything decodes it —
counted in chunks, stopped at ``intake.max_decoded_mb`` — and the run goes
on; a real document's Flate images expand as their pixels allow and pass."""

import json
import zlib
from pathlib import Path

import pikepdf
import pytest

from ekte.errors import DocumentError
from ekte.serve.admin import reason_text
from ekte.serve.i18n import gettext_for
from ekte.stages import intake_bomb, workpdf
from tests.helpers import ingest_json

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "inbox"
SAMPLE = SAMPLES / "waffen_antrag-005-pdf.pdf"
MB = 1 << 20


def _flate(n_mb: int, byte: bytes = b" ") -> bytes:
    co = zlib.compressobj(9)
    block = byte * MB
    return b"".join([co.compress(block) for _ in range(n_mb)] + [co.flush()])


def bomb(kind: str, n_mb: int, out: Path) -> Path:
    """A copy of a sample with *n_mb* MiB of one byte, Flate level 9, as fresh41's mk6.py builds them."""
    p = pikepdf.open(SAMPLE)
    if kind == "twice":  # Flate in Flate: ~1000 × 1000
        s = pikepdf.Stream(p, zlib.compress(_flate(n_mb), 9))
        s.Filter = pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.FlateDecode])
    else:
        s = p.make_stream(b"")
        s.write(_flate(n_mb, b"A" if kind == "xobj" else b" "), filter=pikepdf.Name.FlateDecode)
    if kind in ("cs", "twice"):
        p.pages[0].Contents = pikepdf.Array([p.pages[0].Contents, s])
    elif kind == "xobj":
        s.Type, s.Subtype, s.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 1, 1]
        p.pages[0].Resources.XObject = pikepdf.Dictionary(Fx=s)
    else:  # an embedded file
        s.Type = pikepdf.Name.EmbeddedFile
        spec = p.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("b.bin"),
                                                  EF=pikepdf.Dictionary(F=s)))
        p.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("b"), spec])))
    p.save(out, compress_streams=False)  # (qpdf would flatten Flate in Flate into one Flate)
    return out


def _checked(path: Path, tmp_path: Path, max_decoded_mb: float = 256) -> int:
    return workpdf.open_pdf_checked(path, tmp_path / "work.pdf", 250, max_decoded_mb)[0]


@pytest.mark.parametrize("kind", ["cs", "xobj", "ef"])
def test_a_bomb_is_refused_before_it_is_decoded(tmp_path, kind):
    f = bomb(kind, 40, tmp_path / f"{kind}.pdf")
    assert f.stat().st_size < MB
    with pytest.raises(DocumentError) as e:
        _checked(f, tmp_path, max_decoded_mb=32)
    assert e.value.code == "decompression_bomb" and e.value.message == intake_bomb.BOMB
    assert _checked(f, tmp_path, max_decoded_mb=48) == 1  # under the limit: the same file is a document


def test_a_bomb_behind_an_owner_password_is_refused(tmp_path):
    """The streams are read decrypted (an owner password only: ekte processes such PDFs)."""
    f = bomb("cs", 40, tmp_path / "cs.pdf")
    with pikepdf.open(f) as p:
        p.save(tmp_path / "enc.pdf", encryption=pikepdf.Encryption(owner="geheim", user="", R=6))
    with pytest.raises(DocumentError) as e:
        _checked(tmp_path / "enc.pdf", tmp_path, max_decoded_mb=32)
    assert e.value.code == "decompression_bomb"


def test_flate_in_flate_counted_in_chunks_not_held(tmp_path):
    """512 MiB from a file of a few KB: the count stops at the limit (default 256 MB), never holding the stream."""
    import tracemalloc

    f = bomb("twice", 512, tmp_path / "twice.pdf")
    assert f.stat().st_size < 64 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError) as e:
            _checked(f, tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert e.value.code == "decompression_bomb"
    assert peak < 32 * MB, peak  # a few chunks of 1 MiB, not the stream


def test_run_length_counted_as_qpdf_decodes_it(tmp_path):
    p = pikepdf.new()
    data = bytes([257 - 127, ord("x")]) * 3000 + bytes([2]) + b"abc" + bytes([128])  # 127 × 'x' runs, a literal
    s = pikepdf.Stream(p, data)
    s.Filter = pikepdf.Name.RunLengthDecode
    assert intake_bomb.decoded_size(s, ["/RunLengthDecode"], 1 << 40) \
        == len(s.read_bytes(pikepdf.StreamDecodeLevel.specialized)) == 3000 * 127 + 3


def _lzw(data: bytes) -> bytes:
    """LZW as PDF writers encode it (early change, 9–12 bit codes, a clear code when the table is full)."""
    out, acc, nbits = bytearray(), 0, 0

    def emit(code: int, width: int) -> None:
        nonlocal acc, nbits
        acc, nbits = (acc << width) | code, nbits + width
        while nbits >= 8:
            nbits -= 8
            out.append((acc >> nbits) & 0xFF)
        acc &= (1 << nbits) - 1

    table, nxt, width, w = {bytes([i]): i for i in range(256)}, 258, 9, b""
    emit(256, 9)
    for c in data:
        if w + bytes([c]) in table:
            w += bytes([c])
            continue
        emit(table[w], width)
        table[w + bytes([c])], nxt = nxt, nxt + 1
        if nxt >= 4096:
            emit(256, width)
            table, nxt = {bytes([i]): i for i in range(256)}, 258
        width = 12 if nxt >= 2048 else 11 if nxt >= 1024 else 10 if nxt >= 512 else 9
        w = bytes([c])
    emit(table[w], width)
    emit(257, width)
    return bytes(out) + (bytes([(acc << (8 - nbits)) & 0xFF]) if nbits else b"")


def test_lzw_counted_as_qpdf_decodes_it():
    import random

    rnd = random.Random(1)
    data = bytes(rnd.choice(b"ab  c\n") for _ in range(30_000)) + b"x" * 100_000  # the table fills, is cleared
    pdf = pikepdf.new()
    s = pikepdf.Stream(pdf, _lzw(data))
    s.Filter = pikepdf.Name.LZWDecode
    assert s.read_bytes() == data
    assert intake_bomb.decoded_size(s, ["/LZWDecode"], 1 << 40) == len(data)
    assert 50_000 <= intake_bomb.decoded_size(s, ["/LZW"], 50_000) < 50_000 + 2 * intake_bomb.CHUNK  # stops


@pytest.mark.parametrize("rel", ["ocrmypdf/multipage.pdf", "ocrmypdf/2400dpi.pdf", "pypdf/test_Orient.pdf"])
def test_real_documents_pass_far_below_the_limit(tmp_path, shared, rel):
    """multipage.pdf holds a Flate image of 243 MB (its pixels) from 1.1 MB: an image's own pixels do not count;
    what does (content, fonts) stays under 1 MB in every PDF of samples/ and ../shared/realdocs."""
    assert _checked(shared / "realdocs" / rel, tmp_path, max_decoded_mb=1) >= 1


def test_bombs_quarantined_and_the_run_goes_on(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for kind in ("cs", "xobj", "ef", "twice"):
        bomb(kind, 24, inbox / f"bomb-{kind}.pdf")
    (inbox / "bauantrag-002-pdf.pdf").write_bytes((SAMPLES / "bauantrag-002-pdf.pdf").read_bytes())
    out = ingest_json(inbox, "-w", tmp_path / "wd", "-o", "intake.max_decoded_mb=16")
    by = {Path(d["source"]).name: d for d in out["documents"]}
    for kind in ("cs", "xobj", "ef", "twice"):
        d = by[f"bomb-{kind}.pdf"]
        assert d["status"] == "quarantined" and d["error"]["code"] == "decompression_bomb", d
        assert d["error"]["message"] == intake_bomb.BOMB
    assert by["bauantrag-002-pdf.pdf"]["status"] == "archived"
    assert {k: v for k, v in out["summary"]["by_status"].items() if v} == {"archived": 1, "quarantined": 4}
    assert not list((tmp_path / "wd" / "archive").rglob("embedded-*"))  # nothing of the bomb beside the archive
    reason = json.loads(next((tmp_path / "wd" / "quarantine").rglob("reason.json")).read_text("utf-8"))
    assert reason["code"] == "decompression_bomb"


def test_the_reason_is_german_at_the_review_station():
    de = reason_text("decompression_bomb", intake_bomb.BOMB, gettext_for("de"))
    assert de != intake_bomb.BOMB and "intake.max_decoded_mb" in de and "Dekompressionsbombe" in de


def test_a_stream_claiming_to_be_an_image_gets_no_allowance_unless_drawn(tmp_path):
    """review41 R1: an embedded file (or a content stream) that claims ``/Subtype /Image`` with CMYK 16-bit
    dimensions got that image's allowance and was never decoded: a 0.5 MB file wrote 512 MiB beside the archive."""
    f = bomb("ef", 40, tmp_path / "ef.pdf")
    with pikepdf.open(f, allow_overwriting_input=True) as p:
        for o in p.objects:
            if isinstance(o, pikepdf.Stream) and o.get("/Type") == pikepdf.Name.EmbeddedFile:
                o.Subtype, o.Width, o.Height = pikepdf.Name.Image, 19000, 13000
                o.ColorSpace, o.BitsPerComponent = pikepdf.Name.DeviceCMYK, 16
        p.save(f, compress_streams=False)
    with pytest.raises(DocumentError) as e:
        _checked(f, tmp_path, max_decoded_mb=32)
    assert e.value.code == "decompression_bomb"


def test_python_decoders_are_fed_a_bounded_amount(tmp_path):
    """review41 R2: Flate then run-length of 1-byte runs took 73 CPU s; the decoders written in Python are fed at
    most intake_bomb.WORK bytes per document — past it the stream counts as reaching the limit."""
    pdf = pikepdf.new()
    runs = bytes([0, ord("x")]) * (40 * MB)  # 80 MiB of 1-byte literal runs → 40 MiB: within any ratio's reach
    s = pikepdf.Stream(pdf, zlib.compress(runs, 9))
    s.Filter = pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.RunLengthDecode])
    assert intake_bomb.decoded_size(s, ["/FlateDecode", "/RunLengthDecode"], 1 << 40, [1 << 20]) == 1 << 40
    assert intake_bomb.decoded_size(s, ["/FlateDecode"], 1 << 40) == len(runs)  # Flate alone: not metered


def test_lzw_clear_codes_decode_right():
    """review41 R2: "clear, 0" chains (the table cleared in place now, not copied at every clear code, which made
    8 MB take minutes): counted right, as many bytes as codes after the clears."""
    out, acc, nbits = bytearray(), 0, 0
    for code in [256, 0] * 20_000 + [257]:  # 20,000 bytes, each behind a clear code
        acc, nbits = (acc << 9) | code, nbits + 9
        while nbits >= 8:
            nbits -= 8
            out.append((acc >> nbits) & 0xFF)
        acc &= (1 << nbits) - 1
    pdf = pikepdf.new()
    s = pikepdf.Stream(pdf, bytes(out) + (bytes([(acc << (8 - nbits)) & 0xFF]) if nbits else b""))
    s.Filter = pikepdf.Name.LZWDecode
    assert intake_bomb.decoded_size(s, ["/LZWDecode"], 1 << 40) == 20_000 == len(s.read_bytes())


def test_the_limit_grows_with_the_raw_data(monkeypatch):
    """review41 R3: a 199 MB plan of vector drawing (2.4:1) was a bomb under a fixed 256 MB; the limit is at
    least RAW_FACTOR × the raw stream data."""
    import random

    rnd = random.Random(3)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    data = bytes(rnd.getrandbits(8) for _ in range(MB)) + b" " * (4 * MB)  # 5 MiB from ~1 MiB raw
    s = pdf.make_stream(b"")
    s.write(zlib.compress(data, 9), filter=pikepdf.Name.FlateDecode)
    pdf.pages[0].Contents = s
    intake_bomb.check(pdf, 1, 250)  # 5 MiB decoded, over 1 MB but under 10 × raw: a document
    monkeypatch.setattr(intake_bomb, "RAW_FACTOR", 1)
    with pytest.raises(DocumentError):
        intake_bomb.check(pdf, 1, 250)
