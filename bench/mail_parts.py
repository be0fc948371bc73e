"""What a hostile e-mail costs ekte's parser before it is refused (fresh42
F10, F6): CPU seconds and peak RSS of ``ekte.mail.message.parse`` on a
message of N tiny attachments, and on one with a huge Subject.

    python bench/mail_parts.py [--parts 20000 60000] [--subject-mb 3]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ekte.errors import DocumentError  # noqa: E402
from ekte.mail import message  # noqa: E402
from ekte.mail.settings import MailSettings  # noqa: E402


def many_parts(n: int) -> bytes:
    """fresh42's message: a text body and *n* attachments of 6 bytes."""
    head = ("From: a@example.org\r\nTo: b@example.org\r\nSubject: viele Teile\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="BND"\r\n\r\n--BND\r\nContent-Type: text/plain\r\n\r\nx\r\n')
    parts = "".join(f'--BND\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; '
                    f'filename="p{i}.bin"\r\n\r\npart {i}\r\n' for i in range(n))
    return (head + parts + "--BND--\r\n").encode()


def long_subject(mb: float) -> bytes:
    return (b"From: a@example.org\r\nTo: b@example.org\r\nSubject: " + b"A" * int(mb * 1_000_000) +
            b"\r\nContent-Type: text/plain\r\n\r\nx\r\n")


def measure(label: str, raw: bytes) -> None:
    t0 = time.process_time()
    try:
        parsed = message.parse(raw, MailSettings())
        outcome = f"{len(parsed.parts)} part(s), body {len(parsed.parts[0].data)} bytes"
    except DocumentError as e:
        outcome = f"refused {e.code}: {e.message}"
    cpu = time.process_time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{label}: {len(raw) / 1e6:.1f} MB, {cpu:.2f} CPU s, peak RSS {rss} MB — {outcome}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parts", type=int, nargs="*", default=[20000, 60000])
    ap.add_argument("--subject-mb", type=float, default=3.0)
    a = ap.parse_args()
    for n in a.parts:
        measure(f"{n} parts", many_parts(n))
    if a.subject_mb:
        measure(f"Subject of {a.subject_mb} MB", long_subject(a.subject_mb))
        measure(f"From of {a.subject_mb} MB", long_subject(a.subject_mb).replace(b"From: a@example.org", b"From: " +
                b"a@example.org, " * int(a.subject_mb * 1_000_000 / 15)).replace(b"Subject: A", b"Subject: x\r\nX: A"))


if __name__ == "__main__":
    main()
