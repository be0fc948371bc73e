"""Benchmarks (make bench).

1. OCR throughput: `ekte ingest` on N generated scans against a plain
   OCRmyPDF loop (Python API, same options: deu, PDF/A-2, rotate, deskew,
   --jobs = cores, OMP_THREAD_LIMIT=1) over the same files; pages/min of
   both and their ratio.
2. Born-digital throughput: `ekte ingest` on M generated PDFs, documents/s.
3. Classification + extraction rate; 4. the watch daemon.
5. `ekte verify`: documents/s over an archive of born-digital documents,
   plain and sealed + time-stamped (test PKI and an OpenSSL TSA on
   loopback, as in the tests), default checks and --deep.

    python bench/run.py [--scans N] [--born M] [--jobs J] [--only verify]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "samples"))
os.environ["OMP_THREAD_LIMIT"] = "1"


def ekte(*args: str) -> dict:
    exe = Path(sys.executable).with_name("ekte")
    p = subprocess.run([str(exe), "ingest", "--json", *args], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"ekte failed ({p.returncode}): {p.stderr[-2000:]}")
    return json.loads(p.stdout)


def plain_ocrmypdf(files: list[Path], out: Path, jobs: int) -> float:
    import ocrmypdf

    t0 = time.monotonic()
    for f in files:
        ocrmypdf.ocr(f, out / f.name, language=["deu"], output_type="pdfa-2", rotate_pages=True, deskew=True,
                     jobs=jobs, progress_bar=False)
    return time.monotonic() - t0


def classify_extract_rate(tmp: Path, n: int) -> dict:
    import generate

    from ekte.model import Document
    from ekte.pipeline import Pipeline
    from ekte.profile import load_profile

    per = max(1, -(-n // len(generate.ALL_TYPES)))
    truth = generate.generate(tmp / "texts", per_type=per, formats=["pdf"], seed=9, doctypes=generate.ALL_TYPES)
    prof = load_profile()
    p = Pipeline(prof, tmp / "wd3")
    docs = []
    for k, rec in truth.items():
        d = Document(sha256=k.ljust(64, "0")[:64], source=k, size=1, media_type="application/pdf")
        d.page_texts = [rec["text"]]
        docs.append((d, rec))
    t0 = time.monotonic()
    correct = 0
    for d, rec in docs:
        p.understand(d)
        correct += d.doctype == rec["type"]
    dt_ = time.monotonic() - t0
    return {"documents": len(docs), "seconds": round(dt_, 3), "documents_per_s": round(len(docs) / dt_, 1),
            "accuracy": round(correct / len(docs), 4)}


def watch_bench(tmp: Path, n_latency: int, n_burst: int, stable: float = 1.0) -> dict:
    """Latency from a born-digital PDF appearing to its export, and the
    sustained rate when n_burst small files are dropped at once."""
    import hashlib
    import signal
    import statistics

    import generate

    per = max(1, -(-max(n_latency, n_burst) // len(generate.DOCTYPES)))
    generate.generate(tmp / "wsrc", per_type=per, formats=["pdf"], seed=13)
    files = sorted((tmp / "wsrc").glob("*.pdf"))
    exe = Path(sys.executable).with_name("ekte")

    def start(inbox: Path, wd: Path) -> subprocess.Popen:
        # its log goes to a file: a pipe nobody reads would fill up and block the daemon
        log = open(tmp / f"{inbox.name}.log", "wb")
        return subprocess.Popen([str(exe), "watch", str(inbox), "-w", str(wd), "--stable-seconds", str(stable)],
                                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)

    def alive(proc: subprocess.Popen) -> None:
        if proc.poll() is not None:
            logs = "".join(p.read_text(errors="replace")[-2000:] for p in tmp.glob("*.log"))
            raise SystemExit(f"ekte watch exited ({proc.returncode}): {logs}")

    def exported(wd: Path) -> set[str]:
        root = wd / "export" / "folder"
        return {p.name for p in root.iterdir()} if root.is_dir() else set()

    out: dict = {}
    inbox, wd = tmp / "win", tmp / "wwd"
    inbox.mkdir(mode=0o750)
    proc = start(inbox, wd)
    try:
        while not (wd / "status.json").exists():
            alive(proc)
            time.sleep(0.1)
        lat = []
        for f in files[:n_latency]:
            doc_id = hashlib.sha256(f.read_bytes()).hexdigest()[:16]
            tmpf = tmp / "w.tmp"
            shutil.copy(f, tmpf)
            t0 = time.monotonic()
            os.rename(tmpf, inbox / f.name)
            while doc_id not in exported(wd):
                alive(proc)
                time.sleep(0.01)
            lat.append(time.monotonic() - t0)
        lat.sort()
        out["latency"] = {"documents": len(lat), "stable_seconds": stable,
                          "median_s": round(statistics.median(lat), 3),
                          "p95_s": round(lat[int(0.95 * (len(lat) - 1))], 3),
                          "median_beyond_stability_s": round(statistics.median(lat) - stable, 3),
                          "p95_beyond_stability_s": round(lat[int(0.95 * (len(lat) - 1))] - stable, 3)}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(60)
    inbox2, wd2 = tmp / "win2", tmp / "wwd2"
    inbox2.mkdir(mode=0o750)
    proc = start(inbox2, wd2)
    try:
        while not (wd2 / "status.json").exists():
            alive(proc)
            time.sleep(0.1)
        burst = files[:n_burst]
        stage = tmp / "wstage"
        stage.mkdir()
        for f in burst:
            shutil.copy(f, stage / f.name)
        t0 = time.monotonic()
        for f in burst:
            os.rename(stage / f.name, inbox2 / f.name)
        while True:
            st = json.loads((wd2 / "status.json").read_text()) if (wd2 / "status.json").exists() else {}
            if st.get("done", 0) + st.get("review", 0) + st.get("failed", 0) + st.get("duplicates", 0) >= len(burst):
                break
            alive(proc)
            time.sleep(0.2)
        dt_ = time.monotonic() - t0
        out["burst"] = {"documents": len(burst), "seconds": round(dt_, 2), "documents_per_s": round(len(burst) / dt_, 2)}
        warnings = [ln for ln in (tmp / f"{inbox2.name}.log").read_text(errors="replace").splitlines() if ln.strip()]
        out["burst"]["log_lines"] = len(warnings)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(60)
    return out


def verify_bench(tmp: Path, born: Path, plain_wd: Path, jobs: int) -> dict:
    """documents/s of `ekte verify` (default checks and --deep) on a plain archive and on a sealed one."""
    sys.path.insert(0, str(ROOT / "tests"))
    from pki import make_pki
    from tsa_server import TsaServer

    exe = Path(sys.executable).with_name("ekte")
    pki = make_pki(tmp / "pki")

    def run(wd: Path, *opts: str) -> dict:
        p = subprocess.run([str(exe), "verify", "-w", str(wd), "--json", "-j", str(jobs), *opts],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"ekte verify failed ({p.returncode}): {p.stdout[-2000:]} {p.stderr[-2000:]}")
        s = json.loads(p.stdout)["summary"]
        return {"documents": s["documents"], "seconds": s["seconds"], "documents_per_s": s["documents_per_s"]}

    out: dict = {"plain": run(plain_wd), "plain_deep": run(plain_wd, "--deep")}
    with TsaServer(pki, tmp / "tsa") as tsa:
        opts = ["-o", "seal.enabled=true", "-o", f"seal.cert_file={pki.seal_cert}", "-o", f"seal.key_file={pki.seal_key}",
                "-o", f"seal.chain_file={pki.ca_cert}", "-o", f"timestamp.url={tsa.url}",
                "-o", f"timestamp.ca_file={pki.ca_cert}"]
        t0 = time.monotonic()
        res = ekte(str(born), "-w", str(tmp / "wd-sealed"), "-j", str(jobs), *opts)
        out["sealed_ingest"] = {"documents": res["summary"]["total"], "seconds": round(time.monotonic() - t0, 2),
                                "tsa_requests": tsa.requests}
    out["sealed"] = run(tmp / "wd-sealed", *opts)
    out["sealed_deep"] = run(tmp / "wd-sealed", "--deep", *opts)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scans", type=int, default=8)
    ap.add_argument("--born", type=int, default=48)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--texts", type=int, default=270, help="documents for the classify+extract rate")
    ap.add_argument("--watch-latency", type=int, default=20, help="documents dropped one by one (latency)")
    ap.add_argument("--watch-burst", type=int, default=1000, help="documents dropped at once (0: skip)")
    ap.add_argument("--only", choices=["verify"], help="run only this section (with the born-digital set it needs)")
    a = ap.parse_args()
    import generate

    results: dict = {"jobs": a.jobs, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if a.only == "verify":
            return verify_only(tmp, a)
        per = max(1, -(-a.scans // len(generate.DOCTYPES)))
        generate.generate(tmp / "scans", per_type=per, formats=["scanpdf"], seed=5)
        scans = sorted((tmp / "scans").glob("*.pdf"))[: a.scans]
        for f in sorted((tmp / "scans").glob("*.pdf")):
            if f not in scans:
                f.unlink()
        (tmp / "plain").mkdir()
        t_plain = plain_ocrmypdf(scans, tmp / "plain", a.jobs)
        t0 = time.monotonic()
        out = ekte(str(tmp / "scans"), "-w", str(tmp / "wd1"), "-j", str(a.jobs))
        t_ekte = time.monotonic() - t0
        pages = out["summary"]["pages"]
        results["ocr"] = {
            "files": len(scans), "pages": pages,
            "plain_ocrmypdf_s": round(t_plain, 2), "ekte_s": round(t_ekte, 2),
            "plain_pages_per_min": round(pages / t_plain * 60, 1),
            "ekte_pages_per_min": round(pages / t_ekte * 60, 1),
            "ratio_ekte_to_plain": round(t_plain / t_ekte, 2),
        }
        per = max(1, -(-a.born // len(generate.DOCTYPES)))
        generate.generate(tmp / "born", per_type=per, formats=["pdf"], seed=6)
        t0 = time.monotonic()
        out = ekte(str(tmp / "born"), "-w", str(tmp / "wd2"), "-j", str(a.jobs))
        t_born = time.monotonic() - t0
        n = out["summary"]["total"]
        results["born_digital"] = {"documents": n, "seconds": round(t_born, 2), "documents_per_s": round(n / t_born, 2),
                                   "archived": out["summary"]["by_status"]["archived"]}
        # 3. classification + extraction once the text exists (no OCR, no I/O)
        results["classify_extract"] = classify_extract_rate(tmp, a.texts)
        # 4. the watch daemon
        if a.watch_burst:
            results["watch"] = watch_bench(tmp, a.watch_latency, a.watch_burst)
        # 5. ekte verify
        results["verify"] = verify_bench(tmp, tmp / "born", tmp / "wd2", a.jobs)
    print(json.dumps(results, indent=2))
    o = results["ocr"]
    print(f"\nOCR: ekte {o['ekte_pages_per_min']} pages/min vs plain OCRmyPDF loop {o['plain_pages_per_min']} "
          f"pages/min (ratio {o['ratio_ekte_to_plain']}x) on {o['pages']} pages, {a.jobs} jobs")
    b = results["born_digital"]
    print(f"born-digital: {b['documents_per_s']} documents/s ({b['documents']} documents)")
    if "watch" in results:
        w = results["watch"]
        print(f"watch: latency beyond the {w['latency']['stable_seconds']} s stability delay: median "
              f"{w['latency']['median_beyond_stability_s']} s, p95 {w['latency']['p95_beyond_stability_s']} s; "
              f"{w['burst']['documents']} files at once: {w['burst']['documents_per_s']} documents/s")
    c = results["classify_extract"]
    print(f"classification + extraction: {c['documents_per_s']} documents/s ({c['documents']} documents, text given)")
    print_verify(results["verify"])
    outdir = ROOT / "bench" / "out"
    outdir.mkdir(exist_ok=True)
    (outdir / "results.json").write_text(json.dumps(results, indent=2))
    return 0


def print_verify(v: dict) -> None:
    print(f"verify ({v['plain']['documents']} documents): plain {v['plain']['documents_per_s']} documents/s, "
          f"--deep {v['plain_deep']['documents_per_s']}; sealed + time-stamped {v['sealed']['documents_per_s']} "
          f"documents/s, --deep {v['sealed_deep']['documents_per_s']}")


def verify_only(tmp: Path, a) -> int:
    import generate

    per = max(1, -(-a.born // len(generate.DOCTYPES)))
    generate.generate(tmp / "born", per_type=per, formats=["pdf"], seed=6)
    ekte(str(tmp / "born"), "-w", str(tmp / "wd2"), "-j", str(a.jobs))
    v = verify_bench(tmp, tmp / "born", tmp / "wd2", a.jobs)
    print(json.dumps({"jobs": a.jobs, "verify": v}, indent=2))
    print_verify(v)
    return 0


if __name__ == "__main__":
    sys.exit(main())
