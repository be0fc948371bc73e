"""How a truth value may be written on a page — listed here on its own, not
taken from the generator's formatting code — and a readability check:

    python samples/heldout/check.py OUT [--json]

prints the share of truth values found in each document's text: pypdfium2's
text layer for born-digital PDFs (must be 1.000: the generator writes no truth
that is not on the page), plain Tesseract (deu, ``--psm 1``: with orientation
detection) for scans.  For scans this is a ceiling for that OCR: values the
OCR text does not contain cannot be extracted from it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

MONTHS = [["januar", "jan."], ["februar", "feb."], ["märz", "mrz.", "mär."], ["april", "apr."], ["mai"],
          ["juni", "jun."], ["juli", "jul."], ["august", "aug."], ["september", "sep.", "sept."],
          ["oktober", "okt."], ["november", "nov."], ["dezember", "dez."]]
DATES = ("geburtsdatum", "antragsdatum", "eingangsdatum")


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s).casefold()


def date_forms(value: str) -> set[str]:
    """DD.MM.YYYY -> the ways it may be written (without white space, lower case)."""
    d, m, y = (int(x) for x in value.split("."))
    forms = {f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}", f"{d:02d}.{m:02d}.{y % 100:02d}", f"{d}.{m}.{y % 100:02d}",
             f"{y}-{m:02d}-{d:02d}", f"tag{d:02d}monat{m:02d}jahr{y}"}  # the last: boxes captioned Tag/Monat/Jahr
    for name in MONTHS[m - 1]:
        forms |= {f"{d}.{name}{y}", f"{d:02d}.{name}{y}"}
    return forms


def amount_forms(value: str) -> set[str]:
    euros, cents = value.split(",")
    return {value, f"{euros.replace('.', '')},{cents}"} | ({f"{euros},-"} if cents == "00" else set())


def on_page(field: str, value: str, text: str) -> bool:
    """Is the truth value ``value`` of ``field`` written somewhere in ``text``?"""
    spaced, flat = re.sub(r"\s+", " ", text).casefold(), squash(text)
    if field in DATES:
        return any(f in flat for f in date_forms(value))
    if field == "betrag_eur":
        return any(f in flat for f in amount_forms(value))
    if field == "strasse":  # also when street and number stand in boxes of their own
        street, number = re.match(r"(.*?)\s+(\d.*)$", value).groups()
        return squash(value) in flat or (street.casefold() in spaced and re.search(
            rf"(?<![\w/]){' ?'.join(map(re.escape, squash(number)))}(?![\w/])", spaced) is not None)
    if len(squash(value)) >= 6:
        return squash(value) in flat
    return re.search(rf"(?<![\w/.-]){re.escape(value.casefold())}(?![\w/-])", spaced) is not None


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_bounded() for i in range(len(doc)))
    finally:
        doc.close()


def ocr_text(path: Path) -> str:
    tess, ppm = shutil.which("tesseract"), shutil.which("pdftoppm")
    if not tess or not ppm:
        raise RuntimeError("tesseract and pdftoppm are needed (make venv installs them)")

    def ocr(img: Path) -> str:
        return subprocess.run([tess, str(img), "-", "-l", "deu", "--psm", "1"], capture_output=True, text=True,
                              timeout=600).stdout

    if path.suffix != ".pdf":
        return ocr(path)
    with tempfile.TemporaryDirectory(prefix="heldout-ocr-") as tmp:
        subprocess.run([ppm, "-r", "300", "-gray", "-png", str(path), f"{tmp}/p"], check=True, timeout=600)
        return "\n".join(ocr(p) for p in sorted(Path(tmp).glob("p*.png")))


def readability(out: Path) -> dict:
    truth = json.loads((out / "truth.json").read_text("utf-8"))
    found, total = Counter(), Counter()
    for ident, rec in sorted(truth.items()):
        if ident.endswith(".scan"):
            (path,) = out.glob(f"{ident}.*")
            text = ocr_text(path)
        else:
            text = pdf_text(out / f"{ident}.pdf")
        for field, value in rec["fields"].items():
            total[field] += 1
            found[field] += on_page(field, value, text)
    return {"values": sum(total.values()), "found": round(sum(found.values()) / max(1, sum(total.values())), 4),
            "per_field": {k: round(found[k] / total[k], 4) for k in sorted(total)}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Share of truth values found in the documents' text (or OCR).")
    ap.add_argument("out", type=Path)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if not (a.out / "truth.json").is_file():
        print(f"error: {a.out / 'truth.json'} not found", file=sys.stderr)
        return 2
    r = readability(a.out)
    if a.json:
        print(json.dumps(r, indent=1))
    else:
        print(f"{r['values']} truth values, {r['found']:.3f} found in the text")
        for k, v in r["per_field"].items():
            print(f"  {k:14} {v:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
