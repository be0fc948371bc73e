"""ekte-portal: portal submissions (folders and ZIPs from samples/portal.py)
through `ekte ingest` and `ekte watch`, with the official FIT-Connect
metadata schema and xdomea schemas from ../shared."""

import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest
from lxml import etree

import portal
from helpers import SHARED, ekte_cmd, ingest_json, run_ekte
from xdomea_rules import check_folder

FIT_SCHEMA = SHARED / "schemas" / "fit-connect" / "metadata.schema.v1.0.0.json"
XSD = SHARED / "schemas" / "xdomea"
NS4 = "urn:xoev-de:xdomea:schema:4.0.0"
ARGS = ["-c", "folder", "-c", "xdomea", "-o", f"connectors.xdomea.schema_dir={XSD}",
        "-o", f"plugins.portal.metadata_schema={FIT_SCHEMA}"]


@pytest.fixture
def packages(tmp_path):
    out = tmp_path / "portal"
    truth = portal.generate_packages(out, count=4, seed=5)
    return out, truth


def test_plugin_is_listed():
    p = run_ekte("plugins", "list", "--json", check=0)
    plugins = {x["name"]: x for x in json.loads(p.stdout)}
    assert plugins["portal"]["hooks"] == ["ekte_intake_sources"]
    assert "ekte-portal" in plugins["portal"]["origin"]


def test_packages_are_ingested_with_their_data_and_exported_as_one_vorgang(packages, tmp_path):
    out, truth = packages
    wd = tmp_path / "wd"
    res = ingest_json(out, "-w", wd, *ARGS, check=0)
    docs = res["documents"]
    assert len(docs) == sum(1 + len(t["attachments"]) for t in truth.values())
    by_sub: dict[str, list] = {}
    for d in docs:
        assert d["status"] == "archived", d
        m = json.loads(Path(d["archive"], "metadata.json").read_text("utf-8"))
        prov = m["provenance"]
        by_sub.setdefault(prov["submission"], []).append((d, m))
        t = truth[prov["submission"]]
        assert d["doctype"] == t["type"] and m["classification"]["method"] == "given"
        mapped = [k for k in ("vorname", "nachname", "geburtsdatum", "strasse", "plz", "ort", "antragsdatum", "iban")
                  if t["fields"].get(k)]
        assert len(mapped) >= 6
        for k in mapped:
            assert d["fields"][k] == t["fields"][k] and m["fields"][k]["method"] == "intake", k
        assert prov["metadata_validated"] is True
        assert m["ocr"]["route"] != "ocr"  # born-digital: nothing was OCRed
    assert set(by_sub) == set(truth)
    for sub, parts in by_sub.items():
        # one Aktenzeichen for the submission, assigned once
        assert len({d["fields"]["aktenzeichen"] for d, _ in parts}) == 1
        form = [(d, m) for d, m in parts if m["provenance"]["purpose"] == "form"]
        assert len(form) == 1
        d, m = form[0]
        data = (out / sub / "data.json").read_bytes()
        assert Path(d["archive"], "data.json").read_bytes() == data  # beside it
        assert m["archival"]["format"] == "PDF/A-3B" and m["archival"]["embedded"] == ["data.json"]
        with pikepdf.open(Path(d["archive"], "document.pdf")) as pdf:
            spec = pdf.attachments["data.json"]
            assert spec.get_file().read_bytes() == data
            assert spec.relationship == pikepdf.Name.Data
        assert pikepdf.pdfa.validate_written(Path(d["archive"], "document.pdf"), "3b").passed
        # the xdomea container of this submission: form first, then the attachments
        locs = {d["exports"]["xdomea"] for d, _ in parts}
        assert len(locs) == 1
        with zipfile.ZipFile(locs.pop()) as z:
            root = etree.fromstring(z.read(next(n for n in z.namelist() if n.endswith(".xml"))))
            schema = etree.XMLSchema(etree.parse(str(XSD / "4.0.0" / "xdomea-Nachrichten-FachverfahrensdatenAustauschen.xsd")))
            assert schema.validate(root), schema.error_log
            doks = root.findall(f".//{{{NS4}}}Dokument")
            assert len(doks) == len(parts)
            for dok in doks:
                fname = dok.findtext(f".//{{{NS4}}}Dateiname")
                assert dok.findtext(f".//{{{NS4}}}Hash/{{{NS4}}}Wert") == hashlib.sha256(z.read(fname)).hexdigest()
    # xdomea's rules on every container, among them Format/Version PDF/A-3b for the forms with their data
    infos = check_folder(wd / "export" / "xdomea", "4.0.0")
    versions = {v.text for i in infos for v in i["root"].iter(f"{{{NS4}}}Version") if v.text and "PDF" in v.text}
    assert "PDF/A-3b" in versions
    # a second run: every part is a duplicate, nothing new exported
    res2 = ingest_json(out, "-w", wd, *ARGS, check=0)
    assert {d["status"] for d in res2["documents"]} == {"duplicate"}
    assert len(list((wd / "export" / "xdomea").glob("*.zip"))) == len(truth)


