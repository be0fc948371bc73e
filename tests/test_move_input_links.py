"""An input leaves its inbox relative to its folder opened from the input root without following links
(review41 R6): a folder swapped for a link between the daemon's ``behind_link`` check and the rename or
removal cannot carry the move to, or the removal into, the place the link points at.  Real folders and
links; the swap is done before the call, which is what a racing sender achieves in the window."""

import os
import tempfile
from pathlib import Path

import pytest

from ekte import fstarget, fsutil


def _inbox_and_decoy(tmp_path):
    inbox, decoy = tmp_path / "in", tmp_path / "decoy"
    (inbox / "sub").mkdir(parents=True)
    decoy.mkdir()
    src = inbox / "sub" / "scan.pdf"
    src.write_bytes(b"%PDF-1.4 the sender's file")
    (decoy / "scan.pdf").write_bytes(b"%PDF-1.4 somebody else's file")
    return inbox, decoy, src


@pytest.fixture()
def swapped(tmp_path):
    """inbox/sub/scan.pdf, then inbox/sub replaced by a link to a decoy folder holding its own scan.pdf."""
    inbox, decoy, src = _inbox_and_decoy(tmp_path)
    os.rename(inbox / "sub", tmp_path / "sub-away")
    (inbox / "sub").symlink_to(decoy)
    return inbox, decoy, src


def test_a_move_through_a_swapped_folder_is_refused(swapped, tmp_path):
    inbox, decoy, src = swapped
    with pytest.raises(fsutil.NotMoved):
        fsutil.move_input(src, tmp_path / "done" / "scan.pdf", None, [inbox])
    assert (decoy / "scan.pdf").read_bytes() == b"%PDF-1.4 somebody else's file"
    assert not (tmp_path / "done" / "scan.pdf").exists()


def test_a_removal_through_a_swapped_folder_is_refused(swapped):
    inbox, decoy, src = swapped
    with pytest.raises(fsutil.NotMoved):
        fstarget.remove_input(src, [inbox])
    assert (decoy / "scan.pdf").exists()


def test_ordinary_moves_still_work_on_one_and_across_file_systems(tmp_path):
    inbox = tmp_path / "in"
    (inbox / "a" / "b").mkdir(parents=True)
    one = inbox / "a" / "b" / "one.pdf"
    one.write_bytes(b"%PDF-1.4 one")
    done = fsutil.move_input(one, tmp_path / "done" / "a" / "b" / "one.pdf", fsutil.sha256_file(one), [inbox])
    assert done.read_bytes() == b"%PDF-1.4 one" and not one.exists()
    two = inbox / "a" / "two.pdf"
    two.write_bytes(b"%PDF-1.4 two")
    with pytest.raises(fsutil.NotMoved):  # the sender changed it after it was read
        fsutil.move_input(two, tmp_path / "done" / "two.pdf", fsutil.sha256_bytes(b"other"), [inbox])
    assert two.exists()
    if not Path("/dev/shm").is_dir() or os.stat("/dev/shm").st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system here")
    with tempfile.TemporaryDirectory(dir="/dev/shm") as other:  # copied, verified, removed by its folder
        moved = fsutil.move_input(two, Path(other) / "two.pdf", fsutil.sha256_file(two), [inbox])
        assert moved.read_bytes() == b"%PDF-1.4 two" and not two.exists()
    pkg = inbox / "pkg"
    (pkg / "x").mkdir(parents=True)
    (pkg / "x" / "f.txt").write_text("part")
    fstarget.remove_input(pkg, [inbox])
    assert not pkg.exists() and inbox.is_dir()


def test_a_copy_across_file_systems_takes_the_file_that_was_opened(tmp_path, monkeypatch):
    """review42 R5: across file systems the file was copied by its path — a folder swapped for a link after the
    hash put the decoy's bytes into the done folder and deleted the real original.  Now it is copied from the
    file opened in its folder.  The swap is made inside the window (when the copy starts)."""
    if not Path("/dev/shm").is_dir() or os.stat("/dev/shm").st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system here")
    inbox, decoy, src = _inbox_and_decoy(tmp_path)
    real_copy = fsutil.copy_file

    def swap_then_copy(a, b, *args, **kw):
        os.rename(inbox / "sub", tmp_path / "sub-away")
        (inbox / "sub").symlink_to(decoy)
        monkeypatch.setattr(fsutil, "copy_file", real_copy)
        return real_copy(a, b, *args, **kw)

    monkeypatch.setattr(fsutil, "copy_file", swap_then_copy)
    with tempfile.TemporaryDirectory(dir="/dev/shm") as other:
        moved = fsutil.move_input(src, Path(other) / "scan.pdf", fsutil.sha256_file(src), [inbox])
        assert moved.read_bytes() == b"%PDF-1.4 the sender's file"
    assert (decoy / "scan.pdf").read_bytes() == b"%PDF-1.4 somebody else's file"
    assert not (tmp_path / "sub-away" / "scan.pdf").exists()  # moved (copied, then removed from its own folder)
