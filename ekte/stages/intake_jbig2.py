"""The bitmaps a JBIG2 stream declares (review41 R4): its page size is not in the
image dictionary but in its data — the page information segment (ITU-T T.88
§7.4.8), each region's information field (§7.4.1) — and a decoder (jbig2dec,
in Ghostscript) allocates what they say: a 2 KB stream declaring a
100,000 × 100,000 page for a 100 × 100 image took it to 1.25 GB.  :func:`check`
reads the segment headers (§7.2) of a ``/JBIG2Decode`` stream and of its
``/JBIG2Globals`` and refuses one whose largest bitmap has more pixels than the
image's /Width × /Height or ``intake.max_image_mpixels``, as ``decompression_bomb``."""

from __future__ import annotations

import struct
import zlib
from typing import Any, Iterator

from ekte.errors import DocumentError
from ekte.stages.intake_bomb import WORK, _filters, _generalized, _TooCostly, chunks


#: segment types whose data begins with a region's width and height (T.88 §7.4.1): text, halftone, generic, refinement
REGIONS = {4, 6, 7, 20, 22, 23, 36, 38, 39, 40, 42, 43}
#: the most of a JBIG2 stream (behind another filter) read for its segment headers: more is refused
JBIG2_MAX = 32 << 20


def check(stream: Any, before: list[str], max_mpixels: float) -> None:
    """Raise ``decompression_bomb`` when a JBIG2 stream (or its ``/JBIG2Globals``) declares, in its segment
    headers, a bitmap of more pixels than its image dictionary's /Width × /Height or ``max_mpixels`` (R4: a 2 KB
    stream declaring a 100,000² page for a 100 × 100 image took Ghostscript to 1.25 GB)."""
    import pikepdf

    d, bound = stream.stream_dict, int(max_mpixels * 1_000_000)
    try:
        bound = min(bound, int(d.get("/Width", 0)) * int(d.get("/Height", 0))) or bound
    except (TypeError, ValueError):
        pass
    parms = d.get("/DecodeParms")
    if isinstance(parms, pikepdf.Array):
        parms = parms[len(before)] if len(parms) > len(before) else None
    glob = parms.get("/JBIG2Globals") if isinstance(parms, pikepdf.Dictionary) else None
    parts = [(stream, before)] + ([(glob, _generalized(_filters(glob)))] if isinstance(glob, pikepdf.Stream) else [])
    for s, f in parts:
        try:
            data = b"".join(_capped(chunks(s.read_raw_bytes(), f, [WORK]), JBIG2_MAX))
            most = _jbig2_pixels(data)
        except _TooCostly:  # (past JBIG2_MAX, or the decoders before it fed too much: a bitmap too large)
            most = bound + 1
        except (zlib.error, ValueError):  # (binascii.Error too) what cannot be decoded is no bitmap
            most = 0
        if most > bound:
            raise DocumentError("decompression_bomb", f"A JBIG2 image in the PDF declares a bitmap of {most:,} "
                                f"pixels inside its data, more than its image dictionary ({bound:,} pixels) or "
                                f"intake.max_image_mpixels allows (a decompression bomb); it was not processed.",
                                "intake")


def _capped(chunks: Iterator[bytes], most: int) -> Iterator[bytes]:
    for c in chunks:
        most -= len(c)
        if most < 0:
            raise _TooCostly
        yield c


def _jbig2_pixels(data: bytes) -> int:
    """The largest bitmap a JBIG2 decoder (jbig2dec, in Ghostscript) allocates for an embedded stream, from its
    segment headers (T.88 §7.2): a page (§7.4.8; of unknown height as far as its stripes and regions reach), a
    region (§7.4.1), a pattern dictionary's collective bitmap (§7.4.4), a halftone grid (§7.4.5)."""
    i, n, most, page_w, grow = 0, len(data), 0, 0, None
    while i + 11 <= n:  # (each header: number, flags, referred-to segments, page, data length)
        num, flags, rt = struct.unpack_from(">IBB", data, i)
        typ, i = flags & 63, i + 5
        if rt >> 5 == 7:  # the long form: a count, then retention bits (as jbig2dec reads them)
            count = struct.unpack_from(">I", data, i)[0] & 0x1FFFFFFF
            i += 4 + (count + 1) // 8
        else:
            count, i = rt >> 5, i + 1
        i += count * (1 if num <= 256 else 2 if num <= 65536 else 4) + (4 if flags & 64 else 1)
        if i + 4 > n:
            break
        length, i = struct.unpack_from(">I", data, i)[0], i + 4
        body = data[i:i + 26]
        if typ == 48 and len(body) >= 19:  # page information
            page_w, h = struct.unpack_from(">II", body)
            grow = struct.unpack_from(">H", body, 17)[0] & 0x7FFF if h == 0xFFFFFFFF else None
            most = max(most, page_w * (h if grow is None else grow))
        elif typ == 50 and grow is not None and len(body) >= 4:  # end of stripe: the page grows to its row
            grow = max(grow, struct.unpack_from(">I", body)[0] + 1)
        elif typ in REGIONS and len(body) >= 16:
            w, h, _x, y = struct.unpack_from(">IIII", body)
            most = max(most, w * h)
            grow = None if grow is None else max(grow, y + h)
            if typ in (20, 22, 23) and len(body) >= 26:  # halftone: its grid
                most = max(most, struct.unpack_from(">I", body, 18)[0] * struct.unpack_from(">I", body, 22)[0])
        elif typ == 16 and len(body) >= 7:  # pattern dictionary: (GRAYMAX + 1) patterns of HDPW × HDPH
            pw, ph, gmax = struct.unpack_from(">BBI", body, 1)
            most = max(most, (gmax + 1) * pw * ph)
        most = max(most, page_w * grow) if grow is not None else most
        if length == 0xFFFFFFFF:  # unknown: only an immediate generic region, up to its end marker
            j = data.find(b"\0\0" if n > i + 17 and data[i + 17] & 1 else b"\xff\xac", i + 18)
            if typ != 38 or j < 0:
                break
            length = j + 6 - i
        i += length
    return most
