"""What the workers' fork server holds during a real ``ekte ingest -j 2``
run (issue 12): the shared libraries of the OCR stack (numpy, PIL,
tesserocr/libtesseract, OpenCV, onnxruntime) and of the born-digital
route (pikepdf, pdfium, lxml, pydantic-core) found in its
``/proc/PID/maps``, and its resident memory, sampled every 50 ms while
the run lasts.  A born-digital folder should show none of the OCR stack:
the fork server loads it only at a run's first OCR (``ekte.warm``,
``ekte.forkserver.warm``); a folder with a scan shows it after the scan.

    python bench/preload_probe.py FOLDER [--tree SRC]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: (shown name, text of a mapped file's path)
LIBS = [("numpy", "numpy"), ("PIL", "/PIL/"), ("tesserocr", "tesserocr"), ("libtesseract", "libtesseract"),
        ("cv2", "cv2"), ("onnxruntime", "onnxruntime"), ("pikepdf", "pikepdf"), ("pdfium", "pdfium"),
        ("lxml", "lxml"), ("pydantic_core", "pydantic_core")]


def _fork_server(root: int) -> int | None:
    """The fork server among *root*'s children (``python -c 'from multiprocessing.forkserver import main …'``)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == root and b"multiprocessing.forkserver import main" in cmd:
            return int(pid)
    return None


def probe(folder: Path, tree: Path | None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree)) if tree else None
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.Popen([sys.executable, "-m", "ekte", "ingest", "--json", str(folder), "-w", f"{tmp}/wd",
                              "-j", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
        libs: set[str] = set()
        rss = 0
        server = None
        while p.poll() is None:
            server = server or _fork_server(p.pid)
            if server:
                try:
                    maps = Path(f"/proc/{server}/maps").read_text()
                    status = Path(f"/proc/{server}/status").read_text()
                except OSError:
                    maps = status = ""
                libs |= {name for name, text in LIBS if text in maps}
                for line in status.splitlines():
                    if line.startswith("VmRSS:"):
                        rss = max(rss, int(line.split()[1]) // 1024)
            time.sleep(0.05)
        shutil.rmtree(f"{tmp}/wd", ignore_errors=True)
    return {"fork server seen": server is not None, "libraries": sorted(libs), "peak RSS MB": rss}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--tree", type=Path, help="the ekte source tree to run (default: the one on the path)")
    a = ap.parse_args()
    r = probe(a.folder.resolve(), a.tree)
    print(r)


if __name__ == "__main__":
    main()
