"""The bound on what a PDF's compressed data expands to (fresh41 F2): a
1 MB PDF whose Flate stream (a page's content, an unused form, an embedded
file) inflates to 1 GiB or more is a decompression bomb, not a document.

:func:`check` runs in the worker on the opened PDF before anything decodes
a stream (sanitizing, OCR, PDF/A): first from the raw sizes alone — each
filter expands by at most a known factor (Flate 1032:1) — and only when
that bound is over the limit stream by stream, each *counted* while it is
decoded in chunks of at most :data:`CHUNK` bytes (``zlib`` with
``max_length``; run-length, LZW and the ASCII filters by the same rule),
stopped as soon as the limit is passed.  Its memory is the raw stream plus
a few chunks (an ASCII filter after another one holds what it is fed, at most
:data:`WORK`: the decoders written here in Python are fed at most that much per
document, else it is refused).  The object streams qpdf decodes while opening
the file are bounded before, from the raw file (:mod:`ekte.stages.intake_objstm`).

The limit (``intake.max_decoded_mb``; at least :data:`RAW_FACTOR` × the raw
stream data) is on what the streams, one or all together, decode to beyond
what they hold raw — and an image drawn as an XObject beyond its own pixels
(width × height × colours × bits, at most ``intake.max_image_mpixels``).
Filters that only images use (DCT, JPX, JBIG2, CCITT) end the count; a JBIG2
stream states its bitmaps' sizes in its segment headers: :func:`~ekte.stages.intake_jbig2.check`
refuses one larger than its image (:mod:`ekte.stages.intake_jbig2`)."""

from __future__ import annotations

import binascii
import zlib
from typing import Any, Iterator

from ekte.errors import DocumentError

CHUNK = 1 << 20

#: what a PDF's generalized filters expand their input by at most (bytes out per byte in)
RATIO = {"/FlateDecode": 1032, "/Fl": 1032, "/RunLengthDecode": 128, "/RL": 128, "/LZWDecode": 4096,
         "/LZW": 4096, "/ASCII85Decode": 4, "/A85": 4, "/ASCIIHexDecode": 1, "/AHx": 1}

#: the limit is at least this many times the PDF's raw stream data (legitimate content expands a few times)
RAW_FACTOR = 10
#: at most this many bytes of input a document's Python-level decoders (run-length, LZW) may work through: a
#: chain built to make them slow (review41 R2: 1-byte runs behind Flate) is refused as a bomb, not waited for
WORK = 16 << 20

#: the reason given (one line; translated at the review station, ekte.serve.admin.EXACT)
BOMB = ("The PDF holds compressed data that expands to more than intake.max_decoded_mb allows "
        "(a decompression bomb); it was not processed.")


def check(pdf: Any, max_decoded_mb: float, max_mpixels: float) -> None:
    """Raise ``decompression_bomb`` when *pdf*'s streams (pikepdf) decode to more than
    *max_decoded_mb* beyond what they hold raw (an image: beyond its own pixels too),
    one stream or all together."""
    import pikepdf

    from ekte.stages import intake_jbig2

    drawn: set | None = None  # (found once a stream is an image: a PDF without images is not walked for it)
    streams = []
    for o in pdf.objects:
        if isinstance(o, pikepdf.Stream):
            named = _filters(o)
            filters = _generalized(named)
            if "/JBIG2Decode" in named[len(filters):len(filters) + 1]:
                intake_jbig2.check(o, filters, max_mpixels)
            raw = _raw_length(o)
            own = _allowance(o, max_mpixels)
            if own:  # (review41 R1: only a drawn image)
                drawn = _drawn(pdf) if drawn is None else drawn
                own = own if o.objgen in drawn else 0
            streams.append((o, filters, raw, max(raw, own)))
    # a large plan's vector drawing compresses 2–6:1, a bomb ~1000:1: the limit grows with the raw data (review41 R3)
    limit = max(int(max_decoded_mb * 1024 * 1024), RAW_FACTOR * sum(raw for _o, _f, raw, _own in streams))
    if sum(max(0, raw * _ratio(filters) - own) for _o, filters, raw, own in streams) <= limit:
        return  # nothing can expand past the limit: decoding nothing
    total, budget = 0, [WORK]
    for o, filters, raw, own in streams:
        if filters and raw * _ratio(filters) > own:
            total += max(0, decoded_size(o, filters, own + limit - total + 1, budget) - own)
            if total > limit:
                raise DocumentError("decompression_bomb", BOMB, "intake")


