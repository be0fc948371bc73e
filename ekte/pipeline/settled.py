"""The documents a run settled, at a small constant cost each in memory.

A long run (a migration of 100,000 files, the watch daemon's day) must
not grow with every document it settled.  :class:`Settled` is the list
:attr:`IngestResult.documents` is: each document appended is pickled to
an unnamed spool file in the working directory (``O_TMPFILE``: nothing
is left behind, whatever ends the process) and only a small record kept
in memory — where it is in the spool, and what the summary and the exit
code need (source, status, doctype, pages).  Reading it (iterating,
indexing) unpickles one document at a time: a copy, as the document was
when it settled.  A document that may still change after it settled — one
waiting for its group's export (``session.waiting``, given as ``live``),
whose status and exports the group's delivery sets later — stays in
memory as it is (the session holds it anyway until its group is out).

When the spool cannot be written (no room, no working directory), the
document is kept in memory instead: listing a run's outcome never fails
a run."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, overload

from ekte.model import Document, Status


class Entry(NamedTuple):
    source: str
    status: Status | None
    doctype: str | None
    pages: int
    offset: int  # -1: the document is kept in memory (``doc``)
    length: int
    doc: Document | None
    before: bool = False  # done by an earlier run or another process (``done_before``)


def input_of(doc: Document) -> str:
    """The input this run read a document from: its source, unless the
    document keeps an earlier provenance (content quarantined before and
    sent again: its source is where it first arrived)."""
    return str(doc.extra.get("input") or doc.source)


class Settled(Sequence[Document]):
    """An append-only list of documents, spooled to disk (see the module)."""

    def __init__(self, spool_dir: str = "", docs: Any = ()) -> None:
        self.spool_dir = spool_dir
        #: documents (by SHA-256) that may still change after they settled: kept in memory, not spooled
        self.live: Any = {}
        self._entries: list[Entry] = []
        self._fd: int | None = None
        self._end = 0
        self._spool_ok = True
        #: duplicates with an error of their own (a rejected copy of content taken from another input): attention
        self.flawed_copies = 0
        #: documents an earlier run (or another process) had finished, by the status reported (duplicate, review):
        #: a resumed migration's (fresh33 F2), a concurrent run's (F8) — not counted as this run's work
        self.done_before: dict[str, int] = {}
        self._sealed = False
        for d in docs:
            self.append(d)

    def seal(self) -> None:
        """No more documents: a result handed to a caller is read-only (fresh36 F7: ``append`` changed it)."""
        self._sealed = True

    def append(self, doc: Document) -> None:
        """The run's own (a document settled); refused once the result is handed out (:meth:`seal`)."""
        if self._sealed:
            raise TypeError("result.documents is a read-only sequence")
        offset, length, kept = self._spool(doc)
        self.flawed_copies += doc.status == Status.DUPLICATE and doc.error is not None
        if doc.extra.get("done_before") and doc.status in (Status.DUPLICATE, Status.REVIEW):
            self.done_before[doc.status.value] = self.done_before.get(doc.status.value, 0) + 1
        self._entries.append(Entry(input_of(doc), doc.status, doc.doctype, doc.pages, offset, length, kept,
                                   bool(doc.extra.get("done_before"))))

    def extend(self, docs: Any) -> None:
        for d in docs:
            self.append(d)

    def _spool(self, doc: Document) -> tuple[int, int, Document | None]:
        if not self._spool_ok or doc.sha256 in self.live:
            return -1, 0, doc
        try:
            data = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
            if self._fd is None:
                self._fd = _open_spool(self.spool_dir)
            written = 0
            while written < len(data):
                written += os.pwrite(self._fd, data[written:], self._end + written)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            self._spool_ok = False  # from now on in memory: a full disk fails nothing here
            return -1, 0, doc
        offset, self._end = self._end, self._end + len(data)
        return offset, len(data), None

    def _load(self, e: Entry) -> Document:
        if e.doc is not None:
            return e.doc
        assert self._fd is not None
        try:
            return pickle.loads(_read(self._fd, e.length, e.offset))
        except (pickle.UnpicklingError, EOFError, MemoryError, OSError, AttributeError, ValueError) as exc:
            return _stand_in(e, exc)  # fresh41 F3: the run's listing (--json) stays whole

    # -- what a list of documents offers
    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, i: int) -> Document: ...
    @overload
    def __getitem__(self, i: slice) -> list[Document]: ...

    def __getitem__(self, i: int | slice) -> Document | list[Document]:
        if isinstance(i, slice):
            return [self._load(e) for e in self._entries[i]]
        return self._load(self._entries[i])

    def __iter__(self) -> Iterator[Document]:
        for e in list(self._entries):
            yield self._load(e)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, Settled)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"<{len(self)} settled documents>"

    def records(self, this_run: bool = False) -> Iterator[tuple[Status | None, str | None, int]]:
        """Status, doctype and pages of each document, without reading one
        back (those kept in memory as they are now); *this_run*: not those done before."""
        for e in self._entries:
            if this_run and e.before:
                continue
            yield (e.status, e.doctype, e.pages) if e.doc is None else (e.doc.status, e.doc.doctype, e.doc.pages)

    def order_by_source(self, order: dict[str, int]) -> None:
        """Sort by the position of each document's source in *order*
        (unknown sources last, in the order they settled)."""
        self._entries.sort(key=lambda e: order.get(e.source, len(order)))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self._spool_ok = False

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit
            pass

    def __getstate__(self) -> dict[str, Any]:  # pickled (e.g. to a Dask client): as plain documents
        return {"spool_dir": self.spool_dir, "docs": list(self)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["spool_dir"], state["docs"])  # type: ignore[misc]


#: the most one read asks for (Linux gives at most 2 GiB − 4 KiB per call: fresh41 F3, a 3 GiB record read short)
READ_MAX = 1 << 30


def _read(fd: int, length: int, offset: int) -> bytes:
    parts, done = [], 0
    while done < length:
        b = os.pread(fd, min(READ_MAX, length - done), offset + done)
        if not b:
            break
        parts.append(b)
        done += len(b)
    return b"".join(parts)


def _stand_in(e: Entry, exc: BaseException) -> Document:
    """A document whose spooled record cannot be read back: what the entry knows (source, status, pages),
    with a warning saying so — the document itself was settled (archived, quarantined) as its status says."""
    doc = Document(sha256="", source=e.source, size=0, media_type="", pages=e.pages, status=e.status)
    doc.warnings.append(f"this run's record of the document could not be read back ({type(exc).__name__})")
    return doc


def _open_spool(spool_dir: str) -> int:
    """An unnamed file in *spool_dir* (the working directory), else in the
    system's temporary directory."""
    for d in ([spool_dir] if spool_dir and os.path.isdir(spool_dir) else []) + [None]:
        try:
            f = tempfile.TemporaryFile(dir=d, prefix=".ekte-settled-")
        except OSError:
            continue
        fd = os.dup(f.fileno())
        f.close()
        return fd
    raise OSError("no spool file could be created")
