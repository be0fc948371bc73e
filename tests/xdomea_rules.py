"""The rules of xdomea that no schema checks, as the shared examples'
READMEs state them (../shared/xdomea-examples/v4.0.0/README.md and
v3.0.0/README.md, citing the specification: p. 10/11 file names, §2.4
UUIDs of processes, messages and objects, §5.1.44 primary file names, §4.2
the namespace prefix), checked on every container in a folder — plus
schema validity and hashes.  Written from the READMEs, not from ekte's
code."""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections import defaultdict
from pathlib import Path

import pikepdf
from lxml import etree

from helpers import SHARED

XSD_DIR = SHARED / "schemas" / "xdomea"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_schemas: dict[str, etree.XMLSchema] = {}
_codes: dict[str, str] = {}


def schema(version: str) -> etree.XMLSchema:
    if version not in _schemas:
        _schemas[version] = etree.XMLSchema(
            etree.parse(str(XSD_DIR / version / "xdomea-Nachrichten-FachverfahrensdatenAustauschen.xsd")))
    return _schemas[version]


def _pdf_format(data: bytes) -> tuple[str, str]:
    """(code, version) the file itself calls for: 044 + PDF/A-<part><conformance>, or 018 + header version."""
    import io

    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        part, conf = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
        if part and conf:
            return "044", f"PDF/A-{part}{conf.lower()}"
        return "018", pdf.pdf_version


