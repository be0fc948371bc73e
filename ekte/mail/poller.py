"""Polling the IMAP folder of ``[intake.mail]``: each message is taken
exactly once — by the SHA-256 of its Message-ID and of its bytes, recorded
in the journal (``mail_messages``) and claimed there while it is worked
on — and handed to the coordinator as the work items of one Vorgang
(:class:`ekte.mail.source.MailSource`).  When every document of a message
is settled, the journal says ``done`` (every document archived or already
known) or ``failed`` (unreadable, too large, or a document quarantined);
the next poll moves it to ``processed_folder`` or ``failed_folder``.  A
message found in the folder that the journal knows as finished (a crash
before the move, a copy delivered again) is only moved."""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ekte.connectors.common import secret
from ekte.errors import ConfigError
from ekte.journal.mail import DONE, FAILED, PROCESSING, mail_key
from ekte.mail.imap import Mailbox, MailboxError
from ekte.mail.message import message_key
from ekte.mail.source import MailSource
from ekte.model import Document, Status
from ekte.pipeline.tasks import WorkItem

log = logging.getLogger("ekte.mail")

SAFE = (Status.ARCHIVED, Status.DUPLICATE, Status.REVIEW, Status.EXPORT_FAILED)


@dataclass
class _Message:
    uid: str
    sha: str
    mid_hash: str
    left: int
    staging: Path
    ok: bool = True
    docs: list[str] = field(default_factory=list)


