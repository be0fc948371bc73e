"""ekte on Dask between hosts, with real processes: a `dask scheduler` and
a `dask worker` speaking mutual TLS on 127.0.0.1 (certificates made here
with `cryptography`), both started with the command lines of packaging/'s
units.  The worker stands in for one on another host: its own working
folder, HOME and TMPDIR, its own copy of the certificates, and a mount
namespace in which pytest's whole temporary tree — the coordinator's inbox
and working directory — is an empty tmpfs.  A batch is archived once; a
coordinator without a certificate, or with one of another CA, is refused
in one line."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import ssl
import tempfile
import urllib.request
from pathlib import Path

import pytest

from dask_cluster import DaskCluster, can_hide, exactly_once, make_tls, unit_command, unit_env
from helpers import NO_FIELD_REVIEW, SAMPLES, ingest_json, run_ekte

pytestmark = pytest.mark.slow  # real Dask processes and real OCR


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tls_words(ca: Path, cert: Path, key: Path) -> str:
    return f"--protocol tls --tls-ca-file {ca} --tls-cert {cert} --tls-key {key}"


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return make_tls(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def other_host():
    """The worker host's own folder, outside pytest's temporary tree."""
    d = Path(tempfile.mkdtemp(prefix="ekte-otherhost-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, tls, other_host):
    if not can_hide():
        pytest.skip("no mount namespace for the worker here (unshare --mount): it would see the coordinator's files")
    hidden = tmp_path_factory.getbasetemp()  # inboxes, working directories, the scheduler's folder
    sched = unit_command("ekte-dask-scheduler.service",
                         unit_env(EKTE_SCHEDULER_HOST="127.0.0.1", EKTE_DASHBOARD="127.0.0.1:0",
                                  EKTE_DASK_TLS=_tls_words(tls.ca, tls.cert, tls.key)))
    sched[sched.index("--port") + 1] = "0"
    c = DaskCluster(tmp_path_factory.mktemp("tls-cluster"), tls=tls, scheduler=sched)
    try:
        mine = other_host / "tls"  # the worker host's own copy of the CA, its certificate and key
        mine.mkdir()
        for f in (tls.ca, tls.cert, tls.key):
            shutil.copy2(f, mine / f.name)
        (other_host / "home").mkdir()
        (other_host / "tmp").mkdir()
        c.ports = (_free_port(), _free_port())
        env = unit_env(EKTE_SCHEDULER=c.address, EKTE_WORKERS="1", EKTE_WORKER_DIR=str(other_host / "dask-worker"),
                       EKTE_WORKER_PORTS=f"--worker-port {c.ports[0]} --nanny-port {c.ports[1]}",
                       EKTE_DASK_TLS=_tls_words(mine / tls.ca.name, mine / tls.cert.name, mine / tls.key.name))
        cmd = unit_command("ekte-dask-worker.service", env, host="otherhost")
        c.start("otherhost", cmd[1:], env={"HOME": str(other_host / "home"), "TMPDIR": str(other_host / "tmp"),
                                           "OMP_THREAD_LIMIT": env["OMP_THREAD_LIMIT"]},
                cwd=other_host, hide=hidden)
        c.wait_workers(["otherhost"])
        yield c
    finally:
        c.stop()


def test_a_worker_on_another_host_over_tls_archives_a_batch_once(cluster, tls, other_host, born_digital, tmp_path,
                                                                 tmp_path_factory):
    assert cluster.address.startswith("tls://127.0.0.1:")
    port = cluster.info["services"]["dashboard"]  # the dashboard: plain HTTP beside the TLS port
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=30) as r:
        assert r.status == 200 and b"Dask" in r.read()
    src, _truth = born_digital
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir()
    for f in sorted(src.glob("*.pdf"))[:2]:
        shutil.copy(f, inbox / f.name)
    shutil.copy(SAMPLES / "inbox" / "scan-ifsg_belehrung-001-png.png", inbox / "scan.png")  # OCRed on the worker
    def worker_view(inbox: str, hidden: str) -> dict:  # runs in the worker process (sent by value)
        import os

        return {"inbox": os.path.exists(inbox), "hidden": os.listdir(hidden), "cwd": os.getcwd(),
                "home": os.environ.get("HOME"), "tmp": os.environ.get("TMPDIR")}

    client = cluster.client()
    try:
        workers = client.scheduler_info(n_workers=-1)["workers"]
        (addr,) = workers
        assert addr == f"tls://127.0.0.1:{cluster.ports[0]}"  # TLS between scheduler and worker, on its port
        view = client.run(worker_view, str(inbox), str(tmp_path_factory.getbasetemp()))[addr]
    finally:
        client.close()
    # the worker sees none of the coordinator's files, and has a home, a folder and a temp of its own
    assert view == {"inbox": False, "hidden": [], "cwd": str(other_host), "home": str(other_host / "home"),
                    "tmp": str(other_host / "tmp")}
    out = ingest_json(inbox, "-w", wd, "--scheduler", cluster.address, *tls.profile(), *NO_FIELD_REVIEW,
                      "-o", "classify.threshold=0", check=0)  # (no review: every document goes through)
    assert [d["status"] for d in out["documents"]] == ["archived"] * 3
    exactly_once(wd, 3)
    s = out["summary"]
    assert set(s["workers"]) == {"otherhost"} and s["workers"]["otherhost"]["documents"] == 3
    assert s["workers"]["otherhost"]["pages"] == s["pages"] >= 3
    assert list((other_host / "dask-worker").rglob("*.pdf")) == []  # its scratch files are gone


def _refused(p, wd: Path) -> str:
    err = p.stderr.strip()
    assert p.returncode == 2 and "Traceback" not in err, err[-2000:]
    (line,) = err.splitlines()
    db = sqlite3.connect(wd / "journal.sqlite")
    try:  # nothing admitted, nothing quarantined
        assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
    finally:
        db.close()
    return line


def test_coordinators_without_the_clusters_certificate_are_refused_in_one_line(cluster, tls, born_digital, tmp_path):
    src, _truth = born_digital
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(sorted(src.glob("*.pdf"))[0], inbox / "a.pdf")
    # no certificate in the profile: said before any connection
    p = run_ekte("ingest", inbox, "-w", tmp_path / "wd1", "--scheduler", cluster.address)
    assert _refused(p, tmp_path / "wd1") == (
        f"error: the Dask scheduler {cluster.address} needs TLS: set executor.tls_ca_file, executor.tls_cert_file, "
        "executor.tls_key_file (the cluster's CA, this coordinator's certificate and its key)")
    # a certificate of another CA: the scheduler refuses it, at once (not after connect_timeout)
    p = run_ekte("ingest", inbox, "-w", tmp_path / "wd2", "--scheduler", cluster.address,
                 *tls.profile(cert=tls.other_cert, key=tls.other_key))
    line = _refused(p, tmp_path / "wd2")
    assert line.startswith(f"error: the Dask scheduler at {cluster.address} refused this coordinator's "
                           "certificate (") and "--tls-ca-file" in line, line
    # a scheduler that speaks plain TCP where tls:// was said: one line too
    plain = DaskCluster(tmp_path / "plain")
    try:
        p = run_ekte("ingest", inbox, "-w", tmp_path / "wd3", "--scheduler", plain.address.replace("tcp:", "tls:"),
                     *tls.profile(), "-o", "executor.connect_timeout=5")
        line = _refused(p, tmp_path / "wd3")
        assert "does not speak TLS" in line, line
    finally:
        plain.stop()


def test_the_scheduler_requires_a_client_certificate(cluster, tls):
    """Below ekte: Dask's scheduler, started as the unit starts it, ends a TLS connection
    that brings no certificate (mutual TLS, not only encryption)."""
    host, port = cluster.address[len("tls://"):].rsplit(":", 1)
    ctx = ssl.create_default_context(cafile=str(tls.ca))
    ctx.check_hostname = False
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        with ctx.wrap_socket(raw) as s:  # the server's certificate is the cluster CA's: accepted
            with pytest.raises(ssl.SSLError, match="(?i)certificate required"):
                s.recv(1)
