"""The station: what the server process keeps while it runs — the profile,
one registered pipeline session (its claims, heartbeat, connectors) for the
actions, read-only journal connections per thread for the pages, the
users, and the quarantine retries it started (with their outcomes).

Reads never take a lock (WAL); an action runs through the pipeline's
review operations under the document's claim, in short transactions, so
``ekte watch`` on the same working directory is never held up."""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ekte import fsutil
from ekte.errors import ConfigError, EnvironmentFailure
from ekte.journal import JOURNAL_FILE, QUARANTINED, Journal
from ekte.pipeline import Pipeline
from ekte.pipeline import queue as q
from ekte.serve.presence import Presence
from ekte.serve.shared import SharedState
from ekte.users import Users

log = logging.getLogger("ekte.serve")


class Station:
    def __init__(self, profile: Any, workdir: Path, *, connectors: list[str] | None = None,
                 plugins: list[str] | None = None, proxy_header: str | None = None,
                 trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1"), secure_cookies: bool = False,
                 overrides: list[str] | None = None) -> None:
        self.profile = profile
        self.overrides = list(overrides or [])  # passed on to the ingest of a quarantine retry
        self.workdir = Path(workdir)
        self.pipeline = Pipeline(profile, self.workdir, connectors=connectors, plugins=plugins)
        self.plugins = list(plugins or [])
        self.connector_names = list(connectors or [])
        self.users = Users(self.workdir)
        self.proxy_header = proxy_header
        self.trusted_proxies = trusted_proxies
        self.secure_cookies = secure_cookies
        self._local = threading.local()
        self._action = threading.Lock()
        self.retries: dict[str, Any] = {}  # document id → its retry (ekte.serve.retries.Retry), newest kept
        self.intake: Any = None  # the API intake (ekte.serve.intake_runner), started by open()
        self.shared: SharedState | None = None  # state shared with other ekte serve processes (opened by open())
        self.presence: Presence | None = None  # who has a document open (a notice, never a lock)

    def open(self) -> "Station":
        self.pipeline.open("ekte serve")  # migrates the journal: the shared tables below exist from here
        self.shared = SharedState(self.workdir / JOURNAL_FILE)
        self.presence = Presence(self.shared)
        (self.workdir / "cache").mkdir(exist_ok=True)
        from ekte.serve.intake_runner import ApiIntake

        self.intake = ApiIntake(self)
        self.intake.start()
        return self

    def stop_retries(self, hurry: threading.Event | None = None) -> None:
        """The running retries stopped and their ends recorded (:func:`ekte.serve.retries.stop_all`; *hurry*: a
        second Ctrl-C or SIGTERM came)."""
        from ekte.serve.retries import stop_all

        stop_all([r for r in list(self.retries.values()) if r.running and r.proc is not None and not r.killed], hurry)

    def close(self, hurry: threading.Event | None = None) -> None:
        """The running retries stopped (:meth:`stop_retries`), then the intake, the pipeline and the shared state
        closed."""
        self.stop_retries(hurry)
        if self.intake is not None:
            self.intake.stop()
        self.pipeline.close()
        if self.shared is not None:
            self.shared.close()

    # -- reading: a read-only connection per thread
    @property
    def reader(self) -> Journal:
        j = getattr(self._local, "j", None)
        if j is None:
            j = self._local.j = Journal(self.workdir / JOURNAL_FILE, readonly=True)
        return j

    # -- acting: the pipeline's review operations, one at a time in this process
    @contextmanager
    def acting(self) -> Iterator[Any]:
        with self._action:
            yield self.pipeline

    def title(self, doctype: str | None) -> str:
        return self.profile.doctype_title(doctype) if doctype else ""

    def doctypes(self) -> list[tuple[str, str]]:
        return [(k, d.title) for k, d in self.profile.doctypes.items()]

    # -- quarantine
    def retry(self, doc_id: str, actor: str) -> str:
        """Process a quarantined original again (:mod:`ekte.serve.retries`):
        its outcome is kept in :attr:`retries` for the clerk.  Returns the
        document's whole id (*doc_id* may be a prefix)."""
        from ekte.pipeline.review import detail
        from ekte.serve import retries

        row = q.resolve(self.reader, doc_id)
        if row["state"] != QUARANTINED:
            raise q.Conflict(f"document {row['id']} is not in quarantine (state: {row['state']})")
        entry = q.quarantine_entry(self.workdir, row["id"])
        if entry["original"] is None:
            raise q.Conflict(f"document {row['id']}: the quarantine holds no original to process again")
        if row["id"] in self.retries and self.retries[row["id"]].running:
            raise q.Conflict(f"document {row['id']} is being processed again already")
        try:
            copy, cause = retries.prepare(row, entry, self.pipeline.scratch), None
        except EnvironmentFailure as e:  # no room for the copy in the working directory: failed at once
            copy, cause = None, e
        with self.acting() as p:
            p.j.event(row["id"], "quarantine", "retry", detail(actor))
        self.retries[row["id"]] = retries.start(self, row["id"], copy, actor) if copy else \
            retries.failed(self, row["id"], actor, cause)
        for old in sorted((r for r in self.retries.values() if not r.running), key=lambda r: r.started)[:-retries.KEEP]:
            self.retries.pop(old.doc_id, None)
        return row["id"]

    def original(self, doc_id: str) -> tuple[Path, str] | None:
        """The quarantined original of *doc_id* (a regular file, never a link
        placed there) and the name to download it under; None without one."""
        import stat

        row = q.resolve(self.reader, doc_id)
        found = q.quarantine_entry(self.workdir, row["id"])["original"]
        try:
            regular = found is not None and stat.S_ISREG(os.lstat(found).st_mode)
        except OSError:
            regular = False
        return (found, f"{row['id']}{found.suffix or '.bin'}") if regular else None

    def release(self, doc_id: str, note: str, actor: str) -> str:
        """Close a quarantine entry with a note (handled outside ekte); the
        original stays in the quarantine folder; the same file delivered
        again is processed again.  Returns the whole id."""
        from ekte.journal.claims import doc_key
        from ekte.pipeline.review import detail

        if not (note or "").strip():
            raise ConfigError("a release needs a note")
        with self.acting() as p:
            row = q.resolve(p.j, doc_id)
            if p.j.wait_claim(doc_key(row["sha256"]), 10) is not None:
                raise q.Conflict(f"document {row['id']} is being worked on by another ekte process")
            try:
                row = p.j.get(row["sha256"])
                if row["state"] != QUARANTINED:
                    raise q.Conflict(f"document {row['id']} is not in quarantine (state: {row['state']})")
                folder = self.workdir / "quarantine" / row["id"]
                if folder.is_dir():  # on disk too: ekte journal rebuild keeps it released
                    fsutil.write_json(folder / "released.json", {"id": row["id"], "by": actor})
                p.j.set_state(row["sha256"], q.RELEASED, event=("quarantine", "released", detail(actor, note=note)))
            finally:
                p.j.release(doc_key(row["sha256"]))
        return row["id"]
