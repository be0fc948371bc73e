"""--move, logs without personal data, profiles and overrides, the Python API."""

import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import SAMPLES, ingest_json, run_ekte


def test_move_only_after_successful_export(tmp_path, born_digital, shared):
    src, _ = born_digital
    inbox = tmp_path / "in"
    (inbox / "sub").mkdir(parents=True)
    good = sorted(src.glob("*.pdf"))[:3]
    for p in good:
        shutil.copy(p, inbox / "sub" / p.name)
    shutil.copy(shared / "realdocs/ocrmypdf/invalid.pdf", inbox / "invalid.pdf")
    done = tmp_path / "done"
    out = ingest_json(inbox, "-w", tmp_path / "wd", "--move", done)
    st = {Path(d["source"]).name: d["status"] for d in out["documents"]}
    assert st["invalid.pdf"] == "quarantined"
    assert (inbox / "invalid.pdf").exists()  # failed: stays where it was
    for p in good:
        assert not (inbox / "sub" / p.name).exists()
        assert (done / "sub" / p.name).read_bytes() == p.read_bytes()  # relative layout kept
    assert not (inbox / "sub").exists() and inbox.is_dir()  # mend11: the sub-folder the move emptied goes
    # a duplicate dropped in again is moved too, under a new name if needed
    (inbox / "sub").mkdir()
    shutil.copy(good[0], inbox / "sub" / good[0].name)
    shutil.copy(good[0], done / "sub" / "x.pdf")
    out = ingest_json(inbox, "-w", tmp_path / "wd", "--move", done)
    assert [d["status"] for d in out["documents"] if d["source"].endswith(good[0].name)] == ["duplicate"]
    assert not (inbox / "sub" / good[0].name).exists()
    assert len(list((done / "sub").glob(good[0].stem + "*"))) == 2


def test_move_removes_the_inbox_folders_it_emptied_and_nothing_else(tmp_path):
    """mend11: after ``ingest --move`` the inbox's sub-folders (often a person's name) stayed behind empty.
    The folders the move emptied go; the inbox itself, a folder still holding something (an ignored file), one
    that was empty before, and a link (and what it points to) stay."""
    inbox, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    for folder, name in (("Weber_Hannah/2026", "bauantrag-002-pdf.pdf"), ("Akte Meier", "kfz_zulassung-001-pdf.pdf")):
        (inbox / folder).mkdir(parents=True)
        shutil.copy(SAMPLES / "inbox" / name, inbox / folder / name)
    (inbox / "Akte Meier" / "Thumbs.db").write_bytes(b"x")  # ignored by intake: not moved
    (inbox / "leer").mkdir()
    elsewhere.mkdir()
    (inbox / "Verweis").symlink_to(elsewhere, target_is_directory=True)
    out = ingest_json(inbox, "-w", tmp_path / "wd", "-j", "1", "--move", tmp_path / "done")
    moved = {Path(d["source"]).name for d in out["documents"] if d["status"] == "archived"}
    assert moved == {"bauantrag-002-pdf.pdf", "kfz_zulassung-001-pdf.pdf"}, out["documents"]
    assert (tmp_path / "done" / "Weber_Hannah" / "2026" / "bauantrag-002-pdf.pdf").is_file()
    assert not (inbox / "Weber_Hannah").exists()
    assert sorted(p.name for p in inbox.iterdir()) == ["Akte Meier", "Verweis", "leer"]
    assert [p.name for p in (inbox / "Akte Meier").iterdir()] == ["Thumbs.db"]
    assert (inbox / "Verweis").is_symlink() and elsewhere.is_dir()


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_logs_carry_no_personal_data(tmp_path, inbox, inbox_truth):
    p = run_ekte("ingest", inbox, "-w", tmp_path / "wd", "-vv", "--no-progress")
    assert p.returncode == 0, p.stderr[-2000:]
    log = p.stderr
    assert "archived and exported" in log  # the log does talk about documents
    for rec in inbox_truth.values():
        for name in ("vorname", "nachname", "geburtsdatum", "strasse", "iban", "email", "telefon", "fin", "verein"):
            value = rec["fields"].get(name)
            if value:
                assert value not in log, (name, value)
    # not even the file names, which often carry names of applicants
    for f in inbox.iterdir():
        assert f.name not in log


def test_json_log_format(tmp_path, born_digital):
    src, _ = born_digital
    p = run_ekte("ingest", next(src.glob("*.pdf")), "-w", tmp_path / "wd", "-v", "--log-format", "json", "--json")
    lines = [json.loads(x) for x in p.stderr.splitlines() if x.strip()]
    assert lines and all({"time", "level", "message"} <= set(x) for x in lines)
    for x in lines:  # ISO 8601 with milliseconds and the UTC offset (a log collector must not guess the zone)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", x["time"]), x["time"]
    json.loads(p.stdout)


