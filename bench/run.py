"""Benchmarks (make bench; BENCH_ARGS="--rounds 5 --scans 24" for bigger runs).

1. OCR and PDF/A against the tools underneath (see bench/ocr_bench.py):
   scans against the Tesseract floor and ``xargs -P cores ocrmypdf``;
   born-digital against ``xargs -P cores gs``; born-digital that pikepdf can
   write; peak RSS of the stage functions; CER and field F1 (also on --f1-seeds sets).
2. Classification + extraction with the text given (documents/s).
3. The watch daemon: latency and a burst.
4. The clerk's station (bench/serve_bench.py).
5. ``ekte verify``, plain and sealed + time-stamped (bench/verify_bench.py; --only-verify).
6. E-mail (``ekte mail`` against a local dovecot, and the same messages as
   .eml files) and office conversion (DOCX against one soffice batch call):
   bench/mail_rate.py.
7. The HTTP intake API: N PDFs POSTed to ``ekte serve`` (documents/s,
   latency to archived) beside ``ekte ingest`` of the same files:
   bench/http_intake.py (``--http-intake N``, default 1,000).
8. One vs two Dask workers beside the local executor (bench/dask_workers.py; --only-dask).
9. A long scan in page ranges or not; the whole run's peak memory (bench/pages_bench.py; --only-pages).

    python bench/run.py [--scans N] [--born M] [--jobs J] [--rounds R] ...
    python bench/run.py --only-born [--born M]   # born-digital end to end alone (bench/born_bench.py)

Prints the figures and keeps them in bench/out/results.json.
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
sys.path.insert(0, str(ROOT / "bench"))
os.environ["OMP_THREAD_LIMIT"] = "1"
import pages_bench  # noqa: E402


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


def _ocr_data(tmp: Path, a: argparse.Namespace) -> tuple[dict, list[Path], list[Path], list[Path], list[Path]]:
    """Scans (every third turned), their pages rasterised, born-digital PDFs
    and the same with their fonts embedded (Ghostscript's PDF/A output)."""
    import ocr_bench as ob
    from born_bench import born_data

    truth = ob.make_scans(tmp / "scans", a.scans)
    scans = sorted((tmp / "scans").glob("*.pdf"))
    pngs = ob.rasterise(scans, tmp / "png")
    born, embedded = born_data(tmp, a.born)
    return truth, scans, pngs, born, embedded


def _ocr_rounds(tmp: Path, a: argparse.Namespace, scans: list[Path], pngs: list[Path], born: list[Path],
                embedded: list[Path], params: object) -> tuple[dict, dict, dict, list]:
    """Every contender once per round, interleaved: (wall s, CPU s, last ingest JSON, stage results)."""
    import multiprocessing

    import ocr_bench as ob

    j = a.jobs
    t: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    ocrmypdf = [str(Path(sys.executable).with_name("ocrmypdf")), "-q", "-l", "deu", "--output-type", "pdfa-2",
                "--rotate-pages", "--deskew", "-j", "1", "{}", "{}.ocrmypdf.pdf"]

    def add(k: str, v: tuple) -> None:
        t.setdefault(k, []).append(v[0])
        if len(v) > 1:
            cpu.setdefault(k, []).append(v[1])

    with multiprocessing.get_context("forkserver").Pool(j, initializer=ob._stage_init) as pool:
        pool.map(ob._stage_one, [(str(scans[0]), str(tmp / f"warm{i}"), params) for i in range(j)])
        for r in range(a.rounds):
            add("tesseract_floor", ob._xargs(j, pngs, ["tesseract", "{}", "{}", "-l", "deu", "pdf"]))
            add("ocrmypdf", ob._xargs(j, scans, ocrmypdf))
            for f in scans:
                Path(f"{f}.ocrmypdf.pdf").unlink(missing_ok=True)
            dt, out_api = ob._ekte(tmp / "scans", tmp / "wd-scan", j)
            add("ekte_ingest_scans", (dt,))
            *st, stage_res = ob.stages(scans, tmp / "st", j, params, pool)
            add("ekte_stages_scans", st)
            add("gs", ob._xargs(j, born, ob.GS_PDFA + ["-sOutputFile={}.gs.pdf", "{}"]))
            add("ekte_ingest_born", (ob._ekte(tmp / "born", tmp / "wd-born", j)[0],))
            add("ekte_stages_born", ob.stages(born, tmp / "st", j, params, pool)[:2])
            add("ekte_ingest_embedded", (ob._ekte(tmp / "emb", tmp / "wd-emb", j)[0],))
            add("ekte_stages_embedded", ob.stages(embedded, tmp / "st", j, params, pool)[:2])
            for f in born:
                Path(f"{f}.gs.pdf").unlink(missing_ok=True)
            print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.1f}s" for k, v in t.items()), file=sys.stderr)
    return t, cpu, out_api, stage_res


