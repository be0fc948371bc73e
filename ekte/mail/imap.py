"""The IMAP side of e-mail intake, with the standard library's ``imaplib``
(it speaks IMAP4rev1 with SSL and STARTTLS; what ekte needs beyond it —
modified UTF-7 folder names, ``UID MOVE`` with a COPY/EXPUNGE fallback,
parsing FETCH answers — is a few lines here).

IMAPS by default, certificates verified (``ca_file`` for a private CA);
``starttls``; ``plain`` only to a loopback address (a password is never
sent in clear over a network).  Messages are read with ``BODY.PEEK[]``
(no ``\\Seen`` flag set) and moved with ``UID MOVE`` (RFC 6851) when the
server has it, else ``UID COPY`` + ``\\Deleted`` + (``UID``) ``EXPUNGE``."""

from __future__ import annotations

import base64
import imaplib
import ipaddress
import re
import socket
import ssl
from typing import Any

from ekte.errors import ConfigError


class MailboxError(Exception):
    """The server could not be reached or answered with an error (try again later)."""


def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3)."""
    out, buf = [], ""

    def flush() -> None:
        nonlocal buf
        if buf:
            b64 = base64.b64encode(buf.encode("utf-16-be")).decode("ascii").rstrip("=").replace("/", ",")
            out.append(f"&{b64}-")
            buf = ""

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            buf += ch
    flush()
    return "".join(out)


def quoted(name: str) -> str:
    enc = imap_utf7(name)
    return '"' + enc.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(a[4][0]).is_loopback for a in socket.getaddrinfo(host, None))
    except (OSError, ValueError):
        return False


class Mailbox:
    """One connection to the account's folder (a context manager)."""

    def __init__(self, settings: Any, password: str) -> None:
        self.s = settings
        self.password = password
        self.conn: imaplib.IMAP4 | None = None
        self.caps: set[str] = set()
        self.created: set[str] = set()

    def _context(self) -> ssl.SSLContext:
        try:
            return ssl.create_default_context(cafile=self.s.ca_file or None)
        except (OSError, ssl.SSLError) as e:
            raise ConfigError(f"intake.mail.ca_file: cannot read {self.s.ca_file} ({type(e).__name__})") from None

    def open(self) -> "Mailbox":
        s = self.s
        if s.security == "plain" and not _loopback(s.host):
            raise ConfigError("intake.mail.security = plain sends the password in clear: only allowed to a loopback "
                              "address; use ssl or starttls")
        try:
            if s.security == "ssl":
                self.conn = imaplib.IMAP4_SSL(s.host, s.effective_port, ssl_context=self._context(), timeout=s.timeout)
            else:
                self.conn = imaplib.IMAP4(s.host, s.effective_port, timeout=s.timeout)
                if s.security == "starttls":
                    self.conn.starttls(ssl_context=self._context())
        except (OSError, imaplib.IMAP4.error) as e:
            raise MailboxError(f"cannot connect to the IMAP server {s.host}:{s.effective_port} "
                               f"({type(e).__name__})") from None
        try:
            self.conn.login(s.username, self.password)
        except imaplib.IMAP4.error:
            self.close()
            raise MailboxError(f"the IMAP server {s.host} refused the login (intake.mail.username and its "
                               "password)") from None
        typ, data = self._call("capability")  # what the server offers after the login
        self.caps = {c.upper() for c in (data[0] or b"").decode("ascii", "replace").split()} if typ == "OK" \
            else {c.upper() for c in self.conn.capabilities}
        typ, _ = self._call("select", quoted(s.folder))
        if typ != "OK":
            self.close()
            raise MailboxError("the folder intake.mail.folder cannot be opened")
        return self

    def _call(self, name: str, *args: Any) -> tuple[str, list[Any]]:
        assert self.conn is not None
        try:
            return getattr(self.conn, name)(*args)
        except (OSError, imaplib.IMAP4.error) as e:
            raise MailboxError(f"the IMAP server failed on {name.upper()} ({type(e).__name__})") from None

    def uids(self) -> list[str]:
        typ, data = self._call("uid", "SEARCH", None, "UNDELETED")
        if typ != "OK":
            raise MailboxError("UID SEARCH failed")
        return [u.decode() for u in (data[0] or b"").split()]

    def summaries(self, uids: list[str]) -> dict[str, tuple[int, bytes]]:
        """UID → (size, the Message-ID header lines) for *uids*."""
        if not uids:
            return {}
        typ, data = self._call("uid", "FETCH", ",".join(uids), "(RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        if typ != "OK":
            raise MailboxError("UID FETCH failed")
        out = {}
        for item in data:
            if isinstance(item, tuple):
                head = item[0].decode("ascii", "replace")
                uid, size = re.search(r"UID (\d+)", head), re.search(r"RFC822\.SIZE (\d+)", head)
                if uid and size:
                    out[uid.group(1)] = (int(size.group(1)), item[1] or b"")
        return out

    def fetch(self, uid: str) -> bytes:
        typ, data = self._call("uid", "FETCH", uid, "(BODY.PEEK[])")
        if typ != "OK":
            raise MailboxError("UID FETCH failed")
        for item in data:
            if isinstance(item, tuple) and item[1] is not None:
                return bytes(item[1])
        raise MailboxError("the message vanished from the folder")

    def ensure(self, folder: str) -> None:
        if folder in self.created:
            return
        typ, _ = self._call("create", quoted(folder))  # NO when it exists already
        if typ != "OK":
            typ, data = self._call("list", '""', quoted(folder))
            if typ != "OK" or not [d for d in data if d]:
                raise MailboxError("a folder for processed or failed mail cannot be created")
        self.created.add(folder)

    def move(self, uid: str, folder: str) -> None:
        self.ensure(folder)
        if "MOVE" in self.caps:
            typ, _ = self._call("uid", "MOVE", uid, quoted(folder))
            if typ != "OK":
                raise MailboxError("UID MOVE failed")
            return
        typ, _ = self._call("uid", "COPY", uid, quoted(folder))
        if typ != "OK":
            raise MailboxError("UID COPY failed")
        self._call("uid", "STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
        if "UIDPLUS" in self.caps:
            self._call("uid", "EXPUNGE", uid)
        else:
            self._call("expunge")

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.logout()
            except (OSError, imaplib.IMAP4.error):
                pass
            self.conn = None

    def __enter__(self) -> "Mailbox":
        return self.open()

    def __exit__(self, *exc: Any) -> None:
        self.close()
