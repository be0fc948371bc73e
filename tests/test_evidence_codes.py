"""fresh38 F14c: ``verify --json`` problems and ``journal check --json`` findings carry stable codes (and the
file a problem names) beside the old keys."""

from __future__ import annotations

import json
import shutil

import pytest

from ekte.evidence import codes
from helpers import SAMPLES, ingest_json, run_ekte

SENTENCES = {  # what the checks write → its code and file
    "document.pdf was changed or damaged (SHA-256 differs from metadata.json)": ("file_changed", "document.pdf"),
    "text.txt is missing": ("file_missing", "text.txt"),
    "notes.docx: a file metadata.json does not record": ("file_unrecorded", "notes.docx"),
    "metadata.json is missing or not valid JSON": ("metadata_unreadable", "metadata.json"),
    "metadata.json.p7s is missing (metadata.json says it was made)": ("evidence_file_missing", "metadata.json.p7s"),
    "metadata.json.p7s: seal does not match the file (changed after sealing)": ("seal_broken", "metadata.json.p7s"),
    "metadata.json.tsr: time stamp is intact but the TSA is not trusted (timestamp.ca_file)":
        ("untrusted", "metadata.json.tsr"),
    "document.pdf: the PDF seal is broken (the document changed after sealing)": ("seal_broken", "document.pdf"),
    "document.pdf: the revision under the seal differs from the one recorded":
        ("unsealed_revision_changed", "document.pdf"),
    "document.pdf is not valid PDF/A-2b: 3 finding(s)": ("pdfa_invalid", "document.pdf"),
    "document.pdf: its XMP names another document": ("xmp_differs", "document.pdf"),
    "transfervermerk.xml names another original (its hash differs)": ("transfer_note_differs", "transfervermerk.xml"),
    "no seal over metadata.json (required)": ("evidence_missing", "metadata.json"),
    "the journal does not know this document": ("journal_unknown", None),
    "metadata.json and the journal disagree about the number of pages": ("journal_differs", "metadata.json"),
    "the archive folder is not at its place (archive/ab/abcdef0123456789)": ("folder_misplaced", None),
    "the archive folder is missing": ("folder_missing", None),
    "field iban: the audit trail set it, metadata.json no longer holds it": ("field_removed", "metadata.json"),
    "field iban: metadata.json names another method than the audit entry that set it":
        ("field_method_differs", "metadata.json"),
    "field iban: metadata.json holds another value than the audit trail set": ("field_differs", "metadata.json"),
    "journal event 7 (ocr/done, 2026-12-01T19:00:00+00:00) was edited after it was written": ("chain_broken", None),
    "the journal was rewritten before event 9: the head of the audit chain recorded in metadata.json differs":
        ("journal_rewritten", "metadata.json"),
    "deleted/abcdef0123456789.json differs from the chained deletion entry (why)":
        ("tombstone_differs", "deleted/abcdef0123456789.json"),
    "the check could not run (KeyError)": ("check_failed", None),
}


@pytest.mark.parametrize("sentence", sorted(SENTENCES))
def test_each_sentence_has_its_code_and_file(sentence):
    p = codes.problem("files", sentence)
    assert (p["code"], p.get("file")) == SENTENCES[sentence] and p["message"] == sentence, p


def test_verify_and_journal_check_json_carry_codes(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", tmp_path / "in")
    wd = tmp_path / "wd"
    doc_id = ingest_json(tmp_path / "in", "-w", wd, "-j", "1", "-c", "folder")["documents"][0]["id"]
    folder = wd / "archive" / doc_id[:2] / doc_id
    with open(folder / "document.pdf", "ab") as f:
        f.write(b"%tampered\n")
    j = json.loads(run_ekte("verify", "-w", wd, "--json", check=None).stdout)
    (p,) = [p for p in j["documents"][0]["problems"] if p["check"] == "files"]
    assert p["code"] == "file_changed" and p["file"] == "document.pdf" and "SHA-256" in p["message"], p
    shutil.rmtree(folder)
    j = json.loads(run_ekte("journal", "check", "-w", wd, "--json", check=None).stdout)
    assert isinstance(j["findings"][0], str), j  # the old key, as before
    assert j["problems"] == [{"id": doc_id, "code": "folder_missing", "message": j["findings"][0]}], j


def test_codes_are_set_where_the_checks_write_them(tmp_path):
    """Each check writes its problem with its code (``codes.Problem``), not matched afterwards from the English
    sentence: with the pattern tables emptied, verify's and journal check's codes are the same as with them —
    none ``other`` — and they survive verify's worker processes (pickled)."""
    import pickle

    from ekte import api

    (tmp_path / "in").mkdir()
    for n in ("bauantrag-002-pdf.pdf", "tierhaltung-006-pdf.pdf"):
        shutil.copy(SAMPLES / "inbox" / n, tmp_path / "in")
    wd = tmp_path / "wd"
    a, b = (d["id"] for d in ingest_json(tmp_path / "in", "-w", wd, "-j", "1", check=0)["documents"])
    fa, fb = (wd / "archive" / i[:2] / i for i in (a, b))
    with open(fa / "document.pdf", "ab") as f:
        f.write(b"%tampered\n")
    (fa / "text.txt").unlink()
    (fa / "notes.docx").write_bytes(b"x")
    m = json.loads((fb / "metadata.json").read_text("utf-8"))
    m["received"] = "2026-01-01T08:00:00+00:00"
    m["fields"]["nachname"]["value"] = "Falsch"
    (fb / "metadata.json").write_text(json.dumps(m), "utf-8")

    def found():
        res = api.verify(workdir=wd, jobs=1)
        return sorted((d.id, c, codes.problem(c, msg)["code"], msg) for d in res.documents for c, msg in d.problems)

    with_tables = found()
    tables = codes.VERIFY[:], codes.JOURNAL[:]
    codes.VERIFY[:], codes.JOURNAL[:] = [], []  # emptied in place: no fallback left anywhere
    try:
        without = found()
        shutil.rmtree(fa)
        check = api.journal_check(workdir=wd)
    finally:
        codes.VERIFY[:], codes.JOURNAL[:] = tables
    assert without == with_tables and "other" not in {x[2] for x in without}, without
    assert {"file_changed", "file_missing", "file_unrecorded", "journal_differs", "field_differs"} <= \
        {x[2] for x in without}, without
    p = next(msg for *_x, msg in without)
    assert codes.code_of(pickle.loads(pickle.dumps(p))) == codes.code_of(p) != "other"
    assert [(f["id"], f["code"]) for f in check["problems"]] == [(a, "folder_missing")], check
