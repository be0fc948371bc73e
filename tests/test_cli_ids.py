"""What a new user met (fresh-clone check): ids as unique prefixes in verify
and export, commands that must not make a working directory out of a
mistyped -w, a busy port, and library warnings kept off the terminal."""

import json
import shutil
import socket
from pathlib import Path

import pytest

from helpers import NO_FIELD_REVIEW, SAMPLES, ingest_json, run_ekte


@pytest.fixture(scope="module")
def wd(tmp_path_factory) -> tuple[Path, str]:
    base = tmp_path_factory.mktemp("ids")
    (base / "in").mkdir()
    shutil.copy(sorted(SAMPLES.glob("inbox/*-pdf.pdf"))[0], base / "in")
    out = ingest_json(base / "in", "-w", base / "wd", *NO_FIELD_REVIEW)
    (doc,) = out["documents"]
    assert doc["status"] in ("archived", "exported")
    return base / "wd", doc["id"]


def test_verify_takes_a_unique_prefix_and_names_an_unknown_id(wd):
    w, doc_id = wd
    p = run_ekte("verify", doc_id[:4], "-w", w)
    assert p.returncode == 0 and "1 of 1 documents hold" in p.stdout, p.stdout + p.stderr
    other = next(c for c in "0123456789abcdef" if not doc_id.startswith(c))
    p = run_ekte("verify", other * 4, "-w", w)
    assert p.returncode == 2 and p.stderr.strip() == f"error: no document with id {other * 4}", p.stderr
    assert "BROKEN" not in p.stdout


def test_export_takes_a_unique_prefix(wd, tmp_path):
    w, doc_id = wd
    (tmp_path / "hf").mkdir()  # (the admin makes export folders; ekte makes none it is given)
    (tmp_path / "hf2").mkdir()
    p = run_ekte("export", doc_id[:5], "-w", w, "-c", "komxwork", "-o", f"connectors.komxwork.path={tmp_path / 'hf'}",
                 "--json")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "hf").is_dir() and list((tmp_path / "hf").glob("*.pdf"))
    p = run_ekte("export", doc_id[:5], "-w", w, "-c", "komxwork", "-o", f"connectors.komxwork.path={tmp_path / 'hf'}",
                 env={"COLUMNS": "400"})
    (pdf,) = (tmp_path / "hf").glob("*.pdf")
    assert p.returncode == 0 and f"komxwork: already-exported → {pdf}" in p.stdout, p.stdout  # and where to
    # another path without --force (a second system): nothing written, and the message says what it takes
    p = run_ekte("export", doc_id[:5], "-w", w, "-c", "komxwork", "-o", f"connectors.komxwork.path={tmp_path / 'hf2'}")
    assert p.returncode == 0 and not list((tmp_path / "hf2").iterdir())
    assert p.stderr.strip() == ("note: already-exported: the journal records an export by that connector, which was "
                                "not asked again; to export to a second system (another path or URL), add --force")
    p = run_ekte("export", doc_id[:5], "-w", w, "-c", "komxwork", "-o", f"connectors.komxwork.path={tmp_path / 'hf2'}",
                 "--force")
    assert p.returncode == 0 and list((tmp_path / "hf2").glob("*.pdf")) and "note:" not in p.stderr, p.stderr


@pytest.mark.parametrize("args", [("serve", "--port", "1"), ("users", "list"), ("users", "token", "anna"),
                                  ("history", "abcd"), ("stats",)])
def test_a_mistyped_workdir_is_refused_and_not_made(tmp_path, args):
    typo = tmp_path / "nope"
    p = run_ekte(*args, "-w", typo)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert len(p.stderr.strip().splitlines()) == 1 and str(typo) in p.stderr, p.stderr
    assert not typo.exists()


def test_serve_on_a_busy_port_says_so_in_one_line(wd):
    w, _ = wd
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        p = run_ekte("serve", "-w", w, "--port", port, timeout=60)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert p.stderr.strip().splitlines() == [p.stderr.strip()] and f"127.0.0.1:{port}" in p.stderr, p.stderr


