"""A worker's memory (issue 12): what it freed goes back to the system
after a task, and what every worker needs is loaded once, before the
workers are forked, so that they share it."""

import json
import os
import subprocess
import sys

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


def _run(code: str, **env: str) -> dict:
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
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
