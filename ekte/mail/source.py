"""E-mail messages as an intake source: a ``.eml`` file dropped into an
inbox (``ekte ingest``, ``ekte watch``) — and every message the IMAP
poller fetches — becomes one Vorgang: the body and every attachment a
document of one group (provenance ``group``), sharing one Aktenzeichen
and exported together by connectors that group (xdomea: one Vorgang).

Sender, recipients, subject, date and Message-ID are recorded in each
part's provenance (``metadata.json``), never in logs.  The body document
keeps the whole message beside it (``message.eml``) unless
``intake.mail.keep_message = false``."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from ekte import fsutil
from ekte.errors import REASONS, DocumentError
from ekte.mail import message as mailmsg
from ekte.mail.settings import MailSettings
from ekte.sources import Rejected, Staged

log = logging.getLogger("ekte.mail")


def read_limited(path: Path, limit: int) -> bytes:
    """The message file's bytes: a regular file only, never through a link
    or from a FIFO (:func:`ekte.stages.intake.open_regular`)."""
    from ekte.stages.intake import open_regular

    with os.fdopen(open_regular(path), "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise DocumentError("too_large", "The e-mail message exceeds intake.mail.max_message_mb.", "intake")
    return data


class MailSource:
    """``.eml`` files; the IMAP poller uses :meth:`stage` with what it knows
    about the message's mailbox (*origin*)."""

    name = "mail"

    def __init__(self) -> None:
        self.settings = MailSettings()

    def configure(self, profile: Any, workdir: Path) -> None:
        self.settings = profile.intake.mail

    def claims(self, path: Path) -> bool:
        return path.suffix.lower() == ".eml" and path.is_file()

    def expand(self, path: Path, staging: Path) -> list[Staged | Rejected]:
        try:
            raw = read_limited(path, int(self.settings.max_message_mb * 1024 * 1024))
        except OSError as e:
            raise DocumentError("unreadable", f"The file cannot be read ({e.strerror}).", "intake") from None
        return self.stage(raw, staging, {"message_file": path.name}, str(path))

    def stage(self, raw: bytes, staging: Path, origin: dict[str, Any], source: str) -> list[Staged | Rejected]:
        """The documents of the message *raw*, written into *staging*.  A
        message that cannot be read is one rejected part (its bytes kept)."""
        sha, mid_hash, gid = mailmsg.message_key(raw)
        try:
            parsed = mailmsg.parse(raw, self.settings)
        except DocumentError as e:
            bad = staging / "message.eml"
            bad.write_bytes(raw)
            return [Rejected(f"{source}!/message.eml", e.code, e.message, bad)]
        h = parsed.headers
        common = {"system": "mail", **origin, "message_id": h["message_id"] or None, "from": h["from"] or None,
                  "to": h["to"] or None, "cc": h["cc"] or None, "subject": h["subject"] or None,
                  "date": h["date_iso"] or h["date"] or None, "message_sha256": sha}
        if parsed.skipped:
            common["skipped"] = parsed.skipped
        good = [p for p in parsed.parts if not p.code]
        out: list[Staged | Rejected] = []
        used: set[str] = set()
        for part in parsed.parts:
            name = _unique(part.name, used)
            target = staging / name
            target.write_bytes(part.data)
            src = f"{source}!/{name}"
            if part.code:
                out.append(Rejected(src, part.code, part.message or REASONS.get(part.code, part.code), target))
                continue
            idx = good.index(part)
            prov = {**common, "part": name, "role": part.role, "content_type": part.content_type or None,
                    "sha256": fsutil.sha256_bytes(part.data), **part.detail,
                    "group": {"id": gid, "size": len(good), "index": idx, "role": part.role}}
            given: dict[str, Any] = {"source": src, "provenance": prov}
            if idx == 0 and self.settings.keep_message:
                given["archive_files"] = {"message.eml": raw}
            out.append(Staged(target, given))
        log.info("e-mail message: %d document(s), %d rejected part(s)", len(good), len(out) - len(good))
        return out


def _unique(name: str, used: set[str]) -> str:
    base, n = name, 1
    while name.lower() in used:
        n += 1
        stem, dot, ext = base.rpartition(".")
        name = f"{stem}-{n}.{ext}" if dot and stem else f"{base}-{n}"
    used.add(name.lower())
    return name
