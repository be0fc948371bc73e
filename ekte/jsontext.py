"""ekte's indented JSON text — ``metadata.json``, ``reason.json`` and the
other files :func:`ekte.fsutil.write_json` writes, and ``ekte ingest
--json`` — made by orjson (issue 12): the standard library writes indented
JSON with its pure-Python encoder (≈ 0.3 ms CPU for a 5 KB
``metadata.json``, ≈ 7 µs with orjson; the ``--json`` output as much again
per document, in thousands of small writes).

The text is that of ``json.dumps(obj, ensure_ascii=False, indent=2)``, byte
for byte: orjson is used only for an object made of what both write alike
— dicts with string keys, lists, tuples, strings, ints, bools, None and
floats that Python writes without an exponent below 1 (0, or at least
1e-4: orjson writes 1e-05 as ``0.00001``) and finite (NaN and Infinity
orjson writes as ``null``).  Anything else (another type, a string that is
not valid Unicode, an int orjson cannot hold) is written by the standard
library, as before, errors included (tests/test_jsontext.py)."""

from __future__ import annotations

import json
import math
from typing import IO, Any

#: nesting beyond which the standard library decides (orjson's own limit is 254; a cycle never ends)
_MAX_DEPTH = 200


def _alike(o: Any, depth: int = 0) -> bool:
    """Whether orjson writes *o* exactly as ``json.dumps`` does."""
    t = type(o)
    if t is str or t is bool or o is None or t is int:
        return True
    if t is float:
        return o == 0.0 or (math.isfinite(o) and abs(o) >= 1e-4)
    if depth >= _MAX_DEPTH:
        return False
    if t is dict:
        return all(type(k) is str and _alike(v, depth + 1) for k, v in o.items())
    if t is list or t is tuple:
        return all(_alike(v, depth + 1) for v in o)
    return False  # (a str or int subclass, an Enum: the standard library, whatever it does with it)


def dumps(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2)``: the same text."""
    if _alike(obj):
        import orjson  # (the first JSON file a process writes: ≈ 7 ms CPU, not at start-up)

        try:
            return orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode("utf-8")
        except TypeError:  # (orjson.JSONEncodeError: an int beyond 64 bits, a lone surrogate)
            pass
    return json.dumps(obj, ensure_ascii=False, indent=2)


def _nested(text: str, level: int) -> str:
    """*text* (indented JSON) as a value *level* levels deep: a string in
    JSON never holds a line break, so each one starts a line to indent."""
    return text.replace("\n", "\n" + "  " * level) if level else text


def write(fp: IO[str], obj: dict[str, Any]) -> None:
    """``json.dump(obj, fp, ensure_ascii=False, indent=2)``: the same text,
    for a dict whose values may include a list subclass read one item at a
    time (``len`` and iteration: :class:`ekte.pipeline.results._Streamed`)
    — written item by item, so its items are never all in memory."""
    if not obj or any(type(k) is not str for k in obj):
        json.dump(obj, fp, ensure_ascii=False, indent=2)
        return
    for i, (k, v) in enumerate(obj.items()):
        fp.write(("{\n  " if i == 0 else ",\n  ") + dumps(k) + ": ")
        if isinstance(v, list) and type(v) is not list:
            _write_items(fp, v)
        else:
            fp.write(_nested(dumps(v), 1))
    fp.write("\n}")


def _write_items(fp: IO[str], items: list[Any]) -> None:
    if not items:  # (json.dump asks its truthiness)
        fp.write("[]")
        return
    for i, item in enumerate(items):
        fp.write(("[\n    " if i == 0 else ",\n    ") + _nested(dumps(item), 2))
    fp.write("\n  ]")
