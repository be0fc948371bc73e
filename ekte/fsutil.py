"""Atomic file-system writes: temp file + fsync + rename, for files and
whole directories.  Nothing half-written is ever visible under a final name.

Temporary names carry the writing process's owner token
(``.ekte-tmp-<token>-…``, see :mod:`ekte.owner`): with several ekte
processes on one working directory, :func:`clean_stale_tmp` removes only
what a *dead* process left behind, never another live process's work in
progress.  :func:`move_input` is the one way an input file or package
leaves an inbox.

The writers take an optional *mode* and *group*: the temporary file (made
0600 by ``mkstemp``) gets them before it is renamed, so the final name
never has other permissions than asked for, whatever the umask."""

from __future__ import annotations

import contextlib
import contextvars
import errno
import functools
import os
import shutil
import struct
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

from ekte import jsontext
from ekte.fstarget import behind_link, free_target, move_input  # noqa: F401 - (their place before; callers name them here)

TMP_PREFIX = ".ekte-tmp-"
OLD_MARK = "old-"


def tmp_prefix() -> str:
    """The prefix of this process's temporary names."""
    from ekte.owner import current

    return f"{TMP_PREFIX}{current().token}-"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def parse_mode(value: Any, directory: bool = False) -> int:
    """A permission mode written as a string of octal digits ("0640",
    "640") → int.  Numbers are refused: 640 in TOML is decimal, and a
    mode must say what it means.  Special bits are refused too; the owner
    must be able to read and write."""
    if not isinstance(value, str):
        raise ValueError('write the mode as a string of octal digits, e.g. "0640"')
    v = value.strip()
    if not (3 <= len(v) <= 4) or any(c not in "01234567" for c in v) or (len(v) == 4 and v[0] != "0"):
        raise ValueError(f'"{value}" is not a mode such as "0640"')
    mode = int(v, 8)
    need = 0o700 if directory else 0o600
    if mode & need != need:
        raise ValueError(f'"{value}": the owner (ekte) must be able to read and write'
                         + (" and enter it" if directory else ""))
    return mode


def set_owner_mode(target: int | str | Path, mode: int | None, group: int | None) -> None:
    """Give a file (descriptor or path) its *group* (-1/None: unchanged)
    and *mode* (None: unchanged); the group first, since a change of group
    may clear mode bits."""
    if group is not None and group >= 0:
        if isinstance(target, int):
            os.fchown(target, -1, group)
        else:
            os.chown(target, -1, group, follow_symlinks=False)
    if mode is not None:
        if isinstance(target, int):
            os.fchmod(target, mode)
        else:
            os.chmod(target, mode)


