"""A PDF still being written or cut short is not archived as if whole
(fresh40 F1): a linearized PDF has an ``%%EOF`` after its first part, so a
file cut after it looked complete; once repaired by qpdf it was archived
and exported truncated.  Real files, a real ``ekte ingest`` and a real
``ekte watch``."""

import json
import time
from pathlib import Path

import pikepdf
import pytest

from helpers import ingest_json
from test_watch import _journal, _status, _stop, _wait, _watch

from ekte.stages import workpdf
from ekte.watch.stability import complete_as_type, pdf_whole


@pytest.fixture(scope="module")
def linearized(tmp_path_factory) -> bytes:
    import generate

    d = tmp_path_factory.mktemp("lin")
    generate.generate(d / "born", per_type=1, formats=["pdf"], seed=4040)
    src = sorted((d / "born").glob("*.pdf"))[0]
    out = d / "lin.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(out, linearize=True)
    data = out.read_bytes()
    first = data.find(b"%%EOF")
    assert 0 < first < len(data) - 100  # the early %%EOF that fooled the old check
    return data


def test_a_cut_pdf_is_not_complete_and_the_whole_one_is(linearized, tmp_path):
    f = tmp_path / "x.pdf"
    first = linearized.find(b"%%EOF")
    for cut in (first + 6, first + 1500, len(linearized) - 60, len(linearized) - 20):
        f.write_bytes(linearized[:cut])
        assert not complete_as_type(f), cut
        assert not pdf_whole(f), cut
    f.write_bytes(linearized)
    assert complete_as_type(f) and pdf_whole(f) and workpdf.pdf_tail_whole(linearized[-2048:])


