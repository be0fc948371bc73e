"""The export folders of the file-writing connectors (fresh37 F2, F4, F16,
F17, F19): a configured folder must exist (a share that is not mounted is
not made on the local disk), nothing below it follows a planted link,
half-written files of a killed ekte are removed, Alfresco names never
replace another document's file, and komXwork's ledger answers "already
exported" after the DMS took the files.  Real folders, links and
processes."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, ingest_json, run_ekte

FILE_CONNECTORS = ["komxwork", "xdomea", "alfresco-bulk", "xaip", "folder"]


@pytest.fixture(scope="module")
def archived(born_digital, tmp_path_factory):
    """Four born-digital documents archived (to the folder connector's own default folder)."""
    src, _ = born_digital
    tmp = tmp_path_factory.mktemp("targets")
    inbox = tmp / "in"
    inbox.mkdir()
    for f in sorted(src.glob("*.pdf"))[:4]:
        shutil.copy(f, inbox / f.name)
    res = ingest_json(inbox, "-w", tmp / "wd", check=0)
    assert (tmp / "wd" / "export" / "folder").is_dir()  # its default folder inside the working directory: made
    return tmp / "wd", res["documents"]


def _wd(archived, tmp_path) -> tuple[Path, list]:
    wd0, docs = archived
    shutil.copytree(wd0, tmp_path / "wd")
    return tmp_path / "wd", docs


def _export(wd: Path, connector: str, path: Path, *extra: str, check=None):
    p = run_ekte("export", *extra, "-w", wd, "-c", connector, "-o", f"connectors.{connector}.path={path}",
                 "-o", "export.retries=0", "--json", check=check)
    return p, json.loads(p.stdout)["documents"] if p.stdout.strip() else []


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 40); make test-slow and CI run it
@pytest.mark.parametrize("connector", FILE_CONNECTORS)
def test_a_missing_export_folder_is_not_made_and_the_export_is_retried_later(archived, tmp_path, connector):
    wd, docs = _wd(archived, tmp_path)
    share = tmp_path / "share" / "eingang"  # the share is not mounted: its mount point is empty
    (tmp_path / "share").mkdir()
    p, out = _export(wd, connector, share, "--all", "--force")
    assert p.returncode == 1
    assert not share.exists()  # nothing made on the local disk
    assert {d["export_results"][connector] for d in out} == {"failed"}
    assert all("does not exist (share not mounted?)" in d["error"]["message"] and
               f"connectors.{connector}.path" in d["error"]["message"] for d in out)
    # mounted again: a plain `ekte export --all` delivers what failed
    share.mkdir()
    # (the folder connector: the journal records the module's export to its default folder, hence --force)
    p, out = _export(wd, connector, share, "--all", *(["--force"] if connector == "folder" else []), check=0)
    assert {d["export_results"][connector] for d in out} == {"exported"}
    assert any(share.iterdir())


def test_a_folder_inside_the_working_directory_is_made_a_link_there_to_a_share_is_not(archived, tmp_path):
    """A relative path (the stadt profile's "dms-eingang") is ekte's own place: made. The same name as a link
    to a share that is not mounted is a share's folder: not made, a transient failure as above."""
    wd, docs = _wd(archived, tmp_path)
    p, out = _export(wd, "komxwork", Path("dms-eingang"), docs[0]["id"], "--force", check=0)
    assert out[0]["export_results"]["komxwork"] == "exported" and any((wd / "dms-eingang").glob("*.pdf"))
    mnt = tmp_path / "mnt"  # an empty mount point
    mnt.mkdir()
    (wd / "to-share").symlink_to(mnt / "eingang")
    p, out = _export(wd, "komxwork", Path("to-share"), docs[0]["id"], "--force")
    assert p.returncode == 1 and "does not exist (share not mounted?)" in out[0]["error"]["message"]
    assert not (mnt / "eingang").exists()


