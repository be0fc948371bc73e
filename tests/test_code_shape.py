"""The shape rules of ARCHITECTURE.md: no module of ekte (ekte/profile.py exempt) or of a
plugin's package over 400 lines, no function over 60; workers import nothing of the
coordinator; the watcher uses no private pipeline name; stages and connectors never
import the pipeline."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EKTE = ROOT / "ekte"
#: ekte/profile.py alone is exempt (the profile's settings, one dataclass per section)
EXEMPT = {EKTE / "profile.py"}
#: every module of ekte and of the plugins' packages (plugins/<name>/<package>/, not their tests), so that a new
#: module is checked without being listed
PLUGIN_PACKAGES = sorted(d.parent for d in ROOT.glob("plugins/*/*/__init__.py") if d.parent.name != "tests")
CHECKED = sorted(p for p in [*EKTE.rglob("*.py"), *(q for d in PLUGIN_PACKAGES for q in d.rglob("*.py"))]
                 if p not in EXEMPT)


def _functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_every_module_is_checked():
    assert EKTE / "cli.py" in CHECKED and EKTE / "stages" / "extract" / "values.py" in CHECKED
    assert EKTE / "profile.py" not in CHECKED
    assert {d.name for d in PLUGIN_PACKAGES} >= {"ekte_portal", "ekte_separate"}
    assert not any("tests" in p.relative_to(ROOT).parts for p in CHECKED)


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_and_function_size(path):
    src = path.read_text()
    assert len(src.splitlines()) <= 400, f"{path.name}: {len(src.splitlines())} lines"
    for fn in _functions(ast.parse(src)):
        n = fn.end_lineno - fn.lineno + 1
        assert n <= 60, f"{path.name}: {fn.name} has {n} lines"


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, []


def test_import_rules():
    allowed_for_workers = {"ekte.pipeline.tasks"}
    for mod, _names in _imports(EKTE / "pipeline" / "workers.py"):
        assert not mod.startswith("ekte.pipeline") or mod in allowed_for_workers, mod
    # the Dask worker side: the task and result types and the local pool it runs them in, nothing else
    allowed_for_dask_workers = {"ekte.pipeline.tasks", "ekte.pipeline.executor"}
    for name in ("worker.py", "fingerprint.py"):
        for mod, _names in _imports(EKTE / "distributed" / name):
            assert not mod.startswith("ekte.pipeline") or mod in allowed_for_dask_workers, (name, mod)
            assert mod != "ekte.distributed.executor", name
    for path in (EKTE / "watch").glob("*.py"):
        for mod, names in _imports(path):
            if mod.startswith("ekte.pipeline"):
                assert not any(n.startswith("_") for n in names), (path.name, mod, names)
    for path in [*(EKTE / "stages").rglob("*.py"), *(EKTE / "connectors").rglob("*.py")]:
        for mod, _names in _imports(path):
            assert not mod.startswith("ekte.pipeline") and not mod.startswith("ekte.watch"), (path, mod)


def test_one_place_for_each_decision():
    """mend8 #5 (duplicates found the twins): "taken in before" is decided in watch.status alone (the daemon's
    counts and its disposal's log line), and the HTTP spool, a pipeline module, looks at no e-mail — the intake's
    API does, with the upload's first bytes (as many as ekte.mail.sniff reads)."""
    from ekte.mail.sniff import HEAD_BYTES
    from ekte.pipeline.spool import HEAD

    assert not any(mod.startswith("ekte.mail") for mod, _n in _imports(EKTE / "pipeline" / "spool.py"))
    assert HEAD >= HEAD_BYTES
    assert "is_message" in (EKTE / "serve" / "intake_api.py").read_text()
    for name in ("status.py", "disposal.py"):
        src = (EKTE / "watch" / name).read_text()
        assert src.count('"done_before" in doc.extra') == (1 if name == "status.py" else 0), name

