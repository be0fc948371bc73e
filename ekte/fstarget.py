"""Where an input file goes when it leaves an inbox (``--move``, the
daemon's done and quarantine folders)."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
from pathlib import Path
from typing import Iterator

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


def free_target(src: Path, roots: list[Path], dest_root: Path) -> Path:
    """Where *src* goes below *dest_root*: its path relative to the input
    root it came from, with ``.1``, ``.2`` … added if that name is taken."""
    rel = Path(src.name)
    for r in roots:
        try:
            rel = Path(src).resolve().relative_to(Path(r).resolve()) if Path(r).is_dir() else Path(src.name)
            break
        except ValueError:
            continue
    target = Path(dest_root) / rel
    n = 1
    while target.exists():  # (the stem shortened where ".n" would pass NAME_MAX, 255 bytes: fresh30 G15)
        stem, tail = Path(rel).stem, f".{n}{Path(rel).suffix}"
        target = target.with_name(next(stem[:k] + tail for k in range(len(stem), -1, -1)
                                       if len(os.fsencode(stem[:k] + tail)) <= 255))
        n += 1
    return target


def behind_link(src: Path, roots: list[Path]) -> bool:
    """True when a folder between *src* and the input root it lies in is a link, or it lies in no root
    (paths compared as given, made absolute): renaming or removing *src* would act on what the link points
    at, anywhere on the disk (fresh41 F6: a folder moved into a watched inbox held a link to ``/etc``).
    A root named as a file is its own place."""
    p = Path(os.path.abspath(src))
    tops = [Path(os.path.abspath(r)) for r in roots]
    if p in tops:
        return False
    folder = p.parent
    while folder not in tops:
        if folder == folder.parent or os.path.islink(folder):
            return True
        folder = folder.parent
    return False


def prune_emptied(src: Path, roots: list[Path]) -> None:
    """``ingest --move``: the sub-folders of *src*'s input root that its move left empty go too (often named
    after a person: ``in/Weber_Hannah/``): never the root, never a folder that holds anything (``rmdir``), never
    through a link (paths compared as given, a link is not a directory to ``rmdir``)."""
    from ekte.evidence.retention_files import prune_empty_parents  # (what retention prunes the same way)

    prune_empty_parents(Path(os.path.abspath(src)), [Path(os.path.abspath(r)) for r in roots])


@contextlib.contextmanager
def opened_parent(src: Path, roots: list[Path] | None) -> Iterator[int | None]:
    """The folder holding *src*, opened from the input root it lies in one folder at a time without following
    a link (``O_NOFOLLOW``), for a rename or removal relative to it: a folder swapped for a link after
    :func:`behind_link` looked cannot carry the move elsewhere (review41 R6).  The root itself is opened as
    given (an admin may link an inbox).  None without *roots*, or when *src* is a root named as a file.
    :class:`ekte.fsutil.NotMoved` when a folder on the way is a link (or gone)."""
    from ekte.fsutil import NotMoved

    p = Path(os.path.abspath(src))
    tops = [Path(os.path.abspath(r)) for r in roots or ()]
    top = next((t for t in tops if t in p.parents), None)
    if top is None:
        if roots and p not in tops:
            raise NotMoved("original not moved: it lies in no input folder")
        yield None
        return
    fd = os.open(top, _DIR)
    try:
        for part in p.parent.relative_to(top).parts:
            try:
                nfd = os.open(part, _DIR | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as e:
                if e.errno in (errno.ELOOP, errno.ENOTDIR, errno.ENOENT):
                    raise NotMoved("original not moved: a folder on its way is a link (outside the input)") from None
                raise
            os.close(fd)
            fd = nfd
        yield fd
    finally:
        os.close(fd)


def _sha256_at(fd: int | None, src: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    opened = os.open(src.name if fd is not None else src, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW, dir_fd=fd)
    with os.fdopen(opened, "rb") as f:
        while b := f.read(1 << 20):
            h.update(b)
    return h.hexdigest()


def remove_input(src: Path, roots: list[Path] | None = None) -> None:
    """Remove an input file (or package folder) from its inbox, relative to its folder opened as
    :func:`opened_parent` does: never through a link that replaced a folder on its way."""
    with opened_parent(src, roots) as fd:
        name = Path(src).name if fd is not None else src
        if os.path.isdir(src) and not os.path.islink(src):
            shutil.rmtree(name, dir_fd=fd)
        else:
            os.unlink(name, dir_fd=fd)


def move_input(src: Path, target: Path, sha256: str | None = None, roots: list[Path] | None = None) -> Path:
    """THE way an input (a file, or a package folder) leaves an inbox:
    renamed where source and target share a file system, else copied (each
    file atomically), verified and only then removed.  With *sha256* a
    file must still be the document that was read (else :class:`NotMoved`
    and nothing changes).  With *roots* (the input folders) the rename and
    removal act in the folder opened by :func:`opened_parent`.  Returns *target*."""
    from ekte.fsutil import NotMoved, fsync_dir

    src, target = Path(src), Path(target)
    with opened_parent(src, roots) as fd:
        name = src.name if fd is not None else src
        if sha256 is not None and src.is_file() and _sha256_at(fd, src) != sha256:
            raise NotMoved("original changed after it was read; not moved")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(name, target, src_dir_fd=fd)
            fsync_dir(target.parent)
            return target
        except OSError as e:
            if e.errno != errno.EXDEV:
                raise
        is_dir = os.path.isdir(src) and not os.path.islink(src)
        top = os.open(name, _DIR | os.O_NOFOLLOW, dir_fd=fd) if is_dir else None
        try:
            copied = _copy_package(top, target) if top is not None else _copy_file(fd, name, target, sha256)
            try:
                shutil.rmtree(name, dir_fd=fd) if is_dir else os.unlink(name, dir_fd=fd)
            except OSError as e:  # the inbox read-only (a share): no copy left while the original is whole (H5)
                here = f"/proc/self/fd/{top}" if top is not None else os.path.dirname(os.path.abspath(src))
                if all(os.path.lexists(os.path.join(here, c)) for c in copied):
                    shutil.rmtree(target, ignore_errors=True) if is_dir else os.unlink(target)
                e.in_inbox = True  # (the inbox's failure, not the target's: ``ekte status`` names it)
                raise
        finally:
            if top is not None:
                os.close(top)
        return target


def _copy_file(fd: int | None, name: "Path | str", target: Path, sha256: str | None) -> list[str]:
    """Copy the input file *name* (in the folder *fd*) from the descriptor it is opened as: a folder swapped
    since cannot change what is copied; the copy checked against *sha256* (or the original's bytes)."""
    from ekte.fsutil import NotMoved, copy_file, sha256_file

    sfd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
    try:
        copy_file(Path(f"/proc/self/fd/{sfd}"), target)
        if sha256_file(target) != (sha256 if sha256 is not None else sha256_file(Path(f"/proc/self/fd/{sfd}"))):
            os.unlink(target)
            raise NotMoved("the copy did not match the original; not moved")
    finally:
        os.close(sfd)
    return [Path(name).name]


def _copy_package(top: int, target: Path) -> list[str]:
    """Copy the package folder opened as *top* to *target*, walked through descriptors without following a
    link (review42 R5 for folders too): a link inside it — to a file or a folder — is copied as a link (never
    what it points at), an empty folder as one, a FIFO or device is left out, each file is copied from the
    descriptor it was opened as and checked against it.  Returns the entries copied (relative to the package)."""
    from ekte.fsutil import NotMoved, copy_file, sha256_file

    copied: list[str] = []
    try:
        for rel, dirs, files, dfd in os.fwalk(".", dir_fd=top, follow_symlinks=False):
            (target / rel).mkdir(parents=True, exist_ok=True)  # (an empty folder too: review43 F6)
            links = [d for d in dirs if stat.S_ISLNK(os.stat(d, dir_fd=dfd, follow_symlinks=False).st_mode)]
            dirs[:] = [d for d in dirs if d not in links]
            for f in sorted(files + links):
                dest = target / rel / f
                dest.parent.mkdir(parents=True, exist_ok=True)
                if stat.S_ISLNK(os.stat(f, dir_fd=dfd, follow_symlinks=False).st_mode):
                    os.symlink(os.readlink(f, dir_fd=dfd), dest)
                else:
                    sfd = os.open(f, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dfd)
                    try:
                        if not stat.S_ISREG(os.fstat(sfd).st_mode):
                            continue  # a FIFO or device: not copied
                        copy_file(Path(f"/proc/self/fd/{sfd}"), dest)
                        if sha256_file(dest) != sha256_file(Path(f"/proc/self/fd/{sfd}")):
                            raise NotMoved("the copy did not match the original; not moved")
                    finally:
                        os.close(sfd)
                copied.append(os.path.normpath(os.path.join(rel, f)))
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return copied
