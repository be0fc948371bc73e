"""Containers from other systems (xdomea ZIPs, portal packages), read
safely: a ZIP file or an unpacked folder whose members must be plain
names, within a size limit, a compression ratio and optionally a member
count.  Violations raise :class:`ekte.errors.DocumentError` with the codes
``bad_message`` (not a readable ZIP), ``unsafe_package`` and
``missing_file``."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ekte.errors import DocumentError


def plain_name(name: str) -> bool:
    """A member name without any path: no separators, no dot-dot, no NUL."""
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..") and "\0" not in name


class Package:
    def __init__(self, path: Path, max_bytes: int, *, max_members: int | None = None, max_ratio: float = 200):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.zip: zipfile.ZipFile | None = None
        if self.path.is_dir():
            self.names = sorted(p.name for p in self.path.iterdir() if p.is_file())
            if max_members is not None and len(self.names) > max_members:
                raise DocumentError("unsafe_package", "the package has too many files")
            return
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError):
            raise DocumentError("bad_message", "the package is not a readable ZIP file") from None
        infos = [i for i in self.zip.infolist() if not i.is_dir()]
        if max_members is not None and len(infos) > max_members:
            raise DocumentError("unsafe_package", "the package has too many files")
        for i in infos:
            if not plain_name(i.filename):
                raise DocumentError("unsafe_package", "a member of the package has a path (refused)")
            if i.file_size > max_bytes:
                raise DocumentError("unsafe_package", "a member of the package exceeds the size limit")
            if i.compress_size and i.file_size > (1 << 20) and i.file_size / i.compress_size > max_ratio:
                raise DocumentError("unsafe_package", "a member of the package has an absurd compression ratio")
        self.names = [i.filename for i in infos]

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str, limit: int | None = None) -> bytes:
        """The bytes of member *name*, at most *limit* (default: the size limit)."""
        limit = limit or self.max_bytes
        if not plain_name(name) or name not in self.names:
            raise DocumentError("missing_file", "a file named by the package's metadata is not in the package")
        if self.zip is not None:
            with self.zip.open(name) as f:
                data = f.read(limit + 1)
        else:
            with open(self.path / name, "rb") as f:
                data = f.read(limit + 1)
        if len(data) > limit:
            raise DocumentError("unsafe_package", "a file of the package exceeds the size limit")
        return data
