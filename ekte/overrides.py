"""``-o KEY=VALUE``: override a profile setting from the command line.

A mistyped key is blamed on the override (not on the profile file) with
the closest valid key suggested; a value that does not parse says so in
plain words (``-o classify.threshold=0,9`` → "expects a number such as
0.9")."""

from __future__ import annotations

import copy
import difflib
import tomllib
import typing
from typing import Any

from pydantic import BaseModel

from ekte.errors import ConfigError


def parse_override(item: str) -> tuple[list[str], Any]:
    if "=" not in item:
        raise ConfigError(f"override '{item}' is not KEY=VALUE")
    key, value = item.split("=", 1)
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise ConfigError(f"override '{item}': empty key")
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value  # plain string
    return key.split("."), parsed


def _model_of(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def leaf_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every dotted key of *model* that takes a value (free-form tables end the path)."""
    out = []
    for name, f in model.model_fields.items():
        sub = _model_of(f.annotation)
        out += leaf_keys(sub, f"{prefix}{name}.") if sub else [f"{prefix}{name}"]
    return out


def _suggest(root: type[BaseModel], keys: list[str], level: list[str]) -> str:
    wrong = ".".join(keys)
    near = difflib.get_close_matches(keys[-1], level, n=1, cutoff=0.6)
    if near:
        return ".".join(keys[:-1] + near)
    paths = leaf_keys(root)
    near = difflib.get_close_matches(wrong, paths, n=1, cutoff=0.6)
    if near:
        return near[0]
    last = [p for p in paths if p.rsplit(".", 1)[-1] == keys[-1]]
    return last[0] if len(last) == 1 else ""


def check_key(root: type[BaseModel], keys: list[str], item: str) -> None:
    """Is *keys* a setting of *root* (the Profile)?  Free-form tables
    (``connectors.*``, ``plugins.*``, …) are checked by their owners."""
    model: type[BaseModel] | None = root
    i = 0
    while i < len(keys) and model is not None:
        fields = model.model_fields
        k = keys[i]
        if k not in fields:
            hint = _suggest(root, keys[: i + 1], list(fields))
            raise ConfigError(f"-o {item}: {'.'.join(keys[: i + 1])}: unknown key"
                              + (f" (did you mean {hint}?)" if hint else ""))
        ann = fields[k].annotation
        sub = _model_of(ann)
        if sub is None and typing.get_origin(ann) is dict:
            args = typing.get_args(ann)
            sub = _model_of(args[1]) if len(args) == 2 else None
            if sub is None:
                return  # a free-form table
            i += 1  # the entry's own name (a doctype), then its settings
        elif sub is None and i < len(keys) - 1:
            raise ConfigError(f"-o {item}: {'.'.join(keys[: i + 1])} is a setting, not a table")
        model = sub
        i += 1


def apply_overrides(raw: dict[str, Any], overrides: list[str], root: type[BaseModel] | None = None) -> dict[str, Any]:
    raw = copy.deepcopy(raw)
    for item in overrides:
        keys, value = parse_override(item)
        if root is not None:
            check_key(root, keys, item)
        node = raw
        for k in keys[:-1]:
            nxt = node.setdefault(k, {})
            if not isinstance(nxt, dict):
                raise ConfigError(f"-o {item}: '{k}' is not a table")
            node = nxt
        node[keys[-1]] = value
    return raw


_PLAIN = {
    "float_parsing": "expects a number such as {example}", "float_type": "expects a number such as {example}",
    "int_parsing": "expects a whole number such as {example}", "int_type": "expects a whole number such as {example}",
    "int_from_float": "expects a whole number such as {example}",
    "bool_parsing": "expects true or false", "bool_type": "expects true or false",
    "list_type": 'expects a list such as ["a", "b"]', "dict_type": "expects a table",
    "string_type": 'expects text (in quotes: -o key="text")',
}


def _example(value: Any, default: Any, kind: str) -> str:
    if isinstance(value, str):
        v = value.strip().replace(",", ".")
        try:
            return str(int(v)) if kind.startswith("int") else str(float(v))
        except ValueError:
            pass
    if isinstance(default, (int, float)) and not isinstance(default, bool) and default:
        return str(default)
    return "2" if kind.startswith("int") else "0.5"


def _default_at(root: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    model: Any = root
    default = None
    for k in loc:
        f = getattr(model, "model_fields", {}).get(k)
        if f is None:
            return default
        default, model = f.default, _model_of(f.annotation)
    return default


def override_error(root: type[BaseModel], err: dict[str, Any], overrides: list[str]) -> str | None:
    """A validation error in plain words, blamed on the override that set
    the value — or None when no override did."""
    loc = tuple(str(x) for x in err["loc"])
    for item in reversed(overrides):
        try:
            keys, value = parse_override(item)
        except ConfigError:
            continue
        if tuple(keys) != loc[: len(keys)]:
            continue
        kind = err["type"]
        if kind in _PLAIN:
            msg = _PLAIN[kind].format(example=_example(value, _default_at(root, loc), kind))
        else:
            msg = err["msg"].replace("Input should be", "must be").replace("Value error, ", "")
        return f"-o {item}: {'.'.join(loc)} {msg}"
    return None
