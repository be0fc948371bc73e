"""fresh43 F5: commands that export nothing (review, history) do not need a connector's secret; the
connector reads it when it first talks to the DMS, and an export without it says what is missing."""

import json
import os

from helpers import run_ekte

PROFILE = """[profile]
name = "f5"
extends = "landkreis"
[export]
connectors = ["folder", "cmis"]
[connectors.cmis]
url = "http://127.0.0.1:9/cmis/browser"
username = "ekte"
password_env = "EKTE_F5_NOT_SET_PW"
"""


def test_review_and_history_work_without_the_dms_password(born_digital, tmp_path):
    src, _ = born_digital
    one = tmp_path / "one"
    one.mkdir()
    f = sorted(src.glob("*.pdf"))[0]
    (one / f.name).write_bytes(f.read_bytes())
    prof = tmp_path / "prof.toml"
    prof.write_text(PROFILE, "utf-8")
    wd = tmp_path / "wd"
    assert "EKTE_F5_NOT_SET_PW" not in os.environ
    p = run_ekte("ingest", "--json", one, "-p", prof, "-w", wd, "-c", "folder", check=0)
    doc = json.loads(p.stdout)["documents"][0]
    run_ekte("review", "list", "-p", prof, "-w", wd, check=0)
    hist = run_ekte("history", doc["id"], "-p", prof, "-w", wd, check=0)
    assert doc["id"] in hist.stdout
    # an export to the DMS without the password: refused with the reason, no traceback, the document owed
    p = run_ekte("export", "--all", "-c", "cmis", "-p", prof, "-w", wd)
    assert p.returncode != 0 and "EKTE_F5_NOT_SET_PW is not set" in p.stdout + p.stderr
    assert "Traceback" not in p.stderr
