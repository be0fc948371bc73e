"""Log formatting and set-up.  Log records name documents by id or hash only.

ekte's own messages never carry a file name or content.  Third-party
libraries do (watchdog's events carry paths, httpx's requests URLs,
exceptions quote file names), so every record that reaches the handler
passes :class:`Redact` first, at every level: the names of the inputs seen
by this process (:func:`protect`; whole, not inside a longer word), quoted strings that look like paths or
file names, path-like words and the path and query of URLs are replaced,
in the message, the arguments and a formatted traceback alike.  Paths of
ekte's and Python's own code stay (a traceback at ``-vv`` stays useful).

Worker processes set up the same handler from the environment
(:func:`setup_from_env`)."""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import json
import logging
import os
import re
import sys
import sysconfig
import threading
import warnings
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterator

from ekte.model import Status
from ekte.shown import visible

ENV = "EKTE_LOG"
NOISY = ("ocrmypdf", "pikepdf", "PIL", "pdfminer", "fontTools")

_names: "OrderedDict[str, None]" = OrderedDict()
_names_lock = threading.Lock()
_names_sorted: list = [[], False]  # the names, longest first, and whether that list is stale
MAX_NAMES = 5000
#: the words of ekte's own outcome lines: a folder named so is no personal datum, and hiding it would hide
#: the outcome (an input folder ``quarantined``: "doc … <name>: empty", fresh39 F1)
OWN_WORDS = frozenset({s.value for s in Status} | {"exported"})

_CODE_ROOTS = tuple(sorted({str(Path(__file__).resolve().parent.parent), sys.prefix, sys.base_prefix,
                            sysconfig.get_paths().get("purelib", sys.prefix), "/usr/lib/python"}, key=len,
                           reverse=True))
_URL = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*://[^/\s'\"<>]+)(/[^\s'\"<>]*)?")
_QUOTED = re.compile(r"""(?P<q>['"])(?P<s>[^'"\n]*)(?P=q)""")
_BYTES = re.compile(r"""b(['"])(?:(?!\1).){12,}\1""")
_DOC_EXT = r"\.(?:pdf|tiff?|jpe?g|png|zip|xml|txt|json|eml|msg|docx?|odt|bin)\b"
_SPACED_PATH = re.compile(r"(?:[A-Za-z]:)?(?:~|\.{1,2})?[/\\][^\s'\"<>]*(?:\s[^\s'\"<>/\\]+)*?" + _DOC_EXT, re.I)
_PATH = re.compile(r"(?<![\w.:/])(?:[A-Za-z]:|~|\.{1,2})?[/\\][^\s'\"<>,;()\[\]{}]*[^\s'\"<>,;()\[\]{}.:]")
_FILENAME = re.compile(r"[^\s'\"<>/\\]+" + _DOC_EXT, re.I)
#: the names ekte gives its own files in an archive folder, a spool or an export (never a sender's): they stay,
#: so an operator can tell which file a message is about (document.pdf, metadata.json, original.tif …)
_OWN_FILE = re.compile(r"(?:document\.pdf|metadata\.json|meta\.json|text\.txt|transfervermerk\.xml|"
                       r"original\.[a-z0-9]{2,5})")
_LOOKS_SENSITIVE = re.compile(r"^(?!HTTP/[\d.]+ \d{3}\b)(?:.*(?:[/\\\s]|" + _DOC_EXT + r"|[^\x00-\x7f]))", re.I)
#: a quoted value of a key that names a file (watchdog's events: name='…', src_path='…')
_NAMED = re.compile(r"""\b((?:src_|dest_)?(?:path|name|file|filename|dirname|dir|folder))=(['"])[^'"\n]+\2""", re.I)