@dataclass
class MailStats:
    polls: int = 0
    taken: int = 0
    processed: int = 0
    failed: int = 0
    moved: int = 0
    errors: int = 0  # polls that could not reach the server or failed on it
    last_poll: str | None = None
    last_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class MailPoller:
    def __init__(self, session: Any) -> None:
        self.session = session
        self.s = session.profile.intake.mail
        if not self.s.configured:
            raise ConfigError("no mail account: set intake.mail.host (and username, password_env or password_file)")
        if not self.s.username:
            raise ConfigError("intake.mail.username is not set")
        self.password = secret(self.s.model_dump(), "password", "mail", section="intake.mail") or ""
        self.source = MailSource()
        self.source.configure(session.profile, session.workdir)
        self.account = f"imap://{self.s.host}:{self.s.effective_port}/{self.s.folder}"
        self.pending: dict[str, _Message] = {}  # staged message file (the items' package) → its state
        self.stats = MailStats()
        self.next_poll = 0.0
        self.failures = 0  # polls in a row that could not reach the server
        self.admission: Any = None  # the run's Admission (it expands a message into work items)

    # -- polling
    def due(self) -> bool:
        return time.monotonic() >= self.next_poll

    def poll(self, admission: Any, take: bool = True) -> tuple[list[WorkItem], list[Any]]:
        """Move finished messages; with *take*, take new ones (at most
        ``max_messages``).  Returns their work items and rejected parts
        (outcomes for the coordinator).  Server trouble is logged and
        retried at the next poll."""
        from ekte.model import now_iso

        self.next_poll = time.monotonic() + self.s.poll_seconds
        self.stats.polls += 1
        self.stats.last_poll = now_iso()
        items: list[WorkItem] = []
        rejected: list[Any] = []
        self.admission = admission
        try:
            with Mailbox(self.s, self.password) as box:
                for uid, (size, head) in box.summaries(box.uids()).items():
                    got = self._one(box, uid, size, head, take and len(self._taken_now(items)) < self.s.max_messages)
                    if got is not None:
                        items.extend(got[0])
                        rejected.extend(got[1])
        except MailboxError as e:
            self.stats.last_error = str(e)
            self.stats.errors += 1
            self.failures += 1
            # the server is away: wait longer each time (at most 15 minutes), so that a daemon
            # whose loop also serves folders is not held up by connection attempts
            self.next_poll = time.monotonic() + min(900.0, self.s.poll_seconds * 2 ** min(self.failures, 10))
            log.warning("mail: %s", e)
        else:
            self.failures = 0
            self.stats.last_error = None
        return items, rejected

    @staticmethod
    def _taken_now(items: list[WorkItem]) -> set[str]:
        return {i.package for i in items if i.package}

    def _one(self, box: Mailbox, uid: str, size: int, head: bytes, take: bool) -> tuple[list, list] | None:
        j = self.session.j
        mid = _msgid(head)
        mid_hash = hashlib.sha256(mid.encode()).hexdigest() if mid else ""
        row = j.mail_get("", mid_hash) if mid_hash else None
        if row is None or row["state"] == PROCESSING:
            if any(m.uid == uid for m in self.pending.values()) or not take:
                return None
            if size > self.s.max_message_mb * 1024 * 1024:
                log.warning("mail: a message exceeds intake.mail.max_message_mb; moved to the failed folder")
                self.stats.failed += 1
                self._move(box, uid, self.s.failed_folder, failed=True)
                return None
            raw = box.fetch(uid)
            sha, mid_hash, _gid = message_key(raw)
            row = j.mail_get(sha, mid_hash)
            if row is None or row["state"] == PROCESSING:
                return self._take(uid, raw, sha, mid_hash)
        self._move(box, uid, self.s.processed_folder if row["state"] == DONE else self.s.failed_folder,
                   failed=row["state"] == FAILED)
        return None

    def _take(self, uid: str, raw: bytes, sha: str, mid_hash: str) -> tuple[list, list] | None:
        j = self.session.j
        if j.claim(mail_key(sha, mid_hash)) is not None:
            return None  # another process works on this message
        j.mail_begin(sha, mid_hash, self.account)
        staging = self.session.scratch / "mail" / sha[:16]
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        eml = staging / "message.eml"
        eml.write_bytes(raw)
        parts = staging / "parts"
        parts.mkdir()
        src = f"{self.account};UID={uid}"
        source = _Origin(self.source, {"mailbox": self.account, "uid": uid}, src)
        items, rejected = self.admission.expand(eml, parts, source)
        self.pending[str(eml)] = _Message(uid, sha, mid_hash, len(items) + len(rejected), staging)
        self.stats.taken += 1
        return items, rejected

    def _move(self, box: Mailbox, uid: str, folder: str, *, failed: bool) -> None:
        box.move(uid, folder)
        self.stats.moved += 1

    # -- the coordinator's callback
    def settled(self, doc: Document, item: WorkItem) -> None:
        m = self.pending.get(item.package or "")
        if m is None:
            return
        m.left -= 1
        m.ok = m.ok and doc.status in SAFE
        m.docs.append(doc.id)
        if m.left <= 0:
            self._finish(item.package or "", m)

    def _finish(self, key: str, m: _Message) -> None:
        self.pending.pop(key, None)
        j = self.session.j
        state = DONE if m.ok else FAILED
        j.mail_finish(m.sha, m.mid_hash, state, {"documents": m.docs, "account": self.account})
        j.release(mail_key(m.sha, m.mid_hash))
        shutil.rmtree(m.staging, ignore_errors=True)
        if m.ok:
            self.stats.processed += 1
        else:
            self.stats.failed += 1
        log.info("mail: message with %d document(s) %s", len(m.docs), "processed" if m.ok else "failed")

    def abandon(self) -> None:
        """Shutting down: unfinished messages are given back (the next poll takes them again)."""
        for key, m in list(self.pending.items()):
            self.session.j.release(mail_key(m.sha, m.mid_hash))
            shutil.rmtree(m.staging, ignore_errors=True)
            self.pending.pop(key, None)


class _Origin:
    """The mail source with the message's mailbox in its provenance and source."""

    name = "mail"

    def __init__(self, source: MailSource, origin: dict[str, Any], src: str) -> None:
        self.source, self.origin, self.src = source, origin, src

    def claims(self, path: Path) -> bool:
        return True

    def expand(self, path: Path, staging: Path) -> list:
        return self.source.stage(Path(path).read_bytes(), staging, self.origin, self.src)


def _msgid(head: bytes) -> str:
    """The Message-ID from a fetched header block ('' when none)."""
    from ekte.mail.message import message_id

    return message_id(head + b"\r\n")
