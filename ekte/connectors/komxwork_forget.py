"""What ``ekte retention delete`` does to the komXwork connector's records
of a deleted document: its batch manifests (``stapel-<batch>.xml``) are
written again without its ``Eintrag`` (one it alone was in is removed), and
the connector's ledger forgets it, so a manifest still to be written does
not name it.  A manifest that cannot be found, or lies outside the working
directory (a DMS's hot folder keeps its own), is named as kept."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lxml import etree

from ekte import fsutil
from ekte.connectors.komxwork import LEDGER_DDL, NS
from ekte.connectors.ledger import Ledger


def forget(workdir: Path, location: Path) -> dict[str, list[Any]] | None:
    """The document exported at *location* (``<uuid>.pdf``) was removed:
    ``{"removed", "changed", "kept"}`` of its manifests."""
    if not (workdir / "state" / "komxwork.sqlite").is_file():
        return None
    uuid, out = location.stem, {"removed": [], "changed": [], "kept": []}
    ledger = Ledger(workdir, "komxwork", LEDGER_DDL)
    try:
        with ledger.tx() as db:
            rows = [dict(r) for r in db.execute("SELECT * FROM entries WHERE dokument_id=?", (uuid,))]
            for name in dict.fromkeys(r["manifest"] for r in rows if r["manifest"]):
                _drop_entry(workdir, name, [Path(r["root"]) for r in rows] + [location.parent], uuid, out)
            db.execute("DELETE FROM entries WHERE dokument_id=?", (uuid,))
    finally:
        ledger.close()
    return out


def _candidates(workdir: Path, manifest: str, roots: list[Path]) -> list[Path]:
    """Where the manifest recorded as *manifest* may be: an absolute path
    as recorded; else (older ledgers) the name alone below a hot folder, or
    a path relative to the then current directory — tried from here and, as
    ``<workdir>/export/komxwork/…``, below the working directory."""
    m = Path(manifest)
    if m.is_absolute():
        return [m]
    tail = m.as_posix().partition("/export/komxwork/")[2]
    here = [Path.cwd() / m, *([workdir / "export" / "komxwork" / tail] if tail else [])] if len(m.parts) > 1 else []
    return here + [p for r in roots for p in (r / "_ekte" / m.name, r / m.name)]


def _drop_entry(workdir: Path, manifest: str, roots: list[Path], uuid: str, out: dict[str, list[Any]]) -> None:
    """Write the batch manifest *manifest* (its path, or its name alone as
    older ledgers kept it) again without the entry of *uuid*; removed when
    it was the only one."""
    path = next((p for p in _candidates(workdir, manifest, roots) if p.is_file()), None)
    if path is None:
        out["kept"].append(f"komxwork: the batch manifest {Path(manifest).name} lists it (not found: its meta folder "
                           "was moved)")
        return
    wd = workdir.resolve()
    if wd not in path.resolve().parents:
        out["kept"].append(f"komxwork: {path} lists it (outside the working directory: the DMS's folder keeps "
                           "its own)")
        return
    try:
        tree = etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError):
        out["kept"].append(f"komxwork: the batch manifest {path.name} may list it (it cannot be read)")
        return
    gone = [e for e in tree.findall(f"{{{NS}}}Eintrag") if e.get("dokumentID") == uuid]
    for e in gone:
        tree.remove(e)
    if not gone:
        return
    left = len(tree.findall(f"{{{NS}}}Eintrag"))
    if not left:
        path.unlink()
        out["removed"].append(path)
        return
    tree.set("anzahl", str(left))
    st = path.stat()
    group = st.st_gid if st.st_gid == os.getegid() or st.st_gid in os.getgroups() else None
    fsutil.write_bytes(path, etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True),
                       st.st_mode & 0o7777, group)
    out["changed"].append(path)