def test_serve_on_a_port_out_of_range_or_a_foreign_host_says_so(wd):
    """fresh35 F4: --port 99999 / -1 was an internal error (OverflowError, exit 70); a wrong --host got the
    busy port's hint."""
    w, _ = wd
    for port in ("99999", "-1"):
        p = run_ekte("serve", "-w", w, "--port", port, timeout=60)
        assert p.returncode == 2 and p.stderr.strip() == f"error: --port {port}: choose a port from 1 to 65535", \
            p.stderr
    p = run_ekte("serve", "-w", w, "--host", "192.0.2.1", "--port", "8471", timeout=60)  # (TEST-NET-1)
    assert p.returncode == 2 and "(is --host an address of this machine?)" in p.stderr, p.stderr
    assert "another ekte serve" not in p.stderr


def test_library_warnings_stay_off_the_terminal(tmp_path):
    (tmp_path / "in").mkdir()
    tif = (SAMPLES / "inbox" / "scan-kfz_zulassung-001-tif.tif").read_bytes()
    (tmp_path / "in" / "cut.tif").write_bytes(tif[: len(tif) // 3])  # Pillow warns "Corrupt EXIF data"
    p = run_ekte("ingest", tmp_path / "in", "-w", tmp_path / "wd")
    assert p.returncode == 1
    assert "quarantined" in p.stderr and "Warning" not in p.stderr and "warnings.warn" not in p.stderr, p.stderr


def test_stats_takes_json_and_german_dates(wd):
    import json

    w, _ = wd
    p = run_ekte("stats", "--json", "--since", "01.01.2020", "-w", w)
    assert p.returncode == 0, p.stderr
    fig = json.loads(p.stdout)
    assert fig and isinstance(fig, dict)
    assert json.loads(run_ekte("stats", "--format", "json", "--since", "2020-01-01", "-w", w).stdout) == fig
    p = run_ekte("stats", "--since", "32.01.2020", "-w", w)
    assert p.returncode == 2 and "31.01.2026" in p.stderr


def test_mistyped_input_makes_no_working_directory(tmp_path):
    """`ekte ingest /nonexistent -w X`: one line, exit 2, and no X left behind."""
    p = run_ekte("ingest", tmp_path / "nonexistent", "-w", tmp_path / "wd")
    assert p.returncode == 2 and "input not found" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "wd").exists()


def test_export_of_a_document_waiting_for_review_names_its_type(tmp_path):
    """fresh29: `ekte export ID` of a document in the review queue printed its type as "-" (JSON: null,
    by_doctype {"-": …}) although the journal holds it."""
    wd = tmp_path / "wd"
    (doc,) = ingest_json(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", "-w", wd, "-o", "classify.threshold=0.999")[
        "documents"]
    assert doc["status"] == "review" and doc["doctype"] == "bauantrag", doc
    out = json.loads(run_ekte("export", doc["id"], "-w", wd, "--json", check=1).stdout)
    assert out["documents"][0]["doctype"] == "bauantrag" and list(out["summary"]["by_doctype"]) == ["bauantrag"], out
    assert out["version"] == 1, out  # as ingest, verify and train (fresh30 G16, fresh31)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_verify_of_a_quarantined_document_says_it_was_never_archived(tmp_path):
    """fresh35 F3: ``verify ID`` of a quarantined document said BROKEN "the archive folder is missing", exit 1."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "leer.pdf").write_bytes(b"")
    run_ekte("ingest", tmp_path / "in", "-w", tmp_path / "wd")
    p = run_ekte("verify", "e3b0", "-w", tmp_path / "wd")
    assert p.returncode == 0 and "BROKEN" not in p.stdout, p.stdout + p.stderr
    assert "e3b0c44298fc1c14: not archived (quarantined: empty) — nothing to verify" in p.stdout, p.stdout
    j = json.loads(run_ekte("verify", "e3b0", "-w", tmp_path / "wd", "--json", check=0).stdout)
    assert j["not_archived"] == [{"id": "e3b0c44298fc1c14", "state": "quarantined", "reason": "empty"}], j
    # fresh35 F7: review show of it printed an empty type line and no reason
    show = run_ekte("review", "show", "e3b0", "-w", tmp_path / "wd", "--lang", "de", check=0).stdout
    assert "Quarantäne: Die Datei ist leer (null Bytes)." in show and "Dokumenttyp" not in show, show
