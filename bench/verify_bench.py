"""Benchmark of ``ekte verify`` (part of ``make bench``; alone:
``python bench/verify_bench.py [--born M] [--jobs J]`` or
``python bench/run.py --only-verify``).

Documents/s of ``ekte verify`` (default checks and ``--deep``) over an
archive of generated born-digital documents, plain and sealed +
time-stamped (the tests' PKI and an OpenSSL TSA on loopback)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "samples"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))


def _verify(wd: Path, jobs: int, *opts: str) -> dict:
    exe = Path(sys.executable).with_name("ekte")
    p = subprocess.run([str(exe), "verify", "-w", str(wd), "--json", "-j", str(jobs), *opts],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"ekte verify failed ({p.returncode}): {p.stdout[-2000:]} {p.stderr[-2000:]}")
    s = json.loads(p.stdout)["summary"]
    return {"documents": s["documents"], "seconds": s["seconds"], "documents_per_s": s["documents_per_s"]}


def run(tmp: Path, born_count: int, jobs: int) -> dict:
    import generate
    from ocr_bench import _ekte
    from pki import make_pki
    from tsa_server import TsaServer

    per = max(1, -(-born_count // len(generate.DOCTYPES)))
    generate.generate(tmp / "vborn", per_type=per, formats=["pdf"], seed=6)
    _ekte(tmp / "vborn", tmp / "wd-verify", jobs)
    out: dict = {"plain": _verify(tmp / "wd-verify", jobs), "plain_deep": _verify(tmp / "wd-verify", jobs, "--deep")}
    pki = make_pki(tmp / "pki")
    with TsaServer(pki, tmp / "tsa") as tsa:
        over = ["seal.enabled=true", f"seal.cert_file={pki.seal_cert}", f"seal.key_file={pki.seal_key}",
                f"seal.chain_file={pki.ca_cert}", f"timestamp.url={tsa.url}", f"timestamp.ca_file={pki.ca_cert}"]
        t0 = time.monotonic()
        _dt, res = _ekte(tmp / "vborn", tmp / "wd-sealed", jobs, *over)
        out["sealed_ingest"] = {"documents": res["summary"]["total"], "seconds": round(time.monotonic() - t0, 2),
                                "tsa_requests": tsa.requests}
    opts = [x for o in over for x in ("-o", o)]
    out["sealed"] = _verify(tmp / "wd-sealed", jobs, *opts)
    out["sealed_deep"] = _verify(tmp / "wd-sealed", jobs, "--deep", *opts)
    return out


def report(v: dict) -> str:
    return (f"verify ({v['plain']['documents']} documents): plain {v['plain']['documents_per_s']} documents/s, "
            f"--deep {v['plain_deep']['documents_per_s']}; sealed + time-stamped {v['sealed']['documents_per_s']} "
            f"documents/s, --deep {v['sealed_deep']['documents_per_s']}")


if __name__ == "__main__":
    import argparse
    import os
    import tempfile

    ap = argparse.ArgumentParser()
    ap.add_argument("--born", type=int, default=54)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        v = run(Path(t), a.born, a.jobs)
    print(json.dumps(v, indent=2))
    print(report(v))
