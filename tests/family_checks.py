"""The checks every development generator family's test makes (tests/test_family9.py … test_family11.py): the
generator runs, its truth names its files and only the profile's fields plus the personal ones the documents show,
every truth value is on its pages (white space ignored; dates as forms and stamps write them; an IBAN in groups of
four; a street may stand apart from its house number in its own cell or boxes), all layouts occur, the same seed
gives the same bytes, bad arguments exit 2."""

import datetime as dt
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
          "Dezember"]
SHORT = ["JAN", "FEB", "MRZ", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEZ"]
PERSONAL = {"eingangsdatum", "telefon", "email", "vorname", "nachname", "strasse", "plz", "ort", "geburtsdatum"}


def make(family: str, out: Path, *args: str) -> subprocess.CompletedProcess:
    script = ROOT / "samples" / family / "make.py"
    return subprocess.run([sys.executable, str(script), str(out), *args], capture_output=True, text=True, timeout=300)


def made(family: str, tmp_path_factory) -> tuple[Path, dict]:
    """One document per type, seed 2 (seed 1 is tuned on, seed 3 the figure), born-digital: (folder, truth)."""
    out = tmp_path_factory.mktemp(family) / "a"
    r = make(family, out, "--per-type", "1", "--seed", "2", "--born")
    assert r.returncode == 0, r.stderr
    return out, json.loads((out / "truth.json").read_text("utf-8"))


def forms(field: str, v: str) -> list[list[str]]:
    """The writings of a value, each a list of parts that must all be on the page."""
    if re.fullmatch(r"\d\d\.\d\d\.\d{4}", v) and field.endswith("datum"):
        d = dt.date(int(v[6:]), int(v[3:5]), int(v[:2]))
        month, short = MONTHS[d.month - 1], SHORT[d.month - 1]
        return [[w] for w in (v, f"{d.day}.{d.month}.{d.year}", f"{v[:6]}{v[8:]}", f"{d.day}.{d.month}.{v[8:]}",
                              f"{d.day}. {month} {d.year}", d.isoformat(), f"{v[:2]}. {short}. {d.year}",
                              f"{v[:2]} {short} {d.year}")]
    if field == "iban":
        return [[v], [" ".join(v[i:i + 4] for i in range(0, len(v), 4))]]
    m = re.fullmatch(r"(.*?) (\d.*)", v) if field == "strasse" else None
    return [[v], [m[1], m[2]]] if m else [[v]]


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s).casefold()


def truth_on_pages(out: Path, truth: dict, layouts: set[str]) -> None:
    prof = tomllib.loads((ROOT / "profiles" / "landkreis.toml").read_text("utf-8"))
    assert sorted(truth) == sorted(p.stem for p in out.glob("*.pdf")) and len(truth) == 9
    assert {t["layout"] for t in truth.values()} <= layouts
    for key, rec in truth.items():
        assert set(rec["fields"]) <= set(prof["doctypes"][rec["type"]]["fields"]) | PERSONAL, key
        pdf = pdfium.PdfDocument(out / f"{key}.pdf")
        flat = _flat(" ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
        for f, v in rec["fields"].items():
            assert any(all(_flat(p) in flat for p in parts) for parts in forms(f, v)), (key, f, v)
        if rec["type"] == "masern_meldung":  # a child has no telephone or e-mail of its own
            assert "telefon" not in rec["fields"] and "email" not in rec["fields"]


def layouts_bytes_arguments(family: str, tmp_path: Path, out: Path, layouts: set[str], types: str) -> None:
    """Three documents each of *types* plus *out*'s show every layout; the same run twice gives the same bytes;
    an unknown type, no documents, born and scans at once exit 2."""
    r = make(family, tmp_path / "b", "--per-type", "3", "--seed", "2", "--types", types)
    assert r.returncode == 0, r.stderr
    both = json.loads((tmp_path / "b" / "truth.json").read_text("utf-8"))
    again = json.loads((out / "truth.json").read_text("utf-8"))
    assert {t["layout"] for t in [*both.values(), *again.values()]} == layouts
    r2 = make(family, tmp_path / "c", "--per-type", "3", "--seed", "2", "--types", types)
    assert r2.returncode == 0, r2.stderr
    for p in (tmp_path / "b").glob("*.pdf"):
        assert p.read_bytes() == (tmp_path / "c" / p.name).read_bytes(), p.name
    assert make(family, tmp_path / "d", "--types", "nope").returncode == 2
    assert make(family, tmp_path / "d", "--per-type", "0").returncode == 2
    assert make(family, tmp_path / "d", "--born", "--scans").returncode == 2
