"""The watch-folder daemon: ``ekte watch INBOX…``.

watchdog's observer threads (inotify, or polling for network shares) only
*notice* paths; the loop takes the files that are complete
(:mod:`ekte.watch.stability`), hands them to the same coordinator as
``ekte ingest``, clears the inbox afterwards (:mod:`ekte.watch.disposal`),
rescans periodically, retries exports and flushes export groups when idle,
and writes its status every second.  SIGTERM/SIGINT stop the intake of
new files; documents in flight may finish within ``--grace`` seconds, the
rest are abandoned cleanly (their claims given back) and completed by the
next start."""

from __future__ import annotations

import logging
import os
import signal
import stat
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

import ekte
from ekte import fsutil, workdirs
from ekte.errors import environment_failure
from ekte.logs import protect
from ekte.model import now_iso
from ekte.pipeline import delivery, runs
from ekte.pipeline.admission import Admission
from ekte.pipeline.coordinator import Coordinator
from ekte.pipeline.tasks import WorkItem
from ekte.stages import intake
from ekte.stages.ocr import check_dependencies
from ekte.watch.disposal import Disposal
from ekte.watch.safety import NETWORK_FS, InboxLocks, check_setup, filesystem_type
from ekte.watch.stability import FileStabilityTracker, ready, stat_unit
from ekte.watch.status import Stats, StatusBoard

log = logging.getLogger("ekte.watch")

#: seconds after the grace period at which a daemon that did not stop ends itself
HARD_STOP_MARGIN = 10.0


def session_mail_poller(session: Any) -> Any:
    """The mailbox poller when the profile configures ``[intake.mail]``."""
    if not session.profile.intake.mail.configured:
        return None
    from ekte.mail.poller import MailPoller

    return MailPoller(session)


