"""The JSON API's 422 for a request that does not fit its model (pydantic's
checks: lengths, types, ranges, unknown keys, the channel's form) in the
reader's language, one line per field — the same shape as the refused
values of the review and the intake (``{"detail", "errors": [{"field",
"message"}]}``; ``loc`` kept beside for scripts written against it).

pydantic's own English (``String should have at most 200 characters``) is
not passed on: each error type has a message id here; one not known here is
said in general words.  The value a caller sent is never quoted (it may be
personal data; it is the caller's own anyway)."""

from __future__ import annotations

import re
from typing import Any, Iterable

from ekte.serve.i18n import N_, gettext_for

#: pydantic's error types (``e["type"]``) → message id, formatted with the error's ``ctx``
MESSAGES = {
    "string_too_long": N_("at most {max_length} characters"),
    "string_too_short": N_("at least {min_length} characters"),
    "too_long": N_("at most {max_length} entries"),
    "too_short": N_("at least {min_length} entries"),
    "string_type": N_("a text is expected"),
    "string_pattern_mismatch": N_("not in the expected form (lower-case letters, digits, - and _)"),
    "int_type": N_("a whole number is expected"), "int_parsing": N_("a whole number is expected"),
    "int_from_float": N_("a whole number is expected"),
    "float_type": N_("a number is expected"), "float_parsing": N_("a number is expected"),
    "bool_type": N_("true or false is expected"), "bool_parsing": N_("true or false is expected"),
    "greater_than_equal": N_("at least {ge}"), "less_than_equal": N_("at most {le}"),
    "greater_than": N_("more than {gt}"), "less_than": N_("less than {lt}"),
    "literal_error": N_("one of: {expected}"), "enum": N_("one of: {expected}"),
    "missing": N_("required"), "extra_forbidden": N_("not a known key"),
    "dict_type": N_("an object is expected"), "model_type": N_("an object is expected"),
    "model_attributes_type": N_("an object is expected"), "list_type": N_("a list is expected"),
    "json_invalid": N_("not valid JSON"), "json_type": N_("not valid JSON"),
}
GENERAL = N_("this value is not taken here")
#: every branch of a union refused the value (e.g. ``fields.x`` given as a list)
NO_KIND = N_("a value of another kind is expected (a text or a number)")
INVALID = N_("The request does not fit: {fields}.")
#: where FastAPI found a value (dropped from the field's name); pydantic's union branches (dropped too)
_PLACES = {"body", "query", "path", "header", "cookie"}
_BRANCH = re.compile(r"[a-z_-]+\[.*\]|str|int|float|bool|FieldValue")


def field_name(loc: Iterable[Any]) -> str:
    """``('body', 'fields', 'x', 'str')`` → ``fields.x`` (places and union branches dropped)."""
    whole = [str(p) for p in loc]
    parts = whole[1:] if whole and whole[0] in _PLACES else whole
    # nothing left: the place itself is missing (a POST without a body: "body", not ": erforderlich", fresh31)
    return ".".join(p for i, p in enumerate(parts) if not (i and _BRANCH.fullmatch(p))) or ".".join(whole)


def _value(v: Any, lang: str) -> Any:
    """A limit of the error's context as the reader writes it (1 not 1.0; 0,5 in German)."""
    if isinstance(v, (list, tuple)):
        return ", ".join(str(_value(x, lang)) for x in v)
    if isinstance(v, float):
        return int(v) if v.is_integer() else (str(v).replace(".", ",") if lang == "de" else v)
    return v


def _message(e: dict[str, Any], lang: str) -> str:
    tr = gettext_for(lang)
    msgid = MESSAGES.get(str(e.get("type", "")), GENERAL)
    ctx = {k: _value(v, lang) for k, v in (e.get("ctx") or {}).items()}
    try:
        return tr(msgid).format(**ctx)
    except (KeyError, IndexError, ValueError):
        return tr(GENERAL)


def field_errors(errors: Iterable[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """One ``{"field", "message", "loc"}`` per field of pydantic's *errors*: of a union's branches, the one that
    went deeper (an object's ``value`` too long) is said; when every branch refused the value's kind, that."""
    tr = gettext_for(lang)
    groups: dict[str, list[dict[str, Any]]] = {}
    for e in errors:
        groups.setdefault(field_name(e.get("loc", ())), []).append(e)
    deeper = [f for f in groups if any(g.startswith(f + ".") for g in groups if g != f)]
    out = []
    for name, es in groups.items():
        if name in deeper:
            continue
        message = _message(es[0], lang) if len(es) == 1 else tr(NO_KIND)
        out.append({"field": name, "message": message, "loc": list(es[0].get("loc", ()))})
    return out


def answer(errors: Iterable[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The 422's body: a one-line ``detail`` naming every field, and ``errors``."""
    fields = field_errors(errors, lang)
    detail = gettext_for(lang)(INVALID).format(fields="; ".join(f"{f['field']}: {f['message']}" for f in fields))
    return {"detail": detail, "errors": fields}
