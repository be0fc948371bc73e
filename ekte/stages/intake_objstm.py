"""The object streams of a PDF bounded before qpdf opens it (bomb42): qpdf decodes an object stream whole the
moment one of its objects is needed — the catalog's inside :func:`pikepdf.open` — and every cross-reference stream
before that (a 300 KB file holding 300 MiB of objects took 1.3 GB).  :func:`precheck` reads the raw file as qpdf
reads it without repair (``startxref``, cross-reference tables and streams, ``/Prev``, ``/XRefStm``, the object
streams their entries name with their raw ``/Length`` and ``/Filter``), adds up what those decode to beyond their
raw size (from ratios, else counted in chunks) and refuses the PDF as ``decompression_bomb`` over
``intake.max_decoded_mb`` (or :data:`~ekte.stages.intake_bomb.RAW_FACTOR` × the file's size).  What it cannot follow
with certainty (damaged; encrypted object streams too large to bound raw; an indirect length it cannot find; a
/Length that misses ``endstream``; /Crypt; cross-reference data too large to read here) is left to
:func:`ekte.stages.workpdf.probe`, pikepdf in a child with bounded memory; the coordinator does not open it."""

from __future__ import annotations

import mmap
import os
import re
from pathlib import Path
from typing import Any

from ekte.errors import DocumentError
from ekte.stages import intake_bomb
from ekte.stages.workpdf import probed

WS, DELIM = b"\0\t\n\f\r ", b"()<>[]{}/%"
_NUM = re.compile(rb"[+-]?(\d+\.?\d*|\.\d+)")
_REGULAR = re.compile(rb"[^\0\t\n\f\r ()<>\[\]{}/%]*")
_HEADER, _PAREN = re.compile(rb"%PDF-\d+\.\d"), re.compile(rb"[()\\]")
_SKIP = re.compile(rb"(?:[\0\t\n\f\r ]+|%[^\r\n]*)*")
#: beyond these a file is left to the child: object streams named, bytes a cross-reference stream decodes to
MAX_OBJSTMS, XREF_MAX = 10_000, 64 << 20


class Unsure(Exception):
    """The raw file does not say for certain what qpdf would decode on opening it."""


class Ref(tuple):
    """An indirect reference (number, generation)."""


class _Parser:
    """Just enough of PDF's object syntax: dictionaries, arrays, names, numbers, strings, references."""

    def __init__(self, data: Any) -> None:
        self.data, self.end = data, len(data)

    def skip(self, i: int) -> int:
        return _SKIP.match(self.data, i).end()  # (white space and comments, at C speed)

    def word(self, i: int) -> tuple[bytes, int]:
        m = _REGULAR.match(self.data, i)
        return m[0], m.end()

    def obj(self, i: int, depth: int = 0) -> tuple[Any, int]:
        if depth > 32:
            raise Unsure("nested too deep")
        i = self.skip(i)
        d = self.data
        if i >= self.end:
            raise Unsure("end of file in an object")
        if d[i:i + 2] == b"<<":
            out, i = {}, i + 2
            while True:
                i = self.skip(i)
                if d[i:i + 2] == b">>":
                    return out, i + 2
                key, i = self.obj(i, depth + 1)
                if not isinstance(key, Name):
                    raise Unsure("a dictionary key is not a name")
                out[key], i = self.obj(i, depth + 1)
        if d[i:i + 1] == b"[":
            out, i = [], i + 1
            while True:
                i = self.skip(i)
                if d[i:i + 1] == b"]":
                    return out, i + 1
                v, i = self.obj(i, depth + 1)
                out.append(v)
        if d[i:i + 1] == b"/":
            raw, j = self.word(i + 1)
            return Name("/" + re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), raw).decode("latin-1")), j
        if d[i:i + 1] == b"(":
            return b"", self._string(i + 1)
        if d[i:i + 1] == b"<":
            j = d.find(b">", i)
            if j < 0:
                raise Unsure("open hex string")
            return b"", j + 1
        m = _NUM.match(d, i)
        if m and (m.end() >= self.end or d[m.end()] in WS or d[m.end()] in DELIM):
            if b"." in m[0]:
                return float(m[0]), m.end()
            n = int(m[0])
            j = self.skip(m.end())
            g = _NUM.match(d, j)
            if g and b"." not in g[0] and n >= 0:  # "n g R"
                k = self.skip(g.end())
                if d[k:k + 1] == b"R" and (k + 1 >= self.end or d[k + 1] in WS or d[k + 1] in DELIM):
                    return Ref((n, int(g[0]))), k + 1
            return n, m.end()
        w, j = self.word(i)
        if not w:
            raise Unsure("unexpected character")
        return Keyword(w.decode("latin-1")), j

    def _string(self, i: int) -> int:
        depth = 1
        while (m := _PAREN.search(self.data, i)) is not None:
            i = m.end() + (1 if m[0] == b"\\" else 0)  # (a backslash escapes the next byte)
            depth += 1 if m[0] == b"(" else -1 if m[0] == b")" else 0
            if depth == 0:
                return i
        raise Unsure("open string")

    def indirect(self, i: int) -> tuple[dict | Any, int | None]:
        """The object "n g obj …" at *i*: (its value, where its stream's data begins or None)."""
        for expect in (int, int):
            v, i = self.obj(i)
            if not isinstance(v, expect) or isinstance(v, bool):
                raise Unsure("no object here")
        w, i = self.word(self.skip(i))
        if w != b"obj":
            raise Unsure("no object here")
        value, i = self.obj(i)
        i = self.skip(i)
        if not isinstance(value, dict) or self.word(i)[0] != b"stream":
            return value, None
        i += 6
        while i < self.end:  # as qpdf: "\n", "\r\n", a lone "\r", or spaces before them
            c = self.data[i]
            if c == 10:
                return value, i + 1
            if c == 13:
                return value, i + (2 if self.data[i + 1:i + 2] == b"\n" else 1)
            if c not in WS:
                break
            i += 1
        return value, i

    def ends_stream(self, i: int) -> bool:
        return self.word(self.skip(i))[0] == b"endstream" if i <= self.end else False


