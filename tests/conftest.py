import json
import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import ROOT, SAMPLES, SHARED, ekte_cmd, ingest_json, run_ekte  # noqa: E402,F401

sys.path.insert(0, str(SAMPLES))
sys.path.insert(0, str(ROOT / "tests" / "plugins"))

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


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