def protect(path: Path | str, top: Path | str | None = None) -> None:
    """Remember the name of an input (and its folders below *top*), so that
    no log line shows it, whoever writes the line."""
    p = os.fsdecode(os.fspath(path))
    parts = [os.path.basename(p)]  # a path holding it is cut by the path rules and this name
    if top is not None:
        try:
            parts.extend(Path(p).relative_to(os.fsdecode(os.fspath(top))).parts)
        except ValueError:
            pass
    with _names_lock:
        for s in parts:
            if len(s) >= 5 and not s.isdigit() and s not in OWN_WORDS:
                _names[s] = None
                _names.move_to_end(s)
        while len(_names) > MAX_NAMES:
            _names.popitem(last=False)
        _names_sorted[1] = True


@functools.lru_cache(maxsize=MAX_NAMES)
def _whole(name: str) -> "re.Pattern[str]":
    """*name* as a whole token, not inside a longer word: an input folder ``archiv`` is not the start of
    "archived" (fresh39 F1).  An underscore parts words (``Meier`` of ``Meier_Hans`` still goes); an end
    of *name* that is no letter or digit needs no boundary."""
    def edge(c: str, look: str) -> str:
        return look if c.isalnum() else ""
    return re.compile(edge(name[0], r"(?<![^\W_])") + re.escape(name) + edge(name[-1], r"(?![^\W_])"))


def _code_path(s: str) -> bool:
    return s.startswith(_CODE_ROOTS) or s.startswith("<")


def redact(text: str) -> str:
    """*text* without file names, paths, URL paths and content-like quotes."""
    if not text:
        return text
    with _names_lock:
        if _names_sorted[1]:
            _names_sorted[:] = [sorted(_names, key=len, reverse=True), False]
        names = _names_sorted[0]
    for n in names:
        if n in text:
            text = _whole(n).sub("<name>", text)
    text = _URL.sub(lambda m: m.group(1) + ("/…" if m.group(2) else ""), text)
    text = _BYTES.sub("b'<redacted>'", text)
    text = _NAMED.sub(lambda m: f"{m.group(1)}={m.group(2)}<redacted>{m.group(2)}", text)
    text = _QUOTED.sub(lambda m: m.group(0) if _code_path(m.group("s")) or not _LOOKS_SENSITIVE.search(m.group("s"))
                       else f"{m.group('q')}<redacted>{m.group('q')}", text)
    text = _SPACED_PATH.sub(lambda m: m.group(0) if _code_path(m.group(0)) else "<path>", text)
    text = _PATH.sub(lambda m: m.group(0) if _code_path(m.group(0)) or m.group(0) in ("/", "//", "/…")
                     else "<path>", text)
    return _FILENAME.sub(lambda m: m.group(0) if _OWN_FILE.fullmatch(m.group(0)) else "<file>", text)


class Redact(logging.Filter):
    """On the handler: every record, from any logger, at any level.  With
    *tracebacks* False (the text format below ``-vv``) a record's traceback
    — a library's ``logger.exception`` — is cut to the exception's name."""

    def __init__(self, tracebacks: bool = True) -> None:
        super().__init__()
        self.tracebacks = tracebacks

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "ekte_composed", False) and record.name == "ekte.serve.access":
            return True  # the station's access line: method, route pattern, status, time (nothing from input)
        if getattr(record, "ekte_setting", False):
            return True  # composed of the operator's settings alone (a connector's resolved export folder)
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001 - a library's bad format string must not end the run
            msg = str(record.msg)
        record.msg, record.args = visible(redact(msg)), None  # no control character of a file name (fresh32 F2)
        if not self.tracebacks and (record.exc_info or record.stack_info):
            kind = record.exc_info[0] if record.exc_info and record.exc_info[0] else None
            record.msg += f" ({kind.__name__})" if kind is not None else ""
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


#: (logger, message) of libraries that report an ordinary event as an error: shown as debug
BENIGN = {("watchdog.observers.inotify", "InotifyEmitter.queue_events() called when the thread is inactive")}


