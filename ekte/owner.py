"""Who a process is, and whether it is still alive.

Several ekte processes share a working directory.  Each one is an
*owner*: the host it runs on, the boot of that host, its pid and the time
the process started (so that a pid reused by an unrelated process after a
crash is not mistaken for the owner).  The owner's *token* names it in the
journal's claims, in its scratch folder ``<workdir>/tmp/<token>/`` and in
the names of its temporary files, using only ``[0-9a-z-]`` so that the
token is a safe file name on every file system (SMB shares included).
"""

from __future__ import annotations

import hashlib
import os
import socket
from dataclasses import dataclass
from functools import lru_cache

TOKEN_PARTS = 4  # host hash, boot, pid, start


@lru_cache(maxsize=1)
def boot_id() -> str:
    """The current boot of this host (changes at every reboot)."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            return f.read().strip().replace("-", "")[:8]
    except OSError:
        return "0"


@lru_cache(maxsize=1)
def host_name() -> str:
    return socket.gethostname()


def host_hash(host: str) -> str:
    return hashlib.sha256(host.encode("utf-8")).hexdigest()[:6]


def start_ticks(pid: int) -> int | None:
    """When process *pid* started (clock ticks since boot), or None when
    there is no such process or it is a zombie (dead, not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: split after the last ")"
    rest = stat[stat.rfind(b")") + 2:].split()
    if not rest or rest[0] in (b"Z", b"X"):
        return None
    try:
        return int(rest[19])  # field 22: starttime
    except (IndexError, ValueError):
        return None


def boot_time() -> float:
    """The wall-clock time of this boot (seconds since the epoch)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            for line in f:
                if line.startswith("btime "):
                    return float(line.split()[1])
    except OSError:
        pass
    return 0.0


def started_at(pid: int) -> float | None:
    """The wall-clock start time of process *pid* on this host."""
    ticks = start_ticks(pid)
    if ticks is None:
        return None
    return boot_time() + ticks / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Owner:
    host: str
    boot: str
    pid: int
    start: int

    @property
    def token(self) -> str:
        return f"{host_hash(self.host)}-{self.boot}-{self.pid}-{self.start}"

    @property
    def local(self) -> bool:
        return self.host == host_name() and self.boot == boot_id()

    def alive_here(self) -> bool:
        """True when this owner runs on this host and is still alive; for an
        owner on another host the answer comes from its lease (journal)."""
        return self.local and start_ticks(self.pid) == self.start

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}"


_current: tuple[int, Owner] | None = None


def current() -> Owner:
    """This process (recomputed after a fork)."""
    global _current
    pid = os.getpid()
    if _current is None or _current[0] != pid:
        _current = (pid, Owner(host_name(), boot_id(), pid, start_ticks(pid) or 0))
    return _current[1]


def parse_token(token: str) -> tuple[str, str, int, int] | None:
    """(host hash, boot, pid, start) of a token, or None if it is not one."""
    parts = token.split("-")
    if len(parts) != TOKEN_PARTS:
        return None
    hh, boot, pid, start = parts
    if not (hh.isalnum() and boot.isalnum() and pid.isdigit() and start.isdigit()):
        return None
    return hh, boot, int(pid), int(start)


def token_alive_here(token: str) -> bool | None:
    """Is the owner named by *token* alive?  True/False for owners on this
    host (this boot); None when the token names another host (or another
    boot of this one: then False) and only its lease can tell."""
    parsed = parse_token(token)
    if parsed is None:
        return False  # not an owner token: left by an older release
    hh, boot, pid, start = parsed
    if hh != host_hash(host_name()):
        return None
    if boot != boot_id():
        return False
    return start_ticks(pid) == start
