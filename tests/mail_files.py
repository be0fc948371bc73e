"""E-mail messages for the tests, built with the standard library."""

import io
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INBOX = ROOT / "samples" / "inbox"


def pdf(name: str = "bauantrag-002-pdf.pdf") -> bytes:
    return (INBOX / name).read_bytes()


def message(subject: str, body: str = "Sehr geehrte Damen und Herren,\nanbei mein Antrag.\n", *,
            sender: str = "Erika Mustermann <erika@example.org>", html: str | None = None,
            attachments: list[tuple[str, bytes, str]] = (), msgid: str | None = None,
            date: datetime | None = None) -> EmailMessage:
    m = EmailMessage()
    m["From"] = sender
    m["To"] = "poststelle@landkreis.example"
    m["Subject"] = subject
    m["Date"] = format_datetime(date or datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc))
    m["Message-ID"] = msgid or make_msgid(domain="example.org")
    m.set_content(body)
    if html is not None:
        m.add_alternative(html, subtype="html")
    for name, data, ctype in attachments:
        maintype, subtype = ctype.split("/", 1)
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return m


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in files.items():
            z.writestr(n, b)
    return buf.getvalue()


def raw(m: EmailMessage) -> bytes:
    return m.as_bytes()
