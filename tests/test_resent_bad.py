"""Bad content sent again — under another name, in a later run or twice in
one run — is reported under each input's own path and quarantined again
with its reason (naming where the same content was quarantined); it is
never a ``duplicate`` of something that was not archived, and ``--move``
leaves it where a quarantined file stays.  Real ``ekte ingest`` runs."""

import json

from helpers import run_ekte

CORRUPT = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ngarbage, no xref, no trailer\n"


def _docs(*args):
    p = run_ekte("ingest", "--json", "--no-progress", *args, check=1)
    return {d["source"]: d for d in json.loads(p.stdout)["documents"]}


def test_an_empty_file_sent_again_under_other_names(tmp_path):
    wd, first, again = tmp_path / "wd", tmp_path / "scan", tmp_path / "e2"
    first.mkdir()
    again.mkdir()
    (first / "empty.pdf").write_bytes(b"")
    (again / "leer1.pdf").write_bytes(b"")
    (again / "leer2.tif").write_bytes(b"")
    assert _docs(first, "-w", wd)[str(first / "empty.pdf")]["status"] == "quarantined"
    docs = _docs(again, "-w", wd)
    assert sorted(docs) == [str(again / "leer1.pdf"), str(again / "leer2.tif")]  # this run's inputs, nothing else
    assert {d["status"] for d in docs.values()} == {"quarantined"}
    assert {d["error"]["code"] for d in docs.values()} == {"empty"}
    assert all(d["duplicate_of"] is None for d in docs.values())
    one, two = docs[str(again / "leer1.pdf")], docs[str(again / "leer2.tif")]
    assert one["first_source"] == str(first / "empty.pdf")  # the provenance the journal keeps
    assert str(again / "leer1.pdf") in two["error"]["message"] and f"quarantine/{two['id']}" in two["error"]["message"]


def test_the_same_corrupt_pdf_twice_in_one_run_with_move(tmp_path):
    wd, inbox, done = tmp_path / "wd", tmp_path / "e4", tmp_path / "e4done"
    inbox.mkdir()
    (inbox / "c1.pdf").write_bytes(CORRUPT)
    (inbox / "c2.pdf").write_bytes(CORRUPT)
    docs = _docs(inbox, "-w", wd, "--move", done, "-j", "2")
    assert sorted(docs) == [str(inbox / "c1.pdf"), str(inbox / "c2.pdf")]
    assert [d["status"] for d in docs.values()] == ["quarantined", "quarantined"]
    assert {d["error"]["code"] for d in docs.values()} == {"broken_pdf"}
    # a quarantined file stays where it was: nothing went to the done folder
    assert sorted(p.name for p in inbox.iterdir()) == ["c1.pdf", "c2.pdf"]
    assert not done.exists() or not any(done.rglob("*.pdf"))


def test_plain_text_misnamed_and_rightly_named_in_one_run(tmp_path):
    """Each copy is judged by its own name: the ``.pdf`` one is quarantined
    for its name, the ``.txt`` one is taken in the same run; a ``.docx``
    copy gets its own name's message (naming the first)."""
    wd, inbox = tmp_path / "wd", tmp_path / "in"
    inbox.mkdir()
    text = "Sehr geehrte Damen und Herren,\nhiermit beantrage ich einen Bauvorbescheid.\n".encode("utf-8")
    for name in ("brief-als.pdf", "brief-b.docx", "brief.txt"):
        (inbox / name).write_bytes(text)
    docs = _docs(inbox, "-w", wd)
    pdf, docx, txt = (docs[str(inbox / n)] for n in ("brief-als.pdf", "brief-b.docx", "brief.txt"))
    assert pdf["status"] == "quarantined" and "ends in .pdf" in pdf["error"]["message"]
    assert docx["status"] == "quarantined" and "ends in .docx" in docx["error"]["message"]
    assert ".pdf" not in docx["error"]["message"].split("The same content")[0]
    assert str(inbox / "brief-als.pdf") in docx["error"]["message"]
    assert txt["status"] in ("archived", "review") and txt["error"] is None
    assert run_ekte("journal", "check", "-w", wd).returncode == 0
