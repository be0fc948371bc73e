"""`ekte export` and what it reports (fresh37 F3, F5, F6, F14, F18): a
connector that failed for a document stays owed it until it delivered —
a plain `ekte export` and the watch daemon's retry ask it again; results per
document whatever `group_by` and `--force`; the "journal answered" note only
when it did; a document in review as ingest shows it."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from helpers import ROOT, ingest_json, run_ekte

PDF = ROOT / "samples" / "inbox" / "tierhaltung-006-pdf.pdf"


def _state(wd: Path) -> tuple[str, str | None]:
    db = sqlite3.connect(wd / "journal.sqlite")
    try:
        return db.execute("SELECT state, error_message FROM documents").fetchone()
    finally:
        db.close()


def _export(wd: Path, *args: str) -> tuple[int, dict, str]:
    p = run_ekte("export", "--all", "-w", wd, *args, "--json")
    return p.returncode, json.loads(p.stdout)["documents"][0], p.stderr


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_connector_that_failed_stays_owed_until_it_delivered(tmp_path):
    """F14: ingest to komxwork + xdomea, xdomea fails.  `ekte export -c komxwork` keeps the document
    export_failed naming xdomea; a plain `ekte export` asks xdomea again (not only the profile's connector)
    and keeps export_failed while it fails; the daemon's retry (Pipeline.retry_exports) delivers it."""
    (tmp_path / "in").mkdir()
    shutil.copy(PDF, tmp_path / "in")
    wd, blocker, hot, xd = tmp_path / "wd", tmp_path / "blocker", tmp_path / "hot", tmp_path / "xd"
    blocker.write_text("a file where the folder should be")
    hot.mkdir(), xd.mkdir()  # configured export folders exist (an admin makes them; ekte makes none)
    bad = ["-o", f"connectors.xdomea.path={blocker}/x"]
    out = ingest_json(tmp_path / "in", "-w", wd, "-c", "komxwork", "-c", "xdomea", "-o",
                      f"connectors.komxwork.path={hot}", *bad, check=1)["documents"][0]
    assert out["status"] == "export_failed" and out["export_results"] == {"komxwork": "exported", "xdomea": "failed"}
    rc, doc, _ = _export(wd, *bad)  # no -c: the profile's folder, and xdomea again (still failing)
    assert rc == 1 and doc["status"] == "export_failed", doc
    assert doc["export_results"] == {"folder": "exported", "xdomea": "failed"}
    assert _state(wd)[0] == "archived"
    rc, doc, _ = _export(wd, "-c", "komxwork", "-o", f"connectors.komxwork.path={hot}")
    assert rc == 1 and doc["status"] == "export_failed" and doc["export_results"] == {"komxwork": "already-exported"}
    assert doc["error"]["message"].startswith("xdomea: not delivered yet"), doc["error"]
    state, why = _state(wd)
    assert state == "archived" and why.startswith("xdomea: not delivered yet")
    assert not list(xd.iterdir())
    # the watch daemon's rescan: every archived (not exported) document, with the profile's connectors
    from ekte.api import Pipeline
    from ekte.profile import load_profile

    with Pipeline(load_profile(None, [f"connectors.xdomea.path={xd}"]), wd, archives=False, create=False) as p:
        (d,) = p.retry_exports()
    assert d.extra["export_results"]["xdomea"] == "exported" and d.status.value == "archived"
    assert _state(wd) == ("exported", None) and len(list(xd.glob("*.zip"))) == 1


def _letters(folder: Path) -> None:
    from fpdf import FPDF

    folder.mkdir()
    az = "BSP-63.20-2026/00042"
    for name, lines in (("a.pdf", ["Bauantrag", "Antrag auf Baugenehmigung", f"Aktenzeichen: {az}", "Carport"]),
                        ("b.pdf", ["Nachreichung von Bauvorlagen zum Bauantrag", f"Aktenzeichen: {az}", "Lageplan"])):
        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        for ln in lines:
            pdf.cell(0, 8, ln, new_x="LMARGIN", new_y="NEXT")
        pdf.output(str(folder / name))


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_forced_grouped_export_reports_each_document_and_counts_failures(tmp_path):
    """F5: `export --all --force` with group_by = aktenzeichen: per document its result and place, and a
    failure is counted as one (it said "exported or already there, 0 failed" with empty results); F3: the
    "journal answered" note only when the journal did, not when the connector said already-exported."""
    _letters(tmp_path / "in")
    wd = tmp_path / "wd"
    ingest_json(tmp_path / "in", "-w", wd, "-c", "folder", "-o", "classify.threshold=0", check=0)
    grp = ["-c", "xdomea", "-o", "connectors.xdomea.group_by=aktenzeichen"]
    (tmp_path / "x1").mkdir(), (tmp_path / "x2").mkdir()
    p = run_ekte("export", "--all", "-w", wd, *grp, "-o", f"connectors.xdomea.path={tmp_path}/x1", "--json")
    assert {d["export_results"]["xdomea"] for d in json.loads(p.stdout)["documents"]} == {"exported"}
    x2 = ["-o", f"connectors.xdomea.path={tmp_path}/x2"]
    for want in ("exported", "already-exported"):  # a second folder; then that folder's ledger answers
        p = run_ekte("export", "--all", "--force", "-w", wd, *grp, *x2, "--json")
        docs = json.loads(p.stdout)["documents"]
        assert p.returncode == 0 and [d["export_results"] for d in docs] == [{"xdomea": want}] * 2
        (zipped,) = (tmp_path / "x2").glob("*.zip")
        assert {d["exports"]["xdomea"] for d in docs} == {str(zipped)}
        assert "note: already-exported" not in p.stderr  # the connector was asked
    p = run_ekte("export", "--all", "-w", wd, *grp, "-o", f"connectors.xdomea.path={tmp_path}/x2")
    assert "note: already-exported: the journal records" in p.stderr  # not asked: the journal answered
    (tmp_path / "blocker").write_text("not a folder")
    p = run_ekte("export", "--all", "--force", "-w", wd, *grp, "-o", f"connectors.xdomea.path={tmp_path}/blocker/x",
                 "-o", "connectors.xdomea.group_by=submission", "--json")
    out = json.loads(p.stdout)
    assert p.returncode == 1 and out["summary"]["by_status"].get("export_failed") == 2, out["summary"]
    assert [d["export_results"] for d in out["documents"]] == [{"xdomea": "failed"}] * 2
    p = run_ekte("export", "--all", "--force", "-w", wd, *grp, "-o", f"connectors.xdomea.path={tmp_path}/blocker/x")
    assert "2 failed" in p.stdout and "0 exported or already there" in p.stdout, p.stdout


def test_a_document_in_review_shows_its_fields_and_pages(tmp_path):
    """F6 (and F18: ingest --json carries export_results too): export --json reports a document waiting for
    review with the fields and pages ingest --json gave it, not {} and 0."""
    (tmp_path / "in").mkdir()
    shutil.copy(PDF, tmp_path / "in")
    wd = tmp_path / "wd"
    ing = ingest_json(tmp_path / "in", "-w", wd, "-o", "classify.threshold=0.999", check=1)["documents"][0]
    assert ing["status"] == "review" and ing["fields"] and ing["pages"] >= 1 and ing["export_results"] == {}
    rc, doc, _ = _export(wd)
    assert doc["status"] == "review" and doc["export_results"] == {}
    assert (doc["fields"], doc["pages"], doc["doctype"]) == (ing["fields"], ing["pages"], ing["doctype"])


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_one_look_at_the_journal_serves_an_export_and_its_record(tmp_path):
    """The owed connectors and the recorded exports are read once per exported document (delivery.export),
    not again when the outcome is recorded (settle) — and the owed one is still asked and delivers."""
    (tmp_path / "in").mkdir()
    shutil.copy(PDF, tmp_path / "in")
    wd, blocker, xd = tmp_path / "wd", tmp_path / "blocker", tmp_path / "xd"
    blocker.write_text("a file where the folder should be")
    xd.mkdir()
    ingest_json(tmp_path / "in", "-w", wd, "-c", "xdomea", "-o", f"connectors.xdomea.path={blocker}/x", check=1)
    from ekte.api import Pipeline
    from ekte.profile import load_profile

    with Pipeline(load_profile(None, [f"connectors.xdomea.path={xd}"]), wd, archives=False, create=False) as p:
        sql: list[str] = []
        p.j.db.set_trace_callback(sql.append)
        (d,) = p.export_archived(all_docs=True).documents
        p.j.db.set_trace_callback(None)
    assert d.extra["export_results"] == {"folder": "exported", "xdomea": "exported"}, d.extra["export_results"]
    assert _state(wd) == ("exported", None)
    assert sum("stage='export' AND event" in s for s in sql) == 1  # (the owed connectors)
    assert sum("SELECT connector, location FROM exports WHERE doc_id" in s for s in sql) == 1


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_debt_to_a_connector_gone_from_the_profile_is_named_and_can_be_dropped(tmp_path):
    """A connector that failed and is no longer in the profile (nor configured) is not asked with its defaults:
    one warning names it and the two ways out; `ekte journal forget-owed` drops the debt (in the trail) and
    the document is recorded exported; asked again, it says nothing is owed (one line, exit 2)."""
    (tmp_path / "in").mkdir()
    shutil.copy(PDF, tmp_path / "in")
    wd, blocker = tmp_path / "wd", tmp_path / "blocker"
    blocker.write_text("a file where the folder should be")
    out = ingest_json(tmp_path / "in", "-w", wd, "-c", "folder", "-c", "xaip", "-o",
                      f"connectors.xaip.path={blocker}/x", check=1)["documents"][0]
    assert out["export_results"] == {"folder": "exported", "xaip": "failed"}
    rc, doc, stderr = _export(wd)  # the profile names folder only and has no [connectors.xaip]
    assert rc == 1 and doc["export_results"] == {"folder": "already-exported"}
    assert "owed to connector xaip, which the profile no longer names" in stderr
    assert "ekte journal forget-owed xaip" in stderr and "Traceback" not in stderr
    assert "not in the profile" in doc["error"]["message"] and not (wd / "export" / "xaip").exists()
    p = run_ekte("journal", "forget-owed", "xaip", "-w", wd, "--json", check=0)
    (d,) = json.loads(p.stdout)["documents"]
    assert d["status"] == "archived" and d["export_results"] == {"folder": "already-exported"}
    assert _state(wd) == ("exported", None)
    trail = run_ekte("history", out["id"], "-w", wd, "--json", check=0).stdout
    assert "owed-forgotten" in trail
    p = run_ekte("journal", "forget-owed", "xaip", "-w", wd)
    assert p.returncode == 2 and "no archived document is owed to connector 'xaip'" in p.stderr
    assert "Traceback" not in p.stderr
