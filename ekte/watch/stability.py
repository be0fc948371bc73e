"""When is a file in an inbox complete?  When its size and mtime have not
changed for ``stable_seconds``, it is readable as its type, and no process
on this machine holds it open for writing.  A file that never completes
is taken after a while anyway (and quarantined by intake).

:class:`FileStabilityTracker` is the bookkeeping only (sightings in,
candidates out, with an injectable clock), so it can be tested on its own;
the file-system checks are the functions below it."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ekte.stages import intake, workpdf


@dataclass
class Sighting:
    size: int
    mtime_ns: int
    since: float  # when size/mtime were last seen to change
    first_seen: float


class FileStabilityTracker:
    """Thread-safe: watchdog threads call :meth:`observe`, the daemon's loop
    calls :meth:`due`, :meth:`confirm`, :meth:`take` and :meth:`release`."""

    def __init__(self, stable_seconds: float, *, give_up: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stable = stable_seconds
        self.give_up = give_up if give_up is not None else max(60.0, 20 * stable_seconds)
        self.clock = clock
        self._seen: dict[str, Sighting] = {}
        self._active: set[str] = set()  # taken, until released
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)

    def observe(self, key: str, size: int, mtime_ns: int) -> None:
        """A sighting (an event, a rescan).  A change restarts the wait."""
        now = self.clock()
        with self._lock:
            if key in self._active:
                return
            s = self._seen.get(key)
            if s is None:
                self._seen[key] = Sighting(size, mtime_ns, now, now)
            elif (s.size, s.mtime_ns) != (size, mtime_ns):
                s.size, s.mtime_ns, s.since = size, mtime_ns, now

    def forget(self, key: str) -> None:
        """Gone (deleted, moved away)."""
        with self._lock:
            self._seen.pop(key, None)

    def due(self) -> list[str]:
        """Candidates unchanged for ``stable_seconds``, oldest first."""
        now = self.clock()
        with self._lock:
            items = [(s.first_seen, k) for k, s in self._seen.items() if now - s.since >= self.stable]
        return [k for _t, k in sorted(items)]

    def confirm(self, key: str, size: int, mtime_ns: int) -> bool:
        """A fresh look at a due candidate: unchanged → True; changed → the
        wait starts again (False)."""
        now = self.clock()
        with self._lock:
            s = self._seen.get(key)
            if s is None:
                return False
            if (s.size, s.mtime_ns) != (size, mtime_ns):
                s.size, s.mtime_ns, s.since = size, mtime_ns, now
                return False
            return now - s.since >= self.stable

    def overdue(self, key: str) -> bool:
        """Waited so long that it is taken even if it looks incomplete."""
        with self._lock:
            s = self._seen.get(key)
            return s is not None and self.clock() - s.first_seen >= self.give_up

    def take(self, key: str) -> None:
        """Handed on: no longer a candidate; sightings are ignored until
        :meth:`release` (each file is queued once however many events come)."""
        with self._lock:
            self._seen.pop(key, None)
            self._active.add(key)

    def release(self, key: str) -> None:
        """Done with it (moved away, or left in place to be taken again)."""
        with self._lock:
            self._active.discard(key)

    def active(self, key: str) -> bool:
        with self._lock:
            return key in self._active


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
        return pdf_whole(path, tail)
    if mt == intake.JPEG:
        return tail.rstrip(b"\0\r\n ").endswith(b"\xff\xd9")
    if mt == intake.PNG:
        return b"IEND" in tail[-16:]
    if mt is None and head.startswith(b"PK\x03\x04"):  # ZIP (office documents, packages): its end record
        return b"PK\x05\x06" in tail
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


#: a PDF version (path, size, mtime) checked once: the daemon's loop asks about a waiting file every 0.2 s
_whole: dict[tuple[str, int, int], bool] = {}
#: what qpdf may take to read a waiting PDF (a crafted one costs that child, never the daemon: review40 R1)
QPDF_MEMORY, QPDF_SECONDS = 1 << 30, 30


def pdf_whole(path: Path, tail: bytes | None = None) -> bool:
    """Is a PDF whole as written: it ends as a whole one does (:func:`ekte.stages.workpdf.pdf_tail_whole`) and
    qpdf reads its pages without reconstructing the cross-reference (a copy cut after a linearized file's first
    part, or after an earlier revision, needs that) — qpdf in a child process with a memory and time limit,
    once per version of the file.  An encrypted PDF counts as whole (intake quarantines it as such).  *tail*: its
    last 2 KB when the caller read them already (:func:`complete_as_type`)."""
    try:
        st = path.stat()
        if tail is None:
            with open(path, "rb") as f:
                f.seek(max(0, st.st_size - 2048))
                tail = f.read()
    except OSError:
        return False
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _whole:
        if len(_whole) > 10_000:
            _whole.clear()
        _whole[key] = workpdf.pdf_tail_whole(tail) and _qpdf_reads(path)
    return _whole[key]


def _qpdf_reads(path: Path) -> bool:
    qpdf = shutil.which("qpdf")
    if qpdf is None:  # (the worker's intake still refuses a PDF that opens only repaired)
        return True
    limit = shutil.which("prlimit")
    cmd = ([limit, f"--as={QPDF_MEMORY}"] if limit else []) + [qpdf, "--show-npages", str(path)]
    try:
        r = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL, timeout=QPDF_SECONDS)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0 or b"invalid password" in r.stderr


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
            if target in paths and _writing(pid, fd):
                busy.add(target)
    return busy


def _writing(pid: str, fd: str) -> bool:
    try:
        with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as fi:
            flags = next((int(line.split()[1], 8) for line in fi if line.startswith("flags:")), 0)
    except (OSError, ValueError):
        flags = 1
    return bool(flags & (os.O_WRONLY | os.O_RDWR))


def stat_unit(p: Path) -> tuple[int, int]:
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


def files_of(keys: list[str]) -> set[str]:
    out: set[str] = set()
    for k in keys:
        p = Path(k)
        out |= {str(f) for f in p.rglob("*") if f.is_file()} if p.is_dir() else {k}
    return out


def ready(tracker: FileStabilityTracker) -> list[str]:
    """The candidates that are complete now: stable, whole for their type,
    not open for writing (checked together, one /proc scan).  Each is taken."""
    due = tracker.due()
    if not due:
        return []
    busy = open_for_writing(files_of(due))
    out = []
    for k in due:
        p = Path(k)
        try:
            size, mtime = stat_unit(p)
        except OSError:
            tracker.forget(k)
            continue
        if not tracker.confirm(k, size, mtime):
            continue
        if k in busy or (p.is_dir() and any(f.startswith(k + os.sep) for f in busy)):
            continue
        if p.is_file() and not complete_as_type(p) and not tracker.overdue(k):
            continue  # still arriving (or broken: then it is taken after a while and quarantined)
        tracker.take(k)
        out.append(k)
    return sorted(out)
