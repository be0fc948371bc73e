"""What the daemon checks before it watches: set-ups that would make it
ingest its own output or take files from a share anyone can write to, and
folders another daemon watches already.

One daemon per watched folder: the daemon holds an exclusive ``flock`` on
each watched folder itself (no file is written into the inbox), so a
second daemon — with this working directory or another — is refused with
the first one named (pid, host, since when; from ``/proc/locks``).  A
folder inside, or around, a watched one counts as the same."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

from ekte import owner as owners
from ekte.errors import ConfigError

NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs",
              "fuse.glusterfs", "davfs", "fuse.davfs2", "ncpfs", "fuse.rclone", "virtiofs"}


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


def inside(a: Path, b: Path) -> bool:
    a, b = Path(a).resolve(), Path(b).resolve()
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
            if inside(a, b) or inside(b, a):
                raise ConfigError(f"watched folders overlap: {a} and {b}")
    for name, p in {"working directory": workdir, **others}.items():
        for r in roots:
            if inside(p, r):
                raise ConfigError(f"the {name} {p} lies inside the watched folder {r}: ekte would watch its own output")
            if inside(r, p):
                raise ConfigError(f"the watched folder {r} lies inside the {name} {p}")


def _lock_id(st: os.stat_result) -> str:
    return f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"


def exclusive_flocks() -> dict[str, int]:
    """{"maj:min:inode": pid} of every exclusive flock on this host."""
    out: dict[str, int] = {}
    try:
        with open("/proc/locks", encoding="ascii") as f:
            for line in f:
                parts = line.split()
                if "->" in parts:
                    continue  # a waiter, not a holder
                if len(parts) >= 6 and parts[1] == "FLOCK" and parts[3] == "WRITE" and parts[4].isdigit():
                    out[parts[5]] = int(parts[4])
    except OSError:
        pass
    return out


def _who(pid: int | None) -> str:
    if not pid:
        return "another process"
    since = owners.started_at(pid)
    when = ""
    if since is not None:
        import datetime as dt

        when = ", since " + dt.datetime.fromtimestamp(since, dt.timezone.utc).astimezone().isoformat(timespec="seconds")
    return f"pid {pid} on {owners.host_name()}{when}"


class InboxLocks:
    """Exclusive flocks on the watched folders, held while the daemon runs."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [Path(r).resolve() for r in roots]
        self.fds: list[int] = []

    def acquire(self) -> "InboxLocks":
        try:
            for r in self.roots:
                self._check_around(r)
                fd = os.open(r, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    pid = exclusive_flocks().get(_lock_id(os.stat(r)))
                    raise ConfigError(f"the folder {r} is already watched by another ekte daemon ({_who(pid)})") from None
                except OSError:
                    os.close(fd)  # a file system without flock on folders: nothing to hold
                    continue
                self.fds.append(fd)
        except BaseException:
            self.release()
            raise
        return self

    def _check_around(self, root: Path) -> None:
        held = exclusive_flocks()
        if not held:
            return
        for parent in root.parents:
            try:
                pid = held.get(_lock_id(os.stat(parent)))
            except OSError:
                continue
            if pid and pid != os.getpid():
                raise ConfigError(f"the folder {root} lies inside {parent}, which another ekte daemon watches ({_who(pid)})")
        for dirpath, dirnames, _files in os.walk(root):
            for d in dirnames:
                try:
                    pid = held.get(_lock_id(os.stat(os.path.join(dirpath, d), follow_symlinks=False)))
                except OSError:
                    continue
                if pid and pid != os.getpid():
                    raise ConfigError(f"the folder {os.path.join(dirpath, d)} inside {root} is watched by another "
                                      f"ekte daemon ({_who(pid)})")

    def release(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds = []
