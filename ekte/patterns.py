"""Regular expressions from profiles in bounded time.

Profile and label patterns are written by administrators and run on text
from outside; a pattern like ``(a+)+$`` takes exponential time in a
backtracking engine on the wrong text.  :func:`compile` therefore uses
RE2 (google-re2: linear time in the length of the text, whatever the
pattern) where the pattern's syntax allows it, and otherwise (back
references, look-around, ``\\b``) the ``regex`` module with a time limit
per search (:data:`TIME_LIMIT`); a search over the limit counts as no
match and is logged (by pattern number, never the text).

Python's ``\\w``, ``\\d`` and ``\\s`` are Unicode-aware, RE2's are ASCII;
they are rewritten to Unicode classes (``\\w`` → ``[\\p{L}\\p{N}_]``) so
that "Müller" is still one word.  ``\\b`` has no Unicode form in RE2: such
patterns run with ``regex`` (time-limited).

:func:`risks` finds what could backtrack catastrophically (a quantifier
over something that is itself repeated, or over alternatives that can
match the same text) — ``ekte profiles check`` names such patterns."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Iterator

log = logging.getLogger("ekte.patterns")

#: seconds one search of a pattern RE2 cannot run may take
TIME_LIMIT = 0.05
_CLASS_OUT = {"w": r"[\p{L}\p{N}_]", "W": r"[^\p{L}\p{N}_]", "d": r"\p{Nd}", "D": r"\P{Nd}",
              "s": r"[\s\x{0B}\x{85}\x{A0}\p{Z}]", "S": r"[^\s\x{0B}\x{85}\x{A0}\p{Z}]"}
_CLASS_IN = {"w": r"\p{L}\p{N}_", "d": r"\p{Nd}", "s": r"\s\x{0B}\x{85}\x{A0}\p{Z}"}


class PatternTimeout(Exception):
    pass


def to_re2(pattern: str) -> str | None:
    """*pattern* with Python's Unicode classes spelled for RE2, or None
    when it uses what RE2 cannot mean the same way (``\\b``, a negated class
    inside brackets)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            e = pattern[i + 1]
            if e in "bBAZ" and not in_class:
                return None
            if in_class and e in _CLASS_IN:
                out.append(_CLASS_IN[e])
            elif in_class and e in "WDS":
                return None
            elif not in_class and e in _CLASS_OUT:
                out.append(_CLASS_OUT[e])
            else:
                out.append(c + e)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
            out.append(c)
            if pattern[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1:i + 2] == "]":
                out.append("\\]")
                i += 1
        elif c == "]" and in_class:
            in_class = False
            out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


@dataclass
class Bounded:
    """A compiled pattern with the ``re`` methods the stages use."""

    pattern: str
    engine: str  # "re2" | "regex"
    compiled: Any

    def _kw(self) -> dict[str, Any]:
        return {"timeout": TIME_LIMIT} if self.engine == "regex" else {}

    def _guard(self, fn: Any, *a: Any) -> Any:
        try:
            return fn(*a, **self._kw())
        except TimeoutError:
            log.warning("a profile pattern (%s engine) took longer than %.0f ms on a document; taken as no match",
                        self.engine, TIME_LIMIT * 1000)
            return None

    def search(self, text: str, pos: int = 0) -> Any:
        return self._guard(self.compiled.search, text, pos)

    def match(self, text: str, pos: int = 0) -> Any:
        return self._guard(self.compiled.match, text, pos)

    def fullmatch(self, text: str, pos: int = 0) -> Any:
        return self._guard(self.compiled.fullmatch, text, pos)

    def finditer(self, text: str, pos: int = 0) -> Iterator[Any]:
        got = self._guard(lambda t, p, **kw: list(self.compiled.finditer(t, p, **kw)), text, pos)
        return iter(got or [])

    def findall(self, text: str) -> list[Any]:
        return [m.group(0) if not m.groups() else (m.groups() if len(m.groups()) > 1 else m.group(1))
                for m in self.finditer(text)]


