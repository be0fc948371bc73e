"""ekte import-xdomea: the shared example messages, a round trip through
ekte's own 0605 export, and hostile containers."""

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

from helpers import SHARED, ingest_json, run_ekte

EXAMPLES = SHARED / "xdomea-examples"
XSD_DIR = SHARED / "schemas" / "xdomea"


def import_json(*args, check):
    p = run_ekte("import-xdomea", "--json", *args)
    assert p.returncode == check, f"exit {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}"
    return json.loads(p.stdout)


def meta(d) -> dict:
    return json.loads(Path(d["archive"], "metadata.json").read_text("utf-8"))


def zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as z:
        for f in sorted(folder.iterdir()):
            z.write(f, f.name)
    return out


def test_shared_example_messages(tmp_path):
    c4 = zip_folder(EXAMPLES / "v4.0.0", tmp_path / "c4.zip")
    res = import_json(c4, EXAMPLES / "v3.0.0", "-w", tmp_path / "wd", check=1)  # foreign documents: for review
    docs = res["documents"]
    assert len(docs) == 2
    first = next(d for d in docs if d["source"].startswith(str(c4)))
    assert first["status"] == "review" and first["fields"]["aktenzeichen"] == "[Dokumentkennzeichen]"
    m = meta(first)
    prov = m["provenance"]
    assert prov["message"] == "Aussonderung.Aussonderung.0503" and prov["version"] == "4.0.0"
    assert prov["dokument_uuid"] == "a42460ea-d1a5-11ef-b6fa-005056871b7c"
    assert prov["vorgang_uuid"] == "07333b5f-d1a2-11ef-88aa-005056871b7c"
    txt = (EXAMPLES / "v4.0.0" / "8bcadd35-d27b-11ef-ab6c-005056871b7c.txt").read_bytes()
    assert prov["primary_sha256"] == hashlib.sha256(txt).hexdigest()  # and it matched the message's Hash
    assert "Testdokument" in Path(first["archive"], "text.txt").read_text("utf-8")  # text layer, not OCR
    assert m["archival"]["format"].startswith("PDF/A")
    # the 3.0.0 example carries the same text: recognised as the same document
    assert {d["status"] for d in docs} == {"review", "duplicate"}


def test_round_trip_export_import(born_digital, tmp_path):
    src, truth = born_digital
    one = tmp_path / "in"
    one.mkdir()
    for f in sorted(src.glob("*.pdf"))[:4]:
        shutil.copy(f, one / f.name)
    res1 = ingest_json(one, "-w", tmp_path / "wd1", "-c", "xdomea",
                       "-o", f"connectors.xdomea.schema_dir={XSD_DIR}", check=0)
    containers = sorted((tmp_path / "wd1" / "export" / "xdomea").glob("*.zip"))
    assert len(containers) == 4
    res2 = import_json(*containers, "-w", tmp_path / "wd2", "-c", "folder", check=0)
    first = {Path(d["archive"], "document.pdf").read_bytes(): d for d in res1["documents"]}
    assert len(res2["documents"]) == 4
    for d2 in res2["documents"]:
        assert d2["status"] == "archived"
        original = Path(d2["archive"]) / "original.pdf"
        d1 = first[original.read_bytes()]  # the imported original is exactly the exported archival PDF
        assert d2["sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()
        assert d2["doctype"] == d1["doctype"]
        for k, v in d1["fields"].items():
            assert d2["fields"][k] == v, k
        m2 = meta(d2)
        assert m2["provenance"]["primary_sha256"] == d2["sha256"]
        assert m2["provenance"]["message"] == "FVDaten.SGOAblegen.0605"
        assert m2["classification"]["method"] == "given"
        assert all(m2["fields"][k]["method"] == "intake" for k in d1["fields"])
    # importing the same containers again archives nothing twice
    res3 = import_json(*containers, "-w", tmp_path / "wd2", check=0)
    assert {d["status"] for d in res3["documents"]} == {"duplicate"}


def _container_from(good: Path, out: Path, edit) -> Path:
    with zipfile.ZipFile(good) as z:
        items = {n: z.read(n) for n in z.namelist()}
    items = edit(items)
    with zipfile.ZipFile(out, "w") as z:
        for n, data in items.items():
            z.writestr(n, data)
    return out


def test_hostile_containers_are_quarantined_and_the_run_goes_on(born_digital, tmp_path):
    src, _ = born_digital
    one = tmp_path / "in"
    one.mkdir()
    for f in sorted(src.glob("*.pdf"))[:2]:
        shutil.copy(f, one / f.name)
    ingest_json(one, "-w", tmp_path / "wd1", "-c", "xdomea", check=0)
    good1, good2 = sorted((tmp_path / "wd1" / "export" / "xdomea").glob("*.zip"))

    def tamper(items):
        pdf = next(n for n in items if n.endswith(".pdf"))
        items[pdf] = items[pdf].replace(b"%%EOF", b"%%EOF\n% tampered", 1)
        return items

    def traversal(items):
        items["../../evil.pdf"] = b"%PDF-1.4"
        return items

    def entity(items):
        xml = next(n for n in items if n.endswith(".xml"))
        body = items[xml].decode("utf-8").split("?>", 1)[1]
        items[xml] = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
                      + body.replace("<xdomea:Typ>", "<xdomea:Typ>&secret;", 1)).encode("utf-8")
        return items

    def bomb(items):
        items["zeros.pdf"] = b"\0" * (30 << 20)
        return items

    bad = [_container_from(good1, tmp_path / "tampered.zip", tamper),
           _container_from(good1, tmp_path / "traversal.zip", traversal),
           _container_from(good1, tmp_path / "bomb.zip", bomb)]
    ent = _container_from(good2, tmp_path / "entity.zip", entity)
    (tmp_path / "notzip.zip").write_bytes(b"PK\x03\x04 broken")
    res = import_json(*bad, ent, tmp_path / "notzip.zip", good2, "-w", tmp_path / "wd2",
                      "-o", "intake.max_file_mb=20", check=1)
    by_src = {}
    for d in res["documents"]:
        by_src.setdefault(d["source"].split("!")[0], []).append(d)
    assert by_src[str(tmp_path / "tampered.zip")][0]["error"]["code"] == "hash_mismatch"
    assert by_src[str(tmp_path / "traversal.zip")][0]["error"]["code"] == "unsafe_package"
    assert by_src[str(tmp_path / "bomb.zip")][0]["error"]["code"] == "unsafe_package"
    assert by_src[str(tmp_path / "notzip.zip")][0]["error"]["code"] == "bad_message"
    assert not (tmp_path / "evil.pdf").exists() and not (tmp_path.parent / "evil.pdf").exists()
    # the entity is not resolved: nothing of /etc/passwd anywhere in the archive
    for d in by_src[str(ent)] + by_src[str(good2)]:
        assert d["status"] in ("archived", "duplicate")
        if d["status"] == "archived":
            assert "root:" not in Path(d["archive"], "metadata.json").read_text("utf-8")
    # the tampered file is in quarantine with its reason
    q = tmp_path / "wd2" / "quarantine"
    reasons = [json.loads(p.read_text("utf-8"))["code"] for p in q.glob("*/reason.json")]
    assert "hash_mismatch" in reasons
