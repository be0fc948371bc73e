"""The connector interface: every export target implements it.

A connector gets the archived document (its metadata and the archive
folder) and puts it somewhere.  It must be idempotent (a second export of
the same document creates nothing new and says so) and atomic as seen by
the receiving system."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

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


class Connector:
    name: ClassVar[str] = ""
    #: keys this connector accepts in ``[connectors.<name>]``
    settings: ClassVar[dict[str, Any]] = {}

    def __init__(self, config: dict[str, Any], workdir: Path, profile: "Profile"):
        unknown = set(config) - set(self.settings)
        if unknown:
            from ekte.errors import ConfigError

            for k in sorted(unknown):
                if k in ("password", "token", "secret", "api_key", "client_secret"):
                    raise ConfigError(
                        f"connectors.{self.name}.{k}: secrets are not read from profiles; set {k}_env "
                        f"(an environment variable) or {k}_file (a file only you can read)")
            raise ConfigError(f"connectors.{self.name}: unknown key(s): {', '.join(sorted(unknown))}")
        self.config = {**self.settings, **config}
        self.workdir = Path(workdir)
        self.profile = profile

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
