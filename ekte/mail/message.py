"""One e-mail message → the documents it makes: the body (a text file with
a header block: sender, recipients, date, subject, Message-ID, the list of
attachments — typeset to PDF/A later like any text) and every attachment.

Read with the standard library's ``email`` package (``policy.default``:
RFC 2047/2231 names decoded, charsets applied).  Decisions:

* **Body**: the ``text/plain`` alternative when there is one, else the
  HTML one rendered as plain text (:mod:`ekte.mail.html`: no remote
  content, no scripts, links written out).  Further text parts without a
  file name are appended to the body.
* **Attachments**: every other leaf part (``attachment`` or ``inline``
  with a file name); inline images referenced by the HTML body
  (``Content-ID``) belong to the body and are skipped unless
  ``inline_images`` is set.
* **ZIP attachments** (not office documents) are unpacked when
  ``unpack_zip`` (default): each member its own document of the message;
  folders inside are flattened; members with ``..`` or absolute paths,
  encrypted members, too many or too large members and absurd compression
  ratios reject that attachment (quarantined whole) — the rest goes on.
  A ZIP inside the ZIP is not unpacked again (quarantined as
  ``unsupported_type``).
* **Attached messages** (``message/rfc822``, a forwarded mail): taken
  apart the same way, up to 3 levels deep — their body and attachments
  become documents of the same Vorgang.  A message attached deeper is not
  taken apart: it is one rejected part (``unsafe_package``, "forwarded more
  than 3 levels deep"), its bytes (the message serialised) kept for the
  quarantine.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import zipfile
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.feedparser import BytesFeedParser
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from io import BytesIO
from typing import Any

from ekte.errors import DocumentError
from ekte.mail.html import html_to_text
from ekte.stages import office

MAX_DEPTH = 3
MAX_RATIO = 200
TOO_DEEP = "The e-mail message is nested too deeply (parts inside parts) to be taken apart."
#: a header value ekte keeps (provenance, the body's header block) is cut at this many characters — RFC 5322's
#: line limit (998); the whole header stays in the archived message.eml (fresh42 F6)
MAX_HEADER = 998
CUT = " …(gekürzt)"
#: the raw (still encoded) header handed to the header parser at most: its address parser is slow on long
#: headers (a From: of 2.4 MB took > 5 min), and 16 raw characters per kept one leave room for encoded words
MAX_RAW_HEADER = 16 * MAX_HEADER
#: MIME parts (containers, bodies, inline images, attachments) one message may have, per allowed document:
#: the parser stops at the first part beyond max_parts × this (fresh42 F10: 20,000 parts took 26 s CPU)
MIME_PER_PART = 10
CHUNK = 1 << 16


@dataclass
class Part:
    """A document of a message (bytes and what is known about them), or a
    rejected part (``code`` set)."""

    name: str
    data: bytes
    role: str  # message | attachment
    content_type: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    code: str = ""
    message: str = ""


@dataclass
class Parsed:
    headers: dict[str, str]
    parts: list[Part]
    skipped: list[str] = field(default_factory=list)


def message_id(raw: bytes) -> str:
    """The Message-ID of a raw message ('' when it has none)."""
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        return _header(msg, "Message-ID")
    except Exception:  # noqa: BLE001 - a malformed header is no Message-ID
        return ""


def message_key(raw: bytes) -> tuple[str, str, str]:
    """(SHA-256 of the bytes, SHA-256 of the Message-ID or '', the group id)."""
    sha = hashlib.sha256(raw).hexdigest()
    mid = message_id(raw)
    mid_hash = hashlib.sha256(mid.encode("utf-8", "replace")).hexdigest() if mid else ""
    return sha, mid_hash, "mail-" + (mid_hash or sha)[:16]


def _header(msg: EmailMessage, name: str) -> str:
    """The first *name* header, decoded, whitespace folded, cut at
    :data:`MAX_HEADER` characters (marked ``…(gekürzt)``)."""
    raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return ""
    try:
        v = " ".join(str(msg.policy.header_fetch_parse(name, raw[:MAX_RAW_HEADER])).split())
    except Exception:  # noqa: BLE001 - a header the parser cannot decode
        return ""
    if len(v) > MAX_HEADER or len(raw) > MAX_RAW_HEADER:
        return v[:MAX_HEADER - len(CUT)].rstrip() + CUT
    return v


def headers_of(msg: EmailMessage) -> dict[str, str]:
    h = {k: _header(msg, n) for k, n in (("from", "From"), ("to", "To"), ("cc", "Cc"), ("subject", "Subject"),
                                          ("date", "Date"), ("message_id", "Message-ID"))}
    try:
        h["date_iso"] = parsedate_to_datetime(h["date"]).isoformat() if h["date"] else ""
    except (TypeError, ValueError, IndexError):
        h["date_iso"] = ""
    return h


def parse(raw: bytes, settings: Any) -> Parsed:
    """Take a raw message apart (*settings*: ``[intake.mail]``)."""
    try:
        msg = _read(raw, settings.max_parts * MIME_PER_PART)
    except RecursionError:  # parts in parts in parts …
        raise DocumentError("bad_mail", TOO_DEEP, "intake") from None
    except DocumentError:
        raise
    except Exception:  # noqa: BLE001 - the parser is lenient; whatever escapes it makes the message unreadable
        raise DocumentError("bad_mail", stage="intake") from None
    if not isinstance(msg, EmailMessage) or not (msg.keys() or msg.get_payload()):
        raise DocumentError("bad_mail", "The file is not an e-mail message.", "intake")
    out = Parsed(headers_of(msg), [])
    try:
        _take_apart(msg, out, settings, depth=0, prefix="")
    except RecursionError:  # nested just below the parser's limit: our walk over the parts ran out (fresh41 F5)
        raise DocumentError("bad_mail", TOO_DEEP, "intake") from None
    if len(out.parts) > settings.max_parts:
        raise DocumentError("unsafe_package", f"the message has more than {settings.max_parts} parts", "intake")
    return out


class _TooManyParts(Exception):
    pass


def _read(raw: bytes, limit: int) -> EmailMessage:
    """The message parsed, fed in chunks; a message of more than *limit*
    MIME parts is refused as soon as the parser meets part *limit* + 1, not
    after the whole message has been read (fresh42 F10)."""
    count = -1  # the parser makes one message up front to try the factory

    def factory(**kw: Any) -> EmailMessage:
        nonlocal count
        count += 1
        if count > limit:
            raise _TooManyParts
        return EmailMessage(**kw)

    parser = BytesFeedParser(factory, policy=policy.default)
    try:
        for i in range(0, len(raw), CHUNK):
            parser.feed(raw[i:i + CHUNK])
        return parser.close()
    except _TooManyParts:
        raise DocumentError("unsafe_package", f"the message has more than {limit} MIME parts", "intake") from None


def _take_apart(msg: EmailMessage, out: Parsed, settings: Any, depth: int, prefix: str) -> None:
    headers = headers_of(msg)
    bodies = [p for p in (msg.get_body(("plain",)), msg.get_body(("html",))) if p is not None]
    text = _body_text(bodies)
    attachments: list[Part] = []
    nested: list[EmailMessage] = []
    for part in _leaves(msg):
        if any(part is b for b in bodies):
            continue
        ctype = part.get_content_type()
        name = part.get_filename() or ""
        if ctype == "message/rfc822":
            inner = _attached_message(part)
            if inner is not None and depth < MAX_DEPTH:
                nested.append(inner)
                continue
            attachments.append(_too_deep(part, inner, name, len(out.parts) + len(attachments)))
            continue
        if ctype in ("text/plain", "text/html") and not name and part.get_content_disposition() != "attachment":
            text += "\n\n" + _body_text([part])
            continue
        if part.get_content_disposition() != "attachment" and part.get("Content-ID") and \
                ctype.startswith("image/") and not settings.inline_images:
            out.skipped.append(f"inline image {name or ctype} (part of the HTML body)")
            continue
        attachments.extend(_attachment(part, name, len(out.parts) + len(attachments), settings))
    names = [a.name for a in attachments if not a.code] + [f"(weitergeleitete Nachricht {i + 1})"
                                                          for i in range(len(nested))]
    role = "message" if depth == 0 else "forwarded-message"
    body = Part(f"{prefix}nachricht.txt", render(headers, text, names).encode("utf-8"), role, "text/plain",
                {"headers": headers} if depth else {})
    out.parts.append(body)
    out.parts.extend(attachments)
    for i, inner in enumerate(nested):
        _take_apart(inner, out, settings, depth + 1, f"{prefix}weitergeleitet-{i + 1}-")


def _attached_message(part: EmailMessage) -> EmailMessage | None:
    try:
        inner = part.get_content()
    except Exception:  # noqa: BLE001 - a message/rfc822 part the parser could not make a message of
        return None
    return inner if isinstance(inner, EmailMessage) else None


def _too_deep(part: EmailMessage, inner: EmailMessage | None, name: str, index: int) -> Part:
    """An attached message that is not taken apart (nested deeper than
    :data:`MAX_DEPTH`, or unreadable): one rejected part with its bytes."""
    fname = safe_name(name, f"anhang-{index}.eml")
    data = b""
    for whole in (inner, part):  # the message itself; else the part with its own headers
        try:
            data = whole.as_bytes() if whole is not None else b""
        except Exception:  # noqa: BLE001 - a header or charset the generator cannot write back
            continue
        if data:
            break
    if not data:  # not even written back (nested too deeply for the generator: review41 R5): the whole e-mail is
        raise DocumentError("bad_mail", TOO_DEEP, "intake")  # bad_mail with its own bytes, never an empty part
    if inner is None:
        return Part(fname, data, "attachment", "message/rfc822", {"filename": name or None}, "bad_mail",
                    "The attached (forwarded) message cannot be read.")
    return Part(fname, data, "attachment", "message/rfc822", {"filename": name or None}, "unsafe_package",
                f"The message was forwarded more than {MAX_DEPTH} levels deep: this attached message is not "
                "taken apart (kept whole in the quarantine).")


def _leaves(part: EmailMessage):
    """The leaf parts, not descending into attached messages."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    for sub in part.iter_parts():
        yield from _leaves(sub)


