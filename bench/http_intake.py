"""HTTP intake rate (issue 15; part of make bench, also runs alone).

N small generated born-digital PDFs are POSTed to a real ``ekte serve``
(uvicorn) by ``--clients`` concurrent httpx clients with an ``intake``
token, each with its document type in the metadata (as an RPA bot that
knows what it files).  Measured: uploads/s (the 202s), documents/s until
the last one is archived, and the latency from acceptance (the
submission record's ``received``) to the journal's archive event —
median, 90th percentile, max.  Beside it, in the same run, the floor the
API builds on: ``ekte ingest`` of the same N files from a folder with
the same number of workers.

    python bench/http_intake.py [--docs N] [--jobs J] [--clients C]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "samples"))


def _docs(tmp: Path, n: int) -> tuple[list[Path], dict[str, str]]:
    import generate

    per = max(1, -(-n // len(generate.DOCTYPES)))
    truth = generate.generate(tmp / "pdfs", per_type=per, formats=["pdf"], seed=21)
    files = sorted((tmp / "pdfs").glob("*.pdf"))[:n]
    (tmp / "in").mkdir()
    for f in files:
        os.link(f, tmp / "in" / f.name)
    files = sorted((tmp / "in").glob("*.pdf"))
    types = {t["file"]: t["type"] for t in truth.values()}
    return files, {f.name: types[f.name] for f in files}


def _ts(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()


def _latencies(wd: Path) -> list[float]:
    db = sqlite3.connect(f"file:{wd / 'journal.sqlite'}?mode=ro", uri=True)
    try:
        archived = dict(db.execute("SELECT doc_id, min(time) FROM events WHERE stage='archive' AND event='archived' "
                                   "GROUP BY doc_id").fetchall())
    finally:
        db.close()
    out = []
    for rec in (wd / "api" / "docs").glob("*.json"):
        r = json.loads(rec.read_text("utf-8"))
        if r["id"] in archived:
            out.append(_ts(archived[r["id"]]) - _ts(r["received"]))
    return sorted(out)


def _settled(wd: Path) -> int:
    db = sqlite3.connect(f"file:{wd / 'journal.sqlite'}?mode=ro", uri=True)
    try:
        return db.execute("SELECT count(*) FROM documents WHERE state IN "
                          "('exported','review','quarantined','archived')").fetchone()[0]
    finally:
        db.close()


def api_run(tmp: Path, files: list[Path], types: dict[str, str], jobs: int, clients: int) -> dict:
    import httpx
    from helpers import run_ekte
    from serve_helpers import start_server, stop, token

    wd = tmp / "wd-api"
    wd.mkdir()
    (tmp / "bot.pw").write_text("bot-geheim-1\n")
    run_ekte("users", "add", "bot", "--role", "intake", "-w", wd, "--password-file", tmp / "bot.pw", check=0)
    server, url = start_server(wd, "-o", f"ocr.jobs={jobs}", "-o", "classify.threshold=0.5", log=tmp / "serve.log")
    auth = token(wd, "bot", "intake")
    try:
        def send(f: Path) -> int:
            meta = json.dumps({"doctype": types[f.name], "reference": f.stem})
            with httpx.Client(timeout=120) as c:
                return c.post(url + "/api/v1/documents", headers=auth, data={"metadata": meta},
                              files={"file": (f.name, f.read_bytes(), "application/pdf")}).status_code

        t0 = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            codes = list(pool.map(send, files))
        t_upload = time.monotonic() - t0
        while _settled(wd) < len(files) and time.monotonic() - t0 < 3600:
            time.sleep(0.5)
        t_all = time.monotonic() - t0
    finally:
        stop(server)
    lat = _latencies(wd)
    return {"documents": len(files), "accepted_202": codes.count(202), "upload_seconds": round(t_upload, 2),
            "uploads_per_s": round(len(files) / t_upload, 2), "seconds_to_last_settled": round(t_all, 2),
            "documents_per_s": round(len(files) / t_all, 3), "settled": _settled(wd),
            "latency_to_archived_s": {"median": round(statistics.median(lat), 2) if lat else None,
                                      "p90": round(lat[int(0.9 * (len(lat) - 1))], 2) if lat else None,
                                      "max": round(lat[-1], 2) if lat else None, "n": len(lat)}}


def ingest_run(tmp: Path, files: list[Path], jobs: int) -> dict:
    exe = Path(sys.executable).with_name("ekte")
    t0 = time.monotonic()
    p = subprocess.run([str(exe), "ingest", str(files[0].parent), "-w", str(tmp / "wd-ingest"), "-j", str(jobs),
                        "-o", "classify.threshold=0.5", "--json"], capture_output=True, text=True)
    t = time.monotonic() - t0
    total = json.loads(p.stdout)["summary"]["total"] if p.stdout.strip() else 0
    return {"documents": total, "seconds": round(t, 2), "documents_per_s": round(total / t, 3) if t else None}


def http_bench(tmp: Path, n: int, jobs: int, clients: int = 4) -> dict:
    files, types = _docs(tmp, n)
    load0 = os.getloadavg()
    api = api_run(tmp, files, types, jobs, clients)
    ing = ingest_run(tmp, files, jobs)
    ratio = round(api["documents_per_s"] / ing["documents_per_s"], 2) if ing["documents_per_s"] else None
    return {"jobs": jobs, "clients": clients, "loadavg_before": load0, "loadavg_after": os.getloadavg(),
            "api": api, "ingest_same_files": ing, "ratio_api_to_ingest": ratio}


def report(r: dict) -> str:
    a, i, lat = r["api"], r["ingest_same_files"], r["api"]["latency_to_archived_s"]
    return (f"HTTP intake ({a['documents']} born-digital PDFs, {r['clients']} clients, {r['jobs']} workers; "
            f"load {r['loadavg_before'][0]:.1f}): uploads {a['uploads_per_s']}/s; {a['documents_per_s']} documents/s "
            f"to the last archived; latency to archived median {lat['median']} s, p90 {lat['p90']} s, "
            f"max {lat['max']} s; ekte ingest of the same files {i['documents_per_s']} documents/s "
            f"(API {r['ratio_api_to_ingest']}x ingest)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--clients", type=int, default=4)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        res = http_bench(Path(tmp), a.docs, a.jobs, a.clients)
    print(json.dumps(res, indent=2))
    print(report(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
