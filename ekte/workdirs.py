"""The working directory's roles and permissions.

What ekte keeps is private to the service user, whatever the umask:
the journal (and its ``-wal``/``-shm``) 0600; the archive, quarantine,
review queue, deletion records, scratch space, status files and the done folder 0700 (files
0600).  While a session is open the process's umask is 077, so every file
ekte writes there is born private; folders that exist already are made
private when ekte opens them.  The working directory itself is 0711 when
ekte makes it (others may pass through to an export folder below it, not
list it), and ``export/`` likewise: the export files and folders get the
connector's ``file_mode``/``dir_mode`` and the export folder's group.

Only ``ekte ingest``, ``ekte watch`` and ``ekte import-xdomea`` make a
working directory; every other command needs an existing one
(:func:`require`; ``ekte train DIR`` one that exists, with or without a journal)."""

from __future__ import annotations

import errno
import logging
import os
import stat
from pathlib import Path

from ekte.errors import ConfigError, EnvironmentFailure

log = logging.getLogger("ekte")

JOURNAL_FILE = "journal.sqlite"
PRIVATE_DIRS = ("archive", "quarantine", "review", "tmp", "status.d", "done", "reports", "models", "deleted")
PASSAGE = 0o711  # the working directory and export/: pass through, not list


def require(workdir: Path, journal: bool = True) -> None:
    """A working directory ekte has used (it holds a journal), or ConfigError; without *journal* (``ekte train DIR``:
    only its models/ are written) a folder that exists."""
    if not (Path(workdir) / JOURNAL_FILE).is_file() and (journal or not Path(workdir).is_dir()):
        if journal:
            check_journal_file(workdir)  # an archive without its journal: lost, not "no working directory"
        what = "does not exist" if not Path(workdir).exists() else "is a file, not a folder" if not \
            Path(workdir).is_dir() else "holds no ekte journal"  # (fresh33 F6: every command says it so)
        raise ConfigError(f"the working directory {workdir} {what} (check --workdir or $EKTE_HOME; "
                          "ekte ingest or ekte watch make one)")


def _make(path: Path, mode: int) -> None:
    try:
        path.mkdir(mode=mode)
        os.chmod(path, mode)  # mkdir's mode is cut by the umask
    except FileExistsError:
        pass


def prepare(workdir: Path, subdirs: tuple[str, ...]) -> None:
    """Make the working directory and its folders (with their roles' modes)
    and make existing private folders private."""
    workdir = Path(workdir)
    try:
        if workdir.exists() and not workdir.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder")
        if not workdir.exists():
            if workdir.parent != workdir:
                workdir.parent.mkdir(parents=True, exist_ok=True)
            _make(workdir, PASSAGE)
    except (NotADirectoryError, FileExistsError, FileNotFoundError) as e:  # a file on the way, /proc: exit 2
        blocker = next((p for p in (workdir, *workdir.parents) if p.is_file()), None)
        why = f"{blocker} is a file, not a folder" if blocker else f"it cannot be made there ({e.strerror})"
        raise ConfigError(f"the working directory {workdir} cannot be used: {why} (check --workdir or "
                          "$EKTE_HOME)") from None
    for sub in subdirs:
        _make(workdir / sub, PASSAGE if sub == "export" else 0o700)
    for sub in PRIVATE_DIRS:
        private(workdir / sub, 0o700)
    for f in (workdir / "models").glob("*"):
        private(f)  # a model file written 0644 before fresh29 F6


def private(path: Path, mode: int = 0o600) -> None:
    """Take group and other permissions from *path* (ours only; quietly)."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode) or st.st_uid != os.geteuid() or not st.st_mode & 0o077:
            return
        os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077 & 0o7777 | (mode & 0o700))
    except OSError:
        return


def private_journal(workdir: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        private(Path(workdir) / f"{JOURNAL_FILE}{suffix}")
    private(Path(workdir) / ".lock")


def used(workdir: Path) -> bool:
    """Has this working directory held documents (archive, quarantine, review)?"""
    for sub in ("archive", "quarantine", "review"):
        try:
            if any(os.scandir(Path(workdir) / sub)):
                return True
        except OSError:
            continue
    return False


def check_journal_file(workdir: Path) -> None:
    """A journal of 0 bytes beside an archive that holds documents is not a
    new journal but a lost one: refused (SQLite would take it as new).  So is
    a missing one (fresh36 F2: ingest took the directory as new and archived
    everything again; verify said every document held)."""
    j = Path(workdir) / JOURNAL_FILE
    try:
        size = j.stat().st_size
    except FileNotFoundError:
        if used(workdir):
            raise EnvironmentFailure("journal_damaged", f"{workdir}: the journal ({JOURNAL_FILE}) is missing although "
                                                        "the archive holds documents; ekte journal rebuild makes it "
                                                        "again from the archive") from None
        return
    except NotADirectoryError:
        return  # the working directory is a file: the command's own check says so
    wal = Path(f"{j}-wal")
    if size == 0 and not (wal.exists() and wal.stat().st_size > 0) and used(workdir):
        raise EnvironmentFailure("journal_damaged", f"{workdir}: the journal is empty (0 bytes) although the archive "
                                                    "holds documents; run ekte journal check, then ekte journal rebuild")


def check_journal_intact(workdir: Path) -> None:
    """EnvironmentFailure (exit 75, naming *workdir*) when its journal is damaged or lost (0 bytes beside an
    archive that holds documents): the checks ``ekte status`` makes before it reads (:func:`check_journal_file`,
    then SQLite's quick check, read-only — ``Journal.quick_check``, which status, stats and a Session call on the
    journal they opened), for the readers that would otherwise answer from the pages still readable (verify,
    retention due, the station, train --from-reviews)."""
    from ekte.journal import Journal

    check_journal_file(workdir)
    if (Path(workdir) / JOURNAL_FILE).is_file():
        j = Journal(Path(workdir) / JOURNAL_FILE, readonly=True)
        try:
            j.quick_check()
        finally:
            j.close()


def resolve_ids(workdir: Path, ids: list[str]) -> list[str]:
    """Full document ids for *ids* (ids or unique prefixes, as everywhere on
    the command line): from the journal, read-only, or — without one — from
    the archive's folder names; a deleted document's id too (its tombstone).  NotFound / ConfigError
    (ambiguous) else."""
    from ekte.journal import Journal
    from ekte.pipeline.queue import NotFound, resolve_or_deleted

    path = Path(workdir) / JOURNAL_FILE
    if path.is_file():
        j = Journal(path, readonly=True)  # a damaged journal: one line, exit 75
        try:  # a deleted document's id too: verify says when and by whom (fresh38 F5)
            return [row["id"] if row is not None else tomb["doc_id"]
                    for row, tomb in (resolve_or_deleted(j, i) for i in ids)]
        finally:
            j.close()
    folders = sorted(d.name for d in (Path(workdir) / "archive").glob("??/*") if d.is_dir())
    out = []
    for i in ids:
        hits = [f for f in folders if f.startswith(i.strip().lower())] if len(i.strip()) >= 4 else []
        if len(hits) != 1:
            raise (NotFound(f"no document with id {i}") if not hits
                   else ConfigError(f"the id {i} is ambiguous ({', '.join(hits[:5])}): give more digits"))
        out.append(hits[0])
    return out
