"""The fixed cost of a run (issue 12): an inbox without a file starts no
fork server; a reported ``ekte ingest`` and its fork server end without
the interpreter's teardown — after every exit handler ran and the output
was flushed, with the same exit status.  Real ``ekte`` processes, real
workers; the points come from ``EKTE_TRACE_START`` (ekte.starttrace)."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from ekte.forkserver import holds_files

EKTE = str(Path(sys.executable).with_name("ekte"))


def _ingest(src: Path, wd: Path, trace: Path) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    env = dict(os.environ, EKTE_TRACE_START=str(trace))
    p = subprocess.run([EKTE, "ingest", "--json", str(src), "-w", str(wd), "-j", "2"], capture_output=True,
                       text=True, timeout=600, env=env)
    return p, [ln.split() for ln in trace.read_text().splitlines()]


def test_holds_files_is_false_only_for_folders_of_folders(tmp_path):
    (tmp_path / "in" / "a" / "b").mkdir(parents=True)
    assert holds_files([tmp_path / "in"]) is False
    assert holds_files([tmp_path / "in", tmp_path / "in" / "a"]) is False
    assert holds_files([tmp_path / "missing"]) is True  # the run says what is wrong
    (tmp_path / "in" / "a" / "b" / "x.pdf").write_bytes(b"%PDF")
    assert holds_files([tmp_path / "in"]) is True
    (tmp_path / "in" / "a" / "b" / "x.pdf").unlink()
    (tmp_path / "in" / "link").symlink_to(tmp_path / "in" / "a")  # never followed: the run decides
    assert holds_files([tmp_path / "in"]) is True
    (tmp_path / "in" / "link").unlink()
    for i in range(5):
        (tmp_path / "in" / f"d{i}").mkdir()
    assert holds_files([tmp_path / "in"], budget=3) is True  # looked at enough: assume a file


def test_empty_inbox_starts_no_fork_server_and_reports(tmp_path):
    (tmp_path / "inbox" / "sub").mkdir(parents=True)
    p, marks = _ingest(tmp_path / "inbox", tmp_path / "wd", tmp_path / "trace")
    assert p.returncode == 0, p.stderr[-2000:]
    assert json.loads(p.stdout)["summary"]["total"] == 0
    assert {m[0] for m in marks} == {str(m[0]) for m in marks[:1]}  # one process: no fork server
    names = [m[1] for m in marks]
    assert names[0] == "process-start" and names[-1] == "exit" and "run-done" in names


def test_reported_run_ends_at_once_with_its_output_whole_and_status(tmp_path, born_digital):
    src = tmp_path / "inbox"
    src.mkdir()
    shutil.copy(sorted(born_digital[0].glob("*.pdf"))[0], src)
    (src / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    p, marks = _ingest(src, tmp_path / "wd", tmp_path / "trace")
    assert p.returncode == 1, p.stderr[-2000:]  # a quarantined document: as before
    out = json.loads(p.stdout)  # complete JSON although the process ended with os._exit
    assert out["summary"]["by_status"]["archived"] == 1 and out["summary"]["by_status"]["quarantined"] == 1
    workers = {m[0] for m in marks if m[1] == "worker-start"}  # (a worker marks its start and tasks, for bench/timeline.py)
    assert workers and all(m[1] in ("process-start", "worker-start", "task-done") for m in marks if m[0] in workers)
    assert sum(m[1] == "task-done" for m in marks) == 2  # one per document, in whichever worker did it
    pids = list(dict.fromkeys(m[0] for m in marks if m[0] not in workers))
    assert len(pids) == 2  # the coordinator and its fork server
    last = {pid: [m[1] for m in marks if m[0] == pid][-1] for pid in pids}
    assert last == {pids[0]: "exit", pids[1]: "exit"}  # both ran their exit handlers
    archived = [d for d in out["documents"] if d["status"] == "archived"][0]
    assert list((tmp_path / "wd" / "archive").rglob("*.pdf"))  # written and there after the fast exit
    assert archived["sha256"]
    again = subprocess.run([EKTE, "ingest", "--json", str(src), "-w", str(tmp_path / "wd")], capture_output=True,
                           text=True, timeout=600)
    statuses = sorted(d["status"] for d in json.loads(again.stdout)["documents"])
    assert "archived" not in statuses  # the journal kept the first run: nothing archived twice


def test_finish_runs_exit_handlers_flushes_and_keeps_the_status(tmp_path):
    code = textwrap.dedent(f"""
        import atexit, sys, threading, time
        from ekte import fastexit
        atexit.register(lambda: open({str(tmp_path / 'handler')!r}, 'w').write('ran'))
        sys.stdout.write('buffered, not flushed')
        fastexit.finish(5)  # not allowed yet: returns
        fastexit.allow()
        if sys.argv[1] == 'thread':
            threading.Thread(target=time.sleep, args=(0.5,)).start()  # not a daemon: the ordinary exit waits
            fastexit.finish(6)
            sys.exit(7)
        fastexit.finish(3)
        sys.exit(9)
    """)
    p = subprocess.run([sys.executable, "-c", code, "plain"], capture_output=True, text=True, timeout=60)
    assert (p.returncode, p.stdout) == (3, "buffered, not flushed")
    assert (tmp_path / "handler").read_text() == "ran"
    (tmp_path / "handler").unlink()
    p = subprocess.run([sys.executable, "-c", code, "thread"], capture_output=True, text=True, timeout=60)
    assert (p.returncode, p.stdout) == (7, "buffered, not flushed")
    assert (tmp_path / "handler").read_text() == "ran"


def test_the_command_line_is_read_early_only_without_doubt():
    from ekte.cli_early import ingest_args

    assert ingest_args(["ingest", "in", "-w", "wd", "-j", "2", "--json", "-vv", "--log-format", "json"]) == \
        (2, "json", ["in"])
    assert ingest_args(["ingest", "-o", "ocr.jobs=1", "a.pdf", "b", "-v", "--verbose"]) == (2, "text", ["a.pdf", "b"])
    for argv in (["export", "x"], ["ingest"], ["ingest", "-w", "wd"], ["ingest", "in", "--executor", "dask"],
                 ["ingest", "in", "--scheduler", "tcp://h:1"], ["ingest", "in", "-j2"], ["ingest", "in", "--jobs=2"],
                 ["ingest", "in", "--help"], ["ingest", "in", "--log-format", "xml"], ["ingest", "in", "-w"],
                 ["ingest", "--", "in"]):
        assert ingest_args(argv) is None, argv


def test_ingest_starts_its_fork_server_before_the_command_line_is_built(tmp_path, born_digital):
    src = tmp_path / "inbox"
    src.mkdir()
    shutil.copy(sorted(born_digital[0].glob("*.pdf"))[0], src)
    p, marks = _ingest(src, tmp_path / "wd", tmp_path / "trace")
    assert p.returncode == 0, p.stderr[-2000:]
    assert json.loads(p.stdout)["summary"]["by_status"]["archived"] == 1
    coordinator = marks[0][0]
    at = {m[1]: float(m[2]) for m in marks if m[0] == coordinator}
    forkserver = [float(m[2]) for m in marks if m[0] != coordinator and m[1] == "process-start"]
    assert forkserver and forkserver[0] <= at["cli-imported"]  # typer, rich and the commands load beside its preload


#: what ``ekte ingest`` must not have imported when it hands its first task to a worker (issue 12): the other
#: commands' modules, extraction (never: the review reasons are ekte.stages.reasons), the seal's
#: cryptography and asyncio (only with a seal or a time-stamping authority configured), orjson (the first
#: JSON file written: ekte.jsontext)
NOT_BEFORE_FIRST_TASK = ("ekte.cli_serve", "ekte.cli_evidence", "ekte.cli_supervisor", "ekte.cli_journal",
                         "ekte.cli_profiles", "ekte.cli_mail", "ekte.stages.extract",
                         "rapidfuzz", "cryptography", "cryptography.x509", "asyncio", "orjson")
_AT_FIRST_TASK = textwrap.dedent("""\
    import atexit, json, os, runpy, sys
    from ekte import forkserver
    atexit.register(lambda: json.dump(sorted(sys.modules), open(os.environ["SNAPSHOT"] + ".end", "w")))
    late = forkserver.import_late
    def snapshot():  # the first worker is started: the first task is being handed to it
        if not os.path.exists(os.environ["SNAPSHOT"]):
            with open(os.environ["SNAPSHOT"], "w") as f:
                json.dump(sorted(sys.modules), f)
        late()
    forkserver.import_late = snapshot
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")  # the ekte program itself, as a console runs it
""")


def test_ingest_hands_its_first_task_before_importing_what_it_does_not_need(tmp_path, born_digital):
    """A real ``ekte ingest`` run as the program (its first argument read as
    a console's): at its first task the coordinator has not imported the
    heavy modules the ingest path does not need then, nor extraction at
    its end (a result's review reasons do without it), and the documents
    are archived."""
    src = tmp_path / "inbox"
    src.mkdir()
    for f in sorted(born_digital[0].glob("*.pdf"))[:3]:
        shutil.copy(f, src)
    env = dict(os.environ, SNAPSHOT=str(tmp_path / "modules.json"))
    p = subprocess.run([sys.executable, "-c", _AT_FIRST_TASK, EKTE, "ingest", "--json", str(src), "-w",
                        str(tmp_path / "wd"), "-j", "2"], capture_output=True, text=True, timeout=600, env=env)
    assert p.returncode in (0, 1), p.stderr[-2000:]
    assert sum(1 for d in json.loads(p.stdout)["documents"] if d["status"] in ("archived", "review")) == 3
    loaded = set(json.loads((tmp_path / "modules.json").read_text()))
    assert "ekte.pipeline.executor" in loaded and "ekte.cli" in loaded  # (the snapshot is the run's)
    assert sorted(loaded & set(NOT_BEFORE_FIRST_TASK)) == []
    # nor at its end: the review reasons of every result without extraction (≈ 75 ms CPU), nor its rapidfuzz
    end = set(json.loads((tmp_path / "modules.json.end").read_text()))
    assert "ekte.stages.reasons" in end and "ekte.pipeline.coordinator" in end
    assert "orjson" in end  # metadata.json and the --json output written (ekte.jsontext)
    assert sorted(end & {"ekte.stages.extract", "rapidfuzz", "stdnum"}) == []


def test_other_commands_still_register_every_command():
    """``ekte --help`` (not one of the CLI's own commands) lists the commands
    of the modules an ``ekte ingest`` leaves out."""
    p = subprocess.run([EKTE, "--help"], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, COLUMNS="200"))
    assert p.returncode == 0, p.stderr
    for name in ("ingest", "review", "profiles", "plugins", "journal", "verify", "retention", "mail", "serve", "users",
                 "stats"):
        assert f" {name} " in p.stdout, name
