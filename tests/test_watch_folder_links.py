"""A folder moved into a watched inbox that holds a link to a folder elsewhere
(fresh41 F6: a link to /etc made the daemon rename 354 files out of /etc into
its quarantine): what lies behind the link is never read, moved or removed;
the link itself is reported once and left.  And `behind_link`, the check every
move of an input makes, on real links."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from helpers import NO_FIELD_REVIEW, SAMPLES, ekte_cmd

from ekte.fstarget import behind_link
import pytest


def _tree(d: Path) -> dict:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
def test_a_folder_moved_in_with_a_link_leaves_what_it_points_at_untouched(tmp_path):
    decoy = tmp_path / "decoy"
    (decoy / "sub").mkdir(parents=True)
    (decoy / "notes.txt").write_text("secret1")
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", decoy / "sub" / "akte.pdf")
    before = _tree(decoy)
    stage = tmp_path / "stage" / "pkg"
    stage.mkdir(parents=True)
    os.symlink(decoy, stage / "link")
    shutil.copy(SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", stage / "eigene.pdf")
    inbox, wd = tmp_path / "in", tmp_path / "wd"
    inbox.mkdir(mode=0o750)
    proc = subprocess.Popen(ekte_cmd() + ["watch", str(inbox), "-w", str(wd), "--stable-seconds", "0.5",
                                          *NO_FIELD_REVIEW, "--rescan-minutes", "0.02", "--log-format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (wd / "status.json").exists():
            time.sleep(0.2)
        os.rename(stage, inbox / "pkg")  # the folder arrives in one rename
        st = {}
        while time.monotonic() < deadline:
            st = json.loads((wd / "status.json").read_text())
            if st.get("done") == 1 and st.get("failed") == 1 and st.get("in_flight") == 0:
                break
            time.sleep(0.3)
        time.sleep(3)  # several rescans (every 1.2 s), each walking the moved-in folder
        st = json.loads((wd / "status.json").read_text())
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in err, err[-3000:]
    assert (st["done"], st["failed"]) == (1, 1), st  # its own file archived; the link reported, once
    assert [e["code"] for e in st["last_errors"]] == ["symlink"], st["last_errors"]
    assert _tree(decoy) == before  # nothing behind the link moved, removed or changed
    assert os.path.islink(inbox / "pkg" / "link")
    inboxes = [p for p in (wd / "quarantine").rglob("*") if "inbox" in p.parts]
    assert inboxes == [], inboxes


def test_behind_link_on_real_links(tmp_path):
    root, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    (root / "a").mkdir(parents=True)
    (elsewhere / "b").mkdir(parents=True)
    os.symlink(elsewhere, root / "a" / "link")
    (root / "a" / "f.pdf").write_bytes(b"%PDF")
    (elsewhere / "b" / "g.pdf").write_bytes(b"%PDF")
    assert not behind_link(root / "a" / "f.pdf", [root])
    assert behind_link(root / "a" / "link" / "b" / "g.pdf", [root])  # the path goes through the link
    assert not behind_link(root / "a" / "link", [root])  # the link itself is an entry of the inbox
    assert behind_link(elsewhere / "b" / "g.pdf", [root])  # in no root
    assert not behind_link(root / "a" / "f.pdf", [root / "a" / "f.pdf"])  # a root named as a file
    os.symlink(root, tmp_path / "in-link")  # a root given as a link is the user's choice: taken as given
    assert not behind_link(tmp_path / "in-link" / "a" / "f.pdf", [tmp_path / "in-link"])
