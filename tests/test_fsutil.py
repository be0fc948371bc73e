"""Temporary names carry their writer; only a dead writer's leftovers are
cleaned; move_input is the one way an input leaves an inbox."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ekte import fsutil, owner


def _dead_token() -> str:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    me = owner.current()
    return f"{owner.host_hash(me.host)}-{me.boot}-{p.pid}-1"


def test_only_a_dead_writers_leftovers_are_cleaned(tmp_path):
    with fsutil.staged_dir(tmp_path / "doc") as t:
        (t / "a").write_text("1")
        live = list(tmp_path.glob(".ekte-tmp-*"))
        assert [p.name for p in live] == [t.name] and t.name.startswith(fsutil.tmp_prefix())
        dead = _dead_token()
        (tmp_path / f".ekte-tmp-{dead}-x1").mkdir()  # a dead process's half-built folder
        (tmp_path / f".ekte-tmp-{dead}-x2").write_text("half")  # … and file
        (tmp_path / f".ekte-tmp-old-{dead}-kept").mkdir()  # its replace, cut short: the old copy is the valid one
        (tmp_path / ".ekte-tmp-abc123xy").write_text("older release")
        (tmp_path / ".ekte-tmp-ffffff-0-1-1-z").write_text("another host: unknown")
        assert fsutil.clean_stale_tmp(tmp_path) == 4
        assert t.is_dir()  # this process's work in progress survives
        assert (tmp_path / "kept").is_dir()
        left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".ekte-tmp-"))
        assert left == sorted([t.name, ".ekte-tmp-ffffff-0-1-1-z"])
    assert (tmp_path / "doc" / "a").read_text() == "1"


def test_move_input_renames_verifies_and_refuses_a_changed_file(tmp_path):
    src = tmp_path / "in" / "a.pdf"
    src.parent.mkdir()
    src.write_bytes(b"%PDF-1.4 abc")
    sha = fsutil.sha256_file(src)
    src.write_bytes(b"%PDF-1.4 changed")
    with pytest.raises(fsutil.NotMoved):
        fsutil.move_input(src, tmp_path / "done" / "a.pdf", sha)
    assert src.exists() and not (tmp_path / "done").exists()
    dst = fsutil.move_input(src, tmp_path / "done" / "sub" / "a.pdf", fsutil.sha256_file(src))
    assert dst.read_bytes() == b"%PDF-1.4 changed" and not src.exists()


@pytest.mark.skipif(os.stat("/dev/shm").st_dev == os.stat(tempfile.gettempdir()).st_dev,
                    reason="needs two file systems")
def test_move_input_across_file_systems_copies_files_and_folders(tmp_path):
    with tempfile.TemporaryDirectory(dir="/dev/shm") as other:
        pkg = Path(other) / "pkg"
        (pkg / "sub").mkdir(parents=True)
        (pkg / "a.xml").write_text("<a/>")
        (pkg / "sub" / "b.pdf").write_bytes(b"%PDF")
        dst = fsutil.move_input(pkg, tmp_path / "done" / "pkg")
        assert not pkg.exists()
        assert sorted(str(p.relative_to(dst)) for p in dst.rglob("*") if p.is_file()) == ["a.xml", "sub/b.pdf"]
        f = Path(other) / "c.pdf"
        f.write_bytes(b"%PDF-c")
        fsutil.move_input(f, tmp_path / "done" / "c.pdf", fsutil.sha256_file(f))
        assert (tmp_path / "done" / "c.pdf").read_bytes() == b"%PDF-c" and not f.exists()


def test_move_input_from_a_read_only_inbox_leaves_no_copy(tmp_path):
    """fresh31 H5: the inbox a read-only mount (an SMB/NFS share; its own mount: rename fails EXDEV): the copy
    made in the done folder is removed again when the original cannot be, the error says it was the inbox's —
    and a second try (the next rescan) leaves no `.1` copy either; a package folder likewise."""
    import shutil

    if shutil.which("unshare") is None or subprocess.run(["unshare", "-Urm", "true"]).returncode != 0:
        pytest.skip("no user and mount namespaces here (unshare -Urm)")
    inbox, done = tmp_path / "in", tmp_path / "done"
    (inbox / "pkg").mkdir(parents=True)
    (inbox / "x.pdf").write_bytes(b"%PDF-1.4 the original")
    (inbox / "pkg" / "a.xml").write_text("<a/>")
    code = ("import sys; from pathlib import Path; from ekte import fsutil\n"
            "i, d = Path(sys.argv[1]), Path(sys.argv[2])\n"
            "for name in ['x.pdf', 'x.pdf', 'pkg', 'pkg']:\n"
            "    try:\n"
            "        fsutil.move_input(i / name, fsutil.free_target(i / name, [i], d))\n"
            "    except OSError as e:\n"
            "        print(name, e.errno, getattr(e, 'in_inbox', False))\n")
    script = f'mount --bind "{inbox}" "{inbox}" && mount -o remount,ro,bind "{inbox}" && exec "$@"'
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run(["unshare", "-Urm", "sh", "-c", script, "sh", sys.executable, "-c", code, str(inbox), str(done)],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.split("\n")[:4] == [f"{n} 30 True" for n in ("x.pdf", "x.pdf", "pkg", "pkg")], out
    assert [p.name for p in done.rglob("*") if p.is_file()] == [], sorted(done.rglob("*"))  # no copy, not one per try
    assert (inbox / "x.pdf").read_bytes() == b"%PDF-1.4 the original" and (inbox / "pkg" / "a.xml").exists()


def test_a_package_moved_across_file_systems_copies_a_link_inside_as_a_link(tmp_path):
    """review42 R5 for package folders: across file systems (EXDEV) a package was copied by path, a link in it
    followed — a file outside the inbox landed in the done folder as the package's content.  Now the package is
    walked through descriptors: the link is copied as a link, what it points at is neither copied nor touched."""
    import shutil

    if shutil.which("unshare") is None or subprocess.run(["unshare", "-Urm", "true"]).returncode != 0:
        pytest.skip("no user and mount namespaces here (unshare -Urm)")
    inbox, done, outside = tmp_path / "in", tmp_path / "done", tmp_path / "secret.txt"
    (inbox / "pkg" / "sub").mkdir(parents=True)
    outside.write_text("not the package's")
    (inbox / "pkg" / "a.xml").write_text("<a/>")
    (inbox / "pkg" / "sub" / "b.pdf").write_bytes(b"%PDF-1.4 b")
    (inbox / "pkg" / "sub" / "link.txt").symlink_to(outside)
    (inbox / "pkg" / "linkdir").symlink_to(tmp_path)  # review43 F6: a link to a folder, an empty folder
    (inbox / "pkg" / "empty").mkdir()
    code = ("import sys; from pathlib import Path; from ekte import fsutil\n"
            "i, d = Path(sys.argv[1]), Path(sys.argv[2])\n"
            "print(fsutil.move_input(i / 'pkg', fsutil.free_target(i / 'pkg', [i], d), roots=[i]))\n")
    script = f'mount --bind "{inbox}" "{inbox}" && exec "$@"'  # its own mount: rename fails with EXDEV
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run(["unshare", "-Urm", "sh", "-c", script, "sh", sys.executable, "-c", code, str(inbox), str(done)],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out
    moved = Path(out.stdout.strip())
    assert moved.parent == done and not (inbox / "pkg").exists()
    assert (moved / "a.xml").read_text() == "<a/>" and (moved / "sub" / "b.pdf").read_bytes() == b"%PDF-1.4 b"
    link = moved / "sub" / "link.txt"
    assert link.is_symlink() and os.readlink(link) == str(outside), sorted(moved.rglob("*"))
    assert outside.read_text() == "not the package's"
    assert (moved / "linkdir").is_symlink() and os.readlink(moved / "linkdir") == str(tmp_path)
    assert (moved / "empty").is_dir() and not any((moved / "empty").iterdir())
