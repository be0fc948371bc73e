"""Atomic file-system writes: temp file + fsync + rename, for files and
whole directories.  Nothing half-written is ever visible under a final name."""

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


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[Any]:
    """A binary file object for *path*: written under a temporary name,
    fsynced and renamed on success, removed on failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_writer(path) as f:
        f.write(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, obj: Any) -> None:
    write_text(path, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def copy_file(src: Path, dst: Path) -> None:
    """Copy *src* to *dst* atomically, preserving the bytes exactly."""
    with atomic_writer(dst) as out, open(src, "rb") as inp:
        shutil.copyfileobj(inp, out, 1 << 20)


def fsync_tree(path: Path) -> None:
    for root, _dirs, files in os.walk(path):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(root))


@contextlib.contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success it is fsynced and
    renamed to *final* in one step.  If *final* exists already it is
    replaced only after the new one is complete."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=final.parent))
    try:
        yield tmp
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
