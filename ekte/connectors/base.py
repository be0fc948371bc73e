"""The connector interface: every export target implements it.

A connector gets the archived document (its metadata and the archive
folder) and puts it somewhere.  It must be idempotent (a second export of
the same document creates nothing new and says so) and atomic as seen by
the receiving system.

A connector that writes files (one with a ``path`` setting) also accepts
``file_mode`` and ``dir_mode`` (octal strings; default: the profile's
``export.file_mode`` 0640 and ``export.dir_mode`` 0750) and writes through
:meth:`Connector.write_bytes`, :meth:`Connector.copy_file`,
:meth:`Connector.writer`, :meth:`Connector.staged_dir` and
:meth:`Connector.make_dirs`: every file and folder it makes gets that mode
and the group of the export folder, so a DMS importer running as another
user of that group can read it.  Below the export folder no symbolic link
is followed (:mod:`ekte.connectors.below`)."""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, ContextManager

from ekte import fsutil

log = logging.getLogger(__name__)

#: settings every connector that writes files accepts besides its own
FILE_SETTINGS: dict[str, Any] = {"file_mode": "", "dir_mode": ""}

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile


@dataclass
class ExportResult:
    location: str
    already: bool = False  # True: it was there already, nothing new created
    note: str = ""  # recorded in the journal with the export event


class ExportError(Exception):
    """An export failed; ``transient`` ones may succeed when retried."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


def inside(path: Path, folder: Path) -> bool:
    """Whether *path* is ekte's own place: *folder* or below it by its
    name (".." taken out) with no symbolic link on the way — a link there
    leads to a share, whose folder is never made."""
    p, f = Path(os.path.abspath(path)), Path(os.path.abspath(folder))
    if p != f and f not in p.parents:
        return False
    while p != f:
        if p.is_symlink():
            return False
        p = p.parent
    return True


def _may_give_group(folder: Path, gid: int) -> bool:
    """Can this process give a file in *folder* the group *gid*?  (A member
    of the group can; so can root.)  Tried on a temporary file."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=fsutil.TMP_PREFIX, dir=folder)
    try:
        os.fchown(fd, -1, gid)
        return True
    except PermissionError:
        return False
    finally:
        os.close(fd)
        os.unlink(tmp)


