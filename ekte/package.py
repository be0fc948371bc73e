"""Containers from other systems (xdomea ZIPs, portal packages), read
safely: a ZIP file or an unpacked folder whose members must be plain
names, within a size limit, a compression ratio and optionally a member
count.  Violations raise :class:`ekte.errors.DocumentError` with the codes
``bad_message`` (not a readable ZIP), ``unsafe_package`` and
``missing_file``."""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

from ekte.errors import DocumentError
from ekte.stages.intake import kind, open_regular


def plain_name(name: str) -> bool:
    """A member name without any path: no separators, no dot-dot, no NUL."""
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..") and "\0" not in name


class Package:
    def __init__(self, path: Path, max_bytes: int, *, max_members: int | None = None, max_ratio: float = 200):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.zip: zipfile.ZipFile | None = None
        if kind(self.path) == "dir":
            # links and special files are listed, so that reading one says what it is (never followed)
            self.names = sorted(p.name for p in self.path.iterdir() if kind(p) in ("file", "link", "special"))
            if max_members is not None and len(self.names) > max_members:
                raise DocumentError("unsafe_package", "the package has too many files")
            return
        try:
            self.zip = zipfile.ZipFile(os.fdopen(open_regular(self.path), "rb"))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
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
            try:
                with self.zip.open(name) as f:
                    data = f.read(limit + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError, OSError):
                raise DocumentError("bad_message", "a member of the package cannot be read (damaged, encrypted "
                                                   "or compressed with an unknown method)") from None
        else:  # a member of a package folder: a regular file inside it, never a link
            with os.fdopen(open_regular(self.path / name, [Path(os.path.realpath(self.path))]), "rb") as f:
                data = f.read(limit + 1)
        if len(data) > limit:
            raise DocumentError("unsafe_package", "a file of the package exceeds the size limit")
        return data