def _zip_of(folder: Path, out: Path, edit=None) -> Path:
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    if edit:
        files = edit(files)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in files.items():
            z.writestr(n, b)
    return out


def test_bad_packages_go_to_quarantine_whole_and_the_run_goes_on(packages, tmp_path):
    out, truth = packages
    subs = sorted(truth)
    bad = tmp_path / "bad"
    bad.mkdir()

    def tamper(files):
        pdf = next(n for n in files if n.endswith(".pdf"))
        files[pdf] = files[pdf] + b"\n% changed"
        return files

    def traversal(files):
        files["../evil.pdf"] = b"%PDF-1.4"
        return files

    def bomb(files):
        files["zeros.pdf"] = b"\0" * (40 << 20)
        return files

    def bad_meta(files):
        m = json.loads(files["metadata.json"])
        m["publicServiceType"]["identifier"] = "not a urn"  # the official schema wants a URN
        files["metadata.json"] = json.dumps(m).encode()
        return files

    _zip_of(out / subs[0], bad / "tampered.zip", tamper)
    _zip_of(out / subs[0], bad / "traversal.zip", traversal)
    _zip_of(out / subs[0], bad / "bomb.zip", bomb)
    _zip_of(out / subs[0], bad / "badmeta.zip", bad_meta)
    shutil.copytree(out / subs[1], bad / "good")
    res = ingest_json(bad, "-w", tmp_path / "wd", *ARGS, "-o", "intake.max_file_mb=30", check=1)
    codes = {Path(d["source"].split("!")[0]).name: d["error"]["code"] for d in res["documents"] if d["error"]}
    assert codes == {"tampered.zip": "hash_mismatch", "traversal.zip": "unsafe_package",
                     "bomb.zip": "unsafe_package", "badmeta.zip": "bad_message"}
    good = [d for d in res["documents"] if d["source"].startswith(str(bad / "good"))]
    assert good and all(d["status"] == "archived" for d in good)
    reasons = {json.loads(p.read_text())["code"] for p in (tmp_path / "wd" / "quarantine").glob("*/reason.json")}
    assert reasons == {"hash_mismatch", "unsafe_package", "bad_message"}
    # a quarantined package's copy holds the whole package
    q = next(p for p in (tmp_path / "wd" / "quarantine").iterdir()
             if json.loads((p / "reason.json").read_text())["code"] == "hash_mismatch")
    assert zipfile.is_zipfile(next(q.glob("original*")))


