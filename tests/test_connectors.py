"""DMS connectors: komXwork-style hot folder, xdomea 0605, Alfresco bulk
import; `ekte export`; retries, failures and idempotency.  xdomea messages
are validated here against the official schemas in ../shared, independent
of the connector's own (optional) validation."""

import hashlib
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from helpers import ROOT, ingest_json, run_ekte

XSD_DIR = ROOT.parent / "shared" / "schemas" / "xdomea"
NS4 = "urn:xoev-de:xdomea:schema:4.0.0"
NS3 = "urn:xoev-de:xdomea:schema:3.1.0"
HF = "urn:ekte:hotfolder:1"
ALL = ["-c", "folder", "-c", "komxwork", "-c", "xdomea", "-c", "alfresco-bulk"]


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def official_schema(version: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / version / "xdomea-Nachrichten-FachverfahrensdatenAustauschen.xsd")))


def no_temp_files(root: Path) -> None:
    left = [p for p in root.rglob("*") if p.name.startswith(".ekte-tmp-")]
    assert not left, left


@pytest.fixture(scope="module")
def exported(born_digital, tmp_path_factory):
    src, truth = born_digital
    wd = tmp_path_factory.mktemp("conn") / "wd"
    res = ingest_json(src, "-w", wd, *ALL, "-o", f"connectors.xdomea.schema_dir={XSD_DIR}", check=0)
    return wd, res, truth


def test_hot_folder_layout_index_and_manifest(exported):
    wd, res, truth = exported
    hf = wd / "export" / "komxwork"
    schema = etree.XMLSchema(etree.parse(str(ROOT / "ekte" / "connectors" / "schemas" / "hotfolder-index-1.xsd")))
    indexes = sorted(hf.glob("*.xml"))
    indexes = [p for p in indexes if not p.name.startswith("stapel-")]
    docs = {d["id"]: d for d in res["documents"]}
    assert len(indexes) == len(docs) == len(truth)
    for idx in indexes:
        u = idx.stem
        tree = etree.parse(str(idx))
        assert schema.validate(tree), schema.error_log
        assert (hf / f"{u}.ready").is_file() and (hf / f"{u}.pdf").is_file()
        get = lambda name: tree.findtext(f"{{{HF}}}{name}")  # noqa: E731
        assert get("DokumentID") == u and get("Datei") == f"{u}.pdf"
        assert get("SHA256") == sha(hf / f"{u}.pdf")
        d = docs[get("EkteID")]
        assert get("Dokumenttyp") == d["doctype"] == truth[Path(d["source"]).stem]["type"]
        assert get("SHA256Original") == d["sha256"]
        assert int(get("Seiten")) == d["pages"]
        # every extracted field is in the index
        felder = {f.get("name"): f.text for f in tree.iterfind(f"{{{HF}}}Felder/{{{HF}}}Feld")}
        assert felder == {k: v for k, v in d["fields"].items() if v}
        assert get("Aktenzeichen") == d["fields"]["aktenzeichen"]
    manifests = list(hf.glob("stapel-*.xml"))
    assert len(manifests) == 1
    m = etree.parse(str(manifests[0]))
    assert schema.validate(m), schema.error_log
    entries = m.getroot().findall(f"{{{HF}}}Eintrag")
    assert int(m.getroot().get("anzahl")) == len(entries) == len(indexes)
    assert {e.get("dokumentID") for e in entries} == {p.stem for p in indexes}
    # the schema the importer is given matches the shipped one
    assert (hf / "index.xsd").read_bytes() == (ROOT / "ekte/connectors/schemas/hotfolder-index-1.xsd").read_bytes()
    no_temp_files(hf)


def test_shipped_xsd_is_what_the_generator_makes():
    from ekte.connectors.komxwork import DEFAULT_ELEMENTS, schema_for, shipped_schema_path

    assert shipped_schema_path().read_bytes() == schema_for(DEFAULT_ELEMENTS)