class Benign(logging.Filter):
    """On the handler: a library's error that is none (watchdog's inotify
    thread, stopped while it waited for an event — at every stop of the
    daemon) is a debug record: an operator alerting on errors is not woken."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and (record.name, record.msg) in BENIGN:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return self.level <= logging.DEBUG
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        d = {
            "time": _dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            d["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(d, ensure_ascii=False)


def quiet_dask() -> None:
    """Dask's log records go through ekte's handler (format, level, no
    traceback below ``-vv``): warnings and up."""
    for name in ("distributed", "distributed.client"):
        lg = logging.getLogger(name)
        lg.handlers[:] = []
        lg.propagate = True
        lg.setLevel(logging.WARNING)


def setup_logging(verbose: int, fmt: str = "text") -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    os.environ[ENV] = f"{level}:{fmt}"  # for the worker processes
    _install(level, fmt)


def for_workers() -> str:
    """What the worker processes about to start are told about logging
    (:data:`ENV`): the command line's set-up, or — a Python script using
    the API — its own: ``off`` when it configured no handler (the ``ekte``
    logger's NullHandler: nothing printed), else the level of its ``ekte``
    logger in ekte's text format."""
    if os.environ.get(ENV):
        return os.environ[ENV]
    if not logging.getLogger().handlers:
        return "off"
    return f"{logging.getLogger('ekte').getEffectiveLevel()}:text"


def setup_from_env() -> None:
    """A worker process: the coordinator's level and format, the same
    filter; nothing at all with ``off`` or when not told (no last-resort
    handler printing warnings behind a script's back)."""
    level, _, fmt = os.environ.get(ENV, "off").partition(":")
    if not level.isdigit():
        logging.getLogger().handlers[:] = [logging.NullHandler()]
        logging.captureWarnings(True)  # library warnings: into the NullHandler too
        return
    _install(int(level), fmt or "text")


def _install(level: int, fmt: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    handler.addFilter(Benign(level))
    handler.addFilter(Redact(tracebacks=fmt == "json" or level <= logging.DEBUG))  # JSON: only the name
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.ERROR)
    # library warnings (Pillow's "Corrupt EXIF data" on a damaged TIFF) become log records: through
    # the same filter, and shown with -vv only — the document's own outcome says what went wrong
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").setLevel(logging.DEBUG if level <= logging.DEBUG else logging.ERROR)


_routing: list = [0, None]  # ekte calls of a script under way, the warnings.showwarning they replaced
_routing_lock = threading.Lock()


def _show_library_warning(message: Any, category: type, filename: str, lineno: int, file: Any = None,
                          line: str | None = None) -> None:
    """A library's warning during an ekte call of a script: a debug record of ``ekte.warnings``, redacted
    (as ``-vv`` shows it on the command line); the script's own warnings are shown as before."""
    shown = _routing[1]
    if shown is not None and (file is not None or not _code_path(str(filename))):
        return shown(message, category, filename, lineno, file, line)
    logging.getLogger("ekte.warnings").debug("%s", redact(f"{filename}:{lineno}: {category.__name__}: {message}"))


@contextlib.contextmanager
def library_warnings() -> Iterator[None]:
    """While a script's ekte call runs, a library's ``warnings.warn`` (Pillow's "Corrupt EXIF data" of a
    damaged TIFF) reaches no stderr by itself (fresh39 F5): the ``ekte`` logger has it.  The command line
    captures warnings into its own handler already (:func:`_install`): left as it is."""
    with _routing_lock:
        if _routing[0] == 0 and getattr(logging, "_warnings_showwarning", None) is None:
            _routing[1], warnings.showwarning = warnings.showwarning, _show_library_warning
        _routing[0] += 1
    try:
        yield
    finally:
        with _routing_lock:
            _routing[0] -= 1
            if _routing[0] == 0 and warnings.showwarning is _show_library_warning:
                warnings.showwarning, _routing[1] = _routing[1], None


def routed(f: Callable) -> Callable:
    """*f* (a function of :mod:`ekte.api`) under :func:`library_warnings`."""
    @functools.wraps(f)
    def call(*args: Any, **kw: Any) -> Any:
        with library_warnings():
            return f(*args, **kw)
    return call
