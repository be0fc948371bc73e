"""A run's settled documents cost the coordinator a small record each, not
the document (issue 12): spooled to an unnamed file in the working
directory, read back for ``--json`` and the Python API as they were."""

import io
import json
import os
import tracemalloc

from ekte.errors import ExitCode
from ekte.model import Classification, Document, ErrorInfo, Field, Status
from ekte.pipeline.results import IngestResult
from ekte.pipeline.settled import Settled


def _doc(i: int, text_kb: int = 1, status: Status = Status.ARCHIVED) -> Document:
    d = Document(sha256=f"{i:064x}", source=f"in/{i:05d}.pdf", size=100, media_type="application/pdf", pages=2,
                 page_texts=["Bauantrag Müller " * (text_kb * 64)])
    d.classification = Classification("bauantrag" if i % 2 else "ifsg", 0.91234, [], "rules")
    d.fields = {"aktenzeichen": Field(f"AZ-{i}", 0.9, None, None, "rules")}
    d.status, d.archive_path, d.warnings = status, f"/wd/archive/{i}", [f"note {i}"]
    if status == Status.QUARANTINED:
        d.error = ErrorInfo("broken_pdf", "kaputt", "intake")
    return d


def test_documents_read_back_as_they_settled(tmp_path):
    s = Settled(str(tmp_path))
    docs = [_doc(i) for i in range(20)]
    for d in docs:
        s.append(d)
    assert len(s) == 20 and list(s) == docs and s == docs
    assert s[3] == docs[3] and s[-1] == docs[-1] and s[2:5] == docs[2:5]
    assert s[3] is not docs[3]  # a copy from the spool, not the object kept
    assert os.listdir(tmp_path) == []  # the spool has no name: nothing is left, whatever ends the run
    s.order_by_source({d.source: -i for i, d in enumerate(docs)})
    assert [d.source for d in s] == [d.source for d in reversed(docs)]


def test_memory_per_document_is_a_small_record(tmp_path):
    s = Settled(str(tmp_path))
    s.append(_doc(0, text_kb=30))  # (the spool file opened)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(1, 301):  # ~30 KB of text each, like a long letter; the caller lets go of each
            s.append(_doc(i, text_kb=30))
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown / 300 < 1024, f"{grown / 300:.0f} bytes per settled document"
    assert list(s)[-1].page_texts == _doc(300, text_kb=30).page_texts


def test_a_document_still_waiting_for_its_group_stays_live(tmp_path):
    s = Settled(str(tmp_path))
    d = _doc(1)
    s.live = {d.sha256: d}
    s.append(d)
    s.append(_doc(2))
    d.status, d.exports = Status.EXPORT_FAILED, {"x": "y"}  # what the group's delivery sets later
    assert s[0] is d and list(s.records())[0][0] == Status.EXPORT_FAILED


def test_unpicklable_or_unwritable_falls_back_to_memory(tmp_path):
    s = Settled(str(tmp_path / "not-there"))  # no working directory: the system's temporary directory
    s.append(_doc(1))
    odd = _doc(2)
    odd.extra["hook"] = lambda: None  # a plugin put something that cannot be pickled
    s.append(odd)
    s.append(_doc(3))
    assert [d.source for d in s] == ["in/00001.pdf", "in/00002.pdf", "in/00003.pdf"]
    assert s[1] is odd


def test_json_written_as_made_is_the_same_text(tmp_path):
    r = IngestResult(workdir=str(tmp_path))
    for i in range(7):
        r.documents.append(_doc(i, status=Status.QUARANTINED if i == 4 else Status.ARCHIVED))
    r.seconds = 1.5
    buf = io.StringIO()
    r.write_json(buf)
    assert buf.getvalue() == json.dumps(r.to_json(), ensure_ascii=False, indent=2) + "\n"
    out = json.loads(buf.getvalue())
    assert [d["source"] for d in out["documents"]] == [f"in/{i:05d}.pdf" for i in range(7)]
    assert out["summary"]["by_status"]["quarantined"] == 1 and out["summary"]["pages"] == 12
    assert out["summary"]["by_doctype"] == {"bauantrag": {"archived": 3}, "ifsg": {"archived": 3}}
    assert r.exit_code == ExitCode.DOCUMENTS_NEED_ATTENTION
    empty = IngestResult(workdir=str(tmp_path))
    buf = io.StringIO()
    empty.write_json(buf)
    assert buf.getvalue() == json.dumps(empty.to_json(), ensure_ascii=False, indent=2) + "\n"
    assert "pending" not in json.loads(buf.getvalue())


def test_a_list_given_to_the_result_is_taken(tmp_path):
    r = IngestResult(documents=[_doc(1), _doc(2)], workdir=str(tmp_path))  # (as before: the API's constructor)
    assert isinstance(r.documents, Settled) and len(r.documents) == 2 and r.summary["total"] == 2


def test_the_apis_result_documents_are_read_only(tmp_path):
    """fresh36 F7: ``result.documents.append`` changed a result the README calls read-only (2 documents,
    summary total 2).  The API seals what it hands out; a real ingest in a subprocess."""
    import subprocess
    import sys

    (tmp_path / "notiz.txt").write_text("Bauantrag für das Grundstück Hauptstraße 12\n", "utf-8")
    code = ("import sys; from ekte.api import ingest\n"
            "r = ingest(sys.argv[1], workdir=sys.argv[2])\n"
            "try:\n    r.documents.append(r.documents[0])\nexcept TypeError as e:\n    print('refused:', e)\n"
            "print(len(r.documents), r.summary['total'])\n")
    p = subprocess.run([sys.executable, "-c", code, str(tmp_path / "notiz.txt"), str(tmp_path / "wd")],
                       capture_output=True, text=True, timeout=300)
    assert p.stdout.splitlines() == ["refused: result.documents is a read-only sequence", "1 1"], p.stderr[-2000:]


def test_a_record_read_in_parts_comes_back_whole(tmp_path, monkeypatch):
    """fresh41 F3: one pread gives at most 2 GiB − 4 KiB on Linux; a 3 GiB record (an embedded file's bytes)
    came back cut short — an UnpicklingError that ended the run.  Read here in 7-byte parts, as a 3 GiB one is."""
    from ekte.pipeline import settled

    monkeypatch.setattr(settled, "READ_MAX", 7)
    s = Settled(str(tmp_path))
    docs = [_doc(i, text_kb=3) for i in range(3)]
    s.extend(docs)
    assert list(s) == docs


def test_a_record_that_cannot_be_read_back_leaves_the_listing_whole(tmp_path):
    """fresh41 F3: a spooled record cut short or damaged is a stand-in saying so (source, status, pages), not an
    error ending the run's listing (--json stopped after the first document)."""
    r = IngestResult(workdir=str(tmp_path))
    docs = [_doc(i) for i in range(3)]
    r.documents.extend(docs)
    s = r.documents
    e = s._entries[2]
    os.ftruncate(s._fd, e.offset + e.length // 2)  # the last record cut short (as a 3 GiB one was read)
    got = list(s)
    assert got[:2] == docs[:2]
    assert (got[2].source, got[2].status, got[2].pages) == (docs[2].source, Status.ARCHIVED, 2)
    assert got[2].warnings == ["this run's record of the document could not be read back (UnpicklingError)"]
    buf = io.StringIO()
    r.write_json(buf)
    assert [d["source"] for d in json.loads(buf.getvalue())["documents"]] == [d.source for d in docs]
