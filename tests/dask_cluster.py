"""A real Dask cluster on 127.0.0.1 for the tests and the benchmark: a
``dask scheduler`` and ``dask worker`` processes started from the project's
environment (each in its own session, so that ``kill -9`` of one takes its
nanny, worker, ekte process and Tesseract with it).  With ``tls``, all of
them speak mutual TLS (Dask's ``--tls-*`` options) with certificates made
here (:func:`make_tls`); ``hide`` starts a process in a mount namespace of
its own where a folder (the coordinator's files) is an empty tmpfs — a
worker "on another host" that sees none of the coordinator's paths."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
PRELOAD = "ekte.distributed.worker"


@dataclass
class TlsFiles:
    """A cluster's CA and one certificate it signed (scheduler, workers and coordinator share it
    here: Dask checks no host names), and a certificate signed by another CA."""

    ca: Path
    cert: Path
    key: Path
    other_cert: Path
    other_key: Path

    def args(self) -> list[str]:
        """Dask's command-line options for them (``dask scheduler`` and ``dask worker``)."""
        return ["--tls-ca-file", str(self.ca), "--tls-cert", str(self.cert), "--tls-key", str(self.key)]

    def profile(self, cert: Path | None = None, key: Path | None = None) -> list[str]:
        """``-o`` overrides for a coordinator's ``[executor]`` section."""
        return ["-o", f"executor.tls_ca_file={self.ca}", "-o", f"executor.tls_cert_file={cert or self.cert}",
                "-o", f"executor.tls_key_file={key or self.key}"]


def make_tls(root: Path) -> TlsFiles:
    """The certificates of a test cluster, made with ``cryptography`` (tests/pki.py's builder)."""
    from cryptography.x509.oid import ExtendedKeyUsageOID as Eku

    from pki import _cert, _key, _key_pem, _name, _pem, _write

    root.mkdir(parents=True, exist_ok=True)
    made = {}
    for ca_name in ("ekte Cluster CA", "Some Other CA"):
        ca_key = _key()
        ca = _cert(ca_name, ca_key, _name(ca_name), ca_key, ca=True, key_usage=dict(key_cert_sign=True, crl_sign=True))
        key = _key()
        cert = _cert(f"node of {ca_name}", key, ca.subject, ca_key, eku=[Eku.SERVER_AUTH, Eku.CLIENT_AUTH],
                     key_usage=dict(digital_signature=True, key_encipherment=True))
        made[ca_name] = (ca, cert, key)
    ca, cert, key = made["ekte Cluster CA"]
    _o, ocert, okey = made["Some Other CA"]
    return TlsFiles(ca=_write(root / "ca.pem", _pem(ca)), cert=_write(root / "node.pem", _pem(cert)),
                    key=_write(root / "node.key", _key_pem(key), True),
                    other_cert=_write(root / "other.pem", _pem(ocert)),
                    other_key=_write(root / "other.key", _key_pem(okey), True))


def unit_command(unit: str, env: dict[str, str], host: str = "unithost") -> list[str]:
    """The ExecStart of a packaging/ unit as systemd runs it: ``${VAR}`` within a word replaced by
    its value, ``$VAR`` as a word of its own split at white space into zero or more words
    (systemd.service(5), "Command lines"), ``%H`` the host name."""
    line = next(x for x in (ROOT / "packaging" / unit).read_text().splitlines() if x.startswith("ExecStart="))
    out: list[str] = []
    for w in shlex.split(line[len("ExecStart="):]):
        m = re.fullmatch(r"\$(\w+)", w)
        if m:
            out += env.get(m.group(1), "").split()
        else:
            out.append(re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], w).replace("%H", host))
    return out


