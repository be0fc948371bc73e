"""A file over ``intake.max_file_mb`` is never copied: a batch run leaves it
where it is and records path, size and reason; the daemon renames it into
its quarantine entry (same file system: the same inode, no byte written).
The size limit bounds the disk a sender can fill.  Real runs, real daemon."""

import json
import os

from helpers import run_ekte
from test_watch import _status, _stop, _wait, _watch

LIMIT = ("-o", "intake.max_file_mb=1")


def _big(path, mb=40):
    """A whole PDF of exactly *mb* MB, sparse (almost no blocks on disk): one page whose content stream is zeros.
    Whole, so the daemon takes it once it is stable rather than after a minute's wait for a copy to complete."""
    total = int(mb * 1048576)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"]
    head = b"%PDF-1.4\n" + b"".join(b"%d 0 obj\n%s\nendobj\n" % (i, o) for i, o in enumerate(objs, 1))
    offsets = [head.index(b"%d 0 obj" % i) for i in (1, 2, 3)] + [len(head)]
    stream_head = b"4 0 obj\n<< /Length %010d >>\nstream\n"
    after = b"\nendstream\nendobj\n"
    xref = b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%010d\n%%%%EOF\n"
    n = total - len(head) - len(stream_head % 0) - len(after) - len(xref) - len(trailer % 0)
    if n < 0:  # too small for a whole PDF: its start and its end are enough for the size checks
        with open(path, "wb") as f:
            f.write(b"%PDF-1.4\n")
            f.seek(total - 6)
            f.write(b"%%EOF\n")
        return path
    with open(path, "wb") as f:
        f.write(head + stream_head % n)
        f.seek(n, os.SEEK_CUR)
        f.write(after)
        f.write(xref + trailer % f.tell())
    return path


def _entry_files(wd):
    return [p for p in (wd / "quarantine").rglob("*") if p.is_file() and p.name != "reason.json"]


def test_batch_run_leaves_a_too_large_file_in_place_and_copies_nothing(tmp_path):
    inbox, wd, done = tmp_path / "in", tmp_path / "wd", tmp_path / "done"
    inbox.mkdir()
    big = _big(inbox / "huge.pdf")
    p = run_ekte("ingest", "--json", "--no-progress", inbox, "-w", wd, "--move", done, *LIMIT, check=1)
    (d,) = json.loads(p.stdout)["documents"]
    assert d["status"] == "quarantined" and d["source"] == str(big)
    assert d["error"]["code"] == "too_large" and "40 MB" in d["error"]["message"]
    assert big.exists() and big.stat().st_size == 40 * 1048576  # stays where it was, with --move too
    assert _entry_files(wd) == []  # no copy
    (reason,) = (wd / "quarantine").glob("*/reason.json")
    assert json.loads(reason.read_text())["source"] == str(big)
    used = sum(p.stat().st_blocks for p in wd.rglob("*") if p.is_file()) * 512
    assert used < 10 * 1048576, used


def test_the_daemon_renames_a_too_large_file_into_the_quarantine(tmp_path):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    proc = _watch(inbox, wd, *LIMIT)
    try:
        _wait(lambda: (wd / "status.json").exists(), proc=proc, what="start")
        big = _big(tmp_path / "huge.pdf")
        ino = big.stat().st_ino
        os.rename(big, inbox / "huge.pdf")
        _wait(lambda: _status(wd).get("failed", 0) >= 1 and not any(inbox.iterdir()), proc=proc,
              what="quarantined and out of the inbox", wd=wd)
    finally:
        _stop(proc)
    (kept,) = _entry_files(wd)
    assert kept.parent.name == "inbox" and kept.stat().st_ino == ino  # renamed, not copied
    reason = json.loads((kept.parent.parent / "reason.json").read_text())
    assert reason["code"] == "too_large"


def test_the_size_in_the_message_is_over_the_limit_it_names(tmp_path):
    """fresh29: a 1.3 MB file over a 1 MB limit read "The file has 1 MB, over intake.max_file_mb (1)"."""
    from ekte.stages.intake import oversized as too_large

    assert "has 1.3 MB, over intake.max_file_mb (1)" in too_large(_big(tmp_path / "a.pdf", 1.3), 1).message
    assert "has 1.1 MB" in too_large(_big(tmp_path / "b.pdf", 1.02), 1).message  # rounded up, never down to 1.0
    assert "has 40 MB" in too_large(_big(tmp_path / "c.pdf"), 1).message
    assert too_large(_big(tmp_path / "d.pdf", 0.5), 1) is None
