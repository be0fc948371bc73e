"""A worker's memory (issue 12): what it freed goes back to the system
after a task, and what every worker needs is loaded once, before the
workers are forked, so that they share it."""

import json
import os
import subprocess
import sys

import pytest

from ekte.pipeline.executor import PRELOAD

_FRAGMENTED = r"""
import ctypes, json, sys
from ekte import procmem
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
blocks, pins = [], []
for _ in range(8000):  # 8,000 x 16 KB, each followed by a small block that stays: the heap cannot shrink
    p = libc.malloc(16384)
    ctypes.memset(p, 1, 16384)
    blocks.append(p)
    pins.append(libc.malloc(32))
for p in blocks:
    libc.free(p)
before = rss()
procmem.release()
print(json.dumps({"before": before, "after": rss()}))
"""


def _run(code: str, *args: object, **env: str) -> dict:
    p = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, **env))
    assert p.returncode == 0, p.stderr[-2000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_release_gives_freed_heap_back():
    on = _run(_FRAGMENTED)
    assert on["before"] > 100 and on["before"] - on["after"] > 60, on  # 125 MB were freed inside the heap
    off = _run(_FRAGMENTED, EKTE_MALLOC_TUNING="0")  # the switch for measuring: nothing given back
    assert off["before"] - off["after"] < 20, off


def test_the_forkserver_preload_loads_a_first_tasks_modules_and_the_language():
    assert PRELOAD[-1] == "ekte.warm"  # last: gc.freeze() after everything else is loaded
    code = ("import gc, json, sys; import ekte.warm as w; from ekte.stages import tess_engine as t; "
            "print(json.dumps({'missing': w.MISSING, 'handles': len(t._pool.get('deu', [])), "
            "'frozen': gc.get_freeze_count(), 'numpy': 'numpy' in sys.modules, 'fpdf': 'fpdf' in sys.modules}))")
    out = _run(code, EKTE_WARM_LANGUAGE="deu")
    assert out["missing"] == [] and out["handles"] == 1 and out["frozen"] > 10000, out
    assert out["numpy"] and out["fpdf"]
    out = _run(code, EKTE_WARM_LANGUAGE="xxx")  # a language without data: noted, nothing raised
    assert out["missing"] == ["tesseract:xxx"] and out["handles"] == 0, out


_SERVE = r"""
import hashlib, json, sys
from ekte.model import Document
from ekte.pipeline import workers
from ekte.pipeline.tasks import WorkerSetup, WorkTask
from ekte.profile import load_profile
from ekte.stages import ocr_rec
from ekte.stages.ocr import OcrParams

scratch, files = sys.argv[1], sys.argv[2:]
pages, real = [], ocr_rec.release
def release():  # after each scan page's recogniser: whether it was kept, and whether it is still loaded
    real()
    pages.append([ocr_rec.keep, ocr_rec.session.cache_info().currsize])
ocr_rec.release = release

class Conn:  # the coordinator's end of the pipe
    def __init__(self, tasks): self.tasks, self.sent = tasks + [None], []
    def recv(self): return self.tasks.pop(0)
    def send(self, res): self.sent.append(res)

def task(i, f):
    raw = open(f, "rb").read()
    doc = Document(sha256=hashlib.sha256(raw).hexdigest(), source=f, size=len(raw), media_type="application/pdf")
    return WorkTask(f"t{i}", doc, f, scratch=f"{scratch}/s{i}")

prof = load_profile()
conn = Conn([task(i, f) for i, f in enumerate(files)])
workers.serve(WorkerSetup(prof, (), scratch, OcrParams.from_profile(prof)), conn, 0)
print(json.dumps({"ok": [r.ok for r in conn.sent], "pages": pages}))
"""


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_a_scan_after_born_digital_work_gives_the_recogniser_back_a_run_of_scans_keeps_it(tmp_path, born_digital):
    """The real worker loop over real documents (issue 12): a scan's page after a task that
    did no OCR drops the recogniser's session once read (its worker is replaced after a lone
    scan anyway; what the page does after it runs ~27 MB lower); the next scan, after a scan,
    keeps it (a run of scans would load it again for every page)."""
    import generate

    scans = generate.generate(tmp_path / "scans", per_type=1, formats=["scanpdf"], seed=43, doctypes=["bauantrag"])
    scan = sorted((tmp_path / "scans").glob("*.pdf"))
    assert scans and scan
    born = sorted(born_digital[0].glob("*.pdf"))[0]
    out = _run(_SERVE, tmp_path / "w", born, scan[0], scan[0])
    assert out["ok"] == [True, True, True], out
    assert out["pages"] == [[False, 0], [True, 1]], out