class Name(str):
    """A PDF name, with its slash."""


class Keyword(str):
    """A bare word (true, false, null, obj, stream …)."""


class _File:
    """The cross-reference of a raw PDF as qpdf reads it without repair: its sections, newest first."""

    def __init__(self, data: Any) -> None:
        self.p, self.data = _Parser(data), data
        m = _HEADER.search(data, 0, 1024 + 16)
        self.base = m.start() if m and m.start() < 1024 else 0
        self.sections: list[tuple[str, Any]] = []  # ("stream", _Entries) or ("table", (start, end))
        self.xref_streams: list[tuple[bytes, list[str]]] = []
        self.trailer: dict | None = None
        self._read_chain()

    def _read_chain(self) -> None:
        tail_from = max(0, len(self.data) - 1054)
        i = self.data.rfind(b"startxref", tail_from)
        off = 0
        while i >= 0:
            v, _ = self.p.obj(i + 9)
            if isinstance(v, int) and not isinstance(v, (bool, Ref)):
                off = v
                break
            i = self.data.rfind(b"startxref", tail_from, i)
        if not off:
            raise Unsure("no startxref")
        seen: set[int] = set()
        while off:
            if off in seen or len(seen) > 1000:
                raise Unsure("a loop of cross-reference sections")
            seen.add(off)
            i = self.p.skip(self.base + off) if 0 < off < len(self.data) else -1
            if i < 0:
                raise Unsure("startxref outside the file")
            if self.data[i:i + 4] == b"xref" and self.data[i + 4:i + 5] in (b" ", b"\t", b"\n", b"\r", b"\f"):
                off = self._table(i + 4)
            else:
                off = self._stream(i, keep_trailer=True)

    def _table(self, i: int) -> int:
        t = self.data.find(b"trailer", i)
        if t < 0:
            raise Unsure("no trailer")
        trailer, _ = self.p.obj(t + 7)
        if not isinstance(trailer, dict):
            raise Unsure("no trailer dictionary")
        self.trailer = self.trailer if self.trailer is not None else trailer
        self.sections.append(("table", [i, t, None]))  # (its entries read when needed)
        if "/XRefStm" in trailer:
            if not isinstance(trailer["/XRefStm"], int):
                raise Unsure("an odd /XRefStm")
            at = self.p.skip(self.base + trailer["/XRefStm"])
            self._stream(at, keep_trailer=False)
        return _int(trailer.get("/Prev", 0))

    def _stream(self, i: int, keep_trailer: bool) -> int:
        d, start = self.p.indirect(i)
        if start is None or d.get("/Type") != "/XRef":
            raise Unsure("no cross-reference stream")
        length = _int(d.get("/Length"))
        if not self.p.ends_stream(start + length):
            raise Unsure("a cross-reference stream's /Length is off")
        raw, filters = bytes(self.data[start:start + length]), _filters(d.get("/Filter"))
        self.xref_streams.append((raw, filters))
        self.sections.append(("stream", _entries(d, raw, filters)))
        if sum(len(e.buf) for k, e in self.sections if k == "stream") > XREF_MAX:  # (all of them: review42 R2)
            _too_large()
        if keep_trailer and self.trailer is None:
            self.trailer = d
        return _int(d.get("/Prev", 0))

    def offsets(self, num: int) -> list[int]:
        """Where the cross-reference puts object *num* uncompressed (newest first, every revision)."""
        out = []
        for kind, sec in self.sections:
            if kind == "stream":
                out += sec.offsets(num)
            else:
                sec[2] = _table_index(self.data, sec[0], sec[1]) if sec[2] is None else sec[2]
                out += sec[2].get(num, [])
        return out

    def value(self, v: Any) -> Any:
        """*v*, or the object it refers to when that is stored uncompressed (else :class:`Unsure`)."""
        if not isinstance(v, Ref):
            return v
        for off in self.offsets(v[0]):
            value, start = self.p.indirect(self.base + off)
            if start is None:
                return value
        raise Unsure("an indirect value that is not stored uncompressed")


