"""fresh38 F4: the deletion reason is kept for ever (tombstone, chained entry, deleted/<id>.json), so it is a
code of a fixed list — as a records manager's deletion log names them — with an optional short note that is
refused when it looks like personal data; shown in German (English with --lang en); a free-text reason of an
older journal is shown as it is.  Real ingest, real deletion."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import SAMPLES, ingest_json, run_ekte

from ekte.errors import ConfigError
from ekte.evidence import deletion_reasons as dr

WIDE = {"COLUMNS": "400"}


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reasons")
    inbox = tmp / "in"
    inbox.mkdir()
    shutil.copy(SAMPLES / "inbox" / "tierhaltung-006-pdf.pdf", inbox)
    wd = tmp / "wd"
    (doc,) = ingest_json(inbox, "-w", wd, "-j", "1", check=0)["documents"]
    return wd, doc["id"]


def test_a_free_text_reason_or_a_personal_note_is_refused_and_nothing_is_deleted(archived):
    wd, doc = archived
    p = run_ekte("retention", "delete", doc, "-w", wd, "--reason", "Antrag von Lukas Fischer", "--force")
    assert p.returncode == 2 and "retention_ended" in p.stderr and "erasure_request" in p.stderr, p.stderr
    for note in ("Antrag vom 14.03.2025", "Mühlenweg 20", "Anruf 07027 36739", "k.l@example.org"):
        p = run_ekte("retention", "delete", doc, "-w", wd, "--reason", "erasure_request", "--note", note, "--force")
        assert p.returncode == 2 and "--note" in p.stderr, (note, p.stderr)
    meta = json.loads(next((wd / "archive").glob(f"*/{doc}/metadata.json")).read_text("utf-8"))
    surname = meta["fields"]["nachname"]["value"]
    p = run_ekte("retention", "delete", doc, "-w", wd, "--reason", "erasure_request", "--note",
                 f"Antrag {surname} schriftlich", "--force", "--json", check=1)
    (r,) = json.loads(p.stdout)["documents"]
    assert r["error"]["code"] == "note_personal" and not r["deleted"], r
    assert next((wd / "archive").glob(f"*/{doc}"), None) is not None and not (wd / "deleted").exists()


def test_a_code_and_note_are_recorded_and_shown_in_words(archived):
    wd, doc = archived
    run_ekte("retention", "delete", doc, "-w", wd, "--reason", "erasure_request", "--note", "schriftlich",
             "--force", "--json", check=0)
    rec = json.loads((wd / "deleted" / f"{doc}.json").read_text("utf-8"))
    assert rec["reason"] == "erasure_request: schriftlich", rec
    de = run_ekte("history", doc, "-w", wd, env=WIDE, check=0).stdout
    assert "Löschung auf Antrag der betroffenen Person (Art. 17 DSGVO) — schriftlich" in de, de
    en = run_ekte("retention", "deleted", "-w", wd, "--lang", "en", env=WIDE, check=0).stdout
    assert "erasure at the data subject's request (Art. 17 GDPR) — schriftlich" in en, en
    assert "erasure_request" not in run_ekte("retention", "deleted", "-w", wd, env=WIDE, check=0).stdout


def test_words_of_a_code_and_of_an_older_free_text_reason():
    assert dr.words("retention_ended", "de") == "Aufbewahrungsfrist abgelaufen"
    assert dr.words("wrong_capture: doppelt gescannt", "en") == "captured in error / duplicate — doppelt gescannt"
    assert dr.words("Frist abgelaufen", "de") == "Frist abgelaufen"  # a journal from before the list
    assert dr.split("order: laut Verfügung") == ("order", "laut Verfügung")
    with pytest.raises(ConfigError):
        dr.reason_text("order", "x" * (dr.NOTE_MAX + 1))
