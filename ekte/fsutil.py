"""Atomic file-system writes: temp file + fsync + rename, for files and
whole directories.  Nothing half-written is ever visible under a final name.

Temporary names carry the writing process's owner token
(``.ekte-tmp-<token>-…``, see :mod:`ekte.owner`): with several ekte
processes on one working directory, :func:`clean_stale_tmp` removes only
what a *dead* process left behind, never another live process's work in
progress.  :func:`move_input` is the one way an input file or package
leaves an inbox."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

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


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[Any]:
    """A binary file object for *path*: written under a temporary name,
    fsynced and renamed on success, removed on failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=tmp_prefix(), dir=path.parent)
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
    tmp = Path(tempfile.mkdtemp(prefix=tmp_prefix(), dir=final.parent))
    try:
        yield tmp
        fsync_tree(tmp)
        if final.exists():
            old = final.with_name(f"{TMP_PREFIX}{OLD_MARK}{tmp_prefix()[len(TMP_PREFIX):]}{final.name}")
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


def clean_stale_tmp(root: Path, is_dead: Callable[[str | None], bool] | None = None) -> int:
    """Remove leftovers of interrupted atomic writes below *root* whose
    writer is dead (``is_dead(owner_token)``, token None for names of older
    releases; default :func:`dead_here`).  An ``old-`` copy whose
    replacement never got in place is restored.  Returns how many were
    cleaned."""
    is_dead = is_dead or dead_here
    n = 0
    if not Path(root).exists():
        return 0
    for dirpath, dirnames, filenames in os.walk(root):
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


def move_input(src: Path, target: Path, sha256: str | None = None) -> Path:
    """THE way an input (a file, or a package folder) leaves an inbox:
    renamed where source and target share a file system, else copied (each
    file atomically), verified and only then removed.  With *sha256* a
    file must still be the document that was read (else :class:`NotMoved`
    and nothing changes).  Returns *target*."""
    src, target = Path(src), Path(target)
    if sha256 is not None and src.is_file() and sha256_file(src) != sha256:
        raise NotMoved("original changed after it was read; not moved")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(src, target)
        fsync_dir(target.parent)
        return target
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
    if src.is_dir():
        pairs = [(f, target / f.relative_to(src)) for f in sorted(src.rglob("*")) if f.is_file()]
    else:
        pairs = [(src, target)]
    for a, b in pairs:
        copy_file(a, b)
        if sha256_file(a) != sha256_file(b):
            raise NotMoved("the copy did not match the original; not moved")
    shutil.rmtree(src) if src.is_dir() else os.unlink(src)
    return target


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