def _letters(text: str) -> str:
    """Only the ASCII letters and digits of *text*, lower case (to compare a file-safe Betreff)."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _named_after(part: str, betreff: str) -> bool:
    """Is *part* of a file name the Betreff, made file-safe (umlauts dropped or
    spelt out, other characters replaced, perhaps shortened)?"""
    spelt = betreff.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    return bool(_letters(part)) and any(_letters(b).startswith(_letters(part)) for b in (betreff, spelt))


def check_container(path: Path, version: str) -> dict:
    """Every per-container rule; returns what the cross-container rules need."""
    ns = f"urn:xoev-de:xdomea:schema:{version}"
    q = lambda *names: "/".join(f"{{{ns}}}{n}" for n in names)  # noqa: E731
    v4 = version.startswith("4")
    m = re.fullmatch(rf"({UUID})_0605_([1-9]\d*)\.zip" if v4 else rf"({UUID})_FVDaten\.SGOAblegen\.0605\.zip", path.name)
    assert m, f"container name breaks the {version} rule: {path.name}"
    prozess, lfd = m.group(1), int(m.group(2)) if v4 else 1
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        msg_name = path.name[:-4] + ".xml"  # the message is named like its container
        assert msg_name in names, (path.name, names)
        raw = z.read(msg_name)
        root = etree.fromstring(raw)
        files = {n: z.read(n) for n in names if n != msg_name}
    assert all("/" not in n for n in names)
    assert root.prefix == "xdomea" and all(e.prefix == "xdomea" for e in root.iter() if
                                           isinstance(e.tag, str) and etree.QName(e).namespace == ns)
    loc = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", "").split()
    assert len(loc) == 2 and loc[0] == ns and loc[1].endswith(".xsd"), loc
    assert schema(version).validate(root), schema(version).error_log
    if v4:
        kopf = root.find(q("nachrichtenkopf"))
        msg_uuid = kopf.findtext(f"{q('identifikation.nachricht')}/nachrichtenUUID")
        assert re.fullmatch(UUID, msg_uuid) and msg_uuid != prozess
        assert kopf.findtext(f"{q('identifikation.nachricht')}/nachrichtentyp/code") == "0605"
        assert kopf.findtext(q("ProzessID")) == prozess
    else:
        msg_uuid = None
        assert root.findtext(q("Kopf", "ProzessID")) == prozess
        assert root.findtext(f"{q('Kopf', 'Nachrichtentyp')}/code") == "0605"
    id_tag = "xdomeaUUID" if v4 else "ID"
    vorgaenge = root.findall(".//" + q("Vorgang"))
    assert len(vorgaenge) == 1
    vorgang_uuid = vorgaenge[0].findtext(q("Identifikation", id_tag))
    objects = [e.text for e in root.iter(f"{{{ns}}}{id_tag}")]  # every object of the message, Anlagen too
    assert len(set(objects)) == len(objects), "every object has a UUID of its own"
    ctx = {"q": q, "v4": v4, "files": files, "named": set(), "not_file": {*objects, prozess, msg_uuid}}
    doks, anlagen = [], []
    for dok in root.iter(q("Dokument")):
        if etree.QName(dok.getparent()).localname == "Anlage":
            continue  # 4.0.0: an Anlage wraps a Dokument; checked with the Dokument it belongs to
        dok_uuid = dok.findtext(q("Identifikation", id_tag))
        doks += [{"uuid": dok_uuid, **f} for f in _formats(dok, ctx)]
        for n, an in enumerate(dok.findall(q("Anlage")), 1):
            el = an.find(q("Dokument")) if v4 else an  # 3.x: the Anlage is a Dokument itself
            assert an.findtext(q("Nummer")) in (None, str(n)), "Anlagen numbered 1..n"
            anlagen += [{"uuid": el.findtext(q("Identifikation", id_tag)), "of": dok_uuid, **f}
                        for f in _formats(el, ctx)]
    assert ctx["named"] == set(files), "every member is a primary file named by the message"
    return {"prozess": prozess, "lfd": lfd, "message_uuid": msg_uuid, "vorgang": vorgang_uuid, "doks": doks,
            "anlagen": anlagen, "root": root}


def _formats(dok, ctx: dict) -> list[dict]:
    """The rules for the primary files of one Dokument (or Anlage): its own
    Version/Format elements, not those of its Anlagen."""
    q, files = ctx["q"], ctx["files"]
    out = []
    for fmt in dok.findall(q("Version", "Format")):
        pd = fmt.find(q("Primaerdokument"))
        fname = pd.findtext(q("Dateiname"))
        fm = re.fullmatch(rf"({UUID})(?:_([^/\\]+))?\.([A-Za-z0-9]+)", fname)
        assert fm, f"primary file name is not <UUID>.<ext> or <UUID>_<Betreff>.<ext>: {fname}"
        file_uuid = fm.group(1)
        if fm.group(2):  # <UUID>_<Betreff>: the Dokument's Betreff (made file-safe, perhaps shortened)
            betreff = dok.findtext(q("AllgemeineMetadaten", "Betreff")) or ""
            assert _named_after(fm.group(2), betreff), f"{fname}: not named after the Betreff {betreff!r}"
        # a UUID of its own: never the Dokument's, nor any other object's or the message's
        assert file_uuid not in ctx["not_file"], fname
        assert fname in files and fname not in ctx["named"]
        ctx["named"].add(fname)
        data = files[fname]
        if ctx["v4"]:
            assert pd.findtext(q("Hash", "Wert")) == hashlib.sha256(data).hexdigest()
        orig = pd.findtext(q("DateinameOriginal"))  # the original's name, with the type of the file sent
        assert orig is None or orig.rpartition(".")[2].lower() == fm.group(3).lower(), (fname, orig)
        code, ver = fmt.findtext(f"{q('Name')}/code"), fmt.findtext(q("Version"))
        assert dateiformat_ext()[code] == fm.group(3).lower(), f"{fname}: format code {code} is another type"
        assert (code, ver) == _file_format(data, fm.group(3).lower()), (fname, code, ver)
        out.append({"file_uuid": file_uuid, "sha256": hashlib.sha256(data).hexdigest(), "name": fname})
    return out


def dateiformat_ext() -> dict[str, str]:
    """Code → file extension, from the KoSIT code list Dateiformat 2.0 (xdomea 4.0.0)."""
    if not _codes:
        t = etree.parse(str(XSD_DIR / "4.0.0" / "code_lists" / "Dateiformat_2.0.xml"))
        for row in t.iter("{*}Row"):
            vals = [v.findtext("{*}SimpleValue") or "" for v in row.iter("{*}Value")]
            _codes[vals[0]] = vals[-1].lower()
    return _codes


def _file_format(data: bytes, ext: str) -> tuple[str, str]:
    """(code, version) the file itself calls for: PDF as in _pdf_format; XML: 030 with its XML version."""
    if ext == "pdf":
        return _pdf_format(data)
    assert ext == "xml", ext
    doc = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True)).getroottree()
    return "030", doc.docinfo.xml_version


def check_folder(folder: Path, version: str = "4.0.0") -> list[dict]:
    """Every container in *folder*, and the rules across them."""
    infos = [check_container(c, version) for c in sorted(Path(folder).glob("*.zip"))]
    assert len(list(Path(folder).iterdir())) == len(infos), "nothing but containers in the folder"
    if version.startswith("4"):
        msg_uuids = [i["message_uuid"] for i in infos]
        assert len(set(msg_uuids)) == len(msg_uuids), "every message has a nachrichtenUUID of its own"
        by_prozess: dict[str, list[dict]] = defaultdict(list)
        for i in infos:
            by_prozess[i["prozess"]].append(i)
        vorgang_of = {}
        for p, msgs in by_prozess.items():
            assert sorted(i["lfd"] for i in msgs) == list(range(1, len(msgs) + 1)), "running numbers 1..n per type"
            assert len({i["vorgang"] for i in msgs}) == 1, "one Prozess: one Vorgang"
            vorgang_of[p] = msgs[0]["vorgang"]
        assert len(set(vorgang_of.values())) == len(vorgang_of), "one Vorgang: one Prozess"
    else:
        prozesse = [i["prozess"] for i in infos]
        assert len(set(prozesse)) == len(prozesse), "3.x: one message of a type per Prozess"
    # an object keeps its UUID, and a file UUID names one file content
    file_sha: dict[str, str] = {}
    dok_vorgang: dict[str, str] = {}
    anlage_of: dict[str, str] = {}
    for i in infos:
        for d in i["doks"] + i["anlagen"]:
            assert file_sha.setdefault(d["file_uuid"], d["sha256"]) == d["sha256"]
            assert dok_vorgang.setdefault(d["uuid"], i["vorgang"]) == i["vorgang"]
        for a in i["anlagen"]:  # an Anlage stays the Anlage of its Dokument
            assert anlage_of.setdefault(a["uuid"], a["of"]) == a["of"]
    return infos