def ocr_section(tmp: Path, a: argparse.Namespace) -> dict:
    """Scans and born-digital PDFs against the tools underneath, contenders
    interleaved round by round; medians of the rounds."""
    import ocr_bench as ob

    from ekte.profile import load_profile
    from ekte.stages.ocr import OcrParams

    truth, scans, pngs, born, embedded = _ocr_data(tmp, a)
    params = OcrParams.from_profile(load_profile())
    t, cpu, out_api, stage_res = _ocr_rounds(tmp, a, scans, pngs, born, embedded, params)
    dt_cli, out_cli = ob._ekte(tmp / "scans", tmp / "wd-cli", a.jobs, 'ocr.engine="tesseract"')
    floor = ob.floor_cpu(pngs)  # per file, for the ratios by kind of scan
    m = {k: ob.med(v) for k, v in t.items()}
    mc = {k: ob.med(v) for k, v in cpu.items()}
    pages = len(pngs)
    per_s = lambda n, keys: {k: round(n / m[k], 1) for k in keys}  # noqa: E731
    res = {"rounds": a.rounds, "medians_s": m, "all_s": {k: [round(x, 2) for x in v] for k, v in t.items()},
           "cpu_medians_s": mc,
           "cpu_ratio": {"stages_scans_to_floor": round(mc["tesseract_floor"] / mc["ekte_stages_scans"], 2),
                         "ocrmypdf_to_floor": round(mc["tesseract_floor"] / mc["ocrmypdf"], 2),
                         "stages_born_to_gs": round(mc["gs"] / mc["ekte_stages_born"], 2)},
           "scans": {"files": len(scans), "pages": pages, "turned_files": len(scans) // 3,
                     "pages_per_min": {k: round(pages / m[k] * 60, 1) for k in
                                       ("tesseract_floor", "ocrmypdf", "ekte_ingest_scans", "ekte_stages_scans")},
                     "ratio_to_floor": {k: round(m["tesseract_floor"] / m[k], 2) for k in
                                        ("ocrmypdf", "ekte_ingest_scans", "ekte_stages_scans")},
                     "ratio_ekte_ingest_to_ocrmypdf": round(m["ocrmypdf"] / m["ekte_ingest_scans"], 2),
                     "cpu_by_kind": ob.cpu_by_kind(scans, stage_res, floor),
                     "geometry": [g for r_ in stage_res for g in ((r_.get("geometry") or {}).get("pages") or [])],
                     "field_f1": {"tesserocr": ob.field_f1(out_api, truth), "tesseract_cli": ob.field_f1(out_cli, truth)},
                     "ekte_ingest_cli_engine_s": round(dt_cli, 2)},
           "born_digital_fonts_missing": {
               "documents": len(born), "documents_per_s": per_s(len(born), ("gs", "ekte_ingest_born", "ekte_stages_born")),
               "ratio_to_gs": {k: round(m["gs"] / m[k], 2) for k in ("ekte_ingest_born", "ekte_stages_born")}},
           "born_digital_pikepdf": {
               "documents": len(embedded),
               "documents_per_s": per_s(len(embedded), ("ekte_ingest_embedded", "ekte_stages_embedded")),
               # what the CPU time allows with `jobs` busy workers (robust to other load)
               "cpu_bound_documents_per_s": round(len(embedded) * a.jobs / mc["ekte_stages_embedded"], 1)}}
    res["memory"] = ob.stage_memory(embedded, tmp, a.memory_docs, params)
    res["memory"]["scans"] = ob.stage_memory(scans, tmp, a.memory_scans, params) if a.memory_scans else None
    res["cer_realdocs"] = {e: ob.realdocs_cer(tmp, e) for e in ("tesserocr", "tesseract")}
    res["field_f1_unseen"] = ob.field_f1_unseen(tmp, [int(x) for x in a.f1_seeds.split(",") if x], a.f1_scans, a.jobs)
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scans", type=int, default=9, help="generated scans (every third one turned)")
    ap.add_argument("--born", type=int, default=48)
    ap.add_argument("--f1-seeds", default="11,23", help="seeds of further scan sets for the field F1 ('': none)")
    ap.add_argument("--f1-scans", type=int, default=18, help="scans per --f1-seeds set")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    ap.add_argument("--memory-docs", type=int, default=2000, help="documents for the stage memory run")
    ap.add_argument("--memory-scans", type=int, default=30, help="scans for the stage memory run (0: skip)")
    ap.add_argument("--texts", type=int, default=270, help="documents for the classify+extract rate")
    ap.add_argument("--watch-latency", type=int, default=20, help="documents dropped one by one (latency)")
    ap.add_argument("--watch-burst", type=int, default=1000, help="documents dropped at once (0: skip)")
    ap.add_argument("--only-ocr", action="store_true", help="only the OCR and PDF/A section")
    ap.add_argument("--only-born", action="store_true", help="only born-digital: xargs gs vs ekte ingest (born_bench)")
    ap.add_argument("--serve-queue", type=int, default=10000, help="review queue entries for the station (0: skip)")
    ap.add_argument("--only-serve", action="store_true", help="only the clerk's station (bench/serve_bench.py)")
    ap.add_argument("--dask-scans", type=int, default=8, help="scans for one vs two Dask workers (0: skip)")
    ap.add_argument("--only-dask", action="store_true", help="only one vs two Dask workers (bench/dask_workers.py)")
    ap.add_argument("--only-verify", action="store_true", help="only ekte verify (bench/verify_bench.py)")
    ap.add_argument("--mail", type=int, default=20, help="e-mail messages through a local dovecot (0: skip)")
    ap.add_argument("--office", type=int, default=10, help="DOCX files through LibreOffice (0: skip)")
    ap.add_argument("--http-intake", type=int, default=1000, help="PDFs through POST /api/v1/documents (0: skip)")
    pages_bench.add_args(ap)  # --only-pages, --pages-long, --split-sizes, --memory-run, …
    a = ap.parse_args()

    results: dict = {"jobs": a.jobs, "cpus": os.cpu_count(), "loadavg_at_start": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if a.only_born:
            import born_bench

            results["born"] = born_bench.run(tmp, a.born, a.jobs, a.rounds)
            print(json.dumps(results, indent=2) + "\n" + born_bench.report(results["born"]))
            return 0
        if a.only_verify:
            import verify_bench

            print(verify_bench.report(verify_bench.run(tmp, a.born, a.jobs)))
            return 0
        if a.only_serve:
            import serve_bench

            results["serve"] = serve_bench.run(tmp, a.serve_queue)
            print(json.dumps(results, indent=2))
            print(serve_bench.report(results["serve"]))
            return 0
        if a.only_pages or not (a.only_ocr or a.only_dask):  # split vs unsplit, whole-run memory (bench/pages_bench.py)
            results["pages"] = pages_bench.section(tmp, a)
            if a.only_pages:
                print(json.dumps(results, indent=2) + "\n" + pages_bench.report(results["pages"]))
                return 0
        if a.only_dask or (a.dask_scans and not a.only_ocr):  # one vs two Dask workers beside the local executor
            import dask_workers

            results["dask"] = dask_workers.one_vs_two(tmp, a.dask_scans or 8, a.rounds if a.only_dask else 1)
            if a.only_dask:
                print(json.dumps(results, indent=2))
                print(dask_workers.report(results["dask"]))
                return 0
        results["ocr"] = ocr_section(tmp, a)
        if not a.only_ocr:
            # classification + extraction once the text exists (no OCR, no I/O)
            results["classify_extract"] = classify_extract_rate(tmp, a.texts)
            if a.watch_burst:
                results["watch"] = watch_bench(tmp, a.watch_latency, a.watch_burst)
            if a.serve_queue:  # the clerk's station (bench/serve_bench.py)
                import serve_bench

                results["serve"] = serve_bench.run(tmp, a.serve_queue)
            from mail_rate import mail_bench, office_bench  # e-mail and office intake

            if a.mail:
                results["mail"] = mail_bench(tmp, a.mail, a.jobs)
            if a.office:
                results["office"] = office_bench(tmp, a.office, a.jobs)
            import verify_bench  # ekte verify (bench/verify_bench.py)

            results["verify"] = verify_bench.run(tmp, a.born, a.jobs)
            if a.http_intake:  # the HTTP intake API (bench/http_intake.py)
                from http_intake import http_bench

                results["http_intake"] = http_bench(tmp, a.http_intake, a.jobs)
    results["loadavg_at_end"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    report(results, a)
    outdir = ROOT / "bench" / "out"
    outdir.mkdir(exist_ok=True)
    (outdir / "results.json").write_text(json.dumps(results, indent=2))
    return 0


def report(results: dict, a: argparse.Namespace) -> None:
    import importlib

    for key, module in (("dask", "dask_workers"), ("serve", "serve_bench"), ("verify", "verify_bench"),
                        ("http_intake", "http_intake"), ("pages", "pages_bench")):
        if key in results:
            print(importlib.import_module(module).report(results[key]))
    o = results["ocr"]
    s, b, e, m = o["scans"], o["born_digital_fonts_missing"], o["born_digital_pikepdf"], o["memory"]
    ppm, rf = s["pages_per_min"], s["ratio_to_floor"]
    print(f"\nScans ({s['pages']} pages, {s['turned_files']} turned; {a.jobs} at a time; median of {o['rounds']} rounds):")
    print(f"  tesseract floor        {ppm['tesseract_floor']:7.1f} pages/min  1.00")
    print(f"  xargs ocrmypdf         {ppm['ocrmypdf']:7.1f} pages/min  {rf['ocrmypdf']:.2f} of the floor")
    print(f"  ekte ingest            {ppm['ekte_ingest_scans']:7.1f} pages/min  {rf['ekte_ingest_scans']:.2f} of the floor"
          f" ({s['ratio_ekte_ingest_to_ocrmypdf']:.2f}x xargs ocrmypdf)")
    print(f"  ekte stages, warm      {ppm['ekte_stages_scans']:7.1f} pages/min  {rf['ekte_stages_scans']:.2f} of the floor")
    print("  CPU, ekte's stage functions against the floor by kind of scan: " + ", ".join(
        f"{k} {v['ratio_to_floor']} ({v['files']} files)" for k, v in s["cpu_by_kind"].items()))
    print(f"  field F1: tesserocr {s['field_f1']['tesserocr']}, tesseract program {s['field_f1']['tesseract_cli']}")
    print(f"Born digital, fonts to embed ({b['documents']} documents): gs {b['documents_per_s']['gs']}/s; "
          f"ekte ingest {b['documents_per_s']['ekte_ingest_born']}/s ({b['ratio_to_gs']['ekte_ingest_born']} of gs); "
          f"ekte stages, warm {b['documents_per_s']['ekte_stages_born']}/s ({b['ratio_to_gs']['ekte_stages_born']} of gs)")
    print(f"Born digital, pikepdf route ({e['documents']} documents): ekte ingest "
          f"{e['documents_per_s']['ekte_ingest_embedded']}/s; ekte stages, warm {e['documents_per_s']['ekte_stages_embedded']}/s"
          f" (CPU allows {e['cpu_bound_documents_per_s']}/s)")
    print(f"Memory, one worker's stage functions: {m}")
    print(f"CPU seconds, same work (robust to other load): {o['cpu_medians_s']} -> ratios {o['cpu_ratio']}")
    c = o["cer_realdocs"]
    print(f"CER on ../shared/realdocs: tesserocr {c['tesserocr']['mean']}, tesseract program {c['tesseract']['mean']}"
          f"\nfield F1 on further scan sets (seed: figures): {o['field_f1_unseen']}")
    if "classify_extract" in results:
        c = results["classify_extract"]
        print(f"classification + extraction: {c['documents_per_s']} documents/s ({c['documents']} documents, text given)")
    if "watch" in results:
        w = results["watch"]
        print(f"watch: latency beyond the {w['latency']['stable_seconds']} s stability delay: median "
              f"{w['latency']['median_beyond_stability_s']} s, p95 {w['latency']['p95_beyond_stability_s']} s; "
              f"{w['burst']['documents']} files at once: {w['burst']['documents_per_s']} documents/s")
    if "mail" in results:
        m = results["mail"]
        print(f"e-mail: {m['imap_messages_per_s']} messages/s via IMAP, {m['eml_messages_per_s']} as .eml files "
              f"({m['messages']} messages, {m['documents']} documents)")
    if "office" in results:
        f = results["office"]
        print(f"office: {f['ekte_documents_per_s']} DOCX/s to PDF/A vs one soffice batch call "
              f"{f['soffice_batch_documents_per_s']}/s (ratio {f['ratio_ekte_to_soffice']}x)")
    print(f"load average at start/end: {results['loadavg_at_start']} / {results['loadavg_at_end']} "
          "(other work on the machine slows every contender alike; ratios are side by side)")


if __name__ == "__main__":
    sys.exit(main())