def _re2(pattern: str, flags: int) -> Any | None:
    try:
        import re2
    except ImportError:  # pragma: no cover - pinned in requirements.lock
        return None
    translated = to_re2(pattern)
    if translated is None:
        return None
    opts = re2.Options()
    opts.log_errors = False
    opts.case_sensitive = not flags & re.IGNORECASE
    opts.never_nl = False
    opts.dot_nl = bool(flags & re.DOTALL)
    opts.max_mem = 32 << 20
    prefix = "(?m)" if flags & re.MULTILINE else ""
    try:
        return re2.compile(prefix + translated, opts)
    except Exception:  # noqa: BLE001 - re2.error: syntax RE2 does not have (back references, look-around)
        return None


def compile(pattern: str, flags: int = 0) -> Bounded:  # noqa: A001 - the re spelling on purpose
    """*pattern* in bounded time (re.error for a pattern that is invalid)."""
    re.compile(pattern, flags)  # the profile's syntax is Python's: invalid ones are refused as before
    c = _re2(pattern, flags)
    if c is not None:
        return Bounded(pattern, "re2", c)
    import regex

    return Bounded(pattern, "regex", regex.compile(pattern, flags | regex.VERSION0))


def engine(pattern: str, flags: int = re.IGNORECASE) -> str:
    return compile(pattern, flags).engine


# -- what could backtrack catastrophically --------------------------------------------------

def _parse(pattern: str) -> Any:
    try:
        import re._parser as sre_parse  # Python ≥ 3.11
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore[no-redef]
    return sre_parse.parse(pattern)


def _repeats(sub: Any) -> Iterator[tuple[Any, Any]]:
    """Every (op, argument) in a parsed pattern, recursively."""
    for op, av in sub:
        yield op, av
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            yield from _repeats(av[2])
        elif name == "SUBPATTERN":
            yield from _repeats(av[-1])
        elif name in ("BRANCH",):
            for b in av[1]:
                yield from _repeats(b)
        elif name in ("ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"):
            yield from _repeats(av[-1] if isinstance(av, tuple) else av)


def _unbounded(av: Any) -> bool:
    from re._constants import MAXREPEAT

    return av[1] == MAXREPEAT or av[1] > 100


def risks(pattern: str) -> list[str]:
    """Why *pattern* could backtrack catastrophically (empty: it cannot)."""
    try:
        tree = _parse(pattern)
    except Exception:  # noqa: BLE001 - invalid patterns are reported elsewhere
        return []
    out = []
    for op, av in _repeats(tree):
        if str(op) not in ("MAX_REPEAT", "MIN_REPEAT") or not _unbounded(av):
            continue
        inner = list(_repeats(av[2]))
        if any(str(o) in ("MAX_REPEAT", "MIN_REPEAT") and _unbounded(a) for o, a in inner):
            out.append("a repeated group holds a repetition itself, e.g. (a+)+")
        for o, a in inner:
            if str(o) == "BRANCH":
                firsts = [str(b[0]) if len(b) else "" for b in a[1]]
                if len(set(firsts)) < len(firsts):
                    out.append("a repeated group has alternatives that match the same text, e.g. (a|a)*")
    return sorted(set(out))


def lint(profile_data: Any, where: str = "") -> list[str]:
    """Warnings for every pattern in a profile (a dumped dict) that could
    backtrack catastrophically."""
    out = []
    for path, rx in _patterns(profile_data, where):
        why = risks(rx)
        if why:
            out.append(f"{path}: the pattern {rx!r} could backtrack catastrophically on some text "
                       f"({'; '.join(why)}); rewrite it without nested repetition")
    return out


def _patterns(obj: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            p = f"{path}.{k}" if path else str(k)
            if "pattern" in str(k).lower():
                if isinstance(v, dict):
                    yield from ((p, str(rx)) for rx in v)
                elif isinstance(v, list):
                    yield from ((p, str(rx)) for rx in v if isinstance(rx, str))
                elif isinstance(v, str):
                    yield p, v
            else:
                yield from _patterns(v, p)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _patterns(v, f"{path}[{i}]")
