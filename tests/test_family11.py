"""samples/family11 (the ninth development family): the generator runs, its truth names its files and only the
profile's fields plus the personal ones the documents show, every truth value is on its pages (white space
ignored; dates as the documents and stamps write them; a street may stand apart from its house number in its
own cell), all five layouts occur, the same seed gives the same bytes, bad arguments exit 2.  Seed 2 (seed 1
is tuned on, seed 3 the figure).  About a minute on a loaded 2-core machine: marked slow."""

import datetime as dt
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pypdfium2 as pdfium
import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
MAKE = ROOT / "samples" / "family11" / "make.py"
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
          "Dezember"]
SHORT = ["JAN", "FEB", "MRZ", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEZ"]
PERSONAL = {"eingangsdatum", "telefon", "email", "vorname", "nachname", "strasse", "plz", "ort", "geburtsdatum"}
LAYOUTS = {"worttabelle", "vollmacht", "laufzettel", "quer", "unterstrich"}


def _make(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(MAKE), str(out), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("family11") / "a"
    r = _make(out, "--per-type", "1", "--seed", "2", "--born")
    assert r.returncode == 0, r.stderr
    return out, json.loads((out / "truth.json").read_text("utf-8"))


def _forms(field: str, v: str) -> list[list[str]]:
    """The writings of a value, each a list of parts that must all be on the page."""
    if re.fullmatch(r"\d\d\.\d\d\.\d{4}", v) and field.endswith("datum"):
        d = dt.date(int(v[6:]), int(v[3:5]), int(v[:2]))
        return [[v], [f"{d.day}.{d.month}.{d.year}"], [f"{v[:6]}{v[8:]}"], [f"{d.day}. {MONTHS[d.month - 1]} {d.year}"],
                [d.isoformat()], [f"{v[:2]}. {SHORT[d.month - 1]}. {d.year}"], [f"{v[:2]} {SHORT[d.month - 1]} {d.year}"]]
    if field == "iban":  # printed in groups of four
        return [[v], [" ".join(v[i:i + 4] for i in range(0, len(v), 4))]]
    m = re.fullmatch(r"(.*?) (\d.*)", v) if field == "strasse" else None
    return [[v], [m[1], m[2]]] if m else [[v]]


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s).casefold()


def test_truth_names_the_files_and_is_on_their_pages(made):
    out, truth = made
    prof = tomllib.loads((ROOT / "profiles" / "landkreis.toml").read_text("utf-8"))
    assert sorted(truth) == sorted(p.stem for p in out.glob("*.pdf")) and len(truth) == 9
    assert {t["layout"] for t in truth.values()} <= LAYOUTS
    for key, rec in truth.items():
        assert set(rec["fields"]) <= set(prof["doctypes"][rec["type"]]["fields"]) | PERSONAL, key
        pdf = pdfium.PdfDocument(out / f"{key}.pdf")
        flat = _flat(" ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
        for f, v in rec["fields"].items():
            assert any(all(_flat(p) in flat for p in parts) for parts in _forms(f, v)), (key, f, v)
        if rec["type"] == "masern_meldung":  # a child has no telephone or e-mail of its own
            assert "telefon" not in rec["fields"] and "email" not in rec["fields"]


def test_all_layouts_same_bytes_and_bad_arguments(tmp_path, made):
    out, _ = made
    r = _make(tmp_path / "b", "--per-type", "3", "--seed", "2", "--types", "bauantrag,eingliederungshilfe")
    assert r.returncode == 0, r.stderr
    both = json.loads((tmp_path / "b" / "truth.json").read_text("utf-8"))
    again = json.loads((out / "truth.json").read_text("utf-8"))
    assert {t["layout"] for t in [*both.values(), *again.values()]} == LAYOUTS
    r2 = _make(tmp_path / "c", "--per-type", "3", "--seed", "2", "--types", "bauantrag,eingliederungshilfe")
    assert r2.returncode == 0, r2.stderr
    for p in (tmp_path / "b").glob("*.pdf"):
        assert p.read_bytes() == (tmp_path / "c" / p.name).read_bytes(), p.name
    assert _make(tmp_path / "d", "--types", "nope").returncode == 2
    assert _make(tmp_path / "d", "--per-type", "0").returncode == 2
    assert _make(tmp_path / "d", "--born", "--scans").returncode == 2