def test_ingest_quarantines_a_pdf_that_opens_only_repaired(linearized, tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    cut = linearized[: len(linearized) - 60]
    with pikepdf.open(__import__("io").BytesIO(cut)) as pdf:  # qpdf repairs it: the old intake archived it
        assert len(pdf.pages) >= 1
    (inbox / "cut.pdf").write_bytes(cut)
    wd = tmp_path / "wd"
    out = ingest_json(inbox, "-w", wd)
    [d] = out["documents"]
    assert d["status"] == "quarantined" and d["error"]["code"] == "broken_pdf", d
    reason = json.loads((wd / "quarantine" / d["id"] / "reason.json").read_text("utf-8"))
    assert "only when repaired" in reason["message"]
    assert [p.read_bytes() for p in (wd / "quarantine" / d["id"]).glob("original.*")] == [cut]
    assert not (wd / "archive").exists() or not [p for p in (wd / "archive").glob("*/*") if p.is_dir()]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_watch_waits_for_the_rest_of_a_stalled_copy(linearized, tmp_path):
    """A client stalling mid-copy past --stable-seconds: the first part is
    not taken (it was, and the rest became a second quarantine entry)."""
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir()
    proc = _watch(inbox, wd)
    try:
        _wait(lambda: (wd / "status.json").exists(), proc=proc, what="start")
        f = inbox / "copy.pdf"
        f.write_bytes(linearized[: linearized.find(b"%%EOF") + 900])
        time.sleep(6)  # > --stable-seconds 1 several times over, < the give-up time (60 s)
        assert f.exists() and not list((wd / "quarantine").glob("*/reason.json")), _status(wd)
        with open(f, "ab") as out:
            out.write(linearized[linearized.find(b"%%EOF") + 900:])
        _wait(lambda: not f.exists(), proc=proc, what="taken", wd=wd)
        _wait(lambda: sum(_journal(wd).values()) >= 1, proc=proc, what="archived", wd=wd)
    finally:
        _stop(proc)
    j = _journal(wd)
    assert j.get("exported", 0) + j.get("review", 0) == 1, j
    assert not (wd / "quarantine").exists() or list((wd / "quarantine").iterdir()) == []
    [arch] = [p for p in (wd / "archive").glob("*/*") if p.is_dir()]
    assert [p.read_bytes() for p in arch.glob("original.*")] == [linearized]


@pytest.mark.slow  # the give-up time is max(60 s, 20 × the delay)
def test_watch_quarantines_a_pdf_that_never_completes_once(linearized, tmp_path):
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir()
    proc = _watch(inbox, wd)
    try:
        _wait(lambda: (wd / "status.json").exists(), proc=proc, what="start")
        cut = linearized[: len(linearized) - 60]  # qpdf would repair it: the old daemon archived it
        (inbox / "never.pdf").write_bytes(cut)
        time.sleep(20)
        assert (inbox / "never.pdf").exists()
        _wait(lambda: _status(wd).get("failed", 0) >= 1, timeout=150, proc=proc, what="quarantined", wd=wd)
    finally:
        _stop(proc)
    [q] = list((wd / "quarantine").iterdir())
    reason = json.loads((q / "reason.json").read_text("utf-8"))
    assert reason["code"] == "broken_pdf" and "only when repaired" in reason["message"]
    assert [p.read_bytes() for p in q.glob("original.*")] == [cut]
    assert not (wd / "archive").exists() or not [p for p in (wd / "archive").glob("*/*") if p.is_dir()]
    assert list(inbox.iterdir()) == []


def _object_stream_bomb(path: Path, mb: int) -> None:
    """A small PDF whose page objects sit in one flate object stream that inflates to *mb* MB (review40 R1)."""
    import struct
    import zlib

    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"]
    body, hdr = b"", []
    for i, o in enumerate(objs, 1):
        hdr.append(b"%d %d" % (i, len(body)))
        body += o + b"\n"
    head = b" ".join(hdr) + b"\n"
    co = zlib.compressobj(9)
    comp = co.compress(head + body) + b"".join(co.compress(b" " * (1 << 20)) for _ in range(mb)) + co.flush()
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    o4 = len(out)
    out += (b"4 0 obj\n<< /Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(head), len(comp)) + comp + b"\nendstream\nendobj\n")
    o5 = len(out)
    rows = b"".join(struct.pack(">BIH", *e) for e in ((0, 0, 65535), (2, 4, 0), (2, 4, 1), (2, 4, 2), (1, o4, 0),
                                                      (1, o5, 0)))
    out += (b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(rows) + rows
            + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % o5)
    path.write_bytes(bytes(out))


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_the_daemons_check_of_a_pdf_costs_a_child_process_not_the_daemon(tmp_path):
    """The completeness check reads a waiting PDF with qpdf in a child process with a memory limit, once per
    version of the file: an object stream that inflates to 1.2 GB costs the daemon nothing (it took a checking
    process to 2 GB when the daemon parsed it itself, every 0.2 s while the file waited)."""
    import subprocess
    import sys

    bomb = tmp_path / "bomb.pdf"
    _object_stream_bomb(bomb, 1200)
    # the probe's own peak: VmHWM of its memory after exec (ru_maxrss keeps the forking pytest process's size
    # across exec — 601 MB late in a full run)
    probe = ("import re, sys; from pathlib import Path; from ekte.watch import stability as s; "
             "p = Path(sys.argv[1]); first = s.complete_as_type(p); again = s.complete_as_type(p); "
             "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]; "
             "print(first, again, int(hwm) // 1024)")
    r = subprocess.run([sys.executable, "-c", probe, str(bomb)], capture_output=True, text=True, timeout=300)
    first, again, rss_mb = r.stdout.split()
    assert first == again and int(rss_mb) < 300, r.stdout + r.stderr


def test_the_station_names_a_pdf_that_opens_only_repaired_in_german_with_the_way_out():
    """The quarantine page shows the exact reason (cut short or misplaced cross-reference) and what to do, not only
    "beschädigt" (review40 R4: a PDF whose cross-reference is a few bytes off has no complete copy)."""
    from ekte.serve import admin, i18n

    text = admin.reason_text("broken_pdf", workpdf.NEEDS_REPAIR, i18n.gettext_for("de"))
    assert "nur repariert" in text and "qpdf in.pdf out.pdf" in text, text
    assert admin.reason_text("broken_pdf", "other", i18n.gettext_for("de")) != text
