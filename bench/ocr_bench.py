"""OCR and PDF/A benchmarks against the tools underneath (part of make bench).

Every contender runs on the same files, with ``cores`` processes at a time
and ``OMP_THREAD_LIMIT=1``; the contenders are interleaved round by round
and the median of the rounds is reported (other work on the machine hits
them alike):

* scans: the Tesseract floor (``xargs -P cores tesseract PAGE.png OUT -l deu
  pdf`` on the pages rasterised beforehand, not timed), ``xargs -P cores
  ocrmypdf`` with ekte's options (deu, PDF/A-2b, --rotate-pages, --deskew),
  ``ekte ingest -j cores`` (the whole pipeline), and ekte's stage functions
  in ``cores`` warm worker processes (what the executor can reach);
* born digital needing fonts embedded: ``xargs -P cores gs`` PDF/A against
  ekte ingest and the stage functions;
* born digital that pikepdf can write as PDF/A: documents/s;
* memory: peak RSS of one worker's stage functions after 100 and after
  ``--memory-docs`` documents;
* quality: CER on the real scans with ground truth in ../shared/realdocs,
  and the field F1 of ekte ingest on the generated scans, for the API
  engine (tesserocr) and the CLI engine (tesseract, OCRmyPDF's rotation
  and deskew).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GS_PDFA = ["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dPDFA=2",
           "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB", "-dEmbedAllFonts=true",
           "-dCompatibilityLevel=1.7"]
REALDOCS = [("tesseract-test/phototest.tif", "tesseract-test/phototest.txt"),
            ("tesseract-test/phototest-rotated-180.png", "tesseract-test/phototest.txt"),
            ("tesseract-test/phototest-rotated-L.png", "tesseract-test/phototest.txt"),
            ("tesseract-test/phototest-rotated-R.png", "tesseract-test/phototest.txt"),
            ("tesseract-test/eurotext.tif", "tesseract-test/eurotext.txt"),
            ("tesseract-test/8087_054.3B.tif", "tesseract-test/8087_054.3B.txt"),
            ("ocrmypdf/linn.pdf", "ocrmypdf/linn.txt")]


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _xargs(jobs: int, files: list[Path], cmd: list[str]) -> tuple[float, float]:
    """``xargs -P jobs -I{} cmd…`` over *files*: (wall seconds, CPU seconds)."""
    lst = files[0].parent / ".xargs-list"
    lst.write_text("".join(f"{f}\n" for f in files))
    t0, c0 = time.monotonic(), _cpu_children()
    subprocess.run(["xargs", "-P", str(jobs), "-I{}", "-a", str(lst), *cmd], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dt, cpu = time.monotonic() - t0, _cpu_children() - c0
    lst.unlink()
    return dt, cpu


def _ekte(src: Path, wd: Path, jobs: int, *over: str) -> tuple[float, dict]:
    shutil.rmtree(wd, ignore_errors=True)
    exe = Path(sys.executable).with_name("ekte")
    args = [str(exe), "ingest", "--json", str(src), "-w", str(wd), "-j", str(jobs)]
    for o in over:
        args += ["-o", o]
    t0 = time.monotonic()
    p = subprocess.run(args, capture_output=True, text=True)
    dt = time.monotonic() - t0
    if p.returncode not in (0, 1):
        raise SystemExit(f"ekte failed ({p.returncode}): {p.stderr[-2000:]}")
    return dt, json.loads(p.stdout)


# -- the stage functions in warm worker processes ---------------------------------

def _stage_init() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    from ekte.stages import tess_engine

    tess_engine.warm_up("deu")


def _stage_one(args: tuple[str, str, object]) -> dict:
    """What a worker does for one document (intake preparation, archival PDF,
    word boxes for extraction, form fields)."""
    from ekte.stages import intake
    from ekte.stages.ocr import make_archival_pdf

    src, tmp, params = Path(args[0]), Path(args[1]), args[2]
    c0 = time.process_time() + _cpu_children()
    tmp.mkdir(parents=True, exist_ok=True)
    c = intake.inspect(src)
    orig = tmp / ("original" + intake.extension_for(c.media_type))
    intake.copy_verified(src, orig, c.sha256)
    work = tmp / "work.pdf"
    if c.media_type == intake.PDF:
        intake.open_pdf_checked(orig, work, 250)
    else:
        intake.image_to_pdf(orig, work, 300, 250)
    res = make_archival_pdf(work, tmp / "archival.pdf", params)  # the word boxes come with it, as in the worker
    if c.media_type == intake.PDF:
        intake.read_form_fields(work)
    shutil.rmtree(tmp, ignore_errors=True)
    out = {k: res.get(k) for k in ("format", "route", "pages", "page_texts", "geometry")}
    out["cpu"] = time.process_time() + _cpu_children() - c0
    return out


def stages(files: list[Path], tmp: Path, jobs: int, params: object, pool: object) -> tuple[float, float, list[dict]]:
    """The stage functions over *files* in the warm pool: (wall s, CPU s, results)."""
    t0 = time.monotonic()
    out = pool.map(_stage_one, [(str(f), str(tmp / f"s{i}"), params) for i, f in enumerate(files)], chunksize=1)
    return time.monotonic() - t0, sum(r["cpu"] for r in out), out


def hwm_mb() -> int:
    """This process's peak RSS (VmHWM; unlike ru_maxrss it does not carry
    the parent's peak over an exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def stage_memory(files: list[Path], tmp: Path, n: int, params: object) -> dict:
    """Peak RSS of one process running the stage functions over n documents
    (after the first, after 100, after n)."""
    script = (
        "import sys, pickle; from pathlib import Path\n"
        "sys.path.insert(0, %r); import ocr_bench as b; b._stage_init()\n"
        "files, tmp, n, params = pickle.loads(bytes.fromhex(sys.argv[1]))\n"
        "marks = {}\n"
        "for i in range(n):\n"
        "    b._stage_one((files[i %% len(files)], tmp, params))\n"
        "    if i + 1 in (1, 100, n): marks[i + 1] = b.hwm_mb()\n"
        "print(marks)\n" % str(Path(__file__).parent)
    )
    import pickle

    arg = pickle.dumps(([str(f) for f in files], str(tmp / "mem"), n, params)).hex()
    p = subprocess.run([sys.executable, "-c", script, arg], capture_output=True, text=True, check=True)
    marks = eval(p.stdout.strip().splitlines()[-1])  # noqa: S307 - our own child's dict of ints
    return {"documents": n, "peak_rss_mb_after": marks}


