"""Where an original goes in a done folder (fsutil.free_target) when its name is taken: ".1", ".2" … and,
for a name at the file system's limit of 255 bytes, a shortened stem (fresh30 G15: the second file of a
255-byte name stayed in the watched inbox, "File name too long")."""

import os

from ekte.fsutil import free_target


def test_a_taken_name_gets_a_number(tmp_path):
    (tmp_path / "done").mkdir()
    (tmp_path / "done" / "a.pdf").write_bytes(b"x")
    assert free_target(tmp_path / "in" / "a.pdf", [], tmp_path / "done").name == "a.1.pdf"


def test_a_name_at_the_limit_is_shortened_to_fit(tmp_path):
    done = tmp_path / "done"
    done.mkdir()
    for name in ("a" * 251 + ".pdf", "ä" * 125 + "b.pdf"):  # 255 bytes each (ä: two bytes in UTF-8)
        assert len(os.fsencode(name)) == 255
        (done / name).write_bytes(b"1")
        for n in (1, 2):
            t = free_target(tmp_path / "in" / name, [], done)
            assert t.name.endswith(f".{n}.pdf") and len(os.fsencode(t.name)) <= 255
            t.write_bytes(b"2")  # a real file of that name can be made