def unit_env(**changes: str) -> dict[str, str]:
    """packaging/ekte-dask.env as systemd reads it, with *changes*."""
    env = {}
    for line in (ROOT / "packaging" / "ekte-dask.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            k, _, v = line.partition("=")
            env[k] = v
    env.update(changes)
    return env


def exactly_once(wd: Path, n: int) -> None:
    archive = [p.name for p in (wd / "archive").glob("*/*") if p.is_dir()]
    export = [p.name for p in (wd / "export" / "folder").iterdir()]
    assert len(archive) == n and sorted(archive) == sorted(export), (archive, export)
    db = sqlite3.connect(wd / "journal.sqlite")
    assert db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state").fetchall() == [("exported", n)]
    assert db.execute("SELECT COUNT(*) FROM exports").fetchone()[0] == n
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0
    db.close()


def can_hide() -> bool:
    """Can this machine start a process in a mount namespace of its own?"""
    try:
        return subprocess.run(_unshare() + ["true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _unshare() -> list[str]:
    return ["unshare", "--mount"] + ([] if os.geteuid() == 0 else ["--map-root-user"])


class DaskCluster:
    def __init__(self, tmp: Path, dashboard: bool = False, without_ekte: bool = False, tls: TlsFiles | None = None,
                 scheduler: list[str] | None = None) -> None:
        """*scheduler*: the ``dask scheduler`` command line to use (e.g. a unit's), its port 0."""
        self.tmp = Path(tmp)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen] = {}
        self.tls = tls
        self.file = self.tmp / "scheduler.json"
        args = ["scheduler", "--host", "127.0.0.1", "--port", "0"]
        args += ["--dashboard-address", "127.0.0.1:0"] if dashboard else ["--no-dashboard"]
        args += ["--protocol", "tls", *tls.args()] if tls else []
        args = [*(scheduler[1:] if scheduler else args), "--scheduler-file", str(self.file)]
        if without_ekte:  # a scheduler host where ekte is not installed (only Dask)
            args = ["-c", "import sys; sys.modules['ekte'] = None; from distributed.cli.dask_scheduler import main; "
                          "main()", *args[1:]]
        self.start("scheduler", args, python=without_ekte)
        t0 = time.monotonic()
        while not self.file.exists() or not self.file.read_text().strip():
            self._alive("scheduler")
            if time.monotonic() - t0 > 60:
                raise AssertionError("the Dask scheduler did not start: " + self.log("scheduler"))
            time.sleep(0.1)
        time.sleep(0.2)  # written whole (it is small, but not atomically)
        self.info = json.loads(self.file.read_text())
        self.address = self.info["address"]

    def start(self, name: str, args: list[str], env: dict | None = None, python: bool = False, cwd: Path | None = None,
               hide: Path | None = None) -> subprocess.Popen:
        e = dict(os.environ)
        e.update(env or {})
        log = open(self.tmp / f"{name}.log", "wb")
        cmd = [sys.executable if python else str(BIN / "dask"), *args]
        if hide:  # an empty tmpfs over *hide*, in this process's own mount namespace
            cmd = [*_unshare(), "sh", "-c", 'mount -t tmpfs -o size=1m,mode=0700 hidden "$0" && exec "$@"', str(hide),
                   *cmd]
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=e,
                             stdin=subprocess.DEVNULL, start_new_session=True, cwd=cwd or self.tmp)
        self.procs[name] = p
        return p

    def log(self, name: str) -> str:
        p = self.tmp / f"{name}.log"
        return p.read_text(errors="replace")[-3000:] if p.exists() else ""

    def _alive(self, name: str) -> None:
        p = self.procs[name]
        if p.poll() is not None:
            raise AssertionError(f"dask {name} exited ({p.returncode}): {self.log(name)}")

    def worker(self, name: str, env: dict | None = None, nthreads: int = 1) -> subprocess.Popen:
        """Start ``dask worker`` named *name* (one thread, ekte's preload)."""
        d = self.tmp / f"{name}-dir"
        return self.start(name, ["worker", self.address, "--name", name, "--nthreads", str(nthreads),
                                   "--preload", PRELOAD, "--no-dashboard", "--local-directory", str(d),
                                   "--host", "127.0.0.1", *(self.tls.args() if self.tls else [])], env)

    def client(self):
        from distributed import Client, Security

        sec = Security(tls_ca_file=str(self.tls.ca), tls_client_cert=str(self.tls.cert),
                       tls_client_key=str(self.tls.key), require_encryption=True) if self.tls else None
        return Client(self.address, timeout=30, set_as_default=False, security=sec)

    def wait_workers(self, names: list[str], timeout: float = 180) -> None:
        """Until the workers named are registered (their preload ran) and no nanny is still starting."""
        c = self.client()
        try:
            t0 = time.monotonic()
            while True:
                have = {w.get("name") for w in c.scheduler_info(n_workers=-1)["workers"].values()}
                # a worker registers before its nanny's start handshake with the scheduler ends; a
                # scheduler killed in between fails the nanny's start ("Nanny failed to start", exit 1)
                if set(names) <= have and not c.run_on_scheduler(
                        lambda dask_scheduler: len(getattr(dask_scheduler, "_starting_nannies", ()))):
                    return
                for n in names:
                    self._alive(n)
                if time.monotonic() - t0 > timeout:
                    raise AssertionError(f"workers {names} not up (have {have}): "
                                         + " | ".join(self.log(n) for n in names))
                time.sleep(0.3)
        finally:
            c.close()

    def kill(self, name: str) -> None:
        """``kill -9`` of a worker with everything it started."""
        p = self.procs.pop(name)
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait(30)

    def stop(self) -> None:
        for name in reversed(list(self.procs)):  # the workers before the scheduler
            p = self.procs.pop(name)
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(10)
