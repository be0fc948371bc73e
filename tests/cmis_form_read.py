"""How the test CMIS server reads a form post: as OpenCMIS's MultipartParser and
POSTHttpServletRequestWrapper read it (a server like Alfresco), checked against the
recorded OpenCMIS request in ../shared/cmis-captures (tests/test_cmis_forms.py)."""

from __future__ import annotations

import re
from email.parser import BytesParser
from email.policy import compat32
from email.utils import collapse_rfc2231_value
from typing import Any
from urllib.parse import parse_qs

from cmis_repo import CmisError


def _latin1(text: str) -> str:
    """A header value the email parser read as ASCII (other bytes kept as surrogates), read as ISO-8859-1."""
    return "".join(chr(ord(c) - 0xDC00) if 0xDC80 <= ord(c) <= 0xDCFF else c for c in text)


def _filename(part: Any) -> str | None:
    """The content part's file name: ``filename*`` (RFC 2231/5987) first, else ``filename`` as ISO-8859-1."""
    plain = None
    for key, value in part.get_params(header="content-disposition") or []:
        if key.lower() == "filename" and isinstance(value, tuple):
            return collapse_rfc2231_value(value)
        if key.lower() == "filename" and plain is None:
            plain = _latin1(value)
    return plain


def parse_form(ctype: str, body: bytes) -> tuple[dict[str, list[str]], tuple | None]:
    """A form post's fields and its content part (bytes, type, file name), read as OpenCMIS reads them
    (MultipartParser, POSTHttpServletRequestWrapper): a text part or a url-encoded body in its ``charset``,
    else in the form's ``_charset_`` field's, else as ISO-8859-1 — UTF-8 sent without saying so comes out
    garbled, as on Alfresco; the file name from ``filename*`` (RFC 2231/5987) when there is one, else
    ``filename`` read as ISO-8859-1."""
    raw: list[tuple[str, bytes, str | None]] = []  # (name, bytes, charset or None)
    content = None
    if ctype.startswith("multipart/form-data"):
        msg = BytesParser(policy=compat32).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
        if not msg.is_multipart():
            raise CmisError("invalidArgument", "bad multipart body")
        for part in msg.get_payload():
            name = part.get_param("name", header="content-disposition")
            fname = _filename(part)
            if fname is not None or name == "content":
                content = (part.get_payload(decode=True), part.get_content_type(), fname)
            else:
                raw.append((name, part.get_payload(decode=True), part.get_content_charset()))
    elif ctype.startswith("application/x-www-form-urlencoded"):
        m = re.search(r"charset=\"?([\w-]+)", ctype, re.I)
        pairs = parse_qs(body.decode("ascii", "replace"), keep_blank_values=True, encoding="latin-1")
        raw = [(k, v.encode("latin-1"), m.group(1) if m else None) for k, vs in pairs.items() for v in vs]
    else:
        raise CmisError("invalidArgument", f"unsupported content type {ctype}")
    default = next((v.decode("latin-1").strip() for k, v, _ in raw if k == "_charset_"), "") or "iso-8859-1"
    fields: dict[str, list[str]] = {}
    for name, data, charset in raw:
        try:
            fields.setdefault(name, []).append(data.decode(charset or default))
        except (LookupError, UnicodeDecodeError):
            raise CmisError("invalidArgument", f"field {name} is not in charset {charset or default}") from None
    return fields, content

