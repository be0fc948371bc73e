"""Atomic file-system writes: temp file + fsync + rename, for files and
whole directories.  Nothing half-written is ever visible under a final name.

The writers take an optional *mode* and *group*: the temporary file (made
0600 by ``mkstemp``) gets them before it is renamed, so the final name
never has other permissions than asked for, whatever the umask."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

TMP_PREFIX = ".ekte-tmp-"


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
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
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


def write_json(path: Path, obj: Any, mode: int | None = None, group: int | None = None) -> None:
    write_text(path, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n", mode, group)


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


def _chmod_tree(root: Path, mode: int | None, dir_mode: int | None, group: int | None) -> None:
    for dirpath, _dirs, files in os.walk(root):
        set_owner_mode(dirpath, dir_mode, group)
        for name in files:
            set_owner_mode(os.path.join(dirpath, name), mode, group)


@contextlib.contextmanager
def staged_dir(final: Path, mode: int | None = None, dir_mode: int | None = None,
               group: int | None = None) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success its files get
    *mode*, its folders *dir_mode* (both with *group*), it is fsynced and
    renamed to *final* in one step.  If *final* exists already it is
    replaced only after the new one is complete."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=final.parent))
    try:
        yield tmp
        if mode is not None or dir_mode is not None or group is not None:
            _chmod_tree(tmp, mode, dir_mode, group)
        fsync_tree(tmp)
        if final.exists():
            old = final.with_name(TMP_PREFIX + "old-" + final.name)
            if old.exists():
                shutil.rmtree(old)
            os.rename(final, old)
            os.rename(tmp, final)
            shutil.rmtree(old)
        else:
            os.rename(tmp, final)
        fsync_dir(final.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def clean_stale_tmp(root: Path) -> int:
    """Remove leftovers of interrupted atomic writes below *root*.
    Returns how many were removed."""
    n = 0
    if not Path(root).exists():
        return 0
    for dirpath, dirnames, filenames in os.walk(root):
        for d in list(dirnames):
            if d.startswith(TMP_PREFIX + "old-"):
                # A crash in the middle of a replace: the new one never got
                # in place, so the old one is the valid copy -> restore it.
                name = d[len(TMP_PREFIX + "old-"):]
                if not os.path.exists(os.path.join(dirpath, name)):
                    os.rename(os.path.join(dirpath, d), os.path.join(dirpath, name))
                else:
                    shutil.rmtree(os.path.join(dirpath, d), ignore_errors=True)
                dirnames.remove(d)
                n += 1
            elif d.startswith(TMP_PREFIX):
                shutil.rmtree(os.path.join(dirpath, d), ignore_errors=True)
                dirnames.remove(d)
                n += 1
        for f in filenames:
            if f.startswith(TMP_PREFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(dirpath, f))
                n += 1
    return n


def sha256_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(chunk)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


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
    while target.exists():
        target = target.with_name(f"{Path(rel).stem}.{n}{Path(rel).suffix}")
        n += 1
    return target