def test_komxwork_meta_folder_link_is_not_followed(archived, tmp_path):
    wd, docs = _wd(archived, tmp_path)
    victim, hot = tmp_path / "victim", tmp_path / "hot"
    victim.mkdir()
    hot.mkdir()
    (hot / "_ekte").symlink_to(victim)
    p, out = _export(wd, "komxwork", hot, docs[0]["id"], "--force")
    assert p.returncode == 1
    (d,) = out
    assert d["export_results"]["komxwork"] == "failed"
    assert "_ekte is a symbolic link below the export folder" in d["error"]["message"]
    assert list(victim.iterdir()) == []


def test_alfresco_folder_link_is_not_followed_but_the_export_folder_may_be_one(archived, tmp_path):
    wd, docs = _wd(archived, tmp_path)
    real, tree, victim = tmp_path / "real", tmp_path / "tree", tmp_path / "victim"
    real.mkdir()
    victim.mkdir()
    tree.symlink_to(real)  # the admin links the share: followed
    p, out = _export(wd, "alfresco-bulk", tree, docs[0]["id"], "--force", check=0)
    (pdf,) = [x for x in real.rglob("*.pdf")]
    top = pdf.relative_to(real).parts[0]  # <aktenplan>
    # someone with write access to the tree swaps <aktenplan> for a link
    shutil.rmtree(real / top)
    (real / top).symlink_to(victim)
    p, out = _export(wd, "alfresco-bulk", tree, docs[0]["id"], "--force")
    assert p.returncode == 1
    assert f"{top} is a symbolic link below the export folder" in out[0]["error"]["message"]
    assert list(victim.iterdir()) == []


def _pair_of_one_type(docs: list) -> list:
    by: dict = {}
    for d in docs:
        by.setdefault(d["doctype"], []).append(d)
    pair = next(v for v in by.values() if len(v) >= 2)
    return pair[:2]


def test_alfresco_name_taken_by_another_document_gets_a_number(archived, tmp_path):
    wd, docs = _wd(archived, tmp_path)
    a, b = _pair_of_one_type(docs)
    tree = tmp_path / "tree"
    tree.mkdir()
    args = ("-o", "connectors.alfresco-bulk.name={doctype}")
    for _ in range(2):  # the second time: each finds its own file (its shadow file names it)
        for d in (a, b):
            _export(wd, "alfresco-bulk", tree, d["id"], "--force", *args, check=0)
    pdfs = sorted(tree.rglob("*.pdf"))
    assert [p.name for p in pdfs] == [f"{a['doctype']} (2).pdf", f"{a['doctype']}.pdf"]
    owners = {Path(f"{p}.metadata.properties.xml").read_text("utf-8").split("<comment>ekte ")[1][:16] for p in pdfs}
    assert owners == {a["id"], b["id"]}
    _, out = _export(wd, "alfresco-bulk", tree, b["id"], "--force", *args, check=0)
    assert out[0]["export_results"]["alfresco-bulk"] == "already-exported"
    assert out[0]["exports"]["alfresco-bulk"].endswith(f"{a['doctype']} (2).pdf")


def test_komxwork_ledger_says_already_exported_after_the_dms_took_the_files(archived, tmp_path):
    wd, docs = _wd(archived, tmp_path)
    hot, took = tmp_path / "hot", tmp_path / "dms"
    hot.mkdir()
    took.mkdir()
    _export(wd, "komxwork", hot, "--all", "--force", check=0)
    for f in hot.glob("*.*"):
        f.rename(took / f.name)  # the importer takes them
    (manifest,) = (hot / "_ekte").glob("stapel-*.xml")
    for f in wd.glob("journal.sqlite*"):
        f.unlink()
    run_ekte("journal", "rebuild", "-w", wd, check=0)
    _, out = _export(wd, "komxwork", hot, "--all", check=0)
    assert {d["export_results"]["komxwork"] for d in out} == {"already-exported"}
    assert [f for f in hot.iterdir() if f.name != "_ekte"] == []
    assert list((hot / "_ekte").glob("stapel-*.xml")) == [manifest]  # every document in one manifest
    # --force asks for re-delivery: written again, and listed in this batch's manifest
    _, out = _export(wd, "komxwork", hot, "--all", "--force", check=0)
    assert {d["export_results"]["komxwork"] for d in out} == {"exported"}
    assert len(list(hot.glob("*.ready"))) == len(docs)
    assert len(list((hot / "_ekte").glob("stapel-*.xml"))) == 2
    n = sqlite3.connect(wd / "state" / "komxwork.sqlite").execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    assert n == 2 * len(docs)


