"""E-mail and office intake rates (part of make bench; also runs alone).

1. ``ekte mail`` against a real dovecot on 127.0.0.1: N messages, each a
   text body and one small born-digital PDF attachment → messages/s
   (each message: two documents, one Vorgang, then moved). Beside it, in
   the same run, the same N messages as ``.eml`` files through ``ekte
   ingest`` (no IMAP): what the mailbox costs.
2. Office documents: ``ekte ingest`` of M generated DOCX files (LibreOffice
   with a fresh profile per document, then the PDF/A route) against the
   floor, one ``soffice --convert-to pdf`` call converting all M at once
   (one start-up, one shared profile, no PDF/A check).

    python bench/mail_rate.py [--messages N] [--office M] [--jobs J]
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
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "samples"))


def _ekte(*args: str, env: dict | None = None) -> dict:
    exe = Path(sys.executable).with_name("ekte")
    p = subprocess.run([str(exe), *args, "--json"], capture_output=True, text=True, env={**os.environ, **(env or {})})
    if p.returncode not in (0, 1):
        raise SystemExit(f"ekte failed ({p.returncode}): {p.stderr[-2000:]}")
    return json.loads(p.stdout)


def mail_bench(tmp: Path, n: int, jobs: int) -> dict:
    import generate
    import mail_files as mf
    from imap_server import PASSWORD, Dovecot

    per = max(1, -(-n // len(generate.DOCTYPES)))
    generate.generate(tmp / "att", per_type=per, formats=["pdf"], seed=9)
    pdfs = sorted((tmp / "att").glob("*.pdf"))[:n]
    raws = [mf.raw(mf.message(f"Antrag {i}", f"Guten Tag,\nanbei Antrag Nummer {i}.\n",
                              attachments=[(p.name, p.read_bytes(), "application/pdf")])) for i, p in enumerate(pdfs)]
    (tmp / "eml").mkdir()
    for i, r in enumerate(raws):
        (tmp / "eml" / f"m{i:04d}.eml").write_bytes(r)
    d = Dovecot().start()
    try:
        for r in raws:
            d.append(r)
        opts = ["-o", "intake.mail.host=127.0.0.1", "-o", f"intake.mail.port={d.port}", "-o",
                "intake.mail.security=plain", "-o", "intake.mail.username=poststelle", "-o",
                "intake.mail.password_env=BENCH_IMAP_PW", "-o", f"intake.mail.max_messages={n}", "-j", str(jobs)]
        t0 = time.monotonic()
        out = _ekte("mail", "-w", str(tmp / "wd-mail"), *opts, env={"BENCH_IMAP_PW": PASSWORD})
        t_mail = time.monotonic() - t0
        moved = len(d.messages("ekte-processed"))
    finally:
        d.stop()
    t0 = time.monotonic()
    out2 = _ekte("ingest", str(tmp / "eml"), "-w", str(tmp / "wd-eml"), "-j", str(jobs))
    t_eml = time.monotonic() - t0
    return {"messages": len(raws), "documents": out["summary"]["total"], "moved_to_processed": moved,
            "imap_seconds": round(t_mail, 2), "imap_messages_per_s": round(len(raws) / t_mail, 3),
            "eml_seconds": round(t_eml, 2), "eml_messages_per_s": round(len(raws) / t_eml, 3),
            "eml_documents": out2["summary"]["total"]}


def office_bench(tmp: Path, m: int, jobs: int) -> dict:
    import office_files as of

    src = tmp / "docx"
    src.mkdir()
    for i in range(m):
        of.docx(src / f"d{i:03d}.docx", [f"Antrag auf Baugenehmigung Nummer {i}", "Gemarkung Musterdorf",
                                          "Bauherr Jürgen Müller " * 20])
    t0 = time.monotonic()
    out = _ekte("ingest", str(src), "-w", str(tmp / "wd-office"), "-j", str(jobs))
    t_ekte = time.monotonic() - t0
    prof = Path(tempfile.mkdtemp(prefix="lo-bench-"))
    t0 = time.monotonic()
    subprocess.run([shutil.which("soffice") or "soffice", "--headless", "--norestore", f"-env:UserInstallation="
                    f"{prof.as_uri()}", "--convert-to", "pdf", "--outdir", str(tmp / "lo-out"),
                    *map(str, sorted(src.glob("*.docx")))], capture_output=True, check=True)
    t_lo = time.monotonic() - t0
    shutil.rmtree(prof, ignore_errors=True)
    archived = out["summary"]["by_status"]["archived"]
    return {"documents": m, "archived_pdfa": archived, "ekte_seconds": round(t_ekte, 2),
            "ekte_documents_per_s": round(m / t_ekte, 3), "soffice_batch_seconds": round(t_lo, 2),
            "soffice_batch_documents_per_s": round(m / t_lo, 3), "ratio_ekte_to_soffice": round(t_lo / t_ekte, 2)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=20)
    ap.add_argument("--office", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        res = {"mail": mail_bench(Path(tmp), a.messages, a.jobs), "office": office_bench(Path(tmp), a.office, a.jobs)}
    print(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
