"""The workers' fork server (issue 12): started before the pipeline is
imported, it preloads what every task needs; OCR's part (numpy, tesserocr,
Tesseract's language data) only when a run first needs OCR — real fork
server, real workers, real Tesseract."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from ekte import forkserver
from ekte.model import Document

_PROBE = r"""
import json, sys
from ekte import forkserver
forkserver.prestart("deu")
ctx = forkserver.context()
q = ("('tesserocr' in __import__('sys').modules, "
     "len(__import__('sys').modules['ekte.stages.tess_engine']._pool.get('deu', [])) "
     "if 'ekte.stages.tess_engine' in __import__('sys').modules else 0, 'typer' in __import__('sys').modules)")
with ctx.Pool(1) as p:
    before = p.apply(eval, (q,))
    term = p.apply(eval, ("__import__('signal').getsignal(__import__('signal').SIGTERM) == __import__('signal').SIG_DFL",))
asked = forkserver.warm()
again = forkserver.warm("eng")
with ctx.Pool(1) as p:
    after = p.apply(eval, (q,))
print(json.dumps({"before": before, "after": after, "term": term, "asked": asked is not None, "once": asked == again,
                  "left": [n for n in __import__("os").listdir(__import__("tempfile").gettempdir())
                           if n == __import__("os").path.basename(forkserver._state["file"] or "-")]}))
