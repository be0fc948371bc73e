"""samples/family3 (the development/calibration family of issue 10): the generator runs, its
truth matches its files and is right (every truth value is in the born-digital PDF's text in a
form German documents write it), a seed gives the same bytes, scans are image-only 300-dpi PDFs.
About a minute: it renders and scans 9 + 4 documents."""

import ast
import datetime as dt
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parents[1]
F3 = ROOT / "samples" / "family3"
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
          "Dezember"]
SHORT = ["Jan", "Feb", "Mrz", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]


def _make(out: Path, *args: str) -> dict:
    r = subprocess.run([sys.executable, str(F3 / "make.py"), str(out), *args], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads((out / "truth.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def one_each(tmp_path_factory):
    out = tmp_path_factory.mktemp("f3")
    return out, _make(out, "--per-type", "1", "--seed", "7")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s).casefold()


def _date_forms(v: str) -> list[str]:
    d = dt.datetime.strptime(v, "%d.%m.%Y").date()
    m = d.month - 1
    return [v, f"{d.day}.{d.month}.{d.year}", f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}", d.isoformat(),
            f"{d.day}. {MONTHS[m]} {d.year}", f"{d.day:02d}. {MONTHS[m][:3]}. {d.year}", f"{d.day:02d}. {SHORT[m]}. {d.year}",
            f"{d.day:02d}. {MONTHS[m][:4]}. {d.year}", f"{d.day:02d}. {MONTHS[m]} {d.year}"]


def _written_forms(field: str, v: str) -> list[str]:
    """The ways a document may write truth value *v* (the test's own list)."""
    if field in ("geburtsdatum", "antragsdatum", "eingangsdatum"):
        return _date_forms(v)
    if field == "betrag_eur":
        return [v, v.replace(".", "")]
    return [v]


def _text(pdf: Path) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01, or its module fixture); make test-slow runs it, CI too
def test_truth_matches_files_and_profile(one_each):
    out, truth = one_each
    files = {p.name[:-4] for p in out.glob("*.pdf")}
    assert files == set(truth)
    profile = tomllib.loads((ROOT / "profiles" / "landkreis.toml").read_text("utf-8"))["doctypes"]
    assert {t["type"] for t in truth.values()} == set(profile)
    for key, t in truth.items():
        # the profile's fields, the received stamp, the contact of the person whose values count
        # and, for sonstiges, the private sender (README: "Whose values are the truth")
        allowed = set(profile[t["type"]]["fields"]) | {"eingangsdatum", "telefon", "email"}
        if t["type"] == "sonstiges":
            allowed |= {"vorname", "nachname", "strasse", "plz", "ort"}
        assert set(t["fields"]) <= allowed, (key, set(t["fields"]) - allowed)
        assert "antragsdatum" in t["fields"]
        assert t["format"] == ("scan-pdf" if key.endswith(".scan") else "pdf")
        for f, v in t["fields"].items():
            if f.endswith("datum"):
                assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", v), (key, f, v)
        if "iban" in t["fields"]:
            assert re.fullmatch(r"DE\d{20}", t["fields"]["iban"])
    # ids say nothing about the type: the order of types over the ids is not grouped
    order = [truth[k]["type"] for k in sorted(k for k in truth if not k.endswith(".scan"))]
    assert order != sorted(order)
    assert len({t["layout"] for t in truth.values()}) == 5


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01, or its module fixture); make test-slow runs it, CI too
def test_truth_values_are_in_the_born_digital_text(one_each):
    out, truth = one_each
    for key, t in truth.items():
        if key.endswith(".scan"):
            continue
        text = _squash(_text(out / f"{key}.pdf"))
        for field, v in t["fields"].items():
            forms = _written_forms(field, v)
            if field in ("iban", "strasse"):
                ok = all(_squash(tok) in text for tok in v.split()) if field == "strasse" else _squash(v) in text
            else:
                ok = any(_squash(f) in text for f in forms)
            assert ok, (key, t["layout"], field, v)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01, or its module fixture); make test-slow runs it, CI too
def test_scans_are_image_only_300_dpi(one_each):
    out, truth = one_each
    for key in (k for k in truth if k.endswith(".scan")):
        assert _text(out / f"{key}.pdf").strip() == ""
        with pikepdf.open(out / f"{key}.pdf") as pdf:
            page = pdf.pages[0]
            img = next(iter(page.get_images().values()))
            width_in = float(page.mediabox[2]) / 72
            height_in = float(page.mediabox[3]) / 72
            dpi = max(int(img.Width), int(img.Height)) / max(width_in, height_in)
            assert 295 <= dpi <= 305, (key, dpi)


def _by_content(out: Path, truth: dict) -> dict:
    return {(t["type"], t["format"], json.dumps(t["fields"], sort_keys=True)): (out / f"{k}.pdf").read_bytes()
            for k, t in truth.items()}


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01, or its module fixture); make test-slow runs it, CI too
def test_same_seed_same_bytes_other_seed_other_values(one_each, tmp_path):
    out, truth = one_each
    again = _make(tmp_path / "a", "--per-type", "1", "--seed", "7", "--types", "bauantrag,masern_meldung")
    first = _by_content(out, truth)
    for k, v in _by_content(tmp_path / "a", again).items():
        assert first[k] == v, k
    other = _make(tmp_path / "b", "--per-type", "1", "--seed", "8", "--born", "--types", "bauantrag")
    assert all(t["format"] == "pdf" for t in other.values())
    assert not set(_by_content(tmp_path / "b", other)) & set(first)


def test_bad_arguments_exit_2(tmp_path):
    r = subprocess.run([sys.executable, str(F3 / "make.py"), str(tmp_path), "--types", "nope"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "nope" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("path", sorted(F3.glob("*.py")), ids=lambda p: p.name)
def test_module_and_function_size(path):
    src = path.read_text()
    assert len(src.splitlines()) <= 400
    for fn in ast.walk(ast.parse(src)):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert fn.end_lineno - fn.lineno + 1 <= 60, fn.name


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01, or its module fixture); make test-slow runs it, CI too
def test_bylayout_scores_each_layout(one_each, tmp_path):
    out, truth = one_each
    born = {k: t for k, t in truth.items() if not k.endswith(".scan")}
    for k in born:
        (tmp_path / f"{k}.pdf").write_bytes((out / f"{k}.pdf").read_bytes())
    (tmp_path / "truth.json").write_text(json.dumps(born), "utf-8")
    r = subprocess.run([sys.executable, str(F3 / "bylayout.py"), str(tmp_path), str(tmp_path / "work")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    rows = {" ".join(ln.split()[:-6]): ln.split()[-6:] for ln in r.stdout.splitlines()[1:]}
    layouts = {f"layout {lay}" for lay in ("fachverfahren", "ankreuz", "portal", "fax", "brief")}
    assert layouts <= set(rows) and rows["all"][0] == "9"
    assert sum(int(rows[g][0]) for g in layouts) == 9
    assert all(0.0 <= float(v[4]) <= 1.0 for v in rows.values())  # F1
