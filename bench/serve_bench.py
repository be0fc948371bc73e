"""Benchmark of the clerk's station (part of ``make bench``; alone:
``python bench/serve_bench.py``).

* the review page of a 10-page document (ten generated applications put
  together, ingested so that it waits for review): first view (the found
  text searched on its pages) and again; each page image rendered first
  and from the cache;
* the queue list with 10,000 entries built directly in a copy of that
  working directory's journal (documents, their review events, review
  files, 5 % put back): the first page, page 100, sorted by confidence.

Server time is the app's own ``Server-Timing`` header; end to end is the
client's wall time for the whole response over HTTP on localhost."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "samples"))
sys.path.insert(0, str(ROOT / "tests"))


def ten_pages(tmp: Path) -> Path:
    import generate
    import pikepdf

    generate.generate(tmp / "parts", per_type=2, formats=["pdf"], seed=31)
    out = pikepdf.new()
    for f in sorted((tmp / "parts").glob("*.pdf"))[:10]:
        with pikepdf.open(f) as src:
            out.pages.extend(src.pages)
    (tmp / "ten").mkdir()
    out.save(tmp / "ten" / "zehn-seiten.pdf")
    return tmp / "ten"


def fill_queue(wd: Path, n: int, seed: int = 1) -> None:
    """*n* documents waiting for review, written straight into the journal."""
    rnd = random.Random(seed)
    types = ["kfz_zulassung", "bauantrag", "ifsg_belehrung", "masern_meldung", "waffen_antrag", "tierhaltung",
             "sportstaetten_foerderung", "eingliederungshilfe", "sonstiges"]
    db = sqlite3.connect(wd / "journal.sqlite")
    rows, events, deferred = [], [], []
    for i in range(n):
        sha = f"{rnd.getrandbits(256):064x}"
        t = f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}T{8 + i % 10:02d}:{i % 60:02d}:00+00:00"
        dt_, conf = rnd.choice(types), round(rnd.uniform(0.2, 0.59), 3)
        rows.append((sha, sha[:16], f"/srv/scan/bench-{i:05d}.pdf", "application/pdf", "review", dt_, conf, 1,
                     f"archive/{sha[:2]}/{sha[:16]}", t, t))
        # the events a document has on its way into review (intake, OCR, classify, extract, archive)
        events += [(sha[:16], t, st, ev, "") for st, ev in (("intake", "received"), ("intake", "channel"),
                                                            ("ocr", "done"), ("ocr", "pdfa"), ("archive", "archived"),
                                                            ("extract", "extracted"), ("claim", "released"))]
        events.append((sha[:16], t, "classify", "review", f"confidence {conf}"))
        if i % 20 == 0:
            until = {"by": "bench", "until": "2099-01-01T00:00:00+00:00"}
            deferred.append((sha[:16], t, "review", "deferred", json.dumps(until)))
        item = {"id": sha[:16], "sha256": sha, "doctype": dt_, "confidence": conf, "threshold": 0.6,
                "candidates": [{"doctype": dt_, "score": conf}, {"doctype": rnd.choice(types), "score": 0.1}]}
        (wd / "review" / f"{sha[:16]}.json").write_text(json.dumps(item))
    with db:
        db.executemany("INSERT INTO documents(sha256, id, source, media_type, state, doctype, confidence, pages, "
                       "archive_path, first_seen, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        db.executemany("INSERT INTO events(doc_id, time, stage, event, detail) VALUES (?,?,?,?,?)", events + deferred)
    db.close()


def measure(client, path: str, n: int) -> dict:
    server, e2e = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(path)
        e2e.append(1000 * (time.perf_counter() - t0))
        assert r.status_code == 200, (path, r.status_code)
        server.append(float(r.headers["server-timing"].split("dur=")[1]))
    def q(xs):
        s = sorted(xs)
        return {"median_ms": round(statistics.median(s), 1), "p95_ms": round(s[int(0.95 * (len(s) - 1))], 1),
                "first_ms": round(xs[0], 1)}
    return {"n": n, "server": q(server), "end_to_end": q(e2e)}


def run(tmp: Path, n_queue: int = 10000, repeat: int = 30) -> dict:
    from serve_helpers import login, make_workdir, start_server, stop

    ten = ten_pages(tmp)
    wd = tmp / "serve-wd" / "work"
    make_workdir(wd, sorted(ten.glob("*.pdf")))
    db = sqlite3.connect(wd / "journal.sqlite")
    doc_id, pages = db.execute("SELECT id, pages FROM documents WHERE state='review'").fetchone()
    db.close()
    assert pages == 10, pages
    fill_queue(wd, n_queue)
    server, url = start_server(wd)
    try:
        c = login(url, "anna")
        res = {"queue_entries": n_queue + 1, "document_pages": pages,
               "review_page_10_pages": measure(c, f"/review/{doc_id}", repeat),
               "queue_first_page": measure(c, "/review", repeat),
               "queue_page_100": measure(c, "/review?page=100", repeat),
               "queue_by_confidence": measure(c, "/review?sort=confidence&desc=1", repeat)}
        cold = [measure(c, f"/review/{doc_id}/page/{p}.png", 1)["end_to_end"]["first_ms"] for p in range(1, 11)]
        res["page_image_first_render_ms"] = {"median": round(statistics.median(cold), 1), "max": round(max(cold), 1)}
        res["page_image_cached"] = measure(c, f"/review/{doc_id}/page/5.png", repeat)
    finally:
        stop(server)
    return res


def report(r: dict) -> str:
    rp, q1 = r["review_page_10_pages"], r["queue_first_page"]
    return (f"serve: review page of a {r['document_pages']}-page document: server median {rp['server']['median_ms']} ms "
            f"(first view {rp['end_to_end']['first_ms']} ms), end to end median {rp['end_to_end']['median_ms']} ms; "
            f"queue of {r['queue_entries']:,} entries, first page: server {q1['server']['median_ms']} ms, end to end "
            f"{q1['end_to_end']['median_ms']} ms (p95 {q1['end_to_end']['p95_ms']}); page 100: "
            f"{r['queue_page_100']['end_to_end']['median_ms']} ms; page image first render median "
            f"{r['page_image_first_render_ms']['median']} ms, cached {r['page_image_cached']['end_to_end']['median_ms']} ms")


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with tempfile.TemporaryDirectory() as d:
        out = run(Path(d))
    print(json.dumps(out, indent=2))
    print(report(out))
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "serve.json").write_text(json.dumps(out, indent=2))