class Watcher:
    def __init__(self, session: Any, roots: list[Path], *, polling: bool | None = None,
                 stable_seconds: float | None = None, rescan_seconds: float | None = None,
                 grace_seconds: float | None = None, done_dir: Path | None = None) -> None:
        self.session = session
        session.retries_exports = True  # its export failures are retried at each rescan: the log says so
        ws = session.profile.watch
        self.roots = [Path(r).resolve() for r in roots]
        self.stable = ws.stable_seconds if stable_seconds is None else stable_seconds
        self.rescan_every = ws.rescan_minutes * 60 if rescan_seconds is None else rescan_seconds
        self.grace = ws.grace_seconds if grace_seconds is None else grace_seconds
        wd = session.workdir.resolve()
        dd = done_dir or (Path(ws.done_dir) if ws.done_dir else wd / "done")
        self.done_dir = dd if dd.is_absolute() else wd / dd
        others = {"done folder": self.done_dir}
        for c in session.connectors:
            root = c.root()
            if root is not None:
                others[f"export folder of connector '{c.name}'"] = root
        check_setup(self.roots, wd, others)
        network = [str(r) for r in self.roots if filesystem_type(r) in NETWORK_FS]
        self.polling = bool(polling) or bool(network)
        if network and not polling:
            log.info("network file system under %s: polling instead of inotify", ", ".join(network))
        self.mode = "polling" if self.polling else "inotify"
        self.tracker = FileStabilityTracker(self.stable)
        self.stats = Stats()
        self.disposal = Disposal(wd, self.roots, self.done_dir, ws.after_export, self.tracker, self.stats,
                                 session)
        self.mail = session_mail_poller(session)  # [intake.mail]: the mailbox polled every poll_seconds
        self.queue: deque[str] = deque()  # complete files and containers
        self.reported: set[tuple[str, int, int]] = set()  # links and special files reported once
        self.parts: deque[WorkItem] = deque()  # parts of containers waiting for a worker
        self.stop_requested = False
        self._reserved = False  # the status board took its room: from then on _serve records how it ends

    # -- noticing files (watchdog threads and rescans) ---------------------------------
    def _ignored(self, path: Path) -> bool:
        ign = self.session.profile.intake.ignore
        for r in self.roots:
            try:
                rel = path.relative_to(r)
            except ValueError:
                continue
            return any(intake.is_ignored(part, ign) for part in rel.parts)
        return True

    def _package_dir(self, p: Path) -> Path | None:
        """The folder below a watched root that an intake source claims as a
        package and that holds *p*, if any."""
        if not self.session.sources:
            return None
        for parent in p.parents:
            if parent in self.roots or not any(r in parent.parents for r in self.roots):
                return None
            if self.session.source_for(parent) is not None:
                return parent
        return None

    def notice(self, path: str) -> None:
        p = Path(path)
        protect(p, next((r for r in self.roots if r in p.parents), None))
        if self._ignored(p):
            return
        if fsutil.behind_link(p, self.roots):  # reached through a link (a folder moved in held one): not in
            return  # the inbox — never read, moved or removed; the link itself is reported (fresh41 F6)
        pkg = self._package_dir(p)
        if pkg is not None:  # a file of a package folder: the folder is the unit
            p = pkg
        try:
            if pkg is None and not stat.S_ISREG(os.lstat(p).st_mode):
                self._report_once(p)
                return
            size, mtime = stat_unit(p)
            if self.disposal.left and (str(p), os.lstat(p).st_ino, mtime) in self.disposal.left:
                return  # too large, left here on purpose (reported once)
            if pkg is None and self.disposal.quarantined_before(str(p), size, mtime):
                return  # quarantined before, still here (a read-only inbox): not again (fresh32 F12)
        except OSError:
            self.tracker.forget(str(p))
            return
        self.tracker.observe(str(p), size, mtime)

    def _report_once(self, p: Path) -> None:
        """A link, FIFO, socket or device in the inbox: never opened, never
        followed; handed on once (intake quarantines it with its reason) and
        left where it is.  Reported again only when it changes, or after a restart."""
        try:
            st = os.lstat(p)
        except OSError:
            return
        if stat.S_ISDIR(st.st_mode):
            return
        ident = (str(p), st.st_ino, st.st_mtime_ns)
        if ident not in self.reported:
            self.reported.add(ident)
            self.queue.append(str(p))

    def rescan(self) -> None:
        skipped: list[Path] = []  # names in intake.ignore: counted in the status (fresh32 F6), never taken
        unlisted: list = []  # folders it cannot list: a problem in the status until they can be (fresh36 F1)
        for f in intake.walk(self.roots, self.session.profile.intake.ignore, [self.session.workdir, self.done_dir],
                             skipped=skipped, unlisted=unlisted):
            self.notice(str(f))
        self.stats.skipped = len(skipped)
        self.stats.unlisted = [(intake.display(p), why) for p, why in unlisted]
        self.disposal.prune_emptied(self.session.profile.watch.remove_emptied_after_minutes * 60)

    def _start_observer(self) -> Any:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        w = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                if event.is_directory:
                    if event.event_type in ("created", "moved"):
                        d = getattr(event, "dest_path", "") or event.src_path
                        for f in intake.walk([Path(d)], w.session.profile.intake.ignore):
                            w.notice(str(f))
                    return
                if event.event_type == "moved":
                    w.notice(event.dest_path)
                    w.tracker.forget(event.src_path)
                elif event.event_type == "deleted":
                    w.tracker.forget(event.src_path)
                elif event.event_type in ("opened", "closed_no_write"):  # read, not changed (ekte's own reading of
                    return  # a file it could not clear: taken again every second — fresh31 H3)
                else:
                    w.notice(event.src_path)

        obs = PollingObserver(timeout=1.0) if self.polling else Observer()
        for r in self.roots:
            obs.schedule(Handler(), str(r), recursive=True)
        obs.start()
        return obs

    # -- handing files on ------------------------------------------------------------
    def _feed(self, coord: Coordinator) -> None:
        while self.parts and coord.free and not self.stop_requested:
            coord.offer(self.parts.popleft())
        while self.queue and coord.free and not self.parts and not self.stop_requested:
            path = Path(self.queue.popleft())
            k = intake.kind(path)
            if k == "missing":
                self.tracker.release(str(path))
                continue
            self.stats.last_activity = now_iso()
            if k in ("file", "dir") and self.session.sources and self.session.source_for(path) is not None:
                self._expand(coord, path)
            else:
                coord.offer(WorkItem(path))

    def _expand(self, coord: Coordinator, path: Path) -> None:
        """A container an intake source claims: its parts start as workers
        become free; it leaves the inbox when all its parts are settled."""
        staging = self.session.scratch / "staging" / f"w{time.monotonic_ns()}"
        staging.mkdir(parents=True)
        items, rejected = coord.admission.expand(path, staging)
        self.disposal.package_started(str(path), len(items) + len(rejected), staging)
        for o in rejected:
            coord.handle(o)
        self.parts.extend(items)

    def _settled(self, doc: Any, item: WorkItem) -> None:
        self.disposal.done(doc, item)
        if self.mail is not None:
            self.mail.settled(doc, item)

    def _poll_mail(self, coord: Coordinator) -> None:
        """New e-mail: its documents queue up like the parts of a container."""
        items, rejected = self.mail.poll(coord.admission)
        if items or rejected:
            self.stats.last_activity = now_iso()
        for o in rejected:
            coord.handle(o)
        self.parts.extend(items)

    def _status(self, coord: Coordinator | None) -> dict[str, Any]:
        waiting, queued = len(self.tracker), len(self.queue) + len(self.parts)
        return {"started": self.stats.started, "updated": now_iso(), "mode": self.mode,
                "watching": [str(r) for r in self.roots], "stable_seconds": self.stable,
                "queue": waiting + queued, "waiting_for_stability": waiting, "queued": queued,
                # documents handed to the workers: at work or next in line (up to two per worker), each once
                # (a long scan's page ranges are one document)
                "in_flight": len({doc.sha256 for _i, doc in coord.inflight.values()}) if coord else 0,
                "jobs": self.session.jobs, "deferred": len(coord.deferred) if coord else 0,
                "done": self.stats.done, "failed": self.stats.failed, "duplicates": self.stats.duplicates,
                "review": self.stats.review, "export_failed": self.stats.export_failed, "skipped": self.stats.skipped,
                "problem": self.stats.problem(), "not_cleared": len(self.stats.stuck),
                "export_problem": self.stats.export_problem(), "folder_problem": self.stats.folder_problem(),
                "last_errors": list(self.stats.last_errors), "last_activity": self.stats.last_activity,
                "stopping": self.stop_requested,
                **(getattr(coord.executor, "worker_stats", dict)() if coord else {}),  # per Dask worker
                **({"mail": self.mail.stats.as_dict()} if self.mail is not None else {})}

    # -- the loop ------------------------------------------------------------------------
    def run(self) -> int:
        check_dependencies(self.session.params.language)
        os.environ["OMP_THREAD_LIMIT"] = "1"
        locks = InboxLocks(self.roots).acquire()  # before the working directory is touched
        old = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        if ekte.EARLY_SIGTERM:  # SIGTERM while `ekte watch` loaded: a stop like any other (one "stopped" line)
            self._on_signal(ekte.EARLY_SIGTERM.pop(), None)
        try:
            with self.session:
                self._serve()
        except Exception as e:
            if not self._reserved and environment_failure(e) is not None:  # it could not start (a full disk):
                try:  # `ekte status` says why (fresh40 F4) — as far as anything can be written there
                    StatusBoard(self.session.workdir, self.roots).not_started(e)
                except Exception:  # noqa: BLE001 - nothing could: status names the full disk from what it reads
                    pass
            raise
        finally:
            for s, h in old.items():
                signal.signal(s, h)
            locks.release()
        return 0

    def _on_signal(self, signum: int, frame: Any) -> None:
        if not self.stop_requested:
            log.info("signal %s: no new files; finishing documents in flight (at most %s s)", signum, self.grace)
            deadline = threading.Timer(self.grace + HARD_STOP_MARGIN, self._hard_stop)
            deadline.daemon = True
            deadline.start()
        self.stop_requested = True
        if getattr(self, "_coord", None) is not None:
            self._coord.stop()

    def _hard_stop(self) -> None:
        """The grace period is over and the loop has not ended (something
        blocks it): kill the workers and end now.  Safe as ``kill -9`` is:
        every write is atomic, the journal transactional, the claims are
        taken over by the next start."""
        log.error("not stopped %s s after the signal; workers killed, ending now", self.grace + HARD_STOP_MARGIN)
        coord = getattr(self, "_coord", None)
        if coord is not None:
            for pid in coord.executor.pids() if hasattr(coord.executor, "pids") else []:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
        logging.shutdown()
        os._exit(0)

    def _serve(self) -> None:
        s = self.session
        run_id = s.j.start_run("watch")
        self.done_dir.mkdir(parents=True, exist_ok=True)
        workdirs.private(self.done_dir, 0o700)
        board = StatusBoard(s.workdir, self.roots)
        coord = Coordinator(s, Admission(s, run_id, per_run=False, roots=self.roots), s.executor(s.jobs),
                            self._settled)
        self._coord = coord
        obs = self._start_observer()
        log.info("watching %d folder(s) (%s), stable after %s s", len(self.roots), self.mode, self.stable)
        board.reserve()
        self._reserved = True
        clean = True
        try:
            self._loop(coord, board)
            left = self._drain(coord, board)
        except Exception as e:
            clean = False  # not stopped: ended on an error, and `ekte status` says which (fresh31: "died … crashed")
            runs.quietly(lambda: board.ended(e))
            raise
        finally:
            obs.stop()
            obs.join(5)
            # a stop by the operator (SIGTERM/SIGINT, grace over) is no failed attempt of the documents it
            # cuts short: only a worker's crash or timeout counts (Coordinator._again)
            runs.quietly(lambda: [self.disposal.forget(i) for i in coord.abandon()])
            if self.mail is not None:
                runs.quietly(self.mail.abandon)
            runs.quietly(lambda: board.write({**self._status(None), **({"stopped": now_iso()} if clean else {}),
                                              **getattr(coord.executor, "worker_stats", dict)()}, final=True))  # Dask: kept
            runs.quietly(lambda: s.j.finish_run(run_id, {"done": self.stats.done, "failed": self.stats.failed}))
        # one line on every stop, idle or busy
        log.info("stopped: %s%s", self.stats.stopped(),
                 f"; {left} document(s) abandoned (not counted as a failed attempt), the next start completes them"
                 if left else "")

    def _loop(self, coord: Coordinator, board: StatusBoard) -> None:
        self.rescan()
        last_rescan = time.monotonic()
        last_status = 0.0
        while not self.stop_requested:
            self.queue.extend(ready(self.tracker))
            if self.mail is not None and self.mail.due() and not self.parts:
                self._poll_mail(coord)
            self._feed(coord)
            coord.step(0.2)
            for item in coord.abandoned:
                self.disposal.forget(item)
            coord.abandoned.clear()
            idle = not self.queue and not self.parts and not coord.busy
            if idle:
                self._idle()
            now = time.monotonic()
            if self.rescan_every and now - last_rescan >= self.rescan_every:
                self.rescan()
                if idle:
                    self._retry_exports()
                last_rescan = now
            if now - last_status >= 1.0:
                board.write(self._status(coord))
                last_status = now

    def _idle(self) -> None:
        """Nothing queued or in flight: groups that waited for more documents
        go now; documents whose export this daemon resumed for another run
        (``session.adopted``) are settled and forgotten — the daemon reports
        per document as it goes, so they would only pile up."""
        delivery.flush_groups(self.session)
        delivery.disown(self.session)

    def _drain(self, coord: Coordinator, board: StatusBoard) -> int:
        """Stopping: no new files; the ones in flight may finish for a while.  The number of those that did not
        (abandoned: the stop line names them)."""
        deadline = time.monotonic() + self.grace
        while coord.inflight and time.monotonic() < deadline:
            coord.step(0.2)
            board.write(self._status(coord))
        return len({doc.sha256 for _i, doc in coord.inflight.values()})

    def _retry_exports(self) -> None:
        """Archived documents whose export failed (or was cut short): deliver them now."""
        self.session.failed_groups.clear()
        self.session.connectors_down.clear()
        try:
            delivered = runs.retry_exports(self.session)
        except Exception as e:  # noqa: BLE001 - the daemon keeps running
            log.warning("retrying pending exports failed: %s", type(e).__name__)
            return
        for doc in delivered:
            self.stats.exported_later(doc)
