import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(SAMPLES))

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def ekte_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("ekte")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ekte"]


def run_ekte(*args, check=None, env=None, timeout=600, **kw) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(ekte_cmd() + [str(a) for a in args], capture_output=True, text=True, env=e,
                       timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    if check is not None and p.returncode != check:
        raise AssertionError(f"exit {p.returncode} != {check}\nstdout:\n{p.stdout[-3000:]}\nstderr:\n{p.stderr[-3000:]}")
    return p


@pytest.fixture(scope="session")
def shared() -> Path:
    assert SHARED.is_dir(), f"the shared test data folder is missing: {SHARED}"
    return SHARED


@pytest.fixture(scope="session")
def inbox_truth() -> dict:
    return json.loads((SAMPLES / "inbox.truth.json").read_text("utf-8"))


@pytest.fixture
def inbox(tmp_path) -> Path:
    d = tmp_path / "inbox"
    shutil.copytree(SAMPLES / "inbox", d)
    return d


@pytest.fixture(scope="session")
def born_digital(tmp_path_factory) -> tuple[Path, dict]:
    """16 generated born-digital applications (2 per type) and their truth."""
    import generate

    d = tmp_path_factory.mktemp("gen") / "born"
    truth = generate.generate(d, per_type=2, formats=["pdf"], seed=11)
    return d, truth


def ingest_json(*args, check=None) -> dict:
    p = run_ekte("ingest", "--json", *args, check=check)
    try:
        return json.loads(p.stdout)
    except ValueError:
        raise AssertionError(f"no JSON on stdout (exit {p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}")