def test_xml_data_with_entities_is_refused(packages, tmp_path):
    out, truth = packages
    sub = sorted(truth)[2]
    pkg = tmp_path / "xml" / sub
    shutil.copytree(out / sub, pkg)
    (pkg / "data.json").unlink()
    xml = (b'<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           b'<antrag><antragsteller><nachname>&x;</nachname></antragsteller></antrag>')
    (pkg / "data.xml").write_bytes(xml)
    m = json.loads((pkg / "metadata.json").read_text())
    m["contentStructure"]["data"]["hash"]["content"] = hashlib.sha512(xml).hexdigest()
    m["contentStructure"]["data"]["submissionSchema"]["mimeType"] = "application/xml"
    (pkg / "metadata.json").write_text(json.dumps(m))
    res = ingest_json(pkg.parent, "-w", tmp_path / "wd", *ARGS, check=1)
    assert [d["error"]["code"] for d in res["documents"]] == ["unsafe_package"]
    assert "root:" not in json.dumps(res)


def test_data_nested_too_deeply_is_a_bad_package_not_an_internal_error(packages, tmp_path):
    """fresh41 F5: a data.json 200,000 levels deep was internal_error "intake source portal failed
    (RecursionError)"; the same for metadata.json and for data.xml deeper than libxml2 allows."""
    out, truth = packages
    sub = sorted(truth)[0]
    deep = tmp_path / "deep"

    def package(name: str, data_name: str, data: bytes) -> None:
        pkg = deep / name
        shutil.copytree(out / sub, pkg)
        (pkg / "data.json").unlink()
        (pkg / data_name).write_bytes(data)
        m = json.loads((pkg / "metadata.json").read_text())
        m["contentStructure"]["data"]["hash"]["content"] = hashlib.sha512(data).hexdigest()
        m["contentStructure"]["data"]["submissionSchema"]["mimeType"] = f"application/{data_name[5:]}"
        (pkg / "metadata.json").write_text(json.dumps(m))

    package("json", "data.json", b"[" * 200_000 + b"]" * 200_000)
    package("xml", "data.xml", b"<a>" * 1000 + b"x" + b"</a>" * 1000)
    package("meta", "data.json", b"{}")
    m = json.loads((deep / "meta" / "metadata.json").read_text())
    (deep / "meta" / "metadata.json").write_text(json.dumps(m)[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    res = ingest_json(deep, "-w", tmp_path / "wd", *ARGS, check=1)
    errors = {Path(d["source"]).name: d["error"] for d in res["documents"]}
    assert set(errors) == {"json", "xml", "meta"}
    for name, e in errors.items():
        assert e["code"] == "bad_message" and "nested too deeply" in e["message"], (name, e)
    reasons = [json.loads(p.read_text()) for p in (tmp_path / "wd" / "quarantine").glob("*/reason.json")]
    assert sorted(r["code"] for r in reasons) == ["bad_message"] * 3  # each package kept whole, none internal


def test_xml_data_mapped_by_xpath(packages, tmp_path):
    out, truth = packages
    sub = sorted(truth)[3]
    pkg = tmp_path / "xml" / sub
    shutil.copytree(out / sub, pkg)
    data = json.loads((pkg / "data.json").read_text("utf-8"))
    (pkg / "data.json").unlink()
    a = data["antragsteller"]
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><antrag><person><vn>{a["vorname"]}</vn>'
           f'<nn>{a["nachname"]}</nn></person></antrag>').encode("utf-8")
    (pkg / "data.xml").write_bytes(xml)
    m = json.loads((pkg / "metadata.json").read_text())
    m["contentStructure"]["data"]["hash"]["content"] = hashlib.sha512(xml).hexdigest()
    m["contentStructure"]["data"]["submissionSchema"]["mimeType"] = "application/xml"
    (pkg / "metadata.json").write_text(json.dumps(m))
    prof = tmp_path / "p.toml"
    prof.write_text('[profile]\nname = "x"\ntitle = "x"\nextends = "landkreis"\n[plugins.portal.fields]\n'
                    'vorname = "/antrag/person/vn"\nnachname = "/antrag/person/nn"\n', encoding="utf-8")
    res = ingest_json(pkg.parent, "-p", prof, "-w", tmp_path / "wd", "-c", "folder", check=0)
    form = next(d for d in res["documents"] if Path(d["archive"], "data.xml").exists())
    assert form["fields"]["vorname"] == a["vorname"] and form["fields"]["nachname"] == a["nachname"]


def test_move_takes_the_whole_package_after_export(packages, tmp_path):
    out, truth = packages
    done = tmp_path / "done"
    ingest_json(out, "-w", tmp_path / "wd", "-c", "folder", "--move", done, check=0)
    assert sorted(p.name for p in done.iterdir()) == sorted(truth)
    assert not any(out.iterdir())
    assert all((done / s / "metadata.json").is_file() for s in truth)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-02, stop 33); make test-slow and CI run it
def test_watcher_takes_zip_packages(packages, tmp_path):
    out, truth = packages
    inbox = tmp_path / "in"
    inbox.mkdir(mode=0o750)
    wd = tmp_path / "wd"
    proc = subprocess.Popen(ekte_cmd() + ["watch", str(inbox), "-w", str(wd), "--stable-seconds", "1",
                                          "-c", "folder", "-c", "xdomea"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        t0 = time.monotonic()
        while not (wd / "status.json").exists():
            assert time.monotonic() - t0 < 60 and proc.poll() is None
            time.sleep(0.1)
        subs = sorted(truth)[:2]
        for s in subs:
            tmp = inbox / f".{s}.zip.part"
            _zip_of(out / s, tmp)
            os.rename(tmp, inbox / f"{s}.zip")  # delivered with one rename
        folder_sub = sorted(truth)[2]
        os.rename(out / folder_sub, inbox / folder_sub)  # a package folder, moved in whole
        n_parts = sum(1 + len(truth[s]["attachments"]) for s in subs + [folder_sub])
        t0 = time.monotonic()
        while True:
            exported = list((wd / "export" / "folder").iterdir()) if (wd / "export" / "folder").exists() else []
            if len(exported) == n_parts and not any(inbox.iterdir()) and \
                    len(list((wd / "export" / "xdomea").glob("*.zip"))) == 3:
                break
            assert time.monotonic() - t0 < 120, (exported, list(inbox.iterdir()))
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=60)
    assert proc.returncode == 0
    # the containers left the inbox for the done folder once all their parts were exported
    assert sorted(p.name for p in (wd / "done").iterdir()) == sorted([f"{s}.zip" for s in subs] + [folder_sub])
    assert sorted(p.name for p in (wd / "done" / folder_sub).iterdir()) == sorted(
        ["metadata.json", "data.json", f"{truth[folder_sub]['form']}.pdf"] +
        [f"{a}.pdf" for a in truth[folder_sub]["attachments"]])