def test_xdomea_containers_validate_against_the_official_schema(exported):
    wd, res, truth = exported
    out = wd / "export" / "xdomea"
    containers = sorted(out.glob("*.zip"))
    assert len(containers) == len(truth)
    schema = official_schema("4.0.0")
    docs = {d["id"]: d for d in res["documents"]}
    seen = set()
    for c in containers:
        prozess = c.name.split("_")[0]
        assert c.name == f"{prozess}_FVDaten.SGOAblegen.0605.zip"
        with zipfile.ZipFile(c) as z:
            names = z.namelist()
            msg = f"{prozess}_FVDaten.SGOAblegen.0605.xml"
            assert msg in names and len(names) == 2
            root = etree.fromstring(z.read(msg))
            assert schema.validate(root), schema.error_log
            assert root.findtext(f".//{{{NS4}}}ProzessID") == prozess
            pd = root.find(f".//{{{NS4}}}Primaerdokument")
            fname = pd.findtext(f"{{{NS4}}}Dateiname")
            assert fname in names
            uuid_part = fname.split("_")[0]
            assert len(uuid_part) == 36 and uuid_part.count("-") == 4  # primary files start with a UUID
            data = z.read(fname)
            assert pd.findtext(f"{{{NS4}}}Hash/{{{NS4}}}Wert") == hashlib.sha256(data).hexdigest()
            ekte_id = next(f.findtext(f"{{{NS4}}}Wert") for f in root.iter(f"{{{NS4}}}Feld")
                           if f.findtext(f"{{{NS4}}}Name") == "ekte.id")
            d = docs[ekte_id]
            assert hashlib.sha256(data).hexdigest() == sha(Path(d["archive"]) / "document.pdf")
            assert root.findtext(f".//{{{NS4}}}Vorgang/{{{NS4}}}AllgemeineMetadaten/{{{NS4}}}Kennzeichen") == \
                d["fields"]["aktenzeichen"]
            seen.add(ekte_id)
    assert seen == set(docs)
    # the journal says each message was validated
    db = sqlite3.connect(wd / "journal.sqlite")
    details = [r[0] for r in db.execute("SELECT detail FROM events WHERE stage='export' AND event='exported'")]
    assert sum("xdomea validated" in x for x in details) == len(truth)