def _too_large() -> bytes:
    raise Unsure("cross-reference data too large to read here")


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise Unsure("not a number")
    return v


def _filters(f: Any) -> list[str]:
    if f is None:
        return []
    fs = f if isinstance(f, list) else [f]
    if not all(isinstance(x, Name) for x in fs) or "/Crypt" in fs:  # (/Crypt: the count stopped there, R1)
        raise Unsure("an odd /Filter")
    return [str(x) for x in fs]


def _entries(d: dict, raw: bytes, filters: list[str]) -> Any:
    """A cross-reference stream's entries (decoded by qpdf: predictors too)."""
    import pikepdf

    w = d.get("/W")
    if not (isinstance(w, list) and len(w) >= 3 and all(isinstance(x, int) and 0 <= x <= 8 for x in w[:3])):
        raise Unsure("an odd /W")
    w, size = w[:3], _int(d.get("/Size"))
    index = d.get("/Index", [0, size])
    if not (isinstance(index, list) and len(index) % 2 == 0 and all(isinstance(x, int) for x in index)):
        raise Unsure("an odd /Index")
    n, esz = sum(index[1::2]), sum(w)
    stop = n * esz + n + 1024  # (a predictor's byte per row)
    if stop > XREF_MAX or (w[0] > 1 and n > 100_000):  # (wide type fields are read row by row: review42 R2)
        raise Unsure("a cross-reference stream too large to decode here")
    if intake_bomb.raw_decoded_size(raw, intake_bomb._generalized(filters), stop) >= stop:
        raise Unsure("a cross-reference stream longer than its entries")  # the child decides
    pdf = pikepdf.new()
    s = pikepdf.Stream(pdf, raw)
    s.Filter = pikepdf.Array([pikepdf.Name(f) for f in filters])
    parms = d.get("/DecodeParms")
    if parms is not None and not isinstance(parms, dict):
        raise Unsure("odd /DecodeParms")
    if isinstance(parms, dict):
        s.DecodeParms = pikepdf.Dictionary({k: v for k, v in parms.items() if isinstance(v, int)})
    try:
        buf = s.read_bytes()
    except pikepdf.PdfError:
        raise Unsure("a cross-reference stream qpdf cannot decode") from None
    if len(buf) < n * esz or not esz:
        raise Unsure("a short cross-reference stream")
    return _Entries(buf, w, index)