@pytest.mark.parametrize("verbose", [0, 2])
def test_a_librarys_benign_error_is_a_debug_line(verbose, monkeypatch, capsys):
    """watchdog logs an ERROR at every stop of the daemon (its inotify thread
    stopped while it waited): an operator alerting on errors was woken at
    every restart (fresh-clone check). Shown with -vv only, as debug."""
    import logging

    from ekte import logs

    monkeypatch.setenv(logs.ENV, "")
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    logs.setup_logging(verbose, "json")
    logging.getLogger("watchdog.observers.inotify").error(
        "InotifyEmitter.queue_events() called when the thread is inactive")
    logging.getLogger("watchdog.observers.inotify").error("another error")
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert [x["level"] for x in lines] == (["debug", "error"] if verbose else ["error"])
    assert lines[-1]["message"] == "another error"


@pytest.mark.parametrize("verbose", [0, 1, 2])
def test_a_librarys_traceback_only_with_vv(verbose, monkeypatch, capsys):
    """Dask's client logs "Failed to reconnect" with a traceback when its scheduler is gone
    (finding 9): below -vv one line with the exception's name, the traceback with -vv."""
    import logging

    from ekte import logs

    monkeypatch.setenv(logs.ENV, "")
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    logs.setup_logging(verbose, "text")
    try:
        raise TimeoutError("gone")
    except TimeoutError:
        logging.getLogger("distributed.client").exception("Failed to reconnect to scheduler")
    err = capsys.readouterr().err
    assert "Failed to reconnect to scheduler" in err
    assert ("Traceback" in err) == (verbose >= 2), err
    assert ("Failed to reconnect to scheduler (TimeoutError)" in err) == (verbose < 2), err


def test_profiles_commands(tmp_path):
    p = run_ekte("profiles", "list", check=0)
    assert "landkreis" in p.stdout
    p = run_ekte("profiles", "show", "landkreis", "-o", "classify.threshold=0.8", check=0)
    prof = json.loads(p.stdout)
    assert prof["classify"]["threshold"] == 0.8
    assert prof["doctypes"]["bauantrag"]["leika"] == "99012070006000"
    bad = tmp_path / "bad.toml"
    bad.write_text('[profile]\nname = "x"\nextends = "landkreis"\n[ocr]\njobs = "viele"\ncolour = 1\n'
                   '[doctypes.bauantrag]\nretention_years = -1\n')
    p = run_ekte("profiles", "check", bad)
    assert p.returncode == 2
    assert "ocr.jobs: Input should be a valid integer" in p.stdout
    assert "ocr.colour: unknown key" in p.stdout
    assert "doctypes.bauantrag.retention_years" in p.stdout
    syntax = tmp_path / "syntax.toml"
    syntax.write_text("[profile\nname=1")
    p = run_ekte("profiles", "check", syntax)
    assert p.returncode == 2 and "TOML syntax error" in p.stdout


@pytest.mark.parametrize("body, line", [
    ('[classify]\ntreshold = 0.8\n', "{f}: classify.treshold: unknown key (did you mean classify.threshold?)"),
    ('[extract.lables]\nanschrift = ["Wohnhaft"]\n', "{f}: extract.lables: unknown key (did you mean extract.labels?)"),
    ('[doctypes.bauantrag]\nfields = ["aktenzeichn"]\n',
     "{f}: doctypes.bauantrag.fields: unknown field name(s): aktenzeichn (did you mean aktenzeichen?)"),
    # review34 R1: a blank label put every document in quarantine as internal_error (the compound lexicon split it)
    ('[extract.labels]\nort = ["Wohnort", " "]\n', "{f}: extract.labels: a blank label for: ort"),
])
def test_profile_errors_suggest_as_overrides_do(tmp_path, body, line):
    """fresh33 F7: an unknown key in a file got no "did you mean" (-o gave one); a field's typo carried pydantic's
    "Value error, " prefix; a misspelt extends named neither the file nor the key."""
    f = tmp_path / "bad.toml"
    f.write_text('[profile]\nname = "x"\nextends = "landkreis"\n' + body)
    p = run_ekte("profiles", "check", f)
    assert p.returncode == 2 and p.stdout.strip() == line.format(f=f), p.stdout


def test_a_misspelt_extends_names_the_file_and_the_key(tmp_path):
    f = tmp_path / "bad7.toml"
    f.write_text('[profile]\nname = "x"\nextends = "landkries"\n')
    p = run_ekte("profiles", "check", f)
    assert p.returncode == 2 and p.stdout.strip() == (
        f"{f.resolve()}: profile.extends: unknown profile 'landkries' (known: landkreis, stadt) (did you mean "
        "landkreis?)"), p.stdout


