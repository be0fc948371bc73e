"""A circuit breaker for a connector that talks to a server (CMIS).

A DMS that refuses connections or does not answer costs every document
its retries with back-off (2 + 4 + 8 s by default): 10,000 documents
would wait for days.  After ``failures`` connection failures in a row
(any documents; a document's retries count) the breaker *opens*: for
``cooldown`` seconds every export to that connector fails at once,
without a request and without retries (the error is not transient), so
archiving goes on at full speed and the documents stay ``export_failed``
for the next run, ``ekte export`` or the daemon's next retry.  After the
cool-down one request is let through: an answer closes the breaker, a
failure opens it again at once.  One breaker per connector object, i.e.
per connector and run (the watch daemon keeps its connectors: there the
cool-down is what brings the DMS back into use).

Only connection trouble counts (refused, reset, DNS, TLS, time-outs): a
server that answers — even with 500 or 401 — is reachable, and its
answer closes the breaker."""

from __future__ import annotations

import logging
import time

from ekte.connectors.base import ExportError

log = logging.getLogger("ekte")


class Breaker:
    def __init__(self, name: str, failures: int = 3, cooldown: float = 300.0,
                 kind: str = "connection failures") -> None:
        self.name, self.failures, self.cooldown = name, max(1, int(failures)), float(cooldown)
        self.kind = kind  # what is counted, in messages
        self.in_a_row = 0
        self.open_until: float | None = None  # monotonic time; None: closed (or half-open)
        self.tripped = False  # opened since the server last answered
        self.why = ""

    def check(self) -> None:
        """Before a request: raise while open (not transient: no retries)."""
        if self.open_until is None:
            return
        left = self.open_until - time.monotonic()
        if left > 0:
            raise ExportError(f"{self.why}; connector {self.name} paused after {self.in_a_row} {self.kind} "
                              f"in a row (tried again in {left:.0f} s; the document is exported by a later run or "
                              "`ekte export`)")
        self.open_until = None  # half-open: this one request is let through; a failure opens it again at once
        self.in_a_row = self.failures - 1

    def failed(self, why: str) -> ExportError:
        """A connection failure: the error to raise (transient while the breaker stays closed)."""
        self.in_a_row += 1
        self.why = why
        if self.in_a_row < self.failures:
            return ExportError(why, transient=True)
        self.open_until, self.tripped = time.monotonic() + self.cooldown, True
        log.warning("connector %s: %d %s in a row (%s); no exports to it for %.0f s",
                    self.name, self.in_a_row, self.kind, why, self.cooldown)
        return ExportError(f"{why}; connector {self.name} paused for {self.cooldown:.0f} s after {self.in_a_row} "
                           f"{self.kind} in a row")

    def answered(self) -> None:
        """The server answered (whatever it said): closed again."""
        if self.tripped:
            log.warning("connector %s: reachable again; exports resume", self.name)
        self.in_a_row, self.open_until, self.tripped = 0, None, False