class _Entries:
    """A cross-reference stream's entries, read where needed (no loop over all of them in Python)."""

    def __init__(self, buf: bytes, w: list[int], index: list[int]) -> None:
        self.buf, self.w, self.esz = buf, w, sum(w)
        self.ranges = list(zip(index[::2], index[1::2]))

    def _field(self, k: int, at: int) -> int:
        start = at + sum(self.w[:k])
        return int.from_bytes(self.buf[start:start + self.w[k]], "big") if self.w[k] else (1 if k == 0 else 0)

    def offsets(self, num: int) -> list[int]:
        """The offset of object *num* when this section stores it uncompressed ([] else)."""
        row = 0
        for first, count in self.ranges:
            if first <= num < first + count:
                at = (row + num - first) * self.esz
                return [self._field(1, at)] if self._field(0, at) == 1 else []
            row += count
        return []

    def object_streams(self) -> set[int]:
        """The object streams the compressed entries (type 2) name."""
        n = sum(c for _f, c in self.ranges)
        if not self.w[0]:
            return set()
        if self.w[0] == 1:  # (the type bytes sliced out at C speed; no list of rows held)
            rows: Any = (m.start() for m in re.finditer(b"\x02", self.buf[0:n * self.esz:self.esz]))
        else:
            rows = (r for r in range(n) if self._field(0, r * self.esz) == 2)
        a, b = self.w[0], self.w[0] + self.w[1]
        return {int.from_bytes(f, "big") for f in {self.buf[r * self.esz + a:r * self.esz + b] for r in rows}}


def _table_index(data: Any, start: int, end: int) -> dict[int, list[int]]:
    """A cross-reference table's "n" entries: {object number: [offset]} (review42 R2: a 40 MB one took 333 MB)."""
    toks, i, out = (bytes(data[start:end]) if end - start <= XREF_MAX // 4 else _too_large()).split(), 0, {}
    while i + 1 < len(toks):
        first, count = int(toks[i]), int(toks[i + 1])
        for k in range(count):
            at = i + 2 + 3 * k
            if toks[at + 2:at + 3] == [b"n"]:
                out.setdefault(first + k, []).append(int(toks[at]))
        i += 2 + 3 * count
    return out


def streams(path: Path) -> tuple[list[tuple[bytes, list[str]]], bool, int]:
    """The streams qpdf decodes whole on opening *path* and reading all its objects — cross-reference streams
    and the object streams their entries name — as (raw data, filters); whether the file is encrypted; its size."""
    with open(path, "rb") as f:
        if not (size := os.fstat(f.fileno()).st_size):
            raise Unsure("empty")
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            x = _File(data)
            out = list(x.xref_streams)
            objstms = set()
            for kind, sec in x.sections:
                if kind == "stream":
                    objstms.update(sec.object_streams())
            if len(objstms) > MAX_OBJSTMS:
                raise Unsure("too many object streams to read here")
            for s in sorted(objstms):
                for off in x.offsets(s):
                    d, start = x.p.indirect(x.base + off)
                    if start is None:
                        continue  # not a stream: qpdf decodes nothing
                    length = _int(x.value(d.get("/Length")))
                    if not x.p.ends_stream(start + length):  # (qpdf finds the real end itself: review42 R1)
                        raise Unsure("an object stream's /Length is off")
                    out.append((bytes(data[start:start + length]), _filters(x.value(d.get("/Filter")))))
            return out, x.trailer is not None and "/Encrypt" in x.trailer, size


def precheck(path: Path, max_decoded_mb: float) -> None:
    """Raise ``decompression_bomb`` when what qpdf decodes whole on opening *path* expands past the limit; when
    the raw file does not say, the child decides (``broken_pdf``, ``encrypted`` for a file it cannot open)."""
    said = _raw_verdict(path, max_decoded_mb)
    if said == "bomb":
        raise DocumentError("decompression_bomb", intake_bomb.BOMB, "intake")
    return probed(path, max_decoded_mb) if said == "unsure" else None


def opens_bounded(path: Path, max_decoded_mb: float) -> bool:
    """The raw file shows qpdf opens *path* within the limit: the coordinator may open it (never the child)."""
    return _raw_verdict(path, max_decoded_mb) == "ok"


def _raw_verdict(path: Path, max_decoded_mb: float) -> str:
    try:
        found, encrypted, size = streams(path)
    except Exception:  # noqa: BLE001 - whatever this reading cannot follow, the child opens
        return "unsure"
    limit = max(int(max_decoded_mb * 1024 * 1024), intake_bomb.RAW_FACTOR * size)
    plan = [(raw, intake_bomb._generalized(f)) for raw, f in found]
    if sum(len(raw) * intake_bomb._ratio(f) for raw, f in plan) <= limit:
        return "ok"  # nothing can expand past the limit (an ordinary PDF: nothing decoded)
    if encrypted:
        return "unsure"  # (its object streams are encrypted: the child reads them)
    total, budget = 0, [intake_bomb.WORK]
    for raw, f in plan:
        total += max(0, intake_bomb.raw_decoded_size(raw, f, len(raw) + limit - total + 1, budget) - len(raw))
        if total > limit:
            return "bomb"
    return "ok"
