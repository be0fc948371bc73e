"""Clearing the inbox once a document is settled — nothing stays behind
silently, nothing leaves before it is safe:

* archived and exported, a duplicate, or waiting for review (the original
  is safe in the archive) → moved to the done folder, keeping its path
  relative to the watched folder (or deleted, ``watch.after_export =
  "delete"``);
* quarantined → removed once its verified copy is in the quarantine
  (else moved there, only while it still holds the bytes that were read);
  too large to copy → renamed into its quarantine entry (same file system),
  else left in the inbox and not taken again until it changes;
* replaced while it was read (another file renamed over it: a scanner
  re-using ``scan0001.pdf``) → left in the inbox and tracked again as a
  new arrival, so that its new content is read, and archived, under its
  own id — never moved or removed on the old document's behalf;
* archived but not exported → stays, so that a later rescan delivers it;
* a container (portal package, batch) → when all its parts are settled:
  to the done folder, or to ``quarantine/packages`` if a part failed.

Every move is :func:`ekte.fsutil.move_input`."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import stat
import threading
import time
from pathlib import Path
from typing import Any

from ekte import fsutil, fstarget, workdirs
from ekte.evidence.retention_files import place
from ekte.model import Document, Status
from ekte.pipeline.admission import not_read_sha
from ekte.pipeline.tasks import WorkItem
from ekte.stages import intake
from ekte.watch.stability import FileStabilityTracker
from ekte.watch.status import Stats, taken_in_before

log = logging.getLogger("ekte.watch")

SAFE = (Status.ARCHIVED, Status.DUPLICATE, Status.REVIEW)


class Disposal:
    def __init__(self, workdir: Path, roots: list[Path], done_dir: Path, after: str,
                 tracker: FileStabilityTracker, stats: Stats, session: Any = None) -> None:
        self.workdir, self.roots, self.done_dir, self.after = workdir, roots, done_dir, after
        self.session = session  # its journal records where an original was moved (ekte retention delete removes it)
        self.tracker, self.stats = tracker, stats
        self.packages: dict[str, dict[str, Any]] = {}  # container → parts left, all ok, staging folder
        #: files left in the inbox on purpose (too large to copy): (path, inode, mtime) — not taken again
        self.left: set[tuple[str, int, int]] = set()
        #: quarantined inputs that could not be removed (a read-only inbox): path → ((size, mtime), doc) — a
        #: rescan retries the removal only, never quarantines and counts the same file again (fresh32 F12)
        self.quarantined: dict[str, tuple[tuple[int, int], Document]] = {}
        #: inbox sub-folders an input was cleared from (``watch.remove_emptied_after_minutes``): removed once
        #: empty and unchanged long enough (:meth:`prune_emptied`); forgotten on a restart
        self.emptied: set[str] = set()
        self.lock = threading.Lock()

    def done(self, doc: Document, item: WorkItem) -> None:
        """A document is settled (the coordinator's callback).  An input the
        daemon could not clear before (the done folder full) is taken again at
        each rescan: not counted, nor logged, as a duplicate once more."""
        again = taken_in_before(doc) and (item.package or str(item.path)) in self.stats.stuck
        if not again:
            self.stats.record(doc)
        if taken_in_before(doc) and not again:
            before = doc.extra.get("done_before") or {}  # (its id is this one's: the id is made from the content)
            log.info("doc %s: the same content was taken in before (%s); not a new document", doc.id,
                     " ".join(filter(None, [before.get("state") or "in this run", before.get("updated")])))
        if item.package:
            self._part_done(item.package, doc.status)
            return
        src = item.path
        replaced = False
        try:
            if intake.kind(src) == "file" and not fsutil.behind_link(src, self.roots):
                # (a link or special file stays where it is, reported once; so does a file behind a link: fresh41 F6)
                replaced = self._clear(doc, src)
                self._cleared_from(src)
            if self.stats.stuck.pop(str(src), None) is not None:
                log.info("doc %s: input file cleared from the inbox now", doc.id)
        except (OSError, fsutil.NotMoved) as e:  # one warning per file; each rescan's retry only at -vv
            log.log(logging.DEBUG if str(src) in self.stats.stuck else logging.WARNING,
                    "doc %s: input file could not be cleared from the inbox (%s)", doc.id,
                    getattr(e, "strerror", None) or e)
            self.stats.not_cleared(str(src), doc.id, e, "the inbox" if getattr(e, "in_inbox", False)
                                   else self._where(doc.status))
            replaced = isinstance(e, fsutil.NotMoved) and self._replaced(doc, src)
            self._remember_quarantined(doc, src, replaced)
        self.tracker.release(str(src))
        if replaced:
            self._arrived_again(doc, src)

    def _remember_quarantined(self, doc: Document, src: Path, replaced: bool) -> None:
        if doc.status == Status.QUARANTINED and not replaced:
            try:
                st = os.stat(src, follow_symlinks=False)
            except OSError:
                return
            self.quarantined[str(src)] = ((st.st_size, st.st_mtime_ns), doc)

    def quarantined_before(self, path: str, size: int, mtime: int) -> bool:
        """*path* is the file quarantined before and left in the inbox, unchanged: its removal is tried
        again (the warning was logged once), it is not read, quarantined and counted once more."""
        seen = self.quarantined.get(path)
        if seen is None or seen[0] != (size, mtime) or fsutil.behind_link(Path(path), self.roots):
            self.quarantined.pop(path, None)
            return False
        try:
            self._clear(seen[1], Path(path))
        except (OSError, fsutil.NotMoved) as e:
            log.debug("doc %s: input file still not cleared from the inbox (%s)", seen[1].id,
                      getattr(e, "strerror", None) or e)
            return True
        self.quarantined.pop(path, None)
        self._cleared_from(Path(path))
        if self.stats.stuck.pop(path, None) is not None:
            log.info("doc %s: input file cleared from the inbox now", seen[1].id)
        return True

    def _cleared_from(self, src: Path) -> None:
        if not os.path.lexists(src) and any(r in src.parent.parents for r in self.roots):
            self.emptied.add(str(src.parent))

    def prune_emptied(self, age: float) -> list[Path]:
        """The inbox sub-folders an input was cleared from that are empty and
        unchanged for *age* seconds (their own time: a file added or removed,
        or the folder made anew, starts it again — a client that just made one
        is not raced), removed; the folders removed.  Only the folder itself
        (``rmdir``: never one holding anything, never a link, never a root):
        its parent may be a scanner's target folder.  ``age`` 0: none."""
        if age <= 0:
            self.emptied.clear()
            return []
        removed, now = [], time.time()
        for folder in sorted(self.emptied, key=len, reverse=True):  # the inner ones first
            try:
                st = os.lstat(folder)
            except OSError:
                self.emptied.discard(folder)
                continue
            if not stat.S_ISDIR(st.st_mode):
                self.emptied.discard(folder)
            elif now - st.st_mtime >= age:
                self.emptied.discard(folder)
                try:
                    os.rmdir(folder)
                except OSError:  # not empty: a file arrived (taken in, it is remembered again when cleared)
                    continue
                removed.append(Path(folder))
        if removed:
            log.info("%d emptied inbox sub-folder(s) removed", len(removed))
        return removed

    def _where(self, status: Status | None, ok: bool = True) -> str:
        """Where an input of that outcome goes (for ``ekte status``'s problem line)."""
        if status == Status.QUARANTINED or not ok:
            return "the quarantine"
        return "the done folder" if status in SAFE and self.after != "delete" else "the inbox"

    @staticmethod
    def _replaced(doc: Document, src: Path) -> bool:
        """The inbox file no longer holds the bytes this document was read
        from (another file was renamed over it while ekte read it)."""
        if doc.sha256 == not_read_sha(src):  # never read (a link, too large): nothing to compare
            return False
        try:
            return fsutil.sha256_file(src) != doc.sha256
        except OSError:
            return False

    def _arrived_again(self, doc: Document, src: Path) -> None:
        """A replaced file is a new arrival: tracked for stability again,
        then read again (its own id), as if it had just been dropped in."""
        log.info("doc %s: its inbox file changed while it was read; the new content is taken as a new arrival",
                 doc.id)
        try:
            st = os.stat(src, follow_symlinks=False)
        except OSError:
            return
        self.tracker.observe(str(src), st.st_size, st.st_mtime_ns)

    def _clear(self, doc: Document, src: Path) -> bool:
        """Move or remove the input; True when it is left because it no
        longer holds the document's bytes (each inbox file is read once
        more here at most: by this check or by ``move_input``'s)."""
        read = doc.sha256 != not_read_sha(src)
        if doc.status in SAFE:
            if self.after == "delete":
                if self._replaced(doc, src):
                    return True
                fstarget.remove_input(src, self.roots)
            else:  # NotMoved when it was replaced (see done)
                target = fsutil.move_input(src, fsutil.free_target(src, self.roots, self.done_dir), doc.sha256, self.roots)
                workdirs.private(target)  # the done folder is private: originals carry personal data
                self._record_done(doc, target)
        elif doc.status == Status.QUARANTINED:
            qdir = self.workdir / "quarantine" / doc.id
            if doc.error is not None and doc.error.code in intake.NOT_COPIED:
                self._rename_into(doc, src, qdir / "inbox")
                return False
            if self._replaced(doc, src):
                return True
            copies = list(qdir.glob("original.*"))
            if read and copies and fsutil.sha256_file(copies[0]) == doc.sha256:
                fstarget.remove_input(src, self.roots)
            else:
                # only the bytes that were read (a file renamed over it since is another document)
                target = fsutil.free_target(src, self.roots, qdir / "inbox")
                fsutil.move_input(src, target, doc.sha256 if read else None, self.roots)
        # export_failed: archived; the file stays so that the next rescan retries the export
        return False

    def _record_done(self, doc: Document, target: Path) -> None:
        """The done copy's place, in the document's audit trail (relative to
        the working directory when inside it; emptied with the rest of the
        trail when the document is deleted)."""
        if self.session is None:
            return
        try:
            where = str(target.resolve().relative_to(self.workdir.resolve()))
        except ValueError:
            where = str(target)
        try:
            self.session.j.event(doc.id, "watch", "done", place(path=where, **({"workdir": self.workdir.resolve()}
                                                                     if Path(where).is_absolute() else {})))
        except Exception as e:  # noqa: BLE001 - the move is done; a busy journal must not undo it
            log.warning("doc %s: the done copy's place was not recorded (%s)", doc.id, type(e).__name__)

    def _rename_into(self, doc: Document, src: Path, folder: Path) -> None:
        """A file too large to copy: renamed into its quarantine entry where
        the working directory shares the inbox's file system (no byte is
        written); else left in the inbox — named in the quarantine entry and
        ``ekte status`` — and not taken again until it changes."""
        target = fsutil.free_target(src, self.roots, folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with fstarget.opened_parent(src, self.roots) as fd:
                os.rename(src.name if fd is not None else src, target, src_dir_fd=fd)
            fsutil.fsync_dir(target.parent)
        except OSError as e:
            if e.errno != errno.EXDEV:
                raise
            st = os.stat(src, follow_symlinks=False)
            self.left.add((str(src), st.st_ino, st.st_mtime_ns))
            log.warning("doc %s: too large to copy into the quarantine (another file system); it stays in the "
                        "inbox", doc.id)

    # -- containers
    def package_started(self, pkg: str, parts: int, staging: Path) -> None:
        with self.lock:
            self.packages[pkg] = {"left": parts, "ok": True, "staging": staging}
        if parts == 0:
            self._package_finished(pkg)

    def _part_done(self, pkg: str, status: Status | None) -> None:
        with self.lock:
            info = self.packages.get(pkg)
            if info is None:
                return
            info["left"] -= 1
            info["ok"] = info["ok"] and status in SAFE
            finished = info["left"] <= 0
        if finished:
            self._package_finished(pkg)

    def _package_finished(self, pkg: str) -> None:
        with self.lock:
            info = self.packages.pop(pkg, {"ok": False, "staging": None})
        if info.get("staging"):
            shutil.rmtree(info["staging"], ignore_errors=True)
        src = Path(pkg)
        try:
            if not src.exists():
                pass
            elif not info["ok"]:
                # a part was quarantined or not exported: the archived parts are safe;
                # the container is kept for inspection
                fsutil.move_input(src, fsutil.free_target(src, self.roots, self.workdir / "quarantine" / "packages"),
                                  roots=self.roots)
            elif self.after == "delete":
                fstarget.remove_input(src, self.roots)
            else:
                target = fsutil.move_input(src, fsutil.free_target(src, self.roots, self.done_dir), roots=self.roots)
                for f in [target, *target.rglob("*")] if target.is_dir() else [target]:
                    workdirs.private(f, 0o700 if f.is_dir() else 0o600)
            self.stats.stuck.pop(pkg, None)
        except (OSError, fsutil.NotMoved) as e:
            log.warning("package could not be cleared from the inbox (%s)", getattr(e, "strerror", None) or e)
            self.stats.not_cleared(pkg, "", e, "the inbox" if getattr(e, "in_inbox", False)
                                   else self._where(Status.ARCHIVED, info["ok"]))
        self.tracker.release(pkg)

    def forget(self, item: WorkItem) -> None:
        """Abandoned (shutdown): the file stays and is taken again later."""
        self.tracker.release(item.package or str(item.path))
