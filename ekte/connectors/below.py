"""Writing below a connector's export folder without following links.

The export folder of a DMS is shared: its importer's account (or anyone
in its group) may create entries there.  A symbolic link planted where
ekte makes its own folders (``_ekte`` of a hot folder, ``<aktenplan>`` of
an Alfresco tree) must not carry ekte's files elsewhere (fresh37 F16).
So below the export folder every folder is opened relative to its parent
(``dir_fd``) with ``O_NOFOLLOW``, made there when missing, and files are
written under a temporary name in that opened folder and renamed within
it.  A link found on the way is an export failure naming it (not
transient: it stays until an admin removes it).  The export folder itself
may be a link (admins link shares): it is followed, as configured.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path, PurePath
from typing import Any, Iterator

from ekte import fsutil
from ekte.connectors.base import ExportError

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


def link_error(root: Path, rel: PurePath) -> ExportError:
    return ExportError(f"{Path(root) / rel} is a symbolic link below the export folder; ekte does not write "
                       "through links (remove it — only the export folder itself may be a link)")


def rel_below(root: Path, path: Path) -> PurePath | None:
    """*path* relative to *root*, or None when it is not below it."""
    try:
        return PurePath(Path(path).relative_to(root))
    except ValueError:
        return None


def _is_link(dfd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dfd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _step(dfd: int, name: str, make: bool, mode: int | None, group: int | None) -> int:
    """Open the folder *name* in the open folder *dfd* without following a
    link (made with *mode*/*group* when missing and *make*)."""
    made = False
    try:
        try:
            return os.open(name, _DIR | os.O_NOFOLLOW, dir_fd=dfd)
        except FileNotFoundError:
            if not make:
                raise
        try:
            os.mkdir(name, 0o700 if mode is not None else 0o777, dir_fd=dfd)
            made = True
        except FileExistsError:
            pass  # made meanwhile by someone else: not ours to change
        fd = os.open(name, _DIR | os.O_NOFOLLOW, dir_fd=dfd)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(dfd, name):
            raise LinkFound(name) from None
        raise
    if made:
        fsutil.set_owner_mode(fd, mode, group)
    return fd


class LinkFound(Exception):
    pass


def open_dir(root: Path, rel: PurePath, *, make: bool, mode: int | None = None, group: int | None = None) -> int:
    """A descriptor of the folder *root*/*rel*, reached without following a
    link below *root*; missing levels are made when *make*."""
    fd = os.open(root, _DIR)
    done = PurePath()
    try:
        for part in rel.parts:
            done /= part
            try:
                nfd = _step(fd, part, make, mode, group)
            except LinkFound:
                raise link_error(root, done) from None
            os.close(fd)
            fd = nfd
    except BaseException:
        os.close(fd)
        raise
    return fd


def check(root: Path, path: Path) -> None:
    """Raise the link error when a level of *path* below *root* (the last
    one included) is a symbolic link; missing levels end the check.  Before
    ekte reads what it wrote there (is it there already?)."""
    rel = rel_below(root, path)
    if rel is None:
        return
    cur, done = Path(root), PurePath()
    for part in rel.parts:
        cur, done = cur / part, done / part
        try:
            st = os.lstat(cur)
        except (FileNotFoundError, NotADirectoryError):
            return
        if stat.S_ISLNK(st.st_mode):
            raise link_error(root, done)


def _tempfile(dfd: int) -> tuple[int, str]:
    prefix = fsutil.tmp_prefix()
    for _ in range(100):
        name = prefix + secrets.token_hex(4)
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                           dir_fd=dfd), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name")


def _renameat2_noreplace(dfd: int, src: str, dst: str) -> None:
    """renameat2(…, RENAME_NOREPLACE) through the C library (glibc 2.28+), for file systems without hard links."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if fn(dfd, os.fsencode(src), dfd, os.fsencode(dst), 1) != 0:  # 1: RENAME_NOREPLACE
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def publish_noreplace(dfd: int, tmp: str, name: str) -> None:
    """Give the written file *tmp* its *name* in the folder *dfd* unless something has that name: then
    FileExistsError, nothing replaced (two writers of one name, fresh43 F3).  A hard link, then the temporary
    name removed (ext4, XFS, NFS, Samba with unix extensions: measured on ext4); where a file system has no
    hard links, renameat2 with RENAME_NOREPLACE (tmpfs, btrfs, ext4 since Linux 3.15); where it has neither
    (a Windows share over CIFS/SMB, FAT: link EPERM, renameat2 EINVAL — review43 F7), the name is looked up and
    the file renamed when it is free: two writers of one name at the same instant may then both succeed, the
    later one's bytes staying."""
    try:
        os.link(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as e:
        if e.errno not in NOT_SUPPORTED + (errno.EPERM, errno.EMLINK):
            raise
        try:
            _renameat2_noreplace(dfd, tmp, name)  # (OSError(EEXIST, …) is a FileExistsError)
        except OSError as e2:
            if e2.errno not in NOT_SUPPORTED + (errno.EINVAL,):
                raise
            _rename_if_free(dfd, tmp, name)
        return
    os.unlink(tmp, dir_fd=dfd)


#: what a file system answers to an operation it does not have (renameat2: EINVAL for a flag it lacks)
NOT_SUPPORTED = (errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS)


def _rename_if_free(dfd: int, tmp: str, name: str) -> None:
    """*tmp* renamed to *name* unless an entry has that name (FileExistsError): a look, then the rename."""
    try:
        os.stat(name, dir_fd=dfd, follow_symlinks=False)
    except FileNotFoundError:
        os.rename(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
        return
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), name)


@contextlib.contextmanager
def writer(root: Path, path: Path, mode: int | None, dir_mode: int | None, group: int | None,
           replace: bool = True) -> Iterator[Any]:
    """An atomic binary writer for *path* below *root*: its folders made or
    opened without following links, the file written under a temporary
    name in that folder, fsynced, given *mode*/*group*, renamed there
    (``replace=False``: linked there, FileExistsError if the name is taken —
    :func:`publish_noreplace`)."""
    rel = rel_below(root, Path(path).parent)
    assert rel is not None, "only below the export folder"
    dfd = open_dir(root, rel, make=True, mode=dir_mode, group=group)
    try:
        fd, tmp = _tempfile(dfd)
        try:
            with os.fdopen(fd, "wb") as f:
                yield f
                f.flush()
                fsutil.set_owner_mode(f.fileno(), mode, group)
                os.fsync(f.fileno())
            if replace:
                os.replace(tmp, Path(path).name, src_dir_fd=dfd, dst_dir_fd=dfd)
            else:
                publish_noreplace(dfd, tmp, Path(path).name)
            os.fsync(dfd)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp, dir_fd=dfd)
            raise
    finally:
        os.close(dfd)