def test_alfresco_bulk_shadow_files(exported):
    wd, res, truth = exported
    out = wd / "export" / "alfresco-bulk"
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) == len(truth)
    docs = {d["id"]: d for d in res["documents"]}
    for p in pdfs:
        shadow = p.with_name(p.name + ".metadata.properties.xml")
        root = etree.parse(str(shadow), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        assert root.tag == "properties" and etree.parse(str(shadow)).docinfo.system_url.endswith("properties.dtd")
        entries = {e.get("key"): e.text for e in root.iter("entry")}
        assert entries["type"] == "cm:content" and entries["aspects"] == "cm:titled"
        d = docs[p.stem.rsplit("_", 1)[1]]
        assert p.parent.name == d["doctype"]
        assert entries["cm:description"] and d["doctype"] in p.name
        assert sha(p) == sha(Path(d["archive"]) / "document.pdf")


def test_export_again_is_idempotent_and_force_rewrites_same_names(exported, tmp_path):
    wd, res, truth = exported
    hf = wd / "export" / "komxwork"
    before = {p.name: p.stat().st_mtime_ns for p in hf.iterdir() if not p.name.startswith("stapel-")}
    p = run_ekte("export", "--all", "-w", wd, "-c", "komxwork", "-c", "xdomea", "--json", check=0)
    out = json.loads(p.stdout)
    assert len(out["documents"]) == len(truth)
    assert all(d["export_results"] == {"komxwork": "already-exported", "xdomea": "already-exported"}
               for d in out["documents"])
    after = {p.name: p.stat().st_mtime_ns for p in hf.iterdir() if not p.name.startswith("stapel-")}
    assert after == before
    # the importer took one document away; --force hands it over again, same name
    victim = sorted(hf.glob("*.ready"))[0].stem
    for ext in (".pdf", ".xml", ".ready"):
        (hf / f"{victim}{ext}").unlink()
    p = run_ekte("export", "--all", "--force", "-w", wd, "-c", "komxwork", "--json", check=0)
    results = [d["export_results"]["komxwork"] for d in json.loads(p.stdout)["documents"]]
    assert results.count("exported") == 1 and results.count("already-exported") == len(truth) - 1
    assert (hf / f"{victim}.ready").is_file() and (hf / f"{victim}.pdf").is_file()
    # a review-queue document is never exported by `ekte export`
    p = run_ekte("export", "--since", "2000-01-01", "-w", wd, "-c", "folder", "--json", check=0)
    assert all(d["export_results"]["folder"] == "already-exported" for d in json.loads(p.stdout)["documents"])


def test_xdomea_310_and_unvalidated(born_digital, tmp_path):
    src, truth = born_digital
    one = tmp_path / "one"
    one.mkdir()
    first = sorted(src.glob("*.pdf"))[0]
    (one / first.name).write_bytes(first.read_bytes())
    wd = tmp_path / "wd"
    ingest_json(one, "-w", wd, "-c", "xdomea", "-o", "connectors.xdomea.version=3.1.0", check=0)
    (c,) = (wd / "export" / "xdomea").glob("*.zip")
    with zipfile.ZipFile(c) as z:
        xml = next(n for n in z.namelist() if n.endswith(".xml"))
        root = etree.fromstring(z.read(xml))
    schema = official_schema("3.1.0")
    assert schema.validate(root), schema.error_log
    assert root.tag == f"{{{NS3}}}FVDaten.SGOAblegen.0605" and root.find(f"{{{NS3}}}Kopf") is not None
    db = sqlite3.connect(wd / "journal.sqlite")
    (detail,) = db.execute("SELECT detail FROM events WHERE event='exported'").fetchone()
    assert "not validated" in detail


def test_export_failure_is_retried_reported_and_recovered(born_digital, tmp_path):
    src, truth = born_digital
    one = tmp_path / "one"
    one.mkdir()
    for f in sorted(src.glob("*.pdf"))[:2]:
        (one / f.name).write_bytes(f.read_bytes())
    wd = tmp_path / "wd"
    blocked = tmp_path / "hotfolder"
    blocked.write_text("not a folder")  # the DMS share is "down": a file where the folder should be
    args = ["-w", wd, "-c", "komxwork", "-c", "folder", "-o", f"connectors.komxwork.path={blocked}",
            "-o", "export.retry_delay=0.01", "-o", "export.retries=2"]
    res = ingest_json(one, *args, check=1)
    assert [d["status"] for d in res["documents"]] == ["export_failed"] * 2
    assert all(d["error"]["code"] == "export_failed" and "komxwork" in d["error"]["message"] for d in res["documents"])
    assert res["summary"]["by_status"]["export_failed"] == 2
    # the other connector got them, and they are archived
    assert len(list((wd / "export" / "folder").iterdir())) == 2
    assert all(Path(d["archive"], "document.pdf").is_file() for d in res["documents"])
    db = sqlite3.connect(wd / "journal.sqlite")
    retries = db.execute("SELECT COUNT(*) FROM events WHERE event='retry'").fetchone()[0]
    assert retries == 2 * 2
    assert {r[0] for r in db.execute("SELECT state FROM documents")} == {"archived"}
    # the share is back: `ekte export --all` delivers what is missing, only to komxwork
    blocked.unlink()
    p = run_ekte("export", "--all", *args, "--json", check=0)
    out = json.loads(p.stdout)
    assert [d["export_results"] for d in out["documents"]] == [{"komxwork": "exported", "folder": "already-exported"}] * 2
    assert len(list(blocked.glob("*.ready"))) == 2
    assert {r[0] for r in db.execute("SELECT state FROM documents")} == {"exported"}
    # and a re-run of the ingest archives nothing twice
    res = ingest_json(one, *args, check=0)
    assert [d["status"] for d in res["documents"]] == ["duplicate"] * 2


def test_rerun_of_ingest_retries_a_failed_export(born_digital, tmp_path):
    src, _ = born_digital
    one = tmp_path / "one"
    one.mkdir()
    f = sorted(src.glob("*.pdf"))[3]
    (one / f.name).write_bytes(f.read_bytes())
    wd = tmp_path / "wd"
    blocked = tmp_path / "hf"
    blocked.write_text("x")
    args = ["-w", wd, "-c", "komxwork", "-o", f"connectors.komxwork.path={blocked}", "-o", "export.retries=0"]
    assert ingest_json(one, *args, check=1)["documents"][0]["status"] == "export_failed"
    blocked.unlink()
    res = ingest_json(one, *args, check=0)
    assert res["documents"][0]["status"] == "archived"
    assert len(list(blocked.glob("*.ready"))) == 1
    assert len(list((wd / "archive").rglob("metadata.json"))) == 1


def test_custom_index_element_names(born_digital, tmp_path):
    src, _ = born_digital
    one = tmp_path / "one"
    one.mkdir()
    f = sorted(src.glob("*.pdf"))[5]
    (one / f.name).write_bytes(f.read_bytes())
    prof = tmp_path / "p.toml"
    prof.write_text(
        '[profile]\nname = "custom"\ntitle = "t"\nextends = "landkreis"\n'
        '[connectors.komxwork]\nready_suffix = ""\nmanifest = false\n'
        '[connectors.komxwork.elements]\nDocId = "uuid"\nArt = "doctype"\nFile = "file"\nHash = "sha256"\nAZ = "aktenzeichen"\n',
        encoding="utf-8")
    wd = tmp_path / "wd"
    ingest_json(one, "-p", prof, "-w", wd, "-c", "komxwork", check=0)
    hf = wd / "export" / "komxwork"
    (idx,) = [p for p in hf.glob("*.xml")]
    schema = etree.XMLSchema(etree.parse(str(hf / "index.xsd")))
    tree = etree.parse(str(idx))
    assert schema.validate(tree), schema.error_log
    assert [etree.QName(e).localname for e in tree.getroot()][:5] == ["DocId", "Art", "File", "Hash", "AZ"]
    assert not list(hf.glob("*.ready")) and not list(hf.glob("stapel-*"))
    bad = tmp_path / "bad.toml"
    bad.write_text(prof.read_text("utf-8").replace('Hash = "sha256"', 'Hash = "colour"'), encoding="utf-8")
    p = run_ekte("ingest", one, "-p", bad, "-w", tmp_path / "wd2", "-c", "komxwork")
    assert p.returncode == 2 and "unknown key 'colour'" in p.stderr


def test_secrets_only_from_environment_or_private_file(tmp_path, monkeypatch):
    from ekte.connectors.common import secret
    from ekte.errors import ConfigError

    with pytest.raises(ConfigError, match="not read from profiles"):
        secret({"password": "geheim"}, "password", "cmis")
    monkeypatch.setenv("EKTE_TEST_PW", "s3cret")
    assert secret({"password_env": "EKTE_TEST_PW"}, "password", "cmis") == "s3cret"
    with pytest.raises(ConfigError, match="is not set"):
        secret({"password_env": "EKTE_NOT_SET_XYZ"}, "password", "cmis")
    f = tmp_path / "pw"
    f.write_text("filesecret\n")
    os.chmod(f, 0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        secret({"password_file": str(f)}, "password", "cmis")
    os.chmod(f, 0o600)
    assert secret({"password_file": str(f)}, "password", "cmis") == "filesecret"
    assert secret({}, "password", "cmis") is None


def _letter(path: Path, lines: list[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for ln in lines:
        pdf.cell(0, 8, ln, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def test_xdomea_one_vorgang_per_aktenzeichen(tmp_path):
    """A building application and two later letters to the same file number."""
    one = tmp_path / "one"
    one.mkdir()
    az = "BSP-63.20-2026/00042"
    _letter(one / "a.pdf", ["Bauantrag", "Antrag auf Baugenehmigung", f"Aktenzeichen: {az}", "Bauherr: Erika Beispiel",
                            "Gemarkung Musterdorf, Flur 3, Flurstück 17", "Bauvorhaben: Carport"])
    _letter(one / "b.pdf", ["Nachreichung von Bauvorlagen zum Bauantrag", f"Aktenzeichen: {az}",
                            "Bauvorhaben: Carport, Gemarkung Musterdorf", "Anlage: Lageplan"])
    _letter(one / "c.pdf", ["Stellungnahme Entwurfsverfasser zum Bauantrag", f"Aktenzeichen: {az}",
                            "Baugrundstück Gemarkung Musterdorf, Flurstück 17"])
    wd = tmp_path / "wd"
    res = ingest_json(one, "-w", wd, "-c", "folder", "-o", "classify.threshold=0", check=0)
    assert {d["fields"].get("aktenzeichen") for d in res["documents"]} == {az}
    p = run_ekte("export", "--all", "-w", wd, "-c", "xdomea", "-o", "connectors.xdomea.group_by=aktenzeichen",
                 "-o", f"connectors.xdomea.schema_dir={XSD_DIR}", "--json", check=0)
    out = json.loads(p.stdout)
    assert {d["export_results"]["xdomea"] for d in out["documents"]} == {"exported"}
    (c,) = (wd / "export" / "xdomea").glob("*.zip")
    assert {d["exports"]["xdomea"] for d in out["documents"]} == {str(c)}
    with zipfile.ZipFile(c) as z:
        xml = next(n for n in z.namelist() if n.endswith(".xml"))
        root = etree.fromstring(z.read(xml))
        assert len([n for n in z.namelist() if n.endswith(".pdf")]) == 3
    assert official_schema("4.0.0").validate(root)
    vorgaenge = root.findall(f".//{{{NS4}}}Vorgang")
    assert len(vorgaenge) == 1
    assert len(vorgaenge[0].findall(f"{{{NS4}}}DokumentOderDokumentMitSchriftstueck")) == 3
    nums = [e.text for e in root.iter(f"{{{NS4}}}NummerImUebergeordnetenContainer")]
    assert nums == ["1", "2", "3"]
    db = sqlite3.connect(wd / "journal.sqlite")
    assert {r[0] for r in db.execute("SELECT state FROM documents")} == {"exported"}