def _content(part: EmailMessage) -> str:
    try:
        c = part.get_content()
        return c if isinstance(c, str) else c.decode("utf-8", "replace")
    except (LookupError, UnicodeError, ValueError, AssertionError, KeyError):
        data = part.get_payload(decode=True) or b""
        return data.decode("utf-8", "replace")


def _body_text(parts: list[EmailMessage]) -> str:
    plain = next((p for p in parts if p.get_content_type() == "text/plain"), None)
    if plain is not None:
        return _content(plain)
    html = next((p for p in parts if p.get_content_type() == "text/html"), None)
    return html_to_text(_content(html)) if html is not None else ""


def render(headers: dict[str, str], text: str, attachments: list[str]) -> str:
    """The body document's text: a header block, then the message text."""
    lines = ["E-Mail"]
    for label, key in (("Von", "from"), ("An", "to"), ("Cc", "cc"), ("Datum", "date"), ("Betreff", "subject"),
                       ("Message-ID", "message_id")):
        if headers.get(key):
            lines.append(f"{label}: {headers[key]}")
    if attachments:
        lines.append(f"Anhänge ({len(attachments)}): " + ", ".join(attachments))
    lines.append("-" * 72)
    body = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return "\n".join(lines) + "\n\n" + (body or "(kein Text)") + "\n"


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_name(name: str, fallback: str) -> str:
    """A plain file name: no folders, no control characters, not hidden, ≤ 100 characters."""
    name = _UNSAFE.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" ._")
    if not name:
        return fallback
    stem, dot, ext = name.rpartition(".")
    return (stem[:90] + dot + ext[:10]) if dot and stem else name[:100]