def test_profile_extends_and_overrides(tmp_path):
    from ekte.errors import ConfigError
    from ekte.profile import load_profile

    child = tmp_path / "kreisstadt.toml"
    child.write_text('[profile]\nname = "kreisstadt"\nextends = "landkreis"\n[classify]\nthreshold = 0.75\n'
                     '[doctypes.bauantrag]\ntitle = "Bauantrag Stadt"\naktenplan = "X-1"\n')
    p = load_profile(str(child), ["ocr.jobs=3", "ocr.deskew=false"])
    assert p.name == "kreisstadt" and p.classify.threshold == 0.75
    assert p.doctypes["bauantrag"].aktenplan == "X-1"
    assert p.doctypes["bauantrag"].keywords["Bauantrag"] == 5  # inherited
    assert p.ocr.jobs == 3 and p.ocr.deskew is False
    with pytest.raises(ConfigError, match="unknown key"):
        load_profile(None, ["nonsense.key=1"])
    with pytest.raises(ConfigError, match="not KEY=VALUE"):
        load_profile(None, ["novalue"])


def test_python_api(tmp_path, born_digital):
    from ekte import api

    src, truth = born_digital
    files = sorted(src.glob("*.pdf"))[:2]
    r = api.ingest(files, workdir=tmp_path / "wd", overrides=["ocr.jobs=1"])
    assert r.exit_code == 0
    assert [d.status for d in r.documents] == [api.Status.ARCHIVED] * 2
    assert [d.doctype for d in r.documents] == [truth[f.stem]["type"] for f in files]
    assert r.summary["by_status"]["archived"] == 2


def test_help_and_version():
    p = run_ekte("--help", check=0)
    for cmd in ("ingest", "profiles", "plugins"):
        assert cmd in p.stdout
    p = run_ekte("--version", check=0)
    assert p.stdout.startswith("ekte ")


def test_plugins_list_and_local_plugin(tmp_path):
    mod = tmp_path / "myplug.py"
    mod.write_text("from ekte.hookspecs import hookimpl\n\n@hookimpl\ndef ekte_process(point, document, profile):\n    pass\n")
    p = run_ekte("plugins", "list", "--json", "--plugin", "myplug", env={"PYTHONPATH": str(tmp_path)}, check=0)
    infos = {i["name"]: i for i in json.loads(p.stdout)}
    assert "ekte_connectors" in infos["builtin"]["hooks"]
    assert infos["myplug"]["origin"] == "--plugin" and infos["myplug"]["hooks"] == ["ekte_process"]
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('boom')\n")
    p = run_ekte("plugins", "list", "--plugin", "broken", env={"PYTHONPATH": str(tmp_path)})
    assert p.returncode == 2 and "plugin 'broken' failed to load: RuntimeError: boom" in p.stderr


def test_json_on_a_usage_error_is_an_error_object(tmp_path):
    """`--json` and exit 2 printed nothing on stdout: a script's json.load
    failed instead of reading why (fresh-clone check)."""
    p = run_ekte("ingest", tmp_path / "missing", "-w", tmp_path / "wd", "--json")
    assert p.returncode == 2 and p.stderr.count("\n") == 1, (p.returncode, p.stdout, p.stderr)
    assert json.loads(p.stdout) == {"error": {"code": "usage", "message": f"input not found: {tmp_path / 'missing'}"}}
    p = run_ekte("ingest", "--json", "--no-such-option", tmp_path)  # click's own usage error
    assert p.returncode == 2 and json.loads(p.stdout)["error"]["code"] == "usage", (p.returncode, p.stdout, p.stderr)
    p = run_ekte("ingest", tmp_path / "missing", "-w", tmp_path / "wd")  # without --json: nothing on stdout
    assert p.returncode == 2 and p.stdout == "", (p.returncode, p.stdout, p.stderr)


def test_ekte_s_own_file_names_stay_in_log_lines_a_sender_s_go():
    """fresh29: "export failed: <file> was changed or damaged (SHA-256 differs from <file>)" — the operator
    could not tell which of ekte's own files it meant; a sender's file name still goes."""
    from ekte.logs import redact

    line = redact("export to folder failed: original.tif was changed or damaged (SHA-256 differs from metadata.json);"
                  " document.pdf, text.txt, transfervermerk.xml; sent as Antrag_Meier_Hans.pdf, Meier-original.pdf")
    assert "original.tif was changed" in line and "from metadata.json" in line, line
    assert "document.pdf, text.txt, transfervermerk.xml" in line, line
    assert "Meier" not in line and line.endswith("sent as <file>, <file>"), line


