"""A sender's file name with control characters (fresh32 F2): ESC sequences, BEL, a newline, a bidi
override never reach the terminal raw — not in ingest's tables, review list/show, history, nor a log line;
they are shown as ``\\x1b`` / ``\\u202e``.  JSON keeps the name as it is (json escapes it)."""

import json
import re
import shutil

import pytest

from helpers import SAMPLES, run_ekte

RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NAMES = {"bauantrag-002-pdf.pdf": "esc\x1b[31mrot\u202e.pdf", "kfz_zulassung-001-pdf.pdf": "zeile\nFAKE: ok.pdf"}
EMPTY = "x\x1b]0;HACKED\x07\x1b[2Jleer\nFAKE: alles ok.pdf"


def _clean(p, cols):
    for stream in (p.stdout, p.stderr):
        assert not RAW.search(stream), (cols, stream)
        assert not any(line.lstrip("│┃ ").startswith("FAKE") for line in stream.splitlines()), (cols, stream)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_control_characters_in_names_shown_escaped(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for sample, name in NAMES.items():
        shutil.copy(SAMPLES / "inbox" / sample, inbox / name)
    (inbox / EMPTY).write_bytes(b"")
    wd = tmp_path / "wd"
    wide = {"COLUMNS": "200"}
    p = run_ekte("ingest", inbox, "-w", wd, "-o", "classify.threshold=0.99", env=wide)
    assert p.returncode in (0, 1), p.stderr
    _clean(p, "ingest")
    assert "x\\x1b]0;HACKED" in p.stdout and "\\x0aFAKE: alles ok.pdf" in p.stdout
    items = json.loads(run_ekte("review", "list", "-w", wd, "--json", check=0).stdout)
    items = items if isinstance(items, list) else items["items"]
    assert sorted(i["source"].rsplit("/", 1)[-1] for i in items) == sorted(NAMES.values())  # JSON: the name itself
    for cols in ("200", "80"):  # a table, and one block per document on a narrow terminal
        p = run_ekte("review", "list", "-w", wd, check=0, env={"COLUMNS": cols})
        _clean(p, cols)
        assert "esc\\x1b[31mrot\\u202e.pdf" in p.stdout.replace("\n", "") or "\\x1b" in p.stdout, p.stdout
    for i in items:
        for cmd in (("review", "show", i["id"]), ("history", i["id"])):
            p = run_ekte(*cmd, "-w", wd, check=0, env=wide)
            _clean(p, cmd)
    shown = run_ekte("review", "show", [i for i in items if "zeile" in i["source"]][0]["id"], "-w", wd, check=0).stdout
    assert "zeile\\x0aFAKE: ok.pdf" in shown


def test_a_cell_of_ekte_s_own_lines_keeps_them_and_a_name_s_newline_is_written_out():
    """render's consoles: a Lines cell (a plugin's kinds, export targets, a queue entry's notes) keeps its
    newlines; a plain cell (a file name) shows a newline as \\x0a; other control characters are escaped in both."""
    import io

    from rich.table import Table

    from ekte.render import ShownConsole
    from ekte.shown import Lines

    buf = io.StringIO()
    con = ShownConsole(file=buf, width=120, color_system=None)
    t = Table()
    t.add_column("a")
    t.add_column("b")
    t.add_row(Lines("connectors: x\nclassifiers: \x1b[2Jy"), "evil\nFAKE.pdf")
    con.print(t)
    shown = buf.getvalue()
    assert "connectors: x" in shown and "classifiers: \\x1b[2Jy" in shown and "\x1b" not in shown
    assert "x\\x0aclassifiers" not in shown and "evil\\x0aFAKE.pdf" in shown
    # rich's public render_str hook does it: the table itself is left as it was given (no private _cells rewrite)
    assert list(t.columns[1].cells) == ["evil\nFAKE.pdf"]
    buf.seek(0)
    buf.truncate(0)
    con.print("eigene\nZeilen \x1b[31m", Lines("a\nb"))  # ekte's own message keeps its newline, a control is shown
    assert buf.getvalue().startswith("eigene\nZeilen \\x1b[31m a\nb"), repr(buf.getvalue())