@contextlib.contextmanager
def atomic_writer(path: Path, mode: int | None = None, group: int | None = None) -> Iterator[Any]:
    """A binary file object for *path*: written under a temporary name,
    fsynced, given *mode*/*group* and renamed on success, removed on failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=tmp_prefix(), dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            set_owner_mode(f.fileno(), mode, group)
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: Path, data: bytes, mode: int | None = None, group: int | None = None) -> None:
    with atomic_writer(path, mode, group) as f:
        f.write(data)


def write_text(path: Path, text: str, mode: int | None = None, group: int | None = None) -> None:
    write_bytes(path, text.encode("utf-8"), mode, group)


def json_text(obj: Any) -> str:
    """ekte's JSON files as written: UTF-8, indented, a final newline (the text of
    ``json.dumps(obj, ensure_ascii=False, indent=2)``, made faster: :mod:`ekte.jsontext`)."""
    return jsontext.dumps(obj) + "\n"


def write_json(path: Path, obj: Any, mode: int | None = None, group: int | None = None) -> None:
    write_text(path, json_text(obj), mode, group)


def copy_file(src: Path, dst: Path, mode: int | None = None, group: int | None = None) -> None:
    """Copy *src* to *dst* atomically, preserving the bytes exactly."""
    with atomic_writer(dst, mode, group) as out, open(src, "rb") as inp:
        shutil.copyfileobj(inp, out, 1 << 20)


def make_dirs(path: Path, mode: int | None = None, group: int | None = None) -> Path:
    """``mkdir -p`` whose newly made levels get *mode*/*group* (whatever
    the umask); levels that exist are left as they are."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir()
        except FileExistsError:
            continue  # made meanwhile by someone else: not ours to change
        set_owner_mode(d, mode, group)
    return path


def fsync_tree(path: Path) -> None:
    for root, _dirs, files in os.walk(path):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(root))


#: local file systems whose syncfs(2) writes back every dirty file and
#: directory of the file system and commits its journal with a cache flush
#: (statfs f_type: ext2/3/4, XFS, Btrfs, F2FS, tmpfs); network and FUSE
#: file systems are not in the list: there each file is fsynced
SYNCFS_TYPES = frozenset({0xEF53, 0x58465342, 0x9123683E, 0xF2F52010, 0x01021994})


@functools.lru_cache(maxsize=1)
def _libc() -> Any:
    import ctypes
    import re

    m = re.match(r"(\d+)\.(\d+)", os.uname().release) if sys.platform.startswith("linux") else None
    if m is None or (int(m[1]), int(m[2])) < (5, 8):
        return None  # syncfs reports write-back errors since Linux 5.8
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        return libc if hasattr(libc, "syncfs") and hasattr(libc, "fstatfs") else None
    except OSError:
        return None


def barrier_fd(path: Path) -> int | None:
    """A descriptor of folder *path* on which :func:`sync_barrier` makes
    everything written below it durable with one syncfs(2), or None where
    that is not known to hold (then each file is fsynced).  Opened before
    the files are written, so that a write-back error after it is reported."""
    libc = _libc()
    if libc is None or os.environ.get("EKTE_FSYNC_EACH"):
        return None
    import ctypes

    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    buf = ctypes.create_string_buffer(256)
    if libc.fstatfs(fd, buf) != 0 or struct.unpack_from("l", buf)[0] not in SYNCFS_TYPES:
        os.close(fd)
        return None
    return fd


def sync_barrier(fd: int) -> None:
    """syncfs(2) on *fd* (from :func:`barrier_fd`): one journal commit for
    every file of a staged folder instead of one fsync per file."""
    import ctypes

    if _libc().syncfs(fd) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def _chmod_tree(root: Path, mode: int | None, dir_mode: int | None, group: int | None) -> None:
    for dirpath, _dirs, files in os.walk(root):
        set_owner_mode(dirpath, dir_mode, group)
        for name in files:
            set_owner_mode(os.path.join(dirpath, name), mode, group)


#: the batch (:class:`ekte.fsbatch.Batch`) that staged folders of this thread join instead of being published at once
DEFERRED: contextvars.ContextVar[Any] = contextvars.ContextVar("ekte_deferred", default=None)


@contextlib.contextmanager
def staged_dir(final: Path, mode: int | None = None, dir_mode: int | None = None,
               group: int | None = None) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success its files get
    *mode*, its folders *dir_mode* (both with *group*), it is fsynced and
    renamed to *final* in one step (or, inside :func:`ekte.fsbatch.deferring`,
    handed to the batch, which does both for all its folders at once).  If
    *final* exists already it is replaced only after the new one is complete."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=tmp_prefix(), dir=final.parent))
    barrier = None
    try:
        barrier = barrier_fd(tmp)
        yield tmp
        if mode is not None or dir_mode is not None or group is not None:
            _chmod_tree(tmp, mode, dir_mode, group)
        if (batch := DEFERRED.get()) is not None:
            batch.add(tmp, final, barrier)  # the batch owns the descriptor now
            barrier = None
            return
        if barrier is not None:
            sync_barrier(barrier)  # the files and folders below tmp, durable before the rename shows them
        else:
            fsync_tree(tmp)
        swap_in(tmp, final)
        fsync_dir(final.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if barrier is not None:
            os.close(barrier)


def swap_in(tmp: Path, final: Path) -> None:
    """Rename the complete folder *tmp* to *final* (an existing *final* moved aside first, then removed)."""
    if not final.exists():
        os.rename(tmp, final)
        return
    old = final.with_name(f"{TMP_PREFIX}{OLD_MARK}{tmp_prefix()[len(TMP_PREFIX):]}{final.name}")
    if old.exists():
        shutil.rmtree(old)
    os.rename(final, old)
    os.rename(tmp, final)
    shutil.rmtree(old)


def tmp_owner(name: str) -> str | None:
    """The owner token in a temporary name, or None for a name an older
    release wrote (``.ekte-tmp-XXXXXXXX``, ``.ekte-tmp-old-NAME``)."""
    from ekte.owner import TOKEN_PARTS, parse_token

    rest = name[len(TMP_PREFIX):]
    if rest.startswith(OLD_MARK):
        rest = rest[len(OLD_MARK):]
    parts = rest.split("-")
    if len(parts) <= TOKEN_PARTS:
        return None
    token = "-".join(parts[:TOKEN_PARTS])
    return token if parse_token(token) else None


def _old_target(name: str, owner: str | None) -> str:
    """The final name an ``old-`` copy belongs to."""
    rest = name[len(TMP_PREFIX) + len(OLD_MARK):]
    return rest[len(owner) + 1:] if owner else rest


def dead_here(token: str | None) -> bool:
    """Is the writer of a temporary name surely dead?  Names of older
    releases: yes (they cannot run beside this one, see ekte.pipeline.session);
    owners on this host: if their process is gone; other hosts: unknown, no."""
    from ekte.owner import token_alive_here

    return token is None or token_alive_here(token) is False


def clean_stale_tmp(root: Path, is_dead: Callable[[str | None], bool] | None = None, depth: int | None = None) -> int:
    """Remove leftovers of interrupted atomic writes below *root* (with *depth*: down to that many levels,
    0 = *root* itself) whose writer is dead (``is_dead(owner_token)``, token None for names of older
    releases; default :func:`dead_here`).  An ``old-`` copy whose replacement never got in place is
    restored.  Returns how many were cleaned."""
    is_dead = is_dead or dead_here
    n = 0
    if not Path(root).exists():
        return 0
    top = os.path.join(os.fspath(root), "")
    for dirpath, dirnames, filenames in os.walk(root):
        if depth is not None and os.path.join(dirpath, "")[len(top):].count(os.sep) >= depth:
            dirnames[:] = [d for d in dirnames if d.startswith(TMP_PREFIX)]  # (its own leftovers, not below)
        for d in list(dirnames):
            if not d.startswith(TMP_PREFIX):
                continue
            dirnames.remove(d)
            owner = tmp_owner(d)
            if not is_dead(owner):
                continue
            full = os.path.join(dirpath, d)
            if d.startswith(TMP_PREFIX + OLD_MARK):
                # a crash in the middle of a replace: if the new one never got
                # in place, the old one is the valid copy -> restore it
                name = os.path.join(dirpath, _old_target(d, owner))
                if not os.path.exists(name):
                    os.rename(full, name)
                    n += 1
                    continue
            shutil.rmtree(full, ignore_errors=True)
            n += 1
        for f in filenames:
            if f.startswith(TMP_PREFIX) and is_dead(tmp_owner(f)):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(dirpath, f))
                n += 1
    return n


class NotMoved(Exception):
    """An input could not be moved; the message says why (no file names)."""


def sha256_bytes(data: bytes) -> str:
    return __import__("hashlib").sha256(data).hexdigest()


def copy_hashed(src: Path, dst: Path, chunk: int = 1 << 20) -> str:
    """Copy *src* to a new file *dst* (not fsynced: for staged folders);
    returns the SHA-256 of the bytes copied, read once."""
    h = __import__("hashlib").sha256()
    with open(src, "rb") as inp, open(dst, "wb") as out:
        while block := inp.read(chunk):
            h.update(block)
            out.write(block)
    return h.hexdigest()


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        while b := f.read(chunk):
            h.update(b)
    return h.hexdigest()