def _drawn(pdf: Any) -> set:
    """The streams some resource dictionary names as an XObject (pages, forms, patterns, annotations'
    appearances): only those are drawn as images, so only those get an image's allowance — an embedded file or
    a content stream that claims ``/Subtype /Image`` gets none (review41 R1)."""
    import pikepdf

    out = set()
    for o in pdf.objects:
        if not isinstance(o, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        try:
            for res in (o, o.get("/Resources")):  # an indirect resource dictionary, or one held by a page or form
                xo = res.get("/XObject") if isinstance(res, (pikepdf.Dictionary, pikepdf.Stream)) else None
                if isinstance(xo, pikepdf.Dictionary):
                    out.update(v.objgen for v in xo.values() if isinstance(v, pikepdf.Stream))
        except Exception:  # noqa: BLE001 - a damaged dictionary names nothing
            continue
    return out


def _filters(stream: Any) -> list[str]:
    import pikepdf

    f = stream.stream_dict.get("/Filter")
    if isinstance(f, pikepdf.Array):
        return [str(x) for x in f]
    return [str(f)] if isinstance(f, pikepdf.Name) else []


def _raw_length(stream: Any) -> int:
    try:
        return len(stream.read_raw_bytes())
    except Exception:  # noqa: BLE001 - a stream that cannot be read raw decodes to nothing either
        return 0


def _ratio(filters: list[str]) -> int:
    r = 1
    for f in filters:
        r *= RATIO[f]
    return r


def _generalized(filters: list[str]) -> list[str]:
    """The leading filters this module decodes (the rest: an image codec, or unknown — not decoded here)."""
    out = []
    for f in filters:
        if f not in RATIO:
            break
        out.append(f)
    return out


def _allowance(stream: Any, max_mpixels: float) -> int:
    """What an image stream's pixels take (width × height × colours × bits, a predictor byte per row, 1 % more);
    0 for any other stream.  Its pixels count at most ``max_mpixels``."""
    d = stream.stream_dict
    if str(d.get("/Subtype", "")) != "/Image":
        return 0
    try:
        w, h = int(d.get("/Width", 0)), int(d.get("/Height", 0))
        bpc = 1 if d.get("/ImageMask") is True else int(d.get("/BitsPerComponent", 8))
    except (TypeError, ValueError):
        return 0
    if w <= 0 or h <= 0:
        return 0
    h = min(h, max(1, int(max_mpixels * 1_000_000) // w))
    row = -(-w * min(_colours(d.get("/ColorSpace")), 4) * min(max(bpc, 1), 16) // 8) + 1
    return row * h * 101 // 100 + 4096


def _colours(cs: Any) -> int:
    import pikepdf

    name = str(cs[0]) if isinstance(cs, pikepdf.Array) and len(cs) else str(cs) if cs is not None else ""
    if name in ("/DeviceGray", "/CalGray", "/Indexed", "/Separation", "/G", "/I"):
        return 1
    if name in ("/DeviceRGB", "/CalRGB", "/Lab", "/RGB"):
        return 3
    try:
        if name == "/ICCBased":
            return min(int(cs[1].stream_dict.get("/N", 4)), 4)
        if name == "/DeviceN":
            return min(len(cs[1]), 32)
    except (TypeError, ValueError, IndexError, AttributeError):
        pass
    return 4


class _TooCostly(Exception):
    """The document's Python-level decoders were fed more than :data:`WORK` bytes."""


def _metered(chunks: Iterator[bytes], budget: list[int]) -> Iterator[bytes]:
    for c in chunks:
        budget[0] -= len(c)
        if budget[0] < 0:
            raise _TooCostly
        yield c


def decoded_size(stream: Any, filters: list[str], stop: int, budget: list[int] | None = None) -> int:
    """How many bytes *stream*'s generalized *filters* (:func:`_generalized`) decode to,
    counted in chunks; stops (returns a number ≥ *stop*) once *stop* is reached.
    Data a filter cannot decode counts as what was decoded up to there.  *budget*
    ([bytes]): what the Python-level decoders (all but Flate) may still be fed in this
    document; past it the count is *stop* (refused: review41 R2)."""
    try:
        raw = stream.read_raw_bytes()
    except Exception:  # noqa: BLE001
        return 0
    return raw_decoded_size(raw, filters, stop, budget)


def raw_decoded_size(raw: bytes, filters: list[str], stop: int, budget: list[int] | None = None) -> int:
    """:func:`decoded_size` of raw stream data (read from the file, not through pikepdf)."""
    n = 0
    try:
        for c in chunks(raw, filters, [WORK] if budget is None else budget):
            n += len(c)
            if n >= stop:
                return n
    except _TooCostly:
        return max(n, stop)
    except (zlib.error, ValueError, binascii.Error):
        pass
    return n


def chunks(raw: bytes, filters: list[str], budget: list[int]) -> Iterator[bytes]:
    """*raw* decoded by the generalized *filters*, in chunks of at most :data:`CHUNK` (the ASCII filters: what
    they are fed); the Python-level decoders draw on *budget* (raises :class:`_TooCostly` past it)."""
    out: Iterator[bytes] = iter((raw,))
    for f in filters:
        out = _decoder(f)(out if SHORT.get(f, f) == "/FlateDecode" else _metered(out, budget))
    return out


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    d = zlib.decompressobj()
    for c in chunks:
        while c:
            out = d.decompress(c, CHUNK)
            c = d.unconsumed_tail
            if out:
                yield out
            if d.eof:
                return
    while not d.eof:  # what the last input still holds
        out = d.decompress(b"", CHUNK)
        if not out:
            return
        yield out


def _run_length(chunks: Iterator[bytes]) -> Iterator[bytes]:
    buf = b""
    for c in chunks:
        buf += c
        out = bytearray()
        i = 0
        while i < len(buf):
            n = buf[i]
            if n == 128:  # end of data
                yield bytes(out)
                return
            if n < 128:
                if i + n + 2 > len(buf):
                    break
                out += buf[i + 1:i + n + 2]
                i += n + 2
            else:
                if i + 2 > len(buf):
                    break
                out += buf[i + 1:i + 2] * (257 - n)
                i += 2
            if len(out) >= CHUNK:
                yield bytes(out)
                out = bytearray()
        buf = buf[i:]
        if out:
            yield bytes(out)


def _lzw(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """LZW as PDF writes it (early change 1), one code at a time."""
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    prev, width, bits, acc = None, 9, 0, 0
    out = bytearray()
    for c in chunks:
        for byte in c:
            acc, bits = (acc << 8) | byte, bits + 8
            while bits >= width:
                bits -= width
                code = (acc >> bits) & ((1 << width) - 1)
                acc &= (1 << bits) - 1  # (unmasked, the accumulator grew with the stream: quadratic, review41 R2)
                if code == 256:
                    del table[258:]  # (in place: a copy per clear code made "clear, 0" chains quadratic, review41 R2)
                    prev, width = None, 9
                    continue
                if code == 257:
                    yield bytes(out)
                    return
                entry = table[code] if code < len(table) else (prev + prev[:1] if prev else None)
                if entry is None:
                    raise ValueError("bad LZW code")
                out += entry
                if prev is not None and len(table) < 4096:
                    table.append(prev + entry[:1])
                prev = entry
                width = 12 if len(table) >= 2047 else 11 if len(table) >= 1023 else 10 if len(table) >= 511 else 9
                if len(out) >= CHUNK:
                    yield bytes(out)
                    out = bytearray()
    if out:
        yield bytes(out)


def _whole(decode: Any) -> Any:
    def run(chunks: Iterator[bytes]) -> Iterator[bytes]:
        data = b"".join(chunks)  # (the ASCII filters shrink, or ×4 at most)
        yield decode(data)
    return run


def _a85(data: bytes) -> bytes:
    import base64

    data = data.split(b"~>")[0].replace(b"<~", b"")
    return base64.a85decode(data, ignorechars=b" \t\n\r\x0b\x0c\x00")


def _ahx(data: bytes) -> bytes:
    hexs = data.split(b">")[0].translate(None, b" \t\n\r\x0b\x0c\x00")  # (C speed: review41 R2)
    return binascii.unhexlify(hexs + b"0" * (len(hexs) % 2))


DECODERS = {"/FlateDecode": _inflate, "/RunLengthDecode": _run_length, "/LZWDecode": _lzw,
            "/ASCII85Decode": _whole(_a85), "/ASCIIHexDecode": _whole(_ahx)}
SHORT = {"/Fl": "/FlateDecode", "/RL": "/RunLengthDecode", "/LZW": "/LZWDecode", "/A85": "/ASCII85Decode",
         "/AHx": "/ASCIIHexDecode"}


def _decoder(name: str) -> Any:
    return DECODERS[SHORT.get(name, name)]