DEAD_WRITER = """
import os, sys, time
from ekte import fsutil
name = os.path.join(sys.argv[1], fsutil.tmp_prefix() + "0a1b2c3d")
with open(name, "wb") as f:
    f.write(b"part of a container")
print(name, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("connector", ["xdomea", "alfresco-bulk", "xaip"])
def test_a_killed_writers_temporary_file_is_removed_a_live_ones_kept(archived, tmp_path, connector):
    wd, docs = _wd(archived, tmp_path)
    out_dir = tmp_path / "dms"
    out_dir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    dead = subprocess.Popen([sys.executable, "-c", DEAD_WRITER, str(out_dir)], stdout=subprocess.PIPE, env=env, text=True)
    live = subprocess.Popen([sys.executable, "-c", DEAD_WRITER, str(out_dir)], stdout=subprocess.PIPE, env=env, text=True)
    try:
        dead_tmp, live_tmp = Path(dead.stdout.readline().strip()), Path(live.stdout.readline().strip())
        dead.send_signal(signal.SIGKILL)
        dead.wait()
        _export(wd, connector, out_dir, docs[0]["id"], "--force", check=0)
        assert not dead_tmp.exists()
        assert live_tmp.exists()  # another ekte still writing it
    finally:
        live.kill()
        live.wait()


def test_profiles_check_warns_of_an_alfresco_name_without_a_unique_part(tmp_path):
    for name, warned in (("{doctype}", True), ("{doctype}_{id}", False)):
        f = tmp_path / "p.toml"
        f.write_text(f'[profile]\nname = "x"\nextends = "landkreis"\n[connectors.alfresco-bulk]\nname = "{name}"\n')
        p = run_ekte("profiles", "check", f)
        assert (p.returncode, "connectors.alfresco-bulk.name" in p.stdout) == ((1, True) if warned else (0, False))


def test_profiles_check_refuses_connector_settings_as_the_export_does_with_the_closest_key(archived, tmp_path):
    """fresh37 F11: check said "ok" to an element mapping every export refused; a mistyped connector key got
    no "did you mean"."""
    wd, docs = _wd(archived, tmp_path)
    f = tmp_path / "p8.toml"
    f.write_text('[profile]\nname = "p8"\nextends = "landkreis"\n[connectors.komxwork.elements]\nEingang = "eingangsdatum"\n')
    line = "connectors.komxwork.elements.Eingang: unknown key 'eingangsdatum'"
    p = run_ekte("profiles", "check", f)
    assert p.returncode == 2 and f"{f}: {line}" in p.stdout
    p = run_ekte("export", "--all", "--force", "-p", f, "-w", wd, "-c", "komxwork")
    assert p.returncode == 2 and line in p.stderr  # the same judgement
    f.write_text('[profile]\nname = "p9"\nextends = "landkreis"\n[connectors.xdomea]\ngroup_bi = "document"\n')
    p = run_ekte("profiles", "check", f, "--json")
    assert p.returncode == 2
    assert json.loads(p.stdout)["files"][0]["errors"] == [
        f"{f}: connectors.xdomea: unknown key(s): group_bi (did you mean group_by?)"]
    p = run_ekte("export", docs[0]["id"], "-w", wd, "-c", "komxwork", "-o", "connectors.komxwork.ready_sufix=.ok")
    assert p.returncode == 2 and "ready_sufix (did you mean ready_suffix?)" in p.stderr


def test_leftovers_are_looked_for_where_the_connector_writes_not_in_the_whole_tree(archived, tmp_path):
    """A dead writer's leftover in a folder ekte writes in is removed; one further down a DMS's tree (an
    Alfresco bulk tree below the template's levels, a subfolder of a flat hot folder) is not even looked at."""
    wd, docs = _wd(archived, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    prefix = subprocess.run([sys.executable, "-c", "from ekte import fsutil; print(fsutil.tmp_prefix())"],
                            env=env, capture_output=True, text=True, check=True).stdout.strip()  # a dead process's
    bulk, hot = tmp_path / "bulk", tmp_path / "hot"
    near, far = bulk / "BSP-1" / "bauantrag" / f"{prefix}a", bulk / "BSP-1" / "bauantrag" / "x" / "y" / f"{prefix}b"
    flat, below, meta = hot / f"{prefix}c", hot / "archiv" / f"{prefix}d", hot / "_ekte" / f"{prefix}e"
    for f in (near, far, flat, below, meta):
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"part of a file")
    _export(wd, "alfresco-bulk", bulk, docs[0]["id"], "--force", check=0)  # folder "{aktenplan}/{doctype}": 2 levels
    assert not near.exists() and far.exists()
    _export(wd, "komxwork", hot, docs[0]["id"], "--force", check=0)
    assert not flat.exists() and not meta.exists() and below.exists()


def test_an_absolute_komxwork_meta_folder_elsewhere_must_exist_inside_the_workdir_it_is_made(archived, tmp_path):
    """The export folder's rule for komXwork's meta folder: an absolute path outside the working directory (a
    share) is never made with its parents — missing, the export fails and is retried —; inside it, made."""
    wd, docs = _wd(archived, tmp_path)
    hot, meta = tmp_path / "hot", tmp_path / "share" / "meta"
    hot.mkdir()
    (tmp_path / "share").mkdir()  # the share's mount point, not mounted
    p, out = _export(wd, "komxwork", hot, docs[0]["id"], "--force", "-o", f"connectors.komxwork.meta_folder={meta}")
    assert p.returncode == 1 and out[0]["export_results"]["komxwork"] == "failed"
    assert f"meta folder {meta} does not exist" in out[0]["error"]["message"]
    assert "connectors.komxwork.meta_folder" in out[0]["error"]["message"]
    assert not meta.exists() and list(hot.iterdir()) == []  # nothing made, nothing handed over
    meta.mkdir()  # mounted: delivered, schema and manifest in it
    p, out = _export(wd, "komxwork", hot, docs[0]["id"], "-o", f"connectors.komxwork.meta_folder={meta}", check=0)
    assert out[0]["export_results"]["komxwork"] == "exported"
    assert (meta / "index.xsd").is_file() and len(list(meta.glob("stapel-*.xml"))) == 1
    own = wd / "komx-meta" / "sub"
    p, out = _export(wd, "komxwork", hot, docs[1]["id"], "-o", f"connectors.komxwork.meta_folder={own}", check=0)
    assert (own / "index.xsd").is_file()


def test_a_paused_connector_delivers_as_soon_as_its_folder_is_back(tmp_path):
    """After three failures in a row the connector pauses (no retries with their back-off), but it looks at
    the folder before every export: the first export after the share is mounted again goes through, not
    one five minutes later (CI: the watch daemon, rescanning every 3 s, delivered nothing for 300 s)."""
    from ekte.connectors.base import ExportError
    from ekte.connectors.komxwork import KomxworkConnector
    from ekte.profile import load_profile

    share = tmp_path / "share"
    con = KomxworkConnector({"path": str(share)}, tmp_path / "wd", load_profile(None))
    errors = []
    for _ in range(4):
        with pytest.raises(ExportError) as e:
            con.require_dir(share, "path")
        errors.append(e.value)
    assert [x.transient for x in errors] == [True, True, False, False]  # paused after the third
    assert "paused" in str(errors[3]) and "does not exist (share not mounted?)" in str(errors[3])
    share.mkdir()
    con.require_dir(share, "path")  # back: no error, at once
    assert con._missing.open_until is None and con._missing.in_a_row == 0
