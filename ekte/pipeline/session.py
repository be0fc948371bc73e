"""A session: one process's view of a working directory — the profile, the
journal, the plugins, intake sources and connectors, the OCR parameters —
and its own scratch folder.

Any number of sessions (processes) may have one working directory open at
the same time; they coordinate through the journal's claims.  Opening a
session registers the process, removes only what *dead* processes left
behind (their scratch folders and half-written temporary files), and
migrates the journal if an older release wrote it."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from ekte import fsutil
from ekte import owner as owners
from ekte import workdirs
from ekte.errors import ConfigError, EkteError, environment_failure
from ekte.journal import JOURNAL_FILE, Journal, NewerSchema
from ekte.pipeline.executor import LocalExecutor
from ekte.pipeline.sweep import Sweeper
from ekte.pipeline.tasks import WorkerSetup
from ekte.plugins import build_manager, call_list, connectors as registered_connectors, installed
from ekte.profile import Profile
from ekte.stages import tools
from ekte.stages.ocr import OcrParams

log = logging.getLogger("ekte")

SUBDIRS = ("archive", "export", "quarantine", "review", "tmp")
LEGACY_LOCK = ".lock"


def process_command() -> str:
    """What this process is, for other processes' messages: ``ekte watch``, …"""
    import sys

    words = [a for a in sys.argv[1:3] if not a.startswith("-")][:2]
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if words and words[0] in ("review", "profiles", "plugins") and len(words) > 1:
        return f"ekte {words[0]} {words[1]}"
    return f"ekte {words[0]}" if name in ("ekte", "__main__.py") and words else name


def default_workdir() -> Path:
    return Path(os.environ.get("EKTE_HOME") or "ekte-data")


