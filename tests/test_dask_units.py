"""The parts of ekte on Dask that need no cluster: what travels to the
workers, the fingerprint and the words of a refusal, the executor options
and their errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ekte.api import with_executor
from ekte.distributed import fingerprint
from ekte.distributed.executor import SHARED_TMP, bundle, clean_shared, run_key, travelling
from ekte.errors import ConfigError
from ekte.model import Document
from ekte.pipeline import Pipeline
from ekte.pipeline.tasks import WorkResult, WorkTask
from ekte.profile import load_profile
from helpers import run_ekte


def test_what_travels_from_the_working_directory(tmp_path):
    wd = tmp_path / "wd"
    (wd / "models" / "sub").mkdir(parents=True)
    (wd / "models" / "landkreis.classifier.joblib").write_bytes(b"model")
    (wd / "models" / "sub" / "x.json").write_text("{}")
    (wd / "models" / ".ekte-tmp-half-written").write_bytes(b"no")
    elsewhere = tmp_path / "my.extractor.bin"
    elsewhere.write_bytes(b"other")
    prof = load_profile(None, [f"classify.model_path={elsewhere}"])
    files, paths = bundle(prof, wd)
    assert files == {"models/landkreis.classifier.joblib": b"model", "models/sub/x.json": b"{}",
                     "settings/classify/my.extractor.bin": b"other"}
    assert paths == {"classify": "settings/classify/my.extractor.bin"}
    # another model is another run set-up on the workers
    setup = Pipeline(prof, wd).worker_setup()
    assert run_key(setup, files) != run_key(setup, {**files, "models/sub/x.json": b"{1}"})
    assert run_key(setup, files) == run_key(setup, dict(files))


def test_this_host_fits_its_own_tasks_and_a_refusal_says_what_differs():
    have = fingerprint.resources(2)
    need = fingerprint.required(fingerprint.used_languages("deu", True))
    assert set(need) <= set(have) and all(have[k] == 2 for k in need)
    assert any(k.startswith("tessdata-osd-") for k in need) and any(k.startswith("ekte-") for k in need)
    here = fingerprint.describe()
    there = {"software": {**here["software"], "ekte": "9.9", "tesseract": "4.1.1"},
             "languages": {k: v for k, v in here["languages"].items() if k != "osd"}}
    there["languages"]["deu"] = "0" * 12
    why = fingerprint.differences(here, there, ["deu", "osd"])
    assert f"ekte 9.9 there, {here['software']['ekte']} here" in why
    assert f"tesseract 4.1.1 there, {here['software']['tesseract']} here" in why
    assert "language data 'deu' differs" in why and "language data 'osd' missing there" in why
    assert "not an ekte worker" in fingerprint.differences(here, None, ["deu"])


def test_fingerprint_extra_is_part_of_the_software(monkeypatch):
    before = fingerprint.required(["deu"])
    fingerprint.software.cache_clear()
    monkeypatch.setenv("EKTE_FINGERPRINT_EXTRA", "canary")
    try:
        assert fingerprint.required(["deu"]) != before
    finally:
        fingerprint.software.cache_clear()


def test_executor_options():
    prof = load_profile()
    assert prof.executor.kind == "local"
    p = with_executor(prof, scheduler="tcp://10.0.0.5:8786")
    assert (p.executor.kind, p.executor.scheduler) == ("dask", "tcp://10.0.0.5:8786")
    assert with_executor(prof, "dask", shared_root="/srv/x").executor.shared_root == "/srv/x"
    assert with_executor(prof) is prof
    with pytest.raises(ConfigError, match=r"^--scheduler: expects an address such as tcp://"):
        with_executor(prof, scheduler="scheduler:8786")
    with pytest.raises(ConfigError, match="need --executor dask"):
        with_executor(prof, "local", shared_root="/srv/x")
    assert with_executor(prof, scheduler="tcp://[::1]:8786").executor.scheduler == "tcp://[::1]:8786"


def test_tasks_and_results_do_not_name_files_when_logged():
    doc = Document(sha256="a" * 64, source="/in/Antrag Erika Mustermann.pdf", size=1, media_type="application/pdf")
    doc.page_texts = ["Erika Mustermann, Hauptstraße 1"]
    for x in (WorkTask("t1", doc, doc.source), WorkResult("t1", doc, original="/x/Mustermann.pdf")):
        assert "Mustermann" not in repr(x) and "t1" in repr(x)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_cli_errors_are_one_line(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("x")
    p = run_ekte("ingest", tmp_path / "in", "-w", tmp_path / "wd", "--scheduler", "localhost:8786", check=2)
    assert p.stderr.strip() == ("error: --scheduler: expects an address such as tcp://scheduler.example:8786 "
                                "or tls://scheduler.example:8786")
    p = run_ekte("ingest", tmp_path / "in", "-w", tmp_path / "wd", "-o", "executor.kind=cluster", check=2)
    assert "executor.kind" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    p = run_ekte("ingest", tmp_path / "in", "-w", tmp_path / "wd", "--scheduler", "tcp://127.0.0.1:9",
                 "-o", "executor.connect_timeout=2", check=2)
    (line,) = p.stderr.strip().splitlines()
    assert line.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 ("), line
    db = sqlite3.connect(tmp_path / "wd" / "journal.sqlite")  # the run is recorded as ended
    assert db.execute("SELECT COUNT(*) FROM runs WHERE finished IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0
    p = run_ekte("ingest", "--help")
    for opt in ("--executor", "--scheduler", "--shared-root"):
        assert opt in p.stdout


def test_files_travel_as_bytes_or_below_the_shared_root_as_paths(tmp_path):
    shared, other = tmp_path / "shared", tmp_path / "other"
    for d in (shared, other):
        d.mkdir()
        (d / "a.pdf").write_bytes(b"%PDF-1.4 x")
    doc = Document(sha256="b" * 64, source="a.pdf", size=10, media_type="application/pdf")
    t = travelling(WorkTask("t1", doc, str(other / "a.pdf"), scratch="/coordinator/tmp/t1"), shared)
    assert (t.path, t.data, t.scratch) == (None, b"%PDF-1.4 x", "")  # the worker picks its own scratch
    t = travelling(WorkTask("t2", doc, str(shared / "a.pdf"), scratch="/coordinator/tmp/t2"), shared)
    assert t.data is None and t.path == str(shared / "a.pdf")
    assert Path(t.scratch).parent.parent == shared / SHARED_TMP  # results come back there, as paths
    orig = WorkTask("t3", doc, str(shared / "a.pdf"))
    travelling(orig, None)
    assert orig.data is None and orig.path  # the coordinator's task is left as it was
    # what a dead coordinator of this host left there is removed; a live one's and another host's stay
    import ekte.owner as owner

    here = owner.host_hash(owner.host_name())
    mine = Path(t.scratch).parent
    dead = shared / SHARED_TMP / f"{here}-{owner.boot_id()}-999999999-1"
    foreign = shared / SHARED_TMP / f"{'f' * 6 if here != 'f' * 6 else 'e' * 6}-{owner.boot_id()}-1-1"
    for d in (mine, dead, foreign):
        d.mkdir(parents=True)
    clean_shared(shared)
    assert sorted(p.name for p in (shared / SHARED_TMP).iterdir()) == sorted([mine.name, foreign.name])


def test_tls_settings_are_checked_like_secrets(tmp_path):
    """``tls://`` takes the cluster's CA, a certificate and its key from [executor]: missing,
    unreadable, not PEM, a key others may read or one of another certificate — one line each."""
    import os
    import shutil

    from dask_cluster import make_tls

    from ekte.distributed.tls import security

    t = make_tls(tmp_path / "pki")

    def ex(**kw):
        return load_profile(None, [f"executor.{k}={v}" for k, v in kw.items()]).executor

    full = dict(tls_ca_file=t.ca, tls_cert_file=t.cert, tls_key_file=t.key)
    assert security(ex(), "tcp://h:8786") is None and security(ex(**full), "") is None  # (a LocalCluster)
    sec = security(ex(**full), "tls://h:8786")
    assert sec.require_encryption and sec.tls_client_cert == str(t.cert) and sec.tls_client_key == str(t.key)
    cases = [
        (dict(tls_ca_file=t.ca), "tls://h:8786",
         "the Dask scheduler tls://h:8786 needs TLS: set executor.tls_cert_file, executor.tls_key_file"),
        (full, "tcp://h:8786", "executor.tls_ca_file is set, but the scheduler address tcp://h:8786 is not tls://"),
        ({**full, "tls_ca_file": tmp_path / "nope.pem"}, "tls://h:8786", "executor.tls_ca_file: cannot read"),
        ({**full, "tls_cert_file": t.key}, "tls://h:8786", "executor.tls_cert_file: .* holds no PEM certificate"),
        ({**full, "tls_key_file": t.other_key}, "tls://h:8786",
         r"executor.tls_cert_file/tls_key_file: cannot load them \(.*does the key belong"),
    ]
    loose = tmp_path / "loose.key"
    shutil.copy(t.key, loose)
    os.chmod(loose, 0o644)
    cases.append(({**full, "tls_key_file": loose}, "tls://h:8786",
                  r"executor.tls_key_file: .* is readable by others \(mode -rw-r--r--\); chmod 600 it first"))
    for settings, address, message in cases:
        with pytest.raises(ConfigError, match=message):
            security(ex(**settings), address)


def test_a_hosts_fingerprint_is_printed_for_comparison():
    """`python -m ekte.distributed.fingerprint` (README: compare the hosts before starting) prints
    what the workers advertise."""
    import json
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "ekte.distributed.fingerprint"], capture_output=True, text=True,
                       timeout=120, check=True)
    printed = json.loads(p.stdout)
    assert printed == json.loads(json.dumps(fingerprint.describe()))
    assert printed["software"]["ekte"] and "deu" in printed["languages"]


def test_every_shipped_unit_comes_back_after_any_exit():
    """packaging/*.service: Restart=always with a pause (finding 8: `dask worker` ends with exit 0
    when its scheduler goes; the daemon and the scheduler are meant to run, too — `systemctl stop`
    is no exit and still stops them)."""
    import configparser

    units = sorted((Path(__file__).resolve().parents[1] / "packaging").glob("*.service"))
    assert {u.name for u in units} >= {"ekte-dask-worker.service", "ekte-dask-scheduler.service",
                                       "ekte-watch.service", "ekte-watch@.service"}
    for unit in units:
        cp = configparser.ConfigParser(strict=False, interpolation=None)
        cp.optionxform = str
        cp.read(unit)
        service = cp["Service"]
        assert service.get("Restart") == "always", unit.name
        assert float(service.get("RestartSec", "0")) >= 5, unit.name  # no tight loop (StartLimitBurst)
