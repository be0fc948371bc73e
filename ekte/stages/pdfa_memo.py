"""The key under which a dictionary found valid by pikepdf's PDF/A validator
is remembered (:func:`ekte.stages.pdfa._remember_valid_dictionaries`).

The validator checks each object's shallow JSON encoding against its role's
JSON schema.  Found valid once, the same encoding is valid again — but the
encodings of a content stream, a font program, the trailer or the document
information differ in every document (``/Length``, ``/ID``, dates), so they
were checked every time (seven schema checks per one-page document, 2 ms).
Here a value is replaced by a representative when the role's schema
constrains it by nothing but its kind, read from the schema itself:

* anything (``true``) → ``None``;
* an integer (``{"type": "integer"}``, or ``number``) and the value an
  integer → ``0``; a number only and the value a float → ``0.0``;
* text (``{"type": "string", "pattern": "^[ub]:"}``) and the value starts
  with ``u:`` or ``b:`` → those two characters (the pattern tests no more);
* an array with only ``minItems``/``maxItems`` and text items → the same
  number of representatives.

Every other value stays as it is, and a role whose schema uses any keyword
besides ``type``, ``properties``, ``allOf``, ``$ref``, ``required``,
``additionalProperties`` (``false``, or a schema that then only applies to
unlisted keys, which stay as they are) and annotations is keyed by its
encoding unchanged.  Whether the schema accepts the object does not change
by the replacement (the kind of each replaced value, the prefix of text,
the length of an array and the set of keys are kept), so the verdict
remembered for the key is the verdict for the object."""

from __future__ import annotations

import json
import math
import re
from typing import Any, Callable

#: keywords of an object schema the plan understands (annotations: ``x-*``, ``$comment``)
_OBJECT_KEYWORDS = frozenset({"type", "properties", "allOf", "$ref", "required", "additionalProperties"})
#: what stands in for a value its schema accepts (only ever a memo key: nothing validates it)
ACCEPTED = "\x00accepted"

#: (id of the schema set, role) → {key: tests of its value} or None (the role is keyed unchanged)
_PLANS: dict[tuple[int, str], dict[str, tuple] | None] = {}


def _plain(node: dict, *allowed: str) -> bool:
    return all(k in allowed or k.startswith("x-") or k == "$comment" for k in node)


def _is_number(v: Any) -> bool:
    return type(v) is int or (type(v) is float and math.isfinite(v))


#: each JSON type as a test at least as strict as jsonschema's (no bool is a number, no 1.0 an integer)
_TYPES: dict[str, Callable[[Any], bool]] = {
    "integer": lambda v: type(v) is int, "number": _is_number, "string": lambda v: type(v) is str,
    "array": lambda v: type(v) is list, "object": lambda v: type(v) is dict,
}


def _test(node: Any, resolver: Any, depth: int = 0) -> Callable[[Any], bool] | None:
    """A test that holds for a value only if *node* accepts it (None: a
    schema with other keywords, never replaced): ``true``, ``$ref``, one
    ``type`` with ``pattern`` (strings) or ``items``/``minItems``/``maxItems``
    (arrays), ``anyOf`` of such."""
    if node is True:
        return lambda v: True
    if not isinstance(node, dict) or depth > 8:
        return None
    if "$ref" in node:
        if not _plain(node, "$ref"):
            return None
        sub = resolver.lookup(node["$ref"])
        return _test(sub.contents, sub.resolver, depth + 1)
    if "anyOf" in node:
        tests = [_test(n, resolver, depth + 1) for n in node["anyOf"]] if _plain(node, "anyOf") else [None]
        return None if None in tests else (lambda v: any(t(v) for t in tests))
    kind = _TYPES.get(node.get("type"))  # type: ignore[arg-type]
    if kind is None:
        return None
    if node["type"] == "string" and _plain(node, "type", "pattern"):
        rx = re.compile(node.get("pattern", ""))
        return lambda v: kind(v) and rx.search(v) is not None
    if node["type"] == "array" and _plain(node, "type", "items", "minItems", "maxItems"):
        each = _test(node.get("items", True), resolver, depth + 1)
        lo, hi = node.get("minItems", 0), node.get("maxItems", math.inf)
        return None if each is None else (lambda v: kind(v) and lo <= len(v) <= hi and all(each(x) for x in v))
    return kind if _plain(node, "type") else None


def plan(schemas: Any, role: str) -> dict[str, tuple] | None:
    """{key: the tests of its value, one per schema that lists it} for *role*, or None."""
    cache_key = (id(schemas), role)
    if cache_key in _PLANS:
        return _PLANS[cache_key]
    per_key: dict[str, list] = {}
    open_nodes: list[dict] = []  # nodes with a schema for the keys they do not list

    def gather(node: Any, resolver: Any, depth: int) -> bool:
        if node is True:
            return True
        if not isinstance(node, dict) or depth > 16 or not _plain(node, *_OBJECT_KEYWORDS):
            return False
        if "$ref" in node:
            sub = resolver.lookup(node["$ref"])
            if not gather(sub.contents, sub.resolver, depth + 1):
                return False
        if not all(gather(item, resolver, depth + 1) for item in node.get("allOf", [])):
            return False
        if node.get("additionalProperties", False) is not False:
            open_nodes.append(node)
        for k, sub in (node.get("properties") or {}).items():
            per_key.setdefault(k, []).append(_test(sub, resolver))
        return True

    try:
        resolved = schemas._registry.resolver().lookup(schemas._role_uri(role))  # noqa: SLF001
        ok = gather(resolved.contents, resolved.resolver, 0)
    except Exception:  # noqa: BLE001 - another pikepdf: keyed unchanged
        ok = False
    result = None
    if ok:
        result = {k: tuple(tests) for k, tests in per_key.items()
                  if None not in tests and all(k in (n.get("properties") or {}) for n in open_nodes)}
    _PLANS[cache_key] = result
    return result


def _stand_in(value: Any, tests: tuple) -> Any:
    try:
        return ACCEPTED if all(t(value) for t in tests) else value
    except (TypeError, ValueError):
        return value


def key(schemas: Any, role: str, shallow: Any) -> str:
    """Canonical JSON of *shallow* with each value its role's schema accepts
    by kind alone replaced by :data:`ACCEPTED`."""
    p = plan(schemas, role) if isinstance(shallow, dict) else None
    if p:
        shallow = {k: _stand_in(v, p[k]) if k in p else v for k, v in shallow.items()}
    return json.dumps(shallow, sort_keys=True, allow_nan=False)