class Connector:
    name: ClassVar[str] = ""
    #: keys this connector accepts in ``[connectors.<name>]``
    settings: ClassVar[dict[str, Any]] = {}
    #: True (set on the class itself, not inherited): its ``staged_dir`` folders may be published with the
    #: coordinator's batch, after ``export`` returned (ekte.fsbatch); otherwise each is under its final name
    #: when the ``with`` block ends
    publish_per_batch: ClassVar[bool] = False
    #: set by the pipeline before each export: True under ``ekte export --force`` (re-delivery asked for); a
    #: connector that remembers what it handed over (komxwork's ledger) writes the document again only then
    forced: bool = False

    def __init__(self, config: dict[str, Any], workdir: Path, profile: "Profile"):
        self.config = self.checked(config, profile)
        # absolute: the journal records export locations from it (fresh29 F11: a relative -w recorded
        # "wd/hot/…", which retention delete then looked for below the working directory)
        self.workdir = Path(os.path.abspath(workdir))
        self.profile = profile
        self.file_mode = self.dir_mode = None
        self.group: int | None = None
        self._cleaned = False
        from ekte.connectors.breaker import Breaker

        self._missing = Breaker(self.name, kind="failures")
        if self.writes_files:
            self.file_mode = self._mode(self.config, "file_mode", profile.export.file_mode, False)
            self.dir_mode = self._mode(self.config, "dir_mode", profile.export.dir_mode, True)

    @classmethod
    def checked(cls, config: dict[str, Any], profile: "Profile") -> dict[str, Any]:
        """``[connectors.<name>]`` over the connector's defaults, refused
        (ConfigError) as every export refuses it: an unknown key (with the
        closest known one), a secret written into the profile, a file mode,
        and what the connector's own :meth:`check` refuses.  Reads and makes
        nothing: ``ekte profiles check`` asks it too (:func:`settings_errors`)."""
        from ekte.errors import ConfigError

        files = "path" in cls.settings
        own = {**(FILE_SETTINGS if files else {}), **cls.settings}
        for k in sorted(set(config) - set(own)):
            if k in ("password", "token", "secret", "api_key", "client_secret"):
                raise ConfigError(
                    f"connectors.{cls.name}.{k}: secrets are not read from profiles; set {k}_env "
                    f"(an environment variable) or {k}_file (a file only you can read)")
        unknown = sorted(set(config) - set(own))
        if unknown:
            import difflib

            near = next((m[0] for b in unknown if (m := difflib.get_close_matches(b, list(own), n=1, cutoff=0.6))),
                        None)
            raise ConfigError(f"connectors.{cls.name}: unknown key(s): {', '.join(unknown)}"
                              + (f" (did you mean {near}?)" if near else ""))
        cfg = {**own, **config}
        if files:
            cls._mode(cfg, "file_mode", profile.export.file_mode, False)
            cls._mode(cfg, "dir_mode", profile.export.dir_mode, True)
        cls.check(cfg)
        return cfg

    @classmethod
    def check(cls, config: dict[str, Any]) -> None:
        """The connector's own rules for its settings (*config*: with the
        defaults filled in): raise ConfigError naming the key.  Pure."""

    @property
    def writes_files(self) -> bool:
        return "path" in self.settings

    @classmethod
    def _mode(cls, config: dict[str, Any], key: str, default: str, directory: bool) -> int:
        from ekte.errors import ConfigError

        try:
            return fsutil.parse_mode(config.get(key) or default, directory)
        except ValueError as e:
            raise ConfigError(f"connectors.{cls.name}.{key}: {e}") from None

    def default_root(self) -> Path:
        return self.workdir / "export" / self.name

    def root(self) -> Path | None:
        """The output folder of a connector that writes files (one with a
        ``path`` setting; relative paths are below the working directory),
        else None."""
        if "path" not in self.settings:
            return None
        p = self.config.get("path")
        if not p:
            return self.default_root()
        return Path(p) if Path(p).is_absolute() else self.workdir / p

    # -- writing files: modes and group of the export folder
    def prepare_root(self) -> Path:
        """The output folder; files written below it take its group when
        ekte's user may give it.  A configured ``path`` must exist (a DMS
        share that is not mounted must not become a local folder, fresh37
        F4): missing, it is a transient failure (retried, then the
        connector pauses like a CMIS server that does not answer); a folder
        inside the working directory (the default, or a relative ``path``
        such as the stadt profile's) is ekte's own and made.  The first
        call removes what dead ekte processes left half-written there."""
        root = self.root()
        assert root is not None, "only for connectors that write files"
        if self.config.get("path") and not inside(root, self.workdir):
            self.require_dir(root, "path")
        elif not root.is_dir():
            # made by ekte: with the group of the folder it is made in, as a setgid folder would
            parent = next(p for p in root.parents if p.exists())
            pgid = parent.stat().st_gid
            fsutil.make_dirs(root, self.dir_mode, pgid if pgid == os.getegid() or _may_give_group(parent, pgid) else None)
        gid = root.stat().st_gid
        if self.group is None or (self.group >= 0 and self.group != gid):
            if gid == os.getegid() or _may_give_group(root, gid):
                self.group = gid
            else:
                log.warning("connector %s: ekte's user may not give files the export folder's group (gid %d); "
                            "exported files keep the user's group", self.name, gid)
                self.group = -1
        if not self._cleaned:  # half-written files of a killed run (fresh37 F17): only dead writers' ones
            self._cleaned = True
            if sum(fsutil.clean_stale_tmp(place, depth=depth) for place, depth in self.written_places()):
                log.info("connector %s: removed leftovers of interrupted writes in its export folder", self.name)
        return root

    def require_dir(self, folder: Path, key: str, what: str = "export folder") -> None:
        """A configured folder outside the working directory (*key* names the setting) must exist, never
        made: missing, a transient failure from the connector's breaker (retried, then paused).  The folder
        is looked at before every export, paused or not (a stat costs nothing): the export that finds it back
        delivers (CI: a daemon paused for 300 s did not deliver to a share mounted again)."""
        try:
            why = "" if stat.S_ISDIR(os.stat(folder).st_mode) else "is not a folder"
        except NotADirectoryError:
            why = "cannot be reached: a part of its path is a file, not a folder"
        except FileNotFoundError:  # (missing, or a link to a missing place)
            why = "does not exist (share not mounted?)"
        except OSError as e:
            why = f"cannot be reached ({e.strerror or e})"
        if why:
            msg = f"{what} {folder} {why} — create it or fix connectors.{self.name}.{key}"
            if self._missing.open_until is not None:  # paused: at once, without retries and their back-off
                raise ExportError(f"{msg}; connector {self.name} paused after {self._missing.in_a_row} failures "
                                  "in a row (no retries until the folder is back; looked at again with each export)")
            raise self._missing.failed(msg)
        self._missing.answered()

    def written_places(self) -> list[tuple[Path, int]]:
        """The folders this connector writes files in, each with how many
        levels below it it writes (0: in the folder itself): where dead
        writers' leftovers are looked for — not a DMS's whole tree below."""
        root = self.root()
        return [] if root is None else [(root, 0)]

    # Below the export folder nothing follows a symbolic link (fresh37 F16, ekte.connectors.below); a path
    # outside it (komxwork's absolute meta_folder) is written as given.
    def make_dirs(self, path: Path) -> Path:
        from ekte.connectors import below

        rel = below.rel_below(self.root(), path)
        if rel is None:
            return fsutil.make_dirs(path, self.dir_mode, self.group)
        os.close(below.open_dir(self.root(), rel, make=True, mode=self.dir_mode, group=self.group))
        return path

    def check_below(self, *paths: Path) -> None:
        """Raise the export failure naming a symbolic link on the way to
        any of *paths* below the export folder (before reading them)."""
        from ekte.connectors import below

        for p in paths:
            below.check(self.root(), p)

    def writer(self, path: Path) -> ContextManager[Any]:
        """An atomic binary writer for *path* with the export mode and group."""
        from ekte.connectors import below

        if below.rel_below(self.root(), Path(path).parent) is None:
            self.make_dirs(Path(path).parent)
            return fsutil.atomic_writer(path, self.file_mode, self.group)
        return below.writer(self.root(), Path(path), self.file_mode, self.dir_mode, self.group)

    def write_bytes(self, path: Path, data: bytes) -> None:
        with self.writer(path) as f:
            f.write(data)

    def copy_file(self, src: Path, dst: Path, replace: bool = True) -> None:
        """*src* copied to *dst* (``replace=False``: FileExistsError if *dst* exists, below the export folder
        only — nothing is replaced, :func:`ekte.connectors.below.publish_noreplace`)."""
        import shutil

        from ekte.connectors import below

        if not replace:
            assert below.rel_below(self.root(), Path(dst).parent) is not None, "only below the export folder"
            ctx = below.writer(self.root(), Path(dst), self.file_mode, self.dir_mode, self.group, replace=False)
        else:
            ctx = self.writer(dst)
        with ctx as out, open(src, "rb") as inp:
            shutil.copyfileobj(inp, out, 1 << 20)

    def staged_dir(self, final: Path) -> ContextManager[Path]:
        self.make_dirs(Path(final).parent)
        self.check_below(final)
        return fsutil.staged_dir(final, self.file_mode, self.dir_mode, self.group)

    @classmethod
    def export_files(cls, location: Path) -> list[Path]:
        """Every file (or folder) that makes up the export recorded at
        *location* — what ``ekte retention delete`` removes of it."""
        return [Path(location)]

    @classmethod
    def forget(cls, workdir: Path, sha256: str, location: Path) -> dict[str, list[Any]] | None:
        """The export at *location* was removed (``ekte retention delete``):
        forget what the connector remembers of it, so that the document, if
        it is ever exported again, is written again.  May return what else it
        did: ``{"removed": [Path], "changed": [Path], "kept": [note]}`` (files
        that named the document removed or written again without it, and
        what still names it, with why)."""
        return None

    def export(self, doc: "Document", archive_dir: Path) -> ExportResult:  # pragma: no cover - interface
        raise NotImplementedError

    def group_key(self, doc: "Document") -> str | None:
        """Documents with the same key are exported together through
        :meth:`export_group` (e.g. one xdomea Vorgang per application);
        None (the default) exports the document on its own."""
        return None

    def export_group(self, items: "list[tuple[Document, Path]]") -> ExportResult:  # pragma: no cover
        raise NotImplementedError

    def close(self) -> None:
        pass


def settings_errors(profile: "Profile") -> list[str]:
    """What an export would refuse of *profile*'s connector settings, one
    line each: every connector it names in ``export.connectors`` or has a
    ``[connectors.<name>]`` table for, as :meth:`Connector.checked` judges
    it (connectors no plugin provides here are left to the export)."""
    from ekte.errors import ConfigError
    from ekte.plugins import build_manager, connectors

    available = connectors(build_manager()[0])
    errors = []
    for name in dict.fromkeys([*profile.export.connectors, *profile.connectors]):
        if name in available:
            try:
                available[name].checked(dict(profile.connectors.get(name) or {}), profile)
            except ConfigError as e:
                errors += str(e).splitlines()
            except (TypeError, AttributeError, ValueError) as e:  # a table where text belongs, …
                errors.append(f"connectors.{name}: a setting has the wrong kind of value ({type(e).__name__})")
    return errors
