"""Sessions ended by a logout, server-side (fresh42 F2: a copied session cookie kept working for its 12 h after
the clerk logged out — the cookie is signed, and logout only cleared the browser's copy).

Every login gives its session a random id (``sid``); logout records a hash of that id until the cookie would
have expired anyway, and a session whose id is recorded is no session.  The record lives in the journal's
``login_failures`` table (:mod:`ekte.serve.shared`, a key ``logout:<hash>`` that no throttle key can be; its
``until`` the session's end, after which the throttle's own clean-up drops it), so every ``ekte serve`` process
on the working directory and a restart know it.  When the journal stays busy the logout is not recorded (one log
line; the browser's copy is cleared as before)."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time

from ekte.serve.shared import SharedState

log = logging.getLogger("ekte.serve")

SESSION_SECONDS = 12 * 3600


def new_sid() -> str:
    return secrets.token_urlsafe(16)


def _key(sid: str) -> str:
    return "logout:" + hashlib.sha256(sid.encode("utf-8", "replace")).hexdigest()


def end(shared: SharedState | None, sid: str) -> None:
    if shared is None:
        return
    now = time.time()
    done = shared.write(lambda db: db.execute(
        "INSERT OR REPLACE INTO login_failures (key, times, until, updated) VALUES (?, '[]', ?, ?)",
        (_key(sid), now + SESSION_SECONDS, now)) and True, False)
    if not done:
        log.warning("logout: the session's end was not recorded (journal busy); its cookie stays valid until it "
                    "expires")


def ended(shared: SharedState | None, sid: str) -> bool:
    return shared is not None and bool(shared.read("SELECT 1 FROM login_failures WHERE key = ?", (_key(sid),)))
