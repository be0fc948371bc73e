"""The watch-folder daemon: ``ekte watch INBOX…``.

Files arriving in the watched folders (watchdog: inotify, or polling for
network shares) are taken once they are complete — size and mtime
unchanged for ``stable_seconds``, readable as their type, and not open for
writing by any process this machine can see — and go through the same
pipeline, journal and connectors as ``ekte ingest``.  A full rescan at
start-up and every ``rescan_minutes`` catches what events missed.

After a successful export the input file is moved to the done folder (or
deleted when the profile says so); a quarantined one is removed from the
inbox once its copy sits in the quarantine with its reason.  SIGTERM and
SIGINT stop the intake of new files; documents in flight may finish within
``--grace`` seconds, the rest are abandoned cleanly and completed by the
next start (the journal knows them).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ekte import fsutil
from ekte.errors import ConfigError
from ekte.model import Document, Status, now_iso
from ekte.pipeline import Pipeline, WorkerPool
from ekte.stages import intake

log = logging.getLogger("ekte.watch")

NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs",
              "fuse.glusterfs", "davfs", "fuse.davfs2", "ncpfs", "fuse.rclone", "virtiofs"}
STATUS_FILE = "status.json"


def filesystem_type(path: Path) -> str:
    """The file-system type of the mount *path* is on (from /proc/mounts)."""
    best, fstype = "", ""
    rp = str(Path(path).resolve())
    try:
        with open("/proc/mounts", encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 3:
                    continue
                mnt = parts[1].replace("\\040", " ")
                if (rp == mnt or rp.startswith(mnt.rstrip("/") + "/")) and len(mnt) > len(best):
                    best, fstype = mnt, parts[2]
    except OSError:
        pass
    return fstype


def _inside(a: Path, b: Path) -> bool:
    a, b = a.resolve(), b.resolve()
    return a == b or b in a.parents


def check_setup(roots: list[Path], workdir: Path, others: dict[str, Path]) -> None:
    """Refuse unsafe set-ups with a clear message."""
    for r in roots:
        if not r.is_dir():
            raise ConfigError(f"watched folder does not exist or is not a folder: {r}")
        mode = r.stat().st_mode
        if mode & stat.S_IWOTH:
            raise ConfigError(f"watched folder {r} is writable by everyone (mode {stat.filemode(mode)}): anyone on this "
                              "machine could drop or replace documents in it; restrict it (chmod o-w) first")
    for i, a in enumerate(roots):
        for b in roots[i + 1:]:
            if _inside(a, b) or _inside(b, a):
                raise ConfigError(f"watched folders overlap: {a} and {b}")
    for name, p in {"working directory": workdir, **others}.items():
        for r in roots:
            if _inside(p, r):
                raise ConfigError(f"the {name} {p} lies inside the watched folder {r}: ekte would watch its own output")
            if _inside(r, p):
                raise ConfigError(f"the watched folder {r} lies inside the {name} {p}")


def complete_as_type(path: Path) -> bool:
    """Does the file look whole for its type (a half-copied file does not)?"""
    try:
        size = path.stat().st_size
        if size == 0:
            return True  # settled as "empty" by intake
        with open(path, "rb") as f:
            head = f.read(2048)
            f.seek(max(0, size - 2048))
            tail = f.read()
    except OSError:
        return False
    mt = intake.sniff(head)
    if mt == intake.PDF:
        return b"%%EOF" in tail
    if mt == intake.JPEG:
        return tail.rstrip(b"\0\r\n ").endswith(b"\xff\xd9")
    if mt == intake.PNG:
        return b"IEND" in tail[-16:]
    if mt == intake.TIFF:
        try:
            from PIL import Image

            with Image.open(path) as im:
                for i in range(getattr(im, "n_frames", 1)):
                    im.seek(i)
                im.load()
            return True
        except Exception:  # noqa: BLE001 - not readable yet
            return False
    return True  # unknown type: intake will say so


def open_for_writing(paths: set[str]) -> set[str]:
    """Which of *paths* some process on this machine holds open for writing
    (from /proc/*/fd and fdinfo; processes we may not inspect are skipped)."""
    if not paths:
        return set()
    busy: set[str] = set()
    own = str(os.getpid())
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit() and p != own]
    except OSError:
        return busy
    for pid in pids:
        fd_dir = f"/proc/{pid}/fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"{fd_dir}/{fd}")
            except OSError:
                continue
            if target in paths:
                try:
                    with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as fi:
                        flags = next((int(line.split()[1], 8) for line in fi if line.startswith("flags:")), 0)
                except (OSError, ValueError):
                    flags = 1
                if flags & (os.O_WRONLY | os.O_RDWR):
                    busy.add(target)
    return busy


@dataclass
class Candidate:
    size: int
    mtime_ns: int
    since: float  # when size/mtime were last seen to change
    first_seen: float


@dataclass
class Stats:
    started: str = field(default_factory=now_iso)
    done: int = 0
    failed: int = 0
    duplicates: int = 0
    review: int = 0
    export_failed: int = 0
    last_errors: deque = field(default_factory=lambda: deque(maxlen=10))
    last_activity: str | None = None


class Watcher:
    def __init__(self, pipeline: Pipeline, roots: list[Path], *, polling: bool | None = None,
                 stable_seconds: float | None = None, rescan_seconds: float | None = None,
                 grace_seconds: float | None = None, done_dir: Path | None = None) -> None:
        self.p = pipeline
        ws = pipeline.profile.watch
        self.roots = [Path(r).resolve() for r in roots]
        self.stable = ws.stable_seconds if stable_seconds is None else stable_seconds
        self.rescan_every = ws.rescan_minutes * 60 if rescan_seconds is None else rescan_seconds
        self.grace = ws.grace_seconds if grace_seconds is None else grace_seconds
        self.after = ws.after_export
        wd = pipeline.workdir.resolve()
        dd = done_dir or (Path(ws.done_dir) if ws.done_dir else wd / "done")
        self.done_dir = dd if dd.is_absolute() else wd / dd
        others = {"done folder": self.done_dir}
        for c in pipeline.connectors:
            root = c.root()
            if root is not None:
                others[f"export folder of connector '{c.name}'"] = root
        check_setup(self.roots, wd, others)
        fs = {str(r): filesystem_type(r) for r in self.roots}
        network = [r for r, t in fs.items() if t in NETWORK_FS]
        self.polling = bool(polling) or bool(network)
        if network and not polling:
            log.info("network file system under %s: polling instead of inotify", ", ".join(network))
        self.packages: dict[str, dict[str, Any]] = {}  # container path -> parts left, all ok, staging
        self.part_tasks: deque[tuple[str, tuple[Document, Path]]] = deque()  # parts waiting for a worker
        self.candidates: dict[str, Candidate] = {}
        self.in_flight: dict[str, str] = {}  # path -> doc id
        self.settled: set[tuple[str, int, int]] = set()  # (path, size, mtime) already taken
        self.lock = threading.Lock()
        self.stats = Stats()
        self.stop_requested = False
        self.mode = "polling" if self.polling else "inotify"

    # -- file events (watchdog threads) ----------------------------------------
    def _ignored(self, path: Path) -> bool:
        ign = self.p.profile.intake.ignore
        for r in self.roots:
            try:
                rel = path.relative_to(r)
            except ValueError:
                continue
            return any(intake.is_ignored(part, ign) for part in rel.parts)
        return True

    def _package_dir(self, p: Path) -> Path | None:
        """The folder below a watched root that an intake source claims as
        a package and that holds *p*, if any."""
        if not self.p.sources:
            return None
        for parent in p.parents:
            if parent in self.roots or not any(r in parent.parents for r in self.roots):
                return None
            if self.p.source_for(parent) is not None:
                return parent
        return None

    @staticmethod
    def _stat_unit(p: Path) -> tuple[int, int]:
        """(size, mtime) of a file, or the sum/max over a package folder."""
        if p.is_dir():
            size, mtime = 0, p.stat().st_mtime_ns
            for f in p.rglob("*"):
                if f.is_file():
                    st = f.stat()
                    size, mtime = size + st.st_size, max(mtime, st.st_mtime_ns)
            return size, mtime
        st = p.stat()
        return st.st_size, st.st_mtime_ns

    def notice(self, path: str) -> None:
        p = Path(path)
        if self._ignored(p):
            return
        pkg = self._package_dir(p)
        if pkg is not None:  # a file of a package folder: the folder is the unit
            p, path = pkg, str(pkg)
        try:
            if pkg is not None:
                size, mtime = self._stat_unit(p)
            else:
                st = p.stat()
                if not stat.S_ISREG(st.st_mode):
                    return
                size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            with self.lock:
                self.candidates.pop(path, None)
            return
        now = time.monotonic()
        with self.lock:
            if path in self.in_flight or (path, size, mtime) in self.settled:
                return
            c = self.candidates.get(path)
            if c is None:
                self.candidates[path] = Candidate(size, mtime, now, now)
            elif (c.size, c.mtime_ns) != (size, mtime):
                c.size, c.mtime_ns, c.since = size, mtime, now

    def rescan(self) -> None:
        for f in intake.walk(self.roots, self.p.profile.intake.ignore, [self.p.workdir, self.done_dir]):
            self.notice(str(f))

    def _start_observer(self) -> Any:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                if event.is_directory:
                    if event.event_type in ("created", "moved"):
                        d = getattr(event, "dest_path", "") or event.src_path
                        for f in intake.walk([Path(d)], watcher.p.profile.intake.ignore):
                            watcher.notice(str(f))
                    return
                if event.event_type == "moved":
                    watcher.notice(event.dest_path)
                    with watcher.lock:
                        watcher.candidates.pop(event.src_path, None)
                elif event.event_type == "deleted":
                    with watcher.lock:
                        watcher.candidates.pop(event.src_path, None)
                else:
                    watcher.notice(event.src_path)

        obs = PollingObserver(timeout=1.0) if self.polling else Observer()
        for r in self.roots:
            obs.schedule(Handler(), str(r), recursive=True)
        obs.start()
        return obs

    # -- taking files --------------------------------------------------------------
    def ready(self) -> list[str]:
        """Candidates whose size and mtime have been still long enough, that
        look complete and that nobody holds open for writing."""
        now = time.monotonic()
        out = []
        with self.lock:
            due = [(p, c) for p, c in self.candidates.items() if now - c.since >= self.stable]
        if not due:
            return []
        files = set()
        for p, _ in due:
            files |= {str(f) for f in Path(p).rglob("*") if f.is_file()} if Path(p).is_dir() else {p}
        busy_files = open_for_writing(files)
        for p, c in due:
            path = Path(p)
            try:
                size, mtime = self._stat_unit(path)
            except OSError:
                with self.lock:
                    self.candidates.pop(p, None)
                continue
            if (size, mtime) != (c.size, c.mtime_ns):
                with self.lock:
                    c.size, c.mtime_ns, c.since = size, mtime, now
                continue
            if p in busy_files or (path.is_dir() and any(f.startswith(p + os.sep) for f in busy_files)):
                continue
            if path.is_file() and not complete_as_type(path) and now - c.first_seen < max(60.0, 20 * self.stable):
                continue  # still arriving (or broken: then it is taken after a while and quarantined)
            with self.lock:
                self.candidates.pop(p, None)
                self.settled.add((p, size, mtime))
            out.append(p)
        return sorted(out)

    def after_done(self, doc: Document, src: Path | None) -> None:
        """Clear the inbox: move/delete after success, remove after quarantine."""
        with self.lock:
            self.in_flight.pop(str(src), None)
        st = doc.status
        self.stats.last_activity = now_iso()
        if st == Status.QUARANTINED:
            self.stats.failed += 1
            self.stats.last_errors.append({"time": now_iso(), "id": doc.id, "code": doc.error.code if doc.error else ""})
        elif st == Status.DUPLICATE:
            self.stats.duplicates += 1
        elif st == Status.REVIEW:
            self.stats.review += 1
        elif st == Status.EXPORT_FAILED:
            # archived; the file stays in the inbox, so the next rescan
            # takes it again and retries the export (nothing is archived twice)
            self.stats.export_failed += 1
            self.stats.last_errors.append({"time": now_iso(), "id": doc.id, "code": "export_failed"})
        else:
            self.stats.done += 1
        pkg = (self.p.given.get(str(src)) or {}).get("package") if src is not None else None
        if pkg:
            self._part_done(pkg, str(src), st)
            return
        if src is None or not src.exists():
            return
        try:
            if st in (Status.ARCHIVED, Status.DUPLICATE, Status.REVIEW):
                # the original bytes are safe in the archive
                if self.after == "delete":
                    os.unlink(src)
                else:
                    self._move(src, self.done_dir)
            elif st == Status.QUARANTINED:
                qdir = self.p.workdir / "quarantine" / doc.id
                copies = list(qdir.glob("original.*"))
                if copies and fsutil.sha256_file(copies[0]) == doc.sha256 and fsutil.sha256_file(src) == doc.sha256:
                    os.unlink(src)
                else:
                    self._move(src, self.p.workdir / "quarantine" / doc.id / "inbox")
        except OSError as e:
            log.warning("doc %s: input file could not be cleared from the inbox (%s)", doc.id, e.strerror)
        with self.lock:
            self.settled = {s for s in self.settled if s[0] != str(src)}

    def _retry_exports(self) -> None:
        """Archived documents whose export failed (or was cut short) whose
        file is no longer in the inbox: deliver them now."""
        try:
            self.p.retry_exports()
        except Exception as e:  # noqa: BLE001 - the daemon keeps running
            log.warning("retrying pending exports failed: %s", type(e).__name__)

    def _forget(self, path: str) -> None:
        """Drop what we know about a file so that it is taken again later."""
        with self.lock:
            self.in_flight.pop(path, None)
            self.settled = {s for s in self.settled if s[0] != path}

    def _admit_package(self, path: str, run_id: int) -> None:
        """A container an intake source claims: unpack it and queue its
        parts (they start as workers become free); the container leaves the
        inbox when all its parts are done."""
        p = self.p
        staging = Path(tempfile.mkdtemp(prefix="ekte-watch-pkg-"))
        parts = p.expand(Path(path), staging, run_id, self.after_done)
        with self.lock:
            self.packages[path] = {"left": len(parts), "ok": True, "staging": staging}
        if not parts:
            self._package_finished(path)
            return
        for part in parts:
            task = p.admit(part, run_id, self.after_done, seen={})
            if task is not None:
                self.part_tasks.append((str(part), task))

    def _submit(self, key: str, task: tuple[Document, Path], pool: WorkerPool) -> bool:
        """Start a worker for *task*; False (and *key* forgotten, so that it
        is taken again later) when none could be started."""
        with self.lock:
            self.in_flight[key] = task[0].id
        try:
            pool.submit(*task)
            return True
        except (OSError, EOFError, ValueError) as e:
            # no worker could be started (shutting down?): leave the file for later
            log.warning("doc %s: no worker could be started (%s)", task[0].id, type(e).__name__)
            self._forget(key)
            return False

    def _part_done(self, pkg: str, part: str, st: Status | None) -> None:
        with self.lock:
            info = self.packages.get(pkg)
            if info is None:
                return
            info["left"] -= 1
            if st not in (Status.ARCHIVED, Status.DUPLICATE, Status.REVIEW):
                info["ok"] = False
            finished = info["left"] <= 0
        self.p.given.pop(part, None)
        if finished:
            self._package_finished(pkg)

    def _package_finished(self, pkg: str) -> None:
        with self.lock:
            info = self.packages.pop(pkg, {"ok": False, "staging": None})
            self.settled = {s for s in self.settled if s[0] != pkg}
        if info.get("staging"):
            shutil.rmtree(info["staging"], ignore_errors=True)
        src = Path(pkg)
        if not src.exists():
            return
        try:
            if info["ok"]:
                if self.after == "delete":
                    shutil.rmtree(src) if src.is_dir() else os.unlink(src)
                else:
                    self._move(src, self.done_dir)
            else:
                # some part was quarantined or not exported: the parts that were
                # archived are safe; keep the container for inspection
                self._move(src, self.p.workdir / "quarantine" / "packages")
        except OSError as e:
            log.warning("package could not be cleared from the inbox (%s)", e.strerror)

    def _move(self, src: Path, dest_root: Path) -> None:
        target = fsutil.free_target(src, self.roots, dest_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(src, target)  # same file system: atomic
        except OSError:
            fsutil.copy_file(src, target)
            os.unlink(src)

    # -- status ------------------------------------------------------------------------
    def write_status(self, pool: WorkerPool | None, queue_len: int) -> None:
        with self.lock:
            waiting = len(self.candidates)
        fsutil.write_json(self.p.workdir / STATUS_FILE, {
            "pid": os.getpid(), "started": self.stats.started, "updated": now_iso(), "mode": self.mode,
            "watching": [str(r) for r in self.roots], "stable_seconds": self.stable,
            "queue": waiting + queue_len, "waiting_for_stability": waiting, "queued": queue_len,
            "in_flight": pool.running if pool else 0,
            "done": self.stats.done, "failed": self.stats.failed, "duplicates": self.stats.duplicates,
            "review": self.stats.review, "export_failed": self.stats.export_failed,
            "last_errors": list(self.stats.last_errors),
            "last_activity": self.stats.last_activity, "stopping": self.stop_requested,
        })

    # -- the loop --------------------------------------------------------------------
    def run(self) -> int:
        p = self.p
        from ekte.stages.ocr import check_dependencies

        check_dependencies(p.params.language)
        os.environ["OMP_THREAD_LIMIT"] = "1"

        def on_signal(signum: int, frame: Any) -> None:
            if not self.stop_requested:
                log.info("signal %s: no new files; finishing documents in flight (at most %s s)", signum, self.grace)
            self.stop_requested = True
            if self._pool is not None:
                self._pool.stopping = True

        self._pool: WorkerPool | None = None
        old = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        with p:
            run_id = p.journal.start_run("watch")
            self.done_dir.mkdir(parents=True, exist_ok=True)
            obs = self._start_observer()
            log.info("watching %d folder(s) (%s), stable after %s s", len(self.roots), self.mode, self.stable)
            pool = WorkerPool(p, self.after_done, workers=p.jobs, per_doc_jobs=1)
            self._pool = pool
            queue: deque[str] = deque()
            self.rescan()
            last_rescan = time.monotonic()
            last_status = 0.0
            try:
                while not self.stop_requested:
                    for path in self.ready():
                        queue.append(path)
                    while self.part_tasks and pool.free and not self.stop_requested:
                        if not self._submit(*self.part_tasks.popleft(), pool):
                            break
                    while queue and pool.free and not self.part_tasks and not self.stop_requested:
                        path = queue.popleft()
                        if not Path(path).exists():
                            continue
                        self.stats.last_activity = now_iso()
                        if p.sources and p.source_for(Path(path)) is not None:
                            self._admit_package(path, run_id)
                            continue
                        task = p.admit(Path(path), run_id, self.after_done, seen={})
                        if task is not None and not self._submit(path, task, pool):
                            break
                    pool.poll(0.2)
                    for doc, src in pool.abandoned:
                        self._forget(str(src))
                    pool.abandoned.clear()
                    now = time.monotonic()
                    if not queue and not self.part_tasks and not pool.running and p._groups:
                        p.flush_groups()  # idle: groups that waited for more documents go now
                    if self.rescan_every and now - last_rescan >= self.rescan_every:
                        self.rescan()
                        if not pool.running:
                            self._retry_exports()
                        last_rescan = now
                    if now - last_status >= 1.0:
                        self.write_status(pool, len(queue))
                        last_status = now
                # stopping: no new files; let the ones in flight finish for a while
                deadline = time.monotonic() + self.grace
                while pool.running and time.monotonic() < deadline:
                    pool.poll(0.2)
                    self.write_status(pool, len(queue))
                if pool.running:
                    log.info("%d document(s) abandoned; the next start completes them", pool.running)
                pool.kill_all()
            finally:
                obs.stop()
                obs.join(5)
                self.write_status(None, 0)
                p.journal.finish_run(run_id, {"done": self.stats.done, "failed": self.stats.failed})
                for s, h in old.items():
                    signal.signal(s, h)
        return 0


def read_status(workdir: Path) -> dict[str, Any]:
    """The daemon's status file plus whether the daemon is alive, and the journal's counts."""
    workdir = Path(workdir)
    out: dict[str, Any] = {"workdir": str(workdir), "running": False}
    f = workdir / STATUS_FILE
    if f.is_file():
        try:
            out.update(json.loads(f.read_text("utf-8")))
        except ValueError:
            pass
        pid = out.get("pid")
        alive = False
        if pid:
            try:
                os.kill(int(pid), 0)
                alive = True
            except (ProcessLookupError, PermissionError, ValueError):
                alive = False
        out["running"] = alive
    j = workdir / "journal.sqlite"
    if j.is_file():
        import sqlite3

        db = sqlite3.connect(f"file:{j}?mode=ro", uri=True, timeout=5)
        try:
            out["journal"] = dict(db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state").fetchall())
        finally:
            db.close()
    return out
