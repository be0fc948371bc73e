"""ekte.jsontext: the text of ``json.dumps(obj, ensure_ascii=False, indent=2)``, byte for byte, whether orjson or
the standard library made it (issue 12: metadata.json and ``--json`` through orjson)."""

from __future__ import annotations

import enum
import io
import json
import random
import sys

import pytest

from ekte import fsutil, jsontext
from ekte.model import Classification, Document, Field, Status
from ekte.pipeline.results import _Streamed


def _std(obj):
    return json.dumps(obj, ensure_ascii=False, indent=2)


def _metadata() -> dict:
    doc = Document(sha256="ab" * 32, source="in/Müller, Jana – Antrag.pdf", size=13560, media_type="application/pdf")
    doc.pages = 2
    doc.classification = Classification("bauantrag", 0.84391234, [], "rules")
    doc.fields = {"nachname": Field("Müller", 0.995, 1, (255, 261), "label"),
                  "plz": Field("50956", 1.0, 1, None, "pattern")}
    doc.ocr = {"engine": "tesseract", "route": "pikepdf-pdfa", "ocr_pages": [], "seconds": 0.034,
               "geometry": {"pages": [{"skew_degrees": 0.00004, "orientation": 0, "turned": False}]}}
    doc.archival = {"format": "PDF/A-2B", "attempts": [{"route": "pikepdf-pdfa", "result": "ok"}],
                    "files": {"document.pdf": "cd" * 32}, "audit": {"seq": 3008, "time": "2026-12-01T15:37:46+00:00"}}
    doc.warnings = ["no text found on page(s) 2", 'a "quoted"\tline\\ \x00\x1f\x7f \u2028 €😀']
    doc.log("archive", "archived", "format=PDF/A-2B")
    doc.extra["provenance"] = {"system": "separate", "pages": [1, 2], "part": 1, "parts": 1, "separator": None}
    return doc.metadata_dict()


def test_metadata_json_is_the_standard_librarys_text():
    meta = _metadata()
    assert "0.00004" not in fsutil.json_text(meta)  # (a float Python writes as 4e-05: the standard library's)
    meta["ocr"]["geometry"]["pages"][0]["skew_degrees"] = 0.25
    assert jsontext._alike(meta)  # orjson writes this one
    assert fsutil.json_text(meta) == _std(meta) + "\n"
    assert json.loads(fsutil.json_text(meta)) == json.loads(_std(meta))


@pytest.mark.parametrize("value", [
    1e-05, 4e-05, 1.5e-07, 5e-324, -2e-05, float("nan"), float("inf"), -float("inf"),  # where orjson differs
    0.0, -0.0, 0.0001, 0.30000000000000004, 1e15, 9999999999999998.0, 1e16, 1.2345678901234568e17, 1e22,
    1.7976931348623157e308, 2 ** 63, -2 ** 63, 2 ** 64 - 1, 2 ** 64, -2 ** 63 - 1, 10 ** 30,  # orjson: up to 64 bits
    True, False, None, "", "\ud800", "x\u2028y", (1, "2"), [], {}, [{}], {"": []},
    Status.ARCHIVED, {1: "int key"}, {True: 1, None: 2, 2.5: 3},
])
def test_every_kind_of_value_as_the_standard_library_writes_it(value):
    obj = {"v": value, "nested": [value, {"w": value}]}
    try:
        want = _std(obj)
    except (TypeError, ValueError) as e:
        with pytest.raises(type(e)):
            jsontext.dumps(obj)
        return
    assert jsontext.dumps(obj) == want


def test_floats_at_random_magnitudes():
    rnd = random.Random(12)
    values = [rnd.uniform(0, 1) * 10 ** rnd.randint(-12, 24) * rnd.choice((1, -1)) for _ in range(20000)]
    values += [round(v, n) for v in values[:2000] for n in (1, 3, 4, 6)]
    assert jsontext.dumps(values) == _std(values)


def test_what_neither_writes_raises_as_before():
    class Other(enum.Enum):
        A = 1

    for bad in ({"when": __import__("datetime").date(2026, 1, 1)}, {"e": Other.A}, {"b": b"x"}):
        with pytest.raises(TypeError):  # (orjson would write a date and an Enum: not ekte's text before)
            jsontext.dumps(bad)
    cycle: list = []
    cycle.append(cycle)
    with pytest.raises((ValueError, RecursionError)):
        jsontext.dumps(cycle)
    deep: list = []
    for _ in range(300):  # deeper than orjson goes: the standard library writes it
        deep = [deep]
    assert jsontext.dumps(deep) == _std(deep)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_written_item_by_item_is_the_same_text(n):
    items = [_metadata() for _ in range(n)]
    read = []

    def each():
        for it in items:
            read.append(it)
            yield it

    obj = {"version": 1, "documents": _Streamed(n, each()), "summary": {"total": n, "by": {}}, "pending": []}
    buf = io.StringIO()
    jsontext.write(buf, obj)
    assert buf.getvalue() == _std({**obj, "documents": items}) and len(read) == n
    for odd in ({}, {1: "x"}):  # no key, or one json.dump turns into a string
        buf = io.StringIO()
        jsontext.write(buf, odd)
        assert buf.getvalue() == _std(odd)


def test_orjson_is_not_imported_at_start_up():
    import subprocess

    code = "import ekte.fsutil, ekte.pipeline.results, sys; print('orjson' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
