"""The Python API as a script uses it: one path as a list of one, errors
that carry the command line's exit code, and nothing printed behind the
script's back (the ``ekte`` logger has a NullHandler)."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "inbox" / "bauantrag-002-pdf.pdf"

SCRIPT = textwrap.dedent('''
    import json, logging, sys
    from pathlib import Path
    from ekte.api import ingest, review_show
    from ekte.errors import ConfigError, EkteError

    if __name__ == "__main__":
        src, empty, wd = sys.argv[1:4]
        out = {"handlers": [type(h).__name__ for h in logging.getLogger("ekte").handlers]}
        r = ingest(src, workdir=wd)                      # one str path: a list of one
        out["one"] = [(d.source, d.status.value) for d in r.documents]
        r = ingest(Path(empty), workdir=wd)              # one PathLike; quarantined (empty): nothing on stderr
        out["empty"] = [(d.status.value, d.error.code) for d in r.documents]
        out["exit"] = r.exit_code
        errors = []
        for call in (lambda: ingest("/no/such/input.pdf", workdir=wd), lambda: review_show("ffff", workdir=wd)):
            try:
                call()
            except EkteError as e:
                errors.append([type(e).__name__, e.exit_code, isinstance(e, ConfigError)])
        out["errors"] = errors
        print(json.dumps(out))
''')


def test_a_script_with_one_path_and_errors_with_exit_codes(tmp_path):
    (tmp_path / "s.py").write_text(SCRIPT, "utf-8")
    (tmp_path / "empty.pdf").write_bytes(b"")
    p = subprocess.run([sys.executable, str(tmp_path / "s.py"), str(SAMPLE), str(tmp_path / "empty.pdf"),
                        str(tmp_path / "wd")], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads(p.stdout)
    assert out["handlers"] == ["NullHandler"]
    assert [s for s, _st in out["one"]] == [str(SAMPLE)]
    assert out["empty"] == [["quarantined", "empty"]] and out["exit"] == 1
    assert out["errors"] == [["ConfigError", 2, True], ["NotFound", 2, True]]
    assert p.stderr == ""  # a quarantine (a warning) reached no last-resort handler


QUIET = textwrap.dedent('''
    import logging, sys
    from ekte.api import ingest

    if __name__ == "__main__":
        if sys.argv[3] == "configured":
            logging.basicConfig(level=logging.WARNING, format="SCRIPT %(name)s: %(message)s")
        r = ingest([sys.argv[1]], workdir=sys.argv[2], overrides=["ocr.jobs=1"])
        print(r.documents[0].status.value)
''')


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02); make test-slow runs it, CI too
def test_worker_processes_log_as_the_script_does(tmp_path):
    """A blank scan makes a worker process warn ("no text on page(s) 1"): a script without
    logging set up sees nothing of it (finding 13: the worker used ekte's CLI handler); one
    that configured logging sees it."""
    from PIL import Image

    Image.new("L", (1240, 1754), 255).save(tmp_path / "blank.png", dpi=(150, 150))
    (tmp_path / "s.py").write_text(QUIET, "utf-8")
    seen = {}
    for how in ("unconfigured", "configured"):
        p = subprocess.run([sys.executable, str(tmp_path / "s.py"), str(tmp_path / "blank.png"),
                            str(tmp_path / f"wd-{how}"), how], capture_output=True, text=True, timeout=600,
                           cwd=tmp_path)
        assert p.returncode == 0, p.stderr[-3000:]
        seen[how] = p.stderr
    assert seen["unconfigured"] == ""
    assert "no text on page(s) 1" in seen["configured"], seen["configured"][-2000:]


DAMAGED = textwrap.dedent('''
    import json, sys
    from ekte import api
    from ekte.errors import EkteError, EnvironmentFailure

    if __name__ == "__main__":
        src, wd = sys.argv[1:3]
        out = {}
        for name, call in (("ingest", lambda: api.ingest(src, workdir=wd)), ("status", lambda: api.status(workdir=wd)),
                           ("export", lambda: api.export(all_docs=True, workdir=wd))):
            try:
                r = call()
                out[name] = ["returned", getattr(r, "exit_code", None)]
            except EkteError as e:
                out[name] = [type(e).__name__, e.exit_code, e.code, type(e.result).__name__ if isinstance(e, EnvironmentFailure)
                             else None]
                out[name + "_pending"] = getattr(getattr(e, "result", None), "pending", None)
        print(json.dumps(out))
''')


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_a_damaged_journal_raises_environment_failure_from_every_call(tmp_path):
    """fresh33 F1: README says errors are exceptions, EnvironmentFailure 75 for a damaged journal; ingest returned
    a result (exit_code 75, result.failure) and status a dict with "error" — a script's try/except saw nothing."""
    wd = tmp_path / "wd"
    p = subprocess.run([sys.executable, "-m", "ekte", "ingest", str(SAMPLE), "-w", str(wd)], capture_output=True,
                       text=True, timeout=600)
    assert p.returncode in (0, 1), p.stderr[-2000:]
    for f in wd.glob("journal.sqlite-*"):
        f.unlink()
    with open(wd / "journal.sqlite", "r+b") as f:  # as the finding: random pages over the journal's
        f.seek(4096 * 3)
        f.write(bytes(range(256)) * 64)
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "x.pdf").write_bytes(SAMPLE.read_bytes()[:-10] + b"other %%EOF")
    (tmp_path / "s.py").write_text(DAMAGED, "utf-8")
    p = subprocess.run([sys.executable, str(tmp_path / "s.py"), str(inbox), str(wd)], capture_output=True, text=True,
                       timeout=600, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads(p.stdout)
    assert out["ingest"] == ["EnvironmentFailure", 75, "journal_damaged", "IngestResult"], out
    assert out["status"] == ["EnvironmentFailure", 75, "journal_damaged", "dict"], out
    assert out["export"][:3] == ["EnvironmentFailure", 75, "journal_damaged"], out
    # the command line still prints what it has, then one error line, 75
    for args in (["ingest", str(inbox)], ["status"]):
        p = subprocess.run([sys.executable, "-m", "ekte", *args, "-w", str(wd), "--json"], capture_output=True,
                           text=True, timeout=600)
        assert p.returncode == 75 and "Traceback" not in p.stderr, p.stderr[-2000:]
        assert json.loads(p.stdout)["error"]["code"] == "journal_damaged"
        assert p.stderr.strip().splitlines()[-1].startswith("error:")
    # fresh34 F2: the journal's header damaged — the run cannot begin; e.result still an IngestResult, every
    # input pending (JSON too); text mode one error line, no empty summary table
    with open(wd / "journal.sqlite", "r+b") as f:
        f.write(bytes(range(256)) * 32)
    p = subprocess.run([sys.executable, str(tmp_path / "s.py"), str(inbox), str(wd)], capture_output=True, text=True,
                       timeout=600, cwd=tmp_path)
    out = json.loads(p.stdout)
    assert out["ingest"] == ["EnvironmentFailure", 75, "journal_damaged", "IngestResult"], out
    assert out["ingest_pending"] == [str(inbox)] and out["export"][3] == "IngestResult", out
    p = subprocess.run([sys.executable, "-m", "ekte", "ingest", str(inbox), "-w", str(wd), "--json"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 75 and json.loads(p.stdout)["pending"] == [str(inbox)], p.stdout
    p = subprocess.run([sys.executable, "-m", "ekte", "ingest", str(inbox), "-w", str(wd)], capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 75 and p.stdout == "" and len(p.stderr.strip().splitlines()) == 1, (p.stdout, p.stderr)


WARNED = textwrap.dedent('''
    import logging, sys, warnings
    from ekte.api import ingest

    if __name__ == "__main__":
        if sys.argv[3] == "configured":
            logging.basicConfig(level=logging.DEBUG, format="SCRIPT %(name)s: %(message)s")
        r = ingest([sys.argv[1]], workdir=sys.argv[2])
        warnings.warn("the script's own warning")
        print(r.documents[0].status.value, r.documents[0].error.code)
''')


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_a_librarys_warning_reaches_no_script_s_stderr_by_itself(tmp_path):
    """fresh39 F5: Pillow's "Corrupt EXIF data" of a damaged TIFF reached a script's stderr raw (warnings.warn),
    though the script configured no logging; now a debug record of ``ekte.warnings`` (as ``-vv`` shows it on the
    command line), and the script's own warnings are its own."""
    (tmp_path / "kaputt.tif").write_bytes(b"II*\x00\x08\x00\x00\x00")
    (tmp_path / "s.py").write_text(WARNED, "utf-8")
    seen = {}
    for how in ("unconfigured", "configured"):
        p = subprocess.run([sys.executable, str(tmp_path / "s.py"), str(tmp_path / "kaputt.tif"),
                            str(tmp_path / f"wd-{how}"), how], capture_output=True, text=True, timeout=600,
                           cwd=tmp_path)
        assert p.returncode == 0 and p.stdout.split() == ["quarantined", "broken_image"], (p.stdout, p.stderr[-3000:])
        seen[how] = p.stderr
    assert "Corrupt EXIF" not in seen["unconfigured"], seen["unconfigured"][-2000:]
    assert "the script's own warning" in seen["unconfigured"], seen["unconfigured"][-2000:]
    assert "SCRIPT ekte.warnings: " in seen["configured"] and "Corrupt EXIF" in seen["configured"], seen["configured"]
    assert "kaputt" not in seen["configured"]