def _attachment(part: EmailMessage, name: str, index: int, settings: Any) -> list[Part]:
    ctype = part.get_content_type()
    ext = mimetypes.guess_extension(ctype) or ".bin"
    fname = safe_name(name, f"anhang-{index}{ext}")
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001 - a part whose transfer encoding cannot be decoded
        try:  # its bytes as they came, for the quarantine (an empty copy would be the empty file's id)
            data = part.as_bytes()
        except Exception:  # noqa: BLE001
            data = b""
        return [Part(fname, data, "attachment", ctype, code="bad_mail", message="The attachment cannot be decoded.")]
    detail = {"filename": name or None}
    if settings.unpack_zip and data.startswith(b"PK\x03\x04") and office.sniff_zip(BytesIO(data)) is None:
        return unzip(fname, data, settings, detail)
    return [Part(fname, data, "attachment", ctype, detail)]


def unzip(name: str, data: bytes, settings: Any, detail: dict[str, Any]) -> list[Part]:
    """The members of a ZIP attachment, each a document; an unsafe ZIP is
    one rejected part (with its bytes, for the quarantine)."""
    limit = int(settings.max_message_mb * 1024 * 1024)
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
            if len(infos) > settings.max_parts:
                raise DocumentError("unsafe_package", "the ZIP attachment has too many files")
            out = []
            for i in infos:
                _check_member(i, limit)
                with z.open(i) as f:
                    blob = f.read(limit + 1)
                if len(blob) > limit:
                    raise DocumentError("unsafe_package", "a file in the ZIP attachment exceeds the size limit")
                member = safe_name(i.filename, f"datei-{len(out) + 1}")
                out.append(Part(f"{name}-{member}" if not member.startswith(name) else member, blob, "attachment",
                                mimetypes.guess_type(member)[0] or "", {**detail, "zip_member": i.filename}))
            return out
    except DocumentError as e:
        return [Part(name, data, "attachment", "application/zip", detail, e.code, e.message)]
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, NotImplementedError, EOFError):
        return [Part(name, data, "attachment", "application/zip", detail, "unsafe_package",
                     "The ZIP attachment cannot be read.")]


def _check_member(i: zipfile.ZipInfo, limit: int) -> None:
    parts = i.filename.replace("\\", "/").split("/")
    if i.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
        raise DocumentError("unsafe_package", "a file in the ZIP attachment has an unsafe path (refused)")
    if i.flag_bits & 0x1:
        raise DocumentError("encrypted", "The ZIP attachment is protected by a password.")
    if i.file_size > limit:
        raise DocumentError("unsafe_package", "a file in the ZIP attachment exceeds the size limit")
    if i.compress_size and i.file_size > (1 << 20) and i.file_size / i.compress_size > MAX_RATIO:
        raise DocumentError("unsafe_package", "a file in the ZIP attachment has an absurd compression ratio")
