"""A real clerk's station for the tests: ``ekte serve`` (uvicorn) and
``ekte watch`` as subprocesses on one working directory, users made with
``ekte users add``, and an httpx client that logs in through the form."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from contextlib import contextmanager
from typing import Iterator

import httpx

from helpers import SAMPLES, ekte_cmd, run_ekte

THRESHOLD = ["-o", "classify.threshold=0.99"]  # every document waits for review
PASSWORDS = {"anna": ("clerk", "anna-geheim-1"), "chef": ("admin", "chef-geheim-1"), "vera": ("viewer", "vera-geheim-1")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def born_pdfs() -> list[Path]:
    return sorted(SAMPLES.glob("inbox/*-pdf.pdf"))


def make_workdir(wd: Path, files: list[Path]) -> None:
    src = wd.parent / "batch"
    src.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, src / f.name)
    p = run_ekte("ingest", src, "-w", wd, *THRESHOLD, "-o", "ocr.jobs=2", check=1)
    # (once, beside another test, an ingest exited 1 and left no working directory: say what it printed)
    assert (wd / "journal.sqlite").is_file(), f"no journal after ingest:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}"
    for name, (role, pw) in PASSWORDS.items():
        pwfile = wd.parent / f"{name}.pw"
        pwfile.write_text(pw + "\n")
        run_ekte("users", "add", name, "--role", role, "-w", wd, "--password-file", pwfile, check=0)


def start_server(wd: Path, *extra: str, log: Path | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    out = open(log or wd.parent / "serve.log", "wb")
    proc = subprocess.Popen(ekte_cmd() + ["serve", "-w", str(wd), "--port", str(port), *THRESHOLD, *extra],
                            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"ekte serve ended: {(log or wd.parent / 'serve.log').read_text()[-3000:]}")
        try:
            if httpx.get(url + "/login", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("ekte serve did not answer within 60 s")


@contextmanager
def running_station(base: Path, files: list[Path], *extra: str) -> Iterator[dict]:
    """A working directory made of *files* (each waiting for review), the users of :data:`PASSWORDS`, and
    ``ekte serve`` on it until the end: {"wd", "url", "log"} (the tests' module fixtures)."""
    wd, log = base / "work", base / "serve.log"
    make_workdir(wd, files)
    server, url = start_server(wd, *extra, log=log)
    try:
        yield {"wd": wd, "url": url, "log": log}
    finally:
        assert stop(server) == 0


def queue_ids(wd: Path) -> list[str]:
    """The review queue's document ids, as ``ekte review list --json`` gives them."""
    import json

    return [i["id"] for i in json.loads(run_ekte("review", "list", "-w", wd, "--json", check=0).stdout)]


def start_watch(inbox: Path, wd: Path) -> subprocess.Popen:
    inbox.mkdir(parents=True, exist_ok=True)
    os.chmod(inbox, 0o755)
    return subprocess.Popen(ekte_cmd() + ["watch", str(inbox), "-w", str(wd), "--stable-seconds", "1", *THRESHOLD,
                                          "-o", "ocr.jobs=1"],
                            stdout=subprocess.DEVNULL, stderr=open(wd.parent / "watch.log", "wb"),
                            stdin=subprocess.DEVNULL, start_new_session=True)


def stop(proc: subprocess.Popen, timeout: float = 60) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m[1]


def login(url: str, name: str, lang: str | None = None) -> httpx.Client:
    c = httpx.Client(base_url=url, follow_redirects=False, timeout=120)
    page = c.get("/login" + (f"?lang={lang}" if lang else ""))
    r = c.post("/login", data={"username": name, "password": PASSWORDS[name][1], "csrf": csrf_of(page.text),
                               "next": "/"})
    assert r.status_code == 303, r.text[:500]
    return c


def token(wd: Path, name: str, *scopes: str) -> dict[str, str]:
    args = [a for s in scopes for a in ("--scope", s)]
    t = run_ekte("users", "token", name, *args, "-w", wd, check=0).stdout.strip()
    return {"Authorization": f"Bearer {t}"}


def wait_for(pred, timeout: float = 120, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def accept_signalled(wd: Path, doc: str, send) -> tuple[int, str]:
    """``ekte review accept DOC`` (German) waiting for a journal another connection holds, stopped by
    *send(proc)* once it says it waits (its first line, after 2 s of waiting); (exit code, stderr)."""
    import sqlite3

    db = sqlite3.connect(wd / "journal.sqlite", isolation_level=None, timeout=10)
    db.execute("BEGIN EXCLUSIVE")
    try:
        p = subprocess.Popen(ekte_cmd() + ["review", "accept", doc, "-w", str(wd)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True,
                             env={**os.environ, "EKTE_LANG": "de", "COLUMNS": "300"})
        first = p.stderr.readline()  # "Warte auf das Journal, …": loaded, waiting for the journal
        send(p)
        time.sleep(0.5)
    finally:
        db.execute("ROLLBACK")
        db.close()
    _out, err = p.communicate(timeout=90)
    return p.returncode, first + err


def reject_and_retry(url: str, wd: Path, doc: str) -> None:
    """A clerk rejects *doc* (quarantined), then a supervisor asks the station to retry it (202)."""
    r = httpx.post(url + f"/api/v1/review/{doc}/reject", json={"reason": "unreadable"},
                   headers=token(wd, "anna", "review"))
    assert r.json()["state"] == "quarantined"
    assert httpx.post(url + f"/api/v1/quarantine/{doc}/retry",
                      headers=token(wd, "chef", "quarantine")).status_code == 202
