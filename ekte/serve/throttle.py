"""Failed logins, counted per user name and client (fresh24 #4).

After ``FREE`` failures within ``WINDOW`` seconds, further logins of that
name from that client are refused (HTTP 429, even with the right password)
for a delay that doubles with every further failure — ``BASE`` seconds at
first, at most ``MAX_DELAY`` — the way Django-axes or fail2ban-style
throttles work: a person who mistyped waits a minute, a guesser is slowed to
a few tries an hour.  A successful login clears the count.

Kept in the server's memory (one ``ekte serve`` process; a restart forgets
it).  The log says that logins were refused and for how long, never the name
or the address: at most a short keyed hash (its key is made afresh per
process), so one run's lines about one name can be told apart."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from typing import Callable

log = logging.getLogger("ekte.serve")

FREE = 5
WINDOW = 15 * 60.0
BASE = 60.0
MAX_DELAY = 60 * 60.0
_KEY = secrets.token_bytes(16)


def pseudonym(name: str) -> str:
    """A short keyed hash of a user name, for a log line (not reversible without this process's key)."""
    return hmac.new(_KEY, name.casefold().encode("utf-8"), hashlib.sha256).hexdigest()[:8]


class LoginThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._until: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(name: str, client: str) -> tuple[str, str]:
        return name.strip().casefold(), client

    def wait(self, name: str, client: str) -> int:
        """Seconds until *name* may try again from *client* (0: now)."""
        with self._lock:
            left = self._until.get(self._key(name, client), 0.0) - self.clock()
        return max(0, int(left + 0.999))

    def failed(self, name: str, client: str) -> int:
        """Count a failure; the seconds the next try has to wait (0: none)."""
        key, now = self._key(name, client), self.clock()
        with self._lock:
            times = [t for t in self._failures.get(key, []) if now - t < WINDOW] + [now]
            self._failures[key] = times
            over = len(times) - FREE
            if over < 0:
                return 0
            delay = min(MAX_DELAY, BASE * 2 ** over)
            self._until[key] = now + delay
            if len(self._failures) > 10000:  # bounded memory: forget the oldest names
                for k in list(self._failures)[:1000]:
                    self._failures.pop(k, None)
                    self._until.pop(k, None)
        log.warning("login: %d failed attempts within %d min for user %s from one client; refused for %d s",
                    len(times), WINDOW // 60, pseudonym(name), delay)
        return int(delay)

    def succeeded(self, name: str, client: str) -> None:
        with self._lock:
            key = self._key(name, client)
            self._failures.pop(key, None)
            self._until.pop(key, None)
