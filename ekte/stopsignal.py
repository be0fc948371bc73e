"""SIGTERM of a run (``ingest``, ``import-xdomea``, ``mail``): like Ctrl-C,
once, and never fatal while the run reports (fresh30 G8).

``timeout`` and systemd signal the process and then its process group, so
two SIGTERMs arrive close together — the second while the first is being
handled, or while the run writes its JSON.  With the default action back
in place at that moment the process died with 143 and printed nothing.
Here one handler stays from the command's start to its exit:

- *armed* (the run's body): the first SIGTERM raises :class:`Interrupted`
  and disarms the handler, so a second one cannot interrupt the clean-up;
- *disarmed* (start-up, the end of a run, the report): a SIGTERM is only
  counted; :func:`arm` raises it once armed, :func:`consume` tells the run
  that it came after its body (the run then reports itself interrupted).

Standard library only: the command line installs it before it imports the
pipeline."""

from __future__ import annotations

import contextlib
import functools
import signal
import threading
from typing import Any, Callable, Iterator, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Interrupted(BaseException):
    """SIGTERM during a run (SIGINT raises KeyboardInterrupt).  Like that,
    not an Exception: no ``except Exception`` (a connector's crash guard)
    may swallow it."""


_state: dict[str, Any] = {"armed": False, "seen": 0, "held": False, "ints": 0}


def on_term(signum: int, frame: Any) -> None:
    if _state["armed"] and not _state["held"]:
        _state["armed"] = False  # once: a second SIGTERM (the process group's) only counts
        raise Interrupted()
    _state["seen"] += 1


def install(seen: int = 0) -> Any:
    """The handler in place (disarmed), *seen* SIGTERMs already counted (the
    ones that came while ekte loaded); returns the handler it replaced, or
    None when it was in place already or this is not the main thread."""
    _state["seen"] += seen
    with contextlib.suppress(ValueError):  # not the main thread: signals are the caller's business
        old = signal.signal(signal.SIGTERM, on_term)
        return None if old is on_term else old
    return None


def arm() -> None:
    """From now on the first SIGTERM raises :class:`Interrupted` — at once
    when one came before."""
    _state["armed"] = True  # first: a SIGTERM between the two lines raises, it is not lost
    if _state["seen"]:
        _state["armed"], _state["seen"] = False, 0
        raise Interrupted()


def disarm() -> None:
    _state["armed"] = False


def consume() -> bool:
    """Whether a SIGTERM came while disarmed (since the last call)."""
    seen, _state["seen"] = _state["seen"], 0
    return seen > 0


def pending() -> bool:
    """Whether a SIGTERM or Ctrl-C came that waits to be raised (counted while :func:`held` or disarmed): work
    that can wait for the next run (``--move``'s copy of an original to another file system) is not started."""
    return bool(_state["seen"] or _state["ints"])


@contextlib.contextmanager
def installed() -> Iterator[None]:
    """The handler, disarmed, for the length of a run (the command line
    installed it for the process already; a Python API caller's handler is
    put back after it)."""
    old = install()
    disarm()  # the command line armed it while ekte loaded: from here on the run's body decides
    try:
        yield
    finally:
        if old is not None:
            disarm()
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGTERM, old)


@contextlib.contextmanager
def interrupts() -> Iterator[None]:
    """SIGTERM raises :class:`Interrupted` in the body (once)."""
    arm()
    try:
        yield
    finally:
        disarm()


def guarded(fn: F) -> F:
    """*fn* (a run) under :func:`installed`."""
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with installed():
            return fn(*args, **kwargs)
    return run  # type: ignore[return-value]


def _count_int(signum: int, frame: Any) -> None:
    _state["ints"] += 1


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Ctrl-C and SIGTERM counted, not raised, in the body; raised after it.
    For a C extension's initialisation: it runs Python code (nanobind
    builds pikepdf's enums with ``enum.py``), and an exception raised there
    by a signal handler is fatal to nanobind — the process aborted (-6)
    with a traceback, 1 in 40 Ctrl-Cs while the coordinator first imported
    pikepdf.  Main thread only (other threads get no signal exceptions)."""
    if _state["held"] or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, _count_int)
    _state["held"] = True
    try:
        yield
    finally:
        _state["held"] = False
        signal.signal(signal.SIGINT, old)
        ints, _state["ints"] = _state["ints"], 0
        if ints and callable(old):
            old(signal.SIGINT, None)  # Python's default handler: KeyboardInterrupt
        elif ints and old == signal.SIG_DFL:
            signal.raise_signal(signal.SIGINT)  # the default action, as it would have been
        if _state["armed"] and _state["seen"]:
            arm()  # raises Interrupted


def hold_during_native_imports() -> None:
    """Every C extension module from now on initialises under :func:`held`.
    Called by the command line (``cli_errors.sigint_now``), for the rest of
    its process; a Python API caller's signals are its own (nothing here
    patches the loader unless the command line runs)."""
    from importlib.machinery import ExtensionFileLoader

    if not getattr(ExtensionFileLoader, "_ekte_held", False):
        # (a contextmanager is a decorator too: a new held() for every call)
        ExtensionFileLoader.create_module = held()(ExtensionFileLoader.create_module)  # type: ignore[method-assign]
        ExtensionFileLoader.exec_module = held()(ExtensionFileLoader.exec_module)  # type: ignore[method-assign]
        ExtensionFileLoader._ekte_held = True  # type: ignore[attr-defined]
