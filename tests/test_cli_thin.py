"""A thin CLI: the common options declared once, every option described,
no Python types in --help, overrides blamed on the override in plain words."""

import re
import shutil

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from ekte.cli import app
from helpers import ROOT, SAMPLES, run_ekte


def _commands(cmd, path=()):
    subs = getattr(cmd, "commands", None)
    if not subs:
        yield path, cmd
        return
    for name, sub in subs.items():
        yield from _commands(sub, path + (name,))


ALL = list(_commands(get_command(app)))


def test_every_option_and_argument_is_described():
    assert len(ALL) >= 14
    for path, cmd in ALL:
        for p in cmd.params:
            assert (p.help or "").strip(), f"ekte {' '.join(path)}: {p.name} has no description"


@pytest.mark.parametrize("path", [(), ("review",), ("profiles",), ("plugins",)] + [p for p, _ in ALL],
                         ids=lambda p: " ".join(p) or "ekte")
def test_help_shows_no_python_types(path):
    r = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert r.exit_code == 0, r.output
    assert not re.search(r"<(bool|str|int|float|path|Path|list\[[^]]*\])>", r.output), r.output
    assert "--help" in r.output


def test_common_options_are_declared_once():
    src = (ROOT / "ekte" / "cli.py").read_text()
    opts = (ROOT / "ekte" / "cliopts.py").read_text()
    for opt in ('"--profile"', '"--workdir"', '"--override"', '"--plugin"', '"--verbose"', '"--log-format"', '"--json"',
                '"--jobs"', '"--connector"'):
        assert src.count(opt) == 0 and opts.count(opt) == 1, opt
    # watch and status go through the API like every other command
    assert "Watcher" not in src and "read_status" not in src and "Pipeline" not in src


def test_a_mistyped_override_is_blamed_on_the_override(tmp_path):
    doc = tmp_path / "a.pdf"
    shutil.copy(SAMPLES / "inbox" / "kfz_zulassung-001-pdf.pdf", doc)
    p = run_ekte("ingest", doc, "-w", tmp_path / "wd", "-o", "ocr.job=1")
    assert p.returncode == 2
    assert "-o ocr.job=1: ocr.job: unknown key (did you mean ocr.jobs?)" in p.stderr
    assert ".toml" not in p.stderr and len(p.stderr.strip().splitlines()) == 1
    p = run_ekte("ingest", doc, "-w", tmp_path / "wd", "-o", "classify.threshold=0,9")
    assert p.returncode == 2 and "classify.threshold expects a number such as 0.9" in p.stderr
    assert not (tmp_path / "wd").exists()  # refused before anything was touched


@pytest.mark.parametrize("override,words", [
    ("jobs=2", "unknown key (did you mean ocr.jobs?)"),
    ("ocr.deskew=ja", "ocr.deskew expects true or false"),
    ("ocr.jobs=viele", "ocr.jobs expects a whole number such as 2"),
    ("classify.threshold=1.5", "classify.threshold must be less than or equal to 1"),
    ("ocr.jobs.x=1", "ocr.jobs is a setting, not a table"),
    ("doctypes.bauantrag.retention_yeras=3", "did you mean doctypes.bauantrag.retention_years?"),
])
def test_override_messages(override, words):
    from ekte.errors import ConfigError
    from ekte.profile import load_profile

    with pytest.raises(ConfigError) as e:
        load_profile(None, [override])
    assert str(e.value).startswith(f"-o {override}: ") and words in str(e.value)


def test_a_profile_file_error_still_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[profile]\nname = "x"\nextends = "landkreis"\n[ocr]\njobs = "viele"\n')
    p = run_ekte("profiles", "show", bad)
    assert p.returncode == 2 and f"{bad}: ocr.jobs" in p.stderr


@pytest.mark.parametrize("module", ["ekte", "ekte.cli"])
def test_every_entry_point_knows_the_late_registered_groups(module):
    """`python -m ekte.cli` ran main() before the review/journal/… groups were added ("No such command")."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    for group in ("review", "journal"):
        p = subprocess.run([sys.executable, "-m", module, group, "--help"], capture_output=True, text=True,
                           env=env, timeout=120, stdin=subprocess.DEVNULL)
        assert p.returncode == 0 and "No such command" not in p.stderr, (module, group, p.stderr[-500:])