"""


def test_ocr_part_is_loaded_only_when_asked_and_then_shared_by_new_workers(tmp_path):
    script = tmp_path / "probe.py"  # a main script, as the ekte command is: a worker must not run it again
    script.write_text("import typer\n" + _PROBE)
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["before"] == [False, 0, False], out  # born-digital work never waits for Tesseract's part
    assert out["after"] == [True, 1, False], out  # forked after the warm-up: modules and the language loaded
    assert out["asked"] and out["once"] and out["left"] == [], out  # asked once; the language file has no name
    assert out["term"], out  # the fork server ignores SIGTERM, its workers do not (a pool's terminate() ends them)


def _result(ocr_pages, part=None):
    doc = Document(sha256="0" * 64, source="x.pdf", size=1, media_type="application/pdf")
    doc.ocr = {"ocr_pages": ocr_pages}
    return SimpleNamespace(document=doc, part=part)


def test_a_worker_forked_before_the_warm_up_is_replaced_after_its_ocr(monkeypatch):
    asked = time.monotonic()
    monkeypatch.setattr(forkserver, "warm", lambda language=None: asked)
    assert not forkserver.retire_after(asked - 1, _result([]), "deu")  # born-digital: it stays
    assert forkserver.retire_after(asked - 1, _result([1]), "deu")  # OCR with a private copy: replaced
    assert forkserver.retire_after(asked - 1, _result([], part={"pages": [2]}), "deu")  # a page range is OCR too
    assert not forkserver.retire_after(asked + 1, _result([1]), "deu")  # forked warm: it stays
    monkeypatch.setitem(forkserver._state, "warmed", asked)  # the warm-up asked for by another worker's OCR:
    assert forkserver.retire_after(asked - 1, _result([]), "deu")  # a cold one goes after its next task
    assert not forkserver.retire_after(asked + 1, _result([]), "deu")
    monkeypatch.setitem(forkserver._state, "warmed", None)
    monkeypatch.setattr(forkserver, "warm", lambda language=None: None)  # a fork server that loaded everything
    assert not forkserver.retire_after(asked - 1, _result([1]), "deu")


def test_warm_without_a_lazy_fork_server_sends_nothing():
    code = ("from ekte import forkserver; import multiprocessing as m; "
            "ctx = forkserver.context(); m.forkserver.ensure_running(); "  # started eagerly, without prestart
            "print(forkserver.warm('deu'), m.forkserver._forkserver._forkserver_pid is not None)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, EKTE_WARM_LANGUAGE=""))
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.split() == ["None", "True"]


def test_workers_log_at_the_level_and_in_the_format_the_command_asked_for(tmp_path):
    """The CLI starts the fork server before the run: the log level and
    format (-vv, --log-format json) must be set before it, or the workers
    log at WARNING in text whatever was asked (make test-slow caught it)."""
    from pathlib import Path

    from helpers import ekte_cmd

    inbox = tmp_path / "in"
    inbox.mkdir()
    src = Path(__file__).resolve().parents[1] / "samples" / "inbox" / "bauantrag-002-pdf.pdf"
    (inbox / "a.pdf").write_bytes(src.read_bytes())
    p = subprocess.run(ekte_cmd() + ["ingest", str(inbox), "-w", str(tmp_path / "wd"), "-vv", "--log-format", "json"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    records = [json.loads(line) for line in p.stderr.splitlines() if line.startswith("{")]
    assert any(r["logger"] == "ekte.worker" and r["level"] == "debug" for r in records), p.stderr[-2000:]
    assert all(line.startswith("{") for line in p.stderr.splitlines() if line.strip()), p.stderr[-2000:]


def test_a_module_in_the_current_folder_never_runs_in_the_fork_server_or_its_workers(tmp_path):
    """The fork server starts as ``python -c …``, which puts the current folder first on its import
    path: a ``regex.py`` in the folder ekte was started from (a shared drive, an inbox) ran in the fork
    server and every worker (start12 found it).  Now the folder is left out; ekte still works."""
    from pathlib import Path

    from helpers import ROOT, run_ekte

    here = tmp_path / "cwd"
    here.mkdir()
    marker = tmp_path / "ran"
    for name in ("regex", "re2", "pypdfium2"):
        (here / f"{name}.py").write_text(f"open({str(marker)!r}, 'a').write({name!r} + chr(10))\n")
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.pdf").write_bytes((ROOT / "samples" / "inbox" / "bauantrag-002-pdf.pdf").read_bytes())
    env = {"PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    p = run_ekte("ingest", inbox, "-w", tmp_path / "wd", "--json", cwd=here, env=env)
    assert not marker.exists(), marker.read_text()
    assert p.returncode == 0, p.stderr[-2000:]
    assert json.loads(p.stdout)["documents"][0]["status"] == "archived"
    assert Path(here / "regex.py").exists()


def _fork_server_of(pid: int) -> int | None:
    """The fork server among *pid*'s children (multiprocessing's `forkserver import main` command line)."""
    for child in (Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                  if Path(f"/proc/{pid}/task/{pid}/children").exists() else []):
        try:
            if b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
                return int(child)
        except OSError:
            continue
    return None


def _maps(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/maps").read_bytes()
    except OSError:
        return b""


def test_ctrl_c_while_the_fork_server_loads_prints_no_traceback(tmp_path):
    """fresh29 F14: Ctrl-C in a run's first second (the terminal signals the whole process group) printed the
    fork server's KeyboardInterrupt traceback in 7 of 8 tries: it ignored SIGINT only after its preload."""
    import shutil
    import signal

    from helpers import SAMPLES, ekte_cmd

    inbox = tmp_path / "in"
    inbox.mkdir()
    for f in sorted((SAMPLES / "inbox").glob("*-pdf.pdf"))[:3]:
        shutil.copy(f, inbox)
    proc = subprocess.Popen(ekte_cmd() + ["ingest", str(inbox), "-w", str(tmp_path / "wd"), "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    t0 = time.monotonic()
    while (server := _fork_server_of(proc.pid)) is None or b"libqpdf" not in _maps(server):  # amid its preload
        assert proc.poll() is None and time.monotonic() - t0 < 60, "no fork server loading pikepdf"
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the ekte command, the fork server, all of them
    _out, err = proc.communicate(timeout=120)
    err = err.decode()
    assert proc.returncode == 130, (proc.returncode, err[-2000:])
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]
