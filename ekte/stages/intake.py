"""Intake: find files, ignore system/temp files, sniff the type by content,
hash the original bytes and copy it verified.  Turning the original into a
working PDF is :mod:`ekte.stages.workpdf` (its functions are importable from
here too)."""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import logging
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ekte.errors import DocumentError
from ekte.logs import protect
from ekte.stages import office
from ekte.stages.workpdf import image_to_pdf, open_pdf_checked, read_form_fields  # noqa: F401 - their old home

log = logging.getLogger("ekte.intake")

# media types ekte accepts
PDF = "application/pdf"
TIFF = "image/tiff"
JPEG = "image/jpeg"
PNG = "image/png"
ACCEPTED = (PDF, TIFF, JPEG, PNG) + office.TYPES  # office documents: converted by LibreOffice

_EXT = {PDF: ".pdf", TIFF: ".tif", JPEG: ".jpg", PNG: ".png", **office.EXTENSIONS}


def extension_for(media_type: str) -> str:
    return _EXT.get(media_type, ".bin")


def sniff(head: bytes) -> str | None:
    """The media type from the first bytes (magic numbers), or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    # Some PDFs carry junk before the header; PDF readers accept it within 1 KiB.
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return TIFF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def is_ignored(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(name.lower(), p.lower()) for p in patterns)


def display(path: Path | str) -> str:
    """A path as text for reports, the journal and metadata.json: a file
    name that is not valid UTF-8 keeps its odd bytes as ``\\xNN``."""
    s = os.fspath(path)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def real_roots(paths: list[Path]) -> list[Path]:
    """The inputs as they resolve (a root named by the caller may be a link)."""
    return [Path(os.path.realpath(p)) for p in paths if p is not None]


def walk(paths: list[Path], ignore: list[str], exclude: list[Path] = (),
         claim: "Callable[[Path], bool] | None" = None, skipped: list[Path] | None = None,
         unlisted: "list[tuple[Path, str]] | None" = None) -> Iterator[Path]:
    """Yield every candidate below *paths*, sorted, in a stable order.
    Ignored names (files or folders) and anything inside *exclude* are
    skipped; the files skipped for their name (a root named so, or a file in
    a folder — not what an ignored folder holds) are added to *skipped*
    (fresh32 F6: counted, never silently).  Links are never followed below a root (a root named by the
    caller is taken as it resolves): a link, and a FIFO, socket or device,
    is yielded itself so that intake reports it (``symlink``,
    ``unsupported_type``) — never opened, never read.  A folder that
    *claim* accepts (an intake source's package) is yielded itself and not
    walked into.  A folder that cannot be listed (no read permission) goes
    to *unlisted* with its cause (fresh36 F1: its files were left out without a word)."""
    excl = [Path(e).resolve() for e in exclude]

    def excluded(p: Path) -> bool:
        rp = p.resolve()
        return any(rp == e or e in rp.parents for e in excl)

    for root in paths:
        root = Path(root)
        if not root.exists() and not root.is_symlink():
            raise FileNotFoundError(str(root))
        protect(root)
        if not root.is_dir():
            if not is_ignored(root.name, ignore):
                yield Path(os.path.realpath(root)) if root.is_symlink() and root.is_file() else root
            elif skipped is not None:
                skipped.append(root)
            continue
        if claim is not None and claim(root):
            yield root
            continue
        yield from _walk_dir(root, ignore, excluded, claim, skipped, unlisted)


def _walk_dir(top: Path, ignore: list[str], excluded: Callable[[Path], bool],
              claim: "Callable[[Path], bool] | None", skipped: list[Path] | None,
              unlisted: "list[tuple[Path, str]] | None" = None) -> Iterator[Path]:
    stack = [top]
    while stack:
        d = stack.pop()
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            continue  # gone (moved away) while the walk went on: nothing there to miss
        except OSError as e:
            log.warning("%s cannot be listed (%s)", "an input folder" if d == top else "a folder below an input",
                        e.strerror)  # (no name in a log)
            if unlisted is not None:
                unlisted.append((d, e.strerror or type(e).__name__))
            continue
        subdirs = []
        for e in entries:
            if is_ignored(e.name, ignore):
                if skipped is not None and not _is_dir(e):
                    skipped.append(Path(d, e.name))
                continue
            p = Path(d, e.name)
            protect(p, top)
            is_dir = _is_dir(e)
            if not is_dir:
                yield p  # a regular file, or a link / special file that intake reports
            elif not excluded(p):
                if claim is not None and claim(p):
                    yield p
                else:
                    subdirs.append(p)
        stack.extend(reversed(subdirs))


def _is_dir(e: os.DirEntry) -> bool:
    try:
        return e.is_dir(follow_symlinks=False)
    except OSError:
        return False


NOT_REGULAR = "The file is not a regular file (a FIFO, socket or device); it was not read."
LINK = "The file is a symbolic link; ekte does not follow links in an inbox."


def kind(path: Path) -> str:
    """What *path* is, without following a link: ``file``, ``dir``,
    ``link``, ``special`` (FIFO, socket, device) or ``missing``."""
    try:
        m = os.lstat(path).st_mode
    except OSError:
        return "missing"
    return ("file" if stat.S_ISREG(m) else "dir" if stat.S_ISDIR(m) else "link" if stat.S_ISLNK(m)
            else "special")


def open_regular(path: Path, roots: "list[Path] | None" = None) -> int:
    """A read-only descriptor of the regular file *path* — never of a link
    (``O_NOFOLLOW``), a FIFO, socket or device (checked before opening and
    on the opened descriptor; ``O_NONBLOCK``, so nothing blocks).  With
    *roots* (resolved folders or files), the file the kernel opened must lie
    inside one of them: a folder swapped for a link on the way is refused.
    Raises DocumentError (``symlink``, ``unsupported_type``, ``unreadable``)."""
    k = kind(path)
    if k == "link":
        raise DocumentError("symlink", LINK, "intake")
    if k == "special":
        raise DocumentError("unsupported_type", NOT_REGULAR, "intake")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise DocumentError("symlink", LINK, "intake") from None
        if e.errno in (errno.ENXIO, errno.ENODEV):
            raise DocumentError("unsupported_type", NOT_REGULAR, "intake") from None
        raise DocumentError("unreadable", f"The file cannot be read ({e.strerror}).", "intake") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DocumentError("unsupported_type", NOT_REGULAR, "intake")
        if roots:
            real = os.readlink(f"/proc/self/fd/{fd}")
            if not any(real == str(r) or real.startswith(str(r).rstrip("/") + "/") for r in roots):
                raise DocumentError("symlink", "The file lies outside the inbox (a folder on its way is a link); "
                                               "it was not read.", "intake")
    except BaseException:
        os.close(fd)
        raise
    return fd


@dataclass
class Candidate:
    path: Path
    size: int
    sha256: str
    media_type: str | None


#: reasons for which a file is not copied into the quarantine: its size is the problem (the
#: limit must bound the disk a sender can fill); it stays in place (a batch run) or is renamed
#: into the quarantine (the daemon, same file system only)
NOT_COPIED = ("too_large",)


def oversized(path: Path, max_mb: float) -> DocumentError | None:
    """``too_large`` for a regular file over *max_mb*, from its size alone:
    never read, hashed or copied."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size <= int(max_mb * 1024 * 1024):
        return None
    d = 1 if st.st_size < 10 * 1048576 else 0  # rounded up: "1.1 MB, over … (1)", never "1 MB, over … (1)"
    size = math.ceil(st.st_size / 1048576 * 10 ** d) / 10 ** d
    return DocumentError("too_large", f"The file has {size:.{d}f} MB, over intake.max_file_mb "
                                      f"({max_mb:g}); it was not read, hashed or copied.", "intake")


def inspect(path: Path, max_bytes: int | None = None, roots: "list[Path] | None" = None) -> Candidate:
    """Hash and sniff one regular file (reads it once; see :func:`open_regular`)."""
    h = hashlib.sha256()
    size = 0
    head = b""
    fd = open_regular(path, roots)
    try:
        with os.fdopen(fd, "rb") as f:
            while True:
                b = f.read(1 << 20)
                if not b:
                    break
                if not head:
                    head = b[:2048]
                h.update(b)
                size += len(b)
            # office documents are sniffed from the same descriptor: never by opening the name again
            media_type = (sniff(head) or office.sniff(Path(path), head, f)) if head else None
    except OSError as e:
        raise DocumentError("unreadable", f"The file cannot be read ({e.strerror}).", "intake") from None
    return Candidate(Path(path), size, h.hexdigest(), media_type)


def copy_verified(src: Path, dst: Path, sha256: str) -> None:
    """Copy the original into the working folder and make sure the copy is
    the document we hashed (it may have changed since, or been swapped for
    a link or a FIFO: refused)."""
    h = hashlib.sha256()
    with os.fdopen(open_regular(src), "rb") as inp, open(dst, "wb") as out:
        while True:
            b = inp.read(1 << 20)
            if not b:
                break
            h.update(b)
            out.write(b)
    if h.hexdigest() != sha256:
        raise DocumentError("changed_during_read", stage="intake")
