"""Ctrl-C while a C extension initialises (CI of stop 32: the coordinator's
first `import pikepdf`, 1 in 40 Ctrl-Cs under load): nanobind builds
pikepdf's enums by calling `enum.py`; the KeyboardInterrupt raised there
by Python's handler is fatal to nanobind — "Critical nanobind error", a
traceback and SIGABRT.  The command line holds signals while an extension
module initialises (`ekte.stopsignal.held`) and raises them after it.

The moment is made exact, not waited for: a profile hook sends SIGINT to
the process on the first call from pikepdf's extension into `enum.py`."""

import signal
import subprocess
import sys

SCRIPT = r'''
import os, signal, sys
if sys.argv[1] == "cli":
    from ekte.cli_errors import sigint_now
    sigint_now()  # what every ekte command does before its run
sent = []
def prof(frame, event, arg):
    if (event == "call" and not sent and frame.f_code.co_filename.endswith("enum.py") and frame.f_back is not None
            and frame.f_back.f_code.co_name == "_call_with_frames_removed"):  # called from the C extension
        sent.append(1)
        os.kill(os.getpid(), signal.SIGINT)
sys.setprofile(prof)
try:
    import pikepdf
except KeyboardInterrupt:
    sys.setprofile(None)
    print("interrupted", bool(sent))
    sys.exit(130)
sys.setprofile(None)
print("not interrupted", bool(sent))
'''


def _run(mode: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=120)


def test_the_bare_interpreter_aborts():
    """The failure itself, so the test below can fail: without the hold the process dies of SIGABRT."""
    p = _run("bare")
    assert p.returncode == -signal.SIGABRT, (p.returncode, p.stderr[-500:])
    assert "nanobind" in p.stderr


def test_the_command_line_raises_it_after_the_extension():
    p = _run("cli")
    assert p.returncode == 130, (p.returncode, p.stderr[-1500:])
    assert p.stdout.strip() == "interrupted True" and "nanobind" not in p.stderr, p.stderr[-1500:]


def test_held_raises_after_its_body_and_puts_the_handler_back():
    code = r'''
import os, signal
from ekte import stopsignal
order = []
try:
    with stopsignal.held():
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000): pass  # the handler has run by now: it only counted
        order.append("body ended")
except KeyboardInterrupt:
    order.append("raised after")
print(order, signal.getsignal(signal.SIGINT) is signal.default_int_handler)
'''
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.stdout.strip() == "['body ended', 'raised after'] True", p.stderr[-1500:]
