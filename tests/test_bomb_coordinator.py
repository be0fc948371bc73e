"""An object-stream bomb never opened in the coordinator (bomb42's open point): before the fix, the
page count of `intake.max_pages` and the separator plugin's claim opened every PDF with pikepdf in the
main process, before the worker's bounded check — qpdf inflated the bomb there (2.5 GB for 300 MiB).
Now the coordinator opens a PDF only when its raw file shows the object streams stay within
`intake.max_decoded_mb`; the worker refuses the bomb.  A real `ekte ingest`, default plugins on."""

import json
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT, ekte_cmd
from test_decompression_bomb_raw import objstm_pdf


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
@pytest.mark.parametrize("mode", ["objstm", "wronglen", "content", "image"])
def test_a_bomb_is_not_opened_by_the_coordinator(tmp_path, mode):
    """objstm: bomb42's; wronglen: an object stream whose /Length misses its end (qpdf finds it: 1 GB before);
    content, image: a 2-page PDF whose page holds a 300 MiB stream (the image 1 GiB), rendered by the separator in the coordinator
    before the worker's check (2 GB before, review42 R3)."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    if mode == "objstm":
        objstm_pdf(inbox / "bomb.pdf", 300)
    else:
        mb = "1000" if mode == "image" else "300"  # (an image within intake.max_image_mpixels may be rendered)
        subprocess.run([sys.executable, str(ROOT / "tests" / "mk_bombs.py"), mode, mb, str(inbox / "bomb.pdf")],
                       check=True, timeout=120)
    shutil.copy(ROOT / "samples" / "inbox" / "waffen_antrag-005-pdf.pdf", inbox / "ok.pdf")
    # a process of its own whose only children are the run: their peak RSS is the run's
    wrapper = ("import json, resource, subprocess, sys; p = subprocess.run(json.loads(sys.argv[1]), "
               "capture_output=True, text=True); print(p.stdout); "
               "print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
    cmd = ekte_cmd() + ["ingest", str(inbox), "-w", str(tmp_path / "wd"), "--json"]
    r = subprocess.run([sys.executable, "-c", wrapper, json.dumps(cmd)], capture_output=True, text=True, timeout=600)
    out, peak = r.stdout.rsplit("PEAK", 1)
    docs = {d["source"].rsplit("/", 1)[-1]: d for d in json.loads(out)["documents"]}
    assert docs["bomb.pdf"]["status"] == "quarantined" and docs["bomb.pdf"]["error"]["code"] == "decompression_bomb", \
        docs["bomb.pdf"]
    assert docs["ok.pdf"]["status"] in ("exported", "review", "archived")
    assert int(peak) < 300, f"peak RSS {peak} MB"  # (567 MB here when the coordinator opened it; 59 after)