class Session:
    """Profile, working directory, journal, plugins and connectors of one
    process.  Use as a context manager (``open``/``close``)."""

    def __init__(self, profile: Profile, workdir: Path | str | None = None, *, jobs: int | None = None,
                 connectors: list[str] | None = None, plugins: list[str] | None = None,
                 archives: bool = True, create: bool = True) -> None:
        self.profile = profile
        #: whether this process may archive (then its seal and time-stamp settings are checked at open)
        self.archives = archives
        self.workdir = Path(workdir) if workdir else default_workdir()
        #: may opening make the working directory (ingest, watch)?  Other commands need an existing one.
        self.create = create
        j = jobs if jobs is not None else profile.ocr.jobs
        self.jobs = j if j and j > 0 else (os.cpu_count() or 1)
        self.plugin_modules = list(plugins or [])
        self.entry_points = installed()  # (also a local worker's: ``worker_setup``)
        self.pm, self.plugin_infos = build_manager(self.plugin_modules, describe=False, found=self.entry_points)
        self.params = OcrParams.from_profile(profile)
        self.sources = call_list(self.pm, "ekte_intake_sources")
        for src in self.sources:
            if hasattr(src, "configure"):
                src.configure(profile, self.workdir)
        self.connectors = self._connectors(connectors)
        #: connectors named by the caller (-c): then only those are asked, else also those a document is owed
        self.chosen = bool(connectors)
        self._owed_connectors: dict[str, Any] = {}
        self._gone: set[str] = set()  # owed connectors gone from the profile (not asked, see connectors_for)
        self.journal: Journal | None = None
        self.batch: Any = None  # the coordinator's batch of export folders published together (ekte.fsbatch)
        self.scratch: Path | None = None
        self.sweeper: Sweeper | None = None
        self._lockfd: int | None = None
        #: export groups this process could not deliver in this run (not retried before the next)
        self.failed_groups: set[int] = set()
        #: documents of this run waiting for their export group, by SHA-256 (their results get the export)
        self.waiting: dict[str, Any] = {}
        #: of those, documents another run archived (this one resumed their export): see ``delivery.disown``
        self.adopted: dict[str, Any] = {}
        #: connectors whose export folder failed (full, not writable) in this run: not asked again until the next
        self.connectors_down: dict[str, Any] = {}
        self._umask: int | None = None

    def _connectors(self, names: list[str] | None) -> list[Any]:
        names = names if names else list(self.profile.export.connectors)
        available = registered_connectors(self.pm)
        out = []
        for n in dict.fromkeys(names):
            if n not in available:
                raise ConfigError(f"unknown connector '{n}' (available: {', '.join(sorted(available))})")
            out.append(available[n](dict(self.profile.connectors.get(n, {})), self.workdir, self.profile))
        return out

    def connectors_for(self, owed: dict[str, str]) -> list[Any]:
        """The session's connectors, and (unless the caller chose them) those of *owed* (connector → its last
        failure, :meth:`ekte.journal.Journal.owed`) the session has not: a failed delivery is asked again.
        One the profile no longer names (nor configures), or no plugin provides, is left owed (its name is not
        in the list), with a warning saying how to drop the debt (``ekte journal forget-owed``)."""
        have = {c.name for c in self.connectors}
        more = [] if self.chosen else [n for n in owed if n not in have]
        new = [n for n in more if n not in self._owed_connectors]
        available = registered_connectors(self.pm) if new else {}
        for n in new:
            self._owed_connectors[n] = None  # (one not available any more stays owed)
            if n not in available or (n not in self.profile.export.connectors and n not in self.profile.connectors):
                self._gone.add(n)
                log.warning("documents are still owed to connector %s, which %s: `ekte export --all -c %s` delivers "
                            "them, `ekte journal forget-owed %s` drops that debt", n, "the profile no longer names" if
                            n in available else "is not available (its plugin not loaded?)", n, n)
            else:
                try:
                    self._owed_connectors[n] = available[n](dict(self.profile.connectors.get(n, {})), self.workdir,
                                                            self.profile)
                except ConfigError as e:  # its set-up is wrong (now): it stays owed, the documents say so
                    log.warning("connector %s is owed documents but cannot be set up: %s", n, e)
        return self.connectors + [c for n in more if (c := self._owed_connectors.get(n)) is not None]

    def gone_owed(self) -> set[str]:
        """The owed connectors this session left out (:meth:`connectors_for`): gone from the profile."""
        return self._gone

    def all_connectors(self) -> list[Any]:
        """The session's connectors and the owed ones it made (groups of either are flushed at the end)."""
        return self.connectors + [c for c in self._owed_connectors.values() if c is not None]

    # -- opening and closing
    def open(self, command: str | None = None) -> "Session":
        command = command or process_command()
        if not self.create:
            workdirs.require(self.workdir)
        if self.archives:  # a bad seal set-up fails here, before the first document
            from ekte.evidence.seal import check_setup

            check_setup(self.profile)
        umask = os.umask(0o077)  # what ekte writes is private (exports set their own modes)
        if self._umask is None:  # (opened twice: the caller's umask is the one to give back)
            self._umask = umask
        try:
            workdirs.prepare(self.workdir, SUBDIRS)
            self._legacy_lock()
            workdirs.check_journal_file(self.workdir)
            self.journal = Journal(self.workdir / JOURNAL_FILE)
            if not self.create:  # review list/show, history, export, accept …: on a damaged journal exit 75 as
                self.journal.quick_check()  # status and stats do, not a queue read from the pages still readable
            workdirs.private_journal(self.workdir)
            self.journal.actor = f"system: {command}"  # who the system is in this process's audit entries
            dead = self.journal.register(command)
            self.scratch = self.workdir / "tmp" / owners.current().token
            self.scratch.mkdir(parents=True, exist_ok=True)
            self.sweeper = Sweeper(self.scratch)
            self._clean(dead, upgraded=bool(self.journal.migrated))
            for c in self.connectors if self.archives else []:  # where a relative connectors.*.path went
                if c.root() is not None:
                    log.info("connector %s exports to %s", c.name, c.root(), extra={"ekte_setting": True})
        except NewerSchema as e:
            self._abort()
            raise ConfigError(f"{self.workdir}: {e}") from None
        except BaseException:
            self._abort()
            raise
        return self

    def _legacy_lock(self) -> None:
        """Releases before this one held an exclusive flock on ``.lock`` for
        a whole run.  Every process of this release holds it shared: they
        run side by side, but never beside an older one (which would not
        understand the migrated journal or the claims)."""
        fd = os.open(self.workdir / LEGACY_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ConfigError(f"the working directory {self.workdir} is in use by an ekte process of an older "
                              f"release (it holds {self.workdir / LEGACY_LOCK}); stop it first") from None
        self._lockfd = fd

    def _abort(self) -> None:
        """Opening failed: let go of what was taken (nothing was registered)."""
        if self.journal is not None:
            self.journal.close()
            self.journal = None
        self._unlock()
        if self._umask is not None:
            os.umask(self._umask)
            self._umask = None

    def _unlock(self) -> None:
        if self._lockfd is not None:
            os.close(self._lockfd)
            self._lockfd = None

    def is_dead(self, token: str | None) -> bool:
        """Did the owner of *token* end (None: a name an older release left)?"""
        if token is None:
            return True
        here = owners.token_alive_here(token)
        if here is not None:
            return not here
        return self.journal is not None and not self.journal.alive(token)

    def _clean(self, dead: list[str], upgraded: bool) -> None:
        """Remove what dead processes left: their scratch folders, and (when
        one died, or an older release ran here) half-written temporary files."""
        tmp = self.workdir / "tmp"
        for d in list(tmp.iterdir()):
            if d != self.scratch and self.is_dead(d.name if owners.parse_token(d.name) else None):
                shutil.rmtree(d, ignore_errors=True) if d.is_dir() else d.unlink(missing_ok=True)
        for root in (p for p in (self.workdir / "export").glob("*") if p.is_dir()):  # one level, every run:
            self._clean_staged(root, self.is_dead)  # a staged export a run left (SIGKILL, a power cut)
        for c in self.connectors if self.archives else []:  # and in each export folder outside it (a DMS's
            root = c.root()  # hot folder): only what a dead process of this host staged (other hosts may share it)
            if root is not None and root.parent != self.workdir / "export" and root.is_dir():
                self._clean_staged(root, lambda t: t is not None and owners.token_alive_here(t) is False)
        if dead or upgraded:
            n = fsutil.clean_stale_tmp(self.workdir, self.is_dead)
            if n:
                log.info("removed %d leftover(s) of interrupted writes", n)

    @staticmethod
    def _clean_staged(root: Path, is_dead: Any) -> None:
        """Remove the staged folders (``staged_dir``, one level below *root*) whose writer is dead."""
        with contextlib.suppress(OSError):  # an export folder that cannot be listed: left as it is
            for d in root.iterdir():
                stale = d.name.startswith(fsutil.TMP_PREFIX) and not d.name.startswith(fsutil.TMP_PREFIX + fsutil.OLD_MARK)
                if stale and d.is_dir() and is_dead(fsutil.tmp_owner(d.name)):
                    shutil.rmtree(d, ignore_errors=True)

    def close(self) -> None:
        for c in self.all_connectors():
            try:
                c.close()
            except Exception as e:  # noqa: BLE001 - closing one connector must not keep the others open
                log.warning("connector %s failed to close: %s", c.name, type(e).__name__)
        if self.journal is not None:
            try:
                self.journal.unregister()
            except Exception as e:  # a full disk: the next process releases what this one held
                if environment_failure(e) is None:
                    raise
                log.warning("could not give back this process's claims (%s); the next process will",
                            type(e).__name__)
            finally:
                self.journal.close()
                self.journal = None
        if self.sweeper is not None:
            self.sweeper.close()
            self.sweeper = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None
        self._unlock()
        if self._umask is not None:
            os.umask(self._umask)
            self._umask = None

    def __enter__(self) -> "Session":
        return self.open() if self.journal is None else self

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        self.close()
        if isinstance(exc, Exception) and not isinstance(exc, EkteError):  # the journal failed under way (ekte's own
            # errors are classified already: a ConfigError's context may be an OSError, e.g. a refused TLS handshake)
            failure = environment_failure(exc, str(self.workdir))  # the line names the working directory's path
            if failure is not None:
                raise failure from exc

    # -- helpers for the runs
    def discard(self, path: str | Path) -> None:
        """A settled task's scratch folder: removed off the coordinator's loop (:mod:`ekte.pipeline.sweep`)."""
        if self.sweeper is None:
            shutil.rmtree(path, ignore_errors=True)
        else:
            self.sweeper.discard(path)

    @property
    def j(self) -> Journal:
        if self.journal is None:
            raise RuntimeError("open() the session first")
        return self.journal

    def worker_setup(self, params: OcrParams | None = None, here: bool = True) -> WorkerSetup:
        """What a worker starts with; *here*: on this host (the programs' versions found here are its own)."""
        return WorkerSetup(self.profile, tuple(self.plugin_modules), str(self.workdir), params or self.params,
                           self.profile.intake.image_default_dpi, dict(tools.known()) if here else {},
                           self.entry_points if here else None)

    def executor(self, capacity: int | None = None, params: OcrParams | None = None) -> Any:
        """Where the workers run: this host's process pool, or Dask (profile ``[executor]``)."""
        ex = self.profile.executor
        if ex.kind == "dask":
            from ekte.distributed.executor import DaskExecutor

            return DaskExecutor(self.worker_setup(params, here=False), scheduler=ex.scheduler or None,
                                jobs=capacity or self.jobs, shared_root=ex.shared_root or None, worker_wait=ex.worker_wait,
                                connect_timeout=ex.connect_timeout, dashboard=ex.dashboard)
        return LocalExecutor(self.worker_setup(params), capacity or self.jobs)

    def source_for(self, path: Path) -> Any | None:
        """The intake source that claims *path* (a file or folder), if any."""
        for src in self.sources:
            try:
                if src.claims(Path(path)):
                    return src
            except PermissionError:  # a folder it cannot look into: the walk reports it (fresh36 F1)
                continue
            except Exception:  # noqa: BLE001 - a plugin's bug must not stop the walk
                log.warning("intake source %s failed on a claims() check", getattr(src, "name", "?"))
        return None

    def needs_review(self, doc: Any) -> bool:
        """Review when the type is unsure, a needed field is missing or below
        ``extract.auto_threshold`` (named in the review entry), or the scan is
        chosen for a sample check — and always when the same content was
        deleted by retention before (a warning names it; a clerk decides)."""
        from ekte.evidence.retention import came_back

        # classify/eval open no journal: they archive nothing, so nothing can come back
        deleted_before = self.journal is not None and came_back(self.journal, doc)
        if not doc.type_sure(self.profile.classify.threshold):
            doc.extra["review_fields"] = [doc.extra["deleted_before"]["reason"]] if deleted_before else []
            return True
        from ekte.stages.reasons import review_reasons  # (not extraction: issue 12)

        doc.extra["review_fields"] = review_reasons(doc, self.profile)
        if deleted_before:  # the first reason the clerk reads
            doc.extra["review_fields"].insert(0, doc.extra["deleted_before"]["reason"])
        return deleted_before or bool(doc.extra["review_fields"]) or self.sample_check(doc)

    def sample_check(self, doc: Any) -> bool:
        """A scan chosen for a visual comparison with the paper (TR-RESISCAN Stichprobe, every Nth)."""
        from ekte.evidence import resiscan

        rs = self.profile.resiscan
        return rs.enabled and resiscan.is_scanned(doc) and resiscan.selected_for_sample(doc.sha256, rs.sample_every)
