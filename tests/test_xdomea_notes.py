"""review43: an incoming container's transfer notes (ekte.xdomea_notes.take) through the real container reader
(ekte.package.Package) — untrusted: bounded per Dokument, each file once, no DOCTYPE sent on, a note's root."""

import zipfile

from ekte import fsutil, xdomea_notes
from ekte.package import Package

NOTE = b'<?xml version="1.0" encoding="UTF-8"?><Transfervermerk xmlns="urn:x"><Scan>TR-RESISCAN</Scan></Transfervermerk>'
DTD = (b'<?xml version="1.0"?><!DOCTYPE Transfervermerk [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b'<Transfervermerk>&x;</Transfervermerk>')
OTHER = b'<?xml version="1.0"?><Rechnung><Betrag>1</Betrag></Rechnung>'


def _pkg(tmp_path, files):
    z = tmp_path / "c.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in files.items():
            out.writestr(name, data)
    return Package(z, 1 << 30, max_ratio=200)


def test_notes_naming_one_file_many_times_are_kept_once_and_at_most_two(tmp_path):
    """F2: 64 Anlagen of one Dokument naming the same 1 MiB note were 64 copies in its metadata.json."""
    big = NOTE.replace(b"TR-RESISCAN", b"TR-RESISCAN" + b" " * 4000)
    pkg = _pkg(tmp_path, {"n.xml": big, "m.xml": NOTE, "k.xml": NOTE})
    notes = [{"datei": "n.xml"}] * 5 + [{"datei": "m.xml"}, {"datei": "k.xml"}]
    got = xdomea_notes.take(pkg, notes)
    kept = [n for n in got if "xml" in n]
    assert [n["datei"] for n in kept] == ["n.xml"], got
    assert len(got) == 7 and all("not kept" in n["error"] for n in got if "xml" not in n)
    assert xdomea_notes.take(pkg, [{"datei": "n.xml"}, {"datei": "m.xml"}, {"datei": "k.xml"}])[2]["error"]


def test_a_note_with_a_doctype_or_another_root_is_not_kept_to_be_sent_on(tmp_path):
    """F3: a DOCTYPE with an external entity was kept and sent on byte for byte to the next receiver."""
    pkg = _pkg(tmp_path, {"d.xml": DTD, "o.xml": OTHER, "n.xml": NOTE})
    d, o = xdomea_notes.take(pkg, [{"datei": "d.xml"}]), xdomea_notes.take(pkg, [{"datei": "o.xml"}])
    assert "DOCTYPE" in d[0]["error"] and "xml" not in d[0] and "passwd" not in str(d)
    assert "Transfervermerk" in o[0]["error"] and "xml" not in o[0]
    (n,) = xdomea_notes.take(pkg, [{"datei": "n.xml", "hash": fsutil.sha256_bytes(NOTE)}])
    assert n["xml"] == NOTE.decode() and n["sha256"] == fsutil.sha256_bytes(NOTE)


def test_an_incoming_original_name_goes_out_as_a_bare_file_name():
    """F5: DateinameOriginal from an incoming message went out with its folders and control characters."""
    from ekte.connectors.xdomea import sent_name

    assert sent_name("../../etc/Antrag Müller\nx.tif", ".pdf") == "Antrag Müller\\x0ax.pdf"
    assert sent_name("Antrag\\x1b[31m.pdf", ".pdf") == "Antrag\\x1b[31m.pdf"  # ekte's own escaped form kept
    assert sent_name("C:\\Users\\mm\\scan.tif", ".pdf") == "scan.pdf"
    assert sent_name("masern-007-pdf.pdf", ".pdf") == "masern-007-pdf.pdf" and sent_name("..", ".pdf") is None
