"""Is a file an e-mail message?  From its first bytes: a header block
(RFC 5322 field lines, folded lines allowed) up to the first empty line,
with ``From`` and at least two more of the fields every mail client writes.
A letter typed as plain text that starts with ``From: …`` is not one."""

from __future__ import annotations

import re

#: how many bytes of a file :func:`is_message` needs (the header block of a mail that went through many relays)
HEAD_BYTES = 64 * 1024
_FIELD = re.compile(rb"([!-9;-~]+):")  # a field name: printable ASCII without the colon, then the colon
_MAIL_FIELDS = {b"from", b"to", b"date", b"subject", b"message-id", b"mime-version", b"received", b"return-path",
                b"content-type"}


def is_message(head: bytes) -> bool:
    """True when *head* (the first :data:`HEAD_BYTES` of a file) starts with an e-mail header block."""
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    if len(head) >= HEAD_BYTES:
        lines = lines[:-1]  # the last line may be cut
    names: set[bytes] = set()
    for n, line in enumerate(lines):
        if not line:
            break
        if line[:1] in (b" ", b"\t") and n:
            continue  # a folded line of the field before
        m = _FIELD.match(line)
        if m is None:
            return False
        names.add(m.group(1).lower())
    return b"from" in names and len(names & _MAIL_FIELDS) >= 3