# -- test data ----------------------------------------------------------------------

def make_scans(d: Path, n: int, seed: int = 5) -> dict:
    """n generated scans; every third one lies upside down or sideways (the
    page image turned, as a scanner would deliver it)."""
    import generate
    import img2pdf
    import pikepdf
    from PIL import Image

    per = max(1, -(-n // len(generate.DOCTYPES)))
    types = generate.DOCTYPES[: -(-n // per)]
    truth = generate.generate(d, per_type=per, formats=["scanpdf"], seed=seed, doctypes=types)
    files = sorted(d.glob("*.pdf"))
    for f in files[n:]:
        f.unlink()
        truth.pop(f.stem, None)
    for i, f in enumerate(files[:n]):
        if i % 3 != 2:
            continue
        with pikepdf.open(f) as pdf:
            imgs = [Image.open(__import__("io").BytesIO(next(iter(pg.images.values())).read_raw_bytes()))
                    for pg in pdf.pages]
        bufs = []
        for im in imgs:
            b = __import__("io").BytesIO()
            im.rotate(180 if i % 2 else 90, expand=True).save(b, "JPEG", quality=65, dpi=(300, 300))
            bufs.append(b.getvalue())
        f.write_bytes(img2pdf.convert(bufs))
    return truth


def rasterise(files: list[Path], d: Path) -> list[Path]:
    d.mkdir()
    for f in files:
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(f), str(d / f.stem)], check=True)
    return sorted(d.glob("*.png"))


def field_f1(out: dict, truth: dict) -> float:
    from ekte.evaluate import norm_value

    tp = fp = fn = 0
    for d in out["documents"]:
        want = truth.get(Path(d["source"]).stem, {}).get("fields", {})
        meta = Path(d["archive"] or "/nonexistent") / "metadata.json"
        fields = json.loads(meta.read_text())["fields"] if meta.is_file() else {}
        got = {k: v.get("value") for k, v in fields.items() if v.get("method") not in ("intake", "assigned")}
        for k in set(got) | set(want):
            ok = k in got and k in want and norm_value(got[k]) == norm_value(want[k])
            tp += ok
            fp += (k in got) and not ok
            fn += (k in want) and not ok
    return round(2 * tp / max(1, 2 * tp + fp + fn), 4)


def field_f1_unseen(tmp: Path, seeds: list[int], n: int, jobs: int) -> dict:
    """The field F1 of ``ekte ingest`` with either engine on *n* generated
    scans per seed (every third turned, as the bench's own), seeds the bench's
    timed set does not use: quality not tuned to the 9."""
    out: dict = {}
    for seed in seeds:
        d = tmp / f"unseen{seed}"
        truth = make_scans(d / "scans", n, seed=seed)
        out[seed] = {"scans": n, "tesserocr": field_f1(_ekte(d / "scans", d / "wd-api", jobs)[1], truth),
                     "tesseract_cli": field_f1(_ekte(d / "scans", d / "wd-cli", jobs, 'ocr.engine="tesseract"')[1],
                                               truth)}
    return out


def realdocs_cer(tmp: Path, engine: str) -> dict:
    import dataclasses

    sys.path.insert(0, str(ROOT / "tests"))
    from test_ocr import line_cer

    from ekte.profile import load_profile
    from ekte.stages.ocr import OcrParams

    params = dataclasses.replace(OcrParams.from_profile(load_profile()), engine=engine)
    out = {}
    for src, txt in REALDOCS:
        if not (SHARED / "realdocs" / src).is_file():
            continue
        res = _stage_one((str(SHARED / "realdocs" / src), str(tmp / "cer"), params))
        out[Path(src).name] = round(line_cer("\n".join(res["page_texts"]), (SHARED / "realdocs" / txt).read_text()), 4)
    out["mean"] = round(statistics.mean(out.values()), 4) if out else None
    return out


def med(xs: list[float]) -> float:
    return round(statistics.median(xs), 2)



def floor_cpu(pngs: list[Path]) -> dict[str, float]:
    """CPU seconds of ``tesseract PAGE.png OUT -l deu pdf`` per scan file
    (its pages' PNGs are named ``STEM-N.png`` by pdftoppm), one at a time."""
    out: dict[str, float] = {}
    for png in pngs:
        c0 = _cpu_children()
        subprocess.run(["tesseract", str(png), str(png.with_suffix("")), "-l", "deu", "pdf"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stem = png.stem.rsplit("-", 1)[0]
        out[stem] = out.get(stem, 0.0) + _cpu_children() - c0
    return out


def page_kind(res: dict) -> str:
    """"turned" (a page lay turned), "levelled" (a page was deskewed) or "upright"."""
    pages = (res.get("geometry") or {}).get("pages") or []
    if any(p.get("turned") for p in pages):
        return "turned"
    return "levelled" if any(p.get("deskewed") for p in pages) else "upright"


def cpu_by_kind(scans: list[Path], stage_res: list[dict], floor: dict[str, float]) -> dict:
    """CPU ratio to the floor (floor CPU / ekte CPU, same files) per kind of scan."""
    acc: dict[str, list[float]] = {}
    for f, r in zip(scans, stage_res):
        a = acc.setdefault(page_kind(r), [0, 0.0, 0.0])
        a[0] += 1
        a[1] += floor.get(f.stem, 0.0)
        a[2] += r["cpu"]
    return {k: {"files": int(n), "floor_cpu_s": round(fl, 2), "ekte_cpu_s": round(ek, 2),
                "ratio_to_floor": round(fl / ek, 2) if ek else None} for k, (n, fl, ek) in sorted(acc.items())}
