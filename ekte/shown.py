"""Text from a document or its file name, shown on a terminal: control characters made visible.

A sender names the file (mail attachments, portal uploads, scanner shares): ESC sequences in a name
would set the terminal's title, clear the clerk's screen or colour what follows, a newline would make a
fake row, a bidi override would turn a name around (fresh32 F2). Every human-readable line of the
command line goes through one of :mod:`ekte.render`'s two consoles (``ShownConsole``), which use :func:`visible`:
C0 (but a newline of ekte's own messages), DEL, C1 and the bidi controls are written as ``\\x1b`` /
``\\u202e``; a table cell writes a newline out too (``\\x0a``), but for a :class:`Lines` cell of ekte's own lines. JSON output escapes them itself; a text log line (:class:`ekte.logs.Redact`) shows
them as here."""

from __future__ import annotations

import re

_BIDI = "\u202a-\u202e\u2066-\u2069"
_ALL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}]")


def _code(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


class Lines(str):
    """A table cell of ekte's own lines (a plugin's kinds, a document's export targets, a queue entry's notes):
    its newlines are kept where a cell's text from a document or a name has them written out."""


def visible(text: str, newlines: bool = False) -> str:
    """*text* with its control characters written out (``\\x1b``); a newline kept with *newlines*."""
    return (_BUT_NEWLINE if newlines else _ALL).sub(_code, text)
