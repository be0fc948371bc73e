"""fresh43 F3: two working directories hand the same originals to one komXwork hot folder — one after the
other and at the same time (real processes). ``<uuid>.pdf`` is never replaced; the manifests list exactly
what is in the folder."""

import errno
import hashlib
import os
import subprocess
import sys

import pytest
from lxml import etree

from helpers import ingest_json

HF = "urn:ekte:hotfolder:1"


def _sha(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _listed(hf) -> list:
    """(dokumentID, datei, sha256) of every manifest entry, each checked against the folder."""
    out = []
    for m in sorted((hf / "_ekte").glob("stapel-*.xml")):
        for e in etree.parse(str(m)).getroot().findall(f"{{{HF}}}Eintrag"):
            assert _sha(hf / e.get("datei")) == e.get("sha256"), (m.name, e.get("datei"))
            out.append(e.get("dokumentID"))
    return out


def _refuse(code):
    def call(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    return call


@pytest.mark.parametrize("fs", ["local", "no hard links", "neither (CIFS, FAT)"])
def test_noreplace_publish_keeps_the_first_file(tmp_path, monkeypatch, fs):
    """On a file system without hard links or RENAME_NOREPLACE (review43 F7: a Windows share, where every
    komXwork export failed): what the kernel answers there, per link(2) and renameat2(2) — EPERM, EINVAL."""
    from ekte.connectors import below

    if fs != "local":
        monkeypatch.setattr(below.os, "link", _refuse(errno.EPERM))
    if fs.startswith("neither"):
        monkeypatch.setattr(below, "_renameat2_noreplace", _refuse(errno.EINVAL))
    dfd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for n, data in enumerate((b"first", b"second")):
            (tmp_path / f"t{n}").write_bytes(data)
            if n == 0:
                below.publish_noreplace(dfd, "t0", "x.pdf")
            else:
                with pytest.raises(FileExistsError):
                    below.publish_noreplace(dfd, "t1", "x.pdf")
        assert (tmp_path / "x.pdf").read_bytes() == b"first" and not (tmp_path / "t0").exists()
        assert (tmp_path / "t1").read_bytes() == b"second"  # (the writer removes its own temporary file)
    finally:
        os.close(dfd)


def _inbox(born_digital, tmp_path, n):
    src, _ = born_digital
    one = tmp_path / "one"
    one.mkdir()
    for f in sorted(src.glob("*.pdf"))[:n]:
        (one / f.name).write_bytes(f.read_bytes())
    return one


def test_a_second_working_directory_leaves_the_hot_folder_alone(born_digital, tmp_path):
    one = _inbox(born_digital, tmp_path, 2)
    hf = tmp_path / "wd1" / "export" / "komxwork"
    first = ingest_json(one, "-w", tmp_path / "wd1", "-c", "komxwork", check=0)
    before = {p.name: p.read_bytes() for p in hf.iterdir() if p.is_file()}
    second = ingest_json(one, "-w", tmp_path / "wd2", "-c", "komxwork", "-o", f"connectors.komxwork.path={hf}",
                         check=0)
    assert [d["export_results"]["komxwork"] for d in first["documents"]] == ["exported"] * 2
    assert [d["export_results"]["komxwork"] for d in second["documents"]] == ["already-exported"] * 2
    assert {p.name: p.read_bytes() for p in hf.iterdir() if p.is_file()} == before
    assert sorted(_listed(hf)) == sorted(p.stem for p in hf.glob("*.ready"))


@pytest.mark.slow  # two ingests at once
def test_two_working_directories_at_once_list_each_file_once(born_digital, tmp_path):
    one = _inbox(born_digital, tmp_path, 6)
    hf = tmp_path / "hot"
    hf.mkdir()
    procs = [subprocess.Popen([sys.executable, "-m", "ekte", "ingest", "--json", str(one), "-w",
                               str(tmp_path / f"wd{n}"), "-c", "komxwork", "-j", "1",
                               "-o", f"connectors.komxwork.path={hf}"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in (1, 2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-2000:] for o in outs]
    ready = sorted(p.stem for p in hf.glob("*.ready"))
    assert len(ready) == 6 and len(list(hf.glob("*.pdf"))) == 6
    assert sorted(_listed(hf)) == ready  # each file once, with the bytes that are there


def test_manifests_beside_indexes_without_a_marker_are_refused(tmp_path):
    """F6: ``meta_folder = ""`` with ``ready_suffix = ""`` would put stapel-*.xml and index.xsd among the
    indexes an importer takes by ``*.xml``: profiles check refuses it with the reason; either alone is fine."""
    from helpers import run_ekte

    for meta, sfx, ok in (('""', '""', False), ('""', '".ready"', True), ('"_ekte"', '""', True)):
        prof = tmp_path / "p.toml"
        prof.write_text(f'[profile]\nname = "f6"\nextends = "landkreis"\n[connectors.komxwork]\n'
                        f'meta_folder = {meta}\nready_suffix = {sfx}\n', "utf-8")
        p = run_ekte("profiles", "check", prof)
        assert (p.returncode == 0) == ok, (meta, sfx, p.stdout, p.stderr)
        if not ok:
            assert "meta_folder \"\" needs a ready_suffix" in p.stdout + p.stderr


def test_an_abandoned_foreign_copy_is_an_error_once_and_replaced_with_force(born_digital, tmp_path):
    """review43 F1: a <uuid>.pdf of other bytes without its marker (a run killed between the PDF and the index)
    blocked every other working directory for ever as "another export is writing" (transient, --force too).
    Older than komxwork.ABANDONED_AFTER it is an error saying what to do; --force replaces it."""
    from helpers import run_ekte

    one = _inbox(born_digital, tmp_path, 1)
    hf = tmp_path / "wd1" / "export" / "komxwork"
    ingest_json(one, "-w", tmp_path / "wd1", "-c", "komxwork", check=0)
    (pdf,) = hf.glob("*.pdf")
    for p in list(hf.glob(pdf.stem + ".*")):
        if p != pdf:
            p.unlink()
    os.utime(pdf, (pdf.stat().st_atime - 3600, pdf.stat().st_mtime - 3600))
    old = pdf.read_bytes()
    wd2, hot = tmp_path / "wd2", ["-c", "komxwork", "-o", f"connectors.komxwork.path={hf}"]
    (d,) = ingest_json(one, "-w", wd2, *hot, check=None)["documents"]
    assert d["export_results"]["komxwork"] != "exported" and pdf.read_bytes() == old, d
    p = run_ekte("export", d["id"], "-w", wd2, *hot, "--json")
    assert p.returncode != 0 and "abandoned" in p.stdout + p.stderr and "Traceback" not in p.stderr, p
    run_ekte("export", d["id"], "-w", wd2, *hot, "--force", check=0)
    assert pdf.read_bytes() != old and (hf / f"{pdf.stem}.ready").exists() and (hf / f"{pdf.stem}.xml").exists()
