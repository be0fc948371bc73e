"""Failed logins, counted per user name and client address (fresh24 #4).

After ``FREE`` failures within ``WINDOW`` seconds, further logins of that
name from that address are refused (HTTP 429, even with the right password)
for a delay that doubles with every further failure — ``BASE`` seconds at
first, at most ``MAX_DELAY`` — the way Django-axes or fail2ban-style
throttles work: a person who mistyped waits a minute, a guesser is slowed to
a few tries an hour.  A successful login clears the count.

Decided for ux7: the count is kept in the journal (``login_failures``,
through :mod:`ekte.serve.shared`), so several ``ekte serve`` processes behind
one proxy share it and a restart does not forget it; a row is keyed by a
hash of the name and the address (neither is stored in clear) and dropped
when it no longer matters.  The lock is per (user, address), never per user
alone: a stranger's wrong passwords lock out that stranger's address, not
the clerk at her own desk.  Behind a reverse proxy every client has the
proxy's address, so the address is the one a ``--trusted-proxy`` appended to
``X-Forwarded-For`` (the same trust as its ``--proxy-header``); without such
a header all clients behind that proxy share one count — see README.  When
the journal stays busy longer than ``shared.BUSY_MS`` a failure is not
counted and a login is not held up (this never locks anybody out).

The log says that logins were refused and for how long, never the name or
the address: at most a short keyed hash (its key is made afresh per
process), so one run's lines about one name can be told apart."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from typing import Any, Callable

from ekte.serve.shared import SharedState

log = logging.getLogger("ekte.serve")

FREE = 5
WINDOW = 15 * 60.0
BASE = 60.0
MAX_DELAY = 60 * 60.0
_KEY = secrets.token_bytes(16)


def pseudonym(name: str) -> str:
    """A short keyed hash of a user name, for a log line (not reversible without this process's key)."""
    return hmac.new(_KEY, name.casefold().encode("utf-8"), hashlib.sha256).hexdigest()[:8]


def _key(name: str, client: str) -> str:
    return hashlib.sha256(f"{name.strip().casefold()}\0{client}".encode("utf-8")).hexdigest()


class LoginThrottle:
    def __init__(self, shared: SharedState, clock: Callable[[], float] = time.time) -> None:
        self.shared = shared
        self.clock = clock

    def wait(self, name: str, client: str) -> int:
        """Seconds until *name* may try again from *client* (0: now)."""
        rows = self.shared.read("SELECT until FROM login_failures WHERE key = ?", (_key(name, client),))
        left = (rows[0][0] if rows else 0.0) - self.clock()
        return max(0, int(left + 0.999))

    def failed(self, name: str, client: str) -> int:
        """Count a failure; the seconds the next try has to wait (0: none)."""
        key, now = _key(name, client), self.clock()

        def count(db: Any) -> tuple[int, float]:
            db.execute("DELETE FROM login_failures WHERE updated < ? AND until < ?", (now - WINDOW, now))
            row = db.execute("SELECT times FROM login_failures WHERE key = ?", (key,)).fetchone()
            times = [t for t in (json.loads(row[0]) if row else []) if now - t < WINDOW][-(FREE + 32):] + [now]
            over = len(times) - FREE
            delay = 0.0 if over < 0 else min(MAX_DELAY, BASE * 2 ** over)
            db.execute("INSERT INTO login_failures (key, times, until, updated) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET times = excluded.times, updated = excluded.updated, "
                       "until = CASE WHEN excluded.until > 0 THEN excluded.until ELSE login_failures.until END",
                       (key, json.dumps(times), now + delay if delay else 0.0, now))
            return len(times), delay

        n, delay = self.shared.write(count, (0, 0.0))
        if delay:
            log.warning("login: %d failed attempts within %d min for user %s from one client; refused for %d s",
                        n, WINDOW // 60, pseudonym(name), delay)
        return int(delay)

    def succeeded(self, name: str, client: str) -> None:
        self.shared.write(lambda db: db.execute("DELETE FROM login_failures WHERE key = ?", (_key(name, client),)),
                          None)
