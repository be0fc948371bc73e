"""The bodies of CMIS Browser Binding form posts, as the OpenCMIS client sends them.

A server built on OpenCMIS (Alfresco, Nuxeo's CMIS, …) reads a multipart
part without a ``charset`` as ISO-8859-1 (fresh43 F1: every Betreff with
"–" or an umlaut garbled).  So every text part carries
``Content-Type: text/plain; charset=utf-8`` and a form without a file is
sent ``application/x-www-form-urlencoded;charset=utf-8`` — what the recorded
OpenCMIS traffic in ../shared/cmis-captures shows.  The content part's file
name goes as a plain ``filename=`` when it is printable ASCII, else as
``filename*=UTF-8''…`` (RFC 2231/5987, what OpenCMIS's ``MimeHelper``
writes and reads) after an ASCII ``filename=`` for servers that only read
that one."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

_TOKEN_SAFE = set("!#$&+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def urlencoded(fields: dict[str, str]) -> tuple[dict[str, str], bytes]:
    """(headers, body) of a form without a file."""
    return {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"}, \
        urlencode(fields, encoding="utf-8").encode("ascii")


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def filename_params(name: str) -> str:
    """The ``filename`` parameter(s) of a content part's Content-Disposition."""
    if name and all(c in _TOKEN_SAFE for c in name):
        return f"; filename={name}"
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name) or "content"
    return f"; filename={_quoted(fallback)}; filename*=UTF-8''{quote(name, safe='')}"


def multipart(fields: dict[str, str], content: Path, filename: str,
              mime: str) -> tuple[dict[str, str], Iterator[bytes]]:
    """(headers, body chunks) of a form with the file *content* last, its length known beforehand."""
    boundary = "ekte" + secrets.token_hex(16)
    head = b"".join(
        f"--{boundary}\r\nContent-Disposition: form-data; name={_quoted(k)}\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n".encode("utf-8") + v.encode("utf-8") + b"\r\n"
        for k, v in fields.items())
    head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"content\"{filename_params(filename)}\r\n"
             f"Content-Type: {mime}\r\nContent-Transfer-Encoding: binary\r\n\r\n").encode("ascii")
    tail = f"\r\n--{boundary}--\r\n".encode("ascii")
    size = os.path.getsize(content)

    def chunks() -> Iterator[bytes]:
        yield head
        with open(content, "rb") as fh:
            left = size
            while left > 0:
                block = fh.read(min(left, 1 << 20))
                if not block:
                    raise OSError("the archival PDF became shorter while it was sent")
                left -= len(block)
                yield block
        yield tail

    return {"Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + size + len(tail))}, chunks()
