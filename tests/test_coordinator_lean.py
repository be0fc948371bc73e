"""The coordinator's own cost (issue 12): it imports only what it uses,
checks the tools without OCRmyPDF, keeps the workers fed, writes a staged
folder with one durability barrier, hashes each file once and reads the
audit chain's head through the journal it has open."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ekte import fsutil
from ekte.errors import MissingDependency

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "inbox" / "bauantrag-002-pdf.pdf"

#: what only the workers need (OCR, rasterising, images) or only one connector (CMIS)
WORKER_ONLY = ("ocrmypdf", "httpx", "pypdfium2", "img2pdf", "pdfminer", "tesserocr", "PIL")


def test_a_run_imports_no_worker_library_in_the_coordinator(tmp_path):
    """A real ingest of a born-digital PDF; afterwards the coordinator
    process has none of the workers' libraries loaded."""
    code = (
        "import json, sys\n"
        "from ekte import api\n"
        f"r = api.ingest([{str(SAMPLE)!r}], workdir={str(tmp_path / 'wd')!r}, jobs=2)\n"
        "print(json.dumps({'status': [d.status.value for d in r.documents],\n"
        f"                  'loaded': [m for m in {WORKER_ONLY!r} if m in sys.modules]}}))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["status"] == ["archived"]
    assert out["loaded"] == []


def test_born_digital_runs_archive_without_pikepdf_s_validator_in_the_coordinator(tmp_path, born_digital):
    """Born-digital documents, some with an Aktenzeichen assigned after the
    worker (their XMP rewritten by the coordinator): the coordinator never
    imports pikepdf's PDF/A module (≈ 0.2 s CPU), and every archived copy,
    rewritten or not, passes pikepdf's validator."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    for p in sorted(born_digital[0].glob("*.pdf"))[:6]:
        (inbox / p.name).write_bytes(p.read_bytes())
    # before_archive changes every other document's Aktenzeichen (as an assigned one does): its XMP is rewritten
    (tmp_path / "az_change.py").write_text(
        "from ekte.hookspecs import hookimpl\n"
        "@hookimpl\n"
        "def ekte_process(point, document, profile):\n"
        "    az = document.fields.get('aktenzeichen')\n"
        "    if point == 'before_archive' and az is not None and int(document.sha256, 16) % 2:\n"
        "        az.value = 'AZ 7/2026 <&> \u00fc'\n")
    code = (
        "import json, sys\n"
        "from ekte import api\n"
        f"r = api.ingest([{str(inbox)!r}], workdir={str(tmp_path / 'wd')!r}, jobs=2, plugins=['az_change'])\n"
        "print(json.dumps({'docs': [[d.status.value, d.archive_path] for d in r.documents],\n"
        "                  'pdfa': 'pikepdf.pdfa' in sys.modules}))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300,
                       env=env)
    assert p.returncode in (0, 1), p.stderr[-2000:]
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["pdfa"] is False
    import pikepdf

    from ekte.stages.pdfa import validate_written

    rewritten = []
    for status, path in out["docs"]:
        if status == "archived":
            assert validate_written(Path(path) / "document.pdf", "2b").passed, path
            with pikepdf.open(Path(path) / "document.pdf") as pdf:
                rewritten.append(pdf.open_metadata()["pdf:Keywords"].endswith("AZ 7/2026 <&> \u00fc"))
    assert set(rewritten) == {True, False}  # rewritten by the coordinator, and copied as the worker wrote it


def test_pdfa_2b_save_settings_held_by_ekte_are_pikepdf_s():
    import pikepdf.pdfa

    from ekte.stages.archive import pdfa_save_kwargs

    assert pdfa_save_kwargs("2b") == pikepdf.pdfa.resolve_save_kwargs("2b")
    assert pdfa_save_kwargs("3b") == pikepdf.pdfa.resolve_save_kwargs("3b")


def test_missing_tools_are_named_without_ocrmypdf(tmp_path, monkeypatch):
    from ekte.stages.ocr import check_dependencies

    v = check_dependencies("deu")
    assert v["tesseract"][0].isdigit() and v["ghostscript"][0].isdigit()
    with pytest.raises(MissingDependency, match="language data 'xx'"):
        check_dependencies("deu+xx")
    only = tmp_path / "bin"
    only.mkdir()
    for tool in ("tesseract",):  # Ghostscript is not on this PATH
        os.symlink(subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip(), only / tool)
    monkeypatch.setenv("PATH", str(only))
    with pytest.raises(MissingDependency, match="ghostscript is not installed"):
        check_dependencies("deu")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    with pytest.raises(MissingDependency, match="tesseract is not installed"):
        check_dependencies("deu")


def test_workers_take_the_versions_the_dependency_check_found(tmp_path, monkeypatch):
    """The coordinator's dependency check records the programs' versions as
    a worker's own probe reports them; a worker started with them records
    them without running a program (none on its PATH here) — the fork server
    no longer runs the three programs in its preload (issue 12)."""
    from ekte.pipeline import workers
    from ekte.pipeline.tasks import WorkerSetup
    from ekte.profile import load_profile
    from ekte.stages import tools
    from ekte.stages.ocr import OcrParams

    monkeypatch.setattr(tools, "_known", {})
    tools.check_dependencies("deu")
    found = dict(tools.known())
    monkeypatch.setattr(tools, "_known", {})
    assert found == tools.tool_versions()  # the programs run again: the same versions
    assert found["tesseract"] != "missing" and found["ghostscript"] != "missing"
    monkeypatch.setattr(tools, "_known", {})
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    profile = load_profile(None)
    workers.build_context(WorkerSetup(profile, (), str(tmp_path), OcrParams.from_profile(profile), tools=found))
    assert tools.tool_versions() == found  # (no program on PATH: a probe would say "missing")


@pytest.mark.parametrize("each", [False, True])
def test_a_staged_folder_is_complete_under_its_final_name(tmp_path, monkeypatch, each):
    """With the syncfs barrier (ext4 here) or, where it does not hold, one
    fsync per file: the same folder, replaced as a whole."""
    if each:
        monkeypatch.setenv("EKTE_FSYNC_EACH", "1")
    fd = fsutil.barrier_fd(tmp_path)
    assert (fd is None) == each or fsutil._libc() is None
    if fd is not None:
        os.close(fd)
    for round_ in (1, 2):
        with fsutil.staged_dir(tmp_path / "doc") as t:
            (t / "a").write_text(f"a{round_}")
            (t / "sub").mkdir()
            (t / "sub" / "b").write_bytes(b"b" * 100_000)
            assert not (tmp_path / "doc" / "a").exists() or (tmp_path / "doc" / "a").read_text() == "a1"
        assert (tmp_path / "doc" / "a").read_text() == f"a{round_}"
        assert (tmp_path / "doc" / "sub" / "b").stat().st_size == 100_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc"]  # nothing temporary left


def test_a_failed_staged_folder_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with fsutil.staged_dir(tmp_path / "doc") as t:
            (t / "a").write_text("half")
            raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_copy_hashed_hashes_the_bytes_it_copies(tmp_path):
    data = os.urandom(3 * (1 << 20) + 17)
    (tmp_path / "src").write_bytes(data)
    assert fsutil.copy_hashed(tmp_path / "src", tmp_path / "dst") == hashlib.sha256(data).hexdigest()
    assert (tmp_path / "dst").read_bytes() == data


def test_the_anchor_through_the_open_journal_is_the_anchor_read_alone(tmp_path):
    from ekte.evidence import anchor
    from ekte.journal import Journal

    j = Journal(tmp_path / "journal.sqlite")
    try:
        for i in range(3):
            j.event("doc1", "intake", "received", f"n{i}")
            j.event("doc2", "intake", "received", f"m{i}")
        alone = anchor.record(tmp_path, "doc1")
        shared = anchor.record(tmp_path, "doc1", j)
        with j.tx():  # inside a write transaction: that transaction's view
            j.event("doc1", "archive", "archived", "")
            inside = anchor.record(tmp_path, "doc1", j)
    finally:
        j.close()
    assert alone is not None and shared is not None
    assert {k: v for k, v in alone.items() if k != "time"} == {k: v for k, v in shared.items() if k != "time"}
    assert shared["doc_events"] == 3 and shared["seq"] == 6
    assert inside["doc_events"] == 4 and inside["seq"] == 7 and inside["head"] != shared["head"]


def _worker_pdfa(path: Path) -> None:
    """A PDF/A-2b as a worker's pikepdf route leaves it: prepared, written and validated."""
    import pikepdf

    from ekte.stages.pdfa import save_validated

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    assert save_validated(pdf, path, "2b").passed


@pytest.mark.parametrize("custom", [False, True])
def test_trusted_xmp_is_written_without_prepare_and_stays_pdfa(tmp_path, custom):
    """The coordinator rewrites only ekte's XMP of a copy the worker
    validated, without pikepdf's prepare; with values that must be
    escaped and are outside PDFDocEncoding the written file still passes
    the validator — which does fail a property of a schema PDF/A does not
    predefine, so the check can tell."""
    import pikepdf

    from ekte.model import Document, Field
    from ekte.profile import load_profile
    from ekte.stages import archive
    from ekte.stages.pdfa import validate_written

    src, dst = tmp_path / "w.pdf", tmp_path / "a.pdf"
    _worker_pdfa(src)
    doc = Document(sha256="ab" * 32, source="x.pdf", size=1, media_type="application/pdf")
    doc.classification = None
    doc.fields["aktenzeichen"] = Field("Az. 12/Ü <&> „x“ \u20ac 😀", 1.0, None, None, "label")
    profile = load_profile(None)
    if custom:  # a property no PDF/A schema predefines (what prepare would have removed)
        real = archive._xmp_values
        archive_values = lambda *a, **k: {**real(*a, **k), "xmp:Nickname": "x", "{urn:ekte:x}foo": "bar"}  # noqa: E731
        orig, archive._xmp_values = archive._xmp_values, archive_values
        try:
            assert archive.write_xmp(src, dst, doc, profile, True, trusted=True)
        finally:
            archive._xmp_values = orig
    else:
        assert archive.write_xmp(src, dst, doc, profile, True, trusted=True)
    assert validate_written(dst, "2b").passed is (not custom)
    with pikepdf.open(dst) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdf:Keywords"].endswith("Az. 12/Ü <&> „x“ \u20ac 😀")
        assert meta["dc:identifier"] == f"urn:ekte:{doc.id}" and meta["pdfaid:part"] == "2"
        assert str(pdf.docinfo["/Keywords"]) == meta["pdf:Keywords"]


def test_sweeper_frees_the_name_at_once_and_removes_the_folder_later(tmp_path):
    from ekte.pipeline.sweep import GONE, Sweeper

    root = tmp_path / "scratch"
    task = root / "doc1"
    task.mkdir(parents=True)
    (task / "archival.pdf").write_bytes(b"x" * 1000)
    s = Sweeper(root)
    s.discard(task)
    assert not task.exists()  # the next task of this document finds its name free ...
    task.mkdir()
    (task / "new.pdf").write_bytes(b"y")
    s.discard(root / "never-made")  # (gone already: nothing to do)
    s.close()
    assert (task / "new.pdf").read_bytes() == b"y"  # ... and nothing of it is removed with the old one
    assert not [p for p in root.iterdir() if p.name.startswith(GONE)]
    s.discard(task)  # usable again after close
    s.close()
    assert list(root.iterdir()) == []


def test_after_freeze_a_task_s_cycles_are_still_collected():
    import gc
    import weakref

    from ekte import procmem

    class Node:
        pass

    procmem.freeze()
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a
        ref = weakref.ref(a)
        del a, b
        procmem.release()
        assert ref() is None
    finally:
        gc.unfreeze()


def test_modules_a_task_imported_are_frozen_and_later_cycles_still_collected(tmp_path, monkeypatch):
    """A task that imports a module on first use: what it loaded is frozen
    after the task (no later collection walks it again), and the cycles a
    later task leaves behind are still collected."""
    import gc
    import sys
    import weakref

    from ekte import procmem

    class Node:
        pass

    (tmp_path / "ekte_lazy_mod.py").write_text("TABLE = [[i] for i in range(500)]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    procmem.freeze()
    try:
        frozen = gc.get_freeze_count()
        import ekte_lazy_mod  # noqa: F401 - imported "on first use" by the task

        procmem.release()
        assert gc.get_freeze_count() >= frozen + 500  # the module's objects: frozen with the context
        a, b = Node(), Node()
        a.other, b.other = b, a
        ref = weakref.ref(a)
        del a, b
        procmem.release()
        assert ref() is None
    finally:
        gc.unfreeze()
        sys.modules.pop("ekte_lazy_mod", None)