def test_an_input_named_like_a_word_is_hidden_whole_not_inside_the_log_s_words(monkeypatch):
    """fresh39 F1: input folder `archiv` → "doc … <name>ed and exported"; folder `quarantined` → "doc … <name>:
    empty". The name goes where it stands whole (a person's name beside an underscore too), ekte's words stay."""
    from collections import OrderedDict

    from ekte import logs

    monkeypatch.setattr(logs, "_names", OrderedDict())
    monkeypatch.setattr(logs, "_names_sorted", [[], False])
    for folder in ("archiv", "quarantined", "Müller, Jürgen", "Meier"):
        logs.protect(f"/srv/in/{folder}/x.pdf", "/srv/in")
    line = logs.redact("doc 1 archived and exported; doc 2 quarantined: empty; in archiv and Müller, Jürgen;"
                       " Meier_Hans, Meier.")
    assert line.startswith("doc 1 archived and exported; doc 2 quarantined: empty;"), line
    assert line.endswith("in <name> and <name>; <name>_Hans, <name>."), line


@pytest.mark.parametrize("names,jobs", [(("a.pdf", "b.pdf"), "2"), (("1.pdf", "3.pdf"), "1")])
def test_the_same_content_twice_in_one_run_is_not_another_process(tmp_path, names, jobs):
    """fresh29: two copies of one file in one run logged "being processed by another ekte process (another
    process)" — it was this run; the log says so now.  fresh39 F2: with another document between them and one
    worker, the second copy is admitted while the first's batch settles (no longer in flight): the same."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in names:
        shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", inbox / name)
    shutil.copy(SAMPLES / "inbox" / "masern_meldung-004-pdf.pdf", inbox / "2.pdf")
    p = run_ekte("ingest", inbox, "-w", tmp_path / "wd", "-v", "--no-progress", "-j", jobs)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "another ekte process" not in p.stderr, p.stderr[-2000:]
    assert "the same content is being processed in this run" in p.stderr, p.stderr[-2000:]


@pytest.mark.parametrize("args", [["history", "--help"], ["profiles", "show", "landkreis"],
                                  ["classify", "--json", str(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf")]])
def test_a_reader_that_goes_away_ends_the_command_quietly(args):
    """fresh30 G16: stdout's reader closed before ekte wrote (`ekte … | head` of a slow command): exit 141
    (128 + SIGPIPE, as a shell reports for a tool SIGPIPE ended), nothing on stderr -- not "internal error"
    (70) nor 1, which means broken documents."""
    import subprocess

    from helpers import ekte_cmd

    p = subprocess.Popen(ekte_cmd() + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    p.stdout.close()  # long before the interpreter has started
    _out, errs = p.communicate(timeout=120)
    assert p.returncode == 141 and errs == b"", (p.returncode, errs[-2000:])


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_json_gaps_and_one_wording_for_a_bad_workdir(tmp_path):
    """fresh33 F6: `stats --format json` printed no JSON on an error (--json did), `profiles list/show --json` were
    "No such option", and a bad -w was said four ways (status: "does not exist" for a file, stats "no journal in",
    verify "no archive in")."""
    p = run_ekte("stats", "--format", "json", "-w", tmp_path / "nosuchwd")
    assert p.returncode == 2 and json.loads(p.stdout)["error"]["code"] == "usage", (p.stdout, p.stderr)
    p = run_ekte("profiles", "list", "--json", check=0)
    assert {r["name"] for r in json.loads(p.stdout)["profiles"]} >= {"landkreis", "stadt"}
    p = run_ekte("profiles", "show", "landkreis", "--json", check=0)
    assert json.loads(p.stdout)["profile"]["name"] == "landkreis"
    p = run_ekte("profiles", "show", "landkries", "--json")
    assert p.returncode == 2 and "unknown profile 'landkries'" in json.loads(p.stdout)["error"]["message"]
    p = run_ekte("profiles", "check", "--json", Path(__file__).resolve().parents[1] / "profiles" / "stadt.toml", check=0)
    assert json.loads(p.stdout)["files"][0]["errors"] == []
    afile = tmp_path / "afile"
    afile.write_text("x")
    for args in (["status"], ["stats"], ["verify"], ["review", "list"]):
        for wd, what in ((tmp_path / "nosuchwd", "does not exist"), (afile, "is a file, not a folder")):
            p = run_ekte(*args, "-w", wd)
            assert p.returncode == 2 and p.stderr.startswith(f"error: the working directory {wd} {what} (check"), \
                (args, p.stderr)
